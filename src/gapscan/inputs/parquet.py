"""Parquet files: their column names, and columns read as text."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from gapscan.errors import GapscanError

if TYPE_CHECKING:
    import pyarrow as pa


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


def read_text(path: Path, columns: list[str], positions: list[int]) -> pa.Table:
    """The columns at ``positions`` as text, under the names ``columns``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        with path.open("rb") as fh:
            table = pq.read_table(fh).select(positions)
        arrays = [_parquet_text(column) for column in table.columns]
        for array in arrays:
            array.validate(full=True)  # text that is not UTF-8
    except (pa.ArrowException, OSError, ValueError, UnicodeDecodeError) as exc:
        raise GapscanError.single(
            f"cannot read the Parquet file: {_first_line(exc)}",
            file=str(path),
            hint="survey answers are read as text, numbers or categories",
        ) from None
    return pa.table(arrays, names=columns)


def _parquet_text(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """A Parquet column as text: 5.0 is answer "5" (whole floats written as integers)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = column.type
    if pa.types.is_dictionary(kind):
        column = column.cast(kind.value_type)
        kind = column.type
    if pa.types.is_floating(kind):
        # NaN is how numpy, pandas and polars write a missing float: no answer, as null
        column = pc.if_else(pc.is_nan(column), pa.nulls(len(column), kind), column)
        filled = pc.fill_null(column, 0.0)
        if pc.all(pc.equal(pc.floor(filled), filled)).as_py():
            column = column.cast(pa.int64())
    return column.cast(pa.string())
