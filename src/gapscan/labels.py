"""The labels a run shows for text values grouped by their folded form (trimmed,
case-folded): breakdown segments and account keys.

A segment is shown with its canonical spelling: of the spellings the analysed
respondents gave it, the most frequent, ties broken by sort order; a count table
computed elsewhere (which knows each spelling's count) shows the same one. Accounts
(``pair_by`` keys) are in the order of their folded keys, each shown by its canonical
spelling on the vendor side, so that a per-account count table gives the same
accounts, in the same order, as the respondents do.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from gapscan.arrow_strings import text_array
from gapscan.columns import Column, integers
from gapscan.folding import stripped
from gapscan.survey import CUSTOMER, VENDOR, PairBy, fold

# The segment of respondents whose breakdown cell is empty. Its label is the empty
# string, which no value read from a file can be (values are trimmed, and a value
# that trims to nothing is this segment), so a cell reading "(blank)" or "(no value)"
# stays a segment of its own; renderers show the empty label as "(no value)".
BLANK_SEGMENT = ""

# One file's values of a column: its distinct spellings and each row's index into them.
Spellings = tuple[list[str], np.ndarray]


def spellings(column: Column) -> Spellings:
    """A breakdown column's trimmed spellings in use, and each row's spelling (a
    value that trims to nothing, or a null cell, is the blank segment)."""
    values, indices = column
    present = np.bincount(indices, minlength=len(values) + 1) > 0
    labels: list[str] = []
    position: dict[str, int] = {}
    table = []
    for value, used in zip([*values, ""], present, strict=True):
        spelling = value.strip()
        if used and spelling not in position:
            position[spelling] = len(labels)
            labels.append(spelling)
        table.append(position.get(spelling, 0))
    return labels, np.asarray(table, dtype=np.int32)[indices]


def canonical(counts: dict[str, int]) -> str:
    """The spelling shown for a group: the most frequent, ties broken by sort order."""
    return min(counts, key=lambda spelling: (-counts[spelling], spelling))


def combine_spellings(parts: Sequence[Spellings]) -> tuple[tuple[str, ...], np.ndarray]:
    """The files' spellings grouped by folded value, each group shown by its canonical
    spelling; the groups sorted (blank last) and each row's group."""
    groups: dict[str, dict[str, int]] = {}
    for labels, codes in parts:
        counts = np.bincount(codes, minlength=len(labels))
        for label, count in zip(labels, counts.tolist(), strict=True):
            group = groups.setdefault(fold(label), {})
            group[label] = group.get(label, 0) + count
    shown = {key: BLANK_SEGMENT if not key else canonical(c) for key, c in groups.items()}
    ordered = sorted(shown.values(), key=lambda s: (s == BLANK_SEGMENT, s.casefold(), s))
    index = {fold(label): i for i, label in enumerate(ordered)}
    rows = []
    for labels, codes in parts:
        remap = np.array([index[fold(label)] for label in labels], dtype=np.int32)
        rows.append(remap[codes] if len(labels) else codes.astype(np.int32))
    merged = np.concatenate(rows) if rows else np.empty(0, dtype=np.int32)
    return tuple(ordered), merged


def compact(labels: list[str], codes: np.ndarray) -> tuple[list[str], np.ndarray]:
    """Only the labels still in use, and the codes renumbered to them."""
    used = np.unique(codes)
    remap = np.full(len(labels), -1, dtype=codes.dtype)
    remap[used] = np.arange(used.size, dtype=codes.dtype)
    return [labels[i] for i in used], remap[codes]


def code_pair_keys(
    pair_by: PairBy, columns: dict[str, Column], side_codes: np.ndarray, sides: tuple[int, ...]
) -> tuple[list[str], np.ndarray]:
    """Account keys as trimmed spellings (grouped by folded value when the files are
    combined, :func:`combine_keys`), in the order each side's rows first use them;
    -1 where a respondent has no key."""
    labels: list[str] = []
    keys = np.full(side_codes.shape, -1, dtype=np.int32)
    # per column (both sides may read one): its spellings, each value's spelling, and
    # each spelling's key (-1: none yet; the last entry, blank, stays -1)
    read: dict[str, tuple[list[str], np.ndarray, np.ndarray]] = {}
    for s in sides:
        name = pair_by.column(s)
        values, indices = columns[name]
        if not values:  # every cell empty
            continue
        if name not in read:
            spelled, spelling = _key_spellings(values)
            key = np.full(len(spelled) + 1, -1, dtype=np.int32)
            if labels:  # another column's keys came first: a spelling is one key
                known = {label: k for k, label in enumerate(labels)}
                key[:-1] = [known.get(spelling, -1) for spelling in spelled]
            read[name] = spelled, spelling, key
        spelled, spelling, key = read[name]
        rows = side_codes == s
        used = np.bincount(indices[rows], minlength=len(values) + 1)[: len(values)] > 0
        in_use = spelling[used & (spelling >= 0)]  # in the order of the values
        distinct, first = np.unique(in_use, return_index=True)
        new = distinct[np.argsort(first)]
        new = new[key[new] < 0]
        key[new] = np.arange(len(labels), len(labels) + new.size, dtype=np.int32)
        labels += [spelled[j] for j in new.tolist()]
        keys[rows] = np.append(key[spelling], np.int32(-1))[indices[rows]]  # null: no key
    return labels, keys


