"""Turn data files into coded responses: each answer coded once to a small integer.

Coding works on each column's distinct values (an Arrow dictionary), not on every
cell: the values are matched to scale levels (trimmed, case-folded) once, and the
codes of all rows follow by one array lookup (:mod:`gapscan.answer_coding`), a file
at a time (:mod:`gapscan.file_coding`); this module puts the files together.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from gapscan.design_data import DesignData, combine_designs
from gapscan.errors import GapscanError, Problem, ProblemCollector
from gapscan.file_coding import Coded, InputSummary, ReadOptions, code_file
from gapscan.identity import check_ids, same_content
from gapscan.inputs.frame import Frame
from gapscan.labels import (
    combine_keys,
    combine_spellings,
    compact,
)
from gapscan.numeric_answers import unify
from gapscan.origins import (
    Origins,
    combine_origins,
    drop_origins,
)
from gapscan.subsets import unmatched_warnings
from gapscan.survey import CUSTOMER, VENDOR, Survey
from gapscan.weighting_run import apply_weighting, weighting_columns
from gapscan.weighting_summary import WeightingSummary

__all__ = ["InputSummary", "ReadOptions", "Responses", "Segment", "load_responses"]


@dataclass(frozen=True)
class Segment:
    """A breakdown column: its values (sorted) and each respondent's value index."""

    column: str
    labels: tuple[str, ...]
    codes: np.ndarray


@dataclass(frozen=True)
class Responses:
    """Every respondent's side and coded answers (-1 = no answer), all files together."""

    inputs: tuple[InputSummary, ...]
    side: np.ndarray
    answers: dict[str, np.ndarray]
    segments: tuple[Segment, ...]
    pair_keys: np.ndarray | None = None  # index into pair_labels; -1: no key
    pair_labels: tuple[str, ...] = ()
    warnings: tuple[Problem, ...] = ()  # what the run goes on with (an id on both sides)
    filtered: tuple[int, ...] = ()  # rows each of the survey's filters removed, all files
    # a numeric question's levels: the distinct values answered in the run, sorted
    numbers: dict[str, tuple[float, ...]] = field(default_factory=dict)
    origins: Origins | None = None  # asked for by load_responses(origins=True)
    # weights and the sampling design (``weight:``/``design:``), aligned with ``side``
    design: DesignData | None = None
    weighting: WeightingSummary | None = None  # what the schema's weighting: made

    @property
    def n_vendor(self) -> int:
        return int((self.side == VENDOR).sum())

    @property
    def n_customer(self) -> int:
        return int((self.side == CUSTOMER).sum())


def load_responses(
    survey: Survey,
    data: Sequence[str | Path | Frame] = (),
    *,
    vendor: Sequence[str | Path | Frame] = (),
    customer: Sequence[str | Path | Frame] = (),
    segments: Sequence[str] | None = None,
    paired: bool = False,
    reading: ReadOptions | None = None,
    origins: bool = False,
) -> Responses:
    """Read and code every input. ``data`` files hold both sides (``sides.column``);
    ``vendor``/``customer`` files hold one side each. With ``paired``, each
    respondent's account key (``pair_by``) is read too. A :class:`Frame` (a data frame
    in memory) is read as a file of the same cells. Every problem of every file
    is collected and raised together as one ``GapscanError``. With ``origins``, each
    respondent's file, line and id are kept too (``Responses.origins``)."""
    asked = tuple(dict.fromkeys(survey.segments if segments is None else segments))
    seg_columns = tuple(dict.fromkeys(asked + weighting_columns(survey)))
    jobs: list[tuple[Path | Frame, int | None]] = [(_input(p), None) for p in data]
    jobs += [(_input(p), VENDOR) for p in vendor]
    jobs += [(_input(p), CUSTOMER) for p in customer]
    if not jobs:
        jobs = [(p, None) for p in survey.data]
    out = ProblemCollector()
    if not jobs:
        out.add(
            "no data given",
            file=str(survey.path),
            hint="name a data file, use --vendor F --customer F, or add 'data:' to the schema",
        )
    if any(side is None for _, side in jobs) and survey.sides.column is None:
        out.add(
            "a file holding both sides needs 'sides.column' in the schema",
            file=str(survey.path),
            hint="add sides: {column: ..., vendor: [...], customer: [...]}, "
            "or give --vendor F --customer F",
        )
    if paired and survey.pair_by is None:
        out.add(
            "paired analysis needs 'pair_by' in the schema",
            file=str(survey.path),
            hint="add pair_by: ACCOUNT_COLUMN (or {vendor: COL, customer: COL})",
        )
    if survey.duplicate_ids != "error" and not survey.respondent_id:
        out.add(
            f"'duplicate_ids: {survey.duplicate_ids}' needs 'respondent_id'",
            file=str(survey.path),
            hint="name the respondent id column (respondent_id: COLUMN), or remove duplicate_ids",
        )
    out.raise_if_any()
    if not survey.respondent_id or survey.duplicate_ids == "error":
        on_disk = [path for path, _ in jobs if isinstance(path, Path)]
        same_content(on_disk, out, has_ids=bool(survey.respondent_id))
    coded: list[Coded] = []
    for path, side in jobs:
        try:
            coded.append(
                code_file(
                    survey, path, side, seg_columns, paired, reading or ReadOptions(), out, origins
                )
            )
        except GapscanError as exc:
            out.extend(exc)
    resolution = None
    if survey.respondent_id:
        files = [c.ids for c in coded if c.ids is not None]
        column, schema = survey.respondent_id, survey.path.name
        resolution = check_ids(files, column, survey.duplicate_ids, schema, out)
    out.raise_if_any()
    if resolution is not None:
        coded = [_drop_rows(c, rows) for c, rows in zip(coded, resolution.drop, strict=True)]
    responses = _combine(survey, coded, seg_columns)
    if survey.design is not None:
        parts = [c.design for c in coded if c.design is not None]
        design = combine_designs(survey.design, parts, str(survey.path), out)
        out.raise_if_any()
        responses = replace(responses, design=design)
    if survey.weighting is not None:
        responses = apply_weighting(survey, responses, asked)
    warnings = unmatched_warnings(
        survey.filters, [c.matched for c in coded], str(survey.path)
    ) + list(resolution.warnings if resolution is not None else ())
    removed = tuple(sum(c.filtered[i] for c in coded) for i in range(len(survey.filters)))
    return replace(responses, warnings=tuple(warnings), filtered=removed)


