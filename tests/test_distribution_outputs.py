"""``--distribution``: the long-form CSV, the markdown and console tables, the
diverging stacked-bar chart per question; and the top box stated in every report."""

from __future__ import annotations

import csv
import io
import math
import os
import re
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token
from typer.testing import CliRunner

from gapscan.analysis import analyze_files
from gapscan.cli import app
from gapscan.render import distribution_chart as dchart
from gapscan.report import GapReport, LevelCount
from tests.conftest import SURVEYS

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()
EXAMPLE = SURVEYS / "cmo-affinity.yaml"


@pytest.fixture(scope="module")
def report() -> GapReport:
    return analyze_files(EXAMPLE)


def run(*args: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args], env={"GITHUB_STEP_SUMMARY": None})
    return result.exit_code, result.stdout, result.stderr


# -- CSV long form -------------------------------------------------------------


def test_long_csv_has_a_row_per_question_view_side_and_level(report: GapReport) -> None:
    code, out, err = run("analyze", EXAMPLE, "--format", "csv", "--distribution")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    shown = [r for r in report.results if not r.suppressed]
    suppressed = [r for r in report.results if r.suppressed]
    assert suppressed  # Latin America: the count below leaves it out
    k = {"centricity": 4, "improving": 5, "alignment": 4}
    assert len(rows) == sum(2 * k[r.question] for r in shown)
    views = {(r.question, r.segment) for r in shown}
    assert len(views) == 3 * 4  # 3 questions x (whole sample + 3 regions shown)
    assert not any("Latin America" in row["segment"] for row in rows)
    vendor = [row for row in rows if row["question"] == "centricity" and not row["segment"]]
    vendor = [row for row in vendor if row["side"] == "vendor"]
    assert [row["level_order"] for row in vendor] == ["1", "2", "3", "4"]
    assert [int(row["n"]) for row in vendor] == [4, 22, 62, 112]  # see test_distribution
    assert [row["top_box"] for row in vendor] == ["false", "false", "false", "true"]
    assert math.isclose(sum(float(row["share"]) for row in vendor), 1.0)


def test_long_csv_cells_are_escaped_against_formulas(tmp_path: Path) -> None:
    (tmp_path / "data.csv").write_text(
        "side,q1\n" + "Vendor,=HYPERLINK(1)\n" * 3 + "Customer,Agree\n" * 3, encoding="utf-8"
    )
    (tmp_path / "survey.yaml").write_text(
        "survey: s\nsides: {column: side, vendor: [Vendor], customer: [Customer]}\n"
        "scales:\n  s:\n    levels: [Disagree, '=HYPERLINK(1)', Agree]\n    top_box: 1\n"
        "questions:\n  - {id: q1, text: '@SUM(A1)', scale: s, column: q1}\n"
        "analysis: {min_n: 1}\ndata: [data.csv]\n",
        encoding="utf-8",
    )
    code, out, err = run("analyze", tmp_path / "survey.yaml", "-f", "csv", "--distribution")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {row["question_text"] for row in rows} == {"'@SUM(A1)"}
    assert "'=HYPERLINK(1)" in {row["level"] for row in rows}


# -- markdown and console -------------------------------------------------------


def test_markdown_has_a_distribution_table_per_question(tmp_path: Path) -> None:
    out = tmp_path / "report.md"
    code, _, err = run("analyze", EXAMPLE, "-f", "markdown", "--distribution", "--out", out)
    assert code == 0, err
    tokens = MarkdownIt("commonmark").enable("table").parse(out.read_text(encoding="utf-8"))
    headings = [
        tokens[i + 1].content
        for i, t in enumerate(tokens)
        if t.type == "heading_open" and t.tag in ("h2", "h3")
    ]
    start = headings.index("Distribution")
    assert headings[start + 1 : start + 4] == [
        "The vendor is customer-centric",
        "The vendor is getting better at responding to customer needs",
        "The vendor is well aligned with the customer's needs",
    ]
    tables = _tables(tokens)
    centricity = next(t for t in tables if t[0][2] == "Not customer-centric")
    header, *body = centricity
    assert header == [
        "Group",
        "Side",
        "Not customer-centric",
        "Somewhat customer-centric",
        "Very customer-centric",
        "Extremely customer-centric",
        "Answers",
    ]
    assert len(body) == 2 * 5  # vendor and customer in 5 views
    assert body[0] == ["All respondents", "Vendor", "2.0% (4)", "11.0% (22)", "31.0% (62)",
                       "56.0% (112)", "200"]  # fmt: skip
    latin = [row for row in body if row[0] == "region = Latin America"]
    assert [row[2:] for row in latin] == [["–"] * 4 + ["8"], ["–"] * 4 + ["80"]]
    charts = sorted(p.name for p in (tmp_path / "charts").iterdir())
    assert charts == sorted(
        f"report-{part}.{ext}"
        for part in ("gaps", "gaps-by-region", "distribution-centricity",
                     "distribution-improving", "distribution-alignment")
        for ext in ("svg", "png")
    )  # fmt: skip
    text = out.read_text(encoding="utf-8")
    image = next(line for line in text.splitlines() if "report-distribution-improving" in line)
    assert image.startswith("![Diverging stacked bar chart of the answers to “The vendor is ")
    assert image.endswith("](charts/report-distribution-improving.svg)")
    assert "top box (Agree, Strongly agree): 85% vs 35%." in image


