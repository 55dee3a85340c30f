"""``gapscan validate``: every schema and data problem at once, each with a code.

Errors stop an analysis (exit 2); warnings describe what the analysis will do about
something (a group that will be suppressed, a level nobody chose) and do not.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import numpy as np

from gapscan.counts import count_answers
from gapscan.errors import GapscanError, Problem
from gapscan.responses import InputSummary, ReadOptions, Responses, load_responses
from gapscan.schema import load_schema
from gapscan.survey import CUSTOMER, SIDE_NAMES, VENDOR, Survey


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    message: str
    file: str | None = None
    line: int | None = None
    hint: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "file": self.file,
            "line": self.line,
            "message": self.message,
            "hint": self.hint,
        }


@dataclass(frozen=True)
class ValidationReport:
    schema: str
    inputs: tuple[InputSummary, ...]
    findings: tuple[Finding, ...]

    @property
    def errors(self) -> int:
        return sum(f.severity is Severity.ERROR for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity is Severity.WARNING for f in self.findings)

    def exit_code(self, strict: bool = False) -> int:
        return 2 if self.errors or (strict and self.warnings) else 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": self.schema,
            "valid": self.errors == 0,
            "errors": self.errors,
            "warnings": self.warnings,
            "inputs": [
                {"path": i.path, "rows": i.rows, "vendor": i.vendor, "customer": i.customer}
                for i in self.inputs
            ],
            "findings": [f.to_dict() for f in self.findings],
        }


def validate(
    schema: str | Path,
    data: Sequence[str | Path] = (),
    *,
    vendor: Sequence[str | Path] = (),
    customer: Sequence[str | Path] = (),
    segments: Sequence[str] | None = None,
    reading: ReadOptions | None = None,
) -> ValidationReport:
    """Check a schema and its data; never raises for bad input."""
    try:
        survey = load_schema(schema)
    except GapscanError as exc:
        return ValidationReport(str(schema), (), _from_problems(exc.problems, "schema"))
    try:
        responses = load_responses(
            survey, data, vendor=vendor, customer=customer, segments=segments, reading=reading
        )
    except GapscanError as exc:
        return ValidationReport(str(schema), (), _from_problems(exc.problems, "unreadable-data"))
    return ValidationReport(str(schema), responses.inputs, tuple(_data_findings(survey, responses)))


def _from_problems(problems: Sequence[Problem], default: str) -> tuple[Finding, ...]:
    return tuple(
        Finding(
            code=p.code or default,
            severity=Severity.ERROR,
            message=p.message,
            file=p.file,
            line=p.line,
            hint=p.hint,
        )
        for p in sorted(problems, key=lambda p: (p.file or "", p.line or 0))
    )


def _data_findings(survey: Survey, responses: Responses) -> list[Finding]:
    """What loads but will not analyse as hoped."""
    found: list[Finding] = []
    schema = str(survey.path)
    for side, n in ((VENDOR, responses.n_vendor), (CUSTOMER, responses.n_customer)):
        if n == 0:
            found.append(
                Finding(
                    "empty-side",
                    Severity.ERROR,
                    f"no {SIDE_NAMES[side]} respondents in the data",
                    schema,
                    hint="check sides.vendor / sides.customer against the side column's values",
                )
            )
    counts = count_answers(survey, responses)
    min_n = survey.analysis.min_n
    used: dict[str, np.ndarray] = {}
    for q in survey.questions:
        table = counts[q.id].overall
        for side in (VENDOR, CUSTOMER):
            answered = int(table[side].sum())
            if answered == 0:
                found.append(
                    Finding(
                        "no-answers",
                        Severity.ERROR,
                        f"question '{q.id}' has no {SIDE_NAMES[side]} answers "
                        f"(column '{q.column(side)}')",
                        schema,
                        hint="is the column right for this side?",
                    )
                )
            elif answered < min_n:
                found.append(
                    Finding(
                        "below-min-n",
                        Severity.WARNING,
                        f"question '{q.id}': {answered} {SIDE_NAMES[side]} answers, fewer than "
                        f"min_n {min_n}: it will be suppressed",
                        schema,
                    )
                )
        used[q.scale.name] = used.get(q.scale.name, np.zeros(q.scale.k, dtype=np.int64)) + (
            table.sum(axis=0)
        )
    for scale in survey.scales:
        if scale.name not in used:
            continue
        never = [scale.levels[i] for i in np.flatnonzero(used[scale.name] == 0)]
        if never:
            found.append(
                Finding(
                    "level-never-used",
                    Severity.WARNING,
                    f"scale '{scale.name}': no answer chose "
                    + ", ".join(f"'{level}'" for level in never),
                    schema,
                    hint="fine if true; otherwise check the labels against the export",
                )
            )
    found += _small_groups(survey, responses)
    return found


def _small_groups(survey: Survey, responses: Responses) -> list[Finding]:
    found = []
    min_n = survey.analysis.min_n
    for segment in responses.segments:
        m = len(segment.labels)
        per_side = np.bincount(
            segment.codes.astype(np.int64) * 2 + responses.side, minlength=2 * m
        ).reshape(m, 2)
        for index, label in enumerate(segment.labels):
            small = [SIDE_NAMES[s] for s in (VENDOR, CUSTOMER) if per_side[index, s] < min_n]
            if small:
                sizes = f"{per_side[index, VENDOR]} vendor / {per_side[index, CUSTOMER]} customer"
                found.append(
                    Finding(
                        "below-min-n",
                        Severity.WARNING,
                        f"{segment.column} = {label}: {sizes} respondents, fewer than min_n "
                        f"{min_n} on the {' and '.join(small)} side: suppressed in reports",
                        str(survey.path),
                    )
                )
    return found
