"""The headline never contradicts the tables (hypothesis, over generated reports).

Reports are built from the result objects with generated gaps, shares, intervals and
adjusted p-values in every view (the whole sample and up to three segments), some
groups suppressed, in independent and paired mode and under each correction. The
markdown is rendered and read back: its tables (one per view) and its headline. For
every kind of gap the headline covers:

- if it says that no gap of that kind is significant, no result of that kind is
  significant in any view; if it says no *whole-sample* gap is, none in the whole
  sample is;
- if it names a gap, that result (found by its question text and the segment the
  sentence names) is significant, has the largest absolute gap of its kind among the
  significant results of its scope (the whole sample, else the segments), and is said
  the right way round;
- every number in the sentence is the table's number as the table rounds it (the gap,
  the shares, the interval, the p-value), and the counts of what was tested are the
  counts of tested results.

The terminal view says the same sentences. The trend headline is held to the trend
tables in the same way: it names the latest wave's largest significant change, with
that row's numbers, or says that none changed significantly when none did.
"""

from __future__ import annotations

import io
import math
import re

from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

from gapscan.headlines import HEADLINE_KINDS, MEAN, TOP_BOX, HeadlineKind
from gapscan.render import _format as fmt
from gapscan.render import console, markdown, trend_console
from gapscan.report import (
    GapChange,
    GapReport,
    GapResult,
    PairedDetail,
    Settings,
    SideSummary,
    TrendReport,
    WavePoint,
)
from gapscan.responses import InputSummary
from tests.fuzz.conftest import fuzz_settings

REGIONS = ("APAC", "EMEA", "North America")
TEXTS = ("Understands our business", "Responds quickly", "Delivers value")
ALPHA = 0.05

# Values drawn often enough to tie, to sit on the rounding edges and on α itself.
shares = st.one_of(st.sampled_from([0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0]), st.floats(0, 1))
p_values = st.one_of(
    st.sampled_from([0.0, 1e-6, 0.0009, 0.001, 0.0105, 0.049, ALPHA, 0.2, 1.0]), st.floats(0, 1)
)
mean_gaps = st.one_of(st.sampled_from([-1.5, -0.5, -0.005, 0.0, 0.004, 0.5, 1.5]), st.floats(-4, 4))


@st.composite
def results(draw: st.DrawFn, qid: str, text: str, segment: tuple[tuple[str, str], ...],
            paired: bool) -> GapResult:  # fmt: skip
    detail = PairedDetail(12, "one-to-one", (0, 0), (0, 0)) if paired else None
    suppressed = draw(st.booleans()) and draw(st.booleans())
    base = GapResult(
        question=qid,
        question_text=text,
        scale="agree5",
        top_box_labels=("Agree",),
        segment=segment,
        vendor=SideSummary(20, None, None, suppressed=True),
        customer=SideSummary(30, None, None, suppressed=True),
        suppressed=True,
        mode="paired" if paired else "independent",
        paired=detail,
    )
    if suppressed:
        return base
    v, c = draw(shares), draw(shares)
    gap = v - c
    low, high = gap - draw(st.floats(0, 0.3)), gap + draw(st.floats(0, 0.3))
    p, mean_p = draw(p_values), draw(p_values)
    raw = draw(st.sampled_from([0.5, 1.0]))  # a raw p at or below the adjusted one
    mean_gap = draw(mean_gaps)
    return GapResult(
        **{
            **base.__dict__,
            "suppressed": False,
            "vendor": SideSummary(20, v, 3.0 + mean_gap / 2),
            "customer": SideSummary(30, c, 3.0 - mean_gap / 2),
            "gap": gap,
            "ci_low": max(-1.0, low),
            "ci_high": min(1.0, high),
            "test": "mcnemar-exact" if paired else "z-test",
            "p_value": raw * p,
            "p_adjusted": p,
            "significant": p < ALPHA,
            "mean_gap": mean_gap,
            "mean_p_value": raw * mean_p,
            "mean_p_adjusted": mean_p,
            "mean_significant": mean_p < ALPHA,
        }
    )


