"""Charts: a vendor-vs-customer dumbbell of top-box shares, and the gap across waves.

Both read the report and compute nothing statistical: shares, gaps and intervals
come from the result fields. The same input gives byte-identical SVG and PNG files
(fixed style, fixed SVG id salt, text drawn as paths, no dates or tool versions in
the metadata), and both files are replaced together or not at all.
"""

from __future__ import annotations

import contextlib
import io
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gapscan.outputs import write_files
from gapscan.render import _format as fmt
from gapscan.report import GapReport, GapResult, Settings, TrendReport, WavePoint
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


def render_dumbbell(report: GapReport) -> tuple[bytes, bytes]:
    """The dumbbell chart's SVG and PNG bytes, written nowhere."""
    with _style():
        return _render_both(_dumbbell_figure(report))


def render_trend(trend: TrendReport) -> tuple[bytes, bytes]:
    """The trend chart's SVG and PNG bytes, written nowhere."""
    with _style():
        return _render_both(_trend_figure(trend))


def chart_paths(directory: Path, stem: str) -> list[Path]:
    """The files a chart is written to: ``[svg, png]``."""
    return [Path(directory) / f"{stem}.svg", Path(directory) / f"{stem}.png"]


# -- the dumbbell -------------------------------------------------------------


def _whole_sample(report: GapReport) -> list[GapResult]:
    return [r for r in report.results if r.segment == ()]


def _gap_label(r: GapResult) -> str:
    return f"{fmt.points(r.gap, 0)} pp" + ("*" if r.significant else "")


def _dumbbell_figure(report: GapReport) -> Figure:
    """The dumbbell chart as a Figure (not yet saved)."""
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.ticker import PercentFormatter
    from matplotlib.transforms import blended_transform_factory

    with _style():
        rows = _whole_sample(report)
        labels = [textwrap.fill(chart_label(r.question_text, _LABEL_TEXT), _WRAP) for r in rows]
        # Rows are as tall as their labels: y is measured in inches from the top.
        heights = [_ROW_BASE + _ROW_LINE * (label.count("\n") + 1) for label in labels]
        centres = [sum(heights[:i]) + h / 2 for i, h in enumerate(heights)]
        total = sum(heights) if rows else 1.0
        fig = Figure(figsize=(_WIDTH, _CHROME + total), dpi=_DPI, layout="constrained")
        ax = fig.add_subplot()
        to_row = blended_transform_factory(ax.transAxes, ax.transData)

        for y, r in zip(centres, rows, strict=True):
            if r.suppressed or r.vendor.top_box is None or r.customer.top_box is None:
                ax.text(
                    0.5,
                    y,
                    "suppressed (too few answers)",
                    transform=to_row,
                    ha="center",
                    va="center",
                    color=_MUTED,
                    style="italic",
                )
                ax.text(_GAP_X, y, "–", transform=to_row, ha="left", va="center", color=_MUTED)
                continue
            v, c = r.vendor, r.customer
            assert v.top_box is not None and c.top_box is not None
            ax.plot(
                [v.top_box, c.top_box],
                [y, y],
                color=_CONNECTOR,
                linewidth=3.5,
                solid_capstyle="round",
                zorder=1,
                clip_on=False,
            )
            for side, colour in ((v, VENDOR_COLOUR), (c, CUSTOMER_COLOUR)):
                share = side.top_box
                assert share is not None
                low, high = side.top_box_ci_low, side.top_box_ci_high
                if low is not None and high is not None:
                    ax.plot(
                        [low, high],
                        [y, y],
                        color=colour,
                        linewidth=1.4,
                        zorder=2,
                        clip_on=False,
                    )
                    ax.plot(
                        [low, high],
                        [y, y],
                        linestyle="none",
                        marker="|",
                        markersize=8,
                        markeredgewidth=1.4,
                        color=colour,
                        zorder=2,
                        clip_on=False,
                    )
                ax.plot(
                    [share],
                    [y],
                    linestyle="none",
                    marker="o",
                    markersize=9,
                    color=colour,
                    markeredgecolor="white",
                    markeredgewidth=1.0,
                    zorder=3,
                    clip_on=False,
                )
            gap = r.gap or 0.0
            ax.text(
                _GAP_X,
                y,
                _gap_label(r),
                transform=to_row,
                ha="left",
                va="center",
                color=VENDOR_COLOUR if gap > 0 else CUSTOMER_COLOUR,
                fontweight="bold" if r.significant else "normal",
            )

        if not rows:
            ax.text(
                0.5,
                0.5,
                "No whole-sample results",
                transform=ax.transAxes,
                ha="center",
                va="center",
                color=_MUTED,
                style="italic",
            )
        ax.text(
            _GAP_X,
            1.0,
            "Gap",
            transform=ax.transAxes,
            ha="left",
            va="bottom",
            color=_MUTED,
            fontweight="bold",
        )

        ax.set_yticks(centres, labels)
        ax.set_ylim(total, 0.0)
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
        fig.suptitle(
            textwrap.fill(chart_label(report.survey, _TITLE_TEXT), _TITLE_WRAP),
            x=0.01,
            ha="left",
            fontsize=13,
            fontweight="bold",
        )

        handles = [
            Line2D([], [], linestyle="none", marker="o", markersize=9, color=VENDOR_COLOUR),
            Line2D([], [], linestyle="none", marker="o", markersize=9, color=CUSTOMER_COLOUR),
        ]
        ax.legend(
            handles,
            [chart_label(label, _SIDE_TEXT) for label in report.settings.side_labels],
            loc="lower left",
            bbox_to_anchor=(0.0, 1.0),
            ncols=2,
            frameon=False,
            borderaxespad=0.2,
            handletextpad=0.3,
            columnspacing=1.5,
        )
        fig.supxlabel(_dumbbell_caption(report), x=0.01, ha="left", fontsize=8, color=_MUTED)
        return fig


