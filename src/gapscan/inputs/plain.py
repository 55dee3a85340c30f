"""A plain table: one header row of column names, no survey tool's own columns. Any
table is one, so it is tried last."""

from __future__ import annotations

from gapscan.inputs.layout import Layout, Rows, Tool, make_layout

LABEL = "plain table"


def _layout(rows: Rows) -> Layout:
    names = [text.strip() for text in rows[0]]
    return make_layout("plain", LABEL, 1, names, [""] * len(names), [])


PLAIN = Tool("plain", _layout, _layout)
