"""Net Promoter Score end to end: the schema's forms and errors, every output, the
correction family, rules, trends and baselines, paired mode and ``init``.

Expected NPS values are recomputed here from the answers themselves (pandas on the
CSV), never read from gapscan's own output."""

from __future__ import annotations

import csv
import io
import json
import math
import textwrap
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from scipy.stats import norm
from typer.testing import CliRunner

from gapscan.cli import app
from gapscan.errors import GapscanError
from gapscan.schema import load_schema
from gapscan.stats.multiplicity import adjust_pvalues
from tests.golden import ROOT

runner = CliRunner()
EXAMPLE = "surveys/partner-nps.yaml"
DATA = ROOT / "surveys" / "partner-nps.csv"


@pytest.fixture(autouse=True)
def _at_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


def analyze_json(*args: str) -> dict[str, Any]:
    result = runner.invoke(app, ["analyze", *args, "--format", "json"])
    assert result.exit_code in (0, 1), result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def answers(side: str, region: str | None = None) -> pd.Series:
    frame = pd.read_csv(DATA)
    frame = frame[frame["role"] == side]
    if region is not None:
        frame = frame[frame["region"] == region]
    return frame["recommend"].astype(int)


def raw_nps(scores: pd.Series) -> float:
    return float((scores >= 9).mean() - (scores <= 6).mean())


def adjusted(scores: pd.Series) -> tuple[float, float]:
    """Rocks' adjusted NPS and its variance, from the answers."""
    n = len(scores) + 3
    p = ((scores >= 9).sum() + 0.75) / n
    d = ((scores <= 6).sum() + 0.75) / n
    return float(p - d), float((p + d - (p - d) ** 2) / n)


# ---------------------------------------------------------------- the example


def test_example_reports_each_sides_nps_and_the_gap() -> None:
    data = analyze_json(EXAMPLE)
    result = next(r for r in data["results"] if r["question"] == "recommend" and not r["segment"])
    vendor, customer = answers("Account manager"), answers("Customer")
    assert result["vendor"]["nps"] == pytest.approx(raw_nps(vendor), abs=1e-12)
    assert result["customer"]["nps"] == pytest.approx(raw_nps(customer), abs=1e-12)
    assert result["vendor"]["promoters"] == pytest.approx(float((vendor >= 9).mean()))
    assert result["customer"]["detractors"] == pytest.approx(float((customer <= 6).mean()))
    shares = [result["customer"][k] for k in ("promoters", "passives", "detractors")]
    assert sum(shares) == pytest.approx(1.0)
    assert result["nps_gap"] == pytest.approx(raw_nps(vendor) - raw_nps(customer), abs=1e-12)
    (av, vv), (ac, vc) = adjusted(vendor), adjusted(customer)
    z = (av - ac) / math.sqrt(vv + vc)
    assert result["nps_p_value"] == pytest.approx(2 * norm.sf(abs(z)), rel=1e-9)
    half = norm.ppf(0.975) * math.sqrt(vv + vc)
    assert result["nps_gap_ci_low"] == pytest.approx(av - ac - half, abs=1e-12)
    assert result["nps_gap_ci_high"] == pytest.approx(av - ac + half, abs=1e-12)
    assert (
        result["vendor"]["nps_ci_low"] < result["vendor"]["nps"] < result["vendor"]["nps_ci_high"]
    )
    assert "nps_interval" in data["settings"] and "Rocks" in data["settings"]["nps_interval"]
    other = next(r for r in data["results"] if r["question"] == "partnership")
    assert "nps_gap" not in other and "nps" not in other["vendor"]


def test_nps_tests_form_their_own_correction_family() -> None:
    data = analyze_json(EXAMPLE)
    nps = [r for r in data["results"] if "nps_gap" in r]
    assert len(nps) == 3  # the whole sample and two regions
    expected = adjust_pvalues([r["nps_p_value"] for r in nps], "holm")
    assert [r["nps_p_adjusted"] for r in nps] == pytest.approx(expected, rel=1e-12)
    assert all(r["nps_significant"] == (r["nps_p_adjusted"] < 0.05) for r in nps)
    # the top-box family holds all six results; the NPS family only the three NPS ones
    top = adjust_pvalues([r["p_value"] for r in data["results"]], "holm")
    assert [r["p_adjusted"] for r in data["results"]] == pytest.approx(top, rel=1e-12)


