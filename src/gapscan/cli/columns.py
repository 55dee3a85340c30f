"""``gapscan columns``: an export's columns, the names a schema uses for them."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from gapscan.cli import uncollected
from gapscan.cli._options import ExportFormat, Out, Sheet
from gapscan.cli._output import reporting_errors, run_inputs, write_text


class ColumnsFormat(StrEnum):
    table = "table"
    json = "json"


def columns(
    data: Annotated[Path, typer.Argument(help="An export.", show_default=False)],
    output_format: Annotated[
        ColumnsFormat, typer.Option("--format", "-f", help="Output format.")
    ] = ColumnsFormat.table,
    export_format: ExportFormat = None,
    sheet: Sheet = None,
    out: Out = None,
) -> None:
    """List an export's columns and the names a schema uses for them (like csvcut -n).

    Each column's position, name, question text, ImportId, number of distinct answers,
    blank cells and commonest answers. Every name listed is accepted by the schema and
    by init --side-column.
    """
    with reporting_errors():
        with uncollected():
            from gapscan.draft_columns import column_lines, column_records, read_columns
            from gapscan.text import json_dumps, visible

        found = read_columns([data], export_format, sheet, responses_only=False)
        if output_format is ColumnsFormat.json:
            text = json_dumps(column_records(found)) + "\n"
        else:
            text = "".join(visible(line) + "\n" for line in column_lines(found))
        write_text(text, out, run_inputs(None, [data]), what="column list")
