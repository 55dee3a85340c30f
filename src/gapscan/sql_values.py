"""The value expressions of the count query (``gapscan.sql``): cells of the user's
table read as text, trimmed and folded as gapscan folds them, matched against the
schema's values; each a sqlglot expression, written in a dialect only at the end."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from gapscan.survey import Filter, Survey, fold

if TYPE_CHECKING:
    from sqlglot import exp

# What TRIM removes: the spaces, tabs and no-break spaces a spreadsheet or survey tool
# leaves around a cell (Python's str.strip, applied again on reading, removes more; line
# breaks are left to it so that the printed query keeps its lines).
WHITESPACE = " \t\xa0"


def ref(name: str) -> exp.Column:
    """A column of the query's own steps (``gapscan_...``), by name."""
    from sqlglot import exp

    return exp.column(name, quoted=True)


def source(name: str) -> exp.Column:
    """A column of the user's table, by its exact name."""
    from sqlglot import exp

    return exp.column(name, quoted=True)


def text(name: str) -> exp.Expr:
    """A cell of the user's table as text, as written."""
    from sqlglot import exp

    return exp.cast(source(name), exp.DataType.build("text"))


def fold_text(value: exp.Expr) -> exp.Expr:
    """A text value trimmed and lower-cased; NULL when blank."""
    from sqlglot import exp

    trimmed = exp.Trim(this=value, expression=exp.Literal.string(WHITESPACE))
    return exp.Nullif(this=exp.Lower(this=trimmed), expression=exp.Literal.string(""))


def trim(value: exp.Expr) -> exp.Expr:
    """A text value trimmed; NULL when blank."""
    from sqlglot import exp

    trimmed = exp.Trim(this=value, expression=exp.Literal.string(WHITESPACE))
    return exp.Nullif(this=trimmed, expression=exp.Literal.string(""))


def folded(name: str) -> exp.Expr:
    """A cell of the user's table as text, trimmed and lower-cased; NULL when blank."""
    return fold_text(text(name))


def literal_values(values: Sequence[str]) -> list[exp.Expr]:
    """Values as the SQL folds them (LOWER), with Python's case-folding beside when it
    differs (``Straße``: ``straße`` and ``strasse``)."""
    from sqlglot import exp

    folded = dict.fromkeys(v for value in values for v in (value.strip().lower(), fold(value)))
    return [exp.Literal.string(v) for v in folded]


def matches(column: str, values: Sequence[str]) -> exp.Expr:
    """The cell (a blank one reads as '') is one of ``values``."""
    from sqlglot import exp

    cell = exp.Coalesce(this=folded(column), expressions=[exp.Literal.string("")])
    return exp.In(this=cell, expressions=literal_values(values))


def filter_condition(f: Filter) -> exp.Expr:
    from sqlglot import exp

    hit = matches(f.column, f.values)
    return hit if f.keep else exp.Not(this=exp.Paren(this=hit))


def by_side(vendor_column: str, customer_column: str, survey: Survey) -> exp.Expr:
    """The cell of ``vendor_column`` on a vendor row, of ``customer_column`` on a
    customer row (as written); one column for both sides, that column."""
    from sqlglot import exp

    if vendor_column == customer_column:
        return text(vendor_column)
    assert survey.sides.column is not None
    side = folded(survey.sides.column)
    vendor = literal_values(survey.sides.vendor)
    customer = literal_values(survey.sides.customer)
    return (
        exp.Case()
        .when(exp.In(this=side, expressions=vendor), text(vendor_column))
        .when(exp.In(this=side.copy(), expressions=customer), text(customer_column))
    )
