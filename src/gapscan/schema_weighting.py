"""The schema's ``weighting:``: raking or post-stratification targets, trimming bounds
and the sides weighted, built into a :class:`~gapscan.weighting.WeightingSpec`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from gapscan.schema_yaml import AddProblem, Loc, line_of
from gapscan.survey import CUSTOMER, VENDOR
from gapscan.weighting import (
    POST_STRATIFY,
    RAKE,
    TOLERANCE,
    Margin,
    WeightingSpec,
    check_totals,
)

Targets = dict[str, dict[str | int, int | float]]
_SIDES = {"vendor": VENDOR, "customer": CUSTOMER}


class TrimModel(BaseModel):
    """``trim: {lower: 0.3, upper: 3.0}``, relative to the side's mean weight."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    lower: Annotated[int | float, Field(ge=0)] | None = None
    upper: Annotated[int | float, Field(gt=0)] | None = None


class WeightingModel(BaseModel):
    """``weighting:``: ``rake`` (margins of several variables) or ``post_stratify``
    (one variable), each level's target a share (summing to 1) or a population count."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    rake: Targets | None = None
    post_stratify: Targets | None = None
    trim: TrimModel | None = None
    sides: list[Literal["vendor", "customer"]] | None = None


def build_weighting(
    spec: WeightingModel | None, add: AddProblem, lines: dict[Loc, int]
) -> WeightingSpec | None:
    """The weighting to run (None: no ``weighting:``, or one with problems, reported)."""
    if spec is None:
        return None
    loc: Loc = ("weighting",)
    if (spec.rake is None) == (spec.post_stratify is None):
        add(
            "weighting needs either 'rake' or 'post_stratify'",
            loc,
            "rake: {VAR: {level: share}} for several margins, post_stratify for one variable",
        )
        return None
    method = RAKE if spec.rake is not None else POST_STRATIFY
    targets = spec.rake if spec.rake is not None else spec.post_stratify
    assert targets is not None
    if method == POST_STRATIFY and len(targets) != 1:
        add(
            f"post_stratify takes one variable, not {len(targets)}",
            (*loc, method),
            "use rake: for several margins",
        )
    if not targets:
        add(f"weighting.{method} names no variable", (*loc, method), "e.g. region: {EMEA: 0.4}")
    margins = [
        _margin(var, levels, (*loc, method, var), add, lines) for var, levels in targets.items()
    ]
    valid = [m for m in margins if m is not None]
    totals = check_totals(valid)
    for problem in totals:
        add(
            f"weighting: {problem.message}",
            (*loc, method, valid[problem.margin].variable),
            problem.hint,
        )
    ok = not totals
    bounds = _trim(spec.trim, add)
    sides = _sides(spec.sides, add)
    if None in margins or not ok or bounds is None or sides is None or not margins:
        return None
    if method == POST_STRATIFY and len(margins) != 1:
        return None
    chosen = tuple(m for m in margins if m is not None)
    return WeightingSpec(method, chosen, bounds[0], bounds[1], sides, line_of(lines, loc))


def _margin(
    variable: str,
    levels: dict[str | int, int | float],
    loc: Loc,
    add: AddProblem,
    lines: dict[Loc, int],
) -> Margin | None:
    if not levels:
        add(f"weighting: {variable} has no target levels", loc, "e.g. {A: 0.6, B: 0.4}")
        return None
    ok = True
    for level, value in levels.items():
        if value <= 0:
            add(
                f"weighting: {variable}: the target of {level!s} is {value:g}; "
                "a target must be above 0",
                (*loc, str(level)),
                "give a positive share or count; filter out rows that must not count",
            )
            ok = False
    values = [float(v) for v in levels.values()]
    total = sum(values)
    if ok and max(values) <= 1 and abs(total - 1) > TOLERANCE:
        add(
            f"weighting: {variable}: the shares sum to {total:.6g}, not 1",
            loc,
            "give shares that sum to 1, or population counts",
        )
        ok = False
    if not ok:
        return None
    return Margin(variable, tuple(str(k) for k in levels), tuple(values), line_of(lines, loc))


def _trim(spec: TrimModel | None, add: AddProblem) -> tuple[float | None, float | None] | None:
    if spec is None:
        return None, None
    loc: Loc = ("weighting", "trim")
    if spec.lower is None and spec.upper is None:
        add("weighting.trim gives no bound", loc, "give lower:, upper: or both")
        return None
    ok = True
    if spec.lower is not None and spec.lower >= 1:
        add(
            f"weighting.trim.lower is {spec.lower:g}: relative to the mean weight it must "
            "be below 1",
            (*loc, "lower"),
            "e.g. lower: 0.3",
        )
        ok = False
    if spec.upper is not None and spec.upper <= 1:
        add(
            f"weighting.trim.upper is {spec.upper:g}: relative to the mean weight it must "
            "be above 1",
            (*loc, "upper"),
            "e.g. upper: 3.0",
        )
        ok = False
    if not ok:
        return None
    lower = None if spec.lower is None else float(spec.lower)
    upper = None if spec.upper is None else float(spec.upper)
    return lower, upper


def _sides(given: Sequence[str] | None, add: AddProblem) -> tuple[int, ...] | None:
    if given is None:
        return (VENDOR, CUSTOMER)
    if not given or len(set(given)) != len(given):
        add(
            "weighting.sides lists each side at most once, and at least one",
            ("weighting", "sides"),
            "e.g. sides: [customer]",
        )
        return None
    return tuple(sorted(_SIDES[s] for s in given))
