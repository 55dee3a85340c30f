"""User text in every output medium: data, never markup.

Survey titles, question texts, levels, segment values, account keys, wave labels,
file names and rule names come from the user's files. Each output medium has one
function here that makes such text inert in it, and every renderer uses it:

- :func:`visible` (terminal, JUnit XML, chart labels): control characters, line and
  paragraph separators, bidirectional overrides, lone surrogates and non-characters
  are shown as escapes (``\\x1b``, ``\\r``, ``\\u202e``), never emitted raw;
  :func:`terminal` wraps that in a rich ``Text``, which rich never reads as markup.
- :func:`markdown` and :func:`markdown_code` (markdown): no raw HTML, no line break
  that ends a table row or starts a block, no link, image, emphasis, math or code
  span made of user text; :func:`markdown_link` for the paths gapscan links itself.
- :func:`csv_cell` (CSV): a cell that a spreadsheet would run as a formula is
  prefixed with ``'`` (OWASP's advice on CSV injection); numbers stay numbers.
- :func:`json_dumps` (JSON) and :func:`yaml_quoted`, :func:`yaml_comment` (the YAML
  that ``gapscan init`` drafts): the same characters written as ``\\uXXXX`` escapes,
  so the text round-trips exactly and no raw control character reaches a terminal.
- :func:`chart_label` (charts): one line of visible text, shortened to a length.
- :func:`html` (the HTML report): text content or a quoted attribute value, with
  ``<``, ``>``, ``&`` and both quotes written as character references and control
  characters shown as escapes, so no user text can open an element or end one.

Ordinary text (accents, emoji, quotes, ``&``, ``-``) passes through unchanged.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.text import Text

# Shown escaped on a terminal: C0 and C1 controls and DEL, line and paragraph
# separators, bidirectional embeddings, overrides, isolates and marks (they reorder
# what follows them on the line), lone surrogates (undecodable file names) and the
# two non-characters XML 1.0 forbids.
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
    "\ud800-\udfff\ufffe\uffff]"
)
# The same, less what json.dumps already escapes (C0 controls).
_UNSAFE_IN_JSON = re.compile(
    "[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
)


def _shown(match: re.Match[str]) -> str:
    char = match.group()
    named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with every control character shown as an escape (``\\x1b``)."""
    return _UNSAFE.sub(_shown, text)


def terminal(text: str, style: str = "") -> Text:
    """User text for a rich renderable: escaped control characters, and a ``Text``
    (a ``str`` would be parsed for ``[bold]`` markup and ``:emoji:`` codes)."""
    from rich.text import Text

    return Text(visible(text), style=style)


# ---------------------------------------------------------------------- markdown

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_MARKDOWN_ACTIVE = re.compile(
    r"""[\\`*\[\]<|~$]"""  # escapes, code, emphasis, links, HTML, cells, strike, math
    r"""|(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])"""  # _emphasis_ (never inside a word)
    r"""|(?<!\S)\#"""  # a heading's closing sequence
    r"""|&(?=[A-Za-z][A-Za-z0-9]*;|\#[0-9]{1,7};|\#[xX][0-9A-Fa-f]{1,6};)"""  # entities
    r"""|@(?=\w)"""  # @mentions and e-mail autolinks
    r"""|:(?=//)|(?<=\b[wW]{3})\."""  # URL autolinks: scheme:// and www.
)


# What makes a line's start a block: a quote, heading, list item or setext rule.
_BLOCK_START = re.compile(r"[>#+=-]|[0-9]+(?=[.)])")


def markdown(text: str) -> str:
    """Text for a markdown line, list item or table cell: it renders as exactly
    these characters (less leading spaces).

    Line breaks become spaces (a cell stays in its row, a line never starts a block);
    characters that could start markup get a backslash, and so does a start that
    would make a list item a quote, a heading or a nested list; control characters
    are shown as escapes."""
    one_line = _LINE_BREAK.sub(" ", text).lstrip(" ")
    escaped = _MARKDOWN_ACTIVE.sub(lambda m: "\\" + m.group(), one_line)
    start = _BLOCK_START.match(escaped)
    if start is not None:
        escaped = (
            f"{start.group()}\\{escaped[start.end() :]}"
            if start.group()[0].isdigit()
            else "\\" + escaped
        )
    return visible(escaped)


def markdown_code(text: str) -> str:
    """A code span holding ``text`` (a file name, a column name): fenced by more
    backticks than it holds, so no backtick in it can close the span early."""
    content = visible(_LINE_BREAK.sub(" ", text))
    longest = max((len(run) for run in re.findall("`+", content)), default=0)
    fence = "`" * (longest + 1)
    if content[:1] in ("`", " ") or content[-1:] in ("`", " "):
        content = f" {content} "
    return f"{fence}{content}{fence}"


def markdown_link(path: str) -> str:
    """A link destination for a file gapscan wrote (a chart): percent-encoded, so a
    file name can neither end the link nor make it an absolute URL (``javascript:``)."""
    from urllib.parse import quote

    return quote(path, safe="/", errors="surrogateescape")  # the name's own bytes


