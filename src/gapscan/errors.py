"""Errors are values: every problem carries where it is and what to do about it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# Every kind of problem, by the code `gapscan validate` shows for it. A problem's code
# must be one of these (a new kind of problem is added here first), so that the test
# holding `validate` and `analyze` to the same errors knows every code there is.
ERROR_CODES: dict[str, str] = {
    "schema": "the schema breaks a rule of its own (unknown key, missing field, ...)",
    "duplicate-key": "a key repeated in one YAML mapping",
    "percent-for-fraction": "a percentage given where a fraction is meant",
    "duplicate-segment": "a segment listed twice, or the sides column as a segment",
    "unreadable-data": "a data file that cannot be read",
    "compressed-file": "a compressed file or zip that holds no readable export, or is damaged",
    "mixed-encoding": "a file whose bytes are not all in one text encoding",
    "ragged-row": "a row with more or fewer fields than the header",
    "uncached-formula": "XLSX cells holding formulas without a saved value",
    "missing-column": "a column the schema names that the file lacks",
    "unknown-answer": "an answer that fits no level of its scale",
    "not-a-number": "an answer to a numeric question that is not a number",
    "out-of-range": "a numeric answer outside its question's range",
    "invalid-weight": "a respondent weight that is not a positive number",
    "missing-weight": "a respondent who answered without a weight",
    "missing-design-value": "a response row without its cluster or stratum",
    "invalid-fpc": "an fpc that is not one positive population size (or fraction) per stratum",
    "single-psu-stratum": "a stratum with a single PSU, whose variance cannot be estimated",
    "too-few-psus": "a design with too few PSUs for a t-test (PSUs minus strata below 2)",
    "unknown-side": "a side value that is neither vendor nor customer",
    "duplicate-id": "a respondent id given to more than one row",
    "duplicate-file": "the same data given twice",
    "empty-file": "a file with no responses",
    "empty-side": "no respondents on a side",
    "no-answers": "a question nobody answered on a side",
    "rule-unchecked": "a rule with nothing to check",
    "unexpected-column": "a count table column the schema gives no meaning to",
    "invalid-count": "a count table's n that is not a whole number of respondents",
    "unknown-question": "a count table row for a question the schema does not have",
    "inconsistent-counts": "a count table whose questions count different respondents",
    "counts-unsupported": "what a count table cannot give: an fpc, weighting:, a filter to apply",
    "output-overwrites-input": "an output that would be written over a file the run reads",
    "unreachable-target": "weighting targets the data cannot meet (a level absent, a level "
    "without a target, nobody to weight)",
    "weighting-not-converged": "raking that did not meet its margins in 100 iterations",
}
WARNING_CODES: dict[str, str] = {
    "below-min-n": "a group that will be suppressed",
    "level-never-used": "a scale level nobody chose",
    "id-on-both-sides": "a respondent id on both a vendor and a customer row",
    "filter-matches-nothing": "a filter value that no row holds",
    "warning": "any other warning",
}
CODES = ERROR_CODES | WARNING_CODES


def check_code(code: str | None) -> None:
    if code is not None and code not in CODES:
        raise ValueError(f"unknown problem code {code!r}: add it to gapscan.errors.CODES")


@dataclass(frozen=True)
class Problem:
    """One problem found in a schema or a data file.

    ``file`` and ``line`` locate it (``line`` is 1-based: a YAML line, or a row of a
    data file counted as a spreadsheet shows it, the header being row 1); ``hint``
    says what to do.
    """

    message: str
    file: str | None = None
    line: int | None = None
    column: str | None = None
    hint: str | None = None
    code: str | None = None  # what kind of problem, for `gapscan validate`: see CODES

    def __post_init__(self) -> None:
        check_code(self.code)

    def __str__(self) -> str:
        where = ""
        if self.file is not None:
            where = self.file if self.line is None else f"{self.file}:{self.line}"
            where += ": "
        text = f"{where}{self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return one_line(text)


def one_line(text: str) -> str:
    """Control characters shown escaped, so that a problem is always one line."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in text)


class GapscanError(Exception):
    """Bad input: one or more problems, all reported together."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        if not self.problems:
            raise ValueError("GapscanError needs at least one problem")
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def single(
        cls,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: str | None = None,
        hint: str | None = None,
        code: str | None = None,
    ) -> GapscanError:
        return cls([Problem(message, file=file, line=line, column=column, hint=hint, code=code)])


class ProblemCollector:
    """Collects problems so a validation run can report all of them at once."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: str | None = None,
        hint: str | None = None,
        code: str | None = None,
    ) -> None:
        self.problems.append(
            Problem(message, file=file, line=line, column=column, hint=hint, code=code)
        )

    def extend(self, error: GapscanError) -> None:
        self.problems.extend(error.problems)

    def raise_if_any(self) -> None:
        if self.problems:
            raise GapscanError(self.problems)
