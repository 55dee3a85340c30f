"""Repeated respondent ids in a streamed run (:mod:`gapscan.count_first`), resolved as
the held path resolves them (``duplicate_ids: keep-first`` or ``keep-last``).

The first pass keeps each kept row's 8-byte id hash (in blocks, never copied into one
array), its side and which of each file's rows it kept (1 bit a row each:
:class:`FileRecord`). The held path's id check
(:func:`gapscan.identity.check_ids`) then runs on them, reading the ids as written again
only for the rows whose hash repeats, and the file's lines only for the rows it names.
When it drops rows, a second pass counts the files again without them
(:meth:`Skipped.of_batch`): memory stays bounded, and a run whose ids repeat reads its
files twice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from gapscan.columns import Blocks, pick_texts
from gapscan.errors import ProblemCollector
from gapscan.identity import FileIds, Resolution, check_ids
from gapscan.inputs.source import Source
from gapscan.survey import CUSTOMER, VENDOR, Survey


@dataclass
class FileRecord:
    """What the id check needs of one file: the name it reports, a way to open it
    again, each kept row's id hash and side and, per batch, which rows were kept."""

    name: str
    reopen: Callable[[], Source]
    hashes: Blocks = field(default_factory=lambda: Blocks(np.dtype(np.uint64)))
    customers: list[np.ndarray] = field(default_factory=list)  # per batch, bit-packed
    kept: list[np.ndarray] = field(default_factory=list)  # per batch, bit-packed
    rows: list[int] = field(default_factory=list)  # per batch: the file's rows
    counts: list[int] = field(default_factory=list)  # per batch: the rows kept

    def add(self, drop: np.ndarray, side: np.ndarray, hashes: np.ndarray) -> None:
        """A batch: each of its rows left out or not, its kept rows' sides and id
        hashes."""
        self.kept.append(np.packbits(~drop))
        self.rows.append(int(drop.size))
        self.counts.append(int(side.size))
        self.customers.append(np.packbits(side == CUSTOMER))  # a kept row's side: 1 bit
        self.hashes.append(hashes)

    def file_rows(self, kept: np.ndarray) -> np.ndarray:
        """The 0-based rows of the file of kept rows ``kept`` (their order kept)."""
        kept = np.asarray(kept, dtype=np.int64)
        first_kept = np.cumsum([0, *self.counts])
        first_row = np.cumsum([0, *self.rows])
        batch = np.searchsorted(first_kept, kept, side="right") - 1
        found = np.empty(kept.size, dtype=np.int64)
        for b in np.unique(batch).tolist():
            mine = batch == b
            bits = np.unpackbits(self.kept[b], count=self.rows[b]).astype(bool)
            found[mine] = first_row[b] + np.flatnonzero(bits)[kept[mine] - first_kept[b]]
        return found

    def file_ids(self, column: str) -> FileIds:
        """The file's ids for the check (its hashes given away, in their blocks)."""
        source: list[Source] = []

        def opened() -> Source:
            if not source:
                source.append(self.reopen())
            return source[0]

        def lines(rows: np.ndarray) -> list[int]:
            return [opened().row_number(int(r)) for r in self.file_rows(rows)]

        def texts(rows: np.ndarray) -> list[str]:
            return pick_texts(opened().batches([column]), column, self.file_rows(rows))

        side = np.empty(sum(self.counts), dtype=np.int8)
        start = 0
        for packed, count in zip(self.customers, self.counts, strict=True):
            customer = np.unpackbits(packed, count=count).astype(bool)
            side[start : start + count] = np.where(customer, CUSTOMER, VENDOR)
            start += count
        return FileIds(self.name, self.hashes.parts(), side, lines, texts)


def resolve_ids(survey: Survey, records: Sequence[FileRecord]) -> Resolution | None:
    """The held path's resolution of the run's ids; None when the check finds a
    problem."""
    assert survey.respondent_id is not None
    files = [record.file_ids(survey.respondent_id) for record in records]
    out = ProblemCollector()
    resolution = check_ids(files, survey.respondent_id, survey.duplicate_ids, survey.path.name, out)
    return None if out.problems else resolution


@dataclass
class Skipped:
    """The kept rows of one file that the id check dropped (sorted kept-row indices),
    found batch by batch as the file is read again."""

    rows: np.ndarray
    seen: int = 0  # kept rows of the batches so far

    def of_batch(self, drop: np.ndarray) -> np.ndarray:
        """Of a batch's kept rows (``~drop``), which are dropped duplicates (a mask)."""
        kept = int(drop.size - drop.sum())
        low, high = np.searchsorted(self.rows, [self.seen, self.seen + kept])
        mask = np.zeros(kept, dtype=bool)
        mask[self.rows[low:high] - self.seen] = True
        self.seen += kept
        return mask
