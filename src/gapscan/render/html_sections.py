"""The HTML report's sections after the main tables: per-segment charts,
distributions, Net Promoter Scores, paired accounts, changes since a baseline, the
rules, the notes, what was analysed and the methods. Each returns markup lines and
reads the report's fields only."""

from __future__ import annotations

from collections.abc import Sequence

from gapscan.render import _format as fmt
from gapscan.render import _nps
from gapscan.render import headings as words
from gapscan.render import html_charts as charts
from gapscan.render import html_parts as h
from gapscan.render.html_parts import Cell
from gapscan.report import GapReport, GapResult, NpsSide, RuleOutcome
from gapscan.text import json_dumps

Row = tuple[dict[str, str], list[Cell]]


def segment_charts(report: GapReport) -> list[str]:
    """A dumbbell chart per segment, side by side where the page is wide enough."""
    views = [(segment, results) for segment, results in report.views() if segment]
    if not views:
        return []
    out = [h.heading(2, "Gaps by segment", "segments"), '<div class="multiples">']
    for k, (segment, results) in enumerate(views, start=1):
        title = fmt.segment_title(segment)
        out.append(charts.dumbbell(report, results, f"chart-segment-{k}", title))
    return [*out, "</div>"]


def distributions(report: GapReport) -> list[str]:
    """Every question's answers at each level: a chart (whole sample) and a table
    (every view)."""
    from gapscan.render.distribution_table import levels_of, numeric_note, questions, rows

    out = [h.heading(2, "Answer distributions", "distributions")]
    out.append(
        h.paragraph(
            "The share of each side's answers at each level (count in brackets), in scale "
            "order. Suppressed groups show no distribution.",
            "note",
        )
    )
    if numeric_note(report):
        out.append(h.paragraph(numeric_note(report).replace("`", ""), "note"))
    k = 0
    for r in questions(report):
        if r.is_numeric:
            continue
        k += 1
        out.append(h.heading(3, r.question_text, f"distribution-{k}"))
        levels = levels_of(report, r.question)
        if not levels:
            out.append(h.paragraph("Every group is suppressed."))
            continue
        whole = next((x for x in report.results if x.question == r.question and not x.segment), r)
        out.append(charts.distribution(report, whole, f"chart-distribution-{k}"))
        body: list[Row] = [
            ({}, [h.row_header(title), h.text_cell(side), *map(_level, cells), h.number(None, n)])
            for title, side, cells, n in rows(report, r.question, str)
        ]
        caption = f"Answers to “{r.question_text}” at each level, per group and side"
        out.append(h.table(caption, [words.GROUP, words.SIDE, *levels, words.ANSWERS], body))
    return out


def _level(cell: str) -> Cell:
    share = cell.split("%")[0]
    try:
        return h.number(float(share), cell)
    except ValueError:
        return h.number(None, cell)


# ------------------------------------------------------------------------ NPS


def nps(report: GapReport) -> list[str]:
    """Each view's Net Promoter Scores."""
    legend = _nps.legend(report, str)
    views = [(seg, _nps.nps_results(results)) for seg, results in report.views()]
    views = [(seg, results) for seg, results in views if results]
    if not views:
        return [h.heading(2, "Net Promoter Score", "nps"), h.paragraph(legend)] if legend else []
    header = _nps.header(report, detail=True, escape=str)
    out = [h.heading(2, "Net Promoter Score", "nps")]
    for segment, results in views:
        title = fmt.segment_title(segment)
        rows: list[Row] = [({"question": r.question}, _nps_cells(report, r)) for r in results]
        attributes = {"segment": json_dumps(dict(segment), indent=None)}
        out.append(h.table(f"Net Promoter Score: {title}", header, rows, attributes=attributes))
    return [*out, h.paragraph(legend, "note")] if legend else out


def _nps_cells(report: GapReport, r: GapResult) -> list[Cell]:
    answers = h.number(r.vendor.n, f"{r.vendor.n:,} / {r.customer.n:,}")
    gap, v, c = r.nps, r.vendor.nps, r.customer.nps
    if r.suppressed or gap is None or gap.gap is None or v is None or c is None:
        blank = [h.number(None, "–")] * 4
        return [
            h.row_header(r.question_text),
            *blank,
            h.number(None, "suppressed"),
            *blank[:3],
            answers,
        ]
    return [
        h.row_header(r.question_text),
        _nps_side(v),
        _nps_side(c),
        h.number(v.promoters, _groups(v)),
        h.number(c.promoters, _groups(c)),
        h.number(
            gap.gap,
            fmt.points(gap.gap),
            charts.direction(report.settings, gap.gap),
            "sig" if gap.significant else "",
        ),
        h.number(gap.ci_low, fmt.interval(gap.ci_low, gap.ci_high)),
        verdict(gap.significant),
        h.number(gap.p_adjusted, fmt.p_value(gap.p_adjusted)),
        answers,
    ]


def verdict(significant: bool | None) -> Cell:
    """A Significant? cell in the other formats' words, sorted significant last."""
    value = None if significant is None else float(significant)
    return h.number(value, words.significant(significant), cls="sig" if significant else "")


def _nps_side(s: NpsSide) -> Cell:
    return h.number(s.nps, f"{fmt.points(s.nps)} ({fmt.interval(s.ci_low, s.ci_high)})")


