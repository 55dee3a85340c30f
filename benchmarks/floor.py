"""The floor: read the survey with pyarrow and count answers, no statistics.

Counts answers per side x question x level (blank cells under the key "").

    python benchmarks/floor.py SURVEY.csv --out COUNTS.json
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pyarrow.csv as pv


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("data", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()

    table = pv.read_csv(args.data)
    questions = [c for c in table.column_names if c.startswith("q")]
    counts: dict[str, dict[str, dict[str, int]]] = {}
    for q in questions:
        grouped = table.group_by(["side", q]).aggregate([([], "count_all")]).to_pylist()
        per_side: dict[str, dict[str, int]] = {}
        for row in grouped:
            per_side.setdefault(row["side"], {})[row[q] or ""] = row["count_all"]
        counts[q] = {
            side: dict(sorted(levels.items())) for side, levels in sorted(per_side.items())
        }

    args.out.write_text(json.dumps(counts, indent=1) + "\n")


if __name__ == "__main__":
    main()
