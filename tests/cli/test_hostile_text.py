"""Real commands on a survey whose own text is hostile: escape sequences, ``$x$``,
``<script>``, newlines, CR, rich markup, spreadsheet formulas, backticks.

Every command and format must print no raw control character and write outputs
that parse in their format, with the text shown as text: analyze (table, markdown
with its chart, csv, json, JUnit; paired with --show-accounts), trend, validate's
table and init's draft.
"""

from __future__ import annotations

import csv
import io
import json
import random
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from gapscan.text import markdown_link, visible
from tests.fuzz.conftest import Outcome, assert_no_crash, invoke
from tests.test_render_properties import check_markdown_safe, plain, raw_controls, table_rows

AGREE5 = ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"]
TITLE = "\x1b]0;pwned\x07Pulse $x$ <script>alert(1)</script> [bold]b[/bold] `t` | #"
TEXTS = {
    "q1": "Costs $5 vs $x^{2$ \x1b[2J\x1b[H",
    "q2": "First line\nsecond | `code` [red]r[/red] <img src=x onerror=alert(1)>\r\x08!",
}
SEGMENTS = ["=cmd|' /C calc'!A0", "\x1b[31mEMEA", "APAC\r\n# injected"]
KEYS = ["\x1b[5macct", '=HYPERLINK("http://evil.example")', "<b>acct</b>", "[x](http://e.example)"]
RULE = "@rule\x1b[31m <i>gap</i> | `r`"
WAVES = ["2026Q1\x1b[31m", "<b>2026Q2</b>\n|"]
DATA = "d\x1b[31m`x`.csv"


def q(text: str) -> str:
    """A YAML double-quoted scalar, every non-ASCII character escaped."""
    return json.dumps(text, ensure_ascii=True)


def schema(data: str) -> str:
    questions = "".join(
        f"  - {{id: {qid}, text: {q(text)}, scale: agree5, column: {qid}}}\n"
        for qid, text in TEXTS.items()
    )
    return (
        f"survey: {q(TITLE)}\n"
        f"data: [{q(data)}]\n"
        "sides: {column: side, vendor: [Vendor], customer: [Customer]}\n"
        "pair_by: account\n"
        "segments: [region]\n"
        f"scales:\n  agree5: {{levels: {json.dumps(AGREE5)}, top_box: 2}}\n"
        f"questions:\n{questions}"
        "analysis: {min_n: 5}\n"
        f"rules:\n  - {{name: {q(RULE)}, metric: top_box_gap, max: 0.0, include_segments: true}}\n"
    )


def write_data(path: Path, seed: int, wave: str | None = None) -> None:
    rng = random.Random(seed)
    header = ["side", "account", "region", "q1", "q2"] + (["wave"] if wave else [])
    rows = []
    for j in range(60):  # an account: its vendor and its customer respondent
        key = KEYS[j] if j < len(KEYS) else f"account {j}"
        for side in ("Vendor", "Customer"):
            low, high = (2, 4) if side == "Vendor" else (0, 2)
            answers = [AGREE5[rng.randint(low, high)] for _ in TEXTS]
            row = [side, key, SEGMENTS[j % len(SEGMENTS)], *answers]
            rows.append(row + ([wave] if wave else []))
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([header, *rows])


