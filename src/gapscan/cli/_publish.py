"""Write what a run produced: the report in its format, charts, JUnit, CI summary."""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from gapscan.cli._output import echo_error, write_text

if TYPE_CHECKING:
    from rich.console import RenderableType

    from gapscan.report import GapReport, TrendReport

MIN_WIDTH = 100  # the tables need about this much; narrower terminals wrap them
STEP_SUMMARY = "GITHUB_STEP_SUMMARY"


class OutputFormat(StrEnum):
    table = "table"
    markdown = "markdown"
    json = "json"
    csv = "csv"


def stamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def chart_directory(
    out: Path | None, output_format: OutputFormat, charts: Path | None, no_charts: bool
) -> Path | None:
    """Charts go where asked; by default next to a markdown report written to a file."""
    if no_charts:
        return None
    if charts is not None:
        return charts
    if output_format is OutputFormat.markdown and out is not None:
        return out.parent / "charts"
    return None


def print_renderable(renderable: RenderableType, width: int | None) -> None:
    from rich.console import Console

    terminal = Console(highlight=False)
    terminal.width = width or max(MIN_WIDTH, terminal.width)
    terminal.print(renderable)


def plain_text(renderable: RenderableType, width: int | None) -> str:
    from rich.console import Console

    buffer = io.StringIO()
    Console(file=buffer, width=width or MIN_WIDTH, no_color=True, highlight=False).print(renderable)
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines()) + "\n"


def check_destinations(out: Path | None, junit: Path | None, charts: Path | None) -> None:
    """Refuse before writing anything when any output could not be written, so that a
    run never stops half-way through its outputs."""
    from gapscan.errors import ProblemCollector

    problems = ProblemCollector()
    files = [p for p in (out, junit) if p is not None]
    if len(files) == 2 and files[0].resolve() == files[1].resolve():
        problems.add("--out and --junit name the same file", file=str(files[0]))
    for path in files:
        parent = path.parent if str(path.parent) else Path(".")
        if path.is_dir():
            problems.add("this is a directory, not a file to write", file=str(path))
        elif not parent.is_dir():
            problems.add("the output directory does not exist", file=str(path), hint="create it")
    if charts is not None:
        if charts.exists() and not charts.is_dir():
            problems.add("--charts names a file, not a directory", file=str(charts))
        if any(charts.resolve() == p.resolve() for p in files):
            problems.add("--charts and a report file name the same path", file=str(charts))
    problems.raise_if_any()


def publish_report(
    report: GapReport,
    output_format: OutputFormat,
    out: Path | None,
    *,
    width: int | None,
    charts: Path | None,
    junit: Path | None,
) -> None:
    from gapscan.render import console, markdown
    from gapscan.render import junit as junit_render

    check_destinations(out, junit, charts)
    chart_files: list[Path] = []
    if charts is not None:
        from gapscan.render.charts import write_dumbbell

        stem = f"{out.stem}-gaps" if out is not None else "gaps"
        chart_files = write_dumbbell(report, charts, stem)
    if output_format is OutputFormat.table and out is None:
        print_renderable(console.render(report), width)
    else:
        relative = out.parent if out is not None else None
        write_text(_render(report, output_format, width, chart_files, relative), out)
    if junit is not None:
        questions = list(dict.fromkeys(r.question for r in report.results))
        write_text(junit_render.render(report.rules, questions, report.survey), junit)
    _append_step_summary(lambda: markdown.render(report))


def publish_trend(
    trend: TrendReport,
    output_format: OutputFormat,
    out: Path | None,
    *,
    width: int | None,
    charts: Path | None,
    junit: Path | None,
) -> None:
    from gapscan.render import junit as junit_render
    from gapscan.render import markdown, trend_console

    check_destinations(out, junit, charts)
    chart_files: list[Path] = []
    if charts is not None:
        from gapscan.render.charts import write_trend

        stem = f"{out.stem}-trend" if out is not None else "trend"
        chart_files = write_trend(trend, charts, stem)
    relative = out.parent if out is not None else None
    if output_format is OutputFormat.table and out is None:
        print_renderable(trend_console.render(trend), width)
    elif output_format is OutputFormat.markdown:
        write_text(markdown.render_trend(trend, chart_files, relative_to=relative), out)
    elif output_format is OutputFormat.json:
        from gapscan.render import json

        write_text(json.render(trend), out)
    elif output_format is OutputFormat.csv:
        from gapscan.render import csv as csv_render

        write_text(csv_render.render_trend(trend), out)
    else:
        write_text(plain_text(trend_console.render(trend), width), out)
    if junit is not None:
        questions = [qid for qid, _ in trend.questions]
        write_text(junit_render.render(trend.rules, questions, trend.survey), junit)
    _append_step_summary(lambda: markdown.render_trend(trend))


def _render(
    report: GapReport,
    output_format: OutputFormat,
    width: int | None,
    charts: list[Path],
    relative_to: Path | None,
) -> str:
    if output_format is OutputFormat.json:
        from gapscan.render import json

        return json.render(report)
    if output_format is OutputFormat.csv:
        from gapscan.render import csv

        return csv.render(report)
    if output_format is OutputFormat.markdown:
        from gapscan.render import markdown

        return markdown.render(report, charts, relative_to=relative_to)
    from gapscan.render import console

    return plain_text(console.render(report), width)


def _append_step_summary(markdown: Callable[[], str]) -> None:
    """In GitHub Actions, add the markdown report to the job's summary page (rendered
    only there)."""
    target = os.environ.get(STEP_SUMMARY)
    if not target:
        return
    try:
        with open(target, "a", encoding="utf-8") as fh:
            fh.write(markdown() + "\n")
    except OSError as exc:  # the report itself is written: a summary is a courtesy
        from gapscan.text import visible

        echo_error(f"warning: {visible(target)}: cannot append to the step summary: {exc.strerror}")
