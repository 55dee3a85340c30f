"""The benchmark matrix (``python benchmarks/bench.py --matrix``): gapscan against the
hand-written pandas + scipy + statsmodels analysis, the pyarrow read-and-count floor
and DuckDB's count query, at each size x format (CSV, Parquet) x view (overall, by
region) x respondent id (checked or not).

Every command is a fresh process measured by GNU time (wall, CPU = user + system,
peak RSS: the process's own, not its parent's memory at the fork, which the kernel's
accounting of a child started from this process would include). Commands that are the same in
several cells (the floor and DuckDB do not check ids; the hand-written analysis
always gives the overall and the per-region results) run once per round and count for
each of those cells. In each round every command of a size runs once, one after the
other, so the tools alternate; the figures are medians of the rounds.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import bench
import streaming

TOOLS = ("gapscan", "duckdb", "floor", "handwritten")
FORMATS = ("csv", "parquet")
VIEWS = ("overall", "region")
IDS = ("id", "no id")
HEADING = "## Matrix"  # the section of RESULTS.md that --matrix --write-results replaces
DUCKDB = streaming.DUCKDB

Run = tuple[float, float, float]  # wall s, CPU s, peak RSS MB


@dataclass(frozen=True)
class Cell:
    rows: int
    fmt: str
    view: str
    ids: str


def schemas(rows: int, workdir: Path) -> dict[tuple[str, str, str], Path]:
    """A schema per format x view x id, over the id survey of ``streaming.generate``
    (the same file with or without the id checked: the column is there either way)."""
    made = {}
    for fmt, schema in streaming.generate(rows, workdir).items():
        text = schema.read_text(encoding="utf-8")
        for view in VIEWS:
            for ids in IDS:
                changed = text if ids == "id" else text.replace("respondent_id: rid\n", "")
                if view == "overall":
                    changed = changed.replace("segments: [region]\n", "")
                path = workdir / f"m-{rows}-{fmt}-{view}-{ids.replace(' ', '')}.yaml"
                path.write_text(changed, encoding="utf-8")
                made[fmt, view, ids] = path
    return made


def commands(cell: Cell, schema: Path, data: Path, out: Path) -> dict[str, list[str]]:
    """Each tool's command for one cell; equal commands are run once and shared."""
    py, here = sys.executable, bench.HERE
    region = cell.view == "region"
    tag = f"{cell.rows}-{cell.fmt}"
    hand = [py, str(here / "handwritten.py"), str(data)]
    hand += ["--id", "rid"] if cell.ids == "id" else []
    floor = [py, str(here / "floor.py"), str(data), *(["--by", "region"] if region else [])]
    query = streaming.count_query(data) if region else overall_query(data)
    idtag = "id" if cell.ids == "id" else "noid"
    return {
        "gapscan": [
            *(py, "-m", "gapscan", "analyze", str(schema), "--format", "json"),
            *("--out", str(out / f"gapscan-{tag}-{cell.view}-{idtag}.json")),
        ],
        "duckdb": [py, "-c", DUCKDB, query],
        "floor": [*floor, "--out", str(out / f"floor-{tag}-{cell.view}.json")],
        "handwritten": [*hand, "--out", str(out / f"handwritten-{tag}-{idtag}.json")],
    }


def overall_query(path: Path) -> str:
    """DuckDB's count without a breakdown: respondents per side x question x level."""
    return streaming.count_query(path).replace("region, ", "").replace(", region", "")


def measure(
    sizes: Sequence[int],
    repeat: int,
    workdir: Path,
    skip: dict[str, int],
    env: dict[str, str] | None,
    formats: Sequence[str] = FORMATS,
) -> dict[Cell, dict[str, list[Run]]]:
    """Each cell's runs per tool; ``skip``: a tool left out from that many rows on."""
    results: dict[Cell, dict[str, list[Run]]] = {}
    for rows in sizes:
        made = schemas(rows, workdir)
        out = workdir / f"matrix-{rows}"
        out.mkdir(exist_ok=True)
        cells: dict[Cell, dict[str, list[str]]] = {}
        for fmt in formats:
            data = (workdir / f"id-{rows}.{fmt}").resolve()
            for view in VIEWS:
                for ids in IDS:
                    cell = Cell(rows, fmt, view, ids)
                    cmds = commands(cell, made[fmt, view, ids], data, out)
                    cells[cell] = {t: c for t, c in cmds.items() if rows < skip.get(t, 1 << 62)}
        distinct = list(dict.fromkeys(tuple(c) for cmds in cells.values() for c in cmds.values()))
        runs: dict[tuple[str, ...], list[Run]] = {c: [] for c in distinct}
        print(f"{rows:,} rows: {len(distinct)} commands x {repeat} ({uptime()})", flush=True)
        for rep in range(repeat):
            for cmd in distinct:
                runs[cmd].append(timed(list(cmd), env, out / "time.txt"))
            print(f"  round {rep + 1}/{repeat} done ({uptime()})", flush=True)
        for cell, cmds in cells.items():
            results[cell] = {t: runs[tuple(c)] for t, c in cmds.items()}
    return results


