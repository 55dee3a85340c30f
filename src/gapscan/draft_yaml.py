"""The YAML text of a drafted schema, with comments that say what to check."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from gapscan.draft_scales import DraftScale, looks_like_nps
from gapscan.text import yaml_comment, yaml_quoted

# a numeric question: position, id, text, column, its range (empty: no evident range),
# the texts in its column that mean no answer
NumericDraft = tuple[int, str, str, str, tuple[float, ...], tuple[str, ...]]


_UNSURE = "  # CHECK THE ORDER: the levels are in a guessed order; put them lowest first"


def no_side_lines() -> list[str]:
    return [
        "# sides: no column told vendors from customers; name it here, or give",
        "# --vendor FILE --customer FILE to gapscan analyze:",
        "# sides: {column: COLUMN, vendor: [VALUE], customer: [VALUE]}",
    ]


def unique_id(base: str, used: set[str]) -> str:
    candidate, n = base, 2
    while candidate in used:
        candidate, n = f"{base}_{n}", n + 1
    used.add(candidate)
    return candidate


def _q(text: str) -> str:
    """A YAML double-quoted scalar that loads back as exactly ``text``."""
    return yaml_quoted(text)


def schema_yaml(
    title: str,
    files: Sequence[Path],
    two_files: bool,
    side_block: list[str],
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
    if any(str(f) == "-" for f in files):  # standard input has no name to write here
        out.append("# data: the export came on standard input: give it on the command line")
    elif not two_files:
        rel = [_relative(Path(f), schema_dir) for f in files]
        out.append("data: [" + ", ".join(_q(r) for r in rel) + "]  # relative to this file")
    out += side_block
    if pair is not None:
        out += [
            f"pair_by: {_q(pair)}  # looks like an account key: gapscan analyze --paired compares",
            "                      # the answers of the two sides account by account",
        ]
    if segments:
        out.append("# segments: breakdowns to report; these columns look like groups:")
        out.append("# segments: [" + ", ".join(_q(s) for s in segments) + "]")
    out += _scale_block(scales)
    out += _question_block(scales, numeric)
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


def _scale_block(scales: dict[str, DraftScale]) -> list[str]:
    """The ``scales:`` mapping; each scale gets a unique name here."""
    out = ["scales:  # answer scales, levels ordered lowest first" if scales else "scales: {}"]
    names: set[str] = set()
    for _, scale in sorted(scales.items()):
        scale.name = unique_id(scale.name, names)
        comment = f"  # {scale.note}" if scale.note else ""
        out.append(f"  {scale.name}:" + (_UNSURE if scale.unsure else comment))
        out.append("    levels: [" + ", ".join(_q(level) for level in scale.levels) + "]")
        top = scale.top_box
        note = "  # the favourable answers: the top N levels" if isinstance(top, int) else ""
        shown = str(top) if isinstance(top, int) else "[" + ", ".join(_q(t) for t in top) + "]"
        out.append(f"    top_box: {shown}{note}")
        if scale.missing:
            out.append(
                "    missing: [" + ", ".join(_q(m) for m in scale.missing) + "]  # no answer"
            )
    return out


def _question_block(scales: dict[str, DraftScale], numeric: Sequence[NumericDraft]) -> list[str]:
    """The ``questions:`` list, in the export's column order."""
    entries = [
        (position, qid, text, column, _scale_lines(scale, text, column))
        for scale in scales.values()
        for position, qid, text, column in scale.questions
    ]
    entries += [
        (position, qid, text, column, _numeric_lines(r, missing))
        for position, qid, text, column, r, missing in numeric
    ]
    out = ["questions:"]
    for _, qid, text, column, lines in sorted(entries, key=lambda e: e[0]):
        out += [f"  - id: {qid}", f"    text: {_q(text)}", *lines, f"    column: {_q(column)}"]
    return out


def _scale_lines(scale: DraftScale, text: str, column: str) -> list[str]:
    lines = [f"    scale: {scale.name}"]
    if looks_like_nps(scale, f"{text} {column}"):
        lines.append("    metric: nps  # a 0-10 'recommend' question: its Net Promoter Score too")
    return lines


def _numeric_lines(number_range: tuple[float, ...], missing: Sequence[str]) -> list[str]:
    lines = ["    type: numeric  # numbers (a slider, a 0-100 rating): mean gap by Welch's t"]
    if missing:
        lines.append("    missing: [" + ", ".join(_q(m) for m in missing) + "]  # no answer")
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
        return os.path.relpath(path.resolve(), base.resolve())
