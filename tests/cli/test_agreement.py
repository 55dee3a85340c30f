"""``gapscan validate`` and ``gapscan analyze`` agree: every error ``validate`` reports
makes ``analyze`` exit 2 with the same problem. The fixtures cover every error code
the source can give; a new code without a fixture fails
``test_every_error_code_has_a_fixture``."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from gapscan.errors import CODES, ERROR_CODES, Problem
from tests.cli.test_bad_input import GOOD_CSV, SCHEMA, run, run_bad, workdir, write

__all__ = ["workdir"]

SRC = Path(__file__).parents[2] / "src" / "gapscan"
RULE = "rules:\n  - name: gate\n    metric: top_box_gap\n    max: 0.5\n"
ONE_SIDE = "rid,q1,q2\n1,Agree,Agree\n2,Agree,Neutral\n"

Fixture = Callable[[Path], list[str]]


def _schema_error(d: Path) -> list[str]:
    write(d / "survey.yaml", SCHEMA.replace("top_box: 2", "top_bx: 2"))
    write(d / "data.csv", GOOD_CSV)
    return ["survey.yaml", "data.csv"]


def _unreadable(d: Path) -> list[str]:
    write(d / "survey.yaml", SCHEMA)
    return ["survey.yaml", "missing.csv"]


def _missing_column(d: Path) -> list[str]:
    write(d / "survey.yaml", SCHEMA.replace("column: q2", "column: q9"))
    write(d / "data.csv", GOOD_CSV)
    return ["survey.yaml", "data.csv"]


def _unknown_answer(d: Path) -> list[str]:
    write(d / "survey.yaml", SCHEMA)
    write(d / "data.csv", GOOD_CSV.replace("Neutral,Don't", "Neutrl,Don't"))
    return ["survey.yaml", "data.csv"]


def _unknown_side(d: Path) -> list[str]:
    write(d / "survey.yaml", SCHEMA)
    write(d / "data.csv", GOOD_CSV + "7,Partner,Agree,Agree\n")
    return ["survey.yaml", "data.csv"]


def _duplicate_id(d: Path) -> list[str]:
    write(d / "survey.yaml", SCHEMA)
    write(d / "data.csv", GOOD_CSV + " 2,Customer,Agree,Agree\n")
    return ["survey.yaml", "data.csv"]


def _duplicate_file(d: Path) -> list[str]:
    write(d / "survey.yaml", SCHEMA.replace("respondent_id: rid\n", ""))
    write(d / "a.csv", GOOD_CSV)
    write(d / "b.csv", GOOD_CSV)
    return ["survey.yaml", "a.csv", "b.csv"]


def _empty_file(d: Path) -> list[str]:
    write(d / "survey.yaml", SCHEMA)
    write(d / "data.csv", GOOD_CSV)
    write(d / "more.csv", "rid,side,q1,q2\n")
    return ["survey.yaml", "data.csv", "more.csv"]


def _empty_side(d: Path) -> list[str]:
    write(d / "survey.yaml", SCHEMA)
    write(d / "data.csv", GOOD_CSV.replace("Customer", "Vendor"))
    return ["survey.yaml", "data.csv"]


def _no_answers(d: Path) -> list[str]:
    write(d / "survey.yaml", SCHEMA)
    write(d / "data.csv", GOOD_CSV.replace(",Agree\n", ",\n").replace(",Disagree\n", ",\n"))
    return ["survey.yaml", "data.csv"]


def _rule_unchecked(d: Path) -> list[str]:
    write(d / "survey.yaml", SCHEMA + RULE)  # 3 respondents a side, min_n 10
    write(d / "data.csv", GOOD_CSV)
    return ["survey.yaml", "data.csv"]


def _mixed_encoding(d: Path) -> list[str]:
    write(d / "survey.yaml", SCHEMA)
    text = GOOD_CSV.replace("6,Customer", "6,Customeré")  # UTF-8 here ...
    (d / "data.csv").write_bytes(text.encode() + "7,Vendoré,Agree,Agree\n".encode("cp1252"))
    return ["survey.yaml", "data.csv"]


def _ragged_row(d: Path) -> list[str]:
    write(d / "survey.yaml", SCHEMA)
    write(d / "data.csv", GOOD_CSV + "7,Vendor,Agree,Agree,Agree\n")
    return ["survey.yaml", "data.csv"]


def _compressed_file(d: Path) -> list[str]:
    """A gzip cut short (a whole gzip of a CSV export is read)."""
    import gzip

    write(d / "survey.yaml", SCHEMA)
    (d / "data.csv").write_bytes(gzip.compress(GOOD_CSV.encode(), mtime=0)[:-12])
    return ["survey.yaml", "data.csv"]


def _uncached_formula(d: Path) -> list[str]:
    import csv
    import io

    from openpyxl import Workbook

    write(d / "survey.yaml", SCHEMA)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for record in csv.reader(io.StringIO(GOOD_CSV)):
        sheet.append(record)
    sheet["C3"] = '=IF(1,"Agree","Disagree")'  # openpyxl saves no cached value
    book.save(d / "data.xlsx")
    return ["survey.yaml", "data.xlsx"]


def _duplicate_key(d: Path) -> list[str]:
    write(d / "survey.yaml", SCHEMA.replace("top_box: 2", "top_box: 2\n    top_box: 4"))
    write(d / "data.csv", GOOD_CSV)
    return ["survey.yaml", "data.csv"]


def _percent_for_fraction(d: Path) -> list[str]:
    write(d / "survey.yaml", SCHEMA + "analysis:\n  confidence: 95\n")
    write(d / "data.csv", GOOD_CSV)
    return ["survey.yaml", "data.csv"]


def _duplicate_segment(d: Path) -> list[str]:
    write(
        d / "survey.yaml",
        SCHEMA.replace("respondent_id: rid", "segments: [q1, q1]\nrespondent_id: rid"),
    )
    write(d / "data.csv", GOOD_CSV)
    return ["survey.yaml", "data.csv"]


NUMERIC_SCHEMA = (
    "survey: Numbers\n"
    "sides: {column: side, vendor: [Vendor], customer: [Customer]}\n"
    "questions:\n  - {id: score, type: numeric, range: [0, 100], column: score}\n"
)


def _not_a_number(d: Path) -> list[str]:
    write(d / "survey.yaml", NUMERIC_SCHEMA)
    write(d / "data.csv", "side,score\nVendor,70\nCustomer,seventy\n")
    return ["survey.yaml", "data.csv"]


def _out_of_range(d: Path) -> list[str]:
    write(d / "survey.yaml", NUMERIC_SCHEMA)
    write(d / "data.csv", "side,score\nVendor,70\nCustomer,170\n")
    return ["survey.yaml", "data.csv"]


WEIGHTED_SCHEMA = SCHEMA.replace("respondent_id: rid", "respondent_id: rid\nweight: w")
WEIGHTED_CSV = (
    "rid,side,q1,q2,w,account,region,pop\n"
    "1,Vendor,Agree,Strongly agree,1.5,A,north,10\n"
    "2,Customer,Disagree,Agree,0.5,A,north,10\n"
    "3,Vendor,Strongly agree,Neutral,2,B,north,10\n"
    "4,Customer,Neutral,Don't know,1,C,south,12\n"
    "5,Vendor,Agree,Agree,1,D,south,12\n"
    "6,Customer,Disagree,Disagree,1,D,south,12\n"
)


def _weighted(d: Path, csv_text: str, design: str = "") -> list[str]:
    write(d / "survey.yaml", WEIGHTED_SCHEMA + design)
    write(d / "data.csv", csv_text)
    return ["survey.yaml", "data.csv"]


def _invalid_weight(d: Path) -> list[str]:
    return _weighted(d, WEIGHTED_CSV.replace(",0.5,", ",-0.5,").replace(",2,B", ",two,B"))


def _missing_weight(d: Path) -> list[str]:
    return _weighted(d, WEIGHTED_CSV.replace(",1,C,", ",,C,"))


def _missing_design_value(d: Path) -> list[str]:
    return _weighted(d, WEIGHTED_CSV.replace(",B,north", ",,north"), "design: {cluster: account}\n")


def _invalid_fpc(d: Path) -> list[str]:
    design = "design: {strata: region, fpc: pop}\n"
    return _weighted(d, WEIGHTED_CSV.replace("B,north,10", "B,north,11"), design)


def _single_psu_stratum(d: Path) -> list[str]:
    design = "design: {cluster: account, strata: region}\n"
    return _weighted(d, WEIGHTED_CSV.replace("C,south", "D,south"), design)


def _too_few_psus(d: Path) -> list[str]:
    csv_text = WEIGHTED_CSV.replace(",B,", ",A,").replace(",C,", ",D,")
    return _weighted(d, csv_text, "design: {cluster: account}\n")  # two accounts: 1 df


COUNTS_CSV = """\
question,side,answer,n
q1,vendor,agree,2
q1,vendor,strongly agree,1
q1,customer,disagree,2
q1,customer,neutral,1
q2,vendor,strongly agree,1
q2,vendor,neutral,1
q2,vendor,agree,1
q2,customer,agree,1
q2,customer,,1
q2,customer,disagree,1
"""


def _counts(d: Path, table: str, schema: str = SCHEMA) -> list[str]:
    write(d / "survey.yaml", schema)
    write(d / "counts.csv", table)
    return ["survey.yaml", "--counts", "counts.csv"]


def _unexpected_column(d: Path) -> list[str]:
    table = COUNTS_CSV.replace("answer,n\n", "answer,n,region\n").replace("\n", ",x\n")
    return _counts(d, table.replace("answer,n,region,x\n", "answer,n,region\n"))


def _invalid_count(d: Path) -> list[str]:
    return _counts(d, COUNTS_CSV.replace("q1,vendor,agree,2", "q1,vendor,agree,-2"))


def _unknown_question(d: Path) -> list[str]:
    return _counts(d, COUNTS_CSV + "q3,vendor,agree,1\n")


def _inconsistent_counts(d: Path) -> list[str]:
    return _counts(d, COUNTS_CSV.replace("q2,customer,,1", "q2,customer,,2"))


RAKED_SCHEMA = SCHEMA + (
    "weighting:\n  rake:\n    region: {north: 0.5, south: 0.5}\n"
    "    account: {A: 0.25, B: 0.25, C: 0.25, D: 0.25}\n  sides: [vendor]\n"
)


def _counts_unsupported(d: Path) -> list[str]:
    """weighting: needs each respondent's row to rake."""
    return _counts(d, COUNTS_CSV, RAKED_SCHEMA)


