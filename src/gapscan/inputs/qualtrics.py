"""Qualtrics exports: three header rows on top of the responses (column ids, question
texts, ImportId JSON), or in the legacy export two (``V1, V2, ...`` over the metadata
names, then the question texts); and which of their rows are not responses (previews,
tests, spam) or were not finished."""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Sequence

from gapscan.inputs.layout import Layout, Rows, Tool, cell, collapse, make_layout

LABEL = "Qualtrics export"
LEGACY_LABEL = "Qualtrics legacy export"
_STATUS = ("Status", "DistributionChannel")
_FINISHED = ("Finished",)
_LEGACY_ID = re.compile(r"V\d+")
_NOT_FINISHED = frozenset({"false", "0", "no", "f"})

_META_IDS = frozenset(
    {
        "startdate",
        "enddate",
        "status",
        "ipaddress",
        "progress",
        "duration",
        "finished",
        "recordeddate",
        "_recordid",
        "responseid",
        "responsesetid",
        "recipientlastname",
        "recipientfirstname",
        "recipientemail",
        "externaldatareference",
        "externalreference",
        "locationlatitude",
        "locationlongitude",
        "locationaccuracy",
        "distributionchannel",
        "userlanguage",
    }
)
_META_NAMES = frozenset(
    {
        "StartDate",
        "EndDate",
        "Status",
        "IPAddress",
        "Progress",
        "Duration (in seconds)",
        "Finished",
        "RecordedDate",
        "ResponseId",
        "ResponseID",
        "ResponseSet",
        "Name",
        "EmailAddress",
        "ExternalDataReference",
        "ExternalReference",
        "RecipientLastName",
        "RecipientFirstName",
        "RecipientEmail",
        "LocationLatitude",
        "LocationLongitude",
        "LocationAccuracy",
        "DistributionChannel",
        "UserLanguage",
    }
)
_OWN_FIELD = re.compile(r"Q_[A-Z][A-Za-z]*")  # Q_RecaptchaScore, Q_TotalDuration...


# ------------------------------------------------------------ three header rows


def _import_id(text: str) -> str | None:
    """The ImportId of a Qualtrics third header cell: JSON (``{"ImportId":"QID1"}``) or
    the Python-dict style of the 2016-17 exports (``{'ImportId': 'QID2-1'}``)."""
    text = text.strip()
    if not (text.startswith("{") and text.endswith("}")) or len(text) > 4096:
        return None
    value: object
    try:
        value = json.loads(text)
    except ValueError:
        try:
            value = ast.literal_eval(text)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            return None
    if isinstance(value, dict):
        import_id = value.get("ImportId")
        if isinstance(import_id, str):
            return import_id
    return None


def _has_import_ids(rows: Rows) -> bool:
    """A third header row of ImportId cells (at least half of its filled cells)."""
    if len(rows) < 3:
        return False
    cells = [text for text in rows[2] if text.strip()]
    found = sum(1 for text in cells if _import_id(text) is not None)
    return found > 0 and 2 * found >= len(cells)


def _layout(rows: Rows) -> Layout:
    ids, texts, third = rows[0], rows[1], rows[2]
    width = len(ids)
    import_ids = [_import_id(cell(third, i)) for i in range(width)]
    metadata = [i for i in range(width) if _is_meta(ids[i].strip(), import_ids[i])]
    return make_layout(
        "qualtrics",
        LABEL,
        3,
        ids,
        [cell(texts, i) for i in range(width)],
        metadata,
        import_ids,
        status=_STATUS,
        finished=_FINISHED,
    )


def _is_meta(name: str, import_id: str | None) -> bool:
    if import_id is None:
        return name in _META_NAMES
    if import_id.startswith("QID"):
        return False
    lowered = import_id.lower()
    return (
        lowered in _META_IDS
        or lowered.startswith(("panel-", "location-"))
        or _OWN_FIELD.fullmatch(name) is not None
    )


# ------------------------------------------------------------------- legacy


def _is_legacy(rows: Rows) -> bool:
    """Row 1 ``V1, V2, ...`` over the metadata names in row 2 (``ResponseID,
    ResponseSet, ...``), or row 1 already ``ResponseID, ResponseSet, ...`` and row 2
    repeating those names before the question texts."""
    if len(rows) < 2:
        return False
    first = [text.strip() for text in rows[0]]
    second = [cell(rows[1], i).strip() for i in range(len(first))]
    if first[:2] == ["V1", "V2"]:
        named = [
            second[i]
            for i, name in enumerate(first)
            if _LEGACY_ID.fullmatch(name) and second[i] in _META_NAMES
        ]
        return "ResponseID" in named or len(named) >= 3
    return first[:1] == ["ResponseID"] and "ResponseSet" in first[:3] and second[:2] == first[:2]


