"""Charts: valid SVG and PNG, byte-identical across runs and processes, labels from
the report's fields, and suppressed results shown as notes."""

from __future__ import annotations

import math
import os
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
import pytest
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.image import imread

from gapscan.analysis import analyze_files
from gapscan.render import charts
from gapscan.render.charts import write_dumbbell, write_trend
from gapscan.report import GapChange, GapReport, GapResult, TrendReport, WavePoint

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "surveys" / "cmo-affinity.yaml"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
WAVES = ("2026Q1", "2026Q2", "2026Q3")


def make_report() -> GapReport:
    return analyze_files(EXAMPLE)


def make_trend(report: GapReport) -> TrendReport:
    """Three waves of the same example; the second carries a made-up change, and the
    last wave of the final question is suppressed (chart input only)."""
    whole = [r for r in report.results if r.segment == ()]
    points: list[WavePoint] = []
    for r in whole:
        for k, wave in enumerate(WAVES):
            result, change = r, None
            if k == 1:
                change = GapChange(WAVES[0], r.gap or 0.0, -0.04, -0.13, 0.05, -0.9, 0.37, False)
            if k == 2 and r is whole[-1]:
                result = _suppress(r)
            points.append(WavePoint(wave, result, change))
    return TrendReport(
        survey=report.survey,
        schema=report.schema,
        waves=WAVES,
        reports=(report, report, report),
        questions=tuple((r.question, r.question_text) for r in whole),
        points=tuple(points),
    )


def _suppress(r: GapResult) -> GapResult:
    return replace(
        r,
        suppressed=True,
        vendor=replace(r.vendor, top_box=None, top_box_ci_low=None, top_box_ci_high=None),
        customer=replace(r.customer, top_box=None, top_box_ci_low=None, top_box_ci_high=None),
        gap=None,
        ci_low=None,
        ci_high=None,
        p_adjusted=None,
        significant=None,
    )


@pytest.fixture(scope="module")
def report() -> GapReport:
    return make_report()


@pytest.fixture(scope="module")
def trend(report: GapReport) -> TrendReport:
    return make_trend(report)


def _whole(report: GapReport) -> list[GapResult]:
    return [r for r in report.results if r.segment == ()]


def _data(values: object) -> list[float]:
    return [float(v) for v in np.asarray(values, dtype=float).ravel()]


def _assert_valid(svg: Path, png: Path) -> None:
    root = ET.fromstring(svg.read_bytes())
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    data = png.read_bytes()
    assert data.startswith(PNG_SIGNATURE)
    image = imread(png)
    assert image.ndim == 3 and image.shape[0] > 100 and image.shape[1] > 100


# -- files --------------------------------------------------------------------


def test_dumbbell_writes_valid_svg_and_png(report: GapReport, tmp_path: Path) -> None:
    out = tmp_path / "nested" / "charts"
    paths = write_dumbbell(report, out)
    assert paths == [out / "gaps.svg", out / "gaps.png"]
    _assert_valid(*paths)
    assert sorted(p.name for p in out.iterdir()) == ["gaps.png", "gaps.svg"]  # no temp files


def test_trend_writes_valid_svg_and_png(trend: TrendReport, tmp_path: Path) -> None:
    paths = write_trend(trend, tmp_path, stem="waves")
    assert paths == [tmp_path / "waves.svg", tmp_path / "waves.png"]
    _assert_valid(*paths)


