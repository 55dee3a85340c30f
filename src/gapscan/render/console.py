"""The terminal view: one rich table per view, the headline, and the rules."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group, RenderableType
from rich.text import Text

from gapscan.render import _format as fmt
from gapscan.render import _nps
from gapscan.render import headings as words
from gapscan.render.fitted import Column, FittedTable
from gapscan.report import GapReport, GapResult, RuleOutcome
from gapscan.survey import DEFAULT_SIDE_LABELS
from gapscan.text import terminal, visible


def render(report: GapReport, *, distribution: bool = False) -> RenderableType:
    """A rich renderable for the whole report; with ``distribution``, a table per
    question of the shares at every level."""
    parts: list[RenderableType] = [_title(report)]
    table = _paired_table if report.settings.mode == "paired" else _table
    for k, (segment, results) in enumerate(report.views()):
        parts.append(table(report, segment, results))
        sizes = [(r, fmt.effective_sizes(r)) for r in results if fmt.effective_sizes(r)]
        if sizes:  # a line, not a column: the weighted table already fills 100 columns
            vendors, customers = fmt.side_plurals(report.settings, visible)
            text = Text(f"{words.effective_sizes(vendors, customers)}, Kish: ", style="dim")
            for i, (r, eff) in enumerate(sizes):
                text.append_text(terminal(("; " if i else "") + f"{r.question}: {eff}", "dim"))
            parts.append(text)
        if k == 0:
            parts.append(Text(fmt.significance_note(report), style="dim"))
            parts.append(top_box_text(report))
            parts.append(Text(""))
        if _nps.nps_results(results):
            parts.append(_nps_table(report, segment, results))
    if report.settings.mode == "paired":
        parts.extend(_accounts(report))
    if distribution:
        from gapscan.render.distribution_table import console_tables

        parts.extend(console_tables(report))
    parts.append(_legend(report))
    nps_legend = _nps.legend(report, visible)
    if nps_legend is not None:
        parts.append(Text(nps_legend, style="dim"))
    parts.append(Text(fmt.headline(report, visible), style="bold"))
    if report.settings.rules_applied and report.rules:
        parts.append(rules_text(report.rules))
    return Group(*parts)


def top_box_text(report: GapReport) -> RenderableType:
    """Which answers form each question's top box (a wrapped line stays indented)."""
    from rich.padding import Padding

    from gapscan.render.distribution_table import top_box_groups

    groups = top_box_groups(report)
    if len(groups) == 1:
        return Text("Top box (every question): ") + terminal(", ".join(groups[0][0]))
    items: list[RenderableType] = [Text("Top box:")]
    for labels, texts in groups:
        item = terminal("; ".join(texts) + ": " + ", ".join(labels))
        items.append(Padding(item, (0, 0, 0, 2)))
    return Group(*items)


def _title(report: GapReport) -> Text:
    text = terminal(report.survey, style="bold")
    vendor, customer = fmt.side_nouns(report.settings, visible)
    if report.settings.side_labels == DEFAULT_SIDE_LABELS:
        text.append(f"\n{report.n_vendor:,} vendor and {report.n_customer:,} customer respondents")
    else:
        text.append(
            f"\nRespondents: {report.n_vendor:,} {vendor}, {report.n_customer:,} {customer}"
        )
    if report.pairing is not None:
        p = report.pairing
        text.append(
            f"\n{p.paired_accounts:,} accounts with both sides (respondents combined by their "
            f"{p.combine}); unmatched: {p.vendor_only_accounts:,} {vendor}-only and "
            f"{p.customer_only_accounts:,} {customer}-only accounts; without a key: "
            f"{p.vendor_without_key:,} {vendor} and {p.customer_without_key:,} {customer} "
            "respondents"
        )
    for i in report.inputs:
        text.append(f"\n  {visible(i.path)}: {fmt.input_line(i, visible)}", style="dim")
    for line in fmt.filter_lines(report.settings, visible):
        text.append(f"\n  {line}", style="dim")
    return text