@st.composite
def reports(draw: st.DrawFn) -> GapReport:
    paired = draw(st.booleans())
    n_questions = draw(st.integers(1, 3))
    values = draw(st.lists(st.sampled_from(REGIONS), max_size=3, unique=True))
    views = [(), *((("region", v),) for v in sorted(values))]
    found = tuple(
        draw(results(f"q{i}", TEXTS[i], segment, paired))
        for segment in views
        for i in range(n_questions)
    )
    correction = draw(st.sampled_from(["holm", "bh", "bonferroni", "none"]))
    confidence = draw(st.sampled_from([0.9, 0.95]))
    mode = "paired" if paired else "independent"
    return GapReport(
        survey="Survey",
        schema="s.yaml",
        inputs=(InputSummary("data.csv", "csv", 50, 20, 30),),
        n_vendor=20,
        n_customer=30,
        settings=Settings(confidence, ALPHA, correction, 5, mode, ("region",) if values else ()),
        results=found,
    )


# ------------------------------------------------------------ reading it back


def tables(text: str) -> dict[tuple[str, str], dict[str, str]]:
    """Each table row of the markdown, by (view heading, question text), as
    {column header: cell}."""
    rows: dict[tuple[str, str], dict[str, str]] = {}
    for section in text.split("\n## ")[1:]:
        title, _, body = section.partition("\n")
        lines = [line for line in body.splitlines() if line.startswith("| ")]
        if len(lines) < 3 or not lines[0].startswith("| Question "):
            continue
        header = cells(lines[0])
        for line in lines[2:]:
            row = dict(zip(header, cells(line), strict=True))
            rows[(title, row["Question"])] = row
    return rows


def cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip("|").split("|")]


def headline_bullets(text: str) -> list[str]:
    section = text.split("## Headline\n\n", 1)[1].split("\n\n", 1)[0]
    assert all(line.startswith("- ") for line in section.splitlines())
    return [line[2:] for line in section.splitlines()]


WHO = r"(?P<who>vendors rate themselves|customers rate their vendors)"
THAN = r"than (?:customers rate them|vendors rate themselves)"
P = r"p (?P<p>< 0\.001|= \d\.\d{3})(?: after \S+ correction|, not corrected for multiplicity)"
CLAUSES = {
    "top_box": re.compile(
        rf"{WHO} (?P<amount>\d+\.\d) points higher {THAN} on “(?P<q>[^”]+)”: "
        r"(?P<v>\d+\.\d%) of vendors vs (?P<c>\d+\.\d%) of customers give a top-box answer "
        rf"\((?P<conf>\d+)% CI (?P<lo>[+-]\d+\.\d) to (?P<hi>[+-]\d+\.\d) points, {P}\)$"
    ),
    "mean": re.compile(
        rf"{WHO} (?P<amount>\d+\.\d\d) scale points higher on average {THAN} on "
        rf"“(?P<q>[^”]+)” \({P}\)$"
    ),
}


def significant(report: GapReport, kind: HeadlineKind, *, whole: bool | None) -> list[GapResult]:
    return [
        r
        for r in report.results
        if kind.tested(r) and kind.significant(r) and (whole is None or whole != bool(r.segment))
    ]


