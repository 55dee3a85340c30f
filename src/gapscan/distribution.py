"""The whole distribution of a question's answers: the count and share at every level.

Independent samples read it from the count table. In paired mode it counts the
answers of each side's respondents in the accounts the view pairs (the answers the
paired comparison is built from, before they are combined per account); respondents
of unmatched accounts, or without an account key, are left out as they are left out
of the comparison.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from gapscan.report import GapResult, LevelCount
from gapscan.responses import Responses
from gapscan.survey import CUSTOMER, VENDOR, Question, Scale


def level_counts(scale: Scale, counts: np.ndarray) -> tuple[LevelCount, ...]:
    """Every level of ``scale`` in order with its score, count and share of ``counts``
    (one side's answers per level code)."""
    total = int(counts.sum())
    return tuple(
        LevelCount(
            level=level,
            score=float(score),
            n=int(n),
            share=int(n) / total if total else float("nan"),
        )
        for level, score, n in zip(scale.levels, scale.scores, counts, strict=True)
    )


def with_distribution(result: GapResult, scale: Scale, table: np.ndarray) -> GapResult:
    """``result`` with each side's distribution from ``table[side, level]``; a
    suppressed result stays without one (as it shows no share)."""
    if result.suppressed:
        return result
    return replace(
        result,
        vendor=replace(result.vendor, distribution=level_counts(scale, table[VENDOR])),
        customer=replace(result.customer, distribution=level_counts(scale, table[CUSTOMER])),
    )


def paired_table(question: Question, responses: Responses, accounts: np.ndarray) -> np.ndarray:
    """``table[side, level]``: the answers of each side's respondents whose account
    is one of ``accounts`` (indices into ``Responses.pair_labels``)."""
    if responses.pair_keys is None:
        raise ValueError("responses were loaded without pair keys (paired=True)")
    k = question.scale.k
    codes = responses.answers[question.id]
    in_pairs = np.zeros(len(responses.pair_labels) + 1, dtype=bool)
    in_pairs[np.asarray(accounts, dtype=np.int64)] = True
    keys = responses.pair_keys.astype(np.int64)
    # a missing key (-1) indexes the extra last slot, which is never a pair
    rows = in_pairs[keys] & (codes >= 0)
    cell = responses.side[rows].astype(np.int64) * k + codes[rows].astype(np.int64)
    return np.bincount(cell, minlength=2 * k).reshape(2, k)
