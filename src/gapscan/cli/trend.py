"""``gapscan trend``: each question's gap across waves, and how it changed."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from gapscan.cli._output import reporting_errors
from gapscan.cli._publish import OutputFormat, chart_directory, publish_trend, stamp


def trend(
    schema: Annotated[Path, typer.Argument(help="The survey schema (YAML).", show_default=False)],
    data: Annotated[
        list[Path],
        typer.Argument(help="One data file per wave, oldest first.", show_default=False),
    ],
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
    charts: Annotated[
        Path | None,
        typer.Option(
            "--charts", help="Write the trend chart here [default: next to a markdown report]."
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
    """Show each question's gap in every wave and test its change since the previous one.

    The wave of a file is its 'wave' column, else a quarter in its name (2026Q3).
    Rules are checked on the latest wave; gap_change rules on its change.
    """
    with reporting_errors():
        from gapscan.analysis import AnalysisOptions
        from gapscan.responses import ReadOptions
        from gapscan.schema import load_schema
        from gapscan.trends import build_trend

        survey = load_schema(schema)
        reading = ReadOptions(export_format=export_format, sheet=sheet)
        report = build_trend(survey, data, AnalysisOptions(apply_rules=not no_rules), reading)
        if with_stamp:
            report = replace(report, generated=stamp())
        publish_trend(
            report,
            output_format,
            out,
            width=width,
            charts=chart_directory(out, output_format, charts, no_charts),
            junit=junit,
        )
    raise typer.Exit(report.exit_code)
