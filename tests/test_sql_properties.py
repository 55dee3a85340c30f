"""Property tests of the count query: over any small export of messy spellings (spaces,
tabs, no-break spaces, case, blanks, ignored and unknown values), DuckDB's result is the
count table as defined, and, when every value is known, the direct path's counts."""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from gapscan.errors import GapscanError
from gapscan.schema import load_schema
from tests.engines import as_cells, assert_same_cells, duckdb_rows, expected_counts
from tests.test_sql import _direct, _from_sql

pytest.importorskip("duckdb")

SCHEMA = """\
survey: Property survey
sides: {column: side, vendor: [Vendor], customer: [Customer], ignore: [Partner]}
segments: [region]
filters:
  - {column: status, drop: [Test]}
%(weight)s
scales:
  agree3:
    levels: [Disagree, Neutral, Agree]
    top_box: 1
    missing: [Don't know]
questions:
  - id: q1
    scale: agree3
    column: q1
  - id: q2
    scale: agree3
    columns: {vendor: v2, customer: c2}
"""
HEADER = ["side", "region", "status", "w", "q1", "v2", "c2"]


def spelt(values: list[str]) -> st.SearchStrategy[str]:
    """A value as an export may spell it: padded, re-cased."""
    pads = st.sampled_from(["", " ", "\t", "\xa0", "  "])
    case = st.sampled_from([str, str.lower, str.upper])
    return st.builds(lambda a, v, f, b: a + f(v) + b, pads, st.sampled_from(values), case, pads)


def rows(known: bool) -> st.SearchStrategy[list[list[str]]]:
    sides = ["Vendor", "Customer"] + ([] if known else ["Partner", "Reseller"])
    answers = ["Disagree", "Neutral", "Agree", "Don't know"] + ([] if known else ["Maybe"])
    blank = st.sampled_from(["", " "])
    row = st.tuples(
        spelt(sides) if known else spelt(sides) | blank,
        spelt(["North", "South"]) | blank,
        spelt(["ok", "Test"]) | st.just(""),
        st.sampled_from(["1", "2.5", "0.25"] if known else ["1", "2.5", "0.25", "", " "]),
        *(spelt(answers) | blank for _ in range(3)),
    ).map(list)
    return st.lists(row, min_size=1, max_size=25)


def _write(folder: Path, data: list[list[str]], weighted: bool) -> tuple[Path, Path]:
    schema = folder / "survey.yaml"
    schema.write_text(SCHEMA % {"weight": "weight: w" if weighted else ""}, encoding="utf-8")
    path = folder / "data.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([HEADER, *data])
    return schema, path


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=rows(known=False), weighted=st.booleans())
def test_any_export_is_counted_as_the_count_table_is_defined(
    data: list[list[str]], weighted: bool
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        schema, path = _write(Path(folder), data, weighted)
        survey = load_schema(schema)
        names, result = duckdb_rows(survey, path)
        cells = as_cells(names, result, weighted=weighted)
        assert_same_cells(cells, expected_counts(survey, path))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=rows(known=True))
def test_known_values_are_counted_as_the_direct_path_counts_them(data: list[list[str]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        schema, path = _write(Path(folder), data, weighted=False)
        survey = load_schema(schema)
        names, result = duckdb_rows(survey, path)
        cells = as_cells(names, result, weighted=False)
        try:
            direct = _direct(survey, path, None)
        except GapscanError as exc:  # every row left out: the count table is empty too
            assert [p.code for p in exc.problems] == ["empty-file"]
            assert cells == {}
            event("every row left out")
            return
        event("compared")
        assert _from_sql(survey, cells, ["region"]) == direct
