"""Design-based (Taylor-linearised) estimates of domain means from per-PSU sums.

A survey design here is one stage of sampling: primary sampling units (PSUs: clusters,
or the respondents themselves when there is no cluster), optionally in strata, each
stratum optionally with a finite population correction. Everything an estimate needs
is a sum over the respondents of a PSU, so the functions take per-PSU sums (the count
table aggregated to PSUs), never respondents:

- ``weight[k]``: Σ w over the domain's respondents in PSU k (0 when it has none);
- ``weighted_y[k]``: Σ w y over the same respondents;
- and, for the whole domain, the respondents ``n``, Σ w² and Σ w y².

A domain (a side, or a side within a segment) is never a subset of the design: every
PSU of every stratum stays in the variance, with zero contribution where the domain has
no respondent, as ``svyby`` / ``subset()`` on an R design computes it.

The ratio estimate of a domain mean is ȳ = Σ w y / Σ w; its linearised influence per
PSU is z_k = (weighted_y[k] - ȳ weight[k]) / Σ w, and its variance

    V = Σ_h (1 - f_h) n_h / (n_h - 1) Σ_k∈h (z_k - z̄_h)²

with n_h the PSUs of stratum h and f_h its sampling fraction (n_h / N_h from a
population size N_h, or the fraction itself when the fpc is at most 1). The design's
degrees of freedom are PSUs minus strata (R's ``degf``). A difference of two domain
means has the influence z_a - z_b, so a PSU that holds respondents of both domains
contributes their covariance. References: R ``survey`` package, ``svymean``,
``svyby``, ``svyttest`` (Lumley 2010, *Complex Surveys*, ch. 2-3).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from gapscan.stats._t import t_critical_value, t_two_sided_p
from gapscan.stats.calibration import CellSums


@dataclass(frozen=True)
class Design:
    """The design's PSUs: the stratum code of each PSU and, optionally, the fpc of each
    PSU's stratum (a population size, in PSUs, when above 1; else a sampling fraction)."""

    strata: np.ndarray  # (P,) integer stratum code per PSU
    fpc: np.ndarray | None = None  # (P,) fpc per PSU, constant within a stratum

    @property
    def psus(self) -> int:
        return int(self.strata.shape[0])

    @property
    def degf(self) -> int:
        """PSUs minus strata, as R's ``degf(design)``."""
        return self.psus - int(self.layout.codes.shape[0])

    @cached_property
    def layout(self) -> Layout:
        """The strata sorted out once for every variance of the design."""
        codes, index, n_h = np.unique(self.strata, return_inverse=True, return_counts=True)
        return Layout(codes, index.reshape(-1).astype(np.int64), n_h)

    @cached_property
    def fraction(self) -> np.ndarray:
        """f_h per PSU (see :func:`_fraction_per_psu`); raises ValueError for an fpc
        that is neither a fraction nor a population of at least n_h."""
        layout = self.layout
        return _fraction_per_psu(self.fpc, layout.n_h[layout.index].astype(np.float64))

    @cached_property
    def stratum_factor(self) -> np.ndarray:
        """(1 - f_h) n_h / (n_h - 1) per stratum (H,)."""
        layout = self.layout
        factor = np.zeros(layout.codes.shape[0])
        factor[layout.index] = self.factor
        return factor

    @cached_property
    def factor(self) -> np.ndarray:
        """(1 - f_h) n_h / (n_h - 1) per PSU (infinite in a stratum of one PSU, which
        design_variance refuses)."""
        layout = self.layout
        with np.errstate(divide="ignore"):
            ratio = layout.n_h / (layout.n_h - 1.0)
        factor: np.ndarray = (1.0 - self.fraction) * ratio[layout.index]
        return factor


@dataclass(frozen=True)
class Layout:
    """A design's strata: their codes (H,), each PSU's stratum index (P,) and the PSUs
    per stratum (H,)."""

    codes: np.ndarray
    index: np.ndarray
    n_h: np.ndarray


