"""The side column of a drafted schema: proposed from a column with few values whose
values (or name) say vendor / customer, internal / external, account team; or named
by the user (``--side-column COL [--vendor-values A,B --customer-values C]``). Values
of neither side and blank side cells go to ``sides.ignore``, with a comment."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from gapscan.draft_columns import DraftColumn
from gapscan.errors import GapscanError, ProblemCollector
from gapscan.survey import closest_difference, fold
from gapscan.text import yaml_comment, yaml_quoted

SIDE_WORDS = (
    frozenset({
        "vendor", "supplier", "provider", "account team", "seller", "internal", "employee",
        "staff", "sales", "anbieter", "lieferant", "intern", "interne", "fournisseur",
        "prestataire", "proveedor", "interno", "fornecedor", "fornitore", "leverancier",
    }),
    frozenset({
        "customer", "client", "buyer", "user", "external", "account", "kunde", "extern",
        "externe", "cliente", "externo", "esterno", "klant",
    }),
)  # fmt: skip
ROLE_NAMES = re.compile(
    r"(?:^|[\W_])(side|role|respondent[\W_]*type|perspective|internal[\W_]*external|persona|"
    r"vendor|customer|seite|rolle|r[ôo]le|rol|lado|ruolo)(?:$|[\W_])",
    re.IGNORECASE,
)
MAX_SIDE_VALUES = 8
MAX_SUGGESTIONS = 3


@dataclass
class SideDraft:
    """The drafted ``sides:``: its column, each side's values, the values of neither
    side (``""`` for blank cells), and whether the assignment is a guess."""

    column: str
    vendor: list[str]
    customer: list[str]
    ignore: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # ignored value -> rows
    guessed: bool = False


def side_of(value: str) -> int | None:
    """0 for a value naming the vendor side, 1 for the customer side, else None."""
    words = fold(value)
    hits = [any(re.search(rf"\b{re.escape(w)}\b", words) for w in names) for names in SIDE_WORDS]
    if hits[0]:
        return 0  # "account team" names the vendor side even though it says account
    return 1 if hits[1] else None


def propose_side(columns: dict[str, DraftColumn]) -> SideDraft | None:
    """The column whose values name both sides (the one covering most rows), else a
    two-valued column named like a side (``role``, ``respondent_type``), sides guessed."""
    best: SideDraft | None = None
    for column in columns.values():
        if column.metadata or not 2 <= len(column.values) <= MAX_SIDE_VALUES:
            continue
        vendor = sorted(v for v in column.values if side_of(v) == 0)
        customer = sorted(v for v in column.values if side_of(v) == 1)
        if vendor and customer:
            draft = _with_ignored(column, vendor, customer)
            if best is None or _covered(column, draft) > _covered(columns[best.column], best):
                best = draft
    if best is not None:
        return best
    named = [c for c in columns.values() if len(c.values) == 2 and ROLE_NAMES.search(c.name)]
    if named:
        low, high = sorted(named[0].values)
        return _with_ignored(named[0], [low], [high], guessed=True)
    return None


def suggestions(columns: dict[str, DraftColumn]) -> list[DraftColumn]:
    """Two-valued columns that could tell the sides apart, for a comment."""
    found = [c for c in columns.values() if not c.metadata and len(c.values) == 2]
    return found[:MAX_SUGGESTIONS]


def side_from_options(
    column: DraftColumn, vendor_values: Sequence[str], customer_values: Sequence[str]
) -> SideDraft:
    """The sides a user named: ``--side-column`` with the values of each side; a side
    whose values are not given gets every other value (both not given: guessed from
    the values' words, else the two most common values)."""
    problems = ProblemCollector()
    for value in (*vendor_values, *customer_values):
        if fold(value) not in {fold(v) for v in column.values}:
            problems.add(_unknown_value(column, value))
    for value in sorted({fold(v) for v in vendor_values} & {fold(c) for c in customer_values}):
        problems.add(f"'{value}' is given for both sides", hint="give each value for one side")
    problems.raise_if_any()
    given = {fold(v) for v in (*vendor_values, *customer_values)}
    rest = sorted(v for v in column.values if fold(v) not in given)
    if vendor_values or customer_values:
        vendor = list(vendor_values) or rest
        customer = list(customer_values) or rest
        return _with_ignored(column, vendor, customer)
    words = {v: side_of(v) for v in column.values}
    vendor = sorted(v for v, side in words.items() if side == 0)
    customer = sorted(v for v, side in words.items() if side == 1)
    if vendor and customer:
        return _with_ignored(column, vendor, customer)
    common = [v for v, _ in column.values.most_common(2)]
    if len(common) < 2:
        raise GapscanError.single(
            f"column '{column.name}' has fewer than two values: it cannot tell two sides apart",
            hint="choose another --side-column (gapscan columns FILE lists them)",
        )
    low, high = sorted(common)
    return _with_ignored(column, [low], [high], guessed=True)


def _unknown_value(column: DraftColumn, value: str) -> str:
    shown = ", ".join(f"'{v}'" for v in sorted(column.values)[:MAX_SIDE_VALUES])
    near = closest_difference(value, list(column.values))
    return f"no value '{value}' in column '{column.name}'{near} (its values: {shown})"


def _with_ignored(
    column: DraftColumn, vendor: list[str], customer: list[str], *, guessed: bool = False
) -> SideDraft:
    sides = {fold(v) for v in (*vendor, *customer)}
    ignore = sorted(v for v in column.values if fold(v) not in sides)
    counts = {v: column.values[v] for v in ignore}
    if column.blank:
        ignore.append("")
        counts[""] = column.blank
    return SideDraft(column.name, vendor, customer, ignore, counts, guessed)


def _covered(column: DraftColumn, draft: SideDraft) -> int:
    return sum(column.values[v] for v in (*draft.vendor, *draft.customer))


def side_lines(side: SideDraft) -> list[str]:
    """The ``sides:`` block of the YAML."""
    lines = [
        "sides:  # how a respondent's side is recognised",
        f"  column: {yaml_quoted(side.column)}",
        "  vendor: [" + ", ".join(yaml_quoted(v) for v in side.vendor) + "]",
        "  customer: [" + ", ".join(yaml_quoted(c) for c in side.customer) + "]",
    ]
    if side.guessed:
        lines[1] += "  # CHECK THE SIDES: no value named a side; vendor and customer"
        lines.insert(2, "  # may be the other way round")
    if side.ignore:
        counted = ", ".join(
            f"{yaml_comment(v) if v else 'blank'} x{side.counts.get(v, 0)}" for v in side.ignore
        )
        lines.append("  ignore: [" + ", ".join(yaml_quoted(v) for v in side.ignore) + "]")
        lines.append(f"  # rows of neither side, left out and counted: {counted}")
    return lines


def suggestion_lines(columns: Sequence[DraftColumn]) -> list[str]:
    """A comment naming columns that could be the side column."""
    if not columns:
        return []
    named = ", ".join(
        f"{yaml_comment(c.name)} ({', '.join(yaml_comment(v) for v in sorted(c.values))})"
        for c in columns
    )
    return [
        f"# columns with two values that could tell the sides apart: {named};",
        "# choose one with gapscan init --side-column COLUMN [--vendor-values A,B]",
    ]
