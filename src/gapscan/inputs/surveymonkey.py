"""SurveyMonkey exports: one question spread over several columns, the parts named in a
second header row (``Response``, ``Open-Ended Response`` or the answer options)."""

from __future__ import annotations

from gapscan.inputs.blocks import GENERIC_LABELS, block_layout, has_option_row
from gapscan.inputs.layout import Layout, Rows, Tool, cell, heading

LABEL = "SurveyMonkey export"
_META = frozenset(
    {
        "Respondent ID",
        "Collector ID",
        "Start Date",
        "End Date",
        "IP Address",
        "Email Address",
        "First Name",
        "Last Name",
        "Custom Data",
        "Custom Data 1",
    }
)


def _has_response_markers(rows: Rows) -> bool:
    """SurveyMonkey's second header row: ``Response`` / ``Open-Ended Response`` under
    questions (and never as an answer in the same column further down)."""
    if len(rows) < 2:
        return False
    first, second, data = rows[0], rows[1], rows[2:]
    for i, text in enumerate(second[: len(first)]):
        label = text.strip()
        if (
            label in GENERIC_LABELS
            and heading(first[i])
            and not any(cell(row, i).strip() == label for row in data)
        ):
            return True
    return False


def _layout(rows: Rows) -> Layout:
    return block_layout(rows, "surveymonkey", LABEL, _META)


def _recognise(rows: Rows) -> Layout | None:
    return _layout(rows) if _has_response_markers(rows) else None


def _force(rows: Rows) -> Layout:
    if _has_response_markers(rows) or has_option_row(rows):
        return _layout(rows)
    raise ValueError(
        "this is not a SurveyMonkey export: its second row is not a header row (no "
        "'Response' or 'Open-Ended Response' cells, and no answer-option labels under "
        "questions that span several columns)"
    )


SURVEYMONKEY = Tool("surveymonkey", _recognise, _force)
