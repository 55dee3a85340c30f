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
from gapscan.folding import stripped

if TYPE_CHECKING:
    import pyarrow as pa

NO_ID = np.uint64(0)
_PRIME = np.uint64(0x100000001B3)  # FNV-1a's 64-bit prime: an odd multiplier
# The low 0..8 bytes of a word.
_MASKS = np.array([(1 << (8 * k)) - 1 for k in range(9)], dtype=np.uint64)


def _mix(h: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: every input bit reaches every output bit."""
    with np.errstate(over="ignore"):
        h = (h ^ (h >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        h = (h ^ (h >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        mixed: np.ndarray = h ^ (h >> np.uint64(31))
    return mixed


def hash_strings(array: pa.Array) -> np.ndarray:
    """A 64-bit hash of each string of a (non-dictionary) string array, nulls as "".
    A polynomial over the string's bytes taken eight at a time as little-endian words
    (Horner's rule, modulo 2**64, word by word across all strings at once: when lengths
    differ the strings are sorted longest first, so that each word works on the strings
    long enough to have it), with the length, then mixed."""
    import pyarrow as pa

    if pa.types.is_large_string(array.type):
        array = array.cast(pa.string())
    n = len(array)
    buffers = array.buffers()
    offsets = _offsets(array)
    lengths = np.diff(offsets).astype(np.int64)
    sums = np.zeros(n, dtype=np.uint64)
    longest = int(lengths.max()) if n else 0
    if longest > 0:
        first, last = int(offsets[0]), int(offsets[-1])
        padded = np.zeros(last - first + 8, dtype=np.uint8)  # a word may read past the end
        padded[: last - first] = np.frombuffer(buffers[2], dtype=np.uint8)[first:last]
        words = np.ndarray((last - first + 1,), dtype="<u8", buffer=padded, strides=(1,))
        starts = offsets[:-1].astype(np.int64) - first
        varied = int(lengths.min()) != longest
        order = np.argsort(-lengths, kind="stable") if varied else None
        if order is not None:
            starts, sizes = starts[order], lengths[order]
        else:
            sizes = lengths
        having = n - np.searchsorted(
            ((sizes + 7) // 8)[::-1], np.arange((longest + 7) // 8), "right"
        )
        ordered = np.zeros(n, dtype=np.uint64)
        with np.errstate(over="ignore"):
            for k, count in enumerate(having.tolist()):
                left = np.minimum(sizes[:count] - 8 * k, 8)
                word = words[starts[:count] + 8 * k] & _MASKS[left]
                ordered[:count] = ordered[:count] * _PRIME + word
        if order is not None:
            sums[order] = ordered
        else:
            sums = ordered
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
    trimmed = stripped(strings) if _untrimmed(strings) else strings
    hashes = hash_strings(trimmed)
    if pa.types.is_large_string(trimmed.type):
        trimmed = trimmed.cast(pa.string())
    blank = np.diff(_offsets(trimmed)) == 0  # blank once trimmed (a null has no bytes either)
    hashes[blank] = NO_ID
    return hashes


def _untrimmed(strings: pa.Array) -> bool:
    """Whether a string may start or end with whitespace: its first or last byte is not
    a printable ASCII character other than the space (a byte of 0x80 or more may be
    part of a non-ASCII space). Looking at two bytes a string is much cheaper than
    ``utf8_trim`` with a set of characters, and ids seldom need trimming. (An empty
    string's two bytes are its neighbours': looking at them is only cautious.)"""
    import pyarrow as pa

    if pa.types.is_large_string(strings.type):
        return True
    buffers = strings.buffers()
    n = len(strings)
    if not n or buffers[2] is None:
        return False
    offsets = _offsets(strings)
    data = np.frombuffer(buffers[2], dtype=np.uint8)
    if not data.size:
        return False
    firsts = data[np.minimum(offsets[:-1], data.size - 1)]
    lasts = data[np.maximum(offsets[1:] - 1, 0)]
    return bool(((firsts <= 0x20) | (firsts >= 0x7F) | (lasts <= 0x20) | (lasts >= 0x7F)).any())


def _offsets(strings: pa.Array) -> np.ndarray:
    """A string array's value offsets (one more than its values), read in place."""
    start = strings.offset
    return np.frombuffer(strings.buffers()[1], dtype=np.int32)[start : start + len(strings) + 1]


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
