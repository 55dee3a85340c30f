"""Count-first reading: each batch of each file coded and added straight into the count
table (``Tally``), no per-row answer codes kept, for the runs that need nothing per row
after coding (independent samples, duplicate ids an error, no per-respondent output,
and a design whose weights are given: see :func:`can_stream`). Memory then does not
grow with the rows, apart from the 8-byte respondent id hashes the duplicate check
needs.

With a design, each batch's design columns are read and checked as the held path reads
a whole file's (:func:`gapscan.design_data.read_file_design`), and its respondents' Σ w
and Σ w² add into the cells of segment x side x stratum x level
(:class:`gapscan.stream_design.Sums`); the design is known at the end by the response
rows of each stratum (:func:`gapscan.design_data.grouped_design`). With a cluster, the
cells are of segment x side x PSU x level, the design known by its PSUs
(:class:`gapscan.stream_design.Clusters`): memory grows with the clusters, and a run
whose cells outgrow ``gapscan.stream_design.CELL_BUDGET`` is left to the held path.

The batches are coded by the same functions as :func:`gapscan.responses.load_responses`
codes a whole file. Whenever anything is not clean (a data problem, a repeated id hash,
a file that cannot be read), :func:`stream_tally` returns None and the caller takes
the held path, whose messages (with their line numbers) are the ones reported: the
error path reads the files again, the clean path once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from gapscan.answer_coding import code_sides, kept_rows
from gapscan.columns import Blocks, Column, read_columns
from gapscan.design_data import FileDesign
from gapscan.errors import GapscanError, ProblemCollector
from gapscan.exclusions import Drops, find_drops
from gapscan.file_coding import (
    InputSummary,
    ReadOptions,
    _check_columns,
    _code_questions,
    _file_design,
    _kept,
    needed_columns,
)
from gapscan.id_hash import NO_ID
from gapscan.identity import same_content
from gapscan.inputs.frame import Frame
from gapscan.inputs.source import Source, open_source
from gapscan.inputs.source_batches import Unordered
from gapscan.labels import spellings
from gapscan.stream_counts import Counter
from gapscan.stream_design import Clusters, RowDesign, Strata
from gapscan.stream_identity import FileRecord, Skipped, resolve_ids
from gapscan.subsets import unmatched_warnings
from gapscan.survey import CUSTOMER, SIDE_NAMES, VENDOR, Survey
from gapscan.tally import Tally

if TYPE_CHECKING:
    import pyarrow as pa

Input = str | Path | Frame
GROUP_ROWS = 1 << 15  # rows coded at a time (the reader's batches grouped)
HASH_RANGES = 16  # the id hashes compared in this many ranges of values


class _NotClean(Exception):
    """The run is not clean: the held path reads it and reports what is wrong."""


def can_stream(survey: Survey, *, paired: bool, origins: bool = False) -> bool:
    """Whether a run needs no per-row data once its answers are coded. A design streams
    when its weights are given (weights derived from an fpc need every stratum's size
    first; ``weighting:`` makes each respondent's weight from all of them)."""
    design = survey.design
    return (
        not paired
        and not origins
        and survey.weighting is None
        and (survey.duplicate_ids == "error" or survey.respondent_id is not None)
        and (design is None or design.weight is not None or design.fpc is None)
    )


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
    duplicates: int = 0  # rows dropped as repeated ids ('duplicate_ids')

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
    counter: Counter,
    ids: Blocks,
    reading: ReadOptions,
    ordered: bool = False,
    strata: Strata | Clusters | None = None,
    ids_of: tuple[list[FileRecord] | None, Skipped | None] = (None, None),
    sequential: bool = False,
) -> tuple[InputSummary, _FileTotals]:
    """Read, code and count one file batch by batch; raises ``_NotClean`` at the first
    sign of a problem (its report is the held path's). ``ordered``: the batches in file
    order (two readers at once on a large file, unless ``sequential``). ``ids_of``:
    where the id check's record of the file goes (a first pass that resolves repeated
    ids), or the rows it dropped (the second pass)."""
    records, skip = ids_of
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
    plain = [c for c in hashed if c not in text]
    sides = (VENDOR, CUSTOMER) if side is None else (side,)
    later = {*segments, survey.respondent_id or ""}
    totals = _FileTotals()
    record = None
    if records is not None:

        def reopen() -> Source:
            return open_source(path, export_format=reading.export_format, sheet=reading.sheet)

        record = FileRecord(source.name, reopen)
        records.append(record)
    at_once = ordered and not sequential
    batches = source.batches(names, ordered=ordered or sequential, plain=plain, at_once=at_once)
    for group in _groups(batches):
        read = read_columns(group, text, hashed)
        drops = find_drops(survey, source, read, needed, side)
        design = None
        if strata is not None:
            design = strata.add(_batch_design(survey, source, read.columns, drops))
            if design is None:
                raise _NotClean  # a stratum's fpc varies: the held path says which
        if skip is not None:  # the duplicates the id check dropped: left out now
            drops, design = _without_duplicates(drops, design, skip, totals)
        columns, hashes = _kept(read, drops.drop, survey.respondent_id)
        if survey.respondent_id and hashes is None:
            raise _NotClean
        n = read.rows - int(drops.drop.sum())
        kept = kept_rows(read.rows, np.flatnonzero(drops.drop))
        out = ProblemCollector()
        if side is None:
            assert survey.sides.column is not None
            side_codes = code_sides(survey, source, columns[survey.sides.column], kept, out)
        else:
            side_codes = np.full(n, side, dtype=np.int8)
        found = {c: spellings(columns[c]) for c in segments}
        if counter.values or out.problems or design is not None:  # coded row by row
            answers = _code_questions(survey, source, columns, side_codes, sides, kept, out, later)
            if out.problems or not counter.add(side_codes, answers, found, design):
                raise _NotClean
        elif not counter.add_columns(side_codes, columns, found, sides):
            raise _NotClean
        totals.add(read.rows, side_codes, drops)
        if record is not None and hashes is not None:  # for the id check
            record.add(drops.drop, side_codes, hashes)
        elif hashes is not None and records is None and skip is None:
            ids.append(hashes)  # for the duplicate check
    if totals.vendor + totals.customer + totals.duplicates == 0:
        raise _NotClean  # no responses: the held path says why
    return _file_summary(source, side, totals), totals


