"""Shared by the output-integrity and fault tests: a work directory holding a run's
inputs, a picture of a directory tree (every file's hash, every link's target), and
the real console script."""

from __future__ import annotations

import csv
import hashlib
import os
import shutil
import sys
from pathlib import Path

from tests.conftest import SURVEYS

SCHEMA = "survey.yaml"
DATA = "cmo-affinity.csv"  # the schema's `data:` names it
WAVES = ("affinity-2026Q1.csv", "affinity-2026Q2.csv")
LATEST = "affinity-2026Q3.csv"  # not a wave of the trend runs
VENDOR, CUSTOMER = "vendor.csv", "customer.csv"
BASELINE = "2026Q2.json"
TEMPORARY = (".tmp", ".old")


def make_workdir(path: Path) -> Path:
    """The bundled schema and its data, two waves, one file per side, a baseline."""
    path.mkdir(parents=True, exist_ok=True)
    shutil.copy(SURVEYS / "cmo-affinity.yaml", path / SCHEMA)
    shutil.copy(SURVEYS / "cmo-affinity.csv", path / DATA)
    for wave in (*WAVES, LATEST):
        shutil.copy(SURVEYS / "waves" / wave, path / wave)
    _split_sides(path / DATA, path / VENDOR, path / CUSTOMER)
    shutil.copy(_baseline(), path / BASELINE)
    return path


def _split_sides(data: Path, vendor: Path, customer: Path) -> None:
    with data.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    side = rows[0].index("respondent_type")
    for target, value in ((vendor, "Vendor"), (customer, "Customer")):
        with target.open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows([rows[0], *(r for r in rows[1:] if r[side] == value)])


_BASELINE_CACHE: list[Path] = []


def _baseline() -> Path:
    """A JSON report of wave 2, written once per test session by the CLI itself."""
    if not _BASELINE_CACHE:
        import tempfile

        from typer.testing import CliRunner

        from gapscan.cli import app

        out = Path(tempfile.mkdtemp(prefix="gapscan-baseline-")) / BASELINE
        schema, wave = SURVEYS / "cmo-affinity.yaml", SURVEYS / "waves" / WAVES[1]
        args = ["analyze", str(schema), str(wave), "--format", "json", "--out", str(out)]
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, result.output
        _BASELINE_CACHE.append(out)
    return _BASELINE_CACHE[0]


def picture(root: Path) -> dict[str, str]:
    """Every entry under ``root``: a file's SHA-256, a link's target, a directory."""
    seen: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in [*dirnames, *filenames]:
            path = Path(dirpath) / name
            rel = str(path.relative_to(root))
            if path.is_symlink():
                seen[rel] = "-> " + os.readlink(path)
            elif path.is_dir():
                seen[rel] = "dir"
            else:
                seen[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return seen


def leftovers(root: Path) -> list[str]:
    """Temporary files anywhere under ``root``."""
    return [name for name in picture(root) if name.endswith(TEMPORARY)]


def console_script() -> Path:
    script = shutil.which("gapscan", path=str(Path(sys.executable).parent))
    assert script is not None, "no 'gapscan' console script next to the interpreter"
    return Path(script)


def subprocess_env(**extra: str) -> dict[str, str]:
    """The environment for a real run: this source tree first, no CI summary."""
    src = str(Path(__file__).resolve().parents[2] / "src")
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_STEP_SUMMARY"}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (src, env.get("PYTHONPATH")) if p)
    return {**env, **extra}
