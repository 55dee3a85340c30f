"""Shared by the fuzz tests: run the CLI in-process and check the error contract.

The contract (SPEC section 3): no input file, argument or environment makes gapscan
print a traceback or write a partial file. The exit code is always 0, 1 or 2. Bad
input gives ``error: FILE[:LINE]: message`` lines on stderr and exit code 2, and a
report asked for with ``--out`` is written to a temporary file and moved into place,
so a failed run leaves neither the report nor a temporary file behind.

Under ``CliRunner`` the console script's last line of defence (``main()``, which turns
an unexpected exception into "error: internal error ...") is not in the way: such an
exception escapes to the runner, and :func:`invoke` raises it again, with the command
line attached, so that each distinct bug is reported at its own origin.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from typer.testing import CliRunner

from gapscan.cli import app

ROOT = Path(__file__).resolve().parents[2]
SURVEYS = ROOT / "surveys"
SCHEMA_TEXT = (SURVEYS / "cmo-affinity.yaml").read_text(encoding="utf-8")
CSV_BYTES = (SURVEYS / "cmo-affinity.csv").read_bytes()
DATA_NAME = "cmo-affinity.csv"  # the name the schema's own 'data:' uses

# Never inherit a CI job's step summary: a fuzz run must not append to it.
CLEAN_ENV: dict[str, str | None] = {"GITHUB_STEP_SUMMARY": None}

SUMMARY_LINE = re.compile(r"^\d+ problems found\.$")

# How many generated cases each fuzz test ran (printed at the end of the session).
CASES: Counter[str] = Counter()


def fuzz_settings(max_examples: int) -> settings:
    """Repeatable (derandomized, no example database) and without time limits: one
    example runs the whole CLI, which is slow next to what hypothesis expects."""
    return settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        database=None,
        print_blob=False,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.function_scoped_fixture,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
            HealthCheck.large_base_example,
        ],
    )


def count_case() -> None:
    """Count one generated case for the test that is running."""
    test = os.environ.get("PYTEST_CURRENT_TEST", "?").split(" ")[0]
    CASES[test] += 1


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not CASES:
        return
    terminalreporter.section("fuzz cases run")
    for test, n in sorted(CASES.items()):
        terminalreporter.write_line(f"{n:6,}  {test}")
    terminalreporter.write_line(f"{sum(CASES.values()):6,}  in total")


@dataclass(frozen=True)
class Outcome:
    code: int
    stdout: str
    stderr: str


def invoke(args: Sequence[str | Path], env: Mapping[str, str | None] | None = None) -> Outcome:
    """Run ``gapscan ARGS`` in-process. An exception other than SystemExit escaping the
    CLI is a bug: it is raised again (with the command attached)."""
    argv = [str(a) for a in args]
    result = CliRunner().invoke(app, argv, env={**CLEAN_ENV, **(env or {})})
    exc = result.exception
    if exc is not None and not isinstance(exc, SystemExit):
        exc.add_note(f"uncaught by the CLI: gapscan {' '.join(argv)!r}")
        raise exc
    return Outcome(result.exit_code, result.stdout, result.stderr)


def assert_no_crash(outcome: Outcome) -> None:
    """What every run must do, whatever its input."""
    both = outcome.stdout + outcome.stderr
    assert "Traceback" not in both, both[-3000:]
    assert "internal error" not in both, both[-3000:]
    assert outcome.code in (0, 1, 2), f"exit code {outcome.code}\n{both[-3000:]}"


def names_a_file(line: str, files: Sequence[str | Path]) -> bool:
    """``error: FILE: ...`` or ``error: FILE:LINE: ...`` for one of ``files``."""
    for f in files:
        prefix = f"error: {f}:"
        if line.startswith(prefix):
            rest = line[len(prefix) :]
            if rest.startswith(" ") or re.match(r"\d+: ", rest):
                return True
    return False


def assert_error_lines(stderr: str, files: Sequence[str | Path]) -> None:
    """Bad input: every line on stderr is ``error: FILE[:LINE]: message`` naming one of
    ``files``, or the closing ``N problems found.``."""
    lines = stderr.split("\n")  # a line break is "\n", not any of str.splitlines()'s
    if lines[-1] == "":
        lines.pop()
    assert lines, "exit code 2 without a message on stderr"
    for line in lines:
        if SUMMARY_LINE.match(line):
            continue
        assert names_a_file(line, files), (
            f"not an 'error: FILE[:LINE]: message' line naming one of {[str(f) for f in files]}:"
            f"\n{line[:1000]!r}\nstderr:\n{stderr[:3000]}"
        )


def listing(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def check_analyze(
    args: Sequence[str | Path],
    *,
    workdir: Path,
    out: Path,
    files: Sequence[str | Path],
    env: Mapping[str, str | None] | None = None,
) -> Outcome:
    """Run ``gapscan analyze ARGS --format json --out OUT`` and check the contract:
    exit 0/1 with a complete JSON report (and nothing else) in ``workdir``, or exit 2
    with error lines naming a file, and no report nor temporary file left behind."""
    before = listing(workdir)
    outcome = invoke(["analyze", *args, "--format", "json", "--out", out], env)
    assert_no_crash(outcome)
    after = listing(workdir)
    if outcome.code == 2:
        assert_error_lines(outcome.stderr, files)
        assert outcome.stdout == "", outcome.stdout[:2000]
        assert not out.exists(), "a failed run left its report behind"
        assert after == before, f"a failed run left files behind: {set(after) - set(before)}"
        return outcome
    assert after == sorted({*before, out.name}), f"files left behind: {set(after) - set(before)}"
    text = out.read_text(encoding="utf-8")
    assert text.endswith("\n"), "the report is not complete"
    report = json.loads(text)
    assert report["exit_code"] == outcome.code, (report["exit_code"], outcome.code)
    return outcome


def check_validate(
    args: Sequence[str | Path],
    *,
    files: Sequence[str | Path],
    fmt: str = "json",
    any_file_under: Path | None = None,
) -> Outcome:
    """Run ``gapscan validate ARGS`` (to stdout) and check the contract: exit 0 or 2;
    in JSON, a complete object whose errors each name one of ``files`` (or, with
    ``any_file_under``, any file in that directory or any absolute path: what a
    schema's 'data:' names); exit 2 iff it lists an error. An error that stops
    validate itself must be an ``error: FILE`` line."""
    outcome = invoke(["validate", *args, "--format", fmt])
    assert_no_crash(outcome)
    assert outcome.code in (0, 2), outcome.code
    if outcome.stdout == "" and outcome.code == 2:
        assert_error_lines(outcome.stderr, files)
        return outcome
    assert outcome.stderr == "", outcome.stderr[:3000]
    if fmt != "json":
        return outcome
    report = json.loads(outcome.stdout)
    errors = [f for f in report["findings"] if f["severity"] == "error"]
    assert report["errors"] == len(errors)
    assert report["valid"] is (not errors)
    assert outcome.code == (2 if errors else 0), (outcome.code, errors)
    allowed = {str(f) for f in files}
    for finding in errors:
        named = finding["file"]
        assert named in allowed or (
            any_file_under is not None and isinstance(named, str) and os.path.isabs(named)
        ), f"an error that names no input file: {finding}"
    return outcome


@pytest.fixture(autouse=True)
def _no_step_summary(monkeypatch: pytest.MonkeyPatch) -> None:
    """A CI job's step summary is not for fuzz output (subprocesses inherit this too)."""
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
