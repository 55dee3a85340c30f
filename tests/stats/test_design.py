"""The design engine held to R's survey package on its own api data.

Printed figures are checked to half a unit in the last printed place; each names the R
call and the documentation page that prints it. The two-domain t-test has no printed
figure on a one-stage api design (svyttest's help page prints only the two-stage
``dclus2`` example, whose data are not here), so it is held to 1e-9 to a second,
independent formulation written below: the weighted regression y ~ 1 + side with its
sandwich variance from per-PSU score totals, which is how ``svyglm`` (and so
``svyttest``) computes it.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
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

API = Path("/work/shared/external/r-survey-api")


def to_decimals(got: float, published: float, decimals: int) -> None:
    assert abs(got - published) <= 0.5 * 10.0**-decimals + 1e-12, (got, published)


def frame(
    data: pd.DataFrame, *, cluster: str | None, strata: str | None, fpc: str | None
) -> tuple[Design, np.ndarray]:
    """The Design of a data frame and each row's PSU index."""
    n = len(data)
    psu = np.arange(n) if cluster is None else pd.factorize(data[cluster])[0]
    count = int(psu.max()) + 1
    stratum = np.zeros(n, dtype=np.int64) if strata is None else pd.factorize(data[strata])[0]
    per_psu = np.zeros(count, dtype=np.int64)
    per_psu[psu] = stratum
    population = None
    if fpc is not None:
        population = np.zeros(count)
        population[psu] = data[fpc].to_numpy(dtype=np.float64)
    return Design(per_psu, population), psu


def sums(
    design: Design, psu: np.ndarray, w: np.ndarray, y: np.ndarray, inside: np.ndarray
) -> DomainSums:
    wd = w * inside
    return DomainSums(
        weight=np.bincount(psu, wd, design.psus),
        weighted_y=np.bincount(psu, wd * y, design.psus),
        n=int(inside.sum()),
        weight_sq_sum=float((wd**2).sum()),
        weighted_y_sq=float((wd * y * y).sum()),
    )


def api(name: str) -> pd.DataFrame:
    return pd.read_csv(API / f"{name}.csv", index_col=0)


DESIGNS = {
    # dclus1 <- svydesign(id = ~dnum, weights = ~pw, data = apiclus1, fpc = ~fpc)
    "dclus1": ("apiclus1", {"cluster": "dnum", "strata": None, "fpc": "fpc"}),
    # dstrat <- svydesign(id = ~1, strata = ~stype, weights = ~pw, data = apistrat, fpc = ~fpc)
    "dstrat": ("apistrat", {"cluster": None, "strata": "stype", "fpc": "fpc"}),
    # dsrs <- svydesign(id = ~1, fpc = ~fpc, data = apisrs)   (weights N/n = pw)
    "dsrs": ("apisrs", {"cluster": None, "strata": None, "fpc": "fpc"}),
}


def whole(name: str, column: str) -> tuple[Design, DomainSums]:
    file, options = DESIGNS[name]
    data = api(file)
    design, psu = frame(data, **options)
    y = data[column].to_numpy(dtype=np.float64)
    w = data["pw"].to_numpy(dtype=np.float64)
    return design, sums(design, psu, w, y, np.ones(len(data), dtype=bool))


def test_cluster_mean_and_deff() -> None:
    # R survey, vignette "A survey analysis example" and ?svymean:
    # svymean(~api00, dclus1, deff = TRUE) prints 644.169, SE 23.542, DEff 9.3459
    design, s = whole("dclus1", "api00")
    got = domain_mean(design, s)
    to_decimals(got.estimate, 644.169, 3)
    to_decimals(got.se, 23.542, 3)
    to_decimals(got.deff, 9.3459, 4)
    assert design.degf == 14  # 15 districts, one stratum: degf(dclus1) = 14


def test_cluster_share_of_a_level() -> None:
    # R survey, ?svymean: svymean(~api00 + api99 + stype, dclus1): stypeE 0.786885, SE 0.0463
    data = api("apiclus1")
    data["E"] = (data["stype"] == "E").astype(float)
    design, psu = frame(data, cluster="dnum", strata=None, fpc="fpc")
    share = sums(design, psu, data["pw"].to_numpy(), data["E"].to_numpy(), np.ones(183, bool))
    got = domain_mean(design, share)
    to_decimals(got.estimate, 0.786885, 6)
    to_decimals(got.se, 0.0463, 4)


def test_stratified_mean() -> None:
    # R survey, ?api examples: svymean(~api00, dstrat) prints 662.29, SE 9.4089
    design, s = whole("dstrat", "api00")
    got = domain_mean(design, s)
    to_decimals(got.estimate, 662.29, 2)
    to_decimals(got.se, 9.4089, 4)
    assert design.degf == 197  # 200 schools minus 3 strata