def _plain(inline: Token) -> str:
    """The text a reader sees in a cell: markup (none expected) would not be text."""
    return "".join(c.content for c in inline.children or [] if c.type in ("text", "softbreak"))


def _tables(tokens: list[Token]) -> list[list[list[str]]]:
    tables: list[list[list[str]]] = []
    row: list[str] = []
    for i, t in enumerate(tokens):
        if t.type == "table_open":
            tables.append([])
        elif t.type == "tr_open":
            row = []
        elif t.type in ("th_open", "td_open"):
            row.append(_plain(tokens[i + 1]))
        elif t.type == "tr_close":
            tables[-1].append(row)
    return tables


def test_without_the_option_no_table_and_no_distribution_chart(tmp_path: Path) -> None:
    out = tmp_path / "report.md"
    code, _, err = run("analyze", EXAMPLE, "-f", "markdown", "--out", out)
    assert code == 0, err
    assert "## Distribution" not in out.read_text(encoding="utf-8")
    assert sorted(p.name for p in (tmp_path / "charts").iterdir()) == [
        "report-gaps-by-region.png",  # the schema's segment: small multiples
        "report-gaps-by-region.svg",
        "report-gaps.png",
        "report-gaps.svg",
    ]


def test_every_report_states_each_questions_top_box(tmp_path: Path) -> None:
    expected = [
        "The vendor is customer-centric: Extremely customer-centric",
        "The vendor is getting better at responding to customer needs: Agree, Strongly agree",
        "The vendor is well aligned with the customer's needs: Extremely well-aligned",
    ]
    _, table, _ = run("analyze", EXAMPLE, "--width", "200")
    out = tmp_path / "r.md"
    run("analyze", EXAMPLE, "-f", "markdown", "--out", out, "--no-charts")
    markdown = out.read_text(encoding="utf-8")
    for line in expected:
        assert f"\n  {line}\n" in table
        assert f"\n- {line}\n" in markdown
        # under the first table, before the second view's
        assert table.index(line) < table.index("region = APAC")
        assert markdown.index(line) < markdown.index("## region = APAC")


def test_one_top_box_for_every_question_is_said_once(tmp_path: Path) -> None:
    (tmp_path / "data.csv").write_text(
        "side,q1,q2\n" + "Vendor,Agree,Neutral\nCustomer,Disagree,Agree\n" * 2, encoding="utf-8"
    )
    from tests.conftest import schema_text

    schema = tmp_path / "survey.yaml"
    schema.write_text(schema_text(min_n=1) + "data: [data.csv]\n", encoding="utf-8")
    _, table, err = run("analyze", schema)
    assert "Top box (every question): Agree, Strongly agree" in table, err


def test_console_distribution_tables(report: GapReport) -> None:
    code, out, err = run("analyze", EXAMPLE, "--distribution", "--width", "160")
    assert code == 0, err
    assert "Distribution: The vendor is customer-centric" in out
    lines = out.splitlines()
    start = lines.index(
        next(x for x in lines if "Distribution: The vendor is customer-centric (All" in x)
    )
    header, rows = lines[start + 1], lines[start + 3 : start + 7]
    assert header.split() == [
        *("Answer", "Vendor", "(200", "answers)"),
        *("Customer", "(700", "answers)"),
    ]
    assert [row.split()[-4:] for row in rows] == [
        ["2.0%", "(4)", "16.0%", "(112)"],
        ["11.0%", "(22)", "38.0%", "(266)"],
        ["31.0%", "(62)", "34.0%", "(238)"],
        ["56.0%", "(112)", "12.0%", "(84)"],
    ]  # a row per level: a scale of any length fits any width


