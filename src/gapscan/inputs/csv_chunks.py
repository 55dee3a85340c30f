"""A large plain CSV file read in file order by two threads at once, for a pass that
needs the rows in order but does not hold them (a weighted stream adds the weights in
row order; a stream that resolves repeated ids numbers the rows).

The file is cut at line breaks into chunks of about ``CHUNK`` bytes. Two threads read
them, each chunk by its own streaming pyarrow reader, and the chunks' batches are
given in file order. A thread takes a chunk only when fewer than ``AHEAD`` chunks are
read and not yet given, so memory stays bounded whatever the file's size; and it takes
the chunks in file order, so the chunk given next has always been started.

A cut falls inside a quoted value when the quote characters before it are odd: each
chunk's quotes are counted, and before the first batch of a chunk is given the count so
far must be even, else :class:`csv_batches.ParseFailed` (the caller then reads the
file in order with one reader, which tells what is wrong, or reads it).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from gapscan.inputs import csv_batches
from gapscan.inputs.csv_batches import Dialect, ParseFailed
from gapscan.inputs.csv_parts import _DONE, _next, _Range, range_dialect

if TYPE_CHECKING:
    import pyarrow as pa

CHUNK = 16 << 20  # bytes a chunk
AHEAD = 3  # chunks read (or being read) and not yet given
THREADS = 2


def _cuts(path: str, size: int, chunk: int) -> list[int]:
    """Where the chunks start, each after a line break, and the file's end."""
    cuts = [0]
    with open(path, "rb") as fh:
        position = chunk
        while position < size:
            fh.seek(position)
            found = -1
            while found < 0 and (block := fh.read(1 << 16)):
                found = block.find(b"\n")
                if found < 0:
                    position += len(block)
            if found < 0:
                break
            cut = position + found + 1
            if cut >= size:
                break
            cuts.append(cut)
            position = cut + chunk
    return [*cuts, size]


def stream_chunks(
    dialect: Dialect,
    positions: list[int],
    names: list[str],
    progress: Callable[[int], None] | None = None,
    plain: frozenset[str] = frozenset(),
) -> Iterator[pa.RecordBatch] | None:
    """The columns at ``positions`` under ``names``, in file order, the chunks read two
    at a time; None when the file is one chunk. Raises what :func:`csv_batches.stream`
    raises, and ParseFailed when a cut fell inside quotes (possibly after some
    batches)."""
    path = str(dialect.stored.path)
    cuts = _cuts(path, dialect.stored.size, CHUNK)
    if len(cuts) < 3:
        return None
    with open(path, "rb") as fh:
        multiline = b'"' in fh.read(1 << 16)  # quoted values: allow breaks in them
    return _in_order(dialect, path, cuts, (positions, names, plain), multiline, progress)


def _in_order(
    dialect: Dialect,
    path: str,
    cuts: list[int],
    columns: tuple[list[int], list[str], frozenset[str]],
    multiline: bool,
    progress: Callable[[int], None] | None,
) -> Iterator[pa.RecordBatch]:
    positions, names, plain = columns
    chunks = len(cuts) - 1
    queues: list[queue.Queue[object]] = [queue.Queue() for _ in range(chunks)]
    ranges: list[_Range | None] = [None] * chunks
    slots = threading.Semaphore(AHEAD)
    taken = [0]  # the next chunk to take
    lock = threading.Lock()
    stop = threading.Event()

    def work() -> None:
        while not stop.is_set():
            if not slots.acquire(timeout=0.1):
                continue  # a slot first, then the next chunk: chunks start in order
            with lock:
                i = taken[0]
                taken[0] += 1
            if i >= chunks:
                slots.release()
                return
            r = ranges[i] = _Range(path, cuts[i], cuts[i + 1], True)
            part = range_dialect(dialect, r, first=i == 0)
            try:
                read = csv_batches.stream(part, positions, names, multiline=multiline, plain=plain)
                for batch in read:
                    if stop.is_set():
                        return
                    queues[i].put(batch)
                queues[i].put(_DONE)
            except BaseException as exc:  # handed to the reading thread
                queues[i].put(exc)
                return
            finally:
                r.close()  # its counts stay: one file open a thread

    threads = [threading.Thread(target=work, daemon=True) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    try:
        quotes = 0
        for i in range(chunks):
            if quotes % 2:
                raise ParseFailed("a cut of the file is inside a quoted value")
            while (item := _next(queues[i], threads)) is not _DONE:
                if isinstance(item, BaseException):
                    raise item
                if progress is not None:
                    progress(sum(r.done for r in ranges if r is not None))
                yield item  # a batch, as queued
            done = ranges[i]
            assert done is not None
            quotes += done.quotes
            slots.release()
    finally:
        stop.set()
        for thread in threads:
            thread.join()
        for r in ranges:
            if r is not None:
                r.close()
