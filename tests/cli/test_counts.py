"""``gapscan analyze --counts``: a count table aggregated independently from each
bundled example (tests/counts_support.py) gives the report of the respondent-level
path: JSON equal outside the inputs block and the identity note (weighted floats to
1e-12 relative), markdown equal outside the inputs lines."""

from __future__ import annotations

import json
import math
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.cli.test_bad_input import run
from tests.counts_support import aggregate, write_csv, write_parquet

SURVEYS = Path(__file__).parents[2] / "surveys"
EXAMPLES = ["cmo-affinity", "partner-nps", "account-pulse", "weighted-pulse"]
IDENTITY = "respondent identity"


def _example(tmp_path: Path, name: str, design: str | None = None) -> tuple[Path, Path]:
    """A copy of a bundled example beside its data (account-pulse made independent;
    ``design`` replaces weighted-pulse's design: block)."""
    data = shutil.copy(SURVEYS / f"{name}.csv", tmp_path / f"{name}.csv")
    text = (SURVEYS / f"{name}.yaml").read_text(encoding="utf-8")
    text = text.replace("mode: paired", "mode: independent")
    if design is not None:
        text = text.replace("design:\n  cluster: account", design)
    schema = tmp_path / f"{name}.yaml"
    schema.write_text(text, encoding="utf-8")
    return schema, Path(data)


def _without_inputs(report: dict[str, Any]) -> dict[str, Any]:
    report = dict(report)
    del report["inputs"]
    settings = dict(report["settings"])
    notes = [n for n in settings.pop("notes", []) if IDENTITY not in n]
    if notes:
        settings["notes"] = notes
    report["settings"] = settings
    return report


def assert_close(
    direct: Any, counted: Any, where: str = "", rel: float = 1e-12, tiny: float = 1e-15
) -> None:
    """Equal, floats to ``rel`` relative (a weighted sum added in another order), or
    ``tiny`` absolute."""
    if isinstance(direct, dict):
        assert isinstance(counted, dict) and direct.keys() == counted.keys(), where
        for key in direct:
            assert_close(direct[key], counted[key], f"{where}.{key}", rel, tiny)
    elif isinstance(direct, list):
        assert isinstance(counted, list) and len(direct) == len(counted), where
        for i, (a, b) in enumerate(zip(direct, counted, strict=True)):
            assert_close(a, b, f"{where}[{i}]", rel, tiny)
    elif isinstance(direct, float) and isinstance(counted, float):
        assert math.isclose(direct, counted, rel_tol=rel, abs_tol=tiny), (where, direct, counted)
    else:
        assert direct == counted, (where, direct, counted)


def _analyze(*args: str) -> tuple[int, str]:
    status, stdout, stderr = run("analyze", *args)
    assert status in (0, 1), stderr
    return status, stdout


def _compare(schema: Path, data: Path, table: Path, *, exact: bool, by: list[str]) -> None:
    options = [a for column in by for a in ("--by", column)]
    status, direct = _analyze(str(schema), str(data), *options, "--format", "json")
    counted_status, counted = _analyze(
        str(schema), "--counts", str(table), *options, "--format", "json"
    )
    assert counted_status == status
    direct_report, counted_report = json.loads(direct), json.loads(counted)
    assert any(IDENTITY in n for n in counted_report["settings"]["notes"])
    assert not any(IDENTITY in n for n in direct_report["settings"].get("notes", []))
    if exact:
        assert _without_inputs(counted_report) == _without_inputs(direct_report)
    else:
        assert_close(_without_inputs(direct_report), _without_inputs(counted_report))
    _, direct_md = _analyze(str(schema), str(data), *options, "--format", "markdown")
    _, counted_md = _analyze(str(schema), "--counts", str(table), *options, "--format", "markdown")
    inputs = (f"- `{data}`:", f"- `{table}`:")
    kept = [
        [line for line in md.splitlines() if not line.startswith(inputs)]
        for md in (direct_md, counted_md)
    ]
    assert kept[0] == kept[1]  # rounded for print, weighted figures agree too
    assert f"- `{table}`: " in counted_md and IDENTITY in counted_md


@pytest.mark.parametrize("name", EXAMPLES)
@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_counts_give_the_direct_report(tmp_path: Path, name: str, kind: str) -> None:
    schema, data = _example(tmp_path, name)
    rows = aggregate(schema, data)
    write = write_csv if kind == "csv" else write_parquet
    table = write(rows, tmp_path / f"counts.{kind}")
    _compare(schema, data, table, exact=name != "weighted-pulse", by=[])


