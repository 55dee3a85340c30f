"""Fixed rounding for human formats (JSON keeps full precision)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from gapscan.headlines import Headline
from gapscan.report import Breach, GapReport, GapResult, Settings, TrendReport
from gapscan.responses import InputSummary
from gapscan.subsets import IGNORED_SIDE
from gapscan.survey import DEFAULT_SIDE_LABELS


def percent(value: float | None, decimals: int = 1) -> str:
    return "-" if value is None else f"{100 * value:.{decimals}f}%"


def points(value: float | None, decimals: int = 1) -> str:
    return "-" if value is None else f"{100 * value:+.{decimals}f}"


def interval(low: float | None, high: float | None) -> str:
    if low is None or high is None:
        return "-"
    return f"{points(low)}, {points(high)}"


def p_value(value: float | None) -> str:
    if value is None:
        return "-"
    return "<0.001" if value < 0.001 else f"{value:.3f}"


def signed(value: float | None, decimals: int = 2) -> str:
    return "-" if value is None else f"{value:+.{decimals}f}"


def mean_gap_interval(r: GapResult) -> str:
    """A numeric question's Welch interval of the mean gap, ``[-0.21, +5.51]``; empty
    for other questions."""
    low, high = r.mean_gap_ci_low, r.mean_gap_ci_high
    if r.mean_test not in ("welch-t", "design-t") or low is None or high is None:
        return ""
    return f"[{signed(low)}, {signed(high)}]"


def effective_sizes(r: GapResult) -> str:
    """A weighted result's Kish effective sizes, ``118.2/47.9``; empty otherwise."""
    v, c = r.vendor.design, r.customer.design
    if v is None or c is None:
        return ""
    return f"{v.n_eff:.1f}/{c.n_eff:.1f}"


def design_legend(report: GapReport) -> str:
    """What a weighted run computed, in one paragraph (console and markdown)."""
    s = report.settings
    notes = "".join(f" Note: {n}." for n in s.notes if n.startswith("a design effect"))
    made = f" Weighting: {s.weighting.methods_text()}." if s.weighting is not None else ""
    return (
        f"Weighted, design-based estimates (design: {s.design}; {s.degf} degrees of "
        "freedom, PSUs minus strata): each side a domain of the whole design, shares, "
        "means and NPS weighted, standard errors by Taylor linearisation (as R's svymean "
        "and svyby); every gap tested by a design-based t-test as svyttest(y ~ side, "
        f"design), on {s.degf} - 1 degrees of freedom, with its t interval; the whole "
        "answer distribution by the Rao-Scott second-order corrected F test, as "
        'svychisq(~question + side, design, statistic = "F"), not corrected for multiple '
        "comparisons (none for numeric questions). n is the "
        "unweighted count (the basis of suppression), n_eff Kish's effective sample size "
        f"(sum of weights squared over the sum of squared weights).{made}{notes}"
    )


def confidence_label(report: GapReport) -> str:
    return f"{100 * report.settings.confidence:g}% CI"


def segment_title(segment: tuple[tuple[str, str], ...]) -> str:
    """``region = EMEA``; respondents with no value (the empty label) are
    ``region (no value)``, which no value read from a file can spell."""
    parts = (f"{c} = {v}" if v else f"{c} (no value)" for c, v in segment)
    return ", ".join(parts) or "All respondents"


Escape = Callable[[str], str]  # makes user text inert in one medium (gapscan.text)


def side_headers(settings: Settings, escape: Escape) -> tuple[str, str]:
    """The sides as a column header or legend names them: ``Vendor``/``Customer``, or
    the schema's ``sides.labels`` (passed through ``escape``)."""
    vendor, customer = settings.side_labels
    return escape(vendor), escape(customer)


def side_nouns(settings: Settings, escape: Escape) -> tuple[str, str]:
    """The sides inside a sentence: ``vendor``/``customer``, or the labels as given."""
    if settings.side_labels == DEFAULT_SIDE_LABELS:
        return "vendor", "customer"
    return side_headers(settings, escape)


def respondents(settings: Settings, n_vendor: int, n_customer: int, escape: Escape) -> str:
    """``1,234 vendor, 567 customer`` (or with the sides' labels)."""
    vendor, customer = side_nouns(settings, escape)
    return f"{n_vendor:,} {vendor}, {n_customer:,} {customer}"