@dataclass(frozen=True)
class DomainSums:
    """A domain's per-PSU sums of w and w y, and its whole-domain n, Σ w², Σ w y²."""

    weight: np.ndarray  # (P,), or one per PSU of ``psu``
    weighted_y: np.ndarray  # (P,), or one per PSU of ``psu``
    n: int
    weight_sq_sum: float
    weighted_y_sq: float
    # sparse sums: the distinct PSUs the sums are for, every other PSU's sums 0 (a design
    # without a cluster, whose PSUs are its respondents); None: one sum per PSU
    psu: np.ndarray | None = None
    # made weights (``weighting:``): the domain's sums per weighting cell, whose
    # residuals (``gapscan.stats.calibration``) the influence takes; needs dense sums
    cells: CellSums | None = None

    @property
    def weight_sum(self) -> float:
        return float(self.weight.sum())


@dataclass(frozen=True)
class DomainEstimate:
    """A domain's weighted mean (a share when y is 0/1) with its design-based SE."""

    estimate: float
    se: float
    n: int  # respondents in the domain (unweighted)
    n_eff: float  # Kish: (Σ w)² / Σ w²
    weight_sum: float
    deff: float  # design variance over the SRS variance of the same n


@dataclass(frozen=True)
class DomainDifference:
    """mean(a) - mean(b) as ``svyttest(y ~ domain, design)``: t on degf - 1 df."""

    estimate: float
    se: float
    statistic: float  # t
    df: float
    p_value: float
    ci_low: float
    ci_high: float


def _fraction_per_psu(fpc: np.ndarray | None, n_h: np.ndarray) -> np.ndarray:
    """f_h per PSU: n_h / N_h for a population size, the fraction itself when <= 1
    (``n_h``: each PSU's stratum's PSUs)."""
    if fpc is None:
        return np.zeros(n_h.shape[0])
    fpc = np.asarray(fpc, dtype=np.float64)
    if np.any(fpc <= 0) or np.any((fpc > 1) & (fpc < n_h)):
        raise ValueError("an fpc must be a fraction in (0, 1] or a population of at least n_h")
    return np.where(fpc > 1.0, n_h / fpc, fpc)


def _sampling_fraction(design: Design) -> np.ndarray:
    """f_h per PSU: n_h / N_h for a population size, the fraction itself when <= 1."""
    return design.fraction


def stratum_fractions(design: Design) -> tuple[np.ndarray, np.ndarray]:
    """Each PSU's stratum index 0..H-1 (P,) and each stratum's sampling fraction (H,)."""
    layout = design.layout
    fraction = np.zeros(layout.codes.shape[0])
    fraction[layout.index] = _sampling_fraction(design)
    return layout.index, fraction


def design_variance(design: Design, influence: np.ndarray, psu: np.ndarray | None = None) -> float:
    """Σ_h (1 - f_h) n_h/(n_h - 1) Σ_k∈h (z_k - z̄_h)² for per-PSU influence values z
    (the strata sorted once per design: :attr:`Design.layout`). With ``psu`` (distinct
    PSU indices), z holds the influence of those PSUs only, every other PSU's is 0: the
    m_h listed PSUs of a stratum add Σ (z_k - z̄_h)² and its n_h - m_h others
    (n_h - m_h) z̄_h², without an array of all P PSUs."""
    z = np.asarray(influence, dtype=np.float64)
    if z.shape != ((design.psus,) if psu is None else psu.shape):
        raise ValueError("one influence value per PSU")
    layout = design.layout
    if np.any(layout.n_h < 2):
        lonely = layout.codes[layout.n_h < 2].tolist()
        raise ValueError(f"strata with a single PSU have no variance: {lonely}")
    if psu is None:
        centred = z - (np.bincount(layout.index, weights=z) / layout.n_h)[layout.index]
        return float((design.factor * centred**2).sum())
    strata = layout.codes.shape[0]
    h = layout.index[psu]
    mean = np.bincount(h, weights=z, minlength=strata) / layout.n_h
    others = layout.n_h - np.bincount(h, minlength=strata)
    listed = float((design.factor[psu] * (z - mean[h]) ** 2).sum())
    return listed + float((design.stratum_factor * others * mean**2).sum())


def _check(design: Design, sums: DomainSums) -> float:
    shape = (design.psus,) if sums.psu is None else sums.psu.shape
    if sums.weight.shape != shape or sums.weighted_y.shape != shape:
        raise ValueError("one sum per PSU")
    total = sums.weight_sum
    if sums.n < 1 or not total > 0:
        raise ValueError("the domain has no respondent with a positive weight")
    return total


