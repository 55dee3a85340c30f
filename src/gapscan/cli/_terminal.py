"""The terminal a table is printed on: its width and whether it gets colour.

Width: ``--width`` when given, else ``COLUMNS`` (a positive whole number), else the
real size of the terminal standard output is, else 100 (a pipe or a file); never
below 60, the narrowest the tables fit (see :mod:`gapscan.render.fitted`).

Colour: none with ``--no-color`` or ``NO_COLOR`` (any non-empty value, see
no-color.org), else always with ``FORCE_COLOR`` (any non-empty value, even when
piped), else only on a terminal. Without colour the output is plain text, no
escape code at all. No line ends in spaces, coloured or not.
"""

from __future__ import annotations

import io
import os
import re
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

NARROWEST = 60
DEFAULT_WIDTH = 100  # when neither COLUMNS nor a terminal tells

_no_color = False
_TRAILING = re.compile(r" +((?:\x1b\[[0-9;]*m)*)$")


def set_no_color(no_color: bool) -> None:
    """``--no-color`` as the command was given it."""
    global _no_color
    _no_color = no_color


def colour_wanted(stream: object) -> bool:
    if _no_color or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty()) if isatty is not None else False
    except (OSError, ValueError):
        return False


def width(requested: int | None, stream: object, narrowest: int = NARROWEST) -> int:
    """The width to print at: ``requested`` (``--width``), else ``COLUMNS``, else the
    terminal's, else :data:`DEFAULT_WIDTH`; at least ``narrowest`` (the tables'
    :data:`NARROWEST` unless told: text that wraps, such as help, fits any width)."""
    if requested is not None:
        return max(narrowest, requested)
    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdigit() and int(columns) > 0:
        return max(narrowest, int(columns))
    try:
        size = os.get_terminal_size(stream.fileno()).columns  # type: ignore[attr-defined]
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        size = 0
    return max(narrowest, size) if size > 0 else DEFAULT_WIDTH


def render(renderable: RenderableType, at: int, *, colour: bool) -> str:
    """``renderable`` as text ``at`` columns wide, coloured or plain, with no line
    ending in spaces."""
    buffer = io.StringIO()
    system = "auto" if colour else None
    console = _console(buffer, at, colour, system)
    if colour and console.color_system is None:  # TERM=dumb, yet colour was forced
        console = _console(buffer, at, colour, "standard")
    console.print(renderable)
    return "".join(_strip(line) + "\n" for line in buffer.getvalue().splitlines())


def _console(buffer: io.StringIO, at: int, colour: bool, system: str | None) -> Console:
    from rich.console import Console

    return Console(
        file=buffer,
        width=at,
        force_terminal=colour,
        color_system=system,  # type: ignore[arg-type]
        highlight=False,
        emoji=False,
        legacy_windows=False,
    )


def _strip(line: str) -> str:
    """``line`` without the spaces at its end, escape codes among them kept."""
    while True:
        shorter = _TRAILING.sub(r"\1", line)
        if shorter == line:
            return line
        line = shorter


def print_table(renderable: RenderableType, requested: int | None) -> None:
    """Print to standard output at the width and in the colours of the rules above."""
    from gapscan.cli._output import write_stdout

    stream = sys.stdout
    write_stdout(render(renderable, width(requested, stream), colour=colour_wanted(stream)))
