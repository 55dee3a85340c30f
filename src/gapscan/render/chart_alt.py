"""The words that describe each chart: alt text for the markdown report's images
(and for any other report that shows the charts, e.g. an SVG ``<title>``).

Each description says what kind of chart it is, what it compares and the one
thing to take from it (the largest gap, the significant changes), in plain text:
the medium escapes it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from gapscan.render import _format as fmt
from gapscan.report import GapReport, GapResult, Settings, TrendReport
from gapscan.text import chart_label

_QUESTION = 80  # characters of a question's text in a description
_LISTED = 3  # significant changes named before "and N more"


def _sides(settings: Settings | None) -> tuple[str, str]:
    if settings is None:
        return "vendor", "customer"
    return fmt.side_nouns(settings, lambda text: chart_label(text, 30))


def _quoted(text: str) -> str:
    return f"“{chart_label(text, _QUESTION)}”"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _largest(results: Sequence[GapResult]) -> GapResult | None:
    shown = [r for r in results if not r.suppressed and r.gap is not None]
    return max(shown, key=lambda r: (abs(r.gap or 0.0), -shown.index(r)), default=None)


def _largest_words(r: GapResult | None) -> str:
    if r is None:
        return "every question suppressed (too few answers)"
    share = f"{fmt.percent(r.vendor.top_box, 0)} vs {fmt.percent(r.customer.top_box, 0)}"
    mark = ", significant" if r.significant else ""
    gap = fmt.points(r.gap, 0)
    return f"largest gap {gap} points on {_quoted(r.question_text)} ({share}{mark})"


def dumbbell_alt(report: GapReport) -> str:
    """The whole-sample dumbbell chart."""
    results = [r for r in report.results if not r.segment]
    vendor, customer = _sides(report.settings)
    if not results:
        return "Dumbbell chart of top-box shares: no whole-sample results."
    significant = sum(1 for r in results if r.significant)
    suppressed = sum(1 for r in results if r.suppressed)
    words = [
        f"Dumbbell chart: {vendor} and {customer} top-box share for "
        f"{_plural(len(results), 'question')}, all respondents",
        _largest_words(_largest(results)),
        f"{significant} of {len(results)} gaps significant",
    ]
    if suppressed:
        words.append(f"{suppressed} suppressed (too few answers)")
    return "; ".join(words) + "."


def segment_alt(report: GapReport, column: str) -> str:
    """The small-multiple dumbbells of one segment column."""
    from gapscan.render.dumbbell_chart import MAX_PANELS, segment_views

    every = segment_views(report, column)
    views = every[:MAX_PANELS]
    vendor, customer = _sides(report.settings)
    values = [title.split(" = ", 1)[-1] for title, _ in views]
    n = len({r.question for _, results in views for r in results})
    which = f"the first {len(views)} of {len(every)} values" if len(every) > len(views) else ""
    words = [
        f"Small-multiple dumbbell charts by {column}: a panel for each of "
        f"{which or _plural(len(views), 'value')} "
        f"({', '.join(chart_label(v, 30) for v in values)}), "
        f"each with {vendor} and {customer} top-box share for {_plural(n, 'question')}"
    ]
    best = _largest([r for _, results in views for r in results])
    if best is not None:
        where = fmt.segment_title(best.segment)
        words.append(f"{_largest_words(best)} in {chart_label(where, 40)}")
    hidden = [v for v, (_, results) in zip(values, views, strict=True) if _all_suppressed(results)]
    if hidden:
        names = ", ".join(chart_label(v, 30) for v in hidden)
        words.append(f"suppressed (too few answers): {names}")
    return "; ".join(words) + "."


def _all_suppressed(results: Sequence[GapResult]) -> bool:
    return all(r.suppressed for r in results)


def trend_alt(trend: TrendReport) -> str:
    """The trend chart."""
    settings = trend.reports[-1].settings if trend.reports else None
    vendor, customer = _sides(settings)
    if not trend.waves or not trend.questions:
        return "Line chart of top-box gaps across waves: no waves to show."
    span = f"{chart_label(trend.waves[0], 24)} to {chart_label(trend.waves[-1], 24)}"
    words = [
        f"Line chart: the {vendor} − {customer} top-box gap of "
        f"{_plural(len(trend.questions), 'question')} across "
        f"{_plural(len(trend.waves), 'wave')} ({span})"
    ]
    changes = [p for p in trend.points if p.change is not None and p.change.significant]
    if not changes:
        words.append("no significant change between waves")
    else:
        named = [
            f"{fmt.points(p.change.change)} points on {_quoted(p.result.question_text)} "
            f"in {chart_label(p.wave, 24)}"
            for p in changes[:_LISTED]
            if p.change is not None
        ]
        more = f" and {len(changes) - _LISTED} more" if len(changes) > _LISTED else ""
        words.append("significant changes: " + ", ".join(named) + more)
    return "; ".join(words) + "."


def distribution_alt(report: GapReport, question: str) -> str:
    """One question's distribution chart."""
    r = next(r for r in report.results if r.question == question and not r.segment)
    vendor, customer = _sides(report.settings)
    head = f"Diverging stacked bar chart of the answers to {_quoted(r.question_text)}"
    if r.suppressed or not r.vendor.distribution:
        return f"{head}: suppressed (too few answers)."
    levels = r.vendor.distribution
    first, last = chart_label(levels[0].level, 30), chart_label(levels[-1].level, 30)
    top = chart_label(r.top_box_text(), 60)
    return (
        f"{head}: {vendor} (n = {r.vendor.n:,}) and {customer} (n = {r.customer.n:,}) share "
        f"at each of {len(levels)} levels, from {first} to {last}; top box ({top}): "
        f"{fmt.percent(r.vendor.top_box, 0)} vs {fmt.percent(r.customer.top_box, 0)}."
    )


def report_alts(report: GapReport) -> dict[str, str]:
    """The alt text of every chart an analysis can write, by chart kind (``gaps``,
    ``gaps-by-<segment>``, ``distribution-<id>``)."""
    from gapscan.render.charts import segment_kinds
    from gapscan.render.distribution_chart import chart_kinds

    out = {"gaps": dumbbell_alt(report)}
    columns = report.settings.segments
    for column, kind in zip(columns, segment_kinds(columns), strict=True):
        out[kind] = segment_alt(report, column)
    questions = [r.question for r in report.results if not r.segment and not r.is_numeric]
    for qid, kind in zip(questions, chart_kinds(questions), strict=True):
        out[kind] = distribution_alt(report, qid)
    return out


def describer(alts: dict[str, str]) -> Callable[[Path], str]:
    """The alt text of a chart file, found by its kind: the file is ``<kind>.svg`` or
    ``<report>-<kind>.svg`` (the longest kind that matches wins); its name otherwise."""
    kinds = sorted(alts, key=len, reverse=True)

    def describe(path: Path) -> str:
        stem = path.stem
        for kind in kinds:
            if stem == kind or stem.endswith(f"-{kind}"):
                return alts[kind]
        return stem

    return describe


__all__ = [
    "describer",
    "distribution_alt",
    "dumbbell_alt",
    "report_alts",
    "segment_alt",
    "trend_alt",
]
