"""Time gapscan against a hand-written pandas/scipy analysis and a pyarrow counting floor.

    python benchmarks/bench.py [--rows N] [--repeat 3] [--workdir DIR] [--write-results]
    python benchmarks/bench.py --paired-accounts N [--contacts C] [--repeat 3]
    python benchmarks/bench.py --matrix [--sizes 10000,100000,1000000,5000000]
        [--skip handwritten:5000000] [--repeat 3] [--write-results]

Data (N respondents x 40 five-point questions, text labels, ~3% blank) are
generated once per size and seed into the work directory (default: a folder in
the system temp directory) and reused. The three commands run alternately
(A B C A B C ...), each in its own process, so interpreter start-up and imports
count. Wall time is measured here; peak RSS by /usr/bin/time (or a small wrapper).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from importlib import metadata
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pv

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
LEVELS = ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"]
REGIONS = ["North America", "Europe", "Asia Pacific", "Latin America", "Middle East"]
QUESTIONS = [f"q{i:02d}" for i in range(1, 41)]
VENDOR_SHARE, BLANK_SHARE, SEED = 0.2, 0.03, 20260
ACCOUNTS = 20_000  # the weighted data's cluster column: respondents spread over accounts
SITES = 400  # and a cluster of fewer, larger units: each account's site (account % SITES)
# RESULTS.md from this heading on is measured by hand (see there) and kept by --write-results.
KEPT = "## Weights and clusters"
TIME = Path("/usr/bin/time")  # GNU time: %M is the peak RSS in KB
LIBS = ["numpy", "pandas", "pyarrow", "scipy", "statsmodels", "gapscan"]
# Fallback when /usr/bin/time is missing: one child per wrapper, so RUSAGE_CHILDREN is exact.
WRAPPER = (
    "import resource, subprocess, sys, time; t = time.perf_counter(); "
    "rc = subprocess.run(sys.argv[2:]).returncode; wall = time.perf_counter() - t; "
    "rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss; "
    "open(sys.argv[1], 'w').write(f'{wall} {rss}'); sys.exit(rc)"
)

Timings = dict[str, list[tuple[float, float]]]  # command -> [(wall seconds, peak RSS MB)]


def schema_yaml(data_name: str) -> str:
    questions = "".join(
        f"  - id: {q}\n    text: Statement {q[1:]}\n    scale: agree5\n    column: {q}\n"
        for q in QUESTIONS
    )
    return (
        f"survey: Benchmark survey\ndata: [{data_name}]\n"
        "sides:\n  column: side\n  vendor: [Vendor]\n  customer: [Customer]\n"
        f"segments: [region]\nscales:\n  agree5:\n    levels: [{', '.join(LEVELS)}]\n"
        "    top_box: 2\n"
        f"questions:\n{questions}analysis:\n  correction: holm\n  min_n: 10\n"
    )


def design_columns(rows: int, seed: int) -> dict[str, pa.Array]:
    """A positive weight, an account and its site (two clusters, one of ACCOUNTS units
    and one of SITES) per respondent, from their own stream."""
    rng = np.random.default_rng([seed, 1])
    account = rng.integers(0, ACCOUNTS, rows).astype(np.int32)
    names = [f"acct-{i:05d}" for i in range(ACCOUNTS)]
    weight = np.round(rng.lognormal(0.0, 0.5, rows), 4)
    sites = [f"site-{i:03d}" for i in range(SITES)]
    return {
        "account": pa.DictionaryArray.from_arrays(account, names),
        "weight": pa.array(weight),
        "site": pa.DictionaryArray.from_arrays(account % SITES, sites),
    }


def generate(rows: int, seed: int, workdir: Path, weighted: bool = False) -> tuple[Path, Path]:
    """Write (or reuse) the survey CSV and its schema; return their paths.

    weighted adds the columns `account` (ACCOUNTS clusters), `weight` and `site` (SITES
    clusters) after the others; every other column is the same as without.
    """
    tag = "-weighted" if weighted else ""
    data = workdir / f"survey-{rows}-seed{seed}{tag}.csv"
    schema = data.with_suffix(".yaml")
    schema.write_text(schema_yaml(data.name))
    if data.exists():
        return schema, data
    rng = np.random.default_rng(seed)
    vendor = rng.random(rows) < VENDOR_SHARE
    region = rng.integers(0, len(REGIONS), rows).astype(np.int8)
    columns: dict[str, pa.Array] = {
        "side": pa.DictionaryArray.from_arrays(vendor.astype(np.int8), ["Customer", "Vendor"]),
        "region": pa.DictionaryArray.from_arrays(region, REGIONS),
    }
    for q in QUESTIONS:
        cum_c = np.cumsum(rng.dirichlet([2.0, 3.0, 3.0, 3.0, 1.5]))
        cum_v = np.cumsum(rng.dirichlet([1.0, 1.5, 2.0, 4.0, 3.0]))
        if q >= "q36":  # the last five questions show no gap
            cum_v = cum_c
        u = rng.random(rows)
        codes = np.where(vendor, np.searchsorted(cum_v, u), np.searchsorted(cum_c, u))
        codes = np.minimum(codes, len(LEVELS) - 1).astype(np.int8)
        blank = rng.random(rows) < BLANK_SHARE
        columns[q] = pa.DictionaryArray.from_arrays(pa.array(codes, mask=blank), LEVELS)
    if weighted:
        columns |= design_columns(rows, seed)
    partial = data.with_suffix(".partial")
    pv.write_csv(pa.table(columns), partial, pv.WriteOptions(quoting_style="none"))
    partial.replace(data)
    return schema, data


def generate_paired(accounts: int, contacts: int, workdir: Path) -> tuple[Path, Path]:
    """Write (or reuse) a survey of `accounts` accounts, each with one vendor respondent
    and 1..`contacts` customer contacts (uniformly), keyed by an `account` column; the
    schema has `pair_by: account`, so `--paired` pairs it and without it the same file is
    analysed as two independent samples. A vendor answer is its account's customer
    answer moved by -1, 0, +1 or +2 levels (clipped), so the sides differ as pairs."""
    data = workdir / f"paired-{accounts}x{contacts}-seed{SEED}.csv"
    schema = data.with_suffix(".yaml")
    schema.write_text(schema_yaml(data.name).replace("segments:", "pair_by: account\nsegments:"))
    if data.exists():
        return schema, data
    rng = np.random.default_rng([SEED, 2])
    customers = rng.integers(1, contacts + 1, accounts)
    account = np.concatenate([np.arange(accounts), np.repeat(np.arange(accounts), customers)])
    vendor = np.arange(account.size) < accounts
    region = rng.integers(0, len(REGIONS), accounts).astype(np.int8)[account]
    columns: dict[str, pa.Array] = {
        "side": pa.DictionaryArray.from_arrays(vendor.astype(np.int8), ["Customer", "Vendor"]),
        "account": pa.array([f"acct-{i:06d}" for i in account.tolist()]),
        "region": pa.DictionaryArray.from_arrays(region, REGIONS),
    }
    for q in QUESTIONS:
        cum = np.cumsum(rng.dirichlet([2.0, 3.0, 3.0, 3.0, 1.5]))
        codes = np.minimum(np.searchsorted(cum, rng.random(account.size)), len(LEVELS) - 1)
        shift = rng.choice([-1, 0, 0, 1, 1, 2], accounts)[account]
        codes = np.where(vendor, np.clip(codes + shift, 0, len(LEVELS) - 1), codes)
        blank = rng.random(account.size) < BLANK_SHARE
        columns[q] = pa.DictionaryArray.from_arrays(
            pa.array(codes.astype(np.int8), mask=blank), LEVELS
        )
    partial = data.with_suffix(".partial")
    pv.write_csv(pa.table(columns), partial, pv.WriteOptions(quoting_style="none"))
    partial.replace(data)
    return schema, data


def run_counted(cmd: list[str], env: dict[str, str] | None) -> tuple[float, float, float]:
    """(wall s, CPU s, peak RSS MB) of one process, from the kernel's accounting of it."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise RuntimeError(f"{' '.join(cmd)} failed: {proc.stderr.read().decode()[-500:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def bench_paired(
    accounts: int, contacts: int, repeat: int, workdir: Path, env: dict[str, str] | None
) -> list[str]:
    """Paired against independent analysis of the same file, alternated; a report.
    CPU time is reported beside wall time: on a shared machine it varies far less."""
    schema, data = generate_paired(accounts, contacts, workdir)
    print(f"{accounts:,} accounts: {data} ({data.stat().st_size / 1e6:.0f} MB)", flush=True)
    out = workdir / f"out-paired-{accounts}x{contacts}"
    out.mkdir(exist_ok=True)
    base = [sys.executable, "-m", "gapscan", "analyze", str(schema), str(data)]
    base += ["--by", "region", "--format", "json"]
    cmds = {
        "independent": [*base, "--out", str(out / "independent.json")],
        "paired": [*base, "--paired", "--show-accounts", "10", "--out", str(out / "paired.json")],
    }
    runs: dict[str, list[tuple[float, float, float]]] = {name: [] for name in cmds}
    for rep in range(repeat):
        for name, cmd in cmds.items():
            runs[name].append(run_counted(cmd, env))
            wall, cpu, _ = runs[name][-1]
            print(
                f"  run {rep + 1}/{repeat} {name}: {wall:.2f} s wall, {cpu:.2f} s CPU", flush=True
            )
    lines = [
        "| command | median wall s | median CPU s | min CPU s | peak RSS MB |",
        "|---|---:|---:|---:|---:|",
    ]
    med: dict[str, tuple[float, float]] = {}
    for name, measured in runs.items():
        walls, cpus = [m[0] for m in measured], [m[1] for m in measured]
        med[name] = statistics.median(walls), statistics.median(cpus)
        rss = max(m[2] for m in measured)
        lines.append(
            f"| {name} | {med[name][0]:.2f} | {med[name][1]:.2f} | {min(cpus):.2f} | {rss:.0f} |"
        )
    wall_ratio = med["paired"][0] / med["independent"][0]
    cpu_ratio = med["paired"][1] / med["independent"][1]
    lines += ["", f"paired / independent: wall {wall_ratio:.2f}x, CPU {cpu_ratio:.2f}x."]
    return lines


