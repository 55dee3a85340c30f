"""Pairs' differences, rounded, and their index into the distinct differences: what
every paired view counts its signed-rank test, Hodges–Lehmann estimate and shares from
(:mod:`gapscan.pairing`, :mod:`gapscan.paired_states`, :mod:`gapscan.paired_agreement`)."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from gapscan.stats.paired import distinct_differences

# Pairs' differences are counted by the pairs' states up to this many states.
STATE_BUDGET = 1 << 20


class Differences(NamedTuple):
    """One vendor-minus-customer difference per pair, rounded to 12 decimals so that
    account means which agree differ by exactly zero. When each side's value is fixed
    by a few whole numbers (``pair_states``), each pair also has its index into the
    distinct differences: a view of any subset of the pairs (a segment) counts its
    distinct differences from its indices, and nothing is sorted but the few distinct
    values; otherwise each view sorts its differences."""

    value: np.ndarray
    distinct: np.ndarray | None = None  # increasing, a zero is +0.0
    which: np.ndarray | None = None  # value[i] == distinct[which[i]]

    @classmethod
    def of(
        cls, vendor: np.ndarray, customer: np.ndarray, states: tuple[np.ndarray, int] | None
    ) -> Differences:
        """The differences of pairs whose state (``pair_states``: one integer below
        ``size`` a pair, equal states giving equal values) is ``states``, if known."""
        value = np.round(vendor - customer, 12)
        if states is None:
            return cls(value)
        state, size = states
        seen = np.flatnonzero(np.bincount(state, minlength=size))
        pair_of = np.zeros(size, dtype=np.int64)
        pair_of[state] = np.arange(state.size)  # a pair in each state
        distinct, of_seen = np.unique(value[pair_of[seen]], return_inverse=True)
        index = np.zeros(size, dtype=np.int64)
        index[seen] = of_seen.reshape(-1)
        return cls(value, distinct + 0.0, index[state])

    @classmethod
    def indexed(cls, value: np.ndarray) -> Differences:
        """Rounded differences with their index into their distinct values."""
        distinct, which = np.unique(value, return_inverse=True)
        return cls(value, distinct + 0.0, which.reshape(-1))

    def take(self, positions: np.ndarray) -> Differences:
        which = None if self.which is None else self.which[positions]
        return Differences(self.value[positions], self.distinct, which)

    def counted(self, pairs: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The distinct differences these pairs have, increasing, and their counts;
        ``pairs``, if given, is how many pairs each entry stands for (then the entries
        must be indexed)."""
        if self.distinct is None or self.which is None:
            if pairs is not None:
                raise ValueError("counting entries that stand for pairs needs their index")
            return distinct_differences(self.value)
        counts = np.bincount(self.which, weights=pairs, minlength=self.distinct.size)
        present = counts > 0
        return self.distinct[present], counts[present].astype(np.int64)


def pair_states(
    total: np.ndarray, count: np.ndarray, vendor: np.ndarray, customer: np.ndarray
) -> tuple[np.ndarray, int] | None:
    """Each pair's state as one integer, when a side's value is ``total / count`` for
    whole-number totals: the pair's vendor and customer cells (``vendor``, ``customer``)
    each contribute their count and total. Each side's distinct (total, count) are
    numbered, and a state is the pair of numbers. None when the totals are not whole
    numbers or the states would number more than ``STATE_BUDGET``."""
    v, c = _numbered(total, count, vendor), _numbered(total, count, customer)
    if v is None or c is None or v[1] * c[1] > STATE_BUDGET:
        return None
    return v[0] * c[1] + c[0], v[1] * c[1]


def _numbered(
    total: np.ndarray, count: np.ndarray, cells: np.ndarray
) -> tuple[np.ndarray, int] | None:
    """For each of ``cells``, a number of its (total, count), equal numbers for equal
    pairs, and how many numbers there are; None when the totals are not whole or their
    range times the counts' is over ``STATE_BUDGET``."""
    totals, counts = total[cells], count[cells]
    if totals.size == 0 or not np.array_equal(totals, np.trunc(totals)):
        return None
    low, width = float(totals.min()), int(counts.max()) + 1
    size = (float(totals.max()) - low + 1) * width
    if size > STATE_BUDGET:
        return None
    key = (totals - low).astype(np.int64) * width + counts
    seen = np.flatnonzero(np.bincount(key, minlength=int(size)))
    number = np.zeros(int(size), dtype=np.int64)
    number[seen] = np.arange(seen.size)
    return number[key], int(seen.size)
