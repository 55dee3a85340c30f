"""Aggregate coded answers into count tables, in one vectorised pass per question.

The count table is everything an independent-samples test needs: side x level
counts for the whole sample and for each value of each breakdown column. A
warehouse GROUP BY can produce the same table; the statistics do not change.

With weights or a design (``weight:``, ``design:``) the table also carries the design,
in long form, one row per non-empty cell (``DesignCells``):

| column | what |
| --- | --- |
| `segment` | the breakdown value's code (0 in the whole-sample table) |
| `side` | 0 vendor, 1 customer |
| `stratum` | the stratum's code (0 without strata) |
| `psu` | the primary sampling unit's code: a (stratum, cluster) pair, or the respondent |
| `level` | the answer's level code |
| `n` | respondents in the cell |
| `weight_sum` | Σ w over them |
| `weight_sq_sum` | Σ w² over them |
| `post_stratum` | the weighting cell: side x target levels (-1: not weighted) |
| `ratio_sum` | Σ w / psw over them (psw: the made weight before trimming) |
| `weight_psw_sum` | Σ w psw over them (without a cluster) |

the last three only when ``weighting:`` made the weights: their variances take the
weighting cells' residuals (``gapscan.stats.calibration``). Beside the table, each
PSU's stratum and fpc (``gapscan.stats.design.Design``), PSUs of rows left out by
filters included. Every weighted estimate and its variance is computed from these
sums; a warehouse produces the same rows with
``GROUP BY segment, side, stratum, psu, level`` (and ``post_stratum``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np

from gapscan.coding import MISSING
from gapscan.design_data import DesignData
from gapscan.progress import tracked
from gapscan.responses import Responses
from gapscan.survey import Question, Survey

DENSE_CELLS = 1 << 22  # possible cells counted by one bincount whatever the respondents


@dataclass(frozen=True)
class DesignCells:
    """The weighted count table of one question (one breakdown, or the whole sample),
    long form: the columns listed in this module's docstring, one array each."""

    segment: np.ndarray
    side: np.ndarray
    stratum: np.ndarray
    psu: np.ndarray
    level: np.ndarray
    n: np.ndarray
    weight_sum: np.ndarray
    weight_sq_sum: np.ndarray
    post_stratum: np.ndarray | None = None  # only when weighting: made the weights
    ratio_sum: np.ndarray | None = None
    # a design without a cluster: every respondent is its own PSU, and a cell is the
    # respondents of one segment, side, stratum (and weighting cell) and level
    # (``grouped_cells``); ``psu`` is -1
    grouped: bool = False
    weight_psw_sum: np.ndarray | None = None  # grouped, with made weights

    @cached_property
    def _group(self) -> np.ndarray | None:
        """segment x 2 + side of each cell when the cells run in that order, as
        :func:`design_cells` makes them (sorted by segment, side, PSU, level); else None."""
        group: np.ndarray = self.segment * 2 + self.side
        return group if group.size < 2 or bool(np.all(group[1:] >= group[:-1])) else None

    def rows(self, segment: int, side: int | None = None) -> slice | np.ndarray:
        """The cells of one breakdown value (and side): a slice of the sorted table, or
        a mask of the cells when they come in another order."""
        group = self._group
        if group is None:
            mask: np.ndarray = self.segment == segment
            return mask if side is None else mask & (self.side == side)
        low = 2 * segment + (0 if side is None else side)
        high = low + (2 if side is None else 1)
        return slice(int(np.searchsorted(group, low)), int(np.searchsorted(group, high)))


@dataclass(frozen=True)
class QuestionCounts:
    """Counts of one question: ``overall[side, level]`` and, per breakdown column,
    ``by_segment[column][value, side, level]``; with a design, also the weighted
    cells of the whole sample (``design_overall``) and of each breakdown."""

    question_id: str
    overall: np.ndarray
    by_segment: dict[str, np.ndarray]
    design_overall: DesignCells | None = None
    design_by_segment: dict[str, DesignCells] = field(default_factory=dict)


def design_cells(
    design: DesignData,
    rows: np.ndarray,
    segment: np.ndarray,
    side: np.ndarray,
    level: np.ndarray,
    k: int,
) -> DesignCells:
    """Group the answering respondents ``rows`` (levels 0..k-1) by segment x side x PSU
    x level, summing their count, weights and squared weights (:func:`_summed`).

    Without a cluster every respondent is its own PSU, and the variance of a domain
    needs only the Σw and Σw² of its respondents per stratum and level
    (``gapscan.stats.design.Grouped``): the cells are those of segment x side x stratum
    x level (:func:`grouped_cells`), a few hundred however many respondents."""
    if design.calibration is not None:
        return _calibrated_cells(design, rows, segment, side, level, k)
    w = design.weight[rows]
    if design.spec.cluster is None:
        stratum, strata = design.respondent_stratum[rows], design.design.layout.codes.size
        return grouped_cells(segment, side, stratum, level, strata=strata, k=k, w=w)
    psus = design.design.psus
    psu = design.psu[rows]
    return summed_cells(
        segment, side, psu, level, psus=psus, k=k, psu_stratum=design.psu_stratum, w=w
    )


