"""Bad input on the command line: exit code 2, ``error: FILE[:LINE]: ...``, no traceback,
and no report (nor a temporary file) left behind."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gapscan.cli import app

SCHEMA = """\
survey: CLI test survey
sides:
  column: side
  vendor: [Vendor]
  customer: [Customer]
respondent_id: rid
scales:
  agree5:
    levels: [Strongly disagree, Disagree, Neutral, Agree, Strongly agree]
    top_box: 2
    missing: ["Don't know"]
questions:
  - id: q1
    scale: agree5
    column: q1
  - id: q2
    scale: agree5
    column: q2
"""

GOOD_CSV = """\
rid,side,q1,q2
1,Vendor,Agree,Strongly agree
2,Customer,Disagree,Agree
3,Vendor,Strongly agree,Neutral
4,Customer,Neutral,Don't know
5,Vendor,Agree,Agree
6,Customer,Disagree,Disagree
"""

OUT_JSON = ["--format", "json", "--out", "report.json"]
ERROR_LINE = re.compile(r"^(error: .+|\d+ problems found\.)$")


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Run in an empty directory, so that file names in messages are short and known."""
    monkeypatch.chdir(tmp_path)
    yield tmp_path


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def line_of(path: Path, needle: str, occurrence: int = 1) -> int:
    hits = [
        number
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if needle in line
    ]
    assert len(hits) >= occurrence, f"{needle!r} not in {path}"
    return hits[occurrence - 1]


def run(*args: str) -> tuple[int, str, str]:
    """Invoke the CLI in-process; (exit code, stdout, stderr)."""
    result = CliRunner().invoke(app, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"uncaught {result.exception!r}") from result.exception
    return result.exit_code, result.stdout, result.stderr


def run_bad(directory: Path, *args: str, out: bool = True) -> str:
    """Run with bad input; check what every bad-input run must do; return stderr."""
    before = sorted(p.name for p in directory.iterdir())
    extra = OUT_JSON if out else []
    code, stdout, stderr = run(*args, *extra)
    assert code == 2, f"exit {code}\nstdout: {stdout}\nstderr: {stderr}"
    assert stderr.startswith("error: "), stderr
    assert "Traceback" not in stdout + stderr
    assert stdout == ""
    after = sorted(p.name for p in directory.iterdir())
    assert after == before, f"files left behind: {set(after) - set(before)}"
    assert not (directory / "report.json").exists()
    return stderr


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("error: ")]


# ---------------------------------------------------------------------------- baseline


def test_the_fixtures_are_valid(workdir: Path) -> None:
    """The good schema and data run cleanly, so each bad case fails for its own reason."""
    write(workdir / "survey.yaml", SCHEMA)
    write(workdir / "data.csv", GOOD_CSV)
    code, _, stderr = run(
        "analyze", "survey.yaml", "data.csv", "--format", "json", "--out", "report.json"
    )
    assert code == 0, stderr
    report = json.loads((workdir / "report.json").read_text(encoding="utf-8"))
    assert report["exit_code"] == 0
    assert sorted(p.name for p in workdir.iterdir()) == ["data.csv", "report.json", "survey.yaml"]


# ------------------------------------------------------------------- schema problems

SCHEMA_CASES = {
    # id: (schema text, line needle (None: no line), fragments the message names)
    "unknown-key": (SCHEMA.replace("top_box: 2", "top_bx: 2"), "top_bx:", ["top_bx", "top_box"]),
    "unknown-scale": (SCHEMA.replace("scale: agree5", "scale: agree6", 1), "agree6", ["agree6"]),
    "top-box-label": (
        SCHEMA.replace("top_box: 2", "top_box: [Strongly agre]"),
        "top_box:",
        ["Strongly agre"],
    ),
    "top-box-zero": (SCHEMA.replace("top_box: 2", "top_box: 0"), "top_box:", ["top_box 0"]),
    "top-box-k": (SCHEMA.replace("top_box: 2", "top_box: 5"), "top_box:", ["top_box 5"]),
    "duplicate-id": (SCHEMA.replace("id: q2", "id: q1"), "- id: q1#2", ["'q1'"]),
    "no-levels": (
        SCHEMA.replace(
            "    levels: [Strongly disagree, Disagree, Neutral, Agree, Strongly agree]\n", ""
        ),
        "agree5:",
        ["levels"],
    ),
    "no-questions": (SCHEMA.split("questions:")[0], "survey:", ["questions"]),
    "column-and-columns": (
        SCHEMA + "    columns: {vendor: v2, customer: c2}\n",
        "- id: q2",
        ["column", "columns"],
    ),
    "neither-column": (SCHEMA.replace("    column: q2\n", ""), "- id: q2", ["column"]),
    "bad-correction": (SCHEMA + "analysis:\n  correction: fdr\n", "correction:", ["correction"]),
    "rule-unknown-question": (
        SCHEMA + "rules:\n  - metric: top_box_gap\n    max: 0.3\n    questions: [q3]\n",
        "questions: [q3]",
        ["q3"],
    ),
    "design-key": (SCHEMA + "design: {clustr: account}\n", "design:", ["clustr"]),
    "yaml-syntax": (
        SCHEMA.replace("  column: side", "  column: side: x"),
        "column: side",
        ["YAML"],
    ),
    "not-a-mapping": ("- survey\n- questions\n", "- survey", ["mapping"]),
    "empty": ("", None, ["empty"]),
    "alias-bomb": (
        "a0: &a0 [l, l, l, l, l, l, l, l, l, l]\n"
        + "".join(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 9)),
        None,
        ["alias"],
    ),
}


