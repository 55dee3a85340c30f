"""Published worked examples.

Every expected number below is copied from the source named in the comment above it.
Where a source prints a value to a few decimals, the check is to half a unit in the last
printed place; where it prints (nearly) full double precision, to 1e-9.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy.stats import chi2_contingency
from statsmodels.stats.proportion import proportions_chisquare, proportions_ztest

from gapscan.stats import (
    adjust_pvalues,
    compare_means,
    fisher_exact_2x2,
    mann_whitney_from_counts,
    newcombe_interval,
    two_proportion_ztest,
)

TOL = 1e-9


def to_decimals(got: float, published: float, decimals: int) -> None:
    """|got - published| within half a unit of the last published decimal."""
    assert abs(got - published) <= 0.5 * 10.0**-decimals + 1e-12, (got, published)


def close(got: float, ref: float) -> None:
    assert got == pytest.approx(ref, abs=TOL, rel=TOL)


# --- Newcombe (1998): hybrid score interval for p1 - p2 -------------------------------------

# Newcombe RG. Interval estimation for the difference between independent proportions:
# comparison of eleven methods. Stat Med 1998;17:873-890, Table II, method 10 (score
# interval without continuity correction), 95% limits to 4 decimals.
# The values are as quoted from that table ("Examples from Newcombe (1998), Table II",
# "Newcombe" column) in capeconomics/mergeron-extra, tests/test_proportions_tests.py.
# The 5/56 - 0/29 row is also quoted as "Newcombe RD example (d)", square-and-add Wilson
# interval (-0.0381, 0.1926), in petelaud/ratesci, tests/testthat/test3.R.
NEWCOMBE_TABLE_II = [
    # (x1, n1, x2, n2), (lower, upper)
    ((56, 70, 48, 80), (0.0524, 0.3339)),
    ((9, 10, 3, 10), (0.1705, 0.8090)),
    ((6, 7, 2, 7), (0.0582, 0.8062)),
    ((5, 56, 0, 29), (-0.0381, 0.1926)),
    ((0, 10, 0, 20), (-0.1611, 0.2775)),
    ((0, 10, 0, 10), (-0.2775, 0.2775)),
    ((10, 10, 0, 20), (0.6791, 1.0000)),
    ((10, 10, 0, 10), (0.6075, 1.0000)),
]


@pytest.mark.parametrize(("counts", "published"), NEWCOMBE_TABLE_II)
def test_newcombe_1998_table_ii_method_10(
    counts: tuple[int, int, int, int], published: tuple[float, float]
) -> None:
    low, high = newcombe_interval(*counts, confidence=0.95)
    to_decimals(low, published[0], 4)
    to_decimals(high, published[1], 4)


# --- R prop.test, smokers data --------------------------------------------------------------

# R documentation of prop.test, example data: smokers <- c(83, 90, 129, 70);
# patients <- c(86, 93, 136, 82). The 4-group output of prop.test(smokers, patients),
# "X-squared = 12.6, df = 3, p-value = 0.005585", is printed at
# https://matstat.org/content_en/R-course/proptest.html
SMOKERS = [83, 90, 129, 70]
PATIENTS = [86, 93, 136, 82]


def test_smokers_data_reproduce_the_published_four_group_test() -> None:
    """Sanity check of the data only (gapscan compares two groups, not four).

    statsmodels' k-sample chi-square, run on the data as typed here, reproduces R's
    printed 4-group result, so the pairwise checks below use the right numbers.
    """
    chi2, p, _ = proportions_chisquare(SMOKERS, PATIENTS)
    to_decimals(chi2, 12.6, 1)
    assert abs(p - 0.005585) <= 0.5e-6


@pytest.mark.parametrize(("i", "j"), list(itertools.combinations(range(4), 2)))
def test_smokers_pairs_z_squared_is_the_uncorrected_chi_square(i: int, j: int) -> None:
    """For two groups, prop.test(correct = FALSE)'s X-squared equals z squared.

    No published 2-group output for these data was found; each pair is checked against
    the uncorrected Pearson chi-square of its 2x2 table (scipy) and statsmodels' z-test.
    """
    x1, n1, x2, n2 = SMOKERS[i], PATIENTS[i], SMOKERS[j], PATIENTS[j]
    z, p = two_proportion_ztest(x1, n1, x2, n2)
    chi = chi2_contingency([[x1, n1 - x1], [x2, n2 - x2]], correction=False)
    close(z * z, chi.statistic)
    close(p, chi.pvalue)
    ref_z, ref_p = proportions_ztest([x1, x2], [n1, n2])
    close(z, ref_z)
    close(p, ref_p)


# statsmodels, statsmodels/stats/tests/test_proportion.py, class TestProportion: a variant
# of the same data, smokers2 = [73, 90, 114, 75] out of patients [86, 93, 136, 82], for which
# the class stores R's prop.test(smokers2, patients, correct = FALSE) 4-sample output
# (statistic 11.11938768628861, p-value 0.011097511366581344) and the uncorrected pairwise
# chi-square p-values of the six pairs, raw (res_ppt_pvals_raw) and Holm-adjusted
# (res_ppt_pvals_holm). The file does not state the command that produced the pairwise values.
SMOKERS2 = [73, 90, 114, 75]
SMOKERS2_PAIRS_RAW = [
    0.00533824886503131,
    0.8327574849753566,
    0.1880573726722516,
    0.002026764254350234,
    0.1309487516334318,
    0.1076118730631731,
]
SMOKERS2_PAIRS_HOLM = [
    0.02669124432515654,
    0.8327574849753566,
    0.4304474922526926,
    0.0121605855261014,
    0.4304474922526926,
    0.4304474922526926,
]


def test_smokers2_four_group_output_matches_the_data() -> None:
    """Sanity check of the typed data against R's stored 4-sample output."""
    chi2, p, _ = proportions_chisquare(SMOKERS2, PATIENTS)
    close(chi2, 11.11938768628861)
    close(p, 0.011097511366581344)


