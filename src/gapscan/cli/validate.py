"""``gapscan validate``: every schema and data problem at once."""

from __future__ import annotations

import contextlib
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from gapscan.cli import uncollected
from gapscan.cli._options import (
    ClusterColumn,
    Counts,
    Customer,
    ExportFormat,
    NoColor,
    Out,
    Quiet,
    Schema,
    Sheet,
    Vendor,
    WeightColumn,
    Where,
    WhereNot,
    check_counts,
    check_sides,
)
from gapscan.cli._output import Inputs, reporting_errors, run_inputs, write_text
from gapscan.cli._terminal import set_no_color
from gapscan.progress import set_quiet


class ValidateFormat(StrEnum):
    table = "table"
    json = "json"


def validate(
    schema: Schema,
    data: Annotated[
        list[Path] | None,
        typer.Argument(help="Data files (default: the schema's 'data:').", show_default=False),
    ] = None,
    vendor: Vendor = None,
    customer: Customer = None,
    counts: Counts = None,
    by: Annotated[
        list[str] | None, typer.Option("--by", help="Check this breakdown column too.")
    ] = None,
    where: Where = None,
    where_not: WhereNot = None,
    weight: WeightColumn = None,
    cluster: ClusterColumn = None,
    output_format: Annotated[
        ValidateFormat, typer.Option("--format", "-f", help="Output format.")
    ] = ValidateFormat.table,
    export_format: ExportFormat = None,
    sheet: Sheet = None,
    out: Out = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Treat warnings as problems (exit 2).")
    ] = False,
    quiet: Quiet = False,
    no_color: NoColor = False,
) -> None:
    """Check a schema and its data and list every problem found.

    Exit code 0 when there is no error (warnings are listed), 2 when there is one.
    """
    set_quiet(quiet)
    set_no_color(no_color)
    with reporting_errors():
        with uncollected():
            from gapscan.responses import ReadOptions
            from gapscan.subsets import command_line_filters
            from gapscan.validation import validate as run_validation

        check_sides(vendor, customer)
        check_counts(counts, data, vendor, customer)
        filters = command_line_filters(where, where_not)
        report = run_validation(
            schema,
            data or [],
            vendor=vendor or [],
            customer=customer or [],
            segments=tuple(by) if by else None,
            reading=ReadOptions(export_format=export_format, sheet=sheet),
            filters=filters,
            design_columns=(weight, cluster),
            counts=counts,
        )
        if counts is not None:
            inputs = run_inputs(schema).add([counts], "the count table")
        else:
            inputs = _inputs(schema, data, vendor, customer)
        if output_format is ValidateFormat.json:
            from gapscan.text import json_dumps

            write_text(json_dumps(report.to_dict(), allow_nan=True) + "\n", out, inputs)
        else:
            from gapscan.cli._publish import plain_text, print_renderable
            from gapscan.render.validation import render

            if out is None:
                print_renderable(render(report), None)
            else:
                write_text(plain_text(render(report), None), out, inputs)
    raise typer.Exit(report.exit_code(strict))


def _inputs(
    schema: Path, data: list[Path] | None, vendor: list[Path] | None, customer: list[Path] | None
) -> Inputs:
    """What the run read; without named data files, the schema's 'data:' as far as
    the schema can be read."""
    from gapscan.errors import GapscanError
    from gapscan.schema import load_schema

    schema_data: tuple[Path, ...] = ()
    if not (data or vendor or customer):
        with contextlib.suppress(GapscanError):
            schema_data = load_schema(schema).data
    return run_inputs(schema, data, vendor=vendor, customer=customer, schema_data=schema_data)
