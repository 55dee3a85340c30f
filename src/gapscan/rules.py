"""CI rules: which results break which rule (``GapReport -> RuleOutcome``s)."""

from __future__ import annotations

from collections.abc import Sequence

from gapscan.errors import Problem
from gapscan.report import Breach, GapResult, RuleOutcome
from gapscan.survey import Metric, Mode, Rule, Survey


def evaluate_rules(results: Sequence[GapResult], rules: Sequence[Rule]) -> tuple[RuleOutcome, ...]:
    """Check every rule against every result it covers. Suppressed results, and
    results without the metric (a gap change without a baseline), are skipped."""
    return tuple(_evaluate(results, rule) for rule in rules)


def unchecked_rules(
    outcomes: Sequence[RuleOutcome], survey: Survey, mode: Mode | None = None
) -> list[Problem]:
    """A gate never passes on nothing: a top-box or mean rule that checked no result
    (every whole-sample comparison of its questions suppressed by ``min_n``) is a
    problem of the run. A ``gap_change`` rule without a baseline stays "not checked";
    segments suppressed by ``min_n`` are skipped while the whole sample is checked."""
    problems = []
    what = "pairs" if (mode or survey.analysis.mode) is Mode.PAIRED else "answers on a side"
    paired = (mode or survey.analysis.mode) is Mode.PAIRED
    for outcome in outcomes:
        rule = outcome.rule
        if outcome.checked or rule.metric is Metric.GAP_CHANGE:
            continue
        if rule.metric is Metric.NPS_GAP and paired:
            problems.append(
                Problem(
                    f"rule '{rule.name}' has nothing to check: NPS gaps are not computed "
                    "in paired mode (NPS compares two independent samples)",
                    file=str(survey.path),
                    line=rule.line,
                    hint="run without --paired, or drop the nps_gap rule from paired runs",
                    code="rule-unchecked",
                )
            )
            continue
        questions = rule.questions or tuple(q.id for q in survey.questions)
        problems.append(
            Problem(
                f"rule '{rule.name}' has nothing to check: every whole-sample comparison of "
                f"{', '.join(questions)} is suppressed (fewer than min_n "
                f"{survey.analysis.min_n} {what})",
                file=str(survey.path),
                line=rule.line,
                hint="collect more answers, lower analysis.min_n, or limit the rule's "
                "questions to ones with enough answers",
                code="rule-unchecked",
            )
        )
    return problems


def _evaluate(results: Sequence[GapResult], rule: Rule) -> RuleOutcome:
    checked = 0
    questions: set[str] = set()
    breaches: list[Breach] = []
    for result in results:
        if result.suppressed or not rule.applies_to(result.question):
            continue
        if result.segment and not rule.include_segments:
            continue
        value, significant, p_value, p_adjusted = _metric(result, rule)
        if value is None:
            continue
        checked += 1
        questions.add(result.question)
        if rule.significant_only and not significant:
            continue
        if rule.max is not None and value > rule.max:
            breaches.append(_breach(rule, result, value, "max", rule.max, p_value, p_adjusted))
        elif rule.min is not None and value < rule.min:
            breaches.append(_breach(rule, result, value, "min", rule.min, p_value, p_adjusted))
    return RuleOutcome(
        rule=rule, checked=checked, breaches=tuple(breaches), checked_questions=frozenset(questions)
    )


def _metric(result: GapResult, rule: Rule) -> tuple[float | None, bool, float | None, float | None]:
    """(value, significant, raw p, adjusted p) of a result's metric."""
    metric = rule.metric
    if metric is Metric.TOP_BOX_GAP:
        return result.gap, bool(result.significant), result.p_value, result.p_adjusted
    if metric is Metric.NPS_GAP:
        nps = result.nps
        if nps is None or nps.gap is None:
            return None, False, None, None
        return nps.gap, bool(nps.significant), nps.p_value, nps.p_adjusted
    if metric is Metric.GAP_CHANGE:
        change = result.change
        if rule.of == "nps":
            change = result.nps.change if result.nps is not None else None
        if change is None:
            return None, False, None, None
        return change.change, change.significant, change.p_value, None
    mean = result.mean_gap, bool(result.mean_significant)
    return (*mean, result.mean_p_value, result.mean_p_adjusted)


def _breach(
    rule: Rule,
    result: GapResult,
    value: float,
    bound: str,
    limit: float,
    p: float | None,
    p_adjusted: float | None,
) -> Breach:
    return Breach(
        rule=rule.name,
        metric=rule.metric.value,
        question=result.question,
        segment=result.segment,
        value=value,
        bound=bound,
        limit=limit,
        p_adjusted=p_adjusted,
        p_value=p if p_adjusted is None else None,
    )
