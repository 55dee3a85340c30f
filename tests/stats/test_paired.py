"""Paired-sample statistics against statsmodels, scipy, brute force and published values."""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy.stats import norm, wilcoxon
from statsmodels.stats.contingency_tables import mcnemar as sm_mcnemar
from statsmodels.stats.inter_rater import cohens_kappa
from statsmodels.stats.weightstats import zconfint

from gapscan.stats import walsh
from gapscan.stats._normal import critical_value
from gapscan.stats.paired import (
    distinct_differences,
    hodges_lehmann,
    hodges_lehmann_counted,
    matched_rank_biserial,
    mcnemar,
    paired_proportion_interval,
    signed_rank_counted,
    signed_rank_summary,
    weighted_kappa,
    wilcoxon_signed_rank,
)

TOL = 1e-9
CONFIDENCES = st.sampled_from([0.8, 0.9, 0.95, 0.99]) | st.floats(0.5, 0.999)

# Differences as gapscan produces them: level differences (many zeros and ties), account
# means such as 2/3 (ties only on equal floats), and unrestricted floats.
LEVEL_DIFFS = st.integers(-4, 4).map(float)
MEAN_DIFFS = st.tuples(st.integers(-12, 12), st.integers(1, 3)).map(lambda t: t[0] / t[1])
ANY_DIFFS = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
DIFFERENCES = st.one_of(
    st.lists(LEVEL_DIFFS, max_size=120),
    st.lists(MEAN_DIFFS, max_size=120),
    st.lists(ANY_DIFFS | LEVEL_DIFFS, max_size=60),
)


