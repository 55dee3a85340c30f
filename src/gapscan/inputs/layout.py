"""The header layout of an export: which survey tool wrote it, how many header rows
come before the first response, and what each column is called.

Each survey tool has its own module beside this one (:mod:`~gapscan.inputs.qualtrics`,
:mod:`~gapscan.inputs.surveymonkey`, ...) that recognises its layout from the first
records of a file (as parsed by the :mod:`csv` module) and describes it as a
:class:`Tool`; :mod:`~gapscan.inputs.tools` lists them in the order they are tried.
This module holds what they share. It is pure: it reads no file and uses the standard
library only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

Rows = Sequence[Sequence[str]]  # the first records of a file: header rows, a few answers

TIMESTAMP = re.compile(r"\d{1,4}[/.\-]\d{1,2}[/.\-]\d{1,4},?[ T]+\d{1,2}:\d{2}(?::\d{2})?\b.*")
_UNNAMED = re.compile(r"Unnamed: \d+(?:_level_\d+)?")


@dataclass(frozen=True)
class Layout:
    """How an export is laid out: its tool, its header rows and its columns."""

    tool: str
    header_rows: int
    columns: tuple[str, ...]
    texts: tuple[str, ...]
    import_ids: tuple[str | None, ...]
    metadata: frozenset[str]
    status_column: str | None = None
    finished_column: str | None = None
    label: str = ""  # what wrote it, e.g. "Qualtrics export" (default: "TOOL export")

    def find(self, name: str) -> int | None:
        """The position of the column addressed by ``name``: its column name, else its
        Qualtrics import id (exact), else its question text (compared with white space
        trimmed and collapsed). None when nothing matches or the match is ambiguous."""
        if name in self.columns:
            return self.columns.index(name)
        key = name.strip()
        if not key:
            return None
        if key in self.columns:
            return self.columns.index(key)
        by_id = [i for i, import_id in enumerate(self.import_ids) if import_id == key]
        if by_id:
            return by_id[0] if len(by_id) == 1 else None
        wanted = collapse(key)
        by_text = [i for i, text in enumerate(self.texts) if text and collapse(text) == wanted]
        return by_text[0] if len(by_text) == 1 else None

    def describe(self) -> str:
        """A short description, e.g. ``Qualtrics export (3 header rows)``."""
        label = self.label or f"{self.tool} export"
        rows = "row" if self.header_rows == 1 else "rows"
        return f"{label} ({self.header_rows} header {rows})"


@dataclass(frozen=True)
class Tool:
    """A survey tool whose exports are recognised by their header rows."""

    name: str  # as --export-format takes it
    recognise: Callable[[Rows], Layout | None]  # the layout, or None: not this tool's
    force: Callable[[Rows], Layout]  # the user says it is this tool's: ValueError if not
    listed: bool = True  # among the names --export-format offers


def make_layout(
    tool: str,
    label: str,
    header_rows: int,
    names: Sequence[str],
    texts: Sequence[str],
    metadata: Iterable[int],
    import_ids: Sequence[str | None] | None = None,
    *,
    status: Sequence[str] = (),
    finished: Sequence[str] = (),
) -> Layout:
    """A layout whose columns are ``names`` made unique (see :func:`unique`), the
    columns at the positions ``metadata`` being the tool's own. ``status`` and
    ``finished`` name the metadata columns, in order of preference, that say what kind
    of response a row is and whether it was finished."""
    columns = unique(names)
    meta = frozenset(columns[i] for i in metadata)
    base = [name.strip() for name in names]
    return Layout(
        tool=tool,
        header_rows=header_rows,
        columns=columns,
        texts=tuple(texts),
        import_ids=tuple(import_ids) if import_ids is not None else (None,) * len(columns),
        metadata=meta,
        status_column=_meta_column(columns, base, meta, status),
        finished_column=_meta_column(columns, base, meta, finished),
        label=label,
    )


def collapse(text: str) -> str:
    return " ".join(text.split())


def cell(row: Sequence[str], index: int) -> str:
    return row[index] if index < len(row) else ""


def heading(text: str) -> str:
    """A header cell, trimmed; pandas' ``Unnamed: N`` placeholders count as blank."""
    text = text.strip()
    return "" if _UNNAMED.fullmatch(text) else text


def unique(names: Sequence[str]) -> tuple[str, ...]:
    """Blank names become ``column N`` (1-based); repeats get `` (2)``, `` (3)``..."""
    base = [name.strip() or f"column {i + 1}" for i, name in enumerate(names)]
    reserved = set(base)
    used: set[str] = set()
    result: list[str] = []
    for name in base:
        if name in used:
            number = 2
            while f"{name} ({number})" in used or f"{name} ({number})" in reserved:
                number += 1
            name = f"{name} ({number})"
        used.add(name)
        result.append(name)
    return tuple(result)


def _meta_column(
    columns: Sequence[str], base: Sequence[str], meta: frozenset[str], wanted: Sequence[str]
) -> str | None:
    for name in wanted:
        for i, original in enumerate(base):
            if original == name and columns[i] in meta:
                return columns[i]
    return None
