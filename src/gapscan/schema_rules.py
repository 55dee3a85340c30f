"""A schema's ``rules:`` built into :class:`~gapscan.survey.Rule` objects: a limit each,
in range for its metric (a fraction, not percentage points), on questions that exist."""

from __future__ import annotations

import difflib
import math

from gapscan.schema_errors import fraction_hint
from gapscan.schema_models import RuleModel
from gapscan.schema_nps import check_nps_rule
from gapscan.schema_yaml import AddProblem, Loc, line_of
from gapscan.survey import Metric, Rule


def build_rules(
    specs: list[RuleModel | None],
    question_ids: set[str],
    lines: dict[Loc, int],
    add: AddProblem,
    nps_ids: set[str] | None = None,
) -> list[Rule]:
    rules: list[Rule] = []
    for i, spec in enumerate(specs):
        loc: Loc = ("rules", i)
        if spec is None:
            continue
        if spec.max is None and spec.min is None:
            add(f"rule {i + 1} needs 'max' or 'min'", loc, "e.g. max: 0.30 for 30 points")
            continue
        if any(v is not None and not math.isfinite(v) for v in (spec.max, spec.min)):
            add(f"rule {i + 1}: its limit must be a finite number", loc, "e.g. max: 0.30")
            continue
        if not _limits_in_range(spec, loc, add, i):
            continue
        if not check_nps_rule(i, spec.metric, spec.of, spec.questions, nps_ids or set(), loc, add):
            continue
        for j, qid in enumerate(spec.questions or []):
            if qid not in question_ids:
                close = difflib.get_close_matches(qid, sorted(question_ids), n=1, cutoff=0.6)
                known = "known questions: " + ", ".join(sorted(question_ids))
                add(
                    f"rule {i + 1} names unknown question '{qid}'",
                    (*loc, "questions", j),
                    f"did you mean '{close[0]}'?" if close else known,
                )
        metric = Metric(spec.metric)
        name = spec.name or f"{metric.value} within bounds"
        rules.append(
            Rule(
                name=name,
                metric=metric,
                max=spec.max,
                min=spec.min,
                significant_only=spec.significant_only,
                questions=tuple(spec.questions) if spec.questions is not None else None,
                include_segments=spec.include_segments,
                line=line_of(lines, loc),
                of=spec.of,
            )
        )
    return rules


_FRACTION_RANGE = {Metric.TOP_BOX_GAP: 1.0, Metric.GAP_CHANGE: 2.0, Metric.NPS_GAP: 2.0}


def _limits_in_range(spec: RuleModel, loc: Loc, add: AddProblem, index: int) -> bool:
    """A top-box gap is a fraction in [-1, 1] (a change of gap in [-2, 2]): a limit
    beyond that was most likely given in percentage points."""
    metric = Metric(spec.metric)
    bound = _FRACTION_RANGE.get(metric)
    if bound is not None and spec.of == "nps":
        bound *= 2  # an NPS gap lies in [-2, 2], its change in [-4, 4]
    ok = True
    for key, value in (("max", spec.max), ("min", spec.min)):
        if bound is None or value is None or abs(value) <= bound:
            continue
        add(
            f"rule {index + 1}: {key} {value:g} is outside [{-bound:g}, {bound:g}]: "
            f"{metric.value} is a fraction, not percentage points",
            (*loc, key),
            fraction_hint(value) or f"give a fraction, e.g. {key}: 0.30",
            code="percent-for-fraction",
        )
        ok = False
    return ok
