"""XLSX workbooks: one sheet's cells as text, and the formula cells that hold no value.

openpyxl reads the values a spreadsheet program saved with each formula. A workbook
written by a program that does not calculate (openpyxl itself, many export scripts)
saves formulas without values; those cells would read as blank, so they are found in
the sheet's XML and reported by the reader instead.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.etree.ElementTree import Element, iterparse

from gapscan.errors import GapscanError

if TYPE_CHECKING:
    import pyarrow as pa

MAX_EXAMPLE_CELLS = 5
SAMPLE_ROWS = 50  # read when the workbook is opened: header rows and a few answers
BATCH_ROWS = 16_384
_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")
_REFERENCE = re.compile(r"([A-Z]+)(\d+)")


@dataclass(frozen=True)
class Sheet:
    """A sheet's first rows as text (rows as the sheet holds them) and its formula cells
    without a saved value, as (row, column) pairs: row 1-based, column 0-based."""

    path: Path
    title: str
    rows: list[list[str]]  # the first rows only (SAMPLE_ROWS): the header and a few more
    uncached: tuple[tuple[int, int], ...] = ()


def read_sheet(path: Path, sheet: str | None) -> Sheet:
    from openpyxl import load_workbook

    # openpyxl parses zip and XML of any quality: whatever it raises on a damaged
    # workbook is reported as a damaged workbook.
    try:
        workbook = load_workbook(path.open("rb"), read_only=True, data_only=True)
    except Exception as exc:
        raise _damaged(path, exc) from None
    try:
        if sheet is not None and sheet not in workbook.sheetnames:
            raise GapscanError.single(
                f"the workbook has no sheet '{sheet}'",
                file=str(path),
                hint="its sheets: " + ", ".join(workbook.sheetnames),
            )
        chosen = workbook[sheet] if sheet is not None else workbook.worksheets[0]
        rows = [
            [_cell_text(v) for v in row]
            for row in islice(chosen.iter_rows(values_only=True), SAMPLE_ROWS)
        ]
        part = getattr(chosen, "_worksheet_path", None)
        uncached = _uncached_formulas(path, part) if isinstance(part, str) else ()
        return Sheet(path, chosen.title, rows, uncached)
    except GapscanError:
        raise
    except Exception as exc:
        raise _damaged(path, exc) from None
    finally:
        workbook.close()


def _damaged(path: Path, exc: Exception) -> GapscanError:
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return GapscanError.single(
        f"cannot read the XLSX file ({type(exc).__name__}: {first})",
        file=str(path),
        hint="is it a complete .xlsx workbook? Save it again from the spreadsheet program",
    )


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _uncached_formulas(path: Path, part: str) -> tuple[tuple[int, int], ...]:
    """The cells of a sheet part holding a formula (``<f>``) without a value (``<v>``).
    The XML is parsed only when it holds a formula at all."""
    with zipfile.ZipFile(path) as archive:
        name = part.lstrip("/")
        if not _has_formula(archive, name):
            return ()
        with archive.open(name) as fh:
            return tuple(_cells_without_values(iterparse(fh, events=("start", "end"))))


def _has_formula(archive: zipfile.ZipFile, name: str) -> bool:
    with archive.open(name) as fh:
        tail = b""
        while block := fh.read(1 << 20):
            if _FORMULA_TAG.search(tail + block):
                return True
            tail = block[-64:]
    return False


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _cells_without_values(events: Iterator[tuple[str, Any]]) -> Iterator[tuple[int, int]]:
    row = column = 0
    for event, element in events:
        kind = _local(element.tag)
        if event == "start":
            if kind == "row":
                row = int(element.get("r") or row + 1)
                column = 0
            continue
        if kind == "c":
            match = _REFERENCE.fullmatch(element.get("r") or "")
            if match:
                column = column_index(match.group(1))
            if _uncached(element):
                yield row, column
            column += 1
        elif kind == "row":
            element.clear()


def _uncached(cell: Element) -> bool:
    children = {_local(child.tag): child for child in cell}
    if "f" not in children:
        return False
    value = children.get("v")
    if value is None:
        return True
    return not (value.text or "") and cell.get("t") != "str"  # "str": a saved ""


def column_index(letters: str) -> int:
    """``A`` -> 0, ``Z`` -> 25, ``AA`` -> 26."""
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number - 1


def column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def check_formulas(path: Path, sheet: Sheet, positions: Sequence[int]) -> None:
    """An error naming the formula cells without a value in the columns read."""
    wanted = set(positions)
    cells = sorted((r, c) for r, c in sheet.uncached if c in wanted)
    if not cells:
        return
    title = sheet.title if re.fullmatch(r"\w+", sheet.title) else f"'{sheet.title}'"
    refs = [f"{title}!{column_letters(c)}{r}" for r, c in cells[:MAX_EXAMPLE_CELLS]]
    more = f" and {len(cells) - len(refs)} more" if len(cells) > len(refs) else ""
    count = "1 cell holds" if len(cells) == 1 else f"{len(cells)} cells hold"
    raise GapscanError.single(
        f"{count} a formula without a saved value, which would read as blank: "
        f"{', '.join(refs)}{more}",
        file=str(path),
        line=cells[0][0],
        hint="open the workbook in a spreadsheet program and save it, so that the values "
        "are stored, or export the sheet as CSV",
        code="uncached-formula",
    )


def sheet_batches(
    sheet: Sheet, header_rows: int, columns: list[str], positions: list[int]
) -> Iterator[pa.RecordBatch]:
    """The sheet's data rows as text columns, ``BATCH_ROWS`` rows at a time (at least
    one batch), read again from the workbook in read-only mode; blank rows at the end
    (spreadsheets leave them) are left out."""
    import pyarrow as pa

    def batch(rows: list[list[str]]) -> pa.RecordBatch:
        arrays = [
            pa.array([row[i] if i < len(row) else "" for row in rows], pa.string())
            for i in positions
        ]
        return pa.RecordBatch.from_arrays(arrays, names=columns)

    pending: list[list[str]] = []  # rows read, not yet given
    blank_tail = 0  # how many of them, at the end, are blank
    given = False
    for number, row in enumerate(_sheet_rows(sheet), start=1):
        if number <= header_rows:
            continue
        pending.append(row)
        blank_tail = 0 if any(cell.strip() for cell in row) else blank_tail + 1
        if len(pending) - blank_tail >= BATCH_ROWS:
            cut = len(pending) - blank_tail
            yield batch(pending[:cut])
            pending, given = pending[cut:], True
    rows = pending[: len(pending) - blank_tail]
    if rows or not given:
        yield batch(rows)


def _sheet_rows(sheet: Sheet) -> Iterator[list[str]]:
    """Every row of the sheet as text, the workbook opened again in read-only mode."""
    from openpyxl import load_workbook

    try:
        with sheet.path.open("rb") as fh:
            workbook = load_workbook(fh, read_only=True, data_only=True)
            try:
                for row in workbook[sheet.title].iter_rows(values_only=True):
                    yield [_cell_text(v) for v in row]
            finally:
                workbook.close()
    except Exception as exc:  # as read_sheet: a damaged workbook, whatever openpyxl raises
        raise _damaged(sheet.path, exc) from None
