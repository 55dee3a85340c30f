"""The building blocks of the HTML report: the page, its style sheet and sorting
script, tables, lists and inline charts.

Every function here takes *plain text* and escapes it (:func:`gapscan.text.html`)
where it writes it; only the markup these functions make themselves is raw. Nothing
is random and nothing depends on the time: the same arguments give the same bytes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from gapscan.text import html as esc

__all__ = [
    "Cell",
    "bullets",
    "code",
    "esc",
    "figure",
    "heading",
    "inline_svg",
    "number",
    "page",
    "paragraph",
    "row_header",
    "table",
    "text_cell",
]

# Colours chosen for contrast on white (WCAG AA needs 4.5:1 for text): ink 16:1,
# muted 7.5:1, the sides 5.4:1 and 5.3:1, held 6.9:1, breached 7.4:1.
STYLE = """
:root{--ink:#1a1a1a;--muted:#555;--rule:#d0d7de;--band:#f4f6f8;--vendor:#c0392b;
--customer:#1f6391;--held:#1e6b34;--breached:#a61b1b}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0 auto;max-width:80rem;padding:1rem;color:var(--ink);background:#fff;
font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
h1{font-size:1.75rem;line-height:1.25;margin:.5rem 0 1rem}
h2{font-size:1.35rem;margin:2rem 0 .75rem;padding-top:.5rem;border-top:1px solid var(--rule)}
h3{font-size:1.1rem;margin:1.5rem 0 .5rem}
p,li{max-width:60rem}
.lede{color:var(--muted);margin-top:-.5rem}
.headline li{margin:.35rem 0}
.table-wrap{overflow-x:auto;margin:.5rem 0 1rem;border:1px solid var(--rule);border-radius:4px}
.table-wrap:focus{outline:3px solid #1f6391;outline-offset:2px}
table{border-collapse:collapse;width:100%;font-size:.9rem;font-variant-numeric:tabular-nums}
caption{caption-side:top;text-align:left;font-weight:600;padding:.5rem .6rem}
th,td{padding:.35rem .5rem;border-top:1px solid var(--rule);vertical-align:top}
thead th{background:var(--band);text-align:left;vertical-align:bottom;border-top:0}
tbody th{text-align:left;font-weight:600;min-width:9rem}
td.num{text-align:right;white-space:nowrap}
th button{all:inherit;cursor:pointer;padding:0}
th button::after{content:" \\2195";color:var(--muted)}
th[aria-sort=ascending] button::after{content:" \\2191"}
th[aria-sort=descending] button::after{content:" \\2193"}
th button:focus-visible{outline:3px solid #1f6391}
.dir{display:block;font-size:.85em;color:var(--muted)}
.sig{font-weight:700}
.held{color:var(--held);font-weight:700}
.breached{color:var(--breached);font-weight:700}
figure{margin:1rem 0}
figure svg{display:block;max-width:100%;height:auto}
figcaption{font-size:.9rem;color:var(--muted);margin-top:.25rem}
.multiples{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,30rem),1fr));gap:1rem}
.note{font-size:.92rem;color:var(--muted)}
details{margin:.5rem 0 1rem;border:1px solid var(--rule);border-radius:4px;padding:.5rem .75rem}
summary{cursor:pointer;font-weight:600}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em;
background:var(--band);padding:0 .2em;border-radius:3px;overflow-wrap:anywhere}
@media (max-width:40rem){body{padding:.75rem;font-size:15px}h1{font-size:1.45rem}
tbody th{min-width:8rem}}
@page{margin:16mm 14mm}
@media print{
html{font-size:10pt}
body{max-width:none;padding:0;font-size:1rem;color:#000}
h2{break-after:avoid;page-break-after:avoid;border-top:0}
h3{break-after:avoid;page-break-after:avoid}
.table-wrap{overflow:visible;border:0}
table{font-size:7.5pt}
th,td{padding:.15rem .3rem}
thead th,td.num{white-space:normal}
tbody th{min-width:0}
thead{display:table-header-group}
tr,figure,.multiples>*{break-inside:avoid;page-break-inside:avoid}
figure svg{width:100%;max-width:100%;height:auto}
.multiples{display:block}
th button::after{content:none}
details{border:0;padding:0}
details>summary{list-style:none}
details::details-content{content-visibility:visible;display:block}
}
"""

# Sortable columns: a button in each column heading (added by this script, so a page
# without scripts shows plain headings). Cells sort by their data-sort value (a
# number; empty for no value, last) or else by their text.
SCRIPT = """
(function () {
  function key(cell) {
    var v = cell.getAttribute("data-sort");
    if (v === null) { return [1, cell.textContent.trim().toLowerCase()]; }
    return v === "" ? [2, 0] : [0, parseFloat(v)];
  }
  function sortBy(table, th, i) {
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    var heads = table.tHead.rows[0].cells;
    for (var h = 0; h < heads.length; h++) { heads[h].removeAttribute("aria-sort"); }
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a.cells[i]), y = key(b.cells[i]);
      if (x[0] !== y[0]) { return x[0] - y[0]; }
      var c = x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0;
      return ascending ? c : -c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }
  var tables = document.querySelectorAll("table.sortable");
  Array.prototype.forEach.call(tables, function (table) {
    if (!table.tHead || !table.tBodies.length) { return; }
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
      var button = document.createElement("button");
      button.type = "button";
      while (th.firstChild) { button.appendChild(th.firstChild); }
      th.appendChild(button);
      button.addEventListener("click", function () { sortBy(table, th, i); });
    });
  });
  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll("details"), function (d) {
      d.open = true;
    });
  });
})();
"""


def page(title: str, body: Iterable[str], *, lang: str = "en") -> str:
    """The whole document: ``title`` (plain text) and ``body`` (markup)."""
    head = [
        "<!DOCTYPE html>",
        f'<html lang="{esc(lang)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="gapscan">',
        f"<title>{esc(title)}</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
        "<main>",
    ]
    tail = ["</main>", f"<script>{SCRIPT}</script>", "</body>", "</html>"]
    return "\n".join([*head, *body, *tail]) + "\n"


def heading(level: int, text: str, ident: str | None = None) -> str:
    attribute = f' id="{esc(ident)}"' if ident else ""
    return f"<h{level}{attribute}>{esc(text)}</h{level}>"


def paragraph(text: str, cls: str | None = None) -> str:
    attribute = f' class="{cls}"' if cls else ""
    return f"<p{attribute}>{esc(text)}</p>"


def bullets(items: Iterable[str], cls: str | None = None, *, markup: bool = False) -> str:
    """A list of plain-text items (``markup``: items already made of markup)."""
    attribute = f' class="{cls}"' if cls else ""
    lines = [f"<li>{item if markup else esc(item)}</li>" for item in items]
    return "\n".join([f"<ul{attribute}>", *lines, "</ul>"])


def code(text: str) -> str:
    return f"<code>{esc(text)}</code>"


# ---------------------------------------------------------------------- tables


@dataclass(frozen=True)
class Cell:
    """A table cell: plain ``text``, an optional ``sort`` key (a number, "" for none),
    an optional second line (``detail``, such as the direction of a gap), and whether
    it is a number (right-aligned) or the row's header."""

    text: str
    sort: float | str | None = None
    detail: str = ""
    numeric: bool = True
    header: bool = False
    cls: str = ""


