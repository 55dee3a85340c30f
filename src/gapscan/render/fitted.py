"""Terminal tables that fit the width they are given, down to 60 columns.

A :class:`FittedTable` knows its columns' importance. Rendered, it keeps every
column while the table fits, the first column's text (the question, the wave)
wrapping first; when it does not fit, the secondary columns move, one group after
another, to the lines under that text (``95% interval +36.6, +51.1``), each figure
with its heading as its label. No figure is ever cut or dropped: a
value column is never narrower than its widest value.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rich import box
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

NARROWEST = 60  # the tables fit this many columns, with their secondary figures moved
LABEL_WIDTH = 16  # the first column's narrowest (its words fold beyond that)
LABEL_COMFORT = 30  # the first column's width before the headings get one line each
SEPARATOR = "\n"  # each moved figure on a line of its own
EVERY = -1  # the layout step that moves every column but the first

Cell = str | Text


@dataclass(frozen=True)
class Column:
    """A column: its heading, and the step at which it moves to the second line
    (``0``: never; 1 first, then 2, ...)."""

    header: str
    moves: int = 0
    left: bool = False


@dataclass
class FittedTable:
    """A rich table of ``columns`` (the first holds each row's label) that chooses its
    layout from the width it is rendered at."""

    title: Text
    columns: Sequence[Column]
    rows: list[list[Cell]] = field(default_factory=list)

    def add_row(self, *cells: Cell) -> None:
        padded = [*cells, *([""] * (len(self.columns) - len(cells)))]
        self.rows.append(list(padded))

    def steps(self) -> list[int]:
        """The layouts to try, widest first; the last moves every column."""
        return [0, *sorted({c.moves for c in self.columns if c.moves}), EVERY]

    def table(self, step: int) -> Table:
        """The table with the columns of the steps up to ``step`` moved."""
        moved = [
            i for i, c in enumerate(self.columns) if i and (step == EVERY or 0 < c.moves <= step)
        ]
        kept = [i for i in range(len(self.columns)) if i not in moved]
        table = Table(
            title=self.title,
            title_justify="left",
            title_style="bold",
            box=box.SIMPLE_HEAD,
            pad_edge=False,
            show_edge=False,
            padding=(0, 1),
            collapse_padding=True,
            leading=1 if moved else 0,  # a blank line between rows of two parts
        )
        for i in kept:
            column = self.columns[i]
            header = Text(column.header)  # never read as markup
            if i == 0:
                table.add_column(header, min_width=LABEL_WIDTH, overflow="fold")
                continue
            widest = max((_width(row[i]) for row in self.rows), default=1)
            table.add_column(
                header,
                justify="left" if column.left else "right",
                min_width=max(widest, 1),
                overflow="fold",
            )
        for row in self.rows:
            label = _as_text(row[0])
            detail = _detail([(self.columns[i].header, row[i]) for i in moved])
            if detail.plain:
                label = Text.assemble(label, "\n", detail)
            table.add_row(label, *(row[i] for i in kept[1:]))
        return table

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.fitted(console, options.max_width)
        yield Segment.line()  # a blank line after the table

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self.fitted(console, options.max_width))

    def fitted(self, console: Console, width: int) -> Table:
        """The first layout whose columns all fit ``width`` (else the narrowest), with
        its columns' widths set."""
        table = self.table(0)
        for step in self.steps():
            table = self.table(step)
            if _set_widths(console, table, width):
                return table
        return table


def _set_widths(console: Console, table: Table, width: int) -> bool:
    """Give each column of ``table`` its width within ``width``: every column at least
    its narrowest (its longest word; a value column its widest value); then, while
    there is room, the first column (the question) :data:`LABEL_COMFORT`, the value
    columns enough for their heading on two lines, then on one, the question its
    whole text. False when
    even the narrowest widths do not fit."""
    options = console.options.update_width(width)
    room = width - table._extra_width
    room -= sum(table._get_padding_width(i) for i in range(len(table.columns)))
    lows, highs, twos = [], [], []
    for column in table.columns:
        cells = [column.header, *column.cells]
        sizes = [Measurement.get(console, options, cell) for cell in cells]
        low = max(max(m.minimum for m in sizes), column.min_width or 0)
        high = max(low, max(m.maximum for m in sizes))
        lows.append(low)
        highs.append(high)
        twos.append(_two_lines(console, column.header, low, high))
    if sum(lows) > room:
        return False
    widths = list(lows)
    comfort = [min(highs[0], max(lows[0], LABEL_COMFORT)), *highs[1:]]
    orders = ([0], range(1, len(widths)), range(1, len(widths)), [0])
    for order, target in zip(orders, (comfort, twos, highs, highs), strict=True):
        for i in order:
            spare = room - sum(widths)
            widths[i] = max(widths[i], min(target[i], widths[i] + spare))
    for column, w in zip(table.columns, widths, strict=True):
        column.width = w
    return True


def _two_lines(console: Console, header: object, low: int, high: int) -> int:
    """The narrowest width from ``low`` to ``high`` that wraps ``header`` in two lines."""
    text = header if isinstance(header, Text) else Text(str(header))
    for w in range(low, high + 1):
        if len(text.wrap(console, w)) <= 2:
            return w
    return high


def _detail(pairs: Iterable[tuple[str, Cell]]) -> Text:
    """``heading value`` of each moved column, a line each (empty values left out)."""
    text = Text(style="dim")
    for header, cell in pairs:
        value = _as_text(cell)
        if not value.plain.strip():
            continue
        if text.plain:
            text.append(SEPARATOR)
        flat = Text(" ").join(value.split("\n"))
        text.append_text(Text.assemble(f"{header} ", flat))
    return text


def _as_text(cell: Cell) -> Text:
    return cell if isinstance(cell, Text) else Text(cell)


def _width(cell: Cell) -> int:
    return max((Text(line).cell_len for line in _as_text(cell).plain.split("\n")), default=0)