def _legacy_layout(rows: Rows) -> Layout:
    ids, texts = rows[0], rows[1]
    width = len(ids)
    resolved = ids[0].strip() != "V1"  # row 1 already holds ResponseID, ResponseSet...
    names: list[str] = []
    metadata: list[int] = []
    for i in range(width):
        name, text = ids[i].strip(), cell(texts, i).strip()
        if not resolved and _LEGACY_ID.fullmatch(name) and text:
            name = text  # V1..V10: the metadata name is in row 2
            metadata.append(i)
        elif name.startswith("Location") or (resolved and name in _META_NAMES):
            metadata.append(i)
        elif not name and not text and i == width - 1:
            metadata.append(i)  # the empty column the trailing comma makes
        names.append(name)
    return make_layout(
        "qualtrics-legacy",
        LEGACY_LABEL,
        2,
        names,
        [cell(texts, i) for i in range(width)],
        metadata,
        status=_STATUS,
        finished=_FINISHED,
    )


# -------------------------------------------------------------------- tools

_NOT_QUALTRICS = (
    "this is not a Qualtrics export: its third header row holds no ImportId cells "
    '(like {"ImportId":"QID1"}), and its first row is neither the legacy '
    "V1, V2, ... header nor ResponseID, ResponseSet, ..."
)


def _recognise(rows: Rows) -> Layout | None:
    return _layout(rows) if _has_import_ids(rows) else None


def _recognise_legacy(rows: Rows) -> Layout | None:
    return _legacy_layout(rows) if _is_legacy(rows) else None


def _force(rows: Rows) -> Layout:
    if _has_import_ids(rows):
        return _layout(rows)
    return _force_legacy(rows)


def _force_legacy(rows: Rows) -> Layout:
    if _is_legacy(rows):
        return _legacy_layout(rows)
    raise ValueError(_NOT_QUALTRICS)


QUALTRICS = Tool("qualtrics", _recognise, _force)
QUALTRICS_LEGACY = Tool("qualtrics-legacy", _recognise_legacy, _force_legacy, listed=False)


# ---------------------------------------------------------- not responses


def excluded_rows(
    layout: Layout, status: Sequence[str] | None, finished: Sequence[str] | None
) -> dict[str, list[int]]:
    """The responses (0-based indices) to leave out, by reason.

    ``status`` holds the values of ``layout.status_column`` for every response and
    ``finished`` those of ``layout.finished_column`` (None when there is no such
    column). The result always has the keys ``preview``, ``test`` and ``spam`` (Qualtrics
    previews, test responses and responses flagged as spam: the caller drops these) and
    ``unfinished`` (``Finished`` is false or 0: the caller decides). Each response is
    listed under one reason at most, the first that applies in that order.

    Qualtrics writes the response type either as text (``IP Address``, ``Survey
    Preview``, ``Survey Test``, ``Spam``, ``Imported``, ``Offline``...) or, in a numeric
    export, as a code: 0 IP Address, 1 Survey Preview, 2 Survey Test, 4 Imported,
    8 Spam, 16 Offline. The codes combine as bit flags (9 = a spam-flagged preview), so
    each flag is tested on its own. A ``DistributionChannel`` column says ``preview`` or
    ``test`` for the same responses.
    """
    result: dict[str, list[int]] = {"preview": [], "test": [], "spam": [], "unfinished": []}
    excluded: set[int] = set()
    if status is not None:
        channel = layout.status_column == "DistributionChannel"
        for index, value in enumerate(status):
            reason = _status_reason(value, channel)
            if reason is not None:
                result[reason].append(index)
                excluded.add(index)
    if finished is not None:
        for index, value in enumerate(finished):
            if index not in excluded and value.strip().lower() in _NOT_FINISHED:
                result["unfinished"].append(index)
    return result


def _status_reason(value: str, channel: bool) -> str | None:
    text = collapse(value).lower()
    if not text:
        return None
    if not channel and text.isdigit():
        code = int(text)
        for flag, reason in ((1, "preview"), (2, "test"), (8, "spam")):
            if code & flag:
                return reason
        return None
    for word in ("preview", "test", "spam"):
        if word in text:
            return word
    return None
