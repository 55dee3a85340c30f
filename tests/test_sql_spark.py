"""The count query in Apache Spark (local mode): the Spark dialect's SQL gives the count
table as defined, over bundled examples and a messy export, weighted and unweighted."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gapscan.schema import load_schema
from gapscan.sql import count_table_columns
from tests.cli.test_counts import _compare, _example
from tests.engines import (
    EXAMPLES,
    ROOT,
    as_cells,
    assert_same_cells,
    expected_counts,
    spark_rows,
    spark_session,
    write_counts,
)
from tests.test_sql import _messy

pytest.importorskip("pyspark")
# pyspark checks the pandas it finds, though these tests do not use it
pytestmark = pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas")

CHOSEN = [e for e in EXAMPLES if e.name in ("cmo-affinity", "weighted-pulse")]


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    session = spark_session()
    yield session
    session.stop()


@pytest.mark.parametrize("example", CHOSEN, ids=[e.name for e in CHOSEN])
def test_spark_counts_each_example_as_the_count_table_is_defined(
    spark: Any, example: Any, tmp_path: Path
) -> None:
    survey = load_schema(ROOT / example.schema)
    names, rows = spark_rows(spark, survey, ROOT / example.data, example.segments)
    assert tuple(names) == count_table_columns(survey, example.segments).names
    cells = as_cells(names, rows, weighted="sum_w" in names)
    assert_same_cells(cells, expected_counts(survey, ROOT / example.data, example.segments))
    out = write_counts(names, rows, tmp_path / "counts.csv")
    assert out.read_text(encoding="utf-8").splitlines()[0] == ",".join(names)
    # and gapscan analyze --counts on Spark's table writes the direct path's report
    schema, _ = _example(tmp_path, Path(example.schema).stem)
    _compare(schema, ROOT / example.data, out, exact=survey.design is None, by=[])


def test_spark_counts_a_messy_export(spark: Any, tmp_path: Path) -> None:
    """Column names with quotes and spaces, a column per side, filters, an ignored side,
    values spelt with spaces, tabs and no-break spaces."""
    survey, data = _messy(tmp_path)
    names, rows = spark_rows(spark, survey, data)
    assert_same_cells(as_cells(names, rows, weighted=True), expected_counts(survey, data))


@pytest.mark.parametrize("example", ["account-pulse", "generated"])
def test_spark_per_account_table_gives_the_direct_paired_report(
    spark: Any, example: str, tmp_path: Path
) -> None:
    """``gapscan sql --paired --dialect spark`` run in Spark, read by ``analyze --counts
    --paired``: the direct path's paired report (the generated survey has a key column
    per side, the median of an account's contacts and scores that are not whole)."""
    from tests.engines import TABLE
    from tests.test_sql_paired import _schema, compare_paired, generate, printed_query

    if example == "account-pulse":
        schema, data = (
            ROOT / "surveys" / "account-pulse.yaml",
            ROOT / "surveys" / "account-pulse.csv",
        )
    else:
        schema = tmp_path / "survey.yaml"
        schema.write_text(_schema(True, "median", extra=True), encoding="utf-8")
        data = generate(tmp_path / "export.csv", 5, 60, True)
    frame = spark.read.csv(
        str(data), header=True, inferSchema=False, multiLine=True, escape='"', encoding="UTF-8"
    )
    frame.createOrReplaceTempView(TABLE)
    result = spark.sql(printed_query(schema, dialect="spark"))
    rows = [tuple(row) for row in result.collect()]
    table = write_counts(list(result.columns), rows, tmp_path / "accounts.csv")
    compare_paired(schema, data, table, "--show-accounts", "5")
