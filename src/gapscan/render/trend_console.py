"""The terminal view of ``gapscan trend``: a table per question, waves as rows."""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from gapscan.render import _format as fmt
from gapscan.render.console import rules_text
from gapscan.report import TrendReport
from gapscan.text import terminal, visible


def render(trend: TrendReport) -> RenderableType:
    parts: list[RenderableType] = [terminal(f"{trend.survey}: gaps across waves", style="bold")]
    for wave, report in zip(trend.waves, trend.reports, strict=True):
        files = ", ".join(visible(i.path) for i in report.inputs)
        parts.append(
            Text(
                f"  {visible(wave)}: {files} "
                f"({report.n_vendor:,} vendor, {report.n_customer:,} customer)",
                style="dim",
            )
        )
    for k, (qid, text) in enumerate(trend.questions):
        table = Table(
            title=terminal(text), title_justify="left", title_style="bold", box=box.SIMPLE_HEAD
        )
        for header in (
            "Wave",
            "Vendor",
            "Customer",
            "Gap pp",
            "Gap CI",
            "Change pp",
            "Change CI",
            "Change p",
        ):
            table.add_column(header, justify="left" if header == "Wave" else "right")
        for p in trend.series(qid):
            r, c = p.result, p.change
            if r.suppressed:
                table.add_row(terminal(p.wave), "–", "–", Text("suppressed", style="dim italic"))
                continue
            change = Text("–", style="dim")
            if c is not None:
                style = ("bold red" if c.change > 0 else "bold cyan") if c.significant else "dim"
                change = Text(fmt.points(c.change) + ("*" if c.significant else " "), style=style)
            table.add_row(
                terminal(p.wave),
                fmt.percent(r.vendor.top_box),
                fmt.percent(r.customer.top_box),
                fmt.points(r.gap) + ("*" if r.significant else " "),
                fmt.interval(r.ci_low, r.ci_high),
                change,
                fmt.interval(c.ci_low, c.ci_high) if c else "",
                fmt.p_value(c.p_value) if c else "",
            )
        parts.append(table)
        if k == 0:
            parts.append(Text(fmt.trend_significance_note(trend) + "\n", style="dim"))
    parts.append(
        Text(
            "Gap = vendor − customer top-box share (points), * significant after correction "
            "within its wave. Change = gap − previous wave's gap: z-test of two independent "
            "gaps (unpooled), * p < α, not adjusted for multiplicity.",
            style="dim",
        )
    )
    parts.append(Text(fmt.trend_headline(trend, visible), style="bold"))
    if trend.rules:
        parts.append(rules_text(trend.rules))
    return Group(*parts)
