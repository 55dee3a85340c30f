"""``gapscan analyze``: compare vendor and customer answers, print or write a report."""

from __future__ import annotations

import io
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from gapscan.cli._output import reporting_errors, write_text

if TYPE_CHECKING:
    from gapscan.report import GapReport


MIN_WIDTH = 100  # the table needs about this much; narrower terminals wrap it


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def analyze(
    schema: Annotated[Path, typer.Argument(help="The survey schema (YAML).", show_default=False)],
    data: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Data files holding both sides (default: the schema's 'data:').",
            show_default=False,
        ),
    ] = None,
    vendor: Annotated[
        list[Path] | None, typer.Option("--vendor", help="A file of vendor-side answers.")
    ] = None,
    customer: Annotated[
        list[Path] | None, typer.Option("--customer", help="A file of customer-side answers.")
    ] = None,
    by: Annotated[
        list[str] | None,
        typer.Option("--by", help="Break down by this column (instead of the schema's segments)."),
    ] = None,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Output format.")
    ] = OutputFormat.table,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write to this file instead of stdout.")
    ] = None,
    no_rules: Annotated[
        bool, typer.Option("--no-rules", help="Do not check the schema's rules (exit 0).")
    ] = False,
    width: Annotated[
        int | None, typer.Option("--width", help="Table width in characters (default: terminal).")
    ] = None,
) -> None:
    """Compare vendors and customers on every question, overall and per segment.

    Exit code 0 when every rule held, 1 when a rule was breached, 2 on bad input.
    """
    with reporting_errors():
        from gapscan.analysis import AnalysisOptions, analyze_files
        from gapscan.errors import GapscanError

        if bool(vendor) != bool(customer):
            raise GapscanError.single(
                "--vendor and --customer go together",
                hint="give one file (or more) for each side",
            )
        options = AnalysisOptions(segments=tuple(by) if by else None, apply_rules=not no_rules)
        report = analyze_files(
            schema, data or [], vendor=vendor or [], customer=customer or [], options=options
        )
        if output_format is OutputFormat.table and out is None:
            _print_table(report, width)
        else:
            write_text(_render(report, output_format, width), out)
    raise typer.Exit(report.exit_code)


def _render(report: GapReport, output_format: OutputFormat, width: int | None) -> str:
    if output_format is OutputFormat.json:
        from gapscan.render import json

        return json.render(report)
    if output_format is OutputFormat.csv:
        from gapscan.render import csv

        return csv.render(report)
    from rich.console import Console

    from gapscan.render import console

    buffer = io.StringIO()
    Console(file=buffer, width=width or MIN_WIDTH, no_color=True, highlight=False).print(
        console.render(report)
    )
    return buffer.getvalue()


def _print_table(report: GapReport, width: int | None) -> None:
    from rich.console import Console

    from gapscan.render import console

    terminal = Console(highlight=False)
    terminal.width = width or max(MIN_WIDTH, terminal.width)
    terminal.print(console.render(report))
