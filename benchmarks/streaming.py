"""Streaming reads: gapscan's wall time, CPU time and peak memory on the benchmark
survey with a respondent id, as CSV and as Parquet, two source trees alternated.

    python benchmarks/streaming.py --rows 1000000 --workdir /tmp/gs-stream \\
        --tree before=/tmp/before/src --tree after=src

Data: bench.py's survey (40 five-point questions, ~3% blank, 5 regions) with a first
column ``rid`` (R_000000001, ...) named as the schema's ``respondent_id``; the Parquet
copy is written by pyarrow with its default row groups. Each run is a fresh process
(``python -m gapscan analyze SCHEMA --by region --format json``) timed by GNU time.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/gs-stream"))
    parser.add_argument("--tree", action="append", required=True, help="NAME=SRC_DIR")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    trees = dict(t.split("=", 1) for t in args.tree)
    schemas = generate(args.rows, args.workdir)
    results: dict[tuple[str, str], list[tuple[float, float, float]]] = {}
    for _ in range(args.repeat):
        for fmt, schema in schemas.items():
            for name, tree in trees.items():
                out = args.workdir / f"out-{name}-{fmt}-{args.rows}.json"
                results.setdefault((fmt, name), []).append(run(Path(tree), schema, out))
    print("| rows | format | tree | median wall s | median user CPU s | peak RSS MB |")
    print("|---:|---|---|---:|---:|---:|")
    for (fmt, name), runs in results.items():
        wall = statistics.median(r[0] for r in runs)
        user = statistics.median(r[1] for r in runs)
        rss = max(r[2] for r in runs)
        print(f"| {args.rows:,} | {fmt} | {name} | {wall:.1f} | {user:.2f} | {rss:.0f} |")


if __name__ == "__main__":
    main()
