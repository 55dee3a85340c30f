"""Sparse domain sums (a design without a cluster, whose PSUs are its respondents)
give the variances of the same sums spread over every PSU: ``design_variance`` with
``psu``, ``domain_mean`` and ``domain_difference`` held to the dense computation, with
strata, fpc, and two domains that share PSUs or do not."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gapscan.stats.design import (
    Design,
    DomainSums,
    design_variance,
    domain_difference,
    domain_mean,
)


def _design(rng: np.random.Generator, psus: int, strata: int, fpc: bool) -> Design:
    stratum = np.sort(rng.integers(0, strata, psus))
    stratum[:strata] = np.arange(strata)  # every stratum ...
    stratum[strata : 2 * strata] = np.arange(strata)  # ... with two PSUs at least
    population = None
    if fpc:
        n_h = np.bincount(stratum)
        population = (n_h * 3.0)[stratum]
    return Design(stratum, population)


def _sparse(rng: np.random.Generator, design: Design, size: int) -> DomainSums:
    psu = np.sort(rng.choice(design.psus, size=size, replace=False))
    w = rng.uniform(0.2, 3.0, size)
    y = rng.integers(0, 2, size).astype(float)
    return DomainSums(w, w * y, size, float((w * w).sum()), float((w * y * y).sum()), psu)


def _dense(design: Design, sums: DomainSums) -> DomainSums:
    assert sums.psu is not None
    weight, weighted_y = np.zeros(design.psus), np.zeros(design.psus)
    weight[sums.psu], weighted_y[sums.psu] = sums.weight, sums.weighted_y
    return DomainSums(weight, weighted_y, sums.n, sums.weight_sq_sum, sums.weighted_y_sq)


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    strata=st.integers(1, 4),
    fpc=st.booleans(),
    disjoint=st.booleans(),
)
def test_sparse_sums_give_the_dense_variances(
    seed: int, strata: int, fpc: bool, disjoint: bool
) -> None:
    rng = np.random.default_rng(seed)
    design = _design(rng, 40, strata, fpc)
    a = _sparse(rng, design, 12)
    if disjoint:  # the other side's respondents: other PSUs
        assert a.psu is not None
        free = np.setdiff1d(np.arange(design.psus), a.psu)
        psu = np.sort(rng.choice(free, size=15, replace=False))
        w = rng.uniform(0.2, 3.0, 15)
        y = rng.integers(0, 2, 15).astype(float)
        b = DomainSums(w, w * y, 15, float((w * w).sum()), float((w * y * y).sum()), psu)
    else:
        b = _sparse(rng, design, 15)
    for sums in (a, b):
        sparse, dense = domain_mean(design, sums), domain_mean(design, _dense(design, sums))
        assert sparse.se == pytest.approx(dense.se, rel=1e-12)
        assert sparse.estimate == pytest.approx(dense.estimate, rel=1e-12)
        assert sparse.deff == pytest.approx(dense.deff, rel=1e-12, nan_ok=True)
    sparse_gap = domain_difference(design, a, b)
    dense_gap = domain_difference(design, _dense(design, a), _dense(design, b))
    assert sparse_gap.se == pytest.approx(dense_gap.se, rel=1e-12)
    assert sparse_gap.p_value == pytest.approx(dense_gap.p_value, rel=1e-9, abs=1e-300)
    mixed = domain_difference(design, a, _dense(design, b))
    assert mixed.se == pytest.approx(dense_gap.se, rel=1e-12)


def test_sparse_influence_must_match_its_psus() -> None:
    design = Design(np.zeros(4, dtype=np.int64))
    with pytest.raises(ValueError, match="one influence value per PSU"):
        design_variance(design, np.ones(2), np.arange(3))