def _without_duplicates(
    drops: Drops, design: RowDesign | None, skip: Skipped, totals: _FileTotals
) -> tuple[Drops, RowDesign | None]:
    """A batch without its rows that the id check dropped; their design rows stay in
    the design (its strata's sizes), their weights go, as on the held path."""
    duplicate = skip.of_batch(drops.drop)
    if not duplicate.any():
        return drops, design
    totals.duplicates += int(duplicate.sum())
    drop = drops.drop.copy()
    drop[np.flatnonzero(~drops.drop)[duplicate]] = True
    if design is not None:
        kept = ~duplicate
        design = RowDesign(design.stratum[kept], design.weight[kept], design.strata)
    return replace(drops, drop=drop), design


def _batch_design(
    survey: Survey, source: Source, columns: dict[str, Column], drops: Drops
) -> FileDesign:
    """A batch's design, read as :func:`gapscan.file_coding.code_file` reads a file's
    (response rows in the design, the analysed ones weighted); a problem is not clean."""
    out = ProblemCollector()
    in_design = ~(drops.blank | drops.not_responses)
    part = _file_design(survey, source, columns, in_design, ~drops.drop, out, _batch_rows)
    if out.problems:
        raise _NotClean  # the held path reports it, with the file's line numbers
    return part


def _batch_rows(rows: np.ndarray) -> list[int]:
    return [int(r) + 1 for r in rows]


def _groups(batches: Iterable[pa.RecordBatch]) -> Iterator[list[pa.RecordBatch]]:
    """The reader's batches in groups of at least ``GROUP_ROWS`` rows, coded together:
    a CSV block is a few thousand rows, and each coding has a cost per question."""
    group: list[pa.RecordBatch] = []
    rows = 0
    for batch in batches:
        group.append(batch)
        rows += batch.num_rows
        if rows >= GROUP_ROWS:
            yield group
            group, rows = [], 0
    if group:
        yield group


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
        duplicates_dropped=totals.duplicates,
    )


