"""``--format html``: every bundled example renders to one self-contained page whose
tables hold the report's results (read from the JSON report of the same run), whose
charts all say in words what they show, and whose bytes are the same on every run;
hostile user text reaches the page as text only."""

from __future__ import annotations

import csv
import itertools
import json
import random
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from gapscan.cli import app
from gapscan.render.html_parts import SCRIPT
from gapscan.text import visible
from tests.golden import ROOT, WAVES

runner = CliRunner()

EXAMPLES = [
    ["surveys/cmo-affinity.yaml"],
    ["surveys/cmo-affinity.yaml", "--distribution"],
    ["surveys/account-pulse.yaml"],
    ["surveys/account-pulse.yaml", "--show-accounts", "3"],
    ["surveys/partner-nps.yaml"],
    ["surveys/weighted-pulse.yaml"],
    ["surveys/weighted-poststrat.yaml"],
    ["surveys/cmo-affinity.yaml", WAVES[2], "--baseline", "reports/2026Q2.json"],
]


@pytest.fixture(autouse=True)
def _at_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


def run(*args: str | Path) -> str:
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert result.exit_code in (0, 1), result.stderr
    return result.stdout


# ---------------------------------------------------------------- the parser


class Page(HTMLParser):
    """What a browser would build from the page, as far as the tests need it."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.stack: list[str] = []
        self.texts: list[tuple[str, str]] = []  # (enclosing tag, text)
        self.scripts: list[str] = []
        self.tables: list[dict[str, Any]] = []
        self._cell: dict[str, Any] | None = None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        self.tags.append((tag, attributes))
        if tag not in ("meta", "br", "path", "use", "rect", "circle", "line", "polyline"):
            self.stack.append(tag)
        if tag == "table":
            self.tables.append({"attrs": attributes, "header": [], "rows": [], "caption": ""})
        elif tag == "tr" and self.tables:
            self.tables[-1]["rows"].append({"attrs": attributes, "cells": []})
        elif tag in ("td", "th") and self.tables:
            self._cell = {"tag": tag, "attrs": attributes, "text": ""}

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self.tables:
            cell, self._cell = self._cell, None
            table = self.tables[-1]
            if cell["attrs"].get("scope") == "col":
                table["header"].append(cell["text"].strip())
            else:
                table["rows"][-1]["cells"].append(cell)
        if tag in self.stack:
            while self.stack and self.stack.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        enclosing = self.stack[-1] if self.stack else ""
        self.texts.append((enclosing, data))
        if enclosing == "script":
            self.scripts.append(data)
        if self._cell is not None:
            self._cell["text"] += data
        if enclosing == "caption" and self.tables:
            self.tables[-1]["caption"] += data

    def body_rows(self, table: dict[str, Any]) -> list[dict[str, Any]]:
        return [r for r in table["rows"] if r["cells"]]


def cells_by_header(table: dict[str, Any], row: dict[str, Any]) -> dict[str, dict[str, Any]]:
    header: list[str] = table["header"]
    assert len(row["cells"]) == len(header), (header, row)
    return dict(zip(header, row["cells"], strict=True))


def number(cell: dict[str, Any]) -> float | None:
    value = cell["attrs"].get("data-sort")
    assert value is not None, cell
    return None if value == "" else float(value)


def shown(cell: dict[str, Any]) -> str:
    return " ".join(cell["text"].split())


# ------------------------------------------------------------ every example


@pytest.fixture(scope="module")
def pages() -> dict[str, tuple[str, dict[str, Any]]]:
    """Each example's page and its JSON report, from the same run."""
    out = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(ROOT)
        mp.delenv("GITHUB_STEP_SUMMARY", raising=False)
        for args in EXAMPLES:
            page = run("analyze", *args, "--format", "html")
            data = json.loads(run("analyze", *args, "--format", "json"))
            out[" ".join(args)] = (page, data)
    return out