def _groups(s: NpsSide) -> str:
    return " / ".join(f"{100 * x:.0f}%" for x in (s.promoters, s.passives, s.detractors))


# --------------------------------------------------------------------- paired


def accounts(report: GapReport) -> list[str]:
    """Paired runs with ``--show-accounts``: the most misjudged accounts per question."""
    listed = [r for r in report.results if r.paired is not None and r.paired.accounts]
    if not listed:
        return []
    vendor, customer = fmt.side_headers(report.settings, str)
    header = [
        words.ACCOUNT,
        words.score(vendor),
        words.score(customer),
        words.DIFFERENCE,
        words.respondents(*fmt.side_plurals(report.settings, str)),
    ]
    out = [h.heading(2, "Most misjudged accounts", "accounts")]
    for r in listed:
        assert r.paired is not None
        rows: list[Row] = [
            (
                {},
                [
                    h.row_header(a.account),
                    h.number(a.vendor_score, f"{a.vendor_score:.2f}"),
                    h.number(a.customer_score, f"{a.customer_score:.2f}"),
                    h.number(
                        a.difference,
                        fmt.signed(a.difference),
                        charts.direction(report.settings, a.difference),
                    ),
                    h.number(
                        a.vendor_respondents, f"{a.vendor_respondents}/{a.customer_respondents}"
                    ),
                ],
            )
            for a in r.paired.accounts
        ]
        out.append(h.heading(3, r.question_text))
        out.append(h.table(f"Most misjudged accounts: {r.question_text}", header, rows))
    return out


# -------------------------------------------------------------------- changes


def changes(report: GapReport) -> list[str]:
    """``--baseline``: each top-box gap's change since the earlier report."""
    changed = [r for r in report.results if r.change is not None]
    if not changed:
        return []
    header = [
        words.QUESTION,
        words.GROUP,
        words.EARLIER_GAP,
        words.GAP_NOW,
        words.CHANGE,
        words.CHANGE_INTERVAL,
        words.CHANGE_P,
    ]
    rows: list[Row] = []
    for r in changed:
        c = r.change
        assert c is not None
        rows.append(
            (
                {"question": r.question},
                [
                    h.row_header(r.question_text),
                    h.text_cell(fmt.segment_title(r.segment)),
                    h.number(c.baseline_gap, fmt.points(c.baseline_gap)),
                    h.number(r.gap, fmt.points(r.gap)),
                    h.number(c.change, marked(c.change, c.significant)),
                    h.number(c.ci_low, fmt.interval(c.ci_low, c.ci_high)),
                    h.number(c.p_value, fmt.p_value(c.p_value)),
                ],
            )
        )
    out = [h.heading(2, "Change since the earlier report", "changes")]
    if report.baseline:
        out.append(f"<p>Compared with the earlier report {h.code(report.baseline)}.</p>")
    caption = "Each top-box gap's change since the earlier report"
    out.append(h.table(caption, header, rows))
    note = f"Changes marked {words.MARK} have p below α, not corrected for multiplicity."
    return [*out, h.paragraph(note, "note")]


def marked(change: float | None, significant: bool) -> str:
    """A change in points, the significance mark after it when its p is below α."""
    return fmt.points(change) + (" " + words.MARK if significant else "")


# ---------------------------------------------------------------------- rules


def rules(outcomes: Sequence[RuleOutcome], applied: bool) -> list[str]:
    """Each rule, its limit and whether it held; then each breach."""
    out = [h.heading(2, "Rules", "rules")]
    if not applied:
        return [*out, h.paragraph("Rules were not checked (--no-rules).")]
    if not outcomes:
        return [*out, h.paragraph("The schema defines no rules.")]
    rows: list[Row] = []
    for o in outcomes:
        limit = " and ".join(
            f"{bound} {fmt.metric_value(o.rule.metric.value, value)}"
            for bound, value in (("min", o.rule.min), ("max", o.rule.max))
            if value is not None
        )
        if o.checked == 0:
            needs = words.NEEDS_BASELINE if o.rule.metric.value == "gap_change" else ""
            status, cls = f"{words.NOT_CHECKED}{needs}", ""
        elif o.held:
            status, cls = words.HELD, "held"
        else:
            status, cls = f"{words.BREACHED} ({len(o.breaches)})", "breached"
        scope = words.SIGNIFICANT_ONLY if o.rule.significant_only else words.ALL_GAPS
        cells = [
            h.row_header(o.rule.name),
            h.text_cell(words.metric(o.rule.metric.value, o.rule.of)),
            h.text_cell(limit),
            h.text_cell(scope),
            h.number(o.checked, str(o.checked)),
            Cell(status, numeric=False, cls=cls),
        ]
        rows.append(({}, cells))
    out.append(h.table("The schema's rules and whether each held", words.RULES, rows))
    breaches = [
        f"{o.rule.name}: "
        + fmt.breach_text(b.question, b.value, b.bound, b.limit, b.metric)
        + (f" ({fmt.segment_title(b.segment)})" if b.segment else "")
        + f", {fmt.breach_p(b)}"
        for o in outcomes
        for b in o.breaches
    ]
    if breaches:
        out += [h.heading(3, "Breaches"), h.bullets(breaches)]
    return out
