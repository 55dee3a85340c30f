"""``gapscan init`` drafts schemas that analyse without edits; ``gapscan validate``
reports every problem with a code."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from gapscan.cli import app
from tests.conftest import EXTERNAL, SURVEYS, schema_text

runner = CliRunner()


def run(*args: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    return result.exit_code, result.stdout, result.stderr


def draft(tmp_path: Path, *args: str | Path) -> dict[str, object]:
    schema = tmp_path / "drafted.yaml"
    code, _, err = run("init", *args, "--out", schema)
    assert code == 0, err
    data = yaml.safe_load(schema.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.mark.parametrize(
    ("export", "questions"),
    [
        ("cmo-affinity.csv", {"centricity", "improving", "alignment"}),
        ("account-pulse.csv", {"understands", "responsive", "value"}),
        ("qualtrics-export.csv", {"q1_1", "q1_2", "q1_3", "q2"}),
    ],
)
def test_drafted_schema_of_each_bundled_example_analyses(
    tmp_path: Path, export: str, questions: set[str]
) -> None:
    drafted = draft(tmp_path, SURVEYS / export)
    assert {q["id"] for q in drafted["questions"]} == questions  # type: ignore[attr-defined]
    code, out, err = run("analyze", tmp_path / "drafted.yaml", "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    assert {r["question"] for r in report["results"]} == questions
    assert all(not r["suppressed"] for r in report["results"])


def test_drafted_scales_are_ordered_and_sides_found(tmp_path: Path) -> None:
    drafted = draft(tmp_path, SURVEYS / "cmo-affinity.csv")
    scales = drafted["scales"]
    assert isinstance(scales, dict)
    levels = {name: spec["levels"] for name, spec in scales.items()}
    assert ["Not aligned", "Somewhat aligned", "Well aligned", "Extremely well-aligned"] in (
        levels.values()
    )
    agree = next(spec for spec in scales.values() if "Strongly agree" in spec["levels"])
    assert agree["levels"][0] == "Strongly disagree" and agree["top_box"] == 2
    assert drafted["sides"] == {
        "column": "respondent_type",
        "vendor": ["Vendor"],
        "customer": ["Customer"],
    }


def test_qualtrics_export_round_trip_excludes_previews_and_tests(tmp_path: Path) -> None:
    drafted = draft(tmp_path, SURVEYS / "qualtrics-export.csv")
    assert drafted["pair_by"] == "account"
    text = (tmp_path / "drafted.yaml").read_text(encoding="utf-8")
    assert "#   StartDate: survey tool metadata" in text  # left out, and said so
    code, out, _ = run("analyze", tmp_path / "drafted.yaml", "--format", "json")
    assert code == 0
    source = json.loads(out)["inputs"][0]
    assert source["tool"] == "qualtrics"
    assert source["excluded"] == {"preview": 2, "test": 1}
    assert source["unfinished_kept"] == 5
    assert (source["vendor"], source["customer"]) == (60, 180)


def split_by_condition(tmp_path: Path) -> tuple[Path, Path]:
    """The real impressive-climate export split in two Qualtrics exports (header rows
    kept): the 'impressive' condition stands in for one side, 'control' for the other."""
    name = EXTERNAL / "qualtrics-impressive-climate" / "qualtrics.csv"
    with name.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header, body = rows[:3], rows[3:]
    column = rows[0].index("condition")
    paths = []
    for condition in ("impressive", "control"):
        path = tmp_path / f"{condition}.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh, lineterminator="\r\n").writerows(
                header + [r for r in body if r[column] == condition]
            )
        paths.append(path)
    return paths[0], paths[1]


@pytest.mark.skipif(not EXTERNAL.is_dir(), reason="shared/external is not beside the repository")
def test_real_qualtrics_export_round_trip(tmp_path: Path) -> None:
    vendor, customer = split_by_condition(tmp_path)
    drafted = draft(tmp_path, "--vendor", vendor, "--customer", customer)
    columns = [q["column"] for q in drafted["questions"]]  # type: ignore[index]
    # the twelve 0-100 sliders are drafted as numeric questions, then the 5-point scale
    assert columns[-1] == "Impressiveness" and len(columns) == 13
    assert all(q.get("type") == "numeric" for q in drafted["questions"][:12])  # type: ignore[index]
    code, out, err = run(
        "analyze", tmp_path / "drafted.yaml", "--vendor", vendor, "--customer", customer,
        "--format", "json",
    )  # fmt: skip
    assert code == 0, err
    results = json.loads(out)["results"]
    assert len(results) == 13
    result = results[-1]
    # SOURCES.md: "5 - Extremely impressive": impressive 53/147, control 19/77; the
    # drafted top box is the top two levels of the five
    assert (result["vendor"]["n"], result["customer"]["n"]) == (147, 77)
    assert result["question_text"].startswith("How impressive do you think")


@pytest.mark.skipif(not EXTERNAL.is_dir(), reason="shared/external is not beside the repository")
def test_export_without_rating_scales_is_refused_with_the_reason(tmp_path: Path) -> None:
    code, _, err = run("init", EXTERNAL / "qualtrics-qualtRics" / "sample.csv")
    assert code == 2
    assert "no column looks like a rating scale" in err


def test_init_does_not_overwrite_without_force(tmp_path: Path) -> None:
    schema = tmp_path / "s.yaml"
    schema.write_text("keep me\n")
    code, _, err = run("init", SURVEYS / "cmo-affinity.csv", "--out", schema)
    assert code == 2 and "already exists" in err
    assert schema.read_text() == "keep me\n"
    code, _, _ = run("init", SURVEYS / "cmo-affinity.csv", "--out", schema, "--force")
    assert code == 0 and "survey:" in schema.read_text()


# ---------------------------------------------------------------------- validate


def test_validate_clean_example_lists_warnings_and_exits_0() -> None:
    code, out, _ = run("validate", SURVEYS / "cmo-affinity.yaml", "--format", "json")
    assert code == 0
    report = json.loads(out)
    assert report["valid"] is True and report["errors"] == 0
    assert [f["code"] for f in report["findings"]] == ["below-min-n"]
    assert "Latin America" in report["findings"][0]["message"]
    code, _, _ = run("validate", SURVEYS / "cmo-affinity.yaml", "--strict")
    assert code == 2


def write(tmp_path: Path, rows: str, **schema: object) -> Path:
    (tmp_path / "data.csv").write_text("side,region,q1,q2\n" + rows, encoding="utf-8")
    path = tmp_path / "s.yaml"
    path.write_text(schema_text(**schema) + "data: [data.csv]\n", encoding="utf-8")  # type: ignore[arg-type]
    return path


def test_validate_lists_every_data_problem_with_codes(tmp_path: Path) -> None:
    rows = "Vendor,EMEA,Agree,Agre\nCustomer,EMEA,Agree,Agree\nPartner,EMEA,Agree,Agree\n"
    schema = write(tmp_path, rows)
    code, out, _ = run("validate", schema, "--format", "json")
    assert code == 2
    findings = json.loads(out)["findings"]
    codes = sorted(f["code"] for f in findings)
    assert codes == ["unknown-answer", "unknown-side"]
    unknown = next(f for f in findings if f["code"] == "unknown-answer")
    assert "'Agre' x1 (row 2)" in unknown["message"] and unknown["line"] == 2


def test_validate_finds_a_question_without_answers_on_one_side(tmp_path: Path) -> None:
    rows = "".join("Vendor,EMEA,Agree,Agree\nCustomer,EMEA,Agree,\n" for _ in range(6))
    schema = write(tmp_path, rows)
    code, out, _ = run("validate", schema, "--format", "json")
    assert code == 2
    findings = json.loads(out)["findings"]
    assert any(
        f["code"] == "no-answers" and "'q2' has no customer answers" in f["message"]
        for f in findings
    )
    assert any(f["code"] == "level-never-used" for f in findings)


def test_validate_reports_schema_problems_all_at_once(tmp_path: Path) -> None:
    schema = tmp_path / "s.yaml"
    schema.write_text(
        "survey: x\nscales:\n  a:\n    levels: [x, y]\n    top_bx: 1\n"
        "questions:\n  - {id: q, scale: b, column: q}\n"
    )
    code, out, _ = run("validate", schema)
    assert code == 2
    said = " ".join(out.split())  # lines wrap where the path's length puts them
    assert (
        "top_bx" in said and "unknown scale 'b'" in said and "not valid: 3 error(s)" in said
    )  # top_bx, missing top_box, scale b


def test_xlsx_export_reads_like_its_csv(tmp_path: Path) -> None:
    """The same Qualtrics export saved as XLSX (with a second sheet in front) gives the
    same report as the CSV, once --sheet names the sheet."""
    openpyxl = pytest.importorskip("openpyxl")
    with (SURVEYS / "qualtrics-export.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    workbook = openpyxl.Workbook()
    workbook.active.title = "Notes"
    workbook.active.append(["exported from Qualtrics"])
    sheet = workbook.create_sheet("Responses")
    for row in rows:
        sheet.append(row)
    xlsx = tmp_path / "export.xlsx"
    workbook.save(xlsx)
    draft(tmp_path, SURVEYS / "qualtrics-export.csv")
    schema = tmp_path / "drafted.yaml"
    _, from_csv, _ = run("analyze", schema, SURVEYS / "qualtrics-export.csv", "--format", "json")
    code, from_xlsx, err = run("analyze", schema, xlsx, "--sheet", "Responses", "--format", "json")
    assert code == 0, err
    assert json.loads(from_xlsx)["results"] == json.loads(from_csv)["results"]
    assert json.loads(from_xlsx)["inputs"][0]["excluded"] == {"preview": 2, "test": 1}
    code, _, err = run("analyze", schema, xlsx, "--sheet", "Nope")
    assert code == 2 and "no sheet 'Nope'" in err and "Responses" in err
