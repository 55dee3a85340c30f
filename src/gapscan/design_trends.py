"""Weighted gaps across waves: the change of a gap of a weighted or design-based run since
an earlier wave (``gapscan trend``) or an earlier JSON report (``analyze --baseline``).

The two waves are independent samples, so the change of a gap is tested by the normal
z of (gap₂ − gap₁) / sqrt(se₁² + se₂²) from each wave's design-based (Taylor-linearised)
standard error, as the unweighted change is from the binomial ones; the waves' own
degrees of freedom do not enter. The top-box, mean and NPS gaps are each compared so.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from gapscan.fingerprint import DESIGN_ROLES
from gapscan.report import GapChange, GapResult
from gapscan.stats import compare_estimates

Estimate = tuple[float, float]  # a gap and its design-based standard error
DesignGaps = dict[str, Estimate]  # by kind: "top_box", "mean", "nps"

METHOD = (
    "z-test of the difference of two independent gaps, its SE the square root of the "
    "sum of the two waves' squared design-based (Taylor-linearised) SEs"
)

# the JSON fields of each kind of gap: (gap, its SE)
_FIELDS = {"top_box": ("gap", "gap_se"), "mean": ("mean_gap", "mean_gap_se")}
_NPS_FIELDS = ("nps_gap", "nps_gap_se")


def design_gaps(result: GapResult) -> DesignGaps | None:
    """A weighted result's gaps with their SEs (None: unweighted, suppressed or paired)."""
    d = result.design
    if d is None or result.suppressed or result.mode != "independent":
        return None
    gaps: DesignGaps = {}
    if result.gap is not None and d.gap_se is not None:
        gaps["top_box"] = (result.gap, d.gap_se)
    if result.mean_gap is not None:
        gaps["mean"] = (result.mean_gap, d.mean_gap_se)
    if result.nps is not None and result.nps.gap is not None and d.nps_gap_se is not None:
        gaps["nps"] = (result.nps.gap, d.nps_gap_se)
    return gaps


def gaps_from_json(item: Any, path: str, add: Callable[[str, str], None]) -> DesignGaps | None:
    """The gaps and SEs of one result of a weighted JSON report; a field missing or
    malformed is passed to ``add`` (its JSON path, what is wrong) and gives None."""
    fields = dict(_FIELDS)
    if "nps_gap" in item and item["nps_gap"] is not None:
        fields["nps"] = _NPS_FIELDS
    gaps: DesignGaps = {}
    ok = True
    for kind, (gap_field, se_field) in fields.items():
        gap, se = item.get(gap_field), item.get(se_field)
        if kind == "top_box" and gap is None and se is None:
            continue  # a question without a top box
        for name, value, low in ((gap_field, gap, -math.inf), (se_field, se, 0.0)):
            if not _number(value, low):
                expected = "a number" if low < 0 else "a number >= 0"
                shown = "is missing" if name not in item else f"{value!r} is not {expected}"
                add(f"{path}.{name}", f"{shown} (a weighted report carries each gap's SE)")
                ok = False
        if ok:
            gaps[kind] = (float(gap), float(se))
    return gaps if ok else None


def design_from_json(value: Any, add: Callable[[str, str], None]) -> dict[str, str] | None:
    """A weighted report's fingerprint ``design``: its columns by role; a role that is
    not one, or a column that is not text, is passed to ``add``."""
    path = "fingerprint.design"
    if not isinstance(value, dict):
        add(path, "is not an object of role: column")
        return None
    for role, column in value.items():
        if role not in DESIGN_ROLES:
            add(f"{path}.{role}", "is not a design role (" + ", ".join(DESIGN_ROLES) + ")")
        elif not isinstance(column, str):
            add(f"{path}.{role}", f"{column!r} is not text")
    return {str(role): str(column) for role, column in value.items()} or None


def with_design_change(
    result: GapResult,
    earlier: DesignGaps | None,
    baseline_wave: str,
    confidence: float,
    alpha: float,
) -> GapResult:
    """``result`` with the changes of its top-box, mean and NPS gaps since ``earlier``
    (each where both waves have that gap)."""
    later = design_gaps(result)
    if earlier is None or later is None:
        return result

    def change(kind: str) -> GapChange | None:
        if kind not in earlier or kind not in later:
            return None
        d = compare_estimates(earlier[kind], later[kind], confidence=confidence)
        return GapChange.of(baseline_wave, earlier[kind][0], d, alpha)

    result = replace(result, change=change("top_box"), mean_change=change("mean"))
    nps = change("nps")
    if nps is not None and result.nps is not None:
        result = replace(result, nps=replace(result.nps, change=nps))
    return result


def _number(value: Any, low: float) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return math.isfinite(value) and value >= low
