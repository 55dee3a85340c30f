"""What makes two reports comparable: each question's scale levels and top box, and
how the sides are told apart.

A JSON report records its survey's :class:`Fingerprint`; ``analyze --baseline``
compares only the questions whose fingerprints agree. Identity is what is measured,
not how it is labelled: a question's text, its scale's name and its columns do not
take part (a renamed column is the same question); its levels (in order), its top
box and the sides' definitions do. Labels are compared as answers are matched:
trimmed and case-folded.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from gapscan.survey import Numeric, Survey, SurveyDesign, fold


@dataclass(frozen=True)
class QuestionIdentity:
    scale: str  # shown, not compared
    levels: tuple[str, ...]  # empty for a numeric question (its levels are its values)
    top_box: tuple[str, ...]  # labels, in level order
    # a numeric question: {"range": [low, high], "top_box": {"min": x, "max": y}} (nulls
    # where not given); None for a question on a scale
    numeric: dict[str, Any] | None = None

    @property
    def digest(self) -> str:
        """A short hash of the folded levels and top box (and a numeric question's range
        and top box): equal iff they compare equal."""
        key: dict[str, Any] = {
            "levels": [fold(x) for x in self.levels],
            "top_box": [fold(x) for x in self.top_box],
        }
        if self.numeric is not None:
            key["numeric"] = self.numeric
        text = json.dumps(key, sort_keys=True, ensure_ascii=False)
        return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]

    def to_dict(self) -> dict[str, Any]:
        data = {
            "digest": self.digest,
            "levels": list(self.levels),
            "scale": self.scale,
            "top_box": list(self.top_box),
        }
        return data if self.numeric is None else {**data, "numeric": self.numeric}


def numeric_identity(numeric: Numeric) -> dict[str, Any]:
    return {
        "range": [numeric.low, numeric.high],
        "top_box": {"min": numeric.top_min, "max": numeric.top_max},
    }


@dataclass(frozen=True)
class Fingerprint:
    gapscan: str  # the version that wrote the report (recorded, not compared)
    questions: tuple[tuple[str, QuestionIdentity], ...]  # sorted by id
    sides_column: str | None
    vendor: tuple[str, ...]  # folded, sorted: the values that mean each side
    customer: tuple[str, ...]
    # a weighted run's design columns by role (weight, cluster, strata, fpc); None:
    # unweighted. The roles given are compared, not the columns' names.
    design: dict[str, str] | None = None

    def to_dict(self) -> dict[str, Any]:
        data = {
            "gapscan": self.gapscan,
            "questions": {qid: identity.to_dict() for qid, identity in self.questions},
            "sides": self.sides_dict(),
        }
        return data if self.design is None else {**data, "design": dict(self.design)}

    def sides_dict(self) -> dict[str, Any]:
        return {
            "column": self.sides_column,
            "customer": list(self.customer),
            "vendor": list(self.vendor),
        }

    def question(self, question_id: str) -> QuestionIdentity | None:
        return dict(self.questions).get(question_id)


def fingerprint_of(survey: Survey) -> Fingerprint:
    from gapscan import __version__

    questions = sorted(
        (
            q.id,
            QuestionIdentity(
                q.scale.name,
                q.scale.levels,
                q.scale.top_box_labels(),
                None if q.scale.numeric is None else numeric_identity(q.scale.numeric),
            ),
        )
        for q in survey.questions
    )
    sides = survey.sides
    return Fingerprint(
        gapscan=__version__,
        questions=tuple(questions),
        sides_column=sides.column,
        vendor=tuple(sorted({fold(v) for v in sides.vendor})),
        customer=tuple(sorted({fold(c) for c in sides.customer})),
        design=design_roles(survey.design),
    )


DESIGN_ROLES = ("weight", "cluster", "strata", "fpc", "weighting")


_ATTRIBUTE = {"weighting": "made"}  # the weights weighting: makes, in words


def design_roles(design: SurveyDesign | None) -> dict[str, str] | None:
    """The design's columns by role, those given only (None: no design); the
    ``weighting`` role is the schema's weighting: in words."""
    if design is None:
        return None
    roles = {role: getattr(design, _ATTRIBUTE.get(role, role)) for role in DESIGN_ROLES}
    given = {role: column for role, column in roles.items() if column is not None}
    return given or None


def differences(
    earlier: Fingerprint, now: Fingerprint, compared: list[str]
) -> list[tuple[str, str]]:
    """What differs between two fingerprints for the compared questions, as
    (where, what) pairs; empty when the reports can be compared."""
    found: list[tuple[str, str]] = []
    before, after = earlier.sides_dict(), now.sides_dict()
    for key in ("column", "vendor", "customer"):
        if before[key] != after[key]:
            found.append((f"sides.{key}", _change(before[key], after[key])))
    if sorted(earlier.design or {}) != sorted(now.design or {}):
        shown = f"baseline {_design(earlier.design)}, this run {_design(now.design)}"
        found.append(("design (weights and sampling design)", shown))
    for qid in compared:
        old, new = earlier.question(qid), now.question(qid)
        if old is None or new is None:
            continue
        for key in ("levels", "top_box"):
            was, now_is = getattr(old, key), getattr(new, key)
            if [fold(x) for x in was] != [fold(x) for x in now_is]:
                found.append((f"question '{qid}': {key}", _change(list(was), list(now_is))))
        if old.numeric != new.numeric:
            found.append((f"question '{qid}': numeric", _change(old.numeric, new.numeric)))
    return found


def _design(roles: dict[str, str] | None) -> str:
    if not roles:
        return "none (unweighted)"
    return "[" + "; ".join(f"{role} {column}" for role, column in roles.items()) + "]"


def _change(before: Any, after: Any) -> str:
    return f"baseline {_shown(before)}, this run {_shown(after)}"


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return "none" if value is None else repr(value)