@contextmanager
def quiet() -> Iterator[None]:
    """Silence the reference libraries' warnings (small samples, 0/0 on degenerate input)."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        yield


# --- McNemar ---------------------------------------------------------------------------

COUNTS = st.integers(0, 30) | st.integers(0, 3000)


@settings(max_examples=300, deadline=None)
@given(b=COUNTS, c=COUNTS, a=st.integers(0, 50), d=st.integers(0, 50))
def test_mcnemar_matches_statsmodels(b: int, c: int, a: int, d: int) -> None:
    method, statistic, p = mcnemar(b, c)
    exact = b + c < 25
    ref = sm_mcnemar(np.array([[a, b], [c, d]]), exact=exact, correction=True)
    assert method == ("mcnemar-exact" if exact else "mcnemar-chi2")
    assert statistic == pytest.approx(float(ref.statistic), rel=TOL, abs=TOL)
    assert p == pytest.approx(float(ref.pvalue), rel=TOL, abs=1e-300)
    assert 0.0 <= p <= 1.0


@settings(max_examples=300, deadline=None)
@given(b=COUNTS, c=COUNTS)
def test_mcnemar_is_symmetric(b: int, c: int) -> None:
    assert mcnemar(b, c) == mcnemar(c, b)


def test_mcnemar_published_presidential_approval() -> None:
    # R's mcnemar.test example (Agresti 1990, p. 350): matrix(c(794, 86, 150, 570),
    # nrow = 2) fills by column, so rows are the 1st survey and columns the 2nd:
    # Approve/Approve 794, Approve/Disapprove 150, Disapprove/Approve 86,
    # Disapprove/Disapprove 570; the discordant counts are b = 150, c = 86.
    # R's saved example output, with continuity correction (R source tree,
    # tests/Examples/stats-Ex.Rout.save, R-devel r67007):
    #   McNemar's chi-squared = 16.8178, df = 1, p-value = 4.115e-05
    method, statistic, p = mcnemar(150, 86)
    assert method == "mcnemar-chi2"
    assert round(statistic, 4) == 16.8178
    assert f"{p:.3e}" == "4.115e-05"


def test_mcnemar_published_exact() -> None:
    # Calcugator tutorial, chi2_mcnemar: table (1, 11; 3, 5), 11 changed one way and
    # 3 the other; "Two-tails probability: 0.05737304687500008".
    # http://www.calcugator.com/version_2/tutorial/function_bot_rig.php?type=FN_chi2_mcnemar
    method, statistic, p = mcnemar(11, 3)
    assert method == "mcnemar-exact"
    assert statistic == 3.0
    assert p == pytest.approx(0.05737304687500008, rel=1e-12)


def test_mcnemar_edge_cases() -> None:
    assert mcnemar(0, 0) == ("mcnemar-exact", 0.0, 1.0)
    ref = sm_mcnemar(np.array([[5, 0], [0, 5]]), exact=True)
    assert (float(ref.statistic), float(ref.pvalue)) == (0.0, 1.0)
    # the boundary: 24 discordant pairs are exact, 25 are not
    assert mcnemar(12, 12)[0] == "mcnemar-exact"
    assert mcnemar(13, 12)[0] == "mcnemar-chi2"
    with pytest.raises(ValueError):
        mcnemar(-1, 3)


# --- Paired difference of proportions ----------------------------------------------------

CELLS = st.integers(0, 300)


@settings(max_examples=300, deadline=None)
@given(a=CELLS, b=CELLS, c=CELLS, d=CELLS, confidence=CONFIDENCES)
def test_paired_interval_matches_statsmodels(
    a: int, b: int, c: int, d: int, confidence: float
) -> None:
    assume(a + b + c + d > 0)
    low, high = paired_proportion_interval(a, b, c, d, confidence=confidence)
    diffs = np.concatenate((np.ones(b), -np.ones(c), np.zeros(a + d)))
    ref_low, ref_high = zconfint(diffs, alpha=1 - confidence, ddof=0)
    assert low == pytest.approx(float(ref_low), abs=TOL)
    assert high == pytest.approx(float(ref_high), abs=TOL)
    assert low <= (b - c) / (a + b + c + d) <= high


@settings(max_examples=300, deadline=None)
@given(a=CELLS, b=CELLS, c=CELLS, d=CELLS, confidence=CONFIDENCES)
def test_paired_interval_swapping_sides_negates_it(
    a: int, b: int, c: int, d: int, confidence: float
) -> None:
    assume(a + b + c + d > 0)
    low, high = paired_proportion_interval(a, b, c, d, confidence=confidence)
    assert paired_proportion_interval(a, c, b, d, confidence=confidence) == (-high, -low)


def test_paired_interval_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        paired_proportion_interval(0, 0, 0, 0)
    with pytest.raises(ValueError):
        paired_proportion_interval(1, -1, 0, 0)
    with pytest.raises(ValueError):
        paired_proportion_interval(1, 2, 3, 4, confidence=1.0)


# --- Wilcoxon signed-rank ----------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(d=DIFFERENCES)
def test_wilcoxon_matches_scipy(d: list[float]) -> None:
    assume(any(x != 0 for x in d))
    statistic, p = wilcoxon_signed_rank(d)
    with quiet():
        ref = wilcoxon(
            d, zero_method="wilcox", correction=True, method="asymptotic", alternative="two-sided"
        )
    assert statistic == pytest.approx(float(ref.statistic), abs=TOL)
    assert p == pytest.approx(float(ref.pvalue), rel=TOL, abs=1e-300)
    assert 0.0 <= p <= 1.0


@settings(max_examples=300, deadline=None)
@given(d=DIFFERENCES)
def test_wilcoxon_swapping_sides_keeps_statistic_and_p(d: list[float]) -> None:
    assert wilcoxon_signed_rank([-x for x in d]) == wilcoxon_signed_rank(d)


def test_wilcoxon_without_nonzero_differences() -> None:
    assert wilcoxon_signed_rank([]) == (0.0, 1.0)
    assert wilcoxon_signed_rank([0.0, 0.0, 0.0]) == (0.0, 1.0)
    # scipy leaves the p-value undefined here
    with quiet():
        ref = wilcoxon([0.0, 0.0, 0.0], zero_method="wilcox", method="asymptotic")
    assert float(ref.statistic) == 0.0
    assert math.isnan(float(ref.pvalue))


def test_wilcoxon_published_depression_scale() -> None:
    # R's wilcox.test example (Hollander & Wolfe 1973, p. 29f), Hamilton depression scale
    # at the first (x) and second (y) visit. R's saved output (R source tree,
    # tests/Examples/stats-Ex.Rout.save, R-devel r67007): V = 40 for x - y and V = 5 for
    # y - x. The published p-values are one-sided (exact, or normal without continuity
    # correction), so only the statistic min(V, 45 - V) = 5 is checked here.
    x = np.array([1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30])
    y = np.array([0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29])
    assert wilcoxon_signed_rank(x - y)[0] == 5.0
    assert wilcoxon_signed_rank(y - x)[0] == 5.0


@settings(max_examples=200, deadline=None)
@given(d=DIFFERENCES)
def test_signed_rank_summary_is_the_test_and_the_effect_size(d: list[float]) -> None:
    statistic, p_value, biserial = signed_rank_summary(d)
    assert (statistic, p_value) == wilcoxon_signed_rank(d)
    assert biserial == matched_rank_biserial(d)


def test_wilcoxon_rejects_non_finite() -> None:
    with pytest.raises(ValueError):
        wilcoxon_signed_rank([1.0, math.nan])


# --- Hodges–Lehmann -----------------------------------------------------------------------


def brute_force_hodges_lehmann(d: np.ndarray, confidence: float) -> tuple[float, float, float]:
    """Every Walsh average, sorted; the critical value from scipy's normal quantile."""
    n = d.size
    i, j = np.triu_indices(n)
    averages = np.sort((d[i] + d[j]) / 2)
    total = averages.size
    z = norm.ppf(1 - (1 - confidence) / 2)
    k = max(0, math.floor(n * (n + 1) / 4 - z * math.sqrt(n * (n + 1) * (2 * n + 1) / 24)))
    return float(np.median(averages)), float(averages[k]), float(averages[total - k - 1])