def test_every_example_is_one_complete_page(pages: dict[str, tuple[str, dict[str, Any]]]) -> None:
    for name, (page, data) in pages.items():
        parsed = Page(page)
        tags = [t for t, _ in parsed.tags]
        assert page.startswith('<!DOCTYPE html>\n<html lang="en">'), name
        assert tags.count("h1") == 1 and tags.count("main") == 1, name
        assert ("meta", {"charset": "utf-8"}) in parsed.tags, name
        assert any(t == "meta" and a.get("name") == "viewport" for t, a in parsed.tags), name
        assert [text for tag, text in parsed.texts if tag == "h1"] == [data["survey"]], name
        assert "@media print" in page and "@page" in page, name
        # headings never skip a level
        levels = [int(t[1]) for t in tags if re.fullmatch(r"h[1-6]", t)]
        assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), name
        for text in ("Headline", "Rules", "Methods", "What was analysed"):
            assert text in [t for tag, t in parsed.texts if tag == "h2"], (name, text)
        assert parsed.scripts == [SCRIPT], name


def test_no_request_leaves_the_page(pages: dict[str, tuple[str, dict[str, Any]]]) -> None:
    for name, (page, _) in pages.items():
        parsed = Page(page)
        assert not {t for t, _ in parsed.tags} & {"link", "img", "iframe", "object", "embed"}
        for tag, attributes in parsed.tags:
            for key, value in attributes.items():
                if key in ("href", "xlink:href", "src"):
                    assert value.startswith("#"), (name, tag, key, value)
                assert not key.startswith("on"), (name, tag, key)
        without_namespaces = re.sub(r'xmlns(:xlink)?="[^"]*"', "", page)
        assert not re.search(r"https?://|//[a-z]", without_namespaces), name
        assert "@import" not in page and not re.search(r"url\((?!#)", page), name


def test_tables_hold_the_reports_results(pages: dict[str, tuple[str, dict[str, Any]]]) -> None:
    for page, data in pages.values():
        parsed = Page(page)
        labels = data["settings"].get("side_labels", {"vendor": "Vendor", "customer": "Customer"})
        vendor, customer = labels["vendor"], labels["customer"]
        views = [
            t
            for t in parsed.tables
            if "data-segment" in t["attrs"] and "Net Promoter" not in t["caption"]
        ]
        expected = {json.dumps(r["segment"], sort_keys=True) for r in data["results"]}
        assert {
            json.dumps(json.loads(t["attrs"]["data-segment"]), sort_keys=True) for t in views
        } == expected
        for table in views:
            segment = json.loads(table["attrs"]["data-segment"])
            results = [r for r in data["results"] if r["segment"] == segment]
            rows = parsed.body_rows(table)
            assert [r["attrs"]["data-question"] for r in rows] == [r["question"] for r in results]
            for row, result in zip(rows, results, strict=True):
                cells = cells_by_header(table, row)
                assert row["cells"][0]["tag"] == "th" and row["cells"][0]["attrs"]["scope"] == "row"
                assert shown(cells["Question"]) == result["question_text"]
                check_result(cells, result, vendor, customer)


# The HTML's own tables: the change since a baseline gets a table of its own (the
# markdown adds its columns to the results tables), which names the group and both gaps.
HTML_ONLY = {"Group", "Earlier gap (points)", "Gap now (points)"}


def markdown_headings(text: str) -> set[str]:
    """Every column heading of a markdown report's tables."""
    lines = text.splitlines()
    out: set[str] = set()
    for line, below in itertools.pairwise(lines):
        if line.startswith("|") and re.fullmatch(r"\|[-:| ]+\|", below):
            out |= {cell.strip() for cell in re.split(r"(?<!\\)\|", line.strip("|"))}
    return out


def html_headings(page: str) -> set[str]:
    return {h for t in Page(page).tables for h in t["header"]}


@pytest.mark.parametrize(
    "args",
    [
        ["analyze", *EXAMPLES[0]],
        ["analyze", *EXAMPLES[3]],
        ["analyze", *EXAMPLES[4]],
        ["analyze", *EXAMPLES[5]],
        ["analyze", *EXAMPLES[7]],
        ["trend", "surveys/cmo-affinity.yaml", *WAVES],
    ],
    ids=lambda args: " ".join(args),
)
def test_tables_use_the_markdown_reports_headings(args: list[str]) -> None:
    """The same run in HTML and in markdown: the same column headings, from the one
    place that words them, the HTML's change table aside."""
    page = html_headings(run(*args, "--format", "html"))
    markdown = markdown_headings(run(*args, "--format", "markdown"))
    baseline = "--baseline" in args
    assert page - (HTML_ONLY if baseline else set()) == markdown - {""}
    if baseline:
        assert page >= HTML_ONLY


