"""The floor: read the survey with pyarrow and count answers, no statistics.

Counts answers per side (and region with ``--by region``) x question x level (blank
cells under the key ""). CSV or Parquet (by the file's suffix).

    python benchmarks/floor.py SURVEY.csv [--by region] --out COUNTS.json
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pyarrow.csv as pv
import pyarrow.parquet as pq


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("data", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--by", action="append", default=[], help="a breakdown column")
    args = parser.parse_args()

    parquet = args.data.suffix == ".parquet"
    table = pq.read_table(args.data) if parquet else pv.read_csv(args.data)
    questions = [c for c in table.column_names if c.startswith("q")]
    counts: dict[str, dict[str, dict[str, int]]] = {}
    keys = ["side", *args.by]
    for q in questions:
        grouped = table.group_by([*keys, q]).aggregate([([], "count_all")]).to_pylist()
        per_side: dict[str, dict[str, int]] = {}
        for row in grouped:
            key = "|".join(str(row[k]) for k in keys)
            per_side.setdefault(key, {})[row[q] or ""] = row["count_all"]
        counts[q] = {
            side: dict(sorted(levels.items())) for side, levels in sorted(per_side.items())
        }

    args.out.write_text(json.dumps(counts, indent=1) + "\n")


if __name__ == "__main__":
    main()
