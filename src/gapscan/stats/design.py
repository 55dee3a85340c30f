"""Design-based (Taylor-linearised) estimates of domain means from per-PSU sums.

A survey design here is one stage of sampling: primary sampling units (PSUs: clusters,
or the respondents themselves when there is no cluster), optionally in strata, each
stratum optionally with a finite population correction. Everything an estimate needs
is a sum over the respondents of a PSU, so the functions take per-PSU sums (the count
table aggregated to PSUs), never respondents:

- ``weight[k]``: Σ w over the domain's respondents in PSU k (0 when it has none);
- ``weighted_y[k]``: Σ w y over the same respondents;
- and, for the whole domain, the respondents ``n``, Σ w² and Σ w y².

Without a cluster every respondent is its own PSU, and the sums need not be per PSU:
per stratum and answer, a domain's Σ w and Σ w² give its variance (:class:`Grouped`,
:func:`grouped_variance`), whatever the number of respondents; with weights made by
``weighting:``, per stratum, weighting cell and answer, with Σ w psw as well
(``gapscan.stats.calibration``).

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
    PSU's stratum (a population size, in PSUs, when above 1; else a sampling fraction).

    A design whose PSUs are its respondents (no cluster) is known by the number of PSUs
    in each stratum alone (:meth:`of_sizes`): its variances take the respondents in
    groups (:class:`Grouped`), never one by one, so no array of every PSU is made."""

    strata: np.ndarray  # (P,) integer stratum code per PSU; (H,) the codes with ``sizes``
    fpc: np.ndarray | None = None  # (P,) fpc per PSU, constant within a stratum; (H,) with sizes
    sizes: np.ndarray | None = None  # (H,) the PSUs of each stratum; None: one code per PSU

    @classmethod
    def of_sizes(cls, sizes: np.ndarray, fpc: np.ndarray | None = None) -> Design:
        """The design of ``sizes[h]`` PSUs in stratum h (codes 0..H-1), each stratum's
        fpc ``fpc[h]``."""
        sizes = np.asarray(sizes, dtype=np.int64)
        return cls(np.arange(sizes.shape[0], dtype=np.int64), fpc, sizes)

    @property
    def psus(self) -> int:
        if self.sizes is not None:
            return int(self.sizes.sum())
        return int(self.strata.shape[0])

    @property
    def degf(self) -> int:
        """PSUs minus strata, as R's ``degf(design)``."""
        return self.psus - int(self.layout.codes.shape[0])

    @cached_property
    def layout(self) -> Layout:
        """The strata sorted out once for every variance of the design."""
        if self.sizes is not None:
            return Layout(self.strata, None, self.sizes)
        codes, index, n_h = np.unique(self.strata, return_inverse=True, return_counts=True)
        return Layout(codes, index.reshape(-1).astype(np.int64), n_h)

    @cached_property
    def fraction(self) -> np.ndarray:
        """f_h per PSU (see :func:`_fraction_per_psu`); raises ValueError for an fpc
        that is neither a fraction nor a population of at least n_h."""
        layout = self.layout
        return _fraction_per_psu(self.fpc, layout.n_h[layout.index].astype(np.float64))

    @cached_property
    def stratum_fraction(self) -> np.ndarray:
        """f_h per stratum (H,)."""
        if self.sizes is not None:
            return _fraction_per_psu(self.fpc, self.sizes.astype(np.float64))
        return self._per_stratum(self.fraction)

    @cached_property
    def stratum_factor(self) -> np.ndarray:
        """(1 - f_h) n_h / (n_h - 1) per stratum (H,)."""
        if self.sizes is not None:
            factor: np.ndarray = (1.0 - self.stratum_fraction) * _ratio(self.sizes)
            return factor
        return self._per_stratum(self.factor)

    def _per_stratum(self, per_psu: np.ndarray) -> np.ndarray:
        """A value constant within each stratum, given per PSU, once per stratum."""
        layout = self.layout
        values = np.zeros(layout.codes.shape[0])
        values[layout.index] = per_psu
        return values

    @cached_property
    def factor(self) -> np.ndarray:
        """(1 - f_h) n_h / (n_h - 1) per PSU (infinite for a lonely PSU: refused)."""
        layout = self.layout
        factor: np.ndarray = (1.0 - self.fraction) * _ratio(layout.n_h)[layout.index]
        return factor


def _ratio(n_h: np.ndarray) -> np.ndarray:
    """n_h / (n_h - 1) (infinite for a stratum of one PSU)."""
    with np.errstate(divide="ignore"):
        ratio: np.ndarray = n_h / (n_h - 1.0)
    return ratio


