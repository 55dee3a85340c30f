"""End to end: ``gapscan trend`` over the three bundled waves and small variants.

The centricity gap of the bundled waves goes 38 -> 41 -> 49 points: the last change
(+8 points, p ≈ 0.03) breaches the schema's ``gap_change`` rule (max 5 points,
significant only); the first (+3 points) does not.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import math
import shutil
from pathlib import Path
from typing import Any

import pytest
from scipy.stats import norm
from typer.testing import CliRunner

from gapscan.cli import app
from tests.golden import ROOT

runner = CliRunner()

SCHEMA = "surveys/cmo-affinity.yaml"
WAVES = [f"surveys/waves/affinity-2026Q{i}.csv" for i in (1, 2, 3)]
LABELS = ["2026Q1", "2026Q2", "2026Q3"]
QUESTIONS = ["centricity", "improving", "alignment"]
CHANGE_KEYS = ("change", "change_ci_low", "change_ci_high", "change_p_value")


@pytest.fixture(autouse=True)
def _at_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


def run(*args: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def trend_json() -> dict[str, Any]:
    result = runner.invoke(app, ["trend", str(ROOT / SCHEMA), *map(str, WAVES), "--format", "json"])
    assert result.exit_code == 1, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def series(report: dict[str, Any], question: str) -> list[dict[str, Any]]:
    q = next(q for q in report["questions"] if q["question"] == question)
    waves: list[dict[str, Any]] = q["waves"]
    return waves


def with_wave_column(source: Path, target: Path, wave: str) -> Path:
    with source.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    with target.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([*rows[0], "wave"])
        writer.writerows([*row, wave] for row in rows[1:])
    return target


# --------------------------------------------------------------- three waves


def test_three_waves_breach_the_gap_change_rule_in_the_table() -> None:
    code, out, err = run("trend", SCHEMA, *WAVES, "--width", "160")
    assert code == 1, err
    for label, path in zip(LABELS, WAVES, strict=True):
        assert f"{label}: {path}" in out
    assert "Change (points)" in out and "Change interval" in out and "p (change)" in out
    centricity = out.split("The vendor is customer-centric")[1].split("The vendor is getting")[0]
    rows = {line.split()[0]: line for line in centricity.splitlines() if line.strip()[:4] == "2026"}
    assert list(rows) == LABELS
    assert "+38.0 " in rows["2026Q1"] and "yes*" in rows["2026Q1"] and "–" in rows["2026Q1"]
    assert "+41.0 " in rows["2026Q2"] and "+3.0 " in rows["2026Q2"] and "0.423" in rows["2026Q2"]
    assert "+49.0 " in rows["2026Q3"] and "+8.0*" in rows["2026Q3"] and "0.030" in rows["2026Q3"]
    assert "✗ no gap widens by more than 5 points, significantly: 1 breach" in out


def test_json_gives_each_question_every_wave(trend_json: dict[str, Any]) -> None:
    assert [w["wave"] for w in trend_json["waves"]] == LABELS
    assert [w["inputs"] for w in trend_json["waves"]] == [[p] for p in WAVES]
    assert [q["question"] for q in trend_json["questions"]] == QUESTIONS
    for question in QUESTIONS:
        points = series(trend_json, question)
        assert [p["wave"] for p in points] == LABELS
        for p in points:
            assert p["ci_low"] < p["gap"] < p["ci_high"]
        assert not any(key in points[0] for key in (*CHANGE_KEYS, "baseline_wave"))
        for before, after in itertools.pairwise(points):
            for key in CHANGE_KEYS:
                assert isinstance(after[key], float), (question, after["wave"], key)
            assert after["baseline_wave"] == before["wave"]
            assert after["change"] == pytest.approx(after["gap"] - before["gap"], abs=1e-12)
            assert after["change_ci_low"] < after["change"] < after["change_ci_high"]
    gaps = [p["gap"] for p in series(trend_json, "centricity")]
    assert gaps == pytest.approx([0.38, 0.41, 0.49])


def test_json_change_agrees_with_scipy(trend_json: dict[str, Any]) -> None:
    """The change test recomputed from the reported shares and counts (unpooled z)."""
    z_crit = norm.ppf(0.975)
    for question in QUESTIONS:
        points = series(trend_json, question)
        for before, after in itertools.pairwise(points):
            var = sum(
                side["top_box"] * (1 - side["top_box"]) / side["n"]
                for p in (before, after)
                for side in (p["vendor"], p["customer"])
            )
            se = math.sqrt(var)
            z = after["change"] / se
            assert after["change_statistic"] == pytest.approx(z, rel=1e-9, abs=1e-9)
            assert after["change_p_value"] == pytest.approx(2 * norm.sf(abs(z)), abs=1e-9)
            assert after["change_ci_low"] == pytest.approx(after["change"] - z_crit * se, abs=1e-9)
            assert after["change_ci_high"] == pytest.approx(after["change"] + z_crit * se, abs=1e-9)


def test_json_rules_and_breach(trend_json: dict[str, Any]) -> None:
    assert trend_json["exit_code"] == 1
    assert [(b["metric"], b["question"]) for b in trend_json["breaches"]] == [
        ("gap_change", "centricity")
    ]
    last = series(trend_json, "centricity")[-1]
    assert last["change_significant"] is True and 0.02 < last["change_p_value"] < 0.04
    assert trend_json["breaches"][0]["value"] == pytest.approx(last["change"])
    rule = next(r for r in trend_json["rules"] if r["metric"] == "gap_change")
    assert rule["checked"] == 3 and rule["held"] is False


def test_json_settings_say_rules_were_applied(trend_json: dict[str, Any]) -> None:
    # The rules were checked (and breached): the settings must not claim otherwise.
    assert trend_json["rules"]
    assert trend_json["settings"]["rules_applied"] is True


def test_no_rules_exits_0() -> None:
    code, out, _ = run("trend", SCHEMA, *WAVES, "--format", "json", "--no-rules")
    assert code == 0
    report = json.loads(out)
    assert report["rules"] == [] and report["breaches"] == [] and report["exit_code"] == 0
    assert report["settings"]["rules_applied"] is False


def test_stable_series_exits_0() -> None:
    code, out, err = run("trend", SCHEMA, *WAVES[:2], "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    assert report["breaches"] == [] and report["exit_code"] == 0
    _, after = series(report, "centricity")
    assert after["change"] == pytest.approx(0.03) and after["change_significant"] is False
    rule = next(r for r in report["rules"] if r["metric"] == "gap_change")
    assert rule["checked"] == 3 and rule["held"] is True


def test_csv_has_one_row_per_question_and_wave() -> None:
    code, out, _ = run("trend", SCHEMA, *WAVES, "--format", "csv")
    assert code == 1
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["question"], r["wave"]) for r in rows] == [(q, w) for q in QUESTIONS for w in LABELS]
    for r in rows:
        assert float(r["ci_low"]) < float(r["gap"]) < float(r["ci_high"])
        if r["wave"] == LABELS[0]:
            assert all(r[key] == "" for key in CHANGE_KEYS)
        else:
            assert all(r[key] != "" for key in CHANGE_KEYS)
    last = rows[2]
    assert float(last["change"]) == pytest.approx(0.08) and last["change_significant"] == "true"


def test_stamp_adds_generated() -> None:
    code, out, _ = run("trend", SCHEMA, *WAVES[:2], "--format", "json", "--stamp")
    assert code == 0
    assert json.loads(out)["generated"].endswith("Z")


def test_step_summary_gets_the_trend_markdown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, markdown, _ = run("trend", SCHEMA, *WAVES[:2], "--format", "markdown")
    assert code == 0
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    code, _, _ = run("trend", SCHEMA, *WAVES[:2], "--width", "120")
    assert code == 0
    assert summary.read_text(encoding="utf-8") == markdown + "\n"


# ---------------------------------------------------------------- wave labels


def test_wave_labels_from_a_wave_column(tmp_path: Path) -> None:
    first = with_wave_column(ROOT / WAVES[0], tmp_path / "2026Q3-first.csv", "Spring 2025")
    second = with_wave_column(ROOT / WAVES[1], tmp_path / "second.csv", "Autumn 2025")
    code, out, err = run("trend", SCHEMA, first, second, "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    assert [w["wave"] for w in report["waves"]] == ["Spring 2025", "Autumn 2025"]
    after = series(report, "centricity")[1]
    assert after["wave"] == "Autumn 2025" and after["baseline_wave"] == "Spring 2025"


def test_wave_labels_from_file_names(tmp_path: Path) -> None:
    files = [tmp_path / "kickoff.csv", tmp_path / "pulse_2026-q2.csv", tmp_path / "2027 h1.csv"]
    for source, target in zip(WAVES, files, strict=True):
        shutil.copy(ROOT / source, target)
    code, out, err = run("trend", SCHEMA, *files, "--format", "json", "--no-rules")
    assert code == 0, err
    assert [w["wave"] for w in json.loads(out)["waves"]] == ["kickoff", "2026Q2", "2027H1"]


def test_one_file_is_bad_usage() -> None:
    code, out, err = run("trend", SCHEMA, WAVES[0])
    assert code == 2 and out == ""
    assert err.startswith("error: ") and "at least two waves" in err
    assert "Traceback" not in err


def test_two_files_with_the_same_wave_label(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    shutil.copy(ROOT / WAVES[0], tmp_path / "a" / "affinity-2026Q1.csv")
    shutil.copy(ROOT / WAVES[1], tmp_path / "b" / "affinity-2026Q1.csv")
    code, out, err = run(
        "trend",
        SCHEMA,
        tmp_path / "a" / "affinity-2026Q1.csv",
        tmp_path / "b" / "affinity-2026Q1.csv",
    )
    assert code == 2 and out == ""
    assert err.startswith("error: ") and "same wave label" in err and "2026Q1" in err
    assert "Traceback" not in err


def test_same_wave_column_value_in_two_files(tmp_path: Path) -> None:
    first = with_wave_column(ROOT / WAVES[0], tmp_path / "one.csv", "W1")
    second = with_wave_column(ROOT / WAVES[1], tmp_path / "two.csv", "W1")
    code, _, err = run("trend", SCHEMA, first, second)
    assert code == 2
    assert "same wave label" in err and "Traceback" not in err


def test_a_file_holding_several_waves_is_an_error(tmp_path: Path) -> None:
    mixed = with_wave_column(ROOT / WAVES[0], tmp_path / "mixed.csv", "W1")
    text = mixed.read_text(encoding="utf-8").splitlines()
    text[-1] = text[-1].rsplit(",", 1)[0] + ",W2"
    mixed.write_text("\n".join(text) + "\n", encoding="utf-8")
    other = with_wave_column(ROOT / WAVES[1], tmp_path / "other.csv", "W3")
    code, _, err = run("trend", SCHEMA, mixed, other)
    assert code == 2
    assert err.startswith(f"error: {mixed}") and "2 different waves" in err
    assert "Traceback" not in err


def test_a_wave_copied_under_another_name_is_refused(tmp_path: Path) -> None:
    """A quarter's export copied as the next quarter's would show "no change" for real."""
    copy = tmp_path / "affinity-2026Q2.csv"
    shutil.copy(ROOT / WAVES[0], copy)
    before = copy.read_bytes()
    code, out, err = run("trend", SCHEMA, WAVES[0], copy)
    assert code == 2 and out == ""
    assert err == (
        f"error: {copy}: the same data as {WAVES[0]} (identical content): "
        "two waves would be one export (give each export once)\n"
    )
    assert copy.read_bytes() == before


def test_the_same_wave_label_names_both_files(tmp_path: Path) -> None:
    first = tmp_path / "a-2026Q1.csv"
    second = tmp_path / "b-2026Q1.csv"
    shutil.copy(ROOT / WAVES[0], first)
    shutil.copy(ROOT / WAVES[1], second)
    code, _, err = run("trend", SCHEMA, first, second)
    assert code == 2
    assert err == (
        f"error: {second}: the same wave label (2026Q1) as {first} (add a 'wave' column, "
        "or put the wave (e.g. 2026Q3) in each file name)\n"
    )


def test_each_wave_says_what_its_filters_left_out() -> None:
    code, out, err = run("trend", SCHEMA, *WAVES[:2], "--where", "region=EMEA,APAC", "-f", "json")
    assert code in (0, 1), err
    expected = []
    for wave in WAVES[:2]:
        with (ROOT / wave).open(encoding="utf-8", newline="") as fh:
            regions = [row["region"] for row in csv.DictReader(fh)]
        expected.append({"filter region": sum(r not in ("EMEA", "APAC") for r in regions)})
    assert [w["excluded"] for w in json.loads(out)["waves"]] == expected


def test_the_trend_states_each_questions_top_box_under_its_first_table() -> None:
    top_box = "The vendor is customer-centric: Extremely customer-centric"
    second = "The vendor is getting better at responding to customer needs"
    for fmt, heading in (("table", ""), ("markdown", "## ")):
        code, out, err = run("trend", SCHEMA, *WAVES, "--format", fmt, "--no-charts")
        assert code == 1, err
        lines = [line.removeprefix("- ").strip() for line in out.splitlines()]
        first_table = lines.index(f"{heading}The vendor is customer-centric")
        assert first_table < lines.index(top_box) < lines.index(f"{heading}{second}"), fmt
        assert f"{second}: Agree, Strongly agree" in lines