def test_each_questions_top_box_is_stated(pages: dict[str, tuple[str, dict[str, Any]]]) -> None:
    for name, (page, data) in pages.items():
        texts = [text for tag, text in Page(page).texts if tag in ("p", "li")]
        whole = [r for r in data["results"] if not r["segment"]]
        tops = [r.get("top_box_rule") or ", ".join(r["top_box_labels"]) for r in whole]
        if len(set(tops)) == 1:
            assert f"Top box (every question): {tops[0]}." in texts, name
            continue
        for r, top in zip(whole, tops, strict=True):
            assert any(r["question_text"] in t and t.endswith(f": {top}") for t in texts), (
                name,
                r["question_text"],
            )


def check_result(
    cells: dict[str, dict[str, Any]], r: dict[str, Any], vendor: str, customer: str
) -> None:
    gap = cells["Gap (points)"]
    if r["suppressed"]:
        assert shown(gap) == "suppressed" and number(gap) is None
        return
    mean = cells["Mean score gap"]
    assert number(mean) == r["mean_gap"]
    v, c = r["vendor"]["top_box"], r["customer"]["top_box"]
    if v is None:  # a numeric question without a top box
        assert r["gap"] is None and shown(gap) == "-" and number(gap) is None
        return
    assert number(cells[f"{vendor} top box"]) == v
    assert shown(cells[f"{vendor} top box"]) == f"{100 * v:.1f}%"
    assert number(cells[f"{customer} top box"]) == c
    assert shown(cells[f"{customer} top box"]) == f"{100 * c:.1f}%"
    assert number(gap) == r["gap"]
    words = (
        "no difference"
        if round(100 * abs(r["gap"]), 1) == 0
        else ("vendors higher" if r["gap"] > 0 else "customers higher")
    )
    if vendor != "Vendor":
        words = words.replace("vendors", vendor).replace("customers", customer)
    # as in the markdown: the gap without a mark, the verdict in the Significant? column
    assert shown(gap) == f"{100 * r['gap']:+.1f} {words}"
    assert shown(cells["Significant?"]) == ("yes*" if r["significant"] else "no")
    mean_mark = " *" if r["mean_significant"] else ""
    assert shown(mean).startswith(f"{r['mean_gap']:+.2f}{mean_mark}")
    assert ("*" in shown(mean)) == bool(r["mean_significant"])
    interval = next(v for k, v in cells.items() if k.endswith("% interval"))
    assert number(interval) == r["ci_low"]
    assert shown(interval) == f"{100 * r['ci_low']:+.1f}, {100 * r['ci_high']:+.1f}"
    p = next(v for k, v in cells.items() if k in ("p", "p (adjusted)"))
    assert number(p) == r["p_adjusted"]
    if r["mode"] == "paired":
        assert number(cells["Accounts paired"]) == r["n_pairs"]
        split = next(v for k, v in cells.items() if k.endswith("higher / same / lower"))
        assert number(split) == r["vendor_higher"]
    else:
        default = (vendor, customer) == ("Vendor", "Customer")
        vendors, customers = ("Vendors", "customers") if default else (vendor, customer)
        answers = cells[f"{vendors} / {customers} answering"]
        assert shown(answers) == f"{r['vendor']['n']:,} / {r['customer']['n']:,}"


def test_every_chart_says_what_it_shows(pages: dict[str, tuple[str, dict[str, Any]]]) -> None:
    for name, (page, data) in pages.items():
        check_charts(page, name)
        segments = {json.dumps(r["segment"]) for r in data["results"] if r["segment"]}
        distributions = "--distribution" in name
        questions = {r["question"] for r in data["results"] if not r["segment"]}
        expected = 1 + len(segments) + (len(questions) if distributions else 0)
        assert page.count("<svg") == expected, name


