"""``gapscan analyze``: compare vendor and customer answers, print or write a report."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from gapscan.cli import uncollected
from gapscan.cli._options import (
    By,
    Charts,
    ClusterColumn,
    Counts,
    Customer,
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
    Vendor,
    WeightColumn,
    Where,
    WhereNot,
    Width,
    check_counts,
    check_sides,
)
from gapscan.cli._output import echo_error, reporting_errors, run_inputs, wants_summary
from gapscan.cli._publish import (
    Destinations,
    OutputFormat,
    chart_directory,
    check_destinations,
    publish_report,
    report_chart_kinds,
    stamp,
)
from gapscan.cli._terminal import set_no_color
from gapscan.progress import set_quiet

if TYPE_CHECKING:
    from gapscan.analysis import AnalysisOptions
    from gapscan.report import GapReport
    from gapscan.survey import Survey

Files = list[Path] | None


def analyze(
    schema: Schema,
    data: Annotated[
        Files,
        typer.Argument(
            help="Data files holding both sides (default: the schema's 'data:').",
            show_default=False,
        ),
    ] = None,
    vendor: Vendor = None,
    customer: Customer = None,
    counts: Counts = None,
    by: By = None,
    where: Where = None,
    where_not: WhereNot = None,
    weight: WeightColumn = None,
    cluster: ClusterColumn = None,
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
    export_format: ExportFormat = None,
    sheet: Sheet = None,
    out: Out = None,
    baseline: Annotated[
        Path | None,
        typer.Option("--baseline", help="An earlier JSON report: test each gap's change since."),
    ] = None,
    charts: Charts = None,
    no_charts: NoCharts = False,
    distribution: Annotated[
        bool,
        typer.Option(
            "--distribution",
            help="Show every level's share: a table per question (table, markdown), "
            "the long-form CSV (csv) and a stacked-bar chart per question.",
        ),
    ] = False,
    junit: Junit = None,
    no_rules: NoRules = False,
    with_stamp: Stamp = False,
    width: Width = None,
    quiet: Quiet = False,
    step_summary: StepSummary = None,
    no_color: NoColor = False,
) -> None:
    """Compare vendors and customers on every question, overall and per segment.

    Exit code 0 when every rule held, 1 when a rule was breached, 2 on bad input.
    """
    set_quiet(quiet)
    set_no_color(no_color)
    with reporting_errors():
        with uncollected():
            from gapscan.analysis import (
                AnalysisOptions,
                analyze_loaded,
                load_data,
                refuse_paired_design,
            )
            from gapscan.responses import ReadOptions
            from gapscan.schema import load_schema
            from gapscan.subsets import command_line_filters
            from gapscan.survey import Mode

        check_sides(vendor, customer)
        check_counts(counts, data, vendor, customer)
        filters = command_line_filters(where, where_not)
        options = AnalysisOptions(
            segments=tuple(by) if by else None,
            apply_rules=not no_rules,
            mode=Mode.PAIRED if paired else None,
            show_accounts=show_accounts,
        )
        for note in options.notes:
            echo_error(f"note: {note}")
        survey = load_schema(schema)
        survey = replace(survey, filters=survey.filters + filters)
        survey = survey.with_design_columns(weight, cluster)
        refuse_paired_design(survey, options)
        inputs = run_inputs(schema, data, vendor=vendor, customer=customer, baseline=baseline)
        if counts is not None:
            inputs.add([counts], "the count table")
        elif not (data or vendor):
            inputs.add(survey.data, "the data file")
        chart_dir = chart_directory(out, output_format, charts, no_charts)
        summary = wants_summary(output_format, step_summary)
        to = Destinations(out, chart_dir, junit, inputs, summary)
        on_scales = [q.id for q in survey.questions if q.scale.numeric is None]
        segments = options.segments if options.segments is not None else survey.segments
        kinds = report_chart_kinds(on_scales, distribution, segments)
        check_destinations(to, *kinds)
        if counts is not None:
            report = _from_counts(survey, counts, options)
        else:
            loaded = load_data(
                survey,
                data or [],
                vendor=vendor or [],
                customer=customer or [],
                options=options,
                reading=ReadOptions(export_format=export_format, sheet=sheet),
            )
            for warning in loaded[0].warnings:
                echo_error(f"warning: {warning}")
            report = analyze_loaded(survey, loaded, options)
        if baseline is not None:
            from gapscan.trends import apply_baseline

            report = apply_baseline(report, survey, baseline)
        if with_stamp:
            report = replace(report, generated=stamp())
        publish_report(report, output_format, to, width=width, distribution=distribution)
    raise typer.Exit(report.exit_code)


def _from_counts(survey: Survey, counts: Path, options: AnalysisOptions) -> GapReport:
    """The report of a count table (``--counts``); a paired run's is per account."""
    from gapscan.analysis import analyze_counts
    from gapscan.count_accounts import read_paired_counts
    from gapscan.count_table import read_counts
    from gapscan.survey import Mode

    accounts = None
    if options.resolved_mode(survey) is Mode.PAIRED:
        tally, accounts = read_paired_counts(survey, counts, options.segments)
    else:
        tally = read_counts(survey, counts, options.segments, paired=False)
    for warning in tally.warnings:
        echo_error(f"warning: {warning}")
    return analyze_counts(survey, tally, options, accounts)