def test_a_long_scale_fits_a_narrow_terminal(tmp_path: Path) -> None:
    """Eleven levels (0-10) and a 60-column terminal: every level and both sides shown."""
    code, out, err = run("analyze", SURVEYS / "partner-nps.yaml", "--distribution", "--width", "60")
    assert code == 0, err
    lines = out.splitlines()
    start = lines.index(next(x for x in lines if x.startswith("Distribution: How likely")))
    rule = next(i for i in range(start, len(lines)) if lines[i].startswith("───"))
    header = [word for line in lines[start:rule] for word in line.split()]  # headings wrap
    for heading in ("Answer", "Vendor (90 answers)", "Customer (300 answers)"):
        assert all(word in header for word in heading.split()), (heading, header)
    rows = lines[rule + 1 : rule + 12]
    assert [row.split()[0] for row in rows] == [str(i) for i in range(11)]
    assert all(len(row.rstrip()) <= 60 for row in lines[start : rule + 12])


# -- the chart ------------------------------------------------------------------


def test_segments_diverge_around_the_midpoint() -> None:
    five = [LevelCount(str(i), i + 1.0, 1, s) for i, s in enumerate((0.1, 0.2, 0.3, 0.25, 0.15))]
    placed = dchart.segments(five)
    assert [w for _, w in placed] == [0.1, 0.2, 0.3, 0.25, 0.15]
    assert placed[2] == (-0.15, 0.3)  # the middle level split across zero
    assert math.isclose(placed[1][0], -0.35) and math.isclose(placed[0][0], -0.45)
    assert math.isclose(placed[3][0], 0.15) and math.isclose(placed[4][0], 0.4)
    four = [LevelCount(str(i), i + 1.0, 1, s) for i, s in enumerate((0.1, 0.2, 0.3, 0.4))]
    lefts = [left for left, _ in dchart.segments(four)]
    assert [round(x, 12) for x in lefts] == [-0.3, -0.2, 0.0, 0.3]


def test_colours_come_from_a_diverging_palette() -> None:
    five = dchart.colours(5)
    assert len(set(five)) == 5 and five[2] == dchart._NEUTRAL
    assert len(set(dchart.colours(4))) == 4 and dchart._NEUTRAL not in dchart.colours(4)


def test_chart_bars_legend_and_labels(report: GapReport) -> None:
    whole = next(r for r in report.results if r.question == "improving" and not r.segment)
    fig = dchart._figure(report, whole)
    ax = fig.axes[0]
    bars = ax.patches
    assert len(bars) == 10  # 5 levels x 2 sides, no empty level here
    widths = sorted(round(b.get_width(), 12) for b in bars)
    expected = [d.share for side in (whole.vendor, whole.customer) for d in side.distribution]
    assert widths == sorted(round(s, 12) for s in expected)
    legend = ax.get_legend()
    assert legend is not None
    assert [t.get_text() for t in legend.get_texts()] == [
        d.level for d in whole.vendor.distribution
    ]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Vendor\nn = 200", "Customer\nn = 700"]
    assert fig.get_suptitle() == whole.question_text
    assert "Agree, Strongly agree" in fig.get_supxlabel()


def test_chart_of_a_suppressed_question_is_a_note(report: GapReport, tmp_path: Path) -> None:
    latin = next(r for r in report.results if r.suppressed)
    swapped = replace(report, results=(replace(latin, segment=()),))
    fig = dchart._figure(swapped, swapped.results[0])
    assert any("suppressed" in t.get_text() for t in fig.axes[0].texts)
    assert not fig.axes[0].patches


def test_chart_text_is_plain_text(report: GapReport) -> None:
    whole = next(r for r in report.results if not r.segment)
    odd = replace(whole, question_text="Costs $5 and $x^2$ \x1b[31m red")
    fig = dchart._figure(report, odd)
    assert fig.get_suptitle() == "Costs $5 and $x^2$ \\x1b[31m red"
    svg, _ = dchart._render_both(fig)
    ET.fromstring(svg)


def test_charts_parse_as_svg_and_are_deterministic(report: GapReport, tmp_path: Path) -> None:
    here = dchart.write_distributions(report, tmp_path / "here")
    again = dchart.write_distributions(report, tmp_path / "again")
    assert len(here) == 6
    for a, b in zip(here, again, strict=True):
        assert a.read_bytes() == b.read_bytes()
        if a.suffix == ".svg":
            root = ET.parse(a).getroot()
            assert root.tag.endswith("svg")
            assert b"Date" not in a.read_bytes()
        else:
            assert a.read_bytes().startswith(b"\x89PNG")
    code = textwrap.dedent(
        """
        import sys
        from pathlib import Path
        from gapscan.analysis import analyze_files
        from gapscan.render.distribution_chart import write_distributions
        write_distributions(analyze_files(sys.argv[1]), Path(sys.argv[2]))
        """
    )
    env = {**os.environ, "PYTHONHASHSEED": "4321", "MPLBACKEND": "svg"}
    there = tmp_path / "there"
    subprocess.run(
        [sys.executable, "-c", code, str(EXAMPLE), str(there)], check=True, env=env, timeout=120
    )
    for path in here:
        assert (there / path.name).read_bytes() == path.read_bytes(), path.name


