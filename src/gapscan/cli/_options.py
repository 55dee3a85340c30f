"""The options the commands share, declared once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from gapscan.errors import GapscanError

Schema = Annotated[Path, typer.Argument(help="The survey schema (YAML).", show_default=False)]
Vendor = Annotated[
    list[Path] | None, typer.Option("--vendor", help="A file of vendor-side answers.")
]
Customer = Annotated[
    list[Path] | None, typer.Option("--customer", help="A file of customer-side answers.")
]
By = Annotated[
    list[str] | None,
    typer.Option("--by", help="Break down by this column (instead of the schema's segments)."),
]
ExportFormat = Annotated[
    str | None,
    typer.Option(
        "--export-format",
        help="The survey tool that wrote the files, when detection is wrong: "
        "qualtrics, surveymonkey, googleforms, limesurvey or plain.",
    ),
]
Sheet = Annotated[
    str | None, typer.Option("--sheet", help="The XLSX sheet to read (default: the first).")
]
Out = Annotated[
    Path | None, typer.Option("--out", "-o", help="Write to this file instead of stdout.")
]
Charts = Annotated[
    Path | None,
    typer.Option(
        "--charts",
        help="Write charts (SVG, PNG) here (default: charts/ next to a markdown --out).",
    ),
]
NoCharts = Annotated[bool, typer.Option("--no-charts", help="Write no charts.")]
Junit = Annotated[
    Path | None, typer.Option("--junit", help="Write each rule x question as JUnit XML here.")
]
NoRules = Annotated[
    bool, typer.Option("--no-rules", help="Do not check the schema's rules (exit 0).")
]
Stamp = Annotated[bool, typer.Option("--stamp", help="Add the time of the run to the report.")]
Width = Annotated[
    int | None,
    typer.Option(
        "--width",
        min=60,
        help="Table width in characters, 60 or more (default: COLUMNS, else the terminal's).",
    ),
]
NoColor = Annotated[
    bool,
    typer.Option(
        "--no-color",
        help="Plain text, no colour (also NO_COLOR=1; FORCE_COLOR=1 colours piped output).",
    ),
]
Where = Annotated[
    list[str] | None,
    typer.Option(
        "--where",
        help="Keep only the rows whose COLUMN holds one of the values: COLUMN=V1,V2 "
        "(repeatable; quote a value holding a comma: COLUMN='\"A, B\",C').",
    ),
]
WhereNot = Annotated[
    list[str] | None,
    typer.Option(
        "--where-not", help="Drop the rows whose COLUMN holds one of the values (repeatable)."
    ),
]

WeightColumn = Annotated[
    str | None,
    typer.Option("--weight", help="The respondent weight column (instead of the schema's)."),
]
ClusterColumn = Annotated[
    str | None,
    typer.Option(
        "--cluster",
        help="The cluster (primary sampling unit) column, such as an account id: "
        "respondents of one cluster are correlated.",
    ),
]


def check_sides(vendor: list[Path] | None, customer: list[Path] | None) -> None:
    if bool(vendor) != bool(customer):
        raise GapscanError.single(
            "--vendor and --customer go together", hint="give one file (or more) for each side"
        )


Counts = Annotated[
    Path | None,
    typer.Option(
        "--counts",
        help="Analyse a count table (CSV or Parquet: question, side, segments, answer, n, ...; "
        "see gapscan sql) instead of data files.",
        show_default=False,
    ),
]


def check_counts(counts: Path | None, *data: list[Path] | None) -> None:
    """--counts replaces the data files: both at once is an error."""
    if counts is not None and any(data):
        from gapscan.errors import GapscanError

        raise GapscanError.single(
            "--counts replaces the data files: give a count table or data files, not both",
            hint="drop the data files (and --vendor/--customer), or --counts",
        )


Quiet = Annotated[
    bool,
    typer.Option(
        "--quiet",
        "-q",
        help="No progress bar on stderr (it is shown only on a terminal, outside CI, for "
        "inputs that take more than a second to read).",
    ),
]


StepSummary = Annotated[
    bool | None,
    typer.Option(
        "--step-summary/--no-step-summary",
        help="Add the markdown report to the job's summary page ($GITHUB_STEP_SUMMARY). "
        "Default: for table, markdown and html runs; not for json or csv.",
        show_default=False,
        rich_help_panel="GitHub Actions",
    ),
]
