"""A bad count table: exit 2, every problem named with the file and line, nothing
written; and what a count table cannot give, refused with the reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gapscan.subsets import IGNORED_SIDE
from tests.cli.test_agreement import COUNTS_CSV
from tests.cli.test_bad_input import GOOD_CSV, SCHEMA, run, run_bad, workdir, write

__all__ = ["workdir"]


def _bad(d: Path, table: str, *extra: str, schema: str = SCHEMA) -> str:
    write(d / "survey.yaml", schema)
    write(d / "counts.csv", table)
    return run_bad(d, "analyze", "survey.yaml", "--counts", "counts.csv", *extra)


def test_the_good_table_is_analysed(workdir: Path) -> None:
    """The fixtures below break this table, which analyses as its respondent data does."""
    write(workdir / "survey.yaml", SCHEMA)
    write(workdir / "counts.csv", COUNTS_CSV)
    write(workdir / "data.csv", GOOD_CSV)
    status, counted, stderr = run("analyze", "survey.yaml", "--counts", "counts.csv", "-f", "json")
    assert status == 0, stderr
    _, direct, _ = run("analyze", "survey.yaml", "data.csv", "-f", "json")
    assert json.loads(counted)["results"] == json.loads(direct)["results"]


def test_an_unknown_answer_names_the_value_and_its_count(workdir: Path) -> None:
    table = COUNTS_CSV.replace("q2,vendor,neutral,1", "q2,vendor,neutrl,1")
    table += "q1,customer, NEUTRL ,0\n"  # no respondents: still not a level
    stderr = _bad(workdir, table.replace("q1,vendor,agree,2", "q1,vendor,agre,2"))
    assert (
        "error: counts.csv:2: column 'answer' (question 'q1', scale 'agree5'): 2 value(s) "
        in stderr
    )
    assert "'agre' x2 respondent(s), line 2; ' NEUTRL ' x0 respondent(s), line 12" in stderr
    assert "error: counts.csv:7: column 'answer' (question 'q2', scale 'agree5')" in stderr
    assert "'neutrl' x1 respondent(s), line 7" in stderr
    assert "2 problems found." in stderr


def test_an_unknown_side_names_the_value_and_its_count(workdir: Path) -> None:
    table = COUNTS_CSV.replace("q1,vendor,agree,2", "q1,partner,agree,2")
    table = table.replace("q2,vendor,agree,1", "q2,partner,agree,2")
    stderr = _bad(workdir, table)
    assert "error: counts.csv:2: column 'side': 1 value(s) fit no side: 'partner' x4" in stderr
    assert "lines 2, 8" in stderr


def test_a_blank_side_is_unknown(workdir: Path) -> None:
    stderr = _bad(workdir, COUNTS_CSV.replace("q1,vendor,agree,2", "q1,,agree,2"))
    assert "error: counts.csv:2: column 'side': 1 value(s) fit no side: blank x2" in stderr


def test_sides_ignore_leaves_rows_out(workdir: Path) -> None:
    schema = SCHEMA.replace(
        "  customer: [Customer]\n", "  customer: [Customer]\n  ignore: [Partner]\n"
    )
    write(workdir / "survey.yaml", schema)
    write(workdir / "counts.csv", COUNTS_CSV + "q1,partner,agree,4\nq2,partner,,4\n")
    status, stdout, stderr = run("analyze", "survey.yaml", "--counts", "counts.csv", "-f", "json")
    assert status == 0, stderr
    report = json.loads(stdout)
    assert report["respondents"] == {"vendor": 3, "customer": 3}
    assert report["inputs"][0]["excluded"] == {IGNORED_SIDE: 4}


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("question,side,n", "1 column(s) the count table needs are not in the file: 'answer' ("),
        (
            "question,side,answer,n,extra",
            "1 column(s) a count table for this schema does not have: 'extra' (",
        ),
        (
            "question,side,answer,n,n",
            "1 column(s) a count table for this schema does not have: 'n' (more than once)",
        ),
    ],
)
def test_columns_missing_or_extra(workdir: Path, header: str, message: str) -> None:
    width = len(header.split(","))
    table = header + "\n" + ",".join(["q1", "vendor", "agree", "1", "1"][:width]) + "\n"
    stderr = _bad(workdir, table)
    assert f"error: counts.csv:1: {message}" in stderr


@pytest.mark.parametrize("n", ["-1", "1.5", "", "many", "1e400"])
def test_n_must_be_a_whole_number(workdir: Path, n: str) -> None:
    stderr = _bad(workdir, COUNTS_CSV.replace("q1,customer,neutral,1", f"q1,customer,neutral,{n}"))
    assert "error: counts.csv:5: column 'n' is not a whole number of respondents" in stderr


def test_a_whole_number_written_as_a_float_is_a_count(workdir: Path) -> None:
    write(workdir / "survey.yaml", SCHEMA)
    write(workdir / "counts.csv", COUNTS_CSV.replace("q1,vendor,agree,2", "q1,vendor,agree,2.0"))
    status, _, stderr = run("analyze", "survey.yaml", "--counts", "counts.csv")
    assert status == 0, stderr


def test_an_unknown_question(workdir: Path) -> None:
    stderr = _bad(workdir, COUNTS_CSV + "q9,vendor,agree,1\nq9,customer,agree,1\n")
    assert "error: counts.csv:12: column 'question' is not a question id of the schema: " in stderr
    assert "'q9' (lines 12, 13)" in stderr and "the schema's questions are 'q1', 'q2'" in stderr


def test_a_question_without_rows(workdir: Path) -> None:
    table = "".join(line + "\n" for line in COUNTS_CSV.splitlines() if not line.startswith("q2"))
    stderr = _bad(workdir, table)
    assert "error: counts.csv: question(s) without rows in the count table: 'q2'" in stderr


def test_questions_counting_different_respondents(workdir: Path) -> None:
    stderr = _bad(workdir, COUNTS_CSV.replace("q2,vendor,agree,1", "q2,vendor,agree,3"))
    assert (
        "error: counts.csv:6: the questions count different respondents on the vendor side"
        in stderr
    )
    assert "respondents per question 'q1' 3, 'q2' 5" in stderr


def test_a_ragged_row(workdir: Path) -> None:
    stderr = _bad(workdir, COUNTS_CSV + "q1,vendor,agree,1,1\n")
    assert "error: counts.csv:12: the row has 5 fields, the header 4" in stderr


def test_an_empty_table(workdir: Path) -> None:
    stderr = _bad(workdir, "question,side,answer,n\n")
    assert "error: counts.csv:1: the count table has a header and no rows" in stderr


def test_counts_and_data_files_together(workdir: Path) -> None:
    write(workdir / "data.csv", GOOD_CSV)
    stderr = _bad(workdir, COUNTS_CSV, "data.csv")
    assert "--counts replaces the data files" in stderr


def test_paired_needs_a_per_account_table(workdir: Path) -> None:
    stderr = _bad(workdir, COUNTS_CSV, "--paired", schema=SCHEMA + "pair_by: rid\n")
    assert (
        "error: counts.csv:1: a paired run reads a per-account count table: "
        "the file has no column 'account'" in stderr
    )
    assert "gapscan sql SCHEMA --table NAME --paired" in stderr


def test_a_command_line_filter_is_refused(workdir: Path) -> None:
    stderr = _bad(workdir, COUNTS_CSV, "--where", "side=Vendor")
    assert "--where/--where-not cannot filter a count table" in stderr


WEIGHTED = SCHEMA.replace("respondent_id: rid", "respondent_id: rid\nweight: w")
WEIGHTED_COUNTS = """\
question,side,cluster,answer,n,sum_w,sum_w2
q1,vendor,a,agree,2,3,5
q1,vendor,b,strongly agree,1,1,1
q1,customer,c,disagree,2,2,2
q1,customer,d,neutral,1,0.5,0.25
q2,vendor,a,strongly agree,1,1,1
q2,vendor,a,neutral,1,2,4
q2,vendor,b,agree,1,1,1
q2,customer,c,agree,1,1,1
q2,customer,d,,1,0.5,0.25
q2,customer,c,disagree,1,1,1
"""


def test_an_fpc_is_refused(workdir: Path) -> None:
    schema = WEIGHTED + "design: {cluster: account, fpc: pop}\n"
    stderr = _bad(workdir, WEIGHTED_COUNTS, schema=schema)
    assert "error: survey.yaml: a count table carries no fpc" in stderr


def test_a_design_with_filters_is_refused(workdir: Path) -> None:
    schema = WEIGHTED + "filters:\n  - {column: side, keep: [Vendor, Customer]}\n"
    stderr = _bad(workdir, WEIGHTED_COUNTS.replace(",cluster,", ",x,"), schema=schema)
    assert "a design keeps the rows that filters: leave out" in stderr


def test_a_weighted_table_is_analysed(workdir: Path) -> None:
    write(workdir / "survey.yaml", WEIGHTED + "design: {cluster: account}\n")
    write(workdir / "counts.csv", WEIGHTED_COUNTS)
    status, stdout, stderr = run("analyze", "survey.yaml", "--counts", "counts.csv", "-f", "json")
    assert status in (0, 1), stderr
    settings = json.loads(stdout)["settings"]
    assert settings["degf"] == 3  # four clusters, one stratum


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (",a,agree,2,3,5", ",a,agree,2,,5", "column 'sum_w' is blank where respondents answered"),
        (",a,agree,2,3,5", ",a,agree,2,-3,5", "column 'sum_w' is not a positive number"),
        (",a,agree,2,3,5", ",a,agree,2,3,x", "column 'sum_w2' is not a positive number"),
        (",a,agree,2,3,5", ",,agree,2,3,5", "design column 'cluster' is blank: line 2"),
    ],
)
def test_bad_weight_sums_and_design_values(workdir: Path, old: str, new: str, message: str) -> None:
    schema = WEIGHTED + "design: {cluster: account}\n"
    stderr = _bad(workdir, WEIGHTED_COUNTS.replace(old, new), schema=schema)
    assert f"error: counts.csv:2: {message}" in stderr


def test_the_most_frequent_spelling_of_a_segment_is_shown(workdir: Path) -> None:
    """Grouped after folding; the most frequent spelling shown, a tie to sort order."""
    schema = SCHEMA.replace("respondent_id: rid", "respondent_id: rid\nsegments: [region]")
    table = "question,side,region,answer,n\n"
    for q in ("q1", "q2"):
        for side in ("vendor", "customer"):
            table += f"{q},{side},north,agree,2\n{q},{side}, NORTH ,agree,3\n"
            table += f"{q},{side},South,agree,2\n{q},{side},south,agree,2\n"
    write(workdir / "survey.yaml", schema)
    write(workdir / "counts.csv", table)
    status, stdout, stderr = run("analyze", "survey.yaml", "--counts", "counts.csv", "-f", "json")
    assert status == 0, stderr
    segments = {r["segment"]["region"] for r in json.loads(stdout)["results"] if r["segment"]}
    assert segments == {"NORTH", "South"}
    by_label = {r["segment"]["region"]: r for r in json.loads(stdout)["results"] if r["segment"]}
    assert by_label["NORTH"]["vendor"]["n"] == 5 and by_label["South"]["customer"]["n"] == 4


def test_validate_lists_a_count_tables_problems(workdir: Path) -> None:
    write(workdir / "survey.yaml", SCHEMA)
    write(workdir / "counts.csv", COUNTS_CSV.replace("q1,vendor,agree,2", "q1,vendor,agre,-2"))
    status, stdout, _ = run("validate", "survey.yaml", "--counts", "counts.csv", "-f", "json")
    assert status == 2
    codes = {f["code"] for f in json.loads(stdout)["findings"]}
    assert codes == {"invalid-count", "unknown-answer"}
    write(workdir / "counts.csv", COUNTS_CSV)
    status, stdout, _ = run("validate", "survey.yaml", "--counts", "counts.csv", "-f", "json")
    assert status == 0 and json.loads(stdout)["inputs"][0]["vendor"] == 3


def test_lines_count_a_quoted_cell_over_two_lines(workdir: Path) -> None:
    # a line break inside a cell is white space to the matching (it would match
    # 'strongly agree'): the quoted two-line cell here is also misspelt
    table = COUNTS_CSV.replace("q1,vendor,strongly agree,1", 'q1,vendor,"strongly\nagre",1')
    stderr = _bad(workdir, table.replace("q2,customer,agree,1", "q2,customer,agre,1"))
    assert "error: counts.csv:3: column 'answer' (question 'q1'" in stderr
    assert "'strongly\\nagre' x1 respondent(s), line 3" in stderr
    assert "error: counts.csv:10: column 'answer' (question 'q2'" in stderr  # one line later


def test_a_parquet_tables_rows_are_numbered_from_2(workdir: Path) -> None:
    import csv
    import io

    from tests.counts_support import write_parquet

    rows = list(csv.DictReader(io.StringIO(COUNTS_CSV)))
    for row in rows:
        row["n"] = int(row["n"])
        row["answer"] = row["answer"] or None
    rows[4]["n"] = -1
    write(workdir / "survey.yaml", SCHEMA)
    write_parquet(rows, workdir / "counts.parquet")
    stderr = run_bad(workdir, "analyze", "survey.yaml", "--counts", "counts.parquet")
    assert "error: counts.parquet:6: column 'n' is not a whole number of respondents" in stderr
    assert "'-1' (line 6)" in stderr


def test_a_table_not_in_utf8(workdir: Path) -> None:
    write(workdir / "survey.yaml", SCHEMA)
    (workdir / "counts.csv").write_bytes(
        COUNTS_CSV.encode() + "q1,vendor,agré,1\n".encode("cp1252")
    )
    stderr = run_bad(workdir, "analyze", "survey.yaml", "--counts", "counts.csv")
    assert "error: counts.csv:12: the file is not UTF-8 text" in stderr


def test_a_segment_asked_for_must_be_in_the_table(workdir: Path) -> None:
    stderr = _bad(workdir, COUNTS_CSV, "--by", "region")
    assert (
        "error: counts.csv:1: 1 column(s) the count table needs are not in the file: 'region'"
        in stderr
    )


def test_a_schema_with_a_file_per_side_reads_vendor_and_customer(workdir: Path) -> None:
    schema = SCHEMA.replace(
        "sides:\n  column: side\n  vendor: [Vendor]\n  customer: [Customer]\n", ""
    )
    write(workdir / "survey.yaml", schema)
    write(workdir / "counts.csv", COUNTS_CSV)
    status, stdout, stderr = run("analyze", "survey.yaml", "--counts", "counts.csv", "-f", "json")
    assert status == 0, stderr
    assert json.loads(stdout)["respondents"] == {"vendor": 3, "customer": 3}


@pytest.mark.parametrize("command", ["analyze", "validate"])
def test_no_output_is_written_over_the_count_table(workdir: Path, command: str) -> None:
    write(workdir / "survey.yaml", SCHEMA)
    write(workdir / "counts.csv", COUNTS_CSV)
    status, _, stderr = run(command, "survey.yaml", "--counts", "counts.csv", "--out", "counts.csv")
    assert status == 2, stderr
    assert "counts.csv" in stderr and "count table" in stderr
    assert (workdir / "counts.csv").read_text(encoding="utf-8") == COUNTS_CSV


def test_a_table_with_a_bom_and_crlf_lines(workdir: Path) -> None:
    write(workdir / "survey.yaml", SCHEMA)
    table = COUNTS_CSV.replace("\n", "\r\n").replace("q1,vendor,agree,2", "q1,vendor,agre,2")
    (workdir / "counts.csv").write_bytes(b"\xef\xbb\xbf" + table.encode())
    stderr = run_bad(workdir, "analyze", "survey.yaml", "--counts", "counts.csv")
    assert "error: counts.csv:2: column 'answer' (question 'q1'" in stderr
    (workdir / "counts.csv").write_bytes(
        b"\xef\xbb\xbf" + COUNTS_CSV.replace("\n", "\r\n").encode()
    )
    status, _, stderr = run("analyze", "survey.yaml", "--counts", "counts.csv")
    assert status == 0, stderr