def gapscan_env() -> dict[str, str] | None:
    """An environment in which `python -m gapscan` runs, or None if it does not yet.
    The gapscan it imports is compiled to bytecode first, as ``pip install`` leaves it:
    where PYTHONDONTWRITEBYTECODE is set (or the tree is read-only), each run would
    otherwise compile its modules again (about 0.1 s a run on the benchmark machine)."""
    src = str(REPO / "src")
    path = os.pathsep.join(p for p in (src, os.environ.get("PYTHONPATH")) if p)
    for env in (dict(os.environ), {**os.environ, "PYTHONPATH": path}):
        probe = [sys.executable, "-c", "import gapscan.cli._app, gapscan; print(gapscan.__file__)"]
        found = subprocess.run(probe, env=env, capture_output=True, text=True)
        if found.returncode == 0:
            package = str(Path(found.stdout.strip()).parent)
            subprocess.run([sys.executable, "-m", "compileall", "-q", package], check=True)
            return env
    return None


def run_once(cmd: list[str], env: dict[str, str] | None, rss_file: Path) -> tuple[float, float]:
    timer = [str(TIME), "-f", "%M", "-o"] if TIME.exists() else [sys.executable, "-c", WRAPPER]
    start = time.perf_counter()
    proc = subprocess.run([*timer, str(rss_file), *cmd], env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if proc.returncode not in (0, 1):  # 1: gapscan ran and a rule was breached
        tail = "\n".join(proc.stderr.strip().splitlines()[-5:])
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}:\n{tail}")
    measured = rss_file.read_text().split()  # GNU time: [...] RSS; wrapper: wall RSS
    if not TIME.exists():
        wall = float(measured[0])  # the wrapper's own start-up excluded
    return wall, float(measured[-1]) / 1024


