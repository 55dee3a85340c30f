"""The dumbbell: vendor vs customer top-box share per question, with each share's
interval, its value above its dot and the gap in a column on the right; for the
whole sample, and as small multiples with a panel per segment value.

Labels are placed by :mod:`gapscan.render.chart_labels`: the two value labels of a
row are spread along x (never over each other, however close the shares, and
within the axis), the gap labels of a panel are stacked along y.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gapscan.render import _format as fmt
from gapscan.render.chart_labels import Layout, settle
from gapscan.render.charts import (
    _CHROME,
    _CONNECTOR,
    _DPI,
    _GAP_X,
    _LABEL_TEXT,
    _MUTED,
    _ROW_BASE,
    _ROW_LINE,
    _SIDE_TEXT,
    _TITLE_TEXT,
    _TITLE_WRAP,
    _WIDTH,
    _WRAP,
    CUSTOMER_COLOUR,
    VENDOR_COLOUR,
    _style,
    side_nouns,
)
from gapscan.report import GapReport, GapResult, SideSummary
from gapscan.text import chart_label

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

_VALUE_RISE = 6.0  # points between a dot's centre and the bottom of its value label
_PANEL_HEAD = 0.42  # inches above each small-multiple panel for its title
_PANEL_TEXT = 50  # characters of a panel's title
MAX_PANELS = 24  # small multiples show at most this many segment values
_LEGEND_RISE = 24.0  # points between the first panel and the legend above its title


@dataclass(frozen=True)
class Rows:
    """The rows of a dumbbell: labels and their centres, in inches from the top."""

    labels: list[str]
    centres: list[float]
    total: float

    @staticmethod
    def of(results: Sequence[GapResult]) -> Rows:
        labels = [textwrap.fill(chart_label(r.question_text, _LABEL_TEXT), _WRAP) for r in results]
        heights = [_ROW_BASE + _ROW_LINE * (label.count("\n") + 1) for label in labels]
        centres = [sum(heights[:i]) + h / 2 for i, h in enumerate(heights)]
        return Rows(labels, centres, sum(heights) if results else 1.0)


def whole_sample(report: GapReport) -> list[GapResult]:
    return [r for r in report.results if r.segment == ()]


def gap_label(r: GapResult) -> str:
    """``+44 pp*``; a gap that rounds to zero is ``0 pp`` (no sign)."""
    gap = fmt.points(r.gap, 0)
    return ("0" if gap in ("+0", "-0") else gap) + " pp" + ("*" if r.significant else "")


def dumbbell_figure(report: GapReport) -> Figure:
    """The whole-sample dumbbell as a Figure (laid out, not yet saved)."""
    from matplotlib.figure import Figure

    with _style():
        results = whole_sample(report)
        rows = Rows.of(results)
        fig = Figure(figsize=(_WIDTH, _CHROME + rows.total), dpi=_DPI, layout="constrained")
        ax = fig.add_subplot()
        layout = Layout()
        _panel(ax, results, rows, layout)
        if not results:
            _note(ax, "No whole-sample results")
        _legend(ax, report)
        _title(fig, report.survey)
        fig.supxlabel(caption(report), x=0.01, ha="left", fontsize=8, color=_MUTED)
        settle(fig, layout)
        return fig


def segment_figure(report: GapReport, column: str) -> Figure:
    """Small multiples: a panel per value of segment ``column``, each with the
    whole sample's questions in the same order, on a shared 0–100% axis."""
    from matplotlib.figure import Figure

    with _style():
        order = [r.question for r in whole_sample(report)]
        every = segment_views(report, column)
        views = every[:MAX_PANELS]
        rows = Rows.of(whole_sample(report))
        height = _CHROME + len(views) * (rows.total + _PANEL_HEAD)
        fig = Figure(figsize=(_WIDTH, height), dpi=_DPI, layout="constrained")
        axes = fig.subplots(max(len(views), 1), 1, sharex=True, squeeze=False)[:, 0]
        layout = Layout()
        for ax, (segment, results) in zip(axes, views, strict=False):
            by_question = {r.question: r for r in results}
            ordered = [by_question[q] for q in order if q in by_question]
            _panel(ax, ordered, Rows.of(ordered), layout)
            ax.set_title(_panel_title(segment, ordered), loc="left", fontsize=10.5, pad=6)
        for ax in axes[:-1]:
            ax.set_xlabel("")
            ax.tick_params(axis="x", labelbottom=False)
        if not views:
            _note(axes[0], f"No results by {column}")
        _legend(axes[0], report, above_title=True)
        _title(fig, f"{report.survey}: by {column}")
        shown = caption(report)
        if len(every) > len(views):
            shown += f"\nThe first {len(views)} of {len(every)} values; every value: the tables."
        fig.supxlabel(shown, x=0.01, ha="left", fontsize=8, color=_MUTED)
        settle(fig, layout)
        return fig


