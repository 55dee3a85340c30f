"""One data file read and coded: its columns streamed once into compact form, the rows
that are not analysed (filters, survey-tool exclusions, blank rows) left out, and
sides, answers, segments, account keys and respondent ids coded.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from gapscan.answer_coding import (
    MISSING,
    code_answers,
    code_dtype,
    code_sides,
    kept_rows,
    quote,
    reporter,
)
from gapscan.columns import Column, Read, blank_rows, pick_texts, read_columns, read_parts
from gapscan.design_data import FileDesign, read_file_design
from gapscan.errors import GapscanError, ProblemCollector
from gapscan.exclusions import Drops, find_drops, no_responses
from gapscan.identity import FileIds
from gapscan.inputs.frame import Frame
from gapscan.inputs.source import Source, missing_column_message, open_source
from gapscan.inputs.source_batches import Unordered
from gapscan.labels import (
    code_pair_keys,
    spellings,
)
from gapscan.numeric_answers import code_numbers
from gapscan.origins import (
    RowOrigins,
    row_origins,
)
from gapscan.survey import CUSTOMER, SIDE_NAMES, VENDOR, Filter, Survey, fold


@dataclass(frozen=True)
class InputSummary:
    """What was read from one file."""

    path: str
    format: str
    rows: int
    vendor: int
    customer: int
    blank_rows: int = 0
    side: str | None = None  # "vendor"/"customer" when the whole file is one side
    tool: str = "plain"  # the survey tool that wrote the export
    excluded: dict[str, int] = field(default_factory=dict)  # preview/test/spam/unfinished
    unfinished_kept: int = 0
    duplicates_dropped: int = 0  # repeated respondent ids resolved by 'duplicate_ids'


@dataclass(frozen=True)
class ReadOptions:
    """How to read the inputs: a forced survey-tool format, an XLSX sheet."""

    export_format: str | None = None
    sheet: str | None = None


@dataclass
class Coded:
    """One file's coded columns, before the files are put together."""

    summary: InputSummary
    side: np.ndarray
    answers: dict[str, np.ndarray]
    segments: dict[str, tuple[list[str], np.ndarray]]
    pair_keys: tuple[list[str], np.ndarray] | None = None
    ids: FileIds | None = None
    filtered: tuple[int, ...] = ()
    matched: tuple[frozenset[str], ...] = ()
    origins: RowOrigins | None = None
    design: FileDesign | None = None


def needed_columns(
    survey: Survey, side: int | None, segments: Sequence[str], paired: bool, with_id: bool = True
) -> list[str]:
    sides = (VENDOR, CUSTOMER) if side is None else (side,)
    needed: list[str] = []
    if side is None and survey.sides.column is not None:
        needed.append(survey.sides.column)
    if survey.respondent_id and with_id:
        needed.append(survey.respondent_id)
    if paired and survey.pair_by is not None:
        needed += [survey.pair_by.column(s) for s in sides]
    needed += list(segments)
    needed += [f.column for f in survey.filters]
    needed += survey.design.columns() if survey.design is not None else []
    for q in survey.questions:
        needed += [q.column(s) for s in sides]
    return list(dict.fromkeys(needed))


def _check_columns(source: Source, needed: list[str], filters: Sequence[Filter] = ()) -> None:
    absent = [c for c in needed if source.find(c) is None]
    if not absent:
        return
    parts = []
    for name in absent:
        if source.repeats(name) > 1:
            parts.append(missing_column_message(source, name))
            continue
        close = difflib.get_close_matches(name, source.columns, n=2, cutoff=0.5)
        key = fold(name)
        close += [c for c in source.columns if key in fold(c) and c not in close][: 3 - len(close)]
        shown = ", ".join(quote(c) for c in close)
        parts.append(quote(name) + (f" (closest: {shown})" if close else ""))
    by_option = {f.column for f in filters if f.origin != "schema"}
    named = "named by --where or --where-not" if set(absent) <= by_option else "named in the schema"
    raise GapscanError.single(
        f"{len(absent)} column(s) {named} are not in the file: " + "; ".join(parts),
        file=source.name,
        line=None if source.format == "frame" else 1,
        hint="fix the column names in the schema, or export the missing questions",
        code="missing-column",
    )


