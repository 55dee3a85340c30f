"""Respondent ids (and other per-row keys) as 64-bit hashes, computed over the Arrow
string buffers of each batch: no Python string per row, eight bytes per row kept.

A hash identifies an id only probably: the duplicate check sorts the hashes, and the
rows whose hash repeats have their ids read again and compared exactly (see
:mod:`gapscan.identity`), so a collision of two different ids is never a duplicate.

Ids are compared trimmed (Python's ``str.strip``: the same whitespace is trimmed
here before hashing); a blank id hashes to ``NO_ID``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from gapscan.columns import Blocks, integers

if TYPE_CHECKING:
    import pyarrow as pa

NO_ID = np.uint64(0)
# Every character Python's str.strip() removes (str.isspace), for pyarrow's utf8_trim.
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680"
    + "".join(chr(c) for c in range(0x2000, 0x200B))
    + "\u2028\u2029\u202f\u205f\u3000"
)
_PRIME = np.uint64(0x100000001B3)  # FNV-1a's 64-bit prime: an odd multiplier


def _mix(h: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: every input bit reaches every output bit."""
    with np.errstate(over="ignore"):
        h = (h ^ (h >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        h = (h ^ (h >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        mixed: np.ndarray = h ^ (h >> np.uint64(31))
    return mixed


def hash_strings(array: pa.Array) -> np.ndarray:
    """A 64-bit hash of each string of a (non-dictionary) string array, nulls as "".
    A polynomial over the bytes (Horner's rule, modulo 2**64, place by place across
    all strings at once: the strings sorted longest first, so that each place works on
    the strings long enough to have it), with the length, then mixed."""
    import pyarrow as pa

    if pa.types.is_large_string(array.type):
        array = array.cast(pa.string())
    n = len(array)
    buffers = array.buffers()
    offsets = np.frombuffer(buffers[1], dtype=np.int32)[array.offset : array.offset + n + 1]
    lengths = np.diff(offsets).astype(np.int64)
    sums = np.zeros(n, dtype=np.uint64)
    if n and int(lengths.max()) > 0:
        data = np.frombuffer(buffers[2], dtype=np.uint8)
        order = np.argsort(-lengths, kind="stable")
        starts = offsets[:-1].astype(np.int64)[order]
        shortest_first = lengths[order][::-1]
        places = np.arange(int(shortest_first[-1]))
        having = n - np.searchsorted(shortest_first, places, side="right")  # length > place
        ordered = np.zeros(n, dtype=np.uint64)
        with np.errstate(over="ignore"):
            for place, count in enumerate(having.tolist()):
                byte = data[starts[:count] + place].astype(np.uint64) + np.uint64(1)
                ordered[:count] = ordered[:count] * _PRIME + byte
        sums[order] = ordered
    with np.errstate(over="ignore"):
        hashes = _mix(sums ^ (lengths.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)))
    hashes[hashes == NO_ID] = np.uint64(1)
    return hashes


def hash_ids(chunk: pa.Array) -> np.ndarray:
    """Each row's id hash (trimmed; ``NO_ID`` for a blank or null id). A dictionary
    chunk is hashed through its dictionary."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if pa.types.is_dictionary(chunk.type):
        table = _trimmed_hashes(chunk.dictionary)
        indices, valid = integers(chunk.indices)
        hashes = table[indices] if len(table) else np.zeros(len(chunk), np.uint64)
        if valid is not None:
            hashes = np.where(valid, hashes, NO_ID)
        return hashes
    if not pa.types.is_string(chunk.type) and not pa.types.is_large_string(chunk.type):
        chunk = pc.cast(chunk, pa.string())
    hashes = _trimmed_hashes(chunk)
    if chunk.null_count:
        hashes[_mask(pc.is_null(chunk))] = NO_ID
    return hashes


def _trimmed_hashes(strings: pa.Array) -> np.ndarray:
    import pyarrow as pa
    import pyarrow.compute as pc

    if not pa.types.is_string(strings.type) and not pa.types.is_large_string(strings.type):
        strings = pc.cast(strings, pa.string())
    trimmed = pc.utf8_trim(strings, characters=WHITESPACE) if _untrimmed(strings) else strings
    hashes = hash_strings(trimmed)
    if pa.types.is_large_string(trimmed.type):
        trimmed = trimmed.cast(pa.string())
    offsets = trimmed.buffers()[1]
    start = trimmed.offset
    ends = np.frombuffer(offsets, dtype=np.int32)[start : start + len(trimmed) + 1]
    hashes[np.diff(ends) == 0] = NO_ID  # blank once trimmed (a null has no bytes either)
    return hashes


def _untrimmed(strings: pa.Array) -> bool:
    """Whether a string may start or end with whitespace: its first or last byte is not
    a printable ASCII character other than the space (a byte of 0x80 or more may be
    part of a non-ASCII space). Looking at two bytes a string is much cheaper than
    ``utf8_trim`` with a set of characters, and ids seldom need trimming."""
    import pyarrow as pa

    if pa.types.is_large_string(strings.type):
        return True
    buffers = strings.buffers()
    n = len(strings)
    if not n or buffers[2] is None:
        return False
    offsets = np.frombuffer(buffers[1], dtype=np.int32)[strings.offset : strings.offset + n + 1]
    starts, ends = offsets[:-1], offsets[1:]
    filled = ends > starts
    data = np.frombuffer(buffers[2], dtype=np.uint8)
    edges = np.concatenate([data[starts[filled]], data[ends[filled] - 1]])
    return bool(((edges <= 0x20) | (edges >= 0x7F)).any())


def _mask(flags: pa.Array) -> np.ndarray:
    """A boolean array without nulls as a numpy mask (no pandas import)."""
    import pyarrow as pa

    values, _ = integers(flags.cast(pa.int8()))
    return values.astype(bool)


class IdHasher:
    """One column's per-row id hashes, added a batch at a time."""

    def __init__(self) -> None:
        self.hashes = Blocks(np.dtype(np.uint64))

    def add(self, chunk: pa.Array) -> None:
        self.hashes.append(hash_ids(chunk))

    def finish(self) -> np.ndarray:
        return self.hashes.finish()
