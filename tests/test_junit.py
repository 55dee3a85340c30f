"""``--junit PATH``: every rule x question a test case, every breach a failure.

Read with the standard library only, as CI dashboards would read it.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from gapscan.cli import app
from tests.conftest import schema_text
from tests.golden import ROOT

runner = CliRunner()

SCHEMA = "surveys/cmo-affinity.yaml"
GAP_CHANGE_RULE = "no gap widens by more than 5 points, significantly"

RULES = """rules:
  - name: gap under 20 points
    metric: top_box_gap
    max: 0.20
    significant_only: true
    include_segments: true
    questions: [q1]
  - name: mean gap under 2
    metric: mean_gap
    max: 2.0
  - name: gap does not widen
    metric: gap_change
    max: 0.05
"""


@pytest.fixture(autouse=True)
def _at_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


def run(*args: str | Path) -> int:
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    return result.exit_code


def breached_survey(tmp_path: Path) -> Path:
    """q1 shows a 60-point gap overall and in both regions (three breaches of one rule
    on one question); q2 shows none."""
    rows = []
    for side, top in (("Vendor", 40), ("Customer", 10)):
        for i in range(50):
            q1 = "Agree" if i < top else "Disagree"
            rows.append(f"{side},{'EMEA' if i % 2 else 'APAC'},{q1},Neutral\n")
    (tmp_path / "data.csv").write_text("side,region,q1,q2\n" + "".join(rows), encoding="utf-8")
    schema = tmp_path / "survey.yaml"
    schema.write_text(
        schema_text(segments=("region",), rules=RULES) + "data: [data.csv]\n", encoding="utf-8"
    )
    return schema


def run_with_junit(tmp_path: Path, *args: str | Path) -> tuple[int, dict[str, Any], ET.Element]:
    """One run writing both the JSON report and the JUnit file."""
    report, junit = tmp_path / "report.json", tmp_path / "out.xml"
    code = run("analyze", *args, "--format", "json", "--out", report, "--junit", junit)
    return code, json.loads(report.read_text(encoding="utf-8")), ET.parse(junit).getroot()


def check_structure(report: dict[str, Any], root: ET.Element) -> list[ET.Element]:
    """The document agrees with the JSON report of the same run; returns the cases."""
    assert root.tag == "testsuites"
    suites = list(root)
    assert [s.tag for s in suites] == ["testsuite"]
    suite = suites[0]
    assert suite.get("name") == report["survey"]
    cases = list(suite)
    assert all(c.tag == "testcase" for c in cases)

    questions = list(dict.fromkeys(r["question"] for r in report["results"]))
    expected = [
        f"{rule['name']} [{q}]"
        for rule in report["rules"]
        for q in questions
        if rule["questions"] is None or q in rule["questions"]
    ]
    assert [c.get("name") for c in cases] == expected

    failures = [f for c in cases for f in c.findall("failure")]
    assert len(failures) == len(report["breaches"])
    per_case = Counter(f"{b['rule']} [{b['question']}]" for b in report["breaches"])
    assert {c.get("name"): len(c.findall("failure")) for c in cases if c.findall("failure")} == (
        dict(per_case)
    )
    failed = sum(1 for c in cases if c.find("failure") is not None)
    skipped = sum(1 for c in cases if c.find("skipped") is not None)
    assert not any(c.find("failure") is not None and c.find("skipped") is not None for c in cases)
    assert suite.get("tests") == root.get("tests") == str(len(cases))
    assert suite.get("failures") == root.get("failures") == str(failed)
    assert suite.get("skipped") == str(skipped)
    assert suite.get("errors") == "0"
    return cases


def by_name(cases: list[ET.Element]) -> dict[str, ET.Element]:
    return {str(c.get("name")): c for c in cases}


def test_breaches_are_failures(tmp_path: Path) -> None:
    code, report, root = run_with_junit(tmp_path, breached_survey(tmp_path))
    assert code == 1
    cases = by_name(check_structure(report, root))
    assert len(report["breaches"]) == 3  # overall, APAC, EMEA
    assert list(cases) == [
        "gap under 20 points [q1]",
        "mean gap under 2 [q1]",
        "mean gap under 2 [q2]",
        "gap does not widen [q1]",
        "gap does not widen [q2]",
    ]
    failures = cases["gap under 20 points [q1]"].findall("failure")
    assert len(failures) == 3
    messages = sorted(str(f.get("message")) for f in failures)
    assert messages == [
        "q1: +60.0 points > max +20.0 points",
        "q1: +60.0 points > max +20.0 points in region = APAC",
        "q1: +60.0 points > max +20.0 points in region = EMEA",
    ]
    assert all(
        f.get("type") == "breach" and "gap under 20 points" in (f.text or "") for f in failures
    )
    assert cases["gap under 20 points [q1]"].get("classname") == "gapscan.top_box_gap"
    for name in ("mean gap under 2 [q1]", "mean gap under 2 [q2]"):
        assert list(cases[name]) == []  # checked and held: passed
    for name in ("gap does not widen [q1]", "gap does not widen [q2]"):
        assert [e.tag for e in cases[name]] == ["skipped"]  # no baseline: nothing to check
    assert root[0].get("failures") == "1" and root[0].get("skipped") == "2"


def test_no_breach_no_failure(tmp_path: Path) -> None:
    code, report, root = run_with_junit(tmp_path, SCHEMA)
    assert code == 0 and report["breaches"] == []
    cases = by_name(check_structure(report, root))
    assert len(cases) == 1 + 3 + 3  # centricity rule; mean gap and gap change on 3 questions
    assert root.findall(".//failure") == []
    gap_change = [c for name, c in cases.items() if name.startswith(GAP_CHANGE_RULE)]
    assert len(gap_change) == 3
    assert all([e.tag for e in c] == ["skipped"] for c in gap_change)
    assert root[0].get("skipped") == "3" and root[0].get("failures") == "0"


def test_gap_change_breach_with_baseline(tmp_path: Path) -> None:
    baseline = tmp_path / "2026Q2.json"
    assert run("analyze", SCHEMA, "surveys/waves/affinity-2026Q2.csv",
               "--format", "json", "--out", baseline) == 0  # fmt: skip
    code, report, root = run_with_junit(
        tmp_path, SCHEMA, "surveys/waves/affinity-2026Q3.csv", "--baseline", baseline
    )
    assert code == 1
    cases = by_name(check_structure(report, root))
    assert root.findall(".//skipped") == []  # every question has a change to check
    (failure,) = root.findall(".//failure")
    assert failure in list(cases[f"{GAP_CHANGE_RULE} [centricity]"])
    assert cases[f"{GAP_CHANGE_RULE} [centricity]"].get("classname") == "gapscan.gap_change"
    # Human output gives proportions in points (SPEC §2), as for top_box_gap.
    assert failure.get("message") == "centricity: +8.0 points > max +5.0 points"


def test_no_rules_writes_an_empty_suite(tmp_path: Path) -> None:
    code, report, root = run_with_junit(tmp_path, breached_survey(tmp_path), "--no-rules")
    assert code == 0
    assert check_structure(report, root) == []


def test_trend_junit_marks_the_widened_gap(tmp_path: Path) -> None:
    junit = tmp_path / "trend.xml"
    waves = [f"surveys/waves/affinity-2026Q{i}.csv" for i in (1, 2, 3)]
    assert run("trend", SCHEMA, *waves, "--format", "json", "--out", tmp_path / "t.json",
               "--junit", junit) == 1  # fmt: skip
    root = ET.parse(junit).getroot()
    cases = by_name(list(root[0]))
    assert len(cases) == 7 and root[0].get("tests") == "7"
    failed = [name for name, c in cases.items() if c.find("failure") is not None]
    assert failed == [f"{GAP_CHANGE_RULE} [centricity]"]
    assert root.get("failures") == "1" and root.findall(".//skipped") == []
