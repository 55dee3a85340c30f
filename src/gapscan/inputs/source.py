"""Read any supported export (CSV in its dialects and encodings, also compressed, in a
zip or on standard input; XLSX, Parquet, SPSS and Stata files; data frames in memory)
as batches of Arrow text columns, each format read by its module in this package.

Reading is two-step: :func:`open_source` looks at the file (format, encoding,
delimiter, header) without reading it all, so that missing columns are reported
before the expensive part; :meth:`Source.batches` then streams only the columns needed.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from gapscan.errors import GapscanError
from gapscan.inputs import csv_sniff as sniff
from gapscan.inputs import parquet, spss
from gapscan.inputs.csv_sniff import SAMPLE_BYTES
from gapscan.inputs.frame import Frame, sample_records
from gapscan.inputs.frame import text_batches as frame_batches
from gapscan.inputs.layout import Layout
from gapscan.inputs.magic import identify, unwrap
from gapscan.inputs.records import LineIndex, line_index, plain_lines
from gapscan.inputs.source_batches import metered, metered_parts, records_of
from gapscan.inputs.stored import STDIN, STDIN_NAME, Stored, spooled_stdin
from gapscan.inputs.tools import detect_layout
from gapscan.inputs.xlsx import Sheet, check_formulas, read_sheet, sheet_batches

if TYPE_CHECKING:
    import pyarrow as pa

SAMPLE_RECORDS = 20  # records looked at to recognise a survey tool's header
PLAIN = LineIndex(0, array("q"), array("q"))  # one line per record: no index needed


@dataclass
class Source:
    """One data file, sniffed: what it is, which survey tool wrote it, which columns it
    has. A column is addressed by its name, a Qualtrics ImportId or its question text."""

    path: Path
    format: str  # csv | xlsx | parquet | sav | por | dta | frame (a data frame in memory)
    layout: Layout
    encoding: str = "utf-8"
    delimiter: str = ","
    header_lines: int = 1  # CSV: the physical lines the header rows take (quoted breaks)
    preamble_lines: int = 0  # CSV: lines before the header (Excel's "sep=;" line)
    _sheet: Sheet | None = field(default=None, repr=False)
    _lines: LineIndex | None = field(default=None, repr=False)
    _frame: Frame | None = field(default=None, repr=False)
    _stored: Stored | None = field(default=None, repr=False)
    _spss: spss.SpssFile | None = field(default=None, repr=False)

    @property
    def name(self) -> str:
        if self._frame is not None:
            return self._frame.name
        return self.stored.name

    @property
    def stored(self) -> Stored:
        """Where the bytes are: the file, or what a compressed file or zip holds."""
        return self._stored or Stored(self.path, str(self.path))

    @property
    def columns(self) -> list[str]:
        return list(self.layout.columns)

    @property
    def variables(self) -> dict[str, spss.Variable]:
        """An SPSS or Stata file's variables (labels, value labels, missing values) by
        column name; empty for other formats."""
        if self._spss is None:
            return {}
        return dict(zip(self.layout.columns, self._spss.variables, strict=True))

    @property
    def header_rows(self) -> int:
        return self.layout.header_rows

    def find(self, name: str) -> int | None:
        """The position of a column named by its name, ImportId or question text. A name
        the header repeats is ambiguous (None); its copies are 'name (1)', 'name (2)'..."""
        if self.repeats(name) > 1:
            return None
        match = re.fullmatch(r"(.*) \(1\)", name)
        if match and self.repeats(match.group(1)) > 1:
            return self.layout.find(match.group(1))
        return self.layout.find(name)

    def repeats(self, name: str) -> int:
        """How many columns of the header carry this name."""
        columns = self.layout.columns
        if name not in columns:
            return 0
        count = 1
        while f"{name} ({count + 1})" in columns:
            count += 1
        return count

    def row_number(self, index: int) -> int:
        """Where the 0-based data row ``index`` starts: the line of a CSV file (blank
        lines and quoted line breaks counted), the row of a sheet (header = row 1), the
        position of a frame's row (``df.iloc``: the first row is 0)."""
        if self._frame is not None:
            return index + self.header_rows - 1
        if self.format == "csv":
            if self._lines is None:
                plain = plain_lines(self.stored, self.encoding)
                self._lines = PLAIN if plain else line_index(records_of(self))
            line = self._lines.line(index)
            if line is not None:
                return line
        return index + self.header_rows + self.preamble_lines + 1

    def read(self, columns: list[str]) -> pa.Table:
        """The named columns whole, as one table (see :meth:`batches`): for small
        reads; the analysis streams."""
        import pyarrow as pa

        return pa.Table.from_batches(list(self.batches(columns)))

    def batches(
        self,
        columns: list[str],
        *,
        ordered: bool = True,
        plain: Collection[str] = (),
        at_once: bool = False,
    ) -> Iterator[pa.RecordBatch]:
        """Read the named columns (which must exist: see :meth:`find`) as text, under
        the names asked for, a bounded number of rows at a time (at least one batch,
        perhaps empty). CSV columns arrive dictionary-encoded: survey answers repeat a
        few labels; so do Parquet columns stored with a dictionary. The ``plain``
        columns (respondent ids: as many values as rows) may arrive as plain text.

        Not ``ordered``: the batches may come in any order (a large plain CSV file is
        then read as two ranges at once, see :mod:`gapscan.inputs.csv_parts`), and a
        read that fails part-way raises
        :class:`~gapscan.inputs.source_batches.Unordered` (read in order to learn what
        is wrong). ``ordered`` and ``at_once``: in file order, a large plain CSV file
        read in chunks two at a time (:mod:`gapscan.inputs.csv_chunks`); a read that
        fails part-way raises ``Unordered`` too."""
        wanted, positions = self._positions(columns)
        if self._frame is not None or self.format == "xlsx":
            return self._in_memory(wanted, positions)
        return metered(self, wanted, positions, ordered, frozenset(plain), at_once)

    def parts(
        self, columns: list[str], *, plain: Collection[str] = ()
    ) -> Iterator[tuple[int, pa.RecordBatch]]:
        """:meth:`batches`, each with the number of the part of the file it comes from:
        a large plain CSV file is read as two ranges at once, part 0 and then part 1 in
        the file, each part's batches in file order (the parts' batches interleaved),
        and a read that fails part-way raises
        :class:`~gapscan.inputs.source_batches.Unordered`. Any other input is part 0."""
        wanted, positions = self._positions(columns)
        if self._frame is not None or self.format == "xlsx":
            return ((0, batch) for batch in self._in_memory(wanted, positions))
        return metered_parts(self, wanted, positions, True, frozenset(plain))

    def _positions(self, columns: list[str]) -> tuple[list[str], list[int]]:
        """The columns asked for, each once, and their positions in the file."""
        wanted = list(dict.fromkeys(columns))
        positions = []
        for name in wanted:
            position = self.find(name)
            if position is None:
                raise GapscanError.single(
                    missing_column_message(self, name),
                    file=self.name,
                    line=self.preamble_lines + 1,
                )
            positions.append(position)
        return wanted, positions

    def _in_memory(self, wanted: list[str], positions: list[int]) -> Iterator[pa.RecordBatch]:
        """A data frame's or a worksheet's batches."""
        if self._frame is not None:
            return frame_batches(self._frame, wanted, positions, self.header_rows - 1)
        assert self._sheet is not None
        check_formulas(self.path, self._sheet, positions)
        return sheet_batches(self._sheet, self.header_rows, wanted, positions)