def influence(design: Design, sums: DomainSums) -> np.ndarray:
    """Per-PSU linearised influence of the domain mean: (Σwy_k - ȳ Σw_k) / Σw, less
    its residual from the weighting cells when the weights were made (R's
    ``svyrecvar`` with ``postStrata``)."""
    total = _check(design, sums)
    mean = float(sums.weighted_y.sum()) / total
    z = np.asarray((sums.weighted_y - mean * sums.weight) / total, dtype=np.float64)
    if sums.cells is not None:
        z = z - sums.cells.correction(mean, total)
    return z


def kish_n_eff(weight_sum: float, weight_sq_sum: float) -> float:
    """Kish's effective sample size (Σ w)² / Σ w²."""
    return weight_sum**2 / weight_sq_sum


def srs_variance(sums: DomainSums, *, without_replacement: bool) -> float:
    """The variance of the mean under simple random sampling of the same n: s²/n, with
    s² = n/(n-1) Σ w (y - ȳ)² / Σ w (R's ``svyvar``), times (1 - n / Σ w) without
    replacement (R's ``svymean(deff = TRUE)``, which reads Σ w as the population)."""
    total, n = sums.weight_sum, sums.n
    if n < 2:
        return math.nan
    mean = float(sums.weighted_y.sum()) / total
    spread = max(sums.weighted_y_sq / total - mean * mean, 0.0)
    variance = spread * n / (n - 1) / n
    if without_replacement:
        variance *= 1.0 - n / total
    return variance


def domain_mean(
    design: Design, sums: DomainSums, *, srs_without_replacement: bool = True
) -> DomainEstimate:
    """The domain's weighted mean, its linearised SE, Kish's n_eff and the deff.

    ``srs_without_replacement`` chooses the deff's SRS comparator as R's
    ``svymean(deff = TRUE)`` (True: from a population of Σ w) or ``deff = "replace"``.
    A deff is nan when the SRS variance is zero or undefined.
    """
    total = _check(design, sums)
    variance = design_variance(design, influence(design, sums), sums.psu)
    srs = srs_variance(sums, without_replacement=srs_without_replacement)
    deff = variance / srs if srs > 0 else math.nan
    return DomainEstimate(
        estimate=float(sums.weighted_y.sum()) / total,
        se=math.sqrt(variance),
        n=sums.n,
        n_eff=kish_n_eff(total, sums.weight_sq_sum),
        weight_sum=total,
        deff=deff,
    )


def _difference_influence(
    design: Design, a: DomainSums, b: DomainSums
) -> tuple[np.ndarray, np.ndarray | None]:
    """The influence z_a - z_b per PSU: sparse when both domains' sums are sparse and
    share no PSU (respondents of two sides, each its own PSU), else over all PSUs."""
    za, zb = influence(design, a), influence(design, b)
    if a.psu is None and b.psu is None:
        return za - zb, None
    if a.psu is not None and b.psu is not None:
        mark = np.zeros(design.psus, dtype=bool)
        mark[a.psu] = True
        if not mark[b.psu].any():
            return np.concatenate([za, -zb]), np.concatenate([a.psu, b.psu])
    z = np.zeros(design.psus)
    for sums, values, sign in ((a, za, 1.0), (b, zb, -1.0)):
        if sums.psu is None:
            z += sign * values
        else:
            z[sums.psu] += sign * values
    return z, None


def domain_difference(
    design: Design, a: DomainSums, b: DomainSums, *, confidence: float = 0.95
) -> DomainDifference:
    """mean(a) - mean(b), its linearised SE, t on degf - 1 df, p and the t interval, as
    ``svyttest(y ~ domain, design)`` (the two-level regression coefficient)."""
    gap = float(a.weighted_y.sum()) / a.weight_sum - float(b.weighted_y.sum()) / b.weight_sum
    se = math.sqrt(design_variance(design, *_difference_influence(design, a, b)))
    df = float(design.degf - 1)
    if not df > 0:
        raise ValueError("the design has too few PSUs for a t-test")
    if se == 0.0:
        t = 0.0 if gap == 0 else math.copysign(math.inf, gap)
        return DomainDifference(gap, se, t, df, 1.0 if gap == 0 else 0.0, gap, gap)
    t = gap / se
    half = t_critical_value(confidence, df) * se
    return DomainDifference(gap, se, t, df, t_two_sided_p(t, df), gap - half, gap + half)
