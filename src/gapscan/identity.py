"""Count every respondent once, across all the files of a run.

Respondent ids are compared trimmed, as answers are. Two rows with one id are the
same respondent when they come from the same file or from the same side; a vendor
row and a customer row from different files may be two tools numbering alike, and
are a warning. Without ``respondent_id`` a file given twice is found by its content.

The check holds each row's id as a 64-bit hash (:mod:`gapscan.id_hash`): sorting the
hashes finds the rows whose hash repeats, and only their ids are read again and
compared as text, so a collision of two different ids is not a duplicate.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from gapscan.errors import Problem, ProblemCollector
from gapscan.id_hash import NO_ID, hash_ids
from gapscan.survey import SIDE_NAMES

MAX_EXAMPLE_IDS = 10
MAX_EXAMPLE_ROWS = 3
HASH_BLOCK = 1 << 20  # bytes of a file hashed at a time
HASH_RANGES = 16  # the id hashes compared in this many ranges of values
LOOKUP_ROWS = 1 << 20  # rows whose hashes are looked up among the repeated ones at a time
RESOLUTIONS = ("error", "keep-first", "keep-last")


@dataclass(frozen=True)
class FileIds:
    """One file's respondent ids, compactly: for each kept row the 64-bit hash of its
    trimmed id (``NO_ID``: blank), whole or in blocks one after another, and its side;
    a way back to the file's lines, and one to the ids as written (read again, only for
    rows whose hash repeats)."""

    path: str
    hashes: np.ndarray | list[np.ndarray]
    side: np.ndarray
    lines: Callable[[np.ndarray], list[int]]
    texts: Callable[[np.ndarray], list[str]]


def file_ids(
    path: str,
    ids: Sequence[str],
    side: np.ndarray,
    lines: Callable[[np.ndarray], list[int]],
) -> FileIds:
    """The ids of a file held as text (small files, tests): hashed as a stream is."""
    import pyarrow as pa

    hashes = hash_ids(pa.array(list(ids), pa.string()))
    return FileIds(path, hashes, side, lines, lambda rows: [ids[int(r)] for r in rows])


@dataclass(frozen=True)
class Resolution:
    """What the id check decided: rows to drop per file, and warnings."""

    drop: tuple[np.ndarray, ...]  # per file: kept-row indices that are duplicates
    warnings: tuple[Problem, ...] = ()


def check_ids(
    files: Sequence[FileIds],
    column: str,
    resolve: str,
    schema: str,
    out: ProblemCollector,
) -> Resolution:
    """Find every id given to more than one respondent. With ``resolve`` "error" they
    are problems added to ``out``; with "keep-first"/"keep-last" the other rows are
    dropped (and counted by the caller)."""
    empty = tuple(np.empty(0, dtype=np.int64) for _ in files)
    if not files:
        return Resolution(empty)
    occ = _occurrences(files)
    counts = np.bincount(occ.gid[occ.gid >= 0], minlength=occ.n_ids)
    if not (counts > 1).any():
        return Resolution(empty)
    repeated = np.flatnonzero((occ.gid >= 0) & (counts[np.maximum(occ.gid, 0)] > 1))
    kept = _kept(occ, repeated, last=resolve == "keep-last")
    dropped = repeated[~kept]
    if dropped.size and resolve == "error":
        for problem in _problems(files, occ, repeated, dropped, column, schema):
            out.problems.append(problem)
    drop = tuple(occ.row[dropped[occ.file[dropped] == i]] for i in range(len(files)))
    both = repeated[kept]
    if resolve == "error":
        both = both[~np.isin(occ.gid[both], occ.gid[dropped])]
    gids, n_kept = np.unique(occ.gid[both], return_counts=True)
    crossed = np.isin(occ.gid[both], gids[n_kept > 1])
    warnings = _cross_side_warning(files, occ, both[crossed], column)
    return Resolution(drop if resolve != "error" else empty, warnings)


@dataclass(frozen=True)
class _Occurrences:
    """The rows of the run whose id hash repeats, in the order given: each one's id
    (an index into ``keys``, their trimmed ids as written), file, row and side. Only
    these rows can be duplicates; every other row's id is its own."""

    gid: np.ndarray
    file: np.ndarray
    row: np.ndarray
    side: np.ndarray
    keys: list[str]

    @property
    def n_ids(self) -> int:
        return len(self.keys)


