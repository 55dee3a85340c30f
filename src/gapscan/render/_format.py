"""Fixed rounding for human formats (JSON keeps full precision)."""

from __future__ import annotations

from collections.abc import Callable

from gapscan.report import Breach, GapReport, GapResult, Settings
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
    if r.mean_test != "welch-t" or low is None or high is None:
        return ""
    return f"[{signed(low)}, {signed(high)}]"


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
    that belong to neither side."""
    lines = [f"filter {escape(f.describe())}" for f in settings.filters]
    if settings.ignored_sides:
        lines.append(
            "side values of neither side, left out: " + escape(", ".join(settings.ignored_sides))
        )
    return lines


def headline(report: GapReport, escape: Escape) -> str:
    """The plain-language sentence for the largest significant gap, its user text
    passed through ``escape``."""
    if report.headline is None:
        return (
            f"No top-box gap is significant at α = {report.settings.alpha:g} "
            f"after {report.settings.correction} correction."
        )
    return sentence(report, report.headline, escape)


def sentence(report: GapReport, r: GapResult, escape: Escape) -> str:
    """One result in plain language: who rates higher, by how much, how sure (the
    question text and segment passed through ``escape``)."""
    assert r.gap is not None and r.vendor.top_box is not None and r.customer.top_box is not None
    size = abs(100 * r.gap)
    amount = f"{size:.0f}" if size >= 9.5 else f"{size:.1f}"
    if report.settings.side_labels != DEFAULT_SIDE_LABELS:
        higher, lower = side_headers(report.settings, escape)[:: 1 if r.gap > 0 else -1]
        lead = f"The top-box share is {amount} points higher for {higher} than for {lower}"
    elif r.gap > 0:
        lead = f"Vendors rate themselves {amount} points higher than customers rate them"
    else:
        lead = f"Customers rate their vendors {amount} points higher than vendors rate themselves"
    where = f" ({escape(segment_title(r.segment))})" if r.segment else ""
    p = p_value(r.p_adjusted)
    p_text = "p < 0.001" if p.startswith("<") else f"p = {p}"
    return (
        f"{lead} on “{escape(r.question_text)}”{where}: {percent(r.vendor.top_box)} vs "
        f"{percent(r.customer.top_box)} ({confidence_label(report)} "
        f"{points(r.ci_low)} to {points(r.ci_high)} points, "
        f"{p_text} after {report.settings.correction} correction)."
    )


def metric_value(metric: str, value: float) -> str:
    """A rule's metric as people read it: gaps and changes in points, mean gaps in
    scale points."""
    if metric == "nps_gap":
        return f"{points(value)} NPS points"
    return signed(value) if metric == "mean_gap" else f"{points(value)} pp"


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
