"""Comparing the two sides of the same accounts (paired samples).

Each account answers on both sides, so the vendor and customer answers are paired: the
tests and intervals here work on the within-account differences (vendor minus
customer). Positive estimates mean the vendor side rates higher.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

import numpy as np

from gapscan.stats._normal import critical_value, two_sided_p
from gapscan.stats.walsh import walsh_sums_of_counted

# McNemar's test is exact (binomial) below this many discordant pairs.
MCNEMAR_EXACT_BELOW = 25


def _check_confidence(confidence: float) -> None:
    if not 0.0 < confidence < 1.0:
        raise ValueError("confidence must be strictly between 0 and 1")


def _finite_differences(differences: Sequence[float] | np.ndarray) -> np.ndarray:
    d = np.asarray(differences, dtype=np.float64).ravel()
    if not np.all(np.isfinite(d)):
        raise ValueError("differences must be finite")
    return d


def mcnemar(b: int, c: int) -> tuple[str, float, float]:
    """McNemar's test of the discordant counts b and c; returns (method, statistic, p).

    b counts the pairs where only the vendor answer is top box, c those where only the
    customer answer is. Two-sided. With fewer than 25 discordant pairs the test is the
    exact binomial one, ``"mcnemar-exact"``: statistic min(b, c) and
    p = min(1, 2 P(X <= min(b, c))) for X ~ Bin(b + c, 1/2), summed exactly in integers.
    Otherwise it is the chi-square test with continuity correction, ``"mcnemar-chi2"``:
    statistic (|b - c| - 1)^2 / (b + c) on 1 degree of freedom (Edwards' correction;
    McNemar 1947, Psychometrika 12:153-157; Agresti, Categorical Data Analysis, 1990,
    pp. 350-354). With no discordant pair at all, the exact test gives statistic 0, p 1.

    Reference: ``statsmodels.stats.contingency_tables.mcnemar([[a, b], [c, d]],
    exact=b + c < 25, correction=True)``; the chi-square branch equals R's
    ``mcnemar.test``.
    """
    if b < 0 or c < 0:
        raise ValueError("counts must be non-negative")
    n = b + c
    if n < MCNEMAR_EXACT_BELOW:
        m = min(b, c)
        tail = sum(math.comb(n, k) for k in range(m + 1))
        return "mcnemar-exact", float(m), min(1.0, 2 * tail / 2**n)
    statistic = (abs(b - c) - 1) ** 2 / n
    # P(chi2_1 >= s) = P(|Z| >= sqrt(s))
    return "mcnemar-chi2", statistic, two_sided_p(math.sqrt(statistic))


def paired_proportion_interval(
    a: int, b: int, c: int, d: int, *, confidence: float = 0.95
) -> tuple[float, float]:
    """Wald interval for p_vendor - p_customer = (b - c)/n of the paired table [[a, b], [c, d]].

    Rows are the vendor answer (top box, not), columns the customer answer: a pairs
    are top box on both sides, d on neither. The interval is

        (b - c)/n +/- z sqrt((b + c)/n - ((b - c)/n)^2) / sqrt(n),

    the normal interval for the mean of the pair differences in {-1, 0, 1} with the
    variance taken over n (Agresti, Categorical Data Analysis, 2nd ed., 2002, §10.1).
    Its limits may fall outside [-1, 1]; they are not clipped.

    Reference: ``statsmodels.stats.weightstats.zconfint(diffs, alpha=1 - confidence,
    ddof=0)`` on the raw differences. (``DescrStatsW(diffs).zconfint_mean`` divides by
    n - 1 whatever its ``ddof``, so it is a slightly wider interval.)
    """
    if min(a, b, c, d) < 0:
        raise ValueError("counts must be non-negative")
    _check_confidence(confidence)
    n = a + b + c + d
    if n <= 0:
        raise ValueError("the table needs at least one pair")
    diff = (b - c) / n
    # n^2 times the variance of one difference, in exact integer arithmetic (never < 0)
    scaled_var = (b + c) * n - (b - c) ** 2
    half = critical_value(confidence) * math.sqrt(scaled_var) / n / math.sqrt(n)
    return diff - half, diff + half


def wilcoxon_signed_rank(differences: Sequence[float] | np.ndarray) -> tuple[float, float]:
    """Two-sided Wilcoxon signed-rank test of the differences; returns (min(R+, R-), p).

    Zero differences are dropped (Wilcoxon's method). The n remaining |d| are ranked
    with average ranks for ties (exact float equality, no tolerance: ratios such as 2/3
    are ranked on their float values). With R+ the sum of the ranks of the positive
    differences, the normal approximation with tie and continuity corrections is

        z = (|R+ - n(n+1)/4| - 1/2) / sqrt((n(n+1)(2n+1) - sum(t^3 - t)/2) / 24),

    where t runs over the sizes of the tie groups (Hollander & Wolfe, Nonparametric
    Statistical Methods, 2nd ed., 1999, §3.1). When R+ equals its mean, p is 1.

    Reference: ``scipy.stats.wilcoxon(d, zero_method="wilcox", correction=True,
    method="asymptotic")``. When every difference is zero (or there are none) this
    returns statistic 0 and p 1, where scipy's p-value is nan.
    """
    statistic, p_value, _ = signed_rank_summary(differences)
    return statistic, p_value


def signed_rank_summary(differences: Sequence[float] | np.ndarray) -> tuple[float, float, float]:
    """:func:`wilcoxon_signed_rank` and :func:`matched_rank_biserial` of the same
    differences from one ranking: (statistic, p, rank-biserial correlation)."""
    return signed_rank_counted(*distinct_differences(differences))


def distinct_differences(
    differences: Sequence[float] | np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values of the differences, increasing, and how often each occurs:
    what the rank statistics here need of them. A zero is +0.0."""
    values, counts = np.unique(_finite_differences(differences), return_counts=True)
    return values + 0.0, counts.astype(np.int64)


def signed_rank_counted(values: np.ndarray, counts: np.ndarray) -> tuple[float, float, float]:
    """:func:`signed_rank_summary` of differences given as their distinct values
    (increasing) and counts, as :func:`distinct_differences` gives them."""
    _check_counted(values, counts)
    nonzero = values != 0
    values, counts = values[nonzero], counts[nonzero]
    n = int(counts.sum())
    if n == 0:
        return 0.0, 1.0, 0.0
    r_plus, sizes = _positive_rank_sum(values, counts)
    total = n * (n + 1) / 2
    statistic = min(r_plus, total - r_plus)
    biserial = float((2 * r_plus - total) / total)
    ties = float((sizes.astype(np.float64) ** 3 - sizes).sum())
    var = (n * (n + 1) * (2 * n + 1) - ties / 2) / 24
    distance = abs(r_plus - total / 2)
    if distance == 0:
        return statistic, 1.0, biserial
    return statistic, two_sided_p((distance - 0.5) / math.sqrt(var)), biserial


def _check_counted(values: np.ndarray, counts: np.ndarray) -> None:
    if values.shape != counts.shape or values.ndim != 1:
        raise ValueError("one count per distinct difference")
    if not np.all(np.isfinite(values)):
        raise ValueError("differences must be finite")
    if values.size > 1 and not np.all(values[1:] > values[:-1]):
        raise ValueError("distinct differences must be given in increasing order")
    if np.any(counts < 0):
        raise ValueError("counts must be non-negative")


def _positive_rank_sum(values: np.ndarray, counts: np.ndarray) -> tuple[float, np.ndarray]:
    """R+, the sum of the average ranks of |d| over the positive differences, and
    the sizes of the tie groups of |d| (in increasing |d|), of the non-zero differences
    given as distinct values and counts."""
    order = np.argsort(np.abs(values), kind="stable")
    magnitude, counts = np.abs(values)[order], counts[order]
    first = np.flatnonzero(np.concatenate(([True], magnitude[1:] != magnitude[:-1])))
    sizes = np.add.reduceat(counts, first)
    # each group's positive members: the positive differences equal to its |d|
    members = np.add.reduceat(np.where(values[order] > 0, counts, 0), first)
    ends = np.cumsum(sizes)
    starts = ends - sizes
    # twice the average rank of each tie group: ranks starts+1 .. ends
    return int((members * (starts + ends + 1)).sum()) / 2, sizes


def matched_rank_biserial(differences: Sequence[float] | np.ndarray) -> float:
    """Matched-pairs rank-biserial correlation (R+ - R-) / (R+ + R-), zeros dropped.

    +1 when every non-zero difference is positive (the vendor side higher), -1 when
    every one is negative, 0 when there is none. Kerby DS (2014). The simple difference
    formula: an approach to teaching nonparametric correlation. Compr Psychol 3:11.IT.3.1.
    """
    return signed_rank_summary(differences)[2]


def mean_difference_interval(
    differences: Sequence[float] | np.ndarray, *, confidence: float = 0.95
) -> tuple[float, float]:
    """Wald (z) interval of the mean of paired differences, variance with ddof 0:
    mean ± z·sqrt(mean((d - mean)²) / n). On differences in {-1, 0, 1} it equals
    :func:`paired_proportion_interval`. Reference:
    ``statsmodels.stats.weightstats.zconfint(d, alpha=1 - confidence, ddof=0)``.
    """
    _check_confidence(confidence)
    d = _finite_differences(differences)
    if d.size == 0:
        raise ValueError("no differences")
    mean = float(d.mean())
    half = critical_value(confidence) * math.sqrt(float(d.var()) / d.size)
    return mean - half, mean + half


def mean_difference_counted(
    values: np.ndarray, counts: np.ndarray, *, confidence: float = 0.95
) -> tuple[float, tuple[float, float]]:
    """The mean of paired differences given as distinct values and their counts, and
    :func:`mean_difference_interval` of them, its sums exactly rounded (``math.fsum``:
    the same whatever the order of the values)."""
    _check_confidence(confidence)
    _check_counted(values, counts)
    n = int(counts.sum())
    weights = counts.astype(np.float64)
    mean = math.fsum(weights * values) / n
    var = math.fsum(weights * (values - mean) ** 2) / n
    half = critical_value(confidence) * math.sqrt(var / n)
    return mean, (mean - half, mean + half)


def hodges_lehmann(
    differences: Sequence[float] | np.ndarray, *, confidence: float = 0.95
) -> tuple[float, float, float]:
    """One-sample Hodges–Lehmann estimate of the differences and its interval.

    Returns (estimate, ci_low, ci_high). The estimate is the median of the
    N = n(n+1)/2 Walsh averages (d_i + d_j)/2, i <= j, of all n differences, zeros
    included (Hodges & Lehmann 1963, Ann Math Stat 34:598-611; Hollander & Wolfe,
    Nonparametric Statistical Methods, 2nd ed., 1999, §3.2). With W_(1) <= ... <= W_(N)
    the sorted Walsh averages, the interval is Tukey's distribution-free one, obtained
    by inverting the signed-rank test (Hollander & Wolfe §3.3):

        (W_(k+1), W_(N-k)),  k = floor(n(n+1)/4 - z sqrt(n(n+1)(2n+1)/24)),

    1-based order statistics, with z the two-sided normal critical value: the large
    sample approximation of the critical value, without tie correction, rounded down
    (never narrower than rounding to nearest). When k < 0 it is taken as 0 and the
    interval is (W_(1), W_(N)), i.e. (min d, max d).

    Conventions that differ from R's ``wilcox.test(d, conf.int = TRUE)``: R drops zero
    differences before estimating, and its normal-approximation branch (used with ties,
    zeros or n >= 50) solves for the estimate and limits by root-finding on the
    continuity-corrected statistic. Its exact branch (no ties or zeros, n < 50) uses the
    same Walsh-average order statistics as here, with the exact critical value.

    The Walsh sums are counted over the distinct differences with their multiplicities
    (see :mod:`gapscan.stats.walsh`): O(n log n) to sort, then O(m^2) for m distinct
    values, or selection rounds of O(m log m) when m is large; exactly the order
    statistics of the sorted Walsh averages. A zero difference counts as +0.0, so a
    zero estimate or limit is never -0.0.
    Reference: brute-force median and order statistics of all Walsh averages.
    """
    return hodges_lehmann_counted(*distinct_differences(differences), confidence=confidence)


def hodges_lehmann_counted(
    values: np.ndarray, counts: np.ndarray, *, confidence: float = 0.95
) -> tuple[float, float, float]:
    """:func:`hodges_lehmann` of differences given as their distinct values
    (increasing) and counts, as :func:`distinct_differences` gives them."""
    _check_confidence(confidence)
    _check_counted(values, counts)
    n = int(counts.sum())
    if n == 0:
        raise ValueError("need at least one difference")
    total = n * (n + 1) // 2
    z = critical_value(confidence)
    k = math.floor(n * (n + 1) / 4 - z * math.sqrt(n * (n + 1) * (2 * n + 1) / 24))
    k = max(k, 0)
    # the median: the middle order statistic, or the mean of the middle two
    middle = [(total - 1) // 2, total // 2]
    present = counts > 0
    sums = walsh_sums_of_counted(
        values[present] + 0.0, counts[present], [*middle, k, total - 1 - k]
    )
    walsh = [s / 2 for s in sums]
    estimate = (walsh[0] + walsh[1]) / 2
    return estimate, walsh[2], walsh[3]


def _exact_counts(counts: np.ndarray) -> list[list[int | Fraction]]:
    """The table as exact Python numbers: ints for whole counts, else exact fractions."""
    if np.array_equal(counts, np.floor(counts)):
        return [[int(x) for x in row] for row in counts.tolist()]
    return [[Fraction(x) for x in row] for row in counts.tolist()]


def weighted_kappa(table: np.ndarray, *, confidence: float = 0.95) -> tuple[float, float, float]:
    """Cohen's kappa with quadratic weights and its asymptotic interval.

    ``table`` is a k x k agreement table of counts, rows the vendor level and columns
    the customer level. Returns (kappa, ci_low, ci_high). With p_ij the cell shares,
    p_i. and p_.j the margins and v_ij = (i - j)^2 / (k - 1)^2 the disagreement weights
    (Fleiss & Cohen 1973, Educ Psychol Meas 33:613-619),

        kappa = 1 - sum v_ij p_ij / sum v_ij p_i. p_.j.

    The interval is kappa +/- z se, with the large-sample variance of Fleiss, Cohen &
    Everitt (1969, Psychol Bull 72:323-327), in agreement weights w = 1 - v:

        var = (sum p_ij (w_ij - (wbar_i. + wbar_.j)(1 - kappa))^2
               - (kappa - P_e (1 - kappa))^2) / (n (1 - P_e)^2),

    where wbar_i. = sum_j p_.j w_ij, wbar_.j = sum_i p_i. w_ij and
    P_e = sum w_ij p_i. p_.j. Both are evaluated in exact rational arithmetic on the
    counts (the variance is a difference of nearly equal terms, and is exactly zero
    for perfect agreement or when one side uses a single level), then rounded once.

    Reference: ``statsmodels.stats.inter_rater.cohens_kappa(table, wt="quadratic")``:
    ``.kappa``, ``.kappa_low``, ``.kappa_upp`` (which are fixed at 95%; other levels
    use its ``.std_kappa``). Where the variance is zero, statsmodels' floating-point
    variance can round below zero and its interval is then nan; here it is
    (kappa, kappa). Degenerate tables, where the expected disagreement is zero (all
    pairs in one diagonal cell, a 1 x 1 table) or there are no pairs at all, give
    (nan, nan, nan); statsmodels returns nan there too, or fails on an empty table.
    """
    _check_confidence(confidence)
    counts = np.asarray(table, dtype=np.float64)
    if counts.ndim != 2 or counts.shape[0] != counts.shape[1]:
        raise ValueError("the agreement table must be square")
    if not np.all(np.isfinite(counts)) or np.any(counts < 0):
        raise ValueError("the agreement table must hold non-negative counts")
    k = counts.shape[0]
    if k < 2 or counts.sum() <= 0:
        return math.nan, math.nan, math.nan
    cells = _exact_counts(counts)
    levels = range(k)
    # agreement weights w_ij = agree_ij / scale, in integers
    scale = (k - 1) ** 2
    agree = [[scale - (i - j) ** 2 for j in levels] for i in levels]
    n = sum(sum(row) for row in cells)
    rows = [sum(cells[i]) for i in levels]
    cols = [sum(cells[i][j] for i in levels) for j in levels]
    observed = sum(agree[i][j] * cells[i][j] for i in levels for j in levels)
    chance = sum(agree[i][j] * rows[i] * cols[j] for i in levels for j in levels)
    # n^2 scale (1 - P_e): n^2 scale times the expected disagreement
    expected = scale * n * n - chance
    if expected <= 0:
        return math.nan, math.nan, math.nan
    kappa = float(Fraction(n * observed - chance) / expected)
    # (1 - kappa) = rest / expected;  n scale wbar_i. = row_w[i];  n scale wbar_.j = col_w[j]
    rest = scale * n * n - n * observed
    row_w = [sum(agree[i][j] * cols[j] for j in levels) for i in levels]
    col_w = [sum(agree[i][j] * rows[i] for i in levels) for j in levels]
    spread = sum(
        cells[i][j] * (agree[i][j] * n * expected - (row_w[i] + col_w[j]) * rest) ** 2
        for i in levels
        for j in levels
    )
    centre = (n * observed - chance) * scale * n * n - chance * rest
    var = float(Fraction(n * spread - centre**2) / (n * expected**4))
    half = critical_value(confidence) * math.sqrt(max(var, 0.0))
    return kappa, kappa - half, kappa + half
