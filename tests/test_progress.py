"""The reading progress bar: drawn on a terminal's stderr for long reads only; never
when stderr is not a terminal, with --quiet, or in CI."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from rich.console import Console

from gapscan import progress
from gapscan.inputs import csv_batches
from gapscan.inputs.source import open_source
from gapscan.report import GapResult
from gapscan.survey import Question


@pytest.fixture
def screen(monkeypatch: pytest.MonkeyPatch) -> Iterator[io.StringIO]:
    """A terminal on stderr, outside CI, the bar drawn at once, onto a buffer."""
    drawn = io.StringIO()
    monkeypatch.setattr(progress, "stderr_is_terminal", lambda: True)
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setattr(progress, "DELAY", 0.0)
    monkeypatch.setattr(
        progress, "console", lambda: Console(file=drawn, force_terminal=True, width=100)
    )
    monkeypatch.setattr(csv_batches, "BLOCK_SIZE", 4096)
    yield drawn
    progress.set_quiet(False)


def _csv(tmp_path: Path) -> Path:
    path = tmp_path / "answers.csv"
    path.write_text("id,q1\n" + "".join(f"{i},Agree\n" for i in range(5000)), encoding="utf-8")
    return path


def _read(path: Path) -> int:
    return sum(b.num_rows for b in open_source(path).batches(["id", "q1"]))


def test_a_long_csv_read_shows_its_bytes(tmp_path: Path, screen: io.StringIO) -> None:
    assert _read(_csv(tmp_path)) == 5000
    shown = screen.getvalue()
    assert "reading answers.csv" in shown
    assert "kB" in shown  # bytes, not rows


def test_a_parquet_read_shows_its_rows(tmp_path: Path, screen: io.StringIO) -> None:
    path = tmp_path / "answers.parquet"
    table = pa.table({"id": [str(i) for i in range(200_000)], "q1": ["Agree"] * 200_000})
    pq.write_table(table, path, row_group_size=50_000)
    assert _read(path) == 200_000
    assert "200000/200000" in screen.getvalue()


def test_no_bar_with_quiet(tmp_path: Path, screen: io.StringIO) -> None:
    progress.set_quiet(True)
    _read(_csv(tmp_path))
    assert screen.getvalue() == ""


@pytest.mark.parametrize("value", ["true", "1"])
def test_no_bar_in_ci(
    tmp_path: Path, screen: io.StringIO, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("CI", value)
    _read(_csv(tmp_path))
    assert screen.getvalue() == ""


def test_no_bar_when_stderr_is_not_a_terminal(
    tmp_path: Path, screen: io.StringIO, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(progress, "stderr_is_terminal", lambda: False)
    _read(_csv(tmp_path))
    assert screen.getvalue() == ""


def test_no_bar_for_a_short_read(
    tmp_path: Path, screen: io.StringIO, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(progress, "DELAY", 60.0)
    _read(_csv(tmp_path))
    assert screen.getvalue() == ""


def test_stderr_that_is_a_file_is_not_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress.sys, "stderr", io.StringIO())
    assert not progress.stderr_is_terminal()


def test_quiet_is_an_option_of_the_reading_commands() -> None:
    from typer.testing import CliRunner

    from gapscan.cli._app import app

    for command in ("analyze", "validate", "trend", "weights"):
        result = CliRunner().invoke(app, [command, "--help"])
        assert "--quiet" in result.output, command


def test_paired_questions_counted_then_tested(screen: io.StringIO) -> None:
    # a paired run holds its responses: they are counted, then each question tested
    from gapscan.analysis import analyze_files
    from tests.conftest import SURVEYS

    report = analyze_files(SURVEYS / "account-pulse.yaml")
    assert report.settings.mode == "paired"
    shown = screen.getvalue()
    assert "reading account-pulse.csv" in shown
    assert "counting 3 questions" in shown
    assert "testing 3 questions" in shown
    assert "3/3" in shown


@pytest.mark.parametrize("threaded", [True, False])
def test_each_paired_question_is_counted_once_done(
    screen: io.StringIO, monkeypatch: pytest.MonkeyPatch, threaded: bool
) -> None:
    from gapscan import paired_analysis
    from gapscan.schema import load_schema
    from tests.conftest import SURVEYS

    questions = load_schema(SURVEYS / "account-pulse.yaml").questions
    done: list[int] = []
    real = progress.Meter.update

    def update(meter: progress.Meter, n: int) -> None:
        done.append(n)
        real(meter, n)

    monkeypatch.setattr(progress.Meter, "update", update)
    monkeypatch.setattr(paired_analysis, "_cores", lambda: 2)
    worked: list[str] = []

    def work(q: Question) -> list[GapResult]:
        worked.append(q.id)
        return []

    assert paired_analysis._each(work, questions, threaded=threaded) == [[], [], []]
    assert sorted(worked) == sorted(q.id for q in questions)
    assert done == [0, 1, 2, 3]  # 0, 1, 2 questions finished, then all 3
    assert "testing 3 questions" in screen.getvalue()


def test_design_based_questions_tested(screen: io.StringIO) -> None:
    from gapscan.analysis import analyze_files
    from tests.conftest import SURVEYS

    report = analyze_files(SURVEYS / "weighted-poststrat.yaml")  # held: weighting:
    assert report.settings.weighting is not None
    shown = screen.getvalue()
    assert "testing 3 questions" in shown
    assert "counting 3 questions" in shown


def test_no_testing_bar_with_quiet(screen: io.StringIO) -> None:
    from gapscan.analysis import analyze_files
    from tests.conftest import SURVEYS

    progress.set_quiet(True)
    analyze_files(SURVEYS / "account-pulse.yaml")
    assert screen.getvalue() == ""


def test_a_step_within_a_step_leaves_the_outer_bar(screen: io.StringIO) -> None:
    # rich draws one live display at a time: an inner step's bar is not drawn (a second
    # one would raise), and the outer one's goes on
    outer = list(progress.tracked(range(3), 3, "testing"))
    assert outer == [0, 1, 2]
    with progress.Meter("outer.csv", 10, "bytes") as first:
        first.update(5)
        with progress.Meter("inner.csv", 10, "bytes") as second:
            second.update(5)
        first.update(10)
    with progress.Meter("after.csv", 10, "bytes") as third:  # drawn again once closed
        third.update(10)
    shown = screen.getvalue()
    assert "outer.csv" in shown and "after.csv" in shown
    assert "inner.csv" not in shown


def test_a_file_name_is_shown_as_written(tmp_path: Path, screen: io.StringIO) -> None:
    # user text: not read as rich markup, and no control character reaches the terminal
    named = tmp_path / "[bold]q\x1b[31m.csv"
    named.write_text(_csv(tmp_path).read_text(encoding="utf-8"), encoding="utf-8")
    assert _read(named) == 5000
    shown = screen.getvalue()
    assert "reading [bold]q\\x1b[31m.csv" in shown
    assert "q\x1b" not in shown
