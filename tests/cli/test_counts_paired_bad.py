"""A bad per-account count table (``analyze --counts FILE --paired``): exit 2, every
problem named with the file and line (and code, in ``validate``), nothing written."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_bad_input import SCHEMA, run, run_bad, workdir, write

__all__ = ["workdir"]

PAIRED_SCHEMA = SCHEMA + "pair_by: account\n"
# accounts A (one contact a side) and B (two customer contacts); one keyless customer
ACCOUNTS_CSV = """\
question,side,account,answer,n
q1,vendor,A,agree,1
q1,vendor,B,strongly agree,1
q1,customer,A,disagree,1
q1,customer,B,neutral,1
q1,customer,B,agree,1
q1,customer,,agree,1
q2,vendor,A,neutral,1
q2,vendor,B,agree,1
q2,customer,A,agree,1
q2,customer,B,,1
q2,customer,B,disagree,1
q2,customer,,neutral,1
"""
DATA_CSV = """\
rid,side,account,q1,q2
1,Vendor,A,Agree,Neutral
2,Vendor,B,Strongly agree,Agree
3,Customer,A,Disagree,Agree
4,Customer,B,Neutral,
5,Customer,b ,Agree,Disagree
6,Customer,,Agree,Neutral
"""


def _bad(d: Path, table: str, *extra: str, schema: str = PAIRED_SCHEMA) -> str:
    write(d / "survey.yaml", schema)
    write(d / "counts.csv", table)
    return run_bad(d, "analyze", "survey.yaml", "--counts", "counts.csv", "--paired", *extra)


def _codes(d: Path, table: str, schema: str = PAIRED_SCHEMA) -> set[str]:
    """The error codes ``validate`` gives the table with the schema in paired mode."""
    write(d / "survey.yaml", schema + "analysis: {mode: paired, min_n: 1}\n")
    write(d / "counts.csv", table)
    status, stdout, stderr = run("validate", "survey.yaml", "--counts", "counts.csv", "-f", "json")
    assert status == 2, stderr
    return {f["code"] for f in json.loads(stdout)["findings"] if f["severity"] == "error"}


def test_the_good_table_is_analysed_as_its_respondents_are(workdir: Path) -> None:
    """The fixtures below break this table; it gives its respondents' paired report."""
    write(workdir / "survey.yaml", PAIRED_SCHEMA + "analysis: {min_n: 1}\n")
    write(workdir / "counts.csv", ACCOUNTS_CSV)
    write(workdir / "data.csv", DATA_CSV)
    args = ["--paired", "--show-accounts", "2", "-f", "json"]
    status, counted, stderr = run("analyze", "survey.yaml", "--counts", "counts.csv", *args)
    assert status == 0, stderr
    _, direct, _ = run("analyze", "survey.yaml", "data.csv", *args)
    counted_report, direct_report = json.loads(counted), json.loads(direct)
    assert counted_report["results"] == direct_report["results"]
    assert counted_report["pairing"] == direct_report["pairing"]
    assert counted_report["pairing"]["customer_respondents_without_key"] == 1
    # the validate of a paired schema reads the table per account too
    write(workdir / "paired.yaml", PAIRED_SCHEMA + "analysis: {mode: paired, min_n: 1}\n")
    status, _, stderr = run("validate", "paired.yaml", "--counts", "counts.csv")
    assert status == 0, stderr


def test_a_table_without_accounts(workdir: Path) -> None:
    table = "\n".join(",".join(c for i, c in enumerate(line.split(",")) if i != 2)
                      for line in ACCOUNTS_CSV.splitlines()) + "\n"  # fmt: skip
    stderr = _bad(workdir, table)
    assert "a paired run reads a per-account count table: the file has no column 'account'" in (
        stderr
    )
    assert "missing-column" in _codes(workdir, table)


