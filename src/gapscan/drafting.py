"""``gapscan init``: draft a survey schema from an export's columns and answers.

Each column's distinct answers are compared with known ordered scales (agreement,
frequency, extent, satisfaction, quality, likelihood, importance, yes/no, numeric
ratings such as 0-10, and Qualtrics-style numbered labels "1 - Poor"). Columns that
share a scale share its definition; free text and the survey tool's own columns are
left out and listed as comments, so the draft analyses without edits and says what
it skipped.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from gapscan.errors import GapscanError
from gapscan.numeric_answers import parse_number
from gapscan.readers import Source, open_source
from gapscan.survey import fold, stated_scores
from gapscan.text import yaml_comment, yaml_quoted

if TYPE_CHECKING:
    import pyarrow as pa

MISSING_WORDS = {
    "don't know", "dont know", "don’t know", "do not know", "not sure", "n/a", "na",
    "not applicable", "prefer not to say", "prefer not to answer", "no opinion",
    "i don't know", "i don’t know", "i don't know / na", "i don’t know / na", "keine angabe",
    "no basis for evaluation", "-1", "-2",
}  # fmt: skip

# Known scales, lowest level first; each level may have several spellings.
KNOWN_SCALES: dict[str, tuple[tuple[str, ...], ...]] = {
    "agree5": (
        ("Strongly disagree",), ("Disagree", "Somewhat disagree"),
        ("Neither agree nor disagree", "Neutral", "Neither agree or disagree"),
        ("Agree", "Somewhat agree"), ("Strongly agree",),
    ),
    "agree4": (("Strongly disagree",), ("Disagree",), ("Agree",), ("Strongly agree",)),
    "agree7": (
        ("Strongly disagree",), ("Disagree",), ("Somewhat disagree",),
        ("Neither agree nor disagree", "Neutral"), ("Somewhat agree",), ("Agree",),
        ("Strongly agree",),
    ),
    "frequency": (("Never",), ("Rarely",), ("Sometimes",), ("Often", "Usually"), ("Always",)),
    "extent": (
        ("Not at all",), ("Slightly", "A little"), ("Moderately", "Somewhat"),
        ("Very", "Quite a bit"), ("Extremely",),
    ),
    "satisfaction": (
        ("Very dissatisfied",), ("Dissatisfied", "Somewhat dissatisfied"),
        ("Neither satisfied nor dissatisfied", "Neutral"),
        ("Satisfied", "Somewhat satisfied"), ("Very satisfied",),
    ),
    "quality": (
        ("Very poor",), ("Poor",), ("Fair", "Average"), ("Good",), ("Excellent", "Very good"),
    ),
    "likelihood": (
        ("Very unlikely", "Extremely unlikely"), ("Unlikely", "Somewhat unlikely"),
        ("Neither likely nor unlikely", "Neutral"), ("Likely", "Somewhat likely"),
        ("Very likely", "Extremely likely"),
    ),
    "importance": (
        ("Not at all important", "Not important"), ("Slightly important",),
        ("Moderately important",), ("Very important",), ("Extremely important",),
    ),
    "yes_no": (("No",), ("Yes",)),
}  # fmt: skip
SIDE_WORDS = (
    {"vendor", "supplier", "provider", "account team", "seller", "internal", "employee", "staff"},
    {"customer", "client", "buyer", "user", "external", "account"},
)
PAIR_KEY_NAMES = re.compile(
    r"^(account|account[ _]?id|acct|company|customer[ _]?id|client[ _]?id|org[ _]?id)$", re.I
)
NUMBERED = re.compile(r"^\s*(-?\d+)\s*(?:[-–=:.)]\s*(.*))?$")
# "Not aligned < Somewhat aligned < Well aligned < Extremely well-aligned": levels
# that differ by an intensity word are ordered by it.
INTENSITY = {
    "not": 0, "never": 0, "hardly": 1, "barely": 1, "slightly": 1, "a little": 1,
    "somewhat": 2, "moderately": 2, "fairly": 2, "partly": 2, "quite": 3, "well": 3,
    "mostly": 3, "very": 4, "highly": 4, "extremely": 5, "completely": 5, "fully": 5,
    "totally": 5,
}  # fmt: skip
MAX_LEVELS = 11
MAX_SEGMENT_VALUES = 12


# a numeric question: position, id, text, column, its range (empty: no evident range)
NumericDraft = tuple[int, str, str, str, tuple[float, ...]]


@dataclass
class DraftScale:
    name: str
    levels: list[str]
    top_box: int | list[str]
    missing: list[str] = field(default_factory=list)
    questions: list[tuple[int, str, str, str]] = field(
        default_factory=list
    )  # position, id, text, column


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
    scales: dict[str, DraftScale] = {}
    segments: list[str] = []
    used_ids: set[str] = set()
    numeric: list[NumericDraft] = []
    for position, column in enumerate(columns.values()):
        if side is not None and column.name == side[0]:
            continue
        if _is_identifier(column):
            skipped.append((column.name, "an identifier (a distinct value in every row)"))
            continue
        scale = _match_scale(column)
        number_range = None if scale is not None else _numeric_column(column)
        if number_range is not None:
            qid = _unique_id(_slug(column.name), used_ids)
            text = " ".join((column.text or column.name).split())
            numeric.append((position, qid, text, column.name, number_range))
            continue
        if scale is not None:
            draft = scales.setdefault(_scale_key(scale), scale)
            for m in scale.missing:
                if m not in draft.missing:
                    draft.missing.append(m)
            qid = _unique_id(_slug(column.name), used_ids)
            text = " ".join((column.text or column.name).split())
            draft.questions.append((position, qid, text, column.name))
            continue
        distinct = len(column.values)
        if 2 <= distinct <= MAX_SEGMENT_VALUES and sum(column.values.values()) >= 4 * distinct:
            segments.append(column.name)
        else:
            skipped.append((column.name, f"free text or identifier ({distinct} distinct values)"))
    pair = next((c for c in columns if PAIR_KEY_NAMES.match(c.strip())), None)
    if not scales and not numeric:
        raise GapscanError.single(
            "no column looks like a rating scale (agree/disagree, frequency, 0-10, ...)",
            file=str(files[0]),
            hint="write the scales by hand; see the README's schema reference",
        )
    return _yaml(
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


# ----------------------------------------------------------------------- reading


def _read_columns(
    files: Sequence[Path], export_format: str | None, sheet: str | None
) -> tuple[dict[str, _Column], list[tuple[str, str]]]:
    columns: dict[str, _Column] = {}
    skipped: list[tuple[str, str]] = []
    for path in files:
        source = open_source(path, export_format=export_format, sheet=sheet)
        metadata = _metadata(source)
        names = [c for c in source.columns if c.strip()]
        texts = _texts(source)
        for name in names:
            if name in metadata and (name, "survey tool metadata") not in skipped:
                skipped.append((name, "survey tool metadata"))
        wanted = [name for name in names if name not in metadata]
        for name in wanted:
            columns.setdefault(name, _Column(name, texts.get(name, ""), Counter()))
        for batch in source.batches(names):  # bounded memory: counted batch by batch
            for name in wanted:
                columns[name].values.update(_value_counts(batch.column(name)))
    return columns, skipped


def _value_counts(chunk: pa.Array) -> Counter[str]:
    """A batch's trimmed non-blank values and their counts, through its distinct values."""
    import pyarrow.compute as pc

    counts: Counter[str] = Counter()
    for entry in pc.value_counts(chunk).to_pylist():
        value = entry["values"]
        if value is not None and str(value).strip():
            counts[str(value).strip()] += int(entry["counts"])
    return counts


