"""Mann–Whitney U and mean scores from counts per level, held to scipy and numpy to 1e-9.

The reference expands the counts into raw scores, ``np.repeat(np.arange(1, k + 1), counts)``,
and runs ``scipy.stats.mannwhitneyu(x, y, use_continuity=True, alternative="two-sided",
method="asymptotic")`` on them.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from scipy.stats import mannwhitneyu

from gapscan.stats import compare_means, mann_whitney_from_counts

TOL = 1e-9
PROPERTY = settings(max_examples=300, deadline=None)


def close(got: float, ref: float) -> None:
    assert got == pytest.approx(ref, abs=TOL, rel=TOL)


def expand(counts: np.ndarray) -> np.ndarray:
    return np.repeat(np.arange(1, len(counts) + 1), counts)


def scipy_mwu(vendor: np.ndarray, customer: np.ndarray) -> tuple[float, float]:
    res = mannwhitneyu(
        expand(vendor),
        expand(customer),
        use_continuity=True,
        alternative="two-sided",
        method="asymptotic",
    )
    return float(res.statistic), float(res.pvalue)


# --- strategies -------------------------------------------------------------------------


@st.composite
def count_pairs(draw: st.DrawFn, max_levels: int = 11, max_count: int = 225) -> tuple:
    """Counts per level (k from 2 to 11) for vendors and customers, both non-empty.

    With at most 225 answers per level, each group has at most ~2,500 answers and the
    expanded samples stay below ~5,000 scores in total.
    """
    k = draw(st.integers(2, max_levels))
    cap = draw(st.sampled_from([1, 3, 20, max_count]))
    cell = st.one_of(st.just(0), st.integers(0, cap))

    def non_empty() -> np.ndarray:
        counts = np.array(draw(st.lists(cell, min_size=k, max_size=k)), dtype=np.int64)
        if counts.sum() == 0:
            counts[draw(st.integers(0, k - 1))] = draw(st.integers(1, cap))
        return counts

    vendor = non_empty()
    shape = draw(st.sampled_from(["independent"] * 6 + ["equal", "doubled"]))
    if shape == "equal":
        customer = vendor.copy()
    elif shape == "doubled":
        customer = 2 * vendor
    else:
        customer = non_empty()
    return vendor, customer


def several_levels_used(vendor: np.ndarray, customer: np.ndarray) -> bool:
    return int(np.count_nonzero(vendor + customer)) > 1


# --- Mann–Whitney -------------------------------------------------------------------------


@PROPERTY
@given(count_pairs())
@example((np.array([0, 0, 5, 0, 0]), np.array([0, 0, 0, 0, 7])))
@example((np.array([1, 0]), np.array([0, 1])))
@example((np.array([3, 3]), np.array([3, 3])))
def test_mann_whitney_matches_scipy(counts: tuple[np.ndarray, np.ndarray]) -> None:
    vendor, customer = counts
    assume(several_levels_used(vendor, customer))  # else: zero variance, tested below
    u1, p = mann_whitney_from_counts(vendor, customer)
    ref_u, ref_p = scipy_mwu(vendor, customer)
    close(u1, ref_u)
    close(p, ref_p)


@PROPERTY
@given(st.integers(2, 11), st.data(), st.integers(1, 2500), st.integers(1, 2500))
def test_mann_whitney_zero_variance(k: int, data: st.DataObject, n1: int, n2: int) -> None:
    """Every answer on the same level: p is defined as 1.

    All N answers are tied, so the tie-corrected variance
    n1 n2 / 12 * ((N + 1) - (N^3 - N) / (N (N - 1))) is exactly zero and the z statistic
    is 0/0. Depending on its version scipy returns nan or clips the result to 1. The two
    samples are then identical, U1 sits exactly at its null mean n1 n2 / 2, and there is
    no evidence of a difference: p = 1.
    """
    level = data.draw(st.integers(0, k - 1))
    vendor = np.zeros(k, dtype=np.int64)
    customer = np.zeros(k, dtype=np.int64)
    vendor[level] = n1
    customer[level] = n2
    u1, p = mann_whitney_from_counts(vendor, customer)
    assert p == 1.0
    close(u1, n1 * n2 / 2)
    with np.errstate(all="ignore"):
        ref_u, ref_p = scipy_mwu(vendor, customer)
    close(u1, ref_u)
    assert np.isnan(ref_p) or ref_p == 1.0


@PROPERTY
@given(count_pairs())
def test_swapping_groups_mirrors_mann_whitney(counts: tuple[np.ndarray, np.ndarray]) -> None:
    vendor, customer = counts
    n1, n2 = int(vendor.sum()), int(customer.sum())
    u1, p = mann_whitney_from_counts(vendor, customer)
    u2, swapped_p = mann_whitney_from_counts(customer, vendor)
    close(u2, n1 * n2 - u1)
    close(swapped_p, p)
    assert 0.0 <= p <= 1.0

    forward = compare_means(vendor, customer)
    backward = compare_means(customer, vendor)
    close(backward.mean_gap, -forward.mean_gap)
    close(backward.effect_size, -forward.effect_size)
    close(backward.p_value, forward.p_value)


@pytest.mark.parametrize(
    ("vendor", "customer"), [([0, 0, 0], [1, 2, 3]), ([1, 2, 3], [0, 0, 0]), ([0, 0], [0, 0])]
)
def test_mann_whitney_needs_answers_in_both_groups(vendor: list[int], customer: list[int]) -> None:
    with pytest.raises(ValueError):
        mann_whitney_from_counts(vendor, customer)


# --- compare_means ------------------------------------------------------------------------


@PROPERTY
@given(count_pairs())
def test_compare_means_matches_numpy_and_scipy(counts: tuple[np.ndarray, np.ndarray]) -> None:
    vendor, customer = counts
    result = compare_means(vendor, customer)
    x, y = expand(vendor), expand(customer)
    close(result.mean_vendor, float(np.mean(x)))
    close(result.mean_customer, float(np.mean(y)))
    close(result.mean_gap, float(np.mean(x)) - float(np.mean(y)))

    ref_u, ref_p = scipy_mwu(vendor, customer)
    close(result.statistic, ref_u)
    if several_levels_used(vendor, customer):
        close(result.p_value, ref_p)
    else:
        assert result.p_value == 1.0
    close(result.effect_size, 2 * ref_u / (len(x) * len(y)) - 1)
    assert -1.0 <= result.effect_size <= 1.0
    assert 0.0 <= result.p_value <= 1.0


def rank_biserial_by_pairs(vendor: np.ndarray, customer: np.ndarray) -> float:
    """(#pairs vendor higher - #pairs customer higher) / #pairs, over every pair of answers."""
    x, y = expand(vendor), expand(customer)
    higher = lower = 0
    for v in x:
        for c in y:
            higher += int(v > c)
            lower += int(v < c)
    return (higher - lower) / (len(x) * len(y))


@PROPERTY
@given(count_pairs(max_levels=6, max_count=6))
@example((np.array([0, 0, 0, 4]), np.array([3, 0, 0, 0])))
@example((np.array([3, 0, 0, 0]), np.array([0, 0, 0, 4])))
def test_rank_biserial_matches_its_definition(counts: tuple[np.ndarray, np.ndarray]) -> None:
    vendor, customer = counts
    close(compare_means(vendor, customer).effect_size, rank_biserial_by_pairs(vendor, customer))


def test_rank_biserial_is_positive_when_vendors_answer_higher() -> None:
    # Every vendor answer (4 or 5) is above every customer answer (1 or 2).
    above = compare_means([0, 0, 0, 3, 2], [4, 1, 0, 0, 0])
    assert above.effect_size == 1.0
    assert above.mean_gap > 0
    # Mirror image: every vendor answer is below.
    below = compare_means([4, 1, 0, 0, 0], [0, 0, 0, 3, 2])
    assert below.effect_size == -1.0
    assert below.mean_gap < 0
    # Mostly higher, with overlap: positive but below 1.
    mostly = compare_means([1, 1, 2, 4, 4], [3, 4, 2, 1, 0])
    assert 0 < mostly.effect_size < 1
    assert mostly.mean_gap > 0
