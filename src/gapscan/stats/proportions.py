"""Comparing two independent proportions (the top-box shares of vendors and customers)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

from gapscan.stats._normal import critical_value, two_sided_p

# R's fisher.test treats probabilities within this relative distance as equal.
_FISHER_REL_TOL = 1e-7
# Fisher's exact test replaces the z-test when an expected cell count is below this.
FISHER_BELOW = 5.0


@dataclass(frozen=True)
class TopBoxComparison:
    """The vendor-minus-customer difference of two independent proportions."""

    gap: float
    ci_low: float
    ci_high: float
    test: Literal["z-test", "fisher"]
    statistic: float
    p_value: float
    effect_size: float


def wilson_interval(x: int, n: int, *, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a proportion x/n (no continuity correction).

    Reference: ``statsmodels.stats.proportion.proportion_confint(method="wilson")``.
    """
    if n <= 0:
        raise ValueError("n must be positive")
    z = critical_value(confidence)
    p = x / n
    z2 = z * z
    centre = p + z2 / (2 * n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    denom = 1 + z2 / n
    return max(0.0, (centre - half) / denom), min(1.0, (centre + half) / denom)


def newcombe_interval(
    x1: int, n1: int, x2: int, n2: int, *, confidence: float = 0.95
) -> tuple[float, float]:
    """Newcombe's hybrid score interval for p1 - p2 (his method 10).

    Newcombe RG (1998). Interval estimation for the difference between independent
    proportions: comparison of eleven methods. Stat Med 17:873-890.
    Reference: ``statsmodels.stats.proportion.confint_proportions_2indep(method="newcomb")``.
    """
    p1, p2 = x1 / n1, x2 / n2
    l1, u1 = wilson_interval(x1, n1, confidence=confidence)
    l2, u2 = wilson_interval(x2, n2, confidence=confidence)
    diff = p1 - p2
    low = diff - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = diff + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return max(-1.0, low), min(1.0, high)  # rounding can step a hair past the bounds


def two_proportion_ztest(x1: int, n1: int, x2: int, n2: int) -> tuple[float, float]:
    """Two-sided z-test of p1 = p2 with the pooled variance; returns (z, p).

    Reference: ``statsmodels.stats.proportion.proportions_ztest([x1, x2], [n1, n2])``.
    When every answer is top box, or none is, the variance is zero: z is 0, p is 1.
    """
    pooled = (x1 + x2) / (n1 + n2)
    var = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
    if var <= 0:
        return 0.0, 1.0
    z = (x1 / n1 - x2 / n2) / math.sqrt(var)
    return z, two_sided_p(z)


def min_expected_count(x1: int, n1: int, x2: int, n2: int) -> float:
    """The smallest expected cell count of the 2x2 table under independence."""
    n = n1 + n2
    top = x1 + x2
    rest = n - top
    return min(n1 * top, n1 * rest, n2 * top, n2 * rest) / n


def fisher_exact_2x2(a: int, b: int, c: int, d: int) -> tuple[float, float]:
    """Fisher's exact test (two-sided) of the table [[a, b], [c, d]]; returns (odds ratio, p).

    The two-sided p-value sums the probabilities of all tables with the same margins
    that are no more likely than the one observed (R's ``fisher.test`` definition).
    Reference: ``scipy.stats.fisher_exact``.
    """
    n1, n2, m = a + b, c + d, a + c
    if n1 == 0 or n2 == 0 or m == 0 or b + d == 0:
        return math.nan, 1.0
    odds = a * d / (b * c) if b > 0 and c > 0 else math.inf
    lo, hi = max(0, m - n2), min(n1, m)
    x = np.arange(lo, hi, dtype=np.float64)
    # log pmf(x+1) - log pmf(x) of the hypergeometric distribution
    steps = np.log((n1 - x) * (m - x)) - np.log((x + 1) * (n2 - m + x + 1))
    log_pmf = np.concatenate(([0.0], np.cumsum(steps)))
    pmf = np.exp(log_pmf - log_pmf.max())
    observed = pmf[a - lo]
    p = float(pmf[pmf <= observed * (1 + _FISHER_REL_TOL)].sum() / pmf.sum())
    return odds, min(1.0, p)


def cohens_h(p1: float, p2: float) -> float:
    """Cohen's h effect size: 2 asin(sqrt(p1)) - 2 asin(sqrt(p2)).

    Reference: ``statsmodels.stats.proportion.proportion_effectsize``.
    """
    return 2 * math.asin(math.sqrt(p1)) - 2 * math.asin(math.sqrt(p2))


def compare_top_box(
    x1: int, n1: int, x2: int, n2: int, *, confidence: float = 0.95
) -> TopBoxComparison:
    """Gap, Newcombe interval, test and Cohen's h for vendor x1/n1 vs customer x2/n2.

    The test is the pooled two-proportion z-test, or Fisher's exact test when any
    expected cell count is below 5 (where the normal approximation is poor).
    """
    if n1 <= 0 or n2 <= 0:
        raise ValueError("both groups need at least one answer")
    p1, p2 = x1 / n1, x2 / n2
    low, high = newcombe_interval(x1, n1, x2, n2, confidence=confidence)
    if min_expected_count(x1, n1, x2, n2) < FISHER_BELOW:
        statistic, p_value = fisher_exact_2x2(x1, n1 - x1, x2, n2 - x2)
        test: Literal["z-test", "fisher"] = "fisher"
    else:
        statistic, p_value = two_proportion_ztest(x1, n1, x2, n2)
        test = "z-test"
    return TopBoxComparison(
        gap=p1 - p2,
        ci_low=low,
        ci_high=high,
        test=test,
        statistic=statistic,
        p_value=p_value,
        effect_size=cohens_h(p1, p2),
    )


@dataclass(frozen=True)
class GapDifference:
    """The change of a gap between two independent samples (waves)."""

    change: float
    ci_low: float
    ci_high: float
    statistic: float
    p_value: float


def gap_standard_error(p1: float, n1: float, p2: float, n2: float) -> float:
    """Unpooled standard error of p1 - p2: sqrt(p1(1-p1)/n1 + p2(1-p2)/n2)."""
    return math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)


