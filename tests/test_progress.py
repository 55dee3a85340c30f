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
