"""The terminal view: one rich table per view, the headline, and the rules."""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from gapscan.render import _format as fmt
from gapscan.report import GapReport, GapResult


def render(report: GapReport) -> RenderableType:
    """A rich renderable for the whole report."""
    parts: list[RenderableType] = [_title(report)]
    for segment, results in report.views():
        parts.append(_table(report, segment, results))
    parts.append(_legend(report))
    parts.append(Text(fmt.headline(report), style="bold"))
    if report.settings.rules_applied and report.rules:
        parts.append(_rules(report))
    return Group(*parts)


def _title(report: GapReport) -> Text:
    text = Text(report.survey, style="bold")
    text.append(f"\n{report.n_vendor:,} vendor and {report.n_customer:,} customer respondents")
    for i in report.inputs:
        side = f", {i.side} side" if i.side else ""
        blank = f", {i.blank_rows:,} blank rows skipped" if i.blank_rows else ""
        text.append(f"\n  {i.path}: {i.rows:,} rows{side}{blank}", style="dim")
    return text


def _table(report: GapReport, segment: tuple[tuple[str, str], ...], rows: list[GapResult]) -> Table:
    correction = report.settings.correction
    table = Table(
        title=fmt.segment_title(segment),
        title_justify="left",
        title_style="bold",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    table.add_column("Question", min_width=14, overflow="fold")
    for header in ("Vendor", "Customer", "Gap pp"):
        table.add_column(header, justify="right", no_wrap=True)
    table.add_column(fmt.confidence_label(report), justify="right", min_width=6)
    table.add_column(f"p {correction}", justify="right", no_wrap=True)
    table.add_column("Mean gap", justify="right", min_width=6)
    table.add_column("n V/C", justify="right", min_width=5)
    for r in rows:
        n = f"{r.vendor.n}/{r.customer.n}"
        if r.suppressed:
            dash = Text("–", style="dim")
            note = Text("suppressed", style="dim italic")
            table.add_row(r.question_text, dash, dash, note, "", "", "", n)
            continue
        table.add_row(
            r.question_text,
            fmt.percent(r.vendor.top_box),
            fmt.percent(r.customer.top_box),
            _gap(r),
            fmt.interval(r.ci_low, r.ci_high),
            fmt.p_value(r.p_adjusted),
            _mean_gap(r),
            n,
        )
    return table


def _gap(r: GapResult) -> Text:
    mark = "*" if r.significant else " "
    colour = "red" if (r.gap or 0) > 0 else "cyan"
    style = f"bold {colour}" if r.significant else f"dim {colour}"
    return Text(fmt.points(r.gap) + mark, style=style)


def _mean_gap(r: GapResult) -> Text:
    mark = "*" if r.mean_significant else " "
    return Text(fmt.signed(r.mean_gap) + mark, style="" if r.mean_significant else "dim")


def _legend(report: GapReport) -> Text:
    s = report.settings
    return Text(
        f"Gap = vendor − customer top-box share, in percentage points; * significant at "
        f"α = {s.alpha:g} after {s.correction} correction (top-box and mean tests corrected "
        f"as separate families). Top-box test: z-test, or Fisher's exact test where an "
        f"expected count is below 5; interval: Newcombe hybrid score; mean gap on the "
        f"1..k level scores, tested by Mann–Whitney U. Groups with fewer than {s.min_n} "
        f"answers on a side are suppressed.",
        style="dim",
    )


def _rules(report: GapReport) -> Text:
    text = Text("Rules:")
    for outcome in report.rules:
        if outcome.held:
            text.append(f"\n  ✓ {outcome.rule.name} ({outcome.checked} checked)", style="green")
            continue
        text.append(
            f"\n  ✗ {outcome.rule.name}: {len(outcome.breaches)} breach(es)", style="bold red"
        )
        for b in outcome.breaches:
            where = f" [{fmt.segment_title(b.segment)}]" if b.segment else ""
            detail = fmt.breach_text(b.question, b.value, b.bound, b.limit, b.metric)
            text.append(f"\n      {detail}{where}, p = {fmt.p_value(b.p_adjusted)}", style="red")
    return text
