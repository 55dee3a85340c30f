"""``gapscan validate``: every schema and data problem at once, each with a code.

Errors stop an analysis (exit 2); warnings describe what the analysis will do about
something (a group that will be suppressed, a level nobody chose) and do not.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from gapscan.checks import Finding, Severity, data_findings, from_problems
from gapscan.errors import GapscanError
from gapscan.responses import InputSummary, ReadOptions
from gapscan.schema import load_schema
from gapscan.survey import Filter, Mode, Survey

__all__ = ["Finding", "Severity", "ValidationReport", "validate"]


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
                {
                    "path": i.path,
                    "rows": i.rows,
                    "vendor": i.vendor,
                    "customer": i.customer,
                    "duplicates_dropped": i.duplicates_dropped,
                    "excluded": dict(sorted(i.excluded.items())),
                }
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
    filters: Sequence[Filter] = (),
    design_columns: tuple[str | None, str | None] = (None, None),
    counts: str | Path | None = None,
) -> ValidationReport:
    """Check a schema and its data (``filters`` added to the schema's; ``design_columns``
    the command line's weight and cluster columns, as ``--weight``/``--cluster``;
    ``counts``: a count table in place of the data files); never raises for bad input."""
    try:
        survey = load_schema(schema)
    except GapscanError as exc:
        return ValidationReport(str(schema), (), from_problems(exc.problems, "schema"))
    survey = replace(survey, filters=survey.filters + tuple(filters))
    survey = survey.with_design_columns(*design_columns)
    if counts is not None:
        return _validate_counts(survey, Path(counts), segments)
    from gapscan.analysis import AnalysisOptions, analyze_loaded, load_data

    options = AnalysisOptions(segments=None if segments is None else tuple(segments))
    try:
        loaded = load_data(
            survey, data, vendor=vendor, customer=customer, options=options, reading=reading
        )
    except GapscanError as exc:
        return ValidationReport(str(schema), (), from_problems(exc.problems, "unreadable-data"))
    findings = data_findings(survey, loaded[0])
    if survey.rules and not any(f.severity is Severity.ERROR for f in findings):
        findings += _rule_findings(lambda: analyze_loaded(survey, loaded))
    return ValidationReport(str(schema), loaded[0].inputs, tuple(findings))


def _validate_counts(
    survey: Survey, counts: Path, segments: Sequence[str] | None
) -> ValidationReport:
    """``validate --counts``: the count table's problems, then the same checks (a
    paired schema's table is per account)."""
    from gapscan.count_accounts import read_paired_counts
    from gapscan.count_table import read_counts

    accounts = None
    try:
        if survey.analysis.mode is Mode.PAIRED:
            tally, accounts = read_paired_counts(survey, counts, segments)
        else:
            tally = read_counts(survey, counts, segments)
    except GapscanError as exc:
        problems = from_problems(exc.problems, "unreadable-data")
        return ValidationReport(str(survey.path), (), problems)
    findings = data_findings(survey, tally)
    if survey.rules and not any(f.severity is Severity.ERROR for f in findings):
        from gapscan.analysis import analyze_counts

        findings += _rule_findings(lambda: analyze_counts(survey, tally, None, accounts))
    return ValidationReport(str(survey.path), tally.inputs, tuple(findings))


def _rule_findings(run: Callable[[], object]) -> list[Finding]:
    """What the analysis itself refuses: a rule with nothing to check."""
    try:
        run()
    except GapscanError as exc:
        return list(from_problems(exc.problems, "rule-unchecked"))
    return []
