"""Golden reports: the invocations whose output is kept in ``tests/data/golden/``.

``tests/cli/test_reports.py`` runs every case below and compares its files byte for
byte with the golden copies. After an intended change to a report, regenerate them
from the repository root and review the diff before committing it:

    python -m tests.golden
    git diff -- tests/data/golden

Every invocation uses paths relative to the repository root (the reports show the
paths of their inputs as given), so the commands must run from there.
"""

from __future__ import annotations

import difflib
import os
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "data" / "golden"
OUT = "{out}"  # stands for the output directory in a case's arguments
REGENERATE = "python -m tests.golden"
KEEP = frozenset({".gitattributes"})  # files of the golden folder that no case writes
WAVES = tuple(f"surveys/waves/affinity-2026Q{i}.csv" for i in (1, 2, 3))


@dataclass(frozen=True)
class Case:
    """One command line, the files it writes (relative to its output directory,
    and to ``GOLDEN``) and the exit code it must end with."""

    name: str
    args: tuple[str, ...]
    files: tuple[str, ...]
    exit_code: int

    def argv(self, out_dir: Path) -> list[str]:
        return [a.replace(OUT, out_dir.as_posix()) for a in self.args]

    def command(self) -> str:
        return "gapscan " + " ".join(self.args)


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str
    files: dict[str, bytes] = field(default_factory=dict)


CASES: tuple[Case, ...] = (
    Case(
        "cmo-affinity-markdown",
        ("analyze", "surveys/cmo-affinity.yaml", "--format", "markdown",
         "--out", f"{OUT}/cmo-affinity.md"),
        ("cmo-affinity.md", "charts/cmo-affinity-gaps.svg",
         "charts/cmo-affinity-gaps-by-region.svg"),
        0,
    ),
    Case(
        "cmo-affinity-json",
        ("analyze", "surveys/cmo-affinity.yaml", "--format", "json",
         "--out", f"{OUT}/cmo-affinity.json"),
        ("cmo-affinity.json",),
        0,
    ),
    Case(
        "account-pulse-markdown",
        ("analyze", "surveys/account-pulse.yaml", "--format", "markdown",
         "--out", f"{OUT}/account-pulse.md"),
        ("account-pulse.md", "charts/account-pulse-gaps.svg",
         "charts/account-pulse-gaps-by-region.svg"),
        0,
    ),
    Case(
        "account-pulse-json",
        ("analyze", "surveys/account-pulse.yaml", "--format", "json",
         "--out", f"{OUT}/account-pulse.json"),
        ("account-pulse.json",),
        0,
    ),
    Case(
        "affinity-waves-markdown",
        ("trend", "surveys/cmo-affinity.yaml", *WAVES, "--format", "markdown",
         "--out", f"{OUT}/affinity-waves.md"),
        ("affinity-waves.md", "charts/affinity-waves-trend.svg"),
        1,  # the centricity gap widens significantly in 2026Q3
    ),
    Case(
        "affinity-waves-json",
        ("trend", "surveys/cmo-affinity.yaml", *WAVES, "--format", "json",
         "--out", f"{OUT}/affinity-waves.json"),
        ("affinity-waves.json",),
        1,
    ),
    Case(
        "partner-nps-markdown",
        ("analyze", "surveys/partner-nps.yaml", "--format", "markdown",
         "--out", f"{OUT}/partner-nps.md"),
        ("partner-nps.md", "charts/partner-nps-gaps.svg"),
        0,
    ),
    Case(
        "partner-nps-json",
        ("analyze", "surveys/partner-nps.yaml", "--format", "json",
         "--out", f"{OUT}/partner-nps.json"),
        ("partner-nps.json",),
        0,
    ),
    Case(
        "weighted-pulse-markdown",
        ("analyze", "surveys/weighted-pulse.yaml", "--format", "markdown",
         "--out", f"{OUT}/weighted-pulse.md"),
        ("weighted-pulse.md", "charts/weighted-pulse-gaps.svg"),
        0,
    ),
    Case(
        "weighted-pulse-json",
        ("analyze", "surveys/weighted-pulse.yaml", "--format", "json",
         "--out", f"{OUT}/weighted-pulse.json"),
        ("weighted-pulse.json",),
        0,
    ),
)  # fmt: skip