def sorted_walsh_sums(d: np.ndarray) -> np.ndarray:
    """Every d_i + d_j, i <= j, sorted: the brute-force reference for exact equality."""
    i, j = np.triu_indices(d.size)
    return np.sort(d[i] + d[j])


def exact_hodges_lehmann(d: list[float], confidence: float) -> tuple[float, float, float]:
    """Hodges–Lehmann from the fully sorted Walsh sums, in the documented arithmetic
    (halve the order statistics, then average the middle two), for bit-for-bit checks."""
    sums = sorted_walsh_sums(np.asarray(d, dtype=np.float64) + 0.0)
    n, total = len(d), sums.size
    z = critical_value(confidence)
    k = max(0, math.floor(n * (n + 1) / 4 - z * math.sqrt(n * (n + 1) * (2 * n + 1) / 24)))
    middle = (float(sums[(total - 1) // 2]) / 2 + float(sums[total // 2]) / 2) / 2
    return middle, float(sums[k]) / 2, float(sums[total - 1 - k]) / 2


def assert_identical(actual: tuple[float, ...], expected: tuple[float, ...]) -> None:
    """Equal as floats, and no zero of another sign."""
    assert actual == expected
    assert [math.copysign(1, x) for x in actual] == [math.copysign(1, x) for x in expected]


def assert_same(actual: tuple[float, float, float], expected: tuple[float, float, float]) -> None:
    assert actual == pytest.approx(expected, rel=1e-12, abs=1e-12)


@settings(max_examples=300, deadline=None)
@given(d=DIFFERENCES, confidence=CONFIDENCES)
def test_hodges_lehmann_matches_brute_force(d: list[float], confidence: float) -> None:
    assume(len(d) > 0)
    result = hodges_lehmann(d, confidence=confidence)
    assert_same(result, brute_force_hodges_lehmann(np.array(d), confidence))
    estimate, low, high = result
    assert min(d) <= low <= estimate <= high <= max(d)


@settings(max_examples=300, deadline=None)
@given(d=DIFFERENCES, confidence=CONFIDENCES, limit=st.sampled_from([0, 1, 5, 40]))
def test_hodges_lehmann_selection_matches_brute_force(
    d: list[float], confidence: float, limit: int
) -> None:
    # Force the selection path (used for large n) on small samples.
    assume(len(d) > 0)
    with mock.patch.object(walsh, "MATERIALISE_LIMIT", limit):
        result = hodges_lehmann(d, confidence=confidence)
    assert_same(result, brute_force_hodges_lehmann(np.array(d), confidence))


# Ties, n = 1 and 2, all values equal, signed zeros, few and many distinct values.
EXACT_DIFFERENCES = st.one_of(
    st.lists(LEVEL_DIFFS, min_size=1, max_size=150),
    st.lists(MEAN_DIFFS, min_size=1, max_size=150),
    st.lists(ANY_DIFFS | LEVEL_DIFFS | st.just(-0.0), min_size=1, max_size=80),
    st.lists(st.sampled_from([0.1, 0.2, 0.3, -0.0, 0.0]), min_size=1, max_size=80),
    st.integers(1, 60).flatmap(lambda n: st.lists(st.just(n / 7), min_size=n, max_size=n)),
    st.lists(ANY_DIFFS, min_size=1, max_size=2),
)


@settings(max_examples=400, deadline=None)
@given(d=EXACT_DIFFERENCES, confidence=CONFIDENCES, limit=st.sampled_from([None, 0, 1, 3, 40]))
def test_hodges_lehmann_is_bit_for_bit_the_sorted_walsh_averages(
    d: list[float], confidence: float, limit: int | None
) -> None:
    # limit: how many distinct sums may be formed explicitly; small ones force selection
    limit = walsh.MATERIALISE_LIMIT if limit is None else limit
    with mock.patch.object(walsh, "MATERIALISE_LIMIT", limit):
        result = hodges_lehmann(d, confidence=confidence)
    assert_identical(result, exact_hodges_lehmann(d, confidence))


@settings(max_examples=300, deadline=None)
@given(
    d=EXACT_DIFFERENCES,
    where=st.lists(st.floats(0, 1, exclude_max=True), min_size=1, max_size=6),
    limit=st.sampled_from([None, 0, 2, 25]),
)
def test_walsh_order_statistics_are_those_of_the_sorted_sums(
    d: list[float], where: list[float], limit: int | None
) -> None:
    values = np.sort(np.asarray(d, dtype=np.float64))
    sums = sorted_walsh_sums(values)
    ranks = [int(w * sums.size) for w in where]
    limit = walsh.MATERIALISE_LIMIT if limit is None else limit
    with mock.patch.object(walsh, "MATERIALISE_LIMIT", limit):
        found = walsh.walsh_sum_order_statistics(values, ranks)
    assert found == [float(sums[r]) for r in ranks]


def integer_walsh_order_statistic(d: np.ndarray, rank: int) -> float:
    """For integer d: the rank-th Walsh sum from the convolution of the value counts."""
    low = int(d.min())
    counts = np.bincount((d - low).astype(np.int64)).astype(object)
    # ordered pairs (i, j) with each sum, plus the diagonal, halved: the pairs i <= j
    ordered = np.convolve(counts, counts)
    ordered[::2][: counts.size] += counts
    through = np.cumsum(ordered // 2)
    return float(2 * low + int(np.searchsorted(through.astype(np.int64), rank, side="right")))


@pytest.mark.parametrize("n", [100_000, 100_001])
def test_hodges_lehmann_at_scale_with_few_distinct_values(n: int) -> None:
    # 5e9 Walsh sums: the reference counts them by convolution instead of forming them
    rng = np.random.default_rng(n)
    d = rng.choice([-4, -3, -2, -1, 0, 0, 1, 1, 2, 3, 4], size=n).astype(float)
    total = n * (n + 1) // 2
    z = critical_value(0.95)
    k = math.floor(n * (n + 1) / 4 - z * math.sqrt(n * (n + 1) * (2 * n + 1) / 24))
    ranks = [(total - 1) // 2, total // 2, k, total - 1 - k]
    sums = [integer_walsh_order_statistic(d, r) for r in ranks]
    expected = ((sums[0] / 2 + sums[1] / 2) / 2, sums[2] / 2, sums[3] / 2)
    assert hodges_lehmann(d) == expected
    with mock.patch.object(walsh, "MATERIALISE_LIMIT", 5):  # selection over 9 values
        assert hodges_lehmann(d) == expected


@pytest.mark.parametrize(
    ("n", "kind"),
    [(1500, "normal"), (2100, "levels"), (3000, "means"), (3000, "normal")],
)
def test_hodges_lehmann_large_samples_match_brute_force(n: int, kind: str) -> None:
    # More than 2^20 Walsh averages: the order statistics come from selection.
    rng = np.random.default_rng(n)
    if kind == "normal":
        d = rng.normal(0.3, 1.0, size=n)
    elif kind == "levels":
        d = rng.integers(-4, 5, size=n).astype(float)
    else:
        d = rng.integers(-12, 13, size=n) / rng.integers(1, 4, size=n)
    assert_same(hodges_lehmann(d), brute_force_hodges_lehmann(d, 0.95))


def walsh_sums_around(values: np.ndarray, counts: np.ndarray, x: float) -> tuple[int, int]:
    """How many Walsh sums (weighted by the counts) are below ``x`` and at most ``x``,
    each sum formed as the float u_a + u_b, row by row: no search, no rounding."""
    below = through = 0
    for a in range(values.size):
        sums = values[a] + values[a:]
        weights = counts[a] * counts[a:]
        weights[0] = counts[a] * (counts[a] + 1) // 2
        below += int(weights[sums < x].sum())
        through += int(weights[sums <= x].sum())
    return below, through


def many_answer_means(n: int, contacts: int, seed: int) -> np.ndarray:
    """Differences of a whole score (1..5) and the mean of 1..``contacts`` answers:
    thousands of distinct values, a few of them (whole numbers) with most of the pairs."""
    rng = np.random.default_rng(seed)
    size = rng.integers(1, contacts + 1, n)
    totals = np.array([rng.integers(1, 6, k).sum() for k in size.tolist()])
    return np.round(rng.integers(1, 6, n) - totals / size, 12)


@pytest.mark.parametrize(("n", "contacts"), [(100_000, 40), (20_000, 40), (3_000, 12)])
def test_walsh_ranks_selected_together_are_each_ranks_sum(n: int, contacts: int) -> None:
    # Millions of distinct Walsh sums whose weight is mostly in a few cells: the ranks a
    # Hodges-Lehmann estimate needs are narrowed together (and some alone); each value
    # found must have its rank among the sums counted one by one.
    values, counts = distinct_differences(many_answer_means(n, contacts, n))
    assert values.size * (values.size + 1) // 2 > 2 * walsh.MATERIALISE_LIMIT
    total = n * (n + 1) // 2
    z = critical_value(0.95)
    k = math.floor(n * (n + 1) / 4 - z * math.sqrt(n * (n + 1) * (2 * n + 1) / 24))
    ranks = [(total - 1) // 2, total // 2, k, total - 1 - k, 0, total - 1, total // 3]
    found = walsh.walsh_sums_of_counted(values, counts, ranks)
    for rank, x in zip(ranks, found, strict=True):
        below, through = walsh_sums_around(values, counts, x)
        assert below <= rank < through
    assert found == [walsh.walsh_sums_of_counted(values, counts, [r])[0] for r in ranks]


@pytest.mark.parametrize(
    ("low_at", "high_at"),
    [
        (1, 3),  # the low pivot one sum above the lowest rank: the bracket misses it
        (-3, -1),  # the high pivot one sum below the highest rank: it misses that
        (0, 0),  # the pivots at the ranks themselves: the bracket holds both, just
        (-1, 1),  # one sum wider each way
    ],
)
def test_walsh_bracket_one_sum_short_of_a_rank(low_at: int, high_at: int) -> None:
    # The first round's pivots are placed by hand, relative to the sorted sums' ranks
    # (the sums are distinct): a bracket that misses a rank by a single sum must not be
    # taken for one that holds it.
    d = np.sort(np.random.default_rng(7).normal(size=300))
    sums = sorted_walsh_sums(d)
    assert np.unique(sums).size == sums.size > walsh.SELECTION_CELLS
    first, last = 20_000, 20_050
    ranks = [first, 20_010, last]
    real = walsh._bracket
    rounds = []

    def placed(sampled: np.ndarray, low: float, high: float) -> tuple[float, float]:
        rounds.append((low, high))
        if len(rounds) > 1:
            return real(sampled, low, high)
        return float(sums[first + low_at]), float(sums[last + high_at])

    with mock.patch.object(walsh, "_bracket", placed):
        found = walsh.walsh_sum_order_statistics(d, ranks)
    assert rounds[0] == (first / sums.size, last / sums.size)
    assert found == [float(sums[r]) for r in ranks]


@settings(max_examples=300, deadline=None)
@given(d=DIFFERENCES, confidence=CONFIDENCES)
def test_hodges_lehmann_swapping_sides_negates_it(d: list[float], confidence: float) -> None:
    assume(len(d) > 0)
    estimate, low, high = hodges_lehmann(d, confidence=confidence)
    assert hodges_lehmann([-x for x in d], confidence=confidence) == (-estimate, -high, -low)


def test_hodges_lehmann_published_walsh_example() -> None:
    # W. R. Stephenson, Stat 403 (Iowa State University), "Walsh averages" handout:
    # daily highs 31 32 20 36 23 24 27 28 30; the median (23rd) of the 45 Walsh averages
    # is 28, and the 7th to 39th ordered Walsh averages, 24 to 31.5, form a 94.6%
    # interval (table value k = 6 for P = 0.027 per tail).
    # http://www.public.iastate.edu/~wrstephe/stat403/Walshties/Walshties.html
    # At confidence 0.946 the normal approximation gives the same k:
    # floor(9*10/4 - z_0.973 * sqrt(9*10*19/24)) = floor(22.5 - 1.927 * 8.441) = 6.
    temps = [31, 32, 20, 36, 23, 24, 27, 28, 30]
    assert hodges_lehmann(temps, confidence=0.946) == (28.0, 24.0, 31.5)


def test_hodges_lehmann_small_and_bad_input() -> None:
    # k < 0 is clamped: the interval is the range of the data
    assert hodges_lehmann([2.0]) == (2.0, 2.0, 2.0)
    assert hodges_lehmann([1.0, 3.0]) == (2.0, 1.0, 3.0)
    with pytest.raises(ValueError):
        hodges_lehmann([])
    with pytest.raises(ValueError):
        hodges_lehmann([1.0, math.inf])
    with pytest.raises(ValueError):
        hodges_lehmann([1.0], confidence=0.0)


# --- Differences given as distinct values and counts -----------------------------------


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(LEVEL_DIFFS | MEAN_DIFFS | ANY_DIFFS, min_size=1, max_size=12, unique=True),
    data=st.data(),
    confidence=CONFIDENCES,
)
def test_counted_statistics_are_those_of_the_differences_written_out(
    values: list[float], data: st.DataObject, confidence: float
) -> None:
    """Distinct values with counts (a zero count among them) give the statistics of
    the differences they stand for: the segment views pass them in this form."""
    ordered = np.array(sorted(values))
    counts = np.array(
        data.draw(st.lists(st.integers(0, 40), min_size=len(values), max_size=len(values)))
    )
    assume(counts.sum() > 0)
    d = np.repeat(ordered, counts)
    rng = np.random.default_rng(int(counts.sum()))
    shuffled = rng.permutation(d)  # the order of the differences does not matter
    assert signed_rank_counted(ordered, counts) == signed_rank_summary(shuffled)
    found = hodges_lehmann_counted(ordered, counts, confidence=confidence)
    assert found == hodges_lehmann(shuffled, confidence=confidence)
    with quiet():
        if np.any(d != 0) and not np.all(d == d[0]):
            reference = wilcoxon(d, zero_method="wilcox", correction=True, method="asymptotic")
            assert signed_rank_counted(ordered, counts)[0] == pytest.approx(reference.statistic)


def test_distinct_differences_are_sorted_counted_and_zero_is_positive() -> None:
    values, counts = distinct_differences([1.0, -0.0, 2.0, 0.0, 1.0, -3.0])
    assert values.tolist() == [-3.0, 0.0, 1.0, 2.0]
    assert counts.tolist() == [1, 2, 2, 1]
    assert math.copysign(1.0, values[1]) == 1.0
    assert hodges_lehmann_counted(np.array([-0.0]), np.array([3]))[0] == 0.0
    assert math.copysign(1.0, hodges_lehmann_counted(np.array([-0.0]), np.array([3]))[0]) == 1.0


def test_counted_statistics_refuse_malformed_input() -> None:
    with pytest.raises(ValueError, match="increasing"):
        signed_rank_counted(np.array([2.0, 1.0]), np.array([1, 1]))
    with pytest.raises(ValueError, match="one count"):
        hodges_lehmann_counted(np.array([1.0, 2.0]), np.array([1]))
    with pytest.raises(ValueError, match="finite"):
        signed_rank_counted(np.array([1.0, math.inf]), np.array([1, 1]))
    with pytest.raises(ValueError, match="non-negative"):
        signed_rank_counted(np.array([1.0, 2.0]), np.array([1, -1]))
    with pytest.raises(ValueError, match="at least one"):
        hodges_lehmann_counted(np.array([1.0]), np.array([0]))
    assert signed_rank_counted(np.array([0.0]), np.array([5])) == (0.0, 1.0, 0.0)


# --- Weighted kappa ------------------------------------------------------------------------


@st.composite
def agreement_tables(draw: st.DrawFn) -> np.ndarray:
    k = draw(st.integers(2, 6))
    cells = draw(st.lists(st.integers(0, 60) | st.just(0), min_size=k * k, max_size=k * k))
    return np.array(cells, dtype=np.int64).reshape(k, k)


def is_degenerate(table: np.ndarray) -> bool:
    """No pairs, or every pair in one diagonal cell: no expected disagreement."""
    nonzero = np.argwhere(table > 0)
    return len(nonzero) == 0 or (len(nonzero) == 1 and nonzero[0][0] == nonzero[0][1])


@settings(max_examples=300, deadline=None)
@given(table=agreement_tables(), confidence=CONFIDENCES)
def test_weighted_kappa_matches_statsmodels(table: np.ndarray, confidence: float) -> None:
    assume(not is_degenerate(table))
    kappa, low, high = weighted_kappa(table, confidence=confidence)
    with quiet():
        ref = cohens_kappa(table, wt="quadratic")
    assert kappa == pytest.approx(float(ref.kappa), abs=TOL)
    z = norm.isf((1 - confidence) / 2)
    if abs(ref.var_kappa) < 1e-12:
        # A zero variance (perfect agreement, or one side on a single level) that
        # statsmodels' floating-point sums leave as rounding noise of either sign; its
        # square root (or nan) is up to ~1e-7. Here it is computed exactly.
        half = z * math.sqrt(max(float(ref.var_kappa), 0.0))
        assert (low, high) == pytest.approx((kappa - half, kappa + half), abs=1e-6)
        return
    if confidence == 0.95:
        assert low == pytest.approx(float(ref.kappa_low), abs=TOL)
        assert high == pytest.approx(float(ref.kappa_upp), abs=TOL)
    # statsmodels fixes its interval at 95%; other levels from its standard error
    half = z * float(ref.std_kappa)
    assert low == pytest.approx(float(ref.kappa) - half, abs=TOL)
    assert high == pytest.approx(float(ref.kappa) + half, abs=TOL)


@settings(max_examples=300, deadline=None)
@given(table=agreement_tables(), confidence=CONFIDENCES)
def test_weighted_kappa_transposed_table(table: np.ndarray, confidence: float) -> None:
    assume(not is_degenerate(table))
    result = weighted_kappa(table, confidence=confidence)
    assert weighted_kappa(table.T, confidence=confidence) == result
    assert result[1] <= result[0] <= result[2]


def test_weighted_kappa_fractional_counts() -> None:
    table = np.array([[1.5, 0.5, 0.0], [0.25, 3.0, 1.0], [0.0, 0.75, 2.5]])
    ref = cohens_kappa(table, wt="quadratic")
    assert weighted_kappa(table) == pytest.approx(
        (ref.kappa, ref.kappa_low, ref.kappa_upp), abs=TOL
    )


def test_weighted_kappa_default_interval_is_statsmodels_95() -> None:
    table = np.array([[12, 3, 1, 0], [4, 20, 6, 1], [0, 5, 18, 7], [1, 0, 4, 15]])
    ref = cohens_kappa(table, wt="quadratic")
    assert weighted_kappa(table) == pytest.approx(
        (ref.kappa, ref.kappa_low, ref.kappa_upp), abs=TOL
    )


def test_weighted_kappa_degenerate_tables() -> None:
    single = np.array([[0, 0, 0], [0, 9, 0], [0, 0, 0]])
    assert all(math.isnan(x) for x in weighted_kappa(single))
    with quiet():
        assert math.isnan(cohens_kappa(single, wt="quadratic").kappa)
    assert all(math.isnan(x) for x in weighted_kappa(np.array([[5]])))
    assert all(math.isnan(x) for x in weighted_kappa(np.zeros((3, 3))))


def test_weighted_kappa_zero_variance_tables() -> None:
    perfect = np.array([[3, 0, 0], [0, 0, 0], [0, 0, 7]])
    assert weighted_kappa(perfect) == (1.0, 1.0, 1.0)
    # every vendor answer on one level: kappa 0 with zero variance (statsmodels: ~1e-8)
    one_level = np.array([[3, 5, 3], [0, 0, 0], [0, 0, 0]])
    assert weighted_kappa(one_level) == (0.0, 0.0, 0.0)
    assert weighted_kappa(one_level.T) == (0.0, 0.0, 0.0)
    # all pairs in one off-diagonal cell: kappa 0 with zero variance, as statsmodels
    off = np.array([[0, 7], [0, 0]])
    with quiet():
        ref = cohens_kappa(off, wt="quadratic")
    assert weighted_kappa(off) == pytest.approx((ref.kappa, ref.kappa_low, ref.kappa_upp), abs=TOL)


def test_weighted_kappa_rejects_bad_tables() -> None:
    with pytest.raises(ValueError):
        weighted_kappa(np.ones((2, 3)))
    with pytest.raises(ValueError):
        weighted_kappa(np.array([[1, -1], [0, 2]]))
