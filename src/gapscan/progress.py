"""A progress bar on stderr while a long input is read: bytes of a CSV file, rows of a
Parquet file. It appears only once reading has taken about a second, and never when
stderr is not a terminal, with ``--quiet``, or in CI (the ``CI`` environment
variable, which CI services set)."""

from __future__ import annotations

import os
import sys
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

DELAY = 1.0  # seconds of reading before the bar appears
_quiet = False


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
    """One input's reading progress; call :meth:`update` with how much is done (in
    ``unit``: "bytes" or "rows", out of ``total``) and :meth:`close` at the end."""

    def __init__(self, label: str, total: int, unit: str) -> None:
        self.label, self.total, self.unit = label, max(total, 1), unit
        self.enabled = wanted()
        self.start = time.monotonic()
        self._bar: Progress | None = None
        self._task: TaskID | None = None

    def update(self, done: int) -> None:
        if not self.enabled:
            return
        if self._bar is None:
            if time.monotonic() - self.start < DELAY:
                return
            self._bar, self._task = _bar(self.label, self.total, self.unit)
        assert self._task is not None
        self._bar.update(self._task, completed=min(done, self.total))

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    def __enter__(self) -> Meter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def console() -> Any:
    """The console the bar is drawn on (stderr; a test may replace it)."""
    from rich.console import Console

    return Console(stderr=True)


def _bar(label: str, total: int, unit: str) -> tuple[Progress, TaskID]:
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    amount = DownloadColumn() if unit == "bytes" else MofNCompleteColumn()
    bar = Progress(
        TextColumn("reading {task.description}"),
        BarColumn(),
        amount,
        TimeRemainingColumn(),
        console=console(),
        transient=True,
    )
    bar.start()
    return bar, bar.add_task(label, total=total)
