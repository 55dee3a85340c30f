"""The HTML report of every bundled example, as headless Chromium shows it.

Each report is written in this test from the README's command line (with the JSON report
of the same run beside it), opened as a ``file://`` URL, and held to: no console error
or warning, no uncaught error, no request but the file itself; every chart present and
named for a screen reader (or hidden from it), one per segment and per distribution,
every image with alt text; the results tables, read from the DOM, equal to the JSON
report's results, the same with scripts off, sorted by a click on a heading; no serious
or critical axe-core violation; no sideways scrolling of the page on a phone; printed on
A4, nothing cut off and nothing folded away. (That the committed reports/*.html equal
these runs is tests/test_readme.py's check.)
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.browser import harness
from tests.browser.reports import Example, examples, write
from tests.test_readme import report_commands

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

EXAMPLES = examples()
NAMES = [e.name for e in EXAMPLES]


@dataclass
class Seen:
    """What the browser found in one report: at desktop width, then (the same page
    narrowed) at a phone's and printed at A4's, and again with its scripts switched off."""

    example: Example
    report: dict[str, Any]  # the JSON report of the same run
    console: list[str]
    errors: list[str]
    requests: list[str]
    charts: list[dict[str, Any]]
    images: list[str]
    tables: list[dict[str, Any]]
    violations: list[str]
    sorted: list[tuple[str | None, list[float | None]]]  # two clicks on the first gap heading
    phone_overflow: list[str]
    printed: tuple[list[str], list[str]]  # overflow or clipping at A4 width, closed details
    plain: tuple[list[dict[str, Any]], list[dict[str, Any]]]  # charts, tables without scripts


@pytest.fixture(scope="module")
def seen(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Seen]]:
    """Every example's report, written and looked at once (the tests below share it)."""
    out = tmp_path_factory.mktemp("html-reports")
    yield {example.name: _look(browser, example, out) for example in EXAMPLES}


def _look(browser: Browser, example: Example, out: Path) -> Seen:
    page = write(example, out, "html")
    report = json.loads(write(example, out, "json").read_text(encoding="utf-8"))
    with harness.visit(browser, page) as visit:
        p = visit.page
        charts, images = harness.charts(p), harness.images_without_alt(p)
        tables, violations = harness.tables(p), harness.axe_violations(p)
        sorted_by_gap = _sort_by_gap(p, tables)
        p.set_viewport_size({"width": harness.PHONE, "height": harness.HEIGHT})
        overflow = harness.horizontal_overflow(p)
        p.emulate_media(media="print")
        p.set_viewport_size({"width": harness.A4_WIDTH, "height": harness.HEIGHT})
        wide = harness.horizontal_overflow(p) + harness.clipped(p)
        printed = (wide, harness.hidden_in_details(p))
    with harness.visit(browser, page, scripts=False) as plain:
        plain_view = (harness.charts(plain.page), harness.tables(plain.page))
    return Seen(
        example,
        report,
        visit.console + plain.console,
        visit.errors + plain.errors,
        visit.requests + plain.requests,
        charts,
        images,
        tables,
        violations,
        sorted_by_gap,
        overflow,
        printed,
        plain_view,
    )


def _sort_by_gap(
    page: Page, tables: list[dict[str, Any]]
) -> list[tuple[str | None, list[float | None]]]:
    """Click the gap heading of the first results table twice: after each click, the
    heading's aria-sort and the gaps from top to bottom."""
    first = next(i for i, t in enumerate(tables) if _gap_column(t) is not None)
    column = _gap_column(tables[first])
    assert column is not None
    heading = page.locator("table").nth(first).locator("thead th").nth(column)
    orders = []
    for _ in range(2):
        heading.locator("button").click()
        rows = _rows(harness.tables(page)[first])
        orders.append((heading.get_attribute("aria-sort"), [_gap(r[3]) for r in rows]))
    return orders


def test_every_bundled_example_has_an_html_report() -> None:
    """Each schema and the trend that the README's reports commands run in markdown is
    also run in HTML."""
    markdown = {_subject(a) for a in report_commands() if _format(a) == "markdown"}
    html = {_subject(list(e.args)) for e in EXAMPLES}
    assert markdown, "the README's reports block has no markdown report"
    assert markdown <= html, f"no HTML report for {sorted(markdown - html)}"


def _format(args: list[str]) -> str:
    return args[args.index("--format") + 1] if "--format" in args else "table"


