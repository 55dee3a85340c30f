"""One-to-one pairs as their agreement table.

When each pair of a view is one vendor and one customer respondent, the pair is a cell
(vendor level, customer level) of a k x k table, and every statistic of the view is a
function of that table: the top-box shares, McNemar's test and the gap's Wald interval,
the score means, the signed-rank test, rank-biserial correlation and Hodges–Lehmann
estimate of the score differences (from the distinct differences and their counts),
and the weighted kappa. The view's pairs are never split out: one bincount per question
and breakdown gives the tables of all its views.

Each mean from the table is the same float as the mean over the pairs, because the
scores are whole numbers and their sums are exact in any order (``sums_exactly``);
scales whose scores are not, or that have more than ``MAX_LEVELS`` levels (a numeric
question with many values), are analysed from the pairs' arrays.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from gapscan.paired_differences import Differences
from gapscan.pairing import sums_exactly
from gapscan.responses import Responses
from gapscan.stats.paired import (
    hodges_lehmann_counted,
    mcnemar,
    paired_proportion_interval,
    signed_rank_counted,
    weighted_kappa,
)
from gapscan.survey import CUSTOMER, VENDOR, Question, Scale

# Scales with more levels (numeric questions with many values) keep the pairs' arrays.
MAX_LEVELS = 128

Kappa = tuple[float | None, float | None, float | None]


class PairStatistics(NamedTuple):
    """What a paired view reports, however it was computed."""

    vendor_top: float  # share of the vendor side's account-level answers in the top box
    customer_top: float
    vendor_mean: float  # mean account-level score
    customer_mean: float
    gap: float  # mean top-box difference, vendor minus customer
    ci: tuple[float, float]  # Wald interval of the gap
    test: tuple[str, float, float]  # method, statistic, p
    mean_gap: float
    signed_rank: tuple[float, float, float]  # statistic, p, rank-biserial correlation
    hodges_lehmann: tuple[float, float, float]  # estimate, ci low, ci high
    shares: tuple[float, float, float]  # vendor higher, same, customer higher
    kappa: Kappa


def tabulable(scale: Scale, pairs: int) -> bool:
    """Whether one-to-one views of up to ``pairs`` pairs on ``scale`` are computed from
    their agreement table (same floats as from the pairs)."""
    scores = np.asarray(scale.scores, dtype=np.float64)
    return 0 < scale.k <= MAX_LEVELS and sums_exactly(scores, pairs)


def from_agreement(question: Question, table: np.ndarray, confidence: float) -> PairStatistics:
    """The statistics of one-to-one pairs whose (vendor level, customer level) counts are
    ``table`` (k x k, at least one pair)."""
    scale = question.scale
    top = np.zeros(scale.k, dtype=bool)
    top[sorted(scale.top_box)] = True
    scores = np.asarray(scale.scores, dtype=np.float64)
    n = int(table.sum())
    vendor, customer = table.sum(axis=1), table.sum(axis=0)
    both, neither = int(table[top][:, top].sum()), int(table[~top][:, ~top].sum())
    b, c = int(table[top][:, ~top].sum()), int(table[~top][:, top].sum())
    # the pairs' score differences, rounded as the pairs' own (paired_differences.Differences)
    differences = np.round(scores[:, None] - scores[None, :], 12)
    present = table > 0
    values, counts = Differences.indexed(differences[present]).counted(table[present])
    kappa: Kappa = (None, None, None)
    if scale.numeric is None:  # agreement on the levels of a scale
        kappa = weighted_kappa(table, confidence=confidence)
    return PairStatistics(
        vendor_top=int(vendor[top].sum()) / n,
        customer_top=int(customer[top].sum()) / n,
        vendor_mean=float(vendor @ scores) / n,
        customer_mean=float(customer @ scores) / n,
        gap=(b - c) / n,
        ci=paired_proportion_interval(both, b, c, neither, confidence=confidence),
        test=mcnemar(b, c),
        mean_gap=float(values @ counts) / n,
        signed_rank=signed_rank_counted(values, counts),
        hodges_lehmann=hodges_lehmann_counted(values, counts, confidence=confidence),
        shares=shares_of(values, counts),
        kappa=kappa,
    )


def ranked(
    values: np.ndarray, counts: np.ndarray, confidence: float
) -> tuple[tuple[float, float, float], tuple[float, float, float], tuple[float, float, float]]:
    """The signed-rank test, Hodges–Lehmann estimate and vendor-higher/same/lower shares
    of score differences given as their distinct values (increasing) and counts."""
    return (
        signed_rank_counted(values, counts),
        hodges_lehmann_counted(values, counts, confidence=confidence),
        shares_of(values, counts),
    )


def shares_of(values: np.ndarray, counts: np.ndarray) -> tuple[float, float, float]:
    """The shares of differences above, at and below zero."""
    n = int(counts.sum())
    return (
        int(counts[values > 0].sum()) / n,
        int(counts[values == 0].sum()) / n,
        int(counts[values < 0].sum()) / n,
    )


def margins(table: np.ndarray) -> np.ndarray:
    """``table[side, level]``: the vendor and customer answers of the pairs."""
    counts: np.ndarray = np.stack((table.sum(axis=1), table.sum(axis=0)))
    assert VENDOR == 0 and CUSTOMER == 1
    return counts


class Tabulated(NamedTuple):
    """A question's one-to-one views (``OneEach.views``), and the whole sample's pairs."""

    views: list[tuple[np.ndarray, tuple[int, int]]]  # agreement table, unmatched accounts
    account: np.ndarray  # the pairs' accounts (indices into Responses.pair_labels)
    vendor: np.ndarray  # and their level codes
    customer: np.ndarray


class OneEach:
    """The keyed respondents of each side, when no account has two respondents of one
    side: then every question's pairs are one-to-one, and each question's views are
    tabulated straight from the answers, without combining accounts."""

    def __init__(self, rows: tuple[np.ndarray, np.ndarray], keys: np.ndarray, accounts: int):
        self._rows = rows  # each side's keyed respondents
        self._keys = tuple(keys[r] for r in rows)  # and their accounts
        self._accounts = accounts

    @classmethod
    def of(cls, responses: Responses) -> OneEach | None:
        """Each side's keyed respondents, or None when an account has two of a side."""
        keys = responses.pair_keys
        assert keys is not None
        accounts = len(responses.pair_labels)
        rows = tuple(
            np.flatnonzero((responses.side == s) & (keys >= 0)) for s in (VENDOR, CUSTOMER)
        )
        for side in rows:
            if np.bincount(keys[side], minlength=accounts).max(initial=0) > 1:
                return None
        return cls((rows[0], rows[1]), keys, accounts)

    def views(
        self, codes: np.ndarray, k: int, groupings: list[tuple[np.ndarray, int]]
    ) -> Tabulated:
        """For a question's level codes (-1 for no answer), each view's agreement table
        and its unmatched accounts (answered by the vendor side only, the customer side
        only): the whole sample, then each grouping ``(group, groups)``'s groups, an
        account in group ``group[account]``."""
        vendor, customer = (self._levels(codes, s) for s in (VENDOR, CUSTOMER))
        answered_v, answered_c = vendor >= 0, customer >= 0
        paired = np.flatnonzero(answered_v & answered_c)
        only = (np.flatnonzero(answered_v & ~answered_c), np.flatnonzero(answered_c & ~answered_v))
        vendor, customer = vendor[paired], customer[paired]
        cell = vendor * k + customer
        whole = np.bincount(cell, minlength=k * k).reshape(k, k)
        views = [(whole, (int(only[0].size), int(only[1].size)))]
        for group, groups in groupings:
            tables = np.bincount(group[paired] * (k * k) + cell, minlength=groups * k * k)
            unmatched = [np.bincount(group[o], minlength=groups).tolist() for o in only]
            views += [
                (table, (unmatched[0][g], unmatched[1][g]))
                for g, table in enumerate(tables.reshape(groups, k, k))
            ]
        return Tabulated(views, paired, vendor, customer)

    def _levels(self, codes: np.ndarray, side: int) -> np.ndarray:
        """Each account's level code on ``side`` (-1 where none answered)."""
        level = np.full(self._accounts, -1, dtype=np.int64)
        level[self._keys[side]] = codes[self._rows[side]]
        return level
