"""``gapscan trend``: each question's gap across waves, and how it changed."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from gapscan.cli import uncollected
from gapscan.cli._options import (
    ClusterColumn,
    ExportFormat,
    Junit,
    NoCharts,
    NoColor,
    NoRules,
    Out,
    Quiet,
    Schema,
    Sheet,
    Stamp,
    StepSummary,
    WeightColumn,
    Where,
    WhereNot,
    Width,
)
from gapscan.cli._output import reporting_errors, run_inputs, wants_summary
from gapscan.cli._publish import (
    Destinations,
    OutputFormat,
    chart_directory,
    check_destinations,
    publish_trend,
    stamp,
)
from gapscan.cli._terminal import set_no_color
from gapscan.progress import set_quiet


def trend(
    schema: Schema,
    data: Annotated[
        list[Path],
        typer.Argument(help="One data file per wave, oldest first.", show_default=False),
    ],
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Output format.")
    ] = OutputFormat.table,
    where: Where = None,
    where_not: WhereNot = None,
    weight: WeightColumn = None,
    cluster: ClusterColumn = None,
    export_format: ExportFormat = None,
    sheet: Sheet = None,
    out: Out = None,
    charts: Annotated[
        Path | None,
        typer.Option(
            "--charts",
            help="Write the trend chart here (default: charts/ next to a markdown --out).",
        ),
    ] = None,
    no_charts: NoCharts = False,
    junit: Junit = None,
    no_rules: NoRules = False,
    with_stamp: Stamp = False,
    width: Width = None,
    quiet: Quiet = False,
    step_summary: StepSummary = None,
    no_color: NoColor = False,
) -> None:
    """Show each question's gap in every wave and test its change since the previous one.

    The wave of a file is its 'wave' column, else a quarter in its name (2026Q3).
    Rules are checked on the latest wave; gap_change rules on its change.
    """
    set_quiet(quiet)
    set_no_color(no_color)
    with reporting_errors():
        with uncollected():
            from gapscan.analysis import AnalysisOptions, refuse_paired_design
            from gapscan.responses import ReadOptions
            from gapscan.schema import load_schema
            from gapscan.subsets import command_line_filters
            from gapscan.trends import build_trend

        filters = command_line_filters(where, where_not)
        survey = load_schema(schema)
        survey = replace(survey, filters=survey.filters + filters)
        survey = survey.with_design_columns(weight, cluster)
        options = AnalysisOptions(apply_rules=not no_rules)
        refuse_paired_design(survey, options)
        chart_dir = chart_directory(out, output_format, charts, no_charts)
        summary = wants_summary(output_format, step_summary)
        to = Destinations(out, chart_dir, junit, run_inputs(schema, data), summary)
        check_destinations(to, "trend")
        reading = ReadOptions(export_format=export_format, sheet=sheet)
        report = build_trend(survey, data, options, reading)
        if with_stamp:
            report = replace(report, generated=stamp())
        publish_trend(report, output_format, to, width=width)
    raise typer.Exit(report.exit_code)
