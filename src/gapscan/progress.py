"""A progress bar on stderr for long work: while an input is read (bytes of a CSV
file, rows of a Parquet file), then while held responses are counted and the
questions tested (:func:`tracked`: paired runs and design-based variances take
seconds at scale). It appears only once the step has taken about a second, and never
when stderr is not a terminal, with ``--quiet``, or in CI (the ``CI`` environment
variable, which CI services set)."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

T = TypeVar("T")

DELAY = 1.0  # seconds of a step before its bar appears
_quiet = False
_shown: Meter | None = None  # the bar on the screen (rich draws one live display at a time)


def set_quiet(quiet: bool) -> None:
    """``--quiet``: no progress bar for the rest of the run."""
    global _quiet
    _quiet = quiet


def wanted() -> bool:
    """Whether a bar may be shown at all: stderr a terminal, not quiet, not in CI."""
    if _quiet or os.environ.get("CI", "").strip().lower() not in ("", "0", "false"):
        return False
    return stderr_is_terminal()


def stderr_is_terminal() -> bool:
    isatty = getattr(sys.stderr, "isatty", None)
    return bool(isatty and isatty())


class Meter:
    """One step's progress ("reading" an input by default); call :meth:`update` with
    how much is done (in ``unit``: "bytes", "rows" or "questions", out of ``total``)
    and :meth:`close` at the end."""

    def __init__(self, label: str, total: int, unit: str, verb: str = "reading") -> None:
        self.label, self.total, self.unit, self.verb = label, max(total, 1), unit, verb
        self.enabled = wanted()
        self.start = time.monotonic()
        self._bar: Progress | None = None
        self._task: TaskID | None = None

    def update(self, done: int) -> None:
        if not self.enabled:
            return
        if self._bar is None:
            if time.monotonic() - self.start < DELAY or _shown is not None:
                return  # not yet; or a step within another step: the outer one's bar stays
            self._bar, self._task = _bar(self.label, self.total, self.unit, self.verb)
            _showing(self)
        assert self._task is not None
        self._bar.update(self._task, completed=min(done, self.total))

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
            _showing(None)

    def __enter__(self) -> Meter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _showing(meter: Meter | None) -> None:
    global _shown
    _shown = meter


def tracked(items: Iterable[T], total: int, verb: str) -> Iterator[T]:
    """``items`` (``total`` questions), one after another, with a bar such as
    "testing 40 questions 12/40" once they have taken about a second: the count shown
    is of the items the caller has finished with (asked for the next one after)."""
    with Meter(f"{total} questions", total, "questions", verb) as meter:
        for done, item in enumerate(items):
            meter.update(done)
            yield item
        meter.update(total)


def console() -> Any:
    """The console the bar is drawn on (stderr; a test may replace it)."""
    from rich.console import Console

    return Console(stderr=True)


def _bar(label: str, total: int, unit: str, verb: str) -> tuple[Progress, TaskID]:
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    from gapscan.text import visible

    amount = DownloadColumn() if unit == "bytes" else MofNCompleteColumn()
    bar = Progress(
        TextColumn(f"{verb} {{task.description}}", markup=False),  # a file's name: not markup
        BarColumn(),
        amount,
        TimeRemainingColumn(),
        console=console(),
        transient=True,
    )
    bar.start()
    return bar, bar.add_task(visible(label), total=total)
