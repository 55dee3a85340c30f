"""Where a CSV file's records start, counted in physical lines (blank lines and quoted
line breaks included; a line ends at ``\\n``, ``\\r\\n`` or a lone ``\\r``). Read with
the csv module, streaming, and only when a problem must name its line."""

from __future__ import annotations

import csv
import io
from array import array
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from gapscan.errors import GapscanError
from gapscan.inputs.stored import Stored, plain

MAX_EXAMPLE_ROWS = 5
BLOCK = 1 << 22


@dataclass(frozen=True)
class Records:
    """A CSV file as text: its encoding, its delimiter, and how many records (a sep=
    line, the header rows) come before the data."""

    path: Path | Stored  # a file, or what a compressed file holds
    encoding: str
    delimiter: str
    skip: int

    @property
    def stored(self) -> Stored:
        return plain(self.path)


def data_records(records: Records) -> Iterator[tuple[int, int]]:
    """(line where it starts, number of fields) of each data record; empty lines are
    skipped, as pyarrow skips them."""
    encoding = "utf-8-sig" if records.encoding == "utf-8" else records.encoding
    with records.stored.open() as raw:
        fh = io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline="")
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


def plain_lines(path: Path | Stored, encoding: str) -> bool:
    """True when each line of the file is one record (no blank lines, no quotes); the
    file is read in blocks."""
    if encoding == "utf-16":
        return False
    patterns = (b'"', b"\n\n", b"\n\r\n", b"\r\r")
    tail = b""
    with plain(path).open() as fh:
        while block := fh.read(BLOCK):
            data = tail + block
            if any(data.find(pattern) >= 0 for pattern in patterns):
                return False
            tail = data[-2:]  # a pattern cut by the block's end
    return True


@dataclass(frozen=True)
class LineIndex:
    """Where each data record starts, compactly: a record's line is its index plus an
    offset that changes only after a record spanning several lines or a blank line;
    ``starts`` holds the records where it changes, ``offsets`` the new offsets."""

    count: int
    starts: array[int]
    offsets: array[int]

    def line(self, index: int) -> int | None:
        """The line of data record ``index`` (0-based), None past the last record."""
        if not 0 <= index < self.count:
            return None
        return index + self.offsets[bisect_right(self.starts, index) - 1]


def line_index(records: Records) -> LineIndex:
    """One streaming pass over the records (memory: one entry per change of offset)."""
    starts, offsets = array("q"), array("q")
    count = 0
    for count, (line, _) in enumerate(data_records(records), start=1):
        offset = line - (count - 1)
        if not offsets or offsets[-1] != offset:
            starts.append(count - 1)
            offsets.append(offset)
    return LineIndex(count, starts, offsets)


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
        file=records.stored.name,
        line=found[0][0],
        hint="a delimiter or a line break inside a value that is not quoted? Quote such "
        "values, or export the file again",
        code="ragged-row",
    )
