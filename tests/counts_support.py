"""An independent count table for the ``--counts`` tests: the respondent-level CSV
aggregated with the standard library, as a warehouse's GROUP BY would (sides and
answers trimmed and lower-cased as SQL's TRIM/LOWER do; segments and design columns
as they are)."""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from gapscan.schema import load_schema

Row = dict[str, Any]


def aggregate(
    schema: Path, data: Path, segments: Sequence[str] | None = None, *, fold_sides: bool = True
) -> list[Row]:
    """One row per question x side x segments (x stratum x cluster) x answer."""
    survey = load_schema(schema)
    chosen = list(survey.segments if segments is None else segments)
    sides = survey.sides
    design = survey.design
    design_cols = {"stratum": design.strata, "cluster": design.cluster} if design else {}
    design_cols = {k: v for k, v in design_cols.items() if v}
    weight = design.weight if design else None
    with data.open(newline="", encoding="utf-8-sig") as fh:
        records = list(csv.DictReader(fh))
    needed = [sides.column, survey.respondent_id, *chosen]
    needed += [q.column(s) for q in survey.questions for s in (0, 1)]
    groups: dict[tuple[Any, ...], list[float]] = defaultdict(lambda: [0, 0.0, 0.0])
    vendor = {v.strip().lower() for v in sides.vendor}
    for record in records:
        if all(not (record.get(c) or "").strip() for c in needed if c):
            continue  # a blank row, skipped as the direct path skips it
        raw_side = record[sides.column] if sides.column else ""
        side = raw_side.strip().lower() if fold_sides else raw_side
        column_side = 0 if raw_side.strip().lower() in vendor else 1
        w = float(record[weight]) if weight else 1.0
        for q in survey.questions:
            answer = record[q.column(column_side)].strip().lower() or None
            key = (
                q.id,
                side,
                *(record[c] or None for c in chosen),
                *(record[c] for c in design_cols.values()),
                answer,
            )
            cell = groups[key]
            cell[0] += 1
            cell[1] += w
            cell[2] += w * w
    names = ["question", "side", *chosen, *design_cols, "answer"]
    rows = []
    for key, (n, sw, sw2) in sorted(groups.items(), key=lambda kv: str(kv[0])):
        row: Row = dict(zip(names, key, strict=True)) | {"n": n}
        if weight:
            row |= {"sum_w": sw, "sum_w2": sw2}
        rows.append(row)
    return rows


def write_csv(rows: list[Row], path: Path, header: Sequence[str] = ()) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]) if rows else list(header))
        writer.writeheader()
        for row in rows:
            writer.writerow({k: ("" if v is None else v) for k, v in row.items()})
    return path


def write_parquet(rows: list[Row], path: Path) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = {name: [row[name] for row in rows] for name in rows[0]}
    types = {"n": pa.int64(), "sum_w": pa.float64(), "sum_w2": pa.float64()}
    table = pa.table(
        {
            name: pa.array(values, type=types.get(name, pa.string()))
            for name, values in columns.items()
        }
    )
    pq.write_table(table, path)
    return path