def _metadata(source: Source) -> frozenset[str]:
    return source.layout.metadata


def _texts(source: Source) -> dict[str, str]:
    layout = source.layout
    return {c: t for c, t in zip(layout.columns, layout.texts, strict=True) if t and t != c}


# ------------------------------------------------------------------------ scales


def _match_scale(column: _Column) -> DraftScale | None:
    answers = {v for v in column.values if fold(v) not in MISSING_WORDS}
    missing = sorted(v for v in column.values if fold(v) in MISSING_WORDS)
    if len(answers) < 2:
        return None
    folded = {fold(v) for v in answers}
    best: tuple[str, tuple[tuple[str, ...], ...]] | None = None
    for name, levels in KNOWN_SCALES.items():
        spellings = {fold(s) for level in levels for s in level}
        if folded <= spellings and (best is None or len(levels) < len(best[1])):
            best = (name, levels)
    if best is not None:
        name, levels = best
        chosen = []
        for level in levels:
            seen = [v for v in answers if fold(v) in {fold(s) for s in level}]
            chosen.append(seen[0] if seen else level[0])
        if len({fold(c) for c in chosen}) != len(chosen):
            return None
        return DraftScale(name, chosen, _top_box(name, chosen), missing)
    return _intensity_scale(answers, missing) or _numbered_scale(answers, missing)


