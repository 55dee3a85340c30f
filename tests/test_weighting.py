"""Raking, post-stratification and trimming (gapscan.weighting), held to R's survey
package on its api data where its documentation prints a figure, else to a second
implementation written here.

Sources:
* R survey package, tests/rakecheck.R and its saved output rakecheck.Rout.save:
  ``dclus1 <- svydesign(id=~dnum, weights=~pw, data=apiclus1, fpc=~fpc)``;
  ``pop.types <- data.frame(stype=c("E","H","M"), Freq=c(4421,755,1018))``;
  ``pop.schwide <- data.frame(sch.wide=c("No","Yes"), Freq=c(1072,5122))``;
  ``dclus1r <- rake(dclus1, list(~stype,~sch.wide), list(pop.types, pop.schwide))``;
  ``svymean(~api00, dclus1r)`` prints 641.23, ``svytotal(~enroll, dclus1r)`` 3647300.
* R survey package, tests/api.Rout.save (``example(api)``): ``dclus1p <-
  postStratify(dclus1, ~stype, pop.types)`` with ``pop.types <- xtabs(~stype,
  data=apipop)`` (E 4421, H 755, M 1018); ``summary(dclus1p)`` prints the sampling
  probabilities 1/w from 0.01854 to 0.03257, ``svymean(~api00, dclus1p)`` 642.31 and
  ``svytotal(~enroll, dclus1p, na.rm=TRUE)`` 3680893.
* ``trimWeights`` (its help page) prints no figure for the api data: its one pass is
  written here as the help page describes it and compared.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gapscan.weighting import (
    POST_STRATIFY,
    RAKE,
    Margin,
    NotConverged,
    WeightingSpec,
    check_margins,
    efficiency,
    make_weights,
    post_stratify,
    rake,
    trim,
)

API = Path("/work/shared/external/r-survey-api")
TYPES = Margin("stype", ("E", "H", "M"), (4421.0, 755.0, 1018.0))
SCHWIDE = Margin("sch.wide", ("No", "Yes"), (1072.0, 5122.0))


@pytest.fixture(scope="module")
def apiclus1() -> pd.DataFrame:
    path = API / "apiclus1.csv"
    if not path.exists():
        pytest.skip("the api data is not here")
    return pd.read_csv(path, index_col=0, na_values="NA")


def _index(frame: pd.DataFrame, margin: Margin) -> np.ndarray:
    position = {level: i for i, level in enumerate(margin.levels)}
    return frame[margin.variable].map(position).to_numpy(dtype=np.int64)


def _codes(values: pd.Series) -> tuple[np.ndarray, list[str]]:
    labels = sorted(set(values.astype(str)))
    position = {label: i for i, label in enumerate(labels)}
    return values.astype(str).map(position).to_numpy(dtype=np.int64), labels


def test_rake_reproduces_r_rakecheck(apiclus1: pd.DataFrame) -> None:
    margins = [TYPES, SCHWIDE]
    indices = [_index(apiclus1, m) for m in margins]
    w, iterations = rake(apiclus1["pw"].to_numpy(), margins, indices)
    assert iterations <= 100
    # R: svymean(~api00, dclus1r) -> 641.23 (rakecheck.Rout.save)
    assert round(float(np.average(apiclus1["api00"], weights=w)), 2) == 641.23
    # R: svytotal(~enroll, dclus1r) -> 3647300, printed to five figures
    assert abs(float(w @ apiclus1["enroll"].to_numpy()) - 3647300) < 50
    # the margins are the population counts
    for margin, index in zip(margins, indices, strict=True):
        np.testing.assert_allclose(np.bincount(index, weights=w), margin.targets, rtol=1e-6)


def test_made_weights_have_mean_one_and_the_same_estimate(apiclus1: pd.DataFrame) -> None:
    spec = WeightingSpec(RAKE, (TYPES, SCHWIDE))
    pairs = [_codes(apiclus1["stype"]), _codes(apiclus1["sch.wide"])]
    made = make_weights(spec, [c for c, _ in pairs], [lab for _, lab in pairs], apiclus1["pw"])
    assert made.weights.mean() == pytest.approx(1.0, abs=1e-12)
    assert round(float(np.average(apiclus1["api00"], weights=made.weights)), 2) == 641.23
    assert made.margin_error <= 1e-6
    w = made.weights
    assert made.efficiency == pytest.approx(w.sum() ** 2 / (w.size * (w**2).sum()), rel=1e-12)


def test_post_stratify_reproduces_r_api_example(apiclus1: pd.DataFrame) -> None:
    w = post_stratify(apiclus1["pw"].to_numpy(), TYPES, _index(apiclus1, TYPES))
    # R: svymean(~api00, dclus1p) -> 642.31; svytotal(~enroll, dclus1p) -> 3680893
    assert round(float(np.average(apiclus1["api00"], weights=w)), 2) == 642.31
    assert round(float(w @ apiclus1["enroll"].to_numpy())) == 3680893
    # R: summary(dclus1p) probabilities: Min. 0.01854, Max. 0.03257
    assert (round(float(1 / w.max()), 5), round(float(1 / w.min()), 5)) == (0.01854, 0.03257)


def test_post_stratify_matches_the_closed_form(apiclus1: pd.DataFrame) -> None:
    """The post-stratified mean is sum_h N_h * (pw-weighted mean of stratum h) / N."""
    w = post_stratify(apiclus1["pw"].to_numpy(), TYPES, _index(apiclus1, TYPES))
    expected = 0.0
    for level, count in zip(TYPES.levels, TYPES.targets, strict=True):
        rows = apiclus1[apiclus1["stype"] == level]
        expected += count * np.average(rows["api00"], weights=rows["pw"])
    expected /= sum(TYPES.targets)
    assert float(np.average(apiclus1["api00"], weights=w)) == pytest.approx(expected, rel=1e-12)
    assert w.sum() == pytest.approx(sum(TYPES.targets), rel=1e-9)


def test_post_stratify_is_one_step_of_raking_on_one_variable(apiclus1: pd.DataFrame) -> None:
    codes, labels = _codes(apiclus1["stype"])
    post = make_weights(WeightingSpec(POST_STRATIFY, (TYPES,)), [codes], [labels])
    raked = make_weights(WeightingSpec(RAKE, (TYPES,)), [codes], [labels])
    assert post.iterations == 1
    np.testing.assert_allclose(post.weights, raked.weights, rtol=1e-12)


def _r_trim_pass(weights: list[float], lower: float, upper: float) -> list[float]:
    """trimWeights' one pass as its help page says: weights beyond a bound set to it,
    the total trimmed divided among the observations that were not trimmed."""
    out, amount, free = [], 0.0, 0
    for w in weights:
        if w > upper:
            amount += w - upper
            out.append(upper)
        elif w < lower:
            amount -= lower - w
            out.append(lower)
        else:
            free += 1
            out.append(w)
    inside = [lower <= w <= upper for w in weights]
    return [o + amount / free if keep else o for o, keep in zip(out, inside, strict=True)]


def test_trim_agrees_with_the_documented_pass_on_api_weights(apiclus1: pd.DataFrame) -> None:
    pairs = [_codes(apiclus1["stype"]), _codes(apiclus1["sch.wide"])]
    raked = make_weights(
        WeightingSpec(RAKE, (TYPES, SCHWIDE)), [c for c, _ in pairs], [lab for _, lab in pairs]
    )
    lower, upper = 0.8, 1.5
    assert ((raked.weights < lower) | (raked.weights > upper)).any()  # something to trim
    expected = _r_trim_pass(raked.weights.tolist(), lower, upper)
    assert lower <= min(expected) and max(expected) <= upper  # one pass suffices here
    got, trimmed = trim(raked.weights, lower, upper)
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    assert trimmed.sum() == sum(not lower <= w <= upper for w in raked.weights)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.floats(0.05, 20.0), min_size=3, max_size=60),
    st.floats(0.1, 0.95),
    st.floats(1.05, 5.0),
)
def test_trimming_bounds_hold_after_redistribution(
    raw: list[float], lower: float, upper: float
) -> None:
    w = np.asarray(raw) / np.mean(raw)
    try:
        got, trimmed = trim(w, lower, upper)
    except ValueError:  # every weight trimmed: no room left, reported
        return
    assert got.min() >= lower - 1e-9 and got.max() <= upper + 1e-9
    assert got.sum() == pytest.approx(w.sum(), rel=1e-12)
    shift = got[~trimmed] - w[~trimmed]  # the untrimmed all moved by one amount
    if shift.size:
        assert np.ptp(shift) <= 1e-9


@st.composite
def panel(draw: st.DrawFn) -> tuple[list[np.ndarray], list[Margin], np.ndarray]:
    """Respondents on two or three variables, every combination present, with random
    base weights and random target shares."""
    sizes = draw(st.lists(st.integers(2, 4), min_size=2, max_size=3))
    grid = np.stack(np.meshgrid(*[np.arange(k) for k in sizes], indexing="ij"), -1)
    cells = grid.reshape(-1, len(sizes))
    extra = draw(st.lists(st.integers(0, len(cells) - 1), max_size=200))
    rows = np.concatenate([cells, cells[np.asarray(extra, dtype=np.int64)]])
    margins = []
    for v, k in enumerate(sizes):
        shares = draw(st.lists(st.floats(0.05, 1.0), min_size=k, max_size=k))
        levels = tuple(f"l{j}" for j in range(k))
        margins.append(Margin(f"v{v}", levels, tuple(s / sum(shares) for s in shares)))
    base = np.asarray(draw(st.lists(st.floats(0.2, 5.0), min_size=len(rows), max_size=len(rows))))
    return [rows[:, v] for v in range(len(sizes))], margins, base


@settings(max_examples=100, deadline=None)
@given(panel())
def test_raking_reproduces_the_target_margins(
    generated: tuple[list[np.ndarray], list[Margin], np.ndarray],
) -> None:
    codes, margins, base = generated
    labels = [list(m.levels) for m in margins]
    assert check_margins(margins, codes, labels) == []
    made = make_weights(WeightingSpec(RAKE, tuple(margins)), codes, labels, base)
    total = made.weights.sum()
    for margin, index in zip(margins, codes, strict=True):
        achieved = np.bincount(index, weights=made.weights, minlength=len(margin.levels))
        np.testing.assert_allclose(achieved / total, margin.shares, rtol=1e-6)
    assert made.weights.mean() == pytest.approx(1.0, abs=1e-9)
    assert 0 < made.efficiency <= 1 + 1e-12


def test_confounded_margins_do_not_converge() -> None:
    """Every x is a u: x at 50% and u at 80% cannot both hold."""
    a = Margin("a", ("x", "y"), (0.5, 0.5))
    b = Margin("b", ("u", "v"), (0.8, 0.2))
    codes = np.asarray([0, 0, 1, 1])
    with pytest.raises(NotConverged) as caught:
        rake(np.ones(4), [a, b], [codes, codes])
    assert caught.value.margin == 0 and caught.value.error > 0.1


def test_unreachable_targets_are_named() -> None:
    region = Margin("region", ("EMEA", "APAC", "Americas"), (0.4, 0.25, 0.35))
    tier = Margin("tier", ("SMB", "Enterprise"), (600.0, 400.0))
    codes = [np.asarray([0, 1, 0]), np.asarray([0, 1, 2])]
    labels = [["emea", "Asia"], ["SMB", "Enterprise", ""]]
    problems = check_margins([region, tier], codes, labels)
    messages = [p.message for p in problems]
    assert [p.margin for p in problems] == [0, 0, 1, 1]
    assert "'Asia' in the data has no target" in messages[0]
    assert "'APAC', 'Americas'" in messages[1]  # 'emea' matches EMEA as answers do
    assert "(blank) in the data has no target" in messages[2]
    assert "tier sum to 1000, those of region to 1:" in messages[3]


def test_efficiency_is_kish() -> None:
    assert efficiency(np.ones(7)) == 1.0
    assert efficiency(np.asarray([1.0, 2.0, 3.0])) == pytest.approx(36 / 42, rel=1e-15)


@settings(max_examples=50, deadline=None)
@given(panel(), st.floats(0.01, 1000.0))
def test_a_constant_factor_on_the_starting_weights_changes_nothing(
    generated: tuple[list[np.ndarray], list[Margin], np.ndarray], factor: float
) -> None:
    codes, margins, base = generated
    labels = [list(m.levels) for m in margins]
    spec = WeightingSpec(RAKE, tuple(margins), upper=2.5)
    made = make_weights(spec, codes, labels, base)
    scaled = make_weights(spec, codes, labels, base * factor)
    np.testing.assert_allclose(scaled.weights, made.weights, rtol=1e-6)
    assert made.weights.max() <= 2.5 + 1e-9


@settings(max_examples=100, deadline=None)
@given(
    st.integers(1, 6).flatmap(
        lambda m: st.tuples(
            st.just(m),
            st.integers(2, 40),
        )
    ),
    st.data(),
)
def test_weighting_cells_are_the_distinct_rows_in_order(
    shape: tuple[int, int], data: st.DataObject
) -> None:
    # the cells of the margins' level codes, as np.unique(axis=0) numbers them: packed
    # into integers when they fit, the rows themselves when they do not
    from gapscan.weighting_run import _distinct_rows

    m, radix = shape
    rows = data.draw(
        st.lists(
            st.lists(st.integers(0, radix - 1), min_size=m, max_size=m), min_size=1, max_size=60
        )
    )
    codes = np.asarray(rows, dtype=np.int64)
    joint, inverse = np.unique(codes, axis=0, return_inverse=True)
    for big in (radix, 1 << 40):  # 1 << 40: too wide to pack, the rows sorted
        levels, index = _distinct_rows(codes, big)
        np.testing.assert_array_equal(levels, joint)
        np.testing.assert_array_equal(index, inverse.reshape(-1))
