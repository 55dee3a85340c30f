"""FittedTable: whatever its columns and the width from 60 columns, no line is longer
than the width and no value or heading word is cut, folded or dropped."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from gapscan.render.fitted import Column, FittedTable
from gapscan.text import terminal

WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz?()/%", min_size=1, max_size=12)
VALUES = st.from_regex(r"[+\-<]?[0-9]{1,3}(\.[0-9]{1,3})?[%*]?", fullmatch=True)


@st.composite
def tables(draw: st.DrawFn) -> tuple[FittedTable, list[list[str]], list[str]]:
    headers = draw(st.lists(st.lists(WORDS, min_size=1, max_size=4), min_size=2, max_size=12))
    columns = [Column(" ".join(headers[0]))]
    columns += [Column(" ".join(h), moves=draw(st.integers(0, 3))) for h in headers[1:]]
    rows = []
    for _ in range(draw(st.integers(1, 4))):
        label = " ".join(draw(st.lists(WORDS, min_size=1, max_size=12)))
        rows.append([label, *(draw(VALUES) for _ in columns[1:])])
    table = FittedTable(terminal(" ".join(draw(st.lists(WORDS, max_size=5)))), columns)
    for row in rows:
        table.add_row(*row)
    return table, rows, [c.header for c in columns]


def rendered(table: FittedTable, width: int) -> list[str]:
    buffer = io.StringIO()
    Console(file=buffer, width=width, color_system=None).print(table)
    return [line.rstrip() for line in buffer.getvalue().splitlines()]


@settings(max_examples=150, deadline=None)
@given(tables(), st.integers(60, 200))
def test_no_line_is_too_long_and_no_value_is_cut(
    made: tuple[FittedTable, list[list[str]], list[str]], width: int
) -> None:
    table, rows, headers = made
    lines = rendered(table, width)
    assert all(len(line) <= width for line in lines), "\n".join(lines)
    words = [word for line in lines for word in line.split()]
    for row in rows:
        for value in row[1:]:
            assert value in words, (value, "\n".join(lines))
    assert "…" not in "\n".join(lines)
    for header in headers:  # a heading may wrap, never inside a word
        assert all(word in words for word in header.split()), (header, "\n".join(lines))


def test_a_narrow_width_moves_the_secondary_columns_under_the_label() -> None:
    columns = [Column("Question"), Column("Gap (points)"), Column("95% interval", moves=1)]
    table = FittedTable(terminal("All"), columns)
    table.add_row("The vendor is customer-centric", "+44.0", "+36.6, +51.1")
    wide = rendered(table, 100)
    assert any("+44.0" in line and "+36.6, +51.1" in line for line in wide)
    assert any("95% interval" in line and "Gap (points)" in line for line in wide)
    # a fourth column too wide for 60: the columns of step 1 move, labelled
    table = FittedTable(terminal("All"), [*columns, Column("x" * 30, moves=1)])
    table.add_row("The vendor is customer-centric", "+44.0", "+36.6, +51.1", "1")
    narrow = rendered(table, 60)
    assert not any("x" * 30 in line and "Gap" in line for line in narrow)
    assert "95% interval +36.6, +51.1" in narrow