def _intensity_scale(answers: set[str], missing: list[str]) -> DraftScale | None:
    """Levels told apart by their first word(s): not, somewhat, very, extremely..."""
    if not 3 <= len(answers) <= 7:
        return None
    ranked: dict[int, str] = {}
    for value in answers:
        words = fold(value).split()
        rank = INTENSITY.get(" ".join(words[:2]), INTENSITY.get(words[0] if words else ""))
        if rank is None or rank in ranked:
            return None
        ranked[rank] = value
    levels = [ranked[r] for r in sorted(ranked)]
    stem = _slug(" ".join(fold(levels[-1]).split()[1:]))[:20] or "intensity"
    return DraftScale(stem, levels, 1 if len(levels) <= 4 else 2, missing)


def _numbered_scale(answers: set[str], missing: list[str]) -> DraftScale | None:
    """Integers (0-10, 1-5, ...) or numbered labels such as "4 - Very impressive"."""
    numbered: dict[int, str] = {}
    for value in answers:
        match = NUMBERED.match(value)
        if match is None:
            return None
        number = int(match.group(1))
        if number in numbered and numbered[number] != value:
            return None
        numbered[number] = value
    low, high = min(numbered), max(numbered)
    if high - low + 1 > MAX_LEVELS or high - low < 1 or low < -1:
        return None
    if all(not (m := NUMBERED.match(v)) or not m.group(2) for v in answers):
        levels = [str(n) for n in range(low, high + 1)]  # plain numbers: every step is a level
        if high - low >= 4 and low in (0, 1) and high in (4, 5, 6, 7, 10):
            name = f"rating_{low}_{high}"
        else:
            name = f"numeric_{low}_{high}"
    else:
        levels = [numbered[n] for n in sorted(numbered)]
        name = "numbered_" + "_".join(str(n) for n in sorted(numbered))
    top = 2 if len(levels) >= 5 else 1
    return DraftScale(name, levels, top, missing)


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
    numbers = [parse_number(v) for v in column.values if fold(v) not in MISSING_WORDS]
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


def _top_box(name: str, levels: list[str]) -> int | list[str]:
    if name == "yes_no":
        return [levels[-1]]
    return 2 if len(levels) >= 5 else (2 if len(levels) == 4 else 1)


_RECOMMEND = re.compile(r"\brecommend", re.IGNORECASE)


def _looks_like_nps(scale: DraftScale, text: str) -> bool:
    """A 0..10 scale asked as "how likely ... recommend": a Net Promoter question."""
    scores = stated_scores(tuple(scale.levels))
    if scores is None or sorted(scores) != list(range(11)):
        return False
    return _RECOMMEND.search(text) is not None


def _scale_key(scale: DraftScale) -> str:
    return scale.name + "|" + "|".join(fold(level) for level in scale.levels)


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


def _slug(name: str) -> str:
    slug = re.sub(r"[^0-9a-zA-Z]+", "_", name).strip("_").lower()
    return (slug or "q")[:40]


def _unique_id(base: str, used: set[str]) -> str:
    candidate, n = base, 2
    while candidate in used:
        candidate, n = f"{base}_{n}", n + 1
    used.add(candidate)
    return candidate


# -------------------------------------------------------------------------- YAML


def _q(text: str) -> str:
    """A YAML double-quoted scalar that loads back as exactly ``text``."""
    return yaml_quoted(text)


