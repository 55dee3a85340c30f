"""Exports with a second header row naming the parts of a question that spans several
columns (SurveyMonkey's, LimeSurvey's with answer options): the question text on the
first column of its block, then ``Response`` or the option label under each column."""

from __future__ import annotations

import re
from collections.abc import Sequence

from gapscan.inputs.layout import TIMESTAMP, Layout, Rows, cell, heading, make_layout

GENERIC_LABELS = frozenset({"Response", "Open-Ended Response"})
_NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d+)?%?")


def blocks(first: Sequence[str]) -> list[list[int]]:
    """Columns grouped by question: a named header cell and the blank ones after it."""
    found: list[list[int]] = []
    for i, text in enumerate(first):
        if heading(text):
            found.append([i])
        elif found:
            found[-1].append(i)
    return found


def has_option_row(rows: Rows) -> bool:
    """A second header row of option labels under questions that span several columns:
    every column of such a block has a label, the labels differ, and none is a number."""
    if len(rows) < 2:
        return False
    first, second = rows[0], rows[1]
    spanning = [block for block in blocks(first) if len(block) > 1]
    if not spanning:
        return False
    for block in spanning:
        labels = [cell(second, i).strip() for i in block]
        if not all(labels) or len(set(labels)) != len(labels):
            return False
        if any(_NUMBER.fullmatch(label) or TIMESTAMP.fullmatch(label) for label in labels):
            return False
    return True


def block_layout(rows: Rows, tool: str, label: str, meta: frozenset[str] = frozenset()) -> Layout:
    """Two header rows: question text (on the first column of its block), then
    ``Response`` or the option label. A block column is named ``Question [Option]``;
    columns so named that are in ``meta`` are the tool's own, as are those before the
    first question (an index column)."""
    first, second = rows[0], rows[1]
    width = len(first)
    names: list[str] = []
    metadata: list[int] = []
    question = ""
    for i in range(width):
        named = heading(first[i])
        if named:
            question = named
        option = cell(second, i).strip()
        if not question:  # before the first question: an index column
            names.append("")
            metadata.append(i)
            continue
        if not option or option in GENERIC_LABELS or option == question:
            name = question
        else:
            name = f"{question} [{option}]"
        if name in meta:
            metadata.append(i)
        names.append(name)
    return make_layout(tool, label, 2, names, names, metadata)
