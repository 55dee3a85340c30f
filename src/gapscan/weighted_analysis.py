"""Independent-samples results of a weighted or design-based run, from the design cells.

Each side (within a segment) is a domain of the whole design (``gapscan.stats.design``):
the top-box share, the mean score and the NPS are domain means of a 0/1 indicator, of
the levels' scores and of +1/0/-1 (promoter, passive, detractor); their SEs are
Taylor-linearised from per-PSU sums of the cells; each gap is tested as
``svyttest(y ~ side, design)``: t on the design's degrees of freedom minus one, with
its t interval; the whole answer distribution by the Rao–Scott test
(``gapscan.weighted_distribution``). The unweighted ``n`` stays the basis of ``min_n``
suppression.
"""

from __future__ import annotations

import math
from dataclasses import replace
from functools import cached_property

import numpy as np

from gapscan.counts import DesignCells
from gapscan.design_data import DesignData
from gapscan.report import DesignGap, DesignSide, GapResult, LevelCount, NpsSide, SideSummary
from gapscan.stats import cohens_h
from gapscan.stats._t import t_critical_value
from gapscan.stats.calibration import Calibration, CellSums
from gapscan.stats.design import (
    Design,
    DomainDifference,
    DomainEstimate,
    DomainSums,
    Grouped,
    domain_difference,
    domain_mean,
)
from gapscan.survey import CUSTOMER, VENDOR, AnalysisSettings, Question
from gapscan.weighted_distribution import distribution_test

DEFF_NOTE_ABOVE = 2.0
TEST = "design-t"
SMD = "weighted_smd"


class _Domain:
    """One side's cells in one view: per-PSU sums of any function of the level."""

    def __init__(
        self,
        cells: DesignCells,
        segment: int,
        side: int,
        design: Design,
        calibration: Calibration | None = None,
    ) -> None:
        rows = cells.rows(segment, side)
        self.grouped = cells.grouped  # respondents as PSUs, by stratum and level
        self.stratum = cells.stratum[rows]
        self.w2_cells = cells.weight_sq_sum[rows]
        self.calibration = calibration
        self.post_stratum = None if cells.post_stratum is None else cells.post_stratum[rows]
        self.ratio = None if cells.ratio_sum is None else cells.ratio_sum[rows]
        self.w_psw = None if cells.weight_psw_sum is None else cells.weight_psw_sum[rows]
        self.psu = cells.psu[rows]
        self.level = cells.level[rows]
        self.w = cells.weight_sum[rows]
        self.count = cells.n[rows]
        self.n = int(self.count.sum())
        self.w2 = float(self.w2_cells.sum())
        self.psus = design.psus

    def sums(self, y_of_level: np.ndarray) -> DomainSums:
        y = y_of_level[self.level]
        per_cell = None if self.calibration is None else self._per_cell(y, self.calibration)
        if self.grouped:
            wy = self.w * y
            groups = Grouped(self.stratum, self.w2_cells, y, self.post_stratum, self.w_psw)
            return DomainSums(
                self.w, wy, self.n, self.w2, float((wy * y).sum()), cells=per_cell, groups=groups
            )
        return self._dense(y, per_cell)

    def _per_cell(self, y: np.ndarray, calibration: Calibration) -> CellSums:
        """The domain's sums per weighting cell, whose residuals the variance takes
        (``gapscan.stats.calibration``)."""
        assert self.post_stratum is not None and self.ratio is not None
        mine = self.post_stratum >= 0
        cell, w, r, yy = self.post_stratum[mine], self.w[mine], self.ratio[mine], y[mine]
        size = calibration.cells
        return CellSums(
            calibration,
            weighted_y=np.bincount(cell, weights=w * yy, minlength=size),
            weight=np.bincount(cell, weights=w, minlength=size),
            ratio_y=np.bincount(cell, weights=r * yy, minlength=size),
            ratio=np.bincount(cell, weights=r, minlength=size),
        )

    def _dense(self, y: np.ndarray, cells: CellSums | None = None) -> DomainSums:
        """Sums over every PSU of the design."""
        return DomainSums(
            weight=self._psu_weight,
            weighted_y=np.bincount(self.psu, weights=self.w * y, minlength=self.psus),
            n=self.n,
            weight_sq_sum=self.w2,
            weighted_y_sq=float((self.w * y * y).sum()),
            cells=cells,
        )

    @cached_property
    def _psu_weight(self) -> np.ndarray:
        """Σ w per PSU, the same whatever the y."""
        weight: np.ndarray = np.bincount(self.psu, weights=self.w, minlength=self.psus)
        return weight

    def shares(self, k: int) -> np.ndarray:
        by_level = np.bincount(self.level, weights=self.w, minlength=k)
        return np.asarray(by_level / by_level.sum(), dtype=np.float64)


