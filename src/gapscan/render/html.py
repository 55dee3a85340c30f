"""``--format html``: one self-contained page per report (inline style sheet, inline
SVG charts, no request to anywhere, readable without scripts), for the people who
read a report in a browser or print it.

Like every renderer it reads the report's fields and computes no statistic. User
text is escaped where the page is written (:mod:`gapscan.render.html_parts`); the
same report gives the same bytes.
"""

from __future__ import annotations

from gapscan.render import _format as fmt
from gapscan.render import headings as words
from gapscan.render import html_about as about
from gapscan.render import html_charts as charts
from gapscan.render import html_parts as h
from gapscan.render import html_sections as sections
from gapscan.render.html_parts import Cell
from gapscan.report import GapReport, GapResult, TrendReport
from gapscan.text import json_dumps

Row = tuple[dict[str, str], list[Cell]]


def render(report: GapReport, *, distribution: bool = False) -> str:
    """The whole page; with ``distribution``, every question's answers at each level
    (a chart and a table per question)."""
    vendors, customers = charts.plurals(report.settings)
    body = [h.heading(1, report.survey)]
    lede = f"Perception gaps: how {vendors} rate themselves and how {customers} rate them."
    body.append(h.paragraph(lede, "lede"))
    if report.generated:
        body.append(h.paragraph(f"Generated {report.generated}.", "note"))
    body += [h.heading(2, "Headline", "headline")]
    body.append(h.bullets(fmt.headline_lines(report, str), "headline"))
    body += [h.heading(2, "Gaps at a glance", "summary")]
    whole = [r for r in report.results if not r.segment]
    body.append(charts.dumbbell(report, whole, "chart-summary", "All respondents"))
    body += _views(report)
    body += sections.segment_charts(report)
    if distribution:
        body += sections.distributions(report)
    body += sections.nps(report)
    body += sections.accounts(report)
    body += sections.changes(report)
    body += sections.rules(report.rules, report.settings.rules_applied)
    body += about.notes(report)
    body += about.analysed(report)
    body += about.methods(report)
    return h.page(report.survey, body)


# ---------------------------------------------------------------- the tables


def _views(report: GapReport) -> list[str]:
    out = [h.heading(2, "Results", "results")]
    for k, (segment, results) in enumerate(report.views()):
        title = fmt.segment_title(segment)
        out.append(h.heading(3, title, f"view-{k + 1}"))
        header, rows = _table(report, results)
        caption = f"{title}: top-box share of each side and the gap, per question"
        attributes = {"segment": json_dumps(dict(segment), indent=None)}
        out.append(h.table(caption, header, rows, attributes=attributes))
        if k == 0:
            out.append(h.paragraph(_significance_note(report), "note"))
            out += _top_box_note(report)
    return out


def _significance_note(report: GapReport) -> str:
    s = report.settings
    return (
        f"{fmt.significance_note(report)} The interval is the {100 * s.confidence:g}% "
        "confidence interval of the gap, in points; a gap's direction is written under it."
    )


def _top_box_note(report: GapReport) -> list[str]:
    """Which answers form each question's top box, said under the first table."""
    from gapscan.render.distribution_table import top_box_groups

    groups = top_box_groups(report)
    if len(groups) == 1:
        return [h.paragraph(f"Top box (every question): {', '.join(groups[0][0])}.", "note")]
    items = [f"{'; '.join(texts)}: {', '.join(labels)}" for labels, texts in groups]
    lead = h.paragraph("Top box, the answers counted as favourable:", "note")
    return [lead, h.bullets(items, "note")]


def _table(report: GapReport, results: list[GapResult]) -> tuple[list[str], list[Row]]:
    s = report.settings
    paired = s.mode == "paired"
    kappa = paired and any(r.paired is not None and r.paired.kappa is not None for r in results)
    weighted = any(r.vendor.design is not None for r in results)
    header = words.results(
        report.settings,
        fmt.side_headers(report.settings, str),
        fmt.side_plurals(report.settings, str),
        paired=paired,
        kappa=kappa,
        weighted=weighted,
    )
    rows: list[Row] = []
    for r in results:
        cells = [h.row_header(r.question_text)]
        cells += _paired_split(r) if paired else []
        cells += _gap_cells(report, r)
        cells += _paired_detail(r, kappa) if paired else [_answers(r)]
        if weighted:
            design = r.vendor.design
            n_eff = design.n_eff if design is not None else None
            cells.append(h.number(n_eff, fmt.effective_sizes(r) or "–"))
        rows.append(({"question": r.question}, cells))
    return header, rows


def _paired_split(r: GapResult) -> list[Cell]:
    p = r.paired
    if p is None:
        return [h.number(None, "–"), h.number(None, "–")]
    split = "–"
    if p.vendor_higher is not None and p.same is not None and p.customer_higher is not None:
        split = " / ".join(fmt.percent(x, 0) for x in (p.vendor_higher, p.same, p.customer_higher))
    return [h.number(p.n_pairs, str(p.n_pairs)), h.number(p.vendor_higher, split)]


def _gap_cells(report: GapReport, r: GapResult) -> list[Cell]:
    """Both sides' top box, the gap (its direction in words), interval, p, verdict
    and the mean gap."""
    if r.suppressed:
        return [
            h.number(None, "–"),
            h.number(None, "–"),
            h.number(None, "suppressed"),
            *(h.number(None, "–") for _ in range(4)),
        ]
    mean = " ".join(
        filter(
            None,
            [
                fmt.signed(r.mean_gap) + (" " + words.MARK if r.mean_significant else ""),
                fmt.mean_gap_interval(r),
            ],
        )
    )
    sig_value = None if r.significant is None else float(r.significant)
    return [
        h.number(r.vendor.top_box, fmt.percent(r.vendor.top_box)),
        h.number(r.customer.top_box, fmt.percent(r.customer.top_box)),
        h.number(
            r.gap,
            fmt.points(r.gap),
            charts.direction(report.settings, r.gap),
            "sig" if r.significant else "",
        ),
        h.number(r.ci_low, fmt.interval(r.ci_low, r.ci_high)),
        h.number(sig_value, words.significant(r.significant), cls="sig" if r.significant else ""),
        h.number(r.p_adjusted, fmt.p_value(r.p_adjusted)),
        h.number(
            r.mean_gap,
            mean,
            charts.direction(report.settings, r.mean_gap) if r.mean_gap is not None else "",
        ),
    ]


def _paired_detail(r: GapResult, kappa: bool) -> list[Cell]:
    d = r.paired
    median = "–"
    value = None
    if d is not None and d.median_difference is not None:
        value = d.median_difference
        median = (
            f"{fmt.signed(d.median_difference)} "
            f"({fmt.signed(d.median_ci_low)}, {fmt.signed(d.median_ci_high)})"
        )
    cells = [h.number(value, median)]
    if kappa:
        k = d.kappa if d is not None else None
        cells.append(h.number(k, fmt.signed(k) if k is not None else "–"))
    return cells


def _answers(r: GapResult) -> Cell:
    return h.number(r.vendor.n, f"{r.vendor.n:,} / {r.customer.n:,}")


def render_trend(trend: TrendReport) -> str:
    """The trend page (see :mod:`gapscan.render.html_trend`)."""
    from gapscan.render.html_trend import render_trend as page

    return page(trend)