def time_commands(
    cmds: dict[str, list[str]], envs: dict[str, dict[str, str] | None], repeat: int, out: Path
) -> Timings:
    timings: Timings = {name: [] for name in cmds}
    for rep in range(repeat):
        for name, cmd in cmds.items():
            if name not in timings:
                continue
            try:
                timings[name].append(run_once(cmd, envs.get(name), out / f"{name}.rss"))
            except RuntimeError as err:
                print(f"  {name} failed, dropped: {err}", file=sys.stderr)
                del timings[name]
                continue
            print(f"  run {rep + 1}/{repeat} {name}: {timings[name][-1][0]:.2f} s", flush=True)
    return timings


def table(timings: Timings) -> list[str]:
    lines = ["| command | median s | min s | max s | peak RSS MB |", "|---|---:|---:|---:|---:|"]
    for name, runs in timings.items():
        walls = [w for w, _ in runs]
        rss = max(r for _, r in runs)
        lines.append(
            f"| {name} | {statistics.median(walls):.2f} | {min(walls):.2f} "
            f"| {max(walls):.2f} | {rss:.0f} |"
        )
    med = {name: statistics.median(w for w, _ in runs) for name, runs in timings.items()}
    ratios = [
        f"{a} / {b}: {med[a] / med[b]:.2f}x"
        for a, b in (("gapscan", "floor"), ("handwritten", "gapscan"))
        if a in med and b in med
    ]
    if ratios:
        lines += ["", "Median wall time ratios: " + "; ".join(ratios) + "."]
    return lines


