"""Faults end cleanly: a full disk, a read-only folder, a failing later output,
kill -9 or Ctrl-C in the middle of writing, Ctrl-C during start-up, a closed
standard output. Each ends with one message naming the path (exit 2), or
``interrupted`` (exit 130), never a traceback, and leaves the file system as it was
(the previous report intact, no temporary file), or with the complete new outputs."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import gapscan.outputs
from gapscan.cli import app
from tests.cli.outputs_support import (
    BASELINE,
    LATEST,
    SCHEMA,
    console_script,
    leftovers,
    make_workdir,
    picture,
    subprocess_env,
)

PREVIOUS = "the previous report\n"
MARKDOWN = ["--format", "markdown", "--out"]


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    work = make_workdir(tmp_path / "work")
    monkeypatch.chdir(work)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    return work


@pytest.fixture
def mount_point(tmp_path: Path) -> Iterator[Path]:
    """A small tmpfs of its own (root only; skipped where mounting is not allowed)."""
    point = tmp_path / "mnt"
    point.mkdir()
    try:
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(point)],
            check=True,
            capture_output=True,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield point
    finally:
        subprocess.run(["umount", "-l", str(point)], capture_output=True, timeout=30)


def analyze(*args: str, env: dict[str, str] | None = None) -> Any:
    return CliRunner().invoke(app, ["analyze", SCHEMA, *args], env=env)


def assert_clean_failure(result: Any, path: Path | str, message: str) -> None:
    err = result.stderr
    assert result.exit_code == 2, (result.exit_code, result.output)
    assert "Traceback" not in result.output + err and "internal error" not in err, err
    lines = [line for line in err.splitlines() if line]
    assert len(lines) == 1, err  # one message
    assert lines[0].startswith(f"error: {path}: ") and message in lines[0], err


# -- a full disk ----------------------------------------------------------------


def test_full_file_system(work: Path, mount_point: Path) -> None:
    """A real full disk: the charts do not fit. The previous report stays, and no
    chart, temporary file or directory is left."""
    (mount_point / "r.md").write_text(PREVIOUS, encoding="utf-8")
    filler = mount_point / "filler"
    with filler.open("wb", buffering=0) as fh:  # fill it up
        with pytest.raises(OSError) as full:
            while True:
                fh.write(b"\0" * 4096)
        assert full.value.errno == errno.ENOSPC
    os.truncate(filler, filler.stat().st_size - 16 * 4096)  # room for the report alone
    before = picture(mount_point)
    result = analyze(*MARKDOWN, str(mount_point / "r.md"))
    assert_clean_failure(result, mount_point / "charts" / "r-gaps.svg", "No space left on device")
    assert picture(mount_point) == before


def test_full_disk_simulated(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """ENOSPC on the fifth file written (the report, after the charts: the dumbbell
    and the segment's small multiples, SVG and PNG each)."""
    (work / "r.md").write_text(PREVIOUS, encoding="utf-8")
    real, calls = os.write, []

    def write(fd: int, data: Any) -> int:
        calls.append(fd)
        if len(set(calls)) == 5:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(fd, data)

    monkeypatch.setattr(gapscan.outputs.os, "write", write)
    before = picture(work)
    result = analyze(*MARKDOWN, "r.md")
    assert_clean_failure(result, "r.md", "cannot write the report: No space left on device")
    assert picture(work) == before


# -- a read-only folder -----------------------------------------------------------


def test_read_only_file_system(work: Path, mount_point: Path) -> None:
    (mount_point / "r.json").write_text(PREVIOUS, encoding="utf-8")
    subprocess.run(["mount", "-o", "remount,ro", str(mount_point)], check=True, timeout=30)
    before = picture(mount_point)
    result = analyze("--format", "json", "--out", str(mount_point / "r.json"))
    assert_clean_failure(result, mount_point / "r.json", "Read-only file system")
    assert picture(mount_point) == before


@pytest.mark.parametrize("code", [errno.EROFS, errno.EACCES])
def test_unwritable_folder_simulated(
    work: Path, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    """Neither an anonymous nor a named temporary file can be created."""
    real = os.open

    def refuse(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if flags & os.O_WRONLY:
            raise OSError(code, os.strerror(code), path)
        return real(path, flags, *args, **kwargs)

    monkeypatch.setattr(gapscan.outputs.os, "open", refuse)
    (work / "r.json").write_text(PREVIOUS, encoding="utf-8")
    before = picture(work)
    result = analyze("--format", "json", "--out", "r.json")
    assert_clean_failure(result, "r.json", os.strerror(code))
    assert picture(work) == before


# -- a later output fails -------------------------------------------------------------


def test_junit_on_a_read_only_file_system(work: Path, mount_point: Path) -> None:
    """The JUnit file cannot be written: the report and charts, which could, are not
    left behind either, and the previous ones are untouched."""
    (work / "r.md").write_text(PREVIOUS, encoding="utf-8")
    subprocess.run(["mount", "-o", "remount,ro", str(mount_point)], check=True, timeout=30)
    before = picture(work)
    junit = mount_point / "j.xml"
    result = analyze(*MARKDOWN, "r.md", "--junit", str(junit))
    assert_clean_failure(result, junit, "cannot write the JUnit file: Read-only file system")
    assert picture(work) == before


def test_failure_while_moving_into_place_puts_back_the_earlier_ones(
    work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last rename fails after the others succeeded: those are rolled back."""
    first = analyze(*MARKDOWN, "r.md", "--junit", "j.xml")
    assert first.exit_code == 0, first.output
    (work / "r.md").write_text(PREVIOUS, encoding="utf-8")
    before = picture(work)
    real = os.replace

    def replace(src: Any, dst: Any) -> None:
        if str(dst).endswith("j.xml"):
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real(src, dst)

    monkeypatch.setattr(gapscan.outputs.os, "replace", replace)
    result = analyze(*MARKDOWN, "r.md", "--junit", "j.xml", "--stamp")
    assert_clean_failure(result, "j.xml", "Input/output error")
    assert picture(work) == before


def test_fallback_without_anonymous_files_leaves_nothing(
    work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where O_TMPFILE is refused, named temporaries are used, and removed on failure."""
    monkeypatch.delattr(gapscan.outputs.os, "O_TMPFILE", raising=False)
    calls: list[int] = []
    real = os.fsync

    def fsync(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 5:  # the report, after the four chart files
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real(fd)

    monkeypatch.setattr(gapscan.outputs.os, "fsync", fsync)
    before = picture(work)
    result = analyze(*MARKDOWN, "r.md")
    assert_clean_failure(result, "r.md", "Input/output error")
    assert picture(work) == before
    monkeypatch.setattr(gapscan.outputs.os, "fsync", real)
    assert analyze(*MARKDOWN, "r.md").exit_code == 0
    assert leftovers(work) == [] and (work / "r.md").is_file()


# -- kill -9 and Ctrl-C in the middle of writing --------------------------------------

# The console entry point, with writes of files slowed down to 4 KiB per 20 ms and a
# marker on stderr when the first one starts, so that a signal lands mid-write.
SLOW_WRITER = textwrap.dedent(
    """
    import os, sys, time
    real = os.write
    started = []
    def slow(fd, data):
        if fd <= 2:
            return real(fd, data)
        if not started:
            started.append(fd)
            sys.stderr.write("@@WRITING@@\\n")
            sys.stderr.flush()
        time.sleep(0.02)
        return real(fd, data[:4096])
    os.write = slow
    if sys.argv[1] == "--no-tmpfile":
        del os.O_TMPFILE
        del sys.argv[1]
    sys.argv = ["gapscan", *sys.argv[1:]]
    from gapscan.cli import main
    main()
    """
)


def interrupt_mid_write(work: Path, sig: int, *flags: str) -> tuple[int, str]:
    args = [sys.executable, "-c", SLOW_WRITER, *flags, "analyze", SCHEMA, *MARKDOWN, "r.md"]
    process = subprocess.Popen(
        args, cwd=work, env=subprocess_env(), stderr=subprocess.PIPE, text=True
    )
    assert process.stderr is not None
    try:
        line = process.stderr.readline()
        assert line == "@@WRITING@@\n", line + process.stderr.read()
        time.sleep(0.15)
        assert process.poll() is None, "the run ended before the signal"
        process.send_signal(sig)
        err = process.stderr.read()
        return process.wait(timeout=60), err
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_kill_9_mid_write_leaves_the_previous_report(work: Path) -> None:
    (work / "r.md").write_text(PREVIOUS, encoding="utf-8")
    before = picture(work)
    code, _ = interrupt_mid_write(work, signal.SIGKILL)
    assert code == -signal.SIGKILL
    assert picture(work) == before  # nothing new, no temporary file: anonymous files


@pytest.mark.parametrize("flags", [(), ("--no-tmpfile",)], ids=["anonymous", "named"])
def test_ctrl_c_mid_write_leaves_the_previous_report(work: Path, flags: tuple[str, ...]) -> None:
    (work / "r.md").write_text(PREVIOUS, encoding="utf-8")
    before = picture(work)
    code, err = interrupt_mid_write(work, signal.SIGINT, *flags)
    assert code == 130, err
    assert err.strip() == "interrupted", err
    assert picture(work) == before


# -- Ctrl-C during start-up -----------------------------------------------------------


@pytest.mark.parametrize(
    "when",
    ["typer", "gapscan.cli._app", "pydantic", "numpy", "pyarrow", "gapscan.render.json"],
    ids=lambda m: f"importing-{m}",
)
def test_ctrl_c_during_start_up(work: Path, when: str) -> None:
    """SIGINT as soon as the interpreter reports importing ``when``: early (the app's
    own modules), later (what the command imports), late (the JSON renderer, imported
    once the analysis is done, to write the report)."""
    env = subprocess_env(PYTHONPROFILEIMPORTTIME="1")
    args = [str(console_script()), "analyze", SCHEMA, "--format", "json", "--out", "r.json"]
    before = picture(work)
    process = subprocess.Popen(args, cwd=work, env=env, stderr=subprocess.PIPE, text=True)
    assert process.stderr is not None
    sent = False
    lines: list[str] = []
    for line in process.stderr:
        lines.append(line)
        module = line.rsplit("|", 1)[-1].strip()
        if not sent and (module == when or module.startswith(when + ".")):
            process.send_signal(signal.SIGINT)
            sent = True
    code = process.wait(timeout=60)
    err = "".join(line for line in lines if not line.startswith("import time:"))
    assert sent, f"never imported {when}"
    assert code == 130, err
    assert err.strip() == "interrupted", err
    assert picture(work) == before


# -- a closed standard output ---------------------------------------------------------


def run_args(output_format: str) -> list[str]:
    """A run that exits 1: a gap_change rule is breached since the baseline."""
    args = [str(console_script()), "analyze", SCHEMA, LATEST]
    return [*args, "--format", output_format, "--baseline", BASELINE, "--no-charts"]


@pytest.mark.parametrize("output_format", ["table", "json", "markdown", "csv"])
def test_stdout_closed_by_its_reader(work: Path, output_format: str) -> None:
    """The reader has gone before the report is written (``... | head -1`` that ends
    first): no message, no "Exception ignored" noise, and the exit code the run has
    anyway."""
    args = run_args(output_format)
    expected = subprocess.run(
        args, cwd=work, env=subprocess_env(), capture_output=True, timeout=120
    ).returncode
    read, write = os.pipe()
    os.close(read)
    try:
        process = subprocess.run(
            args, cwd=work, env=subprocess_env(), stdout=write, stderr=subprocess.PIPE, timeout=120
        )
    finally:
        os.close(write)
    assert process.returncode == expected == 1, process.stderr
    assert process.stderr == b"", process.stderr


def test_piped_into_head(work: Path) -> None:
    args = " ".join(run_args("table"))
    shell = f"{args} | head -1 >/dev/null; exit ${{PIPESTATUS[0]}}"
    process = subprocess.run(
        ["bash", "-c", shell], cwd=work, env=subprocess_env(), capture_output=True, timeout=120
    )
    assert process.returncode == 1, process.stderr
    assert process.stderr == b"", process.stderr


@pytest.mark.parametrize("args", [["--help"], ["analyze", "--help"], ["sql"]])
def test_help_piped_into_head(work: Path, args: list[str]) -> None:
    """The reader leaves after the first lines of a help screen, once it is written:
    the exit code is the help's own (0; 2 for a command given nothing), no message."""
    expected = 2 if args == ["sql"] else 0
    shell = f"{console_script()} {' '.join(args)} | head -2 >/dev/null; exit ${{PIPESTATUS[0]}}"
    for _ in range(3):  # the reader leaves at its own moment
        process = subprocess.run(
            ["bash", "-c", shell], cwd=work, env=subprocess_env(), capture_output=True, timeout=60
        )
        assert process.returncode == expected, process.stderr
        assert process.stderr == b"", process.stderr
