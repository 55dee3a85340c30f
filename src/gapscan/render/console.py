"""The terminal view: one rich table per view, the headline, and the rules."""

from __future__ import annotations

from collections.abc import Sequence

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from gapscan.render import _format as fmt
from gapscan.render import _nps
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
            text = Text("n_eff (Kish, vendor/customer): ", style="dim")
            for i, (r, eff) in enumerate(sizes):
                text.append_text(terminal(("; " if i else "") + f"{r.question}: {eff}", "dim"))
            parts.append(text)
        if k == 0:
            parts.append(Text(fmt.significance_note(report) + "\n", style="dim"))
        if _nps.nps_results(results):
            parts.append(_nps_table(report, segment, results))
    if report.settings.mode == "paired":
        parts.extend(_accounts(report))
    if distribution:
        from gapscan.render.distribution_table import console_tables

        parts.extend(console_tables(report))
    parts.append(_top_box(report))
    parts.append(_legend(report))
    nps_legend = _nps.legend(report, visible)
    if nps_legend is not None:
        parts.append(Text(nps_legend, style="dim"))
    parts.append(Text(fmt.headline(report, visible), style="bold"))
    if report.settings.rules_applied and report.rules:
        parts.append(rules_text(report.rules))
    return Group(*parts)


def _top_box(report: GapReport) -> Text:
    """Which answers form each question's top box."""
    from gapscan.render.distribution_table import top_box_groups

    groups = top_box_groups(report)
    if len(groups) == 1:
        return Text("Top box (every question): ") + terminal(", ".join(groups[0][0]))
    text = Text("Top box:")
    for labels, texts in groups:
        text.append("\n  ")
        text.append_text(terminal("; ".join(texts) + ": " + ", ".join(labels)))
    return text


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


