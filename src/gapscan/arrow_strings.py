"""Arrow string arrays made from Python strings and from other arrays without a
conversion that imports pandas, and the distinct values of several such arrays."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pyarrow as pa


def unified(pieces: list[pa.Array]) -> tuple[list[str], np.ndarray]:
    """The distinct values of string arrays taken one after another, in the order
    they first appear, and each entry's place among them."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from gapscan.columns import integers  # columns imports this module

    if any(pa.types.is_large_string(piece.type) for piece in pieces):
        pieces = [piece.cast(pa.large_string()) for piece in pieces]
    whole = pa.concat_arrays(pieces) if len(pieces) > 1 else pieces[0]
    encoded = pc.dictionary_encode(whole)
    values = encoded.dictionary.to_pylist()
    codes, valid = integers(encoded.indices)
    codes = codes.astype(np.int64)
    if valid is not None:  # a null among the values: a null cell
        codes[~valid] = len(values)
    return values, codes


def texts(dictionary: pa.Array) -> pa.Array:
    """A batch's dictionary as strings, each value as ``str`` spells it."""
    import pyarrow as pa

    if pa.types.is_string(dictionary.type):
        return dictionary
    if pa.types.is_large_string(dictionary.type):
        return dictionary.cast(pa.string())
    return text_array([str(value) for value in dictionary.to_pylist()])


def text_array(values: Sequence[str]) -> pa.Array:
    """Python strings as an Arrow string array, built from its buffers: ``pa.array``
    would import pandas (half a second) to ask whether the list is one of its own."""
    import pyarrow as pa

    encoded = [value.encode("utf-8") for value in values]
    lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
    data = b"".join(encoded)
    wide = len(data) >= 2**31
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64 if wide else np.int32)
    np.cumsum(lengths, out=offsets[1:])
    kind = pa.large_string() if wide else pa.string()
    return pa.Array.from_buffers(
        kind, len(encoded), [None, pa.py_buffer(offsets), pa.py_buffer(data)]
    )
