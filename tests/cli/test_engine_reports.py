"""The warehouse path end to end: the statement ``gapscan sql`` prints, run in DuckDB
(and, in tests/test_sql_spark.py, in Spark), gives a count table from which
``gapscan analyze --counts`` writes the report the respondent-level path writes: JSON
equal but for the inputs block and the identity note (weighted floats to 1e-12
relative: the engine adds the weights in another order), markdown equal but for the
input line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from gapscan.schema import load_schema
from tests.cli.test_counts import _compare, _example
from tests.engines import EXAMPLES, ROOT, TABLE, Example, duckdb_table, write_counts

duckdb = pytest.importorskip("duckdb")

# the examples counted over the schema's own segments (the overall-only one needs none)
CHOSEN = [e for e in EXAMPLES if e.segments is None]


def _printed_query(schema: Path) -> str:
    """The statement as the command prints it (not the library function)."""
    done = subprocess.run(
        [sys.executable, "-m", "gapscan", "sql", str(schema), "--table", TABLE],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


@pytest.mark.parametrize("example", CHOSEN, ids=[e.name for e in CHOSEN])
def test_duckdb_counts_give_the_direct_report(tmp_path: Path, example: Example) -> None:
    schema, _ = _example(tmp_path, Path(example.schema).stem)
    data = ROOT / example.data
    result = duckdb_table(data).execute(_printed_query(schema))
    names = [d[0] for d in result.description]
    table = write_counts(names, result.fetchall(), tmp_path / f"{example.name}-counts.csv")
    design = load_schema(schema).design
    _compare(schema, data, table, exact=design is None, by=[])