def code_file(
    survey: Survey,
    path: Path | Frame,
    side: int | None,
    segments: Sequence[str],
    paired: bool,
    reading: ReadOptions,
    out: ProblemCollector,
    origins: bool = False,
) -> Coded:
    """Code one file; its data problems are added to ``out`` (a file that cannot be
    read or lacks columns raises)."""
    source = open_source(path, export_format=reading.export_format, sheet=reading.sheet)
    needed = needed_columns(survey, side, segments, paired)
    _check_columns(source, needed, survey.filters)
    read = _read(survey, source, needed, side, segments, paired, origins)
    drops = find_drops(survey, source, read, needed, side)
    design = None
    if survey.design is not None:
        analysed = ~(drops.blank | drops.not_responses)
        design = _file_design(survey, source, read.columns, analysed, ~drops.drop, out)
    columns, hashes = _kept(read, drops.drop, survey.respondent_id)
    kept = kept_rows(read.rows, np.flatnonzero(drops.drop))
    n = read.rows - int(drops.drop.sum())
    if n == 0:
        raise no_responses(source, read.rows, drops.excluded)
    if side is None:
        assert survey.sides.column is not None
        side_codes = code_sides(survey, source, columns[survey.sides.column], kept, out)
    else:
        side_codes = np.full(n, side, dtype=np.int8)
    sides = (VENDOR, CUSTOMER) if side is None else (side,)
    later = {*segments, survey.respondent_id or ""}
    later |= {survey.pair_by.column(s) for s in sides} if paired and survey.pair_by else set()
    answers = _code_questions(survey, source, columns, side_codes, sides, kept, out, later)
    keys = None
    if paired and survey.pair_by is not None:
        keys = code_pair_keys(survey.pair_by, columns, side_codes, sides)
    ids = None
    if survey.respondent_id and hashes is not None:
        ids = _file_ids(source, survey.respondent_id, columns, hashes, side_codes, kept)
    where = None
    if origins:
        where = row_origins(source, columns.get(survey.respondent_id or ""), kept, n)
    return Coded(
        _summary(source, side, side_codes, read.rows, drops),
        side_codes,
        answers,
        {c: spellings(columns[c]) for c in segments},
        keys,
        ids,
        drops.filtered.removed,
        drops.filtered.matched,
        origins=where,
        design=design,
    )


def _kept(
    read: Read, drop: np.ndarray, id_column: str | None
) -> tuple[dict[str, Column], np.ndarray | None]:
    """The columns and the id hashes without the rows dropped; each column is let go
    from ``read`` as its copy is made, so that the rows are never held twice."""
    hashes = read.hashes.get(id_column or "")
    if not drop.any():
        return read.columns, hashes
    keep = ~drop
    columns: dict[str, Column] = {}
    for name in list(read.columns):
        values, indices = read.columns.pop(name)
        columns[name] = (values, indices[keep])
    read.hashes.clear()
    return columns, None if hashes is None else hashes[keep]


def _summary(
    source: Source, side: int | None, side_codes: np.ndarray, rows: int, drops: Drops
) -> InputSummary:
    return InputSummary(
        path=str(source.path),
        format=source.format,
        rows=rows,
        vendor=int((side_codes == VENDOR).sum()),
        customer=int((side_codes == CUSTOMER).sum()),
        blank_rows=int(drops.blank.sum()),
        side=None if side is None else SIDE_NAMES[side],
        tool=source.layout.tool,
        excluded=drops.excluded,
        unfinished_kept=drops.unfinished_kept,
    )