def _unreachable_target(d: Path) -> list[str]:
    """No vendor is of account C: its target cannot be reached."""
    write(d / "survey.yaml", RAKED_SCHEMA)
    write(d / "data.csv", WEIGHTED_CSV)
    return ["survey.yaml", "data.csv"]


def _weighting_not_converged(d: Path) -> list[str]:
    """The vendors of account A and B are all north: A and B at 90% and north at 50%
    cannot both hold."""
    margins = "account: {A: 0.45, B: 0.45, D: 0.1}"
    write(
        d / "survey.yaml",
        RAKED_SCHEMA.replace("account: {A: 0.25, B: 0.25, C: 0.25, D: 0.25}", margins),
    )
    write(d / "data.csv", WEIGHTED_CSV)
    return ["survey.yaml", "data.csv"]


ERROR_FIXTURES: dict[str, Fixture] = {
    "unexpected-column": _unexpected_column,
    "invalid-count": _invalid_count,
    "unknown-question": _unknown_question,
    "inconsistent-counts": _inconsistent_counts,
    "counts-unsupported": _counts_unsupported,
    "unreachable-target": _unreachable_target,
    "weighting-not-converged": _weighting_not_converged,
    "too-few-psus": _too_few_psus,
    "invalid-weight": _invalid_weight,
    "missing-weight": _missing_weight,
    "missing-design-value": _missing_design_value,
    "invalid-fpc": _invalid_fpc,
    "single-psu-stratum": _single_psu_stratum,
    "schema": _schema_error,
    "unreadable-data": _unreadable,
    "missing-column": _missing_column,
    "unknown-answer": _unknown_answer,
    "not-a-number": _not_a_number,
    "out-of-range": _out_of_range,
    "unknown-side": _unknown_side,
    "duplicate-id": _duplicate_id,
    "duplicate-file": _duplicate_file,
    "empty-file": _empty_file,
    "empty-side": _empty_side,
    "no-answers": _no_answers,
    "rule-unchecked": _rule_unchecked,
    "mixed-encoding": _mixed_encoding,
    "ragged-row": _ragged_row,
    "compressed-file": _compressed_file,
    "uncached-formula": _uncached_formula,
    "duplicate-key": _duplicate_key,
    "percent-for-fraction": _percent_for_fraction,
    "duplicate-segment": _duplicate_segment,
}

