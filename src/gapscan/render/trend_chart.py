"""The trend: each question's top-box gap across the waves, with its interval.

Each wave's change labels (``Δ +8.0*``) stand in a column to the right of the wave's
points and each line ends in a label naming its question, right of the axes; both
columns are stacked by :mod:`gapscan.render.chart_labels`, so that nearly equal
gaps give labels one above the other, each with a leader line to its point.
"""

from __future__ import annotations

import itertools
import textwrap
from typing import TYPE_CHECKING

from gapscan.render import _format as fmt
from gapscan.render.chart_labels import Group, Layout, renderer_of, root_figure, settle
from gapscan.render.charts import (
    _DPI,
    _LEGEND_TEXT,
    _MUTED,
    _TITLE_TEXT,
    _TITLE_WRAP,
    _TREND_COLOURS,
    _WAVE_TEXT,
    _WIDTH,
    _style,
    side_nouns,
)
from gapscan.report import TrendReport, WavePoint
from gapscan.text import chart_label

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.text import Text

_DELTA_OFFSET = 8.0  # points between a wave's rightmost point and its change labels
_END_OFFSET = 6.0  # points between the axes and the end-of-line labels
_END_TEXT = 32  # characters of a question's end-of-line label
_DODGE = 0.05  # x distance between the questions' points at one wave
# behind a change label: lines under it show less (the pad stays under chart_labels.GAP)
_BACKING = {"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 0.8}


def plotted(point: WavePoint | None) -> bool:
    return point is not None and not point.result.suppressed and point.result.gap is not None


def _pp(value: float | None) -> float:
    return float("nan") if value is None else 100.0 * value


def trend_figure(trend: TrendReport) -> Figure:
    """The trend chart as a Figure (laid out, not yet saved)."""
    from matplotlib.figure import Figure

    with _style():
        waves, questions = list(trend.waves), list(trend.questions)
        height = 4.8 + 0.22 * len(questions)
        fig = Figure(figsize=(_WIDTH, height), dpi=_DPI, layout="constrained")
        ax = fig.add_subplot()
        layout = Layout()
        columns = [layout.group("y") for _ in waves]
        ends = layout.group("y")
        missing = False
        for i, (qid, text) in enumerate(questions):
            missing = _series(ax, trend, i, qid, text, columns, ends, layout) or missing
        _axes(ax, trend)
        if not questions or not waves:
            ax.text(0.5, 0.5, "No waves to show", transform=ax.transAxes).set(
                ha="center", va="center", color=_MUTED, style="italic"
            )
        if questions:
            ax.legend(
                loc="upper left",
                bbox_to_anchor=(0.0, -0.14),
                ncols=1,
                frameon=False,
                borderaxespad=0.0,
            )
        fig.suptitle(
            textwrap.fill(chart_label(trend.survey, _TITLE_TEXT), _TITLE_WRAP),
            x=0.01,
            ha="left",
            fontsize=13,
            fontweight="bold",
        )
        fig.supxlabel(_caption(trend, missing), x=0.01, ha="left", fontsize=8, color=_MUTED)
        fig.draw_without_rendering()
        _make_room(ax, columns[-1] if columns else None)
        _fit_waves(ax, waves)
        _legend_below(ax)
        settle(fig, layout)
        for k, tick in enumerate(ax.get_xticklabels()):
            layout.tag(tick, f"wave{k}")
        return fig


def _series(
    ax: Axes,
    trend: TrendReport,
    i: int,
    qid: str,
    text: str,
    columns: list[Group],
    ends: Group,
    layout: Layout,
) -> bool:
    """Draw one question's line, intervals, change labels and end-of-line label;
    True when a wave's point is missing."""
    from matplotlib.transforms import ScaledTranslation, blended_transform_factory

    colour = _TREND_COLOURS[i % len(_TREND_COLOURS)]
    n = len(trend.questions)
    by_wave = {p.wave: p for p in trend.series(qid)}
    points = [by_wave.get(w) for w in trend.waves]
    shift = (i - (n - 1) / 2) * (_DODGE if n > 1 else 0.0)
    label_x = (n - 1) / 2 * (_DODGE if n > 1 else 0.0)  # right edge of a wave's cluster
    xs = [k + shift for k in range(len(points))]
    gaps = [_pp(p.result.gap) if p is not None and plotted(p) else _pp(None) for p in points]
    ax.plot(xs, gaps, color=colour, linewidth=2, marker="o", markersize=6, zorder=3).pop().set(
        label=_legend_label(text)
    )
    fig = ax.get_figure()
    assert fig is not None
    right = ax.transData + ScaledTranslation(_DELTA_OFFSET / 72, 0.0, fig.dpi_scale_trans)
    for k, (x, p, g) in enumerate(zip(xs, points, gaps, strict=True)):
        if p is None or not plotted(p):
            continue
        _interval(ax, x, g, p, colour)
        if p.change is not None:
            significant = p.change.significant
            mark = "*" if significant else ""
            label = ax.text(k + label_x, g, f"Δ {fmt.points(p.change.change)}{mark}")
            label.set(transform=right, ha="left", va="center", fontsize=8, color=colour)
            label.set(fontweight="bold" if significant else "normal", clip_on=False)
            label.set_bbox(_BACKING)
            layout.add(columns[k], label, "change", (x, g))
    last = [(x, g) for x, p, g in zip(xs, points, gaps, strict=True) if plotted(p)]
    if last:
        edge = blended_transform_factory(ax.transAxes, ax.transData)
        beyond = edge + ScaledTranslation(_END_OFFSET / 72, 0.0, fig.dpi_scale_trans)
        end = ax.text(1.0, last[-1][1], chart_label(text, _END_TEXT), transform=beyond)
        end.set(ha="left", va="center", fontsize=8.5, color=colour, clip_on=False)
        layout.add(ends, end, "end")
    return any(not plotted(p) for p in points)


def _interval(ax: Axes, x: float, g: float, p: WavePoint, colour: str) -> None:
    r = p.result
    if r.ci_low is None or r.ci_high is None:
        return
    ax.errorbar(
        [x],
        [g],
        yerr=[[g - _pp(r.ci_low)], [_pp(r.ci_high) - g]],
        fmt="none",
        ecolor=colour,
        elinewidth=1.2,
        capsize=4,
        alpha=0.8,
        zorder=2,
        clip_on=False,
    )


def _make_room(ax: Axes, last: Group | None) -> None:
    """Widen the x axis so that the last wave's change labels end inside the axes
    (the end-of-line labels stand beyond it)."""
    if last is None or not last.labels:
        return
    fig = ax.get_figure()
    assert fig is not None
    renderer = renderer_of(fig)
    box = ax.get_window_extent(renderer)
    need = max(t.text.get_window_extent(renderer).x1 for t in last.labels) + 4.0
    if need <= box.x1:
        return
    low = ax.get_xlim()[0]
    # x1 - x0 = W; a data x keeps its fraction of the range: solve for the new high
    # limit at which the labels' right edge (a fixed distance past their anchor) fits.
    anchor = _anchor_x(last.labels[0].text)
    past = need - ax.transData.transform((anchor, 0.0))[0]
    fraction = past / box.width
    if fraction >= 1.0:
        return
    ax.set_xlim(low, (anchor - fraction * low) / (1.0 - fraction))


def _fit_waves(ax: Axes, waves: list[str]) -> None:
    """Wave labels that would touch are wrapped onto more, shorter lines (in a
    smaller font at the second step); if they still touch, they are turned upright
    and the figure grows by their height."""
    fig = root_figure(ax)
    labels = [chart_label(w, _WAVE_TEXT) for w in waves]
    ticks = list(range(len(waves)))
    for width, size in ((12, 9.0), (8, 8.0)):
        if not _crowded(ax):
            return
        ax.set_xticks(ticks, [textwrap.fill(label, width) for label in labels], fontsize=size)
        fig.draw_without_rendering()
    if not _crowded(ax):
        return
    ax.set_xticks(ticks, labels, fontsize=8.0, rotation=90)
    renderer = renderer_of(fig)
    tall = max(t.get_window_extent(renderer).height for t in ax.get_xticklabels())
    width, height = fig.get_size_inches()
    fig.set_size_inches(width, height + tall / fig.dpi)
    fig.draw_without_rendering()


def _legend_below(ax: Axes) -> None:
    """The legend under the axis title, however tall the wave labels are: anchored
    to the axes' bottom by a distance in points, measured."""
    from matplotlib.transforms import ScaledTranslation

    legend = ax.get_legend()
    if legend is None:
        return
    fig = root_figure(ax)
    fig.draw_without_rendering()
    renderer = renderer_of(fig)
    label = ax.xaxis.label.get_window_extent(renderer)
    drop = (ax.get_window_extent(renderer).y0 - label.y0) * 72 / fig.dpi + 6.0
    below = ax.transAxes + ScaledTranslation(0.0, -drop / 72, fig.dpi_scale_trans)
    legend.set_bbox_to_anchor((0.0, 0.0), transform=below)


def _crowded(ax: Axes) -> bool:
    fig = ax.get_figure()
    assert fig is not None
    renderer = renderer_of(fig)
    boxes = sorted(
        (t.get_window_extent(renderer) for t in ax.get_xticklabels() if t.get_text()),
        key=lambda b: b.x0,
    )
    return any(a.x1 + 4.0 > b.x0 for a, b in itertools.pairwise(boxes))


def _anchor_x(text: Text) -> float:
    return float(text.get_unitless_position()[0])


def _axes(ax: Axes, trend: TrendReport) -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    waves = list(trend.waves)
    ax.axhline(0.0, color="#444444", linewidth=1.0, zorder=1)
    ax.set_xticks(list(range(len(waves))), [chart_label(w, _WAVE_TEXT) for w in waves])
    ax.set_xlim(-0.5, max(len(waves), 1) - 0.5)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=8, steps=[1, 2, 2.5, 5, 10]))
    ax.yaxis.set_major_formatter(FuncFormatter(_signed_tick))
    ax.margins(y=0.12)
    ax.grid(axis="y", color="#e5e5e5", linewidth=0.8)
    ax.set_axisbelow(True)
    for name in ("top", "right"):
        ax.spines[name].set_visible(False)
    settings = trend.reports[-1].settings if trend.reports else None
    vendor, customer = side_nouns(settings) if settings else ("vendor", "customer")
    ax.set_ylabel(f"Top-box gap, {vendor} − {customer} (pp)")
    ax.set_xlabel("Wave")


def _legend_label(text: str) -> str:
    """matplotlib leaves out of the legend a label that is empty or starts with "_":
    such a question text gets a leading space."""
    label = chart_label(text, _LEGEND_TEXT)
    return " " + label if label[:1] in ("", "_") else label


def _signed_tick(value: float, _pos: int | None) -> str:
    return "0" if abs(value) < 1e-9 else f"{value:+g}"


def _caption(trend: TrendReport, missing: bool) -> str:
    parts = []
    if trend.reports:
        s = trend.reports[-1].settings
        parts.append(f"Bars: {fmt.confidence_label(trend.reports[-1])} of each gap.")
        parts.append(
            f"Δ: change since the previous wave; * significant at α = {s.alpha:g}."
            if any(p.change is not None for p in trend.points)
            else ""
        )
    if missing:
        parts.append("Missing points: suppressed (too few answers).")
    return " ".join(p for p in parts if p)


__all__ = ["plotted", "trend_figure"]
