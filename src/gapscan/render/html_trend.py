"""``gapscan trend --format html``: the trend chart and a table per question of its
gap in every wave, the change since the previous wave, the rules and the methods."""

from __future__ import annotations

from gapscan.render import _format as fmt
from gapscan.render import _nps
from gapscan.render import headings as words
from gapscan.render import html_charts as charts
from gapscan.render import html_parts as h
from gapscan.render.html_parts import Cell
from gapscan.render.html_sections import marked, rules, verdict
from gapscan.report import Settings, TrendReport, WavePoint

Row = tuple[dict[str, str], list[Cell]]


def render_trend(trend: TrendReport) -> str:
    settings = trend.reports[-1].settings if trend.reports else None
    title = f"{trend.survey}: gaps across waves"
    body = [h.heading(1, title)]
    if trend.generated:
        body.append(h.paragraph(f"Generated {trend.generated}.", "note"))
    body += [h.heading(2, "Headline", "headline")]
    body.append(h.bullets([fmt.trend_headline(trend, str)], "headline"))
    body += [h.heading(2, "The gap across waves", "summary")]
    body.append(charts.trend(trend, "chart-trend"))
    body += [h.heading(2, "Per wave", "waves-table")]
    for k, (qid, text) in enumerate(trend.questions, start=1):
        body.append(h.heading(3, text, f"question-{k}"))
        caption = f"“{text}”: the top-box gap in each wave and its change since the previous wave"
        body.append(h.table(caption, _header(settings), _rows(trend.series(qid), settings)))
        if k == 1:
            body.append(h.paragraph(fmt.trend_significance_note(trend), "note"))
        nps_body = _nps_rows(trend.series(qid))
        if nps_body:
            header = _nps.trend_header(settings, str)
            body.append(h.table(f"“{text}”: Net Promoter Score per wave", header, nps_body))
    body += rules(trend.rules, True) if trend.rules else []
    body += _waves(trend)
    body += _methods(trend, settings)
    return h.page(title, body)


def _header(settings: Settings | None) -> list[str]:
    vendor, customer = fmt.side_headers(settings, str) if settings else ("Vendor", "Customer")
    return words.trend(vendor, customer, settings.confidence if settings else 0.95)


def _rows(points: list[WavePoint], settings: Settings | None) -> list[Row]:
    rows: list[Row] = []
    for k, p in enumerate(points):
        r, c = p.result, p.change
        wave = Cell(p.wave, sort=k, numeric=False, header=True)
        if r.suppressed:
            gaps = [h.number(None, "–"), h.number(None, "–"), h.number(None, "suppressed")]
            gaps += [h.number(None, "–"), h.number(None, "–")]
        else:
            way = charts.direction(settings, r.gap) if settings else ""
            sig = "sig" if r.significant else ""
            gaps = [
                h.number(r.vendor.top_box, fmt.percent(r.vendor.top_box)),
                h.number(r.customer.top_box, fmt.percent(r.customer.top_box)),
                h.number(r.gap, fmt.points(r.gap), way, sig),
                h.number(r.ci_low, fmt.interval(r.ci_low, r.ci_high)),
                verdict(r.significant),
            ]
        if c is None:
            change = [h.number(None, "–") for _ in range(3)]
        else:
            change = [
                h.number(c.change, marked(c.change, c.significant)),
                h.number(c.ci_low, fmt.interval(c.ci_low, c.ci_high)),
                h.number(c.p_value, fmt.p_value(c.p_value)),
            ]
        rows.append(({"wave": p.wave, "question": r.question}, [wave, *gaps, *change]))
    return rows


def _nps_rows(points: list[WavePoint]) -> list[Row]:
    """An NPS question's scores per wave (the cells as the other formats show them),
    each cell sorted by its value."""
    rows: list[Row] = []
    for p, cells in zip(points, _nps.trend_rows(points, mark=" " + words.MARK), strict=False):
        r, g = p.result, p.result.nps
        v, c = r.vendor.nps, r.customer.nps
        change = g.change if g is not None else None
        if r.suppressed:
            g = v = c = change = None
        values = [
            v.nps if v else None,
            c.nps if c else None,
            g.gap if g else None,
            g.ci_low if g else None,
            float(g.significant) if g and g.significant is not None else None,
            change.change if change else None,
            change.ci_low if change else None,
            change.p_value if change else None,
        ]
        shown = [h.number(value, cell) for value, cell in zip(values, cells[1:], strict=True)]
        rows.append(({"wave": p.wave}, [h.row_header(cells[0]), *shown]))
    return rows


def _waves(trend: TrendReport) -> list[str]:
    items = []
    for wave, report in zip(trend.waves, trend.reports, strict=True):
        files = ", ".join(h.code(i.path) for i in report.inputs)
        counts = fmt.respondents(report.settings, report.n_vendor, report.n_customer, str)
        filters = "".join(f"; {line}" for line in fmt.filter_lines(report.settings, str))
        items.append(f"{h.esc(wave)}: {files} ({h.esc(counts + filters)})")
    return [h.heading(2, "Waves", "waves"), h.bullets(items, markup=True)]


def _methods(trend: TrendReport, settings: Settings | None) -> list[str]:
    vendor, customer = fmt.side_nouns(settings, str) if settings else ("vendor", "customer")
    change = (
        "Change: the gap minus the previous wave's gap, tested by a z-test of the "
        "difference of two independent gaps with unpooled variances, with its interval. "
        f"Change p-values are not adjusted for multiplicity. {words.MARK} marks p < α."
    )
    if settings is not None and settings.design:
        change = (
            "Change: " + fmt.weighted_change_method("the previous wave's") + ", with its "
            "interval. Change p-values are not adjusted for multiplicity. "
            f"{words.MARK} marks p < α."
        )
    technical = [
        "Each wave is analysed on its own (as gapscan analyze does); the gap is the "
        f"{vendor} minus {customer} top-box share with its Newcombe interval.",
        change,
    ]
    if any(p.result.nps is not None for p in trend.points):
        technical.append(_nps.trend_note(settings, str))
    plain = [
        f"Each wave's gap is the {vendor} top-box share minus the {customer} share, in "
        "percentage points; the change is how much it moved since the wave before.",
        "A significant change is one unlikely to be chance alone.",
    ]
    return [
        h.heading(2, "Methods", "methods"),
        h.bullets(plain),
        "<details>",
        "<summary>Technical detail</summary>",
        h.bullets(technical),
        "</details>",
    ]
