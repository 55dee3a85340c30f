"""How a raw value is matched: an answer to its scale's level, a side value to its side.

One place for both paths into the count table: the respondent-level reader
(``gapscan.responses``) and the count-table reader (``gapscan.count_table``) code
every distinct value through these functions, so an answer fits the same level, and
an unknown one is refused the same way, whichever path read it.
"""

from __future__ import annotations

from collections.abc import Callable

from gapscan.survey import CUSTOMER, VENDOR, Scale, Survey, fold

MISSING = -1  # no answer: blank, or one of the scale's 'missing' labels
UNKNOWN = -2  # fits no level (an answer) or no side (a side value)


def answer_coder(scale: Scale) -> Callable[[str], int]:
    """A raw answer's level code, ``MISSING`` or ``UNKNOWN`` (trimmed, case-folded)."""
    levels = {fold(level): code for code, level in enumerate(scale.levels)}
    missing = {fold(m) for m in scale.missing} | {""}

    def code_of(value: str) -> int:
        key = fold(value)
        if key in missing:
            return MISSING
        return levels.get(key, UNKNOWN)

    return code_of


def side_coder(survey: Survey) -> Callable[[str], int]:
    """A raw side value's side (``VENDOR``/``CUSTOMER``) or ``UNKNOWN``."""
    mapping = {fold(v): VENDOR for v in survey.sides.vendor}
    mapping |= {fold(v): CUSTOMER for v in survey.sides.customer}
    return lambda value: mapping.get(fold(value), UNKNOWN)
