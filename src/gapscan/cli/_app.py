"""The typer app: one small module per command, mounted on one app."""

from __future__ import annotations

import typer

from gapscan.cli import analyze as _analyze
from gapscan.cli import columns as _columns
from gapscan.cli import init as _init
from gapscan.cli import sql as _sql
from gapscan.cli import trend as _trend
from gapscan.cli import validate as _validate
from gapscan.cli import weights as _weights

app = typer.Typer(
    name="gapscan",
    help="Measure the perception gap between vendors and their customers.",
    epilog="Exit codes: 0 every rule held; 1 a rule was breached; 2 bad usage or bad input.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command(name="analyze", no_args_is_help=True)(_analyze.analyze)
app.command(name="trend", no_args_is_help=True)(_trend.trend)
app.command(name="validate", no_args_is_help=True)(_validate.validate)
app.command(name="init", no_args_is_help=True)(_init.init)
app.command(name="weights", no_args_is_help=True)(_weights.weights)
app.command(name="columns", no_args_is_help=True)(_columns.columns)
app.command(name="sql", no_args_is_help=True)(_sql.sql)


def _show_version(value: bool) -> None:
    if value:
        from gapscan import __version__

        typer.echo(f"gapscan {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", help="Show the version and exit.", callback=_show_version, is_eager=True
    ),
) -> None:
    """Measure the perception gap between vendors and their customers.

    Exit codes: 0 every rule held; 1 a rule was breached; 2 bad usage or bad input.
    """