def missing_column_message(source: Source, name: str) -> str:
    copies = source.repeats(name)
    if copies > 1:
        names = ", ".join(f"'{name} ({i})'" for i in range(1, copies + 1))
        return f"column '{name}' appears {copies} times in the header: name one of {names}"
    return f"no column '{name}'"


def open_source(
    path: str | Path | Frame, *, export_format: str | None = None, sheet: str | None = None
) -> Source:
    """Identify a data file's format, survey tool and columns; a clear error if it is
    not a table. ``export_format`` forces the survey tool (see ``inputs.tools.TOOLS``);
    ``sheet`` picks an XLSX sheet by name (default: the first). A :class:`Frame` (a
    data frame in memory) is read as a CSV file of the same cells would be."""
    if isinstance(path, Frame):
        return _open_frame(path, export_format)
    path = Path(path)
    stored = _stored(path)
    name = stored.name
    try:
        regular = stored.path.is_file()
        if not regular and stored.path.exists() and not stored.path.is_dir():
            raise GapscanError.single(
                "this is not a regular file (a device or a pipe?)",
                file=name,
                hint="give a CSV, XLSX or Parquet file",
            )
        with stored.path.open("rb") as fh:
            head = fh.read(SAMPLE_BYTES)
    except (ValueError, UnicodeError):
        raise GapscanError.single("the file name is not valid", file=name) from None
    except FileNotFoundError:
        raise GapscanError.single("data file not found", file=name, hint="check the path") from None
    except IsADirectoryError:
        raise GapscanError.single("this is a directory, not a data file", file=name) from None
    except OSError as exc:
        raise GapscanError.single(f"cannot read the file: {exc.strerror}", file=name) from None
    if not head.strip():
        raise GapscanError.single(
            "the file is empty", file=name, hint="export the survey again, with its header row"
        )
    if str(path) != STDIN:  # an SPSS or Stata file is read by name (pyreadstat seeks)
        labelled = spss.recognise(path, head)
        if labelled is not None:
            return _open_spss(path, labelled, export_format, sheet)
    stored, head = unwrap(stored, head, SAMPLE_BYTES)
    kind = identify(path, head, name=name)
    if kind != "csv" and str(path) == STDIN:
        raise GapscanError.single(
            f"standard input holds {kind.upper()} data; gapscan reads CSV from it",
            file=name,
            hint="give the file by its name",
        )
    if kind == "parquet":
        return _open_parquet(path, export_format)
    if kind == "xlsx":
        return _open_xlsx(path, export_format, sheet)
    if sheet is not None:
        raise GapscanError.single("--sheet applies to XLSX files only", file=name)
    return _open_csv(path, stored, head, export_format)


