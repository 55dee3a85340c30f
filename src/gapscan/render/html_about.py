"""The end of the HTML report: the notes, what was analysed, and the methods (in
plain language, with the technical detail of the markdown report folded away)."""

from __future__ import annotations

from gapscan.render import _format as fmt
from gapscan.render import html_charts as charts
from gapscan.render import html_parts as h
from gapscan.report import GapReport


def notes(report: GapReport) -> list[str]:
    """What was done about the run's options, and the groups suppressed."""
    items = [f"{n[:1].upper()}{n[1:]}." for n in report.settings.notes]
    vendor, customer = fmt.side_nouns(report.settings, str)
    for r in report.results:
        if not r.suppressed:
            continue
        if r.paired is not None:
            size = f"{r.paired.n_pairs} pairs"
        else:
            size = f"{r.vendor.n} {vendor} / {r.customer.n} {customer} answers"
        items.append(
            f"Suppressed (too few answers): {fmt.segment_title(r.segment)}, "
            f"{r.question_text} ({size})."
        )
    if not items:
        return []
    return [h.heading(2, "Notes", "notes"), h.bullets(items)]


def analysed(report: GapReport) -> list[str]:
    """The files read, the filters, the respondents, the top boxes and the settings."""
    from gapscan.render.distribution_table import top_box_groups

    s = report.settings
    items = [f"{h.code(i.path)}: {h.esc(fmt.input_line(i, str))}" for i in report.inputs]
    items += [h.esc(f"{line[0].upper()}{line[1:]}") for line in fmt.filter_lines(s, str)]
    counts = fmt.respondents(s, report.n_vendor, report.n_customer, str)
    items.append(h.esc(f"Respondents: {counts}"))
    if report.pairing is not None:
        p = report.pairing
        vendor, customer = fmt.side_nouns(s, str)
        items.append(
            h.esc(
                f"Pairing: {p.paired_accounts:,} accounts with both sides (several "
                f"respondents of a side combined by their {p.combine}); "
                f"{p.vendor_only_accounts:,} {vendor}-only and {p.customer_only_accounts:,} "
                f"{customer}-only accounts; {p.vendor_without_key:,} {vendor} and "
                f"{p.customer_without_key:,} {customer} respondents without an account key"
            )
        )
    for labels, texts in top_box_groups(report):
        which = "every question" if len(top_box_groups(report)) == 1 else "; ".join(texts)
        items.append(h.esc(f"Top box ({which}): {', '.join(labels)}"))
    segments = ", ".join(h.code(c) for c in s.segments) or "none"
    items.append(f"Segments: {segments}")
    unit = "pairs" if s.mode == "paired" else "answers on a side"
    items.append(
        h.esc(
            f"Settings: {s.mode} samples, {100 * s.confidence:g}% intervals, α = {s.alpha:g}, "
            f"{s.correction} correction, groups under {s.min_n} {unit} suppressed"
        )
    )
    if report.baseline:
        items.append(f"Compared with the earlier report {h.code(report.baseline)}")
    return [h.heading(2, "What was analysed", "analysed"), h.bullets(items, markup=True)]


def methods(report: GapReport) -> list[str]:
    """The methods in plain words, then the markdown report's methods in a
    ``<details>`` element."""
    s = report.settings
    vendors, customers = charts.plurals(s)
    vendor, customer = fmt.side_nouns(s, str)
    plain = [
        "Top box: the share of a side's answers that are among the most favourable "
        "answers of a question (which ones is listed under What was analysed).",
        f"Gap: the {vendor} share minus the {customer} share, in percentage points. A "
        f"positive gap means {vendors} rate higher than {customers}; the tables say so in "
        "words under each gap.",
        f"Interval: the range of gaps the data are consistent with, at "
        f"{100 * s.confidence:g}% confidence. A narrow interval means a precise estimate.",
        "Significant: a gap this large is unlikely to arise by chance alone. Its p-value is "
        f"adjusted for the number of gaps tested ({s.correction} correction) and compared "
        f"with α = {s.alpha:g}.",
        f"Suppressed: a group with fewer than {s.min_n} "
        f"{'pairs' if s.mode == 'paired' else 'answers on a side'} shows no figures, so that "
        "no small group of respondents can be singled out.",
    ]
    if s.mode == "paired":
        plain.append(
            "Paired: each account's two sides are compared with each other, so the gaps "
            "are about the same accounts seen from both sides."
        )
    if s.design:
        plain.append(
            "Weighted: the shares are weighted estimates; “Answers” counts the "
            "respondents, the effective sizes what the weighted samples are worth."
        )
    return [
        h.heading(2, "Methods", "methods"),
        h.bullets(plain),
        "<details>",
        "<summary>Technical detail</summary>",
        technical(report),
        "</details>",
    ]


def technical(report: GapReport) -> str:
    """The markdown report's methods, rendered (raw HTML off, so its escaped user
    text stays text)."""
    from markdown_it import MarkdownIt

    from gapscan.render.markdown import _methods

    lines = [line for line in _methods(report) if not line.startswith("## ")]
    rendered: str = MarkdownIt("commonmark", {"html": False}).render("\n".join(lines))
    return rendered.strip()