def check_named(report: GapReport, kind: HeadlineKind, claim: str, rows: dict) -> None:  # type: ignore[type-arg]
    place = None
    lead = f"No whole-sample {kind.label} gap is significant; in "
    if claim.startswith(lead):
        place, _, claim = claim[len(lead) :].partition(", ")
        assert not significant(report, kind, whole=True), "it says no whole-sample gap is"
        scope = significant(report, kind, whole=False)
    else:
        claim = claim[:1].lower() + claim[1:]
        scope = significant(report, kind, whole=True)
    match = CLAUSES[kind.name].match(claim.removesuffix("."))
    assert match, claim
    named = [
        r
        for r in scope
        if r.question_text == match["q"] and (fmt.segment_place(r.segment) or None) == place
    ]
    assert len(named) == 1, (claim, place)
    r = named[0]
    gap = kind.gap(r)
    assert gap is not None
    assert abs(gap) == max(abs(kind.gap(x) or 0.0) for x in scope)  # the largest of its scope
    row = rows[(fmt.segment_title(r.segment), r.question_text)]
    if kind is TOP_BOX:
        shown = row["Gap (points)"]
        assert row["Significant?"] == "yes*", "the table marks it significant"
    else:
        shown = row["Mean score gap"]
        assert shown.endswith(" *"), "the table marks it significant"
        shown = shown.removesuffix(" *")
    assert shown[1:] == match["amount"]
    assert (shown[0] == "+") == (match["who"] == "vendors rate themselves")
    if kind is TOP_BOX:
        assert (match["v"], match["c"]) == (row["Vendor top box"], row["Customer top box"])
        assert f"{match['lo']}, {match['hi']}" == row[f"{match['conf']}% interval"]
        p_cell = next(v for k, v in row.items() if k in ("p", "p (adjusted)"))
    else:
        p_cell = fmt.p_value(r.mean_p_adjusted)  # the mean's p is in the JSON only
    assert match["p"].removeprefix("= ").replace("< ", "<") == p_cell


def check_headline(report: GapReport, text: str) -> list[str]:
    rows = tables(text)
    bullets = headline_bullets(text)
    kinds = [k for k in HEADLINE_KINDS if any(k.tested(r) for r in report.results)]
    if not kinds:
        assert bullets == [bullets[0]] and bullets[0].startswith("No gap was tested")
        return bullets
    tested, claims = bullets[-1], bullets[:-1]
    numbers = [sum(1 for r in report.results if k.tested(r)) for k in kinds]
    counts = " and ".join(f"{n} {k.label}" for n, k in zip(numbers, kinds, strict=True))
    noun = "gap" if numbers[-1] == 1 else "gaps"
    assert tested.startswith(f"Tested: {counts} {noun} (")
    nothing = f"No {' or '.join(k.label for k in kinds)} gap is significant"
    if claims[0].startswith(nothing) and len(claims) == 1:
        for kind in kinds:
            assert not significant(report, kind, whole=None), claims[0]
        return bullets
    assert len(claims) == len(kinds)
    for kind, claim in zip(kinds, claims, strict=True):
        if claim.startswith(f"No {kind.label} gap is significant"):
            assert not significant(report, kind, whole=None), claim
        else:
            check_named(report, kind, claim, rows)
    return bullets


def plain(renderable: object) -> list[str]:
    buffer = io.StringIO()
    Console(file=buffer, width=10_000, no_color=True, highlight=False).print(renderable)
    return [line.rstrip() for line in buffer.getvalue().splitlines()]


@fuzz_settings(max_examples=300)
@given(reports())
def test_the_headline_never_contradicts_the_tables(report: GapReport) -> None:
    bullets = check_headline(report, markdown.render(report))
    shown = plain(console.render(report))
    for sentence in bullets:
        assert sentence in shown  # the terminal says the same


@fuzz_settings(max_examples=100)
@given(reports())
def test_the_json_headlines_are_the_ones_the_sentences_name(report: GapReport) -> None:
    data = report.to_dict()
    for h, kind in zip(data["headlines"], [k for k in HEADLINE_KINDS], strict=False):
        assert h["kind"] == kind.name
        chosen = significant(report, kind, whole=True) or significant(report, kind, whole=False)
        if not chosen:
            assert h["question"] is None and h["segment"] is None
            continue
        assert abs(max(abs(kind.gap(r) or 0.0) for r in chosen)) == abs(
            next(
                kind.gap(r) or 0.0
                for r in chosen
                if r.question == h["question"] and dict(r.segment) == h["segment"]
            )
        )
    assert {h["kind"] for h in data["headlines"]} <= {TOP_BOX.name, MEAN.name}


# ----------------------------------------------------------------------- trend