def test_segment_nps_is_the_segments_own() -> None:
    data = analyze_json(EXAMPLE)
    emea = next(
        r
        for r in data["results"]
        if r["question"] == "recommend" and r["segment"] == {"region": "EMEA"}
    )
    assert emea["vendor"]["nps"] == pytest.approx(raw_nps(answers("Account manager", "EMEA")))
    assert emea["customer"]["nps"] == pytest.approx(raw_nps(answers("Customer", "EMEA")))


def test_console_markdown_and_csv_show_nps_in_points(tmp_path: Path) -> None:
    vendor, customer = raw_nps(answers("Account manager")), raw_nps(answers("Customer"))
    shown_gap = f"{100 * (vendor - customer):+.1f}"
    console = runner.invoke(app, ["analyze", EXAMPLE, "--width", "120"])
    assert console.exit_code == 0, console.stderr
    assert "All respondents: Net Promoter Score" in console.stdout
    assert f"{100 * vendor:+.1f}" in console.stdout and shown_gap in console.stdout
    assert "adjusted-Wald (Rocks 2016)" in console.stdout
    out = tmp_path / "r.md"
    md = runner.invoke(app, ["analyze", EXAMPLE, "--format", "markdown", "--out", str(out)])
    assert md.exit_code == 0, md.stderr
    text = out.read_text(encoding="utf-8")
    assert text.count("Net Promoter Score:") == 3
    nps_row = next(line for line in text.splitlines() if f" {shown_gap} " in line)
    assert nps_row.startswith("| How likely") and "| yes* |" in " ".join(nps_row.split())
    assert "- Net Promoter Score (promoters 9–10, passives 7–8, detractors 0–6)" in text
    rows = list(
        csv.DictReader(
            io.StringIO(runner.invoke(app, ["analyze", EXAMPLE, "--format", "csv"]).stdout)
        )
    )
    whole = next(r for r in rows if r["question"] == "recommend" and not r["segment"])
    assert float(whole["vendor_nps"]) == pytest.approx(vendor)
    assert float(whole["nps_gap"]) == pytest.approx(vendor - customer)
    assert next(r for r in rows if r["question"] == "partnership")["nps_gap"] == ""


# ------------------------------------------------------------------ the schema