def _read(
    survey: Survey,
    source: Source,
    needed: list[str],
    side: int | None,
    segments: Sequence[str],
    paired: bool,
    origins: bool,
) -> Read:
    """Stream the file once. The respondent id column is hashed, not kept as text,
    unless the run needs its text for something else too (a filter, a segment...)."""
    layout = source.layout
    extra = [c for c in (layout.status_column, layout.finished_column) if c is not None]
    names = needed + [c for c in extra if c not in needed]
    hashed = [survey.respondent_id] if survey.respondent_id else []
    other = needed_columns(survey, side, segments, paired, with_id=False) + extra
    text = [c for c in names if c not in hashed or c in other or origins]
    plain = [c for c in hashed if c not in text]
    if source.format == "csv":
        try:  # a large plain file as two ranges at once, joined in file order
            return read_parts(source.parts(names, plain=plain), text, hashed)
        except Unordered:  # read in order, which tells what is wrong, or reads it
            pass
    return read_columns(source.batches(names, plain=plain), text, hashed)


def _code_questions(
    survey: Survey,
    source: Source,
    columns: dict[str, Column],
    side_codes: np.ndarray,
    sides: tuple[int, ...],
    kept: Callable[[np.ndarray], np.ndarray],
    out: ProblemCollector,
    later: set[str],
) -> dict[str, np.ndarray]:
    """Each question's codes; a column coded is let go unless ``later`` needs it (the
    codes are the one copy of the answers held)."""
    n = side_codes.size
    last_use = {q.column(s): i for i, q in enumerate(survey.questions) for s in sides}
    answers: dict[str, np.ndarray] = {}
    for number, q in enumerate(survey.questions):
        numeric = q.scale.numeric is not None
        # a numeric question's answers stay numbers (NaN: none) until the files are combined
        codes = np.full(n, np.nan) if numeric else np.full(n, MISSING, dtype=code_dtype(q.scale.k))
        by_column: dict[str, list[int]] = {}
        for s in sides:
            by_column.setdefault(q.column(s), []).append(s)
        for column, column_sides in by_column.items():
            rows = side_codes == column_sides[0]
            if len(column_sides) > 1:
                rows |= side_codes == column_sides[1]
            if numeric:
                report = reporter(source, columns[column][1], kept, rows, out)
                column_codes = code_numbers(*columns[column], q, column, report)
            else:
                column_codes = code_answers(source, columns[column], column, q, rows, kept, out)
            codes[rows] = column_codes[rows]
            if last_use[column] == number and column not in later:
                del columns[column]
        answers[q.id] = codes
    return answers


def _file_ids(
    source: Source,
    column: str,
    columns: dict[str, Column],
    hashes: np.ndarray,
    side_codes: np.ndarray,
    kept: Callable[[np.ndarray], np.ndarray],
) -> FileIds:
    """The kept rows' id hashes; their text, when the check asks for it, from the id
    column when it was kept as text, else read again from the file."""

    def texts(rows: np.ndarray) -> list[str]:
        if column in columns:
            values, indices = columns[column]
            return [([*values, ""])[int(i)] for i in indices[rows]]
        return pick_texts(source.batches([column]), column, kept(rows))

    def lines(rows: np.ndarray) -> list[int]:
        return [source.row_number(int(r)) for r in kept(rows)]

    return FileIds(source.name, hashes, side_codes, lines, texts)


def _file_design(
    survey: Survey,
    source: Source,
    columns: dict[str, Column],
    in_design: np.ndarray,
    analysed: np.ndarray,
    out: ProblemCollector,
    rows: Callable[[np.ndarray], list[int]] | None = None,
) -> FileDesign:
    """The file's design; ``rows`` gives the row numbers of its messages (by default
    the file's: ``columns`` are of the whole file)."""
    assert survey.design is not None
    answer_columns = {q.column(s) for q in survey.questions for s in (VENDOR, CUSTOMER)}
    present = {c: columns[c] for c in answer_columns if c in columns}
    answered = ~blank_rows(present, in_design.shape[0])

    def file_rows(found: np.ndarray) -> list[int]:
        return [source.row_number(int(r)) for r in found]

    return read_file_design(
        survey.design, columns, in_design, analysed, answered, rows or file_rows, source.name, out
    )
