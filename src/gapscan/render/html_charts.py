"""The HTML report's charts: drawn by :mod:`gapscan.render.charts` and
:mod:`gapscan.render.distribution_chart` (the same deterministic SVG as the chart
files), inlined with a title and a description in words for screen readers."""

from __future__ import annotations

import math
from dataclasses import replace

from gapscan.render import _format as fmt
from gapscan.render.html_parts import figure
from gapscan.report import GapReport, GapResult, Settings, TrendReport


def plurals(settings: Settings) -> tuple[str, str]:
    """``vendors``/``customers``, or the sides' labels as the schema gives them."""
    vendor, customer = fmt.side_nouns(settings, str)
    if (vendor, customer) == ("vendor", "customer"):
        return "vendors", "customers"
    return vendor, customer


def direction(settings: Settings, gap: float | None) -> str:
    """Which side is higher, in words (``vendors higher``), so that the direction of a
    gap never rests on its colour or sign alone; the sign decides as the tables show it
    (``+0.0``: vendors). A gap that rounds to zero points is ``no difference``."""
    if gap is None:
        return ""
    if round(100 * abs(gap), 1) == 0:
        return "no difference"
    vendors, customers = plurals(settings)
    return f"{vendors if math.copysign(1.0, gap) > 0 else customers} higher"


def _result_words(report: GapReport, r: GapResult) -> str:
    vendor, customer = fmt.side_headers(report.settings, str)
    if r.suppressed or r.vendor.top_box is None or r.customer.top_box is None:
        return f"{r.question_text}: suppressed (too few answers)"
    sure = ", significant" if r.significant else ""
    return (
        f"{r.question_text}: {vendor} {fmt.percent(r.vendor.top_box)}, {customer} "
        f"{fmt.percent(r.customer.top_box)}, gap {fmt.points(r.gap)} points "
        f"({direction(report.settings, r.gap)}{sure})"
    )


def dumbbell(report: GapReport, results: list[GapResult], prefix: str, where: str) -> str:
    """The dumbbell chart of ``results`` (one view), titled for ``where`` (the view)."""
    from gapscan.render.charts import dumbbell_svg

    vendor, customer = fmt.side_headers(report.settings, str)
    view = replace(
        report,
        survey=report.survey if not results or not results[0].segment else where,
        results=tuple(replace(r, segment=()) for r in results),
    )
    title = f"Top-box share, {vendor} and {customer}, per question: {where}"
    desc = "; ".join(_result_words(report, r) for r in results) or "No results."
    return figure(dumbbell_svg(view), prefix, title, desc + ".")


def distribution(report: GapReport, r: GapResult, prefix: str) -> str:
    """One question's stacked-bar chart of every level's share, both sides."""
    from gapscan.render.distribution_chart import distribution_svg

    vendor, customer = fmt.side_headers(report.settings, str)
    title = f"Answers to “{r.question_text}”, {vendor} and {customer}, all respondents"
    if r.suppressed:
        desc = "Suppressed (too few answers)."
    else:
        parts = []
        for label, side in ((vendor, r.vendor), (customer, r.customer)):
            shares = ", ".join(f"{d.level} {fmt.percent(d.share)}" for d in side.distribution)
            parts.append(f"{label}: {shares}")
        desc = "; ".join(parts) + "."
    return figure(distribution_svg(report, r.question), prefix, title, desc)


def trend(trend_report: TrendReport, prefix: str) -> str:
    """The gap of each question across the waves."""
    from gapscan.render.charts import trend_svg

    settings = trend_report.reports[-1].settings if trend_report.reports else None
    vendor, customer = fmt.side_nouns(settings, str) if settings else ("vendor", "customer")
    waves = list(trend_report.waves)
    span = f"{waves[0]} to {waves[-1]}" if waves else "no waves"
    title = f"Top-box gap ({vendor} − {customer}, points) per question across waves, {span}"
    parts = []
    for qid, text in trend_report.questions:
        points = []
        for p in trend_report.series(qid):
            r = p.result
            shown = "suppressed" if r.suppressed else fmt.points(r.gap)
            mark = " (significant change)" if p.change is not None and p.change.significant else ""
            points.append(f"{p.wave} {shown}{mark}")
        parts.append(f"{text}: {', '.join(points)}")
    desc = ("; ".join(parts) or "No waves to show") + "."
    return figure(trend_svg(trend_report), prefix, title, desc)