def _any_repeated(ids: Blocks) -> bool:
    """Whether an id hash (of a non-blank id) repeats: without one, the duplicate check
    (:func:`gapscan.identity.check_ids`) finds neither a repeated id nor an id on both
    sides. Each block is sorted in place, then the hashes are compared a range of
    values at a time (``HASH_RANGES`` of them), each range gathered from every block:
    no copy of all the hashes is made, 8 bytes a respondent in all."""
    if not ids.blocks:
        return False
    blocks = [*ids.blocks[:-1], ids.blocks[-1][: ids.used]]
    for block in blocks:
        block.sort()
    edges = [NO_ID + 1] + [np.uint64(i << 60) for i in range(1, HASH_RANGES)]
    bounds = [np.searchsorted(b, np.asarray(edges, dtype=np.uint64)) for b in blocks]
    for r in range(HASH_RANGES):
        part = np.concatenate(
            [
                b[lo[r] : lo[r + 1] if r + 1 < HASH_RANGES else b.size]
                for b, lo in zip(blocks, bounds, strict=True)
            ]
        )
        part.sort()
        if bool((part[1:] == part[:-1]).any()):
            return True
    return False


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
    if not survey.respondent_id or survey.duplicate_ids == "error":  # as the held path
        on_disk = [p for p, _ in jobs if isinstance(p, Path)]
        same_content(on_disk, out, has_ids=bool(survey.respondent_id))
    if out.problems:
        return None
    chosen = tuple(dict.fromkeys(survey.segments if segments is None else segments))
    reading = reading or ReadOptions()
    resolution = None
    try:
        sequential = False
        try:
            counter, files, strata, records = _stream_all(survey, jobs, chosen, reading)
        except Unordered:  # a file could not be read in two ranges: read them in order
            sequential = True
            counter, files, strata, records = _stream_all(
                survey, jobs, chosen, reading, sequential=True
            )
        if records is not None:  # 'duplicate_ids: keep-first/keep-last'
            resolution = resolve_ids(survey, records)
            del records  # the hashes and the files' records: not needed by a second pass
            if resolution is None:
                return None
            if any(rows.size for rows in resolution.drop):  # counted again without them
                skips = [Skipped(np.sort(rows)) for rows in resolution.drop]
                counter, files, strata, _ = _stream_all(
                    survey, jobs, chosen, reading, skips, sequential=sequential
                )
    except (_NotClean, GapscanError, Unordered):
        return None
    inputs = tuple(s for s, _ in files)
    if strata is None:
        tally = counter.tally(inputs)
    else:
        found = strata.design(survey)
        if found is None:
            return None
        tally = replace(counter.tally(inputs, found.place, found.psu_stratum), design=found.data)
    matched = [tuple(t.matched) for _, t in files]
    warnings = unmatched_warnings(survey.filters, matched, str(survey.path))
    warnings += list(resolution.warnings if resolution is not None else ())
    n_filters = len(survey.filters)
    removed = tuple(sum(t.removed[i] for _, t in files) for i in range(n_filters))
    return replace(tally, warnings=tuple(warnings), filtered=removed)


def _stream_all(
    survey: Survey,
    jobs: list[tuple[Path | Frame, int | None]],
    segments: tuple[str, ...],
    reading: ReadOptions,
    skips: Sequence[Skipped] | None = None,
    *,
    sequential: bool = False,
) -> tuple[
    Counter,
    list[tuple[InputSummary, _FileTotals]],
    Strata | Clusters | None,
    list[FileRecord] | None,
]:
    """Every file counted into one count table (and, with a design, its strata);
    raises ``_NotClean`` when the run is not clean (a repeated id hash included, unless
    'duplicate_ids' resolves them: then the files' records come back (their id hashes
    among them) for the id check, or ``skips`` gives each file's rows it dropped). ``sequential``:
    each file read by one reader, in order (after a read at once failed part-way)."""
    counter = Counter(survey, segments)
    files: list[tuple[InputSummary, _FileTotals]] = []
    ids = Blocks(np.dtype(np.uint64))  # every respondent's id hash, all files
    design = survey.design
    strata: Strata | Clusters | None = None
    if design is not None:
        strata = Strata(design.fpc is not None) if design.cluster is None else Clusters()
    keeping = survey.duplicate_ids != "error"
    records: list[FileRecord] | None = [] if keeping and skips is None else None
    # weights are summed in the order of the rows, as the held path sums them; the
    # first of two rows with one id is the first in the file
    ordered = strata is not None or keeping
    for i, (path, side) in enumerate(jobs):
        if isinstance(strata, Clusters):
            strata.file = i  # a PSU's place: the first file it is in, as held
        ids_of = (records, None if skips is None else skips[i])
        files.append(
            _stream_file(
                survey, path, side, counter, ids, reading, ordered, strata, ids_of, sequential
            )
        )
    if records is not None:
        return counter, files, strata, records
    if survey.respondent_id and not keeping and _any_repeated(ids):
        raise _NotClean  # the held path checks the ids as written
    return counter, files, strata, None


def _input(given: Input) -> Path | Frame:
    return given if isinstance(given, Frame) else Path(given)
