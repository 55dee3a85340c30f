"""Grouped domain sums (a design without a cluster, whose PSUs are its respondents:
Σ w and Σ w² per stratum and answer) give the variances of the same respondents' sums
spread over every PSU: ``domain_mean`` and ``domain_difference`` held to the dense
computation, with strata, fpc, answers of several values and two sides' domains."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gapscan.stats.design import (
    Design,
    DomainSums,
    Grouped,
    domain_difference,
    domain_mean,
    grouped_variance,
)

Respondents = tuple[np.ndarray, np.ndarray, np.ndarray]  # PSU, weight, y


def _design(rng: np.random.Generator, psus: int, strata: int, fpc: bool) -> Design:
    stratum = np.sort(rng.integers(0, strata, psus))
    stratum[:strata] = np.arange(strata)  # every stratum ...
    stratum[strata : 2 * strata] = np.arange(strata)  # ... with two PSUs at least
    population = None
    if fpc:
        n_h = np.bincount(stratum)
        population = (n_h * 3.0)[stratum]
    return Design(stratum, population)


def _respondents(rng: np.random.Generator, psus: np.ndarray, size: int, levels: int) -> Respondents:
    psu = rng.choice(psus, size=size, replace=False)
    return psu, rng.uniform(0.2, 3.0, size), rng.integers(0, levels, size).astype(float)


def _grouped(design: Design, respondents: Respondents) -> DomainSums:
    """The respondents' sums per stratum and y."""
    psu, w, y = respondents
    keys, group = np.unique(np.stack([design.layout.index[psu], y]), axis=1, return_inverse=True)
    group = group.reshape(-1)
    s1 = np.bincount(group, weights=w)
    s2 = np.bincount(group, weights=w * w)
    y_g = keys[1]
    groups = Grouped(keys[0].astype(np.int64), s2, y_g)
    squares = float((w * w).sum())
    return DomainSums(s1, s1 * y_g, psu.size, squares, float((w * y * y).sum()), groups=groups)


def _dense(design: Design, respondents: Respondents) -> DomainSums:
    psu, w, y = respondents
    weight, weighted_y = np.zeros(design.psus), np.zeros(design.psus)
    weight[psu], weighted_y[psu] = w, w * y
    return DomainSums(weight, weighted_y, psu.size, float((w * w).sum()), float((w * y * y).sum()))


@settings(max_examples=80, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    strata=st.integers(1, 4),
    fpc=st.booleans(),
    levels=st.integers(1, 5),
)
def test_grouped_sums_give_the_dense_variances(
    seed: int, strata: int, fpc: bool, levels: int
) -> None:
    rng = np.random.default_rng(seed)
    design = _design(rng, 60, strata, fpc)
    everyone = rng.permutation(design.psus)
    # the vendor and the customer side: respondents of other PSUs
    a = _respondents(rng, everyone[:25], 14, levels)
    b = _respondents(rng, everyone[25:], 20, levels)
    for side in (a, b):
        grouped, dense = (
            domain_mean(design, _grouped(design, side)),
            domain_mean(design, _dense(design, side)),
        )
        assert grouped.se == pytest.approx(dense.se, rel=1e-9, abs=1e-15)
        assert grouped.estimate == pytest.approx(dense.estimate, rel=1e-12)
        assert grouped.deff == pytest.approx(dense.deff, rel=1e-9, abs=1e-12, nan_ok=True)
        assert grouped.n_eff == pytest.approx(dense.n_eff, rel=1e-12)
    grouped_gap = domain_difference(design, _grouped(design, a), _grouped(design, b))
    dense_gap = domain_difference(design, _dense(design, a), _dense(design, b))
    assert grouped_gap.se == pytest.approx(dense_gap.se, rel=1e-9, abs=1e-15)
    assert grouped_gap.estimate == pytest.approx(dense_gap.estimate, rel=1e-12, abs=1e-15)
    assert grouped_gap.p_value == pytest.approx(dense_gap.p_value, rel=1e-6, abs=1e-300)


def test_a_stratum_term_is_its_sum_of_squares_about_the_stratum_mean() -> None:
    # stratum 0: 4 PSUs, z = 1, 1, 3 in two groups, and one PSU of no group (z = 0)
    design = Design(np.array([0, 0, 0, 0, 1, 1]))
    variance = grouped_variance(
        design, np.array([0, 0, 1]), np.array([2.0, 3.0, 0.5]), np.array([2.0, 9.0, 0.25])
    )
    z0, z1 = np.array([1.0, 1.0, 3.0, 0.0]), np.array([0.5, 0.0])
    want = 4 / 3 * ((z0 - z0.mean()) ** 2).sum() + 2 * ((z1 - z1.mean()) ** 2).sum()
    assert variance == pytest.approx(want, rel=1e-15)


def test_grouped_sums_compare_only_with_grouped_sums() -> None:
    rng = np.random.default_rng(1)
    design = _design(rng, 20, 2, False)
    side = _respondents(rng, np.arange(20), 8, 3)
    with pytest.raises(ValueError, match="grouped sums are compared only with grouped sums"):
        domain_difference(design, _grouped(design, side), _dense(design, side))
    with pytest.raises(ValueError, match="single PSU"):
        grouped_variance(Design(np.array([0, 1, 1])), np.array([0]), np.ones(1), np.ones(1))
    with pytest.raises(ValueError, match="one stratum, sum and sum of squares per group"):
        grouped_variance(design, np.array([0, 1]), np.ones(1), np.ones(1))


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), strata=st.integers(1, 4), fpc=st.booleans())
def test_a_design_known_by_its_strata_sizes_is_the_design_of_its_psus(
    seed: int, strata: int, fpc: bool
) -> None:
    """``Design.of_sizes`` (the PSUs of each stratum counted, none listed) gives the
    grouped estimates of the design that lists every PSU, bit for bit."""
    rng = np.random.default_rng(seed)
    listed = _design(rng, 60, strata, fpc)
    sizes = listed.layout.n_h
    population = None if listed.fpc is None else sizes * 3.0
    counted = Design.of_sizes(sizes, population)
    assert (counted.psus, counted.degf) == (listed.psus, listed.degf)
    assert counted.stratum_factor.tobytes() == listed.stratum_factor.tobytes()
    assert counted.stratum_fraction.tobytes() == listed.stratum_fraction.tobytes()
    everyone = rng.permutation(listed.psus)
    a = _grouped(listed, _respondents(rng, everyone[:25], 14, 3))
    b = _grouped(listed, _respondents(rng, everyone[25:], 20, 3))
    assert domain_mean(counted, a) == domain_mean(listed, a)
    assert domain_difference(counted, a, b) == domain_difference(listed, a, b)
    with pytest.raises(ValueError, match="no index of its PSUs"):
        _ = counted.layout.index
    with pytest.raises(ValueError, match="single PSU"):
        grouped_variance(Design.of_sizes(np.array([1, 2])), np.array([0]), np.ones(1), np.ones(1))