@pytest.fixture
def survey(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    write_data(tmp_path / DATA, seed=1)
    path = tmp_path / "survey.yaml"
    path.write_text(schema(DATA), encoding="utf-8")
    return path


def clean(outcome: Outcome, code: int = 1) -> Outcome:
    assert_no_crash(outcome)
    assert outcome.code == code, outcome.stdout + outcome.stderr
    assert raw_controls(outcome.stdout) == [], outcome.stdout[:2000]
    assert raw_controls(outcome.stderr) == [], outcome.stderr[:2000]
    return outcome


def test_the_table_shows_the_text_literally(survey: Path) -> None:
    out = clean(invoke(["analyze", survey, "--width", "400"])).stdout
    assert visible(TITLE) in out  # "[bold]" shown, not read as rich markup
    assert "[red]r[/red]" in out
    assert "\\x1b[2J" in out
    assert visible(RULE) in out


def test_paired_accounts_are_shown_literally(survey: Path) -> None:
    out = clean(invoke(["analyze", survey, "--paired", "--show-accounts", "60", "--width", "400"]))
    for key in KEYS:
        assert visible(key) in out.stdout


def test_markdown_and_its_chart(survey: Path, tmp_path: Path) -> None:
    report = tmp_path / "r`$x$.md"
    clean(invoke(["analyze", survey, "--format", "markdown", "--out", report]))
    text = report.read_text(encoding="utf-8")
    # the dumbbell and the segment's small multiples
    svgs = sorted((tmp_path / "charts").glob("*.svg"))
    assert [svg.name.endswith(("-gaps.svg", "-gaps-by-region.svg")) for svg in svgs] == [True] * 2
    all_tokens = check_markdown_safe(text, [markdown_link(f"charts/{svg.name}") for svg in svgs])
    tables = table_rows(text)
    assert len(tables) == 1 + len(SEGMENTS) + 1  # the whole sample, each segment, the rules
    assert all(len(rows) == len(TEXTS) for rows in tables[:-1])
    assert [row[0] for row in tables[0]] == [plain(t) for t in TEXTS.values()]
    headings = [t for t in all_tokens if t.type == "heading_open"]
    # title, analysed, headline, rules, charts, methods and one per view: no heading
    # made of a line of user text
    assert len(headings) == 6 + 1 + len(SEGMENTS)
    for svg in svgs:
        ET.parse(svg)  # "$" in a question text is a dollar sign, not math


def test_csv_cells_are_inert(survey: Path) -> None:
    out = clean(invoke(["analyze", survey, "--format", "csv"])).stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {row["segment"] for row in rows} == {"", *(visible(f"region={v}") for v in SEGMENTS)}
    for row in rows:
        for cell in row.values():
            if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
                float(cell)  # a number, nothing else
        assert row["breaches"] in ("", "'" + visible(RULE))
    assert any(row["breaches"] for row in rows)


def test_json_and_junit_parse_and_keep_the_text(survey: Path, tmp_path: Path) -> None:
    junit = tmp_path / "junit.xml"
    out = clean(invoke(["analyze", survey, "--format", "json", "--junit", junit])).stdout
    data = json.loads(out)
    assert data["survey"] == TITLE
    assert [r["question_text"] for r in data["results"][:2]] == list(TEXTS.values())
    root = ET.parse(junit).getroot()
    assert root.find("testsuite").get("name") == visible(TITLE)  # type: ignore[union-attr]
    assert root.find(".//failure") is not None


def test_trend(survey: Path, tmp_path: Path) -> None:
    files = []
    for k, wave in enumerate(WAVES):
        path = tmp_path / f"wave{k}.csv"
        write_data(path, seed=k + 2, wave=wave)
        files.append(path)
    out = clean(invoke(["trend", survey, *files, "--width", "400"])).stdout
    assert all(visible(w) in out for w in WAVES)
    md = tmp_path / "trend.md"
    clean(invoke(["trend", survey, *files, "--format", "markdown", "--out", md]))
    text = md.read_text(encoding="utf-8")
    check_markdown_safe(text, ["charts/trend-trend.svg"])
    tables = table_rows(text)
    assert [row[0] for row in tables[0]] == [plain(w) for w in WAVES]
    ET.parse(tmp_path / "charts" / "trend-trend.svg")
    out = clean(invoke(["trend", survey, *files, "--format", "csv"])).stdout
    assert [r["wave"] for r in csv.DictReader(io.StringIO(out))][:2] == [visible(w) for w in WAVES]


def test_validate_table_shows_unknown_answers_literally(survey: Path, tmp_path: Path) -> None:
    data = tmp_path / DATA
    text = data.read_text(encoding="utf-8").replace("Neutral", "Neutral\x1b[8m[/]", 3)
    data.write_text(text, encoding="utf-8")
    out = clean(invoke(["validate", survey]), code=2).stdout
    assert "\\x1b[8m[/]" in out
    json_out = clean(invoke(["validate", survey, "--format", "json"]), code=2).stdout
    assert any("[/]" in f["message"] for f in json.loads(json_out)["findings"])


HEADERS = ["q1\nrules: []", "#", ": x", "\"quoted\" 'single' \\", "\x1b[31mq\u2028key: 1", "q\x85z"]


def test_init_drafts_yaml_that_keeps_the_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    rng = random.Random(7)
    # The free-text column is left out of the draft and named in a comment.
    rows = [["side", *HEADERS, "left out\nrules: [{metric: top_box_gap, max: 0}]"]]
    for i in range(80):
        answers = [rng.choice(AGREE5) for _ in HEADERS]
        rows.append(["Vendor" if i % 2 else "Customer", *answers, f"note {i}\nrules: [x]"])
    export = tmp_path / "export.csv"
    with export.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    shown = clean(invoke(["init", export]), code=0).stdout
    drafted = tmp_path / "survey.yaml"
    clean(invoke(["init", export, "--out", drafted]), code=0)
    text = drafted.read_text(encoding="utf-8")
    assert text == shown
    data = yaml.safe_load(text)
    assert data["rules"] == []
    assert set(data) == {"survey", "data", "sides", "scales", "questions", "analysis", "rules"}
    assert [q["column"] for q in data["questions"]] == HEADERS
    assert "#   left out\\nrules: [{metric: top_box_gap, max: 0}]: free text" in text
    clean(invoke(["validate", drafted]), code=0)
