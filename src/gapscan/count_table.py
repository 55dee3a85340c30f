"""``gapscan analyze --counts FILE``: a count table made elsewhere (``gapscan sql`` in a
warehouse, Spark, DuckDB) read into the same ``Tally`` the respondent-level path makes.

The table has one row per question x side x segment values (x stratum x cluster) x
raw answer:

| column | what |
| --- | --- |
| `question` | the schema's question id |
| `side` | the raw side value |
| one per segment | named as in the schema; a segment not analysed is summed over |
| `stratum`, `cluster` | when the design has them |
| `answer` | the raw answer; null for no answer (these rows keep respondent counts whole) |
| `n` | respondents |
| `sum_w`, `sum_w2` | Σ w and Σ w² over them, when weighted |

A per-account table (``gapscan sql --paired``) has a column ``account`` more: a paired
run pairs its rows (``gapscan.count_accounts``), any other sums over it.

Sides, segments and answers are folded again here (trimmed, case-folded) and matched
by the same functions as the direct path (``gapscan.coding``); a segment value is
shown in its most frequent spelling (ties: the first in sort order).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from gapscan.coding import UNKNOWN, answer_coder, side_coder
from gapscan.count_checks import (
    check_columns,
    check_respondents,
    integers,
    question_index,
    refuse_empty,
    refuse_unsupported,
    sums_of_weights,
)
from gapscan.count_design import count_design, question_cells
from gapscan.count_file import Column, CountFile, read_count_file
from gapscan.counts import DesignCells, QuestionCounts
from gapscan.design_data import DesignData
from gapscan.errors import GapscanError, ProblemCollector
from gapscan.labels import BLANK_SEGMENT
from gapscan.numeric_answers import code_numbers
from gapscan.responses import InputSummary
from gapscan.subsets import IGNORED_SIDE
from gapscan.survey import CUSTOMER, VENDOR, Mode, Question, Survey, fold
from gapscan.tally import IDENTITY_NOTE, SegmentTally, Tally

IGNORED = -3  # a side value under sides.ignore
MAX_SHOWN = 10
FILTER_NOTE = (
    "the schema's filters were applied when the count table was made: the rows they "
    "removed are not known here"
)


@dataclass(frozen=True)
class _Rows:
    """The table coded: each row's question index, side, level (-1: no answer), n;
    ``keep``: the rows analysed (a known question, a side)."""

    table: CountFile
    question: np.ndarray
    side: np.ndarray
    level: np.ndarray
    n: np.ndarray
    keep: np.ndarray


def read_counts(
    survey: Survey,
    path: str | Path,
    segments: Sequence[str] | None = None,
    *,
    paired: bool | None = None,
) -> Tally:
    """The count table in ``path`` as a ``Tally`` for ``survey`` (``segments``: the
    breakdowns to analyse, default the schema's; ``paired``: asked for, default the
    schema's mode: then the table is per account, see ``gapscan.count_accounts``);
    every problem raised at once."""
    return read_count_rows(survey, path, segments, paired=paired).tally


@dataclass(frozen=True)
class CountRows:
    """A count table read: its ``Tally``, its rows coded, each analysed segment's
    labels and each row's label index."""

    tally: Tally
    rows: _Rows
    segment_codes: dict[str, tuple[tuple[str, ...], np.ndarray]]


def read_count_rows(
    survey: Survey,
    path: str | Path,
    segments: Sequence[str] | None = None,
    *,
    paired: bool | None = None,
) -> CountRows:
    """``read_counts``, with the coded rows kept (a paired run pairs them)."""
    chosen = tuple(dict.fromkeys(survey.segments if segments is None else segments))
    if paired is None:
        paired = survey.analysis.mode is Mode.PAIRED
    refuse_unsupported(survey, paired)
    table = read_count_file(Path(path))
    check_columns(survey, table, chosen, paired=paired)
    refuse_empty(table)
    out = ProblemCollector()
    n = integers(table, "n", out)
    weights = sums_of_weights(survey, table, n, out)
    question = question_index(survey, table, out)
    side = _sides(survey, table, n, out)
    keep = (question >= 0) & (side >= 0)
    numbers, level = _answers(survey, table, question, keep, n, out)
    out.raise_if_any()
    if not keep.any():
        raise GapscanError.single(
            f"all {table.rows:,} rows are of side values under sides.ignore: no responses left",
            file=table.name,
            line=1,
            hint="check sides.ignore against the count table's side values",
            code="empty-file",
        )
    rows = _Rows(table, question, side, level, n, keep)
    check_respondents(survey, table, (question, side, n, keep), out)
    first = question == 0
    design = count_design(survey, table, n, (question >= 0) & (side != UNKNOWN), first, out)
    out.raise_if_any()
    segment_codes = {c: _segment(table.columns[c], n, keep & first) for c in chosen}
    tally = _tally(survey, rows, segment_codes, numbers)
    if design is None or weights is None:
        return CountRows(tally, rows, segment_codes)
    data, row_psu = design
    counts = {
        q.id: _with_design(tally.counts[q.id], rows, i, segment_codes, data, row_psu, weights, q)
        for i, q in enumerate(survey.with_numbers(numbers).questions)
    }
    return CountRows(replace(tally, counts=counts, design=data), rows, segment_codes)


def _sides(survey: Survey, table: CountFile, n: np.ndarray, out: ProblemCollector) -> np.ndarray:
    """Each row's side; ``IGNORED`` for a value under sides.ignore; unknown values
    reported with their respondents. A schema without sides.column (a file per side)
    reads the sides named ``vendor`` and ``customer``."""
    if survey.sides.column is None:  # one file per side: the table names the side
        survey = replace(
            survey, sides=replace(survey.sides, vendor=("vendor",), customer=("customer",))
        )
    code_of = side_coder(survey)
    ignore = {fold(v) for v in survey.sides.ignore}
    data = table.columns["side"]
    codes = [IGNORED if fold(v) and fold(v) in ignore else code_of(v) for v in data.values]
    side = data.table([*codes, UNKNOWN]).astype(np.int64)
    _report(
        table,
        data,
        side == UNKNOWN,
        n,
        "column 'side'",
        "fit no side",
        "list each value under sides.vendor or sides.customer in the schema, or under "
        "sides.ignore to leave those rows out",
        "unknown-side",
        out,
    )
    return side


def _answers(
    survey: Survey,
    table: CountFile,
    question: np.ndarray,
    keep: np.ndarray,
    n: np.ndarray,
    out: ProblemCollector,
) -> tuple[dict[str, tuple[float, ...]], np.ndarray]:
    """Each row's level code (-1: no answer), matched by the direct path's functions
    once per distinct answer; a numeric question's levels are the distinct numbers
    answered."""
    data = table.columns["answer"]
    values = [*data.values, ""]  # a null answer is a blank one
    level = np.full(table.rows, -1, dtype=np.int64)
    numbers: dict[str, tuple[float, ...]] = {}
    for i, q in enumerate(survey.questions):
        rows = np.flatnonzero(keep & (question == i))
        if q.scale.numeric is not None:
            numbers[q.id], level[rows] = _numbers(table, q, values, rows, n, out)
            continue
        code_of = answer_coder(q.scale)
        used = np.unique(data.indices[rows])
        lookup = np.full(len(values), UNKNOWN, dtype=np.int64)
        lookup[used] = [code_of(values[j]) for j in used.tolist()]
        codes = lookup[data.indices[rows]]
        bad = np.zeros(table.rows, dtype=bool)
        bad[rows] = codes == UNKNOWN
        what = f"column 'answer' (question '{q.id}', scale '{q.scale.name}')"
        hint = (
            f"add them to scale '{q.scale.name}' as levels or under 'missing', or correct the data"
        )
        _report(table, data, bad, n, what, "fit no level", hint, "unknown-answer", out)
        level[rows] = np.maximum(codes, -1)
    return numbers, level


def _numbers(
    table: CountFile,
    q: Question,
    values: list[str],
    rows: np.ndarray,
    n: np.ndarray,
    out: ProblemCollector,
) -> tuple[tuple[float, ...], np.ndarray]:
    """A numeric question's answers through ``code_numbers``; its levels: the sorted
    distinct numbers answered by someone."""
    data = table.columns["answer"]

    def report(
        _: list[str], marks: np.ndarray, marker: int, what: str, problem: str, hint: str, code: str
    ) -> None:
        bad = np.zeros(table.rows, dtype=bool)
        bad[rows] = marks == marker
        _report(table, data, bad, n, what, problem, hint, code, out)

    number = code_numbers(values[:-1], data.indices[rows], q, "answer", report)
    answered = ~np.isnan(number) & (n[rows] > 0)
    distinct = np.unique(number[answered])
    codes = np.full(rows.size, -1, dtype=np.int64)
    valid = ~np.isnan(number)
    codes[valid] = np.searchsorted(distinct, number[valid])
    return tuple(float(v) for v in distinct), codes


def _report(
    table: CountFile,
    data: Column,
    bad: np.ndarray,
    n: np.ndarray,
    what: str,
    problem: str,
    hint: str,
    code: str,
    out: ProblemCollector,
) -> None:
    """One problem listing the bad values, each with its respondents and first lines."""
    if not bad.any():
        return
    rows = np.flatnonzero(bad)
    total = np.bincount(data.indices[rows], weights=n[rows], minlength=data.null + 1)
    present = np.unique(data.indices[rows])
    values = [*data.values, ""]
    order = sorted(present.tolist(), key=lambda v: (-total[v], values[v]))
    parts = []
    for index in order[:MAX_SHOWN]:
        found = rows[data.indices[rows] == index]
        shown = ", ".join(str(table.line(int(r))) for r in found[:5])
        shown += ", ..." if found.size > 5 else ""
        text = repr(values[index]) if values[index].strip() else "blank"
        lines_text = f"line{'s' if found.size > 1 else ''} {shown}"
        parts.append(f"{text} x{int(total[index]):,} respondent(s), {lines_text}")
    if len(order) > MAX_SHOWN:
        parts.append(f"and {len(order) - MAX_SHOWN} more values")
    out.add(
        f"{what}: {len(order)} value(s) {problem}: " + "; ".join(parts),
        file=table.name,
        line=table.line(int(rows[0])),
        hint=hint,
        code=code,
    )


def _segment(
    data: Column, n: np.ndarray, counted: np.ndarray
) -> tuple[tuple[str, ...], np.ndarray]:
    """A breakdown column grouped by folded value: the labels in report order (each in
    its most frequent spelling, ties to the first in sort order; blank last) and each
    row's label index. ``counted``: the rows that count every respondent once."""
    weight = np.bincount(data.indices[counted], weights=n[counted], minlength=data.null + 1)
    present = np.bincount(data.indices[counted], minlength=data.null + 1) > 0
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for value, count, used in zip([*data.values, ""], weight.tolist(), present, strict=True):
        if used:
            spellings[fold(value)][value.strip()] += int(count)
    labels = {
        key: BLANK_SEGMENT if not key else min(c, key=lambda s: (-c[s], s))
        for key, c in spellings.items()
    }
    ordered = sorted(labels.values(), key=lambda s: (s == BLANK_SEGMENT, s.casefold(), s))
    position = {fold(label): i for i, label in enumerate(ordered)}
    lookup = [position.get(fold(v), 0) for v in [*data.values, ""]]  # 0: a row not analysed
    return tuple(ordered), np.asarray(lookup, dtype=np.int64)[data.indices]


def _tally(
    survey: Survey,
    rows: _Rows,
    segment_codes: dict[str, tuple[tuple[str, ...], np.ndarray]],
    numbers: dict[str, tuple[float, ...]],
) -> Tally:
    """Counts per question, respondents per side and segment value x side."""
    table, keep, n = rows.table, rows.keep, rows.n
    survey = survey.with_numbers(numbers)
    counts: dict[str, QuestionCounts] = {}
    for i, q in enumerate(survey.questions):
        k = q.scale.k
        answered = keep & (rows.question == i) & (rows.level >= 0)
        cell = rows.side[answered] * k + rows.level[answered]
        by_segment = {}
        for column, (labels, codes) in segment_codes.items():
            key = codes[answered] * (2 * k) + cell
            size = len(labels) * 2 * k
            by_segment[column] = _sum(key, n[answered], size).reshape(len(labels), 2, k)
        overall = _sum(cell, n[answered], 2 * k).reshape(2, k)
        counts[q.id] = QuestionCounts(q.id, overall, by_segment)
    first = keep & (rows.question == 0)
    segments = tuple(
        SegmentTally(
            column,
            labels,
            _sum(codes[first] * 2 + rows.side[first], n[first], 2 * len(labels)).reshape(-1, 2),
        )
        for column, (labels, codes) in segment_codes.items()
    )
    n_side = _sum(rows.side[first], n[first], 2)
    ignored = int(n[(rows.question == 0) & (rows.side == IGNORED)].sum())
    summary = InputSummary(
        path=table.name,
        format=f"count table ({table.format})",
        rows=table.rows,
        vendor=int(n_side[VENDOR]),
        customer=int(n_side[CUSTOMER]),
        excluded={IGNORED_SIDE: ignored} if survey.sides.ignore else {},
    )
    notes = (IDENTITY_NOTE,) + ((FILTER_NOTE,) if survey.filters else ())
    return Tally(
        counts=counts,
        n_vendor=int(n_side[VENDOR]),
        n_customer=int(n_side[CUSTOMER]),
        segments=segments,
        inputs=(summary,),
        numbers=numbers,
        notes=notes,
    )


def _sum(key: np.ndarray, n: np.ndarray, size: int) -> np.ndarray:
    return np.bincount(key, weights=n, minlength=size).astype(np.int64)


def _with_design(
    counts: QuestionCounts,
    rows: _Rows,
    index: int,
    segment_codes: dict[str, tuple[tuple[str, ...], np.ndarray]],
    data: DesignData,
    row_psu: np.ndarray,
    weights: tuple[np.ndarray, np.ndarray],
    q: Question,
) -> QuestionCounts:
    """The question's counts with its design cells, whole sample and per segment."""
    answered = np.flatnonzero(rows.keep & (rows.question == index) & (rows.level >= 0))
    sums = (rows.n.astype(np.float64), weights[0], weights[1])
    side, level = rows.side[answered], rows.level[answered]

    def cells(segment: np.ndarray) -> DesignCells:
        return question_cells(data, row_psu, answered, segment, side, level, sums, q.scale.k)

    whole = cells(np.zeros(answered.size, dtype=np.int64))
    per_segment = {c: cells(codes[answered]) for c, (_, codes) in segment_codes.items()}
    return QuestionCounts(q.id, counts.overall, counts.by_segment, whole, per_segment)
