"""The count table added to batch by batch (:class:`Counter`): side x level counts per
question, whole sample and per segment value, respondents per segment value x side;
segment values (grouped folded, shown by their most frequent spelling) and a numeric
question's values grow as batches bring new ones, and are put in report order at the
end, as :func:`gapscan.labels.combine_spellings` and
:func:`gapscan.numeric_answers.unify` order them for the held responses."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from gapscan.counts import QuestionCounts
from gapscan.file_coding import InputSummary
from gapscan.labels import BLANK_SEGMENT, canonical
from gapscan.survey import CUSTOMER, VENDOR, Survey, fold
from gapscan.tally import SegmentTally, Tally


class Grid:
    """Counts ``[key, side, level]`` whose keys (segment values) and levels (a numeric
    question's values) grow as batches add new ones."""

    def __init__(self, levels: int) -> None:
        self.counts = np.zeros((0, 2, levels), dtype=np.int64)

    def add(
        self, key: np.ndarray, side: np.ndarray, level: np.ndarray, keys: int, levels: int
    ) -> None:
        keys, levels = max(keys, self.counts.shape[0]), max(levels, self.counts.shape[2])
        if (keys, levels) != (self.counts.shape[0], self.counts.shape[2]):
            grown = np.zeros((keys, 2, levels), dtype=np.int64)
            grown[: self.counts.shape[0], :, : self.counts.shape[2]] = self.counts
            self.counts = grown
        cell = (key.astype(np.int64) * 2 + side) * levels + level
        self.counts += np.bincount(cell, minlength=keys * 2 * levels).reshape(keys, 2, levels)


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

    def add(
        self,
        side: np.ndarray,
        answers: dict[str, np.ndarray],
        segments: dict[str, tuple[list[str], np.ndarray]],
    ) -> None:
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

    def _numbers(self, qid: str, numbers: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
        valid = ~np.isnan(numbers)
        distinct, inverse = np.unique(numbers[valid], return_inverse=True)
        seen = self.values[qid]
        for value in distinct.tolist():
            seen.setdefault(float(value), len(seen))
        remap = np.array([seen[float(v)] for v in distinct.tolist()], dtype=np.int64)
        return valid, remap[inverse.reshape(-1)], len(seen)

    def tally(self, inputs: tuple[InputSummary, ...]) -> Tally:
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