def test_chart_kinds_are_safe_file_names() -> None:
    assert dchart.chart_kinds(["q1", "a/b", "a b", "", "../x"]) == [
        "distribution-q1",
        "distribution-a_b",
        "distribution-a_b-3",
        "distribution-4",
        "distribution-x",
    ]


def test_legend_is_one_row_when_the_levels_fit() -> None:
    assert dchart._legend_columns([str(i) for i in range(11)]) == 11  # a 0-10 scale
    five = ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"]
    assert dchart._legend_columns(five) == 5
    long = [f"A long answer label number {i}" for i in range(7)]
    assert dchart._legend_columns(long) == 4  # two rows


def test_hostile_level_labels_stay_in_their_cells(tmp_path: Path) -> None:
    levels = ["No | <b>x</b>", "*maybe* $x$", "Yes\\"]
    (tmp_path / "data.csv").write_text(
        "side,q1\n"
        + "".join(f'{side},"{level}"\n' for side in ("Vendor", "Customer") for level in levels),
        encoding="utf-8",
    )
    quoted = ", ".join("'" + level.replace("'", "''") + "'" for level in levels)
    (tmp_path / "survey.yaml").write_text(
        "survey: s\nsides: {column: side, vendor: [Vendor], customer: [Customer]}\n"
        f"scales:\n  s:\n    levels: [{quoted}]\n    top_box: 1\n"
        "questions:\n  - {id: q1, text: 'Q | one', scale: s, column: q1}\n"
        "analysis: {min_n: 1}\ndata: [data.csv]\n",
        encoding="utf-8",
    )
    out = tmp_path / "r.md"
    code, _, err = run(
        "analyze", tmp_path / "survey.yaml", "-f", "markdown", "--distribution", "--out", out
    )
    assert code == 0, err
    tokens = MarkdownIt("commonmark").enable("table").parse(out.read_text(encoding="utf-8"))
    inline = [c for t in tokens for c in t.children or []]
    assert not [t for t in tokens + inline if t.type.startswith(("html", "em_", "strong_"))]
    header, *body = next(t for t in _tables(tokens) if t[0][0] == "Group")
    assert header == ["Group", "Side", *levels, "Answers"]
    assert body == [
        ["All respondents", "Vendor", "33.3% (1)", "33.3% (1)", "33.3% (1)", "3"],
        ["All respondents", "Customer", "33.3% (1)", "33.3% (1)", "33.3% (1)", "3"],
    ]


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=12, unique=True))
def test_chart_names_never_collide(ids: list[str]) -> None:
    from gapscan.render.distribution_chart import chart_kinds

    names = chart_kinds(ids)
    assert len({n.casefold() for n in names}) == len(ids)
    assert all(re.fullmatch(r"distribution-[A-Za-z0-9_-]+", n) for n in names)


def test_chart_names_of_ids_that_come_out_alike() -> None:
    from gapscan.render.distribution_chart import chart_kinds

    assert chart_kinds(["a_b-3", "a.b", "a_b"]) == [
        "distribution-a_b-3",
        "distribution-a_b",
        "distribution-a_b-4",
    ]


def test_side_labels_name_the_sides_in_nps_and_distribution_outputs(tmp_path: Path) -> None:
    import shutil

    shutil.copy(SURVEYS / "partner-nps.csv", tmp_path / "partner-nps.csv")
    text = (SURVEYS / "partner-nps.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "  customer: [Customer]\n",
        "  customer: [Customer]\n  labels: {vendor: Account team, customer: Clients}\n",
    )
    schema = tmp_path / "labelled.yaml"
    schema.write_text(text, encoding="utf-8")
    code, out, err = run("analyze", schema, "--distribution", "--width", "200")
    assert code == 0, err
    assert "Account team NPS" in out and "Clients NPS" in out
    assert "Account team (90 answers)" in out and "Clients (300 answers)" in out
    assert "Account team − Clients NPS" in out
    assert "Vendor" not in out and "Customer NPS" not in out
    code, out, err = run("analyze", schema, "--distribution", "--format", "markdown")
    assert code == 0, err
    assert "Account team NPS (interval)" in out
    assert "Clients promoters / passives / detractors" in out
    assert "Vendor NPS" not in out and "| Vendor |" not in out