# Problems of the command line rather than of the schema or the data: validate lists no
# findings for them (tests/cli/test_outputs_integrity.py holds every command to them).
COMMAND_LINE_CODES = {"output-overwrites-input"}


def test_every_error_code_has_a_fixture() -> None:
    missing = set(ERROR_CODES) - COMMAND_LINE_CODES - set(ERROR_FIXTURES)
    assert not missing, f"error codes without a fixture in ERROR_FIXTURES: {sorted(missing)}"
    assert not set(ERROR_FIXTURES) - set(ERROR_CODES), "a fixture for a code that is not listed"


@pytest.mark.parametrize("code", sorted(CODES))
def test_every_listed_code_is_given_somewhere(code: str) -> None:
    """A code in gapscan.errors.CODES that no module gives is a stale entry."""
    sources = [p for p in SRC.rglob("*.py") if p.name != "errors.py"]
    assert any(f'"{code}"' in p.read_text(encoding="utf-8") for p in sources), code


def test_an_unlisted_code_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown problem code 'no-such-code'"):
        Problem("x", code="no-such-code")


@pytest.mark.parametrize("code", list(ERROR_FIXTURES))
def test_analyze_refuses_each_error_validate_reports(workdir: Path, code: str) -> None:
    args = ERROR_FIXTURES[code](workdir)
    status, stdout, stderr = run("validate", *args, "--format", "json")
    assert status == 2, stderr
    assert "Traceback" not in stdout + stderr
    errors = [f for f in json.loads(stdout)["findings"] if f["severity"] == "error"]
    assert code in {f["code"] for f in errors}, errors
    analyzed = run_bad(workdir, "analyze", *args)
    for finding in errors:  # every error validate lists, analyze names: file, line, message
        where = (
            finding["file"] if finding["line"] is None else f"{finding['file']}:{finding['line']}"
        )
        assert f"error: {where}: {finding['message']}" in analyzed, (finding, analyzed)
    assert "internal error" not in analyzed
