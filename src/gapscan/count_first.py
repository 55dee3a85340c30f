"""Count-first reading: each batch of each file coded and added straight into the count
table (``Tally``), no per-row answer codes kept, for the runs that need nothing per row
after coding (independent samples, no weights or design, duplicate ids an error, no
per-respondent output). Memory then does not grow with the rows, apart from the
8-byte respondent id hashes the duplicate check needs.

The batches are coded by the same functions as :func:`gapscan.responses.load_responses`
codes a whole file. Whenever anything is not clean (a data problem, a repeated id hash,
a file that cannot be read), :func:`stream_tally` returns None and the caller takes
the held path, whose messages (with their line numbers) are the ones reported: the
error path reads the files again, the clean path once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from gapscan.answer_coding import code_sides, kept_rows
from gapscan.columns import read_columns
from gapscan.counts import QuestionCounts
from gapscan.errors import GapscanError, ProblemCollector
from gapscan.exclusions import Drops, find_drops
from gapscan.file_coding import (
    InputSummary,
    ReadOptions,
    _check_columns,
    _code_questions,
    _kept,
    needed_columns,
)
from gapscan.identity import FileIds, check_ids, same_content
from gapscan.inputs.frame import Frame
from gapscan.labels import BLANK_SEGMENT, canonical, spellings
from gapscan.readers import Source, open_source
from gapscan.subsets import unmatched_warnings
from gapscan.survey import CUSTOMER, SIDE_NAMES, VENDOR, Survey, fold
from gapscan.tally import SegmentTally, Tally

Input = str | Path | Frame


class _NotClean(Exception):
    """The run is not clean: the held path reads it and reports what is wrong."""


def can_stream(survey: Survey, *, paired: bool, origins: bool = False) -> bool:
    """Whether a run needs no per-row data once its answers are coded."""
    return (
        not paired
        and not origins
        and survey.design is None
        and survey.weighting is None
        and survey.duplicate_ids == "error"
    )


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
class _Labels:
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
class _Counter:
    """The count table being added to, batch by batch."""

    survey: Survey
    segments: tuple[str, ...]
    labels: dict[str, _Labels] = field(default_factory=dict)
    people: dict[str, Grid] = field(default_factory=dict)
    overall: dict[str, Grid] = field(default_factory=dict)
    by_segment: dict[tuple[str, str], Grid] = field(default_factory=dict)
    values: dict[str, dict[float, int]] = field(default_factory=dict)  # numeric questions
    n_side: list[int] = field(default_factory=lambda: [0, 0])

    def __post_init__(self) -> None:
        for column in self.segments:
            self.labels[column] = _Labels()
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


@dataclass
class _FileTotals:
    """What one file's batches add up to, besides the counts."""

    rows: int = 0
    vendor: int = 0
    customer: int = 0
    blank: int = 0
    excluded: dict[str, int] = field(default_factory=dict)
    unfinished_kept: int = 0
    removed: list[int] = field(default_factory=list)
    matched: list[frozenset[str]] = field(default_factory=list)
    hashes: list[np.ndarray] = field(default_factory=list)
    sides: list[np.ndarray] = field(default_factory=list)

    def add(self, rows: int, side: np.ndarray, drops: Drops) -> None:
        self.rows += rows
        self.vendor += int((side == VENDOR).sum())
        self.customer += int((side == CUSTOMER).sum())
        self.blank += int(drops.blank.sum())
        for reason, n in drops.excluded.items():
            self.excluded[reason] = self.excluded.get(reason, 0) + n
        self.unfinished_kept += drops.unfinished_kept
        filtered = drops.filtered
        if not self.removed:
            self.removed = [0] * len(filtered.removed)
            self.matched = [frozenset()] * len(filtered.matched)
        self.removed = [a + b for a, b in zip(self.removed, filtered.removed, strict=True)]
        self.matched = [a | b for a, b in zip(self.matched, filtered.matched, strict=True)]


