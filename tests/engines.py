"""Run ``gapscan sql``'s count query in real engines, and count the same CSV without SQL.

The bundled examples' count tables, as DuckDB writes them, are kept in
``tests/data/counts/`` for the tests of ``analyze --counts``; after an intended change
to the query, regenerate them from the repository root and review the diff:

    python -m tests.engines
    git diff -- tests/data/counts

``expected_counts`` is the count table's definition (README, "The count table") written
over the CSV's rows with the csv module: it shares no code with ``gapscan.sql``.
"""

from __future__ import annotations

import csv
import math
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gapscan.schema import load_schema
from gapscan.sql import count_query
from gapscan.survey import CUSTOMER, VENDOR, Survey

ROOT = Path(__file__).resolve().parent.parent
COUNTS = ROOT / "tests" / "data" / "counts"
TABLE = "responses"
REGENERATE = "python -m tests.engines"

Key = tuple[str | None, ...]


@dataclass(frozen=True)
class Cell:
    n: int
    sum_w: float | None = None
    sum_w2: float | None = None


@dataclass(frozen=True)
class Example:
    """A bundled example: its schema, one of its data files, the breakdown counted."""

    name: str
    schema: str
    data: str
    segments: tuple[str, ...] | None = None


EXAMPLES = (
    Example("cmo-affinity", "surveys/cmo-affinity.yaml", "surveys/cmo-affinity.csv"),
    Example("cmo-affinity-overall", "surveys/cmo-affinity.yaml", "surveys/cmo-affinity.csv", ()),
    Example("account-pulse", "surveys/account-pulse.yaml", "surveys/account-pulse.csv"),
    Example("partner-nps", "surveys/partner-nps.yaml", "surveys/partner-nps.csv"),
    Example("weighted-pulse", "surveys/weighted-pulse.yaml", "surveys/weighted-pulse.csv"),
    *(
        Example(f"affinity-{w}", "surveys/cmo-affinity.yaml", f"surveys/waves/affinity-{w}.csv")
        for w in ("2026Q1", "2026Q2", "2026Q3")
    ),
)


