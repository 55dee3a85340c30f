"""Parquet files: their column names, and columns read as text, batch by batch."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from gapscan.errors import GapscanError

if TYPE_CHECKING:
    import pyarrow as pa
    import pyarrow.parquet as pq

BATCH_ROWS = 65_536


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


def text_batches(
    path: Path, columns: list[str], positions: list[int], batch_rows: int = BATCH_ROWS
) -> Iterator[pa.RecordBatch]:
    """The columns at ``positions`` as text, under the names ``columns``, a bounded
    number of rows at a time (at least one batch). Only those columns are read; text
    columns stored with a dictionary stay dictionary-encoded."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    given = 0
    try:
        with path.open("rb") as fh:
            schema = pq.ParquetFile(fh).schema_arrow
            names = [schema.names[i] for i in positions]
            unique = len(set(names)) == len(names) and all(
                schema.names.count(n) == 1 for n in names
            )
            dictionary = _dictionary_columns(pq.ParquetFile(fh), names)
            reader = pq.ParquetFile(fh, read_dictionary=dictionary)
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
    """The text columns among ``names`` stored with a dictionary in every row group:
    read as dictionaries, they are never decoded to a string per row."""
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
            metadata.row_group(g).column(column).has_dictionary_page
            for g in range(metadata.num_row_groups)
        ):
            chosen.append(name)
    return chosen


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
