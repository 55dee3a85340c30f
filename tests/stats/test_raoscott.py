"""The Rao–Scott corrected test of the whole answer distribution, vendor vs customer,
held to R's printed ``svychisq`` output on the api data, to a second implementation
written here the way R's code goes (respondent influence functions, PSU totals by
pandas groupby, the interaction basis by QR residuals, scipy's tails), and to the
ordinary Pearson test when there is no design."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from gapscan.stats.raoscott import (
    RaoScottTest,
    design_moments,
    moments_from_psu_totals,
    rao_scott,
    rao_scott_test,
)

API = Path("/work/shared/external/r-survey-api")
STYPE = {"E": 0, "H": 1, "M": 2}
YES_NO = {"No": 0, "Yes": 1}


def _api(name: str) -> pd.DataFrame:
    return pd.read_csv(API / f"{name}.csv", na_values="NA")


def test_dclus1_sch_wide_by_stype_matches_r_printed_output() -> None:
    """R survey package, "Tests in contingency tables"
    (http://r-survey.r-forge.r-project.org/survey/example-chisq.html), with
    dclus1 <- svydesign(id = ~dnum, weights = ~pw, data = apiclus1, fpc = ~fpc):
    svychisq(~sch.wide + stype, dclus1) prints F = 5.1934, ndf = 1.495, ddf = 20.925,
    p-value = 0.02175; svychisq(..., statistic = "Chisq") prints X-squared = 11.9409,
    df = 2, p-value = 0.005553."""
    d = _api("apiclus1")
    result = rao_scott_test(
        d["stype"].map(STYPE), d["sch.wide"].map(YES_NO), d["pw"], cluster=d["dnum"], fpc=d["fpc"]
    )
    assert result is not None
    assert round(result.statistic, 4) == 5.1934
    assert round(result.ndf, 3) == 1.495
    assert round(result.ddf, 3) == 20.925
    assert f"{result.p_value:.4g}" == "0.02175"
    assert round(result.pearson, 4) == 11.9409
    assert result.df == 2
    assert f"{result.chisq_p_value:.4g}" == "0.005553"
    assert result.design_df == 14  # 15 districts, one stratum
    assert result.name == "rao-scott-f"


# --- a second implementation, following R's svychisq step by step --------------------


def _reference(
    level: np.ndarray,
    side: np.ndarray,
    w: np.ndarray,
    strata: np.ndarray,
    cluster: np.ndarray,
    fraction_of_stratum: dict[object, float],
) -> tuple[float, float, float, float, float, float]:
    """F, ndf, ddf, p, X², first-order p, as svychisq computes them: svymean of the cell
    indicators over the domain (na.rm = TRUE), svyrecvar's one-stage variance, Cmat as
    qr.resid(X1, interaction columns), chisq.test on the table scaled to N rows."""
    n = level.shape[0]
    domain = (level >= 0) & (side >= 0)
    levels = np.unique(level[domain])
    r = levels.shape[0]
    mm = np.zeros((n, 2 * r))
    for j, lv in enumerate(levels):
        for s in (0, 1):
            mm[:, j + r * s] = (domain & (level == lv) & (side == s)).astype(float)
    total = (w * domain).sum()
    mean = (w[:, None] * mm).sum(axis=0) / total
    u = w[:, None] * (mm - domain[:, None] * mean) / total
    frame = pd.DataFrame(u)
    frame["h"], frame["c"] = strata, cluster
    variance = np.zeros((2 * r, 2 * r))
    for h, group in frame.groupby("h"):
        psu = group.drop(columns="h").groupby("c").sum().to_numpy()
        centred = psu - psu.mean(axis=0)
        scale = (1 - fraction_of_stratum[h]) * len(psu) / (len(psu) - 1)
        variance += scale * centred.T @ centred
    grid = [(i, j) for j in range(2) for i in range(r)]  # expand.grid: rows vary fastest
    x1 = np.array([[1.0] + [float(i == a) for a in range(1, r)] + [float(j == 1)] for i, j in grid])
    inter = np.array([[float(i == a and j == 1) for a in range(1, r)] for i, j in grid])
    cmat = inter - x1 @ np.linalg.lstsq(x1, inter, rcond=None)[0]
    inv_d = np.diag([1 / m if m > 0 else 0.0 for m in mean])  # R: iDmat
    delta = np.linalg.solve(cmat.T @ (inv_d / n) @ cmat, cmat.T @ inv_d @ variance @ inv_d @ cmat)
    table = (mean * n).reshape(2, r)
    x2 = float(stats.chi2_contingency(table, correction=False)[0])
    tr = float(np.trace(delta))
    tr2 = float(np.trace(delta @ delta))
    if abs(tr) < 1e-8 * n / domain.sum():  # mean design effect ~0: no variance
        return (np.nan,) * 6
    d0 = tr**2 / tr2
    nu = frame.groupby(["h", "c"]).ngroups - frame["h"].nunique()
    f = x2 / tr
    p1 = float(stats.chi2.sf(x2 / (tr / (r - 1)), r - 1))
    return f, d0, d0 * nu, float(stats.f.sf(f, d0, d0 * nu)), x2, p1


def _assert_same(result: RaoScottTest | None, ref: tuple[float, ...]) -> None:
    assert result is not None
    got = (result.statistic, result.ndf, result.ddf, result.p_value, result.pearson)
    assert got == pytest.approx(ref[:5], rel=1e-9)
    assert result.chisq_p_value == pytest.approx(ref[5], rel=1e-9)


def _quartile(api00: pd.Series) -> np.ndarray:
    return np.searchsorted([550, 650, 750], api00.to_numpy(), side="right")


@pytest.mark.parametrize("with_fpc", [True, False])
def test_stratified_design_matches_second_implementation(with_fpc: bool) -> None:
    """dstrat <- svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc,
    data = apistrat) (the survey package's api help page), and the same without fpc.
    No printed svychisq figure exists for it: the second implementation above is the
    check."""
    d = _api("apistrat")
    level, side = _quartile(d["api00"]), d["comp.imp"].map(YES_NO).to_numpy()
    fraction = {
        h: float((d["stype"] == h).sum() / g) if with_fpc else 0.0
        for h, g in d.groupby("stype")["fpc"].first().items()
    }
    ref = _reference(
        level, side, d["pw"].to_numpy(), d["stype"].to_numpy(), np.arange(len(d)), fraction
    )
    fpc = d["fpc"] if with_fpc else None
    result = rao_scott_test(level, side, d["pw"], strata=d["stype"], fpc=fpc)
    _assert_same(result, ref)
    assert result is not None and result.design_df == 200 - 3


def test_cluster_design_without_fpc_matches_second_implementation() -> None:
    """svydesign(id = ~dnum, weights = ~pw, data = apiclus1), dclus1 without fpc (a
    with-replacement first stage); no printed figure: the second implementation."""
    d = _api("apiclus1")
    level, side = d["stype"].map(STYPE).to_numpy(), d["awards"].map(YES_NO).to_numpy()
    ref = _reference(
        level, side, d["pw"].to_numpy(), np.zeros(len(d)), d["dnum"].to_numpy(), {0: 0.0}
    )
    _assert_same(rao_scott_test(level, side, d["pw"], cluster=d["dnum"]), ref)


def test_simple_random_sample_with_fpc_matches_second_implementation() -> None:
    """dsrs <- svydesign(id = ~1, fpc = ~fpc, data = apisrs) (api help page); no printed
    svychisq figure: checked against the second implementation."""
    d = _api("apisrs")
    level, side = d["stype"].map(STYPE).to_numpy(), d["awards"].map(YES_NO).to_numpy()
    fraction = {0: 200 / 6194}
    ref = _reference(level, side, d["pw"].to_numpy(), np.zeros(len(d)), np.arange(len(d)), fraction)
    _assert_same(rao_scott_test(level, side, d["pw"], fpc=d["fpc"]), ref)


def test_domains_keep_the_whole_cluster_design() -> None:
    """Schools without an answer (acs.k3 missing: no class-size level) and schools of
    one district outside the sides stay in dclus1 with zero contribution; strata, PSUs
    and the degrees of freedom come from the whole file (checked against the second
    implementation, no printed figure)."""
    d = _api("apiclus1")
    level = np.where(
        d["acs.k3"].isna(), -1, np.searchsorted([19, 20], d["acs.k3"].fillna(0), side="right")
    )
    side = np.where(d["dnum"] == d["dnum"].iloc[0], -1, d["sch.wide"].map(YES_NO))
    fraction = {0: 15 / 757}
    ref = _reference(
        level, side, d["pw"].to_numpy(), np.zeros(len(d)), d["dnum"].to_numpy(), fraction
    )
    result = rao_scott_test(level, side, d["pw"], cluster=d["dnum"], fpc=d["fpc"])
    _assert_same(result, ref)
    assert result is not None and result.design_df == 14


def test_psu_totals_seam_equals_respondent_arrays() -> None:
    """The count table's per-PSU cell totals give the same test as the respondent arrays,
    and an unclustered design equals one where every respondent is its own cluster."""
    d = _api("apistrat")
    level, side = _quartile(d["api00"]), d["awards"].map(YES_NO).to_numpy()
    by_rows = rao_scott_test(level, side, d["pw"], strata=d["stype"])
    as_clusters = rao_scott_test(level, side, d["pw"], strata=d["stype"], cluster=np.arange(len(d)))
    assert by_rows is not None and as_clusters is not None
    assert by_rows.statistic == pytest.approx(as_clusters.statistic, rel=1e-12)
    assert by_rows.ndf == pytest.approx(as_clusters.ndf, rel=1e-12)
    codes = d["stype"].map(STYPE).to_numpy()
    totals = np.zeros((len(d), 8))
    totals[np.arange(len(d)), level + 4 * side] = d["pw"]
    seam = rao_scott(moments_from_psu_totals(totals, codes, np.zeros(3), n_rows=len(d), n_levels=4))
    assert seam is not None and seam.statistic == pytest.approx(by_rows.statistic, rel=1e-12)


@st.composite
def _designs(draw: st.DrawFn) -> dict[str, np.ndarray]:
    """A stratified cluster sample: 1-3 strata of 2-5 PSUs, 1-6 respondents each, some
    without an answer or outside the sides, unequal weights."""
    k = draw(st.integers(2, 4))
    rows: list[tuple[int, int, int, int, float]] = []
    for h in range(draw(st.integers(1, 3))):
        for c in range(draw(st.integers(2, 5))):
            for _ in range(draw(st.integers(1, 6))):
                level = draw(st.integers(-1, k - 1))
                side = draw(st.sampled_from([-1, 0, 1, 1, 0]))
                rows.append((h, c, level, side, draw(st.floats(0.2, 20.0))))
    h_, c_, level_, side_, w_ = (np.array(col) for col in zip(*rows, strict=True))
    return {"strata": h_, "cluster": c_, "level": level_, "side": side_, "weights": w_}


@settings(max_examples=80, deadline=None)
@given(_designs())
def test_generated_designs_match_second_implementation(design: dict[str, np.ndarray]) -> None:
    """Random stratified cluster designs with domains, against the second implementation
    (no printed figure exists for generated data)."""
    level, side, w = design["level"], design["side"], design["weights"]
    result = rao_scott_test(level, side, w, strata=design["strata"], cluster=design["cluster"])
    domain = (level >= 0) & (side >= 0)
    answered = np.unique(level[domain])
    if answered.shape[0] < 2 or np.unique(side[domain]).shape[0] < 2:
        assert result is None
        return
    cluster_ids = design["strata"] * 10 + design["cluster"]
    strata = design["strata"]
    ref = _reference(level, side, w, strata, cluster_ids, dict.fromkeys(range(3), 0.0))
    if result is None:  # no design variance: the reference's design effects are ~0 too
        assert np.isnan(ref[0])
        return
    _assert_same(result, ref)


# --- no design: the ordinary Pearson test, rescaled as R does ------------------------


@st.composite
def _samples(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    k = draw(st.integers(2, 5))
    n = draw(st.integers(8, 120))
    level = np.array(draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n)))
    side = np.array(draw(st.lists(st.integers(0, 1), min_size=n, max_size=n)))
    if draw(st.booleans()):  # every cell answered at least once
        level = np.concatenate([np.tile(np.arange(k), 2), level])
        side = np.concatenate([np.repeat([0, 1], k), side])
    return level, side


@settings(max_examples=150, deadline=None)
@given(_samples(), st.floats(0.01, 1000))
def test_equal_weights_no_design_is_pearson_rescaled(
    sample: tuple[np.ndarray, np.ndarray], weight: float
) -> None:
    """Equal weights, no strata, no clusters, no fpc: V = (diag p - p pᵀ)/(n - 1), so every
    generalised design effect is n/(n - 1): X² is the ordinary Pearson statistic
    (scipy.stats.chi2_contingency, correction=False), F = X² (n - 1)/(n d) on exactly
    d = k' - 1 and d (n - 1) degrees of freedom, and the first-order test is chi-square
    on X² (n - 1)/n, whatever the common weight. This holds when every cell has an
    answer (an empty cell gets 0 in R's D⁻¹); X² is Pearson's in every case."""
    level, side = sample
    n = level.shape[0]
    table = np.array(
        [[np.sum((level == lv) & (side == s)) for lv in np.unique(level)] for s in (0, 1)]
    )
    result = rao_scott_test(level, side, np.full(n, weight))
    if table.shape[1] < 2 or np.any(table.sum(axis=1) == 0):
        assert result is None
        return
    if result is None:  # no variance left (tr Δ = 0) can only come from empty cells
        assert np.any(table == 0)
        return
    d = table.shape[1] - 1
    x2 = float(stats.chi2_contingency(table, correction=False)[0])
    assert result.pearson == pytest.approx(x2, rel=1e-9, abs=1e-12)
    assert 0.0 <= result.p_value <= 1.0
    if np.any(table == 0):  # R's D^-1 is 0 for an empty cell: the identity needs all cells
        return
    assert result.ndf == pytest.approx(d, rel=1e-9)
    assert result.ddf == pytest.approx(d * (n - 1), rel=1e-9)
    assert result.statistic == pytest.approx(x2 * (n - 1) / (n * d), rel=1e-9, abs=1e-12)
    assert result.design_effects == pytest.approx([n / (n - 1)] * d, rel=1e-9)
    ref_p = float(stats.f.sf(x2 * (n - 1) / (n * d), d, d * (n - 1)))
    assert result.p_value == pytest.approx(ref_p, rel=1e-8, abs=1e-14)
    assert result.chisq_p_value == pytest.approx(
        float(stats.chi2.sf(x2 * (n - 1) / n, d)), rel=1e-8, abs=1e-14
    )


@settings(max_examples=60, deadline=None)
@given(_samples(), st.floats(0.001, 1e6))
def test_scaling_all_weights_changes_nothing(
    sample: tuple[np.ndarray, np.ndarray], c: float
) -> None:
    level, side = sample
    rng = np.random.default_rng(len(level))
    w = rng.uniform(0.2, 5.0, len(level))
    clusters = rng.integers(0, 6, len(level))
    a = rao_scott_test(level, side, w, cluster=clusters)
    b = rao_scott_test(level, side, w * c, cluster=clusters)
    if a is None:
        assert b is None
        return
    assert b is not None
    assert (b.statistic, b.ndf, b.ddf, b.pearson) == pytest.approx(
        (a.statistic, a.ndf, a.ddf, a.pearson), rel=1e-8
    )
    assert 0.0 <= b.p_value <= 1.0


# --- edges ---------------------------------------------------------------------------


def test_levels_nobody_chose_are_left_out() -> None:
    """Level 1 has no answer in the domain (only a respondent outside it): the test is that
    of the table without it; R would keep the empty row and print NaN."""
    level = np.array([0, 0, 2, 2, 0, 2, 2, 0, 1, 3, 3, 0])
    side = np.array([0, 0, 0, 1, 1, 1, 1, 0, -1, 1, 0, 1])
    result = rao_scott_test(level, side, np.ones(12), n_levels=4)
    compact = rao_scott_test(np.array([0, 0, 1, 1, 0, 1, 1, 0, -1, 2, 2, 0]), side, np.ones(12))
    assert result is not None and compact is not None
    assert result.levels == (0, 2, 3)
    assert result.statistic == pytest.approx(compact.statistic, rel=1e-12)


def test_no_test_when_one_level_or_one_side() -> None:
    assert rao_scott_test([0, 0, 0, 0], [0, 1, 0, 1], [1, 2, 1, 2], n_levels=3) is None
    assert rao_scott_test([0, 1, 2, 1], [0, 0, 0, -1], [1, 2, 1, 2]) is None
    assert rao_scott_test([-1, -1, -1], [0, 1, 1], [1, 1, 1]) is None
    # two districts, all the answers in one: no variance between PSUs (R: NaN)
    assert rao_scott_test([0, 1, 1, 0], [0, 1, 0, -1], [1, 2, 1, 1], cluster=[7, 7, 7, 8]) is None


def test_no_test_without_design_variance() -> None:
    """Vendors all answer level 0 and customers all level 1, half and half: with R's
    D⁻¹ (0 for the empty cells) the interaction has no estimated variance, tr Δ = 0,
    and R's svychisq prints F = Inf with NaN degrees of freedom; here: no test."""
    assert rao_scott_test([0, 0, 0, 1, 1, 1], [0, 0, 0, 1, 1, 1], np.ones(6)) is None
    lopsided = rao_scott_test([0, 0, 0, 0, 1, 1], [0, 0, 0, 0, 1, 1], np.ones(6))
    assert lopsided is not None and lopsided.p_value < 0.05


def test_bad_design_input_is_refused() -> None:
    with pytest.raises(ValueError, match="single PSU"):
        rao_scott_test([0, 1, 0, 1], [0, 0, 1, 1], [1, 1, 1, 1], strata=[0, 0, 0, 1])
    with pytest.raises(ValueError, match="positive"):
        rao_scott_test([0, 1, 0, 1], [0, 0, 1, 1], [1, 0, 1, 1])
    with pytest.raises(ValueError, match="same for every respondent"):
        rao_scott_test([0, 1, 0, 1], [0, 0, 1, 1], [1, 1, 1, 1], fpc=[10, 10, 20, 10])
    with pytest.raises(ValueError, match="smaller than its sample"):
        rao_scott_test([0, 1, 0, 1], [0, 0, 1, 1], [1, 1, 1, 1], fpc=[3, 3, 3, 3])
    with pytest.raises(ValueError, match="level must lie"):
        rao_scott_test([0, 5, 0, 1], [0, 0, 1, 1], [1, 1, 1, 1], n_levels=2)
    # a missing weight is allowed for a respondent outside the table
    assert design_moments([0, 1, -1, 1, 0], [0, 0, 1, 1, 1], [1, 1, np.nan, 1, 2]).n_rows == 5