def test_smokers2_pairwise_z_tests_and_holm() -> None:
    pairs = list(itertools.combinations(range(4), 2))
    raw = [
        two_proportion_ztest(SMOKERS2[i], PATIENTS[i], SMOKERS2[j], PATIENTS[j])[1]
        for i, j in pairs
    ]
    for got, published in zip(raw, SMOKERS2_PAIRS_RAW, strict=True):
        close(got, published)
    for got, published in zip(adjust_pvalues(raw, "holm"), SMOKERS2_PAIRS_HOLM, strict=True):
        close(got, published)


# --- Fisher's exact test -------------------------------------------------------------------


def test_fisher_tea_tasting() -> None:
    """Fisher's lady tasting tea (Fisher 1935; Agresti 1990, p. 61f; 2002, p. 91).

    R documentation of fisher.test, example TeaTasting <- matrix(c(3, 1, 1, 3), nrow = 2):
    the documented call is one-sided, fisher.test(TeaTasting, alternative = "greater"),
    with the comment "=> p = 0.2429". (The same one-sided output, "p-value = 0.2429", is
    printed in Penn State STAT 504, lesson 4, TeaLady.R.)

    gapscan computes only the two-sided test. Every margin of this table is 4, so the
    null distribution of the top-left cell, hypergeometric on 0..4, is symmetric about 2:
    the two-sided p-value of an observed 3 is P(X >= 3) + P(X <= 1), twice the one-sided
    one. Half of gapscan's two-sided p-value must therefore print as 0.2429.
    """
    odds, p = fisher_exact_2x2(3, 1, 1, 3)
    to_decimals(p / 2, 0.2429, 4)
    assert odds == 9.0  # sample odds ratio 3*3 / (1*1); R prints its conditional MLE instead


# scipy 1.8.1 documentation of scipy.stats.fisher_exact, Notes (two-sided p-value of
# table [[6, 2], [1, 4]]): "0.10256410256410257"
# (https://docs.scipy.org/doc/scipy-1.8.1/reference/generated/scipy.stats.fisher_exact.html).
# scipy docstring of scipy.stats.fisher_exact (scipy 1.17), Examples, whales and sharks
# [[8, 2], [1, 5]]: "res.statistic 20.0", "res.pvalue 0.034965034965034975".
@pytest.mark.parametrize(
    ("table", "published_p"),
    [
        ([[6, 2], [1, 4]], 0.10256410256410257),
        ([[8, 2], [1, 5]], 0.034965034965034975),
    ],
)
def test_fisher_scipy_documentation(table: list[list[int]], published_p: float) -> None:
    (a, b), (c, d) = table
    _, p = fisher_exact_2x2(a, b, c, d)
    close(p, published_p)


def test_fisher_scipy_documentation_odds_ratio() -> None:
    odds, _ = fisher_exact_2x2(8, 2, 1, 5)
    assert odds == 20.0