def check_charts(page: str, name: str) -> None:
    """Every SVG is an image labelled by its own title and description, and no id
    repeats in the page."""
    parsed = Page(page)
    ids = [a["id"] for _, a in parsed.tags if "id" in a]
    assert len(ids) == len(set(ids)), name
    svgs = [a for t, a in parsed.tags if t == "svg"]
    assert svgs, name
    for attributes in svgs:
        assert attributes.get("role") == "img", name
        title, desc = attributes["aria-labelledby"].split()
        for ident, tag in ((title, "title"), (desc, "desc")):
            match = re.search(rf'<{tag} id="{re.escape(ident)}">([^<]+)</{tag}>', page)
            assert match and len(match.group(1)) > 20, (name, ident)
    # every reference inside a chart points at an id of the page
    for target in re.findall(r'(?:href="#|url\(#)([^")]+)', page):
        assert target in ids, (name, target)
    assert "<?xml" not in page and "<!DOCTYPE svg" not in page


def test_the_same_run_gives_the_same_bytes(tmp_path: Path) -> None:
    first, second = tmp_path / "a.html", tmp_path / "b.html"
    for out in (first, second):
        run("analyze", "surveys/account-pulse.yaml", "--format", "html", "--out", out)
    assert first.read_bytes() == second.read_bytes()
    assert not re.search(rb"\d{4}-\d\d-\d\dT\d\d:\d\d", first.read_bytes())
    stamped = run("analyze", "surveys/account-pulse.yaml", "--format", "html", "--stamp")
    assert re.search(r"Generated \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", stamped)
    assert not (tmp_path / "charts").exists()  # charts are in the page


def test_numeric_questions(tmp_path: Path) -> None:
    """Numeric questions, with and without a top box: their mean gap and Welch interval
    in the table, no distribution chart (as in the other formats)."""
    rows = [["side", "s", "y"]]
    rows += [["Vendor", str(v), "Yes" if v > 3 else "No"] for v in (1, 2, 5, 7, 8, 9)]
    rows += [["Customer", str(v), "Yes" if v > 5 else "No"] for v in (3, 4, 1, 2, 6, 2)]
    with (tmp_path / "data.csv").open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    schema = tmp_path / "survey.yaml"
    schema.write_text(
        "survey: Numbers\ndata: [data.csv]\n"
        "sides: {column: side, vendor: [Vendor], customer: [Customer]}\n"
        "scales:\n  yes_no: {levels: [No, Yes], top_box: [Yes]}\n"
        "questions:\n"
        "  - {id: s, type: numeric, column: s, range: [0, 10], top_box: {min: 4}}\n"
        "  - {id: t, type: numeric, column: s}\n"
        "  - {id: y, scale: yes_no, column: y}\n"
        "analysis: {min_n: 2}\n",
        encoding="utf-8",
    )
    page = run("analyze", schema, "--format", "html", "--distribution")
    data = json.loads(run("analyze", schema, "--format", "json"))
    parsed = Page(page)
    [table] = [t for t in parsed.tables if t["attrs"].get("data-segment") == "{}"][:1]
    rows_shown = parsed.body_rows(table)
    assert len(rows_shown) == len(data["results"]) == 3
    for row, result in zip(rows_shown, data["results"], strict=True):
        check_result(cells_by_header(table, row), result, "Vendor", "Customer")
    welch = shown(cells_by_header(table, rows_shown[1])["Mean score gap"])
    low, high = data["results"][1]["mean_gap_ci_low"], data["results"][1]["mean_gap_ci_high"]
    assert f"[{low:+.2f}, {high:+.2f}]" in welch
    check_charts(page, "numeric")
    assert page.count("<svg") == 2  # the dumbbell and the one question on a scale
    assert "Numeric questions have no distribution table or chart" in page


def test_out_is_written_like_every_report(tmp_path: Path) -> None:
    """--out never writes over an input (exit 2, the input unchanged), and with
    --charts the chart files are written beside the page, all together."""
    schema = tmp_path / "survey.yaml"
    text = (ROOT / "surveys/cmo-affinity.yaml").read_text(encoding="utf-8")
    schema.write_text(text.replace("cmo-affinity.csv", str(ROOT / "surveys/cmo-affinity.csv")))
    before = schema.read_bytes()
    result = runner.invoke(app, ["analyze", str(schema), "--format", "html", "--out", str(schema)])
    assert result.exit_code == 2 and "would overwrite the schema" in result.stderr
    assert schema.read_bytes() == before
    out = tmp_path / "report.html"
    run("analyze", schema, "--format", "html", "--out", out, "--charts", tmp_path / "c")
    assert out.read_text(encoding="utf-8") == run("analyze", schema, "--format", "html")
    assert sorted(p.name for p in (tmp_path / "c").iterdir()) == [
        "report-gaps-by-region.png",  # the schema's segment: small multiples
        "report-gaps-by-region.svg",
        "report-gaps.png",
        "report-gaps.svg",
    ]


