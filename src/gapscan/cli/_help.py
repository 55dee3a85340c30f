"""The help screens: typer's layout (the usage line, the help text, panels of
arguments, options and commands, the epilog), drawn with rich's text, table and panel
alone. typer's own renderer (``typer.rich_utils``) imports rich's markdown and
traceback modules (markdown-it, pygments) at its top, about a fifth of the time
``gapscan --help`` took (benchmarks/RESULTS.md); gapscan's help is rich markup, never
markdown, and shows no traceback.

The screen is printed by gapscan's terminal rules (:mod:`gapscan.cli._terminal`): the
width of ``COLUMNS`` or the terminal (however narrow, unlike a table: help wraps),
colour only on a terminal (``NO_COLOR``, ``FORCE_COLOR``), no line ending in spaces.

What each parameter shows (its type, default, range) is typer's description of it,
read through methods typer keeps for its own renderer; a typer without them gets
typer's renderer (:func:`can_draw`)."""

from __future__ import annotations

import inspect
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.text import Text
    from typer._click.core import Command, Context, Parameter

ARGUMENTS, OPTIONS, COMMANDS = "Arguments", "Options", "Commands"
# typer's styles
_OPTION, _SWITCH = "bold cyan", "bold green"
_NEGATIVE_OPTION, _NEGATIVE_SWITCH = "bold magenta", "bold red"
_TYPES, _DIM = "bold yellow", "dim"
# an option (--name) or a switch (-n), not inside a word; a type (<...>)
_OPTION_RE = r"(?:^|(?<=\W))--[\w-]+(?![a-zA-Z0-9])"
_SWITCH_RE = r"(?:^|(?<=\W))-\w+(?![a-zA-Z0-9])"
_TYPE_RE = r"<[^>]+>"
_TYPE_MARKS_RE = r"^[\[<]|\||[\]>](?=(\.\.\.)?$)"  # dimmed in a parameter's type
# what typer's parameters answer for its renderer
_DESCRIBED = (
    "display_type_rich",
    "_get_number_range_help_str",
    "_extract_default_help_str",
    "_get_default_string",
)


def can_draw(command: Command, ctx: Context) -> bool:
    """Whether every parameter of ``command`` describes itself as this module reads it."""
    return all(all(hasattr(p, name) for name in _DESCRIBED) for p in command.get_params(ctx))


def print_help(command: Command, ctx: Context) -> None:
    """``command``'s help screen on standard output."""
    from rich.console import Group
    from rich.padding import Padding
    from rich.text import Text
    from typer.core import TyperGroup

    from gapscan.cli._output import write_stdout
    from gapscan.cli._terminal import colour_wanted, render, width

    usage = _highlighted(Text(command.get_usage(ctx), style="bold"))
    parts: list[RenderableType] = [Padding(usage, 1)]
    if command.help:
        parts.append(Padding(_help_text(command.help), (0, 1, 1, 1)))
    parts += _parameter_panels(command, ctx)
    if isinstance(command, TyperGroup):
        listed = (command.get_command(ctx, name) for name in command.list_commands(ctx))
        parts += _commands_panel([c for c in listed if c is not None and not c.hidden])
    if command.epilog:
        parts.append(Padding(_markup(inspect.cleandoc(command.epilog)), 1))
    stream = sys.stdout
    at = width(None, stream, narrowest=1)  # the terminal's, however narrow: help wraps
    write_stdout(render(Group(*parts), at, colour=colour_wanted(stream)))


def _markup(text: str, style: str = "") -> Text:
    """Help text (rich markup), its options, switches and types highlighted."""
    from rich.text import Text

    return _highlighted(Text.from_markup(text, style=style, emoji=False))


def _highlighted(shown: Text) -> Text:
    """Options, switches and types in typer's colours (``Usage:`` in yellow)."""
    shown.highlight_regex(_SWITCH_RE, _SWITCH)
    shown.highlight_regex(_OPTION_RE, _OPTION)
    shown.highlight_regex(_TYPE_RE, _TYPES)
    shown.highlight_words(["Usage: "], "yellow")
    return shown


def _help_text(help_text: str) -> RenderableType:
    """A command's help: its first paragraph as one line, the others dimmed."""
    from rich.console import Group
    from rich.text import Text

    first, *rest = inspect.cleandoc(help_text).partition("\f")[0].split("\n\n")
    parts: list[RenderableType] = [_markup(first.replace("\n", " ").strip())]
    if rest:
        parts += [Text(""), _markup("\n\n".join(rest), _DIM)]
    return Group(*parts)


