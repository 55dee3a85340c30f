"""The schema's Net Promoter parts: ``metric: nps`` on a question, ``nps:`` on a scale
or a question (thresholds), and the rules that gate on NPS gaps."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from gapscan.schema_yaml import AddProblem, Loc
from gapscan.survey import NpsSpec

NPS_SCORES = tuple(float(i) for i in range(11))


class NpsModel(BaseModel):
    """``nps: {promoters: 9, detractors: 6}``: a promoter scores at least 9, a
    detractor at most 6."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    promoters: Annotated[int, Field(ge=1, le=10)] = 9
    detractors: Annotated[int, Field(ge=0, le=9)] = 6


def nps_spec(
    owner: str, given: bool | NpsModel | None, loc: Loc, add: AddProblem
) -> NpsSpec | Literal[False] | None:
    """The thresholds ``nps:`` gives (None: not an NPS; False: invalid, reported)."""
    if given is None or given is False:
        return None
    if given is True:
        return NpsSpec()
    spec = NpsSpec(float(given.promoters), float(given.detractors))
    if isinstance(given, NpsModel) and given.detractors >= given.promoters:
        add(
            f"{owner}: nps detractors ({given.detractors}) must be below promoters "
            f"({given.promoters})",
            (*loc, "nps"),
            "e.g. nps: {promoters: 9, detractors: 6}",
        )
        return False
    return spec


def check_nps_scale(
    owner: str, scale_name: str, scores: tuple[float, ...], loc: Loc, add: AddProblem
) -> bool:
    """An NPS is asked on a 0..10 scale: its scores must be 0, 1, ..., 10."""
    if tuple(sorted(scores)) == NPS_SCORES:
        return True
    shown = ", ".join(f"{s:g}" for s in scores[:12]) + (", ..." if len(scores) > 12 else "")
    add(
        f"{owner}: an NPS needs a 0-10 scale (scores 0 to 10), but scale '{scale_name}' "
        f"scores its {len(scores)} levels {shown}",
        loc,
        "use levels 0..10 (or give the scale scores: [0, 1, ..., 10]), or remove the NPS",
    )
    return False


def check_nps_rule(
    index: int,
    metric: str,
    of: str,
    questions: list[str] | None,
    nps_questions: set[str],
    loc: Loc,
    add: AddProblem,
) -> bool:
    """An NPS rule (``nps_gap``, or ``gap_change`` with ``of: nps``) needs an NPS
    question to check; ``of:`` belongs to ``gap_change`` alone."""
    if of != "top_box" and metric != "gap_change":
        add(f"rule {index + 1}: 'of' applies to gap_change rules only", (*loc, "of"))
        return False
    if metric != "nps_gap" and of != "nps":
        return True
    covered = nps_questions if questions is None else nps_questions & set(questions)
    if covered:
        return True
    add(
        f"rule {index + 1} gates on NPS gaps, but none of its questions is an NPS question",
        loc,
        "mark the question with metric: nps, or name NPS questions in the rule's questions",
    )
    return False
