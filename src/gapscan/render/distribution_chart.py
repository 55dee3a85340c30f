"""``--distribution`` charts: one diverging stacked-bar chart per question.

Drawn the way Likert charts are: the levels below the scale's midpoint stack to the
left of zero, those above it to the right, and a middle level (odd scales) is split
across zero; the vendor bar sits above the customer bar, both for the whole sample.
The chart reads each side's ``distribution`` from the report and computes nothing
statistical. Bytes are deterministic, with the style, SVG salt and metadata of
:mod:`gapscan.render.charts`.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from gapscan.render import _format as fmt
from gapscan.render.chart_labels import Label, Layout, renderer_of, settle
from gapscan.render.charts import _MUTED, _render_both, _style, _write
from gapscan.report import GapReport, GapResult, LevelCount
from gapscan.text import chart_label

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.text import Text

_PALETTE = "RdBu"  # a diverging palette: low levels red, high levels blue
_NEUTRAL = "#bdbdbd"  # the middle level of an odd scale
_WIDTH = 9.0
_HEIGHT = 3.6
_DPI = 100
_TITLE_WRAP = 80
_TITLE_TEXT = 2 * _TITLE_WRAP
_LEVEL_TEXT = 28  # characters of a level label in the legend
_LEGEND_ROW = 125  # characters (labels and their keys) that fit in one legend row
_BAR = 0.6  # a bar's height, in y units (the bars stand at 0 and 1)
_INSIDE_PAD = 4.0  # pixels a label leaves free in its segment, else it moves out
_OUTSIDE = 3.0  # points between a bar and the labels moved out of it
_SAFE = re.compile(r"[^A-Za-z0-9_-]+")


def chart_kinds(question_ids: Sequence[str], kind: str = "distribution") -> list[str]:
    """The chart name of each question, ``distribution-<id>``: the id with every
    character that is not a letter, digit, ``-`` or ``_`` replaced by ``_``, and
    numbered when two ids come out the same."""
    names: list[str] = []
    taken: set[str] = set()
    for i, qid in enumerate(question_ids, start=1):
        base = f"{kind}-{_SAFE.sub('_', qid).strip('_')[:40] or i}"
        name, n = base, i
        while name.casefold() in taken:  # case-folded: some file systems fold case
            name, n = f"{base}-{n}", n + 1
        names.append(name)
        taken.add(name.casefold())
    return names


def render_distribution(report: GapReport, question: str) -> tuple[bytes, bytes]:
    """The SVG and PNG bytes of one question's chart (whole sample), written nowhere."""
    result = next(r for r in report.results if r.question == question and not r.segment)
    with _style():
        return _render_both(_figure(report, result))


def write_distributions(
    report: GapReport, directory: Path, kind: str = "distribution"
) -> list[Path]:
    """Write every question's chart as ``{kind}-<id>.svg`` and ``.png``."""
    questions = [r.question for r in report.results if not r.segment]
    paths: list[Path] = []
    for qid, name in zip(questions, chart_kinds(questions, kind), strict=True):
        paths += _write(render_distribution(report, qid), Path(directory), name)
    return paths


# -- the figure ---------------------------------------------------------------


