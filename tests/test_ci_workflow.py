"""The README's GitHub Actions workflow: actionlint (with ShellCheck on every ``run:``
script) finds nothing in it, its actions are on their current major versions, and its
shell steps do what the README says, run here quarter after quarter with the real
gapscan and a git remote: the wave and the previous one from the file names, the
report once in the step summary, the JSON record committed back for the next run's
``--baseline``."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.golden import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
BIN = Path(sys.executable).parent
# GitHub runs a step of `shell: bash` as this command
BASH = ["bash", "--noprofile", "--norc", "-eo", "pipefail"]
TITLE = "# CMO Council customer affinity (synthetic)\n"
# The current major versions (late 2026): the workflow must not fall behind them.
CURRENT_MAJORS = {"actions/checkout": 7, "actions/setup-python": 7, "actions/upload-artifact": 7}


def workflow_text() -> str:
    section = README[README.index("## Run it in CI") :]
    section = section[: section.index("\n## ", 1)]
    block = re.search(r"```yaml\n(.*?)```", section, re.S)
    assert block, "the README's 'Run it in CI' lost its workflow"
    return block.group(1)


def workflow() -> dict[Any, Any]:
    loaded = yaml.safe_load(workflow_text())
    assert isinstance(loaded, dict)
    return loaded


def steps() -> list[dict[str, Any]]:
    jobs = workflow()["jobs"]
    assert len(jobs) == 1
    return list(next(iter(jobs.values()))["steps"])


def tool(name: str) -> str:
    path = shutil.which(name, path=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    assert path, f"{name} is not installed: pip install -e '.[test]'"
    return path


# ------------------------------------------------------------------ actionlint


def test_actionlint_finds_nothing(tmp_path: Path) -> None:
    target = tmp_path / ".github" / "workflows" / "survey-gaps.yml"
    target.parent.mkdir(parents=True)
    target.write_text(workflow_text(), encoding="utf-8")
    shellcheck = tool("shellcheck")  # without it actionlint silently skips the scripts
    proc = subprocess.run(
        [tool("actionlint"), "-no-color", "-shellcheck", shellcheck, "-pyflakes=", str(target)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert proc.returncode == 0 and proc.stdout == "", proc.stdout + proc.stderr


def test_actionlint_would_say_so(tmp_path: Path) -> None:
    """The check above can fail: an unquoted variable in a script is a finding."""
    broken = workflow_text().replace('echo "reports/ unchanged"', "echo $WAVE unchanged")
    assert broken != workflow_text()
    target = tmp_path / "broken.yml"
    target.write_text(broken, encoding="utf-8")
    command = [tool("actionlint"), "-no-color", "-shellcheck", tool("shellcheck"), str(target)]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1 and "SC2086" in proc.stdout, proc.stdout + proc.stderr


def test_actions_are_pinned_to_current_major_versions() -> None:
    used = [step["uses"] for step in steps() if "uses" in step]
    assert used, "the workflow uses no action"
    for ref in used:
        name, _, version = ref.partition("@")
        assert re.fullmatch(r"v\d+", version), f"{ref}: pin the major version, as @vN"
        assert int(version[1:]) >= CURRENT_MAJORS.get(name, 0), f"{ref} is behind"
    assert {ref.partition("@")[0] for ref in used} <= set(CURRENT_MAJORS)


def test_nothing_is_edited_by_hand_each_quarter() -> None:
    """No repository variable names the wave: the file names do."""
    text = workflow_text()
    assert not re.search(r"vars\.\w*WAVE", text, re.I)
    assert "GITHUB_STEP_SUMMARY" not in text  # gapscan writes it, once


# ------------------------------------------------------- the steps, run here


@dataclass
class Job:
    """One run of the workflow's job in a clone of ``remote``: the steps with an id,
    with ``${{ steps.ID.outputs.NAME }}`` and ``if:`` evaluated as GitHub does for the
    forms the workflow uses."""

    clone: Path
    summary: Path
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)
    outcomes: dict[str, str] = field(default_factory=dict)
    logs: dict[str, str] = field(default_factory=dict)

    def run(self, *ids: str) -> None:
        by_id = {step["id"]: step for step in steps() if "id" in step}
        for step_id in ids:
            step = by_id[step_id]
            if not self._condition(step.get("if")):
                self.outcomes[step_id] = "skipped"
                continue
            self._step(step_id, step)

    def _step(self, step_id: str, step: dict[str, Any]) -> None:
        output = self.clone.parent / f"{step_id}.out"
        output.write_text("", encoding="utf-8")
        env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
        env |= {"GITHUB_OUTPUT": str(output), "GITHUB_STEP_SUMMARY": str(self.summary)}
        env |= {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
        env |= {key: self._expand(str(value)) for key, value in step.get("env", {}).items()}
        script = self.clone.parent / f"{step_id}.sh"
        script.write_text(step["run"], encoding="utf-8")
        proc = subprocess.run(
            [*BASH, str(script)], cwd=self.clone, env=env, capture_output=True, text=True
        )
        self.logs[step_id] = proc.stdout + proc.stderr
        self.outcomes[step_id] = "success" if proc.returncode == 0 else "failure"
        lines = output.read_text(encoding="utf-8").splitlines()
        self.outputs[step_id] = dict(line.split("=", 1) for line in lines)

    def _expand(self, value: str) -> str:
        def output(match: re.Match[str]) -> str:
            return self.outputs.get(match.group(1), {}).get(match.group(2), "")

        expanded = re.sub(r"\$\{\{ steps\.(\w+)\.outputs\.(\w+) \}\}", output, value)
        assert "${{" not in expanded, f"not emulated here: {value}"
        return expanded

    def _condition(self, condition: str | None) -> bool:
        if condition is None:  # success(): no earlier step failed
            return "failure" not in self.outcomes.values()
        held = True
        for term in re.sub(r"^\$\{\{\s*|\s*\}\}$", "", condition).split("&&"):
            term = term.strip()
            known = re.fullmatch(r"steps\.(\w+)\.outcome == '(\w+)'", term)
            if known:
                held = held and self.outcomes.get(known.group(1)) == known.group(2)
            else:
                assert term == "!cancelled()", f"not emulated here: {term}"
        return held


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    proc = subprocess.run(
        ["git", "-c", "init.defaultBranch=main", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    """The survey's repository: the schema, and the first quarter's export."""
    bare = tmp_path / "remote.git"
    git(tmp_path, "init", "--quiet", "--bare", str(bare))
    work = tmp_path / "work"
    git(tmp_path, "clone", "--quiet", str(bare), str(work))
    (work / "surveys").mkdir()
    shutil.copy(ROOT / "surveys" / "cmo-affinity.yaml", work / "surveys" / "affinity.yaml")
    add_export(work, "2026Q2", pull=False)
    return bare


def add_export(work: Path, wave: str, *, pull: bool = True) -> None:
    """A new quarter's export pushed, as someone would, on top of what CI committed."""
    if pull:
        git(work, "pull", "--quiet", "--ff-only", "origin", "main")
    (work / "data").mkdir(exist_ok=True)
    shutil.copy(ROOT / "surveys" / "waves" / f"affinity-{wave}.csv", work / "data" / f"{wave}.csv")
    git(work, "add", ".")
    git(work, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "--quiet", "-m", wave)
    git(work, "push", "--quiet", "origin", "HEAD:main")