def _occurrences(files: Sequence[FileIds]) -> _Occurrences:
    """Find the rows whose hash repeats (:func:`_repeated`); read those rows' ids again
    and compare them exactly (a hash collision of two ids is two respondents)."""
    repeats = _repeated([block for f in files for block in _blocks(f.hashes)])
    found = [_rows_of(_blocks(f.hashes), repeats) for f in files]
    file = np.concatenate([np.full(r.size, i, dtype=np.int64) for i, r in enumerate(found)])
    row = np.concatenate(found)
    position: dict[str, int] = {}
    gid = np.empty(row.size, dtype=np.int64)
    side = np.empty(row.size, dtype=np.int8)
    for i, f in enumerate(files):
        mine = np.flatnonzero(file == i)
        if not mine.size:
            continue
        texts = f.texts(row[mine])
        gid[mine] = [position.setdefault(t.strip(), len(position)) for t in texts]
        side[mine] = f.side[row[mine]]
    return _Occurrences(gid=gid, file=file, row=row, side=side, keys=list(position))


def _repeated(parts: Sequence[np.ndarray]) -> np.ndarray:
    """The hashes of non-blank ids that occur more than once in ``parts``, sorted. The
    values are taken a range at a time (``HASH_RANGES`` of them), each range gathered
    from every part, sorted and compared on its own: no sorted copy of all the hashes
    is made, a sixteenth of them at a time."""
    edges = [int(NO_ID) + 1, *(i << 60 for i in range(1, HASH_RANGES))]
    found = []
    for r, low in enumerate(edges):
        high = edges[r + 1] if r + 1 < len(edges) else None
        chosen = []
        for part in parts:
            inside = part >= np.uint64(low)
            if high is not None:
                inside &= part < np.uint64(high)
            chosen.append(part[inside])
        values = np.concatenate(chosen) if chosen else np.empty(0, dtype=np.uint64)
        values.sort()
        found.append(np.unique(values[1:][values[1:] == values[:-1]]))
    return np.concatenate(found) if found else np.empty(0, dtype=np.uint64)


def _blocks(hashes: np.ndarray | list[np.ndarray]) -> list[np.ndarray]:
    return hashes if isinstance(hashes, list) else [hashes]


def _rows_of(blocks: list[np.ndarray], repeats: np.ndarray) -> np.ndarray:
    """The rows of the hashes (``blocks``, one after another) that are among the
    sorted ``repeats``, looked up ``LOOKUP_ROWS`` at a time."""
    rows = [np.empty(0, dtype=np.int64)]
    offset = 0
    for hashes in blocks:
        for start in range(0, hashes.size if repeats.size else 0, LOOKUP_ROWS):
            block = hashes[start : start + LOOKUP_ROWS]
            at = np.minimum(np.searchsorted(repeats, block), repeats.size - 1)
            rows.append(np.flatnonzero(repeats[at] == block) + (offset + start))
        offset += hashes.size
    return np.concatenate(rows)


def _kept(occ: _Occurrences, repeated: np.ndarray, *, last: bool) -> np.ndarray:
    """Of each repeated id, the first row (or the last) is kept, and with it the first
    row of the other side from another file; ``repeated`` is in run order."""
    rank = -np.arange(repeated.size) if last else np.arange(repeated.size)
    order = np.lexsort((rank, occ.gid[repeated]))
    gid = occ.gid[repeated][order]
    start = np.r_[True, gid[1:] != gid[:-1]]
    group = np.cumsum(start) - 1
    head = order[np.flatnonzero(start)][group]  # each row's group head (in `repeated`)
    file, side = occ.file[repeated], occ.side[repeated]
    other = (file[order] != file[head]) & (side[order] != side[head])
    kept_sorted = start.copy()
    candidates = np.flatnonzero(other)
    _, first = np.unique(group[candidates], return_index=True)
    kept_sorted[candidates[first]] = True
    kept = np.zeros(repeated.size, dtype=bool)
    kept[order] = kept_sorted
    return kept


def _where(files: Sequence[FileIds], occ: _Occurrences, rows: np.ndarray, home: int) -> str:
    """'rows 4, 8, b.csv row 2' for ``rows`` (indices into ``occ``): the rows of each
    file together, the file named unless it is ``home``."""
    by_file: dict[int, list[int]] = {}
    for i in rows:
        by_file.setdefault(int(occ.file[i]), []).append(int(occ.row[i]))
    parts = []
    for index, file_rows in by_file.items():
        f = files[index]
        lines = f.lines(np.asarray(file_rows))
        name = "" if index == home else f"{f.path} "
        parts.append(f"{name}row{'s' if len(lines) > 1 else ''} {', '.join(map(str, lines))}")
    return ", ".join(parts)


def _examples(
    files: Sequence[FileIds], occ: _Occurrences, rows: np.ndarray, gids: np.ndarray, home: int
) -> tuple[list[str], int | None]:
    """'7' x2 (row 2, b.csv row 5) for the first ids; and the first line in ``home``."""
    parts = []
    lines = []
    for gid in gids[:MAX_EXAMPLE_IDS]:
        mine = rows[occ.gid[rows] == gid]
        shown = mine[:MAX_EXAMPLE_ROWS]
        at_home = shown[occ.file[shown] == home]
        if at_home.size:
            lines += files[home].lines(occ.row[at_home[:1]])
        more = ", ..." if mine.size > MAX_EXAMPLE_ROWS else ""
        where = _where(files, occ, shown, home)
        parts.append(f"{_quote(occ.keys[int(gid)])} x{mine.size} ({where}{more})")
    if gids.size > MAX_EXAMPLE_IDS:
        parts.append(f"and {gids.size - MAX_EXAMPLE_IDS} more")
    return parts, min(lines) if lines else None


