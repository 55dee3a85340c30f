"""Which rows are analysed: ``filters:`` (and ``--where``/``--where-not``) keep or drop
rows by a column's values, and ``sides.ignore`` drops rows whose side is neither side.

Both work on a column's distinct values (trimmed and case-folded, like answers), so
their cost does not grow with the length of the text. Filters are applied first, in
order, each one to the rows the previous ones kept; a row a filter removes is not a
response at all: it is not checked for a repeated respondent id, an unknown answer or
an unknown side.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from gapscan.errors import GapscanError, Problem
from gapscan.survey import Filter, fold

IGNORED_SIDE = "ignored side"  # its key in InputSummary.excluded

# A text column as its distinct values and each row's index into them; a null cell
# has the index len(values) (as in gapscan.responses).
Column = tuple[list[str], np.ndarray]


@dataclass(frozen=True)
class Filtered:
    """What the filters did to one file."""

    drop: np.ndarray  # rows removed by some filter
    removed: tuple[int, ...]  # rows each filter removed (of those the earlier ones kept)
    matched: tuple[frozenset[str], ...]  # per filter, its folded values found in the file


@dataclass(frozen=True)
class AppliedFilter:
    """A filter as the report lists it: what it keeps or drops, and the rows it
    removed across the run's files."""

    column: str
    keep: bool
    values: tuple[str, ...]
    origin: str
    removed: int

    def describe(self) -> str:
        """``condition: kept control, impressive (228 rows removed)``"""
        verb = "kept" if self.keep else "dropped"
        rows = "row" if self.removed == 1 else "rows"
        return f"{self.column}: {verb} {', '.join(self.values)} ({self.removed:,} {rows} removed)"

    def to_dict(self) -> dict[str, Any]:
        return {
            "column": self.column,
            "keep" if self.keep else "drop": list(self.values),
            "origin": self.origin,
            "removed": self.removed,
        }


def applied_filters(filters: Sequence[Filter], removed: Sequence[int]) -> tuple[AppliedFilter, ...]:
    """The filters with the rows each removed (``removed``: as counted by
    ``load_responses``; responses built another way count none)."""
    counts = [*removed, *[0] * (len(filters) - len(removed))]
    return tuple(
        AppliedFilter(f.column, f.keep, f.values, f.origin, n)
        for f, n in zip(filters, counts, strict=True)
    )


def _matches(column: Column, values: Iterable[str]) -> tuple[np.ndarray, frozenset[str]]:
    """Rows whose (folded) value is one of ``values``; a null cell reads as blank."""
    wanted = {fold(v) for v in values}
    distinct, indices = column
    folded = [fold(v) for v in distinct] + [""]
    used = np.bincount(indices, minlength=len(folded)) > 0
    table = np.array([key in wanted for key in folded], dtype=bool)
    found = frozenset(key for key, u in zip(folded, used, strict=True) if u and key in wanted)
    return table[indices], found


def apply_filters(filters: Sequence[Filter], columns: Mapping[str, Column], n: int) -> Filtered:
    """Apply ``filters`` in order to a file's ``n`` rows (its columns by name)."""
    drop = np.zeros(n, dtype=bool)
    removed: list[int] = []
    matched: list[frozenset[str]] = []
    for f in filters:
        hits, found = _matches(columns[f.column], f.values)
        out = ~hits if f.keep else hits
        removed.append(int(np.count_nonzero(out & ~drop)))
        drop |= out
        matched.append(found)
    return Filtered(drop, tuple(removed), tuple(matched))


def ignored_rows(ignore: Sequence[str], column: Column) -> np.ndarray:
    """Rows whose side value is listed under ``sides.ignore``."""
    return _matches(column, ignore)[0]


def unmatched_warnings(
    filters: Sequence[Filter], matched: Sequence[Sequence[frozenset[str]]], schema: str
) -> list[Problem]:
    """A warning for each filter value no row of any file holds: a misspelt value
    would otherwise keep nothing, or drop nothing, without a word."""
    warnings = []
    for i, f in enumerate(filters):
        found = frozenset().union(*(m[i] for m in matched)) if matched else frozenset()
        missing = [v for v in f.values if fold(v) not in found]
        if not missing:
            continue
        shown = ", ".join(f"'{v}'" for v in missing)
        what = "keep" if f.keep else "drop"
        given = "filter" if f.origin == "schema" else ("--where" if f.keep else "--where-not")
        warnings.append(
            Problem(
                f"{given} on '{f.column}' ({what} {', '.join(f.values)}): no row holds {shown}",
                file=schema if f.origin == "schema" else None,
                line=f.line if f.origin == "schema" else None,
                hint="check the spelling against the column's values: a misspelt value "
                + ("keeps" if f.keep else "drops")
                + " nothing",
                code="filter-matches-nothing",
            )
        )
    return warnings


def parse_where(text: str, *, keep: bool) -> Filter:
    """``COL=V1,V2`` from ``--where`` (keep) or ``--where-not`` (drop). Values are
    separated by commas; a value holding a comma is quoted as in CSV:
    ``--where 'region="North, East",West'``."""
    option = "--where" if keep else "--where-not"
    column, sep, rest = text.partition("=")
    column = column.strip()
    if not sep or not column:
        raise GapscanError.single(
            f"{option} {text!r}: expected COLUMN=VALUE[,VALUE...]",
            hint=f"e.g. {option} condition=control,impressive; quote a value holding a comma: "
            f"{option} 'region=\"North, East\",West'",
        )
    try:
        rows = list(csv.reader([rest], skipinitialspace=True, strict=True))
    except csv.Error as exc:
        raise GapscanError.single(
            f"{option} {text!r}: {exc}",
            hint='close the quotes of a value holding a comma: "North, East"',
        ) from None
    values = tuple(v.strip() for v in (rows[0] if rows else []))
    if not values or any(not v for v in values):
        raise GapscanError.single(
            f"{option} {text!r}: a value is empty",
            hint=f"give the values after '=', separated by commas: {option} {column}=A,B",
        )
    return Filter(column, keep, values, origin="command line")


def command_line_filters(
    where: Sequence[str] | None, where_not: Sequence[str] | None
) -> tuple[Filter, ...]:
    """The ``--where`` filters, then the ``--where-not`` ones, in the order given."""
    keeps = [parse_where(w, keep=True) for w in where or ()]
    drops = [parse_where(w, keep=False) for w in where_not or ()]
    return (*keeps, *drops)
