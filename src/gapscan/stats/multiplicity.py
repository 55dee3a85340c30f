"""Adjusting a family of p-values for multiple comparisons."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from gapscan.survey import Correction


def adjust_pvalues(p_values: Sequence[float], method: Correction | str) -> list[float]:
    """Adjusted p-values, in the input order.

    holm: Holm's step-down (controls the family-wise error rate);
    bh: Benjamini–Hochberg (controls the false discovery rate);
    bonferroni: m·p; none: unchanged. Each is capped at 1.
    Reference: ``statsmodels.stats.multitest.multipletests`` (``holm``, ``fdr_bh``,
    ``bonferroni``).
    """
    method = Correction(method)
    p = np.asarray(p_values, dtype=np.float64)
    m = len(p)
    if m == 0 or method is Correction.NONE:
        return [float(v) for v in p]
    if method is Correction.BONFERRONI:
        return [float(v) for v in np.minimum(p * m, 1.0)]
    order = np.argsort(p, kind="stable")
    ranked = p[order]
    if method is Correction.HOLM:
        stepped = np.maximum.accumulate(ranked * np.arange(m, 0, -1))
    else:  # Benjamini–Hochberg
        # p * (m / i), not (p * m) / i: the largest p keeps a factor of exactly 1
        stepped = np.minimum.accumulate((ranked * (m / np.arange(1, m + 1)))[::-1])[::-1]
    adjusted = np.empty(m)
    adjusted[order] = np.minimum(stepped, 1.0)
    return [float(v) for v in adjusted]