def duckdb_table(data: Path, connection: Any = None, table: str = TABLE) -> Any:
    """A DuckDB connection holding ``data`` (a CSV) as ``table``, every column VARCHAR
    (a warehouse that loaded the export as text); empty cells are NULL."""
    import duckdb

    con = connection if connection is not None else duckdb.connect()
    con.execute(
        f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM read_csv(?, header = true, "
        "all_varchar = true, quote = '\"', escape = '\"')",
        [str(data)],
    )
    return con


def duckdb_rows(
    survey: Survey, data: Path, segments: Sequence[str] | None = None
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The count query's result in DuckDB over ``data``: column names and rows."""
    con = duckdb_table(data)
    result = con.execute(count_query(survey, TABLE, "duckdb", segments=segments))
    names = [d[0] for d in result.description]
    return names, result.fetchall()


def write_duckdb_counts(
    survey: Survey, data: Path, out: Path, segments: Sequence[str] | None = None
) -> Path:
    """Write the count table DuckDB computes over ``data`` to ``out`` (CSV, header)."""
    con = duckdb_table(data)
    query = count_query(survey, TABLE, "duckdb", segments=segments)
    con.execute(f"COPY ({query}) TO '{out.as_posix()}' (HEADER, DELIMITER ',')")
    return out


def spark_session() -> Any:
    """A local Spark session (one core, no UI): the engine a cluster would run."""
    from pyspark.sql import SparkSession

    return (
        SparkSession.builder.master("local[1]")
        .appName("gapscan-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )


def spark_rows(
    spark: Any, survey: Survey, data: Path, segments: Sequence[str] | None = None
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The count query's result in Spark over ``data`` read as text columns."""
    frame = spark.read.csv(
        str(data), header=True, inferSchema=False, multiLine=True, escape='"', encoding="UTF-8"
    )
    frame.createOrReplaceTempView(TABLE)
    result = spark.sql(count_query(survey, TABLE, "spark", segments=segments))
    return list(result.columns), [tuple(row) for row in result.collect()]


def write_counts(names: Sequence[str], rows: Sequence[Sequence[Any]], out: Path) -> Path:
    """Write a count table (from any engine) as CSV: NULL as an empty cell."""
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(names)
        writer.writerows(["" if v is None else v for v in row] for row in rows)
    return out


def as_cells(
    names: Sequence[str], rows: Sequence[Sequence[Any]], weighted: bool
) -> dict[Key, Cell]:
    """Rows of a count table as {key columns: Cell}; keys are every column before n."""
    at = list(names).index("n")
    cells: dict[Key, Cell] = {}
    for row in rows:
        key = tuple(row[:at])
        assert key not in cells, f"the count table repeats the row {key}"
        if weighted:
            cells[key] = Cell(int(row[at]), row[at + 1], row[at + 2])
        else:
            cells[key] = Cell(int(row[at]))
    return cells


def _fold(value: str | None) -> str | None:
    """TRIM (spaces, tabs, no-break spaces) then LOWER; blank -> None."""
    if value is None:
        return None
    text = value.strip(" \t\xa0").lower()
    return text or None


def _trim(value: str | None) -> str | None:
    """TRIM only (segment, cluster and stratum values keep their spelling); blank -> None."""
    if value is None:
        return None
    return value.strip(" \t\xa0") or None


def _is_in(value: str | None, values: Sequence[str]) -> bool:
    return (_fold(value) or "") in {v.strip().lower() for v in values}


def expected_counts(
    survey: Survey, data: Path, segments: Sequence[str] | None = None
) -> dict[Key, Cell]:
    """The count table of ``data`` by its definition, row by row with the csv module."""
    chosen = list(dict.fromkeys(survey.segments if segments is None else segments))
    design = survey.design
    cluster = design.cluster if design is not None else None
    strata = design.strata if design is not None else None
    weight = design.weight if design is not None else None
    side_column = survey.sides.column
    assert side_column is not None
    answer_columns = [q.column(s) for q in survey.questions for s in (VENDOR, CUSTOMER)]
    needed = [side_column, *([survey.respondent_id] if survey.respondent_id else [])]
    needed += [*chosen, *(f.column for f in survey.filters), *answer_columns]
    needed = [c for c in needed if design is None or c not in design.columns()]
    n: dict[Key, int] = defaultdict(int)
    sums: dict[Key, list[float | None]] = defaultdict(lambda: [0.0, 0.0])
    with data.open(newline="", encoding="utf-8-sig") as handle:
        for raw in csv.DictReader(handle):
            row = {k: (v if v != "" else None) for k, v in raw.items()}
            if any(_is_in(row[f.column], f.values) != f.keep for f in survey.filters):
                continue
            if survey.sides.ignore and _is_in(row[side_column], survey.sides.ignore):
                continue
            if all(_fold(row[c]) is None for c in needed):
                continue
            side = _fold(row[side_column])
            groups = [_trim(row[c]) for c in chosen]
            groups += [_trim(row[c]) for c in (cluster, strata) if c is not None]
            w = None
            if weight is not None:
                text = (row[weight] or "").strip()
                w = float(text) if text else None
            for q in survey.questions:
                if q.vendor_column == q.customer_column:
                    column: str | None = q.vendor_column
                elif _is_in(side, survey.sides.vendor) and side is not None:
                    column = q.vendor_column
                elif _is_in(side, survey.sides.customer) and side is not None:
                    column = q.customer_column
                else:
                    column = None
                answer = _fold(row[column]) if column is not None else None
                key = (q.id, side, *groups, answer)
                n[key] += 1
                total = sums[key]
                if w is None or total[0] is None or total[1] is None:
                    sums[key] = [None, None]
                else:
                    sums[key] = [total[0] + w, total[1] + w * w]
    if weight is None:
        return {key: Cell(count) for key, count in n.items()}
    return {key: Cell(count, *sums[key]) for key, count in n.items()}


def assert_same_cells(got: dict[Key, Cell], expected: dict[Key, Cell]) -> None:
    """Keys and counts exactly; weight sums to 1e-12 relative (added in another order)."""
    assert set(got) == set(expected), (
        f"only in the engine: {sorted(set(got) - set(expected), key=str)[:5]}; "
        f"only expected: {sorted(set(expected) - set(got), key=str)[:5]}"
    )
    for key, cell in expected.items():
        other = got[key]
        assert other.n == cell.n, (key, other, cell)
        for a, b in ((other.sum_w, cell.sum_w), (other.sum_w2, cell.sum_w2)):
            if b is None:
                assert a is None, (key, other, cell)
            else:
                assert a is not None and math.isclose(a, b, rel_tol=1e-12), (key, other, cell)


def committed_counts(example: Example) -> Path:
    return COUNTS / f"{example.name}.csv"


def main() -> None:
    """Rewrite tests/data/counts/ from DuckDB (run from the repository root)."""
    COUNTS.mkdir(parents=True, exist_ok=True)
    for example in EXAMPLES:
        survey = load_schema(ROOT / example.schema)
        out = committed_counts(example)
        write_duckdb_counts(survey, ROOT / example.data, out, example.segments)
        sys.stdout.write(f"wrote {out.relative_to(ROOT)}\n")


if __name__ == "__main__":
    main()
