"""Google Forms exports: one header row, starting with the submission time (``Timestamp``
or its name in the form's language)."""

from __future__ import annotations

from gapscan.inputs.layout import TIMESTAMP, Layout, Rows, Tool, make_layout

LABEL = "Google Forms export"
_TIMESTAMP_NAMES = frozenset(
    {
        "timestamp",
        "marca temporal",
        "zeitstempel",
        "horodateur",
        "horodatage",
        "carimbo de data/hora",
        "informazioni cronologiche",
        "tijdstempel",
        "sygnatura czasowa",
        "tidsstempel",
        "tidsstämpel",
        "aikaleima",
    }
)
_META = frozenset({"Email Address", "Email address", "Username", "Score", "Total score"})


def _timestamps_in_first_column(rows: Rows) -> bool | None:
    """True when every answer row starts with a date and time, None without answers."""
    values = [row[0].strip() for row in rows[1:] if row and row[0].strip()]
    if not values:
        return None
    return all(TIMESTAMP.fullmatch(value) for value in values)


def _is_google_forms(rows: Rows) -> bool:
    if rows[0][0].strip().casefold() not in _TIMESTAMP_NAMES:
        return False
    return _timestamps_in_first_column(rows) is not False


def _layout(rows: Rows) -> Layout:
    names = [text.strip() for text in rows[0]]
    metadata = [0] + [i for i, name in enumerate(names) if name in _META]
    return make_layout("googleforms", LABEL, 1, names, names, metadata)


def _recognise(rows: Rows) -> Layout | None:
    return _layout(rows) if _is_google_forms(rows) else None


def _force(rows: Rows) -> Layout:
    timestamps = _timestamps_in_first_column(rows)
    if timestamps or (timestamps is None and _is_google_forms(rows)):
        return _layout(rows)
    example = next((row[0] for row in rows[1:] if row and row[0].strip()), "")
    raise ValueError(
        "this is not a Google Forms export: its first column "
        f"'{rows[0][0].strip()}' does not hold submission times (expected a "
        f"'Timestamp' column with values like 4/22/2016 19:57:50, found '{example}')"
    )


GOOGLE_FORMS = Tool("googleforms", _recognise, _force)