def _problems(
    files: Sequence[FileIds],
    occ: _Occurrences,
    repeated: np.ndarray,
    dropped: np.ndarray,
    column: str,
    schema: str,
) -> list[Problem]:
    """One problem per file holding the first row of some repeated ids."""
    bad = np.unique(occ.gid[dropped])
    rows = repeated[np.isin(occ.gid[repeated], bad)]
    first_file = np.full(occ.n_ids, -1)
    ids, first = np.unique(occ.gid[rows], return_index=True)
    first_file[ids] = occ.file[rows][first]
    problems = []
    for i, f in enumerate(files):
        gids = bad[first_file[bad] == i]
        if not gids.size:
            continue
        parts, line = _examples(files, occ, rows, _in_run_order(occ, rows, gids), i)
        problems.append(
            Problem(
                f"respondent id column '{column}': {gids.size} id(s) occur more than once "
                f"(compared trimmed): " + "; ".join(parts),
                file=f.path,
                line=line,
                hint="remove the duplicate responses, or set 'duplicate_ids: keep-first' "
                f"(or keep-last) in {schema} to keep one response per id",
                code="duplicate-id",
            )
        )
    return problems


def _in_run_order(occ: _Occurrences, rows: np.ndarray, gids: np.ndarray) -> np.ndarray:
    """``gids`` ordered by their first row in the run (``rows`` are in run order)."""
    ids, first = np.unique(occ.gid[rows], return_index=True)
    return gids[np.argsort(first[np.searchsorted(ids, gids)], kind="stable")]


def _cross_side_warning(
    files: Sequence[FileIds], occ: _Occurrences, rows: np.ndarray, column: str
) -> tuple[Problem, ...]:
    if not rows.size:
        return ()
    gids = _in_run_order(occ, rows, np.unique(occ.gid[rows]))
    home = int(occ.file[rows[0]])
    parts, line = _examples(files, occ, rows, gids, home)
    head = files[home]
    sides = " and ".join(SIDE_NAMES[s] for s in sorted(set(occ.side[rows].tolist())))
    return (
        Problem(
            f"respondent id column '{column}': {gids.size} id(s) are on both sides "
            f"({sides}) in different files: " + "; ".join(parts) + ": counted as different "
            "respondents",
            file=head.path,
            line=line,
            hint="fine if the two exports number respondents independently",
            code="id-on-both-sides",
        ),
    )


def _quote(value: str, limit: int = 60) -> str:
    text = value if len(value) <= limit else value[: limit - 1] + "…"
    return repr(text) if any(c in text for c in "\n\r\t'") else f"'{text}'"


# ------------------------------------------------------------------ content


def same_content(
    paths: Sequence[Path],
    out: ProblemCollector,
    *,
    has_ids: bool = True,
    consequence: str = "its respondents would be counted twice",
) -> None:
    """A file given twice (by any path, link or copy) is found by its bytes: only files
    of equal size are hashed, in 1 MiB blocks. With respondent ids, the id check would
    find it too, but row by row; this names the file."""
    from gapscan.inputs.stored import on_disk

    by_size: dict[int, list[Path]] = {}
    for path in paths:
        try:
            st = os.stat(on_disk(path))
        except (OSError, ValueError):
            continue  # the reader names the problem
        if st.st_size and _is_regular(st.st_mode):
            by_size.setdefault(st.st_size, []).append(path)
    for group in by_size.values():
        if len(group) < 2:
            continue
        seen: dict[bytes, Path] = {}
        for path in group:
            digest = _digest(on_disk(path))
            if digest is None:
                continue
            if digest in seen:
                first = seen[digest]
                what = (
                    "this file is given twice"
                    if str(first) == str(path)
                    else f"the same data as {first} (identical content)"
                )
                out.add(
                    f"{what}: {consequence}",
                    file=str(path),
                    hint="give each export once"
                    + (
                        ""
                        if has_ids
                        else "; to find repeated respondents by id, add 'respondent_id'"
                    ),
                    code="duplicate-file",
                )
            else:
                seen[digest] = path


def _is_regular(mode: int) -> bool:
    import stat

    return stat.S_ISREG(mode)


def _digest(path: Path) -> bytes | None:
    h = hashlib.blake2b(digest_size=32)
    try:
        with path.open("rb") as fh:
            while block := fh.read(HASH_BLOCK):
                h.update(block)
    except OSError:
        return None
    return h.digest()
