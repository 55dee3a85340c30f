"""Headless Chromium for the HTML reports: Debian's browser driven by Playwright.

Playwright's own browser builds cannot be downloaded on these machines (and the tests
must download nothing), so the browser is Debian's ``chromium`` package (.ci/run installs
it), launched with the flags that keep it off the network. axe-core is the copy bundled
in the ``axe-playwright-python`` wheel (the test extra), injected into the page.
"""

from __future__ import annotations

import importlib
import importlib.resources
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Page, Request, Route

CHROMIUM = Path(os.environ.get("GAPSCAN_CHROMIUM", "/usr/bin/chromium"))
# Playwright adds --headless and a fresh, empty --user-data-dir of its own; without the
# background-networking flags Chromium tries to reach its update and sync services.
LAUNCH_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
DESKTOP = 1280
PHONE = 375
A4_WIDTH = 688  # CSS pixels between A4's edges less the reports' 14 mm @page margins
HEIGHT = 900
BLOCKING = ("serious", "critical")  # axe impacts that fail a page


def missing() -> list[str]:
    """What this machine lacks to run the browser tests (empty: nothing)."""
    lacking = []
    if not CHROMIUM.exists():
        lacking.append(f"{CHROMIUM} (Debian's chromium package; .ci/run installs it)")
    for module in ("playwright", "axe_playwright_python"):
        try:
            importlib.import_module(module)
        except ImportError:
            lacking.append(f"the Python package {module} (pip install -e '.[test]')")
    return lacking


@contextmanager
def chromium() -> Iterator[Browser]:
    """One headless Chromium for many pages."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=list(LAUNCH_ARGS)
        )
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Visit:
    """What happened while a page loaded: console messages (``type: text``), uncaught
    errors, and every URL the page asked for other than itself (``data:`` URLs are
    part of the page; anything else is aborted before it reaches the network)."""

    page: Page
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


@contextmanager
def visit(
    browser: Browser, path: Path, *, width: int = DESKTOP, scale: float = 1, scripts: bool = True
) -> Iterator[Visit]:
    """Open ``path`` as a ``file://`` URL in a fresh context ``width`` CSS pixels wide
    (``scripts=False``: with the page's own scripts switched off; the checks still run)."""
    url = path.resolve().as_uri()
    context = browser.new_context(
        viewport={"width": width, "height": HEIGHT},
        device_scale_factor=scale,
        bypass_csp=True,  # axe is injected even if the page forbids inline scripts
        java_script_enabled=scripts,
    )
    try:
        page = context.new_page()
        seen = Visit(page)

        def on_request(request: Request) -> None:
            if request.url != url and not request.url.startswith("data:"):
                seen.requests.append(request.url)

        def on_console(message: ConsoleMessage) -> None:
            if message.type in ("error", "warning"):
                seen.console.append(f"{message.type}: {message.text}")

        def on_route(route: Route) -> None:
            if route.request.url == url or route.request.url.startswith("data:"):
                route.continue_()
            else:
                route.abort()

        page.on("request", on_request)
        page.on("console", on_console)
        page.on("pageerror", lambda error: seen.errors.append(str(error)))
        context.route("**/*", on_route)
        page.goto(url, wait_until="load")
        yield seen
    finally:
        context.close()


def axe_source() -> str:
    files = importlib.resources.files("axe_playwright_python")
    return files.joinpath("axe.min.js").read_text(encoding="utf-8")


AXE_JS = """async ([context, options]) => (await axe.run(context || document, options)).violations
  .map(v => ({id: v.id, impact: v.impact, help: v.help,
              nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary)}))"""
# axe leaves the contrast of text scrolled out of sight in a scrolling wrapper undecided
# when the text lies past the page's body (a wide table's right-hand columns at 1280 px:
# "partially obscured by <body>"): contrast is judged with every such wrapper unrolled.
UNROLL_JS = """(on) => {
  if (on) {
    for (const e of document.body.querySelectorAll('*')) {
      const x = getComputedStyle(e).overflowX;
      if (x === 'auto' || x === 'scroll') e.setAttribute('data-axe-unrolled', '');
    }
    const style = document.createElement('style');
    style.id = 'axe-unrolled';
    style.textContent = '[data-axe-unrolled]{overflow:visible !important}';
    document.head.append(style);
  } else {
    document.getElementById('axe-unrolled').remove();
    for (const e of document.querySelectorAll('[data-axe-unrolled]'))
      e.removeAttribute('data-axe-unrolled');
  }
}"""


def axe_violations(page: Page, impacts: tuple[str, ...] = BLOCKING) -> list[str]:
    """axe-core's violations of the given impacts, one line per rule and element:
    every rule but colour contrast on the page as it is, then colour contrast with the
    scrolling wrappers unrolled (no slower than one pass over every rule)."""
    page.evaluate(axe_source())
    only = {"resultTypes": ["violations"]}
    rest = {"rules": {"color-contrast": {"enabled": False}}, **only}
    found: list[dict[str, Any]] = page.evaluate(AXE_JS, [None, rest])
    page.evaluate(UNROLL_JS, True)
    try:
        found += page.evaluate(AXE_JS, [None, {"runOnly": ["color-contrast"], **only}])
    finally:
        page.evaluate(UNROLL_JS, False)
    return [
        f"{v['impact']} {v['id']} ({v['help']}): {node}"
        for v in found
        if v["impact"] in impacts
        for node in v["nodes"]
    ]


CHARTS_JS = """() => [...document.querySelectorAll('svg')]
  .filter(svg => !svg.parentElement.closest('svg'))
  .map(svg => {
    const hidden = svg.closest('[aria-hidden="true"]') !== null;
    const ids = (svg.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean);
    const labelled = ids.map(id => document.getElementById(id))
      .filter(Boolean).map(e => e.textContent).join(' ');
    const title = [...svg.children].find(c => c.tagName.toLowerCase() === 'title');
    const name = (labelled || svg.getAttribute('aria-label') || (title ? title.textContent : ''))
      .replace(/\\s+/g, ' ').trim();
    const box = svg.getBoundingClientRect();
    return {hidden, name, role: svg.getAttribute('role') || '',
            width: box.width, height: box.height, html: svg.outerHTML.slice(0, 120)};
  })"""


def charts(page: Page) -> list[dict[str, Any]]:
    """Every outermost ``<svg>``: whether it is aria-hidden, its accessible name
    (aria-labelledby, aria-label, then its own ``<title>``), its role and rendered size."""
    result: list[dict[str, Any]] = page.evaluate(CHARTS_JS)
    return result


def images_without_alt(page: Page) -> list[str]:
    """The ``<img>`` elements with no alt text (a report has no decorative images)."""
    found: list[str] = page.evaluate(
        """() => [...document.querySelectorAll('img')]
            .filter(img => (img.getAttribute('alt') || '').trim() === '')
            .map(img => img.outerHTML.slice(0, 120))"""
    )
    return found


OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = e => {
    for (let a = e.parentElement; a; a = a.parentElement) {
      const x = getComputedStyle(a).overflowX;
      if ((x === 'auto' || x === 'scroll' || x === 'hidden') && a !== document.body
          && a !== document.documentElement) return true;
    }
    return false;
  };
  const wide = [...document.body.querySelectorAll('*')]
    .filter(e => e.getBoundingClientRect().right > width + 0.5 && !scrolls(e))
    .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
              + (e.className && typeof e.className === 'string' ? '.' + e.className : '')
              + ' right=' + Math.round(e.getBoundingClientRect().right));
  return {width, scroll: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth),
          wide: wide.slice(0, 10)};
}"""


def horizontal_overflow(page: Page) -> list[str]:
    """Why the page scrolls sideways (empty: it does not): the document's scroll width
    beyond the viewport's, and the elements (outside a scrolling wrapper) that stick out."""
    found: dict[str, Any] = page.evaluate(OVERFLOW_JS)
    if found["scroll"] <= found["width"]:
        return []
    return [f"page is {found['scroll']} px wide in a {found['width']} px viewport", *found["wide"]]


