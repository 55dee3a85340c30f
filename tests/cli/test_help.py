"""Help that teaches: every command's ``--help`` ends with two or three examples that
run as they are written on the bundled surveys; ``-V`` is ``--version``; shell
completion is on; flags show no ``<bool>`` and no help text loses words to markup."""

from __future__ import annotations

import glob
import itertools
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gapscan import __version__
from gapscan.cli import app
from tests.golden import ROOT

runner = CliRunner()
COMMANDS = sorted(c.name for c in app.registered_commands if c.name)
EVERY_HELP = [[], *([name] for name in COMMANDS)]
NO_CI: dict[str, str | None] = {"GITHUB_STEP_SUMMARY": None}
SCRIPT = Path(sys.executable).parent / "gapscan"


def help_text(args: list[str], columns: int = 80) -> str:
    result = runner.invoke(app, [*args, "--help"], env={"COLUMNS": str(columns), **NO_CI})
    assert result.exit_code == 0, result.output
    return result.stdout


def examples(text: str) -> list[list[str]]:
    """The example command lines under "Examples", a trailing backslash going on on
    the next line; one example is the lines after one ``#`` comment."""
    section = text[text.index("Examples") :]
    found: list[list[str]] = []
    pending = ""
    for raw in section.splitlines()[1:]:
        line = raw.strip().strip("│").strip()
        if line.startswith("#"):
            found.append([])
        elif line.startswith("gapscan ") or pending:
            pending += line
            if pending.endswith("\\"):
                pending = pending[:-1]
                continue
            found[-1].append(pending)
            pending = ""
    assert not pending, f"an example goes on past the help: {pending}"
    return found