def _subject(args: list[str]) -> tuple[str, str]:
    return args[0], args[1]  # the command and its schema


@pytest.mark.parametrize("name", NAMES)
def test_the_page_loads_quietly_and_alone(seen: dict[str, Seen], name: str) -> None:
    s = seen[name]
    assert s.console == [], f"{name}.html logged to the console:\n" + "\n".join(s.console)
    assert s.errors == [], f"{name}.html raised:\n" + "\n".join(s.errors)
    assert s.requests == [], f"{name}.html asked for:\n" + "\n".join(s.requests)


@pytest.mark.parametrize("name", NAMES)
def test_every_chart_is_there_and_named(seen: dict[str, Seen], name: str) -> None:
    s = seen[name]
    shown = [c for c in s.charts if not c["hidden"]]
    assert shown, f"{name}.html has no chart"
    unnamed = [c["html"] for c in shown if not c["name"]]
    assert unnamed == [], f"charts in {name}.html without a title or label: {unnamed}"
    empty = [c["name"] for c in shown if c["width"] < 50 or c["height"] < 50]
    assert empty == [], f"charts in {name}.html drawn smaller than 50 px: {empty}"
    assert s.images == [], f"images in {name}.html without alt text: {s.images}"


@pytest.mark.parametrize("name", [e.name for e in EXAMPLES if e.command == "analyze"])
def test_each_segment_has_its_chart(seen: dict[str, Seen], name: str) -> None:
    """Small multiples: every segment with a result not suppressed has a chart of its
    own, whose accessible name names the segment's values."""
    s = seen[name]
    segments = {
        tuple(r["segment"].values()): r["segment"]
        for r in s.report["results"]
        if r["segment"] and not r["suppressed"]
    }
    names = [c["name"] for c in s.charts if not c["hidden"]]
    assert len(names) > len(segments), f"{name}.html: a summary chart and one per segment"
    for values in segments:
        assert any(all(v in n for v in values) for n in names), (values, names)


@pytest.mark.parametrize("name", [e.name for e in EXAMPLES if "--distribution" in e.args])
def test_each_distribution_has_its_chart(seen: dict[str, Seen], name: str) -> None:
    """``--distribution``: every question's answers in the whole sample are charted,
    the chart's name quoting the question."""
    s = seen[name]
    asked = [
        r["question_text"]
        for r in s.report["results"]
        if not r["segment"] and not r["suppressed"] and r["vendor"].get("distribution")
    ]
    names = [c["name"] for c in s.charts if not c["hidden"]]
    assert asked
    for text in asked:
        assert any(f"“{text}”" in n for n in names), (text, names)


@pytest.mark.parametrize("name", NAMES)
def test_the_page_reads_without_javascript(seen: dict[str, Seen], name: str) -> None:
    """With scripts off the page shows the same charts and the same table cells (the
    sorting script only adds to the column headings)."""
    s = seen[name]
    charts, tables = s.plain
    assert [c["name"] for c in charts] == [c["name"] for c in s.charts]
    assert [t["rows"] for t in tables] == [t["rows"] for t in s.tables]
    assert [t["caption"] for t in tables] == [t["caption"] for t in s.tables]


@pytest.mark.parametrize("name", NAMES)
def test_no_serious_accessibility_violation(seen: dict[str, Seen], name: str) -> None:
    found = seen[name].violations
    assert found == [], f"axe-core on {name}.html:\n" + "\n".join(found)


@pytest.mark.parametrize("name", NAMES)
def test_a_phone_does_not_scroll_sideways(seen: dict[str, Seen], name: str) -> None:
    found = seen[name].phone_overflow
    assert found == [], f"{name}.html at {harness.PHONE} px:\n" + "\n".join(found)


@pytest.mark.parametrize("name", NAMES)
def test_the_printed_page_fits_a4_with_nothing_folded(seen: dict[str, Seen], name: str) -> None:
    """Printed (print media, A4's width less the page margins), nothing sticks out of
    the page or hides in a scrolled wrapper, and folded details are printed open."""
    overflow, folded = seen[name].printed
    assert overflow == [], f"{name}.html printed:\n" + "\n".join(overflow)
    assert folded == [], f"{name}.html prints these folded away: {folded}"


