"""``analyze(survey, responses, options) -> GapReport``: the library's front door, and
``analyze_counts(survey, tally, options)`` for a count table made elsewhere."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from gapscan.checks import data_findings, refuse_errors
from gapscan.count_first import can_stream, stream_tally
from gapscan.counts import QuestionCounts
from gapscan.distribution import with_distribution
from gapscan.errors import GapscanError
from gapscan.fingerprint import fingerprint_of
from gapscan.headlines import TOP_BOX, largest
from gapscan.nps_results import adjust_nps, nps_notes, with_nps
from gapscan.progress import tracked
from gapscan.report import GapReport, GapResult, Settings, SideSummary
from gapscan.responses import ReadOptions, Responses, load_responses
from gapscan.rules import evaluate_rules, unchecked_rules
from gapscan.schema import load_schema
from gapscan.stats import adjust_pvalues, compare_means, compare_top_box, wilson_interval
from gapscan.stats.welch import welch_from_counts
from gapscan.subsets import applied_filters
from gapscan.survey import CUSTOMER, VENDOR, Mode, Question, Survey
from gapscan.tally import Tally, tally_of
from gapscan.weighted_analysis import deff_notes, weighted_result

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


def refuse_paired_design(survey: Survey, options: AnalysisOptions) -> None:
    """Weights and designs apply to independent samples: a paired run with one is an error."""
    if survey.design is not None and options.resolved_mode(survey) is Mode.PAIRED:
        raise GapscanError.single(
            "weights and designs apply to independent samples, not to paired analysis",
            file=str(survey.path),
            hint="drop --weight/--cluster (and the schema's weight:/design:/weighting:), or "
            "--paired (and the schema's mode: paired)",
        )


def analyze(
    survey: Survey, responses: Responses, options: AnalysisOptions | None = None
) -> GapReport:
    """Compare vendors and customers on every question, overall and per segment.

    Raises ``GapscanError`` for what ``gapscan validate`` calls an error (a side
    without respondents, a question nobody answered on a side, with the same codes),
    and for a rule that has nothing to check: a gate never passes on nothing."""
    options = options or AnalysisOptions()
    refuse_paired_design(survey, options)
    if survey.weighting is not None and responses.weighting is None:
        raise ValueError("the schema has weighting: but the responses were not weighted")
    return _report(survey, tally_of(survey, responses), options, responses)


def analyze_counts(
    survey: Survey,
    tally: Tally,
    options: AnalysisOptions | None = None,
    accounts: Responses | None = None,
) -> GapReport:
    """``analyze`` from a count table (``gapscan.count_table.read_counts``): the same
    report. A paired run needs ``accounts``, what a per-account table's rows stand for
    (``gapscan.count_accounts.read_paired_counts``)."""
    from gapscan.count_checks import refuse_unsupported

    options = options or AnalysisOptions()
    paired = options.resolved_mode(survey) is Mode.PAIRED
    refuse_unsupported(survey, paired)
    refuse_paired_design(survey, options)
    if paired and accounts is None:
        raise ValueError("a paired run from a count table needs its accounts")
    return _report(survey, tally, options, accounts if paired else None)


def _report(
    survey: Survey, tally: Tally, options: AnalysisOptions, responses: Responses | None
) -> GapReport:
    """The report from the count table; ``responses`` for a paired run."""
    schema_survey = survey  # what a later run's fingerprint is checked against
    survey = survey.with_numbers(tally.numbers)  # numeric questions: values as levels
    settings = survey.analysis
    mode = options.resolved_mode(survey)
    refuse_errors(data_findings(survey, tally))
    pairing = None
    if mode is Mode.PAIRED:
        from gapscan.paired_analysis import paired_results
        from gapscan.pairing import summarize_pairing

        assert responses is not None
        pairing = summarize_pairing(survey, responses)
        raw = paired_results(survey, responses, options.show_accounts)
    else:
        raw = _independent(survey, tally)
    results = adjust_nps(_adjust(raw, survey), settings)
    notes = options.notes + tally.notes + nps_notes(survey, mode)
    notes += deff_notes(results) if tally.design is not None else ()
    report = GapReport(
        survey=survey.name,
        schema=str(survey.path),
        inputs=tally.inputs,
        n_vendor=tally.n_vendor,
        n_customer=tally.n_customer,
        settings=_settings(survey, tally, options, mode, notes),
        results=tuple(results),
        headline=_headline(results),
        pairing=pairing,
        fingerprint=fingerprint_of(schema_survey),
    )
    if options.apply_rules:
        report = replace(report, rules=evaluate_rules(report.results, survey.rules))
        unchecked = unchecked_rules(report.rules, survey, mode)
        if unchecked:
            raise GapscanError(unchecked)
    return report


def _settings(
    survey: Survey, tally: Tally, options: AnalysisOptions, mode: Mode, notes: tuple[str, ...]
) -> Settings:
    settings = survey.analysis
    return Settings(
        confidence=settings.confidence,
        alpha=settings.alpha,
        correction=settings.correction.value,
        min_n=settings.min_n,
        mode=mode.value,
        segments=tuple(s.column for s in tally.segments),
        rules_applied=options.apply_rules,
        notes=notes,
        design=survey.design.describe() if survey.design is not None else None,
        weighting=tally.weighting,
        degf=tally.design.design.degf if tally.design is not None else None,
        filters=applied_filters(survey.filters, tally.filtered),
        ignored_sides=survey.sides.ignore,
        side_labels=survey.sides.labels,
        nps=any(q.nps is not None for q in survey.questions),
    )


def _independent(survey: Survey, tally: Tally) -> list[GapResult]:
    raw = []
    for segment, table_of in _views(tally):
        for q in survey.questions:
            table = table_of(q.id)
            raw.append(with_distribution(_compare(q, segment, table, survey), q.scale, table))
    return _weighted_results(raw, survey, tally) if tally.design is not None else raw


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
    loaded = load_data(survey, data, vendor=vendor, customer=customer, options=options)
    return analyze_loaded(survey, loaded, options)


Loaded = tuple[Tally, Responses | None]  # the count table; the responses when held


def load_data(
    survey: Survey,
    data: Sequence[str | Path] = (),
    *,
    vendor: Sequence[str | Path] = (),
    customer: Sequence[str | Path] = (),
    options: AnalysisOptions | None = None,
    reading: ReadOptions | None = None,
) -> Loaded:
    """The inputs' count table, counted batch by batch when the run needs no row once
    its answers are coded (:mod:`gapscan.count_first`: memory that does not grow with
    the rows); else with the responses held, as ``load_responses`` gives them."""
    options = options or AnalysisOptions()
    paired = options.resolved_mode(survey) is Mode.PAIRED
    segments = options.segments
    if can_stream(survey, paired=paired or options.show_accounts > 0):
        tally = stream_tally(
            survey, data, vendor=vendor, customer=customer, segments=segments, reading=reading
        )
        if tally is not None:
            return tally, None
    responses = load_responses(
        survey,
        data,
        vendor=vendor,
        customer=customer,
        segments=segments,
        paired=paired,
        reading=reading,
    )
    return tally_of(survey, responses), responses


def analyze_loaded(
    survey: Survey, loaded: Loaded, options: AnalysisOptions | None = None
) -> GapReport:
    """``analyze`` of what :func:`load_data` gave."""
    tally, responses = loaded
    options = options or AnalysisOptions()
    refuse_paired_design(survey, options)
    return _report(survey, tally, options, responses)


def _views(tally: Tally) -> list[tuple[SegmentKey, _TableOf]]:
    counts = tally.counts

    def overall(qid: str) -> np.ndarray:
        return counts[qid].overall

    def in_segment(column: str, index: int) -> _TableOf:
        return lambda qid: counts[qid].by_segment[column][index]

    views: list[tuple[SegmentKey, _TableOf]] = [((), overall)]
    for segment in tally.segments:
        for index, label in enumerate(segment.labels):
            views.append((((segment.column, label),), in_segment(segment.column, index)))
    return views


def _weighted_results(raw: list[GapResult], survey: Survey, tally: Tally) -> list[GapResult]:
    """Every result computed on the design, question by question: one question's
    design cells are made (when the counts do not carry them), used for each of its
    views and let go before the next question's."""
    at: dict[str, list[int]] = {}
    for i, result in enumerate(raw):
        at.setdefault(result.question, []).append(i)
    weighted = list(raw)
    for q in tracked(survey.questions, len(survey.questions), "testing"):
        cells = tally.with_cells(q)
        for i in at.get(q.id, []):
            weighted[i] = _weighted(raw[i], q, cells, tally, survey)
    return weighted


