"""Label placement for the charts: labels that never overlap, whatever the values.

A chart first draws each label where it belongs (beside its point, inside its bar);
:func:`settle` then lays the figure out, measures every label with matplotlib's
renderer and moves the labels of each *column* (labels that share an x, stacked
along y) or *row* (labels that share a y, spread along x) apart with
:func:`spread`: the least-squares displacement that keeps their order and leaves a
fixed gap between neighbours. A label moved away from its point gets a leader line.
Finally the layout is frozen, so that the saved files show the measured positions.
Nothing here is random: the same chart gives the same positions.

Each placed label carries a gid (``label-…``), written by the SVG backend as the
``id`` of the label's group, so that a test can find every label in the file.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from matplotlib.axes._base import _AxesBase
    from matplotlib.backend_bases import RendererBase
    from matplotlib.figure import Figure, SubFigure
    from matplotlib.text import Text
    from matplotlib.transforms import Bbox

GID_PREFIX = "label-"
GAP = 3.0  # pixels left between two labels (at the charts' 100 dpi)
LEADER = 2.0  # a label moved further than this (pixels) from its point gets a leader line
LEADER_COLOUR = "#9a9a9a"

Axis = Literal["x", "y"]


def spread(
    desired: Sequence[float], sizes: Sequence[float], low: float, high: float, gap: float = GAP
) -> list[float]:
    """The centres closest (least squares) to ``desired`` at which intervals of
    ``sizes`` keep their order (ties by index), do not overlap (``gap`` between
    neighbours) and lie within ``[low, high]``; when they cannot all fit, they are
    packed and centred on the range. Returned in the input's order.

    With ``q_i = p_i - offset_i`` (``offset_i``: the least distance from the first
    centre), the order and spacing constraints become ``q`` non-decreasing: pool
    adjacent violators, then clip to the bounds (which is optimal for a monotone
    sequence under common bounds)."""
    n = len(desired)
    if n == 0:
        return []
    order = sorted(range(n), key=lambda i: (desired[i], i))
    size = [float(sizes[i]) for i in order]
    offsets = [0.0]
    for a, b in itertools.pairwise(size):
        offsets.append(offsets[-1] + (a + b) / 2 + gap)
    target = [float(desired[i]) - off for i, off in zip(order, offsets, strict=True)]
    q = _isotonic(target)
    first = low + size[0] / 2
    last = high - size[-1] / 2 - offsets[-1]
    # when they do not fit, they are packed and centred on the range
    fits = first <= last
    q = [min(max(v, first), last) for v in q] if fits else [(first + last) / 2] * n
    out = [0.0] * n
    for rank, i in enumerate(order):
        out[i] = q[rank] + offsets[rank]
    return out


def _isotonic(values: list[float]) -> list[float]:
    """The non-decreasing sequence closest to ``values`` (pool adjacent violators)."""
    blocks: list[list[float]] = []  # [mean, count]
    for v in values:
        blocks.append([v, 1.0])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            mean, count = blocks.pop()
            prev = blocks[-1]
            total = prev[1] + count
            prev[0] = (prev[0] * prev[1] + mean * count) / total
            prev[1] = total
    out: list[float] = []
    for mean, count in blocks:
        out += [mean] * int(count)
    return out


@dataclass
class Label:
    """A label and the point it belongs to (in the label's own coordinates)."""

    text: Text
    point: tuple[float, float] | None = None  # data coordinates its leader line starts at


@dataclass
class Group:
    """Labels moved apart along one axis, within ``bounds`` (display units; None:
    the axes' extent along that axis)."""

    axis: Axis
    labels: list[Label] = field(default_factory=list)
    bounds: tuple[float, float] | None = None


@dataclass
class Layout:
    """Every group of labels of one figure, and the gid counter."""

    groups: list[Group] = field(default_factory=list)
    count: int = 0

    def group(self, axis: Axis, bounds: tuple[float, float] | None = None) -> Group:
        g = Group(axis, bounds=bounds)
        self.groups.append(g)
        return g

    def tag(self, text: Text, kind: str) -> Text:
        """Give a label its gid: ``label-<kind>-<n>``."""
        text.set_gid(f"{GID_PREFIX}{kind}-{self.count}")
        self.count += 1
        return text

    def add(
        self, group: Group, text: Text, kind: str, point: tuple[float, float] | None = None
    ) -> Text:
        group.labels.append(Label(self.tag(text, kind), point))
        return text


def settle(fig: Figure, layout: Layout) -> None:
    """Lay the figure out, move each group's labels apart, draw leader lines, and
    freeze the layout so that saving does not move anything again."""
    fig.draw_without_rendering()
    renderer = renderer_of(fig)
    for group in layout.groups:
        _settle_group(group, renderer)
    fig.set_layout_engine("none")


def _settle_group(group: Group, renderer: RendererBase) -> None:
    if not group.labels:
        return
    k = 0 if group.axis == "x" else 1
    boxes = [label.text.get_window_extent(renderer) for label in group.labels]
    centres = [(b.x0 + b.x1) / 2 if k == 0 else (b.y0 + b.y1) / 2 for b in boxes]
    sizes = [b.width if k == 0 else b.height for b in boxes]
    low, high = group.bounds or _axes_bounds(group.labels[0].text, k)
    placed = spread(centres, sizes, low, high)
    for label, box, before, after in zip(group.labels, boxes, centres, placed, strict=True):
        delta = after - before
        if delta:
            _shift(label.text, k, delta)
        if label.point is not None and abs(delta) > LEADER:
            moved = box.translated(delta, 0.0) if k == 0 else box.translated(0.0, delta)
            _leader(label, moved, k)


def _axes_bounds(text: Text, k: int) -> tuple[float, float]:
    box = axes_of(text).get_window_extent()
    return (box.x0, box.x1) if k == 0 else (box.y0, box.y1)


def _shift(text: Text, k: int, delta: float) -> None:
    """Move a label by ``delta`` display units along axis ``k``."""
    transform = text.get_transform()
    x, y = transform.transform(text.get_unitless_position())
    moved = (x + delta, y) if k == 0 else (x, y + delta)
    nx, ny = transform.inverted().transform(moved)
    text.set_position((float(nx), float(ny)))


def _leader(label: Label, box: Bbox, k: int) -> None:
    """A thin line from the label's point (data coordinates) to the label's edge
    that faces it, drawn in data coordinates so that every format shows it."""
    from matplotlib.collections import LineCollection

    ax = axes_of(label.text)
    assert label.point is not None
    px, py = ax.transData.transform(label.point)
    if k == 1:  # a column: the line meets the label's side
        end = (box.x0 if px <= box.x0 else box.x1, (box.y0 + box.y1) / 2)
    else:  # a row: the line meets the label's top or bottom
        end = ((box.x0 + box.x1) / 2, box.y0 if py <= box.y0 else box.y1)
    ex, ey = ax.transData.inverted().transform(end)
    lines = LineCollection(
        [[label.point, (float(ex), float(ey))]],
        colors=LEADER_COLOUR,
        linewidths=0.7,
        zorder=1.5,
        clip_on=False,
    )
    ax.add_collection(lines, autolim=False)


def renderer_of(fig: Figure | SubFigure) -> RendererBase:
    """An Agg renderer of the figure's size and dpi, to measure text with (the
    figure gets an Agg canvas; saving still picks the canvas of each format)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig.get_figure(root=True))
    renderer: RendererBase = canvas.get_renderer()  # type: ignore[no-untyped-call]
    return renderer


def root_figure(ax: _AxesBase) -> Figure:
    """The figure an axes is drawn in."""
    from matplotlib.figure import Figure

    fig = ax.get_figure(root=True)
    assert isinstance(fig, Figure)
    return fig


def label_boxes(fig: Figure, renderer: RendererBase) -> dict[str, tuple[float, ...]]:
    """Every placed label's box in display units, by gid (for tests and checks)."""
    out: dict[str, tuple[float, ...]] = {}
    for text in fig.findobj(match=_is_label):
        b = text.get_window_extent(renderer)
        out[str(text.get_gid())] = (b.x0, b.y0, b.x1, b.y1)
    return out


def _is_label(artist: object) -> bool:
    gid = getattr(artist, "get_gid", lambda: None)()
    return isinstance(gid, str) and gid.startswith(GID_PREFIX)


def axes_of(text: Text) -> _AxesBase:
    ax = text.axes
    assert ax is not None
    return ax


__all__ = ["GID_PREFIX", "Group", "Label", "Layout", "settle", "spread"]
