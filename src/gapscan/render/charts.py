"""Charts: a vendor-vs-customer dumbbell of top-box shares (whole sample, and small
multiples per segment), and the gap across waves.

This module holds the public functions, the fixed style and the output; the figures
are drawn in :mod:`~gapscan.render.dumbbell_chart` and
:mod:`~gapscan.render.trend_chart`, their labels placed apart by
:mod:`~gapscan.render.chart_labels`, and described in words (alt text) by
:mod:`~gapscan.render.chart_alt`. Charts read the report and compute nothing
statistical: shares, gaps and intervals come from the result fields. The same input
gives byte-identical SVG and PNG files (fixed style, fixed SVG id salt, text drawn as
paths, no dates or tool versions in the metadata), and both files are replaced
together or not at all.
"""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gapscan.outputs import write_files
from gapscan.render import _format as fmt
from gapscan.report import GapReport, Settings, TrendReport
from gapscan.text import chart_label

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from matplotlib.typing import RcKeyType

VENDOR_COLOUR = "#c0392b"
CUSTOMER_COLOUR = "#2471a3"
_MUTED = "#555555"
_CONNECTOR = "#ccd1d1"
_TREND_COLOURS = (
    "#1f77b4",
    "#d35400",
    "#27ae60",
    "#8e44ad",
    "#7f8c8d",
    "#b7950b",
    "#16a085",
    "#c0392b",
)

_DPI = 100
_WIDTH = 9.0  # inches
_WRAP = 40  # characters per line of a question label
_TITLE_WRAP = 80
_ROW_BASE = 0.34  # inches per dumbbell row, plus _ROW_LINE per line of its label
_ROW_LINE = 0.17
_CHROME = 1.9  # inches for the title, legend, x axis and caption
_GAP_X = 1.04  # where the gap labels start, in axes widths
_LEGEND_TEXT = 60  # characters of a question text in the trend legend
# User text is shortened to these many characters, so that a chart stays its size.
_LABEL_TEXT = 3 * _WRAP  # a question label: at most three lines
_TITLE_TEXT = 2 * _TITLE_WRAP  # the title: at most two lines
_WAVE_TEXT = 24  # a wave's label on the x axis
_SIDE_TEXT = 30  # a side's name (sides.labels) in a legend or caption

# Everything that shapes the output, fixed so that it does not depend on the
# caller's matplotlibrc or style.
_RC: dict[RcKeyType, Any] = {
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": 10.0,
    "axes.titlesize": 13.0,
    "axes.titleweight": "bold",
    "axes.labelsize": 10.0,
    "axes.unicode_minus": True,
    "xtick.labelsize": 9.0,
    "ytick.labelsize": 9.5,
    "legend.fontsize": 9.0,
    "figure.dpi": _DPI,
    "figure.constrained_layout.w_pad": 0.12,  # inches around the edge of the figure
    "figure.constrained_layout.h_pad": 0.08,
    "savefig.dpi": _DPI,
    "savefig.bbox": None,
    "savefig.facecolor": "white",
    "savefig.edgecolor": "white",
    "savefig.transparent": False,
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "text.usetex": False,
    "text.parse_math": False,  # user text is plain text: a "$" is a dollar sign
    "svg.fonttype": "path",
    "svg.hashsalt": "gapscan-charts",
    "svg.image_inline": True,
    "path.simplify": True,
    "agg.path.chunksize": 0,
}
# what chart_svg_text rewrites: ids, and references to them
_ID = re.compile(r'(\bid)="([^"]*)"')
_HREF = re.compile(r'((?:xlink:)?href)="#([^"]*)"')
_URL = re.compile(r"url\(#([^)]*)\)")
_SVG_METADATA: dict[str, Any] = {"Date": None, "Creator": None}
_PNG_METADATA: dict[str, Any] = {"Software": None}


# -- public API ---------------------------------------------------------------


def write_dumbbell(report: GapReport, directory: Path, stem: str = "gaps") -> list[Path]:
    """Write ``{stem}.svg`` and ``{stem}.png``: vendor vs customer top-box share per
    question for the whole sample. Returns ``[svg, png]``."""
    return _write(render_dumbbell(report), Path(directory), stem)


def write_trend(trend: TrendReport, directory: Path, stem: str = "trend") -> list[Path]:
    """Write ``{stem}.svg`` and ``{stem}.png``: each question's top-box gap across
    the waves, with its interval. Returns ``[svg, png]``."""
    return _write(render_trend(trend), Path(directory), stem)


def write_segment_dumbbells(report: GapReport, directory: Path, stem: str = "gaps") -> list[Path]:
    """Write ``{stem}-by-<segment>.svg`` and ``.png`` for each segment column of the
    report (small multiples: a panel per value). Returns the paths, SVG then PNG."""
    paths: list[Path] = []
    columns = report.settings.segments
    for column, kind in zip(columns, segment_kinds(columns), strict=True):
        name = stem + kind.removeprefix("gaps")
        paths += _write(render_segment_dumbbell(report, column), Path(directory), name)
    return paths