@pytest.mark.parametrize("wave", ["affinity-2026Q1", "affinity-2026Q2", "affinity-2026Q3"])
def test_counts_give_each_waves_report(tmp_path: Path, wave: str) -> None:
    schema, _ = _example(tmp_path, "cmo-affinity")
    data = Path(shutil.copy(SURVEYS / "waves" / f"{wave}.csv", tmp_path / f"{wave}.csv"))
    table = write_parquet(aggregate(schema, data), tmp_path / "counts.parquet")
    _compare(schema, data, table, exact=True, by=[])


@pytest.mark.parametrize(
    "design",
    [
        "design:\n  strata: region",  # every respondent its own PSU, in strata
        "design: {}",  # weights only: every respondent its own PSU
        "design:\n  cluster: account\n  strata: region",
    ],
)
def test_weighted_designs_from_counts(tmp_path: Path, design: str) -> None:
    """Without a cluster, a row of m respondents stands for m PSUs with its Σw, Σw²."""
    schema, data = _example(tmp_path, "weighted-pulse", design)
    table = write_csv(aggregate(schema, data), tmp_path / "counts.csv")
    _compare(schema, data, table, exact=False, by=[])


def test_a_segment_not_analysed_is_summed_over(tmp_path: Path) -> None:
    """The table holds the schema's segment; a run without it sums over its values."""
    from gapscan.analysis import analyze, analyze_counts
    from gapscan.count_table import read_counts
    from gapscan.responses import load_responses
    from gapscan.schema import load_schema

    schema, data = _example(tmp_path, "cmo-affinity")
    table = write_csv(aggregate(schema, data), tmp_path / "counts.csv")
    survey = load_schema(schema)
    direct = analyze(survey, load_responses(survey, [data], segments=()))
    counted = analyze_counts(survey, read_counts(survey, table, segments=()))
    assert counted.settings.segments == ()
    assert not any(r.segment for r in counted.results)
    assert _without_inputs(counted.to_dict()) == _without_inputs(direct.to_dict())


GENERATED_SCHEMA = """\
survey: Generated
sides: {column: side, vendor: [Vendor], customer: [Customer]}
respondent_id: rid
segments: [region]
scales:
  agree5:
    levels: [Strongly disagree, Disagree, Neutral, Agree, Strongly agree]
    top_box: 2
    missing: ["Don't know"]
questions:
  - {id: q1, scale: agree5, column: q1}
  - {id: q2, scale: agree5, column: q2}
  - {id: score, type: numeric, range: [0, 100], column: score}
analysis: {min_n: 3}
"""
SIDES = ["Vendor", " vendor", "VENDOR ", "Customer", "customer", " CUSTOMER"]
ANSWERS = ["Agree", " agree", "STRONGLY AGREE", "Neutral", "disagree ", "Strongly disagree"]
ANSWERS += ["", "Don't know", "don't KNOW"]
SCORES = ["0", "7", "7.0", "12.5", "100", "55", ""]


@st.composite
def _surveys(draw: st.DrawFn) -> tuple[str, str]:
    """A schema (weighted or not) and a respondent-level CSV with sides, answers and
    numbers spelled in several ways, blanks and missing labels."""
    rows = draw(st.integers(min_value=2, max_value=40))
    weighted = draw(st.booleans())
    lines = ["rid,side,region,q1,q2,score,w,account"]
    for i in range(rows):
        side = SIDES[i % 2 * 3 + draw(st.integers(0, 2))]  # both sides present
        region = draw(st.sampled_from(["EMEA", "APAC", "Latin America", ""]))
        q1, q2 = draw(st.sampled_from(ANSWERS)), draw(st.sampled_from(ANSWERS))
        score = draw(st.sampled_from(SCORES))
        weight = draw(st.sampled_from(["0.5", "1", "2.25", "3"]))
        account = draw(st.sampled_from(["A", "B", "C", "D", "E"]))
        lines.append(f'{i},{side},{region},"{q1}","{q2}",{score},{weight},{account}')
    schema = GENERATED_SCHEMA
    if weighted:
        cluster = "design: {cluster: account}\n" if draw(st.booleans()) else ""
        schema = schema.replace("segments:", f"weight: w\n{cluster}segments:")
    return schema, "\n".join(lines) + "\n"


def _outcome(run_it: Any) -> Any:
    """A report without its inputs, or the codes of the errors raised."""
    from gapscan.errors import GapscanError

    try:
        return _without_inputs(run_it().to_dict())
    except GapscanError as exc:
        return sorted({p.code or "" for p in exc.problems})