def _key_spellings(values: list[str]) -> tuple[list[str], np.ndarray]:
    """The distinct trimmed spellings of a key column's values that are not blank, and
    each value's spelling among them (-1: blank, no key)."""
    import pyarrow.compute as pc

    encoded = pc.dictionary_encode(stripped(text_array(values)))
    spelled: list[str] = encoded.dictionary.to_pylist()
    blank = np.array([not spelling for spelling in spelled], dtype=bool)
    ascii_ = np.asarray(pc.string_is_ascii(encoded.dictionary).to_pylist(), dtype=bool)
    for j in np.flatnonzero(~ascii_).tolist():  # only look-alikes may fold to nothing
        blank[j] = not fold(spelled[j])
    codes, _ = integers(encoded.indices)
    spelling = np.where(blank, -1, np.cumsum(~blank) - 1)[codes]
    return [t for t, b in zip(spelled, blank, strict=True) if not b], spelling


def account_keys(
    spelled: Sequence[str], vendor: Sequence[int] | np.ndarray, customer: Sequence[int] | np.ndarray
) -> tuple[tuple[str, ...], np.ndarray]:
    """Accounts from their keys' trimmed spellings (``vendor``/``customer``: each
    spelling's respondents per side): spellings grouped by folded value, the groups in
    sorted order, each shown by its canonical spelling among the vendor side's (the
    customer side's when no vendor respondent has it). Returns the labels and each
    spelling's account."""
    folded = [fold(spelling) for spelling in spelled]
    v, c = np.asarray(vendor, dtype=np.int64), np.asarray(customer, dtype=np.int64)
    if len(set(folded)) == len(folded) and bool(((v > 0) | (c > 0)).all()):
        # each spelling an account of its own (the usual case): its canonical spelling
        order = sorted(range(len(folded)), key=folded.__getitem__)
        account = np.empty(len(folded), dtype=np.int64)
        account[order] = np.arange(len(folded))
        return tuple(spelled[i] for i in order), account
    return _grouped_accounts(spelled, folded, v.tolist(), c.tolist())


def _grouped_accounts(
    spelled: Sequence[str], folded: list[str], vendor: Sequence[int], customer: Sequence[int]
) -> tuple[tuple[str, ...], np.ndarray]:
    """:func:`account_keys` by grouping every spelling with its folded value."""
    groups: dict[str, tuple[dict[str, int], dict[str, int]]] = {}
    for spelling, key, v, c in zip(spelled, folded, vendor, customer, strict=True):
        by_side = groups.setdefault(key, ({}, {}))
        for counts, n in zip(by_side, (v, c), strict=True):
            if n > 0:
                counts[spelling] = counts.get(spelling, 0) + n
    keys = sorted(groups)
    labels = tuple(canonical(groups[k][0] or groups[k][1]) for k in keys)
    index = {k: i for i, k in enumerate(keys)}
    return labels, np.array([index[key] for key in folded], dtype=np.int64)


def combine_keys(
    files: Sequence[tuple[np.ndarray, tuple[list[str], np.ndarray] | None]],
) -> tuple[np.ndarray | None, tuple[str, ...]]:
    """Unify the files' account keys (per file: each row's side, and the keys) by
    :func:`account_keys`, counting every spelling's respondents across the files.
    None without files or keys."""
    if not files or any(keys is None for _, keys in files):
        return None, ()
    listed = [pair_keys[0] for _, pair_keys in files if pair_keys is not None]
    if len(listed) == 1:  # a file's spellings are distinct: each its own place
        spelled = listed[0]
        places = [np.arange(len(spelled), dtype=np.int64)]
    else:  # per file: each of its spellings' place among all the files'
        position: dict[str, int] = {}
        places = [
            np.asarray([position.setdefault(label, len(position)) for label in labels], np.int64)
            for labels in listed
        ]
        spelled = list(position)
    counts = np.zeros((2, len(spelled)), dtype=np.int64)  # per side, per spelling
    for (side, pair_keys), place in zip(files, places, strict=True):
        assert pair_keys is not None
        keys = pair_keys[1]
        for s in (VENDOR, CUSTOMER):
            per_label = np.bincount(keys[(side == s) & (keys >= 0)], minlength=place.size)
            counts[s, place] += per_label  # a file's spellings are distinct
    labels, account = account_keys(spelled, counts[VENDOR], counts[CUSTOMER])
    accounts = account.astype(np.int32)
    parts = []
    for (_, pair_keys), place in zip(files, places, strict=True):
        assert pair_keys is not None
        lookup = np.append(accounts[place], np.int32(-1))
        parts.append(lookup[pair_keys[1]])  # -1 indexes the trailing -1
    return np.concatenate(parts), labels
