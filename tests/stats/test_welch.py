"""Student's t distribution (no scipy at run time) and Welch's t-test from counts,
held to scipy.stats and statsmodels on the same data, to 1e-9 (the t CDF to 1e-10)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

from gapscan.stats._t import regularized_beta, t_cdf, t_quantile, t_two_sided_p
from gapscan.stats.welch import welch_from_counts

TOL = 1e-9
DFS = [*np.geomspace(0.3, 1e9, 60), 1.0, 2.0, 3.0, 10.0, 19_999.0, 20_001.0]
TS = np.geomspace(1e-4, 1e4, 50)


def test_t_tail_matches_scipy_over_a_wide_grid() -> None:
    """Relative error of the two-sided p below 1e-10 for df 0.3..1e9 and |t| 1e-4..1e4
    (both sides of the switch to Hill's expansion at df 20,000)."""
    worst = 0.0
    for df in DFS:
        for t in TS:
            ref = 2 * float(stats.t.sf(t, df))
            if ref < 1e-290:
                continue
            worst = max(worst, abs(t_two_sided_p(float(t), float(df)) - ref) / ref)
            assert t_cdf(-float(t), float(df)) == pytest.approx(
                float(stats.t.cdf(-t, df)), rel=1e-10, abs=1e-300
            )
    assert worst < 1e-10


@pytest.mark.parametrize("t", [1e-12, 1e-8, 1e-3, 0.7, 30.0])
def test_t_tail_closed_forms_for_one_and_two_df(t: float) -> None:
    """df = 1 (Cauchy) and df = 2 have closed forms, exact where scipy rounds for tiny t."""
    assert t_two_sided_p(t, 1.0) == pytest.approx(1 - 2 / math.pi * math.atan(t), rel=1e-13)
    assert t_two_sided_p(t, 2.0) == pytest.approx(1 - t / math.sqrt(2 + t * t), rel=1e-13)


def test_t_quantile_matches_scipy() -> None:
    for df in DFS:
        for p in (1e-12, 1e-4, 0.025, 0.1, 0.5, 0.7, 0.975, 0.9999, 1 - 1e-9):
            ref = float(stats.t.ppf(p, df))
            assert t_quantile(p, float(df)) == pytest.approx(ref, rel=1e-10, abs=1e-10)


@settings(max_examples=300, deadline=None)
@given(
    st.floats(0.05, 500), st.floats(0.05, 500), st.floats(0, 1, exclude_min=True, exclude_max=True)
)
def test_regularized_beta_matches_scipy(a: float, b: float, x: float) -> None:
    assert regularized_beta(a, b, x) == pytest.approx(
        float(stats.beta.cdf(x, a, b)), rel=1e-10, abs=1e-14
    )


@pytest.mark.parametrize(
    ("bad", "args"), [("probability", (0.0, 5.0)), ("probability", (1.0, 5.0))]
)
def test_t_quantile_refuses_impossible_probabilities(bad: str, args: tuple[float, float]) -> None:
    with pytest.raises(ValueError, match=bad):
        t_quantile(*args)


@st.composite
def samples(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct values (decimals, like 0–100 sliders) and counts per value for two sides."""
    k = draw(st.integers(2, 12))
    values = draw(
        st.lists(
            st.floats(-1000, 1000, allow_nan=False).map(lambda v: round(v, 1)),
            min_size=k,
            max_size=k,
            unique=True,
        )
    )
    cell = st.integers(0, draw(st.sampled_from([2, 10, 200])))
    a = np.array(draw(st.lists(cell, min_size=k, max_size=k)))
    b = np.array(draw(st.lists(cell, min_size=k, max_size=k)))
    return np.sort(np.array(values)), a, b


@pytest.mark.filterwarnings("ignore:Precision loss occurred")  # scipy, on one-valued sides
@settings(max_examples=300, deadline=None)
@given(samples(), st.sampled_from([0.9, 0.95, 0.99]))
def test_welch_matches_scipy_and_statsmodels(
    sample: tuple[np.ndarray, np.ndarray, np.ndarray], confidence: float
) -> None:
    values, a, b = sample
    assume(a.sum() >= 2 and b.sum() >= 2)
    x, y = np.repeat(values, a), np.repeat(values, b)
    # some answers differ (np.var can give 1e-32 for ten equal decimals: not a variance)
    assume(np.unique(x).size > 1 or np.unique(y).size > 1)
    got = welch_from_counts(a, b, values, confidence=confidence)
    ref = stats.ttest_ind(x, y, equal_var=False)
    assert got.mean_vendor == pytest.approx(float(x.mean()), rel=TOL, abs=TOL)
    assert got.mean_gap == pytest.approx(float(x.mean() - y.mean()), rel=TOL, abs=TOL)
    assert got.statistic == pytest.approx(float(ref.statistic), rel=TOL, abs=TOL)
    assert got.df == pytest.approx(float(ref.df), rel=TOL, abs=TOL)
    assert got.p_value == pytest.approx(float(ref.pvalue), rel=TOL, abs=TOL)
    low, high = CompareMeans(DescrStatsW(x), DescrStatsW(y)).tconfint_diff(
        alpha=1 - confidence, usevar="unequal"
    )
    assert (got.ci_low, got.ci_high) == pytest.approx((low, high), rel=TOL, abs=TOL)


@settings(max_examples=100, deadline=None)
@given(samples())
def test_swapping_sides_mirrors_welch(sample: tuple[np.ndarray, np.ndarray, np.ndarray]) -> None:
    values, a, b = sample
    assume(a.sum() >= 2 and b.sum() >= 2)
    forward, backward = welch_from_counts(a, b, values), welch_from_counts(b, a, values)
    assert backward.mean_gap == pytest.approx(-forward.mean_gap, abs=TOL)
    assert 0.0 <= forward.p_value <= 1.0
    assert backward.p_value == pytest.approx(forward.p_value, abs=TOL)
    if not math.isnan(forward.ci_low):
        assert backward.ci_low == pytest.approx(-forward.ci_high, abs=TOL)


def test_welch_edge_cases() -> None:
    values = [1.0, 2.0]
    one = welch_from_counts([1, 0], [3, 4], values)
    assert math.isnan(one.statistic) and one.p_value == 1.0
    same = welch_from_counts([5, 0], [7, 0], values)
    assert (same.statistic, same.p_value) == (0.0, 1.0)
    apart = welch_from_counts([5, 0], [0, 7], values)
    assert apart.statistic == -math.inf and apart.p_value == 0.0
    with pytest.raises(ValueError):
        welch_from_counts([0, 0], [1, 1], values)