def timed(cmd: list[str], env: dict[str, str] | None, stats: Path) -> Run:
    """(wall s, CPU s, peak RSS MB) of one process, by GNU time."""
    timer = [str(bench.TIME), "-f", "%e %U %S %M", "-o", str(stats)]
    done = subprocess.run(
        [*timer, *cmd], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    if done.returncode not in (0, 1):  # 1: gapscan ran and a rule was breached
        raise RuntimeError(f"{' '.join(cmd)[:200]} failed: {done.stderr.decode()[-500:]}")
    wall, user, system, rss = stats.read_text().split()[-4:]
    return float(wall), float(user) + float(system), int(rss) / 1024


def uptime() -> str:
    """The load averages, as ``uptime`` shows them."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f}"


def medians(runs: list[Run]) -> Run:
    return (
        statistics.median(r[0] for r in runs),
        statistics.median(r[1] for r in runs),
        max(r[2] for r in runs),
    )


def table(results: dict[Cell, dict[str, list[Run]]]) -> list[str]:
    """One line per cell: each tool's median wall s / CPU s / peak MB, and the ratios
    of the medians (wall; CPU in brackets)."""
    lines = [
        "| rows | format | view | id checked | gapscan | DuckDB count | floor | hand-written "
        "| gapscan / DuckDB | gapscan / floor | hand-written / gapscan |",
        "|---:|---|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for cell, tools in results.items():
        med = {t: medians(r) for t, r in tools.items() if r}
        shown = [
            f"{med[t][0]:.2f} / {med[t][1]:.2f} / {med[t][2]:.0f}" if t in med else "skipped"
            for t in TOOLS
        ]

        pairs = (("gapscan", "duckdb"), ("gapscan", "floor"), ("handwritten", "gapscan"))
        ratios = [_ratio(med, a, b) for a, b in pairs]
        lines.append(
            f"| {cell.rows:,} | {cell.fmt} | {cell.view} | {'yes' if cell.ids == 'id' else 'no'} "
            f"| {' | '.join(shown)} | {' | '.join(ratios)} |"
        )
    return lines


def _ratio(med: dict[str, Run], a: str, b: str) -> str:
    if a not in med or b not in med:
        return "-"
    return f"{med[a][0] / med[b][0]:.2f} ({med[a][1] / med[b][1]:.2f})"


def section(
    results: dict[Cell, dict[str, list[Run]]], command: str, repeat: int, loads: list[str]
) -> str:
    """The RESULTS.md section: the command, the machine, the load, the table."""
    return "\n".join(
        [
            f"{HEADING}: gapscan, DuckDB's count query, the pyarrow floor and the "
            "hand-written analysis",
            "",
            f"Command: `{command}` (medians of {repeat} rounds; written by it).",
            "",
            "Each cell: median wall s / median CPU s (user + system) / peak RSS MB of a "
            "fresh process. gapscan: `python -m gapscan analyze SCHEMA --format json` (the "
            "schema's respondent id checked or not; by region or overall); DuckDB: one "
            "`GROUP BY side[, region]` with `count_if(qNN = 'level')` per question and "
            "level straight from `read_csv`/`read_parquet`, no id check; floor: "
            "`benchmarks/floor.py` (pyarrow read, `group_by` counts); hand-written: "
            "`benchmarks/handwritten.py` (pandas + scipy + statsmodels; with an id it "
            "also checks the ids for repeats; it always gives the overall and the "
            "per-region results). Ratios: of the median wall times, of the median CPU "
            "times in brackets. Data: 40 five-point text questions, ~3% blank, 20% "
            "vendors, 5 regions, an id column `rid`; Parquet written by pyarrow.",
            "",
            *bench.machine(),
            f"- load while measuring: {'; '.join(loads)}",
            "",
            *table(results),
            "",
        ]
    )


def write(text: str, results_md: Path) -> None:
    """Replace the matrix section of RESULTS.md (or add it after the first section)."""
    previous = results_md.read_text(encoding="utf-8") if results_md.exists() else ""
    start = previous.find(HEADING)
    if start < 0:
        start = previous.find("\n## ", 1) + 1 if "\n## " in previous else len(previous)
        end = start
    else:
        following = previous.find("\n## ", start + 1)
        end = len(previous) if following < 0 else following + 1
    results_md.write_text(previous[:start] + text + "\n" + previous[end:], encoding="utf-8")


def run(args: object, sizes: Sequence[int], skip: dict[str, int]) -> None:
    """``bench.py --matrix``: measure, print, and with --write-results write."""
    env = bench.gapscan_env()
    if env is None:
        sys.exit("`python -m gapscan analyze` does not run")
    workdir: Path = args.workdir  # type: ignore[attr-defined]
    repeat: int = args.repeat  # type: ignore[attr-defined]
    loads = [f"start {dt.datetime.now():%H:%M} {uptime()}"]
    results = measure(sizes, repeat, workdir, skip, env, args.formats)  # type: ignore[attr-defined]
    loads.append(f"end {dt.datetime.now():%H:%M} {uptime()}")
    command = " ".join(["python", "benchmarks/bench.py", *sys.argv[1:]])
    text = section(results, command, repeat, loads)
    print(text)
    if args.write_results:  # type: ignore[attr-defined]
        write(text, bench.HERE / "RESULTS.md")
    subprocess.run(["uptime"], check=False)
