"""Streaming reads: gapscan's wall time, CPU time and peak memory on the benchmark
survey with a respondent id, as CSV and as Parquet, two source trees alternated.

    python benchmarks/streaming.py --rows 1000000 --workdir /tmp/gs-stream \\
        --tree before=/tmp/before/src --tree after=src

Data: bench.py's survey (40 five-point questions, ~3% blank, 5 regions) with a first
column ``rid`` (R_000000001, ...) named as the schema's ``respondent_id``; the Parquet
copy is written by pyarrow with its default row groups. Each run is a fresh process
(``python -m gapscan analyze SCHEMA --by region --format json``) timed by GNU time.

Alternated with the trees, unless ``--no-duckdb``: DuckDB's count query (one
``GROUP BY side, region`` with ``count_if(qNN = 'level')`` per question and level,
straight from ``read_csv``/``read_parquet``), also a fresh process; the table gives
each run's ratio to it (wall time over DuckDB's).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pv
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).parent))
import bench

TIME = Path("/usr/bin/time")


def generate(rows: int, workdir: Path) -> dict[str, Path]:
    """The id survey as CSV and Parquet (reused when present); schema per format."""
    schema, data = bench.generate(rows, 20260, workdir)
    csv_path, parquet_path = workdir / f"id-{rows}.csv", workdir / f"id-{rows}.parquet"
    if not (csv_path.exists() and parquet_path.exists()):
        convert = pv.ConvertOptions(auto_dict_encode=True, auto_dict_max_cardinality=100)
        table = pv.read_csv(data, convert_options=convert)
        table = table.add_column(0, "rid", pa.array([f"R_{i:09d}" for i in range(rows)]))
        partial = csv_path.with_suffix(".partial")
        pv.write_csv(table, partial, pv.WriteOptions(quoting_style="none"))
        partial.replace(csv_path)
        pq.write_table(table, parquet_path)
    text = schema.read_text(encoding="utf-8").replace("segments:", "respondent_id: rid\nsegments:")
    schemas = {}
    for fmt, path in (("csv", csv_path), ("parquet", parquet_path)):
        out = workdir / f"id-{rows}-{fmt}.yaml"
        out.write_text(text.replace(f"data: [{data.name}]", f"data: [{path.name}]"), "utf-8")
        schemas[fmt] = out
    return schemas


def run(tree: Path, schema: Path, out: Path) -> tuple[float, float, float]:
    """(wall s, user CPU s, peak RSS MB) of one analysis with ``tree`` on the path."""
    env = dict(os.environ, PYTHONPATH=str(tree.resolve()))
    stats = out.with_suffix(".time")
    cmd = [str(TIME), "-f", "%e %U %M", "-o", str(stats), sys.executable, "-m", "gapscan"]
    cmd += ["analyze", str(schema), "--by", "region", "--format", "json", "--out", str(out)]
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
    wall, user, rss = stats.read_text().split()
    return float(wall), float(user), int(rss) / 1024


def count_query(path: Path) -> str:
    """DuckDB's count of the survey: respondents per side x region x question x level."""
    reader = "read_parquet" if path.suffix == ".parquet" else "read_csv"
    counts = ", ".join(
        f"count_if({q} = '{level}') AS {q}_{i}"
        for q in bench.QUESTIONS
        for i, level in enumerate(bench.LEVELS)
    )
    source = f"{reader}('{path}')"
    return f"SELECT side, region, count(*) AS n, {counts} FROM {source} GROUP BY side, region"


DUCKDB = "import duckdb, sys; rows = duckdb.sql(sys.argv[1]).fetchall(); print(len(rows))"


def run_duckdb(data: Path, out: Path) -> tuple[float, float, float]:
    """(wall s, user CPU s, peak RSS MB) of DuckDB's count query in a fresh process."""
    stats = out.with_suffix(".time")
    cmd = [str(TIME), "-f", "%e %U %M", "-o", str(stats), sys.executable, "-c", DUCKDB]
    subprocess.run([*cmd, count_query(data)], check=True, stdout=subprocess.DEVNULL)
    wall, user, rss = stats.read_text().split()
    return float(wall), float(user), int(rss) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/gs-stream"))
    parser.add_argument("--tree", action="append", required=True, help="NAME=SRC_DIR")
    parser.add_argument("--no-duckdb", action="store_true", help="leave DuckDB's count out")
    parser.add_argument("--format", action="append", choices=["csv", "parquet"])
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    trees = dict(t.split("=", 1) for t in args.tree)
    schemas = generate(args.rows, args.workdir)
    schemas = {f: s for f, s in schemas.items() if not args.format or f in args.format}
    data = {"csv": f"id-{args.rows}.csv", "parquet": f"id-{args.rows}.parquet"}
    results: dict[tuple[str, str], list[tuple[float, float, float]]] = {}
    for _ in range(args.repeat):
        for fmt, schema in schemas.items():
            for name, tree in trees.items():
                out = args.workdir / f"out-{name}-{fmt}-{args.rows}.json"
                results.setdefault((fmt, name), []).append(run(Path(tree), schema, out))
            if not args.no_duckdb:
                out = args.workdir / f"out-duckdb-{fmt}-{args.rows}.txt"
                path = (args.workdir / data[fmt]).resolve()
                results.setdefault((fmt, "duckdb"), []).append(run_duckdb(path, out))
    print(table(args.rows, results))


def table(rows: int, results: dict[tuple[str, str], list[tuple[float, float, float]]]) -> str:
    """The medians (peak: the largest), each run's wall time over DuckDB's."""
    lines = [
        "| rows | format | run | median wall s | median user CPU s | peak RSS MB | x DuckDB |",
        "|---:|---|---|---:|---:|---:|---:|",
    ]
    for (fmt, name), runs in results.items():
        wall = statistics.median(r[0] for r in runs)
        user = statistics.median(r[1] for r in runs)
        rss = max(r[2] for r in runs)
        duckdb = results.get((fmt, "duckdb"))
        ratio = f"{wall / statistics.median(r[0] for r in duckdb):.2f}" if duckdb else "-"
        lines.append(
            f"| {rows:,} | {fmt} | {name} | {wall:.1f} | {user:.2f} | {rss:.0f} | {ratio} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