def test_an_account_column_the_schema_has_no_pair_by_for(workdir: Path) -> None:
    write(workdir / "survey.yaml", SCHEMA)
    write(workdir / "counts.csv", ACCOUNTS_CSV)
    stderr = run_bad(workdir, "analyze", "survey.yaml", "--counts", "counts.csv")
    assert "column(s) a count table for this schema does not have: 'account'" in stderr


def test_an_independent_run_sums_the_accounts_over(workdir: Path) -> None:
    """Without --paired, a per-account table is the count table summed over accounts."""
    write(workdir / "survey.yaml", PAIRED_SCHEMA + "analysis: {min_n: 1}\n")
    write(workdir / "counts.csv", ACCOUNTS_CSV)
    write(workdir / "data.csv", DATA_CSV)
    status, counted, stderr = run("analyze", "survey.yaml", "--counts", "counts.csv", "-f", "json")
    assert status == 0, stderr
    _, direct, _ = run("analyze", "survey.yaml", "data.csv", "-f", "json")
    assert json.loads(counted)["results"] == json.loads(direct)["results"]
    assert "pairing" not in json.loads(counted)  # an independent report


def test_an_account_whose_questions_count_different_respondents(workdir: Path) -> None:
    """A customer of A moved to B on q2: the side's totals agree, the accounts' do not."""
    table = ACCOUNTS_CSV.replace("q2,customer,B,,1", "q2,customer,B,,2")
    table = table.replace("q2,customer,A,agree,1", "q2,customer,A,agree,0")
    stderr = _bad(workdir, table)
    assert (
        "error: counts.csv:10: the questions count different respondents on the customer "
        "side where account = 'A': respondents per question 'q1' 1, 'q2' 0 (and 1 more "
        "groups)" in stderr
    )
    assert "inconsistent-counts" in _codes(workdir, table)


def test_an_unknown_answer_names_the_value_and_its_count(workdir: Path) -> None:
    table = ACCOUNTS_CSV.replace("q1,customer,B,neutral,1", "q1,customer,B,neutrl,1")
    stderr = _bad(workdir, table)
    assert (
        "error: counts.csv:5: column 'answer' (question 'q1', scale 'agree5'): 1 value(s) "
        "fit no level: 'neutrl' x1 respondent(s), line 5" in stderr
    )
    assert "unknown-answer" in _codes(workdir, table)


def test_a_bad_count_and_an_unknown_question(workdir: Path) -> None:
    table = ACCOUNTS_CSV.replace("q1,vendor,A,agree,1", "q1,vendor,A,agree,1.5")
    table += "q9,vendor,A,agree,1\n"
    stderr = _bad(workdir, table)
    assert "error: counts.csv:2: column 'n' is not a whole number of respondents" in stderr
    assert "error: counts.csv:14: column 'question' is not a question id of the schema" in stderr
    assert {"invalid-count", "unknown-question"} <= _codes(workdir, table)


def test_paired_needs_pair_by(workdir: Path) -> None:
    stderr = _bad(workdir, ACCOUNTS_CSV, schema=SCHEMA)
    assert "paired analysis needs 'pair_by' in the schema" in stderr


def test_paired_with_a_design_is_refused(workdir: Path) -> None:
    schema = PAIRED_SCHEMA.replace("respondent_id: rid", "respondent_id: rid\nweight: w")
    stderr = _bad(workdir, ACCOUNTS_CSV, schema=schema)
    assert "weights and designs apply to independent samples, not to paired analysis" in stderr


def test_sql_refuses_a_per_account_table_it_cannot_make(workdir: Path) -> None:
    write(workdir / "survey.yaml", SCHEMA)
    stderr = run_bad(workdir, "sql", "survey.yaml", "--table", "t", "--paired", out=False)
    assert "a per-account count table (--paired) needs 'pair_by' in the schema" in stderr
    write(workdir / "survey.yaml", PAIRED_SCHEMA)
    stderr = run_bad(
        workdir, "sql", "survey.yaml", "--table", "t", "--paired", "--weight", "w", out=False
    )
    assert "weights and designs apply to independent samples, not to paired analysis" in stderr