def _input(given: str | Path | Frame) -> Path | Frame:
    return given if isinstance(given, Frame) else Path(given)


def _drop_rows(coded: Coded, rows: np.ndarray) -> Coded:
    """The file without ``rows`` (duplicates resolved by 'duplicate_ids'), counted."""
    if not rows.size:
        return coded
    keep = np.ones(coded.side.shape, dtype=bool)
    keep[rows] = False
    side = coded.side[keep]
    segments = {c: compact(labels, codes[keep]) for c, (labels, codes) in coded.segments.items()}
    keys = None
    if coded.pair_keys is not None:
        labels, key_codes = coded.pair_keys
        kept_keys = key_codes[keep]
        valid = kept_keys >= 0
        compact_labels, renumbered = compact(labels, kept_keys[valid])
        kept_keys = kept_keys.copy()
        kept_keys[valid] = renumbered
        keys = (compact_labels, kept_keys)
    summary = replace(
        coded.summary,
        vendor=int((side == VENDOR).sum()),
        customer=int((side == CUSTOMER).sum()),
        duplicates_dropped=int(rows.size),
    )
    answers = {q: codes[keep] for q, codes in coded.answers.items()}
    design = coded.design
    if design is not None:  # a dropped duplicate's PSU stays in the design, its weight goes
        design = replace(design, weight=design.weight[keep], psu=design.psu[keep])
    return replace(
        coded,
        origins=None if coded.origins is None else drop_origins(coded.origins, keep),
        summary=summary,
        side=side,
        answers=answers,
        segments=segments,
        pair_keys=keys,
        ids=None,
        design=design,
    )


def _combine(survey: Survey, coded: list[Coded], segments: Sequence[str]) -> Responses:
    side = _joined([c.side for c in coded])
    answers: dict[str, np.ndarray] = {}
    numbers: dict[str, tuple[float, ...]] = {}
    for q in survey.questions:
        parts = [c.answers[q.id] for c in coded]
        if q.scale.numeric is not None:
            numbers[q.id], answers[q.id] = unify(parts)
        else:
            answers[q.id] = _joined(parts)
    combined: list[Segment] = []
    for column in segments:
        ordered, codes = combine_spellings([c.segments[column] for c in coded])
        combined.append(Segment(column, ordered, codes))
    pair_keys, pair_labels = combine_keys([(c.side, c.pair_keys) for c in coded])
    return Responses(
        inputs=tuple(c.summary for c in coded),
        side=side,
        answers=answers,
        segments=tuple(combined),
        pair_keys=pair_keys,
        pair_labels=pair_labels,
        numbers=numbers,
        origins=combine_origins([(c.side.size, c.origins) for c in coded]),
    )


def _joined(parts: list[np.ndarray]) -> np.ndarray:
    """The files' arrays end to end; one file's array as it is (no copy of a column of
    millions of answers)."""
    return parts[0] if len(parts) == 1 else np.concatenate(parts)
