"""A CSV file's dialect from its first megabyte (decompressed, for a compressed
file): its encoding, its delimiter (or Excel's ``sep=`` line), its first records
and the lines its header takes."""

from __future__ import annotations

import codecs
import csv
import io
import re

from gapscan.errors import GapscanError

SAMPLE_BYTES = 1 << 20  # enough for the header rows of very wide exports
DELIMITERS = (",", ";", "\t", "|")
MAX_COLUMNS = 20_000
MAX_HEADER_CELL = 5_000  # characters: a column name, not a paragraph


def detect_encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3:  # a character cut by the sample's end
            return "utf-8"
    return "cp1252"


SEP_LINE = re.compile(r'"?sep=([^\r\n"])"?[^\r\n]*(?:\r\n|\r|\n)')


def sample_text(head: bytes, encoding: str, name: str) -> str:
    """The sample as text, without a BOM and without a last record it cut in two."""
    text = head.decode(encoding, errors="ignore").lstrip("\ufeff")
    if len(head) == SAMPLE_BYTES:
        cut = max(text.rfind("\n"), text.rfind("\r"))
        if cut < 0:
            raise GapscanError.single(
                f"the first line is longer than {SAMPLE_BYTES // 1024} KB: this is not a "
                "survey export's header",
                file=name,
                line=1,
                hint="give a CSV export with one header line of column names",
            )
        text = text[: cut + 1]
    return text


def check_header(records: list[list[str]], name: str, line: int) -> None:
    if not records or not any(cell.strip() for cell in records[0]):
        raise GapscanError.single("the file has no header row", file=name, line=line)
    longest = max(len(cell) for cell in records[0])
    if longest > MAX_HEADER_CELL:
        raise GapscanError.single(
            f'a header cell runs for {longest:,} characters: is a quote (") left open?',
            file=name,
            line=line,
            hint="check the first line of the export",
        )
    if len(records[0]) > MAX_COLUMNS:
        raise GapscanError.single(
            f"the header has {len(records[0]):,} columns; gapscan reads at most {MAX_COLUMNS:,}",
            file=name,
            line=line,
        )


def lines_of_records(text: str, delimiter: str, count: int) -> int:
    """How many lines the first ``count`` records of the text span."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for _ in range(count):
            next(reader)
    except (StopIteration, csv.Error):
        pass
    return max(reader.line_num, count)


def sample_records(text: str, delimiter: str, limit: int) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[list[str]] = []
    try:
        for record in reader:
            records.append(record)
            if len(records) >= limit:
                break
    except csv.Error:
        pass
    return records


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the sample into the most columns, consistently."""
    best, best_score = ",", (-1, 0)
    for delimiter in DELIMITERS:
        records = [r for r in sample_records(text, delimiter, 50) if r]
        if not records:
            continue
        width = len(records[0])
        consistent = sum(1 for r in records if len(r) == width)
        score = (consistent if width > 1 else 0, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best