@pytest.mark.parametrize("case", list(SCHEMA_CASES))
def test_schema_problem(workdir: Path, case: str) -> None:
    text, needle, fragments = SCHEMA_CASES[case]
    schema = write(workdir / "survey.yaml", text)
    write(workdir / "data.csv", GOOD_CSV)
    stderr = run_bad(workdir, "analyze", "survey.yaml", "data.csv")
    if needle is None:
        assert "survey.yaml" in error_lines(stderr)[0], stderr
    else:
        needle, _, nth = needle.partition("#")
        line = line_of(schema, needle, int(nth or 1))
        hits = [e for e in error_lines(stderr) if e.startswith(f"error: survey.yaml:{line}: ")]
        assert hits, f"no error at survey.yaml:{line}:\n{stderr}"
        assert any(all(f in hit for f in fragments) for hit in hits), stderr
    for fragment in fragments:
        assert fragment in stderr


def test_schema_file_not_found(workdir: Path) -> None:
    write(workdir / "data.csv", GOOD_CSV)
    stderr = run_bad(workdir, "analyze", "missing.yaml", "data.csv")
    assert stderr.startswith("error: missing.yaml: ")
    assert "not found" in stderr


def test_every_schema_problem_is_listed(workdir: Path) -> None:
    text = (
        SCHEMA.replace("top_box: 2", "top_box: 9")
        .replace("scale: agree5\n    column: q2", "scale: agree4\n    column: q2")
        .replace("  column: side\n", "  column: side\n  colour: blue\n")
    )
    schema = write(workdir / "survey.yaml", text)
    write(workdir / "data.csv", GOOD_CSV)
    stderr = run_bad(workdir, "analyze", "survey.yaml", "data.csv")
    lines = error_lines(stderr)
    assert len(lines) == 3, stderr
    for needle in ("top_box: 9", "scale: agree4", "colour: blue"):
        assert any(e.startswith(f"error: survey.yaml:{line_of(schema, needle)}: ") for e in lines)
    assert "3 problems" in stderr
    for line in stderr.splitlines():
        assert ERROR_LINE.match(line), line


# --------------------------------------------------------------------- data problems


def test_data_file_lacks_columns(workdir: Path) -> None:
    schema = SCHEMA.replace("column: q1", "column: q1_centricity")
    write(workdir / "survey.yaml", schema.replace("column: q2", "column: alignment"))
    write(
        workdir / "data.csv",
        "rid,side,q1_centricty,Alignment\n1,Vendor,Agree,Agree\n2,Customer,Agree,Agree\n",
    )
    stderr = run_bad(workdir, "analyze", "survey.yaml", "data.csv")
    (line,) = error_lines(stderr)
    assert line.startswith("error: data.csv:1: ")
    assert "'q1_centricity'" in line
    assert "'alignment'" in line
    assert "q1_centricty" in line  # the closest existing names are suggested
    assert "Alignment" in line


# Rows as a spreadsheet shows them: the header is row 1, the first answer row 2.
UNKNOWN_CSV = """\
rid,side,q1,q2
1,Vendor,Agree,Agree
2,Customer,Agre,Disagree
3,Vendor,Agree,Maybe
4,Customer,Agre,Agree
5,Vendor,Agree,Agree
6,Vendor,Agre,Maybe
7,Customer,Agree,Agree
"""


def _value_report(line: str, value: str) -> str:
    """The part of an error line about one value: from its quote to the next ';' or end."""
    start = line.index(f"'{value}'")
    end = line.find(";", start)
    return line[start : end if end >= 0 else len(line)]