@pytest.mark.parametrize("name", [e.name for e in EXAMPLES if e.command == "analyze"])
def test_the_tables_show_the_results(seen: dict[str, Seen], name: str) -> None:
    """Per view (the whole sample, then each segment), the rows of the results table
    are the JSON report's results in its order: the question's text, both sides' top-box
    shares, and the gap in points as printed (``+44.0``, marked ``*`` when significant,
    or ``suppressed``)."""
    s = seen[name]
    shown = [(t["data"].get("segment"), _rows(t)) for t in s.tables if _gap_column(t) is not None]
    expected: dict[str, list[tuple[str, str, str, str]]] = {}
    for r in s.report["results"]:
        key = json.dumps(r["segment"], ensure_ascii=False, separators=(",", ":"))
        expected.setdefault(key, []).append(_printed(r))
    assert [_segment_key(k) for k, _ in shown] == [_segment_key(k) for k in expected]
    for (key, rows), want in zip(shown, expected.values(), strict=True):
        _assert_rows(rows, want, key or "")


@pytest.mark.parametrize("name", [e.name for e in EXAMPLES if e.command == "trend"])
def test_the_trend_tables_show_each_wave(seen: dict[str, Seen], name: str) -> None:
    """Per question, in the JSON report's order, a table whose caption quotes the
    question and whose rows are its waves: top-box shares and the gap as printed."""
    s = seen[name]
    shown = [t for t in s.tables if _gap_column(t) is not None]
    questions = s.report["questions"]
    assert len(shown) == len(questions), [t["caption"] for t in shown]
    for table, q in zip(shown, questions, strict=True):
        assert f"“{q['question_text']}”" in table["caption"], table["caption"]
        want = [(w["wave"], *_printed({**w, "question_text": w["wave"]})[1:]) for w in q["waves"]]
        _assert_rows(_rows(table), want, q["question"])


def _assert_rows(
    rows: list[tuple[str, str, str, str]], want: list[tuple[str, str, str, str]], key: str
) -> None:
    """Rows shown (header, the two top-box cells, the gap cell) against the JSON's."""
    assert [r[0] for r in rows] == [w[0] for w in want], key
    for row, (_, vendor, customer, gap) in zip(rows, want, strict=True):
        if gap == "suppressed":
            assert "suppressed" in row[3], (key, row)
            continue
        assert row[1:3] == (vendor, customer), (key, row)
        printed = re.match(r"[+-]\d+\.\d( \*)?", row[3])  # the direction's words follow
        assert printed is not None and printed.group(0) == gap, (key, row)


def _gap_column(table: dict[str, Any]) -> int | None:
    head = table["head"][0] if table["head"] else []
    return head.index("Gap (points)") if "Gap (points)" in head else None


def _rows(table: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """Each row's question (its row header), the two ``... top box`` cells and the gap."""
    head = table["head"][0]
    gap = _gap_column(table)
    assert gap is not None
    tops = [i for i, h in enumerate(head) if h.endswith("top box")]
    assert len(tops) == 2, head
    rows = []
    for row in table["rows"]:
        assert len(row["header"]) == 1, row
        cells = row["cells"]
        rows.append((row["header"][0], cells[tops[0]], cells[tops[1]], cells[gap]))
    return rows


def _printed(r: dict[str, Any]) -> tuple[str, str, str, str]:
    if r["suppressed"]:
        return r["question_text"], "", "", "suppressed"
    gap = f"{100 * r['gap']:+.1f}"  # no mark: the Significant? column says it
    vendor, customer = (f"{100 * r[side]['top_box']:.1f}%" for side in ("vendor", "customer"))
    return r["question_text"], vendor, customer, gap


def _segment_key(text: str | None) -> dict[str, str] | None:
    return None if text is None else json.loads(text)


@pytest.mark.parametrize("name", NAMES)
def test_a_click_on_a_heading_sorts_the_table(seen: dict[str, Seen], name: str) -> None:
    """The first results table sorted by its gap: ascending, then descending on a second
    click, the heading's aria-sort saying which; rows without a gap last both times."""
    (up, ascending), (down, descending) = seen[name].sorted
    assert (up, down) == ("ascending", "descending")
    for order, reverse in ((ascending, False), (descending, True)):
        gaps = [g for g in order if g is not None]
        assert gaps == sorted(gaps, reverse=reverse), order
        assert order[len(gaps) :] == [None] * (len(order) - len(gaps)), order
    assert len(set(ascending)) > 1, "nothing to sort: the test needs another table"


def _gap(cell: str) -> float | None:
    printed = re.match(r"[+-]\d+\.\d", cell)
    return None if printed is None else float(printed.group(0))
