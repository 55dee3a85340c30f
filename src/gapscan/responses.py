"""Turn data files into coded responses: each answer coded once to a small integer.

Coding works on each column's distinct values (an Arrow dictionary), not on every
cell: the values are matched to scale levels (trimmed, case-folded) once, and the
codes of all rows follow by one array lookup.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from gapscan.columns import Column, Read, blank_rows, pick_texts, read_columns
from gapscan.design_data import DesignData, FileDesign, combine_designs, read_file_design
from gapscan.errors import GapscanError, Problem, ProblemCollector
from gapscan.exports import Layout, excluded_rows
from gapscan.id_hash import NO_ID
from gapscan.identity import FileIds, check_ids, same_content
from gapscan.labels import (
    code_pair_keys,
    combine_keys,
    combine_spellings,
    compact,
    spellings,
)
from gapscan.numeric_answers import Report, code_numbers, unify
from gapscan.origins import (
    Origins,
    RowOrigins,
    combine_origins,
    drop_origins,
    row_origins,
)
from gapscan.readers import Source, missing_column_message, open_source
from gapscan.subsets import IGNORED_SIDE, Filtered, apply_filters, ignored_rows, unmatched_warnings
from gapscan.survey import CUSTOMER, SIDE_NAMES, VENDOR, Filter, Question, Survey, fold

MISSING = -1
UNKNOWN = -2
MAX_EXAMPLE_ROWS = 5


def code_dtype(levels: int) -> np.dtype[np.signedinteger]:
    """The smallest signed integer type that holds codes 0..levels-1 and the negative
    markers (int8 for the usual scales; wider for long ones, e.g. a 0–1000 slider)."""
    for dtype in (np.int8, np.int16, np.int32):
        if levels <= np.iinfo(dtype).max:
            return np.dtype(dtype)
    return np.dtype(np.int64)


MAX_EXAMPLE_VALUES = 10


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

    @property
    def n_vendor(self) -> int:
        return int((self.side == VENDOR).sum())

    @property
    def n_customer(self) -> int:
        return int((self.side == CUSTOMER).sum())


@dataclass
class _Coded:
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


def load_responses(
    survey: Survey,
    data: Sequence[str | Path] = (),
    *,
    vendor: Sequence[str | Path] = (),
    customer: Sequence[str | Path] = (),
    segments: Sequence[str] | None = None,
    paired: bool = False,
    reading: ReadOptions | None = None,
    origins: bool = False,
) -> Responses:
    """Read and code every input. ``data`` files hold both sides (``sides.column``);
    ``vendor``/``customer`` files hold one side each. With ``paired``, each
    respondent's account key (``pair_by``) is read too. Every problem of every file
    is collected and raised together as one ``GapscanError``. With ``origins``, each
    respondent's file, line and id are kept too (``Responses.origins``)."""
    seg_columns = tuple(dict.fromkeys(survey.segments if segments is None else segments))
    jobs: list[tuple[Path, int | None]] = [(Path(p), None) for p in data]
    jobs += [(Path(p), VENDOR) for p in vendor]
    jobs += [(Path(p), CUSTOMER) for p in customer]
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
        same_content([path for path, _ in jobs], out, has_ids=bool(survey.respondent_id))
    coded: list[_Coded] = []
    for path, side in jobs:
        try:
            coded.append(
                _code_file(
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
    warnings = unmatched_warnings(
        survey.filters, [c.matched for c in coded], str(survey.path)
    ) + list(resolution.warnings if resolution is not None else ())
    removed = tuple(sum(c.filtered[i] for c in coded) for i in range(len(survey.filters)))
    return replace(responses, warnings=tuple(warnings), filtered=removed)


def _needed_columns(
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
        shown = ", ".join(_quote(c) for c in close)
        parts.append(_quote(name) + (f" (closest: {shown})" if close else ""))
    by_option = {f.column for f in filters if f.origin != "schema"}
    named = "named by --where or --where-not" if set(absent) <= by_option else "named in the schema"
    raise GapscanError.single(
        f"{len(absent)} column(s) {named} are not in the file: " + "; ".join(parts),
        file=source.name,
        line=1,
        hint="fix the column names in the schema, or export the missing questions",
        code="missing-column",
    )


@dataclass
class _Drops:
    """The rows of one file that are not analysed, and why."""

    drop: np.ndarray  # every row left out
    blank: np.ndarray  # rows blank in every needed cell
    not_responses: np.ndarray  # previews, tests, spam: outside the design too
    excluded: dict[str, int]
    unfinished_kept: int
    filtered: Filtered


def _code_file(
    survey: Survey,
    path: Path,
    side: int | None,
    segments: Sequence[str],
    paired: bool,
    reading: ReadOptions,
    out: ProblemCollector,
    origins: bool = False,
) -> _Coded:
    """Code one file; its data problems are added to ``out`` (a file that cannot be
    read or lacks columns raises)."""
    source = open_source(path, export_format=reading.export_format, sheet=reading.sheet)
    needed = _needed_columns(survey, side, segments, paired)
    _check_columns(source, needed, survey.filters)
    read = _read(survey, source, needed, side, segments, paired, origins)
    columns, n_rows = read.columns, read.rows
    drops = _drops(survey, source, read, needed, side)
    design = None
    if survey.design is not None:
        analysed = ~(drops.blank | drops.not_responses)
        design = _file_design(survey, source, columns, analysed, ~drops.drop, out)
    dropped = np.flatnonzero(drops.drop)
    hashes = read.hashes.get(survey.respondent_id or "")
    if dropped.size:
        keep = ~drops.drop
        columns = {name: (values, indices[keep]) for name, (values, indices) in columns.items()}
        hashes = None if hashes is None else hashes[keep]
    kept = _kept_rows(n_rows, dropped)
    n = n_rows - dropped.size
    if n == 0:
        raise _no_responses(source, n_rows, drops.excluded)
    if side is None:
        assert survey.sides.column is not None
        side_codes = _code_sides(survey, source, columns[survey.sides.column], kept, out)
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
    summary = InputSummary(
        path=str(path),
        format=source.format,
        rows=n_rows,
        vendor=int((side_codes == VENDOR).sum()),
        customer=int((side_codes == CUSTOMER).sum()),
        blank_rows=int(drops.blank.sum()),
        side=None if side is None else SIDE_NAMES[side],
        tool=source.layout.tool,
        excluded=drops.excluded,
        unfinished_kept=drops.unfinished_kept,
    )
    where = None
    if origins:
        where = row_origins(source, columns.get(survey.respondent_id or ""), kept, n)
    return _Coded(
        summary,
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
    other = _needed_columns(survey, side, segments, paired, with_id=False) + extra
    text = [c for c in names if c not in hashed or c in other or origins]
    return read_columns(source.batches(names), text, hashed)


def _drops(
    survey: Survey, source: Source, read: Read, needed: list[str], side: int | None
) -> _Drops:
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
    return _Drops(drop, blank, not_responses, excluded, unfinished, filtered)


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
                report = _reporter(source, columns[column][1], kept, rows, out)
                column_codes = code_numbers(*columns[column], q, column, report)
            else:
                column_codes = _code_answers(source, columns[column], column, q, rows, kept, out)
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
    columns: dict[str, _Column],
    in_design: np.ndarray,
    analysed: np.ndarray,
    out: ProblemCollector,
) -> FileDesign:
    assert survey.design is not None
    answer_columns = {q.column(s) for q in survey.questions for s in (VENDOR, CUSTOMER)}
    present = {c: columns[c] for c in answer_columns if c in columns}
    answered = ~blank_rows(present, in_design.shape[0])
    return read_file_design(
        survey.design,
        columns,
        in_design,
        analysed,
        answered,
        lambda rows: [source.row_number(int(r)) for r in rows],
        source.name,
        out,
    )


def _no_responses(source: Source, rows: int, excluded: dict[str, int]) -> GapscanError:
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
    return GapscanError.single(what, file=source.name, line=1, hint=hint, code="empty-file")


_Column = Column


def _responses_to_drop(
    survey: Survey, layout: Layout, columns: dict[str, _Column], n: int, filtered: np.ndarray
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


def _kept_rows(n: int, dropped: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    """Map indices of the kept rows back to indices in the file."""
    if dropped.size == 0:
        return lambda idx: idx
    kept = np.setdiff1d(np.arange(n), dropped)
    return lambda idx: kept[idx]


def _lookup(
    column: _Column, code_of: Callable[[str], int], dtype: np.dtype[np.signedinteger]
) -> np.ndarray:
    """Code a column through its distinct values (a null cell is no answer)."""
    values, indices = column
    table = np.array([code_of(v) for v in values] + [MISSING], dtype=dtype)
    return table[indices]


def _reporter(
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
        _report_unknown(
            source, values, indices, marks, kept, what, hint, out, rows, code, marker, problem
        )

    return report


def _report_unknown(
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
        text = _quote(values[i]) if values[i].strip() else "blank"
        parts.append(f"{text} x{counts[i]} ({label} {shown}{more})")
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


def _quote(value: str, limit: int = 60) -> str:
    """A value as it appears in a message: on one line, and not too long."""
    text = value if len(value) <= limit else value[: limit - 1] + "…"
    return repr(text) if any(c in text for c in "\n\r\t'") else f"'{text}'"


def _code_sides(
    survey: Survey,
    source: Source,
    column_data: _Column,
    kept: Callable[[np.ndarray], np.ndarray],
    out: ProblemCollector,
) -> np.ndarray:
    column = survey.sides.column
    assert column is not None
    mapping = {fold(v): VENDOR for v in survey.sides.vendor}
    mapping |= {fold(v): CUSTOMER for v in survey.sides.customer}
    values, indices = column_data
    codes = _lookup(column_data, lambda v: mapping.get(fold(v), UNKNOWN), np.dtype(np.int8))
    codes = np.where(indices == len(values), UNKNOWN, codes).astype(np.int8)
    values = [*values, ""]
    _report_unknown(
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
    )
    return codes


def _code_answers(
    source: Source,
    column_data: _Column,
    column: str,
    question: Question,
    rows: np.ndarray,
    kept: Callable[[np.ndarray], np.ndarray],
    out: ProblemCollector,
) -> np.ndarray:
    scale = question.scale
    levels = {fold(level): code for code, level in enumerate(scale.levels)}
    missing = {fold(m) for m in scale.missing} | {""}

    def code_of(value: str) -> int:
        key = fold(value)
        if key in missing:
            return MISSING
        return levels.get(key, UNKNOWN)

    values, indices = column_data
    codes = _lookup(column_data, code_of, code_dtype(scale.k))
    _report_unknown(
        source,
        values,
        indices,
        codes,
        kept,
        f"column '{column}' (question '{question.id}', scale '{scale.name}')",
        f"add them to scale '{scale.name}' as levels or under 'missing', or correct the data",
        out,
        rows,
    )
    return codes


def _drop_rows(coded: _Coded, rows: np.ndarray) -> _Coded:
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


def _combine(survey: Survey, coded: list[_Coded], segments: Sequence[str]) -> Responses:
    side = np.concatenate([c.side for c in coded])
    answers: dict[str, np.ndarray] = {}
    numbers: dict[str, tuple[float, ...]] = {}
    for q in survey.questions:
        parts = [c.answers[q.id] for c in coded]
        if q.scale.numeric is not None:
            numbers[q.id], answers[q.id] = unify(parts)
        else:
            answers[q.id] = np.concatenate(parts)
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
