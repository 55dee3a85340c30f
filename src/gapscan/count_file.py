"""Read a count table file (CSV or Parquet) into text columns and each row's line.

A count table is small (one row per question x side x segment x answer), so it is
read whole: CSV through the standard library's reader, which gives each record's first
line even when a quoted cell spans lines; Parquet through pyarrow, any column type read
as its text. A null (a Parquet null, or an empty CSV field) reads as None.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from gapscan.errors import GapscanError

Cell = str | None


@dataclass(frozen=True)
class CountFile:
    """A count table's header, its columns as text (None: null), and the line of each
    row in the file (Parquet: the row's number counted from 2, the header being 1)."""

    name: str
    format: str
    header: tuple[str, ...]
    columns: dict[str, list[Cell]]
    lines: list[int]

    @property
    def rows(self) -> int:
        return len(self.lines)


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
    name = str(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise GapscanError.single(
            f"the file is not UTF-8 text (byte {exc.start:,})",
            file=name,
            hint="write the count table as UTF-8",
            code="mixed-encoding",
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise GapscanError.single("the file has no header row", file=name, line=1) from None
    header = [h.strip() for h in header]
    cells: list[list[Cell]] = [[] for _ in header]
    lines: list[int] = []
    start = reader.line_num + 1
    try:
        for record in reader:
            if not record:  # an empty line
                start = reader.line_num + 1
                continue
            if len(record) != len(header):
                raise GapscanError.single(
                    f"the row has {len(record)} fields, the header {len(header)}",
                    file=name,
                    line=start,
                    hint="write one field per header column on every row",
                    code="ragged-row",
                )
            for column, value in zip(cells, record, strict=True):
                column.append(value if value != "" else None)
            lines.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise GapscanError.single(
            f"the CSV cannot be read: {exc}", file=name, line=start, hint="check the quoting"
        ) from None
    columns = {h: cells[i] for i, h in enumerate(header) if h not in dict.fromkeys(header[:i])}
    return CountFile(name, "csv", tuple(header), columns, lines)


def _parquet(path: Path) -> CountFile:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    name = str(path)
    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowException) as exc:
        raise GapscanError.single(f"the Parquet file cannot be read: {exc}", file=name) from None
    columns: dict[str, list[Cell]] = {}
    for field_name, column in zip(table.column_names, table.columns, strict=True):
        if field_name in columns:
            continue
        if not pa.types.is_string(column.type) and not pa.types.is_large_string(column.type):
            if pa.types.is_dictionary(column.type):
                column = column.cast(column.type.value_type)
            column = pc.cast(column, pa.string())
        columns[field_name] = column.to_pylist()
    lines = list(range(2, table.num_rows + 2))
    return CountFile(name, "parquet", tuple(table.column_names), columns, lines)
