"""Never destroy an input: no output of a run (``--out``, ``--junit``, a chart, the CI
step summary) is written over a file the run reads, however the path is spelled;
the run refuses with exit 2 before anything is written. And every file a run
creates has the permissions the umask allows."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gapscan.cli import app
from tests.cli.outputs_support import (
    BASELINE,
    CUSTOMER,
    DATA,
    SCHEMA,
    VENDOR,
    WAVES,
    leftovers,
    make_workdir,
    picture,
)


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The current directory: a run's inputs, plus other names for the data file."""
    work = make_workdir(tmp_path / "work")
    (work / "link.csv").symlink_to(DATA)
    os.link(work / DATA, work / "hard.csv")
    (tmp_path / "alias").symlink_to(work, target_is_directory=True)
    monkeypatch.chdir(work)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    yield work


def spell(name: str, how: str, work: Path) -> str:
    """``name`` (a file in the work directory) spelled another way."""
    return {
        "same": name,
        "dot": f"./{name}",
        "parent": f"../{work.name}/{name}",
        "absolute": str(work / name),
        "symlinked-directory": str(work.parent / "alias" / name),
        "dot-dot-inside": f"../{work.name}/./{name}",
    }[how]


SPELLINGS = ["same", "dot", "parent", "absolute", "symlinked-directory", "dot-dot-inside"]


def refused(
    args: list[str], work: Path, target: str, option: str, env: dict[str, str] | None = None
) -> str:
    """Run ``gapscan ARGS``: exit 2, an error naming ``target`` and ``option``, no
    traceback, and every file exactly as it was."""
    before = picture(work.parent)
    result = CliRunner().invoke(app, args, env=env)
    assert result.exit_code == 2, (result.exit_code, result.output)
    err = result.stderr
    assert "Traceback" not in result.output + err and "internal error" not in err, err
    named = {f"error: {name}: {option} would " for name in (target, str(Path(target)))}
    assert any(n in err for n in named), err  # as given, or as pathlib spells it
    assert "this run reads" in err, err
    assert result.stdout == "", result.stdout
    assert picture(work.parent) == before, "a refused run changed the file system"
    return err


# -- every command, every spelling ---------------------------------------------------


@pytest.mark.parametrize("how", SPELLINGS)
def test_analyze_out_onto_the_schemas_data_file(work: Path, how: str) -> None:
    target = spell(DATA, how, work)
    err = refused(["analyze", SCHEMA, "--format", "json", "--out", target], work, target, "--out")
    assert "the data file" in err and "(write the report elsewhere)" in err


@pytest.mark.parametrize("how", SPELLINGS)
def test_trend_out_onto_a_wave(work: Path, how: str) -> None:
    target = spell(WAVES[1], how, work)
    args = ["trend", SCHEMA, *WAVES, "--format", "csv", "--out", target]
    assert "the data file" in refused(args, work, target, "--out")


@pytest.mark.parametrize("how", SPELLINGS)
def test_validate_out_onto_the_schema(work: Path, how: str) -> None:
    target = spell(SCHEMA, how, work)
    args = ["validate", SCHEMA, "--format", "json", "--out", target]
    assert "the schema" in refused(args, work, target, "--out")


@pytest.mark.parametrize("how", SPELLINGS)
def test_validate_out_onto_the_schemas_data_file(work: Path, how: str) -> None:
    target = spell(DATA, how, work)
    refused(["validate", SCHEMA, "--out", target], work, target, "--out")


@pytest.mark.parametrize("how", SPELLINGS)
@pytest.mark.parametrize("force", [False, True], ids=["plain", "force"])
def test_init_out_onto_its_export(work: Path, how: str, force: bool) -> None:
    """--force replaces an earlier schema, never the export the schema is drafted from."""
    target = spell(DATA, how, work)
    args = ["init", DATA, "--out", target, *(["--force"] if force else [])]
    err = refused(args, work, target, "--out")
    assert "(write the schema elsewhere)" in err


