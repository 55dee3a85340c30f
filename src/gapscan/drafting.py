"""``gapscan init``: draft a survey schema from an export's columns and answers.

Each column's distinct answers are compared with known ordered scales
(:mod:`gapscan.draft_scales`). Columns that share a scale share its definition; free
text and the survey tool's own columns are left out and listed as comments, so the
draft analyses without edits and says what it skipped.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

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
from gapscan.draft_yaml import NumericDraft, schema_yaml, unique_id
from gapscan.errors import GapscanError
from gapscan.numeric_answers import parse_number
from gapscan.readers import Source, open_source
from gapscan.survey import fold

SIDE_WORDS = (
    {"vendor", "supplier", "provider", "account team", "seller", "internal", "employee", "staff"},
    {"customer", "client", "buyer", "user", "external", "account"},
)
PAIR_KEY_NAMES = re.compile(
    r"^(account|account[ _]?id|acct|company|customer[ _]?id|client[ _]?id|org[ _]?id)$", re.I
)
MAX_SEGMENT_VALUES = 12


@dataclass
class _Column:
    name: str
    text: str
    values: Counter[str]


def draft_schema(
    data: Sequence[Path] = (),
    *,
    vendor: Sequence[Path] = (),
    customer: Sequence[Path] = (),
    title: str | None = None,
    schema_dir: Path | None = None,
    export_format: str | None = None,
    sheet: str | None = None,
) -> str:
    """The YAML text of a draft schema for these exports."""
    files = [*data, *vendor, *customer]
    if not files:
        raise GapscanError.single("no data given", hint="gapscan init DATA --out survey.yaml")
    columns, skipped = _read_columns(files, export_format, sheet)
    side = None if vendor else _side_column(columns)
    drafts = _Drafts(skipped=skipped)
    for position, column in enumerate(columns.values()):
        if side is None or column.name != side[0]:
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
        title or Path(files[0]).stem,
        files,
        bool(vendor),
        side,
        pair,
        segments,
        scales,
        skipped,
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

    def add(self, position: int, column: _Column) -> None:
        if _is_identifier(column):
            self.skipped.append((column.name, "an identifier (a distinct value in every row)"))
            return
        scale = match_scale(column.values)
        number_range = None if scale is not None else _numeric_column(column)
        qid = unique_id(slug(column.name), self.used_ids)
        text = " ".join((column.text or column.name).split())
        if number_range is not None:
            self.numeric.append((position, qid, text, column.name, number_range))
            return
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


# ----------------------------------------------------------------------- reading


def _read_columns(
    files: Sequence[Path], export_format: str | None, sheet: str | None
) -> tuple[dict[str, _Column], list[tuple[str, str]]]:
    columns: dict[str, _Column] = {}
    skipped: list[tuple[str, str]] = []
    for path in files:
        source = open_source(path, export_format=export_format, sheet=sheet)
        metadata = _metadata(source)
        refs = {_reference(source, c): c for c in source.columns if c.strip()}
        table = source.read(list(refs))
        texts = _texts(source)
        for name, header in refs.items():
            if header in metadata:
                if (name, "survey tool metadata") not in skipped:
                    skipped.append((name, "survey tool metadata"))
                continue
            values = Counter(
                v.strip() for v in table.column(name).to_pylist() if v is not None and v.strip()
            )
            text = texts.get(header, "")
            column = columns.setdefault(name, _Column(name, text, Counter()))
            column.values.update(values)
    return columns, skipped


def _reference(source: Source, column: str) -> str:
    """How the schema names a column: by its name, or, when the header repeats the
    name, by its ImportId (when that is unique) or as 'name (1)', 'name (2)'..."""
    copy = re.fullmatch(r"(.*) \((\d+)\)", column)
    is_copy = copy is not None and source.repeats(copy.group(1)) >= int(copy.group(2))
    if not is_copy and source.repeats(column) <= 1:
        return column
    layout = source.layout
    import_id = layout.import_ids[layout.columns.index(column)]
    if import_id and layout.import_ids.count(import_id) == 1 and import_id not in layout.columns:
        return import_id
    return column if is_copy else f"{column} (1)"


def _metadata(source: Source) -> frozenset[str]:
    return source.layout.metadata


def _texts(source: Source) -> dict[str, str]:
    layout = source.layout
    return {c: t for c, t in zip(layout.columns, layout.texts, strict=True) if t and t != c}


# ------------------------------------------------------------------------ scales

_ID_NAME = re.compile(r"(?:^|[_\W])(?:id|no|num|number|key)$|^id(?:[_\W]|$)", re.IGNORECASE)


def _is_identifier(column: _Column) -> bool:
    """Named like an identifier, with a distinct value in every row (more than two)."""
    distinct = len(column.values)
    return (
        _ID_NAME.search(column.name) is not None
        and distinct > 2
        and all(count == 1 for count in column.values.values())
    )


def _numeric_column(column: _Column) -> tuple[float, ...] | None:
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


# ------------------------------------------------------------------ sides, keys


def _side_column(columns: dict[str, _Column]) -> tuple[str, list[str], list[str]] | None:
    for column in columns.values():
        if not 2 <= len(column.values) <= 6:
            continue
        vendor = [v for v in column.values if _side_of(v) == 0]
        customer = [v for v in column.values if _side_of(v) == 1]
        if vendor and customer and len(vendor) + len(customer) == len(column.values):
            return column.name, sorted(vendor), sorted(customer)
    return None


def _side_of(value: str) -> int | None:
    words = fold(value)
    for side, names in enumerate(SIDE_WORDS):
        if words in names or any(re.search(rf"\b{re.escape(n)}\b", words) for n in names):
            if side == 1 and any(re.search(rf"\b{re.escape(n)}\b", words) for n in SIDE_WORDS[0]):
                return 0  # "account team" names the vendor side even though it says account
            return side
    return None
