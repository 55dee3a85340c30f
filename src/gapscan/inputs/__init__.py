"""The parts of reading an export, one module per format and per survey tool.

Formats: what the bytes are (:mod:`~gapscan.inputs.magic`), compressed files, zips and
standard input (:mod:`~gapscan.inputs.stored`), CSV (:mod:`~gapscan.inputs.csv_sniff`,
:mod:`~gapscan.inputs.encoding`, :mod:`~gapscan.inputs.records`,
:mod:`~gapscan.inputs.csv_batches`), XLSX (:mod:`~gapscan.inputs.xlsx`), Parquet
(:mod:`~gapscan.inputs.parquet`), SPSS and Stata (:mod:`~gapscan.inputs.spss`) and data
frames in memory (:mod:`~gapscan.inputs.frame`).

Survey tools: each recognises its own header layout (:mod:`~gapscan.inputs.qualtrics`,
:mod:`~gapscan.inputs.surveymonkey`, :mod:`~gapscan.inputs.googleforms`,
:mod:`~gapscan.inputs.limesurvey`, :mod:`~gapscan.inputs.plain`), on what
:mod:`~gapscan.inputs.layout` and :mod:`~gapscan.inputs.blocks` share;
:mod:`~gapscan.inputs.tools` lists them in the order they are tried.

:mod:`~gapscan.inputs.source` puts them together behind ``open_source``."""