def _stream_file(
    survey: Survey,
    path: Path | Frame,
    side: int | None,
    counter: _Counter,
    reading: ReadOptions,
) -> tuple[InputSummary, _FileTotals]:
    """Read, code and count one file batch by batch; raises ``_NotClean`` at the first
    sign of a problem (its report is the held path's)."""
    segments = counter.segments
    source = open_source(path, export_format=reading.export_format, sheet=reading.sheet)
    needed = needed_columns(survey, side, segments, False)
    _check_columns(source, needed, survey.filters)
    layout = source.layout
    extra = [c for c in (layout.status_column, layout.finished_column) if c is not None]
    names = needed + [c for c in extra if c not in needed]
    hashed = [survey.respondent_id] if survey.respondent_id else []
    other = needed_columns(survey, side, segments, False, with_id=False) + extra
    text = [c for c in names if c not in hashed or c in other]
    sides = (VENDOR, CUSTOMER) if side is None else (side,)
    later = {*segments, survey.respondent_id or ""}
    totals = _FileTotals()
    for batch in source.batches(names):
        read = read_columns([batch], text, hashed)
        drops = find_drops(survey, source, read, needed, side)
        columns, hashes = _kept(read, drops.drop, survey.respondent_id)
        n = read.rows - int(drops.drop.sum())
        kept = kept_rows(read.rows, np.flatnonzero(drops.drop))
        out = ProblemCollector()
        if side is None:
            assert survey.sides.column is not None
            side_codes = code_sides(survey, source, columns[survey.sides.column], kept, out)
        else:
            side_codes = np.full(n, side, dtype=np.int8)
        answers = _code_questions(survey, source, columns, side_codes, sides, kept, out, later)
        if out.problems:
            raise _NotClean
        counter.add(side_codes, answers, {c: spellings(columns[c]) for c in segments})
        totals.add(read.rows, side_codes, drops)
        if hashes is not None:
            totals.hashes.append(hashes)
            totals.sides.append(side_codes)
    if totals.vendor + totals.customer == 0:
        raise _NotClean  # no responses: the held path says why
    return _file_summary(source, side, totals), totals


def _file_summary(source: Source, side: int | None, totals: _FileTotals) -> InputSummary:
    return InputSummary(
        path=str(source.path),
        format=source.format,
        rows=totals.rows,
        vendor=totals.vendor,
        customer=totals.customer,
        blank_rows=totals.blank,
        side=None if side is None else SIDE_NAMES[side],
        tool=source.layout.tool,
        excluded=totals.excluded,
        unfinished_kept=totals.unfinished_kept,
    )


def _no_texts(rows: np.ndarray) -> list[str]:
    raise _NotClean  # a repeated id hash: the held path checks the ids as written


def _no_lines(rows: np.ndarray) -> list[int]:
    raise _NotClean


def _check_hashes(survey: Survey, files: list[tuple[str, _FileTotals]]) -> None:
    """The duplicate check on the streamed id hashes: clean when no hash repeats."""
    assert survey.respondent_id is not None
    ids = [
        FileIds(
            name,
            np.concatenate(t.hashes) if t.hashes else np.empty(0, np.uint64),
            np.concatenate(t.sides) if t.sides else np.empty(0, np.int8),
            _no_lines,
            _no_texts,
        )
        for name, t in files
    ]
    out = ProblemCollector()
    resolution = check_ids(ids, survey.respondent_id, "error", survey.path.name, out)
    if out.problems or resolution.warnings:
        raise _NotClean


def stream_tally(
    survey: Survey,
    data: Sequence[Input] = (),
    *,
    vendor: Sequence[Input] = (),
    customer: Sequence[Input] = (),
    segments: Sequence[str] | None = None,
    reading: ReadOptions | None = None,
) -> Tally | None:
    """The count table of the inputs, counted batch by batch (what
    ``tally_of(survey, load_responses(...))`` gives for a run :func:`can_stream`
    allows); None when the run is not clean, so that the held path reports why."""
    assert can_stream(survey, paired=False)
    jobs: list[tuple[Path | Frame, int | None]] = [(_input(p), None) for p in data]
    jobs += [(_input(p), VENDOR) for p in vendor]
    jobs += [(_input(p), CUSTOMER) for p in customer]
    jobs = jobs or [(p, None) for p in survey.data]
    if not jobs or (any(s is None for _, s in jobs) and survey.sides.column is None):
        return None
    out = ProblemCollector()
    same_content(
        [p for p, _ in jobs if isinstance(p, Path)], out, has_ids=bool(survey.respondent_id)
    )
    if out.problems:
        return None
    counter = _Counter(
        survey, tuple(dict.fromkeys(survey.segments if segments is None else segments))
    )
    files: list[tuple[InputSummary, _FileTotals]] = []
    try:
        for path, side in jobs:
            files.append(_stream_file(survey, path, side, counter, reading or ReadOptions()))
        if survey.respondent_id:
            _check_hashes(survey, [(s.path, t) for s, t in files])
    except (_NotClean, GapscanError):
        return None
    tally = counter.tally(tuple(s for s, _ in files))
    matched = [tuple(t.matched) for _, t in files]
    warnings = unmatched_warnings(survey.filters, matched, str(survey.path))
    n_filters = len(survey.filters)
    removed = tuple(sum(t.removed[i] for _, t in files) for i in range(n_filters))
    return replace(tally, warnings=tuple(warnings), filtered=removed)


def _input(given: Input) -> Path | Frame:
    return given if isinstance(given, Frame) else Path(given)