def job(remote: Path, name: str) -> Job:
    """A fresh runner: a new clone of the remote, an empty step summary."""
    folder = remote.parent / name
    folder.mkdir()
    git(folder, "clone", "--quiet", str(remote), "clone")
    run = Job(clone=folder / "clone", summary=folder / "summary.md")
    run.run("waves", "record", "report", "commit")
    return run


def test_two_quarters(remote: Path) -> None:
    first = job(remote, "first")
    assert first.outputs["waves"] == {"wave": "2026Q2"}, first.logs
    assert first.outcomes == dict.fromkeys(("waves", "record", "report", "commit"), "success")
    assert "no reports/<previous wave>.json: no comparison" in first.logs["report"]
    assert first.summary.read_text(encoding="utf-8").count(TITLE) == 1
    assert (first.clone / "junit.xml").is_file()

    add_export(remote.parent / "work", "2026Q3")
    second = job(remote, "second")
    assert second.outputs["waves"] == {"wave": "2026Q3", "previous": "2026Q2"}
    assert (second.clone / "reports" / "2026Q2.json").is_file(), "the record was not committed"
    # the widening since 2026Q2 breaks a gap_change rule: the job fails, the record is kept
    assert second.outcomes["report"] == "failure", second.logs["report"]
    assert "exited 2" not in second.logs["report"] and "error:" not in second.logs["report"]
    assert second.outcomes["commit"] == "success", second.logs["commit"]
    shown = second.summary.read_text(encoding="utf-8")
    assert shown.count(TITLE) == 1
    assert "2026Q2" in shown and "no gap widens by more than 5 points" in shown

    git(remote.parent / "work", "fetch", "--quiet")
    committed = git(remote.parent / "work", "ls-tree", "-r", "--name-only", "origin/main")
    for wave in ("2026Q2", "2026Q3"):
        assert f"reports/{wave}.json" in committed.split() and f"reports/{wave}.md" in committed
    assert "junit.xml" not in committed


def test_a_third_run_with_nothing_new_commits_nothing(remote: Path) -> None:
    job(remote, "first")
    again = job(remote, "again")
    assert again.outcomes["commit"] == "success"
    assert "reports/ unchanged" in again.logs["commit"]


def waves_of(tmp_path: Path, names: list[str]) -> tuple[str, dict[str, str], str]:
    (tmp_path / "data").mkdir()
    for name in names:
        (tmp_path / "data" / name).write_text("", encoding="utf-8")
    run = Job(clone=tmp_path, summary=tmp_path / "summary.md")
    run.run("waves")
    return run.outcomes["waves"], run.outputs["waves"], run.logs["waves"]


@pytest.mark.parametrize(
    ("names", "wave", "previous"),
    [
        (["2026Q1.csv", "2026Q3.csv", "2025Q4.csv", "2026Q2.csv"], "2026Q3", "2026Q2"),
        (["2027Q1.csv", "2026Q4.csv"], "2027Q1", "2026Q4"),  # across a year
        (["2026Q3.csv", "notes.csv", "2026Q2.csv.bak", "2026Q5.csv", "x2026Q4.csv"], "2026Q3", ""),
        (["2026Q1.csv"], "2026Q1", ""),  # the first quarter: nothing to compare with
    ],
)
def test_the_waves_from_the_file_names(
    tmp_path: Path, names: list[str], wave: str, previous: str
) -> None:
    outcome, outputs, log = waves_of(tmp_path, names)
    assert outcome == "success", log
    assert outputs.get("wave") == wave
    assert outputs.get("previous", "") == previous


def test_no_export_is_an_error(tmp_path: Path) -> None:
    outcome, outputs, log = waves_of(tmp_path, ["responses.csv"])
    assert outcome == "failure" and outputs == {}
    assert "::error::" in log
