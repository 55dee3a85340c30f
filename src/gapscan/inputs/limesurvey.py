"""LimeSurvey exports: ``Question [Sub-question]`` headings (or codes ``Q1[SQ001]``) and
LimeSurvey's own columns (``submitdate``, ``Date submitted``, ``Datum Abgeschickt``...),
in one header row, or in two with the answer options under the questions."""

from __future__ import annotations

import html
import re

from gapscan.inputs import qualtrics, surveymonkey
from gapscan.inputs.blocks import block_layout, has_option_row
from gapscan.inputs.layout import Layout, Rows, Tool, make_layout

LABEL = "LimeSurvey export"
_SUBQUESTION = re.compile(r"(?s)(.*?\S)\s*\[([^\[\]]*)\]")
_META = frozenset(
    {
        # column codes
        "id",
        "submitdate",
        "lastpage",
        "startlanguage",
        "seed",
        "startdate",
        "datestamp",
        "ipaddr",
        "refurl",
        "token",
        # full headings, English and German
        "Response ID",
        "Date submitted",
        "Last page",
        "Start language",
        "Seed",
        "Date started",
        "Date last action",
        "IP address",
        "Referrer URL",
        "Token",
        "Antwort ID",
        "Datum Abgeschickt",
        "Letzte Seite",
        "Start-Sprache",
        "Zufallsstartwert",
        "Datum gestartet",
        "Datum letzte Aktivität",
        "IP-Adresse",
        "Referrer-URL",
    }
)
_TELLTALE = frozenset(
    {
        "submitdate",
        "lastpage",
        "startlanguage",
        "Date submitted",
        "Last page",
        "Start language",
        "Datum Abgeschickt",
        "Letzte Seite",
        "Start-Sprache",
    }
)


def _is_single(rows: Rows) -> bool:
    """LimeSurvey's own columns, or sub-question headings: at least two neighbouring
    columns ``Question [A]``, ``Question [B]`` (or codes ``Q1[SQ001]``, ``Q1[SQ002]``)."""
    names = [text.strip() for text in rows[0]]
    if any(name in _TELLTALE for name in names):
        return True
    previous = None
    for name in names:
        match = _SUBQUESTION.fullmatch(name)
        prefix = match.group(1) if match else None
        if prefix is not None and prefix == previous:
            return True
        previous = prefix
    return False


def _single_layout(rows: Rows) -> Layout:
    names = [text.strip() for text in rows[0]]
    metadata = [i for i, name in enumerate(names) if name in _META]
    texts = [html.unescape(name) for name in names]  # headings keep entities (&amp;)
    return make_layout("limesurvey", LABEL, 1, names, texts, metadata)


def _recognise(rows: Rows) -> Layout | None:
    if _is_single(rows):
        return _single_layout(rows)
    if has_option_row(rows):
        return block_layout(rows, "limesurvey", LABEL)
    return None


def _force(rows: Rows) -> Layout:
    """LimeSurvey's layout, unless the header rows are clearly another tool's."""
    for other in (qualtrics.QUALTRICS, qualtrics.QUALTRICS_LEGACY, surveymonkey.SURVEYMONKEY):
        layout = other.recognise(rows)
        if layout is not None:
            raise ValueError(
                f"this is not a LimeSurvey export: its header rows are those of a "
                f"{layout.describe()}"
            )
    if has_option_row(rows):
        return block_layout(rows, "limesurvey", LABEL)
    return _single_layout(rows)


LIMESURVEY = Tool("limesurvey", _recognise, _force)
