"""A file's text columns read batch by batch into compact form: each column's distinct
values, and for each row the index of its value, in the smallest integer type that
holds them (one byte per row for an answer column: survey answers repeat a few
labels). The text of the rows is never held; each batch's dictionary is mapped onto
the column's values through a small map that grows across batches.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from gapscan.arrow_strings import text_array, texts, unified

if TYPE_CHECKING:
    import pyarrow as pa

    from gapscan.id_hash import IdHasher

BLOCK_ROWS = 1 << 20  # values per block of a growing column (large: allocated apart)
# A batch with more distinct values than this (and than an eighth of its rows) is a
# key-like column's: its dictionary is kept for one encoding at the end.
KEYLIKE = 256

# A text column as its distinct values and each row's index into them; a null cell
# has the index len(values).
Column = tuple[list[str], np.ndarray]


def index_dtype(count: int) -> np.dtype[np.signedinteger]:
    """The smallest signed integer type holding 0..count and -1."""
    for dtype in (np.int8, np.int16, np.int32):
        if count < np.iinfo(dtype).max:
            return np.dtype(dtype)
    return np.dtype(np.int64)


class Blocks:
    """A growing integer array stored in blocks of ``BLOCK_ROWS`` values, filled in
    place: a batch's few thousand values are copied in, not kept as an array of
    their own (many small arrays, freed at the end, would leave the process's heap
    fragmented and its memory held); the blocks, large, are given back when freed."""

    def __init__(self, dtype: np.dtype[np.signedinteger] | np.dtype[np.unsignedinteger]) -> None:
        self.dtype = dtype
        self.blocks: list[np.ndarray] = []
        self.used = BLOCK_ROWS  # values in the last block

    def widen(self, dtype: np.dtype[np.signedinteger]) -> None:
        """Hold larger values from now on (the blocks so far converted)."""
        self.blocks = [block.astype(dtype) for block in self.blocks]
        self.dtype = dtype

    def append(self, values: np.ndarray) -> None:
        start = 0
        while start < values.size:
            if self.used == BLOCK_ROWS:
                self.blocks.append(np.empty(BLOCK_ROWS, dtype=self.dtype))
                self.used = 0
            take = min(values.size - start, BLOCK_ROWS - self.used)
            self.blocks[-1][self.used : self.used + take] = values[start : start + take]
            self.used += take
            start += take

    def finish(self) -> np.ndarray:
        """The values as one array, each block let go as soon as it is copied in (the
        values are never held twice over, as a concatenation would hold them)."""
        if not self.blocks:
            return np.empty(0, dtype=self.dtype)
        self.blocks[-1] = self.blocks[-1][: self.used]
        if len(self.blocks) == 1:
            whole = self.blocks.pop()
            return whole
        whole = np.empty(sum(b.size for b in self.blocks), dtype=self.dtype)
        start = 0
        for block in self.drain():
            whole[start : start + block.size] = block
            start += block.size
        return whole

    def parts(self) -> list[np.ndarray]:
        """The values as the blocks that hold them, one after another (given away: no
        copy of them all is made)."""
        if self.blocks:
            self.blocks[-1] = self.blocks[-1][: self.used]
        blocks, self.blocks = self.blocks, []
        return blocks

    def drain(self) -> Iterator[np.ndarray]:
        """The values block by block, each let go once the next is asked for."""
        if self.blocks:
            self.blocks[-1] = self.blocks[-1][: self.used]
        blocks, self.blocks = self.blocks, []
        while blocks:
            yield blocks.pop(0)


class ColumnBuilder:
    """One column's values and row indices, added to a batch at a time.

    A batch's few distinct values (an answer column's labels) are mapped onto the
    column's values one by one. A column of many distinct values (an account key, a
    comment) is not: once a batch's dictionary holds more than ``KEYLIKE`` values and
    an eighth of its rows, each batch's dictionary is kept as it is and its rows'
    indices point into the dictionaries' concatenation, which :meth:`finish`
    dictionary-encodes once (the values in the same order, first appearance)."""

    def __init__(self) -> None:
        self.position: dict[str, int] = {}
        self.values: list[str] = []
        self.indices = Blocks(index_dtype(0))
        self.pending: list[pa.Array] | None = None  # the dictionaries, once deferred
        self.entries = 0  # the values in them

    def add(self, chunk: pa.Array) -> None:
        import pyarrow as pa
        import pyarrow.compute as pc

        if not pa.types.is_dictionary(chunk.type):
            chunk = pc.dictionary_encode(chunk)
        size = len(chunk.dictionary)
        if self.pending is None and size > KEYLIKE and 8 * size > len(chunk):
            self.pending = [text_array(self.values)]
            self.entries = len(self.values)
        if self.pending is not None:
            self.pending.append(texts(chunk.dictionary))
            self._append(chunk.indices, self.entries, self.entries + size)
            self.entries += size
            return
        position, values = self.position, self.values
        remap = np.empty(size, dtype=np.int64)
        for i, value in enumerate(chunk.dictionary.to_pylist()):
            text = str(value)
            code = position.get(text)
            if code is None:
                code = position[text] = len(values)
                values.append(text)
            remap[i] = code
        self._append(chunk.indices, remap, len(values))

    def _append(self, indices: pa.Array, remap: np.ndarray | int, count: int) -> None:
        """The batch's rows: their dictionary indices mapped through ``remap`` (or
        moved up by it), a null as -1 (resolved in finish() once every value is
        known); ``count`` values known."""
        codes, valid = integers(indices)
        dtype = index_dtype(count)
        if dtype.itemsize > self.indices.dtype.itemsize:
            self.indices.widen(dtype)
        if isinstance(remap, int):
            mapped = codes.astype(self.indices.dtype) + self.indices.dtype.type(remap)
            if valid is not None:
                mapped[~valid] = -1
        else:  # a null cell's index may be anything: it takes the table's last entry
            table = np.append(remap, -1).astype(self.indices.dtype)
            mapped = table[codes if valid is None else np.where(valid, codes, remap.size)]
        self.indices.append(mapped)

    def pieces(self) -> list[pa.Array]:
        """The values the rows' indices point into, as the arrays that hold them one
        after another."""
        return [text_array(self.values)] if self.pending is None else self.pending

    def finish(self) -> Column:
        if self.pending is not None:
            values, remap = unified(self.pending)
            indices = self.indices.finish()
            return values, np.append(remap, len(values)).astype(index_dtype(len(values)))[indices]
        merged = self.indices.finish()
        merged[merged < 0] = len(self.values)
        return self.values, merged


@dataclass(frozen=True)
class Read:
    """A file's columns as read: the text columns compact, the hashed ones as one
    64-bit hash per row (see :mod:`gapscan.id_hash`), and the number of rows."""

    columns: dict[str, Column]
    hashes: dict[str, np.ndarray]
    rows: int


def read_columns(
    batches: Iterable[pa.RecordBatch], names: Sequence[str], hashed: Sequence[str] = ()
) -> Read:
    """The ``names`` columns of every batch, compact, and the ``hashed`` ones hashed."""
    from gapscan.id_hash import IdHasher

    if isinstance(batches, list) and len(batches) == 1:
        return _read_one(batches[0], names, hashed)
    builders = {name: ColumnBuilder() for name in names}
    hashers = {name: IdHasher() for name in hashed}
    rows = 0
    for batch in batches:
        rows += batch.num_rows
        for name, builder in builders.items():
            builder.add(batch.column(name))
        for name, hasher in hashers.items():
            hasher.add(batch.column(name))
    return Read(
        {name: builder.finish() for name, builder in builders.items()},
        {name: hasher.finish() for name, hasher in hashers.items()},
        rows,
    )


def read_parts(
    parts: Iterable[tuple[int, pa.RecordBatch]], names: Sequence[str], hashed: Sequence[str] = ()
) -> Read:
    """:func:`read_columns` of batches tagged with the part of the file they come from
    (:meth:`gapscan.inputs.source.Source.parts`: each part's batches in file order):
    each part is read on its own, and the parts are joined in the order of their
    numbers, which is their order in the file. The rows, and each column's values
    (in the order they first appear), are those of the file read in order."""
    from gapscan.id_hash import IdHasher

    read: dict[int, tuple[dict[str, ColumnBuilder], dict[str, IdHasher]]] = {}
    rows = 0
    for part, batch in parts:
        if part not in read:
            read[part] = {n: ColumnBuilder() for n in names}, {n: IdHasher() for n in hashed}
        builders, hashers = read[part]
        rows += batch.num_rows
        for name, builder in builders.items():
            builder.add(batch.column(name))
        for name, hasher in hashers.items():
            hasher.add(batch.column(name))
    if not read:
        return read_columns([], names, hashed)
    ordered = [read[part] for part in sorted(read)]
    columns = {name: _joined([b[name] for b, _ in ordered], rows) for name in names}
    hashes = {
        name: _filled(np.empty(rows, np.uint64), [(h[name].hashes, None) for _, h in ordered])
        for name in hashed
    }
    return Read(columns, hashes, rows)


def _filled(out: np.ndarray, parts: Sequence[tuple[Blocks, np.ndarray | None]]) -> np.ndarray:
    """``out`` holding the parts' values one after another, each part's mapped through
    its ``remap`` if it has one; the blocks are let go as they are copied."""
    start = 0
    for blocks, remap in parts:
        for block in blocks.drain():
            out[start : start + block.size] = block if remap is None else remap[block]
            start += block.size
    return out


def _joined(builders: list[ColumnBuilder], rows: int) -> Column:
    """One column of the parts' columns, in order: each part's values mapped onto the
    values of the parts before it (new ones added at the end), its rows copied in."""
    if len(builders) == 1:
        return builders[0].finish()
    if any(builder.pending is not None for builder in builders):
        return _joined_pieces(builders, rows)
    position: dict[str, int] = {}
    values: list[str] = []
    remaps = []
    for builder in builders:
        remap = np.empty(len(builder.values) + 1, dtype=np.int64)
        for i, value in enumerate(builder.values):
            code = position.get(value)
            if code is None:
                code = position[value] = len(values)
                values.append(value)
            remap[i] = code
        remaps.append(remap)
    for remap in remaps:
        remap[-1] = len(values)  # a null cell (index -1 while it was read)
    indices = np.empty(rows, dtype=index_dtype(len(values)))
    parts = [(b.indices, remap) for b, remap in zip(builders, remaps, strict=True)]
    return values, _filled(indices, parts)


def _joined_pieces(builders: list[ColumnBuilder], rows: int) -> Column:
    """:func:`_joined` of parts with many distinct values: all their values encoded
    at once, each part's rows mapped through its share of the codes."""
    pieces = [builder.pieces() for builder in builders]
    values, codes = unified([piece for part in pieces for piece in part])
    parts, start = [], 0
    for builder, part in zip(builders, pieces, strict=True):
        stop = start + sum(len(piece) for piece in part)
        parts.append((builder.indices, np.append(codes[start:stop], len(values))))
        start = stop
    return values, _filled(np.empty(rows, dtype=index_dtype(len(values))), parts)


def _read_one(batch: pa.RecordBatch, names: Sequence[str], hashed: Sequence[str]) -> Read:
    """One batch's columns: each dictionary column's values are its dictionary and its
    row indices the dictionary's own (read in place, not copied), no map between them."""
    from gapscan.id_hash import hash_ids

    columns = {name: _dictionary_column(batch.column(name)) for name in names}
    return Read(columns, {name: hash_ids(batch.column(name)) for name in hashed}, batch.num_rows)


def _dictionary_column(chunk: pa.Array) -> Column:
    import pyarrow as pa
    import pyarrow.compute as pc

    if not pa.types.is_dictionary(chunk.type):
        chunk = pc.dictionary_encode(chunk)
    values = [str(v) for v in chunk.dictionary.to_pylist()]
    if len(set(values)) < len(values):  # a dictionary that repeats a value: map it
        builder = ColumnBuilder()
        builder.add(chunk)
        return builder.finish()
    indices, valid = integers(chunk.indices)
    if valid is not None:
        indices = np.where(valid, indices, len(values))
    return values, indices


def pick_texts(batches: Iterable[pa.RecordBatch], name: str, rows: np.ndarray) -> list[str]:
    """The text of column ``name`` at the 0-based ``rows`` (in the order given; a null
    cell reads as ""), picked batch by batch: nothing else of the file is kept."""
    wanted = np.unique(rows)
    found: dict[int, str] = {}
    start = 0
    for batch in batches:
        stop = start + batch.num_rows
        here = wanted[(wanted >= start) & (wanted < stop)]
        if here.size:
            column = batch.column(name)
            for index in here.tolist():
                value = column[index - start].as_py()
                found[index] = "" if value is None else str(value)
        start = stop
    return [found.get(int(r), "") for r in rows]


def integers(array: pa.Array) -> tuple[np.ndarray, np.ndarray | None]:
    """An Arrow integer array's values and validity as numpy arrays, read straight from
    its buffers (``Array.to_numpy`` would import pandas, half a second)."""
    import pyarrow as pa

    buffers = array.buffers()
    start, stop = array.offset, array.offset + len(array)
    kind = "int" if pa.types.is_signed_integer(array.type) else "uint"
    values = np.frombuffer(buffers[1], dtype=np.dtype(f"{kind}{array.type.bit_width}"))[start:stop]
    if not array.null_count or buffers[0] is None:
        return values, None
    bits = np.unpackbits(np.frombuffer(buffers[0], dtype=np.uint8), bitorder="little")
    return values, bits[start:stop].astype(bool)


def blank_rows(columns: dict[str, Column], n: int) -> np.ndarray:
    """Rows where every given cell is blank (spreadsheets leave them at the end)."""
    blank = np.ones(n, dtype=bool)
    tests = []
    for values, indices in columns.values():
        is_blank = np.array([not v.strip() for v in values] + [True], dtype=bool)
        if not is_blank[:-1].any() and (not indices.size or int(indices.max()) < len(values)):
            return np.zeros(n, dtype=bool)  # a column answered on every row
        tests.append((is_blank, indices))
    for is_blank, indices in tests:
        blank &= is_blank[indices]
    return blank