def test_simple_random_mean() -> None:
    # R survey, ?svydesign / srvyr vignette "srvyr vs survey":
    # svymean(~api00, svydesign(id = ~1, fpc = ~fpc, data = apisrs)) prints 656.58, SE 9.2497
    design, s = whole("dsrs", "api00")
    got = domain_mean(design, s)
    to_decimals(got.estimate, 656.58, 2)
    to_decimals(got.se, 9.2497, 4)


def test_domain_keeps_the_whole_design() -> None:
    # R survey, vignette "Estimates in subpopulations" (domain.Rnw), on data(fpc), typed in:
    # dfpc <- svydesign(id=~psuid, strat=~stratid, weight=~weight, data=fpc, nest=TRUE)
    # svymean(~x, subset(dfpc, x > 4)) prints 6.195, SE 0.7555;
    # svyby(~x, ~I(x > 4), dfpc, svymean) prints FALSE 3.314286 (se 0.3117042)
    x = np.array([2.8, 4.1, 6.8, 6.8, 9.2, 3.7, 6.6, 4.2])
    w = np.array([3.0, 3.0, 3.0, 3.0, 3.0, 4.0, 4.0, 4.0])
    design = Design(np.array([1, 1, 1, 1, 1, 2, 2, 2]))
    psu = np.arange(8)
    above = domain_mean(design, sums(design, psu, w, x, x > 4))
    to_decimals(above.estimate, 6.195, 3)
    to_decimals(above.se, 0.7555, 4)
    below = domain_mean(design, sums(design, psu, w, x, x <= 4))
    to_decimals(below.estimate, 3.314286, 6)
    to_decimals(below.se, 0.3117042, 7)
    # A subset that dropped the other PSUs would lose stratum 2's between-PSU spread:
    alone = Design(np.array([1, 1, 1, 1, 2, 2]))
    keep = x > 4
    dropped = domain_mean(alone, sums(alone, np.arange(6), w[keep], x[keep], np.ones(6, bool)))
    assert abs(dropped.se - above.se) > 1e-3


def sandwich_gap(
    design: Design, psu: np.ndarray, w: np.ndarray, y: np.ndarray, group: np.ndarray
) -> tuple[float, float]:
    """The second implementation: weighted least squares y ~ 1 + group, variance
    B (Σ_h (1 - f_h) n_h/(n_h - 1) Σ (U_k - Ū_h)(U_k - Ū_h)') B with U_k the PSU totals
    of the scores w x (y - x'beta) and B = (X'WX)^-1."""
    x = np.column_stack([np.ones_like(y), group.astype(float)])
    bread = np.linalg.inv(x.T @ (x * w[:, None]))
    beta = bread @ (x.T @ (w * y))
    scores = x * (w * (y - x @ beta))[:, None]
    totals = np.zeros((design.psus, 2))
    np.add.at(totals, psu, scores)
    meat = np.zeros((2, 2))
    for h in np.unique(design.strata):
        rows = totals[design.strata == h]
        k = rows.shape[0]
        f = 0.0
        if design.fpc is not None:
            fpc = float(design.fpc[design.strata == h][0])
            f = k / fpc if fpc > 1 else fpc
        centred = rows - rows.mean(axis=0)
        meat += (1 - f) * k / (k - 1) * centred.T @ centred
    cov = bread @ meat @ bread
    return float(beta[1]), math.sqrt(cov[1, 1])


@pytest.mark.parametrize("name", sorted(DESIGNS))
@pytest.mark.parametrize(("column", "side"), [("api00", "comp.imp"), ("enroll", "awards")])
def test_difference_is_the_regression_coefficient(name: str, column: str, side: str) -> None:
    file, options = DESIGNS[name]
    data = api(file)
    design, psu = frame(data, **options)
    y = data[column].to_numpy(dtype=np.float64)
    w = data["pw"].to_numpy(dtype=np.float64)
    yes = (data[side] == "Yes").to_numpy()
    got = domain_difference(design, sums(design, psu, w, y, yes), sums(design, psu, w, y, ~yes))
    gap, se = sandwich_gap(design, psu, w, y, yes)
    assert got.estimate == pytest.approx(gap, rel=1e-9)
    assert got.se == pytest.approx(se, rel=1e-9)
    # svyttest: df = degf(design) - 1 (svyglm's residual df with two coefficients)
    assert got.df == design.degf - 1
    assert got.statistic == pytest.approx(gap / se, rel=1e-9)
    scipy_t = pytest.importorskip("scipy.stats").t
    assert got.p_value == pytest.approx(2 * scipy_t.sf(abs(gap / se), got.df), rel=1e-7)
    half = scipy_t.ppf(0.975, got.df) * se
    assert got.ci_low == pytest.approx(gap - half, rel=1e-7)
    assert got.ci_high == pytest.approx(gap + half, rel=1e-7)


def test_lonely_psu_and_bad_fpc_are_refused() -> None:
    with pytest.raises(ValueError, match="single PSU"):
        design_variance(Design(np.array([0, 0, 1])), np.zeros(3))
    with pytest.raises(ValueError, match="fpc"):
        design_variance(Design(np.array([0, 0, 0]), np.array([2.0, 2.0, 2.0])), np.zeros(3))


