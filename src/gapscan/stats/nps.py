"""Net Promoter Score on counts: per side with the adjusted-Wald interval, and the
difference of two independent NPS with its interval and z-test."""

from __future__ import annotations

import math
from dataclasses import dataclass

from gapscan.stats._normal import critical_value, two_sided_p
from gapscan.stats.proportions import GapDifference

# Rocks (2016): add 3 to n and 3/4 to each of promoters and detractors.
_ADD_N = 3.0
_ADD_EACH = 0.75


@dataclass(frozen=True)
class NetPromoter:
    """One side's NPS: raw shares and the adjusted-Wald interval (all fractions)."""

    n: int
    promoters: float
    passives: float
    detractors: float
    nps: float  # raw: promoters - detractors
    adjusted: float  # the adjusted-Wald estimate the interval is centred on
    variance: float  # the adjusted-Wald variance of ``adjusted``
    ci_low: float
    ci_high: float


@dataclass(frozen=True)
class NpsComparison:
    """Vendor NPS minus customer NPS (two independent samples)."""

    vendor: NetPromoter
    customer: NetPromoter
    gap: float  # raw difference
    ci_low: float
    ci_high: float
    statistic: float
    p_value: float


def net_promoter(
    promoters: int, passives: int, detractors: int, *, confidence: float = 0.95
) -> NetPromoter:
    r"""Net Promoter Score of one sample, with its adjusted-Wald interval.

    Parameters
    ----------
    promoters, passives, detractors : int
        Counts of answers at or above the promoter threshold, between the
        thresholds, and at or below the detractor threshold.
    confidence : float
        Confidence level of the interval.

    Notes
    -----
    With :math:`n = P + A + D`, the raw score is :math:`(P - D) / n`. The interval
    is the adjusted-Wald interval of Rocks (2016):

    .. math::

        \tilde n = n + 3, \quad \tilde p = (P + 3/4) / \tilde n, \quad
        \tilde d = (D + 3/4) / \tilde n, \quad \widetilde{NPS} = \tilde p - \tilde d,

        \widetilde{Var} = \frac{\tilde p + \tilde d - (\tilde p - \tilde d)^2}{\tilde n},
        \qquad \widetilde{NPS} \pm z_{1-\alpha/2} \sqrt{\widetilde{Var}},

    truncated to the possible range :math:`[-1, 1]`. The interval is centred on
    the adjusted estimate, not on the raw score.

    References
    ----------
    Rocks B (2016). Interval estimation for the "Net Promoter Score". The American
    Statistician 70(4):365-372. doi:10.1080/00031305.2016.1158124.

    Examples
    --------
    >>> r = net_promoter(40, 30, 30)
    >>> round(r.nps, 2), round(r.adjusted, 4)
    (0.1, 0.0971)
    """
    n = promoters + passives + detractors
    if n <= 0 or min(promoters, passives, detractors) < 0:
        raise ValueError("counts must be non-negative with at least one answer")
    n_adj = n + _ADD_N
    p_adj = (promoters + _ADD_EACH) / n_adj
    d_adj = (detractors + _ADD_EACH) / n_adj
    adjusted = p_adj - d_adj
    variance = (p_adj + d_adj - adjusted**2) / n_adj
    half = critical_value(confidence) * math.sqrt(variance)
    return NetPromoter(
        n=n,
        promoters=promoters / n,
        passives=passives / n,
        detractors=detractors / n,
        nps=(promoters - detractors) / n,
        adjusted=adjusted,
        variance=variance,
        ci_low=max(-1.0, adjusted - half),
        ci_high=min(1.0, adjusted + half),
    )


def compare_nps(
    vendor: tuple[int, int, int],
    customer: tuple[int, int, int],
    *,
    confidence: float = 0.95,
) -> NpsComparison:
    r"""The difference of two independent Net Promoter Scores.

    Parameters
    ----------
    vendor, customer : tuple of int
        (promoters, passives, detractors) counts of each side.
    confidence : float
        Confidence level of the interval.

    Notes
    -----
    The gap is the raw difference :math:`NPS_v - NPS_c`. Its interval and test use
    the adjusted-Wald estimates and variances of each side (see :func:`net_promoter`):

    .. math::

        SE = \sqrt{\widetilde{Var}_v + \widetilde{Var}_c}, \quad
        \Delta = \widetilde{NPS}_v - \widetilde{NPS}_c, \quad
        \Delta \pm z_{1-\alpha/2} SE \ (\text{truncated to } [-2, 2]), \quad
        z = \Delta / SE,

    with the two-sided p-value of :math:`z` under the standard normal, as Lewis and
    Sauro compare two NPS.

    References
    ----------
    Rocks B (2016). Interval estimation for the "Net Promoter Score". The American
    Statistician 70(4):365-372.
    Lewis JR, Sauro J (2020). How to statistically compare two Net Promoter Scores.
    MeasuringU, https://measuringu.com/nps-significance-test/.
    """
    v = net_promoter(*vendor, confidence=confidence)
    c = net_promoter(*customer, confidence=confidence)
    diff = v.adjusted - c.adjusted
    se = math.sqrt(v.variance + c.variance)  # each variance > 0: 3/4 is added to both
    half = critical_value(confidence) * se
    z = diff / se
    return NpsComparison(
        vendor=v,
        customer=c,
        gap=v.nps - c.nps,
        ci_low=max(-2.0, diff - half),
        ci_high=min(2.0, diff + half),
        statistic=z,
        p_value=two_sided_p(z),
    )


Counts = tuple[int, int, int]


def compare_nps_gaps(
    earlier: tuple[Counts, Counts],
    later: tuple[Counts, Counts],
    *,
    confidence: float = 0.95,
) -> GapDifference:
    r"""The change of an NPS gap between two independent samples (waves).

    Each gap is given as the (promoters, passives, detractors) counts of the vendor
    and of the customer side. The change is the raw (later gap) - (earlier gap); its
    interval and test use the adjusted-Wald estimates, as :func:`compare_nps` does for
    one gap: :math:`\Delta = \tilde g_1 - \tilde g_0`, :math:`SE = \sqrt{\sum
    \widetilde{Var}}` over the four samples, :math:`\Delta \pm z SE` (truncated to
    [-4, 4]) and :math:`z = \Delta / SE`, two-sided.
    """
    g0 = compare_nps(*earlier, confidence=confidence)
    g1 = compare_nps(*later, confidence=confidence)
    samples = (g0.vendor, g0.customer, g1.vendor, g1.customer)
    se = math.sqrt(sum(s.variance for s in samples))
    diff = (g1.vendor.adjusted - g1.customer.adjusted) - (g0.vendor.adjusted - g0.customer.adjusted)
    half = critical_value(confidence) * se
    z = diff / se
    return GapDifference(
        change=g1.gap - g0.gap,
        ci_low=max(-4.0, diff - half),
        ci_high=min(4.0, diff + half),
        statistic=z,
        p_value=two_sided_p(z),
    )
