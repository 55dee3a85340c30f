"""A schema's ``questions:`` built into :class:`~gapscan.survey.Question` objects, each
on a scale or numeric, its column(s) named, its NPS thresholds resolved."""

from __future__ import annotations

import difflib
from dataclasses import replace
from typing import Literal

from gapscan.schema_models import QuestionModel
from gapscan.schema_nps import check_nps_scale, nps_spec
from gapscan.schema_numeric import numeric_scale
from gapscan.schema_yaml import AddProblem, Loc, line_of
from gapscan.survey import NpsSpec, Question, Scale


def build_questions(
    specs: list[QuestionModel | None],
    scales: dict[str, Scale | None],
    lines: dict[Loc, int],
    add: AddProblem,
) -> list[Question]:
    questions: list[Question] = []
    seen: dict[str, int] = {}
    for i, spec in enumerate(specs):
        loc: Loc = ("questions", i)
        if spec is None:
            continue
        if spec.id in seen:
            first = line_of(lines, ("questions", seen[spec.id], "id"))
            add(
                f"question id '{spec.id}' is used twice (first at line {first}, "
                f"question {seen[spec.id] + 1})",
                (*loc, "id"),
                "give each question its own id",
            )
        seen.setdefault(spec.id, i)
        numeric = numeric_scale(spec, loc, add)
        if numeric is False:
            continue
        if numeric is None and spec.scale not in scales:
            if spec.scale is None:
                add(
                    f"question '{spec.id}' needs a 'scale' (or 'type: numeric')",
                    loc,
                    "name one of the scales, or write type: numeric for numbers",
                )
                continue
            close = difflib.get_close_matches(spec.scale, list(scales), n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'?" if close else "known scales: " + ", ".join(scales)
            add(f"question '{spec.id}' uses unknown scale '{spec.scale}'", (*loc, "scale"), hint)
            continue
        single = spec.column if spec.column is not None else spec.import_id
        given = [spec.column, spec.import_id, spec.columns]
        if sum(x is not None for x in given) != 1:
            add(
                f"question '{spec.id}' needs exactly one of 'column', 'import_id' or 'columns'",
                loc,
                "use column: NAME, import_id: QID12, or columns: {vendor: NAME, customer: NAME}",
            )
            continue
        scale = numeric if numeric is not None else scales[spec.scale or ""]
        if scale is None:
            continue
        vendor = single if spec.columns is None else spec.columns.vendor
        customer = single if spec.columns is None else spec.columns.customer
        assert vendor is not None and customer is not None
        nps = _question_nps(spec, scale, loc, add)
        if nps is False:
            continue
        question = Question(spec.id, spec.text or spec.id, scale, vendor, customer)
        questions.append(replace(question, nps=nps))
    return questions


def _question_nps(
    spec: QuestionModel, scale: Scale, loc: Loc, add: AddProblem
) -> NpsSpec | Literal[False] | None:
    """The question's NPS thresholds: its own ``nps:``, else (with ``metric: nps``)
    its scale's or the defaults, else its scale's ``nps:``; False when invalid."""
    owner = f"question '{spec.id}'"
    given = nps_spec(owner, spec.nps, loc, add)
    if given is False:
        return False
    if given is None and spec.metric is None:
        return scale.nps
    where = (*loc, "nps") if spec.nps is not None else (*loc, "metric")
    if not check_nps_scale(owner, scale.name, scale.scores, where, add):
        return False
    return given if isinstance(given, NpsSpec) else (scale.nps or NpsSpec())
