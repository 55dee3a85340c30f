"""Every renderer keeps user text inert, whatever the text (hypothesis).

Reports are built directly from the result objects, with generated text in every
field that comes from the user's files: the survey title, question ids and texts,
segment columns and values, account keys, rule names, input file names and wave
labels. The text mixes terminal escape sequences, CR, backspace, markdown and HTML
markup, ``$`` math, spreadsheet formulas, rich markup and very long strings with
ordinary Unicode. For each report:

- the terminal view holds no raw control character, and shows each question text;
- the markdown parses (markdown-it, CommonMark with GFM tables) to one table row per
  result, rule and listed account, the expected headings, no raw HTML, no link but
  the charts gapscan wrote, and each question text as plain text;
- every CSV cell is inert: none starts with ``= + - @``, tab or CR unless it is a
  number the format writes, and each text cell reads back as the text;
- the JUnit file parses and names every rule and question;
- the JSON decodes to exactly the report's data, without raw control characters;
- the chart (a smaller, separate test) is written, its SVG parses, and its size does
  not grow with the length of the text.

Examples are derandomized (repeatable) as in tests/fuzz. Budget: about 675 reports
in all, sized to keep this file under ~90 s on a 2-core machine.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token
from rich.console import Console, RenderableType

from gapscan.pairing import PairingSummary
from gapscan.render import console, junit, markdown, trend_console
from gapscan.render import csv as csv_render
from gapscan.render import json as json_render
from gapscan.report import (
    AccountGap,
    Breach,
    GapChange,
    GapReport,
    GapResult,
    PairedDetail,
    RuleOutcome,
    Settings,
    SideSummary,
    TrendReport,
    WavePoint,
)
from gapscan.responses import InputSummary
from gapscan.survey import Metric, Rule
from gapscan.text import visible
from tests.fuzz.conftest import count_case, fuzz_settings

REPORT_EXAMPLES = 400
TREND_EXAMPLES = 200
CHART_EXAMPLES = 50
TREND_CHART_EXAMPLES = 25

# Pieces of hostile text, each of which broke (or could break) some medium.
NASTY = (
    "\x1b[31m",
    "\x1b[2J",
    "\x1b]8;;http://evil.example/\x07link\x1b]8;;\x07",
    "\x1b]0;title\x07",
    "\x9b31m",
    "\r",
    "\n",
    "\r\n",
    "\x08\x08",
    "\x00",
    "\x0b\x0c",
    "\x7f",
    "\x85",
    "\u2028",
    "\u202e",
    "\u2066",
    "\udcff",
    "\ufffe",
    "|",
    "||",
    "`",
    "``",
    "<script>alert(1)</script>",
    "<b>",
    "<!-- x -->",
    "$",
    "$x$",
    "$$\\frac{1}{0}$$",
    "=cmd|' /C calc'!A0",
    "=1+2",
    "+1",
    "-",
    "-2",
    "@SUM(A1)",
    "\t",
    "[bold]",
    "[/]",
    "[link=http://evil.example]x[/link]",
    ":smile:",
    "# ",
    "## h",
    "#",
    "*",
    "**",
    "_",
    "~~",
    "[x](http://evil.example)",
    "![i](http://evil.example/i.png)",
    "<http://evil.example>",
    "http://evil.example",
    "www.evil.example",
    "javascript:alert(1)",
    "a@evil.example",
    "@team",
    "&amp;",
    "&#x3C;",
    "&",
    "\\",
    "\\|",
    "---",
    "> ",
    "1. ",
    '"',
    "'",
    "é",
    "😀",
    "👩‍💻",
    "中文",
    " ",
    "  ",
)

pieces = st.one_of(st.sampled_from(NASTY), st.text(max_size=6))
ordinary = st.text(st.characters(codec="utf-8"), max_size=12)
user_text = st.one_of(
    st.lists(pieces, max_size=6).map("".join),
    ordinary,
    st.tuples(st.sampled_from(NASTY), st.integers(50, 400)).map(lambda t: t[0] * t[1]),
)
name_text = user_text.filter(lambda s: bool(s.strip()))  # names a schema would accept

# ------------------------------------------------------------------ the reports


def side(n: int, share: float, suppressed: bool) -> SideSummary:
    if suppressed:
        return SideSummary(n, None, None, suppressed=True)
    return SideSummary(n, share, 3.0 + share, top_box_ci_low=share / 2, top_box_ci_high=share)


def result(
    qid: str,
    text: str,
    segment: tuple[tuple[str, str], ...],
    *,
    paired: bool,
    suppressed: bool,
    accounts: tuple[AccountGap, ...],
    change: bool,
) -> GapResult:
    detail = None
    if paired:
        detail = PairedDetail(
            n_pairs=12,
            pairing="one-to-one",
            unmatched_accounts=(1, 2),
            unmatched_respondents=(1, 2),
            **(
                {}
                if suppressed
                else {
                    "vendor_higher": 0.5,
                    "same": 0.25,
                    "customer_higher": 0.25,
                    "kappa": 0.3,
                    "median_difference": -1.0,
                    "median_ci_low": -1.5,
                    "median_ci_high": -0.5,
                }
            ),
            accounts=accounts,
        )
    base = GapResult(
        question=qid,
        question_text=text,
        scale="agree5",
        top_box_labels=("Agree",),
        segment=segment,
        vendor=side(20, 0.7, suppressed),
        customer=side(30, 0.3, suppressed),
        suppressed=suppressed,
        mode="paired" if paired else "independent",
        paired=detail,
    )
    if suppressed:
        return base
    return GapResult(
        **{
            **base.__dict__,
            "gap": 0.4,
            "ci_low": 0.1,
            "ci_high": 0.6,
            "test": "mcnemar-exact" if paired else "z-test",
            "statistic": 2.5,
            "p_value": 0.01,
            "p_adjusted": 0.02,
            "significant": True,
            "mean_gap": -0.8,
            "mean_p_value": 0.2,
            "mean_p_adjusted": 0.3,
            "mean_significant": False,
            "change": GapChange("w0", 0.1, 0.3, 0.05, 0.55, 2.2, 0.03, True) if change else None,
        }
    )


@st.composite
def reports(draw: st.DrawFn, *, paired: bool | None = None) -> GapReport:
    """A report whose every user-text field holds generated text."""
    is_paired = draw(st.booleans()) if paired is None else paired
    n_questions = draw(st.integers(1, 3))
    ids = draw(st.lists(name_text, min_size=n_questions, max_size=n_questions, unique=True))
    texts = draw(st.lists(user_text, min_size=n_questions, max_size=n_questions))
    column = draw(name_text)
    values = draw(st.lists(name_text, min_size=0, max_size=2, unique=True))
    keys = draw(st.lists(name_text, min_size=0, max_size=3))
    change = draw(st.booleans()) and not is_paired
    accounts = tuple(AccountGap(k, 4.0, 2.0, 2.0, 1, 1) for k in keys)
    views: list[tuple[tuple[str, str], ...]] = [(), *[((column, v),) for v in values]]
    results = []
    for segment in views:
        for i, (qid, text) in enumerate(zip(ids, texts, strict=True)):
            suppressed = draw(st.booleans()) if segment or i else False
            results.append(
                result(
                    qid,
                    text,
                    segment,
                    paired=is_paired,
                    suppressed=suppressed,
                    accounts=accounts if is_paired and not segment and not suppressed else (),
                    change=change,
                )
            )
    rule_names = draw(st.lists(name_text, min_size=0, max_size=3))
    rules = []
    for k, name in enumerate(rule_names):
        rule = Rule(name, Metric.TOP_BOX_GAP, max=0.1, questions=(ids[0],) if k else None)
        breaches = tuple(
            Breach(name, "top_box_gap", r.question, r.segment, 0.4, "max", 0.1, 0.02)
            for r in results
            if not r.suppressed and k % 3 == 0
        )
        checked = 0 if k % 3 == 2 else len(results)
        rules.append(RuleOutcome(rule, checked, breaches if checked else ()))
    paths = draw(st.lists(name_text, min_size=1, max_size=2))
    inputs = tuple(InputSummary(p, "csv", 10, 5, 5) for p in paths)
    whole = [r for r in results if not r.segment and r.significant]
    segments = (column,) if values else ()
    return GapReport(
        survey=draw(user_text),
        schema=draw(name_text),
        inputs=inputs,
        n_vendor=20,
        n_customer=30,
        settings=Settings(
            0.95, 0.05, "holm", 5, "paired" if is_paired else "independent", segments
        ),
        results=tuple(results),
        headline=whole[0] if whole else None,
        rules=tuple(rules),
        pairing=PairingSummary(12, 10, 1, 1, 0, 0, "mean") if is_paired else None,
        baseline=draw(st.none() | name_text) if change else None,
    )


@st.composite
def trends(draw: st.DrawFn) -> TrendReport:
    waves = draw(st.lists(name_text, min_size=1, max_size=3, unique=True))
    base = [draw(reports(paired=False)) for _ in waves]
    questions = tuple(
        dict.fromkeys((r.question, r.question_text) for r in base[0].results if not r.segment)
    )
    points = []
    for qid, _ in questions:
        r = next(r for r in base[0].results if r.question == qid and not r.segment)
        for k, wave in enumerate(waves):
            change = GapChange(waves[0], 0.1, -0.2, -0.4, 0.0, -1.9, 0.06, False)
            points.append(WavePoint(wave, r, change if k and not r.suppressed else None))
    return TrendReport(
        survey=draw(user_text),
        schema="s.yaml",
        waves=tuple(waves),
        reports=tuple(base),
        questions=questions,
        points=tuple(points),
        rules=base[-1].rules,
    )


# ---------------------------------------------------------------------- checks

_BIDI = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def raw_controls(text: str) -> list[str]:
    """Characters a terminal would act on (or a line would break at), other than
    the newlines that end lines."""
    odd = _BIDI | {"\ufffe", "\uffff"}
    categories = ("Cc", "Cs", "Zl", "Zp")
    return [c for c in text if c != "\n" and (unicodedata.category(c) in categories or c in odd)]


def plain(text: str) -> str:
    """How a text reads once escaped: on one line, control characters visible."""
    return visible(re.sub(r"\r\n|\r|\n", " ", text))


def terminal_text(renderable: RenderableType) -> str:
    buffer = io.StringIO()
    Console(file=buffer, width=20000, no_color=True, highlight=False).print(renderable)
    return buffer.getvalue()


def check_terminal(out: str, texts: list[str]) -> None:
    assert raw_controls(out) == [], raw_controls(out)[:10]
    for t in texts:
        assert visible(t).strip() in out, (visible(t), out[:2000])


MD = MarkdownIt("commonmark").enable("table")


def tokens(text: str) -> list[Token]:
    out: list[Token] = []
    for token in MD.parse(text):
        out.append(token)
        out.extend(token.children or [])
    return out


def inline_text(token: Token) -> str:
    return "".join(c.content for c in token.children or [] if c.type != "softbreak")


def table_rows(text: str) -> list[list[list[str]]]:
    """Each table's body rows, each row its cells' rendered text."""
    tables: list[list[list[str]]] = []
    in_body = False
    for token in MD.parse(text):
        if token.type == "table_open":
            tables.append([])
        elif token.type == "tbody_open":
            in_body = True
        elif token.type == "tbody_close":
            in_body = False
        elif token.type == "tr_open" and in_body:
            tables[-1].append([])
        elif token.type == "inline" and in_body:
            tables[-1][-1].append(inline_text(token))
    return tables


def check_markdown_safe(text: str, links: list[str]) -> list[Token]:
    assert raw_controls(text) == [], raw_controls(text)[:10]
    all_tokens = tokens(text)
    kinds = {t.type for t in all_tokens}
    assert not kinds & {"html_block", "html_inline"}, text[:3000]
    assert not kinds & {"em_open", "s_open", "code_block", "fence", "blockquote_open", "hr"}
    linked = [t for t in all_tokens if t.type in ("link_open", "image")]
    hrefs = sorted(str(t.attrs.get("href") or t.attrs.get("src")) for t in linked)
    assert hrefs == sorted(MD.normalizeLink(h) for h in links), text[:3000]
    return all_tokens


def check_report_markdown(report: GapReport, charts: list[Path]) -> None:
    from gapscan.text import markdown_link

    text = markdown.render(report, charts)
    all_tokens = check_markdown_safe(text, [markdown_link(p.as_posix()) for p in charts])
    views = report.views()
    with_accounts = [r for r in report.results if r.paired is not None and r.paired.accounts]
    headings = 5 + len(views) + len(with_accounts) + bool(charts)
    headings += any(r.suppressed for r in report.results)
    assert sum(t.type == "heading_open" for t in all_tokens) == headings, text[:3000]
    breached = sum(1 for o in report.rules if o.breaches)
    assert sum(t.type == "strong_open" for t in all_tokens) == breached
    tables = table_rows(text)
    expected = [[plain(r.question_text).strip() for r in rs] for _, rs in views]
    expected += [[plain(a.account).strip() for a in r.paired.accounts] for r in with_accounts]  # type: ignore[union-attr]
    if report.rules:
        expected.append([plain(o.rule.name).strip() for o in report.rules])
    assert [[row[0] for row in t] for t in tables] == expected, text[:3000]
    codes = [t.content for t in all_tokens if t.type == "code_inline"]
    assert codes[: len(report.inputs)] == [plain(i.path) for i in report.inputs], codes
    title = next(t for t in MD.parse(text) if t.type == "inline")
    assert inline_text(title) == plain(report.survey).strip()


def check_csv(text: str) -> list[list[str]]:
    assert raw_controls(text) == [], raw_controls(text)[:10]
    rows = list(csv.reader(io.StringIO(text)))
    for row in rows[1:]:
        for cell in row:
            if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
                float(cell)  # a number the format writes, nothing else
    return rows


def shows(cell: str, text: str) -> bool:
    """The cell holds the text (control characters shown escaped), or the text behind
    the quote that neutralises a formula start. (Reading a cell back by stripping a
    leading quote would be ambiguous: a text may begin with "'=" itself.)"""
    text = visible(text)
    return cell == text or (cell == "'" + text and text[:1] in ("=", "+", "-", "@"))


def check_junit(text: str, rules: tuple[RuleOutcome, ...], questions: list[str]) -> None:
    root = ET.fromstring(text.encode("utf-8"))
    names = [case.get("name") for case in root.iter("testcase")]
    expected = [
        visible(f"{o.rule.name} [{q}]") for o in rules for q in questions if o.rule.applies_to(q)
    ]
    assert names == expected


def check_json(text: str, data: dict[str, Any]) -> None:
    assert raw_controls(text) == [], raw_controls(text)[:10]
    assert json.loads(text) == json.loads(json.dumps(data))


# ----------------------------------------------------------------------- tests


@fuzz_settings(REPORT_EXAMPLES)
@given(report=reports())
def test_every_output_of_a_report_keeps_user_text_inert(report: GapReport) -> None:
    count_case()
    check_terminal(
        terminal_text(console.render(report)),
        [r.question_text for r in report.results] + [report.survey],
    )
    charts = [Path("charts") / f"{report.inputs[0].path.replace('/', '_')}-gaps.svg"]
    check_report_markdown(report, charts)
    check_report_markdown(report, [])
    rows = check_csv(csv_render.render(report))
    assert len(rows) == len(report.results) + 1
    column = rows[0].index("question_text")
    cells = [row[column] for row in rows[1:]]
    assert all(shows(c, r.question_text) for c, r in zip(cells, report.results, strict=True))
    questions = list(dict.fromkeys(r.question for r in report.results))
    check_junit(junit.render(report.rules, questions, report.survey), report.rules, questions)
    check_json(json_render.render(report), report.to_dict())


@fuzz_settings(TREND_EXAMPLES)
@given(trend=trends())
def test_every_output_of_a_trend_keeps_user_text_inert(trend: TrendReport) -> None:
    count_case()
    check_terminal(
        terminal_text(trend_console.render(trend)), [w for w in trend.waves] + [trend.survey]
    )
    text = markdown.render_trend(trend, [Path("trend.svg")])
    check_markdown_safe(text, ["trend.svg"])
    tables = table_rows(text)
    waves = [plain(w).strip() for w in trend.waves]
    assert [[row[0] for row in t] for t in tables[: len(trend.questions)]] == [
        waves for _ in trend.questions
    ]
    rows = check_csv(csv_render.render_trend(trend))
    assert len(rows) == len(trend.points) + 1
    assert all(shows(row[1], p.wave) for row, p in zip(rows[1:], trend.points, strict=True))
    questions = [qid for qid, _ in trend.questions]
    check_junit(junit.render(trend.rules, questions, trend.survey), trend.rules, questions)
    check_json(json_render.render(trend), trend.to_dict())


# ---------------------------------------------------------------------- charts


@pytest.fixture(scope="module")
def chart_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield tmp_path_factory.mktemp("charts")


def svg_size(path: Path) -> tuple[float, float]:
    root = ET.parse(path).getroot()
    return float(root.get("width", "0").rstrip("pt")), float(root.get("height", "0").rstrip("pt"))


@pytest.mark.filterwarnings("ignore:Glyph .* missing from font")
@fuzz_settings(CHART_EXAMPLES)
@given(report=reports())
def test_the_dumbbell_chart_takes_any_text(report: GapReport, chart_dir: Path) -> None:
    from gapscan.render import charts

    count_case()
    svg, png = charts.write_dumbbell(report, chart_dir)
    width, height = svg_size(svg)
    rows = sum(1 for r in report.results if not r.segment)
    # Each row is at most three lines of label; the title at most two.
    most = 72 * (charts._CHROME + 0.4 + rows * (charts._ROW_BASE + 3 * charts._ROW_LINE))
    assert width == 72 * charts._WIDTH
    assert height <= most, (height, most)
    assert png.read_bytes().startswith(b"\x89PNG")


@pytest.mark.filterwarnings("ignore:Glyph .* missing from font")
@fuzz_settings(TREND_CHART_EXAMPLES)
@given(trend=trends())
def test_the_trend_chart_takes_any_text(trend: TrendReport, chart_dir: Path) -> None:
    from gapscan.render import charts

    count_case()
    svg, _ = charts.write_trend(trend, chart_dir)
    legend = charts._trend_figure(trend).axes[0].get_legend()
    assert len(legend.get_texts()) == len(trend.questions)  # none left out of the legend
    width, height = svg_size(svg)
    assert width == 72 * charts._WIDTH
    assert height <= 72 * (4.8 + 0.22 * len(trend.questions) + 0.5)