def grouped_cells(
    segment: np.ndarray,
    side: np.ndarray,
    stratum: np.ndarray,
    level: np.ndarray,
    *,
    strata: int,
    k: int,
    w: np.ndarray,
    w2: np.ndarray | None = None,
    n: np.ndarray | None = None,
) -> DesignCells:
    """The cells of a design whose PSUs are its respondents: rows grouped by segment x
    side x stratum x level, their counts and sums added (as :func:`summed_cells`);
    ``stratum``: each row's stratum index in the design's ``layout``, of ``strata``."""
    group = segment.astype(np.int64) * 2 + side
    key = (group * strata + stratum) * k + level
    space = (int(group.max()) + 1) * strata * k if group.size else 0
    cells, count, weight_sum, weight_sq_sum = _summed(key, w, space, w2, n)
    return DesignCells(
        segment=cells // (k * strata * 2),
        side=(cells // (k * strata)) % 2,
        stratum=(cells // k) % strata,
        psu=np.full(cells.size, -1, dtype=np.int64),
        level=cells % k,
        n=count,
        weight_sum=weight_sum,
        weight_sq_sum=weight_sq_sum,
        grouped=True,
    )


def summed_cells(
    segment: np.ndarray,
    side: np.ndarray,
    psu: np.ndarray,
    level: np.ndarray,
    *,
    psus: int,
    k: int,
    psu_stratum: np.ndarray,
    w: np.ndarray,
    w2: np.ndarray | None = None,
    n: np.ndarray | None = None,
) -> DesignCells:
    """Rows grouped by segment x side x PSU x level, their counts and sums added: each
    row one respondent of weight ``w`` unless ``n`` (respondents) and ``w2`` (Σ w²) say
    otherwise, as a count table's rows do (:func:`_summed`)."""
    group = segment.astype(np.int64) * 2 + side
    key = (group * psus + psu) * k + level
    space = (int(group.max()) + 1) * psus * k if group.size else 0
    cells, count, weight_sum, weight_sq_sum = _summed(key, w, space, w2, n)
    cell_psu = (cells // k) % psus
    return DesignCells(
        segment=cells // (k * psus * 2),
        side=(cells // (k * psus)) % 2,
        stratum=psu_stratum[cell_psu],
        psu=cell_psu,
        level=cells % k,
        n=count,
        weight_sum=weight_sum,
        weight_sq_sum=weight_sq_sum,
    )


def _calibrated_cells(
    design: DesignData,
    rows: np.ndarray,
    segment: np.ndarray,
    side: np.ndarray,
    level: np.ndarray,
    k: int,
    grouped: bool | None = None,
) -> DesignCells:
    """The cells with the weighting cell as one more dimension (segment x side x PSU x
    weighting cell x level), and Σ w / psw beside Σ w. Without a cluster the cells are
    of segment x side x stratum x weighting cell x level, with Σ w psw too: a few
    thousand however many respondents (``gapscan.stats.calibration``); ``grouped``
    False: by PSU all the same (every respondent one), as a test compares them."""
    calibration = design.calibration
    assert calibration is not None
    strata = calibration.cells + 1
    grouped = design.spec.cluster is None if grouped is None else grouped
    if grouped:
        unit, units = design.respondent_stratum[rows], design.design.layout.codes.size
    else:
        unit, units = design.psu[rows], design.design.psus
    w = design.weight[rows]
    group = segment.astype(np.int64) * 2 + side
    cell = calibration.cell[rows] + 1  # 0: not weighted
    key = ((group * units + unit) * strata + cell) * k + level
    space = (int(group.max()) + 1) * units * strata * k if group.size else 0
    cells, added, rows_in = _grouping(key, space)
    size = cells.size
    cell_unit = (cells // (k * strata)) % units
    return DesignCells(
        segment=cells // (k * strata * units * 2),
        side=(cells // (k * strata * units)) % 2,
        stratum=cell_unit if grouped else design.psu_stratum[cell_unit],
        psu=np.full(size, -1, dtype=np.int64) if grouped else cell_unit,
        level=cells % k,
        n=rows_in,
        weight_sum=added(w),
        weight_sq_sum=added(w * w),
        post_stratum=(cells // k) % strata - 1,
        ratio_sum=added(calibration.ratio[rows]),
        grouped=grouped,
        weight_psw_sum=added(w * calibration.made[rows]) if grouped else None,
    )


def _summed(
    key: np.ndarray,
    w: np.ndarray,
    space: int,
    w2: np.ndarray | None = None,
    n: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The distinct keys (sorted) with their count, Σw and Σw² (``w2``: each row's Σw²,
    w² by default; ``n``: each row's respondents, 1 by default): by one bincount over
    every possible key when they are few, else by one sort of the keys."""
    w2 = w * w if w2 is None else w2
    cells, added, rows = _grouping(key, space)
    count = (rows if n is None else added(n)).astype(np.int64)  # rows: each a respondent
    return cells, count, added(w), added(w2)


def _grouping(
    key: np.ndarray, space: int
) -> tuple[np.ndarray, Callable[[np.ndarray], np.ndarray], np.ndarray]:
    """The distinct keys (sorted), a function summing a per-row array by key (in row
    order within each key), and the rows of each key: one bincount over every possible
    key when they are few (keys below ``space``), else one sort of the keys."""
    pick: np.ndarray | slice
    if space <= max(DENSE_CELLS, 4 * key.size):
        per_key = np.bincount(key, minlength=space)
        cells = np.flatnonzero(per_key)
        index, size, pick, rows = key, space, cells, per_key[cells]
    else:
        cells, inverse, rows = np.unique(key, return_inverse=True, return_counts=True)
        index, size, pick = inverse.reshape(-1), cells.size, slice(None)

    def added(weights: np.ndarray) -> np.ndarray:
        total: np.ndarray = np.bincount(index, weights=weights, minlength=size)[pick]
        return total

    return cells, added, rows


def count_answers(
    survey: Survey, responses: Responses, *, design: bool = False
) -> dict[str, QuestionCounts]:
    """Count answers per side x level (x segment value) for every question; with
    ``design`` (and a design in ``responses``), each question's design cells too. The
    analysis makes the design cells one question at a time instead
    (:func:`with_design_cells`), so that a million-respondent run holds one
    question's cells, not every question's."""
    survey = survey.with_numbers(responses.numbers)
    side = responses.side.astype(np.int64)
    # each row's segment value x 2 + side, per breakdown (the whole sample: its side)
    bases = [
        (s.column, s.codes.astype(np.int64) * 2 + side, len(s.labels)) for s in responses.segments
    ]
    scaled: dict[tuple[str, int], np.ndarray] = {}  # a base times k + 1, made once per k
    result: dict[str, QuestionCounts] = {}
    questions = survey.questions
    for q in tracked(questions, len(questions), "counting"):
        k = q.scale.k
        # a row's slot: 0 for no answer, else its level + 1 (no row left out, none copied)
        slot = np.maximum(responses.answers[q.id], MISSING).astype(np.int64) + 1
        by_segment: dict[str, np.ndarray] = {}
        for column, base, m in bases or [("", side, 1)]:
            start = scaled.get((column, k))
            if start is None:
                start = scaled[column, k] = base * (k + 1)
            table = np.bincount(start + slot, minlength=m * 2 * (k + 1)).reshape(m, 2, k + 1)
            by_segment[column] = np.ascontiguousarray(table[:, :, 1:])
        overall = next(iter(by_segment.values())).sum(axis=0)
        by_segment.pop("", None)
        counts = QuestionCounts(q.id, overall, by_segment)
        result[q.id] = with_design_cells(counts, q, responses) if design else counts
    return result


def with_design_cells(counts: QuestionCounts, q: Question, responses: Responses) -> QuestionCounts:
    """One question's counts with its design cells, whole sample and per breakdown
    (as given when they are there already, or when ``responses`` has no design);
    ``q`` as the analysis sees it (a numeric question's levels the values answered)."""
    design = responses.design
    if design is None or counts.design_overall is not None:
        return counts
    codes = responses.answers[q.id]
    rows = np.flatnonzero(codes >= 0)
    side = responses.side[rows].astype(np.int64)
    level = codes[rows].astype(np.int64)
    k = q.scale.k
    whole = design_cells(design, rows, np.zeros(rows.size, np.int64), side, level, k)
    per_segment = {
        s.column: design_cells(design, rows, s.codes[rows], side, level, k)
        for s in responses.segments
    }
    return replace(counts, design_overall=whole, design_by_segment=per_segment)
