"""Parquet files: their column names, and columns read as text, batch by batch."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from gapscan.errors import GapscanError

if TYPE_CHECKING:
    import pyarrow as pa
    import pyarrow.parquet as pq

BATCH_ROWS = 32_768
BUFFER_BYTES = 1 << 20
TINY_DICTIONARY = 1 << 12
SMALL_DICTIONARY = 1 << 18  # bytes of a dictionary page (writers' limit: 1 MiB)


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def column_names(path: Path) -> list[str]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        with path.open("rb") as fh:
            return [str(n) for n in pq.ParquetFile(fh).schema_arrow.names]
    except (pa.ArrowException, OSError, ValueError, UnicodeDecodeError) as exc:
        raise GapscanError.single(
            f"cannot read the Parquet file: {_first_line(exc)}", file=str(path)
        ) from None


def row_count(path: Path) -> int:
    """The number of rows the file's metadata gives (0 when it cannot be read)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        with path.open("rb") as fh:
            return int(pq.ParquetFile(fh).metadata.num_rows)
    except (pa.ArrowException, OSError, ValueError):
        return 0


def text_batches(
    path: Path,
    columns: list[str],
    positions: list[int],
    batch_rows: int = BATCH_ROWS,
    progress: Callable[[int], None] | None = None,
) -> Iterator[pa.RecordBatch]:
    """The columns at ``positions`` as text, under the names ``columns``, a bounded
    number of rows at a time (at least one batch). Only those columns are read; text
    columns stored with a dictionary stay dictionary-encoded. ``progress`` is told the
    rows read after each batch."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    given = 0
    try:
        with path.open("rb") as fh:
            described = pq.ParquetFile(fh)  # the schema and the row groups' metadata
            schema = described.schema_arrow
            names = [schema.names[i] for i in positions]
            unique = len(set(names)) == len(names) and all(
                schema.names.count(n) == 1 for n in names
            )
            dictionary = _dictionary_columns(described, names)
            # pages read as they are decoded, not a row group's columns at once
            reader = pq.ParquetFile(
                fh, read_dictionary=dictionary, pre_buffer=False, buffer_size=BUFFER_BYTES
            )
            chosen = list(dict.fromkeys(names)) if unique else None
            for batch in reader.iter_batches(batch_size=batch_rows, columns=chosen):
                arrays = [
                    batch.column(n) if unique else batch.column(i)
                    for n, i in zip(names, positions, strict=True)
                ]
                text = [_parquet_text(a) for a in arrays]
                for array in text:
                    array.validate(full=True)  # text that is not UTF-8
                given += batch.num_rows
                if progress is not None:
                    progress(given)
                yield pa.RecordBatch.from_arrays(text, names=columns)
            if not given:
                empty = [_parquet_text(pa.array([], schema.field(i).type)) for i in positions]
                yield pa.RecordBatch.from_arrays(empty, names=columns)
    except (pa.ArrowException, OSError, ValueError, UnicodeDecodeError) as exc:
        raise GapscanError.single(
            f"cannot read the Parquet file: {_first_line(exc)}",
            file=str(path),
            hint="survey answers are read as text, numbers or categories",
        ) from None


def _dictionary_columns(file: pq.ParquetFile, names: list[str]) -> list[str]:
    """The text columns among ``names`` stored with a small dictionary in every row
    group: read as dictionaries, they are never decoded to a string per row. A
    dictionary page that is large, or a large part of the column, is a column of
    mostly distinct values (ids; a writer stores them as plain text once the
    dictionary overflows): pyarrow would hand each batch the whole dictionary read so
    far."""
    import pyarrow as pa

    schema = file.schema_arrow
    metadata = file.metadata
    paths = {metadata.schema.column(i).path: i for i in range(metadata.num_columns)}
    chosen = []
    for name in dict.fromkeys(names):
        kind = schema.field(name).type
        if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
            continue
        column = paths.get(name)
        if column is not None and all(
            _small_dictionary(metadata.row_group(g).column(column))
            for g in range(metadata.num_row_groups)
        ):
            chosen.append(name)
    return chosen


def _small_dictionary(chunk: pq.ColumnChunkMetaData) -> bool:
    start, data = chunk.dictionary_page_offset, chunk.data_page_offset
    if not chunk.has_dictionary_page or start is None or data is None:
        return False
    size, total = int(data) - int(start), int(chunk.total_compressed_size)
    if size < 0:
        return False
    return size <= TINY_DICTIONARY or (size <= SMALL_DICTIONARY and size * 4 <= total)


def _parquet_text(column: pa.Array) -> pa.Array:
    """A Parquet column as text: 5.0 is answer "5" (whole floats written as integers)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = column.type
    if pa.types.is_dictionary(kind):
        if pa.types.is_string(kind.value_type):
            return column
        if pa.types.is_large_string(kind.value_type):
            return column.cast(pa.dictionary(kind.index_type, pa.string()))
        column = column.cast(kind.value_type)
        kind = column.type
    if pa.types.is_floating(kind):
        # NaN is how numpy, pandas and polars write a missing float: no answer, as null
        column = pc.if_else(pc.is_nan(column), pa.nulls(len(column), kind), column)
        filled = pc.fill_null(column, 0.0)
        if pc.all(pc.equal(pc.floor(filled), filled)).as_py():
            column = column.cast(pa.int64())
    return column.cast(pa.string())