def consistency(out: Path) -> list[str]:
    """Check the three outputs agree on the overall counts (and gapscan on p-values)."""
    floor = json.loads((out / "floor.json").read_text())
    hand = {
        r["question"]: r
        for r in json.loads((out / "handwritten.json").read_text())
        if r["region"] == ""
    }
    bad = []
    for q, sides in floor.items():
        for side, key in (("Vendor", "vendor"), ("Customer", "customer")):
            n = sum(c for level, c in sides[side].items() if level)
            top = sides[side].get("Agree", 0) + sides[side].get("Strongly agree", 0)
            if (n, top) != (hand[q][f"n_{key}"], hand[q][f"top_{key}"]):
                bad.append(f"{q} {side}")
    notes = [f"floor vs handwritten counts: {'OK' if not bad else 'MISMATCH ' + ', '.join(bad)}"]
    gap_file = out / "gapscan.json"
    if gap_file.exists():
        try:
            results = json.loads(gap_file.read_text())["results"]
            diffs, wrong = [], []
            for r in (r for r in results if not r["segment"] and r["mode"] == "independent"):
                h = hand[r["question"]]
                for key in ("vendor", "customer"):
                    if round(r[key]["top_box"] * r[key]["n"]) != h[f"top_{key}"]:
                        wrong.append(f"{r['question']} {key}")
                diffs += [abs(r["p_value"] - h["p_value"]), abs(r["gap"] - h["gap"])]
            counts = "OK" if not wrong else "MISMATCH " + ", ".join(wrong)
            notes.append(
                f"gapscan vs handwritten: counts {counts}, "
                f"max |diff| of p-value and gap {max(diffs, default=0):.1e}"
            )
        except (KeyError, TypeError, ValueError) as err:
            notes.append(f"gapscan JSON not comparable yet ({type(err).__name__}: {err})")
    return notes


def machine() -> list[str]:
    cpu = next(
        (
            ln.split(":", 1)[1].strip()
            for ln in Path("/proc/cpuinfo").read_text().splitlines()
            if ln.startswith("model name")
        ),
        platform.processor(),
    )
    versions = []
    for lib in LIBS:
        try:
            versions.append(f"{lib} {metadata.version(lib)}")
        except metadata.PackageNotFoundError:
            if lib != "gapscan":
                versions.append(f"{lib} (not installed)")
                continue
            project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
            versions.append(f"gapscan {project['version']} (source tree)")
    return [
        f"- nproc: {os.cpu_count()} ({cpu}), {platform.system()} {platform.release()}",
        f"- Python {platform.python_version()}; {', '.join(versions)}",
        f"- date: {dt.date.today().isoformat()}",
    ]


def bench(
    rows: int, repeat: int, workdir: Path, env: dict[str, str] | None
) -> tuple[Timings, list[str]]:
    schema, data = generate(rows, SEED, workdir)
    print(f"{rows:,} respondents: {data} ({data.stat().st_size / 1e6:.0f} MB)", flush=True)
    out = workdir / f"out-{rows}"
    out.mkdir(exist_ok=True)
    py, by_region = sys.executable, ["--by", "region", "--format", "json"]
    cmds = {
        "gapscan": [py, "-m", "gapscan", "analyze", str(schema), str(data), *by_region],
        "handwritten": [py, str(HERE / "handwritten.py"), str(data)],
        "floor": [py, str(HERE / "floor.py"), str(data)],
    }
    for name, cmd in cmds.items():
        cmd += ["--out", str(out / f"{name}.json")]
    (out / "gapscan.json").unlink(missing_ok=True)
    if env is None:
        del cmds["gapscan"]
    timings = time_commands(cmds, {"gapscan": env}, repeat, out)
    notes = consistency(out) if {"floor", "handwritten"} <= timings.keys() else []
    return timings, notes


