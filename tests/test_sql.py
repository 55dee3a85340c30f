"""``gapscan.sql``: the count query parses in every dialect, and DuckDB running it over
the bundled examples, a messy export and a 100k-respondent survey gives the count table
as defined (``tests.engines.expected_counts``) and the direct path's counts."""

from __future__ import annotations

import csv
import math
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
import sqlglot
from sqlglot import exp

from gapscan.counts import count_answers
from gapscan.errors import GapscanError
from gapscan.labels import BLANK_SEGMENT
from gapscan.responses import load_responses
from gapscan.schema import load_schema
from gapscan.sql import DIALECTS, count_query, count_table_columns
from gapscan.survey import CUSTOMER, VENDOR, Survey, fold
from tests.engines import (
    EXAMPLES,
    ROOT,
    TABLE,
    Cell,
    Example,
    as_cells,
    assert_same_cells,
    committed_counts,
    duckdb_rows,
    duckdb_table,
    expected_counts,
    write_duckdb_counts,
)

duckdb = pytest.importorskip("duckdb")

IDS = [e.name for e in EXAMPLES]


def _survey(example: Example) -> Survey:
    return load_schema(ROOT / example.schema)


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("example", EXAMPLES[:5], ids=IDS[:5])
def test_the_query_is_one_statement_in_every_dialect(example: Example, dialect: str) -> None:
    survey = _survey(example)
    sql = count_query(survey, "proj.dataset.responses", dialect, segments=example.segments)
    statements = sqlglot.parse(sql, read=dialect)
    assert len(statements) == 1
    tree = sqlglot.parse_one(sql, read=dialect)
    assert isinstance(tree, exp.Select)
    assert tuple(tree.named_selects) == count_table_columns(survey, example.segments).names
    read = {t.sql(dialect=dialect) for t in tree.find_all(exp.Table) if t.db}
    assert read == {"proj.dataset.responses"}
    # every column the schema names is read from the table, by its exact name
    referenced = {c.name for c in tree.find_all(exp.Column) if not c.name.startswith("gapscan_")}
    named = {survey.sides.column, *(q.column(s) for q in survey.questions for s in (0, 1))}
    assert named <= referenced


@pytest.mark.parametrize("example", EXAMPLES, ids=IDS)
def test_duckdb_counts_each_example_as_the_count_table_is_defined(example: Example) -> None:
    survey = _survey(example)
    names, rows = duckdb_rows(survey, ROOT / example.data, example.segments)
    assert tuple(names) == count_table_columns(survey, example.segments).names
    got = as_cells(names, rows, weighted="sum_w" in names)
    assert_same_cells(got, expected_counts(survey, ROOT / example.data, example.segments))
    # the NULL-answer rows are there: every question counts every respondent kept
    per_question: dict[str, int] = defaultdict(int)
    for key, cell in got.items():
        per_question[str(key[0])] += cell.n
    assert len(set(per_question.values())) == 1


def _direct(survey: Survey, data: Path, segments: Sequence[str] | None) -> dict[tuple, int]:
    """The direct path's counts: (question, segment column, folded value, side, level) -> n."""
    responses = load_responses(survey, [data], segments=segments)
    counts = count_answers(survey, responses)
    out: dict[tuple, int] = {}
    for q in survey.questions:
        if q.scale.numeric is not None:
            continue
        tables = {"": ([BLANK_SEGMENT], counts[q.id].overall[None])}
        for s in responses.segments:
            tables[s.column] = (list(s.labels), counts[q.id].by_segment[s.column])
        for column, (labels, table) in tables.items():
            for (value, side, level), n in _nonzero(table):
                out[(q.id, column, fold(labels[value]), side, level)] = n
    return out


def _nonzero(table: Any) -> list[tuple[tuple[int, int, int], int]]:
    return [
        (tuple(int(i) for i in index), int(table[index]))
        for index in zip(*table.nonzero(), strict=True)
    ]


def _from_sql(
    survey: Survey, cells: dict[tuple, Cell], segments: Sequence[str]
) -> dict[tuple, int]:
    """The SQL's count table folded to levels as the direct path codes answers."""
    out: dict[tuple, int] = defaultdict(int)
    sides = {fold(v): VENDOR for v in survey.sides.vendor}
    sides |= {fold(v): CUSTOMER for v in survey.sides.customer}
    for key, cell in cells.items():
        q = survey.question(str(key[0]))
        if q.scale.numeric is not None:
            continue
        answer = fold(key[-1] or "")
        if answer in {fold(m) for m in q.scale.missing} | {""}:
            continue
        level = [fold(v) for v in q.scale.levels].index(answer)
        side = sides[fold(str(key[1]))]
        out[(q.id, "", "", side, level)] += cell.n
        for i, column in enumerate(segments):
            out[(q.id, column, fold(key[2 + i] or ""), side, level)] += cell.n
    return dict(out)


