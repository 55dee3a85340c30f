"""``--format markdown``: a report worth committing. It renders on GitHub and reads
as plain text (tables are padded so their columns line up)."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

from gapscan.render import _format as fmt
from gapscan.render import _nps
from gapscan.render import headings as words
from gapscan.report import GapReport, GapResult, RuleOutcome, TrendReport, WavePoint
from gapscan.text import markdown as _escape
from gapscan.text import markdown_code, markdown_link


def render(
    report: GapReport,
    charts: Sequence[Path] = (),
    *,
    relative_to: Path | None = None,
    distribution: bool = False,
) -> str:
    """The whole report; ``charts`` are linked (relative to ``relative_to``, the
    report's directory, when given); with ``distribution``, a table per question of
    the shares at every level."""
    out: list[str] = [f"# {_escape(report.survey)}", ""]
    out += _analysed(report)
    out += ["## Headline", "", *_headlines(report), ""]
    for k, (segment, results) in enumerate(report.views()):
        out += [f"## {_escape(fmt.segment_title(segment))}", ""]
        out += [*_table(report, results), ""]
        out += [fmt.significance_note(report), "", *_top_box(report)] if k == 0 else []
        out += _nps_table(report, results)
    if report.settings.mode == "paired":
        out += _accounts(report)
    if distribution:
        from gapscan.render.distribution_table import markdown_section

        out += markdown_section(report)
    out += _rules(report.rules, report.settings.rules_applied)
    if charts:
        from gapscan.render.chart_alt import describer, report_alts

        out += ["## Charts", ""]
        out += _chart_links(charts, relative_to, describer(report_alts(report)))
    out += _methods(report)
    out += _suppressed(report)
    return "\n".join(out).rstrip("\n") + "\n"


# ------------------------------------------------------------------- sections


def _analysed(report: GapReport) -> list[str]:
    s = report.settings
    lines = ["## What was analysed", ""]
    for i in report.inputs:
        lines.append(f"- {markdown_code(i.path)}: {fmt.input_line(i, _escape)}")
    lines += [f"- {line[0].upper()}{line[1:]}" for line in fmt.filter_lines(s, _escape)]
    vendor, customer = fmt.side_nouns(s, _escape)
    lines.append(
        f"- Respondents: {fmt.respondents(s, report.n_vendor, report.n_customer, _escape)}"
    )
    if report.pairing is not None:
        p = report.pairing
        lines.append(
            f"- Pairing: {p.paired_accounts:,} accounts with both sides (several respondents "
            f"of a side combined by their {p.combine}); {p.vendor_only_accounts:,} {vendor}-only "
            f"and {p.customer_only_accounts:,} {customer}-only accounts; "
            f"{p.vendor_without_key:,} {vendor} and {p.customer_without_key:,} {customer} "
            f"respondents without an account key"
        )
    segments = ", ".join(markdown_code(c) for c in s.segments) or "none"
    lines.append(f"- Segments: {segments}")
    lines.append(
        f"- Settings: {s.mode} samples, {100 * s.confidence:g}% intervals, α = {s.alpha:g}, "
        f"{s.correction} correction, groups under {s.min_n} "
        f"{'pairs' if s.mode == 'paired' else 'answers on a side'} suppressed"
    )
    if report.baseline:
        lines.append(f"- Compared with the earlier report {markdown_code(report.baseline)}")
    if report.generated:
        lines.append(f"- Generated {report.generated}")
    return [*lines, ""]


def _top_box(report: GapReport) -> list[str]:
    """Which answers form each question's top box (under the first table)."""
    from gapscan.render.distribution_table import top_box_groups

    groups = top_box_groups(report)
    if len(groups) == 1:
        return [f"Top box (every question): {_escape(', '.join(groups[0][0]))}", ""]
    lines = ["Top box per question:", ""]
    for labels, texts in groups:
        lines.append(f"- {'; '.join(_escape(t) for t in texts)}: {_escape(', '.join(labels))}")
    return [*lines, ""]


def _headlines(report: GapReport) -> list[str]:
    return [f"- {line}" for line in fmt.headline_lines(report, _escape)]


def _table(report: GapReport, results: list[GapResult]) -> list[str]:
    paired = report.settings.mode == "paired"
    changes = any(r.change is not None for r in results)
    kappa = paired and any(r.paired is not None and r.paired.kappa is not None for r in results)
    weighted = any(r.vendor.design is not None for r in results)
    header = words.results(
        report.settings,
        fmt.side_headers(report.settings, _escape),
        fmt.side_plurals(report.settings, _escape),
        paired=paired,
        kappa=kappa,
        weighted=weighted,
    )
    header += [words.CHANGE, words.CHANGE_INTERVAL, words.CHANGE_P] if changes else []
    rows = []
    for r in results:
        row = [_escape(r.question_text), *_paired_split(r)]
        row += _gap_cells(report, r)
        row += _paired_cells(r, kappa) if paired else [f"{r.vendor.n}/{r.customer.n}"]
        row += [fmt.effective_sizes(r) or "–"] if weighted else []
        row += _change_cells(r) if changes else []
        rows.append(row)
    align = ["left"] + ["right"] * (len(header) - 1)
    if paired:
        align[2] = "left"
    return table(header, rows, align)


def _paired_split(r: GapResult) -> list[str]:
    """A paired result's accounts and its higher / same / lower split."""
    if r.paired is None:
        return []
    p = r.paired
    split = "–"
    if p.vendor_higher is not None:
        split = " / ".join(fmt.percent(x, 0) for x in (p.vendor_higher, p.same, p.customer_higher))
    return [str(p.n_pairs), split]


def _gap_cells(report: GapReport, r: GapResult) -> list[str]:
    if r.suppressed:
        return ["–", "–", "suppressed", "", "", "", ""]
    mean_mark = " " + words.MARK if r.mean_significant else ""
    mean = [fmt.signed(r.mean_gap) + mean_mark, fmt.mean_gap_interval(r)]
    return [
        fmt.percent(r.vendor.top_box),
        fmt.percent(r.customer.top_box),
        fmt.points(r.gap),
        fmt.interval(r.ci_low, r.ci_high),
        words.significant(r.significant),
        fmt.p_value(r.p_adjusted),
        " ".join(filter(None, mean)),
    ]


def _paired_cells(r: GapResult, kappa: bool) -> list[str]:
    detail = r.paired
    median = "–"
    if detail is not None and detail.median_difference is not None:
        median = f"{fmt.signed(detail.median_difference)} "
        median += f"({fmt.signed(detail.median_ci_low)}, {fmt.signed(detail.median_ci_high)})"
    if not kappa:
        return [median]
    value = detail.kappa if detail is not None else None
    return [median, fmt.signed(value) if value is not None else "–"]


def _change_cells(r: GapResult) -> list[str]:
    c = r.change
    if c is None:
        return ["–", "", ""]
    return [
        fmt.points(c.change) + (" " + words.MARK if c.significant else ""),
        fmt.interval(c.ci_low, c.ci_high),
        fmt.p_value(c.p_value),
    ]


def _nps_table(report: GapReport, results: list[GapResult]) -> list[str]:
    """A view's Net Promoter Scores, with each side's interval and its shares of
    promoters / passives / detractors."""
    rows = _nps.nps_results(results)
    if not rows:
        return []
    body = [[_escape(r.question_text), *_nps.cells(r, detail=True)] for r in rows]
    header = _nps.header(report, detail=True, escape=_escape)
    align = ["left"] + ["right"] * (len(header) - 1)
    return ["Net Promoter Score:", "", *table(header, body, align), ""]


def _accounts(report: GapReport) -> list[str]:
    out: list[str] = []
    for r in report.results:
        if r.paired is None or not r.paired.accounts:
            continue
        out += [f"### Most misjudged accounts: {_escape(r.question_text)}", ""]
        rows = [
            [
                _escape(a.account),
                f"{a.vendor_score:.2f}",
                f"{a.customer_score:.2f}",
                fmt.signed(a.difference),
                f"{a.vendor_respondents}/{a.customer_respondents}",
            ]
            for a in r.paired.accounts
        ]
        vendor, customer = fmt.side_headers(report.settings, _escape)
        header = [
            words.ACCOUNT,
            words.score(vendor),
            words.score(customer),
            words.DIFFERENCE,
            words.respondents(*fmt.side_plurals(report.settings, _escape)),
        ]
        out += [*table(header, rows, ["left"] + ["right"] * 4), ""]
    return out


def _rules(rules: Sequence[RuleOutcome], applied: bool) -> list[str]:
    out = ["## Rules", ""]
    if not applied:
        return [*out, "Rules were not checked (`--no-rules`).", ""]
    if not rules:
        return [*out, "The schema defines no rules.", ""]
    rows = []
    for o in rules:
        limit = " and ".join(
            f"{bound} {_limit(o.rule.metric.value, value)}"
            for bound, value in (("min", o.rule.min), ("max", o.rule.max))
            if value is not None
        )
        scope = words.SIGNIFICANT_ONLY if o.rule.significant_only else words.ALL_GAPS
        status = words.HELD if o.held else f"**{words.BREACHED}** ({len(o.breaches)})"
        if o.checked == 0:
            status = words.NOT_CHECKED + (
                words.NEEDS_BASELINE if o.rule.metric.value == "gap_change" else ""
            )
        rows.append(
            [
                _escape(o.rule.name),
                words.metric(o.rule.metric.value, o.rule.of),
                limit,
                scope,
                str(o.checked),
                status,
            ]
        )
    out += [*table(words.RULES, rows), ""]
    for o in rules:
        for b in o.breaches:
            where = f" ({_escape(fmt.segment_title(b.segment))})" if b.segment else ""
            detail = fmt.breach_text(_escape(b.question), b.value, b.bound, b.limit, b.metric)
            out.append(f"- {_escape(o.rule.name)}: {detail}{where}, {fmt.breach_p(b)}")
    if any(o.breaches for o in rules):
        out.append("")
    return out


def _limit(metric: str, value: float) -> str:
    return fmt.metric_value(metric, value)


def _methods(report: GapReport) -> list[str]:
    s = report.settings
    tests = {r.test for r in report.results if r.test}
    vendor, customer = fmt.side_nouns(s, _escape)
    out = ["## Methods", ""]
    if s.mode == "paired":
        combine = report.pairing.combine if report.pairing else "mean"
        out += [
            f"- Each account is a pair: its {vendor}-side and {customer}-side respondents, "
            f"several on one side combined by their {combine} "
            "score and their share of top-box answers.",
            "- Top box, one-to-one pairs: McNemar's test on the discordant pairs (exact "
            "binomial when fewer than 25, else chi-square with continuity correction). "
            "Many-to-one pairs: Wilcoxon signed-rank test on the account-level differences "
            "of top-box shares. Interval: Wald interval of the mean paired difference.",
            "- Mean gap: mean of the account-level score differences (on the levels' "
            "scores), "
            "tested by the Wilcoxon signed-rank test (two-sided, normal approximation, zero "
            "differences dropped, tie and continuity corrected); Hodges–Lehmann estimate "
            "of the median difference with its interval.",
            "- Agreement: Cohen's kappa with quadratic weights, one-to-one pairs only.",
        ]
    elif s.design:
        out += [
            f"- {_escape(fmt.design_legend(report))}",
            f"- Top box: the weighted share of answers in the favourable levels; gap = {vendor} "
            f"share − {customer} share; per side the share ± t SE ({100 * s.confidence:g}%, "
            "within 0 and 1). Mean gap: difference of weighted mean scores (on the levels' "
            "scores), its t interval in brackets.",
        ]
    else:
        used = []
        if "z-test" in tests:
            used.append("the two-proportion z-test with pooled variance")
        if "fisher" in tests:
            used.append(
                "Fisher's exact test (two-sided) where an expected cell count was below 5, "
                "since the normal approximation is poor there (its statistic is the sample "
                "odds ratio ad/bc, not R's conditional maximum-likelihood estimate)"
            )
        out += [
            "- Top box: the share of answers in the favourable levels of each scale. "
            f"Gap = {vendor} share − {customer} share, tested by "
            + (" and ".join(used) if used else "no test (every group suppressed)")
            + ".",
            f"- Interval: Newcombe's hybrid score interval ({100 * s.confidence:g}%), which "
            "keeps its coverage for small groups and shares near 0 or 1.",
            "- Effect sizes: Cohen's h for top-box shares; the rank-biserial correlation for "
            "the answer distributions.",
            "- Mean gap: difference of mean scores (on the levels' scores), tested by the "
            "Mann–Whitney U test (two-sided, normal approximation, tie and continuity "
            "corrected), which uses the ranks of the answers rather than treating the "
            "scale as interval data.",
        ]
        if any(r.mean_test == "welch-t" for r in report.results):
            out.append(
                "- Numeric questions: mean gap of the values, tested by Welch's t-test "
                "(unequal variances, Welch–Satterthwaite degrees of freedom), its "
                f"{100 * s.confidence:g}% interval in brackets; the Mann–Whitney test on the "
                "values is in the JSON as `rank_p_value`; a top box only where the schema "
                "gives one."
            )
    out += [
        f"- Multiple comparisons: {_correction_text(s.correction)}, across every top-box "
        "test in this report (all questions and segments), and separately across the "
        f"mean tests. A result is significant (Significant? yes*, or a * after a mean gap) when "
        f"its adjusted p is below {s.alpha:g}. "
        "Intervals are not adjusted.",
        f"- Suppression: a group with fewer than {s.min_n} "
        f"{'pairs' if s.mode == 'paired' else 'answers on either side'} shows no share, "
        "mean or test, so that no small group of respondents can be singled out.",
    ]
    if any(r.change is not None for r in report.results) and report.settings.design:
        method = fmt.weighted_change_method("the earlier report's")
        out.append(f"- Change since the earlier report: {method}.")
    elif any(r.change is not None for r in report.results):
        out.append(
            "- Change since the earlier report: z-test of the difference of two "
            "independent gaps with unpooled variances, and its interval."
        )
    out += _nps.methods(report)
    return [*out, ""]


def _correction_text(correction: str) -> str:
    return {
        "holm": "Holm's step-down correction (family-wise error rate)",
        "bh": "the Benjamini–Hochberg correction (false discovery rate)",
        "bonferroni": "the Bonferroni correction (family-wise error rate)",
        "none": "no correction",
    }[correction]


def _suppressed(report: GapReport) -> list[str]:
    rows = [r for r in report.results if r.suppressed]
    if not rows:
        return []
    out = ["## Suppressed groups", ""]
    vendor, customer = fmt.side_nouns(report.settings, _escape)
    for r in rows:
        if r.paired is not None:
            size = f"{r.paired.n_pairs} pairs"
        else:
            size = f"{r.vendor.n} {vendor} / {r.customer.n} {customer} answers"
        out.append(
            f"- {_escape(fmt.segment_title(r.segment))}: {_escape(r.question_text)} ({size})"
        )
    return [*out, ""]


# ---------------------------------------------------------------------- trend


def render_trend(
    trend: TrendReport, charts: Sequence[Path] = (), *, relative_to: Path | None = None
) -> str:
    out = [f"# {_escape(trend.survey)}: gaps across waves", ""]
    out += ["## Waves", ""]
    for wave, report in zip(trend.waves, trend.reports, strict=True):
        files = ", ".join(markdown_code(i.path) for i in report.inputs)
        counts = fmt.respondents(report.settings, report.n_vendor, report.n_customer, _escape)
        out.append(f"- {_escape(wave)}: {files} ({counts})")
        out += [f"  - {line}" for line in fmt.filter_lines(report.settings, _escape)]
    settings = trend.reports[-1].settings if trend.reports else None
    vendor, customer = fmt.side_headers(settings, _escape) if settings else ("Vendor", "Customer")
    noun_v, noun_c = fmt.side_nouns(settings, _escape) if settings else ("vendor", "customer")
    if trend.generated:
        out.append(f"- Generated {trend.generated}")
    out += ["", "## Headline", "", f"- {fmt.trend_headline(trend, _escape)}", ""]
    first = True
    for qid, text in trend.questions:
        out += [f"## {_escape(text)}", ""]
        rows = [_trend_row(p) for p in trend.series(qid)]
        header = words.trend(vendor, customer, settings.confidence if settings else 0.95)
        out += [*table(header, rows, ["left"] + ["right"] * (len(header) - 1)), ""]
        if first:
            out += [fmt.trend_significance_note(trend), ""]
            out += _top_box(trend.reports[-1]) if trend.reports else []
        first = False
        nps_rows = _nps.trend_rows(trend.series(qid), mark=" " + words.MARK)
        if nps_rows:
            body = [[_escape(r[0]), *r[1:]] for r in nps_rows]
            nps_header = _nps.trend_header(settings, _escape)
            out += ["Net Promoter Score:", ""]
            out += [*table(nps_header, body, ["left"] + ["right"] * (len(nps_header) - 1))]
            out += [""]
    out += _rules(trend.rules, True) if trend.rules else []
    if charts:
        from gapscan.render.chart_alt import describer, trend_alt

        out += ["## Chart", ""]
        out += _chart_links(charts, relative_to, describer({"trend": trend_alt(trend)}))
    out += [
        "## Methods",
        "",
        "- Each wave is analysed on its own (see `gapscan analyze`); the gap is the "
        f"{noun_v} minus {noun_c} top-box share with its Newcombe interval.",
        "- Change: the gap minus the previous wave's gap, tested by a z-test of the "
        "difference of two independent gaps with unpooled variances, with its interval. "
        "Change p-values are not adjusted for multiplicity. A * after a change marks p < α; "
        "Significant? yes* marks a gap significant within its wave.",
    ]
    if settings is not None and settings.design:
        out[-1] = (
            "- Change: " + fmt.weighted_change_method("the previous wave's") + ", with its "
            "interval. Change p-values are not adjusted for multiplicity. A * after a change "
            "marks p < α; Significant? yes* marks a gap significant within its wave."
        )
    if any(p.result.nps is not None for p in trend.points):
        out.append(f"- {_nps.trend_note(settings, _escape)}")
    out += [
        "",
    ]
    return "\n".join(out).rstrip("\n") + "\n"


def _trend_row(p: WavePoint) -> list[str]:
    r, c = p.result, p.change
    if r.suppressed:
        return [_escape(p.wave), "–", "–", "suppressed", "", "", "–", "", ""]
    return [
        _escape(p.wave),
        fmt.percent(r.vendor.top_box),
        fmt.percent(r.customer.top_box),
        fmt.points(r.gap),
        fmt.interval(r.ci_low, r.ci_high),
        words.significant(r.significant),
        (fmt.points(c.change) + (" " + words.MARK if c.significant else "")) if c else "–",
        fmt.interval(c.ci_low, c.ci_high) if c else "",
        fmt.p_value(c.p_value) if c else "",
    ]


# ---------------------------------------------------------------------- tables


def table(
    header: list[str], rows: list[list[str]], align: Sequence[str] | None = None
) -> list[str]:
    """A GitHub table whose columns also line up in plain text."""
    align = list(align or ["left"] * len(header))
    widths = [max(len(header[i]), *(len(r[i]) for r in rows), 3) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        padded = [
            c.rjust(w) if a == "right" else c.ljust(w)
            for c, w, a in zip(cells, widths, align, strict=True)
        ]
        return "| " + " | ".join(padded) + " |"

    rule = [
        "-" * (w - 1) + ":" if a == "right" else "-" * w for w, a in zip(widths, align, strict=True)
    ]
    return [line(header), "| " + " | ".join(rule) + " |", *(line(r) for r in rows)]


def _chart_links(
    charts: Sequence[Path], relative_to: Path | None, describe: Callable[[Path], str]
) -> list[str]:
    """An image per SVG chart with its alt text (``describe``: what the chart shows,
    gapscan.render.chart_alt); alt text and link are escaped (the file name comes from
    the report's name)."""
    out: list[str] = []
    for path in charts:
        if path.suffix == ".svg":
            alt = _escape(describe(path))
            out += [f"![{alt}]({markdown_link(_link(path, relative_to))})", ""]
    return out


def _link(path: Path, relative_to: Path | None) -> str:
    """A chart's path as the report links it: relative to the report's folder."""
    if relative_to is None:
        return path.as_posix()
    return Path(os.path.relpath(path.resolve(), relative_to.resolve())).as_posix()
