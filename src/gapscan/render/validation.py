"""The terminal view of ``gapscan validate``."""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from gapscan.render._format import excluded_text
from gapscan.text import terminal, visible
from gapscan.validation import Severity, ValidationReport


def render(report: ValidationReport) -> RenderableType:
    parts: list[RenderableType] = []
    for i in report.inputs:
        line = f"{visible(i.path)}: {i.rows:,} rows, {i.vendor:,} vendor, {i.customer:,} customer"
        if i.excluded:
            line += "; excluded: " + excluded_text(i, visible)
        parts.append(Text(line, style="dim"))
    if report.findings:
        table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
        for header in ("", "Code", "Where", "Problem"):
            table.add_column(header, overflow="fold")
        for f in report.findings:
            mark = (
                Text("✗", style="bold red")
                if f.severity is Severity.ERROR
                else Text("!", style="yellow")
            )
            where = f.file or ""
            if f.line is not None:
                where += f":{f.line}"
            message = terminal(f.message)
            if f.hint:
                message.append("\n")
                message.append(terminal(f.hint, style="dim"))
            table.add_row(mark, terminal(f.code), terminal(where), message)
        parts.append(table)
    status = "valid" if report.errors == 0 else "not valid"
    style = "bold green" if report.errors == 0 else "bold red"
    parts.append(
        Text(
            f"{visible(report.schema)}: {status}: {report.errors} error(s), "
            f"{report.warnings} warning(s)",
            style=style,
        )
    )
    return Group(*parts)
