"""``gapscan analyze``: compare vendor and customer answers, print or write a report."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from gapscan.cli._output import reporting_errors
from gapscan.cli._publish import OutputFormat, chart_directory, publish_report, stamp

Files = list[Path] | None


def analyze(
    schema: Annotated[Path, typer.Argument(help="The survey schema (YAML).", show_default=False)],
    data: Annotated[
        Files,
        typer.Argument(
            help="Data files holding both sides (default: the schema's 'data:').",
            show_default=False,
        ),
    ] = None,
    vendor: Annotated[
        Files, typer.Option("--vendor", help="A file of vendor-side answers.")
    ] = None,
    customer: Annotated[
        Files, typer.Option("--customer", help="A file of customer-side answers.")
    ] = None,
    by: Annotated[
        list[str] | None,
        typer.Option("--by", help="Break down by this column (instead of the schema's segments)."),
    ] = None,
    paired: Annotated[
        bool,
        typer.Option("--paired", help="Compare answers pair by pair, by the schema's pair_by key."),
    ] = False,
    show_accounts: Annotated[
        int,
        typer.Option(
            "--show-accounts",
            help="Paired: list the N most misjudged accounts by key (keys can be sensitive).",
            min=0,
        ),
    ] = 0,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Output format.")
    ] = OutputFormat.table,
    export_format: Annotated[
        str | None,
        typer.Option(
            "--export-format",
            help="The survey tool that wrote the files, when detection is wrong: "
            "qualtrics, surveymonkey, googleforms, limesurvey or plain.",
        ),
    ] = None,
    sheet: Annotated[
        str | None, typer.Option("--sheet", help="The XLSX sheet to read (default: the first).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write to this file instead of stdout.")
    ] = None,
    baseline: Annotated[
        Path | None,
        typer.Option("--baseline", help="An earlier JSON report: test each gap's change since."),
    ] = None,
    charts: Annotated[
        Path | None,
        typer.Option(
            "--charts", help="Write charts (SVG, PNG) here [default: next to a markdown report]."
        ),
    ] = None,
    no_charts: Annotated[bool, typer.Option("--no-charts", help="Write no charts.")] = False,
    junit: Annotated[
        Path | None, typer.Option("--junit", help="Write each rule x question as JUnit XML here.")
    ] = None,
    no_rules: Annotated[
        bool, typer.Option("--no-rules", help="Do not check the schema's rules (exit 0).")
    ] = False,
    with_stamp: Annotated[
        bool, typer.Option("--stamp", help="Add the time of the run to the report.")
    ] = False,
    width: Annotated[
        int | None, typer.Option("--width", help="Table width in characters (default: terminal).")
    ] = None,
) -> None:
    """Compare vendors and customers on every question, overall and per segment.

    Exit code 0 when every rule held, 1 when a rule was breached, 2 on bad input.
    """
    with reporting_errors():
        from gapscan.analysis import AnalysisOptions
        from gapscan.analysis import analyze as run_analysis
        from gapscan.errors import GapscanError
        from gapscan.responses import ReadOptions, load_responses
        from gapscan.schema import load_schema
        from gapscan.survey import Mode

        if bool(vendor) != bool(customer):
            raise GapscanError.single(
                "--vendor and --customer go together",
                hint="give one file (or more) for each side",
            )
        options = AnalysisOptions(
            segments=tuple(by) if by else None,
            apply_rules=not no_rules,
            mode=Mode.PAIRED if paired else None,
            show_accounts=show_accounts,
        )
        survey = load_schema(schema)
        responses = load_responses(
            survey,
            data or [],
            vendor=vendor or [],
            customer=customer or [],
            segments=options.segments,
            paired=options.resolved_mode(survey) is Mode.PAIRED,
            reading=ReadOptions(export_format=export_format, sheet=sheet),
        )
        report = run_analysis(survey, responses, options)
        if baseline is not None:
            from gapscan.trends import apply_baseline

            report = apply_baseline(report, survey, baseline)
        if with_stamp:
            report = replace(report, generated=stamp())
        publish_report(
            report,
            output_format,
            out,
            width=width,
            charts=chart_directory(out, output_format, charts, no_charts),
            junit=junit,
        )
    raise typer.Exit(report.exit_code)
