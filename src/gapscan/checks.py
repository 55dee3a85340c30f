"""What loads but cannot be analysed as hoped: the checks ``gapscan validate`` lists
and ``analyze`` enforces. An error here stops an analysis (exit 2) with the same code
``validate`` shows; a warning describes what the analysis will do about something."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np

from gapscan.counts import QuestionCounts
from gapscan.errors import GapscanError, Problem, check_code
from gapscan.survey import CUSTOMER, SIDE_NAMES, VENDOR, Survey
from gapscan.tally import Tally


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

    def __post_init__(self) -> None:
        check_code(self.code)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "file": self.file,
            "line": self.line,
            "message": self.message,
            "hint": self.hint,
        }

    def problem(self) -> Problem:
        return Problem(self.message, file=self.file, line=self.line, hint=self.hint, code=self.code)


def from_problems(
    problems: Iterable[Problem], default: str, severity: Severity = Severity.ERROR
) -> tuple[Finding, ...]:
    """Problems as findings, in file and line order; ``default`` is the code of a
    problem that has none."""
    return tuple(
        Finding(
            code=p.code or default,
            severity=severity,
            message=p.message,
            file=p.file,
            line=p.line,
            hint=p.hint,
        )
        for p in sorted(problems, key=lambda p: (p.file or "", p.line or 0))
    )


def refuse_errors(findings: Sequence[Finding]) -> None:
    """Raise the error findings (not the warnings) as one ``GapscanError``."""
    errors = [f.problem() for f in findings if f.severity is Severity.ERROR]
    if errors:
        raise GapscanError(errors)


def data_findings(survey: Survey, tally: Tally) -> list[Finding]:
    """Every side and question with nothing to compare (errors), and what will be
    suppressed or was never chosen (warnings), from the run's count table."""
    survey = survey.with_numbers(tally.numbers)
    found = list(from_problems(tally.warnings, "warning", Severity.WARNING))
    schema = str(survey.path)
    where = ", ".join(i.path for i in tally.inputs) or "the data"
    for side, n in ((VENDOR, tally.n_vendor), (CUSTOMER, tally.n_customer)):
        if n == 0:
            found.append(
                Finding(
                    "empty-side",
                    Severity.ERROR,
                    f"no {SIDE_NAMES[side]} respondents in {where}",
                    schema,
                    hint="check sides.vendor / sides.customer against the side column's values",
                )
            )
    found += _question_findings(survey, tally.counts, where)
    found += _small_groups(survey, tally)
    return found


def _question_findings(
    survey: Survey, counts: dict[str, QuestionCounts], where: str
) -> list[Finding]:
    found: list[Finding] = []
    schema = str(survey.path)
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
                        f"(column '{q.column(side)}' in {where})",
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
        if q.scale.numeric is not None:
            continue  # its levels are the values answered: none is ever unused
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
    return found


def _small_groups(survey: Survey, tally: Tally) -> list[Finding]:
    found = []
    min_n = survey.analysis.min_n
    for segment in tally.segments:
        per_side = segment.respondents
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