def compare_gaps(
    earlier: tuple[float, float, float, float],
    later: tuple[float, float, float, float],
    *,
    confidence: float = 0.95,
) -> GapDifference:
    """z-test of the difference of two independent gaps, unpooled variances.

    Each gap is given as (vendor share, vendor n, customer share, customer n). The
    change is (later gap) - (earlier gap); its standard error is the square root of
    the sum of the two gaps' unpooled variances; the test is two-sided and the
    interval is change ± z·SE. When both variances are zero (every share 0 or 1) the
    statistic is 0, p is 1 and the interval is the point.
    Reference: the same z computed with ``statsmodels``/``scipy.stats.norm`` in the tests.
    """
    return compare_estimates(
        (earlier[0] - earlier[2], gap_standard_error(*earlier)),
        (later[0] - later[2], gap_standard_error(*later)),
        confidence=confidence,
    )


def compare_estimates(
    earlier: tuple[float, float], later: tuple[float, float], *, confidence: float = 0.95
) -> GapDifference:
    """z-test of the difference of two independent estimates, each (estimate, SE).

    The change is later - earlier, its SE sqrt(se0² + se1²) (independent samples: no
    covariance); the normal z is used whatever each estimate's own degrees of freedom,
    as for the unweighted change. Both SEs zero: statistic 0, p 1, the interval the point.
    """
    change = later[0] - earlier[0]
    se = math.hypot(earlier[1], later[1])
    if se <= 0:
        return GapDifference(change, change, change, 0.0, 1.0)
    z = change / se
    half = critical_value(confidence) * se
    return GapDifference(change, change - half, change + half, z, two_sided_p(z))
