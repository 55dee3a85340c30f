"""Paired views from their pairs' states (``gapscan.paired_states``) against the views
made from the pairs' arrays (``pairing.pair_question`` and ``paired_analysis._compare``,
which tests/test_pairing.py holds to scipy and statsmodels): every number of every view
the same, floats to 1e-12 (their last bits), on generated many-to-one and one-to-one
accounts, both ways of combining a side's respondents, and scales of 5 and 11 levels."""

from __future__ import annotations

import math
from dataclasses import replace
from fractions import Fraction
from typing import Any
from unittest import mock

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.weightstats import zconfint

from gapscan import paired_analysis, paired_differences, paired_states
from gapscan.paired_analysis import paired_results
from gapscan.pairing import AnsweredRows
from gapscan.responses import Responses
from gapscan.stats.paired import mean_difference_counted, mean_difference_interval
from gapscan.survey import Combine, Question, Scale, Survey
from tests.cli.test_counts import assert_close
from tests.test_pairing import paired_cases

# 0..10, its scores not in the levels' order for a median to be found by score
ELEVEN = Scale(
    "eleven",
    tuple(str(i) for i in range(11)),
    frozenset({9, 10}),
    scores=tuple(float((7 * i) % 11) for i in range(11)),
)


def _from_arrays(survey: Survey, responses: Responses, show: int) -> list[dict[str, Any]]:
    with mock.patch.object(paired_analysis, "question_states", lambda *a: None):
        return [r.to_dict() for r in paired_results(survey, responses, show)]


def _from_states(survey: Survey, responses: Responses, show: int) -> list[dict[str, Any]]:
    return [r.to_dict() for r in paired_results(survey, responses, show)]


def _on(survey: Survey, scale: Scale, responses: Responses) -> tuple[Survey, Responses]:
    """The case on another scale: each answer's level spread over its levels."""
    questions = tuple(replace(q, scale=scale) for q in survey.questions)
    answers = {}
    for q, codes in responses.answers.items():
        spread = np.where(codes >= 0, (codes.astype(np.int64) * 7 + np.arange(codes.size)) % 11, -1)
        answers[q] = spread.astype(np.int8)
    return replace(survey, questions=questions, scales=(scale,)), replace(
        responses, answers=answers
    )


@settings(max_examples=150, deadline=None)
@given(case=paired_cases(), show=st.sampled_from([0, 3]), eleven=st.booleans())
def test_views_from_states_are_the_views_from_the_pairs(
    case: tuple[Survey, Responses], show: int, eleven: bool
) -> None:
    survey, responses = case
    if eleven:
        survey, responses = _on(survey, ELEVEN, responses)
    assert_close(_from_arrays(survey, responses, show), _from_states(survey, responses, show))


@settings(max_examples=60, deadline=None)
@given(case=paired_cases(), eleven=st.booleans())
def test_states_sorted_instead_of_counted_give_the_same_views(
    case: tuple[Survey, Responses], eleven: bool
) -> None:
    """Codes and pair states too many to count by one bincount are found by a sort."""
    survey, responses = case
    if eleven:
        survey, responses = _on(survey, ELEVEN, responses)
    counted = _from_states(survey, responses, 3)
    with (
        mock.patch.object(paired_states, "DENSE_CODES", 0),
        mock.patch.object(paired_states, "DENSE_PAIRS", 0),
        mock.patch.object(paired_differences, "STATE_BUDGET", 0),
    ):
        sorted_ = _from_states(survey, responses, 3)
    assert sorted_ == counted


def test_a_side_too_large_to_code_exactly_is_left_to_the_pairs() -> None:
    """28 respondents of one account side on 11 levels: 29**11 codes do not fit a
    float's 53 bits, so the question's pairs are combined as arrays."""
    q = Question("q1", "Q", ELEVEN, "q1", "q1")
    rows = AnsweredRows(np.array([0] * 29 + [1], dtype=np.int64), np.zeros(30, dtype=np.int64))
    assert paired_states.question_states(q, rows, 1, Combine.MEAN) is None
    fits = AnsweredRows(np.array([0] * 27 + [1], dtype=np.int64), np.zeros(28, dtype=np.int64))
    states = paired_states.question_states(q, fits, 1, Combine.MEAN)
    assert states is not None and states.account.tolist() == [0]
    assert states.sides.n[states.vendor[states.pair]].tolist() == [27]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from([-1.0, -0.5, 0.0, 1 / 3, 0.25, 2.0]), st.integers(1, 9)))
    .filter(lambda rows: len(rows) > 0)
    .map(lambda rows: dict(rows)),
    st.sampled_from([0.8, 0.95, 0.99]),
)
def test_counted_mean_interval_is_the_interval_of_the_differences(
    counted: dict[float, int], confidence: float
) -> None:
    values = np.array(sorted(counted))
    counts = np.array([counted[v] for v in sorted(counted)], dtype=np.int64)
    expanded = np.repeat(values, counts)
    mean, ci = mean_difference_counted(values, counts, confidence=confidence)
    assert math.isclose(mean, float(expanded.mean()), rel_tol=1e-12, abs_tol=1e-15)
    expected = mean_difference_interval(expanded, confidence=confidence)
    oracle = zconfint(expanded, alpha=1 - confidence, ddof=0)
    for got, want, sm in zip(ci, expected, oracle, strict=True):
        assert math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-12)
        assert math.isclose(got, float(sm), rel_tol=1e-9, abs_tol=1e-12)


@settings(max_examples=200, deadline=None)
@given(
    entries=st.lists(
        st.tuples(st.integers(1, 10**4), st.integers(-(10**4), 10**4), st.integers(1, 45)),
        min_size=1,
        max_size=60,
    ),
    huge=st.booleans(),
)
def test_a_views_mean_is_its_pairs_fractions_mean_correctly_rounded(
    entries: list[tuple[int, int, int]], huge: bool
) -> None:
    # pairs per state, a whole numerator and a denominator (its respondents); ``huge``
    # numerators leave float sums inexact, so the mean is added as fractions one by one
    scale = 10**10 if huge else 1
    exact = sum(Fraction(p * n * scale, d) for p, n, d in entries) / sum(p for p, _, _ in entries)
    pairs, num, den = (np.array(column, dtype=np.int64) for column in zip(*entries, strict=True))
    assert paired_states.exact_mean(pairs, num * scale, den) == float(exact)


@settings(max_examples=200, deadline=None)
@given(
    codes=st.lists(
        st.integers(0, 70_000) | st.integers(0, 2**32 - 1) | st.integers(0, 2**53), max_size=300
    ),
    seed=st.integers(0, 2**32 - 1),
)
def test_distinct_codes_are_numpys_unique(codes: list[int], seed: int) -> None:
    # below 2**32 by two 16-bit radix passes, else by numpy's own sort: the same either
    # way; and thousands of codes sharing a few high halves (the second pass must keep
    # the first pass's order among them)
    rng = np.random.default_rng(seed)
    shared = rng.integers(0, 4, 5000) * 65536 + rng.integers(0, 65536, 5000)
    code = np.array(codes + shared.tolist(), dtype=np.int64)
    used, inverse = paired_states.distinct_codes(code)
    expected, expected_inverse = np.unique(code, return_inverse=True)
    assert used.tolist() == expected.tolist()
    assert inverse.tolist() == expected_inverse.reshape(-1).tolist()