def write(tmp_path: Path, text: str, rows: list[tuple[str, int]] | None = None) -> Path:
    schema = tmp_path / "survey.yaml"
    schema.write_text(textwrap.dedent(text), encoding="utf-8")
    data = (
        rows
        if rows is not None
        else [("V", s % 11) for s in range(40)] + [("C", (s * 7) % 11) for s in range(60)]
    )
    with (tmp_path / "data.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["side", "rec", "agree"])
        for side, score in data:
            w.writerow([side, score, "Agree"])
    return schema


HEAD = """\
survey: t
data: [data.csv]
sides: {column: side, vendor: [V], customer: [C]}
scales:
  ten: {levels: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], top_box: 2}
  agree: {levels: [Disagree, Agree], top_box: 1}
  one_to_eleven: {levels: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], top_box: 2,
                  scores: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]}
"""


def test_metric_nps_on_a_scale_that_is_not_0_to_10_is_an_error_naming_the_line(
    tmp_path: Path,
) -> None:
    schema = write(
        tmp_path,
        HEAD
        + """\
questions:
  - {id: a, scale: agree, column: agree, metric: nps}
  - id: b
    scale: one_to_eleven
    column: rec
    metric: nps
""",
    )
    with pytest.raises(GapscanError) as caught:
        load_schema(schema)
    problems = caught.value.problems
    assert [(p.line, "question 'a'" in p.message) for p in problems] == [(10, True), (14, False)]
    assert "scale 'one_to_eleven' scores its 11 levels 1, 2" in problems[1].message
    result = runner.invoke(app, ["analyze", str(schema)])
    assert result.exit_code == 2
    assert f"error: {schema}:10: question 'a': an NPS needs a 0-10 scale" in result.stderr
    assert "Traceback" not in result.stderr


def test_thresholds_must_be_ordered_and_in_range(tmp_path: Path) -> None:
    schema = write(
        tmp_path,
        HEAD
        + """\
questions:
  - {id: a, scale: ten, column: rec, nps: {promoters: 6, detractors: 8}}
  - {id: b, scale: ten, column: rec, nps: {promoters: 11}}
""",
    )
    with pytest.raises(GapscanError) as caught:
        load_schema(schema)
    messages = [p.message for p in caught.value.problems]
    assert any("nps detractors (8) must be below promoters (6)" in m for m in messages)
    assert any("promoters" in m and "less than or equal to 10" in m for m in messages)


def test_scale_marked_nps_makes_its_questions_nps_with_its_thresholds(tmp_path: Path) -> None:
    schema = write(
        tmp_path,
        """\
survey: t
data: [data.csv]
sides: {column: side, vendor: [V], customer: [C]}
scales:
  ten: {levels: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], top_box: 2,
        nps: {promoters: 10, detractors: 5}}
questions:
  - {id: a, scale: ten, column: rec}
""",
    )
    survey = load_schema(schema)
    assert survey.questions[0].nps is not None
    assert (survey.questions[0].nps.promoters, survey.questions[0].nps.detractors) == (10, 5)
    result = analyze_json(str(schema))["results"][0]
    scores = pd.Series([s % 11 for s in range(40)])
    expected = float((scores >= 10).mean() - (scores <= 5).mean())
    assert result["vendor"]["nps"] == pytest.approx(expected)
    assert result["vendor"]["passives"] == pytest.approx(float(scores.between(6, 9).mean()))
    assert result["nps_thresholds"] == {"promoters": 10, "detractors": 5}


def test_suppressed_nps_shows_no_score(tmp_path: Path) -> None:
    rows = [("V", 9)] * 5 + [("C", 3)] * 30
    schema = write(
        tmp_path, HEAD + "questions:\n  - {id: a, scale: ten, column: rec, metric: nps}\n", rows
    )
    result = analyze_json(str(schema))["results"][0]
    assert result["suppressed"] is True
    assert result["nps_gap"] is None and result["nps_p_adjusted"] is None
    assert "nps" not in result["vendor"]


def test_nps_rule_on_no_nps_question_is_an_error(tmp_path: Path) -> None:
    schema = write(
        tmp_path,
        HEAD
        + """\
questions:
  - {id: a, scale: agree, column: agree}
rules:
  - {metric: nps_gap, max: 0.2}
  - {metric: top_box_gap, of: nps, max: 0.2}
""",
    )
    with pytest.raises(GapscanError) as caught:
        load_schema(schema)
    messages = [p.message for p in caught.value.problems]
    assert "rule 1 gates on NPS gaps, but none of its questions is an NPS question" in messages
    assert "rule 2: 'of' applies to gap_change rules only" in messages


def test_nps_gap_rule_breaches_and_exits_1(tmp_path: Path) -> None:
    rows = [("V", 10)] * 30 + [("C", 2)] * 30
    schema = write(
        tmp_path,
        HEAD
        + """\
questions:
  - {id: a, scale: ten, column: rec, metric: nps}
rules:
  - {name: nps gap, metric: nps_gap, max: 0.5}
""",
        rows,
    )
    result = runner.invoke(app, ["analyze", str(schema)])
    assert result.exit_code == 1
    assert "a: +200.0 NPS points > max +50.0 NPS points" in result.stdout


# -------------------------------------------------------------- waves, paired


def test_gap_change_of_nps_across_waves(tmp_path: Path) -> None:
    first = [("V", 10)] * 20 + [("V", 7)] * 20 + [("C", 9)] * 20 + [("C", 3)] * 20
    later = [("V", 10)] * 36 + [("V", 7)] * 4 + [("C", 9)] * 10 + [("C", 3)] * 30
    schema = write(
        tmp_path,
        HEAD
        + """\
questions:
  - {id: a, scale: ten, column: rec, metric: nps}
rules:
  - {name: nps gap widens, metric: gap_change, of: nps, max: 0.05}
""",
        first,
    )
    (tmp_path / "data.csv").rename(tmp_path / "2026Q1.csv")
    write(tmp_path, schema.read_text(encoding="utf-8"), later)
    (tmp_path / "data.csv").rename(tmp_path / "2026Q2.csv")
    waves = [str(tmp_path / "2026Q1.csv"), str(tmp_path / "2026Q2.csv")]
    result = runner.invoke(app, ["trend", str(schema), *waves, "--format", "json"])
    assert result.exit_code == 1, result.stderr
    data = json.loads(result.stdout)
    q2 = data["questions"][0]["waves"][1]
    gap1 = (20 - 0) / 40 - (20 - 20) / 40  # vendor +0.5, customer 0
    gap2 = (36 - 0) / 40 - (10 - 30) / 40  # vendor +0.9, customer -0.5
    assert q2["nps_change"] == pytest.approx(gap2 - gap1)
    assert q2["nps_baseline_gap"] == pytest.approx(gap1)
    assert data["breaches"][0]["rule"] == "nps gap widens"
    # the same change since a JSON report of the first wave (analyze --baseline)
    base = tmp_path / "q1.json"
    runner.invoke(app, ["analyze", str(schema), waves[0], "--format", "json", "--out", str(base)])
    again = runner.invoke(
        app, ["analyze", str(schema), waves[1], "--baseline", str(base), "--format", "json"]
    )
    assert again.exit_code == 1, again.stderr
    result_q2 = json.loads(again.stdout)["results"][0]
    assert result_q2["nps_change"] == pytest.approx(q2["nps_change"], abs=1e-12)
    assert result_q2["nps_change_p_value"] == pytest.approx(q2["nps_change_p_value"], abs=1e-12)
    # a baseline whose NPS had other thresholds is not compared on NPS
    other = json.loads(base.read_text(encoding="utf-8"))
    other["results"][0]["nps_thresholds"] = {"promoters": 10, "detractors": 6}
    base.write_text(json.dumps(other), encoding="utf-8")
    again = runner.invoke(
        app, ["analyze", str(schema), waves[1], "--baseline", str(base), "--format", "json"]
    )
    changed = json.loads(again.stdout)["results"][0]
    assert "change" in changed and "nps_change" not in changed


def test_paired_run_of_an_nps_question_notes_it_and_refuses_an_nps_rule(tmp_path: Path) -> None:
    schema = tmp_path / "survey.yaml"
    schema.write_text(
        textwrap.dedent(
            """\
            survey: t
            data: [data.csv]
            sides: {column: side, vendor: [V], customer: [C]}
            pair_by: account
            scales:
              ten: {levels: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], top_box: 2}
            questions:
              - {id: a, scale: ten, column: rec, metric: nps}
            """
        ),
        encoding="utf-8",
    )
    with (tmp_path / "data.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["side", "account", "rec"])
        for i in range(30):
            w.writerow(["V", f"A{i}", 9 - i % 3])
            w.writerow(["C", f"A{i}", 5 + i % 5])
    data = analyze_json(str(schema), "--paired")
    assert any("NPS is not computed in paired mode" in n for n in data["settings"]["notes"])
    assert data["results"][0]["nps_gap"] is None
    assert data["settings"]["nps"].startswith("not computed in paired mode")
    with schema.open("a", encoding="utf-8") as f:
        f.write("rules:\n  - {metric: nps_gap, max: 0.5}\n")
    refused = runner.invoke(app, ["analyze", str(schema), "--paired"])
    assert refused.exit_code == 2
    assert "NPS gaps are not computed in paired mode" in refused.stderr


# ------------------------------------------------------------------------ init


def test_init_proposes_nps_for_a_0_to_10_recommend_question(tmp_path: Path) -> None:
    out = tmp_path / "survey.yaml"
    result = runner.invoke(app, ["init", "surveys/qualtrics-export.csv", "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    marked = [i for i, line in enumerate(lines) if line.strip().startswith("metric: nps")]
    assert len(marked) == 1
    question = "\n".join(lines[marked[0] - 4 : marked[0]])
    assert "recommend" in question and "rating_0_10" in question
    assert load_schema(out).question("q2").nps is not None