# ---------------------------------------------------------------------- trend


def test_trend_page_has_the_chart_and_a_table_per_question() -> None:
    page = run("trend", "surveys/cmo-affinity.yaml", *WAVES, "--format", "html")
    data = json.loads(run("trend", "surveys/cmo-affinity.yaml", *WAVES, "--format", "json"))
    check_charts(page, "trend")
    assert page.count("<svg") == 1
    parsed = Page(page)
    tables = [t for t in parsed.tables if "gap in each wave" in t["caption"]]
    assert len(tables) == len(data["questions"])
    for table, question in zip(tables, data["questions"], strict=True):
        assert question["question_text"] in table["caption"]
        rows = parsed.body_rows(table)
        assert [shown(r["cells"][0]) for r in rows] == [w["wave"] for w in data["waves"]]
        for row, point in zip(rows, question["waves"], strict=True):
            cells = cells_by_header(table, row)
            assert number(cells["Gap (points)"]) == point["gap"]
            assert number(cells["Vendor top box"]) == point["vendor"]["top_box"]
            change = cells["Change (points)"]
            assert number(change) == point.get("change")
            assert shown(cells["Significant?"]) == ("yes*" if point["significant"] else "no")
            if point.get("change") is not None:
                mark = " *" if point["change_significant"] else ""
                assert shown(change) == f"{100 * point['change']:+.1f}{mark}"


def test_trend_page_of_an_nps_question(tmp_path: Path) -> None:
    """Two waves of the partner NPS example (its rows split in two): each NPS question
    gets a table of its scores per wave, sorted by the JSON's values."""
    lines = (ROOT / "surveys/partner-nps.csv").read_text(encoding="utf-8").splitlines()
    waves = [tmp_path / "w1.csv", tmp_path / "w2.csv"]
    for k, path in enumerate(waves):
        path.write_text("\n".join([lines[0], *lines[1 + k :: 2]]) + "\n", encoding="utf-8")
    args = ["trend", "surveys/partner-nps.yaml", *map(str, waves)]
    page = run(*args, "--format", "html")
    data = json.loads(run(*args, "--format", "json"))
    parsed = Page(page)
    [table] = [t for t in parsed.tables if "Net Promoter Score per wave" in t["caption"]]
    question = next(q for q in data["questions"] if q["waves"][0].get("nps_gap") is not None)
    assert question["question_text"] in table["caption"]
    assert table["header"][3:7] == [
        "NPS gap (points)",
        "95% interval",
        "Significant?",
        "Change (points)",
    ]
    rows = parsed.body_rows(table)
    assert [shown(r["cells"][0]) for r in rows] == ["w1", "w2"]
    for row, point in zip(rows, question["waves"], strict=True):
        cells = cells_by_header(table, row)
        assert number(cells["NPS gap (points)"]) == point["nps_gap"]
        assert number(cells["Change (points)"]) == point.get("nps_change")
    check_charts(page, "nps trend")


# ------------------------------------------------------------- hostile text

