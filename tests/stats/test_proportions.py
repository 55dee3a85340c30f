"""Two independent proportions, held to statsmodels and scipy to 1e-9.

Reference implementations:

* ``newcombe_interval``   -> statsmodels ``confint_proportions_2indep(method="newcomb")``
* ``wilson_interval``     -> statsmodels ``proportion_confint(method="wilson")``
* ``two_proportion_ztest`` -> statsmodels ``proportions_ztest``
* ``fisher_exact_2x2``    -> scipy ``fisher_exact``
* ``min_expected_count``  -> scipy ``contingency.expected_freq(table).min()``
* ``cohens_h``            -> statsmodels ``proportion_effectsize``
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from scipy.stats import fisher_exact
from scipy.stats.contingency import expected_freq
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
    proportion_effectsize,
    proportions_ztest,
)

from gapscan.stats import (
    cohens_h,
    compare_top_box,
    fisher_exact_2x2,
    min_expected_count,
    newcombe_interval,
    two_proportion_ztest,
    wilson_interval,
)

TOL = 1e-9
MAX_N = 10**5
PROPERTY = settings(max_examples=300, deadline=None)


def close(got: float, ref: float) -> None:
    assert got == pytest.approx(ref, abs=TOL, rel=TOL)


# --- strategies -------------------------------------------------------------------------

# Group sizes: small ones (where the exact test and the interval edges matter) and
# large ones (up to 10^5 answers).
sizes = st.one_of(st.integers(1, 30), st.integers(31, MAX_N))


@st.composite
def groups(draw: st.DrawFn) -> tuple[int, int]:
    """(x, n): x top-box answers out of n, biased towards 0, n and near-empty cells."""
    n = draw(sizes)
    x = draw(
        st.one_of(
            st.just(0),
            st.just(n),
            st.integers(0, n),
            st.integers(0, min(n, 6)),
            st.integers(max(0, n - 6), n),
        )
    )
    return x, n


@st.composite
def pairs(draw: st.DrawFn) -> tuple[int, int, int, int]:
    """(x1, n1, x2, n2) for vendors and customers, sometimes equal or equally split."""
    x1, n1 = draw(groups())
    shape = draw(st.sampled_from(["independent"] * 6 + ["equal", "same share"]))
    if shape == "equal":
        return x1, n1, x1, n1
    if shape == "same share":
        factor = draw(st.integers(2, max(2, MAX_N // n1)))
        return x1, n1, x1 * factor, n1 * factor
    x2, n2 = draw(groups())
    return x1, n1, x2, n2


confidences = st.one_of(
    st.just(0.95), st.sampled_from([0.8, 0.9, 0.99, 0.999]), st.floats(0.5, 0.999)
)


def table(x1: int, n1: int, x2: int, n2: int) -> np.ndarray:
    return np.array([[x1, n1 - x1], [x2, n2 - x2]])


# --- Wilson and Newcombe intervals --------------------------------------------------------


@PROPERTY
@given(groups(), confidences)
def test_wilson_interval_matches_statsmodels(group: tuple[int, int], confidence: float) -> None:
    x, n = group
    low, high = wilson_interval(x, n, confidence=confidence)
    ref_low, ref_high = proportion_confint(x, n, alpha=1 - confidence, method="wilson")
    close(low, ref_low)
    close(high, ref_high)
    assert -TOL <= low <= x / n + TOL
    assert x / n - TOL <= high <= 1 + TOL


@PROPERTY
@given(pairs(), confidences)
@example((56, 70, 48, 80), 0.95)
@example((0, 10, 0, 20), 0.95)
@example((10, 10, 0, 20), 0.95)
@example((MAX_N, MAX_N, 0, MAX_N), 0.95)
def test_newcombe_interval_matches_statsmodels(
    counts: tuple[int, int, int, int], confidence: float
) -> None:
    x1, n1, x2, n2 = counts
    low, high = newcombe_interval(x1, n1, x2, n2, confidence=confidence)
    ref_low, ref_high = confint_proportions_2indep(
        x1, n1, x2, n2, method="newcomb", compare="diff", alpha=1 - confidence
    )
    close(low, ref_low)
    close(high, ref_high)
    gap = x1 / n1 - x2 / n2
    assert -1 - TOL <= low <= gap + TOL
    assert gap - TOL <= high <= 1 + TOL


# --- z-test -------------------------------------------------------------------------------


@PROPERTY
@given(pairs())
@example((83, 86, 90, 93))
@example((1, MAX_N, 0, MAX_N))
def test_ztest_matches_statsmodels(counts: tuple[int, int, int, int]) -> None:
    x1, n1, x2, n2 = counts
    assume(0 < x1 + x2 < n1 + n2)  # else zero pooled variance: see the test below
    z, p = two_proportion_ztest(x1, n1, x2, n2)
    ref_z, ref_p = proportions_ztest([x1, x2], [n1, n2])
    close(z, ref_z)
    close(p, ref_p)


@PROPERTY
@given(sizes, sizes, st.booleans())
def test_ztest_zero_pooled_variance(n1: int, n2: int, all_top: bool) -> None:
    """All answers top box, or none: z is defined as 0 and p as 1.

    The pooled variance p(1 - p)(1/n1 + 1/n2) is zero, so the z statistic is 0/0.
    statsmodels returns nan (with a RuntimeWarning) and cannot serve as reference.
    Both groups then have exactly the same share (0 or 1): the observed gap is zero
    and carries no evidence against equal proportions, hence z = 0 and p = 1.
    """
    x1, x2 = (n1, n2) if all_top else (0, 0)
    assert two_proportion_ztest(x1, n1, x2, n2) == (0.0, 1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        _, ref_p = proportions_ztest([x1, x2], [n1, n2])
    assert math.isnan(ref_p) or ref_p == pytest.approx(1.0)


# --- Fisher's exact test and expected counts ----------------------------------------------


@PROPERTY
@given(pairs())
@example((3, 4, 1, 4))
@example((0, 5, 0, 3))
@example((5, 5, 0, 4))
@example((0, MAX_N, 7, MAX_N))
def test_fisher_exact_matches_scipy(counts: tuple[int, int, int, int]) -> None:
    x1, n1, x2, n2 = counts
    a, b, c, d = x1, n1 - x1, x2, n2 - x2
    odds, p = fisher_exact_2x2(a, b, c, d)
    ref = fisher_exact([[a, b], [c, d]])
    close(p, ref.pvalue)
    ref_odds = float(ref.statistic)
    if math.isfinite(ref_odds):
        close(odds, ref_odds)
    elif math.isinf(ref_odds):
        assert odds == ref_odds
    else:
        assert math.isnan(odds)


@PROPERTY
@given(pairs())
def test_min_expected_count_matches_scipy(counts: tuple[int, int, int, int]) -> None:
    x1, n1, x2, n2 = counts
    close(min_expected_count(x1, n1, x2, n2), expected_freq(table(x1, n1, x2, n2)).min())


# --- Cohen's h ----------------------------------------------------------------------------


@PROPERTY
@given(pairs())
def test_cohens_h_matches_statsmodels(counts: tuple[int, int, int, int]) -> None:
    x1, n1, x2, n2 = counts
    p1, p2 = x1 / n1, x2 / n2
    close(cohens_h(p1, p2), proportion_effectsize(p1, p2))


# --- compare_top_box ----------------------------------------------------------------------


@PROPERTY
@given(pairs(), confidences)
@example((5, 10, 5, 10), 0.95)  # smallest expected count exactly 5: z-test
@example((4, 10, 5, 10), 0.95)  # 4.5: Fisher
@example((0, 30, 0, 40), 0.95)  # no top box at all: Fisher, p = 1
@example((MAX_N, MAX_N, MAX_N - 3, MAX_N), 0.95)
def test_compare_top_box_switch_rule(counts: tuple[int, int, int, int], confidence: float) -> None:
    """Fisher exactly when some expected count is below 5, with the reference p-value."""
    x1, n1, x2, n2 = counts
    result = compare_top_box(x1, n1, x2, n2, confidence=confidence)
    t = table(x1, n1, x2, n2)
    if expected_freq(t).min() < 5:
        assert result.test == "fisher"
        ref = fisher_exact(t)
        close(result.p_value, ref.pvalue)
        if math.isfinite(ref.statistic):
            close(result.statistic, ref.statistic)
    else:
        assert result.test == "z-test"
        ref_z, ref_p = proportions_ztest([x1, x2], [n1, n2])
        close(result.statistic, ref_z)
        close(result.p_value, ref_p)

    ref_low, ref_high = confint_proportions_2indep(
        x1, n1, x2, n2, method="newcomb", compare="diff", alpha=1 - confidence
    )
    close(result.gap, x1 / n1 - x2 / n2)
    close(result.ci_low, ref_low)
    close(result.ci_high, ref_high)
    close(result.effect_size, proportion_effectsize(x1 / n1, x2 / n2))


@PROPERTY
@given(pairs(), confidences)
def test_swapping_groups_mirrors_the_comparison(
    counts: tuple[int, int, int, int], confidence: float
) -> None:
    """Customers vs vendors: gap, interval and h change sign, p-values do not change."""
    x1, n1, x2, n2 = counts
    forward = compare_top_box(x1, n1, x2, n2, confidence=confidence)
    backward = compare_top_box(x2, n2, x1, n1, confidence=confidence)

    close(backward.gap, -forward.gap)
    close(backward.ci_low, -forward.ci_high)
    close(backward.ci_high, -forward.ci_low)
    close(backward.effect_size, -forward.effect_size)
    assert backward.test == forward.test
    close(backward.p_value, forward.p_value)

    low, high = newcombe_interval(x1, n1, x2, n2, confidence=confidence)
    swapped_low, swapped_high = newcombe_interval(x2, n2, x1, n1, confidence=confidence)
    close(swapped_low, -high)
    close(swapped_high, -low)

    close(cohens_h(x2 / n2, x1 / n1), -cohens_h(x1 / n1, x2 / n2))

    z, p = two_proportion_ztest(x1, n1, x2, n2)
    swapped_z, swapped_p = two_proportion_ztest(x2, n2, x1, n1)
    close(swapped_z, -z)
    close(swapped_p, p)

    _, fisher_p = fisher_exact_2x2(x1, n1 - x1, x2, n2 - x2)
    _, swapped_fisher_p = fisher_exact_2x2(x2, n2 - x2, x1, n1 - x1)
    close(swapped_fisher_p, fisher_p)


@PROPERTY
@given(pairs())
def test_p_values_lie_in_the_unit_interval(counts: tuple[int, int, int, int]) -> None:
    x1, n1, x2, n2 = counts
    _, z_p = two_proportion_ztest(x1, n1, x2, n2)
    _, fisher_p = fisher_exact_2x2(x1, n1 - x1, x2, n2 - x2)
    result = compare_top_box(x1, n1, x2, n2)
    for p in (z_p, fisher_p, result.p_value):
        assert 0.0 <= p <= 1.0


@pytest.mark.parametrize(("n1", "n2"), [(0, 10), (10, 0), (0, 0)])
def test_compare_top_box_needs_answers_in_both_groups(n1: int, n2: int) -> None:
    with pytest.raises(ValueError):
        compare_top_box(0, n1, 0, n2)