@pytest.fixture
def bundled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the repository's surveys/ and the JSON report the examples compare
    with, as the current directory."""
    shutil.copytree(ROOT / "surveys", tmp_path / "surveys")
    (tmp_path / "reports").mkdir()
    shutil.copy(ROOT / "reports" / "2026Q2.json", tmp_path / "reports")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def shell_words(line: str) -> list[str]:
    """The arguments the shell would pass: words split, globs expanded in order."""
    words: list[str] = []
    for word in shlex.split(line):
        matched = sorted(glob.glob(word)) if any(c in word for c in "*?") else []
        assert matched or not any(c in word for c in "*?"), f"{word} matches no file"
        words += matched or [word]
    return words


@pytest.mark.parametrize("args", EVERY_HELP, ids=["gapscan", *COMMANDS])
def test_every_help_has_examples_that_run(args: list[str], bundled: Path) -> None:
    found = examples(help_text(args))
    assert 2 <= len(found) <= 3, found
    for example in found:
        assert example, "an example comment with no command under it"
        for line in example:
            words = shell_words(line)
            assert words[0] == "gapscan"
            if args:
                assert words[1] == args[0], f"{line}: not an example of gapscan {args[0]}"
            result = runner.invoke(app, words[1:], env=NO_CI)
            assert result.exit_code in (0, 1), (line, result.exit_code, result.output)
            assert "Traceback" not in result.output


@pytest.mark.parametrize("args", EVERY_HELP, ids=["gapscan", *COMMANDS])
def test_examples_are_not_wrapped_at_80_columns(args: list[str]) -> None:
    """Read at 80 columns and at 200, the examples are the same lines: none is cut."""
    assert examples(help_text(args, 80)) == examples(help_text(args, 200))


@pytest.mark.parametrize("args", EVERY_HELP, ids=["gapscan", *COMMANDS])
def test_flags_show_no_type(args: list[str]) -> None:
    text = help_text(args, 200)
    assert "<bool>" not in text
    flags = re.findall(r"│[ *]+(--[\w-]+)\s+(\S*)", text)
    assert flags, "the help shows no options"
    assert ("--help", "Show") in flags  # a flag: its help follows the name, no type


@pytest.mark.parametrize("args", [["analyze"], ["trend"]])
def test_charts_help_keeps_its_words(args: list[str]) -> None:
    """Help text in square brackets is rich markup and vanishes ("here ." was left)."""
    text = " ".join(help_text(args, 200).split())
    assert "here ." not in text
    assert "(default: charts/ next to a markdown --out)" in text


@pytest.mark.parametrize("args", [["analyze"], ["trend"]])
def test_step_summary_flags_are_shown_whole(args: list[str]) -> None:
    text = help_text(args, 80)
    assert "--step-summary" in text and "--no-step-summary" in text, text


@pytest.mark.parametrize("flag", ["-V", "--version"])
def test_version(flag: str) -> None:
    result = runner.invoke(app, [flag])
    assert result.exit_code == 0
    assert result.stdout == f"gapscan {__version__}\n"


def test_version_is_listed_with_its_short_form() -> None:
    assert re.search(r"--version\s+-V\s", help_text([]))


def test_completion_options_are_offered() -> None:
    text = help_text([])
    assert "--install-completion" in text and "--show-completion" in text


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_show_completion_prints_a_script(shell: str) -> None:
    result = runner.invoke(app, ["--show-completion", shell], prog_name="gapscan")
    assert result.exit_code == 0, result.output
    assert "_GAPSCAN_COMPLETE" in result.stdout


def complete(words: str) -> list[str]:
    """What the installed bash completion offers after ``words``."""
    env = {**os.environ, "_GAPSCAN_COMPLETE": "complete_bash", "COMP_WORDS": words}
    env["COMP_CWORD"] = str(len(words.split()) - (0 if words.endswith(" ") else 1))
    proc = subprocess.run([SCRIPT], env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.split()


def test_completion_completes_commands_options_and_choices() -> None:
    assert complete("gapscan an") == ["analyze"]
    assert set(complete("gapscan ")) >= set(COMMANDS)
    assert "--step-summary" in complete("gapscan analyze s.yaml --st")
    assert {"table", "markdown", "json", "csv"} <= set(complete("gapscan analyze s.yaml --format "))


@pytest.mark.parametrize("args", EVERY_HELP, ids=["gapscan", *COMMANDS])
@pytest.mark.parametrize("columns", [40, 80, 200])
def test_descriptions_are_wrapped_at_the_terminal_width(args: list[str], columns: int) -> None:
    """A docstring's lines are wrapped for the source: the help wraps its paragraphs
    again at the terminal's width, so that a line ends only where the next word would
    not fit."""
    text = help_text(args, columns)
    description = text[text.index("Usage:") : text.index("╭")]
    paragraphs = [p.splitlines() for p in re.split(r"\n\s*\n", description.strip())]
    assert len(paragraphs) >= 2, description
    for lines in paragraphs[1:]:
        for line, after in itertools.pairwise(lines):
            room = columns - 2  # a column of padding on each side
            assert len(line.strip()) + 1 + len(after.split()[0]) > room, (line, after)


@pytest.mark.parametrize("columns", [40, 80, 200])
@pytest.mark.parametrize("args", EVERY_HELP, ids=["gapscan", *COMMANDS])
def test_help_is_drawn_as_typer_draws_it(
    args: list[str], columns: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """gapscan draws its help screens itself (typer's renderer imports rich's markdown
    and traceback modules, a fifth of ``gapscan --help``'s time): line for line what
    typer's renderer draws, without the spaces typer leaves at the ends of lines."""
    from gapscan.cli import _help

    ours = help_text(args, columns)
    monkeypatch.setattr(_help, "can_draw", lambda command, ctx: False)
    typers = help_text(args, columns)
    assert "╭─ Options" in typers and typers.count("\n") > 10  # typer's renderer drew it
    assert ours == "\n".join(line.rstrip(" ") for line in typers.split("\n"))
    assert not [line for line in ours.splitlines() if line.endswith(" ")]


def test_help_is_coloured_by_the_terminal_rules() -> None:
    """Colour when forced (FORCE_COLOR), none with NO_COLOR, as every table."""
    forced = runner.invoke(app, ["analyze", "--help"], env={"FORCE_COLOR": "1", **NO_CI})
    assert forced.exit_code == 0 and "\x1b[1;36m--by" in forced.stdout
    plain = runner.invoke(
        app, ["analyze", "--help"], env={"FORCE_COLOR": "1", "NO_COLOR": "1", **NO_CI}
    )
    assert plain.exit_code == 0 and "--by" in plain.stdout and "\x1b[" not in plain.stdout


def test_help_falls_back_to_typers_renderer_for_parameters_it_cannot_read() -> None:
    """A typer whose parameters lack the descriptions gapscan reads draws its own help."""
    import typer

    from gapscan.cli import _help

    command = typer.main.get_command(app)
    ctx = command.make_context("gapscan", ["analyze"])

    class Bare:
        def get_params(self, ctx: object) -> list[object]:
            return [object()]

    assert _help.can_draw(command, ctx)
    assert not _help.can_draw(Bare(), ctx)  # type: ignore[arg-type]
