"""A large plain CSV file read as two byte ranges at once, each by its own streaming
pyarrow reader in its own thread: pyarrow's streaming reader parses and converts one
block after another, so one reader keeps one core busy; two ranges keep two.

Each batch comes with the number of its range, 0 or 1 (0 first in the file), and
each range's batches come in file order; the two ranges' batches are interleaved.
The count-first pass adds them up in any order; a pass that holds the rows puts the
ranges back in file order (:func:`gapscan.columns.read_parts`). Memory stays bounded
(a few batches queued per range).

The second range starts after the first line break past the middle of the file. That
is the start of a record unless the break is inside a quoted value: the first range's
reader counts the quote characters it is given, and an odd count (the split fell
inside quotes) fails the read (:class:`csv_batches.ParseFailed`) once the first range
is done; the caller then reads the file in order instead.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from gapscan.inputs import csv_batches
from gapscan.inputs.csv_batches import Dialect, ParseFailed

if TYPE_CHECKING:
    import pyarrow as pa

MIN_SIZE = 32 << 20  # smaller files are read in order: two readers would gain little
QUEUED = 4  # batches waiting per range
_DONE = object()


class _Range:
    """Bytes ``start``..``stop`` of a file as a binary stream, counting quotes if asked
    (only the first range's count tells whether the split fell inside quotes)."""

    def __init__(self, path: str, start: int, stop: int, count_quotes: bool) -> None:
        self._file = open(path, "rb")  # noqa: SIM115 (closed by close())
        self._file.seek(start)
        self._left = stop - start
        self.quotes = 0
        self._count_quotes = count_quotes
        self.done = 0  # bytes given
        self.closed = False

    def read(self, size: int = -1) -> bytes:
        want = self._left if size is None or size < 0 else min(size, self._left)
        data = self._file.read(want)
        self._left -= len(data)
        self.done += len(data)
        if self._count_quotes and data.find(b'"') >= 0:  # find: much faster than count
            self.quotes += data.count(b'"')
        return data

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self.closed = True
        self._file.close()


def splittable(dialect: Dialect) -> bool:
    """Whether the file may be read as two ranges: a plain (uncompressed) UTF-8 file on
    disk, large enough, on a machine with more than one core."""
    stored = dialect.stored
    return (
        stored.compression is None
        and dialect.encoding == "utf-8"
        and (os.cpu_count() or 1) > 1
        and stored.path.is_file()
        and stored.size >= MIN_SIZE
    )


def _middle(path: str, size: int) -> int | None:
    """Where the second range starts: after the first line break past the middle."""
    with open(path, "rb") as fh:
        fh.seek(size // 2)
        while block := fh.read(1 << 16):
            found = block.find(b"\n")
            if found >= 0:
                middle = fh.tell() - len(block) + found + 1
                return middle if middle < size else None
    return None


def stream_parts(
    dialect: Dialect,
    positions: list[int],
    names: list[str],
    progress: Callable[[int], None] | None = None,
    plain: frozenset[str] = frozenset(),
) -> Iterator[tuple[int, pa.RecordBatch]] | None:
    """The columns at ``positions`` under ``names``, read as two ranges at once, each
    batch with its range's number; None when the file has no place to split. Raises what
    :func:`csv_batches.stream` raises, and ParseFailed when the split fell inside
    quotes (possibly after some batches)."""
    path = str(dialect.stored.path)
    size = dialect.stored.size
    middle = _middle(path, size)
    if middle is None:
        return None
    with open(path, "rb") as fh:
        multiline = b'"' in fh.read(1 << 16)  # quoted values: allow breaks in them
    ranges = [_Range(path, 0, middle, True), _Range(path, middle, size, False)]
    return _merged(dialect, ranges, positions, names, multiline, progress, plain)


def _merged(
    dialect: Dialect,
    ranges: list[_Range],
    positions: list[int],
    names: list[str],
    multiline: bool,
    progress: Callable[[int], None] | None,
    plain: frozenset[str],
) -> Iterator[tuple[int, pa.RecordBatch]]:
    batches: queue.Queue[object] = queue.Queue(QUEUED * len(ranges))
    stop = threading.Event()

    def work(i: int) -> None:
        part = range_dialect(dialect, ranges[i], first=i == 0)
        try:
            read = csv_batches.stream(part, positions, names, multiline=multiline, plain=plain)
            for batch in read:
                if not _put(batches, (i, batch), stop):
                    return
            if i == 0 and ranges[0].quotes % 2:
                raise ParseFailed("the middle of the file is inside a quoted value")
            _put(batches, _DONE, stop)
        except BaseException as exc:  # handed to the reading thread
            _put(batches, exc, stop)

    threads = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(len(ranges))]
    for thread in threads:
        thread.start()
    try:
        running = len(threads)
        while running:
            item = _next(batches, threads)
            if item is _DONE:
                running -= 1
            elif isinstance(item, BaseException):
                raise item
            else:
                if progress is not None:
                    progress(sum(r.done for r in ranges))
                yield item  # type: ignore[misc]  # (range, batch), as queued
    finally:
        stop.set()
        for thread in threads:
            thread.join()
        for r in ranges:
            r.close()


class ReaderLost(Exception):
    """A reading thread ended without handing over its last word (done or its error)."""


def _next(batches: queue.Queue[object], threads: list[threading.Thread]) -> object:
    """The next item a reading thread handed over; ReaderLost when none is coming: every
    thread has ended, and nothing is queued (a thread that could not even queue its
    error would otherwise leave this waiting for ever)."""
    while True:
        try:
            return batches.get(timeout=0.25)
        except queue.Empty:
            if any(thread.is_alive() for thread in threads):
                continue
            try:
                return batches.get_nowait()  # queued just before the thread ended
            except queue.Empty:
                raise ReaderLost("a reading thread ended without a word") from None


def _put(batches: queue.Queue[object], item: object, stop: threading.Event) -> bool:
    """Queue ``item`` unless the reader has stopped (the consumer gave up)."""
    while not stop.is_set():
        try:
            batches.put(item, timeout=0.1)
            return True
        except queue.Full:
            continue
    return False


def range_dialect(dialect: Dialect, r: _Range, *, first: bool) -> Dialect:
    """The file's dialect for reading range ``r`` alone (only the first range has the
    file's header and preamble lines)."""
    return Dialect(
        _Part(r),  # type: ignore[arg-type]
        dialect.encoding,
        dialect.delimiter,
        dialect.skip_lines if first else 0,
        dialect.width,
    )


class _Part:
    """A range as :class:`gapscan.inputs.stored.Stored` is read by ``stream``."""

    def __init__(self, r: _Range) -> None:
        self._range = r

    def reading(self) -> _Reading:
        return _Reading(self._range)


class _Reading:
    def __init__(self, r: _Range) -> None:
        self._range = r

    def __enter__(self) -> tuple[_Range, Callable[[], int]]:
        return self._range, lambda: 0

    def __exit__(self, *exc: object) -> None:
        return None