def weighted_result(
    result: GapResult,
    q: Question,
    cells: DesignCells,
    segment: int,
    data: DesignData,
    settings: AnalysisSettings,
) -> GapResult:
    """``result`` (suppressed or not, with its unweighted n) computed on the design."""
    if result.suppressed:
        return result
    design = data.design
    finite = data.psu_fpc is not None  # deff as svymean(deff = TRUE) from a finite population
    domains = [
        _Domain(cells, segment, side, design, data.calibration) for side in (VENDOR, CUSTOMER)
    ]
    scores = np.asarray(q.scale.scores, dtype=np.float64)
    score_sums = [d.sums(scores) for d in domains]
    means = [domain_mean(design, d, srs_without_replacement=finite) for d in score_sums]
    mean_gap = _difference(design, domains, scores, settings.confidence)
    result = replace(
        result,
        mean_gap=mean_gap.estimate,
        mean_test=TEST,
        mean_statistic=mean_gap.statistic,
        mean_p_value=mean_gap.p_value,
        mean_df=mean_gap.df,
        mean_gap_ci_low=mean_gap.ci_low,
        mean_gap_ci_high=mean_gap.ci_high,
        mean_effect_size=standardized_difference(*score_sums),
        mean_effect_size_name=SMD,
        rank_statistic=None,
        rank_p_value=None,
        design=DesignGap(
            None,
            None,
            mean_gap.se,
            None if result.is_numeric else distribution_test(cells, segment, q.scale.k, data),
        ),
    )
    tops: list[DomainEstimate | None] = [None, None]
    if q.scale.has_top_box:
        top = np.isin(np.arange(q.scale.k), sorted(q.scale.top_box)).astype(np.float64)
        tops = [domain_mean(design, d.sums(top), srs_without_replacement=finite) for d in domains]
        gap = _difference(design, domains, top, settings.confidence)
        vendor, customer = tops
        assert vendor is not None and customer is not None
        result = _with_top_box(result, gap, vendor, customer)
    sides = [
        _side(getattr(result, name), mean, tb, domain, q, design.degf, settings.confidence)
        for name, mean, tb, domain in zip(("vendor", "customer"), means, tops, domains, strict=True)
    ]
    result = replace(result, vendor=sides[0], customer=sides[1])
    return _with_nps(result, q, design, domains, settings.confidence)


def _difference(
    design: Design, domains: list[_Domain], y: np.ndarray, confidence: float
) -> DomainDifference:
    return domain_difference(design, domains[0].sums(y), domains[1].sums(y), confidence=confidence)


def standardized_difference(a: DomainSums, b: DomainSums) -> float | None:
    """The weighted standardized mean difference: the difference of the weighted means
    over the pooled weighted SD, each side's variance Σw(y - ȳ)²/Σw x n/(n - 1) (R's
    ``svyvar``), pooled on n - 1 as Cohen's d is. Descriptive: no design-based interval.
    None when a side has fewer than two answers or there is no spread."""
    if a.n < 2 or b.n < 2:
        return None
    means, variances = [], []
    for sums in (a, b):
        mean = float(sums.weighted_y.sum()) / sums.weight_sum
        spread = max(sums.weighted_y_sq / sums.weight_sum - mean * mean, 0.0)
        means.append(mean)
        variances.append(spread * sums.n / (sums.n - 1))
    pooled = ((a.n - 1) * variances[0] + (b.n - 1) * variances[1]) / (a.n + b.n - 2)
    if not pooled > 0:
        return None
    return (means[0] - means[1]) / math.sqrt(pooled)


def _share(estimate: float) -> float:
    """A weighted share within [0, 1] (rounding may leave it a hair outside)."""
    return min(max(estimate, 0.0), 1.0)