def _parameter_panels(command: Command, ctx: Context) -> list[RenderableType]:
    """The arguments' panels, then the options' (a parameter's ``rich_help_panel``,
    else Arguments or Options), in the order typer shows them."""
    from typer.core import TyperArgument

    arguments: dict[str, list[Parameter]] = {ARGUMENTS: []}
    options: dict[str, list[Parameter]] = {OPTIONS: []}
    for param in command.get_params(ctx):
        if getattr(param, "hidden", False):
            continue
        is_argument = isinstance(param, TyperArgument)
        panels = arguments if is_argument else options
        title = getattr(param, "rich_help_panel", None) or (ARGUMENTS if is_argument else OPTIONS)
        panels.setdefault(title, []).append(param)
    return [
        _parameter_panel(title, params, ctx)
        for panels in (arguments, options)
        for title, params in panels.items()
        if params
    ]


def _parameter_panel(title: str, params: list[Parameter], ctx: Context) -> RenderableType:
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text
    from typer.core import TyperArgument

    rows: list[list[RenderableType]] = []
    for param in params:
        long: list[str] = []
        short: list[str] = []
        negative_long: list[str] = []
        negative_short: list[str] = []
        name = None  # an argument's, shown where an option's short form is
        if isinstance(param, TyperArgument):
            many = param.metavar is None and param.nargs != 1
            name = param.display_name_raw + ("..." if many else "")
        for opt in param.opts:
            (long if "--" in opt else short).append(opt if "--" in opt or name is None else name)
        for opt in param.secondary_opts:
            (negative_long if "--" in opt else negative_short).append(opt)
        described: Any = param
        types = Text(described.display_type_rich(ctx=ctx) or "", style=_TYPES, overflow="fold")
        ranged = described._get_number_range_help_str()
        if ranged:
            types.append(f" [{ranged}]")
        types.highlight_regex(_TYPE_MARKS_RE, _DIM)
        rows.append(
            [
                Text("*" if param.required else "", style="red"),
                Text(",".join(long), style=_OPTION),
                Text(",".join(short), style=_SWITCH if name is None else ""),
                Text(",".join(negative_long), style=_NEGATIVE_OPTION),
                Text(",".join(negative_short), style=_NEGATIVE_SWITCH),
                types,
                _parameter_help(param, ctx),
            ]
        )
    if not any(param.required for param in params):
        rows = [row[1:] for row in rows]
    table = Table(show_header=False, expand=True, box=None, pad_edge=False, padding=(0, 1))
    for row in rows:
        table.add_row(*row)
    return Panel(table, border_style=_DIM, title=title, title_align="left")


def _parameter_help(param: Parameter, ctx: Context) -> RenderableType:
    """A parameter's help, then its variable, default and whether it is required: side
    by side while they fit (rich's columns, which take the width the table leaves)."""
    from rich.columns import Columns
    from rich.text import Text

    paragraphs = [
        f"{p.strip(chr(8) + chr(10))}\n" if p.startswith("\b") else p.replace("\n", " ").strip()
        for p in (getattr(param, "help", None) or "").split("\n\n")
    ]
    items = [_markup("\n".join(paragraphs).strip())]
    envvar = getattr(param, "envvar", None)
    if envvar and getattr(param, "show_envvar", False):
        var = envvar if isinstance(envvar, str) else ", ".join(str(v) for v in envvar)
        items.append(Text(f"[env var: {var}]", style="dim yellow"))
    default = _default(param, ctx)
    if default:
        items.append(Text(f"[default: {default}]", style=_DIM))
    if param.required:
        items.append(Text("[required]", style="dim red"))
    return Columns(items)


def _default(param: Parameter, ctx: Context) -> str:
    """The default as typer shows it, or "" when it shows none."""
    described: Any = param
    show_default = getattr(param, "show_default", None)
    value = described._extract_default_help_str(ctx=ctx)
    as_text = isinstance(show_default, str)
    if not as_text and (value is None or not (show_default or ctx.show_default)):
        return ""
    shown = described._get_default_string(ctx=ctx, show_default_is_str=as_text, default_value=value)
    return str(shown)


def _commands_panel(commands: list[Command]) -> list[RenderableType]:
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    if not commands:
        return []
    table = Table(show_header=False, expand=True, box=None, pad_edge=False, padding=(0, 1))
    width = max(len(c.name or "") for c in commands)
    table.add_column(style=_OPTION, no_wrap=True, width=width)
    table.add_column(justify="left", no_wrap=False, ratio=10)
    for command in commands:
        first = inspect.cleandoc(command.short_help or command.help or "").split("\n\n")[0]
        table.add_row(Text(command.name or ""), _markup(first.replace("\b\n", "").strip()))
    return [Panel(table, border_style=_DIM, title=COMMANDS, title_align="left")]
