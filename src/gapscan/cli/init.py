"""``gapscan init``: draft a schema from an export."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from gapscan.cli import uncollected
from gapscan.cli._options import Customer, ExportFormat, Sheet, Vendor, check_sides
from gapscan.cli._output import reporting_errors, run_inputs, write_text

if TYPE_CHECKING:
    from gapscan.drafting import SideChoice


def init(
    data: Annotated[
        list[Path] | None,
        typer.Argument(help="Exports holding both sides.", show_default=False),
    ] = None,
    vendor: Vendor = None,
    customer: Customer = None,
    export_format: ExportFormat = None,
    sheet: Sheet = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the schema here (default: stdout).")
    ] = None,
    title: Annotated[str | None, typer.Option("--title", help="The survey's title.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite --out if it exists.")] = False,
    side_column: Annotated[
        str | None,
        typer.Option(
            "--side-column",
            help="The column telling vendors from customers (a name gapscan columns prints).",
            show_default=False,
        ),
    ] = None,
    vendor_values: Annotated[
        list[str] | None,
        typer.Option(
            "--vendor-values",
            help="With --side-column: its values meaning the vendor side (A,B).",
            show_default=False,
        ),
    ] = None,
    customer_values: Annotated[
        list[str] | None,
        typer.Option(
            "--customer-values",
            help="With --side-column: its values meaning the customer side (C).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Draft a survey schema from an export: scales, top boxes, sides, questions.

    Likert-type columns are recognised by their answers; free text and the survey
    tool's own columns are left out and listed as comments. The side column is
    proposed from the values, or named with --side-column.
    """
    with reporting_errors():
        with uncollected():
            from gapscan.drafting import draft_schema
            from gapscan.errors import GapscanError

        check_sides(vendor, customer)
        choice = _side_choice(side_column, vendor_values, customer_values, bool(vendor))
        if not data and not vendor:
            raise GapscanError.single("no data given", hint="gapscan init DATA --out survey.yaml")
        inputs = run_inputs(None, data, vendor=vendor, customer=customer)
        if out is not None and inputs.read_at(out) is None and out.exists() and not force:
            raise GapscanError.single(
                "the schema file already exists", file=str(out), hint="use --force to replace it"
            )
        text = draft_schema(
            data or [],
            vendor=vendor or [],
            customer=customer or [],
            title=title,
            schema_dir=out.parent if out is not None else Path.cwd(),
            export_format=export_format,
            sheet=sheet,
            choice=choice,
        )
        write_text(text, out, inputs, what="schema")
        if out is not None:
            from gapscan.text import visible

            shown = visible(str(out))
            typer.echo(f"wrote {shown}: check it, then run gapscan validate {shown}", err=True)


def _side_choice(
    column: str | None,
    vendor_values: list[str] | None,
    customer_values: list[str] | None,
    two_files: bool,
) -> SideChoice | None:
    """--side-column and its values; each value option may be repeated or hold
    comma-separated values."""
    from gapscan.drafting import SideChoice
    from gapscan.errors import GapscanError

    vendors, customers = _values(vendor_values), _values(customer_values)
    if column is None:
        if vendors or customers:
            raise GapscanError.single(
                "--vendor-values and --customer-values need --side-column",
                hint="gapscan init DATA --side-column COLUMN --vendor-values A,B",
            )
        return None
    if two_files:
        raise GapscanError.single(
            "--side-column is for a file holding both sides, not --vendor/--customer files",
            hint="give the file as DATA with --side-column, or the two files without it",
        )
    return SideChoice(column, vendors, customers)


def _values(given: list[str] | None) -> tuple[str, ...]:
    return tuple(v.strip() for item in given or [] for v in item.split(",") if v.strip())