@dataclass(frozen=True)
class Layout:
    """A design's strata: their codes (H,), each PSU's stratum index (P,; none for a
    design known by its strata's sizes, :meth:`Design.of_sizes`) and PSUs per stratum."""

    codes: np.ndarray
    psu_index: np.ndarray | None
    n_h: np.ndarray

    @property
    def index(self) -> np.ndarray:
        if self.psu_index is None:
            raise ValueError("a design known by its strata's sizes has no index of its PSUs")
        return self.psu_index


@dataclass(frozen=True)
class Grouped:
    """Groups of PSUs that are a respondent each (a design without a cluster), all of
    one stratum and one y: each group's stratum (its index in :attr:`Design.layout`),
    Σ w² over its respondents, and their y. A domain's sums over its groups are all its
    variance needs: with z = w (y - ȳ) / Σw per respondent, a group's Σ z and Σ z² are
    Σw (y - ȳ) / Σw and Σw² (y - ȳ)² / (Σw)²; with made weights, of one weighting cell
    too (``cell``, -1: none), with its Σ w psw (``weight_psw``)."""

    stratum: np.ndarray  # (G,)
    weight_sq: np.ndarray  # (G,)
    y: np.ndarray  # (G,)
    cell: np.ndarray | None = None  # (G,)
    weight_psw: np.ndarray | None = None  # (G,)


@dataclass(frozen=True)
class DomainSums:
    """A domain's per-PSU sums of w and w y, and its whole-domain n, Σ w², Σ w y²."""

    weight: np.ndarray  # (P,), or one per group of ``groups``
    weighted_y: np.ndarray  # (P,), or one per group of ``groups``
    n: int
    weight_sq_sum: float
    weighted_y_sq: float
    cells: CellSums | None = None  # made weights: sums per weighting cell (calibration)
    groups: Grouped | None = None  # sums of groups of respondents (no cluster), not PSUs

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


def stratum_fractions(design: Design) -> tuple[np.ndarray, np.ndarray]:
    """Each PSU's stratum index 0..H-1 (P,) and each stratum's sampling fraction (H,)."""
    return design.layout.index, design.stratum_fraction


def design_variance(design: Design, influence: np.ndarray) -> float:
    """Σ_h (1 - f_h) n_h/(n_h - 1) Σ_k∈h (z_k - z̄_h)² for per-PSU influence values z
    (the strata sorted once per design: :attr:`Design.layout`)."""
    z = np.asarray(influence, dtype=np.float64)
    if z.shape != (design.psus,):
        raise ValueError("one influence value per PSU")
    layout = _layout(design)
    centred = z - (np.bincount(layout.index, weights=z) / layout.n_h)[layout.index]
    return float((design.factor * centred**2).sum())


def grouped_variance(
    design: Design, stratum: np.ndarray, z_sum: np.ndarray, z_sq: np.ndarray
) -> float:
    """:func:`design_variance` of PSUs given as groups, each within one stratum (its
    index in :attr:`Design.layout`), by their sums of z and of z²; every PSU of no group
    has z = 0. Over a stratum's n_h PSUs Σ (z_k - z̄_h)² = Σ z² - (Σ z)² / n_h, so

        V = Σ_h (1 - f_h) n_h/(n_h - 1) (Σ_h z² - (Σ_h z)² / n_h),

    each stratum's term at least 0 (it is a sum of squares; rounding could take it
    below)."""
    if not stratum.shape == z_sum.shape == z_sq.shape:
        raise ValueError("one stratum, sum and sum of squares per group")
    layout = _layout(design)
    strata = layout.codes.shape[0]
    total = np.bincount(stratum, weights=z_sum, minlength=strata)
    squares = np.bincount(stratum, weights=z_sq, minlength=strata)
    spread = np.maximum(squares - total * total / layout.n_h, 0.0)
    return float((design.stratum_factor * spread).sum())


def _layout(design: Design) -> Layout:
    """The design's strata, refused when one has a single PSU."""
    layout = design.layout
    if np.any(layout.n_h < 2):
        lonely = layout.codes[layout.n_h < 2].tolist()
        raise ValueError(f"strata with a single PSU have no variance: {lonely}")
    return layout


def _check(design: Design, sums: DomainSums) -> float:
    shape = (design.psus,) if sums.groups is None else sums.groups.stratum.shape
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


CENSUS = 1e-9  # 1 - n / Σw below this: Σw = n to rounding (made weights have mean 1)
ROUNDING = 1e-12  # an SE or a gap below this times the means is rounding, not spread