def test_answers_that_fit_no_level(workdir: Path) -> None:
    write(workdir / "survey.yaml", SCHEMA)
    write(workdir / "data.csv", UNKNOWN_CSV)
    stderr = run_bad(workdir, "analyze", "survey.yaml", "data.csv")
    lines = error_lines(stderr)
    assert len(lines) == 2, stderr
    q1 = next(e for e in lines if "'Agre'" in e)
    q2 = next(e for e in lines if "'Maybe'" in e)
    assert q1.startswith("error: data.csv:3: ")  # the first row with a bad value
    assert "q1" in q1
    agre = _value_report(q1, "Agre")
    assert re.search(r"(?<!\d)3(?!\d)", agre.split("row")[0]), agre  # its count
    assert "3, 5, 7" in agre  # its rows
    assert q2.startswith("error: data.csv:4: ")
    maybe = _value_report(q2, "Maybe")
    assert re.search(r"(?<!\d)2(?!\d)", maybe.split("row")[0]), maybe
    assert "4, 7" in maybe
    assert "2 problems" in stderr


def test_unknown_answers_many_values_and_rows(workdir: Path) -> None:
    rows = ["rid,side,q1,q2"]
    for i in range(2, 22):  # file rows 2..21
        q1 = "Agreed" if i % 2 == 0 else ("Meh" if i % 5 == 0 else "Agree")
        rows.append(f"{i},{'Vendor' if i % 3 else 'Customer'},{q1},Agree")
    write(workdir / "survey.yaml", SCHEMA)
    write(workdir / "data.csv", "\n".join(rows) + "\n")
    stderr = run_bad(workdir, "analyze", "survey.yaml", "data.csv")
    (line,) = error_lines(stderr)
    assert line.startswith("error: data.csv:2: ")
    agreed = _value_report(line, "Agreed")
    assert re.search(r"(?<!\d)10(?!\d)", agreed.split("row")[0]), agreed  # rows 2, 4, ..., 20
    assert "2, 4, 6" in agreed
    meh = _value_report(line, "Meh")
    assert re.search(r"(?<!\d)2(?!\d)", meh.split("row")[0]), meh  # rows 5 and 15
    assert "5, 15" in meh


def test_unknown_answer_rows_after_a_blank_line(workdir: Path) -> None:
    """A blank line is a row in a spreadsheet, so the rows after it keep their numbers."""
    write(workdir / "survey.yaml", SCHEMA)
    write(
        workdir / "data.csv",
        "rid,side,q1,q2\n1,Vendor,Agree,Agree\n\n3,Customer,Agree,Agree\n4,Vendor,Agre,Agree\n",
    )
    stderr = run_bad(workdir, "analyze", "survey.yaml", "data.csv")
    (line,) = error_lines(stderr)
    assert line.startswith("error: data.csv:5: "), line
    assert "row 5" in line