def _stored(path: Path) -> Stored:
    """``-`` is standard input, spooled to a temporary file."""
    if str(path) == STDIN:
        return Stored(spooled_stdin(), STDIN_NAME)
    return Stored(path, str(path))


def _layout(records: list[list[str]], forced: str | None, name: str) -> Layout:
    """Recognise the survey tool from the first records (header rows and a few answers)."""
    try:
        return detect_layout(records, forced)
    except ValueError as exc:
        raise GapscanError.single(
            str(exc), file=name, line=1, hint="drop --export-format to let gapscan detect it"
        ) from None


# ----------------------------------------------------------------------------- CSV


def _open_csv(path: Path, stored: Stored, head: bytes, forced: str | None) -> Source:
    name = stored.name
    encoding = sniff.detect_encoding(head)
    if encoding != "utf-16" and b"\x00" in head:
        raise GapscanError.single(
            "this is not a text table (it holds binary data)",
            file=name,
            hint="give a CSV, XLSX or Parquet export",
        )
    text = sniff.sample_text(head, encoding, name)
    named = sniff.SEP_LINE.match(text)  # Excel's "sep=;" line names the delimiter
    preamble = 1 if named else 0
    if named:
        text = text[named.end() :]
    delimiter = named.group(1) if named else sniff.sniff_delimiter(text)
    records = sniff.sample_records(text, delimiter, SAMPLE_RECORDS)
    sniff.check_header(records, name, preamble + 1)
    layout = _layout(records, forced, name)
    return Source(
        path=path,
        format="csv",
        layout=layout,
        encoding=encoding,
        delimiter=delimiter,
        header_lines=preamble + sniff.lines_of_records(text, delimiter, layout.header_rows),
        preamble_lines=preamble,
        _stored=stored,
    )


def _open_parquet(path: Path, forced: str | None) -> Source:
    layout = _layout([parquet.column_names(path)], forced or "plain", str(path))
    return Source(path=path, format="parquet", layout=replace(layout, header_rows=0))


# ---------------------------------------------------------------------- SPSS, Stata


def _open_spss(path: Path, kind: str, forced: str | None, sheet: str | None) -> Source:
    """A file's variables are its columns, their variable labels the question texts."""
    if sheet is not None:
        raise GapscanError.single("--sheet applies to XLSX files only", file=str(path))
    opened = spss.open_file(path, kind)
    layout = _layout([opened.names], forced or "plain", str(path))
    texts = tuple(v.label or v.name for v in opened.variables)
    layout = replace(layout, header_rows=0, texts=texts)
    return Source(path=path, format=kind, layout=layout, _spss=opened)


# --------------------------------------------------------------------------- frames


def _open_frame(frame: Frame, forced: str | None) -> Source:
    """A frame's header rows beyond its column names (a Qualtrics export read by
    pandas keeps two) are its first rows: recognised as a CSV file's are."""
    if not frame.table.num_columns:
        raise GapscanError.single("the frame has no columns", file=frame.name)
    layout = _layout(sample_records(frame), forced, frame.name)
    return Source(path=Path(frame.name), format="frame", layout=layout, _frame=frame)


# ---------------------------------------------------------------------------- XLSX


def _open_xlsx(path: Path, forced: str | None, sheet: str | None) -> Source:
    opened = read_sheet(path, sheet)
    rows = opened.rows
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise GapscanError.single("the sheet has no header row", file=str(path), line=1)
    width = max(i + 1 for i, cell in enumerate(rows[0]) if cell.strip())
    records = [row[:width] + [""] * (width - len(row)) for row in rows[:SAMPLE_RECORDS]]
    return Source(
        path=path, format="xlsx", layout=_layout(records, forced, str(path)), _sheet=opened
    )


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