def _weighted(
    result: GapResult, q: Question, counts: QuestionCounts, tally: Tally, survey: Survey
) -> GapResult:
    """The result computed on the design, from the view's weighted cells."""
    assert tally.design is not None
    if not result.segment:
        cells, index = counts.design_overall, 0
    else:
        (column, label), *_ = result.segment
        cells = counts.design_by_segment[column]
        index = tally.labels_of(column).index(label)
    assert cells is not None
    return weighted_result(result, q, cells, index, tally.design, survey.analysis)


def _compare(q: Question, segment: SegmentKey, table: np.ndarray, survey: Survey) -> GapResult:
    settings = survey.analysis
    n_v, n_c = int(table[VENDOR].sum()), int(table[CUSTOMER].sum())
    suppressed = GapResult.suppressed_for(q, segment, n_v, n_c)
    if min(n_v, n_c) < settings.min_n:
        return suppressed
    mc = compare_means(table[VENDOR], table[CUSTOMER], q.scale.scores)
    result = replace(
        suppressed,
        suppressed=False,
        vendor=SideSummary(n_v, None, mc.mean_vendor),
        customer=SideSummary(n_c, None, mc.mean_customer),
        mean_gap=mc.mean_gap,
        mean_test="mann-whitney",
        mean_statistic=mc.statistic,
        mean_p_value=mc.p_value,
        mean_effect_size=mc.effect_size,
        mean_effect_size_name="rank_biserial",
    )
    if q.scale.numeric is not None:
        result = _welch(result, table, q.scale.scores, settings.confidence)
    if q.scale.has_top_box:
        result = _top_box(result, sorted(q.scale.top_box), table, settings.confidence)
    return with_nps(result, q, table, settings.confidence)


