"""End to end: ``gapscan analyze`` on the bundled example and on small surveys."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gapscan.cli import app
from tests.conftest import SURVEYS, schema_text

runner = CliRunner()


def run(*args: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def write_survey(tmp_path: Path, rows: list[tuple[str, ...]], **schema: object) -> Path:
    (tmp_path / "data.csv").write_text(
        "side,region,q1,q2\n" + "".join(",".join(r) + "\n" for r in rows), encoding="utf-8"
    )
    text = schema_text(**schema) + "data: [data.csv]\n"  # type: ignore[arg-type]
    (tmp_path / "survey.yaml").write_text(text, encoding="utf-8")
    return tmp_path / "survey.yaml"


def gap_rows(
    vendor_top: int, vendor_n: int, customer_top: int, customer_n: int
) -> list[tuple[str, ...]]:
    rows = []
    for side, top, n in (("Vendor", vendor_top, vendor_n), ("Customer", customer_top, customer_n)):
        for i in range(n):
            answer = "Agree" if i < top else "Disagree"
            rows.append((side, "EMEA" if i % 2 else "APAC", answer, "Neutral"))
    return rows


def test_example_prints_the_centricity_gap(example_schema: Path) -> None:
    code, out, err = run("analyze", example_schema, "--width", "140")
    assert code == 0, err
    line = next(x for x in out.splitlines() if "customer-centric" in x)
    # CMO Council: 56% of vendors vs 12% of customers
    assert "56.0%" in line and "12.0%" in line and "+44.0" in line and "yes*" in line
    assert "+36.6, +51.1" in line  # Newcombe 95% interval of 112/200 - 84/700
    assert "<0.001" in line
    assert "All respondents" in out and "region = EMEA" in out
    # the largest significant gap, at the precision of the table (+50.0*)
    assert "Vendors rate themselves 50.0 points higher" in out
    assert "✓ centricity gap stays under 50 points" in out


def test_example_json_is_documented_shape(example_schema: Path) -> None:
    code, out, _ = run("analyze", example_schema, "--format", "json")
    assert code == 0
    report = json.loads(out)
    assert report["exit_code"] == 0
    assert report["respondents"] == {"vendor": 200, "customer": 700}
    overall = {r["question"]: r for r in report["results"] if r["segment"] == {}}
    centricity = overall["centricity"]
    assert centricity["vendor"]["top_box"] == pytest.approx(0.56)
    assert centricity["customer"]["top_box"] == pytest.approx(0.12)
    assert centricity["gap"] == pytest.approx(0.44)
    assert centricity["test"] == "z-test"
    assert centricity["ci_low"] < 0.44 < centricity["ci_high"]
    for key in (
        "question", "segment", "mode", "vendor", "customer", "gap", "ci_low", "ci_high",
        "test", "statistic", "p_value", "p_adjusted", "significant", "effect_size",
        "mean_gap", "mean_test", "mean_p_value", "mean_p_adjusted",
    ):  # fmt: skip
        assert key in centricity
    latam = [r for r in report["results"] if r["segment"] == {"region": "Latin America"}]
    assert len(latam) == 3
    for r in latam:
        assert r["suppressed"] is True
        assert r["vendor"] == {"n": 8, "suppressed": True}
        assert "top_box" not in r["customer"] and r["gap"] is None


def test_same_input_gives_identical_bytes(example_schema: Path, tmp_path: Path) -> None:
    outputs = []
    for i in range(2):
        out = tmp_path / f"r{i}.json"
        assert run("analyze", example_schema, "--format", "json", "--out", out)[0] == 0
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]


def test_csv_has_one_row_per_result(example_schema: Path) -> None:
    code, out, _ = run("analyze", example_schema, "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 3 * 5  # 3 questions x (overall + 4 regions)
    first = rows[0]
    assert first["question"] == "centricity" and first["segment"] == ""
    assert float(first["gap"]) == pytest.approx(0.44)
    suppressed = [r for r in rows if r["suppressed"] == "true"]
    assert suppressed and all(r["vendor_top_box"] == "" and r["gap"] == "" for r in suppressed)


def test_breached_rule_exits_1_in_every_format(tmp_path: Path) -> None:
    rules = (
        "rules:\n  - name: gap under 20 points\n    metric: top_box_gap\n"
        "    max: 0.20\n    significant_only: true\n    questions: [q1]\n"
    )
    schema = write_survey(tmp_path, gap_rows(40, 50, 10, 50), rules=rules)
    code, out, _ = run("analyze", schema, "--width", "140")
    assert code == 1
    assert "✗ gap under 20 points: 1 breach" in out
    assert "q1: +60.0 points > max +20.0 points" in out
    code, out, _ = run("analyze", schema, "--format", "json")
    assert code == 1
    report = json.loads(out)
    assert report["exit_code"] == 1
    assert [(b["rule"], b["question"]) for b in report["breaches"]] == [
        ("gap under 20 points", "q1")
    ]
    code, out, _ = run("analyze", schema, "--format", "csv")
    assert code == 1
    breached = {r["question"]: r["breaches"] for r in csv.DictReader(io.StringIO(out))}
    assert breached == {"q1": "gap under 20 points", "q2": ""}
    code, _, _ = run("analyze", schema, "--no-rules")
    assert code == 0


def test_rule_holds_when_gap_is_not_significant(tmp_path: Path) -> None:
    rules = "rules:\n  - metric: top_box_gap\n    max: 0.05\n    significant_only: true\n"
    # 6/10 vs 4/10: a 20-point gap that is far from significant
    schema = write_survey(tmp_path, gap_rows(6, 10, 4, 10), rules=rules)
    code, out, _ = run("analyze", schema, "--format", "json")
    assert code == 0
    report = json.loads(out)
    assert report["rules"][0]["held"] is True and report["rules"][0]["checked"] == 2


def test_min_rule_and_segments(tmp_path: Path) -> None:
    rules = (
        "rules:\n  - name: customers not far ahead\n    metric: mean_gap\n    min: -0.1\n"
        "    include_segments: true\n    questions: [q1]\n"
    )
    schema = write_survey(tmp_path, gap_rows(5, 40, 30, 40), rules=rules, segments=("region",))
    code, out, _ = run("analyze", schema, "--format", "json")
    assert code == 1
    breaches = json.loads(out)["breaches"]
    assert {tuple(b["segment"].items()) for b in breaches} == {
        (),
        (("region", "APAC"),),
        (("region", "EMEA"),),
    }
    assert all(b["bound"] == "min" and b["value"] < -0.1 for b in breaches)


def test_by_overrides_segments_and_out_writes_file(tmp_path: Path) -> None:
    schema = write_survey(tmp_path, gap_rows(30, 40, 10, 40))
    out = tmp_path / "report.json"
    code, stdout, _ = run("analyze", schema, "--by", "region", "--format", "json", "--out", out)
    assert code == 0 and stdout == ""
    report = json.loads(out.read_text())
    assert report["settings"]["segments"] == ["region"]
    assert {json.dumps(r["segment"]) for r in report["results"]} == {
        "{}",
        '{"region": "APAC"}',
        '{"region": "EMEA"}',
    }
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_vendor_and_customer_files(tmp_path: Path) -> None:
    (tmp_path / "v.csv").write_text("q1,q2\n" + "Agree,Agree\n" * 8 + "Disagree,Neutral\n" * 2)
    (tmp_path / "c.csv").write_text("q1,q2\n" + "Agree,Agree\n" * 3 + "Disagree,Neutral\n" * 7)
    schema = tmp_path / "s.yaml"
    schema.write_text(
        schema_text().replace("sides: {column: side, vendor: [Vendor], customer: [Customer]}\n", "")
    )
    code, out, err = run(
        "analyze", schema, "--vendor", tmp_path / "v.csv", "--customer", tmp_path / "c.csv",
        "--format", "json",
    )  # fmt: skip
    assert code == 0, err
    report = json.loads(out)
    q1 = report["results"][0]
    assert (q1["vendor"]["top_box"], q1["customer"]["top_box"]) == (0.8, 0.3)
    assert [i["side"] for i in report["inputs"]] == ["vendor", "customer"]


def test_answers_are_trimmed_and_case_folded_and_missing_excluded(tmp_path: Path) -> None:
    rows = [("Vendor", "x", " agree ", "NEUTRAL")] * 6 + [("Vendor", "x", "Don't know", "")] * 4
    rows += [("customer ", "x", "DISAGREE", "neutral")] * 10
    schema = write_survey(tmp_path, rows)
    code, out, err = run("analyze", schema, "--format", "json")
    assert code == 0, err
    q1, q2 = json.loads(out)["results"]
    assert (q1["vendor"]["n"], q1["vendor"]["top_box"], q1["vendor"]["mean"]) == (6, 1.0, 4.0)
    assert q2["vendor"]["n"] == 6  # the blank q2 answers of 4 vendors are no answer


def test_blank_rows_are_skipped_and_counted(tmp_path: Path) -> None:
    schema = write_survey(tmp_path, gap_rows(6, 10, 4, 10) + [("", "", "", "")] * 3)
    code, out, _ = run("analyze", schema, "--format", "json")
    assert code == 0
    assert json.loads(out)["inputs"][0]["blank_rows"] == 3


def test_fisher_used_for_small_expected_counts(tmp_path: Path) -> None:
    schema = write_survey(tmp_path, gap_rows(4, 10, 0, 10))
    code, out, _ = run("analyze", schema, "--format", "json")
    assert code == 0
    assert json.loads(out)["results"][0]["test"] == "fisher"


def test_headline_when_nothing_is_significant(tmp_path: Path) -> None:
    schema = write_survey(tmp_path, gap_rows(5, 10, 5, 10))
    code, out, _ = run("analyze", schema, "--width", "140")
    assert code == 0
    lines = out.splitlines()
    assert "No top-box or mean gap is significant." in lines
    assert (
        "Tested: 2 top-box and 2 mean gaps (2 questions in the whole sample), "
        "holm correction within each kind, α = 0.05."
    ) in lines


def test_bundled_examples_all_analyse() -> None:
    schemas = sorted(SURVEYS.glob("*.yaml"))
    assert schemas
    for schema in schemas:
        code, out, err = run("analyze", schema, "--format", "json")
        assert code in (0, 1), (schema, err)
        assert json.loads(out)["results"]


def test_version() -> None:
    code, out, _ = run("--version")
    assert code == 0 and out.startswith("gapscan ")
