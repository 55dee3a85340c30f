"""``gapscan init``: draft a survey schema from an export's columns and answers.

Each column's distinct answers are compared with known ordered scales
(:mod:`gapscan.draft_scales`). Columns that share a scale share its definition; free
text and the survey tool's own columns are left out and listed as comments, so the
draft analyses without edits and says what it skipped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from gapscan.draft_columns import DraftColumn, read_columns, resolve
from gapscan.draft_labelled import labelled_scale
from gapscan.draft_scales import (
    MAX_LEVELS,
    DraftScale,
    guess_scale,
    is_missing,
    match_scale,
    merge_families,
    scale_key,
    slug,
)
from gapscan.draft_sides import (
    SideDraft,
    propose_side,
    side_from_options,
    side_lines,
    suggestion_lines,
    suggestions,
)
from gapscan.draft_yaml import NumericDraft, no_side_lines, schema_yaml, unique_id
from gapscan.errors import GapscanError
from gapscan.inputs.source import open_source
from gapscan.numeric_answers import parse_number

PAIR_KEY_NAMES = re.compile(
    r"^(account|account[ _]?id|acct|company|customer[ _]?id|client[ _]?id|org[ _]?id)$", re.I
)
MAX_SEGMENT_VALUES = 12


@dataclass(frozen=True)
class SideChoice:
    """The side column as the user named it: ``--side-column`` and its values."""

    column: str
    vendor_values: tuple[str, ...] = ()
    customer_values: tuple[str, ...] = ()


def draft_schema(
    data: Sequence[Path] = (),
    *,
    vendor: Sequence[Path] = (),
    customer: Sequence[Path] = (),
    title: str | None = None,
    schema_dir: Path | None = None,
    export_format: str | None = None,
    sheet: str | None = None,
    choice: SideChoice | None = None,
) -> str:
    """The YAML text of a draft schema for these exports."""
    files = [*data, *vendor, *customer]
    if not files:
        raise GapscanError.single("no data given", hint="gapscan init DATA --out survey.yaml")
    columns = read_columns(files, export_format, sheet)
    side = None if vendor else _side(columns, files, choice, export_format, sheet)
    meta = [(c.name, "survey tool metadata") for c in columns.values() if c.metadata]
    drafts = _Drafts(skipped=meta)
    for position, column in enumerate(columns.values()):
        if not column.metadata and (side is None or column.name != side.column):
            drafts.add(position, column)
    scales, segments, numeric = merge_families(drafts.scales), drafts.segments, drafts.numeric
    pair = next((c for c in columns if PAIR_KEY_NAMES.match(c.strip())), None)
    if not scales and not numeric:
        raise GapscanError.single(
            "no column looks like a rating scale (agree/disagree, frequency, 0-10, ...)",
            file=str(files[0]),
            hint="write the scales by hand; see the README's schema reference",
        )
    return schema_yaml(
        title or (Path(files[0]).stem if str(files[0]) != "-" else "Survey"),
        files,
        bool(vendor),
        _side_block(side, columns, bool(vendor)),
        pair,
        segments,
        scales,
        drafts.skipped,
        schema_dir,
        numeric,
    )


@dataclass
class _Drafts:
    """What the columns are drafted as, column by column."""

    skipped: list[tuple[str, str]]
    scales: dict[str, DraftScale] = field(default_factory=dict)
    segments: list[str] = field(default_factory=list)
    numeric: list[NumericDraft] = field(default_factory=list)
    used_ids: set[str] = field(default_factory=set)

    def add(self, position: int, column: DraftColumn) -> None:
        if _is_identifier(column):
            self.skipped.append((column.name, "an identifier (a distinct value in every row)"))
            return
        variable = column.variable
        if variable is not None and variable.labelled:
            scale = labelled_scale(variable)
            number_range = None
        elif variable is not None and variable.numeric:
            scale, number_range = None, _numeric_column(column) or ()
        else:
            scale = match_scale(column.values)
            number_range = None if scale is not None else _numeric_column(column)
        qid = unique_id(slug(column.name), self.used_ids)
        text = " ".join((column.text or column.name).split())
        if number_range is not None:
            missing = tuple(sorted(v for v in column.values if is_missing(v)))
            missing = variable.missing if variable is not None else missing
            self.numeric.append((position, qid, text, column.name, number_range, missing))
            return
        if variable is None or not variable.labelled:
            scale = scale or guess_scale(column.values)
        if scale is not None:
            draft = self.scales.setdefault(scale_key(scale), scale)
            draft.missing += [m for m in scale.missing if m not in draft.missing]
            draft.questions.append((position, qid, text, column.name))
            return
        self.used_ids.discard(qid)
        distinct = len(column.values)
        if 2 <= distinct <= MAX_SEGMENT_VALUES and sum(column.values.values()) >= 4 * distinct:
            self.segments.append(column.name)
        else:
            why = f"free text or identifier ({distinct} distinct values)"
            self.skipped.append((column.name, why))


# ------------------------------------------------------------------------ scales

_ID_NAME = re.compile(r"(?:^|[_\W])(?:id|no|num|number|key)$|^id(?:[_\W]|$)", re.IGNORECASE)


def _is_identifier(column: DraftColumn) -> bool:
    """Named like an identifier, with a distinct value in every row (more than two)."""
    distinct = len(column.values)
    return (
        _ID_NAME.search(column.name) is not None
        and distinct > 2
        and all(count == 1 for count in column.values.values())
    )


def _numeric_column(column: DraftColumn) -> tuple[float, ...] | None:
    """A slider or 0–100 rating: every answer a number, and many distinct values or a
    0–100 range. Returns the range to draft ((0, 100) for a 0–100 column, () when there
    is no evident range), or None when it is not a numeric question (text, a short
    scale, or an identifier: distinct integers beyond 0–100)."""
    numbers = [parse_number(v) for v in column.values if not is_missing(v)]
    if len(numbers) < 2 or any(n is None for n in numbers):
        return None
    values = [n for n in numbers if n is not None]
    low, high = min(values), max(values)
    percent = low >= 0 and high <= 100
    all_distinct = all(count == 1 for count in column.values.values())
    # Distinct integers are an identifier: beyond 0-100, or named like one, or too many
    # to be a slider's answers (20 people all choosing different whole numbers of 101)
    named = _ID_NAME.search(column.name) is not None
    whole = all(v.is_integer() for v in values)
    if all_distinct and whole and (not percent or named or len(values) >= 20):
        return None
    if not (len(values) > MAX_LEVELS or (percent and high > MAX_LEVELS)):
        return None
    return (0.0, 100.0) if percent else ()


# ------------------------------------------------------------------------ sides


def _side(
    columns: dict[str, DraftColumn],
    files: Sequence[Path],
    choice: SideChoice | None,
    export_format: str | None,
    sheet: str | None,
) -> SideDraft | None:
    if choice is None:
        return propose_side(columns)
    names = {
        resolve(open_source(path, export_format=export_format, sheet=sheet), choice.column)
        for path in files
    }
    if len(names) > 1:
        raise GapscanError.single(
            f"--side-column '{choice.column}' names different columns in the files: "
            + ", ".join(sorted(names)),
            hint="name the column by the name gapscan columns prints for each file",
        )
    column = columns[names.pop()]
    return side_from_options(column, choice.vendor_values, choice.customer_values)


def _side_block(side: SideDraft | None, columns: dict[str, DraftColumn], two: bool) -> list[str]:
    if side is not None:
        return side_lines(side)
    return [] if two else no_side_lines() + suggestion_lines(suggestions(columns))