def _with_top_box(
    result: GapResult, gap: DomainDifference, vendor: DomainEstimate, customer: DomainEstimate
) -> GapResult:
    """The top-box gap's design-based test, and Cohen's h of the weighted shares."""
    assert result.design is not None
    return replace(
        result,
        gap=gap.estimate,
        ci_low=gap.ci_low,
        ci_high=gap.ci_high,
        test=TEST,
        statistic=gap.statistic,
        p_value=gap.p_value,
        effect_size=cohens_h(_share(vendor.estimate), _share(customer.estimate)),
        effect_size_name="cohens_h",
        design=replace(result.design, gap_se=gap.se, df=gap.df),
    )


def _side(
    side: SideSummary,
    mean: DomainEstimate,
    top: DomainEstimate | None,
    domain: _Domain,
    q: Question,
    degf: int,
    confidence: float,
) -> SideSummary:
    """A side's weighted share (its t interval on the design's df, within [0, 1]),
    mean, distribution of weighted shares beside the unweighted counts, and design."""
    low = high = None
    if top is not None:
        half = t_critical_value(confidence, degf) * top.se if degf > 0 else math.nan
        low, high = max(0.0, top.estimate - half), min(1.0, top.estimate + half)
    shares = domain.shares(q.scale.k)
    counts = np.bincount(domain.level, weights=domain.count, minlength=q.scale.k)
    distribution = tuple(
        LevelCount(level=level, score=float(score), n=int(n), share=float(share))
        for level, score, n, share in zip(
            q.scale.levels, q.scale.scores, counts, shares, strict=True
        )
    )
    return replace(
        side,
        top_box=None if top is None else top.estimate,
        top_box_ci_low=low,
        top_box_ci_high=high,
        mean=mean.estimate,
        distribution=distribution,
        design=DesignSide(
            n_eff=mean.n_eff,
            weight_sum=mean.weight_sum,
            top_box_se=None if top is None else top.se,
            mean_se=mean.se,
            deff=None if top is None else top.deff,
            mean_deff=mean.deff,
        ),
    )


def _with_nps(
    result: GapResult, q: Question, design: Design, domains: list[_Domain], confidence: float
) -> GapResult:
    """NPS as the domain mean of +1 (promoter), 0 (passive), -1 (detractor)."""
    if q.nps is None or result.nps is None:
        return result
    pro, _, det = q.nps.groups(q.scale.scores)
    y = np.zeros(q.scale.k)
    y[pro], y[det] = 1.0, -1.0
    gap = _difference(design, domains, y, confidence)
    sides = []
    for side, domain in zip((result.vendor, result.customer), domains, strict=True):
        est = domain_mean(design, domain.sums(y))
        half = t_critical_value(confidence, design.degf) * est.se
        shares = domain.shares(q.scale.k)
        p, d = float(shares[pro].sum()), float(shares[det].sum())
        nps = NpsSide(est.estimate, est.estimate - half, est.estimate + half, p, 1 - p - d, d)
        sides.append(replace(side, nps=nps))
    nps_gap = replace(
        result.nps,
        gap=gap.estimate,
        ci_low=gap.ci_low,
        ci_high=gap.ci_high,
        statistic=gap.statistic,
        p_value=gap.p_value,
    )
    assert result.design is not None
    design_gap = replace(result.design, nps_gap_se=gap.se)
    return replace(result, vendor=sides[0], customer=sides[1], nps=nps_gap, design=design_gap)


def deff_notes(results: list[GapResult]) -> tuple[str, ...]:
    """A note when a design effect exceeds 2: the design then halves (or worse) the
    information of as many independent respondents."""
    worst = 0.0
    for r in results:
        for side in (r.vendor, r.customer):
            if side.design is None:
                continue
            for deff in (side.design.deff, side.design.mean_deff):
                if deff is not None and math.isfinite(deff):
                    worst = max(worst, deff)
    if worst <= DEFF_NOTE_ABOVE:
        return ()
    return (
        f"a design effect exceeds {DEFF_NOTE_ABOVE:g} (largest {worst:.2f}): the "
        "clustering or the weights leave far fewer effective respondents than n; "
        "see n_eff and deff",
    )