@settings(max_examples=40, deadline=None)
@given(_surveys())
def test_counts_equal_the_direct_path_on_generated_data(generated: tuple[str, str]) -> None:
    from gapscan.analysis import analyze, analyze_counts
    from gapscan.count_table import read_counts
    from gapscan.responses import load_responses
    from gapscan.schema import load_schema

    schema_text, data_text = generated
    with tempfile.TemporaryDirectory() as directory:
        schema, data = Path(directory, "s.yaml"), Path(directory, "d.csv")
        schema.write_text(schema_text, encoding="utf-8")
        data.write_text(data_text, encoding="utf-8")
        rows = aggregate(schema, data)
        header = ["question", "side", "region", "answer", "n"]
        table = write_csv(rows, Path(directory, "c.csv"), header)
        survey = load_schema(schema)
        direct = _outcome(lambda: analyze(survey, load_responses(survey, [data])))
        counted = _outcome(lambda: analyze_counts(survey, read_counts(survey, table)))
    if isinstance(direct, list):
        assert counted == direct
    else:
        assert_close(direct, counted)


@pytest.mark.parametrize("design", ["design:\n  cluster: account", "design:\n  strata: region"])
def test_ignored_sides_stay_in_the_design(tmp_path: Path, design: str) -> None:
    """Rows of a side value under sides.ignore are left out of the analysis and kept
    in the design (their PSUs count in the degrees of freedom), on both paths."""
    schema, data = _example(tmp_path, "weighted-pulse", design)
    lines = data.read_text(encoding="utf-8").splitlines()
    lines = [
        line.replace(",Customer,", ",Partner,") if i % 7 == 0 else line
        for i, line in enumerate(lines)
    ]
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    text = schema.read_text(encoding="utf-8")
    text = text.replace("  customer: [Customer]\n", "  customer: [Customer]\n  ignore: [Partner]\n")
    schema.write_text(text, encoding="utf-8")
    rows = aggregate(schema, data)
    assert any(row["side"] == "partner" for row in rows)
    table = write_csv(rows, tmp_path / "counts.csv")
    _compare(schema, data, table, exact=False, by=[])


def test_weight_and_cluster_options_read_the_tables_sums(tmp_path: Path) -> None:
    """--weight/--cluster make the run weighted as the schema's weight:/design: do."""
    schema, data = _example(tmp_path, "weighted-pulse")
    table = write_csv(aggregate(schema, data), tmp_path / "counts.csv")
    bare = tmp_path / "bare.yaml"
    text = schema.read_text(encoding="utf-8")
    text = text.replace("weight: pw", "").replace("design:\n  cluster: account", "")
    bare.write_text(text, encoding="utf-8")
    options = ["--weight", "pw", "--cluster", "account", "--format", "json"]
    _, direct = _analyze(str(bare), str(data), *options)
    _, counted = _analyze(str(bare), "--counts", str(table), *options)
    assert json.loads(counted)["settings"]["design"] == "weights pw; clusters account"
    assert_close(_without_inputs(json.loads(direct)), _without_inputs(json.loads(counted)))
    status, _, stderr = run("analyze", str(bare), "--counts", str(table))
    assert status == 2 and "'cluster' (more than once)" not in stderr
    assert "column(s) a count table for this schema does not have: 'cluster', 'sum_w'" in stderr


def test_the_library_reads_and_analyses_a_count_table(tmp_path: Path) -> None:
    import gapscan

    schema, data = _example(tmp_path, "partner-nps")
    table = write_parquet(aggregate(schema, data), tmp_path / "counts.parquet")
    survey = gapscan.load_schema(schema)
    report = gapscan.analyze_counts(survey, gapscan.read_counts(survey, table))
    direct = gapscan.analyze(survey, gapscan.load_responses(survey, [data]))
    assert report.results == direct.results and report.inputs != direct.inputs


DUCKDB_COUNTS = """
SELECT question, lower(trim(role)) AS side, region,
       nullif(lower(trim(answer)), '') AS answer, count(*) AS n
FROM read_csv('{data}', all_varchar = true)
UNPIVOT INCLUDE NULLS (answer FOR question IN (understands, responsive, value))
GROUP BY ALL
"""


@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_a_count_table_written_by_duckdb(tmp_path: Path, kind: str) -> None:
    """DuckDB's own output (BIGINT n, NULL answers, its CSV and Parquet writers)."""
    import duckdb

    schema, data = _example(tmp_path, "account-pulse")  # made independent
    lines = data.read_text(encoding="utf-8").splitlines()
    lines = [line.rsplit(",", 1)[0] + "," if i % 13 == 5 else line for i, line in enumerate(lines)]
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")  # some 'value' left blank
    table = tmp_path / f"counts.{kind}"
    query = DUCKDB_COUNTS.format(data=data)
    assert any(row[3] is None for row in duckdb.execute(query).fetchall())  # no-answer rows
    options = ", HEADER" if kind == "csv" else ""
    duckdb.execute(f"COPY ({query}) TO '{table}' (FORMAT {kind}{options})")
    _compare(schema, data, table, exact=True, by=[])