def filter_lines(settings: Settings, escape: Escape) -> list[str]:
    """What chose the rows: each filter with the rows it removed, and the side values
    that belong to neither side; and the weighting that weighted them."""
    lines = [f"filter {escape(f.describe())}" for f in settings.filters]
    if settings.ignored_sides:
        lines.append(
            "side values of neither side, left out: " + escape(", ".join(settings.ignored_sides))
        )
    if settings.weighting is not None:
        lines.append(f"weighting: {escape(settings.weighting.describe())}")
    return lines


def headline(report: GapReport, escape: Escape) -> str:
    """The headline as one block of text, a line per sentence (see :func:`headline_lines`)."""
    return "\n".join(headline_lines(report, escape))


def headline_lines(report: GapReport, escape: Escape) -> list[str]:
    """The headline in plain language: per kind of gap, its largest significant gap in
    the whole sample (else in a segment, saying the whole sample has none), or that
    none is significant; then what was tested. User text passes through ``escape``."""
    heads = report.headlines
    if not heads:
        unit = "pairs" if report.settings.mode == "paired" else "answers on a side"
        return [
            f"No gap was tested: every group has fewer than {report.settings.min_n} {unit} "
            "and is suppressed."
        ]
    if all(h.result is None for h in heads):
        labels = [h.kind.label for h in heads]
        kinds = labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " or " + labels[-1]
        lines = [f"No {kinds} gap is significant{_anywhere(report)}."]
    else:
        lines = [_kind_line(report, h, escape) for h in heads]
    return [*lines, tested_line(report, heads)]


def _anywhere(report: GapReport) -> str:
    segments = any(r.segment for r in report.results)
    return ", in the whole sample or in any segment" if segments else ""


def _kind_line(report: GapReport, h: Headline, escape: Escape) -> str:
    if h.result is None:
        return f"No {h.kind.label} gap is significant{_anywhere(report)}."
    clause = GAP_CLAUSES[h.kind.name](report, h.result, escape)
    if h.in_segment:
        place = escape(segment_place(h.result.segment))
        return f"No whole-sample {h.kind.label} gap is significant; in {place}, {clause}."
    return f"{clause[:1].upper()}{clause[1:]}."


def segment_place(segment: tuple[tuple[str, str], ...]) -> str:
    """A segment as a headline names it: ``EMEA (region)``; ``region (no value)``."""
    return ", ".join(f"{v} ({c})" if v else f"{c} (no value)" for c, v in segment)


def _who(settings: Settings, gap: float, amount: str, measure: str, escape: Escape) -> str:
    """Who rates higher, the right way round for the sign the tables show (``+0.0``:
    vendors, ``-0.0``: customers). With ``sides.labels`` the sentence names the sides
    by their labels and says what is higher (``measure``)."""
    vendor_higher = math.copysign(1.0, gap) > 0
    if settings.side_labels != DEFAULT_SIDE_LABELS:
        higher, lower = side_headers(settings, escape)[:: 1 if vendor_higher else -1]
        return f"the {measure} is {amount} for {higher} than for {lower}"
    if vendor_higher:
        return f"vendors rate themselves {amount} than customers rate them"
    return f"customers rate their vendors {amount} than vendors rate themselves"


def side_plurals(settings: Settings, escape: Escape) -> tuple[str, str]:
    """The sides in the plural: ``vendors``/``customers``, or the labels as given."""
    if settings.side_labels == DEFAULT_SIDE_LABELS:
        return "vendors", "customers"
    return side_headers(settings, escape)


def p_phrase(value: float | None, correction: str) -> str:
    """``p < 0.001 after holm correction``, as the tables round it."""
    shown = p_value(value)
    text = "p < 0.001" if shown.startswith("<") else f"p = {shown}"
    if correction == "none":
        return f"{text}, not corrected for multiplicity"
    return f"{text} after {correction} correction"


