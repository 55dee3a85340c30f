"""Properties of the whole analysis, on generated respondents (no files)."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from gapscan import analyze
from gapscan.analysis import AnalysisOptions
from gapscan.counts import count_answers
from gapscan.render import console as console_render
from gapscan.render import csv as csv_render
from gapscan.render import json as json_render
from gapscan.responses import InputSummary, Responses, Segment
from gapscan.survey import AnalysisSettings, Correction, Question, Scale, Sides, Survey

SCALE = Scale("agree5", ("SD", "D", "N", "A", "SA"), frozenset({3, 4}))


def make_survey(n_questions: int, min_n: int, correction: str = "holm") -> Survey:
    questions = tuple(
        Question(f"q{i}", f"Question {i}", SCALE, f"q{i}", f"q{i}") for i in range(n_questions)
    )
    return Survey(
        name="generated",
        path=Path("generated.yaml"),
        sides=Sides("side", ("V",), ("C",)),
        scales=(SCALE,),
        questions=questions,
        analysis=AnalysisSettings(min_n=min_n, correction=Correction(correction)),
    )


def make_responses(side: np.ndarray, answers: np.ndarray, region: np.ndarray) -> Responses:
    labels = tuple(f"r{i}" for i in range(int(region.max()) + 1)) if len(region) else ()
    return Responses(
        inputs=(InputSummary("generated.csv", "csv", len(side), 0, 0),),
        side=side.astype(np.int8),
        answers={f"q{i}": answers[:, i].astype(np.int8) for i in range(answers.shape[1])},
        segments=(Segment("region", labels, region.astype(np.int32)),),
    )


@st.composite
def surveys(draw: st.DrawFn) -> tuple[Survey, Responses]:
    n = draw(st.integers(2, 400))
    n_questions = draw(st.integers(1, 4))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    side = rng.integers(0, 2, n)
    side[0], side[1] = 0, 1
    # each side gets its own answer distribution, with some missing answers (-1)
    answers = np.empty((n, n_questions), dtype=np.int64)
    for s in (0, 1):
        probs = rng.dirichlet(np.ones(6), size=n_questions)
        for q in range(n_questions):
            rows = side == s
            answers[rows, q] = rng.choice(np.arange(-1, 5), size=int(rows.sum()), p=probs[q])
    # a question nobody answered on a side is refused (no-answers): give rows 0 and 1
    # (one per side) an answer wherever their side has none
    for q in range(n_questions):
        for s in (0, 1):
            if (answers[side == s, q] < 0).all():
                answers[s, q] = rng.integers(0, 5)
    region = rng.integers(0, draw(st.integers(1, 3)), n)
    min_n = draw(st.integers(1, 30))
    correction = draw(st.sampled_from(["holm", "bh", "bonferroni", "none"]))
    return make_survey(n_questions, min_n, correction), make_responses(side, answers, region)


@settings(max_examples=200, deadline=None)
@given(surveys())
def test_swapping_sides_negates_gaps_and_keeps_p_values(case: tuple[Survey, Responses]) -> None:
    survey, responses = case
    swapped = replace(responses, side=(1 - responses.side).astype(np.int8))
    a = analyze(survey, responses).results
    b = analyze(survey, swapped).results
    for x, y in zip(a, b, strict=True):
        assert x.suppressed == y.suppressed
        if x.suppressed:
            continue
        assert x.gap == pytest.approx(-(y.gap or 0), abs=1e-12)
        assert x.ci_low == pytest.approx(-(y.ci_high or 0), abs=1e-12)
        assert x.ci_high == pytest.approx(-(y.ci_low or 0), abs=1e-12)
        assert x.mean_gap == pytest.approx(-(y.mean_gap or 0), abs=1e-12)
        assert x.effect_size == pytest.approx(-(y.effect_size or 0), abs=1e-12)
        assert x.mean_effect_size == pytest.approx(-(y.mean_effect_size or 0), abs=1e-12)
        assert x.test == y.test
        assert x.p_value == pytest.approx(y.p_value, abs=1e-12)
        assert x.mean_p_value == pytest.approx(y.mean_p_value, abs=1e-12)
        assert x.p_adjusted == pytest.approx(y.p_adjusted, abs=1e-12)


@settings(max_examples=200, deadline=None)
@given(surveys())
def test_p_values_valid_and_suppressed_groups_show_nothing(case: tuple[Survey, Responses]) -> None:
    survey, responses = case
    report = analyze(survey, responses)
    min_n = survey.analysis.min_n
    for r in report.results:
        small = min(r.vendor.n, r.customer.n) < min_n
        assert r.suppressed == small
        if r.suppressed:
            assert r.vendor.top_box is None and r.customer.mean is None and r.gap is None
            assert r.p_value is None and r.mean_gap is None
            continue
        for p, adj in ((r.p_value, r.p_adjusted), (r.mean_p_value, r.mean_p_adjusted)):
            assert p is not None and adj is not None
            assert 0.0 <= p <= 1.0 and 0.0 <= adj <= 1.0
            assert adj >= p - 1e-15
        assert r.ci_low is not None and r.ci_high is not None and r.gap is not None
        assert -1.0 <= r.ci_low <= r.gap <= r.ci_high <= 1.0
    # no suppressed share reaches any output
    rendered = json_render.render(report)
    assert '"suppressed": true' in rendered or not any(r.suppressed for r in report.results)
    for r in report.results:
        if r.suppressed:
            d = r.to_dict()
            assert "top_box" not in d["vendor"] and "mean" not in d["customer"]
    rows = csv_render.render(report).splitlines()[1:]
    for r, row in zip(report.results, rows, strict=True):
        if r.suppressed:
            cells = row.split(",")
            assert cells[6] == cells[7] == cells[9] == cells[10] == cells[11] == ""


def test_counts_match_a_pandas_crosstab() -> None:
    rng = np.random.default_rng(7)
    n = 5000
    side = rng.integers(0, 2, n)
    answers = rng.integers(-1, 5, (n, 3))
    region = rng.integers(0, 4, n)
    survey = make_survey(3, 10)
    counts = count_answers(survey, make_responses(side, answers, region))
    for q in range(3):
        valid = answers[:, q] >= 0
        frame = pd.DataFrame({"side": side[valid], "level": answers[valid, q], "r": region[valid]})
        expected = pd.crosstab(frame["side"], frame["level"]).reindex(
            index=[0, 1], columns=range(5), fill_value=0
        )
        assert (counts[f"q{q}"].overall == expected.to_numpy()).all()
        for r in range(4):
            sub = frame[frame["r"] == r]
            exp = pd.crosstab(sub["side"], sub["level"]).reindex(
                index=[0, 1], columns=range(5), fill_value=0
            )
            assert (counts[f"q{q}"].by_segment["region"][r] == exp.to_numpy()).all()


def test_correction_family_spans_questions_and_segments() -> None:
    rng = np.random.default_rng(3)
    n = 600
    side = rng.integers(0, 2, n)
    answers = np.where(side[:, None] == 0, rng.integers(2, 5, (n, 2)), rng.integers(0, 5, (n, 2)))
    survey = make_survey(2, 10, "bonferroni")
    report = analyze(survey, make_responses(side, answers, rng.integers(0, 2, n)))
    tested = [r for r in report.results if not r.suppressed]
    assert len(tested) == 6  # 2 questions x (overall + 2 regions)
    for r in tested:
        assert r.p_adjusted == pytest.approx(min(1.0, 6 * (r.p_value or 0)))
        assert r.mean_p_adjusted == pytest.approx(min(1.0, 6 * (r.mean_p_value or 0)))


def test_rules_skipped_when_asked() -> None:
    survey = make_survey(1, 1)
    rng = np.random.default_rng(1)
    responses = make_responses(rng.integers(0, 2, 50), rng.integers(0, 5, (50, 1)), np.zeros(50))
    report = analyze(survey, responses, AnalysisOptions(apply_rules=False))
    assert report.rules == () and report.exit_code == 0
    console = Console(file=io.StringIO(), width=120, no_color=True)
    console.print(console_render.render(report))
    text = console.file.getvalue()  # type: ignore[attr-defined]
    assert "Question 0" in text and "Rules:" not in text