def segment_views(report: GapReport, column: str) -> list[tuple[str, list[GapResult]]]:
    """The segment values of ``column`` in report order, with their results."""
    out: list[tuple[str, list[GapResult]]] = []
    for segment, results in report.views():
        if len(segment) == 1 and segment[0][0] == column:
            out.append((fmt.segment_title(segment), results))
    return out


def _panel_title(segment: str, results: Sequence[GapResult]) -> str:
    title = chart_label(segment, _PANEL_TEXT)
    if results:
        v, c = results[0].vendor.n, results[0].customer.n
        title += f"  (n = {v:,} / {c:,})"
    return title


def _panel(ax: Axes, results: Sequence[GapResult], rows: Rows, layout: Layout) -> None:
    """One dumbbell panel: rows, axis, the gap column and its heading."""
    from matplotlib.transforms import blended_transform_factory

    to_row = blended_transform_factory(ax.transAxes, ax.transData)
    gaps = layout.group("y")
    for y, r in zip(rows.centres, results, strict=True):
        if r.suppressed or r.vendor.top_box is None or r.customer.top_box is None:
            note = ax.text(0.5, y, "suppressed (too few answers)", transform=to_row)
            note.set(ha="center", va="center", color=_MUTED, style="italic", clip_on=False)
            layout.tag(note, "note")
            dash = ax.text(_GAP_X, y, "–", transform=to_row, ha="left", va="center")
            layout.add(gaps, dash, "gap").set(color=_MUTED, clip_on=False)
            continue
        _dumbbell_row(ax, y, r, layout)
        label = ax.text(_GAP_X, y, gap_label(r), transform=to_row, ha="left", va="center")
        layout.add(gaps, label, "gap").set(
            color=VENDOR_COLOUR if (r.gap or 0.0) > 0 else CUSTOMER_COLOUR,
            fontweight="bold" if r.significant else "normal",
            clip_on=False,
        )
    head = ax.text(_GAP_X, 1.0, "Gap", transform=ax.transAxes, ha="left", va="bottom")
    head.set(color=_MUTED, fontweight="bold")
    _axis(ax, rows)


def _dumbbell_row(ax: Axes, y: float, r: GapResult, layout: Layout) -> None:
    from matplotlib.transforms import ScaledTranslation

    v, c = r.vendor, r.customer
    assert v.top_box is not None and c.top_box is not None
    ax.plot([v.top_box, c.top_box], [y, y], color=_CONNECTOR, linewidth=3.5)[0].set(
        solid_capstyle="round", zorder=1, clip_on=False
    )
    fig = ax.get_figure()
    assert fig is not None
    rise = ax.transData + ScaledTranslation(0.0, _VALUE_RISE / 72, fig.dpi_scale_trans)
    values = layout.group("x")
    for side, colour in ((v, VENDOR_COLOUR), (c, CUSTOMER_COLOUR)):
        share = side.top_box
        assert share is not None
        _interval(ax, y, side, colour)
        ax.plot([share], [y], linestyle="none", marker="o", markersize=9, color=colour)[0].set(
            markeredgecolor="white", markeredgewidth=1.0, zorder=3, clip_on=False
        )
        text = ax.text(share, y, fmt.percent(share, 0), transform=rise, ha="center")
        text.set(va="bottom", fontsize=7.5, color=colour, clip_on=False)
        layout.add(values, text, "value", (share, y))


