"""Small multiples per segment, chart titles and legends, and each chart's alt text."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from gapscan.analysis import analyze_files
from gapscan.render import chart_alt, charts, markdown
from gapscan.render.dumbbell_chart import segment_figure
from gapscan.report import GapReport
from tests.cli.test_analyze import run

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "surveys" / "cmo-affinity.yaml"
LABELLED = ROOT / "surveys" / "weighted-pulse.yaml"  # sides.labels: Account managers, Customers


@pytest.fixture(scope="module")
def report() -> GapReport:
    return analyze_files(EXAMPLE)


def test_a_panel_per_segment_value_with_the_same_questions(report: GapReport) -> None:
    fig = segment_figure(report, "region")
    values = [seg for seg, _ in report.views() if seg and seg[0][0] == "region"]
    assert len(fig.axes) == len(values) == 4
    whole = [r.question_text for r in report.results if not r.segment]
    for ax, segment in zip(fig.axes, values, strict=True):
        assert ax.get_title(loc="left").startswith(f"region = {segment[0][1]}")
        labels = [t.get_text().replace("\n", " ") for t in ax.get_yticklabels()]
        assert labels == whole  # same questions, same order in every panel
        assert ax.get_xlim() == (0.0, 1.0)
    # the shares drawn in a panel are that segment's, not the whole sample's
    apac = [r for r in report.results if r.segment == (("region", "APAC"),)]
    dots = {
        round(float(line.get_xdata()[0]), 9)
        for line in fig.axes[0].get_lines()
        if line.get_marker() == "o"
    }
    assert dots == {round(s, 9) for r in apac for s in (r.vendor.top_box, r.customer.top_box)}


def test_a_suppressed_segment_is_a_panel_of_notes(report: GapReport) -> None:
    fig = segment_figure(report, "region")
    latin = fig.axes[2]
    assert latin.get_title(loc="left").startswith("region = Latin America")
    assert sum("suppressed" in t.get_text() for t in latin.texts) == 3
    assert not [line for line in latin.get_lines() if line.get_marker() == "o"]


def test_the_title_is_the_surveys_name_and_the_legend_the_sides_labels(tmp_path: Path) -> None:
    labelled = analyze_files(LABELLED)
    assert labelled.settings.side_labels == ("Account managers", "Customers")
    # a survey name unlike any file name, to tell one from the other
    named = replace(labelled, survey="Quarterly partner pulse")
    for fig in (charts._dumbbell_figure(named), segment_figure(named, "region")):
        assert fig.get_suptitle().startswith("Quarterly partner pulse")
        legend = fig.axes[0].get_legend()
        assert legend is not None
        assert [t.get_text() for t in legend.get_texts()] == ["Account managers", "Customers"]


def test_the_markdown_report_links_small_multiples_with_alt_text(tmp_path: Path) -> None:
    out = tmp_path / "r.md"
    code, _, err = run("analyze", EXAMPLE, "--format", "markdown", "--out", out)
    assert code == 0, err
    assert (tmp_path / "charts" / "r-gaps-by-region.svg").is_file()
    assert (tmp_path / "charts" / "r-gaps-by-region.png").is_file()
    tokens = MarkdownIt("commonmark").parse(out.read_text(encoding="utf-8"))
    images = {
        str(child.attrGet("src")): child.content
        for token in tokens
        if token.type == "inline"
        for child in token.children or []
        if child.type == "image"
    }
    assert set(images) == {"charts/r-gaps.svg", "charts/r-gaps-by-region.svg"}
    for src, alt in images.items():
        assert Path(src).stem not in alt and len(alt) > 60, (src, alt)
    assert images["charts/r-gaps.svg"].startswith("Dumbbell chart: vendor and customer")
    assert images["charts/r-gaps-by-region.svg"].startswith("Small-multiple dumbbell charts by")


def test_the_dumbbells_alt_text_names_the_largest_gap(report: GapReport) -> None:
    alt = chart_alt.dumbbell_alt(report)
    whole = [r for r in report.results if not r.segment]
    largest = max(whole, key=lambda r: abs(r.gap or 0))
    assert f"for {len(whole)} questions" in alt
    assert f"“{largest.question_text}”" in alt
    assert f"{round(100 * (largest.gap or 0)):+d} points" in alt
    smaller = replace(largest, gap=0.01)  # another question now has the largest gap
    others = [r if r is not largest else smaller for r in report.results]
    assert f"“{largest.question_text}”" not in chart_alt.dumbbell_alt(
        replace(report, results=tuple(others))
    )


def test_the_segment_alt_text_names_values_and_suppressed_panels(report: GapReport) -> None:
    alt = chart_alt.segment_alt(report, "region")
    assert "(APAC, EMEA, Latin America, North America)" in alt
    assert alt.endswith("suppressed (too few answers): Latin America.")


def test_the_trend_alt_text_names_the_significant_changes() -> None:
    from tests.test_charts import make_trend

    trend = make_trend(analyze_files(EXAMPLE))
    assert "no significant change between waves" in chart_alt.trend_alt(trend)
    points = list(trend.points)
    first = next(i for i, p in enumerate(points) if p.change is not None)
    change = points[first].change
    assert change is not None
    points[first] = replace(points[first], change=replace(change, significant=True))
    alt = chart_alt.trend_alt(replace(trend, points=tuple(points)))
    assert re.search(r"significant changes: -4\.0 points on “[^”]+” in 2026Q2\.$", alt), alt


def test_the_alt_text_is_escaped_in_markdown(report: GapReport) -> None:
    hostile = replace(
        report,
        results=tuple(
            replace(r, question_text="Is it [great](http://evil.example) ![x](y)?")
            for r in report.results
        ),
    )
    text = markdown.render(hostile, [Path("charts/r-gaps.svg")])
    tokens = MarkdownIt("commonmark").parse(text)
    links = [c for t in tokens if t.type == "inline" for c in t.children or [] if c.type == "link"]
    images = [
        c for t in tokens if t.type == "inline" for c in t.children or [] if c.type == "image"
    ]
    assert not links and len(images) == 1
    alt = "".join(child.content for child in images[0].children or [])
    assert "“Is it [great](http://evil.example) ![x](y)?”" in alt  # shown as text


def test_the_svg_text_of_a_chart(report: GapReport) -> None:
    text = charts.chart_svg_text(charts.render_dumbbell(report))
    assert text.startswith("<svg") and text.rstrip().endswith("</svg>")
    assert "<?xml" not in text and "<!DOCTYPE" not in text


def test_a_gap_that_rounds_to_zero_has_no_sign(report: GapReport) -> None:
    from gapscan.render.dumbbell_chart import gap_label

    r = next(r for r in report.results if not r.segment)
    assert gap_label(replace(r, gap=-0.003, significant=False)) == "0 pp"
    assert gap_label(replace(r, gap=0.004, significant=True)) == "0 pp*"
    assert gap_label(replace(r, gap=-0.006, significant=False)) == "-1 pp"


def test_small_multiples_show_at_most_so_many_panels(report: GapReport) -> None:
    from gapscan.render.dumbbell_chart import MAX_PANELS

    whole = [r for r in report.results if not r.segment]
    many = MAX_PANELS + 6
    segments = [replace(r, segment=(("account", f"A{i:02d}"),)) for i in range(many) for r in whole]
    big = replace(report, results=(*whole, *segments))
    fig = segment_figure(big, "account")
    assert len(fig.axes) == MAX_PANELS
    assert fig.axes[-1].get_title(loc="left").startswith(f"account = A{MAX_PANELS - 1:02d}")
    assert f"The first {MAX_PANELS} of {many} values" in fig.get_supxlabel()
    assert f"the first {MAX_PANELS} of {many} values" in chart_alt.segment_alt(big, "account")


def test_the_svg_text_with_an_id_prefix_defines_each_id_once_per_chart(
    report: GapReport,
) -> None:
    import xml.etree.ElementTree as ET

    chart = charts.render_dumbbell(report)
    plain = charts.chart_svg_text(chart)
    text = charts.chart_svg_text(chart, id_prefix="c1-")
    root = ET.fromstring(text)
    ids = [e.get("id") for e in root.iter() if e.get("id") is not None]
    assert ids and all(str(i).startswith("c1-") for i in ids)
    assert len(ids) == len(set(ids))
    refs = re.findall(r'href="#([^"]+)"|url\(#([^)]+)\)', text)
    assert refs and all((a or b) in ids for a, b in refs)  # every reference still resolves
    assert text.replace("c1-", "") == plain  # nothing else changed
