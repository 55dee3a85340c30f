"""The typer app: one small module per command, mounted on one app."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer
from typer.core import TyperCommand, TyperGroup

from gapscan.cli import analyze as _analyze
from gapscan.cli import columns as _columns
from gapscan.cli import init as _init
from gapscan.cli import sql as _sql
from gapscan.cli import trend as _trend
from gapscan.cli import validate as _validate
from gapscan.cli import weights as _weights
from gapscan.cli._examples import epilog

if TYPE_CHECKING:
    from typer._click.core import Command, Context, Parameter
    from typer._click.formatting import HelpFormatter
    from typer.core import TyperOption

EXIT_CODES = "Exit codes: 0 every rule held; 1 a rule was breached; 2 bad usage or bad input."


def _plain_flags(params: list[Parameter]) -> list[Parameter]:
    """A flag takes no value: no type shown after it (typer's help shows ``<bool>``)."""
    for param in params:
        if getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""
    return params


def _reflowed(text: str | None) -> str | None:
    """A docstring's paragraphs as paragraphs: typer's rich help keeps each line break
    of the source, so that lines wrapped for the code are wrapped again at the width
    of the terminal."""
    if text is None:
        return None
    return "\n\n".join(" ".join(part.split()) for part in text.split("\n\n"))


def _drawn(command: Command, ctx: Context) -> bool:
    """Print the help screen by :mod:`gapscan.cli._help` (False: typer's renderer, for
    a typer whose parameters do not describe themselves as it reads them)."""
    from gapscan.cli import _help

    if not _help.can_draw(command, ctx):
        return False
    _help.print_help(command, ctx)
    return True


def _help_and_exit(ctx: Context, code: int) -> None:
    """The help screen, then exit ``code``. Nothing is written after the screen (click's
    own ``--help`` writes an empty line more, which a reader gone by then, ``| head -2``,
    made exit 1)."""
    text = ctx.get_help()  # empty once printed
    if text:
        typer.echo(text)
    ctx.exit(code)


def _show_help(ctx: Context, param: Parameter, value: bool) -> None:
    """``--help``'s callback."""
    if value and not ctx.resilient_parsing:
        _help_and_exit(ctx, 0)


def _help_if_no_args(command: Command, ctx: Context, args: list[str]) -> None:
    """``no_args_is_help``: the help screen, and exit 2 as click's error would, without
    that error going to typer's error renderer (which prints nothing for it)."""
    if not args and command.no_args_is_help and not ctx.resilient_parsing:
        _help_and_exit(ctx, 2)


if TYPE_CHECKING:
    _Base = Command  # what both of typer's classes below are
else:
    _Base = object


class _Screens(_Base):
    """What gapscan's commands and its group do alike: flags shown without a type, the
    help drawn by :mod:`gapscan.cli._help`, and no arguments the help screen."""

    def get_params(self, ctx: Context) -> list[Parameter]:
        return _plain_flags(super().get_params(ctx))

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        _help_if_no_args(self, ctx, args)
        return super().parse_args(ctx, args)

    def format_help(self, ctx: Context, formatter: HelpFormatter) -> None:
        if not _drawn(self, ctx):
            super().format_help(ctx, formatter)

    def get_help_option(self, ctx: Context) -> TyperOption | None:
        option = super().get_help_option(ctx)
        if option is not None:
            option.callback = _show_help
        return option


class _Command(_Screens, TyperCommand):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.help = _reflowed(self.help)


class _Group(_Screens, TyperGroup):
    pass


app = typer.Typer(
    name="gapscan",
    cls=_Group,
    help="Measure the perception gap between vendors and their customers.",
    epilog=epilog("", EXIT_CODES),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


def _command(name: str) -> Any:
    """``app.command`` for the command ``name``, with its examples."""
    return app.command(name=name, cls=_Command, epilog=epilog(name), no_args_is_help=True)


_command("analyze")(_analyze.analyze)
_command("trend")(_trend.trend)
_command("validate")(_validate.validate)
_command("init")(_init.init)
_command("weights")(_weights.weights)
_command("columns")(_columns.columns)
_command("sql")(_sql.sql)


def _show_version(value: bool) -> None:
    if value:
        from gapscan import __version__

        typer.echo(f"gapscan {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(
        False,
        "--version",
        "-V",
        help="Show the version and exit.",
        callback=_show_version,
        is_eager=True,
    ),
) -> None:
    """Measure the perception gap between vendors and their customers.

    Exit codes: 0 every rule held; 1 a rule was breached; 2 bad usage or bad input.
    """
