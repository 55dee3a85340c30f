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
from gapscan.survey import CUSTOMER, VENDOR, Scale


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
