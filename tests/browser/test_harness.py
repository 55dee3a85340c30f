"""The browser checks catch what they look for: a hand-written page that passes them all,
and one that breaks each (console messages, an uncaught error, a network request, an
unnamed chart, an image without alt text, a serious axe violation, a page wider than
a phone)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.browser import harness
from tests.golden import ROOT

if TYPE_CHECKING:
    from playwright.sync_api import Browser

PAGES = ROOT / "tests" / "data" / "browser"


def test_a_clean_page_passes_every_check(browser: Browser) -> None:
    with harness.visit(browser, PAGES / "good.html", width=harness.PHONE) as seen:
        assert (seen.console, seen.errors, seen.requests) == ([], [], [])
        charts = harness.charts(seen.page)
        assert [(c["hidden"], c["name"]) for c in charts] == [
            (False, "Top-box share per question, vendors against customers"),
            (True, ""),
        ]
        assert charts[0]["width"] <= harness.PHONE  # scaled down to the phone's width
        assert harness.images_without_alt(seen.page) == []
        assert harness.axe_violations(seen.page) == []
        assert harness.horizontal_overflow(seen.page) == []  # the table scrolls inside
        [clipped] = harness.clipped(seen.page)  # on paper it would be cut off
        assert clipped.startswith("div.table-wrap: ") and clipped.endswith(" px")
        assert harness.hidden_in_details(seen.page) == ["Folded away until opened."]
        seen.page.locator("summary").click()
        assert harness.hidden_in_details(seen.page) == []
        [table] = harness.tables(seen.page)
        assert table["caption"] == "All respondents"
        assert table["head"][0][:4] == ["Question", "Vendor", "Customer", "Gap (points)"]
        assert [r["header"] for r in table["rows"]] == [
            ["The vendor is customer-centric"],
            ["The vendor is well aligned"],
        ]
        assert table["rows"][0]["cells"][3] == "+44.0 *"


def test_a_flawed_page_fails_each_check(browser: Browser) -> None:
    with harness.visit(browser, PAGES / "flawed.html", width=harness.PHONE) as seen:
        assert {"error: broken", "warning: careful"} <= set(seen.console)
        assert "error: Failed to load resource: net::ERR_FAILED" in seen.console
        assert any("undefinedFunction" in e for e in seen.errors)
        assert sorted(seen.requests) == [
            (PAGES / "chart.png").resolve().as_uri(),
            "https://fonts.example.com/font.css",
        ]
        [chart] = harness.charts(seen.page)
        assert (chart["hidden"], chart["name"]) == (False, "")
        assert harness.images_without_alt(seen.page) == ['<img src="chart.png">']
        violations = harness.axe_violations(seen.page)
        rules = {line.split()[1] for line in violations}
        assert {"image-alt", "svg-img-alt", "color-contrast", "html-has-lang"} <= rules
        assert seen.page.locator("[data-axe-unrolled]").count() == 0  # the page as it was
        overflow = harness.horizontal_overflow(seen.page)
        assert overflow[0] == "page is 908 px wide in a 375 px viewport"
        assert any(line.startswith("div right=") for line in overflow[1:])


def test_scripts_off_runs_none_of_the_pages_scripts(browser: Browser) -> None:
    with harness.visit(browser, PAGES / "flawed.html", scripts=False) as seen:
        assert not any(m.endswith(("broken", "careful")) for m in seen.console)
        assert seen.errors == []
        assert harness.charts(seen.page)[0]["name"] == ""  # the checks themselves still run


def test_text_scrolled_out_of_view_is_held_to_the_contrast_rule(browser: Browser) -> None:
    """A faint cell past the right edge of a scrolling table wrapper is caught: axe
    judges contrast with the wrappers unrolled, and they scroll again afterwards."""
    with harness.visit(browser, PAGES / "scrolled.html") as seen:
        wrapper = seen.page.locator(".table-wrap")
        scrolls = "e => [getComputedStyle(e).overflowX, e.scrollWidth > e.clientWidth]"
        assert wrapper.evaluate(scrolls) == ["auto", True]
        seen.page.evaluate(harness.UNROLL_JS, True)
        assert wrapper.evaluate(scrolls)[0] == "visible"  # its text in view, past its edge
        seen.page.evaluate(harness.UNROLL_JS, False)
        assert wrapper.evaluate(scrolls) == ["auto", True]
        [violation] = harness.axe_violations(seen.page)
        assert violation.startswith("serious color-contrast") and "#faint" in violation
        assert wrapper.evaluate(scrolls) == ["auto", True]
        assert harness.horizontal_overflow(seen.page) == []