def render_dumbbell(report: GapReport) -> tuple[bytes, bytes]:
    """The dumbbell chart's SVG and PNG bytes, written nowhere."""
    with _style():
        return _render_both(_dumbbell_figure(report))


def render_segment_dumbbell(report: GapReport, column: str) -> tuple[bytes, bytes]:
    """The small-multiple dumbbells of segment ``column``: SVG and PNG bytes."""
    from gapscan.render.dumbbell_chart import segment_figure

    with _style():
        return _render_both(segment_figure(report, column))


def render_trend(trend: TrendReport) -> tuple[bytes, bytes]:
    """The trend chart's SVG and PNG bytes, written nowhere."""
    with _style():
        return _render_both(_trend_figure(trend))


def chart_svg_text(chart: tuple[bytes, bytes], id_prefix: str = "") -> str:
    """The SVG text of a rendered chart (``render_*``'s first item), for a report that
    inlines its charts: the XML declaration and doctype left out, and with
    ``id_prefix`` every ``id`` and reference to one prefixed (several charts in one
    page then define no id twice)."""
    text = chart[0].decode("utf-8")
    start = text.find("<svg")
    text = text[start:] if start >= 0 else text
    if not id_prefix:
        return text
    text = _ID.sub(lambda m: f'{m.group(1)}="{id_prefix}{m.group(2)}"', text)
    text = _HREF.sub(lambda m: f'{m.group(1)}="#{id_prefix}{m.group(2)}"', text)
    return _URL.sub(lambda m: f"url(#{id_prefix}{m.group(1)})", text)


def segment_kinds(columns: Sequence[str]) -> list[str]:
    """The chart kind of each segment column's small multiples: ``gaps-by-<column>``
    (characters other than letters, digits, ``-`` and ``_`` replaced)."""
    from gapscan.render.distribution_chart import chart_kinds

    return chart_kinds(columns, "gaps-by")


def chart_paths(directory: Path, stem: str) -> list[Path]:
    """The files a chart is written to: ``[svg, png]``."""
    return [Path(directory) / f"{stem}.svg", Path(directory) / f"{stem}.png"]


def side_nouns(settings: Settings) -> tuple[str, str]:
    """The sides inside a chart's sentence (``sides.labels`` where given)."""
    return fmt.side_nouns(settings, lambda text: chart_label(text, _SIDE_TEXT))


def _dumbbell_figure(report: GapReport) -> Figure:
    from gapscan.render.dumbbell_chart import dumbbell_figure

    return dumbbell_figure(report)


def _trend_figure(trend: TrendReport) -> Figure:
    from gapscan.render.trend_chart import trend_figure

    return trend_figure(trend)


# -- style and output ---------------------------------------------------------


@contextlib.contextmanager
def _style() -> Iterator[None]:
    """The fixed style, applied for the duration only (global rcParams untouched)."""
    import matplotlib

    with matplotlib.rc_context(_RC):
        yield


def _render_both(fig: Figure) -> tuple[bytes, bytes]:
    """Render both formats in memory, before anything is written."""
    try:
        return _render(fig, "svg", _SVG_METADATA), _render(fig, "png", _PNG_METADATA)
    finally:
        _close(fig)


def _write(files: tuple[bytes, bytes], directory: Path, stem: str) -> list[Path]:
    """Both files together or neither (see gapscan.outputs), the directory created
    if missing."""
    paths = chart_paths(directory, stem)
    write_files(zip(paths, files, strict=True))
    return paths


def _render(fig: Figure, fmt_name: str, metadata: dict[str, Any]) -> bytes:
    # The canvas is chosen by format (Agg for PNG, the SVG backend for SVG): no
    # GUI backend is involved and pyplot's global figure registry is never used.
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt_name, dpi=_DPI, metadata=metadata)
    return buffer.getvalue()


def _close(fig: Figure) -> None:
    # The figure was never registered with pyplot; clearing frees its artists.
    fig.clear()


__all__ = [
    "chart_paths",
    "chart_svg_text",
    "render_dumbbell",
    "render_segment_dumbbell",
    "render_trend",
    "segment_kinds",
    "side_nouns",
    "write_dumbbell",
    "write_segment_dumbbells",
    "write_trend",
]


# -- SVG alone, for a page that inlines its charts (the HTML report) ---------


def dumbbell_svg(report: GapReport) -> bytes:
    """The dumbbell chart's SVG bytes alone (no PNG rendered), written nowhere."""
    with _style():
        return svg_only(_dumbbell_figure(report))


def trend_svg(trend: TrendReport) -> bytes:
    """The trend chart's SVG bytes alone (no PNG rendered), written nowhere."""
    with _style():
        return svg_only(_trend_figure(trend))


def svg_only(fig: Figure) -> bytes:
    """A figure's SVG, rendered in memory with the fixed metadata, then freed."""
    try:
        return _render(fig, "svg", _SVG_METADATA)
    finally:
        _close(fig)