def _dumbbell_caption(report: GapReport) -> str:
    s = report.settings
    vendor, customer = _side_nouns(s)
    bars = (
        f"Bars: {fmt.confidence_label(report)} of each share."
        if s.mode != "paired"
        else "Paired by account: mean account-level shares."
    )
    return (
        f"{bars} Gap = {vendor} − {customer} top-box share, in percentage points;\n"
        f"* significant at α = {s.alpha:g} after {s.correction} correction."
    )


def _side_nouns(settings: Settings) -> tuple[str, str]:
    return fmt.side_nouns(settings, lambda text: chart_label(text, _SIDE_TEXT))


# -- the trend ----------------------------------------------------------------


def _plotted(point: WavePoint | None) -> bool:
    return point is not None and not point.result.suppressed and point.result.gap is not None


def _pp(value: float | None) -> float:
    return float("nan") if value is None else 100.0 * value


def _trend_figure(trend: TrendReport) -> Figure:
    """The trend chart as a Figure (not yet saved)."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    with _style():
        waves = list(trend.waves)
        questions = list(trend.questions)
        legend_rows = len(questions)
        fig = Figure(figsize=(_WIDTH, 4.8 + 0.22 * legend_rows), dpi=_DPI, layout="constrained")
        ax = fig.add_subplot()
        xs = range(len(waves))
        dodge = 0.05 if len(questions) > 1 else 0.0
        label_x = (len(questions) - 1) / 2 * dodge  # right edge of each wave's cluster
        missing = False

        for i, (qid, text) in enumerate(questions):
            colour = _TREND_COLOURS[i % len(_TREND_COLOURS)]
            by_wave = {p.wave: p for p in trend.series(qid)}
            points = [by_wave.get(w) for w in waves]
            shift = (i - (len(questions) - 1) / 2) * dodge
            x = [k + shift for k in xs]
            gaps = [
                _pp(p.result.gap) if p is not None and _plotted(p) else _pp(None) for p in points
            ]
            missing = missing or any(not _plotted(p) for p in points)
            ax.plot(
                x,
                gaps,
                color=colour,
                linewidth=2,
                marker="o",
                markersize=6,
                label=_legend_label(text),
                zorder=3,
            )
            for k, xi, p, g in zip(xs, x, points, gaps, strict=True):
                if p is None or not _plotted(p):
                    continue
                r = p.result
                if r.ci_low is not None and r.ci_high is not None:
                    ax.errorbar(
                        [xi],
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
                if p.change is not None:
                    mark = "*" if p.change.significant else ""
                    ax.annotate(
                        f"Δ {fmt.points(p.change.change)}{mark}",
                        (k + label_x, g),
                        xytext=(8, 0),
                        textcoords="offset points",
                        ha="left",
                        va="center",
                        fontsize=8,
                        color=colour,
                        fontweight="bold" if p.change.significant else "normal",
                    )

        ax.axhline(0.0, color="#444444", linewidth=1.0, zorder=1)
        ax.set_xticks(list(xs), [chart_label(w, _WAVE_TEXT) for w in waves])
        ax.set_xlim(-0.5, max(len(waves), 1) - 0.5)
        ax.yaxis.set_major_locator(MaxNLocator(nbins=8, steps=[1, 2, 2.5, 5, 10]))
        ax.yaxis.set_major_formatter(FuncFormatter(_signed_tick))
        ax.margins(y=0.12)
        ax.grid(axis="y", color="#e5e5e5", linewidth=0.8)
        ax.set_axisbelow(True)
        for name in ("top", "right"):
            ax.spines[name].set_visible(False)
        vendor, customer = (
            _side_nouns(trend.reports[-1].settings) if trend.reports else ("vendor", "customer")
        )
        ax.set_ylabel(f"Top-box gap, {vendor} − {customer} (pp)")
        ax.set_xlabel("Wave")
        fig.suptitle(
            textwrap.fill(chart_label(trend.survey, _TITLE_TEXT), _TITLE_WRAP),
            x=0.01,
            ha="left",
            fontsize=13,
            fontweight="bold",
        )
        if not questions or not waves:
            ax.text(
                0.5,
                0.5,
                "No waves to show",
                transform=ax.transAxes,
                ha="center",
                va="center",
                color=_MUTED,
                style="italic",
            )
        if questions:
            ax.legend(
                loc="upper left",
                bbox_to_anchor=(0.0, -0.14),
                ncols=1,
                frameon=False,
                borderaxespad=0.0,
            )
        fig.supxlabel(_trend_caption(trend, missing), x=0.01, ha="left", fontsize=8, color=_MUTED)
        return fig


def _legend_label(text: str) -> str:
    """matplotlib leaves out of the legend a label that is empty or starts with "_":
    such a question text gets a leading space."""
    label = chart_label(text, _LEGEND_TEXT)
    return " " + label if label[:1] in ("", "_") else label


def _signed_tick(value: float, _pos: int | None) -> str:
    return "0" if abs(value) < 1e-9 else f"{value:+g}"


def _trend_caption(trend: TrendReport, missing: bool) -> str:
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


__all__ = ["chart_paths", "render_dumbbell", "render_trend", "write_dumbbell", "write_trend"]


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