# --------------------------------------------------------------------------- CSV

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def csv_cell(text: str) -> str:
    """A text cell a spreadsheet shows as text, never runs as a formula.

    Control characters are shown as escapes; then, as OWASP recommends against CSV
    injection, a cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return
    is prefixed with a single quote, unless the whole cell is a plain number (the
    text ``-1`` stays ``-1``). The csv module quotes the cell where needed."""
    cell = visible(text)
    if cell.startswith(_FORMULA_START) and not _NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


# -------------------------------------------------------------------- JSON, YAML


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def json_dumps(value: Any, *, indent: int | None = 2, allow_nan: bool = False) -> str:
    """JSON text of ``value`` with no raw control character: what ``json.dumps``
    leaves as is (DEL, C1 controls, U+2028, bidirectional controls, lone surrogates)
    is written ``\\uXXXX``, so the text still decodes to the same strings.

    Indented text is ``json.dumps``'s, character for character, written by
    :func:`_indented`: ``json`` indents in pure Python, a generator per level (a
    760 KB report: 26 ms, against 12 ms)."""
    text = None if indent is None else _written(value, " " * indent, allow_nan)
    if text is None:  # not indented, or a key or value json.dumps converts its own way
        text = json.dumps(value, indent=indent, ensure_ascii=False, allow_nan=allow_nan)
    return _UNSAFE_IN_JSON.sub(_json_escape, text)


class _Unusual(Exception):
    """A value the indented writer leaves to ``json.dumps``."""


_INFINITY = float("inf")


def _written(value: Any, step: str, allow_nan: bool) -> str | None:
    try:
        return _indented(value, step, allow_nan)
    except (_Unusual, RecursionError):  # json.dumps says why (a cycle: ValueError)
        return None


def _indented(value: Any, step: str, allow_nan: bool) -> str:
    """``json.dumps(value, indent=len(step), ensure_ascii=False, allow_nan=...)`` for
    dicts with string keys, lists, tuples, strings, numbers, booleans and None (and
    their subclasses, as json.dumps writes them); :class:`_Unusual` for anything else,
    and for a float json.dumps would refuse."""
    string = json.encoder.encode_basestring  # the C one where there is one
    float_text = float.__repr__
    int_text = int.__repr__

    def scalar(v: Any) -> str | None:
        kind = type(v)
        if kind is str:
            return string(v)
        if kind is float or isinstance(v, float):
            if v != v or v == _INFINITY or v == -_INFINITY:
                if not allow_nan:
                    raise _Unusual  # json.dumps raises its own ValueError
                return "NaN" if v != v else "Infinity" if v > 0 else "-Infinity"
            return float_text(v)
        if v is None:
            return "null"
        if v is True:
            return "true"
        if v is False:
            return "false"
        if kind is int or isinstance(v, int):
            return int_text(v)
        if isinstance(v, str):
            return string(v)
        return None

    def text(v: Any, margin: str) -> str:
        if isinstance(v, dict):
            if not all(isinstance(key, str) for key in v):
                raise _Unusual
            brackets, entries = "{}", [(f"{string(key)}: ", item) for key, item in v.items()]
        elif isinstance(v, (list, tuple)):
            brackets, entries = "[]", [("", item) for item in v]
        else:
            written = scalar(v)
            if written is None:
                raise _Unusual
            return written
        if not entries:
            return brackets
        inner = margin + step
        items = []
        for prefix, item in entries:
            written = scalar(item)
            items.append(prefix + (text(item, inner) if written is None else written))
        return brackets[0] + inner + ("," + inner).join(items) + margin + brackets[1]

    return text(value, "\n")


def yaml_quoted(text: str) -> str:
    """A YAML double-quoted scalar that loads back as exactly ``text``: a newline,
    ``#``, ``: `` or a quote in it stays inside the string (JSON strings are YAML)."""
    return json_dumps(text, indent=None)


def yaml_comment(text: str) -> str:
    """Text for a YAML comment: on one line (YAML also ends a line at NEL, U+2028 and
    U+2029), so nothing after it can become a live key."""
    return visible(text)


# ------------------------------------------------------------------------ charts


def chart_label(text: str, limit: int) -> str:
    """One line of visible text, at most ``limit`` characters (cut at a word where it
    can be, ending in "…"), for a chart's title, axis or legend."""
    line = visible(" ".join(text.split()))
    if len(line) <= limit:
        return line
    cut = line[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip() + "…"


# -------------------------------------------------------------------------- HTML


def html(text: str) -> str:
    """Text for an HTML text node or a double- or single-quoted attribute value: it
    shows as exactly these characters (control characters and bidirectional
    overrides shown as escapes, as on a terminal), and can neither open a tag nor
    end the element or attribute it is in (``</title>``, ``</script>``, ``"``)."""
    import html as _html

    return _html.escape(visible(text), quote=True)
