"""Errors are values: every problem carries where it is and what to do about it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


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
    code: str | None = None  # what kind of problem, for `gapscan validate`

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
