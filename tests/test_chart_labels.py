"""No two chart labels overlap, whatever the values (hypothesis).

Trends (2–8 waves, 1–12 questions, gaps and changes that nearly coincide, long
question texts) and dumbbells (gaps nearly equal, shares near 0 and 100%) are built
from the bundled example's results with generated numbers, rendered to SVG, and the
box of every label (each label is a group with a ``label-…`` id) is computed from
the glyph outlines in the file (tests/svg_labels.py). No two boxes may overlap and
every box must lie inside the picture. The label layout itself (``spread``) is
tested on its own below.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gapscan.analysis import analyze_files
from gapscan.render import charts
from gapscan.render.chart_labels import spread
from gapscan.report import GapChange, GapReport, GapResult, TrendReport, WavePoint
from tests.fuzz.conftest import fuzz_settings
from tests.svg_labels import label_boxes, overlapping, svg_size

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "surveys" / "cmo-affinity.yaml"
TREND_EXAMPLES = 30
DUMBBELL_EXAMPLES = 30

_REPORT = analyze_files(EXAMPLE)
_BASE = next(r for r in _REPORT.results if not r.segment)

WORDS = st.sampled_from(
    ["the", "vendor", "is", "customer-centric", "getting", "better", "aligned", "needs",
     "responding", "Übersichtlichkeit", "and", "of", "quarterly", "satisfaction"]
)  # fmt: skip
TEXTS = st.lists(WORDS, min_size=1, max_size=40).map(" ".join)


def _svg(fig: object) -> bytes:
    with charts._style():
        return charts._render(fig, "svg", charts._SVG_METADATA)  # type: ignore[arg-type]


def _assert_apart(svg: bytes, expected: int) -> None:
    boxes = label_boxes(svg)
    assert len(boxes) == expected, (len(boxes), expected)
    assert not overlapping(boxes), overlapping(boxes)[:5]
    width, height = svg_size(svg)
    for name, (x0, y0, x1, y1) in boxes.items():
        assert x0 >= 0 and y0 >= 0 and x1 <= width and y1 <= height, (name, x0, y0, x1, y1)


# -- trends -------------------------------------------------------------------


@st.composite
def trends(draw: st.DrawFn) -> TrendReport:
    n_waves = draw(st.integers(2, 8))
    n_questions = draw(st.integers(1, 12))
    base = draw(st.floats(-0.9, 0.9))
    spread_of = draw(st.sampled_from([0.0, 0.001, 0.01, 0.05, 0.3]))  # how far apart
    prefix = draw(st.sampled_from(["Wave ", "", "2026Q", "Customer survey, wave "]))
    waves = tuple(f"{prefix}{k + 1}" for k in range(n_waves))
    questions = tuple((f"q{i}", draw(TEXTS)) for i in range(n_questions))
    points: list[WavePoint] = []
    for qid, text in questions:
        previous: float | None = None
        for wave in waves:
            gap = max(-1.0, min(1.0, base + draw(st.floats(0.0, 1.0)) * spread_of))
            result = replace(
                _BASE, question=qid, question_text=text, gap=gap, ci_low=gap - 0.05,
                ci_high=gap + 0.05, significant=draw(st.booleans()),
            )  # fmt: skip
            change = None
            if previous is not None:
                significant = draw(st.booleans())
                change = GapChange(wave, previous, gap - previous, -0.1, 0.1, 0.0, 0.5, significant)
            points.append(WavePoint(wave, result, change))
            previous = gap
    return TrendReport(
        survey=draw(TEXTS),
        schema="schema.yaml",
        waves=waves,
        reports=tuple(_REPORT for _ in waves),
        questions=questions,
        points=tuple(points),
    )


def _trend_labels(trend: TrendReport) -> int:
    """Change labels (every point but the first wave's), one end label a line, and
    the waves' names on the x axis."""
    n = len(trend.questions)
    return n * (len(trend.waves) - 1) + n + len(trend.waves)


@pytest.mark.filterwarnings("ignore:constrained_layout not applied")
@fuzz_settings(TREND_EXAMPLES)
@given(trend=trends())
def test_no_two_trend_labels_overlap(trend: TrendReport) -> None:
    _assert_apart(_svg(charts._trend_figure(trend)), _trend_labels(trend))


# -- dumbbells ----------------------------------------------------------------

SHARES = st.one_of(st.floats(0.0, 0.02), st.floats(0.98, 1.0), st.floats(0.0, 1.0))


@st.composite
def dumbbells(draw: st.DrawFn) -> GapReport:
    n = draw(st.integers(1, 12))
    results: list[GapResult] = []
    for i in range(n):
        vendor = draw(SHARES)
        customer = draw(st.one_of(st.just(vendor), st.floats(0.0, 1.0), SHARES))
        if draw(st.booleans()):  # nearly the same share: the labels meet
            customer = min(1.0, max(0.0, vendor + draw(st.floats(-0.01, 0.01))))
        results.append(
            replace(
                _BASE,
                question=f"q{i}",
                question_text=draw(TEXTS),
                vendor=replace(_BASE.vendor, top_box=vendor, top_box_ci_low=max(0.0, vendor - 0.05),
                               top_box_ci_high=min(1.0, vendor + 0.05)),
                customer=replace(_BASE.customer, top_box=customer,
                                 top_box_ci_low=max(0.0, customer - 0.05),
                                 top_box_ci_high=min(1.0, customer + 0.05)),
                gap=vendor - customer,
                significant=draw(st.booleans()),
            )
        )  # fmt: skip
    return replace(_REPORT, results=tuple(results), survey=draw(TEXTS))


@fuzz_settings(DUMBBELL_EXAMPLES)
@given(report=dumbbells())
def test_no_two_dumbbell_labels_overlap(report: GapReport) -> None:
    # Each row: two value labels and a gap label.
    _assert_apart(_svg(charts._dumbbell_figure(report)), 3 * len(report.results))


def test_segment_small_multiples_keep_their_labels_apart() -> None:
    from gapscan.render.dumbbell_chart import segment_figure, segment_views

    svg = _svg(segment_figure(_REPORT, "region"))
    views = segment_views(_REPORT, "region")
    shown = sum(3 if not r.suppressed else 2 for _, results in views for r in results)
    _assert_apart(svg, shown)


# -- the helper reads the boxes matplotlib measures ---------------------------


def test_svg_boxes_lie_within_the_text_extents() -> None:
    """The boxes read from the SVG agree with matplotlib's own text extents (at the
    SVG's 72 dpi): the helper reads the file right, so an overlap it finds is real."""
    from gapscan.render.chart_labels import label_boxes as measured
    from gapscan.render.chart_labels import renderer_of

    fig = charts._dumbbell_figure(_REPORT)
    svg = _svg(fig)
    boxes = label_boxes(svg)
    fig.set_dpi(72)
    extents = measured(fig, renderer_of(fig))
    _, height = svg_size(svg)
    assert boxes and set(boxes) == set(extents)
    for name, (x0, y0, x1, y1) in boxes.items():
        e0, f0, e1, f1 = extents[name]
        top, bottom = height - f1, height - f0  # matplotlib's y runs up, SVG's down
        assert e0 - 2 <= x0 < x1 <= e1 + 2, name  # ink may overhang the advance a little
        assert top - 2 <= y0 < y1 <= bottom + 2, name
        assert x1 - x0 > 0.5 * (e1 - e0), name  # the ink fills most of the extent


# -- the layout ---------------------------------------------------------------


@fuzz_settings(300)
@given(
    desired=st.lists(st.floats(-100, 100), min_size=1, max_size=15),
    size=st.floats(1, 30),
    room=st.floats(0, 400),
)
def test_spread_keeps_order_and_distance(desired: list[float], size: float, room: float) -> None:
    sizes = [size] * len(desired)
    placed = spread(desired, sizes, -room / 2, room / 2, gap=2.0)
    order = sorted(range(len(desired)), key=lambda i: (desired[i], i))
    ranked = [placed[i] for i in order]
    for a, b in itertools.pairwise(ranked):
        assert b - a >= size + 2.0 - 1e-6  # apart, in the order of their points
    fits = len(desired) * size + (len(desired) - 1) * 2.0 <= room
    if fits:
        assert ranked[0] - size / 2 >= -room / 2 - 1e-6
        assert ranked[-1] + size / 2 <= room / 2 + 1e-6


def test_spread_leaves_labels_that_fit_where_they_are() -> None:
    assert spread([0.0, 50.0, 100.0], [10.0, 10.0, 10.0], -200, 200) == [0.0, 50.0, 100.0]


def test_spread_moves_two_coinciding_labels_apart_evenly() -> None:
    placed = spread([10.0, 10.0], [8.0, 8.0], -100, 100, gap=2.0)
    assert placed == pytest.approx([5.0, 15.0])  # least squares: half the distance each


def test_spread_keeps_labels_inside_the_bounds() -> None:
    placed = spread([99.0, 99.5], [10.0, 10.0], 0, 100, gap=0.0)
    assert placed == pytest.approx([85.0, 95.0])


# -- distributions ------------------------------------------------------------


def _shares(draw: st.DrawFn, k: int) -> list[float]:
    weights = draw(
        st.lists(st.one_of(st.floats(0.0, 0.02), st.floats(0.0, 1.0)), min_size=k, max_size=k)
    )
    total = sum(weights)
    return [w / total for w in weights] if total > 0 else [1.0 / k] * k


@st.composite
def distributions(draw: st.DrawFn) -> GapResult:
    from gapscan.report import LevelCount

    k = draw(st.integers(2, 11))
    levels = [f"Level {i} {draw(WORDS)}" for i in range(k)]
    sides = []
    for side in (_BASE.vendor, _BASE.customer):
        shares = _shares(draw, k)
        counts = tuple(
            LevelCount(level, float(i), round(1000 * s), s)
            for i, (level, s) in enumerate(zip(levels, shares, strict=True))
        )
        sides.append(replace(side, distribution=counts))
    return replace(_BASE, vendor=sides[0], customer=sides[1], top_box_labels=(levels[-1],))


def _segment_labels(r: GapResult) -> int:
    """The segments wide enough to show a share other than 0%."""
    return sum(
        1
        for side in (r.vendor, r.customer)
        for d in side.distribution
        if d.share > 0 and f"{100 * d.share:.0f}%" != "0%"
    )


@fuzz_settings(DUMBBELL_EXAMPLES)
@given(result=distributions())
def test_no_two_distribution_labels_overlap(result: GapResult) -> None:
    from gapscan.render.distribution_chart import _figure

    report = replace(_REPORT, results=(result,))
    _assert_apart(_svg(_figure(report, result)), _segment_labels(result))
