"""The rows of a file that are not analysed, and why: the schema's filters, survey-tool
rows that are not responses (previews, tests, spam, unfinished ones when the schema
says so), ignored sides, and rows blank in every needed cell."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gapscan.columns import Column, Read, blank_rows
from gapscan.errors import GapscanError
from gapscan.id_hash import NO_ID
from gapscan.inputs.layout import Layout
from gapscan.inputs.qualtrics import excluded_rows
from gapscan.inputs.source import Source
from gapscan.subsets import IGNORED_SIDE, Filtered, apply_filters, ignored_rows
from gapscan.survey import Survey


@dataclass
class Drops:
    """The rows of one file that are not analysed, and why."""

    drop: np.ndarray  # every row left out
    blank: np.ndarray  # rows blank in every needed cell
    not_responses: np.ndarray  # previews, tests, spam: outside the design too
    excluded: dict[str, int]
    unfinished_kept: int
    filtered: Filtered


def find_drops(
    survey: Survey, source: Source, read: Read, needed: list[str], side: int | None
) -> Drops:
    """Every row of the file that is left out, each reason counted."""
    columns, n_rows = read.columns, read.rows
    filtered = apply_filters(survey.filters, columns, n_rows)
    drop, excluded, unfinished = _responses_to_drop(
        survey, source.layout, columns, n_rows, filtered.drop
    )
    excluded |= {f.name: 0 for f in survey.filters}
    for f, removed in zip(survey.filters, filtered.removed, strict=True):
        excluded[f.name] += removed
    not_responses = drop & ~filtered.drop
    if side is None and survey.sides.ignore:
        assert survey.sides.column is not None
        ignored = ignored_rows(survey.sides.ignore, columns[survey.sides.column]) & ~drop
        excluded[IGNORED_SIDE] = int(ignored.sum())
        drop |= ignored
    design_columns = set(survey.design.columns()) if survey.design is not None else set()
    cells = [c for c in needed if c not in design_columns]
    blank = blank_rows({c: columns[c] for c in cells if c in columns}, n_rows)
    for name, hashes in read.hashes.items():
        if name in cells and name not in columns:
            blank &= hashes == NO_ID
    drop |= blank
    return Drops(drop, blank, not_responses, excluded, unfinished, filtered)


def no_responses(source: Source, rows: int, excluded: dict[str, int]) -> GapscanError:
    if rows == 0:
        what = "the file has a header and no rows"
    elif excluded:
        reasons = ", ".join(f"{n:,} {reason}" for reason, n in sorted(excluded.items()))
        what = f"all {rows:,} rows were excluded ({reasons}): no responses left"
    else:
        what = f"all {rows:,} rows are blank in every column the schema names"
    hint = "export the responses again, or leave this file out"
    chosen = [reason for reason in excluded if reason.startswith("filter ")]
    if chosen or IGNORED_SIDE in excluded:
        hint = (
            "check the values of the filters (filters:, --where, --where-not) and of "
            "sides.ignore against the file's values"
        )
    return GapscanError.single(
        what,
        file=source.name,
        line=None if source.format == "frame" else 1,
        hint=hint,
        code="empty-file",
    )


Column = Column


def _responses_to_drop(
    survey: Survey, layout: Layout, columns: dict[str, Column], n: int, filtered: np.ndarray
) -> tuple[np.ndarray, dict[str, int], int]:
    """Survey-tool rows that are not real responses (Qualtrics previews, tests, spam),
    and unfinished ones when the schema says so, among the rows the filters kept
    (``filtered``: the rows they removed); returns (rows to drop, how many of each
    were dropped, how many unfinished responses were kept)."""
    drop = filtered.copy()

    def texts(column: str | None) -> list[str] | None:
        if column is None or column not in columns:
            return None
        values, indices = columns[column]
        return [([*values, ""])[i] for i in indices]

    status, finished = texts(layout.status_column), texts(layout.finished_column)
    if status is None and finished is None:
        return drop, {}, 0
    reasons = excluded_rows(layout, status, finished)
    counts: dict[str, int] = {}
    unfinished_kept = 0
    for reason, rows in reasons.items():
        count = int(np.count_nonzero(~filtered[rows])) if rows else 0
        if not count:
            continue
        if reason == "unfinished" and survey.unfinished == "keep":
            unfinished_kept = count
            continue
        drop[rows] = True
        counts[reason] = count
    return drop, counts, unfinished_kept
