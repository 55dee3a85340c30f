"""Time gapscan's start-up: `gapscan --help` and `gapscan validate` on a bundled example.

    python benchmarks/startup.py [--repeat 21] [--schema surveys/account-pulse.yaml]

Each command runs in a fresh process through the console script next to the
interpreter (so the interpreter's own start-up counts), alternately with a bare
`python -c pass` as the floor; median and quartiles of wall and CPU time (user + system,
from the kernel's accounting of each process: on a shared machine it varies less).

By default gapscan's bytecode is cached as an installed package has it (in a temporary
PYTHONPYCACHEPREFIX, whatever PYTHONDONTWRITEBYTECODE says); --no-bytecode measures
a source tree whose modules are compiled again on every run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall ms, CPU ms) of one process; it must exit 0."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(cmd)} failed")
    return wall * 1000, (usage.ru_utime + usage.ru_stime) * 1000


def quartiles(values: list[float]) -> str:
    q1, q2, q3 = statistics.quantiles(values, n=4)
    return f"{q2:.0f} ({q1:.0f}–{q3:.0f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=21)
    parser.add_argument("--schema", type=Path, default=REPO / "surveys" / "account-pulse.yaml")
    parser.add_argument("--no-bytecode", action="store_true", help="compile on every run")
    args = parser.parse_args()
    env = dict(os.environ)
    if args.no_bytecode:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    else:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = tempfile.mkdtemp(prefix="gapscan-pycache-")
    script = str(Path(sys.executable).parent / "gapscan")
    cmds = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "gapscan --help": [script, "--help"],
        f"gapscan validate {args.schema.name}": [script, "validate", str(args.schema)],
    }
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in cmds}
    for cmd in cmds.values():  # one warm-up run each (disk cache, .pyc files)
        run(cmd, env)
    for _ in range(args.repeat):
        for name, cmd in cmds.items():
            runs[name].append(run(cmd, env))
    print(f"| command (median of {args.repeat}, quartiles) | wall ms | CPU ms |")
    print("|---|---:|---:|")
    for name, measured in runs.items():
        walls, cpus = [w for w, _ in measured], [c for _, c in measured]
        print(f"| `{name}` | {quartiles(walls)} | {quartiles(cpus)} |")


if __name__ == "__main__":
    main()
