"""Write what a run produced: the report in its format, charts, JUnit, CI summary."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from gapscan.cli._output import Inputs, RunOutputs, is_stdout

if TYPE_CHECKING:
    from rich.console import RenderableType

    from gapscan.report import GapReport, TrendReport

# A chart's kind (the end of its file names) and what renders its SVG and PNG bytes.
Chart = tuple[str, Callable[[], tuple[bytes, bytes]]]


class OutputFormat(StrEnum):
    table = "table"
    markdown = "markdown"
    json = "json"
    csv = "csv"
    html = "html"


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
    """A table on standard output: the width and colours of the terminal (see
    gapscan.cli._terminal)."""
    from gapscan.cli._terminal import print_table

    print_table(renderable, width)


def plain_text(renderable: RenderableType, width: int | None) -> str:
    """A table written to a file: plain, ``--width`` (else 100) columns wide."""
    from gapscan.cli._terminal import DEFAULT_WIDTH, render

    return render(renderable, width or DEFAULT_WIDTH, colour=False)


@dataclass(frozen=True)
class Destinations:
    """Where a report goes, and what the run reads (never to be written over)."""

    out: Path | None
    charts: Path | None
    junit: Path | None
    inputs: Inputs
    summary: bool = False  # append the markdown report to the CI step summary


def publish_report(
    report: GapReport,
    output_format: OutputFormat,
    to: Destinations,
    *,
    width: int | None,
    distribution: bool = False,
) -> None:
    """Write the report; with ``distribution``, each question's distribution too (a
    table in the console and markdown, the long form in CSV, a chart per question).
    Each renderer is imported when it is used (the console's pulls in rich)."""

    def body(charts: list[Path], relative: Path | None) -> str:
        return _render(report, output_format, width, charts, relative, distribution)

    def junit_text() -> str:
        from gapscan.render import junit as junit_render

        questions = list(dict.fromkeys(r.question for r in report.results))
        return junit_render.render(report.rules, questions, report.survey)

    def summary() -> str:
        from gapscan.render import markdown

        return markdown.render(report)

    def dumbbell() -> tuple[bytes, bytes]:
        from gapscan.render.charts import render_dumbbell

        return render_dumbbell(report)

    charts: list[Chart] = [("gaps", dumbbell), *_segment_charts(report)]
    if distribution:
        charts += _distribution_charts(report)

    def terminal() -> None:
        from gapscan.render import console

        print_renderable(console.render(report, distribution=distribution), width)

    on_terminal = output_format is OutputFormat.table and is_stdout(to.out)
    _publish(to, charts, body, terminal if on_terminal else None, junit_text, summary)


def report_chart_kinds(
    question_ids: list[str], distribution: bool, segments: Sequence[str] = ()
) -> list[str]:
    """The charts an analysis writes: the dumbbell, the small multiples of each
    segment column (``segments``), and with ``--distribution`` one per question on a
    scale (``question_ids``: those questions; a numeric question's many values make
    no readable stacked bar)."""
    from gapscan.render.charts import segment_kinds

    kinds = ["gaps", *segment_kinds(segments)]
    if not distribution:
        return kinds
    from gapscan.render.distribution_chart import chart_kinds

    return [*kinds, *chart_kinds(question_ids)]


def _segment_charts(report: GapReport) -> list[Chart]:
    """Small-multiple dumbbells, one chart per segment column of the report."""
    from gapscan.render.charts import segment_kinds

    def chart(column: str) -> Callable[[], tuple[bytes, bytes]]:
        def render() -> tuple[bytes, bytes]:
            from gapscan.render.charts import render_segment_dumbbell

            return render_segment_dumbbell(report, column)

        return render

    columns = report.settings.segments
    return [(kind, chart(c)) for c, kind in zip(columns, segment_kinds(columns), strict=True)]


def _distribution_charts(report: GapReport) -> list[Chart]:
    from gapscan.render.distribution_chart import chart_kinds, render_distribution

    questions = [r.question for r in report.results if not r.segment and not r.is_numeric]

    def chart(qid: str) -> Callable[[], tuple[bytes, bytes]]:
        return lambda: render_distribution(report, qid)

    return [(kind, chart(q)) for q, kind in zip(questions, chart_kinds(questions), strict=True)]


def publish_trend(
    trend: TrendReport, output_format: OutputFormat, to: Destinations, *, width: int | None
) -> None:
    def body(charts: list[Path], relative: Path | None) -> str:
        if output_format is OutputFormat.markdown:
            from gapscan.render import markdown

            return markdown.render_trend(trend, charts, relative_to=relative)
        if output_format is OutputFormat.json:
            from gapscan.render import json

            return json.render(trend)
        if output_format is OutputFormat.csv:
            from gapscan.render import csv as csv_render

            return csv_render.render_trend(trend)
        if output_format is OutputFormat.html:
            from gapscan.render import html

            return html.render_trend(trend)
        from gapscan.render import trend_console

        return plain_text(trend_console.render(trend), width)

    def junit_text() -> str:
        from gapscan.render import junit as junit_render

        questions = [qid for qid, _ in trend.questions]
        return junit_render.render(trend.rules, questions, trend.survey)

    def chart() -> tuple[bytes, bytes]:
        from gapscan.render.charts import render_trend

        return render_trend(trend)

    def terminal() -> None:
        from gapscan.render import trend_console

        print_renderable(trend_console.render(trend), width)

    def summary() -> str:
        from gapscan.render import markdown

        return markdown.render_trend(trend)

    on_terminal = output_format is OutputFormat.table and is_stdout(to.out)
    _publish(to, [("trend", chart)], body, terminal if on_terminal else None, junit_text, summary)


def _publish(
    to: Destinations,
    charts: list[Chart],
    body: Callable[[list[Path], Path | None], str],
    terminal: Callable[[], None] | None,
    junit_text: Callable[[], str],
    summary: Callable[[], str],
) -> None:
    """Check every destination, stage the files, print, then commit them together;
    the step summary last. Any failure or Ctrl-C before the commit leaves no file."""
    out = None if is_stdout(to.out) else to.out
    with RunOutputs(to.inputs) as outputs:
        chart_files = _plan(outputs, to, [kind for kind, _ in charts])
        if chart_files:
            staged = [data for _, render in charts for data in render()]
            for path, data in zip(chart_files, staged, strict=True):
                outputs.stage(path, data)
        if terminal is not None:
            terminal()
        else:
            relative = to.out.parent if to.out is not None else None
            outputs.write(out, body(chart_files, relative))
        if to.junit is not None:
            outputs.write(to.junit, junit_text())
        outputs.commit()
    if to.summary:
        outputs.append_summary(summary)


def check_destinations(to: Destinations, *kinds: str) -> None:
    """Refuse bad destinations before the analysis runs (they are checked again, as
    the run's files are written): no waiting for a large export to be read only to
    learn that ``--out`` names one of the inputs."""
    with RunOutputs(to.inputs) as outputs:
        _plan(outputs, to, list(kinds))


def _plan(outputs: RunOutputs, to: Destinations, kinds: list[str]) -> list[Path]:
    """Plan and check every file of the run; returns the chart files (an SVG and a
    PNG per chart kind, in order)."""
    from gapscan.render.charts import chart_paths

    outputs.plan(None if is_stdout(to.out) else to.out, "--out", "report")
    outputs.plan(to.junit, "--junit", "JUnit file")
    chart_files: list[Path] = []
    if to.charts is not None:
        for kind in kinds:
            stem = f"{to.out.stem}-{kind}" if to.out is not None else kind
            chart_files += chart_paths(to.charts, stem)
        outputs.plan_directory(to.charts, chart_files, "--charts", "chart")
    if to.summary:
        outputs.plan_summary()
    outputs.check()
    return chart_files


def _render(
    report: GapReport,
    output_format: OutputFormat,
    width: int | None,
    charts: list[Path],
    relative_to: Path | None,
    distribution: bool = False,
) -> str:
    if output_format is OutputFormat.json:
        from gapscan.render import json

        return json.render(report)
    if output_format is OutputFormat.csv:
        from gapscan.render import csv

        return csv.render_distribution(report) if distribution else csv.render(report)
    if output_format is OutputFormat.markdown:
        from gapscan.render import markdown

        return markdown.render(report, charts, relative_to=relative_to, distribution=distribution)
    if output_format is OutputFormat.html:
        from gapscan.render import html

        return html.render(report, distribution=distribution)
    from gapscan.render import console

    return plain_text(console.render(report, distribution=distribution), width)