answers = st.lists(st.integers(0, 1), min_size=3, max_size=60).filter(lambda a: sum(a) > 0)
positive = st.floats(0.1, 10.0, allow_nan=False)


def srs(w: np.ndarray, y: np.ndarray) -> tuple[Design, DomainSums]:
    design = Design(np.zeros(len(y), dtype=np.int64))
    return design, sums(design, np.arange(len(y)), w, y, np.ones(len(y), dtype=bool))


@settings(max_examples=60, deadline=None)
@given(answers, positive)
def test_equal_weights_give_the_binomial_share(answer: list[int], weight: float) -> None:
    y = np.array(answer, dtype=np.float64)
    n = len(y)
    got = domain_mean(*srs(np.full(n, weight), y), srs_without_replacement=False)
    p = y.mean()
    assert got.estimate == pytest.approx(p, rel=1e-12, abs=1e-15)
    assert got.se == pytest.approx(math.sqrt(p * (1 - p) / n * n / (n - 1)), abs=1e-12)
    assert got.n_eff == pytest.approx(n, rel=1e-12)


@settings(max_examples=60, deadline=None)
@given(st.data(), answers, st.floats(0.01, 1000.0))
def test_scaling_weights_changes_nothing(data: st.DataObject, answer: list[int], c: float) -> None:
    y = np.array(answer, dtype=np.float64)
    w = np.array(data.draw(st.lists(positive, min_size=len(y), max_size=len(y))))
    one = domain_mean(*srs(w, y), srs_without_replacement=False)
    scaled = domain_mean(*srs(w * c, y), srs_without_replacement=False)
    assert scaled.estimate == pytest.approx(one.estimate, rel=1e-9, abs=1e-12)
    assert scaled.se == pytest.approx(one.se, rel=1e-9, abs=1e-12)
    assert scaled.n_eff == pytest.approx(one.n_eff, rel=1e-9)
    if not math.isnan(one.deff):
        assert scaled.deff == pytest.approx(one.deff, rel=1e-7)
    assert one.n_eff <= one.n * (1 + 1e-12)


@pytest.mark.parametrize("ulps", [-3, 0, 1, 3, 1000])
def test_no_design_effect_over_a_population_the_size_of_the_sample(ulps: int) -> None:
    # weights of mean 1 (as weighting: makes them) sum to n, to rounding: the SRS
    # comparator without replacement, s²/n (1 - n / Σw), is 0 and a deff over it a
    # quotient of rounding errors (it was reported as about 1e16)
    y = np.array([0.0, 1.0, 1.0, 0.0, 1.0, 1.0, 1.0, 0.0])
    w = np.full(y.size, 1.0)
    w[0] = np.nextafter(1.0, 2.0 if ulps > 0 else 0.0) if ulps else 1.0
    for _ in range(abs(ulps) - 1):
        w[0] = np.nextafter(w[0], 2.0 if ulps > 0 else 0.0)
    got = domain_mean(*srs(w, y), srs_without_replacement=True)
    assert math.isnan(got.deff)
    with_replacement = domain_mean(*srs(w, y), srs_without_replacement=False)
    assert got.se > 0 and not math.isnan(with_replacement.deff)
    # a population larger than the sample by more than rounding keeps its deff
    wide = domain_mean(*srs(w * 1.01, y), srs_without_replacement=True)
    assert wide.deff > 0


@pytest.mark.parametrize("value", [0.1, 0.45, 1.0, 3.7])
def test_a_gap_of_rounding_between_constant_answers_is_no_gap(value: float) -> None:
    # every answer the same on both sides (or a share the weighting fixed): the means
    # differ, and spread, by rounding alone; the gap is 0, not a t of rounding over
    # rounding (which could come out "significant")
    rng = np.random.default_rng(int(value * 10))
    n = 400
    design = Design(np.zeros(n, dtype=np.int64))
    w = rng.lognormal(0.0, 1.0, n)
    y = np.full(n, value)
    side = np.arange(n) % 2 == 0
    a, b = (sums(design, np.arange(n), w, y, part) for part in (side, ~side))
    got = domain_difference(design, a, b)
    assert abs(got.estimate) <= 1e-14 * value and got.se <= 1e-12 * value
    assert (got.statistic, got.p_value) == (0.0, 1.0)
    assert got.ci_low == got.ci_high == got.estimate


def test_a_certain_gap_without_spread_is_certain() -> None:
    # constant answers that differ between the sides: no spread, a real gap
    n = 100
    design = Design(np.zeros(n, dtype=np.int64))
    side = np.arange(n) % 2 == 0
    y = np.where(side, 1.0, 0.0)
    a, b = (sums(design, np.arange(n), np.ones(n), y, part) for part in (side, ~side))
    got = domain_difference(design, a, b)
    assert (got.estimate, got.se, got.statistic, got.p_value) == (1.0, 0.0, math.inf, 0.0)