_golden_files = [f for case in CASES for f in case.files]
assert len(_golden_files) == len(set(_golden_files)), "two cases write the same golden file"


def run_case(case: Case, out_dir: Path) -> Run:
    """Run one case in-process, writing into ``out_dir``; read back the files it wrote.

    The working directory must be the repository root (the reports name their inputs
    by the paths given)."""
    from typer.testing import CliRunner

    from gapscan.cli import app

    if Path.cwd().resolve() != ROOT:
        raise RuntimeError(f"golden cases run from the repository root ({ROOT}), not {Path.cwd()}")
    out_dir.mkdir(parents=True, exist_ok=True)
    # No CI step summary: a run inside GitHub Actions must not append to the real one.
    result = CliRunner().invoke(app, case.argv(out_dir), env={"GITHUB_STEP_SUMMARY": None})
    run = Run(result.exit_code, result.stdout, result.stderr)
    for name in case.files:
        path = out_dir / name
        if path.is_file():
            run.files[name] = path.read_bytes()
    return run


def mismatch_message(case: Case, name: str, expected: bytes | None, actual: bytes) -> str:
    """What a failing comparison says: which file, which command, a diff, what to do."""
    lines = [
        f"The output {name} of `{case.command()}` differs from tests/data/golden/{name}.",
        f"If the change is intended, regenerate the golden files from the repository root "
        f"with `{REGENERATE}`, review the diff (`git diff -- tests/data/golden`) and "
        f"commit it with the change.",
    ]
    if expected is None:
        lines.insert(1, "The golden file does not exist yet.")
        return "\n".join(lines)
    try:
        old, new = expected.decode("utf-8"), actual.decode("utf-8")
    except UnicodeDecodeError:
        return "\n".join(lines)
    diff = list(
        difflib.unified_diff(
            old.splitlines(),
            new.splitlines(),
            f"golden/{name}",
            f"output/{name}",
            lineterm="",
            n=1,
        )
    )
    shown = diff[:60] + ([f"... ({len(diff) - 60} more diff lines)"] if len(diff) > 60 else [])
    return "\n".join([*lines, "", *shown])


def regenerate() -> int:
    """Run every case and write its files into ``GOLDEN``; remove files no case writes."""
    os.chdir(ROOT)
    changed = 0
    with tempfile.TemporaryDirectory(prefix="gapscan-golden-") as tmp:
        for case in CASES:
            run = run_case(case, Path(tmp) / case.name)
            missing = [f for f in case.files if f not in run.files]
            if run.exit_code != case.exit_code or missing:
                print(
                    f"{case.name}: `{case.command()}` exited {run.exit_code} "
                    f"(expected {case.exit_code}); files not written: {missing or 'none'}\n"
                    f"{run.stderr}",
                    file=sys.stderr,
                )
                return 1
            for name in case.files:
                target = GOLDEN / name
                data = run.files[name]
                if target.is_file() and target.read_bytes() == data:
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
                print(f"wrote    tests/data/golden/{name}")
                changed += 1
    expected = set(_golden_files)
    for path in sorted(GOLDEN.rglob("*")):
        name = path.relative_to(GOLDEN).as_posix()
        if path.is_file() and name not in expected and path.name not in KEEP:
            path.unlink()
            print(f"removed  tests/data/golden/{name}")
            changed += 1
    print(
        f"{changed} golden file(s) changed. Review them before committing: "
        "git diff -- tests/data/golden"
        if changed
        else "Golden files are up to date."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(regenerate())