TABLES_JS = """() => [...document.querySelectorAll('table')].map(table => {
  const text = e => e.textContent.replace(/\\s+/g, ' ').trim();
  const caption = table.querySelector('caption');
  const head = table.tHead ? [...table.tHead.rows].map(r => [...r.cells].map(text)) : [];
  const body = [...table.tBodies].flatMap(b => [...b.rows]).map(r => ({
    header: [...r.cells].filter(c => c.tagName === 'TH' && c.scope === 'row').map(text),
    cells: [...r.cells].map(text), data: {...r.dataset}}));
  return {caption: caption ? text(caption) : '', data: {...table.dataset}, head, rows: body};
})"""


def tables(page: Page) -> list[dict[str, Any]]:
    """Every ``<table>`` as the browser parsed it: caption, ``data-`` attributes, header
    rows, and each body row's cells (whitespace collapsed), its row-header cells apart
    and its ``data-`` attributes."""
    found: list[dict[str, Any]] = page.evaluate(TABLES_JS)
    return found


def hidden_in_details(page: Page) -> list[str]:
    """The children (but the summary) of ``<details>`` elements that are not shown,
    e.g. in a closed element: the first 80 characters of each one's text."""
    found: list[str] = page.evaluate(
        """() => [...document.querySelectorAll('details')]
            .flatMap(d => [...d.children].filter(c => c.tagName !== 'SUMMARY'))
            .filter(c => !c.checkVisibility({contentVisibilityAuto: true,
                                             visibilityProperty: true}))
            .map(c => c.textContent.trim().slice(0, 80))"""
    )
    return found


def clipped(page: Page) -> list[str]:
    """The elements that hide part of their content behind a horizontal scroll or a
    clip (fine on a screen, lost on paper): tag, class and the widths."""
    found: list[str] = page.evaluate(
        """() => [...document.body.querySelectorAll('*')]
            .filter(e => e.scrollWidth > e.clientWidth + 1
                && ['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(e).overflowX))
            .map(e => `${e.tagName.toLowerCase()}.${e.className}: ${e.scrollWidth} px `
                      + `of content in ${e.clientWidth} px`)"""
    )
    return found
