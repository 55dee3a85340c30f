"""Read a count table file (CSV or Parquet) into dictionary-encoded text columns.

A column is its distinct values and each row's index into them (a null: the index
``len(values)``), so that every check and every match is made once per distinct value
and the rows follow by array lookups. CSV is read by pyarrow, every column as text
(quoted cells may span lines); a file pyarrow refuses is read again by the standard
library's reader, which names the line of a ragged row or a bad quote. Line numbers
(the header is line 1) are found only when a message needs them, by a second pass.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from gapscan.errors import GapscanError

if TYPE_CHECKING:
    import pyarrow as pa


@dataclass(frozen=True)
class Column:
    """A text column: its distinct values and each row's index (``len(values)``: null)."""

    values: list[str]
    indices: np.ndarray

    @property
    def null(self) -> int:
        return len(self.values)

    def table(self, of_value: Sequence[object]) -> np.ndarray:
        """Each row's entry of ``of_value`` (one per value, then the null's)."""
        per_value: np.ndarray = np.asarray(of_value)
        return np.asarray(per_value[self.indices])

    def text(self, row: int) -> str | None:
        index = int(self.indices[row])
        return self.values[index] if index < self.null else None


class CountFile:
    """A count table's header and columns; ``line(row)`` its line in the file (Parquet:
    the row's number counted from 2, the header being 1)."""

    def __init__(
        self, name: str, kind: str, header: tuple[str, ...], columns: dict[str, Column], rows: int
    ) -> None:
        self.name = name
        self.format = kind
        self.header = header
        self.columns = columns
        self.rows = rows
        self._lines: list[int] | None = None

    def line(self, row: int) -> int:
        if self.format != "csv":
            return row + 2
        if self._lines is None:
            self._lines = [start for start, _ in _records(Path(self.name))]
        return self._lines[row]


def read_count_file(path: Path) -> CountFile:
    """The file's header and columns; a clear error when it cannot be read."""
    from gapscan.inputs.magic import identify

    name = str(path)
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except FileNotFoundError:
        raise GapscanError.single(
            "count table not found", file=name, hint="check the path"
        ) from None
    except IsADirectoryError:
        raise GapscanError.single("this is a directory, not a count table", file=name) from None
    except OSError as exc:
        raise GapscanError.single(f"cannot read the file: {exc.strerror}", file=name) from None
    if not head.strip():
        raise GapscanError.single(
            "the file is empty", file=name, hint="write the count table with its header row"
        )
    kind = identify(path, head)
    if kind == "parquet":
        return _parquet(path)
    if kind != "csv":
        raise GapscanError.single(
            f"a count table is CSV or Parquet, not {kind.upper()}",
            file=name,
            hint="save the count table as CSV or Parquet",
        )
    return _csv(path)


def _csv(path: Path) -> CountFile:
    """Through pyarrow, every column as text; through the standard library when
    pyarrow refuses the file (which then names the line at fault)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    header = _header(path)
    try:
        table = pacsv.read_csv(
            path,
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(header, pa.string()),
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
                null_values=[""],
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError):
        return _csv_by_records(path, [h.strip() for h in header])
    columns = {}
    for i, column_name in enumerate(table.column_names):
        if column_name.strip() not in columns:
            columns[column_name.strip()] = _column(table.column(i))
    names = tuple(h.strip() for h in header)
    return CountFile(str(path), "csv", names, columns, table.num_rows)


def _header(path: Path) -> list[str]:
    """The header's fields as written."""
    for _, record in _records(path, header=True):
        return record
    raise GapscanError.single("the file has no header row", file=str(path), line=1)


def _records(path: Path, header: bool = False) -> Iterator[tuple[int, list[str]]]:
    """Each non-empty record with its first line (the header's too with ``header``),
    read as it goes; a clear error for text that is not UTF-8, a ragged row or a bad
    quote."""
    name = str(path)
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh, strict=True)
        start, width = 1, None
        try:
            for record in reader:
                if record:
                    if width is None:
                        width = len(record)
                        if header:
                            yield start, record
                    elif len(record) != width:
                        raise GapscanError.single(
                            f"the row has {len(record)} fields, the header {width}",
                            file=name,
                            line=start,
                            hint="write one field per header column on every row",
                            code="ragged-row",
                        )
                    else:
                        yield start, record
                start = reader.line_num + 1
        except UnicodeDecodeError:
            raise GapscanError.single(
                "the file is not UTF-8 text",
                file=name,
                line=_undecodable_line(path),
                hint="write the count table as UTF-8",
                code="mixed-encoding",
            ) from None
        except csv.Error as exc:
            raise GapscanError.single(
                f"the CSV cannot be read: {exc}", file=name, line=start, hint="check the quoting"
            ) from None


def _undecodable_line(path: Path) -> int:
    """The line of the first byte that is not UTF-8."""
    data = path.read_bytes()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return data.count(b"\n", 0, exc.start) + 1
    return 1


def _csv_by_records(path: Path, header: list[str]) -> CountFile:
    cells: list[list[str | None]] = [[] for _ in header]
    rows = 0
    for _, record in _records(path):
        rows += 1
        for column, value in zip(cells, record, strict=True):
            column.append(value if value != "" else None)
    columns: dict[str, Column] = {}
    for column_name, values in zip(header, cells, strict=True):
        if column_name not in columns:
            columns[column_name] = _column_of(values)
    return CountFile(str(path), "csv", tuple(header), columns, rows)


def _column_of(cells: list[str | None]) -> Column:
    position: dict[str, int] = {}
    for cell in cells:
        if cell is not None and cell not in position:
            position[cell] = len(position)
    null = len(position)
    indices = [null if c is None else position[c] for c in cells]
    return Column(list(position), np.asarray(indices, dtype=np.int64))


def _column(column: pa.ChunkedArray) -> Column:
    """A text column dictionary-encoded, its indices read from the Arrow buffers
    (``to_numpy`` would import pandas)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    array = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    if pa.types.is_dictionary(array.type):
        array = array.cast(array.type.value_type)
    if not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
        array = pc.cast(array, pa.string())
    if len(array) == 0:
        return Column([], np.empty(0, dtype=np.int64))
    encoded = pc.dictionary_encode(array)
    values = [str(v) for v in encoded.dictionary.to_pylist()]
    indices = pc.fill_null(encoded.indices, len(values))
    buffer = indices.buffers()[1]
    width = indices.type.bit_width
    start = indices.offset
    raw = np.frombuffer(buffer, dtype=np.dtype(f"int{width}"))[start : start + len(indices)]
    return Column(values, raw.astype(np.int64))


def _parquet(path: Path) -> CountFile:
    import pyarrow as pa
    import pyarrow.parquet as pq

    name = str(path)
    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowException) as exc:
        raise GapscanError.single(f"the Parquet file cannot be read: {exc}", file=name) from None
    columns: dict[str, Column] = {}
    for i, column_name in enumerate(table.column_names):
        if column_name not in columns:
            columns[column_name] = _column(table.column(i))
    return CountFile(name, "parquet", tuple(table.column_names), columns, table.num_rows)
