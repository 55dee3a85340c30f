"""Means, mean gaps, paired differences and Hodges–Lehmann are on the scale's scores
(the schema's ``scores:``, else the numbers the labels state, else 1..k), held to numpy
on the raw answers; Mann–Whitney keeps ranking by level order."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import mannwhitneyu, wilcoxon
from typer.testing import CliRunner

from gapscan.analysis import AnalysisOptions, analyze
from gapscan.cli import app
from gapscan.responses import load_responses
from gapscan.schema import load_schema
from gapscan.stats import compare_means
from gapscan.survey import Mode
from tests.conftest import AGREE5, SURVEYS

TOL = 1e-9
runner = CliRunner()
UNEVEN = [0.0, 10.0, 25.0, 60.0, 100.0]  # scores that are not evenly spaced


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(0, 30), min_size=5, max_size=5).filter(lambda c: sum(c) > 0),
    st.lists(st.integers(0, 30), min_size=5, max_size=5).filter(lambda c: sum(c) > 0),
    st.lists(st.floats(-100, 100, allow_nan=False), min_size=5, max_size=5, unique=True),
)
def test_means_are_numpy_means_of_the_scores(
    vendor: list[int], customer: list[int], scores: list[float]
) -> None:
    """Whatever the scores (even out of order), the mean is numpy's mean of each
    answer's score, and Mann–Whitney ranks by level order: scipy on the level positions."""
    got = compare_means(vendor, customer, scores)
    x = np.repeat(np.asarray(scores), vendor)
    y = np.repeat(np.asarray(scores), customer)
    assert got.mean_vendor == pytest.approx(float(x.mean()), abs=TOL, rel=TOL)
    assert got.mean_customer == pytest.approx(float(y.mean()), abs=TOL, rel=TOL)
    assert got.mean_gap == pytest.approx(float(x.mean() - y.mean()), abs=TOL, rel=TOL)
    positions = np.arange(5)
    if np.count_nonzero(np.add(vendor, customer)) > 1:
        ref = mannwhitneyu(
            np.repeat(positions, vendor),
            np.repeat(positions, customer),
            use_continuity=True,
            alternative="two-sided",
            method="asymptotic",
        )
        assert got.p_value == pytest.approx(float(ref.pvalue), abs=TOL)
        assert got.statistic == pytest.approx(float(ref.statistic), abs=TOL)


def test_scores_must_match_the_levels() -> None:
    with pytest.raises(ValueError, match="3 scores for 2 levels"):
        compare_means([1, 2], [2, 1], [1.0, 2.0, 3.0])