def results_text(report: str, previous: str) -> str:
    """The new RESULTS.md: the report, then the previous file's KEPT section, if any."""
    kept = previous[previous.find(KEPT) :] if KEPT in previous else ""
    return report.rstrip() + "\n" + (f"\n{kept}" if kept else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--workdir", type=Path, default=Path(tempfile.gettempdir()) / "gapscan-bench"
    )
    parser.add_argument("--write-results", action="store_true", help="update benchmarks/RESULTS.md")
    parser.add_argument(
        "--generate-weighted",
        action="store_true",
        help="only write the survey with `weight`, `account` and `site` columns; print its paths",
    )
    parser.add_argument(
        "--paired-accounts",
        type=int,
        metavar="N",
        help="only time paired against independent analysis of N generated accounts",
    )
    parser.add_argument(
        "--contacts", type=int, default=1, help="with --paired-accounts: 1..C customers each"
    )
    parser.add_argument(
        "--matrix",
        action="store_true",
        help="gapscan, DuckDB, the floor and the hand-written analysis at each size x "
        "format x view x id (see matrix.py)",
    )
    parser.add_argument(
        "--sizes",
        default="10000,100000,1000000,5000000",
        help="with --matrix: respondents, comma-separated",
    )
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        metavar="TOOL[:ROWS]",
        help="with --matrix: leave TOOL out (from ROWS respondents on), e.g. handwritten:5000000",
    )
    parser.add_argument(
        "--formats", default="csv,parquet", help="with --matrix: csv, parquet or both"
    )
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    if args.matrix:
        import matrix

        args.formats = [f for f in args.formats.split(",") if f]
        skip = {t.split(":")[0]: int(t.split(":")[1]) if ":" in t else 0 for t in args.skip}
        matrix.run(args, [int(s) for s in args.sizes.split(",")], skip)
        return
    if args.paired_accounts:
        env = gapscan_env()
        if env is None:
            sys.exit("`python -m gapscan analyze` does not run")
        print(
            "\n".join(
                bench_paired(args.paired_accounts, args.contacts, args.repeat, args.workdir, env)
            )
        )
        return
    if args.generate_weighted:
        schema, data = generate(args.rows, SEED, args.workdir, weighted=True)
        print(f"{schema}\n{data}")
        return

    env = gapscan_env()
    if env is None:
        print("NOTE: `python -m gapscan analyze` does not run yet; timing only the other two.")
    big, notes = bench(args.rows, args.repeat, args.workdir, env)
    small, _ = bench(10_000, 5, args.workdir, env)

    command = " ".join(["python", "benchmarks/bench.py", *sys.argv[1:]])
    report = ["# gapscan benchmark", "", f"Command: `{command}`", ""]
    if env is None:
        report += ["**gapscan was not runnable when this was measured.**", ""]
    report += [
        "Commands, run alternately, each in a fresh process: gapscan = `python -m gapscan",
        "analyze SCHEMA DATA --by region --format json --out FILE`; handwritten =",
        "`benchmarks/handwritten.py` (pandas + scipy + statsmodels); floor =",
        "`benchmarks/floor.py` (pyarrow read + counts, no statistics). Data: 40 five-point",
        "questions as text labels, ~3% blank, 20% vendors, 5 regions.",
        "",
        "Machine:",
        "",
        *machine(),
        "",
        f"## {args.rows:,} respondents, by region (median of {args.repeat})",
        "",
        *table(big),
        "",
        *(f"- {n}" for n in notes),
        *([""] if notes else []),
        "## 10,000 respondents, end to end (median of 5)",
        "",
        *table(small),
    ]
    text = "\n".join(report)
    print("\n" + text)
    if args.write_results:
        results = HERE / "RESULTS.md"
        previous = results.read_text() if results.exists() else ""
        results.write_text(results_text(text, previous))
        print(f"wrote {HERE / 'RESULTS.md'}")


if __name__ == "__main__":
    main()
