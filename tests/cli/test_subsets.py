"""Subsets through the real command: ``sides.ignore``, ``filters:``, ``--where`` and
``--where-not`` on a real Qualtrics export read raw, and ``sides.labels`` in every
human output."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from gapscan.cli import app
from tests.conftest import EXTERNAL, schema_text

QUALTRICS = EXTERNAL / "qualtrics-impressive-climate" / "qualtrics.csv"
IMPRESSIVE = [
    "1 - Not very impressive",
    "2 - A bit impressive",
    "3 - Quite impressive",
    "4 - Very impressive",
    "5 - Extremely impressive",
]
# Published counts (shared/external/SOURCES.md): condition sizes and the top box
# "5 - Extremely impressive" per condition.
N = {"impressive": 147, "combination": 151, "control": 77, "random": 77}
TOP = {"control": 19, "impressive": 53}


def _climate_schema(sides_extra: str = "", extra: str = "") -> str:
    levels = ", ".join(IMPRESSIVE)
    return (
        "survey: Impressive climate\n"
        "sides:\n  column: condition\n  vendor: [impressive]\n  customer: [control]\n"
        f"{sides_extra}"
        f"{extra}"
        "scales:\n"
        f"  impressive5:\n    levels: [{levels}]\n    top_box: [5 - Extremely impressive]\n"
        "questions:\n  - id: impressiveness\n    scale: impressive5\n    column: Impressiveness\n"
    )


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.chdir(tmp_path)
    yield tmp_path


def _run(*args: str | Path) -> Any:
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


def _json(*args: str | Path) -> dict[str, Any]:
    result = _run(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def _check_published_counts(report: dict[str, Any]) -> None:
    assert report["respondents"] == {"vendor": N["impressive"], "customer": N["control"]}
    (result,) = report["results"]
    assert result["vendor"]["n"] == N["impressive"]
    assert result["customer"]["n"] == N["control"]
    assert result["vendor"]["top_box"] == pytest.approx(TOP["impressive"] / N["impressive"])
    assert result["customer"]["top_box"] == pytest.approx(TOP["control"] / N["control"])
    expected_gap = TOP["impressive"] / N["impressive"] - TOP["control"] / N["control"]
    assert result["gap"] == pytest.approx(expected_gap, abs=1e-12)


needs_external = pytest.mark.skipif(not QUALTRICS.is_file(), reason="shared/external absent")


@needs_external
def test_qualtrics_two_conditions_by_sides_ignore(workdir: Path) -> None:
    schema = workdir / "climate.yaml"
    schema.write_text(_climate_schema("  ignore: [combination, random]\n"), encoding="utf-8")
    report = _json("analyze", schema, QUALTRICS)
    _check_published_counts(report)
    (summary,) = report["inputs"]
    assert summary["rows"] == sum(N.values())
    assert summary["excluded"] == {"ignored side": N["combination"] + N["random"]}
    assert report["settings"]["ignored_sides"] == ["combination", "random"]
    table = _run("analyze", schema, QUALTRICS, "--width", "200")
    assert table.exit_code == 0
    assert "excluded: 228 of neither side (sides.ignore)" in table.output
    assert "side values of neither side, left out: combination, random" in table.output


@needs_external
def test_qualtrics_two_conditions_by_schema_filters(workdir: Path) -> None:
    schema = workdir / "climate.yaml"
    schema.write_text(
        _climate_schema(extra="filters:\n  - {column: condition, keep: [Control, IMPRESSIVE]}\n"),
        encoding="utf-8",
    )
    report = _json("analyze", schema, QUALTRICS)
    _check_published_counts(report)
    assert report["inputs"][0]["excluded"] == {"filter condition": 228}
    assert report["settings"]["filters"] == [
        {
            "column": "condition",
            "keep": ["Control", "IMPRESSIVE"],
            "origin": "schema",
            "removed": 228,
        }
    ]
    markdown = _run("analyze", schema, QUALTRICS, "--format", "markdown").stdout
    assert "excluded: 228 filtered out by condition" in markdown
    assert "- Filter condition: kept Control, IMPRESSIVE (228 rows removed)" in markdown


@needs_external
@pytest.mark.parametrize(
    "options",
    [
        ["--where", "condition=control,impressive"],
        ["--where-not", "condition=combination", "--where-not", "condition=random"],
    ],
)
def test_qualtrics_two_conditions_by_where(workdir: Path, options: list[str]) -> None:
    schema = workdir / "climate.yaml"
    schema.write_text(_climate_schema(), encoding="utf-8")
    without = _run("analyze", schema, QUALTRICS)
    assert without.exit_code == 2  # the other conditions are neither side
    assert "'combination' x151" in without.output
    assert "sides.ignore" in without.output
    report = _json("analyze", schema, QUALTRICS, *options)
    _check_published_counts(report)
    assert sum(report["inputs"][0]["excluded"].values()) == 228
    assert [f["origin"] for f in report["settings"]["filters"]] == ["command line"] * (
        len(options) // 2
    )


@needs_external
def test_validate_takes_where(workdir: Path) -> None:
    schema = workdir / "climate.yaml"
    schema.write_text(_climate_schema(), encoding="utf-8")
    where = ["--where", "condition=control,impressive"]
    checked = _run("validate", schema, QUALTRICS, *where, "--format", "json")
    assert checked.exit_code == 0, checked.output
    data = json.loads(checked.stdout)
    assert data["inputs"][0]["excluded"] == {"filter condition": 228}
    assert _run("validate", schema, QUALTRICS).exit_code == 2


# ------------------------------------------------------------------ small files

CSV = """\
side,region,q1,q2
Vendor,EMEA,Agree,Agree
Vendor,EMEA,Strongly agree,Agree
Vendor,APAC,Agree,Disagree
Customer,EMEA,Disagree,Agree
Customer,APAC,Neutral,Agree
Customer,EMEA,Disagree,Neutral
Partner,EMEA,Agree,Agree
"""


def _small(workdir: Path, extra: str = "", sides: str = "") -> Path:
    text = schema_text(min_n=1, extra=extra)
    if sides:
        text = text.replace("customer: [Customer]}", f"customer: [Customer], {sides}}}")
    (workdir / "s.yaml").write_text(text, encoding="utf-8")
    (workdir / "d.csv").write_text(CSV, encoding="utf-8")
    return workdir / "s.yaml"


def test_unlisted_side_value_stays_an_error_with_its_line(workdir: Path) -> None:
    schema = _small(workdir, sides="ignore: [Reseller]")
    result = _run("analyze", schema, "d.csv", "--format", "json", "--out", "r.json")
    assert result.exit_code == 2
    assert result.output.startswith("error: d.csv:8: side column 'side'")
    assert "'Partner' x1 (row 8)" in result.output
    assert "Traceback" not in result.output
    assert not (workdir / "r.json").exists()


def test_bad_where_is_exit_2_and_writes_nothing(workdir: Path) -> None:
    schema = _small(workdir, sides="ignore: [Partner]")
    result = _run("analyze", schema, "d.csv", "--where", "region", "--out", "r.md")
    assert result.exit_code == 2
    assert result.output.startswith("error: --where 'region': expected COLUMN=VALUE")
    assert not (workdir / "r.md").exists()


def test_where_on_a_missing_column_is_a_missing_column_error(workdir: Path) -> None:
    schema = _small(workdir, sides="ignore: [Partner]")
    result = _run("analyze", schema, "d.csv", "--where", "regoin=EMEA")
    assert result.exit_code == 2
    assert result.output.startswith(
        "error: d.csv:1: 1 column(s) named by --where or --where-not are not in the file: "
        "'regoin' (closest: 'region')"
    )
    checked = _run("validate", schema, "d.csv", "--where", "regoin=EMEA", "--format", "json")
    assert [f["code"] for f in json.loads(checked.stdout)["findings"]] == ["missing-column"]


def test_a_filter_value_no_row_holds_is_a_warning(workdir: Path) -> None:
    _small(
        workdir, extra="filters:\n  - {column: region, drop: [EMAE]}\n", sides="ignore: [Partner]"
    )
    schema = "s.yaml"
    result = CliRunner().invoke(app, ["analyze", str(schema), "d.csv", "--format", "json"])
    assert result.exit_code == 0
    assert (
        "warning: s.yaml:4: filter on 'region' (drop EMAE): no row holds 'EMAE' (check the "
        "spelling against the column's values: a misspelt value drops nothing)"
    ) in result.stderr
    report = json.loads(result.stdout)
    assert report["inputs"][0]["excluded"] == {"filter region": 0, "ignored side": 1}
    checked = _run("validate", schema, "d.csv", "--where", "region=emea,Mars", "--format", "json")
    assert checked.exit_code == 0
    found = [(f["code"], f["file"], f["line"]) for f in json.loads(checked.stdout)["findings"]]
    assert ("filter-matches-nothing", "s.yaml", 4) in found
    assert ("filter-matches-nothing", None, None) in found
    assert _run("validate", schema, "d.csv", "--strict").exit_code == 2


def test_filters_count_per_filter_in_order(workdir: Path) -> None:
    schema = _small(workdir, extra="filters:\n  - {column: region, keep: [emea]}\n")
    report = _json("analyze", schema, "d.csv", "--where-not", "side= PARTNER")
    # the schema's filter removes the two APAC rows, then --where-not the partner's
    assert [f["removed"] for f in report["settings"]["filters"]] == [2, 1]
    assert report["inputs"][0]["excluded"] == {"filter region": 2, "filter side": 1}
    assert report["respondents"] == {"vendor": 2, "customer": 2}


def test_trend_takes_where_and_lists_the_filter_per_wave(workdir: Path) -> None:
    schema = _small(workdir, sides="ignore: [Partner]")
    (workdir / "w-2026Q1.csv").write_text(CSV, encoding="utf-8")
    (workdir / "w-2026Q2.csv").write_text(CSV + "Vendor,APAC,Agree,Agree\n", encoding="utf-8")
    args = ["trend", schema, "w-2026Q1.csv", "w-2026Q2.csv", "--where", "region=apac"]
    data = json.loads(_run(*args, "--format", "json").stdout)
    assert [(w["vendor"], w["customer"]) for w in data["waves"]] == [(1, 1), (2, 1)]
    assert data["settings"]["filters"][0]["removed"] == 5
    markdown = _run(*args, "--format", "markdown").stdout
    # each wave has 2 + 3 rows outside APAC (the second one more APAC row)
    assert markdown.count("  - filter region: kept apac (5 rows removed)") == 2


# ------------------------------------------------------------------ sides.labels

LABELS = "labels: {vendor: 'Account *team*', customer: 'Customers | Buyers'}"


def _labelled(source: Path, workdir: Path) -> Path:
    """A bundled schema with sides.labels added (its data: made absolute)."""
    text = source.read_text(encoding="utf-8")
    text = text.replace("data: [", f"data: [{source.parent}/")
    text = text.replace("  customer: [Customer]\n", f"  customer: [Customer]\n  {LABELS}\n", 1)
    assert LABELS in text
    path = workdir / source.name
    path.write_text(text, encoding="utf-8")
    return path


def test_labels_name_the_sides_in_console_markdown_and_headline(workdir: Path) -> None:
    from tests.conftest import SURVEYS

    schema = _labelled(SURVEYS / "cmo-affinity.yaml", workdir)
    table = _run("analyze", schema, "--width", "200", "--no-rules").stdout
    assert "Respondents: 200 Account *team*, 700 Customers | Buyers" in table
    header = next(line for line in table.splitlines() if line.lstrip().startswith("Question"))
    assert "Account *team*" in header and "Customers | Buyers" in header
    assert "Vendor" not in header and "Customer " not in header
    assert "Gap = Account *team* − Customers | Buyers top-box share" in table
    markdown = _run("analyze", schema, "--format", "markdown", "--no-rules").stdout
    assert "| Account \\*team\\* top box | Customers \\| Buyers top box |" in re.sub(
        " +", " ", markdown
    )
    assert "points higher for Account \\*team\\* than for Customers \\| Buyers on" in markdown
    assert "Vendors rate" not in markdown and "| Vendor |" not in markdown
    report = _json("analyze", schema, "--no-rules")
    assert report["settings"]["side_labels"] == {
        "vendor": "Account *team*",
        "customer": "Customers | Buyers",
    }
    assert set(report["respondents"]) == {"vendor", "customer"}
    assert {"vendor", "customer"} <= set(report["results"][0])


def test_without_labels_the_report_is_unchanged(workdir: Path) -> None:
    from tests.conftest import SURVEYS

    report = _json("analyze", SURVEYS / "cmo-affinity.yaml", "--no-rules")
    assert "side_labels" not in report["settings"]
    assert "filters" not in report["settings"]
    markdown = _run("analyze", SURVEYS / "cmo-affinity.yaml", "--format", "markdown").stdout
    assert "| Vendor top box | Customer top box |" in re.sub(" +", " ", markdown)


def test_labels_in_paired_tables(workdir: Path) -> None:
    from tests.conftest import SURVEYS

    schema = _labelled(SURVEYS / "account-pulse.yaml", workdir)
    table = _run("analyze", schema, "--show-accounts", "2", "--width", "220").stdout
    assert "Account *team* score" in table and "Customers | Buyers score" in table
    assert "Account *team* side minus Customers | Buyers side" in table
    markdown = _run("analyze", schema, "--format", "markdown", "--show-accounts", "2").stdout
    assert "Account \\*team\\* higher / same / lower" in markdown
    assert "Account \\*team\\* score" in markdown


def test_labels_in_chart_legend_and_trend_tables(workdir: Path) -> None:
    from gapscan.analysis import analyze_files
    from gapscan.render.charts import _dumbbell_figure

    schema = _small(workdir, sides=f"ignore: [Partner], {LABELS}")
    report = analyze_files(schema, ["d.csv"])
    figure = _dumbbell_figure(report)
    legend = figure.axes[0].get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["Account *team*", "Customers | Buyers"]
    (workdir / "w-2026Q1.csv").write_text(CSV, encoding="utf-8")
    (workdir / "w-2026Q2.csv").write_text(CSV + "Vendor,APAC,Agree,Agree\n", encoding="utf-8")
    args = ["trend", schema, "w-2026Q1.csv", "w-2026Q2.csv"]
    table = _run(*args, "--width", "200").stdout
    assert "(3 Account *team*, 3 Customers | Buyers)" in table
    header = next(line for line in table.splitlines() if line.lstrip().startswith("Wave"))
    assert "Account *team*" in header and "Vendor" not in header
    markdown = _run(*args, "--format", "markdown").stdout
    assert "| Wave | Account \\*team\\* top box | Customers \\| Buyers top box |" in re.sub(
        " +", " ", markdown
    )


def test_hostile_labels_stay_inert_in_the_terminal_and_markdown(workdir: Path) -> None:
    hostile = 'labels: {vendor: "Team\\e[2J\\u202e", customer: "<img src=x> [a](http://x)"}'
    schema = _small(workdir, sides=f"ignore: [Partner], {hostile}")
    table = _run("analyze", schema, "d.csv", "--width", "200").stdout
    assert "\x1b" not in table and "\u202e" not in table
    assert "Team\\x1b[2J\\u202e" in table
    markdown = _run("analyze", schema, "d.csv", "--format", "markdown").stdout
    assert re.search(r"(?<!\\)<img", markdown) is None  # shown as \<img, never a tag
    assert "\\<img src=x>" in markdown and "(http://" not in markdown
    assert "\x1b" not in markdown
