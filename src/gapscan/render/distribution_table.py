"""``--distribution`` tables (console and markdown), and the top box stated per
question (every human report): they read each side's ``distribution`` and the
results' ``top_box_labels``, and compute nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gapscan.render import _format as fmt
from gapscan.render import headings as words
from gapscan.report import GapReport, GapResult, SideSummary

if TYPE_CHECKING:
    from rich.console import RenderableType

SIDES = ("vendor", "customer")


def questions(report: GapReport) -> list[GapResult]:
    """One result per question (its first view), in report order."""
    seen: dict[str, GapResult] = {}
    for r in report.results:
        seen.setdefault(r.question, r)
    return list(seen.values())


def top_box_groups(report: GapReport) -> list[tuple[tuple[str, ...], list[str]]]:
    """The top-box answers, and the texts of the questions whose top box they are,
    in order of first appearance."""
    groups: dict[tuple[str, ...], list[str]] = {}
    for r in questions(report):
        key = (r.top_box_rule,) if r.top_box_rule is not None else r.top_box_labels
        groups.setdefault(key, []).append(r.question_text)
    return list(groups.items())


def levels_of(report: GapReport, question: str) -> list[str]:
    """The levels of a question, from any view that shows its distribution."""
    for r in report.results:
        if r.question == question and r.vendor.distribution:
            return [d.level for d in r.vendor.distribution]
    return []


def rows(
    report: GapReport, question: str, escape: fmt.Escape
) -> list[tuple[str, str, list[str], str]]:
    """Per view and side: the view's title, the side (its label passed through
    ``escape``), a "share (n)" cell per level ("–" when suppressed) and the answers
    counted (the side's n when suppressed)."""
    out = []
    k = len(levels_of(report, question))
    labels = fmt.side_headers(report.settings, escape)
    for r in report.results:
        if r.question != question:
            continue
        title = fmt.segment_title(r.segment)
        for label, name in zip(labels, SIDES, strict=True):
            side: SideSummary = getattr(r, name)
            cells = [f"{fmt.percent(d.share)} ({d.n:,})" for d in side.distribution]
            rows_cells = cells if cells and not r.suppressed else ["–"] * k
            counted = sum(d.n for d in side.distribution) if cells else side.n
            out.append((title, label, rows_cells, f"{counted:,}"))
    return out


def markdown_section(report: GapReport) -> list[str]:
    """``## Distribution``: per question, levels as columns, a row per view and side."""
    from gapscan.render.markdown import table
    from gapscan.text import markdown as escape

    out = ["## Distribution", ""]
    out.append(
        "Share of each side's answers at each level (count in brackets), in scale order."
        + _paired_note(report)
        + " Suppressed groups show no distribution."
    )
    out.append("")
    out += [numeric_note(report), ""] if numeric_note(report) else []
    for r in questions(report):
        if r.is_numeric:
            continue
        levels = levels_of(report, r.question)
        if not levels:
            out += [f"### {escape(r.question_text)}", "", "Every group is suppressed.", ""]
            continue
        header = [words.GROUP, words.SIDE, *(escape(level) for level in levels), words.ANSWERS]
        body = [
            [escape(title), side, *cells, n]
            for title, side, cells, n in rows(report, r.question, escape)
        ]
        out += [f"### {escape(r.question_text)}", ""]
        out += [*table(header, body, ["left", "left"] + ["right"] * (len(levels) + 1)), ""]
    return out


def console_tables(report: GapReport) -> list[RenderableType]:
    """The same counts for the terminal, turned on their side so that a scale of any
    length fits any width: per question and view, a row per level and a column per
    side."""
    from rich.table import Table
    from rich.text import Text

    from gapscan.render.fitted import Column, FittedTable
    from gapscan.text import terminal, visible

    tables: list[RenderableType] = []
    for r in questions(report):
        if r.is_numeric:
            continue
        levels = levels_of(report, r.question)
        by_view: dict[str, list[tuple[str, list[str], str]]] = {}
        for title, side, cells, n in rows(report, r.question, visible) if levels else []:
            by_view.setdefault(title, []).append((side, cells, n))
        if not by_view:
            tables.append(
                Table(title=terminal(f"Distribution: {r.question_text}: every group suppressed"))
            )
        for title, sides in by_view.items():
            columns = [Column(words.ANSWER)]
            columns += [Column(words.side_answers(side, n)) for side, _, n in sides]
            fitted = FittedTable(terminal(f"Distribution: {r.question_text} ({title})"), columns)
            for i, level in enumerate(levels):
                fitted.add_row(terminal(level), *(cells[i] for _, cells, _ in sides))
            tables.append(fitted)
    if numeric_note(report):
        tables.append(Text(numeric_note(report).replace("`", "") + "\n", style="dim"))
    return tables


def numeric_note(report: GapReport) -> str:
    """Why numeric questions have no distribution table or chart ("" when none)."""
    if not any(r.is_numeric for r in report.results):
        return ""
    return (
        "Numeric questions have no distribution table or chart (a bar per value answered "
        "would not be read): every value's count is in the JSON `distribution` and in "
        "`--format csv --distribution`."
    )


def _paired_note(report: GapReport) -> str:
    if report.settings.mode != "paired":
        return ""
    return (
        " Paired: the answers of each side's respondents in the accounts the view pairs "
        "(several respondents of an account each count once)."
    )
