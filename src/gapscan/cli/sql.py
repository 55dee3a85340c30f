"""``gapscan sql``: print the query that builds the count table inside a SQL engine."""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum
from typing import Annotated

import typer

from gapscan.cli import uncollected
from gapscan.cli._options import By, ClusterColumn, Schema, WeightColumn, Where, WhereNot
from gapscan.cli._output import echo_error, reporting_errors, write_stdout


class Dialect(StrEnum):
    duckdb = "duckdb"
    spark = "spark"
    bigquery = "bigquery"
    snowflake = "snowflake"
    postgres = "postgres"
    trino = "trino"


def sql(
    schema: Schema,
    table: Annotated[
        str,
        typer.Option(
            "--table",
            help="The table (or view) holding the responses, one row per respondent; "
            "qualified as the engine names it: proj.dataset.responses.",
            show_default=False,
        ),
    ],
    dialect: Annotated[
        Dialect, typer.Option("--dialect", help="The SQL engine the query is written for.")
    ] = Dialect.duckdb,
    by: By = None,
    where: Where = None,
    where_not: WhereNot = None,
    weight: WeightColumn = None,
    cluster: ClusterColumn = None,
    paired: Annotated[
        bool,
        typer.Option(
            "--paired",
            help="Count per account (the schema's pair_by key): the table that "
            "`gapscan analyze --counts FILE --paired` reads.",
        ),
    ] = False,
) -> None:
    """Print the SQL statement that counts the responses inside the engine.

    Its result is the count table that `gapscan analyze --counts` reads.
    """
    with reporting_errors():
        with uncollected():
            from gapscan.schema import load_schema
            from gapscan.sql import count_query
            from gapscan.subsets import command_line_filters

        filters = command_line_filters(where, where_not)
        survey = load_schema(schema)
        survey = replace(survey, filters=survey.filters + filters)
        survey = survey.with_design_columns(weight, cluster)
        segments = tuple(by) if by else None
        query = count_query(survey, table, dialect.value, segments=segments, paired=paired)
        if survey.design is not None and survey.design.fpc is not None:
            echo_error(
                f"note: the count table does not carry the design's fpc "
                f"('{survey.design.fpc}'): give it to gapscan analyze with the schema"
            )
        write_stdout(query + "\n")
