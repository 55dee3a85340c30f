"""``analyze`` refuses what ``validate`` calls an error, and a gate never passes on
nothing: exit 2 with the code ``validate`` shows, naming the file and line."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

from tests.cli.test_bad_input import error_lines, line_of, run, run_bad, workdir, write

__all__ = ["workdir"]  # the fixture, imported for the tests below

SCHEMA = """\
survey: Gate test survey
sides:
  column: side
  vendor: [Vendor]
  customer: [Customer]
respondent_id: rid
segments: [region]
scales:
  agree5:
    levels: [Strongly disagree, Disagree, Neutral, Agree, Strongly agree]
    top_box: 2
questions:
  - id: q1
    scale: agree5
    column: q1
  - id: q2
    scale: agree5
    column: q2
analysis:
  min_n: 5
"""

RULE = """\
rules:
  - name: no wide gap
    metric: top_box_gap
    max: 0.9
"""


def rows(n_vendor: int, n_customer: int, *, start: int = 1, region: str = "EMEA") -> str:
    """Respondents ``start``.. with answers on both questions."""
    out = []
    for i in range(n_vendor + n_customer):
        side = "Vendor" if i < n_vendor else "Customer"
        answer = "Agree" if i % 2 else "Disagree"
        out.append(f"{start + i},{side},{region},{answer},{answer}\n")
    return "".join(out)


HEADER = "rid,side,region,q1,q2\n"


def digests(directory: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.iterdir())
        if p.is_file()
    }


def validate_codes(*args: str) -> tuple[int, list[dict[str, object]]]:
    code, stdout, stderr = run("validate", *args, "--format", "json")
    assert "Traceback" not in stdout + stderr
    findings: list[dict[str, object]] = json.loads(stdout)["findings"]
    return code, findings


def errors_of(findings: list[dict[str, object]]) -> list[dict[str, object]]:
    return [f for f in findings if f["severity"] == "error"]


# ----------------------------------------------------------------------- data


def test_the_gate_fixture_is_valid(workdir: Path) -> None:
    write(workdir / "survey.yaml", SCHEMA + RULE)
    write(workdir / "data.csv", HEADER + rows(6, 6))
    code, _, stderr = run("analyze", "survey.yaml", "data.csv")
    assert code == 0, stderr
    assert "no wide gap (2 checked)" in run("analyze", "survey.yaml", "data.csv")[1]


def test_a_file_with_a_header_and_no_rows(workdir: Path) -> None:
    write(workdir / "survey.yaml", SCHEMA + RULE)
    write(workdir / "empty.csv", HEADER)
    before = digests(workdir)
    stderr = run_bad(workdir, "analyze", "survey.yaml", "empty.csv")
    (line,) = error_lines(stderr)
    assert line.startswith("error: empty.csv:1: ")
    assert "header and no rows" in line
    assert digests(workdir) == before
    code, findings = validate_codes("survey.yaml", "empty.csv")
    assert code == 2
    assert [f["code"] for f in errors_of(findings)] == ["empty-file"]


def test_an_empty_file_among_good_ones_is_refused(workdir: Path) -> None:
    write(workdir / "survey.yaml", SCHEMA + RULE)
    write(workdir / "data.csv", HEADER + rows(6, 6))
    write(workdir / "late.csv", HEADER + "\n\n")
    stderr = run_bad(workdir, "analyze", "survey.yaml", "data.csv", "late.csv")
    (line,) = error_lines(stderr)
    assert line.startswith("error: late.csv:1: ")


def test_every_row_excluded_leaves_no_responses(workdir: Path) -> None:
    """A Qualtrics export holding only its preview and test responses."""
    source = Path(__file__).parents[2] / "surveys" / "qualtrics-export.csv"
    with source.open(encoding="utf-8", newline="") as fh:
        records = list(csv.reader(fh))
    status = records[0].index("Status")
    kept = [r for r in records[3:] if r[status] in ("Survey Preview", "Survey Test")]
    with (workdir / "export.csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(records[:3] + kept)
    assert run("init", str(source), "--out", "survey.yaml")[0] == 0  # drafted on all rows
    stderr = run_bad(workdir, "analyze", "survey.yaml", "export.csv")
    (line,) = error_lines(stderr)
    assert line.startswith("error: export.csv:1: ")
    assert "all 3 rows were excluded (2 preview, 1 test): no responses left" in line


def test_rows_blank_in_every_needed_column_leave_no_responses(workdir: Path) -> None:
    write(workdir / "survey.yaml", SCHEMA)
    write(workdir / "data.csv", "rid,side,region,q1,q2,note\n,,,,,a\n,, ,,,b\n")
    stderr = run_bad(workdir, "analyze", "survey.yaml", "data.csv")
    (line,) = error_lines(stderr)
    assert line.startswith("error: data.csv:1: all 2 rows are blank"), line


def test_no_respondent_on_a_side(workdir: Path) -> None:
    write(workdir / "survey.yaml", SCHEMA + RULE)
    write(workdir / "data.csv", HEADER + rows(8, 0))
    stderr = run_bad(workdir, "analyze", "survey.yaml", "data.csv")
    lines = error_lines(stderr)
    assert any("no customer respondents in data.csv" in e for e in lines), stderr
    assert all(e.startswith("error: survey.yaml: ") for e in lines), stderr
    code, findings = validate_codes("survey.yaml", "data.csv")
    assert code == 2
    assert {f["code"] for f in errors_of(findings)} == {"empty-side", "no-answers"}
    assert len(lines) == len(errors_of(findings))  # analyze lists every error validate lists


def test_a_question_nobody_answered_on_a_side(workdir: Path) -> None:
    write(workdir / "survey.yaml", SCHEMA + RULE)
    data = HEADER + rows(6, 0) + "".join(f"{i},Customer,EMEA,Agree,\n" for i in range(7, 13))
    write(workdir / "data.csv", data)
    stderr = run_bad(workdir, "analyze", "survey.yaml", "data.csv")
    (line,) = error_lines(stderr)
    assert "question 'q2' has no customer answers (column 'q2' in data.csv)" in line
    code, findings = validate_codes("survey.yaml", "data.csv")
    assert code == 2
    assert [f["code"] for f in errors_of(findings)] == ["no-answers"]


def test_no_rules_does_not_skip_the_data_checks(workdir: Path) -> None:
    write(workdir / "survey.yaml", SCHEMA)
    write(workdir / "data.csv", HEADER + rows(4, 0))
    stderr = run_bad(workdir, "analyze", "survey.yaml", "data.csv", "--no-rules")
    assert "no customer respondents" in stderr


# ---------------------------------------------------------------------- rules


def test_a_rule_whose_questions_are_all_suppressed_fails_the_run(workdir: Path) -> None:
    schema = write(workdir / "survey.yaml", SCHEMA + RULE)
    write(workdir / "data.csv", HEADER + rows(3, 8))  # 3 vendors < min_n 5
    stderr = run_bad(workdir, "analyze", "survey.yaml", "data.csv")
    (line,) = error_lines(stderr)
    assert line.startswith(f"error: survey.yaml:{line_of(schema, '- name: no wide gap')}: ")
    assert "'no wide gap' has nothing to check" in line
    assert "q1, q2" in line and "min_n 5" in line
    code, findings = validate_codes("survey.yaml", "data.csv")
    assert code == 2
    (error,) = errors_of(findings)
    assert error["code"] == "rule-unchecked"
    assert error["line"] == line_of(schema, "- name: no wide gap")


def test_a_rule_on_one_suppressed_question_fails_though_another_rule_holds(
    workdir: Path,
) -> None:
    rules = (
        "rules:\n  - name: on q1\n    metric: top_box_gap\n    max: 0.9\n    questions: [q1]\n"
        "  - name: on q2\n    metric: mean_gap\n    max: 3\n    questions: [q2]\n"
    )
    write(workdir / "survey.yaml", SCHEMA + rules)
    lines = rows(6, 6).splitlines(keepends=True)
    for i in range(4):  # 4 of the 6 vendors leave q2 blank: 2 vendor answers < min_n 5
        lines[i] = lines[i].rsplit(",", 1)[0] + ",\n"
    write(workdir / "data.csv", HEADER + "".join(lines))
    stderr = run_bad(workdir, "analyze", "survey.yaml", "data.csv")
    (line,) = error_lines(stderr)
    assert "rule 'on q2' has nothing to check" in line
    assert "comparison of q2 is suppressed" in line


def test_without_rules_a_suppressed_whole_sample_still_reports(workdir: Path) -> None:
    write(workdir / "survey.yaml", SCHEMA + RULE)
    write(workdir / "data.csv", HEADER + rows(3, 8))
    code, stdout, stderr = run("analyze", "survey.yaml", "data.csv", "--no-rules")
    assert code == 0, stderr
    assert "suppressed" in stdout


def test_suppressed_segments_stay_not_checked(workdir: Path) -> None:
    rule = RULE + "    include_segments: true\n"
    write(workdir / "survey.yaml", SCHEMA + rule)
    data = HEADER + rows(6, 6) + rows(1, 1, start=50, region="APAC")  # APAC: below min_n
    write(workdir / "data.csv", data)
    code, stdout, stderr = run("analyze", "survey.yaml", "data.csv", "--format", "json")
    assert code == 0, stderr
    report = json.loads(stdout)
    apac = [r for r in report["results"] if r["segment"] == {"region": "APAC"}]
    assert apac and all(r["suppressed"] for r in apac)
    assert report["rules"][0]["checked"] == 4  # whole sample and EMEA, both questions


def test_gap_change_without_a_baseline_stays_not_checked(workdir: Path) -> None:
    rule = "rules:\n  - name: steady\n    metric: gap_change\n    max: 0.05\n"
    write(workdir / "survey.yaml", SCHEMA + rule)
    write(workdir / "data.csv", HEADER + rows(6, 6))
    code, stdout, stderr = run("analyze", "survey.yaml", "data.csv")
    assert code == 0, stderr
    assert "steady (not checked: needs --baseline" in stdout


def test_paired_pairs_below_min_n_fail_the_rule(workdir: Path) -> None:
    schema = SCHEMA.replace("respondent_id: rid\n", "respondent_id: rid\npair_by: region\n")
    write(workdir / "survey.yaml", schema + RULE)
    write(workdir / "data.csv", HEADER + rows(6, 6))  # one account: 1 pair < min_n 5
    stderr = run_bad(workdir, "analyze", "survey.yaml", "data.csv", "--paired")
    assert "has nothing to check" in stderr and "min_n 5 pairs" in stderr


# ---------------------------------------------------------------------- trend


def test_a_trend_wave_without_customers_is_refused_with_every_wave_named(workdir: Path) -> None:
    write(workdir / "survey.yaml", SCHEMA)
    write(workdir / "w-2026Q1.csv", HEADER + rows(6, 0))
    write(workdir / "w-2026Q2.csv", HEADER)
    write(workdir / "w-2026Q3.csv", HEADER + rows(6, 6))
    stderr = run_bad(
        workdir, "trend", "survey.yaml", "w-2026Q1.csv", "w-2026Q2.csv", "w-2026Q3.csv"
    )
    assert "no customer respondents in w-2026Q1.csv" in stderr
    assert "error: w-2026Q2.csv:1: the file has a header and no rows" in stderr
    assert "w-2026Q3" not in stderr
