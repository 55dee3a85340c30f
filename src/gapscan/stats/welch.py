"""Welch's t-test and interval of a difference of means, from counts per distinct value."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from gapscan.stats._t import t_critical_value, t_two_sided_p


@dataclass(frozen=True)
class WelchComparison:
    """Welch's unequal-variances t-test of mean(vendor) - mean(customer)."""

    mean_vendor: float
    mean_customer: float
    mean_gap: float
    statistic: float  # t
    df: float  # Welch–Satterthwaite degrees of freedom
    p_value: float
    ci_low: float
    ci_high: float


def _moments(counts: np.ndarray, values: np.ndarray) -> tuple[float, float, float]:
    """n, mean and the unbiased variance of the answers given as counts per value."""
    n = float(counts.sum())
    mean = float((counts * values).sum() / n)
    var = float((counts * (values - mean) ** 2).sum() / (n - 1)) if n > 1 else math.nan
    return n, mean, var


def welch_from_counts(
    vendor: Sequence[float] | np.ndarray,
    customer: Sequence[float] | np.ndarray,
    values: Sequence[float] | np.ndarray,
    *,
    confidence: float = 0.95,
) -> WelchComparison:
    """Welch's t-test (two-sided) and its interval from counts per value.

    With s_i^2 the unbiased variances, se = sqrt(s_1^2/n_1 + s_2^2/n_2),
    t = (mean_1 - mean_2) / se on df = se^4 / sum((s_i^2/n_i)^2 / (n_i - 1)) degrees of
    freedom (Welch–Satterthwaite), and the interval is the difference ± t_{df} se.
    References: ``scipy.stats.ttest_ind(x, y, equal_var=False)`` and
    ``statsmodels.stats.weightstats.CompareMeans.tconfint_diff(usevar="unequal")`` on
    the raw values. A side with one answer has no variance: t, df and the interval are
    nan and p is 1. When both variances are zero the t is 0 (p 1) for equal means, else
    infinite (p 0), and the interval is the point.
    """
    a = np.asarray(vendor, dtype=np.float64)
    b = np.asarray(customer, dtype=np.float64)
    x = np.asarray(values, dtype=np.float64)
    if a.shape != x.shape or b.shape != x.shape:
        raise ValueError("counts and values must have the same length")
    if a.sum() <= 0 or b.sum() <= 0:
        raise ValueError("both samples need at least one answer")
    n1, m1, v1 = _moments(a, x)
    n2, m2, v2 = _moments(b, x)
    gap = m1 - m2
    if n1 < 2 or n2 < 2:
        return WelchComparison(m1, m2, gap, math.nan, math.nan, 1.0, math.nan, math.nan)
    w1, w2 = v1 / n1, v2 / n2
    se = math.sqrt(w1 + w2)
    if se == 0.0:
        t = 0.0 if gap == 0 else math.copysign(math.inf, gap)
        return WelchComparison(m1, m2, gap, t, math.nan, 1.0 if gap == 0 else 0.0, gap, gap)
    df = (w1 + w2) ** 2 / (w1**2 / (n1 - 1) + w2**2 / (n2 - 1))
    t = gap / se
    half = t_critical_value(confidence, df) * se
    return WelchComparison(m1, m2, gap, t, df, t_two_sided_p(t, df), gap - half, gap + half)
