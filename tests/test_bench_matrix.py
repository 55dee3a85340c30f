"""The benchmark matrix's pieces: the schemas of its cells, DuckDB's overall count,
the commands shared between cells, and the section of RESULTS.md it replaces."""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


@pytest.fixture(scope="module")
def matrix():  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import matrix

        yield matrix
    finally:
        sys.path.remove(str(BENCHMARKS))


def test_each_cell_has_its_schema_and_data(matrix, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    made = matrix.schemas(500, tmp_path)
    assert len(made) == 8
    texts = {key: path.read_text(encoding="utf-8") for key, path in made.items()}
    assert "respondent_id: rid" in texts["csv", "region", "id"]
    assert "respondent_id" not in texts["csv", "region", "no id"]
    assert "segments: [region]" in texts["parquet", "region", "no id"]
    assert "segments" not in texts["parquet", "overall", "id"]
    assert (tmp_path / "id-500.csv").exists() and (tmp_path / "id-500.parquet").exists()


def test_the_overall_count_groups_by_side_alone(matrix, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    matrix.schemas(300, tmp_path)
    data = tmp_path / "id-300.csv"
    overall = duckdb.sql(matrix.overall_query(data)).fetchall()
    by_region = duckdb.sql(matrix.streaming.count_query(data)).fetchall()
    assert len(overall) == 2  # vendors, customers
    assert len(by_region) == 10  # x 5 regions
    assert sum(row[1] for row in overall) == 300


def test_commands_the_cells_share_run_once(matrix, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cells = [matrix.Cell(10, "csv", view, ids) for view in matrix.VIEWS for ids in matrix.IDS]
    schema, data = tmp_path / "s.yaml", tmp_path / "d.csv"
    cmds = [matrix.commands(cell, schema, data, tmp_path) for cell in cells]
    for tool, distinct in (("gapscan", 4), ("duckdb", 2), ("floor", 2), ("handwritten", 2)):
        assert len({tuple(c[tool]) for c in cmds}) == distinct, tool


def test_the_matrix_section_is_replaced_and_the_rest_kept(matrix, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    results = tmp_path / "RESULTS.md"
    results.write_text("# top\n\nfirst\n\n## Other\n\nkept\n", encoding="utf-8")
    matrix.write(f"{matrix.HEADING}: one\n\nold figures\n", results)
    text = results.read_text(encoding="utf-8")
    assert text.index("first") < text.index("old figures") < text.index("## Other")
    matrix.write(f"{matrix.HEADING}: two\n\nnew figures\n", results)
    text = results.read_text(encoding="utf-8")
    assert "old figures" not in text and "new figures" in text
    assert text.count(matrix.HEADING) == 1 and text.endswith("## Other\n\nkept\n")
