"""Answers and sides coded through each column's distinct values: a value is matched
to a scale level (trimmed, case-folded) once, and the codes of all rows follow by one
array lookup. Values that fit no level are listed with their counts and rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from gapscan.coding import MISSING as MISSING
from gapscan.coding import UNKNOWN as UNKNOWN
from gapscan.coding import answer_coder, side_coder
from gapscan.columns import Column
from gapscan.errors import ProblemCollector
from gapscan.inputs.source import Source
from gapscan.numeric_answers import Report
from gapscan.survey import Question, Survey, closest_difference

MAX_EXAMPLE_ROWS = 5


def code_dtype(levels: int) -> np.dtype[np.signedinteger]:
    """The smallest signed integer type that holds codes 0..levels-1 and the negative
    markers (int8 for the usual scales; wider for long ones, e.g. a 0–1000 slider)."""
    for dtype in (np.int8, np.int16, np.int32):
        if levels <= np.iinfo(dtype).max:
            return np.dtype(dtype)
    return np.dtype(np.int64)


MAX_EXAMPLE_VALUES = 10


def kept_rows(n: int, dropped: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    """Map indices of the kept rows back to indices in the file."""
    if dropped.size == 0:
        return lambda idx: idx
    kept = np.setdiff1d(np.arange(n), dropped)
    return lambda idx: kept[idx]


def _lookup(
    column: Column, code_of: Callable[[str], int], dtype: np.dtype[np.signedinteger]
) -> np.ndarray:
    """Code a column through its distinct values (a null cell is no answer)."""
    values, indices = column
    table = np.array([code_of(v) for v in values] + [MISSING], dtype=dtype)
    return table[indices]


def reporter(
    source: Source,
    indices: np.ndarray,
    kept: Callable[[np.ndarray], np.ndarray],
    rows: np.ndarray,
    out: ProblemCollector,
) -> Report:
    """How a numeric column reports its bad values, listed like unknown answers."""

    def report(
        values: list[str],
        marks: np.ndarray,
        marker: int,
        what: str,
        problem: str,
        hint: str,
        code: str,
    ) -> None:
        report_unknown(
            source, values, indices, marks, kept, what, hint, out, rows, code, marker, problem
        )

    return report


def report_unknown(
    source: Source,
    values: list[str],
    indices: np.ndarray,
    codes: np.ndarray,
    kept: Callable[[np.ndarray], np.ndarray],
    what: str,
    hint: str,
    out: ProblemCollector,
    rows: np.ndarray | None = None,
    code: str = "unknown-answer",
    marker: int = UNKNOWN,
    problem: str = "fit no level",
    candidates: Sequence[str] = (),
) -> None:
    bad = codes == marker
    if rows is not None:
        bad &= rows
    if not bad.any():
        return
    counts = np.bincount(indices[bad], minlength=len(values) + 1)
    order = sorted(np.flatnonzero(counts), key=lambda i: (-counts[i], values[i]))
    parts = []
    first_line: int | None = None
    for i in order[:MAX_EXAMPLE_VALUES]:
        where = kept(np.flatnonzero(bad & (indices == i))[:MAX_EXAMPLE_ROWS])
        lines = [source.row_number(int(r)) for r in where]
        first_line = lines[0] if first_line is None else min(first_line, lines[0])
        label = "row" if counts[i] == 1 else "rows"
        more = ", ..." if counts[i] > len(lines) else ""
        shown = ", ".join(map(str, lines))
        text = quote(values[i]) if values[i].strip() else "blank"
        near = closest_difference(values[i], list(candidates)) if text != "blank" else ""
        parts.append(f"{text} x{counts[i]} ({label} {shown}{more}){near}")
    if len(order) > MAX_EXAMPLE_VALUES:
        parts.append(f"and {len(order) - MAX_EXAMPLE_VALUES} more values")
    total = int(bad.sum())
    out.add(
        f"{what}: {total} value(s) {problem}: " + "; ".join(parts),
        file=source.name,
        line=first_line,
        hint=hint,
        code=code,
    )


def quote(value: str, limit: int = 60) -> str:
    """A value as it appears in a message: on one line, and not too long."""
    text = value if len(value) <= limit else value[: limit - 1] + "…"
    return repr(text) if any(c in text for c in "\n\r\t'") else f"'{text}'"


def code_sides(
    survey: Survey,
    source: Source,
    column_data: Column,
    kept: Callable[[np.ndarray], np.ndarray],
    out: ProblemCollector,
) -> np.ndarray:
    column = survey.sides.column
    assert column is not None
    values, indices = column_data
    codes = _lookup(column_data, side_coder(survey), np.dtype(np.int8))
    codes = np.where(indices == len(values), UNKNOWN, codes).astype(np.int8)
    values = [*values, ""]
    report_unknown(
        source,
        values,
        indices,
        codes,
        kept,
        f"side column '{column}'",
        "list each value under sides.vendor or sides.customer in the schema, or under "
        "sides.ignore to leave those rows out",
        out,
        code="unknown-side",
        candidates=(*survey.sides.vendor, *survey.sides.customer, *survey.sides.ignore),
    )
    return codes


def code_answers(
    source: Source,
    column_data: Column,
    column: str,
    question: Question,
    rows: np.ndarray,
    kept: Callable[[np.ndarray], np.ndarray],
    out: ProblemCollector,
) -> np.ndarray:
    scale = question.scale
    values, indices = column_data
    codes = _lookup(column_data, answer_coder(scale), code_dtype(scale.k))
    report_unknown(
        source,
        values,
        indices,
        codes,
        kept,
        f"column '{column}' (question '{question.id}', scale '{scale.name}')",
        f"add them to scale '{scale.name}' as levels or under 'missing', or correct the data",
        out,
        rows,
        candidates=(*scale.levels, *scale.missing),
    )
    return codes