def _table(
    report: GapReport, segment: tuple[tuple[str, str], ...], rows: list[GapResult]
) -> FittedTable:
    s = report.settings
    vendor, customer = fmt.side_headers(s, visible)
    columns = [
        Column(words.QUESTION),
        Column(words.top_box(vendor)),
        Column(words.top_box(customer)),
        Column(words.GAP),
        Column(words.interval(s.confidence), moves=1),
        Column(words.SIGNIFICANT),
        Column(words.p_adjusted(s.correction), moves=3),
        Column(words.MEAN_GAP, moves=2),
        Column(words.answering(*fmt.side_plurals(s, visible)), moves=2),
    ]
    changes = any(r.change is not None for r in rows)
    if changes:
        columns += [Column(words.CHANGE, moves=4), Column(words.CHANGE_P, moves=3)]
    table = FittedTable(terminal(fmt.segment_title(segment)), columns)
    for r in rows:
        n = f"{r.vendor.n}/{r.customer.n}"
        cells: list[str | Text]
        if r.suppressed:
            dash = Text("–", style="dim")
            cells = [terminal(r.question_text), dash, dash, Text("suppressed", style="dim italic")]
            cells += ["", "", "", "", n]
        else:
            cells = [
                terminal(r.question_text),
                fmt.percent(r.vendor.top_box),
                fmt.percent(r.customer.top_box),
                _gap(r),
                fmt.interval(r.ci_low, r.ci_high),
                _significant(r.significant),
                fmt.p_value(r.p_adjusted),
                _mean_gap(r),
                n,
            ]
        if changes:
            cells += _change(r)
        table.add_row(*cells)
    return table


def _change(r: GapResult) -> list[str | Text]:
    c = r.change
    if c is None:
        return [Text("–", style="dim"), ""]
    style = ("bold red" if c.change > 0 else "bold cyan") if c.significant else "dim"
    mark = words.MARK if c.significant else ""
    return [Text(fmt.points(c.change) + mark, style=style), fmt.p_value(c.p_value)]


def _significant(flag: bool | None) -> Text:
    return Text(words.significant(flag), style="bold" if flag else "dim")


def _nps_table(
    report: GapReport, segment: tuple[tuple[str, str], ...], rows: list[GapResult]
) -> FittedTable:
    """A view's Net Promoter Scores: each side's NPS and the NPS gap, in points."""
    headers = _nps.header(report, detail=False, escape=visible)
    moves = [0, 0, 0, 0, 1, 0, 3, 2]  # the interval, then the answers counted, then p
    columns = [Column(h, moves=m) for h, m in zip(headers, moves, strict=True)]
    title = terminal(f"{fmt.segment_title(segment)}: Net Promoter Score")
    table = FittedTable(title, columns)
    for r in _nps.nps_results(rows):
        table.add_row(terminal(r.question_text), *_nps.cells(r, detail=False))
    return table


def _paired_table(
    report: GapReport, segment: tuple[tuple[str, str], ...], rows: list[GapResult]
) -> FittedTable:
    s = report.settings
    vendor, _ = fmt.side_headers(s, visible)
    columns = [
        Column(words.QUESTION),
        Column(words.PAIRS, moves=2),
        Column(words.higher_same_lower(vendor), left=True),
        Column(words.GAP),
        Column(words.SIGNIFICANT),
        Column(words.TEST, moves=2),
        Column(words.p_adjusted(s.correction), moves=3),
        Column(words.MEAN_GAP, moves=1),
        Column(words.mean_p_adjusted(s.correction), moves=1),
    ]
    kappa = any(r.paired is not None and r.paired.kappa is not None for r in rows)
    if kappa:
        columns.append(Column(words.KAPPA, moves=1))
    title = terminal(fmt.segment_title(segment) + " (paired by account)")
    table = FittedTable(title, columns)
    for r in rows:
        detail = r.paired
        assert detail is not None
        cells: list[str | Text] = [terminal(r.question_text), str(detail.n_pairs)]
        if r.suppressed:
            cells += [Text("suppressed", style="dim italic"), "", "", "", "", "", ""]
        else:
            cells += [
                _split_bar(detail.vendor_higher, detail.same, detail.customer_higher),
                _gap(r),
                _significant(r.significant),
                r.test or "",
                fmt.p_value(r.p_adjusted),
                _mean_gap(r),
                fmt.p_value(r.mean_p_adjusted),
            ]
        if kappa:
            cells.append(fmt.signed(detail.kappa) if detail.kappa is not None else "–")
        table.add_row(*cells)
    return table


def _split_bar(higher: float | None, same: float | None, lower: float | None) -> Text:
    """A 6-cell bar: vendor higher (red), the same (grey), customer higher (cyan)."""
    shares = [higher or 0.0, same or 0.0, lower or 0.0]
    cells = [round(6 * x) for x in shares]
    cells[1] = max(0, 6 - cells[0] - cells[2])
    text = Text()
    for count, char, style in zip(cells, "█▒░", ("red", "dim", "cyan"), strict=True):
        text.append(char * count, style=style)
    text.append(" " + "/".join(f"{100 * x:.0f}" for x in shares), style="dim")
    return text


