"""Aggregate coded answers into count tables, in one vectorised pass per question.

The count table is everything an independent-samples test needs: side x level
counts for the whole sample and for each value of each breakdown column. A
warehouse GROUP BY can produce the same table; the statistics do not change.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gapscan.responses import Responses
from gapscan.survey import Survey


@dataclass(frozen=True)
class QuestionCounts:
    """Counts of one question: ``overall[side, level]`` and, per breakdown column,
    ``by_segment[column][value, side, level]``."""

    question_id: str
    overall: np.ndarray
    by_segment: dict[str, np.ndarray]


def count_answers(survey: Survey, responses: Responses) -> dict[str, QuestionCounts]:
    """Count answers per side x level (x segment value) for every question."""
    survey = survey.with_numbers(responses.numbers)
    side = responses.side.astype(np.int64)
    result: dict[str, QuestionCounts] = {}
    for q in survey.questions:
        k = q.scale.k
        codes = responses.answers[q.id]
        valid = codes >= 0
        cell = side[valid] * k + codes[valid]
        by_segment: dict[str, np.ndarray] = {}
        for segment in responses.segments:
            m = len(segment.labels)
            key = segment.codes[valid].astype(np.int64) * (2 * k) + cell
            by_segment[segment.column] = np.bincount(key, minlength=m * 2 * k).reshape(m, 2, k)
        if by_segment:
            overall = next(iter(by_segment.values())).sum(axis=0)
        else:
            overall = np.bincount(cell, minlength=2 * k).reshape(2, k)
        result[q.id] = QuestionCounts(q.id, overall, by_segment)
    return result