def _raw_answers(path: Path, column: str) -> dict[str, list[float]]:
    """The answers of a Qualtrics export (its three header rows skipped, previews and
    tests left out, blanks are no answer), by respondent_type."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))[2:]
    out: dict[str, list[float]] = {}
    for row in rows:
        if row["Status"] in ("Survey Preview", "Survey Test") or not row[column].strip():
            continue
        out.setdefault(row["respondent_type"], []).append(float(row[column]))
    return out


def test_the_bundled_0_to_10_question_reports_the_true_mean(tmp_path: Path) -> None:
    """init drafts the 0–10 scale with labels 0..10; the means are those of the answers
    (7.52 for the account teams, not 8.52 as levels coded 1..k would give)."""
    export = SURVEYS / "qualtrics-export.csv"
    schema = tmp_path / "survey.yaml"
    result = runner.invoke(app, ["init", str(export), "--out", str(schema)])
    assert result.exit_code == 0, result.stderr
    result = runner.invoke(app, ["analyze", str(schema), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    q2 = next(r for r in json.loads(result.stdout)["results"] if r["question"] == "q2")
    answers = _raw_answers(export, "Q2")
    vendor = np.asarray(answers["Account team"])
    customer = np.asarray(answers["Customer"])
    assert q2["vendor"]["n"] == vendor.size and q2["customer"]["n"] == customer.size
    assert q2["vendor"]["mean"] == pytest.approx(float(vendor.mean()), abs=TOL)
    assert q2["customer"]["mean"] == pytest.approx(float(customer.mean()), abs=TOL)
    assert q2["mean_gap"] == pytest.approx(float(vendor.mean() - customer.mean()), abs=TOL)
    assert round(q2["vendor"]["mean"], 2) == 7.52


def _paired_schema(tmp_path: Path, scores: list[float]) -> Path:
    text = (
        "survey: Scores\n"
        "sides: {column: side, vendor: [Vendor], customer: [Customer]}\n"
        "pair_by: account\n"
        "scales:\n"
        f"  agree5:\n    levels: [{', '.join(AGREE5)}]\n    top_box: 2\n"
        f"    scores: [{', '.join(str(s) for s in scores)}]\n"
        "questions:\n  - {id: q1, text: Q1, scale: agree5, column: q1}\n"
        "analysis: {min_n: 1}\n"
    )
    path = tmp_path / "survey.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_paired_differences_and_hodges_lehmann_use_the_scores(tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    v_levels = rng.integers(0, 5, 40)
    c_levels = np.clip(v_levels - rng.integers(-1, 3, 40), 0, 4)
    with (tmp_path / "data.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["side", "account", "q1"])
        for i, (v, c) in enumerate(zip(v_levels, c_levels, strict=True)):
            writer.writerow(["Vendor", f"a{i}", AGREE5[v]])
            writer.writerow(["Customer", f"a{i}", AGREE5[c]])
    survey = load_schema(_paired_schema(tmp_path, UNEVEN))
    responses = load_responses(survey, [tmp_path / "data.csv"], paired=True)
    report = analyze(survey, responses, AnalysisOptions(mode=Mode.PAIRED))
    r = report.results[0]
    assert r.paired is not None and r.paired.pairing == "one-to-one"
    scores = np.asarray(UNEVEN)
    d = scores[v_levels] - scores[c_levels]
    assert r.mean_gap == pytest.approx(float(d.mean()), abs=TOL)
    assert r.vendor.mean == pytest.approx(float(scores[v_levels].mean()), abs=TOL)
    ref = wilcoxon(d, zero_method="wilcox", correction=True, method="asymptotic")
    assert r.mean_p_value == pytest.approx(float(ref.pvalue), abs=TOL)
    walsh = np.sort([(d[i] + d[j]) / 2 for i in range(d.size) for j in range(i, d.size)])
    assert r.paired.median_difference == pytest.approx(float(np.median(walsh)), abs=TOL)
    # agreement stays on the levels: the same kappa whatever the scores
    even = analyze(
        load_schema(_paired_schema(tmp_path, [1, 2, 3, 4, 5])),
        responses,
        AnalysisOptions(mode=Mode.PAIRED),
    ).results[0]
    assert even.paired is not None
    assert even.paired.kappa == pytest.approx(r.paired.kappa, abs=TOL)
    assert not math.isclose(even.mean_gap or 0.0, r.mean_gap or 0.0)


@pytest.mark.parametrize("k", [127, 128, 300, 40_000])
def test_scales_of_any_length(tmp_path: Path, k: int) -> None:
    """More than 127 levels no longer overflow the answer codes; the top level is
    counted as itself, not wrapped round to a negative code."""
    levels = [f"level {i}" for i in range(k)]
    rng = np.random.default_rng(k)
    picks = {"Vendor": rng.integers(k - 20, k, 30), "Customer": rng.integers(0, k, 30)}
    picks["Vendor"][0] = k - 1
    with (tmp_path / "data.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["side", "q1"])
        for side, chosen in picks.items():
            writer.writerows([side, levels[i]] for i in chosen)
    (tmp_path / "survey.yaml").write_text(
        "survey: Long\n"
        "sides: {column: side, vendor: [Vendor], customer: [Customer]}\n"
        f"scales:\n  long:\n    levels: [{', '.join(levels)}]\n    top_box: 1\n"
        "questions:\n  - {id: q1, text: Q1, scale: long, column: q1}\n",
        encoding="utf-8",
    )
    result = runner.invoke(
        app, ["analyze", str(tmp_path / "survey.yaml"), str(tmp_path / "data.csv"), "-f", "json"]
    )
    assert result.exit_code == 0, result.stderr
    r = json.loads(result.stdout)["results"][0]
    for side, key in (("Vendor", "vendor"), ("Customer", "customer")):
        assert r[key]["mean"] == pytest.approx(float((picks[side] + 1).mean()), abs=TOL)
        assert r[key]["top_box"] == pytest.approx(float((picks[side] == k - 1).mean()), abs=TOL)


@pytest.mark.parametrize(
    ("vendor", "customer", "test", "name"),
    [
        (
            ["Agree"] * 4 + ["Disagree"] * 8,
            ["Agree"] + ["Disagree"] * 11,
            "fisher",
            "sample odds ratio",
        ),
        (AGREE5 * 8, AGREE5[::-1] * 6, "z-test", "z"),
    ],
)
def test_the_statistic_is_named(
    tmp_path: Path, vendor: list[str], customer: list[str], test: str, name: str
) -> None:
    """Fisher's statistic is the sample odds ratio ad/bc (scipy's), said in the JSON."""
    with (tmp_path / "data.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["side", "q1"])
        writer.writerows([["Vendor", a] for a in vendor] + [["Customer", a] for a in customer])
    (tmp_path / "survey.yaml").write_text(
        "survey: Named\n"
        "sides: {column: side, vendor: [Vendor], customer: [Customer]}\n"
        f"scales:\n  agree5:\n    levels: [{', '.join(AGREE5)}]\n    top_box: 2\n"
        "questions:\n  - {id: q1, text: Q1, scale: agree5, column: q1}\n",
        encoding="utf-8",
    )
    result = runner.invoke(
        app, ["analyze", str(tmp_path / "survey.yaml"), str(tmp_path / "data.csv"), "-f", "json"]
    )
    data = json.loads(result.stdout)
    r = data["results"][0]
    assert (r["test"], r["statistic_name"]) == (test, name)
    if test == "fisher":
        # ad/bc = 5.5; the conditional MLE (R's fisher.test) is 5.134
        assert r["statistic"] == pytest.approx(4 * 11 / (8 * 1))
        assert "sample odds ratio" in data["settings"]["top_box_test"]
