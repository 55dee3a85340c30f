"""How raw values are matched: answers to levels, side values to sides, segment
values and account keys to one another (:func:`fold`)."""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow as pa

# Characters that look alike and are typed interchangeably (a survey tool's curly
# apostrophe, a spreadsheet's non-breaking space, a word processor's dash): each
# folds to its plain ASCII form; invisible ones (zero-width space, soft hyphen, byte
# order mark) to nothing.
LOOKALIKES: dict[str, str] = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u2035\u00b4\u02bc\u02b9\uff07`", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u2036\uff02", '"'),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-"),
    **dict.fromkeys(
        "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
        "\u200a\u202f\u205f\u3000",
        " ",
    ),
    **dict.fromkeys("\u200b\u200c\u200d\u2060\ufeff\u00ad", ""),
}
_FOLD = str.maketrans(LOOKALIKES)


def fold(value: str) -> str:
    """How answers, side values, segments and filters are matched: look-alike
    characters made one (:data:`LOOKALIKES`, Unicode NFC), runs of white space made
    one space, trimmed, case-folded. ``I don’t know`` matches ``I don't know``."""
    if value.isascii() and "`" not in value:  # NFC and LOOKALIKES leave it as it is
        return " ".join(value.split()).casefold()
    return _fold_any(value)


def _fold_any(value: str) -> str:
    """:func:`fold` of any text (an ASCII text without a backtick folds the same way,
    faster: account keys and segment values are folded one by one)."""
    plain = unicodedata.normalize("NFC", value).translate(_FOLD)
    return " ".join(plain.split()).casefold()


# Every character Python's str.strip() removes (str.isspace), for pyarrow's utf8_trim.
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680"
    + "".join(chr(c) for c in range(0x2000, 0x200B))
    + "\u2028\u2029\u202f\u205f\u3000"
)


def stripped(values: pa.Array) -> pa.Array:
    """``str.strip()`` of every string of an Arrow string array."""
    import pyarrow.compute as pc

    return pc.utf8_trim(values, characters=WHITESPACE)