def text_cell(text: str) -> Cell:
    return Cell(text, numeric=False)


def row_header(text: str) -> Cell:
    return Cell(text, numeric=False, header=True)


def number(value: float | None, shown: str, detail: str = "", cls: str = "") -> Cell:
    """A number shown as ``shown``, sorted by ``value`` (full precision)."""
    return Cell(shown, "" if value is None else value, detail, cls=cls)


def _sort_key(value: float | str) -> str:
    return value if isinstance(value, str) else repr(float(value))


def _cell(cell: Cell) -> str:
    classes = " ".join(c for c in ("num" if cell.numeric else "", cell.cls) if c)
    attributes = f' class="{classes}"' if classes else ""
    if cell.sort is not None:
        attributes += f' data-sort="{esc(_sort_key(cell.sort))}"'
    content = esc(cell.text)
    if cell.detail:
        content += f' <span class="dir">{esc(cell.detail)}</span>'
    if cell.header:
        return f'<th scope="row"{attributes}>{content}</th>'
    return f"<td{attributes}>{content}</td>"


def table(
    caption: str,
    header: Sequence[str],
    rows: Sequence[tuple[dict[str, str], Sequence[Cell]]],
    *,
    attributes: dict[str, str] | None = None,
) -> str:
    """A sortable table in a horizontally scrolling (and focusable) wrapper. Each row
    is its ``data-`` attributes and its cells; ``attributes`` go on the table."""
    extra = "".join(f' data-{k}="{esc(v)}"' for k, v in (attributes or {}).items())
    out = [
        f'<div class="table-wrap" role="region" tabindex="0" aria-label="{esc(caption)}">',
        f'<table class="sortable"{extra}>',
        f"<caption>{esc(caption)}</caption>",
        "<thead><tr>" + "".join(f'<th scope="col">{esc(h)}</th>' for h in header) + "</tr></thead>",
        "<tbody>",
    ]
    for data, cells in rows:
        row_attributes = "".join(f' data-{k}="{esc(v)}"' for k, v in data.items())
        out.append(f"<tr{row_attributes}>" + "".join(_cell(c) for c in cells) + "</tr>")
    out += ["</tbody>", "</table>", "</div>"]
    return "\n".join(out)


# ---------------------------------------------------------------------- charts

_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.S)
_SVG_OPEN = re.compile(r"<svg\b([^>]*)>")


def inline_svg(svg: bytes, prefix: str, title: str, desc: str) -> str:
    """A chart's SVG for inlining: no XML declaration, doctype or metadata; every id
    (and every reference to one) prefixed with ``prefix``, since matplotlib repeats its
    ids from chart to chart; ``role="img"`` labelled by a ``<title>`` and ``<desc>``
    (plain text, escaped) that say in words what the chart shows."""
    from gapscan.render.charts import chart_svg_text

    text = _METADATA.sub("", chart_svg_text((svg, b""), id_prefix=f"{prefix}-"))
    label = (
        f' role="img" aria-labelledby="{prefix}-title {prefix}-desc"'
        f'><title id="{prefix}-title">{esc(title)}</title>'
        f'<desc id="{prefix}-desc">{esc(desc)}</desc>'
    )
    return _SVG_OPEN.sub(lambda m: f"<svg{m.group(1)}{label}", text, count=1).strip()


def figure(svg: bytes, prefix: str, title: str, desc: str) -> str:
    """A chart in a ``<figure>``, its title repeated as the visible caption."""
    return "\n".join(
        [
            "<figure>",
            inline_svg(svg, prefix, title, desc),
            f"<figcaption>{esc(title)}</figcaption>",
            "</figure>",
        ]
    )
