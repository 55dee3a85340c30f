"""gapscan.text: one function per output medium makes user text inert in it, and
leaves ordinary text as it was."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from rich.console import Console

from gapscan import text as text_module
from gapscan.render import charts, console, junit, markdown
from gapscan.render import validation as validation_render
from gapscan.report import GapReport
from gapscan.text import (
    chart_label,
    csv_cell,
    json_dumps,
    markdown_code,
    markdown_link,
    terminal,
    visible,
    yaml_comment,
    yaml_quoted,
)
from gapscan.text import markdown as md
from gapscan.validation import Finding, Severity, ValidationReport

ORDINARY = [
    "Café crème, naïve façade",
    "😀 👩‍💻 🇫🇷",
    "“quoted” 'single' \"double\"",
    "R&D and Q&A",
    "Well-aligned - or not",
    "50% of 1,000",
    "snake_case_name",
    "中文 日本語",
]
MD = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def html(text: str) -> str:
    return MD.render(text)


def rendered_text(text: str) -> str:
    """What a reader sees of one markdown paragraph."""
    [para] = [t for t in MD.parse(text) if t.type == "inline"]
    return "".join(c.content for c in para.children or [])


# ---------------------------------------------------------------------- terminal


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("a\x1b[31mred", "a\\x1b[31mred"),
        ("\x1b]8;;http://e/\x07x", "\\x1b]8;;http://e/\\x07x"),
        ("over\rwrite", "over\\rwrite"),
        ("back\x08\x08", "back\\x08\\x08"),
        ("two\nlines\ttab", "two\\nlines\\ttab"),
        ("\x7f\x9b\x85", "\\x7f\\x9b\\x85"),
        ("\u202egnp.exe", "\\u202egnp.exe"),
        ("line\u2028sep", "line\\u2028sep"),
        ("bad\udcffname", "bad\\udcffname"),
        ("\x00", "\\x00"),
    ],
)
def test_visible_shows_control_characters(raw: str, shown: str) -> None:
    assert visible(raw) == shown


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_text_is_unchanged_in_every_medium(text: str) -> None:
    assert visible(text) == text
    assert csv_cell(text) == text
    assert chart_label(text, 100) == text
    assert yaml.safe_load(yaml_quoted(text)) == text
    assert rendered_text(md(text)) == text


def print_plain(renderable: object) -> str:
    buffer = io.StringIO()
    Console(file=buffer, width=200, no_color=True).print(renderable)
    return buffer.getvalue()


def test_terminal_text_is_never_rich_markup() -> None:
    out = print_plain(terminal("[bold]x[/bold] [/] [link=http://e]y[/link] :smile:"))
    assert out.strip() == "[bold]x[/bold] [/] [link=http://e]y[/link] :smile:"


def test_the_validate_table_takes_markup_and_escapes_in_every_cell() -> None:
    finding = Finding(
        "unknown-answer",
        Severity.ERROR,
        "unknown answer '\x1b[8m[/]'",
        file="data[/].csv",
        line=3,
        hint="[bold]fix[/bold]",
    )
    report = ValidationReport(schema="s\x1b.yaml", findings=(finding,), inputs=())
    out = print_plain(validation_render.render(report))
    assert "unknown answer '\\x1b[8m[/]'" in out
    assert "data[/].csv:3" in out
    assert "[bold]fix[/bold]" in out
    assert "s\\x1b.yaml" in out


# ---------------------------------------------------------------------- markdown


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<!-- comment -->",
        "[link](http://evil.example)",
        "![image](http://evil.example/x.png)",
        "<http://evil.example>",
        "*em* **strong** _em_ ~~strike~~",
        "`code` ``more``",
        "$x$ and $$y$$",
        "&amp; &#60; &lt;",
        "back\\slash \\* \\<b>",
        "# heading #",
        "> quote",
        "- item",
        "1. item",
        "=cmd",
    ],
)
def test_markdown_text_renders_as_itself(text: str) -> None:
    escaped = md(text)
    assert rendered_text(escaped) == text
    assert rendered_text(f"- {escaped}") == text  # as a list item too
    kinds = {t.type for t in MD.parse(f"- {escaped}")}
    assert kinds == {"bullet_list_open", "list_item_open", "paragraph_open", "inline",
                     "paragraph_close", "list_item_close", "bullet_list_close"}  # fmt: skip


def test_markdown_breaks_no_row_and_starts_no_block() -> None:
    cells = ["a\nb", "c\r\n# heading", "d\r| e |", "f|g"]
    table = markdown.table(["Question"], [[md(c)] for c in cells])
    tokens = MD.parse("\n".join(table))
    rows = [t for t in tokens if t.type == "tr_open"]
    assert len(rows) == 1 + len(cells)
    assert not any(t.type == "heading_open" for t in tokens)
    shown = [t.children[0].content for t in tokens if t.type == "inline" and t.children][1:]
    assert shown[0] == "a b"


def test_markdown_does_not_make_links_of_bare_urls_or_mentions() -> None:
    escaped = md("see https://evil.example and www.evil.example, mail a@evil.example @team")
    assert "https\\://" in escaped and "www\\." in escaped
    assert "a\\@evil" in escaped and "\\@team" in escaped


@pytest.mark.parametrize("name", ["plain.csv", "a`b.csv", "``x``", "`lead", "trail`", " pad "])
def test_a_code_span_cannot_be_closed_by_a_backtick(name: str) -> None:
    [span] = [c for c in MD.parse(markdown_code(name))[1].children or []]
    assert span.type == "code_inline"
    assert span.content == name


def test_a_chart_link_is_a_relative_path() -> None:
    assert markdown_link("charts/javascript:alert(1)-gaps.svg") == (
        "charts/javascript%3Aalert%281%29-gaps.svg"
    )
    assert markdown_link("charts/r) [x](y-gaps.svg") == "charts/r%29%20%5Bx%5D%28y-gaps.svg"


def test_the_headline_sentence_is_escaped_in_markdown(example_report: GapReport) -> None:
    assert example_report.headline is not None
    hostile = replace(example_report.headline, question_text="<b>bold</b> *x*")
    report = replace(example_report, headline=hostile, results=(hostile,))
    text = markdown.render(report)
    assert "<b>" not in html(text)
    assert "“\\<b>bold\\</b> \\*x\\*”" in text


# --------------------------------------------------------------------------- CSV


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ("=1+2", "'=1+2"),
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("+SUM(A1)", "'+SUM(A1)"),
        ("-A1", "'-A1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "\\t=1"),
        ("\r=1", "\\r=1"),
        ("-", "'-"),
        ("-1", "-1"),
        ("+2.5", "+2.5"),
        ("-1e-3", "-1e-3"),
        ("a=1", "a=1"),
    ],
)
def test_csv_cells_cannot_run_as_formulas(text: str, cell: str) -> None:
    assert csv_cell(text) == cell


def test_csv_numbers_stay_numbers(example_report: GapReport) -> None:
    from gapscan.render import csv as csv_render

    first = replace(example_report.results[0], gap=-0.25, ci_low=-0.5, question_text="-1")
    report = replace(example_report, results=(first, *example_report.results[1:]))
    [row, *_] = csv.DictReader(io.StringIO(csv_render.render(report)))
    assert (row["gap"], row["ci_low"], row["question_text"]) == ("-0.25", "-0.5", "-1")


# -------------------------------------------------------------------- JUnit, JSON


def test_junit_parses_whatever_the_names(example_report: GapReport) -> None:
    outcomes = example_report.rules
    assert outcomes, "the example schema has rules"
    hostile = tuple(
        replace(o, rule=replace(o.rule, name="\x00\x1b<&>\"'\ufffe\ud800")) for o in outcomes
    )
    text = junit.render(hostile, ["q\x0b1"], "title\x08")
    root = ET.fromstring(text.encode("utf-8"))
    assert root.find("testsuite").get("name") == "title\\x08"  # type: ignore[union-attr]
    names = [case.get("name") or "" for case in root.iter("testcase")]
    assert names and all(n.startswith("\\x00\\x1b<&>\"'\\ufffe\\ud800 [q\\x0b1]") for n in names)


def test_json_has_no_raw_control_characters_and_round_trips() -> None:
    value = {"t": "\x1b\x7f\x9b\u2028\u202e\udcff\ufffe ok"}
    text = json_dumps(value)
    assert not any(c in text for c in "\x1b\x7f\x9b\u2028\u202e\udcff\ufffe")
    assert json.loads(text) == value


class _Label(str):
    """A str subclass (StrEnum values and the like)."""


class _Count(int):
    """An int subclass (IntEnum values and the like)."""


_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=8)
    | st.text(max_size=4).map(_Label)
    | st.integers(-5, 5).map(_Count)
)
_JSON_LIKE = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.lists(inner, max_size=3).map(tuple)
        | st.dictionaries(st.text(max_size=4) | st.text(max_size=3).map(_Label), inner, max_size=4)
        | st.dictionaries(st.integers(0, 3) | st.none(), inner, min_size=1, max_size=2)
    ),
    max_leaves=20,
)


@settings(max_examples=400, deadline=None)
@given(_JSON_LIKE, st.sampled_from([1, 2, 4]), st.booleans())
def test_indented_json_is_json_dumps_text(value: object, indent: int, allow_nan: bool) -> None:
    """The indented writer gives json.dumps's text character for character (escaped
    the same way after), and refuses what json.dumps refuses."""
    try:
        expected = json.dumps(value, indent=indent, ensure_ascii=False, allow_nan=allow_nan)
    except ValueError:
        with pytest.raises(ValueError):
            json_dumps(value, indent=indent, allow_nan=allow_nan)
        return
    try:
        written = text_module._indented(value, " " * indent, allow_nan)
    except text_module._Unusual:
        assert _has_other_key(value), "only keys that are not text are left to json.dumps"
    else:
        assert written == expected
    escaped = text_module._UNSAFE_IN_JSON.sub(text_module._json_escape, expected)
    assert json_dumps(value, indent=indent, allow_nan=allow_nan) == escaped


def _has_other_key(value: object) -> bool:
    if isinstance(value, dict):
        return any(not isinstance(k, str) or _has_other_key(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_has_other_key(v) for v in value)
    return False


# -------------------------------------------------------------------------- YAML


@pytest.mark.parametrize(
    "text",
    [
        "q1\nrules: []",
        "#",
        ": ",
        "a: b # c",
        "\"'\\",
        "x\x85y\u2028z\u2029",
        "\x7f\x9b\x1b",
        "- [x]",
    ],
)
def test_yaml_quoted_loads_back_as_the_text(text: str) -> None:
    loaded = yaml.safe_load(f"key: {yaml_quoted(text)}\nother: 1\n")
    assert loaded == {"key": text, "other": 1}


@pytest.mark.parametrize("text", ["a\nrules: [x]", "a\rb: 1", "a\x85b: 1", "a\u2028b: 1"])
def test_yaml_comments_stay_comments(text: str) -> None:
    assert yaml.safe_load(f"# {yaml_comment(text)}\nkey: 1\n") == {"key": 1}


# ------------------------------------------------------------------------ charts


def test_chart_labels_are_one_shortened_line() -> None:
    assert chart_label("a\nb\x1b[1m", 50) == "a b\\x1b[1m"
    long = chart_label("word " * 200, 40)
    assert len(long) <= 40 and long.endswith("…")
    assert len(chart_label("x" * 500, 40)) == 40


def test_a_dollar_sign_in_a_question_text_does_not_crash_the_chart(
    example_report: GapReport, tmp_path: Path
) -> None:
    texts = ["Costs $5 vs $10", "$x^{2$", "Under_score_ and \\frac"]
    results = tuple(
        replace(r, question_text=texts[i % len(texts)])
        for i, r in enumerate(example_report.results)
    )
    report = replace(example_report, survey="$$ title $", results=results)
    svg, _ = charts.write_dumbbell(report, tmp_path)
    ET.parse(svg)


def test_a_long_text_does_not_grow_the_chart(example_report: GapReport, tmp_path: Path) -> None:
    short, _ = charts.write_dumbbell(example_report, tmp_path, "short")
    results = tuple(replace(r, question_text="long words " * 300) for r in example_report.results)
    long, _ = charts.write_dumbbell(replace(example_report, results=results), tmp_path, "long")
    height = {
        p: float(ET.parse(p).getroot().get("height", "0").rstrip("pt")) for p in (short, long)
    }
    rows = sum(1 for r in example_report.results if not r.segment)
    assert height[long] <= height[short] + rows * 2 * 72 * charts._ROW_LINE + 2 * 72 * 0.25


@pytest.fixture
def example_report() -> GapReport:
    from gapscan.analysis import analyze_files

    root = Path(__file__).resolve().parent.parent
    return analyze_files(root / "surveys" / "cmo-affinity.yaml")


def test_console_report_escapes_every_user_field(example_report: GapReport) -> None:
    results = tuple(replace(r, question_text="[red]q[/red]\x1b[2J") for r in example_report.results)
    report = replace(example_report, survey="\x1b]0;t\x07[b]", results=results)
    out = print_plain(console.render(report))
    assert "\x1b" not in out and "\x07" not in out
    assert "[red]q[/red]\\x1b[2J" in out
    assert "\\x1b]0;t\\x07[b]" in out


def test_indented_json_of_a_cycle_is_refused_as_json_dumps_refuses_it() -> None:
    looped: list[object] = []
    looped.append(looped)
    with pytest.raises(ValueError, match="Circular reference"):
        json_dumps({"a": looped})