def srs_variance(sums: DomainSums, *, without_replacement: bool) -> float:
    """The variance of the mean under simple random sampling of the same n: s²/n, with
    s² = n/(n-1) Σ w (y - ȳ)² / Σ w (R's ``svyvar``), times (1 - n / Σ w) without
    replacement (R's ``svymean(deff = TRUE)``, which reads Σ w as the population).
    From a population of n (Σ w = n, to rounding) it is nan: not a quotient of rounding."""
    total, n = sums.weight_sum, sums.n
    if n < 2:
        return math.nan
    mean = float(sums.weighted_y.sum()) / total
    spread = max(sums.weighted_y_sq / total - mean * mean, 0.0)
    variance = spread * n / (n - 1) / n
    if without_replacement:
        sampled = 1.0 - n / total
        if sampled < CENSUS:
            return math.nan
        variance *= sampled
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
    if sums.groups is not None:
        variance = grouped_variance(design, *_grouped_influence(sums))
    else:
        variance = design_variance(design, influence(design, sums))
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


def _grouped_influence(sums: DomainSums) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Groups' strata, Σ z and Σ z² of the domain mean's influence (:class:`Grouped`).
    With made weights z = w f - psw c_j (f = (y - ȳ) / Σw): a group's Σ z² takes
    - 2 c_j f Σ w psw, and a group per stratum h and cell j (its respondents, in the
    domain or not) adds - c_j P_hj and c_j² Q_hj (``gapscan.stats.calibration``)."""
    groups = sums.groups
    assert groups is not None
    total = sums.weight_sum
    mean = float(sums.weighted_y.sum()) / total
    scaled = (groups.y - mean) / total
    z_sum, z_sq = sums.weight * scaled, groups.weight_sq * scaled * scaled
    if sums.cells is None:
        return groups.stratum, z_sum, z_sq
    calibration = sums.cells.calibration
    p, q = calibration.stratum_psw, calibration.stratum_psw2
    assert groups.cell is not None and groups.weight_psw is not None and p is not None
    assert q is not None
    c = sums.cells.coefficients(mean, total)
    mine = groups.cell >= 0
    z_sq = z_sq.copy()
    z_sq[mine] -= 2.0 * c[groups.cell[mine]] * scaled[mine] * groups.weight_psw[mine]
    strata, cells = p.shape
    stratum = np.concatenate([groups.stratum, np.repeat(np.arange(strata), cells)])
    z_sum = np.concatenate([z_sum, (-c[None, :] * p).reshape(-1)])
    z_sq = np.concatenate([z_sq, ((c * c)[None, :] * q).reshape(-1)])
    return stratum, z_sum, z_sq


def _difference_variance(design: Design, a: DomainSums, b: DomainSums) -> float:
    """The variance of mean(a) - mean(b). Grouped sums are of respondents of two sides,
    never in both domains: their groups are put together, b's z negated."""
    if a.groups is not None and b.groups is not None:
        _check(design, a)
        _check(design, b)
        (sa, za, qa), (sb, zb, qb) = _grouped_influence(a), _grouped_influence(b)
        stratum = np.concatenate([sa, sb])
        return grouped_variance(
            design, stratum, np.concatenate([za, -zb]), np.concatenate([qa, qb])
        )
    if a.groups is not None or b.groups is not None:
        raise ValueError("grouped sums are compared only with grouped sums")
    return design_variance(design, influence(design, a) - influence(design, b))


def domain_difference(
    design: Design, a: DomainSums, b: DomainSums, *, confidence: float = 0.95
) -> DomainDifference:
    """mean(a) - mean(b), its linearised SE, t on degf - 1 df, p and the t interval, as
    ``svyttest(y ~ domain, design)`` (the two-level regression coefficient)."""
    means = float(a.weighted_y.sum()) / a.weight_sum, float(b.weighted_y.sum()) / b.weight_sum
    gap = means[0] - means[1]
    se = math.sqrt(_difference_variance(design, a, b))
    df = float(design.degf - 1)
    if not df > 0:
        raise ValueError("the design has too few PSUs for a t-test")
    floor = ROUNDING * max(abs(means[0]), abs(means[1]))
    if se <= floor:  # no spread but rounding (a share the weighting fixed): 0 or certain
        none = abs(gap) <= floor
        t = 0.0 if none else math.copysign(math.inf, gap)
        return DomainDifference(gap, se, t, df, 1.0 if none else 0.0, gap, gap)
    t = gap / se
    half = t_critical_value(confidence, df) * se
    return DomainDifference(gap, se, t, df, t_two_sided_p(t, df), gap - half, gap + half)