def _top_box_clause(report: GapReport, r: GapResult, escape: Escape) -> str:
    assert r.gap is not None
    s = report.settings
    who = _who(s, r.gap, f"{100 * abs(r.gap):.1f} points higher", "top-box share", escape)
    vendors, customers = side_plurals(s, escape)
    return (
        f"{who} on “{escape(r.question_text)}”: {percent(r.vendor.top_box)} of {vendors} vs "
        f"{percent(r.customer.top_box)} of {customers} give a top-box answer "
        f"({confidence_label(report)} {points(r.ci_low)} to {points(r.ci_high)} points, "
        f"{p_phrase(r.p_adjusted, report.settings.correction)})"
    )


def _mean_clause(report: GapReport, r: GapResult, escape: Escape) -> str:
    assert r.mean_gap is not None
    amount = f"{abs(r.mean_gap):.2f} scale points higher on average"
    who = _who(report.settings, r.mean_gap, amount, "mean score", escape)
    p = p_phrase(r.mean_p_adjusted, report.settings.correction)
    return f"{who} on “{escape(r.question_text)}” ({p})"


def _nps_clause(report: GapReport, r: GapResult, escape: Escape) -> str:
    assert r.nps is not None and r.nps.gap is not None
    s = report.settings
    v, c = r.vendor.nps, r.customer.nps
    assert v is not None and c is not None
    amount = f"{100 * abs(r.nps.gap):.1f} NPS points higher"
    who = _who(s, r.nps.gap, amount, "Net Promoter Score", escape)
    vendor, customer = side_nouns(s, escape)
    return (
        f"{who} on “{escape(r.question_text)}”: NPS {points(v.nps)} ({vendor}) vs "
        f"{points(c.nps)} ({customer}) ({confidence_label(report)} {points(r.nps.ci_low)} to "
        f"{points(r.nps.ci_high)} points, {p_phrase(r.nps.p_adjusted, s.correction)})"
    )


# Each headline kind's clause (gapscan.headlines.HEADLINE_KINDS): who rates higher, by
# how much, on what, how sure; the numbers rounded as the tables round them.
GAP_CLAUSES: dict[str, Callable[[GapReport, GapResult, Escape], str]] = {
    "top_box": _top_box_clause,
    "mean": _mean_clause,
    "nps": _nps_clause,
}


def tested_line(report: GapReport, heads: Sequence[Headline]) -> str:
    """What the headline's gaps were chosen from: how many tests, where, how corrected."""
    s = report.settings
    each = [f"{h.tested} {h.kind.label}" for h in heads]
    counts = each[0] if len(each) == 1 else ", ".join(each[:-1]) + " and " + each[-1]
    counts += " gap" if heads[-1].tested == 1 else " gaps"
    questions = len({r.question for r in report.results})
    segments = len({r.segment for r in report.results if r.segment})
    views = "the whole sample" + (f" and {_count(segments, 'segment')}" if segments else "")
    suppressed = sum(1 for r in report.results if r.suppressed)
    held_back = f"; {_count(suppressed, 'group')} suppressed" if suppressed else ""
    if s.correction == "none":
        correction = "not corrected for multiplicity"
    else:
        within = " within each kind" if len(heads) > 1 else ""
        correction = f"{s.correction} correction{within}"
    return (
        f"Tested: {counts} ({_count(questions, 'question')} in {views}{held_back}), "
        f"{correction}, α = {s.alpha:g}."
    )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def significance_note(report: GapReport) -> str:
    """What the tables' ``yes*`` and ``*`` mean, said under the first table."""
    s = report.settings
    with_nps = s.nps and s.mode != "paired"  # paired mode computes no NPS
    families = "top-box, mean and NPS gaps" if with_nps else "top-box and mean gaps"
    if s.correction == "none":
        when = f"p below α = {s.alpha:g} (not corrected for multiplicity)"
    else:
        when = (
            f"adjusted p below α = {s.alpha:g} after {s.correction} correction across every "
            f"table of this report, {families} as separate families"
        )
    return f"Significant? yes* (and a * after a mean gap) means significant: {when}."


def trend_significance_note(trend: TrendReport) -> str:
    """What the trend tables' ``*`` means, said under the first table."""
    if not trend.reports:
        return "Significant? yes* and a * after a change mean significant."
    s = trend.reports[-1].settings
    corrected = f"after {s.correction} correction"
    if s.correction == "none":
        corrected = "without correction"
    return (
        f"Significant? yes* means the wave's gap is significant at "
        f"α = {s.alpha:g} {corrected} within its wave; a * after a change means its p is "
        f"below α = {s.alpha:g}, not corrected for multiplicity."
    )


