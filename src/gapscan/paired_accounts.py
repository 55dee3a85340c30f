"""``--show-accounts``: the accounts whose vendor-minus-customer score difference is
largest, ties by label, found without sorting every pair."""

from __future__ import annotations

from typing import NamedTuple, Protocol

import numpy as np

from gapscan.paired_agreement import Tabulated
from gapscan.paired_differences import Differences
from gapscan.report import AccountGap
from gapscan.survey import Question


class AccountNames:
    """The accounts' display labels, and each one's place in their sort order (equal
    labels in account order), ranked once for every question."""

    def __init__(self, labels: tuple[str, ...]) -> None:
        self.labels = labels
        self.rank = np.empty(len(labels), dtype=np.int64)
        self.rank[sorted(range(len(labels)), key=labels.__getitem__)] = np.arange(len(labels))


class ScoredPairs(Protocol):
    """Account-level scores of pairs, as ``QuestionPairs`` has them."""

    @property
    def account(self) -> np.ndarray: ...
    @property
    def vendor_score(self) -> np.ndarray: ...
    @property
    def customer_score(self) -> np.ndarray: ...
    @property
    def vendor_n(self) -> np.ndarray: ...
    @property
    def customer_n(self) -> np.ndarray: ...


class OneToOneScores(NamedTuple):
    """The scores of one-to-one pairs."""

    account: np.ndarray
    vendor_score: np.ndarray
    customer_score: np.ndarray
    vendor_n: np.ndarray
    customer_n: np.ndarray

    @classmethod
    def of(cls, q: Question, tabulated: Tabulated) -> OneToOneScores:
        scores = np.asarray(q.scale.scores, dtype=np.float64)
        one = np.ones(tabulated.account.size, dtype=np.int64)
        return cls(
            tabulated.account, scores[tabulated.vendor], scores[tabulated.customer], one, one
        )


def misjudged(pairs: ScoredPairs, names: AccountNames | None, count: int) -> tuple[AccountGap, ...]:
    """The accounts with the largest vendor-minus-customer score difference, ties by
    label: only the accounts at or above the count-th largest difference are ordered."""
    if count <= 0 or names is None or pairs.account.size == 0:
        return ()
    candidates = _at_the_top(pairs, count)
    diff = pairs.vendor_score[candidates] - pairs.customer_score[candidates]
    by_label = names.rank[pairs.account[candidates]]
    order = np.lexsort((by_label, -diff))[:count]
    return tuple(
        AccountGap(
            account=names.labels[pairs.account[i]],
            vendor_score=float(pairs.vendor_score[i]),
            customer_score=float(pairs.customer_score[i]),
            difference=float(d),
            vendor_respondents=int(pairs.vendor_n[i]),
            customer_respondents=int(pairs.customer_n[i]),
        )
        for i, d in zip(candidates[order].tolist(), diff[order].tolist(), strict=True)
    )


def _at_the_top(pairs: ScoredPairs, count: int) -> np.ndarray:
    """The pairs whose difference is at or above the count-th largest (increasing).
    With the pairs' distinct differences (rounded: rounding keeps their order, so the
    pairs at or above the count-th largest rounded difference hold every pair at or
    above it unrounded), from their counts; else by a partition of every difference."""
    size = pairs.account.size
    if count >= size:
        return np.arange(size)
    known: Differences | None = getattr(pairs, "score_difference", None)
    if known is not None and known.distinct is not None and known.which is not None:
        from_the_top = np.cumsum(np.bincount(known.which, minlength=known.distinct.size)[::-1])
        cut = known.distinct.size - 1 - int(np.searchsorted(from_the_top, count))
        return np.flatnonzero(known.which >= cut)
    diff = pairs.vendor_score - pairs.customer_score
    return np.flatnonzero(diff >= np.partition(diff, size - count)[-count])
