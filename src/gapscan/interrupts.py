"""Ctrl-C that lands where Python cannot raise it.

Python turns SIGINT into ``KeyboardInterrupt`` wherever the main thread happens to be;
when that is inside a callback whose exceptions are only reported (a weak reference's
callback in the import machinery, a ``__del__``), the exception is printed as
"Exception ignored in ..." and the run goes on as if nothing happened. :func:`install`
records such an interrupt instead of printing it, and :func:`check` raises it again
at the places where stopping is safe: once the command line is imported, and before
any output is moved into place; the run then ends as an interrupted one (exit 130).
"""

from __future__ import annotations

import sys
from typing import Any

_swallowed = False


def install() -> None:
    """Record a Ctrl-C that could not be raised (other unraisable errors are reported
    as Python reports them)."""
    sys.unraisablehook = _hook


def _hook(unraisable: Any) -> None:
    global _swallowed
    kind = unraisable.exc_type
    if kind is not None and issubclass(kind, KeyboardInterrupt):
        _swallowed = True
        return
    sys.__unraisablehook__(unraisable)


def pending() -> bool:
    """Whether a Ctrl-C was recorded."""
    return _swallowed


def check() -> None:
    """Raise the recorded Ctrl-C, if there was one."""
    if _swallowed:
        raise KeyboardInterrupt
