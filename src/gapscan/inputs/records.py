"""Where a CSV file's records start, counted in physical lines (blank lines and quoted
line breaks included; a line ends at ``\\n``, ``\\r\\n`` or a lone ``\\r``). Read with
the csv module, and only when a problem must name its line."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from gapscan.errors import GapscanError

MAX_EXAMPLE_ROWS = 5


@dataclass(frozen=True)
class Records:
    """A CSV file as text: its encoding, its delimiter, and how many records (a sep=
    line, the header rows) come before the data."""

    path: Path
    encoding: str
    delimiter: str
    skip: int


def data_records(records: Records) -> Iterator[tuple[int, int]]:
    """(line where it starts, number of fields) of each data record; empty lines are
    skipped, as pyarrow skips them."""
    encoding = "utf-8-sig" if records.encoding == "utf-8" else records.encoding
    with records.path.open(encoding=encoding, errors="replace", newline="") as fh:
        reader = csv.reader(fh, delimiter=records.delimiter)
        skip, previous = records.skip, 0
        try:
            for record in reader:
                start, previous = previous + 1, reader.line_num
                if not record:
                    continue
                if skip:
                    skip -= 1
                    continue
                yield start, len(record)
        except csv.Error:
            return


def plain_lines(path: Path, encoding: str) -> bool:
    """True when each line of the file is one record (no blank lines, no quotes)."""
    import mmap

    if encoding == "utf-16":
        return False
    with path.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        return all(mm.find(blank) < 0 for blank in (b'"', b"\n\n", b"\n\r\n", b"\r\r"))


def record_lines(records: Records) -> list[int]:
    """The line on which each data record starts."""
    return [line for line, _ in data_records(records)]


def check_widths(records: Records, width: int) -> None:
    """An error naming the records whose number of fields is not the header's."""
    found: list[tuple[int, int]] = []
    count = 0
    for line, fields in data_records(records):
        if fields != width:
            count += 1
            if len(found) < MAX_EXAMPLE_ROWS:
                found.append((line, fields))
    if not found:
        return
    examples = ", ".join(f"line {line} ({fields} fields)" for line, fields in found)
    more = f" and {count - len(found)} more" if count > len(found) else ""
    rows = "1 row does" if count == 1 else f"{count} rows do"
    raise GapscanError.single(
        f"{rows} not have the header's {width} fields: {examples}{more}",
        file=str(records.path),
        line=found[0][0],
        hint="a delimiter or a line break inside a value that is not quoted? Quote such "
        "values, or export the file again",
        code="ragged-row",
    )
