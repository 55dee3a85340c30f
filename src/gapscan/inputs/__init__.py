"""The format-specific parts of reading an export: what the bytes are
(:mod:`~gapscan.inputs.magic`), which text encoding the whole file is in
(:mod:`~gapscan.inputs.encoding`), and XLSX workbooks (:mod:`~gapscan.inputs.xlsx`).
:mod:`gapscan.readers` puts them together behind ``open_source``."""
