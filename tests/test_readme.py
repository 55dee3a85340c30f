"""The README is a contract: its commands work and reports/ is what they write."""

from __future__ import annotations

import importlib.metadata
import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gapscan.cli import app
from tests.golden import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
REPORTS = ROOT / "reports"
runner = CliRunner()


def report_commands() -> list[list[str]]:
    block = re.search(r"<!-- reports:start -->(.*?)<!-- reports:end -->", README, re.S)
    assert block, "README lost its reports block"
    return [
        shlex.split(line)[1:] for line in block.group(1).splitlines() if line.startswith("gapscan ")
    ]


def test_every_command_is_documented() -> None:
    names = {c.name for c in app.registered_commands}
    assert names == {"analyze", "trend", "validate", "init", "weights", "columns", "sql"}
    for name in names:
        assert f"gapscan {name} " in README, f"gapscan {name} is missing from the README"


def test_reports_folder_is_what_the_readme_commands_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    commands = report_commands()
    assert len(commands) >= 3
    for args in commands:
        args = [a.replace("reports/", f"{tmp_path.as_posix()}/") for a in args]
        result = runner.invoke(app, args)
        assert result.exit_code in (0, 1), (args, result.stderr)
    written = {p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file()}
    committed = {p.relative_to(REPORTS) for p in REPORTS.rglob("*") if p.is_file()}
    committed -= {p for p in committed if p.parts[0] == "screenshots"}  # tests.screenshots
    assert written == committed
    pinned = re.search(r"^matplotlib==(\S+)", (ROOT / ".ci/constraints.txt").read_text(), re.M)
    same_charts = pinned is not None and pinned.group(1) == importlib.metadata.version("matplotlib")
    for name in sorted(written):
        if name.suffix in {".svg", ".png"} and not same_charts:
            continue  # chart bytes depend on the matplotlib version (.ci/constraints.txt)
        fresh, kept = (tmp_path / name).read_bytes(), (REPORTS / name).read_bytes()
        if name.suffix == ".html" and not same_charts:  # the page around its charts
            fresh, kept = without_charts(fresh), without_charts(kept)
        assert fresh == kept, f"reports/{name} is out of date: rerun the README's reports commands"


def without_charts(page: bytes) -> bytes:
    """An HTML report with each inline chart's drawing left out (its title and
    description kept): what does not depend on the matplotlib version."""
    drawing = re.compile(rb"<svg[^>]*(><title .*?</desc>).*?(</svg>)", re.S)
    stripped, count = drawing.subn(rb"<svg\1\2", page)
    assert count == page.count(b"<svg"), "every inline chart has a <desc>"
    return stripped


def test_readme_shows_the_example_output_as_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = runner.invoke(app, ["analyze", "surveys/cmo-affinity.yaml", "--width", "100"])
    assert result.exit_code == 0
    shown = "\n".join(line.rstrip() for line in result.stdout.splitlines()).strip("\n")
    assert shown in README, "the README's example output is out of date"


def test_every_problem_code_is_documented() -> None:
    """The README's table of validate's codes is gapscan.errors' list, in its order."""
    from gapscan.errors import ERROR_CODES, WARNING_CODES

    rows = re.findall(r"^\| `([a-z-]+)` \| (error|warning) \| (.+) \|$", README, re.M)
    expected = [(c, "error", m) for c, m in ERROR_CODES.items()]
    expected += [(c, "warning", m) for c, m in WARNING_CODES.items()]
    assert rows == expected


def test_the_notebook_example_runs(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The README's "In a notebook" block, executed as it is written."""
    block = re.search(
        r"<!-- notebook:start -->\n```python\n(.*?)```\n<!-- notebook:end -->", README, re.S
    )
    assert block, "README lost its notebook example"
    monkeypatch.chdir(ROOT)
    exec(compile(block.group(1), "README.md (In a notebook)", "exec"), {})
    shown = capsys.readouterr().out
    assert "centricity" in shown and "segment_region" in shown
    assert "# Centricity, customers in EMEA vs all vendors" in shown
    assert "`<vendor frame>`: 200 rows read, vendor side" in shown
    assert "<frame>: 1 column(s) named in the schema are not in the file: 'improving'" in shown
