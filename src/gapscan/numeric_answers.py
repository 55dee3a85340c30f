"""Read a numeric question's answers (``type: numeric``): numbers, through each column's
distinct values, so that a million answers cost one parse per distinct value.

A file's answers become floats (NaN: no answer); once every file is read, the run's
sorted distinct values become the question's levels and each answer is coded to its
value's index, so the count table (side x value x segment) holds everything the tests
need (DESIGN's count-first principle).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence

import numpy as np

from gapscan.survey import Question, fold

NOT_A_NUMBER = -2  # the same marker responses.py uses for an unknown answer
OUT_OF_RANGE = -3
# Plain decimal numbers as exports write them: 72, -3, 72.5, .5, 1e3 (no "nan", "inf",
# thousands separators or decimal commas, which would be guesses).
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")

# report(values, codes, marker, what, problem, hint, code): add one problem listing the
# values coded ``marker`` with their counts and rows (answer_coding.report_unknown)
Report = Callable[[list[str], np.ndarray, int, str, str, str, str], None]


def parse_number(text: str) -> float | None:
    """A cell's number, or None when the text is not a plain decimal number."""
    value = text.strip()
    if not _NUMBER.match(value):
        return None
    number = float(value)
    return number if math.isfinite(number) else None  # 1e400 is no number to compute with


def code_numbers(
    values: list[str], indices: np.ndarray, question: Question, column: str, report: Report
) -> np.ndarray:
    """Each row's number (NaN: blank, null or a ``missing`` answer); values that are not
    numbers, or fall outside the question's range, are reported."""
    numeric = question.scale.numeric
    assert numeric is not None
    missing = {fold(m) for m in question.scale.missing} | {""}
    table = np.full(len(values) + 1, np.nan)
    marks = np.zeros(len(values) + 1, dtype=np.int8)
    for i, text in enumerate(values):
        if fold(text) in missing:
            continue
        number = parse_number(text)
        if number is None:
            marks[i] = NOT_A_NUMBER
        elif not numeric.in_range(number):
            marks[i] = OUT_OF_RANGE
        else:
            table[i] = number
    where = f"column '{column}' (numeric question '{question.id}')"
    row_marks = marks[indices]
    report(
        values,
        row_marks,
        NOT_A_NUMBER,
        where,
        "not a number",
        "correct the data, or list the text under the question's 'missing'",
        "not-a-number",
    )
    low = "" if numeric.low is None else f"{numeric.low:g}"
    high = "" if numeric.high is None else f"{numeric.high:g}"
    report(
        values,
        row_marks,
        OUT_OF_RANGE,
        where,
        f"outside the range [{low}, {high}]",
        "correct the data, or widen the question's range",
        "out-of-range",
    )
    number_of_row: np.ndarray = table[indices]
    return number_of_row


def unify(parts: Sequence[np.ndarray]) -> tuple[tuple[float, ...], np.ndarray]:
    """The run's sorted distinct values, and every answer coded to its value's index
    (-1: no answer)."""
    from gapscan.answer_coding import MISSING, code_dtype

    numbers = np.concatenate(parts) if parts else np.empty(0)
    answered = ~np.isnan(numbers)
    distinct = np.unique(numbers[answered])
    codes = np.full(numbers.shape, MISSING, dtype=code_dtype(max(distinct.size, 1)))
    codes[answered] = np.searchsorted(distinct, numbers[answered])
    return tuple(float(v) for v in distinct), codes
