"""Net Promoter Score: the adjusted-Wald interval and the difference of two NPS.

References, written here from the papers' definitions (not from gapscan's code):

* Rocks B (2016). Interval estimation for the "Net Promoter Score". The American
  Statistician 70(4):365-372. The adjusted-Wald interval adds 3 to n and 3/4 to the
  promoters and to the detractors (so 3/2 to the passives); the variance is that of
  a respondent's trinomial score (+1 promoter, 0 passive, -1 detractor) under the
  adjusted shares, over n + 3.
* Lewis JR, Sauro J (2020). How to statistically compare two Net Promoter Scores
  (MeasuringU): the difference of the adjusted NPS over the square root of the sum of
  the two adjusted-Wald variances, referred to the standard normal.

No published worked interval with its counts was found in the sources available
(the MeasuringU articles' numbers were not retrievable); the fixed example below is
worked by hand from Rocks' definition.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import norm

from gapscan.stats.nps import compare_nps, compare_nps_gaps, net_promoter

TOL = 1e-9
PROPERTY = settings(max_examples=300, deadline=None)


def rocks_interval(p: int, a: int, d: int, confidence: float) -> tuple[float, float, float]:
    """(adjusted NPS, low, high) straight from Rocks (2016), via the trinomial."""
    n_adj = p + a + d + 3
    probs = np.array([(p + 0.75) / n_adj, (a + 1.5) / n_adj, (d + 0.75) / n_adj])  # sum 1
    values = np.array([1.0, 0.0, -1.0])
    mean = float(values @ probs)
    var = float(probs @ (values - mean) ** 2) / n_adj
    z = float(norm.ppf(1 - (1 - confidence) / 2))
    return mean, max(-1.0, mean - z * math.sqrt(var)), min(1.0, mean + z * math.sqrt(var))


counts = st.tuples(st.integers(0, 2000), st.integers(0, 2000), st.integers(0, 2000)).filter(
    lambda c: sum(c) > 0
)
levels = st.sampled_from([0.8, 0.9, 0.95, 0.99])


@PROPERTY
@given(counts, levels)
def test_interval_equals_rocks_definition(c: tuple[int, int, int], confidence: float) -> None:
    r = net_promoter(*c, confidence=confidence)
    mean, low, high = rocks_interval(*c, confidence)
    assert r.adjusted == pytest.approx(mean, abs=TOL)
    assert r.ci_low == pytest.approx(low, abs=TOL)
    assert r.ci_high == pytest.approx(high, abs=TOL)
    assert r.nps == pytest.approx((c[0] - c[2]) / sum(c), abs=TOL)
    assert r.promoters + r.passives + r.detractors == pytest.approx(1.0)


def test_worked_example_by_hand() -> None:
    # 40 promoters, 30 passives, 30 detractors: n~ = 103, p~ = 40.75/103, d~ = 30.75/103,
    # NPS~ = 10/103 = 0.0971, Var~ = (71.5/103 - (10/103)^2)/103 = 0.006648,
    # 95%: 0.0971 -/+ 1.96 * 0.08154 = [-0.0627, 0.2569]; raw NPS 0.10.
    r = net_promoter(40, 30, 30)
    assert r.nps == pytest.approx(0.10)
    assert r.adjusted == pytest.approx(10 / 103)
    assert r.variance == pytest.approx((71.5 / 103 - (10 / 103) ** 2) / 103)
    assert (round(r.ci_low, 4), round(r.ci_high, 4)) == (-0.0627, 0.2569)


def test_all_promoters_is_truncated_at_one() -> None:
    r = net_promoter(10, 0, 0)
    assert r.nps == 1.0
    assert r.ci_high == 1.0
    assert r.ci_low < r.adjusted < 1.0


@PROPERTY
@given(counts, counts, levels)
def test_difference_equals_direct_computation(
    v: tuple[int, int, int], c: tuple[int, int, int], confidence: float
) -> None:
    got = compare_nps(v, c, confidence=confidence)
    mv = rocks_interval(*v, confidence)[0]
    mc = rocks_interval(*c, confidence)[0]
    z_crit = float(norm.ppf(1 - (1 - confidence) / 2))
    # a respondent's score variance under the adjusted shares: E[X^2] - E[X]^2
    var_v = ((v[0] + 0.75) + (v[2] + 0.75)) / (sum(v) + 3) - mv**2
    var_c = ((c[0] + 0.75) + (c[2] + 0.75)) / (sum(c) + 3) - mc**2
    se = math.sqrt(var_v / (sum(v) + 3) + var_c / (sum(c) + 3))
    diff = mv - mc
    assert got.gap == pytest.approx((v[0] - v[2]) / sum(v) - (c[0] - c[2]) / sum(c), abs=TOL)
    assert got.statistic == pytest.approx(diff / se, abs=1e-7, rel=TOL)
    assert got.p_value == pytest.approx(2 * norm.sf(abs(diff / se)), abs=TOL)
    assert got.ci_low == pytest.approx(max(-2.0, diff - z_crit * se), abs=TOL)
    assert got.ci_high == pytest.approx(min(2.0, diff + z_crit * se), abs=TOL)


@PROPERTY
@given(counts, counts)
def test_swapping_sides_negates_the_gap(v: tuple[int, int, int], c: tuple[int, int, int]) -> None:
    ab, ba = compare_nps(v, c), compare_nps(c, v)
    assert ba.gap == pytest.approx(-ab.gap, abs=TOL)
    assert ba.statistic == pytest.approx(-ab.statistic, abs=TOL)
    assert ba.p_value == pytest.approx(ab.p_value, abs=TOL)
    assert ba.ci_low == pytest.approx(-ab.ci_high, abs=TOL)


@PROPERTY
@given(counts, counts, levels)
def test_p_in_unit_interval_and_ci_holds_the_adjusted_estimate(
    v: tuple[int, int, int], c: tuple[int, int, int], confidence: float
) -> None:
    r = compare_nps(v, c, confidence=confidence)
    assert 0.0 <= r.p_value <= 1.0
    assert r.ci_low <= r.vendor.adjusted - r.customer.adjusted <= r.ci_high
    for side in (r.vendor, r.customer):
        assert -1.0 <= side.ci_low <= side.adjusted <= side.ci_high <= 1.0


def test_equal_samples_give_no_difference() -> None:
    r = compare_nps((30, 40, 30), (30, 40, 30))
    assert r.gap == 0.0
    assert r.statistic == 0.0
    assert r.p_value == 1.0


def test_rejects_empty_counts() -> None:
    with pytest.raises(ValueError):
        net_promoter(0, 0, 0)


@PROPERTY
@given(counts, counts, counts, counts)
def test_change_of_nps_gap_equals_direct_computation(
    v0: tuple[int, int, int],
    c0: tuple[int, int, int],
    v1: tuple[int, int, int],
    c1: tuple[int, int, int],
) -> None:
    got = compare_nps_gaps((v0, c0), (v1, c1))

    def adj(x: tuple[int, int, int]) -> tuple[float, float]:
        n = sum(x) + 3
        p, d = (x[0] + 0.75) / n, (x[2] + 0.75) / n
        return p - d, (p + d - (p - d) ** 2) / n

    def raw(x: tuple[int, int, int]) -> float:
        return (x[0] - x[2]) / sum(x)

    parts = [adj(x) for x in (v0, c0, v1, c1)]
    diff = (parts[2][0] - parts[3][0]) - (parts[0][0] - parts[1][0])
    se = math.sqrt(sum(var for _, var in parts))
    assert got.change == pytest.approx((raw(v1) - raw(c1)) - (raw(v0) - raw(c0)), abs=TOL)
    assert got.statistic == pytest.approx(diff / se, abs=1e-7, rel=TOL)
    assert got.p_value == pytest.approx(2 * norm.sf(abs(diff / se)), abs=TOL)
    assert got.ci_low == pytest.approx(max(-4.0, diff - norm.ppf(0.975) * se), abs=TOL)