@pytest.mark.parametrize("name", ["link.csv", "hard.csv"], ids=["symlink", "hard-link"])
@pytest.mark.parametrize(
    "command",
    [
        ["analyze", SCHEMA, "--format", "json"],
        ["validate", SCHEMA],
        ["init", DATA, "--force"],
    ],
    ids=["analyze", "validate", "init"],
)
def test_out_onto_another_name_of_the_data_file(work: Path, command: list[str], name: str) -> None:
    err = refused([*command, "--out", name], work, name, "--out")
    assert f"this run reads, {DATA}" in err, err  # the input is named as the run knows it


def test_trend_out_onto_a_hard_link_of_a_wave(work: Path) -> None:
    os.link(work / WAVES[0], work / "wave-copy.csv")
    refused(["trend", SCHEMA, *WAVES, "--out", "wave-copy.csv"], work, "wave-copy.csv", "--out")


# -- every kind of input ------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "target"),
    [
        (["analyze", SCHEMA, "--format", "json", "--out", SCHEMA], SCHEMA),
        (["analyze", SCHEMA, WAVES[0], "--format", "json", "--out", WAVES[0]], WAVES[0]),
        (
            ["analyze", SCHEMA, "--vendor", VENDOR, "--customer", CUSTOMER, "--out", CUSTOMER],
            CUSTOMER,
        ),
        (
            ["analyze", SCHEMA, "--baseline", BASELINE, "--format", "json", "--out", BASELINE],
            BASELINE,
        ),
        (["validate", SCHEMA, "--vendor", VENDOR, "--customer", CUSTOMER, "--out", VENDOR], VENDOR),
        (["trend", SCHEMA, *WAVES, "--format", "json", "--out", SCHEMA], SCHEMA),
        (["init", "--vendor", VENDOR, "--customer", CUSTOMER, "--out", VENDOR, "--force"], VENDOR),
    ],
    ids=["schema", "named-data", "customer", "baseline", "validate-vendor", "trend-schema", "init"],
)
def test_out_onto_each_kind_of_input(work: Path, args: list[str], target: str) -> None:
    refused(args, work, target, "--out")


def test_explicit_data_replaces_the_schemas_default(work: Path) -> None:
    """Given data files, the schema's `data:` is not read, so it may be written."""
    result = CliRunner().invoke(
        app, ["analyze", SCHEMA, WAVES[0], "--format", "json", "--out", DATA]
    )
    assert result.exit_code == 0, result.output
    assert (work / DATA).read_text(encoding="utf-8").startswith("{")


# -- every kind of output -----------------------------------------------------


@pytest.mark.parametrize("how", ["same", "absolute", "hard-link"])
def test_junit_onto_an_input(work: Path, how: str) -> None:
    target = "hard.csv" if how == "hard-link" else spell(DATA, how, work)
    args = ["analyze", SCHEMA, "--format", "json", "--out", "r.json", "--junit", target]
    err = refused(args, work, target, "--junit")
    assert "(write the JUnit file elsewhere)" in err


def test_trend_junit_onto_the_schema(work: Path) -> None:
    refused(["trend", SCHEMA, *WAVES, "--junit", f"./{SCHEMA}"], work, f"./{SCHEMA}", "--junit")


@pytest.mark.parametrize("link", ["symlink", "hard-link", "baseline"])
def test_chart_file_onto_an_input(work: Path, link: str) -> None:
    """A chart's file name in the charts directory is another name of an input."""
    charts = work / "charts"
    charts.mkdir()
    args = ["analyze", SCHEMA, "--format", "markdown", "--out", "r.md"]
    if link == "symlink":
        (charts / "r-gaps.svg").symlink_to(work / DATA)
    elif link == "hard-link":
        os.link(work / DATA, charts / "r-gaps.png")
    else:
        os.replace(work / BASELINE, charts / "r-gaps.png")
        args += ["--baseline", "charts/r-gaps.png"]
    name = "r-gaps.svg" if link == "symlink" else "r-gaps.png"
    err = refused(args, work, f"charts/{name}", "--charts")
    assert "(write the chart elsewhere)" in err
    assert not (work / "r.md").exists()