@pytest.mark.parametrize("example", EXAMPLES, ids=IDS)
def test_duckdb_counts_agree_with_the_direct_path(example: Example) -> None:
    survey = _survey(example)
    data = ROOT / example.data
    names, rows = duckdb_rows(survey, data, example.segments)
    cells = as_cells(names, rows, weighted="sum_w" in names)
    segments = count_table_columns(survey, example.segments).segments
    assert _from_sql(survey, cells, segments) == _direct(survey, data, example.segments)


def test_weight_sums_agree_with_the_direct_path() -> None:
    example = next(e for e in EXAMPLES if e.name == "weighted-pulse")
    survey = _survey(example)
    data = ROOT / example.data
    names, rows = duckdb_rows(survey, data)
    assert names[-3:] == ["n", "sum_w", "sum_w2"]
    responses = load_responses(survey, [data])
    counts = count_answers(survey, responses, design=True)
    sides = {fold(v): VENDOR for v in survey.sides.vendor}
    sides |= {fold(v): CUSTOMER for v in survey.sides.customer}
    for q in survey.questions:
        cells = counts[q.id].design_overall
        assert cells is not None
        direct: dict[tuple[int, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
        for side, level, w, w2 in zip(
            cells.side, cells.level, cells.weight_sum, cells.weight_sq_sum, strict=True
        ):
            direct[(int(side), fold(q.scale.levels[level]))][0] += w
            direct[(int(side), fold(q.scale.levels[level]))][1] += w2
        sql: dict[tuple[int, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
        for row in rows:
            if row[0] == q.id and row[4] is not None:
                sql[(sides[fold(row[1])], fold(row[4]))][0] += row[-2]
                sql[(sides[fold(row[1])], fold(row[4]))][1] += row[-1]
        assert sql.keys() == direct.keys()
        for key, (w, w2) in direct.items():
            assert math.isclose(sql[key][0], w, rel_tol=1e-12)
            assert math.isclose(sql[key][1], w2, rel_tol=1e-12)


MESSY_SCHEMA = """\
survey: Messy export
sides:
  column: Respondent "type"
  vendor: [Vendor, Account team]
  customer: [Customer]
  ignore: [Partner]
respondent_id: id
segments: [Sales region]
filters:
  - {column: wave, keep: [2026Q3, 2026Q4]}
  - {column: status, drop: [Test]}
weight: w
scales:
  agree5:
    levels: [Strongly disagree, Disagree, Neutral, Agree, Strongly agree]
    top_box: 2
    missing: [Don't know]
questions:
  - id: q1
    text: It's "good"
    scale: agree5
    column: it's "good"?
  - id: q2
    text: Aligned
    scale: agree5
    columns: {vendor: v_align, customer: c_align}
"""

MESSY_ROWS = [
    [
        "id",
        'Respondent "type"',
        "Sales region",
        "wave",
        "status",
        "w",
        'it\'s "good"?',
        "v_align",
        "c_align",
    ],
    ["1", "Vendor", "North", "2026Q3", "", "1.5", "Agree", "Agree", ""],
    ["2", " vendor ", "north ", "2026q3", "ok", "2", " AGREE", "Neutral", "Disagree"],
    ["3", "Account team", "South", "2026Q4", "", "0.5", "Strongly agree", "", ""],
    ["4", "Customer", "North", "2026Q3", "", "3", "Don't know", "", "Disagree"],
    ["5", "CUSTOMER\t", "\xa0South", "2026Q3", "", "1", "neutral", "Agree", "Agree"],
    ["6", "Customer", "", "2026Q4", "", "2", "", "", "Strongly agree"],
    ["7", "Customer", "South", "2026Q2", "", "1", "Agree", "", "Agree"],  # other wave
    ["8", "Customer", "North", "2026Q3", "test", "1", "Agree", "", "Agree"],  # a test row
    ["9", "Partner", "North", "2026Q3", "", "1", "Agree", "", "Agree"],  # ignored side
    ["10", "Customer", "North", "2026Q4", "", "1.25", "Agree", "", "strongly disagree"],
]


def _messy(tmp_path: Path) -> tuple[Survey, Path]:
    schema = tmp_path / "messy.yaml"
    schema.write_text(MESSY_SCHEMA, encoding="utf-8")
    data = tmp_path / "messy.csv"
    with data.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(MESSY_ROWS)
    return load_schema(schema), data


def test_a_messy_export_is_counted_as_defined_and_as_the_direct_path(tmp_path: Path) -> None:
    survey, data = _messy(tmp_path)
    names, rows = duckdb_rows(survey, data)
    assert names == ["question", "side", "Sales region", "answer", "n", "sum_w", "sum_w2"]
    cells = as_cells(names, rows, weighted=True)
    assert_same_cells(cells, expected_counts(survey, data))
    assert _from_sql(survey, cells, ["Sales region"]) == _direct(survey, data, None)
    # rows 1-6 and 10 are kept: the other wave, the test row, the partner and the row
    # blank in every cell but its filter's are left out
    assert sum(c.n for k, c in cells.items() if k[0] == "q1") == 7
    # spellings of a side or an answer meet in one row (' vendor ' and 'Vendor', ' AGREE'
    # and 'Agree'); a segment's keep theirs, trimmed ('north ' and 'North'), for display
    assert cells[("q1", "vendor", "North", "agree")] == Cell(1, 1.5, 1.5**2)
    assert cells[("q1", "vendor", "north", "agree")] == Cell(1, 2.0, 2.0**2)
    # a column per side: the vendor's answer from v_align, the customer's from c_align
    assert cells[("q2", "customer", "South", "agree")].n == 1
    assert cells[("q2", "account team", "South", None)].n == 1


def test_a_blank_weight_makes_its_cells_sums_null(tmp_path: Path) -> None:
    survey, data = _messy(tmp_path)
    rows = [*MESSY_ROWS]
    rows[1] = [*rows[1][:5], " ", *rows[1][6:]]
    with data.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    names, result = duckdb_rows(survey, data)
    cells = as_cells(names, result, weighted=True)
    assert cells[("q1", "vendor", "North", "agree")] == Cell(1, None, None)
    assert cells[("q1", "customer", "North", "don't know")] == Cell(1, 3.0, 9.0)


def test_rows_blank_in_every_needed_cell_are_left_out(tmp_path: Path) -> None:
    """As the direct path skips them: a row with only a weight (a design column) or
    only a cell no filter, segment or question reads is no response."""
    from dataclasses import replace

    survey, data = _messy(tmp_path)
    survey = replace(survey, filters=survey.filters[1:])  # no filter on 'wave'
    rows = [*MESSY_ROWS, ["", " ", "", "", "", "2", "", "", ""], ["", "", "", "2026Q1", *[""] * 5]]
    with data.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    names, result = duckdb_rows(survey, data)
    cells = as_cells(names, result, weighted=True)
    assert sum(c.n for k, c in cells.items() if k[0] == "q1") == 8  # + the 2026Q2 row
    assert_same_cells(cells, expected_counts(survey, data))
    assert _from_sql(survey, cells, ["Sales region"]) == _direct(survey, data, None)


def test_filters_and_options_of_the_command_line_count_too(tmp_path: Path) -> None:
    from dataclasses import replace

    from gapscan.subsets import command_line_filters

    survey, data = _messy(tmp_path)
    extra = command_line_filters(["Sales region=North"], None)
    survey = replace(survey, filters=survey.filters + extra)
    names, rows = duckdb_rows(survey, data, segments=())
    assert names == ["question", "side", "answer", "n", "sum_w", "sum_w2"]
    cells = as_cells(names, rows, weighted=True)
    assert_same_cells(cells, expected_counts(survey, data, ()))
    assert sum(c.n for k, c in cells.items() if k[0] == "q1") == 4


def test_a_qualified_table_name_with_spaces_is_quoted(tmp_path: Path) -> None:
    example = EXAMPLES[0]
    survey = _survey(example)
    con = duckdb.connect()
    con.execute(f"ATTACH '{(tmp_path / 'wh.db').as_posix()}' AS warehouse")
    con.execute('CREATE SCHEMA warehouse."survey data"')
    duckdb_table(ROOT / example.data, con, 'warehouse."survey data"."Responses 2026"')
    sql = count_query(survey, 'warehouse."survey data"."Responses 2026"', "duckdb")
    result = con.execute(sql)
    names = [d[0] for d in result.description]
    got = as_cells(names, result.fetchall(), weighted=False)
    assert_same_cells(got, expected_counts(survey, ROOT / example.data))
    odd = "t; DROP TABLE t --"
    statements = sqlglot.parse(count_query(survey, odd, "duckdb"), read="duckdb")
    assert len(statements) == 1 and statements[0] is not None
    tables = {t.name for t in statements[0].find_all(exp.Table)}
    assert {t for t in tables if not t.startswith("gapscan_")} == {odd}


def _bench() -> Any:
    from tests.test_bench_data import _bench as load

    return load()


def _pandas_counts(data: Path, questions: Sequence[str], weighted: bool) -> dict[tuple, Cell]:
    """The 100k survey counted with pandas: melt, fold, group (an independent route)."""
    import pandas as pd

    frame = pd.read_csv(data, dtype=str, keep_default_na=False)
    long = frame.melt(
        id_vars=["side", "region", "weight"], value_vars=list(questions), var_name="question"
    )
    for column, lower in (("side", True), ("region", False), ("value", True)):
        text = long[column].str.strip()
        text = text.str.lower() if lower else text
        long[column] = text.mask(text == "")
    long["w"] = long["weight"].astype(float)
    long["w2"] = long["w"] ** 2
    grouped = long.groupby(["question", "side", "region", "value"], dropna=False)
    table = grouped.agg(n=("w", "size"), sum_w=("w", "sum"), sum_w2=("w2", "sum"))
    cells = {}
    for key, row in table.iterrows():
        clean = tuple(None if isinstance(k, float) and math.isnan(k) else k for k in key)
        extra = (float(row.sum_w), float(row.sum_w2)) if weighted else ()
        cells[clean] = Cell(int(row.n), *extra)
    return cells


@pytest.fixture(scope="module")
def survey_100k(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path, Path]:
    """The benchmark's survey at 100,000 respondents, with its weight column."""
    bench = _bench()
    schema, data = bench.generate(100_000, 11, tmp_path_factory.mktemp("100k"), weighted=True)
    return bench, schema, data


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_duckdb_counts_a_100k_respondent_survey(
    survey_100k: tuple[Any, Path, Path], weighted: bool, tmp_path: Path
) -> None:
    bench, schema, data = survey_100k
    text = schema.read_text() + ("weight: weight\n" if weighted else "")
    schema = tmp_path / "survey.yaml"
    schema.write_text(text.replace(f"data: [{data.name}]", f"data: [{data.as_posix()}]"))
    survey = load_schema(schema)
    names, rows = duckdb_rows(survey, data)
    got = as_cells(names, rows, weighted=weighted)
    assert_same_cells(got, _pandas_counts(data, bench.QUESTIONS, weighted))
    assert sum(c.n for c in got.values()) == 100_000 * len(bench.QUESTIONS)
    assert any(key[-1] is None for key in got)  # the ~3% blank answers are rows too


def test_duckdb_writes_the_count_table_as_csv(tmp_path: Path) -> None:
    """The file ``analyze --counts`` reads: a header of the columns, a row per cell."""
    example = next(e for e in EXAMPLES if e.name == "weighted-pulse")
    survey = _survey(example)
    out = write_duckdb_counts(survey, ROOT / example.data, tmp_path / "counts.csv")
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == count_table_columns(survey).names
    cells = {
        tuple(v or None for v in row[:5]): Cell(int(row[5]), float(row[6]), float(row[7]))
        for row in rows[1:]
    }
    assert_same_cells(cells, expected_counts(survey, ROOT / example.data))


@pytest.mark.parametrize("example", EXAMPLES, ids=IDS)
def test_the_committed_count_tables_are_what_duckdb_writes(
    example: Example, tmp_path: Path
) -> None:
    survey = _survey(example)
    fresh = write_duckdb_counts(survey, ROOT / example.data, tmp_path / "x.csv", example.segments)
    assert fresh.read_bytes() == committed_counts(example).read_bytes(), (
        f"{committed_counts(example)} is out of date: run python -m tests.engines"
    )


def test_a_survey_the_query_cannot_count_is_refused(tmp_path: Path) -> None:
    survey = _survey(EXAMPLES[0])
    with pytest.raises(GapscanError) as info:
        count_query(survey, TABLE, "duckdb", segments=["region", "answer", "respondent_type"])
    messages = [p.message for p in info.value.problems]
    assert messages == [
        "segment 'answer' has the name of a column of the count table",
        "segment 'respondent_type' is the sides column",
    ]
    with pytest.raises(GapscanError, match="unknown SQL dialect 'mysql'"):
        count_query(survey, TABLE, "mysql")
    with pytest.raises(GapscanError, match="--table is empty"):
        count_query(survey, " ", "duckdb")
    two_files = tmp_path / "two.yaml"
    text = (ROOT / EXAMPLES[0].schema).read_text()
    start = text.index("sides:")
    end = text.index("\n", text.index("customer:", start))
    two_files.write_text(text[:start] + text[end + 1 :].replace("data: [cmo-affinity.csv]", ""))
    with pytest.raises(GapscanError, match=r"needs 'sides\.column'"):
        count_query(load_schema(two_files), TABLE, "duckdb")