@st.composite
def trends(draw: st.DrawFn) -> TrendReport:
    n_waves = draw(st.integers(1, 3))
    waves = tuple(f"2026Q{k + 1}" for k in range(n_waves))
    n_questions = draw(st.integers(1, 3))
    points = []
    for i in range(n_questions):
        previous: tuple[float, str] | None = None
        for wave in waves:
            r = draw(results(f"q{i}", TEXTS[i], (), False))
            change = None
            if previous is not None and r.gap is not None:
                p = draw(p_values)
                d = r.gap - previous[0]
                change = GapChange(previous[1], previous[0], d, d - 0.1, d + 0.1, 2.0, p, p < ALPHA)
            points.append(WavePoint(wave, r, change))
            previous = (r.gap, wave) if r.gap is not None else None
    settings = Settings(0.95, ALPHA, "holm", 5, "independent", ())
    report = GapReport("Survey", "s.yaml", (), 20, 30, settings, ())
    return TrendReport(
        survey="Survey",
        schema="s.yaml",
        waves=waves,
        reports=tuple(report for _ in waves),
        questions=tuple((f"q{i}", TEXTS[i]) for i in range(n_questions)),
        points=tuple(points),
    )


TREND = re.compile(
    r"In (?P<wave>\S+), the largest significant change since (?P<since>\S+): the top-box gap "
    r"on “(?P<q>[^”]+)” (?P<verb>widened|narrowed|changed) by (?P<amount>\d+\.\d) points, "
    r"from (?P<earlier>[+-]\d+\.\d) to (?P<later>[+-]\d+\.\d) \(95% CI of the change "
    r"(?P<lo>[+-]\d+\.\d) to (?P<hi>[+-]\d+\.\d) points, p (?P<p>< 0\.001|= \d\.\d{3}), "
    r"not corrected for multiplicity\)\.$"
)


def trend_rows(text: str) -> dict[tuple[str, str], dict[str, str]]:
    rows = {}
    for section in text.split("\n## ")[1:]:
        title, _, body = section.partition("\n")
        lines = [line for line in body.splitlines() if line.startswith("| ")]
        if lines and lines[0].startswith("| Wave "):
            header = cells(lines[0])
            for line in lines[2:]:
                row = dict(zip(header, cells(line), strict=True))
                rows[(title, row["Wave"])] = row
    return rows


@fuzz_settings(max_examples=200)
@given(trends())
def test_the_trend_headline_never_contradicts_the_tables(trend: TrendReport) -> None:
    text = markdown.render_trend(trend)
    (sentence,) = headline_bullets(text)
    assert sentence in plain(trend_console.render(trend))
    latest = [p for p in trend.points if p.wave == trend.waves[-1] and p.change is not None]
    moved = [p for p in latest if p.change is not None and p.change.significant]
    if len(trend.waves) == 1:
        assert sentence == "One wave: no change to test."
        return
    if sentence.startswith("No gap changed significantly"):
        assert not moved
        assert f": {len(latest)} change" in sentence
        return
    match = TREND.match(sentence)
    assert match, sentence
    assert match["wave"] == trend.waves[-1] and match["since"] == trend.waves[-2]
    (point,) = [p for p in moved if p.result.question_text == match["q"]]
    assert point.change is not None
    assert abs(point.change.change) == max(abs(p.change.change) for p in moved if p.change)
    row = trend_rows(text)[(match["q"], trend.waves[-1])]
    before = trend_rows(text)[(match["q"], trend.waves[-2])]
    sign = "+" if point.change.change >= 0 else "-"
    assert row["Change (points)"] == sign + match["amount"] + " *"
    assert f"{match['lo']}, {match['hi']}" == row["Change interval"]
    assert match["p"].removeprefix("= ").replace("< ", "<") == row["p (change)"]
    assert match["later"] == row["Gap (points)"]
    assert match["earlier"] == before["Gap (points)"]
    earlier, later = point.change.baseline_gap, point.result.gap or 0.0
    if match["verb"] == "widened":
        assert earlier * later > 0 and abs(later) > abs(earlier)
    elif match["verb"] == "narrowed":
        assert earlier * later > 0 and abs(later) <= abs(earlier)
    else:
        assert earlier * later <= 0 or math.isclose(earlier, later)