def trend_headline(trend: TrendReport, escape: Escape) -> str:
    """The latest wave's largest significant change of gap, or that none changed."""
    if len(trend.waves) < 2:
        return "One wave: no change to test."
    wave = trend.waves[-1]
    point = trend.headline
    if point is None or point.change is None:
        n = trend.changes_tested()
        return (
            f"No gap changed significantly in {escape(wave)}: {_count(n, 'change')} since the "
            f"previous wave tested (p below α = {trend.reports[-1].settings.alpha:g}, "
            "not corrected for multiplicity)."
        )
    c, r = point.change, point.result
    earlier, later = c.baseline_gap, r.gap or 0.0
    verb = "changed"
    if earlier * later > 0:
        verb = "widened" if abs(later) > abs(earlier) else "narrowed"
    return (
        f"In {escape(wave)}, the largest significant change since {escape(c.baseline_wave)}: "
        f"the top-box gap on “{escape(r.question_text)}” {verb} by {100 * abs(c.change):.1f} "
        f"points, from {points(earlier)} to {points(later)} "
        f"({100 * trend.reports[-1].settings.confidence:g}% CI of the change "
        f"{points(c.ci_low)} to {points(c.ci_high)} points, {p_phrase(c.p_value, 'none')})."
    )


def metric_value(metric: str, value: float) -> str:
    """A rule's metric as people read it: gaps and changes in points, mean gaps in
    scale points."""
    if metric == "nps_gap":
        return f"{points(value)} NPS points"
    return signed(value) if metric == "mean_gap" else f"{points(value)} points"


def breach_text(question: str, value: float, bound: str, limit: float, metric: str) -> str:
    sign = ">" if bound == "max" else "<"
    shown, lim = metric_value(metric, value), metric_value(metric, limit)
    return f"{question}: {shown} {sign} {bound} {lim}"


def breach_p(breach: Breach) -> str:
    if breach.p_adjusted is not None:
        return f"p = {p_value(breach.p_adjusted)} (adjusted)"
    if breach.p_value is not None:
        return f"p = {p_value(breach.p_value)}"
    return "p = -"


def input_line(i: InputSummary, escape: Escape = str) -> str:
    """What was read from one file, in a phrase (the names of the filters' columns
    passed through ``escape``)."""
    parts = [f"{i.rows:,} rows read"]
    if i.format.startswith("count table"):
        parts.append("a count table: respondent identity could not be checked")
    if i.tool != "plain":
        parts.append(f"{i.tool} export")
    if i.side:
        parts.append(f"{i.side} side")
    if i.blank_rows:
        parts.append(f"{i.blank_rows:,} blank rows skipped")
    if i.excluded:
        parts.append(f"excluded: {excluded_text(i, escape)}")
    if i.unfinished_kept:
        parts.append(f"{i.unfinished_kept:,} unfinished responses kept")
    if i.duplicates_dropped:
        parts.append(f"{i.duplicates_dropped:,} responses with a repeated id dropped")
    return ", ".join(parts)


def excluded_text(i: InputSummary, escape: Escape) -> str:
    """``151 filtered out by condition, 3 preview``"""
    return ", ".join(
        f"{n:,} {_excluded_reason(why, escape)}" for why, n in sorted(i.excluded.items())
    )


def _excluded_reason(key: str, escape: Escape) -> str:
    """A key of ``InputSummary.excluded`` in words."""
    if key == IGNORED_SIDE:
        return "of neither side (sides.ignore)"
    if key.startswith("filter "):
        return f"filtered out by {escape(key.removeprefix('filter '))}"
    return key


def weighted_change_method(earlier: str) -> str:
    """How a weighted run's change of gap is tested, for the methods (``earlier``:
    "the earlier report's" or "the previous wave's")."""
    return (
        f"the gap minus {earlier} gap, tested by a z-test of the difference of two "
        "independent gaps whose SE is the square root of the sum of the two waves' squared "
        "design-based (Taylor-linearised) SEs: the normal z, the waves being independent "
        "samples; so for the top-box, the mean (in the JSON: mean_change) and the NPS gap"
    )
