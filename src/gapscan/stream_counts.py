"""The count table added to batch by batch (:class:`Counter`): side x level counts per
question, whole sample and per segment value, respondents per segment value x side;
segment values (grouped folded, shown by their most frequent spelling) and a numeric
question's values grow as batches bring new ones, and are put in report order at the
end, as :func:`gapscan.labels.combine_spellings` and
:func:`gapscan.numeric_answers.unify` order them for the held responses.

With a design, each respondent's stratum (with a cluster, its PSU) and weight come
with the batch, and the count table also adds up each question's design cells
(:class:`gapscan.stream_design.Sums`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from gapscan.coding import MISSING, UNKNOWN, answer_coder
from gapscan.columns import Column
from gapscan.counts import QuestionCounts
from gapscan.file_coding import InputSummary
from gapscan.labels import BLANK_SEGMENT, canonical
from gapscan.stream_design import CELL_BUDGET, RowDesign, Sums, add_into
from gapscan.survey import CUSTOMER, VENDOR, Question, Survey, fold
from gapscan.tally import SegmentTally, Tally


class Grid:
    """Counts ``[key, side, level]`` whose keys (segment values) and levels (a numeric
    question's values) grow as batches add new ones."""

    def __init__(self, levels: int) -> None:
        self.counts = np.zeros((0, 2, levels), dtype=np.int64)

    def add(
        self, key: np.ndarray, side: np.ndarray, level: np.ndarray, keys: int, levels: int
    ) -> None:
        cell = (key.astype(np.int64) * 2 + side) * levels + level
        self.add_counts(np.bincount(cell, minlength=keys * 2 * levels).reshape(keys, 2, levels))

    def add_counts(self, counts: np.ndarray) -> None:
        """Add counts ``[key, side, level]`` (perhaps more keys or levels than so far)."""
        self.counts = add_into(self.counts, counts)


@dataclass
class Labels:
    """A breakdown column's folded values met so far, in the order met, with the count
    of each spelling (the shown one is chosen at the end, as for the held path)."""

    index: dict[str, int] = field(default_factory=dict)
    spellings: list[dict[str, int]] = field(default_factory=list)

    def code(self, labels: list[str], codes: np.ndarray) -> np.ndarray:
        counts = np.bincount(codes, minlength=len(labels)).tolist()
        remap = np.empty(len(labels), dtype=np.int64)
        for i, (label, count) in enumerate(zip(labels, counts, strict=True)):
            key = fold(label)
            if key not in self.index:
                self.index[key] = len(self.spellings)
                self.spellings.append({})
            found = self.spellings[self.index[key]]
            found[label] = found.get(label, 0) + count
            remap[i] = self.index[key]
        return remap[codes] if len(labels) else codes.astype(np.int64)

    def ordered(self) -> tuple[tuple[str, ...], np.ndarray]:
        """The values in report order, and for each value met its place in it."""
        shown = [
            BLANK_SEGMENT if not key else canonical(self.spellings[i])
            for key, i in self.index.items()
        ]
        ordered = sorted(shown, key=lambda s: (s == BLANK_SEGMENT, s.casefold(), s))
        place = {fold(label): i for i, label in enumerate(ordered)}
        order = np.array([place[key] for key in self.index], dtype=np.int64)
        return tuple(ordered), order


@dataclass
class Counter:
    """The count table being added to, batch by batch."""

    survey: Survey
    segments: tuple[str, ...]
    labels: dict[str, Labels] = field(default_factory=dict)
    people: dict[str, Grid] = field(default_factory=dict)
    overall: dict[str, Grid] = field(default_factory=dict)
    by_segment: dict[tuple[str, str], Grid] = field(default_factory=dict)
    values: dict[str, dict[float, int]] = field(default_factory=dict)  # numeric questions
    n_side: list[int] = field(default_factory=lambda: [0, 0])
    # per question: each raw answer met so far, coded (batch dictionaries bring the
    # same few values, each batch in its own order)
    codes: dict[str, _Codes] = field(default_factory=dict)
    # with a design: each question's cells, whole sample ("") and per breakdown column
    cells: dict[tuple[str, str], Sums] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for column in self.segments:
            self.labels[column] = Labels()
            self.people[column] = Grid(1)
        for q in self.survey.questions:
            numeric = q.scale.numeric is not None
            k = 0 if numeric else q.scale.k
            if numeric:
                self.values[q.id] = {}
            self.overall[q.id] = Grid(k)
            for column in self.segments:
                self.by_segment[q.id, column] = Grid(k)
            if self.survey.design is not None:
                for column in ("", *self.segments):
                    self.cells[q.id, column] = Sums(k)

    def add(
        self,
        side: np.ndarray,
        answers: dict[str, np.ndarray],
        segments: dict[str, tuple[list[str], np.ndarray]],
        design: RowDesign | None = None,
    ) -> bool:
        """Add a batch of coded answers (and, with a design, its respondents' strata and
        weights); False, and the count table no longer whole, when its design cells
        would outgrow ``CELL_BUDGET`` (found before they are grown: a design of many
        clusters is left to the held path with no more than the budget made)."""
        cells = sum(c.size for c in self.cells.values())
        side = side.astype(np.int64)
        self.n_side[VENDOR] += int((side == VENDOR).sum())
        self.n_side[CUSTOMER] += int((side == CUSTOMER).sum())
        keys = {}
        for column in self.segments:
            keys[column] = self.labels[column].code(*segments[column])
            m = len(self.labels[column].index)
            self.people[column].add(keys[column], side, np.zeros_like(side), m, 1)
        for q in self.survey.questions:
            codes = answers[q.id]
            if q.scale.numeric is not None:
                valid, level, k = self._numbers(q.id, codes)
            else:
                valid = codes >= 0
                level, k = codes[valid].astype(np.int64), q.scale.k
            on = side[valid]
            self.overall[q.id].add(np.zeros_like(on), on, level, 1, k)
            for column in self.segments:
                m = len(self.labels[column].index)
                self.by_segment[q.id, column].add(keys[column][valid], on, level, m, k)
            if design is not None:
                stratum, w = design.stratum[valid], design.weight[valid]
                for column in ("", *self.segments):
                    key = keys[column][valid] if column else np.zeros_like(on)
                    m = len(self.labels[column].index) if column else 1
                    shape = (m, 2, design.strata, k)
                    sums = self.cells[q.id, column]
                    cells += sums.size_after(shape) - sums.size
                    if cells > CELL_BUDGET:
                        return False
                    sums.add(key, on, stratum, level, w, shape)
        return True

    def add_columns(
        self,
        side: np.ndarray,
        columns: dict[str, Column],
        segments: dict[str, tuple[list[str], np.ndarray]],
        sides: tuple[int, ...],
    ) -> bool:
        """Add a batch of a survey without numeric questions, counted straight from
        each answer column's value indices: one count per segment value x side x
        distinct value, then the distinct values coded (as
        :func:`gapscan.answer_coding.code_answers` codes them) and their counts moved
        to their levels. False, and nothing of the questions added, when an answer of
        the side a column is read for fits no level (the held path reports it)."""
        assert not self.values, "numeric questions are added by add()"
        side = side.astype(np.int64)
        bases = {}
        for column in self.segments:
            key = self.labels[column].code(*segments[column])
            m = len(self.labels[column].index)
            self.people[column].add(key, side, np.zeros_like(side), m, 1)
            bases[column] = (key * 2 + side, m)
        counted = []
        scaled: dict[tuple[str, int], np.ndarray] = {}  # each base x a width, made once
        for q in self.survey.questions:
            for column, column_sides in _columns_of(q, sides).items():
                values, indices = columns[column]
                coding = self._coding(q, values)
                found = _level_counts(
                    coding, indices, column_sides, bases or {"": (side, 1)}, scaled
                )
                if found is None:
                    return False
                counted.append((q.id, found))
        self.n_side[VENDOR] += int((side == VENDOR).sum())
        self.n_side[CUSTOMER] += int((side == CUSTOMER).sum())
        for qid, found in counted:
            for column, counts in found.items():
                grid = self.by_segment[qid, column] if column else self.overall[qid]
                grid.add_counts(counts)
        return True

    def _with_cells(
        self,
        counts: QuestionCounts,
        orders: dict[str, tuple[tuple[str, ...], np.ndarray]],
        strata: np.ndarray,
        level_order: np.ndarray | None,
        psu_stratum: np.ndarray | None,
    ) -> QuestionCounts:
        qid, k = counts.question_id, counts.overall.shape[-1]
        whole = self.cells[qid, ""].cells(
            np.zeros(1, dtype=np.int64), strata, level_order, k, psu_stratum
        )
        per_segment = {
            column: self.cells[qid, column].cells(
                orders[column][1], strata, level_order, k, psu_stratum
            )
            for column in self.segments
        }
        return replace(counts, design_overall=whole, design_by_segment=per_segment)

    def _coding(self, q: Question, values: list[str]) -> _Coding:
        """How a batch's distinct answers map to the question's levels (each distinct
        raw answer coded once, the first time a batch brings it)."""
        codes = self.codes.get(q.id)
        if codes is None:
            codes = self.codes[q.id] = _Codes(answer_coder(q.scale), q.scale.k)
        return codes.of(values)

    def _numbers(self, qid: str, numbers: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
        valid = ~np.isnan(numbers)
        distinct, inverse = np.unique(numbers[valid], return_inverse=True)
        seen = self.values[qid]
        for value in distinct.tolist():
            seen.setdefault(float(value), len(seen))
        remap = np.array([seen[float(v)] for v in distinct.tolist()], dtype=np.int64)
        return valid, remap[inverse.reshape(-1)], len(seen)

    def tally(
        self,
        inputs: tuple[InputSummary, ...],
        strata: np.ndarray | None = None,
        psu_stratum: np.ndarray | None = None,
    ) -> Tally:
        """The count table; with a design, each question's cells too (``strata``: the
        place of each stratum met in the design's order; with a cluster, of each PSU,
        and ``psu_stratum`` each PSU's stratum)."""
        orders = {c: self.labels[c].ordered() for c in self.segments}
        numbers: dict[str, tuple[float, ...]] = {}
        counts: dict[str, QuestionCounts] = {}
        for q in self.survey.questions:
            level_order = None
            if q.scale.numeric is not None:
                met = list(self.values[q.id])
                numbers[q.id] = tuple(sorted(met))
                level_order = np.argsort(np.argsort(np.array(met)))
            by_segment = {}
            for column in self.segments:
                grid = _ordered(self.by_segment[q.id, column].counts, orders[column][1])
                by_segment[column] = grid if level_order is None else _levels(grid, level_order)
            overall = _padded(self.overall[q.id].counts, 1).sum(axis=0)
            if level_order is not None:
                overall = _levels(overall[None], level_order)[0]
            if by_segment:
                overall = next(iter(by_segment.values())).sum(axis=0)
            counts[q.id] = QuestionCounts(q.id, overall, by_segment)
            if strata is not None:
                counts[q.id] = self._with_cells(
                    counts[q.id], orders, strata, level_order, psu_stratum
                )
        segments = tuple(
            SegmentTally(c, orders[c][0], _ordered(self.people[c].counts, orders[c][1])[:, :, 0])
            for c in self.segments
        )
        return Tally(
            counts=counts,
            n_vendor=self.n_side[VENDOR],
            n_customer=self.n_side[CUSTOMER],
            segments=segments,
            inputs=inputs,
            numbers=numbers,
        )


def _columns_of(q: Question, sides: tuple[int, ...]) -> dict[str, list[int]]:
    """The question's columns, each with the sides it is read for."""
    by_column: dict[str, list[int]] = {}
    for s in sides:
        by_column.setdefault(q.column(s), []).append(s)
    return by_column


@dataclass(frozen=True)
class _Coding:
    """A batch dictionary's values (and the null cell, last) as levels: ``to_level``
    moves counts per value to counts per level; ``unknown``, the values that fit no
    level, if any."""

    to_level: np.ndarray
    unknown: np.ndarray | None


class _Codes:
    """One question's raw answers met so far, each with its code (a level,
    ``MISSING`` or ``UNKNOWN``, as ``answer_coder`` codes it)."""

    LIMIT = 4096  # distinct raw answers remembered (a clean export has a handful)

    def __init__(self, code_of: Callable[[str], int], k: int) -> None:
        self._code_of = code_of
        self._met: dict[str, int] = {}
        self._k = k

    def of(self, values: list[str]) -> _Coding:
        met = self._met
        if len(met) > self.LIMIT:
            met.clear()
        codes = np.array(
            [met[v] if v in met else met.setdefault(v, self._code_of(v)) for v in values]
            + [MISSING],
            dtype=np.int64,
        )
        to_level = np.zeros((len(codes), self._k), dtype=np.int64)  # a scale may be long
        given = np.flatnonzero(codes >= 0)
        to_level[given, codes[given]] = 1
        unknown = np.flatnonzero(codes == UNKNOWN)
        return _Coding(to_level, unknown if unknown.size else None)


def _level_counts(
    coding: _Coding,
    indices: np.ndarray,
    column_sides: list[int],
    bases: dict[str, tuple[np.ndarray, int]],
    scaled: dict[tuple[str, int], np.ndarray],
) -> dict[str, np.ndarray] | None:
    """Counts ``[key, side, level]`` of one answer column (each row's value index)
    per breakdown (``bases``: each row's key x 2 + side, and the number of keys), for
    the rows of ``column_sides``; None when one of those rows' answers fits no level.
    ``scaled`` keeps each base times a column's number of distinct values for the next
    column (answer columns mostly have the same number)."""
    width = coding.to_level.shape[0]
    other = [s for s in (VENDOR, CUSTOMER) if s not in column_sides]
    found = {}
    for name, (base, keys) in bases.items():
        start = scaled.get((name, width))
        if start is None:
            start = scaled[name, width] = base * width
        counts = np.bincount(start + indices, minlength=keys * 2 * width)
        counts = counts.reshape(keys, 2, width)
        if other:
            counts[:, other, :] = 0
        if coding.unknown is not None and counts[:, :, coding.unknown].any():
            return None
        found[name] = counts @ coding.to_level
    return found


def _padded(counts: np.ndarray, keys: int) -> np.ndarray:
    if counts.shape[0] >= keys:
        return counts
    grown = np.zeros((keys, *counts.shape[1:]), dtype=counts.dtype)
    grown[: counts.shape[0]] = counts
    return grown


def _ordered(counts: np.ndarray, order: np.ndarray) -> np.ndarray:
    """The rows of ``counts`` (keys in the order met) in report order."""
    result = np.zeros((order.size, *counts.shape[1:]), dtype=counts.dtype)
    result[order] = _padded(counts, order.size)
    return result


def _levels(counts: np.ndarray, place: np.ndarray) -> np.ndarray:
    """A numeric question's levels (in the order met) put in value order."""
    result = np.zeros((*counts.shape[:2], place.size), dtype=counts.dtype)
    result[:, :, place] = counts[:, :, : place.size]
    return result