def test_explicit_charts_directory_onto_an_input(work: Path) -> None:
    """--charts . with the trend chart's name taken by the schema."""
    os.replace(work / SCHEMA, work / "trend.svg")
    args = ["trend", "trend.svg", *WAVES, "--charts", "."]
    refused(args, work, "trend.svg", "--charts")


@pytest.mark.parametrize("name", [SCHEMA, DATA, "hard.csv", "link.csv"])
def test_step_summary_onto_an_input(work: Path, name: str) -> None:
    target = str(work / name)
    args = ["analyze", SCHEMA, "--format", "json", "--out", "r.json", "--step-summary"]
    err = refused(args, work, target, "GITHUB_STEP_SUMMARY", env={"GITHUB_STEP_SUMMARY": target})
    assert "would append to" in err


def test_step_summary_onto_the_report(work: Path) -> None:
    args = ["analyze", SCHEMA, "--format", "json", "--out", "r.json", "--step-summary"]
    before = picture(work)
    result = CliRunner().invoke(app, args, env={"GITHUB_STEP_SUMMARY": "./r.json"})
    assert result.exit_code == 2
    assert "error: ./r.json: GITHUB_STEP_SUMMARY and --out name the same file" in result.stderr
    assert picture(work) == before


def test_all_problems_at_once(work: Path) -> None:
    args = ["analyze", SCHEMA, "--out", DATA, "--junit", SCHEMA, "--format", "json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert f"error: {DATA}: --out would overwrite" in result.stderr
    assert f"error: {SCHEMA}: --junit would overwrite" in result.stderr
    assert "2 problems found." in result.stderr


def test_writing_next_to_the_inputs_still_works(work: Path) -> None:
    """The refusals are about inputs only: other files in the same place are fine,
    and a second run replaces the first one's report."""
    args = ["analyze", SCHEMA, "--format", "markdown", "--out", "r.md", "--junit", "j.xml"]
    for _ in range(2):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, result.output
    assert {"r.md", "j.xml", "charts"} <= set(os.listdir(work))
    assert sorted(os.listdir(work / "charts")) == [
        "r-gaps-by-region.png",  # small multiples of the schema's segment
        "r-gaps-by-region.svg",
        "r-gaps.png",
        "r-gaps.svg",
    ]
    assert leftovers(work) == []


# -- permissions --------------------------------------------------------------


@pytest.fixture(params=[0o022, 0o077], ids=["umask-022", "umask-077"])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    mask: int = request.param
    previous = os.umask(mask)
    try:
        yield mask
    finally:
        os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_every_output_gets_the_umasks_permissions(work: Path, umask: int) -> None:
    args = ["analyze", SCHEMA, "--format", "markdown", "--out", "r.md", "--junit", "j.xml"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    expected = 0o666 & ~umask
    files = [work / "r.md", work / "j.xml", *(work / "charts").iterdir()]
    assert len(files) == 6  # the report, JUnit, the dumbbell and the segment's charts
    assert {f.name: mode(f) for f in files} == {f.name: expected for f in files}
    assert mode(work / "charts") == 0o777 & ~umask  # a directory the run created


@pytest.mark.parametrize("command", ["validate", "init", "trend"])
def test_other_commands_get_the_umasks_permissions(work: Path, umask: int, command: str) -> None:
    args = {
        "validate": ["validate", SCHEMA, "--out", "v.txt"],
        "init": ["init", DATA, "--out", "v.txt"],
        "trend": ["trend", SCHEMA, *WAVES, "--format", "json", "--out", "v.txt"],
    }[command]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert mode(work / "v.txt") == 0o666 & ~umask


def test_replacing_a_report_takes_the_umask_not_the_old_mode(work: Path, umask: int) -> None:
    old = work / "r.json"
    old.write_text("old\n", encoding="utf-8")
    old.chmod(0o640)
    result = CliRunner().invoke(app, ["analyze", SCHEMA, "--format", "json", "--out", "r.json"])
    assert result.exit_code == 0, result.output
    assert mode(old) == 0o666 & ~umask
    assert old.read_text(encoding="utf-8").startswith("{")