def test_writing_twice_gives_identical_bytes(
    report: GapReport, trend: TrendReport, tmp_path: Path
) -> None:
    first = write_dumbbell(report, tmp_path / "a") + write_trend(trend, tmp_path / "a")
    second = write_dumbbell(report, tmp_path / "b") + write_trend(trend, tmp_path / "b")
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_subprocess_gives_identical_bytes(
    report: GapReport, trend: TrendReport, tmp_path: Path
) -> None:
    here = write_dumbbell(report, tmp_path / "here") + write_trend(trend, tmp_path / "here")
    code = textwrap.dedent(
        """
        import sys
        from pathlib import Path
        sys.path.insert(0, sys.argv[1])
        from tests.test_charts import make_report, make_trend
        from gapscan.render.charts import write_dumbbell, write_trend
        report = make_report()
        write_dumbbell(report, Path(sys.argv[2]))
        write_trend(make_trend(report), Path(sys.argv[2]))
        """
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345", "MPLBACKEND": "svg"}
    env.pop("SOURCE_DATE_EPOCH", None)
    there_dir = tmp_path / "there"
    subprocess.run(
        [sys.executable, "-c", code, str(ROOT), str(there_dir)],
        check=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )
    for path in here:
        assert (there_dir / path.name).read_bytes() == path.read_bytes(), path.name


def test_no_date_or_tool_version_in_files(report: GapReport, tmp_path: Path) -> None:
    svg, png = write_dumbbell(report, tmp_path)
    text = svg.read_text(encoding="utf-8")
    assert "<dc:date>" not in text
    assert "Matplotlib v" not in text
    assert b"Software" not in png.read_bytes()


def test_failed_write_leaves_previous_file_and_no_temp(
    report: GapReport, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    svg, png = write_dumbbell(report, tmp_path)
    before = svg.read_bytes(), png.read_bytes()

    def fail(src: object, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("gapscan.outputs.os.replace", fail)
    with pytest.raises(OSError, match="disk full"):
        write_dumbbell(replace(report, survey="Another title"), tmp_path)
    assert (svg.read_bytes(), png.read_bytes()) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gaps.png", "gaps.svg"]


def test_failed_render_writes_nothing(
    report: GapReport, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = charts._render

    def render(fig: Figure, fmt_name: str, metadata: dict[str, Any]) -> bytes:
        if fmt_name == "png":
            raise RuntimeError("renderer broke")
        return real(fig, fmt_name, metadata)

    monkeypatch.setattr(charts, "_render", render)
    with pytest.raises(RuntimeError, match="renderer broke"):
        write_dumbbell(report, tmp_path / "out")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_global_matplotlib_state_untouched(report: GapReport, tmp_path: Path) -> None:
    before = dict(matplotlib.rcParams)
    backend = matplotlib.get_backend()
    write_dumbbell(report, tmp_path)
    assert dict(matplotlib.rcParams) == before
    assert matplotlib.get_backend() == backend


def test_importing_the_module_does_not_import_matplotlib() -> None:
    code = "import sys, gapscan.render.charts; print('matplotlib' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, timeout=60
    )
    assert out.stdout.strip() == "False"


# -- what the dumbbell shows --------------------------------------------------


def test_dumbbell_rows_are_whole_sample_questions_in_order(report: GapReport) -> None:
    fig = charts._dumbbell_figure(report)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    whole = _whole(report)
    assert len(whole) == 3 and len(report.results) > len(whole)  # segments are left out
    assert [label.replace("\n", " ") for label in labels] == [r.question_text for r in whole]
    assert all(len(line) <= 40 for label in labels for line in label.split("\n"))
    ticks = list(ax.get_yticks())
    assert ticks == sorted(ticks) and ax.yaxis_inverted()  # first question on top


def test_dumbbell_labels_title_legend_and_caption(report: GapReport) -> None:
    fig = charts._dumbbell_figure(report)
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.texts]
    for r in _whole(report):
        assert r.significant
        assert f"{100 * (r.gap or 0):+.0f} pp*" in texts
    assert "+44 pp*" in texts
    assert fig.get_suptitle() == report.survey
    legend = ax.get_legend()
    assert legend is not None
    assert [t.get_text() for t in legend.get_texts()] == ["Vendor", "Customer"]
    caption = fig.get_supxlabel()
    assert "95% CI" in caption and "holm" in caption
    assert ax.get_xlim() == (0.0, 1.0)
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks == ["0%", "20%", "40%", "60%", "80%", "100%"]


def test_dumbbell_draws_shares_and_intervals_from_the_fields(report: GapReport) -> None:
    ax = charts._dumbbell_figure(report).axes[0]
    xs = [tuple(_data(line.get_xdata())) for line in ax.get_lines()]
    colours = {line.get_color() for line in ax.get_lines()}
    assert {charts.VENDOR_COLOUR, charts.CUSTOMER_COLOUR} <= colours
    for r in _whole(report):
        for side in (r.vendor, r.customer):
            assert (side.top_box,) in xs
            assert (side.top_box_ci_low, side.top_box_ci_high) in xs


def test_dumbbell_without_share_intervals_draws_no_error_bars(report: GapReport) -> None:
    bare = replace(
        report,
        results=tuple(
            replace(
                r,
                vendor=replace(r.vendor, top_box_ci_low=None, top_box_ci_high=None),
                customer=replace(r.customer, top_box_ci_low=None, top_box_ci_high=None),
            )
            for r in report.results
        ),
    )
    ax = charts._dumbbell_figure(bare).axes[0]
    assert all(
        len(_data(line.get_xdata())) != 2 or line.get_linewidth() > 3 for line in ax.get_lines()
    )


def test_suppressed_question_is_a_note_without_share(report: GapReport, tmp_path: Path) -> None:
    whole = _whole(report)
    partly = replace(report, results=(whole[0], _suppress(whole[1]), whole[2]))
    ax = charts._dumbbell_figure(partly).axes[0]
    texts = [t.get_text() for t in ax.texts]
    assert sum("suppressed" in t for t in texts) == 1
    assert len([t for t in texts if t.endswith(("pp", "pp*"))]) == 2
    dots = [line for line in ax.get_lines() if line.get_marker() == "o"]
    assert len(dots) == 4  # two questions, two sides


def test_all_suppressed_still_writes_a_chart(report: GapReport, tmp_path: Path) -> None:
    none = replace(report, results=tuple(_suppress(r) for r in report.results), headline=None)
    ax = charts._dumbbell_figure(none).axes[0]
    assert sum("suppressed" in t.get_text() for t in ax.texts) == 3
    assert not [line for line in ax.get_lines() if line.get_marker() == "o"]
    _assert_valid(*write_dumbbell(none, tmp_path))


def test_empty_report_still_writes_a_chart(report: GapReport, tmp_path: Path) -> None:
    _assert_valid(*write_dumbbell(replace(report, results=()), tmp_path))


# -- what the trend shows -----------------------------------------------------


def test_trend_lines_follow_the_gaps_with_suppressed_points_left_out(
    trend: TrendReport,
) -> None:
    fig = charts._trend_figure(trend)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == list(WAVES)
    assert fig.get_suptitle() == trend.survey
    legend = ax.get_legend()
    assert legend is not None
    assert [t.get_text() for t in legend.get_texts()] == [text for _, text in trend.questions]
    series = [line for line in ax.get_lines() if line.get_label() in dict(trend.questions).values()]
    assert len(series) == len(trend.questions)
    for line, (qid, _) in zip(series, trend.questions, strict=True):
        expected = [
            math.nan if p.result.suppressed else 100 * (p.result.gap or 0.0)
            for p in trend.series(qid)
        ]
        got = _data(line.get_ydata())
        assert len(got) == len(expected)
        for g, e in zip(got, expected, strict=True):
            assert (math.isnan(g) and math.isnan(e)) or g == pytest.approx(e)
    zero = [ln for ln in ax.get_lines() if _data(ln.get_ydata()) == [0.0, 0.0]]
    assert zero, "no zero line"
    texts = [t.get_text() for t in ax.texts]
    assert texts.count("Δ -4.0") == len(trend.questions)
    assert "suppressed" in fig.get_supxlabel()


def test_trend_intervals_come_from_the_results(trend: TrendReport) -> None:
    ax = charts._trend_figure(trend).axes[0]
    spans: set[tuple[float, float]] = set()
    for coll in ax.collections:
        if not isinstance(coll, LineCollection):
            continue
        for seg in coll.get_segments():
            spans.add((round(float(seg[0][1]), 6), round(float(seg[1][1]), 6)))
    for p in trend.points:
        r = p.result
        if r.suppressed:
            continue
        assert (round(100 * (r.ci_low or 0), 6), round(100 * (r.ci_high or 0), 6)) in spans


def test_trend_with_every_point_suppressed(trend: TrendReport, tmp_path: Path) -> None:
    blank = replace(
        trend,
        points=tuple(replace(p, result=_suppress(p.result), change=None) for p in trend.points),
    )
    _assert_valid(*write_trend(blank, tmp_path))