def _table(report: GapReport, segment: tuple[tuple[str, str], ...], rows: list[GapResult]) -> Table:
    correction = report.settings.correction
    table = Table(
        title=terminal(fmt.segment_title(segment)),
        title_justify="left",
        title_style="bold",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    table.add_column("Question", min_width=14, overflow="fold")
    for header in (*fmt.side_headers(report.settings, visible), "Gap pp"):
        table.add_column(header, justify="right", min_width=6)  # long side labels wrap
    table.add_column(fmt.confidence_label(report), justify="right", min_width=6)
    table.add_column(f"p {correction}", justify="right", no_wrap=True)
    table.add_column("Mean gap", justify="right", min_width=6)
    table.add_column("n V/C", justify="right", min_width=5, overflow="fold")
    changes = any(r.change is not None for r in rows)
    if changes:
        table.add_column("Change pp", justify="right", no_wrap=True)
        table.add_column("p", justify="right", no_wrap=True)
    for r in rows:
        n = f"{r.vendor.n}/{r.customer.n}"
        cells: list[str | Text]
        if r.suppressed:
            dash = Text("–", style="dim")
            cells = [terminal(r.question_text), dash, dash, Text("suppressed", style="dim italic")]
            cells += ["", "", "", n]
        else:
            cells = [
                terminal(r.question_text),
                fmt.percent(r.vendor.top_box),
                fmt.percent(r.customer.top_box),
                _gap(r),
                fmt.interval(r.ci_low, r.ci_high),
                fmt.p_value(r.p_adjusted),
                _mean_gap(r),
                n,
            ]
        if changes:
            c = r.change
            if c is None:
                cells += [Text("–", style="dim"), ""]
            else:
                style = ("bold red" if c.change > 0 else "bold cyan") if c.significant else "dim"
                mark = "*" if c.significant else " "
                cells += [Text(fmt.points(c.change) + mark, style=style), fmt.p_value(c.p_value)]
        table.add_row(*cells)
    return table


def _nps_table(
    report: GapReport, segment: tuple[tuple[str, str], ...], rows: list[GapResult]
) -> Table:
    """A view's Net Promoter Scores: each side's NPS and the NPS gap, in points."""
    table = Table(
        title=terminal(f"{fmt.segment_title(segment)}: Net Promoter Score"),
        title_justify="left",
        title_style="bold",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    for i, title in enumerate(_nps.header(report, detail=False, escape=str)):
        if i == 0:
            table.add_column(terminal(title), min_width=14, overflow="fold")
        else:
            table.add_column(terminal(title), justify="right", no_wrap=True)
    for r in _nps.nps_results(rows):
        table.add_row(terminal(r.question_text), *_nps.cells(r, detail=False))
    return table


def _paired_table(
    report: GapReport, segment: tuple[tuple[str, str], ...], rows: list[GapResult]
) -> Table:
    correction = report.settings.correction
    table = Table(
        title=terminal(fmt.segment_title(segment) + " (paired by account)"),
        title_justify="left",
        title_style="bold",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    table.add_column("Question", min_width=14, overflow="fold")
    table.add_column("Pairs", justify="right", no_wrap=True)
    table.add_column("V>=<C %", no_wrap=True)
    table.add_column("Gap pp", justify="right", no_wrap=True)
    table.add_column("Top-box test", no_wrap=True)
    table.add_column(f"p {correction}", justify="right", no_wrap=True)
    table.add_column("Mean gap", justify="right", min_width=6)
    table.add_column(f"p {correction}", justify="right", no_wrap=True)
    kappa = any(r.paired is not None and r.paired.kappa is not None for r in rows)
    if kappa:
        table.add_column("κ", justify="right", no_wrap=True)
    for r in rows:
        detail = r.paired
        assert detail is not None
        cells: list[str | Text] = [terminal(r.question_text), str(detail.n_pairs)]
        if r.suppressed:
            cells += [Text("suppressed", style="dim italic"), "", "", "", "", ""]
        else:
            cells += [
                _split_bar(detail.vendor_higher, detail.same, detail.customer_higher),
                _gap(r),
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
        table = Table(
            title=terminal(f"Most misjudged accounts: {r.question_text}"),
            title_justify="left",
            box=box.SIMPLE_HEAD,
            pad_edge=False,
        )
        vendor, customer = fmt.side_headers(report.settings, visible)
        headers = ("Account", f"{vendor} score", f"{customer} score", "Difference", "n V/C")
        for header in headers:
            table.add_column(header, justify="left" if header == "Account" else "right")
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
    mark = "*" if r.significant else " "
    colour = "red" if (r.gap or 0) > 0 else "cyan"
    style = f"bold {colour}" if r.significant else f"dim {colour}"
    return Text(fmt.points(r.gap) + mark, style=style)


def _mean_gap(r: GapResult) -> Text:
    mark = "*" if r.mean_significant else " "
    text = Text(fmt.signed(r.mean_gap) + mark, style="" if r.mean_significant else "dim")
    interval = fmt.mean_gap_interval(r)
    if interval:  # a numeric question: its Welch interval below the gap
        text.append("\n" + interval, style="dim")
    return text


def _legend(report: GapReport) -> Text:
    s = report.settings
    vendor, customer = fmt.side_nouns(s, visible)
    if s.mode == "paired":
        return Text(
            f"Paired by account: Gap = the mean paired difference of the accounts' top-box "
            f"shares, {vendor} side minus {customer} side, in points; Mean gap = the mean paired "
            f"score difference; * significant at α = {s.alpha:g} after {s.correction} "
            f"correction (intervals in --format json or markdown). Top-box test: "
            f"McNemar for one-to-one pairs (exact below 25 discordant pairs), else Wilcoxon "
            f"signed-rank on account-level differences; mean gap: Wilcoxon signed-rank. "
            f"V > = < C: share of accounts where the vendor side scores higher, the same, "
            f"lower. κ: quadratic-weighted Cohen's kappa (one-to-one pairs). Views with fewer "
            f"than {s.min_n} pairs are suppressed.",
            style="dim",
        )
    if s.design:
        return Text(
            f"Gap = {vendor} − {customer} weighted top-box share, in percentage points; * "
            f"significant at α = {s.alpha:g} after {s.correction} correction (top-box and mean "
            f"tests corrected as separate families). {fmt.design_legend(report)} Groups with "
            f"fewer than {s.min_n} answers on a side are suppressed.",
            style="dim",
        )
    return Text(
        f"Gap = {vendor} − {customer} top-box share, in percentage points; * significant at "
        f"α = {s.alpha:g} after {s.correction} correction (top-box and mean tests corrected "
        f"as separate families). Top-box test: z-test, or Fisher's exact test where an "
        f"expected count is below 5; interval: Newcombe hybrid score; mean gap on the "
        f"levels' scores, tested by Mann–Whitney U{_numeric_note(report)}. Groups with fewer "
        f"than {s.min_n} "
        f"answers on a side are suppressed.",
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
