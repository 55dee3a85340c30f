"""The survey tools whose exports are recognised, in the order they are tried: the
tools with the clearest marks first (Qualtrics' ImportId row), a plain table last.
A new tool is a module beside these, with a :class:`~gapscan.inputs.layout.Tool`, and
one line here."""

from __future__ import annotations

from collections.abc import Sequence

from gapscan.inputs.googleforms import GOOGLE_FORMS
from gapscan.inputs.layout import Layout, Tool
from gapscan.inputs.limesurvey import LIMESURVEY
from gapscan.inputs.plain import PLAIN
from gapscan.inputs.qualtrics import QUALTRICS, QUALTRICS_LEGACY
from gapscan.inputs.surveymonkey import SURVEYMONKEY

DETECTION_ORDER: tuple[Tool, ...] = (
    QUALTRICS,
    QUALTRICS_LEGACY,
    SURVEYMONKEY,
    GOOGLE_FORMS,
    LIMESURVEY,
    PLAIN,  # any table: last
)
TOOLS = tuple(tool.name for tool in DETECTION_ORDER if tool.listed)


def detect_layout(records: Sequence[Sequence[str]], forced: str | None = None) -> Layout:
    """Recognise the export layout from the first records of a file (header rows plus
    a few responses). ``forced`` (one of :data:`TOOLS`) skips recognition; the records
    must then still fit that tool's structure, else ValueError says why not."""
    if not records or not any(cell.strip() for cell in records[0]):
        raise ValueError("the file has no header row")
    rows = [list(record) for record in records]
    if forced is not None:
        return _named(forced.strip().lower()).force(rows)
    for tool in DETECTION_ORDER:
        layout = tool.recognise(rows)
        if layout is not None:
            return layout
    raise AssertionError("a plain table is recognised in any records")


def _named(name: str) -> Tool:
    for tool in DETECTION_ORDER:
        if tool.name == name:
            return tool
    raise ValueError(f"unknown survey tool '{name}': choose one of {', '.join(TOOLS)}")
