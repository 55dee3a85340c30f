"""The GitHub step summary holds the report once per job: only the runs whose format a
person reads (table, markdown, html) append to it by default, ``--step-summary`` and
``--no-step-summary`` choose explicitly, and each run appends at most once."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from gapscan.cli import app
from gapscan.cli._output import wants_summary
from gapscan.cli._publish import OutputFormat
from tests.golden import ROOT

runner = CliRunner()
SCHEMA = "surveys/cmo-affinity.yaml"
WAVES = [f"surveys/waves/affinity-2026Q{i}.csv" for i in (1, 2)]
TITLE = "# CMO Council customer affinity (synthetic)\n"
NO_SUMMARY: dict[str, str | None] = {"GITHUB_STEP_SUMMARY": None}
EARLIER = "## An earlier step\n\n"


@pytest.fixture(autouse=True)
def _at_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


@pytest.fixture
def summary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A step summary that an earlier step of the job has already written to."""
    path = tmp_path / "step-summary.md"
    path.write_text(EARLIER, encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(path))
    return path


def run(*args: str | Path) -> str:
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code in (0, 1), (result.exit_code, result.stderr)
    return result.stdout


def markdown_report(*args: str) -> str:
    """The markdown report of ``gapscan analyze SCHEMA ARGS``, run with no summary."""
    result = runner.invoke(app, ["analyze", SCHEMA, *args, "--format", "markdown"], env=NO_SUMMARY)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def appended(summary: Path) -> str:
    text = summary.read_text(encoding="utf-8")
    assert text.startswith(EARLIER), "the earlier steps' summary was not kept"
    return text[len(EARLIER) :]


@pytest.mark.parametrize("fmt", ["json", "csv"])
@pytest.mark.parametrize("command", ["analyze", "trend"])
def test_records_for_programs_write_no_summary(summary: Path, command: str, fmt: str) -> None:
    data = WAVES if command == "trend" else []
    out = run(command, SCHEMA, *data, "--format", fmt)
    assert out.strip(), "the run printed no report"
    assert appended(summary) == ""


@pytest.mark.parametrize("fmt", ["table", "markdown"])
def test_reports_for_people_write_it_once(summary: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"report.{fmt}"
    run("analyze", SCHEMA, "--format", fmt, "--out", out, "--no-charts")
    assert appended(summary) == markdown_report() + "\n"
    assert summary.read_text(encoding="utf-8").count(TITLE) == 1


def test_the_trend_table_writes_the_trend_markdown(summary: Path) -> None:
    result = runner.invoke(app, ["trend", SCHEMA, *WAVES, "--format", "markdown"], env=NO_SUMMARY)
    assert result.exit_code == 0
    run("trend", SCHEMA, *WAVES, "--width", "120")
    assert appended(summary) == result.stdout + "\n"


def test_step_summary_makes_a_json_run_write_it(summary: Path) -> None:
    run("analyze", SCHEMA, "--format", "json", "--step-summary")
    assert appended(summary) == markdown_report() + "\n"


@pytest.mark.parametrize("fmt", ["table", "markdown", "csv"])
def test_no_step_summary_silences_any_format(summary: Path, fmt: str) -> None:
    run("analyze", SCHEMA, "--format", fmt, "--no-step-summary")
    run("trend", SCHEMA, *WAVES, "--format", fmt, "--no-step-summary")
    assert appended(summary) == ""


def test_the_last_flag_given_wins(summary: Path) -> None:
    run("analyze", SCHEMA, "--format", "json", "--no-step-summary", "--step-summary")
    assert summary.read_text(encoding="utf-8").count(TITLE) == 1


def test_a_job_that_writes_a_report_and_its_record_shows_it_once(
    summary: Path, tmp_path: Path
) -> None:
    """The README's workflow: the markdown report against last quarter's record, then
    this quarter's record in JSON for the next one. The summary holds one report."""
    previous = tmp_path / "2026Q1.json"
    run("analyze", SCHEMA, WAVES[0], "--format", "json", "--out", previous)
    report = tmp_path / "2026Q2.md"
    run(
        "analyze", SCHEMA, WAVES[1], "--baseline", previous, "--format", "markdown", "--out", report
    )
    run("analyze", SCHEMA, WAVES[1], "--format", "json", "--out", tmp_path / "2026Q2.json")
    shown = appended(summary)
    assert shown.count(TITLE) == 1
    assert shown == markdown_report(WAVES[1], "--baseline", str(previous)) + "\n"


def test_a_summary_refused_is_refused_only_when_it_would_be_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GITHUB_STEP_SUMMARY naming the report is an error only for a run that writes
    the summary: a JSON run, which does not, writes its report."""
    out = tmp_path / "r.json"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(out))
    result = runner.invoke(app, ["analyze", SCHEMA, "--format", "json", "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    assert out.read_text(encoding="utf-8").startswith("{")
    out.unlink()
    args = ["analyze", SCHEMA, "--format", "json", "--out", str(out), "--step-summary"]
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and "GITHUB_STEP_SUMMARY and --out" in result.stderr
    assert not out.exists()


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [("table", True), ("markdown", True), ("html", True), ("json", False), ("csv", False)],
)
def test_the_default_by_format_name(fmt: str, expected: bool) -> None:
    """By name, so that a format the enum does not hold yet (html) is ruled on too."""
    assert wants_summary(fmt, None) is expected
    assert wants_summary(fmt, True) is True
    assert wants_summary(fmt, False) is False


def test_every_output_format_is_ruled_on() -> None:
    """A format added later must be placed on one side of the rule on purpose."""
    from gapscan.cli._output import SUMMARY_FORMATS

    people, programs = SUMMARY_FORMATS, {"json", "csv"}
    assert {f.value for f in OutputFormat} <= people | programs


@pytest.mark.skipif("html" not in {f.value for f in OutputFormat}, reason="no --format html")
def test_an_html_report_writes_the_markdown_one(summary: Path, tmp_path: Path) -> None:
    run("analyze", SCHEMA, "--format", "html", "--out", tmp_path / "r.html")
    assert appended(summary) == markdown_report() + "\n"