def test_unknown_answers_in_xlsx_use_spreadsheet_rows(workdir: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    for record in UNKNOWN_CSV.splitlines():
        workbook.active.append(record.split(","))
    workbook.save(workdir / "data.xlsx")
    write(workdir / "survey.yaml", SCHEMA)
    stderr = run_bad(workdir, "analyze", "survey.yaml", "data.xlsx")
    q1 = next(e for e in error_lines(stderr) if "'Agre'" in e)
    assert q1.startswith("error: data.xlsx:3: ")
    assert "3, 5, 7" in q1


def test_side_value_neither_vendor_nor_customer(workdir: Path) -> None:
    write(workdir / "survey.yaml", SCHEMA)
    write(
        workdir / "data.csv",
        GOOD_CSV + "7,Partner,Agree,Agree\n8,Vendor,Agree,Agree\n9,Partner,Agree,Agree\n",
    )
    stderr = run_bad(workdir, "analyze", "survey.yaml", "data.csv")
    (line,) = error_lines(stderr)
    assert line.startswith("error: data.csv:8: ")
    assert "'side'" in line
    partner = _value_report(line, "Partner")
    assert "8, 10" in partner


def test_duplicate_respondent_ids(workdir: Path) -> None:
    write(workdir / "survey.yaml", SCHEMA)
    write(workdir / "data.csv", GOOD_CSV + "3,Customer,Agree,Agree\n")
    stderr = run_bad(workdir, "analyze", "survey.yaml", "data.csv")
    (line,) = error_lines(stderr)
    assert line.startswith("error: data.csv:4: ")  # the first row holding id 3
    assert "'rid'" in line
    dup = _value_report(line, "3")
    assert "4, 8" in dup


def test_every_data_problem_is_listed(workdir: Path) -> None:
    write(workdir / "survey.yaml", SCHEMA)
    write(workdir / "data.csv", UNKNOWN_CSV + "8,Partner,Agree,Agree\n8,Customer,Agree,Agree\n")
    stderr = run_bad(workdir, "analyze", "survey.yaml", "data.csv")
    lines = error_lines(stderr)
    assert len(lines) == 4, stderr
    assert [int(e.split(":")[2]) for e in lines] == [3, 4, 9, 9]
    assert "4 problems" in stderr


def test_problems_of_two_files_are_listed_together(workdir: Path) -> None:
    write(workdir / "survey.yaml", SCHEMA)
    write(workdir / "vendor.csv", "rid,q1,q2\n1,Agree,Agre\n")
    write(workdir / "customer.csv", "rid,q1,q2\n2,Agree,Agree\n3,Maybe,Agree\n")
    stderr = run_bad(
        workdir, "analyze", "survey.yaml", "--vendor", "vendor.csv", "--customer", "customer.csv"
    )
    lines = error_lines(stderr)
    assert any(e.startswith("error: vendor.csv:2: ") and "'Agre'" in e for e in lines), stderr
    assert any(e.startswith("error: customer.csv:3: ") and "'Maybe'" in e for e in lines), stderr


@pytest.mark.parametrize("content", [b"", b"\n\n"], ids=["zero-bytes", "blank-lines"])
def test_empty_data_file(workdir: Path, content: bytes) -> None:
    write(workdir / "survey.yaml", SCHEMA)
    (workdir / "data.csv").write_bytes(content)
    stderr = run_bad(workdir, "analyze", "survey.yaml", "data.csv")
    assert stderr.startswith("error: data.csv")
    assert "empty" in stderr


def test_binary_data_file(workdir: Path) -> None:
    write(workdir / "survey.yaml", SCHEMA)
    (workdir / "data.csv").write_bytes(bytes(range(256)) * 16)
    stderr = run_bad(workdir, "analyze", "survey.yaml", "data.csv")
    assert stderr.startswith("error: data.csv")


def test_truncated_xlsx_data_file(workdir: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    for record in GOOD_CSV.splitlines():
        workbook.active.append(record.split(","))
    workbook.save(workdir / "whole.xlsx")
    data = (workdir / "whole.xlsx").read_bytes()
    (workdir / "data.xlsx").write_bytes(data[: len(data) // 2])
    write(workdir / "survey.yaml", SCHEMA)
    stderr = run_bad(workdir, "analyze", "survey.yaml", "data.xlsx")
    assert stderr.startswith("error: data.xlsx")


def test_missing_data_file(workdir: Path) -> None:
    write(workdir / "survey.yaml", SCHEMA)
    stderr = run_bad(workdir, "analyze", "survey.yaml", "nope.csv")
    assert stderr.startswith("error: nope.csv")
    assert "not found" in stderr


def test_data_path_is_a_directory(workdir: Path) -> None:
    write(workdir / "survey.yaml", SCHEMA)
    (workdir / "exports").mkdir()
    stderr = run_bad(workdir, "analyze", "survey.yaml", "exports")
    assert stderr.startswith("error: exports")


@pytest.mark.parametrize("given", ["--vendor", "--customer"])
def test_one_side_file_without_the_other(workdir: Path, given: str) -> None:
    write(workdir / "survey.yaml", SCHEMA)
    write(workdir / "side.csv", "rid,q1,q2\n1,Agree,Agree\n")
    stderr = run_bad(workdir, "analyze", "survey.yaml", given, "side.csv")
    assert "--vendor" in stderr
    assert "--customer" in stderr


def test_output_directory_missing(workdir: Path) -> None:
    write(workdir / "survey.yaml", SCHEMA)
    write(workdir / "data.csv", GOOD_CSV)
    code, stdout, stderr = run(
        "analyze", "survey.yaml", "data.csv", "--format", "json", "--out", "nowhere/report.json"
    )
    assert code == 2
    assert stderr.startswith("error: nowhere/report.json")
    assert "Traceback" not in stdout + stderr
    assert not (workdir / "nowhere").exists()


# -------------------------------------------------------------------- real process


def test_bad_input_in_a_real_process(workdir: Path) -> None:
    write(workdir / "survey.yaml", SCHEMA)
    write(workdir / "data.csv", UNKNOWN_CSV)
    before = sorted(p.name for p in workdir.iterdir())
    proc = subprocess.run(
        [sys.executable, "-m", "gapscan", "analyze", "survey.yaml", "data.csv", *OUT_JSON],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=workdir,
        env={**os.environ, "PYTHONWARNINGS": "default"},
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == ""
    assert proc.stderr.startswith("error: data.csv:3: ")
    assert "Traceback" not in proc.stdout + proc.stderr
    assert sorted(p.name for p in workdir.iterdir()) == before


def test_bad_schema_via_the_console_script(workdir: Path) -> None:
    script = shutil.which("gapscan", path=str(Path(sys.executable).parent))
    assert script is not None, "the 'gapscan' console script is not installed next to python"
    write(workdir / "survey.yaml", SCHEMA.replace("top_box: 2", "top_bx: 2"))
    write(workdir / "data.csv", GOOD_CSV)
    proc = subprocess.run(
        [script, "analyze", "survey.yaml", "data.csv"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=workdir,
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: survey.yaml:")
    assert "did you mean 'top_box'" in proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
