"""The change of a gap between two waves, held to statsmodels and scipy to 1e-9.

``compare_gaps(earlier, later)`` takes each gap as (vendor share, vendor n, customer
share, customer n). Reference, on the same counts:

* change = (p1b − p2b) − (p1a − p2a)
* SE     = sqrt of the sum of the four unpooled variances p(1−p)/n, each from
           ``statsmodels.stats.proportion.std_prop``
* z      = change / SE;  p = 2 · ``scipy.stats.norm.sf(|z|)``
* interval: change ± ``scipy.stats.norm.ppf(1 − (1 − confidence)/2)`` · SE

and ``gap_change`` rules gate on it (``gapscan.rules.evaluate_rules``).
"""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from scipy.stats import norm
from statsmodels.stats.proportion import std_prop

from gapscan.report import GapChange, GapResult, SideSummary, TrendReport
from gapscan.rules import evaluate_rules
from gapscan.stats import compare_gaps
from gapscan.survey import Metric, Rule
from gapscan.trends import change_between

TOL = 1e-9
MAX_N = 100_000


@st.composite
def share(draw: st.DrawFn) -> tuple[float, float]:
    """A top-box share x/n and its n, as the analysis produces them."""
    n = draw(st.integers(min_value=1, max_value=MAX_N))
    x = draw(st.integers(min_value=0, max_value=n))
    return x / n, float(n)


@st.composite
def gap(draw: st.DrawFn) -> tuple[float, float, float, float]:
    (p1, n1), (p2, n2) = draw(share()), draw(share())
    return p1, n1, p2, n2


def reference(
    earlier: tuple[float, float, float, float],
    later: tuple[float, float, float, float],
    confidence: float,
) -> tuple[float, float, float, float, float]:
    """(change, ci_low, ci_high, z, p) from statsmodels and scipy."""
    p1a, n1a, p2a, n2a = earlier
    p1b, n1b, p2b, n2b = later
    change = (p1b - p2b) - (p1a - p2a)
    se = math.sqrt(
        sum(float(std_prop(p, n)) ** 2 for p, n in ((p1a, n1a), (p2a, n2a), (p1b, n1b), (p2b, n2b)))
    )
    z = change / se
    half = float(norm.ppf(1 - (1 - confidence) / 2)) * se
    return change, change - half, change + half, z, float(2 * norm.sf(abs(z)))


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=TOL, abs_tol=TOL)


@settings(max_examples=300, deadline=None)
@given(gap(), gap(), st.sampled_from([0.8, 0.9, 0.95, 0.99]))
@example((0.38, 400.0, 0.14, 1500.0), (0.41, 400.0, 0.13, 1500.0), 0.95)  # wave Q1 -> Q2
@example((0.54, 400.0, 0.13, 1500.0), (0.58, 400.0, 0.09, 1500.0), 0.95)  # wave Q2 -> Q3
@example((1 / MAX_N, MAX_N, 0.0, 1.0), (1.0, 1.0, 1 / MAX_N, MAX_N), 0.95)  # tiny SE
@example((0.5, 1.0, 0.5, 1.0), (0.5, 1.0, 0.5, 1.0), 0.9)  # no change
def test_compare_gaps_matches_reference(
    earlier: tuple[float, float, float, float],
    later: tuple[float, float, float, float],
    confidence: float,
) -> None:
    variances = [p * (1 - p) for p in (earlier[0], earlier[2], later[0], later[2])]
    assume(any(v > 0 for v in variances))  # the zero-variance case is tested below
    change, low, high, z, p = reference(earlier, later, confidence)
    d = compare_gaps(earlier, later, confidence=confidence)
    assert close(d.change, change), (d.change, change)
    assert close(d.statistic, z), (d.statistic, z)
    assert close(d.p_value, p), (d.p_value, p)
    assert close(d.ci_low, low), (d.ci_low, low)
    assert close(d.ci_high, high), (d.ci_high, high)
    assert d.ci_low <= d.change <= d.ci_high
    assert 0.0 <= d.p_value <= 1.0


def test_paper_example_by_hand() -> None:
    # 52%-14% of 400/1500 -> 54%-13%: change +3 points, SE from four unpooled variances.
    d = compare_gaps((0.52, 400, 0.14, 1500), (0.54, 400, 0.13, 1500))
    se = math.sqrt(0.52 * 0.48 / 400 + 0.14 * 0.86 / 1500 + 0.54 * 0.46 / 400 + 0.13 * 0.87 / 1500)
    assert d.change == pytest.approx(0.03, abs=1e-15)
    assert d.statistic == pytest.approx(0.03 / se, rel=1e-12)
    assert d.p_value == pytest.approx(0.4228, abs=1e-4)


def test_direction_and_symmetry() -> None:
    a, b = (0.54, 400.0, 0.13, 1500.0), (0.58, 400.0, 0.09, 1500.0)
    forward, backward = compare_gaps(a, b), compare_gaps(b, a)
    assert forward.change > 0 and forward.statistic > 0
    assert backward.change == pytest.approx(-forward.change, abs=1e-15)
    assert backward.statistic == pytest.approx(-forward.statistic, rel=1e-12)
    assert backward.p_value == pytest.approx(forward.p_value, rel=1e-12)
    wide, narrow = compare_gaps(a, b, confidence=0.99), compare_gaps(a, b, confidence=0.9)
    assert wide.ci_low < forward.ci_low < narrow.ci_low < narrow.ci_high < wide.ci_high


