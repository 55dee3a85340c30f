"""DuckDB as the counting engine, measured against gapscan's own streaming reader.

    python benchmarks/engine.py --rows 1000000 --repeat 3 --workdir /tmp/gs-engine

On the id survey of ``streaming.py`` (CSV and Parquet), each in a fresh process (GNU
time: wall, user + system CPU, peak RSS),
alternated: ``gapscan`` (the whole analysis, its count table read by pyarrow);
``duckdb-count`` (``gapscan sql``'s query run by DuckDB in-process over
``read_csv``/``read_parquet``, the count table written to Parquet: what DuckDB as the
engine would do in place of the reading); ``duckdb-ids`` (the duplicate-id check it
would need besides: distinct trimmed ids against rows); ``counts`` (``gapscan analyze
--counts`` on that table: the statistics and the report). DuckDB as the engine costs
``duckdb-count + duckdb-ids + counts`` minus the start-up counted twice.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import bench
import matrix
import streaming

COUNT = """
import sys, duckdb
from pathlib import Path
from gapscan.schema import load_schema
from gapscan.sql import count_query
schema, data, out = sys.argv[1:4]
reader = "read_parquet" if data.endswith(".parquet") else "read_csv"
con = duckdb.connect()
con.execute(f"CREATE VIEW responses AS SELECT * FROM {reader}('{data}'"
            + (", all_varchar = true)" if reader == "read_csv" else ")"))
query = count_query(load_schema(Path(schema)), "responses", "duckdb", segments=["region"])
con.execute(f"COPY ({query}) TO '{out}' (FORMAT parquet)")
"""
IDS = """
import sys, duckdb
reader = "read_parquet" if sys.argv[1].endswith(".parquet") else "read_csv"
row = duckdb.sql(f"SELECT count(*), count(DISTINCT trim(CAST(rid AS TEXT))) "
                 f"FROM {reader}('{sys.argv[1]}')").fetchall()[0]
sys.exit(0 if row[0] == row[1] else 3)
"""


def commands(rows: int, fmt: str, schema: Path, data: Path, work: Path) -> dict[str, list[str]]:
    py = sys.executable
    counts = work / f"counts-{fmt}-{rows}.parquet"
    report = ["--by", "region", "--format", "json"]
    return {
        "gapscan": [py, "-m", "gapscan", "analyze", str(schema), *report, "--out", "/dev/null"],
        "duckdb-count": [py, "-c", COUNT, str(schema), str(data), str(counts)],
        "duckdb-ids": [py, "-c", IDS, str(data)],
        "counts": [
            *(py, "-m", "gapscan", "analyze", str(schema), "--counts", str(counts)),
            *(*report, "--out", "/dev/null"),
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/gs-engine"))
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    env = bench.gapscan_env()
    schemas = streaming.generate(args.rows, args.workdir)
    data = {f: args.workdir / f"id-{args.rows}.{f}" for f in ("csv", "parquet")}
    runs: dict[tuple[str, str], list[tuple[float, float, float]]] = {}
    for rep in range(args.repeat):
        for fmt, schema in schemas.items():
            cmds = commands(args.rows, fmt, schema, data[fmt].resolve(), args.workdir)
            for name, cmd in cmds.items():
                stats = args.workdir / "engine-time.txt"
                runs.setdefault((fmt, name), []).append(matrix.timed(cmd, env, stats))
                wall, cpu, rss = runs[fmt, name][-1]
                print(f"  {rep + 1} {fmt} {name}: {wall:.2f} s, {cpu:.2f} s CPU, {rss:.0f} MB")
    print("| rows | format | run | median wall s | median CPU s | peak RSS MB |")
    print("|---:|---|---|---:|---:|---:|")
    for (fmt, name), measured in runs.items():
        wall = statistics.median(m[0] for m in measured)
        cpu = statistics.median(m[1] for m in measured)
        rss = max(m[2] for m in measured)
        print(f"| {args.rows:,} | {fmt} | {name} | {wall:.2f} | {cpu:.2f} | {rss:.0f} |")


if __name__ == "__main__":
    main()
