"""How a :class:`~gapscan.inputs.source.Source` streams a CSV, Parquet or SPSS/Stata
file: the CSV read in order (retrying a failed fast parse with line breaks in quoted values,
settling the encoding on the whole file when needed) or, for a large plain file, as two
ranges at once (:mod:`gapscan.inputs.csv_parts`); a progress bar on a terminal."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from gapscan.errors import GapscanError
from gapscan.inputs import csv_batches, csv_chunks, csv_parts, parquet, spss
from gapscan.inputs import encoding as whole_file
from gapscan.inputs.records import Records, check_widths
from gapscan.inputs.stored import damaged as stored_damaged
from gapscan.progress import Meter

if TYPE_CHECKING:
    import pyarrow as pa

    from gapscan.inputs.source import Source


class Unordered(Exception):
    """A read in any order, or in order at once, failed part-way (see
    :meth:`Source.batches`)."""


FAILED_PART_WAY = (csv_batches.NotUtf8, csv_batches.ParseFailed, csv_batches.Damaged)


def metered(
    source: Source,
    columns: list[str],
    positions: list[int],
    ordered: bool = True,
    plain: frozenset[str] = frozenset(),
    at_once: bool = False,
) -> Iterator[pa.RecordBatch]:
    """A CSV or Parquet file's batches, with a progress bar on a terminal (see
    :mod:`gapscan.progress`): the bytes of a CSV file, the rows of a Parquet file.
    Not ``ordered``: a large plain CSV file's two ranges interleaved. ``ordered`` and
    ``at_once``: a large plain CSV file's chunks read two at a time, in file order
    (:mod:`gapscan.inputs.csv_chunks`); a read that fails part-way raises
    :class:`Unordered`."""
    if ordered and at_once and source.format == "csv":
        dialect = _dialect(source)
        if csv_parts.splittable(dialect):
            with Meter(Path(source.name).name, source.stored.size, "bytes") as meter:
                chunks = csv_chunks.stream_chunks(dialect, positions, columns, meter.update, plain)
                if chunks is not None:
                    try:
                        yield from chunks
                    except FAILED_PART_WAY as exc:
                        raise Unordered(exc) from None
                    return
    for _, batch in metered_parts(source, columns, positions, not ordered, plain):
        yield batch


def metered_parts(
    source: Source,
    columns: list[str],
    positions: list[int],
    split: bool,
    plain: frozenset[str] = frozenset(),
) -> Iterator[tuple[int, pa.RecordBatch]]:
    """:func:`metered`'s batches, each with the number of the part of the file it
    comes from: with ``split``, a large plain CSV file is read as two ranges at once
    (:mod:`gapscan.inputs.csv_parts`): part 0, then part 1 in the file, each part's
    batches in order, the parts interleaved; a read that fails part-way then raises
    :class:`Unordered`. Anything else is part 0, in order."""
    if source.format == "csv":
        with Meter(Path(source.name).name, source.stored.size, "bytes") as meter:
            parts = None
            if split:
                parts = _csv_parts(source, columns, positions, meter.update, plain)
            if parts is None:
                for batch in _csv_batches(source, columns, positions, meter.update, plain):
                    yield 0, batch
                return
            try:
                yield from parts
            except FAILED_PART_WAY as exc:
                raise Unordered(exc) from None
    elif source._spss is not None:
        with Meter(source.path.name, source._spss.rows, "rows") as meter:
            for batch in spss.text_batches(source._spss, columns, positions, meter.update):
                yield 0, batch
    else:
        with Meter(source.path.name, parquet.row_count(source.path), "rows") as meter:
            read = parquet.text_batches(source.path, columns, positions, progress=meter.update)
            for batch in read:
                yield 0, batch


def records_of(source: Source) -> Records:
    skip = source.preamble_lines + source.header_rows
    return Records(source.stored, source.encoding, source.delimiter, skip)


def _csv_parts(
    source: Source,
    columns: list[str],
    positions: list[int],
    progress: Callable[[int], None],
    plain: frozenset[str],
) -> Iterator[tuple[int, pa.RecordBatch]] | None:
    """A large plain UTF-8 file's batches read as two ranges at once, or None."""
    dialect = _dialect(source)
    if not csv_parts.splittable(dialect):
        return None
    return csv_parts.stream_parts(dialect, positions, columns, progress, plain)


def _dialect(source: Source) -> csv_batches.Dialect:
    return csv_batches.Dialect(
        source.stored,
        source.encoding,
        source.delimiter,
        source.header_lines,
        len(source.layout.columns),
    )


def _csv_batches(
    source: Source,
    columns: list[str],
    positions: list[int],
    progress: Callable[[int], None] | None = None,
    plain: frozenset[str] = frozenset(),
) -> Iterator[pa.RecordBatch]:
    """Stream with the sniffed encoding; the whole file settles it (see
    :mod:`gapscan.inputs.encoding`) when the sample says cp1252, or says UTF-8 and
    pyarrow then meets bytes that are not. A failed fast parse is retried allowing
    line breaks in quoted values; a retry skips the rows already given."""
    if source.encoding == "cp1252":
        source.encoding = whole_file.settle(source.stored)
    given, multiline, settled = 0, False, False
    while True:
        dialect = _dialect(source)
        try:
            for batch in csv_batches.stream(
                dialect,
                positions,
                columns,
                multiline=multiline,
                skip=given,
                progress=progress,
                plain=plain,
            ):
                given += batch.num_rows
                yield batch
            break
        except csv_batches.NotUtf8:
            encoding = whole_file.settle(source.stored)
            if settled or encoding == "utf-8":  # pyarrow's complaint was not about these bytes
                raise unparsable(source, "invalid UTF-8 data") from None
            source.encoding, settled = encoding, True
        except csv_batches.Damaged as damaged:
            raise stored_damaged(source.stored, damaged.args[0]) from None
        except csv_batches.ParseFailed as failed:
            if not multiline:
                multiline = True
                continue
            if "Expected" in failed.why and "columns, got" in failed.why:
                check_widths(records_of(source), len(source.layout.columns))
            raise unparsable(source, failed.why) from None
    if not given:
        yield csv_batches.empty_batch(columns)


def unparsable(source: Source, why: str) -> GapscanError:
    return GapscanError.single(
        f"cannot parse the file as CSV: {why}",
        file=source.name,
        hint="check that it is a CSV export in one encoding (UTF-8, UTF-16 or cp1252)",
    )


# ------------------------------------------------------------------------- Parquet
