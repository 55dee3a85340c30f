"""``gapscan sql`` end to end: one statement on stdout, in the dialect asked for, that an
engine runs; bad input exits 2 with ``error: ...`` and prints no query."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
import sqlglot
from sqlglot import exp
from typer.testing import CliRunner

from gapscan.cli import app
from gapscan.schema import load_schema
from gapscan.sql import DIALECTS
from gapscan.subsets import command_line_filters
from gapscan.survey import SurveyDesign
from tests.cli.test_startup import HEAVY, heavy_imports, modules_after
from tests.engines import ROOT, TABLE, as_cells, assert_same_cells, duckdb_table, expected_counts

runner = CliRunner()
SCHEMA = str(ROOT / "surveys" / "cmo-affinity.yaml")
WEIGHTED = str(ROOT / "surveys" / "weighted-pulse.yaml")


@pytest.mark.parametrize("dialect", DIALECTS)
def test_prints_one_statement_in_the_dialect(dialect: str) -> None:
    result = runner.invoke(app, ["sql", SCHEMA, "--table", "ds.responses", "--dialect", dialect])
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.endswith("\n") and not result.stdout.rstrip().endswith(";")
    statements = sqlglot.parse(result.stdout, read=dialect)
    assert len(statements) == 1 and isinstance(statements[0], exp.Select)
    assert statements[0].named_selects == ["question", "side", "region", "answer", "n"]


def test_duckdb_runs_what_it_prints_with_the_options_of_analyze() -> None:
    args = ["sql", WEIGHTED, "--table", TABLE, "--by", "role", "--by", "account"]
    refused = runner.invoke(app, args)
    assert refused.exit_code == 2
    assert "segment 'role' is the sides column" in refused.stderr
    args = ["sql", WEIGHTED, "--table", TABLE, "--by", "account", "--where-not", "region=EMEA"]
    result = runner.invoke(app, [*args, "--weight", "pw", "--cluster", "region"])
    assert result.exit_code == 0, result.stderr

    data = ROOT / "surveys" / "weighted-pulse.csv"
    con = duckdb_table(data)
    rows = con.execute(result.stdout)
    names = [d[0] for d in rows.description]
    assert names == ["question", "side", "account", "cluster", "answer", "n", "sum_w", "sum_w2"]
    survey = load_schema(WEIGHTED)
    survey = replace(
        survey,
        filters=command_line_filters(None, ["region=EMEA"]),
        design=SurveyDesign(weight="pw", cluster="region"),
    )
    got = as_cells(names, rows.fetchall(), weighted=True)
    assert_same_cells(got, expected_counts(survey, data, ["account"]))
    assert {key[3] for key in got} == {"North America", "APAC"}


def test_a_design_with_an_fpc_is_noted(tmp_path: Path) -> None:
    text = Path(WEIGHTED).read_text().replace("  cluster: account", "  cluster: account\n  fpc: pw")
    schema = tmp_path / "fpc.yaml"
    schema.write_text(text)
    result = runner.invoke(app, ["sql", str(schema), "--table", TABLE])
    assert result.exit_code == 0, result.stderr
    assert "note: the count table does not carry the design's fpc ('pw')" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.yaml", "--table", "t"], "error: missing.yaml"),
        ([SCHEMA, "--table", "t", "--by", "n"], "segment 'n' has the name of a column"),
        ([SCHEMA, "--table", "t", "--by", "Answer"], "segment 'Answer' has the name of a"),
        ([SCHEMA, "--table", "t", "--dialect", "mysql"], "Invalid value for '--dialect'"),
        ([SCHEMA, "--table", "  "], "error: --table is empty"),
        ([SCHEMA, "--table", "t", "--where", "region"], "error: --where 'region': expected"),
        ([SCHEMA], "Missing option '--table'"),
    ],
    ids=[
        "no-schema",
        "reserved-segment",
        "reserved-any-case",
        "dialect",
        "empty-table",
        "bad-where",
        "no-table",
    ],
)
def test_bad_input_exits_2_and_prints_no_query(args: list[str], message: str) -> None:
    result = runner.invoke(app, ["sql", *args])
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr


def test_help_and_the_query_import_no_numerical_stack() -> None:
    for args in (("sql", "--help"), ("sql", SCHEMA, "--table", "t", "--dialect", "spark")):
        code, modules, stdout = modules_after(*args)
        assert code in (0, None)
        assert stdout.strip()
        assert heavy_imports(modules, (*HEAVY, "pyarrow")) == []
    _, modules, _ = modules_after("--help")
    assert "sqlglot" not in modules


def test_the_console_script_pipes_into_duckdb(tmp_path: Path) -> None:
    """``gapscan sql ... | duckdb``-style: the printed text, read back by a fresh process."""
    query = subprocess.run(
        [sys.executable, "-m", "gapscan", "sql", SCHEMA, "--table", TABLE],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    con = duckdb_table(ROOT / "surveys" / "cmo-affinity.csv")
    result = con.execute(query)
    names = [d[0] for d in result.description]

    expected = expected_counts(load_schema(SCHEMA), ROOT / "surveys" / "cmo-affinity.csv")
    assert_same_cells(as_cells(names, result.fetchall(), weighted=False), expected)
