"""``gapscan init``: draft a schema from an export."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from gapscan.cli._options import Customer, ExportFormat, Sheet, Vendor, check_sides
from gapscan.cli._output import reporting_errors, run_inputs, write_text


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
) -> None:
    """Draft a survey schema from an export: scales, top boxes, sides, questions.

    Likert-type columns are recognised by their answers; free text and the survey
    tool's own columns are left out and listed as comments.
    """
    with reporting_errors():
        from gapscan.drafting import draft_schema
        from gapscan.errors import GapscanError

        check_sides(vendor, customer)
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
        )
        write_text(text, out, inputs, what="schema")
        if out is not None:
            from gapscan.text import visible

            shown = visible(str(out))
            typer.echo(f"wrote {shown}: check it, then run gapscan validate {shown}", err=True)
