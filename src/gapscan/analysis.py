"""``analyze(survey, responses, options) -> GapReport``: the library's front door."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from gapscan.checks import data_findings, refuse_errors
from gapscan.counts import QuestionCounts, count_answers
from gapscan.errors import GapscanError
from gapscan.fingerprint import fingerprint_of
from gapscan.headlines import TOP_BOX, largest
from gapscan.report import GapReport, GapResult, Settings, SideSummary
from gapscan.responses import Responses, load_responses
from gapscan.rules import evaluate_rules, unchecked_rules
from gapscan.schema import load_schema
from gapscan.stats import adjust_pvalues, compare_means, compare_top_box, wilson_interval
from gapscan.survey import CUSTOMER, VENDOR, Mode, Question, Survey

SegmentKey = tuple[tuple[str, str], ...]
_TableOf = Callable[[str], np.ndarray]


@dataclass(frozen=True)
class AnalysisOptions:
    """Choices made at run time (the schema's ``analysis:`` gives the defaults)."""

    segments: tuple[str, ...] | None = None  # None: the schema's segments
    apply_rules: bool = True
    mode: Mode | None = None  # None: the schema's analysis.mode
    show_accounts: int = 0  # paired: list this many most-misjudged accounts
    notes: tuple[str, ...] = ()  # what was done about the options (shown, and in the report)

    def __post_init__(self) -> None:
        """A segment given twice (``--by region --by region``) is analysed once: twice
        would add its tests to the correction's family again."""
        if self.segments is None:
            return
        unique = tuple(dict.fromkeys(self.segments))
        if unique == self.segments:
            return
        repeated = [s for s in unique if self.segments.count(s) > 1]
        notes = tuple(f"segment '{s}' was given more than once; analysed once" for s in repeated)
        object.__setattr__(self, "segments", unique)
        object.__setattr__(self, "notes", (*self.notes, *notes))

    def resolved_mode(self, survey: Survey) -> Mode:
        return self.mode or survey.analysis.mode


def analyze(
    survey: Survey, responses: Responses, options: AnalysisOptions | None = None
) -> GapReport:
    """Compare vendors and customers on every question, overall and per segment.

    Raises ``GapscanError`` for what ``gapscan validate`` calls an error (a side
    without respondents, a question nobody answered on a side, with the same codes),
    and for a rule that has nothing to check: a gate never passes on nothing."""
    options = options or AnalysisOptions()
    settings = survey.analysis
    mode = options.resolved_mode(survey)
    counts = count_answers(survey, responses)
    refuse_errors(data_findings(survey, responses, counts))
    pairing = None
    if mode is Mode.PAIRED:
        from gapscan.paired_analysis import paired_results
        from gapscan.pairing import summarize_pairing

        pairing = summarize_pairing(survey, responses)
        raw = paired_results(survey, responses, options.show_accounts)
    else:
        raw = []
        for segment, table_of in _views(survey, responses, counts):
            for q in survey.questions:
                raw.append(_compare(q, segment, table_of(q.id), survey))
    results = _adjust(raw, survey)
    report = GapReport(
        survey=survey.name,
        schema=str(survey.path),
        inputs=responses.inputs,
        n_vendor=responses.n_vendor,
        n_customer=responses.n_customer,
        settings=Settings(
            confidence=settings.confidence,
            alpha=settings.alpha,
            correction=settings.correction.value,
            min_n=settings.min_n,
            mode=mode.value,
            segments=tuple(s.column for s in responses.segments),
            rules_applied=options.apply_rules,
            notes=options.notes,
        ),
        results=tuple(results),
        headline=_headline(results),
        pairing=pairing,
        fingerprint=fingerprint_of(survey),
    )
    if options.apply_rules:
        report = replace(report, rules=evaluate_rules(report.results, survey.rules))
        unchecked = unchecked_rules(report.rules, survey, mode)
        if unchecked:
            raise GapscanError(unchecked)
    return report


def analyze_files(
    schema: str | Path,
    data: Sequence[str | Path] = (),
    *,
    vendor: Sequence[str | Path] = (),
    customer: Sequence[str | Path] = (),
    options: AnalysisOptions | None = None,
) -> GapReport:
    """Load a schema and its data files and analyse them (what ``gapscan analyze`` does)."""
    options = options or AnalysisOptions()
    survey = load_schema(schema)
    responses = load_responses(
        survey,
        data,
        vendor=vendor,
        customer=customer,
        segments=options.segments,
        paired=options.resolved_mode(survey) is Mode.PAIRED,
    )
    return analyze(survey, responses, options)


def _views(
    survey: Survey, responses: Responses, counts: dict[str, QuestionCounts]
) -> list[tuple[SegmentKey, _TableOf]]:
    def overall(qid: str) -> np.ndarray:
        return counts[qid].overall

    def in_segment(column: str, index: int) -> _TableOf:
        return lambda qid: counts[qid].by_segment[column][index]

    views: list[tuple[SegmentKey, _TableOf]] = [((), overall)]
    for segment in responses.segments:
        for index, label in enumerate(segment.labels):
            views.append((((segment.column, label),), in_segment(segment.column, index)))
    return views


def _compare(q: Question, segment: SegmentKey, table: np.ndarray, survey: Survey) -> GapResult:
    settings = survey.analysis
    n_v, n_c = int(table[VENDOR].sum()), int(table[CUSTOMER].sum())
    suppressed = GapResult.suppressed_for(q, segment, n_v, n_c)
    if min(n_v, n_c) < settings.min_n:
        return suppressed
    top = sorted(q.scale.top_box)
    x_v, x_c = int(table[VENDOR, top].sum()), int(table[CUSTOMER, top].sum())
    tb = compare_top_box(x_v, n_v, x_c, n_c, confidence=settings.confidence)
    mc = compare_means(table[VENDOR], table[CUSTOMER])
    v_low, v_high = wilson_interval(x_v, n_v, confidence=settings.confidence)
    c_low, c_high = wilson_interval(x_c, n_c, confidence=settings.confidence)
    return replace(
        suppressed,
        suppressed=False,
        vendor=SideSummary(n_v, x_v / n_v, mc.mean_vendor, False, v_low, v_high),
        customer=SideSummary(n_c, x_c / n_c, mc.mean_customer, False, c_low, c_high),
        gap=tb.gap,
        ci_low=tb.ci_low,
        ci_high=tb.ci_high,
        test=tb.test,
        statistic=tb.statistic,
        p_value=tb.p_value,
        effect_size=tb.effect_size,
        effect_size_name="cohens_h",
        mean_gap=mc.mean_gap,
        mean_test="mann-whitney",
        mean_statistic=mc.statistic,
        mean_p_value=mc.p_value,
        mean_effect_size=mc.effect_size,
        mean_effect_size_name="rank_biserial",
    )


def _adjust(results: list[GapResult], survey: Survey) -> list[GapResult]:
    """Adjust the top-box family and the mean family separately, across all views."""
    settings = survey.analysis
    tested = [i for i, r in enumerate(results) if not r.suppressed]
    p_top = adjust_pvalues([results[i].p_value or 0.0 for i in tested], settings.correction)
    p_mean = adjust_pvalues([results[i].mean_p_value or 0.0 for i in tested], settings.correction)
    adjusted = list(results)
    for i, pt, pm in zip(tested, p_top, p_mean, strict=True):
        adjusted[i] = replace(
            results[i],
            p_adjusted=pt,
            significant=pt < settings.alpha,
            mean_p_adjusted=pm,
            mean_significant=pm < settings.alpha,
        )
    return adjusted


def _headline(results: list[GapResult]) -> GapResult | None:
    """The largest significant top-box gap in the whole sample (the JSON's ``headline``;
    the segments' are in ``GapReport.headlines``)."""
    return largest([r for r in results if not r.segment], TOP_BOX)
