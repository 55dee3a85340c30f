"""A CSV file's columns as a stream of record batches: bounded memory, one block of the
file at a time, through pyarrow's streaming reader.

Columns are read by position under generated names, so that headers with repeated,
blank or multi-line names (survey-tool exports) read like any other. Each batch's
columns are dictionary-encoded text (survey answers repeat a few labels); every batch
has a dictionary of its own. pyarrow reads the dictionaries' values as bytes and they
are checked to be UTF-8 once a batch, value by value, instead of cell by cell; columns
asked for as ``plain`` (respondent ids: as many values as rows) are plain text.

The fast parse assumes no line break inside a quoted value; when pyarrow fails on
one, the file is read again allowing them, and the rows already given are skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gapscan.inputs.stored import Stored

if TYPE_CHECKING:
    import pyarrow as pa

# Bytes parsed per batch. Measured on the benchmark survey (1M rows, 2 cores; see
# benchmarks/RESULTS.md, "Streaming"): 1, 4 and 16 MiB blocks cost the same CPU time
# (3.8 s user for the whole analysis), and peak memory grows with the block (280, 380,
# 577 MB): pyarrow parses a few blocks ahead.
BLOCK_SIZE = 1 << 20
# Rows given at a time: the reader's blocks (a few thousand rows each) joined, their
# dictionaries unified, in the reading thread (pyarrow's C++, without the GIL), so that
# whoever codes the batches pays its cost per column once per 32,768 rows, not once per
# block (benchmarks/RESULTS.md, "The reading pass made cheaper").
GROUP_ROWS = 1 << 15


@dataclass(frozen=True)
class Dialect:
    """How to parse the file: its encoding, delimiter, and lines before the data."""

    stored: Stored  # the file, decompressed as it is read
    encoding: str
    delimiter: str
    skip_lines: int
    width: int  # the header's number of columns


class NotUtf8(Exception):
    """pyarrow met bytes that are not UTF-8 in a file read as UTF-8."""


class Damaged(Exception):
    """The file could not be read (a compressed stream cut short or corrupt)."""


class ParseFailed(Exception):
    """pyarrow could not parse the file; the first line of its complaint."""

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


def stream(
    dialect: Dialect,
    positions: list[int],
    names: list[str],
    *,
    multiline: bool,
    skip: int = 0,
    block_size: int | None = None,
    progress: Callable[[int], None] | None = None,
    plain: frozenset[str] = frozenset(),
) -> Iterator[pa.RecordBatch]:
    """The columns at ``positions`` under ``names``, batch by batch, without the first
    ``skip`` data rows; the ``plain`` ones as plain text, the others dictionary-encoded;
    ``progress`` is told the bytes read after each batch. Raises NotUtf8 or ParseFailed
    (possibly after some batches)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    generated = [f"c{i}" for i in range(dialect.width)]
    chosen = [generated[i] for i in positions]
    convert = pacsv.ConvertOptions(
        include_columns=chosen,
        column_types={
            c: pa.string() if name in plain else pa.dictionary(pa.int32(), pa.binary())
            for c, name in zip(chosen, names, strict=True)
        },
        strings_can_be_null=False,
    )
    read = pacsv.ReadOptions(
        encoding=dialect.encoding,
        column_names=generated,
        skip_rows=dialect.skip_lines,
        block_size=block_size or BLOCK_SIZE,
        use_threads=True,
    )
    parse = pacsv.ParseOptions(delimiter=dialect.delimiter, newlines_in_values=multiline)
    given = 0
    pending: list[pa.RecordBatch] = []
    rows = 0
    try:
        with dialect.stored.reading() as (fh, done):  # a stream: any file name works
            reader = pacsv.open_csv(
                fh, read_options=read, parse_options=parse, convert_options=convert
            )
            for batch in reader:
                if progress is not None:
                    progress(done())
                if given + batch.num_rows <= skip:
                    given += batch.num_rows
                    continue
                if given < skip:
                    batch = batch.slice(skip - given)
                given += batch.num_rows
                pending.append(batch)
                rows += batch.num_rows
                if rows >= GROUP_ROWS:
                    yield _joined(pending, names)
                    pending, rows = [], 0
            if pending:
                yield _joined(pending, names)
    except (OSError, EOFError) as exc:
        raise Damaged(exc) from None  # a compressed stream cut short or corrupt
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        why = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        if dialect.encoding == "utf-8" and ("invalid UTF8" in why or "Invalid UTF8" in why):
            raise NotUtf8 from None
        raise ParseFailed(why) from None


def empty_batch(names: list[str]) -> pa.RecordBatch:
    import pyarrow as pa

    kind = pa.dictionary(pa.int32(), pa.string())
    return pa.RecordBatch.from_arrays([pa.array([], kind) for _ in names], names=names)


def _joined(batches: list[pa.RecordBatch], names: list[str]) -> pa.RecordBatch:
    """The blocks as one batch under ``names``: each column one dictionary array, its
    values checked to be UTF-8 (pyarrow reads them as bytes: checking each distinct
    value once is much cheaper than checking every cell)."""
    import pyarrow as pa

    if len(batches) == 1:
        batch = batches[0]
    else:
        table = pa.Table.from_batches(batches).unify_dictionaries().combine_chunks()
        batch = table.to_batches()[0]
    columns = [
        pa.DictionaryArray.from_arrays(c.indices, c.dictionary.cast(pa.string()))
        if pa.types.is_dictionary(c.type)
        else c
        for c in batch.columns
    ]
    return pa.RecordBatch.from_arrays(columns, names=names)
