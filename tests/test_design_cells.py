"""The design cells and the Rao–Scott moments are the same however they are summed:
a bincount over every possible cell or one sort of the keys (``counts.design_cells``;
cells of segment x side x PSU x level, or x stratum x level without a cluster), and
per-cell bincounts or ``np.add.at`` for the per-stratum moments (``stats.raoscott``).
Bit for bit: each way adds the same numbers in the same order."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gapscan import counts
from gapscan.design_data import DesignData
from gapscan.stats import raoscott
from gapscan.survey import SurveyDesign


def _design(
    rng: np.random.Generator, n: int, psus: int, clustered: bool, in_order: bool = True
) -> DesignData:
    if clustered:
        psu = rng.integers(0, psus, n)
    else:  # every respondent its own PSU (in row order, as without strata), rows left out
        psus = n + 7
        psu = rng.choice(psus, size=n, replace=False)
        psu = np.sort(psu) if in_order else psu
    strata = np.sort(rng.integers(0, 3, psus))
    spec = SurveyDesign(weight="w", cluster="c" if clustered else None)
    return DesignData(spec, rng.uniform(0.1, 4.0, n), psu.astype(np.int64), strata, None)


def _cells(design: DesignData, seed: int, k: int) -> counts.DesignCells:
    rng = np.random.default_rng(seed)
    n = design.psu.size
    rows = np.flatnonzero(rng.random(n) < 0.8)
    segment = rng.integers(0, 4, rows.size)
    side = rng.integers(0, 2, rows.size)
    level = rng.integers(0, k, rows.size)
    return counts.design_cells(design, rows, segment, side, level, k)


def _reference(design: DesignData, seed: int, k: int) -> dict[str, np.ndarray]:
    """The cells as one np.unique of the keys makes them, written out here: by PSU, or
    without a cluster by stratum (numbered 0.. in the order of the strata present)."""
    rng = np.random.default_rng(seed)
    n = design.psu.size
    rows = np.flatnonzero(rng.random(n) < 0.8)
    segment = rng.integers(0, 4, rows.size)
    side = rng.integers(0, 2, rows.size)
    level = rng.integers(0, k, rows.size)
    if design.spec.cluster is None:
        codes, of_psu = np.unique(design.psu_stratum, return_inverse=True)
        unit, units = of_psu[design.psu[rows]], codes.size
    else:
        unit, units = design.psu[rows], design.psu_stratum.size
    key = ((segment * 2 + side) * units + unit) * k + level
    cells, inverse = np.unique(key, return_inverse=True)
    w = design.weight[rows]
    name = "psu" if design.spec.cluster is not None else "stratum"
    return {
        "segment": cells // (k * units * 2),
        "side": (cells // (k * units)) % 2,
        name: (cells // k) % units,
        "level": cells % k,
        "n": np.bincount(inverse),
        "weight_sum": np.bincount(inverse, weights=w),
        "weight_sq_sum": np.bincount(inverse, weights=w * w),
    }


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 2**31),
    clustered=st.booleans(),
    psus=st.integers(3, 400),
    k=st.integers(2, 11),
    in_order=st.booleans(),
)
def test_design_cells_are_those_of_one_sort_of_the_keys(
    seed: int, clustered: bool, psus: int, k: int, in_order: bool
) -> None:
    design = _design(np.random.default_rng(seed), 300, psus, clustered, in_order)
    got = _cells(design, seed + 1, k)
    want = _reference(design, seed + 1, k)
    for name, values in want.items():
        np.testing.assert_array_equal(getattr(got, name), values, err_msg=name)
    if clustered:
        np.testing.assert_array_equal(got.stratum, design.psu_stratum[want["psu"]])
    else:
        assert got.grouped and bool(np.all(got.psu == -1))


def test_many_possible_cells_are_sorted_not_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    design = _design(np.random.default_rng(3), 200, 5000, clustered=True)
    dense = _cells(design, 4, 5)
    monkeypatch.setattr(counts, "DENSE_CELLS", 0)  # 8 groups x 5000 PSUs x 5 > 4 x rows
    sorted_ = _cells(design, 4, 5)
    for field in dataclasses.fields(counts.DesignCells):
        np.testing.assert_array_equal(getattr(dense, field.name), getattr(sorted_, field.name))


@pytest.mark.parametrize("levels", [3, 11, 20])
def test_stratum_moments_are_those_of_add_at(monkeypatch: pytest.MonkeyPatch, levels: int) -> None:
    rng = np.random.default_rng(levels)
    totals = rng.uniform(0, 5, (300, 2 * levels)) * (rng.random((300, 2 * levels)) < 0.6)
    strata = rng.integers(0, 4, 300)
    fraction = np.zeros(4)
    by_cells = raoscott.moments_from_psu_totals(
        totals, strata, fraction, n_rows=900, n_levels=levels
    )
    monkeypatch.setattr(raoscott, "MAX_PAIRED_CELLS", 0)
    by_add_at = raoscott.moments_from_psu_totals(
        totals, strata, fraction, n_rows=900, n_levels=levels
    )
    np.testing.assert_array_equal(by_cells.first, by_add_at.first)
    np.testing.assert_array_equal(by_cells.second, by_add_at.second)


def test_a_domain_is_the_same_cells_sorted_or_not() -> None:
    design = _design(np.random.default_rng(5), 300, 40, clustered=True)
    cells = _cells(design, 6, 4)
    order = np.random.default_rng(7).permutation(cells.n.size)
    columns = [getattr(cells, f.name) for f in dataclasses.fields(counts.DesignCells)]
    shuffled = counts.DesignCells(*(c[order] if isinstance(c, np.ndarray) else c for c in columns))
    assert isinstance(cells.rows(1, 0), slice) and not isinstance(shuffled.rows(1, 0), slice)
    for segment in range(5):
        for side in (None, 0, 1):
            mine, theirs = cells.rows(segment, side), shuffled.rows(segment, side)
            assert sorted(cells.weight_sum[mine]) == sorted(shuffled.weight_sum[theirs])
            want = (cells.segment == segment) & ((cells.side == side) if side is not None else True)
            assert cells.n[mine].sum() == cells.n[want].sum()
