"""The bundled examples' HTML reports: the README's reports commands that write HTML,
each with the JSON report of the same run (same arguments, ``--format json``)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from typer.testing import CliRunner

from gapscan.cli import app
from tests.golden import ROOT
from tests.test_readme import report_commands


@dataclass(frozen=True)
class Example:
    """One README command writing ``reports/NAME.html``."""

    name: str
    args: tuple[str, ...]

    @property
    def command(self) -> str:
        return self.args[0]  # analyze or trend

    def argv(self, out_dir: Path, fmt: str) -> list[str]:
        """The command line writing ``out_dir/NAME.FMT`` instead of ``reports/NAME.html``."""
        args = list(self.args)
        args[args.index("--format") + 1] = fmt
        args[args.index("--out") + 1] = (out_dir / f"{self.name}.{fmt}").as_posix()
        return args


def examples() -> list[Example]:
    """The README's reports commands with ``--format html``, in the README's order."""
    found = []
    for args in report_commands():
        if "--format" in args and args[args.index("--format") + 1] == "html":
            out = Path(args[args.index("--out") + 1])
            found.append(Example(out.stem, tuple(args)))
    return found


def write(example: Example, out_dir: Path, fmt: str) -> Path:
    """Run the example's command line (from the repository root, as the README does)
    with ``--format FMT``; the path of the report it wrote."""
    argv = example.argv(out_dir, fmt)
    cwd = Path.cwd()
    saved = os.environ.pop("GITHUB_STEP_SUMMARY", None)
    os.chdir(ROOT)
    try:
        result = CliRunner().invoke(app, argv)
    finally:
        os.chdir(cwd)
        if saved is not None:
            os.environ["GITHUB_STEP_SUMMARY"] = saved
    assert result.exit_code in (0, 1), (argv, result.stderr, result.exception)
    path = out_dir / f"{example.name}.{fmt}"
    assert path.is_file(), (argv, result.stderr)
    return path
