"""The count table an analysis works from, whichever way it was made (``Tally``).

The seam between reading and statistics (DESIGN's count-first principle): the
respondent-level reader's ``Responses`` are tallied by :func:`tally_of`, a
pre-aggregated count table (``gapscan analyze --counts``) by
:func:`gapscan.count_table.read_counts`; independent-samples analysis, and the checks
``gapscan validate`` lists, read nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from gapscan.counts import QuestionCounts, count_answers, with_design_cells
from gapscan.design_data import DesignData
from gapscan.errors import Problem
from gapscan.responses import InputSummary, Responses
from gapscan.survey import CUSTOMER, VENDOR, Question, Survey
from gapscan.weighting_summary import WeightingSummary

IDENTITY_NOTE = (
    "the data are a count table: respondent identity (repeated ids, an id on both "
    "sides) could not be checked"
)


@dataclass(frozen=True)
class SegmentTally:
    """A breakdown column: its values in report order and the respondents of each
    value per side, ``respondents[value, side]``."""

    column: str
    labels: tuple[str, ...]
    respondents: np.ndarray


@dataclass(frozen=True)
class Tally:
    """Everything an independent-samples report needs, aggregated: per-question counts
    (with the design's cells when weighted), respondents per side and per segment value
    x side, what was read, the warnings, the filters' removed rows, a numeric
    question's levels and the design (its PSUs' strata: the degrees of freedom)."""

    counts: dict[str, QuestionCounts]
    n_vendor: int
    n_customer: int
    segments: tuple[SegmentTally, ...]
    inputs: tuple[InputSummary, ...]
    warnings: tuple[Problem, ...] = ()
    filtered: tuple[int, ...] = ()
    numbers: dict[str, tuple[float, ...]] = field(default_factory=dict)
    design: DesignData | None = None
    notes: tuple[str, ...] = ()  # what the report says about how the table was made
    weighting: WeightingSummary | None = None  # how the schema's weighting: made the weights
    # makes one question's design cells on demand (respondent-level data, so that a run
    # holds one question's cells at a time); None when ``counts`` carry them
    make_cells: Callable[[QuestionCounts, Question], QuestionCounts] | None = None

    def labels_of(self, column: str) -> tuple[str, ...]:
        return next(s.labels for s in self.segments if s.column == column)

    def with_cells(self, q: Question) -> QuestionCounts:
        """Question ``q``'s counts with its design cells (``q`` as the analysis sees it)."""
        counts = self.counts[q.id]
        return counts if self.make_cells is None else self.make_cells(counts, q)


def tally_of(survey: Survey, responses: Responses) -> Tally:
    """The count table of respondent-level responses."""
    side = responses.side.astype(np.int64)
    segments = []
    for segment in responses.segments:
        m = len(segment.labels)
        per_side = np.bincount(segment.codes.astype(np.int64) * 2 + side, minlength=2 * m)
        segments.append(SegmentTally(segment.column, segment.labels, per_side.reshape(m, 2)))
    return Tally(
        counts=count_answers(survey, responses),
        n_vendor=int((side == VENDOR).sum()),
        n_customer=int((side == CUSTOMER).sum()),
        segments=tuple(segments),
        inputs=responses.inputs,
        warnings=responses.warnings,
        filtered=responses.filtered,
        numbers=responses.numbers,
        design=responses.design,
        weighting=responses.weighting,
        make_cells=(lambda counts, q: with_design_cells(counts, q, responses))
        if responses.design is not None
        else None,
    )
