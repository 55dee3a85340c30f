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
    each contribute their count and total. None when the totals are not whole numbers
    or the states would number more than ``STATE_BUDGET``."""
    v_total, c_total = total[vendor], total[customer]
    if v_total.size == 0:
        return None
    low = min(float(v_total.min()), float(c_total.min()))
    high = max(float(v_total.max()), float(c_total.max()))
    whole = np.array_equal(v_total, np.trunc(v_total)) and np.array_equal(
        c_total, np.trunc(c_total)
    )
    counts = max(int(count[vendor].max()), int(count[customer].max())) + 1
    side = (high - low + 1) * counts
    if not whole or side * side > STATE_BUDGET:
        return None
    v_state = (v_total - low).astype(np.int64) * counts + count[vendor]
    c_state = (c_total - low).astype(np.int64) * counts + count[customer]
    return v_state * int(side) + c_state, int(side * side)
