"""Net Promoter Scores as people read them (points), shared by the human formats."""

from __future__ import annotations

from collections.abc import Sequence

from gapscan.render import _format as fmt
from gapscan.render import headings as words
from gapscan.report import GapReport, GapResult, NpsSide, Settings, WavePoint


def nps_results(results: Sequence[GapResult]) -> list[GapResult]:
    """The results of NPS questions (in independent mode, where NPS is computed)."""
    return [r for r in results if r.nps is not None and r.mode == "independent"]


def header(report: GapReport, *, detail: bool, escape: fmt.Escape) -> list[str]:
    """Column titles (the sides' labels passed through ``escape``); ``detail`` adds
    each side's interval and promoter/passive/detractor shares (markdown)."""
    s = report.settings
    vendor, customer = fmt.side_headers(s, escape)
    sides = [words.nps(vendor), words.nps(customer)]
    if detail:
        sides = [
            words.nps_with_interval(vendor),
            words.nps_with_interval(customer),
            words.nps_groups(vendor),
            words.nps_groups(customer),
        ]
    return [
        words.QUESTION,
        *sides,
        words.NPS_GAP,
        words.interval(s.confidence),
        words.SIGNIFICANT,
        words.p_adjusted(s.correction),
        words.answering(*fmt.side_plurals(s, escape)),
    ]


def cells(r: GapResult, *, detail: bool) -> list[str]:
    """One NPS result's cells after the question (as many as ``header`` less one)."""
    n = f"{r.vendor.n}/{r.customer.n}"
    gap = r.nps
    v, c = r.vendor.nps, r.customer.nps
    if r.suppressed or gap is None or v is None or c is None:
        return ["–"] * (4 if detail else 2) + ["suppressed", "", "", "", n]
    sides = [fmt.points(v.nps), fmt.points(c.nps)]
    if detail:
        sides = [_with_interval(v), _with_interval(c), _groups(v), _groups(c)]
    return [
        *sides,
        fmt.points(gap.gap),
        fmt.interval(gap.ci_low, gap.ci_high),
        words.significant(gap.significant),
        fmt.p_value(gap.p_adjusted),
        n,
    ]


def _with_interval(s: NpsSide) -> str:
    return f"{fmt.points(s.nps)} ({fmt.interval(s.ci_low, s.ci_high)})"


def _groups(s: NpsSide) -> str:
    return " / ".join(f"{100 * x:.0f}%" for x in (s.promoters, s.passives, s.detractors))


def thresholds(results: Sequence[GapResult]) -> str:
    """``promoters 9–10, passives 7–8, detractors 0–6`` (each distinct set of thresholds)."""
    seen: list[str] = []
    for r in results:
        if r.nps is None:
            continue
        pro, det = r.nps.promoters_min, r.nps.detractors_max
        text = f"promoters {pro:g}–10, "
        if pro - det > 1:
            text += f"passives {det + 1:g}–{pro - 1:g}, "
        text += f"detractors 0–{det:g}"
        if text not in seen:
            seen.append(text)
    return "; ".join(seen)


def legend(report: GapReport, escape: fmt.Escape) -> str | None:
    """The sentence under the tables that says what an NPS and its test are."""
    if any(r.nps is not None for r in report.results) and report.settings.mode == "paired":
        return "NPS: not computed in paired mode (it compares two independent samples)."
    rows = nps_results(report.results)
    if not rows:
        return None
    vendor, customer = fmt.side_nouns(report.settings, escape)
    interval = (
        "t interval of the weighted NPS, design-based t-test of the gap"
        if report.settings.design
        else "adjusted-Wald (Rocks 2016)"
    )
    return (
        f"NPS = % promoters − % detractors ({thresholds(rows)}), in points; NPS gap = "
        f"{vendor} − {customer} NPS; interval: {interval}; Significant? yes*: significant after "
        f"{report.settings.correction} correction across the NPS tests, a family of their own."
    )


def methods(report: GapReport) -> list[str]:
    """The methods section's NPS lines (markdown)."""
    if any(r.nps is not None for r in report.results) and report.settings.mode == "paired":
        return [
            "- Net Promoter Score: not computed in paired mode, since it compares two "
            "independent samples; run without paired mode for each side's NPS and the gap."
        ]
    rows = nps_results(report.results)
    if not rows:
        return []
    if report.settings.design:
        return [
            f"- Net Promoter Score ({thresholds(rows)}): the weighted domain mean of +1 "
            "(promoter), 0 (passive) and −1 (detractor), per side, with its Taylor-linearised "
            "SE and t interval; the NPS gap tested by the design-based t-test, as the other "
            f"gaps. The NPS tests are corrected as their own family ({report.settings.correction})."
        ]
    return [
        f"- Net Promoter Score ({thresholds(rows)}): the share of promoters minus the share "
        "of detractors, per side, with the adjusted-Wald interval of Rocks (2016): 3 added "
        "to n and ¾ to each of promoters and detractors, centred on the adjusted NPS. The "
        "NPS gap is the raw difference; its interval is the adjusted difference ± z·√(sum "
        "of the two adjusted-Wald variances), and its test the two-sided z of that "
        "adjusted difference (as Lewis and Sauro compare two NPS). The NPS tests are "
        f"corrected as their own family ({report.settings.correction})."
    ]


def trend_header(settings: Settings | None, escape: fmt.Escape) -> list[str]:
    """The NPS trend table's column titles (the sides' labels through ``escape``)."""
    vendor, customer = fmt.side_headers(settings, escape) if settings else ("Vendor", "Customer")
    return [
        words.WAVE,
        words.nps(vendor),
        words.nps(customer),
        words.NPS_GAP,
        words.interval(settings.confidence if settings else 0.95),
        words.SIGNIFICANT,
        words.CHANGE,
        words.CHANGE_INTERVAL,
        words.CHANGE_P,
    ]


def trend_rows(points: Sequence[WavePoint], mark: str = words.MARK) -> list[list[str]]:
    """A question's NPS across waves (empty when it is not an NPS question); ``mark``
    follows a significant change."""
    rows: list[list[str]] = []
    for p in points:
        r, g = p.result, p.result.nps
        if g is None:
            return []
        v, c = r.vendor.nps, r.customer.nps
        if r.suppressed or g.gap is None or v is None or c is None:
            rows.append([p.wave, "–", "–", "suppressed", "", "", "–", "", ""])
            continue
        ch = g.change
        rows.append(
            [
                p.wave,
                fmt.points(v.nps),
                fmt.points(c.nps),
                fmt.points(g.gap),
                fmt.interval(g.ci_low, g.ci_high),
                words.significant(g.significant),
                (fmt.points(ch.change) + (mark if ch.significant else "")) if ch else "–",
                fmt.interval(ch.ci_low, ch.ci_high) if ch else "",
                fmt.p_value(ch.p_value) if ch else "",
            ]
        )
    return rows


def trend_note(settings: Settings | None, escape: fmt.Escape) -> str:
    vendor, customer = fmt.side_nouns(settings, escape) if settings else ("vendor", "customer")
    return (
        f"NPS gap = {vendor} − {customer} NPS (points); change = NPS gap − previous wave's: "
        "z-test of the difference of the adjusted-Wald gaps, not adjusted for multiplicity."
    )