def _top_box(result: GapResult, top: list[int], table: np.ndarray, confidence: float) -> GapResult:
    """The top-box shares (Wilson intervals), their gap, its interval and test."""
    n_v, n_c = result.vendor.n, result.customer.n
    x_v, x_c = int(table[VENDOR, top].sum()), int(table[CUSTOMER, top].sum())
    tb = compare_top_box(x_v, n_v, x_c, n_c, confidence=confidence)
    v_low, v_high = wilson_interval(x_v, n_v, confidence=confidence)
    c_low, c_high = wilson_interval(x_c, n_c, confidence=confidence)
    return replace(
        result,
        vendor=SideSummary(n_v, x_v / n_v, result.vendor.mean, False, v_low, v_high),
        customer=SideSummary(n_c, x_c / n_c, result.customer.mean, False, c_low, c_high),
        gap=tb.gap,
        ci_low=tb.ci_low,
        ci_high=tb.ci_high,
        test=tb.test,
        statistic=tb.statistic,
        p_value=tb.p_value,
        effect_size=tb.effect_size,
        effect_size_name="cohens_h",
    )


def _welch(
    result: GapResult, table: np.ndarray, values: tuple[float, ...], confidence: float
) -> GapResult:
    """A numeric question: Welch's t-test of the mean gap, Mann–Whitney beside it."""
    w = welch_from_counts(table[VENDOR], table[CUSTOMER], values, confidence=confidence)
    return replace(
        result,
        mean_gap=w.mean_gap,
        mean_test="welch-t",
        mean_statistic=w.statistic,
        mean_p_value=w.p_value,
        mean_df=w.df,
        mean_gap_ci_low=w.ci_low,
        mean_gap_ci_high=w.ci_high,
        rank_statistic=result.mean_statistic,
        rank_p_value=result.mean_p_value,
    )


def _adjust(results: list[GapResult], survey: Survey) -> list[GapResult]:
    """Adjust the top-box family and the mean family separately, across all views."""
    settings = survey.analysis
    tested = [i for i, r in enumerate(results) if not r.suppressed]
    with_top = [i for i in tested if results[i].p_value is not None]  # numeric: top box optional
    p_top = adjust_pvalues([results[i].p_value or 0.0 for i in with_top], settings.correction)
    p_mean = adjust_pvalues([results[i].mean_p_value or 0.0 for i in tested], settings.correction)
    adjusted = list(results)
    for i, pm in zip(tested, p_mean, strict=True):
        adjusted[i] = replace(results[i], mean_p_adjusted=pm, mean_significant=pm < settings.alpha)
    for i, pt in zip(with_top, p_top, strict=True):
        adjusted[i] = replace(adjusted[i], p_adjusted=pt, significant=pt < settings.alpha)
    return adjusted


def _headline(results: list[GapResult]) -> GapResult | None:
    """The largest significant top-box gap in the whole sample (the JSON's ``headline``;
    the segments' are in ``GapReport.headlines``)."""
    return largest([r for r in results if not r.segment], TOP_BOX)