def colours(k: int) -> list[str]:
    """One colour per level from the diverging palette; the middle level of an odd
    scale is neutral grey."""
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    cmap = colormaps[_PALETTE]
    out = [to_hex(cmap(0.08 + 0.84 * i / (k - 1))) if k > 1 else _NEUTRAL for i in range(k)]
    if k % 2 == 1:
        out[k // 2] = _NEUTRAL
    return out


def segments(distribution: Sequence[LevelCount]) -> list[tuple[float, float]]:
    """``(left, width)`` of each level's bar segment: below the midpoint to the left
    of zero (the level nearest the middle nearest zero), above it to the right, and
    a middle level split across zero."""
    k = len(distribution)
    shares = [d.share for d in distribution]
    middle = shares[k // 2] if k % 2 == 1 else 0.0
    out: list[tuple[float, float]] = [(0.0, 0.0)] * k
    if k % 2 == 1:
        out[k // 2] = (-middle / 2, middle)
    edge = -middle / 2
    for i in reversed(range(k // 2)):  # from the middle outwards, to the left
        edge -= shares[i]
        out[i] = (edge, shares[i])
    edge = middle / 2
    for i in range((k + 1) // 2, k):
        out[i] = (edge, shares[i])
        edge += shares[i]
    return out


def _figure(report: GapReport, r: GapResult) -> Figure:
    from matplotlib.figure import Figure

    with _style():
        fig = Figure(figsize=(_WIDTH, _HEIGHT), dpi=_DPI, layout="constrained")
        ax = fig.add_subplot()
        layout = Layout()
        if r.suppressed or not r.vendor.distribution or not r.customer.distribution:
            _suppressed(ax, r)
            labels: list[_Segment] = []
        else:
            labels = _bars(ax, report, r, layout)
        fig.suptitle(
            textwrap.fill(chart_label(r.question_text, _TITLE_TEXT), _TITLE_WRAP),
            x=0.01,
            ha="left",
            fontsize=12,
            fontweight="bold",
        )
        fig.supxlabel(_caption(report, r), x=0.01, ha="left", fontsize=8, color=_MUTED)
        fig.draw_without_rendering()
        _move_out(ax, labels, layout)
        settle(fig, layout)
        return fig


@dataclass(frozen=True)
class _Segment:
    """A segment's share label, drawn inside it, and the segment's extent."""

    text: Text
    left: float
    width: float
    bar: int  # 0: the vendor bar (above), 1: the customer bar (below)


def _bars(ax: Axes, report: GapReport, r: GapResult, layout: Layout) -> list[_Segment]:
    from matplotlib.ticker import FuncFormatter

    names = fmt.side_headers(report.settings, lambda text: chart_label(text, 24))
    sides = ((names[0], r.vendor), (names[1], r.customer))
    palette = colours(len(r.vendor.distribution))
    extent = 0.0
    labels: list[_Segment] = []
    for y, (_, side) in enumerate(sides):
        placed = segments(side.distribution)
        for (left, width), colour in zip(placed, palette, strict=True):
            if width <= 0:
                continue
            ax.barh(y, width, left=left, height=_BAR, color=colour, edgecolor="white")
            share = f"{100 * width:.0f}%"
            if share != "0%":
                text = ax.text(left + width / 2, y, share, ha="center", va="center")
                text.set(fontsize=8, color=_text_colour(colour), clip_on=False)
                labels.append(_Segment(layout.tag(text, "segment"), left, width, y))
        extent = max(extent, *(abs(left) for left, _ in placed))
        extent = max(extent, *(left + width for left, width in placed))
    limit = min(1.0, max(0.5, (int(extent * 10) + 1) / 10))
    ax.set_xlim(-limit, limit)
    ax.axvline(0.0, color="#444444", linewidth=1.0, zorder=0)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: f"{abs(100 * x):.0f}%"))
    ax.set_yticks([0, 1], [f"{name}\nn = {side.n:,}" for name, side in sides], fontsize=9.5)
    ax.set_ylim(1.6, -0.6)
    ax.tick_params(axis="y", length=0, pad=8)
    ax.grid(axis="x", color="#e5e5e5", linewidth=0.8)
    ax.set_axisbelow(True)
    for name in ("top", "right", "left"):
        ax.spines[name].set_visible(False)
    ax.set_xlabel("Share of answers (left of 0: below the scale's midpoint)")
    _legend(ax, r.vendor.distribution, palette)
    return labels


def _move_out(ax: Axes, labels: list[_Segment], layout: Layout) -> None:
    """A label wider than its segment moves out of the bar (above the vendor bar,
    below the customer bar) into a row spread along x, with a leader line."""
    from matplotlib.transforms import ScaledTranslation

    fig = ax.get_figure()
    assert fig is not None
    renderer = renderer_of(fig)
    rows = [layout.group("x"), layout.group("x")]
    for label in labels:
        box = label.text.get_window_extent(renderer)
        x0 = ax.transData.transform((label.left, 0.0))[0]
        x1 = ax.transData.transform((label.left + label.width, 0.0))[0]
        if box.width + _INSIDE_PAD <= x1 - x0:
            continue
        edge = label.bar + (_BAR / 2 if label.bar else -_BAR / 2)
        away = (-1 if label.bar else 1) * _OUTSIDE / 72  # display y runs up
        centre = label.left + label.width / 2
        label.text.set(
            y=edge,
            va="top" if label.bar else "bottom",
            color=_MUTED,
            transform=ax.transData + ScaledTranslation(0.0, away, fig.dpi_scale_trans),
        )
        rows[label.bar].labels.append(Label(label.text, (centre, edge)))


def _text_colour(background: str) -> str:
    """Black on light segments, white on dark ones."""
    from matplotlib.colors import to_rgb

    red, green, blue = to_rgb(background)
    return "black" if 0.299 * red + 0.587 * green + 0.114 * blue > 0.5 else "white"


def _legend(ax: Axes, distribution: Sequence[LevelCount], palette: list[str]) -> None:
    from matplotlib.patches import Patch

    handles = [Patch(facecolor=c, edgecolor="white") for c in palette]
    labels = [_legend_label(d.level) for d in distribution]
    ax.legend(
        handles,
        labels,
        loc="lower left",
        bbox_to_anchor=(0.0, 1.0),
        ncols=_legend_columns(labels),
        frameon=False,
        borderaxespad=0.2,
        handlelength=1.2,
        handletextpad=0.4,
        columnspacing=1.0,
        fontsize=8,
    )


def _legend_columns(labels: list[str]) -> int:
    """One row of levels when they fit across the chart, else two rows."""
    if sum(len(label) + 5 for label in labels) <= _LEGEND_ROW:
        return max(len(labels), 1)
    return max((len(labels) + 1) // 2, 1)


def _legend_label(text: str) -> str:
    """matplotlib leaves out of the legend a label that is empty or starts with "_"."""
    label = chart_label(text, _LEVEL_TEXT)
    return " " + label if label[:1] in ("", "_") else label


def _suppressed(ax: Axes, r: GapResult) -> None:
    ax.text(
        0.5,
        0.5,
        f"suppressed (too few answers: {r.vendor.n} vendor, {r.customer.n} customer)",
        transform=ax.transAxes,
        ha="center",
        va="center",
        color=_MUTED,
        style="italic",
    )
    ax.set_axis_off()


def _caption(report: GapReport, r: GapResult) -> str:
    top = chart_label(r.top_box_text(), 90)
    paired = ""
    if report.settings.mode == "paired":
        paired = "; paired: the respondents of the paired accounts"
    return f"All respondents{paired}. Top box: {top}."


__all__ = ["chart_kinds", "colours", "render_distribution", "segments", "write_distributions"]


def distribution_svg(report: GapReport, question: str) -> bytes:
    """One question's chart (whole sample) as SVG bytes alone, for the HTML report."""
    from gapscan.render.charts import svg_only

    result = next(r for r in report.results if r.question == question and not r.segment)
    with _style():
        return svg_only(_figure(report, result))