def _yaml(
    title: str,
    files: Sequence[Path],
    two_files: bool,
    side: tuple[str, list[str], list[str]] | None,
    pair: str | None,
    segments: list[str],
    scales: dict[str, DraftScale],
    skipped: list[tuple[str, str]],
    schema_dir: Path | None,
    numeric: Sequence[NumericDraft] = (),
) -> str:
    out = [
        "# Drafted by gapscan init from the export's columns. Check the scales (levels are",
        "# ordered lowest first), the top boxes and the sides, then run:",
        "#   gapscan validate THIS_FILE   and   gapscan analyze THIS_FILE",
        f"survey: {_q(title)}",
    ]
    if not two_files:
        rel = [_relative(Path(f), schema_dir) for f in files]
        out.append("data: [" + ", ".join(_q(r) for r in rel) + "]  # relative to this file")
    if side is not None:
        name, vendor, customer = side
        out += [
            "sides:  # how a respondent's side is recognised",
            f"  column: {_q(name)}",
            "  vendor: [" + ", ".join(_q(v) for v in vendor) + "]",
            "  customer: [" + ", ".join(_q(c) for c in customer) + "]",
        ]
    elif not two_files:
        out += [
            "# sides: no column told vendors from customers; name it here, or give",
            "# --vendor FILE --customer FILE to gapscan analyze:",
            "# sides: {column: COLUMN, vendor: [VALUE], customer: [VALUE]}",
        ]
    if pair is not None:
        out += [
            f"pair_by: {_q(pair)}  # looks like an account key: gapscan analyze --paired compares",
            "                      # the answers of the two sides account by account",
        ]
    if segments:
        out.append("# segments: breakdowns to report; these columns look like groups:")
        out.append("# segments: [" + ", ".join(_q(s) for s in segments) + "]")
    out.append("scales:  # answer scales, levels ordered lowest first" if scales else "scales: {}")
    names: set[str] = set()
    for key, scale in sorted(scales.items()):
        scale.name = _unique_id(scale.name, names)
        out.append(f"  {scale.name}:")
        out.append("    levels: [" + ", ".join(_q(level) for level in scale.levels) + "]")
        top = scale.top_box
        note = "  # the favourable answers: the top N levels" if isinstance(top, int) else ""
        shown = str(top) if isinstance(top, int) else "[" + ", ".join(_q(t) for t in top) + "]"
        out.append(f"    top_box: {shown}{note}")
        if scale.missing:
            out.append(
                "    missing: [" + ", ".join(_q(m) for m in scale.missing) + "]  # no answer"
            )
        del key
    out.append("questions:")
    entries = [
        (position, qid, text, column, _scale_lines(scale, text, column))
        for scale in scales.values()
        for position, qid, text, column in scale.questions
    ]
    entries += [
        (position, qid, text, column, _numeric_lines(r))
        for position, qid, text, column, r in numeric
    ]
    for _, qid, text, column, lines in sorted(entries, key=lambda e: e[0]):
        out += [f"  - id: {qid}", f"    text: {_q(text)}", *lines, f"    column: {_q(column)}"]
    out += [
        "analysis:",
        "  confidence: 0.95",
        "  alpha: 0.05",
        "  correction: holm  # holm | bh | bonferroni | none",
        "  min_n: 10  # smaller groups are suppressed",
        "rules: []  # e.g. - {metric: top_box_gap, max: 0.30, significant_only: true}",
    ]
    if skipped:
        out.append("# Columns left out:")
        out += [f"#   {yaml_comment(name)}: {why}" for name, why in skipped]
    return "\n".join(out) + "\n"


def _scale_lines(scale: DraftScale, text: str, column: str) -> list[str]:
    lines = [f"    scale: {scale.name}"]
    if _looks_like_nps(scale, f"{text} {column}"):
        lines.append("    metric: nps  # a 0-10 'recommend' question: its Net Promoter Score too")
    return lines


def _numeric_lines(number_range: tuple[float, ...]) -> list[str]:
    lines = ["    type: numeric  # numbers (a slider, a 0-100 rating): mean gap by Welch's t"]
    if number_range:
        lines.append(
            f"    range: [{number_range[0]:g}, {number_range[1]:g}]  # values outside: error"
        )
    lines.append("    # top_box: {min: 80}  # optional: the favourable values")
    return lines


def _relative(path: Path, base: Path | None) -> str:
    if base is None:
        return str(path)
    try:
        return str(path.resolve().relative_to(base.resolve()))
    except ValueError:
        import os

        return os.path.relpath(path.resolve(), base.resolve())
