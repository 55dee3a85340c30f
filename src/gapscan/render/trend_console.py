"""The terminal view of ``gapscan trend``: a table per question, waves as rows."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text

from gapscan.render import _format as fmt
from gapscan.render import _nps
from gapscan.render import headings as words
from gapscan.render.console import rules_text, top_box_text
from gapscan.render.fitted import Column, FittedTable
from gapscan.report import Settings, TrendReport, WavePoint
from gapscan.text import terminal, visible


def render(trend: TrendReport) -> RenderableType:
    parts: list[RenderableType] = [terminal(f"{trend.survey}: gaps across waves", style="bold")]
    for wave, report in zip(trend.waves, trend.reports, strict=True):
        files = ", ".join(visible(i.path) for i in report.inputs)
        counts = fmt.respondents(report.settings, report.n_vendor, report.n_customer, visible)
        parts.append(Text(f"  {visible(wave)}: {files} ({counts})", style="dim"))
        for line in fmt.filter_lines(report.settings, visible):
            parts.append(Text(f"    {line}", style="dim"))
    settings = trend.reports[-1].settings if trend.reports else None
    vendor, customer = fmt.side_headers(settings, visible) if settings else ("Vendor", "Customer")
    noun_v, noun_c = fmt.side_nouns(settings, visible) if settings else ("vendor", "customer")
    for k, (qid, text) in enumerate(trend.questions):
        headers = words.trend(vendor, customer, settings.confidence if settings else 0.95)
        table = FittedTable(terminal(text), _columns(headers))
        for p in trend.series(qid):
            table.add_row(*_wave_cells(p))
        parts.append(table)
        if k == 0:
            parts.append(Text(fmt.trend_significance_note(trend), style="dim"))
            if trend.reports:
                parts.append(top_box_text(trend.reports[-1]))
            parts.append(Text(""))
        nps_rows = _nps.trend_rows(trend.series(qid))
        if nps_rows:
            parts.append(_nps_table(text, nps_rows, settings))
    parts.append(
        Text(
            f"Gap = {noun_v} − {noun_c} top-box share (points); Significant? yes*: significant "
            "after correction within its wave. Change = gap − previous wave's gap: z-test of "
            "two independent "
            + (
                "gaps from their design-based SEs"
                if settings is not None and settings.design
                else "gaps (unpooled)"
            )
            + ", * p < α, not adjusted for multiplicity.",
            style="dim",
        )
    )
    if any(p.result.nps is not None for p in trend.points):
        parts.append(Text(_nps.trend_note(settings, visible), style="dim"))
    parts.append(Text(fmt.trend_headline(trend, visible), style="bold"))
    if trend.rules:
        parts.append(rules_text(trend.rules))
    return Group(*parts)


def _wave_cells(p: WavePoint) -> list[str | Text]:
    """A wave's row: its shares, gap, interval, significance and change."""
    r, c = p.result, p.change
    if r.suppressed:
        return [terminal(p.wave), "–", "–", Text("suppressed", style="dim italic")]
    change = Text("–", style="dim")
    if c is not None:
        style = ("bold red" if c.change > 0 else "bold cyan") if c.significant else "dim"
        change = Text(fmt.points(c.change) + (words.MARK if c.significant else ""), style=style)
    return [
        terminal(p.wave),
        fmt.percent(r.vendor.top_box),
        fmt.percent(r.customer.top_box),
        fmt.points(r.gap),
        fmt.interval(r.ci_low, r.ci_high),
        words.significant(r.significant),
        change,
        fmt.interval(c.ci_low, c.ci_high) if c else "",
        fmt.p_value(c.p_value) if c else "",
    ]


def _columns(headers: list[str]) -> list[Column]:
    """The trend tables' columns (a row per wave): the intervals move to the second
    line first, then the change's p, then the change itself."""
    moves = [0, 0, 0, 0, 1, 0, 3, 1, 2]
    return [Column(h, moves=m) for h, m in zip(headers, moves, strict=True)]


def _nps_table(text: str, rows: list[list[str]], settings: Settings | None) -> FittedTable:
    headers = _nps.trend_header(settings, visible)
    table = FittedTable(terminal(f"{text}: Net Promoter Score"), _columns(headers))
    for row in rows:
        table.add_row(terminal(row[0]), *row[1:])
    return table
