"""Data frames in memory (pandas, polars, pyarrow) read as the CSV reader reads a file:
every column as text, a blank cell as "" (never null), whole numbers without ".0",
booleans as pandas writes them (True/False). A frame is held as one Arrow table;
pandas and polars frames are converted through Arrow, without a copy where their
columns already are Arrow memory."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gapscan.errors import GapscanError

if TYPE_CHECKING:
    import pyarrow as pa

BATCH_ROWS = 65_536
SAMPLE_ROWS = 19  # rows looked at, beside the column names, to recognise a survey tool


@dataclass(frozen=True)
class Frame:
    """One data frame given for analysis, named for messages (``<frame>``)."""

    name: str
    table: pa.Table


def frame_of(data: object, name: str) -> Frame:
    """The frame ``data`` (a pandas or polars DataFrame, a pyarrow Table or record
    batch) as an Arrow table; anything else is a ``GapscanError``."""
    return Frame(name, _table(data, name))


def _table(data: object, name: str) -> pa.Table:
    import pyarrow as pa

    if isinstance(data, pa.Table):
        return data
    if isinstance(data, pa.RecordBatch):
        return pa.Table.from_batches([data])
    module = type(data).__module__.split(".")[0]
    if module == "pandas" and type(data).__name__ == "DataFrame":
        return _from_pandas(data, name)
    if module == "polars" and type(data).__name__ == "DataFrame":
        return _arrow_call(lambda: data.to_arrow(), name)  # type: ignore[attr-defined]
    raise GapscanError.single(
        f"the data is a {type(data).__module__}.{type(data).__qualname__}, not a data frame",
        file=name,
        hint="give a pandas DataFrame, a polars DataFrame or a pyarrow Table",
    )


def _from_pandas(df: Any, name: str) -> pa.Table:
    import pyarrow as pa

    if not df.columns.is_unique:
        repeated = sorted({str(c) for c in df.columns[df.columns.duplicated()]})
        raise GapscanError.single(
            "the frame repeats column names: " + ", ".join(f"'{c}'" for c in repeated),
            file=name,
            hint="give each column its own name",
        )
    named = [n for n in df.index.names if n is not None]
    if named:  # a named index (df.set_index("respondent_id")) is a column of the data
        df = df.reset_index(level=named)
    try:
        return pa.Table.from_pandas(df, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        pass  # a column of mixed Python values (5 and "Agree"): read each as its text
    columns = {str(c): df[c] for c in df.columns}
    mixed = {c for c, s in columns.items() if s.dtype == object}
    arrays = {c: _texts(s) if c in mixed else s for c, s in columns.items()}
    return _arrow_call(
        lambda: pa.table({c: pa.array(a, from_pandas=True) for c, a in arrays.items()}), name
    )


def _texts(series: Any) -> list[str | None]:
    """An object column's values as the CSV writer would write them."""
    import pandas as pd

    return [None if v is None or v is pd.NA or v != v else str(v) for v in series.tolist()]


def _arrow_call(make: Any, name: str) -> pa.Table:
    import pyarrow as pa

    try:
        table: pa.Table = make()
    except (pa.ArrowException, ValueError, TypeError) as exc:
        raise GapscanError.single(
            f"cannot read the frame: {_first_line(exc)}",
            file=name,
            hint="survey answers are read as text, numbers, booleans or categories",
        ) from None
    return table


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def sample_records(frame: Frame) -> list[list[str]]:
    """The column names and the first rows as text (for recognising the layout)."""
    table = frame.table
    head = table.slice(0, SAMPLE_ROWS)
    texts = [
        text_column(column, name, frame.name).to_pylist()
        for name, column in zip(head.column_names, head.columns, strict=True)
    ]
    rows = [[str(cell) for cell in row] for row in zip(*texts, strict=True)]
    return [[str(n) for n in table.column_names], *rows]


def text_batches(
    frame: Frame, columns: list[str], positions: list[int], skip: int
) -> Iterator[pa.RecordBatch]:
    """The columns at ``positions`` as text, under the names ``columns``, a bounded
    number of rows at a time (at least one batch), after the first ``skip`` rows."""
    import pyarrow as pa

    table = frame.table.slice(skip)
    chosen = table.select(positions) if positions else table.select([])
    if not table.num_rows or not positions:
        empty = [pa.array([""] * table.num_rows, pa.string()) for _ in positions]
        yield pa.RecordBatch.from_arrays(empty, names=columns)
        return
    for batch in chosen.to_batches(max_chunksize=BATCH_ROWS):
        text = [
            text_column(batch.column(i), str(chosen.column_names[i]), frame.name)
            for i in range(batch.num_columns)
        ]
        yield pa.RecordBatch.from_arrays(text, names=columns)


def text_column(column: pa.Array | pa.ChunkedArray, label: str, name: str) -> pa.Array:
    """A column (``label``, of the frame ``name``) as the CSV reader gives it: text,
    a missing value (null, NaN) as ""."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from gapscan.inputs.parquet import _parquet_text

    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    kind = column.type
    if pa.types.is_dictionary(kind) and column.null_count:
        column = column.cast(kind.value_type)
        kind = column.type
    try:
        if pa.types.is_boolean(kind):
            text = pc.if_else(column, "True", "False")
        elif pa.types.is_null(kind):
            text = pa.array([""] * len(column), pa.string())
        elif pa.types.is_timestamp(kind):
            text = _timestamp_text(column)
        else:
            text = _parquet_text(column)
    except (pa.ArrowException, ValueError) as exc:
        raise GapscanError.single(
            f"cannot read column '{label}' ({kind}) as text: {_first_line(exc)}",
            file=name,
            hint="survey answers are read as text, numbers, booleans or categories",
        ) from None
    if text.null_count:
        text = pc.fill_null(text, "")
    return text


def _timestamp_text(column: pa.Array) -> pa.Array:
    """Times as pandas writes them to CSV: the date alone when every time is midnight,
    else to the second when no time has a fraction; a time zone's as its offset."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if column.type.tz is not None:
        texts = [None if t is None else t.isoformat(sep=" ") for t in column.to_pylist()]
        return pa.array(texts, pa.string())

    def whole(unit: str) -> bool:
        same = pc.equal(pc.floor_temporal(column, unit=unit), column)
        return bool(pc.all(pc.fill_null(same, True)).as_py())

    if whole("day"):
        return pc.strftime(column.cast(pa.timestamp("s")), format="%Y-%m-%d")
    if whole("second"):
        return pc.strftime(column.cast(pa.timestamp("s")), format="%Y-%m-%d %H:%M:%S")
    return column.cast(pa.string())
