"""NPS gaps across waves: the change of a question's NPS gap since an earlier wave
(``gapscan trend``) or an earlier JSON report (``analyze --baseline``)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from gapscan.report import GapChange, GapResult, NpsSide
from gapscan.stats.nps import Counts, compare_nps_gaps

NpsCounts = tuple[Counts, Counts]  # vendor, customer: (promoters, passives, detractors)
BaselineNps = tuple[NpsCounts, tuple[float, float]]  # and the (promoters, detractors) thresholds


def nps_counts(result: GapResult) -> NpsCounts | None:
    """A result's NPS counts per side (None: no NPS, suppressed, or paired)."""
    if result.suppressed or result.mode != "independent" or result.nps is None:
        return None
    v, c = result.vendor.nps, result.customer.nps
    if v is None or c is None:
        return None
    return _counts(v, result.vendor.n), _counts(c, result.customer.n)


def _counts(side: NpsSide, n: int) -> Counts:
    return round(side.promoters * n), round(side.passives * n), round(side.detractors * n)


def with_nps_change(
    result: GapResult,
    earlier: NpsCounts | None,
    baseline_wave: str,
    confidence: float,
    alpha: float,
) -> GapResult:
    """``result`` with the change of its NPS gap since ``earlier`` (when both have one)."""
    later = nps_counts(result)
    if earlier is None or later is None or result.nps is None:
        return result
    d = compare_nps_gaps(earlier, later, confidence=confidence)
    before = (earlier[0][0] - earlier[0][2]) / sum(earlier[0])
    before -= (earlier[1][0] - earlier[1][2]) / sum(earlier[1])
    change = GapChange.of(baseline_wave, before, d, alpha)
    return replace(result, nps=replace(result.nps, change=change))


def baseline_counts(
    earlier: dict[tuple[str, str], BaselineNps], key: tuple[str, str], result: GapResult
) -> NpsCounts | None:
    """An earlier report's NPS counts of this result, when its thresholds are this run's."""
    found = earlier.get(key)
    if found is None or result.nps is None:
        return None
    counts, thresholds = found
    same = thresholds == (result.nps.promoters_min, result.nps.detractors_max)
    return counts if same else None


def counts_from_json(item: Any) -> BaselineNps | None:
    """The NPS counts and thresholds (promoters, detractors) of one result of an earlier
    JSON report, when it carries a well-formed NPS (shares in [0, 1] summing to 1, a
    whole n); else None."""
    if item["nps_gap"] is None or item["suppressed"] is not False:
        return None
    given = item["nps_thresholds"]
    if not isinstance(given, dict):
        return None
    thresholds = (given["promoters"], given["detractors"])
    if not all(isinstance(t, int | float) and not isinstance(t, bool) for t in thresholds):
        return None
    if item["mode"] != "independent":
        return None
    sides = []
    for name in ("vendor", "customer"):
        side = item[name]
        if not isinstance(side, dict):
            return None
        n = side["n"]
        shares = [side["promoters"], side["passives"], side["detractors"]]
        if isinstance(n, bool) or not isinstance(n, int) or n <= 0:
            return None
        if not all(isinstance(x, int | float) and 0.0 <= x <= 1.0 for x in shares):
            return None
        counts = tuple(round(x * n) for x in shares)
        if sum(counts) != n:
            return None
        sides.append(counts)
    counts = (sides[0][0], sides[0][1], sides[0][2]), (sides[1][0], sides[1][1], sides[1][2])
    return counts, (float(thresholds[0]), float(thresholds[1]))