# R fisher.test two-sided p-values, as stored in scipy's test suite,
# scipy/stats/tests/test_stats.py, TestFisherExact.test_precise ("results from R"; only the
# p-values are comparable, R reports a conditional odds ratio) and
# TestFisherExact.test_gh4130 (R: table <- matrix(c(6, 108, 37, 200), nrow = 2);
# fisher.test(table, alternative = "t"), i.e. [[6, 37], [108, 200]]).
R_FISHER_TWO_SIDED = [
    ([[100, 2], [1000, 5]], 1.300759363430016e-001),
    ([[2, 7], [8, 2]], 2.301413756522114e-002),
    ([[5, 1], [10, 10]], 1.973244147157190e-001),
    ([[5, 15], [20, 20]], 9.580440012477637e-002),
    ([[5, 16], [20, 25]], 1.725864953812994e-001),
    ([[10, 5], [10, 1]], 1.973244147157190e-001),
    ([[10, 5], [10, 0]], 6.126482213438734e-002),
    ([[5, 0], [1, 4]], 4.761904761904762e-002),
    ([[0, 5], [1, 4]], 1.000000000000000e000),
    ([[5, 1], [0, 4]], 4.761904761904758e-002),
    ([[0, 1], [3, 2]], 1.000000000000000e000),
    ([[6, 37], [108, 200]], 0.005092697748126),
]


@pytest.mark.parametrize(("table", "published_p"), R_FISHER_TWO_SIDED)
def test_fisher_r_fisher_test(table: list[list[int]], published_p: float) -> None:
    (a, b), (c, d) = table
    _, p = fisher_exact_2x2(a, b, c, d)
    close(p, published_p)


# --- Mann–Whitney U -------------------------------------------------------------------------


def counts_per_level(x: list[float], y: list[float]) -> tuple[np.ndarray, np.ndarray]:
    """Counts of x and y on the ordered distinct values of x and y together.

    The Mann–Whitney test depends on the data only through their order, so recoding the
    distinct values as levels 1..k changes neither U nor the p-value.
    """
    levels = np.unique(np.concatenate([x, y]))
    k = len(levels)
    vendor = np.bincount(np.searchsorted(levels, x), minlength=k)
    customer = np.bincount(np.searchsorted(levels, y), minlength=k)
    return vendor, customer


# scipy docstring of scipy.stats.mannwhitneyu (scipy 1.17), Examples, following Shier R.
# (2004), "Statistics: 2.3 The Mann-Whitney U Test", Mathematics Learning Support Centre:
# ages at diagnosis, males [19, 22, 16, 29, 24], females [20, 11, 17, 12]; U1 = 17
# ("agrees with U_M = 17 reported in [Shier]") and, with method="asymptotic" and the
# default continuity correction, p = 0.11134688653314041.
#
# R wilcox.test(x, y, exact = FALSE) (continuity correction on), as stored in scipy's test
# suite, scipy/stats/tests/test_hypotests.py, class TestMannWhitneyU ("All magic numbers
# are from R wilcox.test"):
#   test_tie_correct: x = c(1, 2, 3, 4), y = c(1, 2, 3, 4, 5) -> U 8, p 0.7086240584439;
#   cases_basic: x = c(210.052110, 110.190630, 307.918612), y = (13 values below)
#     -> U 16, two-sided p 0.6865041817876;
#   test_gh_9184: x = c(0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46),
#     y = c(1.15, 0.88, 0.90, 0.74, 1.21) -> U 35, two-sided p 0.244623605127;
#   cases_2118 (U at its null mean): x = c(1, 2, 3), y = c(2) -> U 1.5, p 1;
#     x = c(1, 2), y = c(1, 2) -> U 2, p 1.
MANN_WHITNEY_PUBLISHED = [
    ([19, 22, 16, 29, 24], [20, 11, 17, 12], 17.0, 0.11134688653314041),
    ([1, 2, 3, 4], [1, 2, 3, 4, 5], 8.0, 0.7086240584439),
    (
        [210.052110, 110.190630, 307.918612],
        [
            436.08811482466416,
            416.37397329768191,
            179.96975939463582,
            197.8118754228619,
            34.038757281225756,
            138.54220550921517,
            128.7769351470246,
            265.92721427951852,
            275.6617533155341,
            592.34083395416258,
            448.73177590617018,
            300.61495185038905,
            187.97508449019588,
        ],
        16.0,
        0.6865041817876,
    ),
    (
        [0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46],
        [1.15, 0.88, 0.90, 0.74, 1.21],
        35.0,
        0.244623605127,
    ),
    ([1, 2, 3], [2], 1.5, 1.0),
    ([1, 2], [1, 2], 2.0, 1.0),
]