def _accounts(report: GapReport) -> list[RenderableType]:
    parts: list[RenderableType] = []
    for r in report.results:
        if r.paired is None or not r.paired.accounts:
            continue
        vendor, customer = fmt.side_headers(report.settings, visible)
        columns = [
            Column(words.ACCOUNT, left=True),
            Column(words.score(vendor)),
            Column(words.score(customer)),
            Column(words.DIFFERENCE),
            Column(words.respondents(*fmt.side_plurals(report.settings, visible)), moves=1),
        ]
        table = FittedTable(terminal(f"Most misjudged accounts: {r.question_text}"), columns)
        for a in r.paired.accounts:
            table.add_row(
                terminal(a.account),
                f"{a.vendor_score:.2f}",
                f"{a.customer_score:.2f}",
                fmt.signed(a.difference),
                f"{a.vendor_respondents}/{a.customer_respondents}",
            )
        parts.append(table)
    return parts


def _gap(r: GapResult) -> Text:
    colour = "red" if (r.gap or 0) > 0 else "cyan"
    style = f"bold {colour}" if r.significant else f"dim {colour}"
    return Text(fmt.points(r.gap), style=style)


def _mean_gap(r: GapResult) -> Text:
    mark = words.MARK if r.mean_significant else " "
    text = Text(fmt.signed(r.mean_gap) + mark, style="" if r.mean_significant else "dim")
    interval = fmt.mean_gap_interval(r)
    if interval:  # a numeric question: its Welch interval below the gap
        text.append("\n" + interval, style="dim")
    return text


def _legend(report: GapReport) -> Text:
    s = report.settings
    vendor, customer = fmt.side_nouns(s, visible)
    marks = (
        f"Significant? yes* (and a * after a mean gap): significant at α = {s.alpha:g} after "
        f"{s.correction} correction"
    )
    if s.mode == "paired":
        return Text(
            "Paired by account: Gap = the mean paired difference of the accounts' top-box "
            f"shares, {vendor} side minus {customer} side, in points; Mean score gap = the mean "
            f"paired score difference; {marks} (intervals in --format json or markdown). "
            "Test: McNemar for one-to-one pairs (exact below 25 discordant pairs), else "
            "Wilcoxon signed-rank on account-level differences; mean gap: Wilcoxon "
            f"signed-rank. {words.higher_same_lower(vendor[:1].upper() + vendor[1:])}: share "
            f"of accounts where the {vendor} side scores higher, the same, lower. κ: "
            "quadratic-weighted Cohen's kappa (one-to-one pairs). Views with fewer than "
            f"{s.min_n} pairs are suppressed.",
            style="dim",
        )
    if s.design:
        return Text(
            f"Gap = {vendor} − {customer} weighted top-box share, in points; {marks} (top-box "
            f"and mean tests corrected as separate families). {fmt.design_legend(report)} "
            f"Groups with fewer than {s.min_n} answers on a side are suppressed.",
            style="dim",
        )
    return Text(
        f"Gap = {vendor} − {customer} top-box share, in points; {marks} (top-box and mean "
        "tests corrected as separate families). Top-box test: z-test, or Fisher's exact test "
        "where an expected count is below 5; interval: Newcombe hybrid score; mean gap on the "
        f"levels' scores, tested by Mann–Whitney U{_numeric_note(report)}. Groups with fewer "
        f"than {s.min_n} answers on a side are suppressed.",
        style="dim",
    )


def _numeric_note(report: GapReport) -> str:
    if not any(r.mean_test == "welch-t" for r in report.results):
        return ""
    return " (numeric questions: Welch's t, interval [low, high] under the gap)"


def rules_text(rules: Sequence[RuleOutcome]) -> Text:
    text = Text("Rules:")
    for outcome in rules:
        if outcome.checked == 0:
            note = ""
            if outcome.rule.metric.value == "gap_change":
                note = ": needs --baseline or gapscan trend"
            text.append(f"\n  – {visible(outcome.rule.name)} (not checked{note})", style="dim")
            continue
        if outcome.held:
            text.append(
                f"\n  ✓ {visible(outcome.rule.name)} ({outcome.checked} checked)", style="green"
            )
            continue
        text.append(
            f"\n  ✗ {visible(outcome.rule.name)}: {len(outcome.breaches)} breach(es)",
            style="bold red",
        )
        for b in outcome.breaches:
            where = f" [{visible(fmt.segment_title(b.segment))}]" if b.segment else ""
            detail = fmt.breach_text(visible(b.question), b.value, b.bound, b.limit, b.metric)
            text.append(f"\n      {detail}{where}, {fmt.breach_p(b)}", style="red")
    return text