TITLE = "Pulse </title><script>alert(1)</script> & \"q\" 's' \x1b[31m \u202eevil"
TEXTS = {
    "q1": 'A & B <b>bold</b> </td></tr></table> "quoted" \u202ereversed\u202c',
    "q2": "</desc></title></svg><img src=x onerror=alert(1)> \x07 &amp; \u2066x\u2069",
}
SIDES = {"vendor": '<i>Reps</i> & "co"', "customer": "Buyers </th>\u202e"}
DATA = "d<b>x<\\b> & 'q'\u202e.csv"
SEGMENTS = ['<script>alert("seg")</script>', 'EMEA & "APAC" \u202e', "x\x1b]0;t\x07"]
AGREE5 = ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"]
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def hostile_survey(folder: Path) -> Path:
    rng = random.Random(7)
    rows = [["side", "region", "q1", "q2"]]
    for j in range(180):
        for side, low in (("Vendor", 2), ("Customer", 0)):
            answers = [AGREE5[rng.randint(low, low + 2)] for _ in TEXTS]
            rows.append([side, SEGMENTS[j % len(SEGMENTS)], *answers])
    with (folder / DATA).open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    questions = "".join(
        f"  - {{id: {qid}, text: {json.dumps(text)}, scale: agree5, column: {qid}}}\n"
        for qid, text in TEXTS.items()
    )
    schema = folder / "survey.yaml"
    schema.write_text(
        f"survey: {json.dumps(TITLE)}\n"
        f"data: [{json.dumps(DATA)}]\n"
        "sides: {column: side, vendor: [Vendor], customer: [Customer], "
        f"labels: {json.dumps(SIDES)}}}\n"
        "segments: [region]\n"
        f"scales:\n  agree5: {{levels: {json.dumps(AGREE5)}, top_box: 2}}\n"
        f"questions:\n{questions}"
        f"rules:\n  - {{name: {json.dumps(TITLE)}, metric: top_box_gap, max: 0.0}}\n",
        encoding="utf-8",
    )
    return schema


def test_hostile_text_reaches_the_page_as_text_only(tmp_path: Path) -> None:
    schema = hostile_survey(tmp_path)
    page = run("analyze", schema, "--format", "html", "--distribution")
    parsed = Page(page)
    assert RAW_CONTROL.findall(page) == []
    assert parsed.scripts == [SCRIPT]  # the page's own, and no other
    assert [t for t, _ in parsed.tags].count("script") == 1
    user_markup = {"b", "img", "i"} & {t for t, _ in parsed.tags}
    assert not user_markup
    assert all(not k.startswith("on") for _, a in parsed.tags for k in a)
    titles = [text for tag, text in parsed.texts if tag == "title"]
    assert titles[0] == visible(TITLE)  # the page's <title>, whole
    assert [text for tag, text in parsed.texts if tag == "h1"] == [visible(TITLE)]
    first = next(t for t in parsed.tables if t["attrs"].get("data-segment") == "{}")
    rows = parsed.body_rows(first)
    assert [shown(r["cells"][0]) for r in rows] == [
        " ".join(visible(t).split()) for t in TEXTS.values()
    ]
    headings = [text for tag, text in parsed.texts if tag == "h3"]
    for value in SEGMENTS:
        assert f"region = {visible(value)}" in headings
    segments = {
        json.loads(t["attrs"]["data-segment"]).get("region")
        for t in parsed.tables
        if "data-segment" in t["attrs"]
    }
    assert set(SEGMENTS) <= segments  # attributes keep the text exactly
    check_charts(page, "hostile")
    header = first["header"]
    assert f"{visible(SIDES['vendor'])} top box" in header
    assert f"{visible(SIDES['customer'])} top box" in header
    code = [text for tag, text in parsed.texts if tag == "code"]
    assert visible(str(tmp_path / DATA)) in code  # the file name, in What was analysed
    # the chart descriptions carry the question texts, escaped
    assert visible(TEXTS["q2"]) in "".join(text for tag, text in parsed.texts if tag == "desc")


def test_hostile_trend_page(tmp_path: Path) -> None:
    schema = hostile_survey(tmp_path)
    data = tmp_path / DATA
    waves = []
    for name in ("w<b>1&amp;.csv", "w2\u202e.csv"):
        path = tmp_path / name
        extra = "Vendor,EMEA,Agree,Agree\n" * len(waves)  # waves differ by a row
        path.write_text(data.read_text(encoding="utf-8") + extra, encoding="utf-8")
        waves.append(path)
    page = run("trend", schema, *waves, "--format", "html")
    assert RAW_CONTROL.findall(page) == []
    parsed = Page(page)
    assert parsed.scripts == [SCRIPT]
    assert not {"b", "img"} & {t for t, _ in parsed.tags}
    check_charts(page, "hostile trend")
    assert [text for tag, text in parsed.texts if tag == "h1"] == [
        f"{visible(TITLE)}: gaps across waves"
    ]