@pytest.mark.parametrize(
    ("earlier", "later"),
    [
        ((1.0, 50.0, 0.0, 60.0), (1.0, 40.0, 0.0, 10.0)),  # +100 points both times
        ((0.0, 50.0, 0.0, 60.0), (1.0, 40.0, 1.0, 10.0)),  # no gap either time
        ((1.0, 50.0, 0.0, 60.0), (0.0, 40.0, 1.0, 10.0)),  # +100 -> -100 points
    ],
)
def test_zero_variance_gives_z_0_and_p_1(
    earlier: tuple[float, float, float, float], later: tuple[float, float, float, float]
) -> None:
    d = compare_gaps(earlier, later)
    expected = (later[0] - later[2]) - (earlier[0] - earlier[2])
    assert d.change == expected
    assert d.statistic == 0.0 and d.p_value == 1.0
    assert d.ci_low == d.ci_high == expected
    assert all(math.isfinite(v) for v in (d.change, d.ci_low, d.ci_high, d.statistic, d.p_value))


# ----------------------------------------------------------------------- rules

WAVE_Q1 = (0.52, 400.0, 0.14, 1500.0)
WAVE_Q2 = (0.54, 400.0, 0.13, 1500.0)
WAVE_Q3 = (0.58, 400.0, 0.09, 1500.0)


def result(
    earlier: tuple[float, float, float, float],
    later: tuple[float, float, float, float],
    *,
    question: str = "centricity",
    suppressed: bool = False,
    with_change: bool = True,
) -> GapResult:
    change = change_between(earlier, later, "before", 0.95, 0.05) if with_change else None
    p1, n1, p2, n2 = later
    return GapResult(
        question=question,
        question_text=question,
        scale="s",
        top_box_labels=("top",),
        segment=(),
        vendor=SideSummary(int(n1), p1, None),
        customer=SideSummary(int(n2), p2, None),
        suppressed=suppressed,
        gap=p1 - p2,
        significant=True,
        change=change,
    )


def exit_code(results: list[GapResult], rule: Rule) -> tuple[int, int]:
    """(exit code, results checked) of a run whose only rule is ``rule``."""
    outcomes = evaluate_rules(results, [rule])
    trend = TrendReport("s", "s.yaml", (), (), (), (), rules=outcomes)
    return trend.exit_code, outcomes[0].checked


WIDENING = Rule("no gap widens", Metric.GAP_CHANGE, max=0.05, significant_only=True)


def test_change_between_carries_the_test() -> None:
    c = change_between(WAVE_Q2, WAVE_Q3, "2026Q2", 0.95, 0.05)
    d = compare_gaps(WAVE_Q2, WAVE_Q3)
    assert isinstance(c, GapChange)
    assert (c.change, c.ci_low, c.ci_high, c.statistic, c.p_value) == (
        d.change, d.ci_low, d.ci_high, d.statistic, d.p_value,
    )  # fmt: skip
    assert c.baseline_wave == "2026Q2" and c.baseline_gap == pytest.approx(0.41)
    assert c.significant is (d.p_value < 0.05) is True


def test_widening_gap_breaches_gap_change_rule() -> None:
    widened = result(WAVE_Q2, WAVE_Q3)  # +8 points, p ≈ 0.03
    assert widened.change is not None and widened.change.significant
    assert exit_code([widened], WIDENING) == (1, 1)
    (outcome,) = evaluate_rules([widened], [WIDENING])
    (breach,) = outcome.breaches
    assert breach.metric == "gap_change" and breach.question == "centricity"
    assert breach.value == pytest.approx(0.08) and breach.bound == "max" and breach.limit == 0.05
    assert breach.p_value == widened.change.p_value and breach.p_adjusted is None


def test_stable_gap_holds() -> None:
    stable = result(WAVE_Q1, WAVE_Q2)  # +3 points, p ≈ 0.42
    assert exit_code([stable], WIDENING) == (0, 1)
    any_change = Rule("no gap widens", Metric.GAP_CHANGE, max=0.05)
    assert exit_code([stable], any_change) == (0, 1)  # +3 is under the limit anyway


def test_significant_only_lets_a_large_noisy_change_pass() -> None:
    noisy = result((0.5, 20.0, 0.3, 20.0), (0.7, 20.0, 0.3, 20.0))  # +20 points, n = 20
    assert noisy.change is not None and not noisy.change.significant
    assert exit_code([noisy], WIDENING) == (0, 1)
    assert exit_code([noisy], Rule("any", Metric.GAP_CHANGE, max=0.05)) == (1, 1)


def test_min_bound_catches_a_narrowing_gap() -> None:
    narrowed = result(WAVE_Q3, WAVE_Q2)  # -8 points
    assert exit_code([narrowed], WIDENING) == (0, 1)
    closing = Rule("no gap closes", Metric.GAP_CHANGE, min=-0.05, significant_only=True)
    assert exit_code([narrowed], closing) == (1, 1)


def test_results_without_change_are_not_checked() -> None:
    first_wave = result(WAVE_Q2, WAVE_Q3, with_change=False)
    suppressed = result(WAVE_Q2, WAVE_Q3, suppressed=True)
    assert exit_code([first_wave, suppressed], WIDENING) == (0, 0)
    only = Rule("alignment only", Metric.GAP_CHANGE, max=0.05, questions=("alignment",))
    assert exit_code([result(WAVE_Q2, WAVE_Q3)], only) == (0, 0)