@pytest.mark.parametrize(("x", "y", "published_u", "published_p"), MANN_WHITNEY_PUBLISHED)
def test_mann_whitney_published(
    x: list[float], y: list[float], published_u: float, published_p: float
) -> None:
    vendor, customer = counts_per_level(x, y)
    u1, p = mann_whitney_from_counts(vendor, customer)
    close(u1, published_u)
    # R's values are quoted to 13 significant digits.
    assert p == pytest.approx(published_p, abs=1e-12, rel=1e-12)

    result = compare_means(vendor, customer)
    close(result.statistic, published_u)
    close(result.effect_size, 2 * published_u / (len(x) * len(y)) - 1)


# --- Holm, Benjamini–Hochberg and Bonferroni ----------------------------------------------

# R package multtest, mt.rawp2adjp, as stored in statsmodels' test suite,
# statsmodels/stats/tests/test_multi.py (res_multtest1, res_multtest2, res_multtest3; columns
# "rawp", "Bonferroni", "Holm", ..., "BH"; rows sorted by raw p-value; "test against R
# package multtest mt.rawp2adjp").
MULTTEST = [
    {
        "raw": [
            5.2365677720800003e-05,
            2.8140506198000000e-04,
            1.4987731079600001e-02,
            2.0273268879800001e-02,
            1.7709695272300000e-01,
            6.4219392379499995e-01,
            6.8084594763299999e-01,
            7.1626938238000004e-01,
            8.3854136755300002e-01,
            9.6783382430900000e-01,
        ],
        "bonferroni": [
            5.2365677720800005e-04,
            2.8140506197999998e-03,
            1.4987731079600000e-01,
            2.0273268879799999e-01,
            1.0,
            1.0,
            1.0,
            1.0,
            1.0,
            1.0,
        ],
        "holm": [
            5.2365677720800005e-04,
            2.5326455578199999e-03,
            1.1990184863680001e-01,
            1.4191288215860001e-01,
            1.0,
            1.0,
            1.0,
            1.0,
            1.0,
            1.0,
        ],
        "bh": [
            5.2365677720800005e-04,
            1.4070253098999999e-03,
            4.9959103598666670e-02,
            5.0683172199499998e-02,
            3.5419390544599999e-01,
            8.9533672797500008e-01,
            8.9533672797500008e-01,
            8.9533672797500008e-01,
            9.3171263061444454e-01,
            9.6783382430900000e-01,
        ],
    },
    {
        "raw": [0.002, 0.004, 0.006, 0.008, 0.01, 0.012],
        "bonferroni": [0.012, 0.024, 0.036, 0.048, 0.06, 0.072],
        "holm": [0.012, 0.02, 0.024, 0.024, 0.024, 0.024],
        "bh": [0.012, 0.012, 0.012, 0.012, 0.012, 0.012],
    },
    {
        "raw": [0.001, 0.002, 0.003, 0.004, 0.005, 0.05, 0.06, 0.07, 0.08, 0.09],
        "bonferroni": [0.01, 0.02, 0.03, 0.04, 0.05, 0.5, 0.6, 0.7, 0.8, 0.9],
        "holm": [0.01, 0.018, 0.024, 0.028, 0.03, 0.25, 0.25, 0.25, 0.25, 0.25],
        "bh": [
            0.01,
            0.01,
            0.01,
            0.01,
            0.01,
            0.08333333333333334,
            0.0857142857142857,
            0.0875,
            0.0888888888888889,
            0.09,
        ],
    },
]


@pytest.mark.parametrize("method", ["bonferroni", "holm", "bh"])
@pytest.mark.parametrize("case", range(len(MULTTEST)))
def test_r_multtest_adjusted_p_values(case: int, method: str) -> None:
    family = MULTTEST[case]
    got = adjust_pvalues(family["raw"], method)
    for value, published in zip(got, family[method], strict=True):
        close(value, published)
    # The same family in reverse order: the adjusted values follow their p-values.
    reversed_got = adjust_pvalues(family["raw"][::-1], method)
    for value, published in zip(reversed_got, family[method][::-1], strict=True):
        close(value, published)