def _interval(ax: Axes, y: float, side: SideSummary, colour: str) -> None:
    low, high = side.top_box_ci_low, side.top_box_ci_high
    if low is None or high is None:
        return
    ax.plot([low, high], [y, y], color=colour, linewidth=1.4, zorder=2, clip_on=False)
    ax.plot([low, high], [y, y], linestyle="none", marker="|", markersize=8, color=colour)[0].set(
        markeredgewidth=1.4, zorder=2, clip_on=False
    )


def _axis(ax: Axes, rows: Rows) -> None:
    from matplotlib.ticker import PercentFormatter

    ax.set_yticks(rows.centres, rows.labels)
    ax.set_ylim(rows.total, 0.0)
    ax.tick_params(axis="y", length=0, pad=8)
    ax.set_xlim(0.0, 1.0)
    ax.set_xticks([i / 5 for i in range(6)])
    ax.set_xticks([i / 10 for i in range(1, 10, 2)], minor=True)
    ax.xaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
    ax.grid(axis="x", which="major", color="#dddddd", linewidth=0.8)
    ax.grid(axis="x", which="minor", color="#eeeeee", linewidth=0.6)
    ax.set_axisbelow(True)
    for name in ("top", "right", "left"):
        ax.spines[name].set_visible(False)
    ax.set_xlabel("Top-box share")


def _note(ax: Axes, text: str) -> None:
    ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center").set(
        color=_MUTED, style="italic"
    )


def _title(fig: Figure, text: str) -> None:
    fig.suptitle(
        textwrap.fill(chart_label(text, _TITLE_TEXT), _TITLE_WRAP),
        x=0.01,
        ha="left",
        fontsize=13,
        fontweight="bold",
    )


def _legend(ax: Axes, report: GapReport, above_title: bool = False) -> None:
    """The sides' names (``sides.labels`` where the schema has them) above the axes,
    or above the axes' title (the first of the small multiples)."""
    from matplotlib.lines import Line2D
    from matplotlib.transforms import ScaledTranslation

    handles = [
        Line2D([], [], linestyle="none", marker="o", markersize=9, color=colour)
        for colour in (VENDOR_COLOUR, CUSTOMER_COLOUR)
    ]
    fig = ax.get_figure()
    assert fig is not None
    rise = _LEGEND_RISE / 72 if above_title else 0.0
    ax.legend(
        handles,
        [chart_label(label, _SIDE_TEXT) for label in report.settings.side_labels],
        loc="lower left",
        bbox_to_anchor=(0.0, 1.0),
        bbox_transform=ax.transAxes + ScaledTranslation(0.0, rise, fig.dpi_scale_trans),
        ncols=2,
        frameon=False,
        borderaxespad=0.2,
        handletextpad=0.3,
        columnspacing=1.5,
    )


def caption(report: GapReport) -> str:
    s = report.settings
    vendor, customer = side_nouns(s)
    bars = (
        f"Bars: {fmt.confidence_label(report)} of each share."
        if s.mode != "paired"
        else "Paired by account: mean account-level shares."
    )
    return (
        f"{bars} Gap = {vendor} − {customer} top-box share, in percentage points;\n"
        f"* significant at α = {s.alpha:g} after {s.correction} correction."
    )


__all__ = ["Rows", "caption", "dumbbell_figure", "gap_label", "segment_figure", "segment_views"]
