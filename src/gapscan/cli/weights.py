"""``gapscan weights``: make each respondent's weight by the schema's ``weighting:``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from gapscan.cli import uncollected
from gapscan.cli._options import Customer, ExportFormat, Quiet, Schema, Sheet, Vendor, check_sides
from gapscan.cli._output import RunOutputs, echo_error, reporting_errors, run_inputs
from gapscan.progress import set_quiet

if TYPE_CHECKING:
    from gapscan.survey import Survey
    from gapscan.weighting_run import RespondentWeights


def weights(
    schema: Schema,
    data: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Data files holding both sides (default: the schema's 'data:').",
            show_default=False,
        ),
    ] = None,
    vendor: Vendor = None,
    customer: Customer = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Write the weights (CSV) to this file instead of stdout."),
    ] = None,
    export_format: ExportFormat = None,
    sheet: Sheet = None,
    quiet: Quiet = False,
) -> None:
    """Write each respondent's weight, raked or post-stratified to the schema's targets.

    One row per respondent (respondent_id, side, weight) as CSV; a summary goes to
    stderr. These are the weights analyze applies.

    Exit code 0 when the weights are written, 2 on bad input or unreachable targets.
    """
    set_quiet(quiet)
    with reporting_errors():
        with uncollected():
            from gapscan.schema import load_schema
            from gapscan.weighting_run import require_weighting

        check_sides(vendor, customer)
        survey = load_schema(schema)
        require_weighting(survey)  # a schema without weighting: is refused first
        inputs = run_inputs(schema, data, vendor=vendor, customer=customer)
        inputs = inputs if data or vendor else inputs.add(survey.data, "the data file")
        with RunOutputs(inputs) as outputs:
            outputs.plan(out, "--out", "weights")
            outputs.check()  # before reading anything: an output onto an input is refused
            made = _made(survey, data, vendor, customer, export_format, sheet)
            outputs.write(out, made.to_csv())
            outputs.commit()
        for line in made.summary_lines():
            echo_error(f"weights: {line}")


def _made(
    survey: Survey,
    data: list[Path] | None,
    vendor: list[Path] | None,
    customer: list[Path] | None,
    export_format: str | None,
    sheet: str | None,
) -> RespondentWeights:
    from gapscan.responses import ReadOptions, load_responses
    from gapscan.weighting_run import RespondentWeights

    responses = load_responses(
        survey,
        data or [],
        vendor=vendor or [],
        customer=customer or [],
        segments=(),
        reading=ReadOptions(export_format=export_format, sheet=sheet),
        origins=True,
    )
    for warning in responses.warnings:
        echo_error(f"warning: {warning}")
    return RespondentWeights.of(responses)
