"""Recognise the header layout of a survey tool's export.

Survey tools do not export a plain table: Qualtrics puts three header rows on top of
the responses (column ids, question texts, ImportId JSON), its legacy export two,
SurveyMonkey spreads one question over several columns and names the parts in a second
header row, LimeSurvey writes ``Question [Sub-question]`` headings, Google Forms starts
with a ``Timestamp`` column. :func:`detect_layout` looks at the first records of a file
(as parsed by the :mod:`csv` module) and says which tool wrote it, how many header rows
come before the first response, and what each column is called.

The module is pure: it reads no file and uses the standard library only.
"""

from __future__ import annotations

import ast
import html
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

TOOLS = ("qualtrics", "surveymonkey", "googleforms", "limesurvey", "plain")

_DESCRIPTIONS = {
    "qualtrics": "Qualtrics export",
    "qualtrics-legacy": "Qualtrics legacy export",
    "surveymonkey": "SurveyMonkey export",
    "googleforms": "Google Forms export",
    "limesurvey": "LimeSurvey export",
    "plain": "plain table",
}


@dataclass(frozen=True)
class Layout:
    """How an export is laid out: its tool, its header rows and its columns."""

    tool: str
    header_rows: int
    columns: tuple[str, ...]
    texts: tuple[str, ...]
    import_ids: tuple[str | None, ...]
    metadata: frozenset[str]
    status_column: str | None = None
    finished_column: str | None = None

    def find(self, name: str) -> int | None:
        """The position of the column addressed by ``name``: its column name, else its
        Qualtrics import id (exact), else its question text (compared with white space
        trimmed and collapsed). None when nothing matches or the match is ambiguous."""
        if name in self.columns:
            return self.columns.index(name)
        key = name.strip()
        if not key:
            return None
        if key in self.columns:
            return self.columns.index(key)
        by_id = [i for i, import_id in enumerate(self.import_ids) if import_id == key]
        if by_id:
            return by_id[0] if len(by_id) == 1 else None
        wanted = _collapse(key)
        by_text = [i for i, text in enumerate(self.texts) if text and _collapse(text) == wanted]
        return by_text[0] if len(by_text) == 1 else None

    def describe(self) -> str:
        """A short description, e.g. ``Qualtrics export (3 header rows)``."""
        label = _DESCRIPTIONS.get(self.tool, f"{self.tool} export")
        rows = "row" if self.header_rows == 1 else "rows"
        return f"{label} ({self.header_rows} header {rows})"


def detect_layout(records: Sequence[Sequence[str]], forced: str | None = None) -> Layout:
    """Recognise the export layout from the first records of a file (header rows plus
    a few responses). ``forced`` (one of :data:`TOOLS`) skips recognition; the records
    must then still fit that tool's structure, else ValueError says why not."""
    if not records or not any(cell.strip() for cell in records[0]):
        raise ValueError("the file has no header row")
    rows = [list(record) for record in records]
    if forced is not None:
        return _forced_layout(rows, forced.strip().lower())
    if _has_import_ids(rows):
        return _qualtrics_layout(rows)
    if _is_qualtrics_legacy(rows):
        return _qualtrics_legacy_layout(rows)
    if _has_response_markers(rows):
        return _block_layout(rows, "surveymonkey")
    if _is_google_forms(rows):
        return _google_forms_layout(rows)
    if _is_limesurvey_single(rows[0]):
        return _limesurvey_layout(rows)
    if _has_option_row(rows):
        return _block_layout(rows, "limesurvey")
    return _plain_layout(rows)


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


# ------------------------------------------------------------------------- helpers

_UNNAMED = re.compile(r"Unnamed: \d+(?:_level_\d+)?")
_NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d+)?%?")
_TIMESTAMP = re.compile(r"\d{1,4}[/.\-]\d{1,2}[/.\-]\d{1,4},?[ T]+\d{1,2}:\d{2}(?::\d{2})?\b.*")
_SUBQUESTION = re.compile(r"(?s)(.*?\S)\s*\[([^\[\]]*)\]")
_LEGACY_ID = re.compile(r"V\d+")
_NOT_FINISHED = frozenset({"false", "0", "no", "f"})


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _cell(row: Sequence[str], index: int) -> str:
    return row[index] if index < len(row) else ""


def _heading(cell: str) -> str:
    """A header cell, trimmed; pandas' ``Unnamed: N`` placeholders count as blank."""
    text = cell.strip()
    return "" if _UNNAMED.fullmatch(text) else text


def _unique(names: Sequence[str]) -> tuple[str, ...]:
    """Blank names become ``column N`` (1-based); repeats get `` (2)``, `` (3)``..."""
    base = [name.strip() or f"column {i + 1}" for i, name in enumerate(names)]
    reserved = set(base)
    used: set[str] = set()
    result: list[str] = []
    for name in base:
        if name in used:
            number = 2
            while f"{name} ({number})" in used or f"{name} ({number})" in reserved:
                number += 1
            name = f"{name} ({number})"
        used.add(name)
        result.append(name)
    return tuple(result)


def _layout(
    tool: str,
    header_rows: int,
    names: Sequence[str],
    texts: Sequence[str],
    metadata: Iterable[int],
    import_ids: Sequence[str | None] | None = None,
) -> Layout:
    columns = _unique(names)
    meta = frozenset(columns[i] for i in metadata)
    status = finished = None
    if tool.startswith("qualtrics"):
        base = [name.strip() for name in names]
        status = _meta_column(columns, base, meta, ("Status", "DistributionChannel"))
        finished = _meta_column(columns, base, meta, ("Finished",))
    return Layout(
        tool=tool,
        header_rows=header_rows,
        columns=columns,
        texts=tuple(texts),
        import_ids=tuple(import_ids) if import_ids is not None else (None,) * len(columns),
        metadata=meta,
        status_column=status,
        finished_column=finished,
    )


def _meta_column(
    columns: Sequence[str], base: Sequence[str], meta: frozenset[str], wanted: Sequence[str]
) -> str | None:
    for name in wanted:
        for i, original in enumerate(base):
            if original == name and columns[i] in meta:
                return columns[i]
    return None


# ----------------------------------------------------------------------- Qualtrics

_QUALTRICS_META_IDS = frozenset(
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
_QUALTRICS_META_NAMES = frozenset(
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
_QUALTRICS_OWN_FIELD = re.compile(r"Q_[A-Z][A-Za-z]*")  # Q_RecaptchaScore, Q_TotalDuration...


def _import_id(cell: str) -> str | None:
    """The ImportId of a Qualtrics third header cell: JSON (``{"ImportId":"QID1"}``) or
    the Python-dict style of the 2016-17 exports (``{'ImportId': 'QID2-1'}``)."""
    text = cell.strip()
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


def _has_import_ids(rows: Sequence[Sequence[str]]) -> bool:
    if len(rows) < 3:
        return False
    cells = [cell for cell in rows[2] if cell.strip()]
    found = sum(1 for cell in cells if _import_id(cell) is not None)
    return found > 0 and 2 * found >= len(cells)


def _qualtrics_layout(rows: Sequence[Sequence[str]]) -> Layout:
    ids, texts, third = rows[0], rows[1], rows[2]
    width = len(ids)
    import_ids = [_import_id(_cell(third, i)) for i in range(width)]
    metadata = [i for i in range(width) if _qualtrics_meta(ids[i].strip(), import_ids[i])]
    return _layout(
        "qualtrics",
        3,
        ids,
        [_cell(texts, i) for i in range(width)],
        metadata,
        import_ids,
    )


def _qualtrics_meta(name: str, import_id: str | None) -> bool:
    if import_id is None:
        return name in _QUALTRICS_META_NAMES
    if import_id.startswith("QID"):
        return False
    lowered = import_id.lower()
    return (
        lowered in _QUALTRICS_META_IDS
        or lowered.startswith(("panel-", "location-"))
        or _QUALTRICS_OWN_FIELD.fullmatch(name) is not None
    )


def _is_qualtrics_legacy(rows: Sequence[Sequence[str]]) -> bool:
    """Row 1 ``V1, V2, ...`` over the metadata names in row 2 (``ResponseID,
    ResponseSet, ...``), or row 1 already ``ResponseID, ResponseSet, ...`` and row 2
    repeating those names before the question texts."""
    if len(rows) < 2:
        return False
    first = [cell.strip() for cell in rows[0]]
    second = [_cell(rows[1], i).strip() for i in range(len(first))]
    if first[:2] == ["V1", "V2"]:
        named = [
            second[i]
            for i, name in enumerate(first)
            if _LEGACY_ID.fullmatch(name) and second[i] in _QUALTRICS_META_NAMES
        ]
        return "ResponseID" in named or len(named) >= 3
    return first[:1] == ["ResponseID"] and "ResponseSet" in first[:3] and second[:2] == first[:2]


def _qualtrics_legacy_layout(rows: Sequence[Sequence[str]]) -> Layout:
    ids, texts = rows[0], rows[1]
    width = len(ids)
    resolved = ids[0].strip() != "V1"  # row 1 already holds ResponseID, ResponseSet...
    names: list[str] = []
    metadata: list[int] = []
    for i in range(width):
        name, text = ids[i].strip(), _cell(texts, i).strip()
        if not resolved and _LEGACY_ID.fullmatch(name) and text:
            name = text  # V1..V10: the metadata name is in row 2
            metadata.append(i)
        elif name.startswith("Location") or (resolved and name in _QUALTRICS_META_NAMES):
            metadata.append(i)
        elif not name and not text and i == width - 1:
            metadata.append(i)  # the empty column the trailing comma makes
        names.append(name)
    return _layout("qualtrics-legacy", 2, names, [_cell(texts, i) for i in range(width)], metadata)


# -------------------------------------------------------- SurveyMonkey / option rows

_GENERIC_LABELS = frozenset({"Response", "Open-Ended Response"})
_SURVEYMONKEY_META = frozenset(
    {
        "Respondent ID",
        "Collector ID",
        "Start Date",
        "End Date",
        "IP Address",
        "Email Address",
        "First Name",
        "Last Name",
        "Custom Data",
        "Custom Data 1",
    }
)


def _has_response_markers(rows: Sequence[Sequence[str]]) -> bool:
    """SurveyMonkey's second header row: ``Response`` / ``Open-Ended Response`` under
    questions (and never as an answer in the same column further down)."""
    if len(rows) < 2:
        return False
    first, second, data = rows[0], rows[1], rows[2:]
    for i, cell in enumerate(second[: len(first)]):
        label = cell.strip()
        if (
            label in _GENERIC_LABELS
            and _heading(first[i])
            and not any(_cell(row, i).strip() == label for row in data)
        ):
            return True
    return False


def _blocks(first: Sequence[str]) -> list[list[int]]:
    """Columns grouped by question: a named header cell and the blank ones after it."""
    blocks: list[list[int]] = []
    for i, cell in enumerate(first):
        if _heading(cell):
            blocks.append([i])
        elif blocks:
            blocks[-1].append(i)
    return blocks


def _has_option_row(rows: Sequence[Sequence[str]]) -> bool:
    """A second header row of option labels under questions that span several columns:
    every column of such a block has a label, the labels differ, and none is a number."""
    if len(rows) < 2:
        return False
    first, second = rows[0], rows[1]
    spanning = [block for block in _blocks(first) if len(block) > 1]
    if not spanning:
        return False
    for block in spanning:
        labels = [_cell(second, i).strip() for i in block]
        if not all(labels) or len(set(labels)) != len(labels):
            return False
        if any(_NUMBER.fullmatch(label) or _TIMESTAMP.fullmatch(label) for label in labels):
            return False
    return True


def _block_layout(rows: Sequence[Sequence[str]], tool: str) -> Layout:
    """Two header rows: question text (on the first column of its block), then
    ``Response`` or the option label. A block column is named ``Question [Option]``."""
    first, second = rows[0], rows[1]
    width = len(first)
    names: list[str] = []
    metadata: list[int] = []
    question = ""
    for i in range(width):
        heading = _heading(first[i])
        if heading:
            question = heading
        label = _cell(second, i).strip()
        if not question:  # before the first question: an index column
            names.append("")
            metadata.append(i)
            continue
        if not label or label in _GENERIC_LABELS or label == question:
            name = question
        else:
            name = f"{question} [{label}]"
        if tool == "surveymonkey" and name in _SURVEYMONKEY_META:
            metadata.append(i)
        names.append(name)
    return _layout(tool, 2, names, names, metadata)


# -------------------------------------------------------------------- Google Forms

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
_GOOGLE_FORMS_META = frozenset(
    {"Email Address", "Email address", "Username", "Score", "Total score"}
)


def _timestamps_in_first_column(rows: Sequence[Sequence[str]]) -> bool | None:
    """True when every answer row starts with a date and time, None without answers."""
    values = [row[0].strip() for row in rows[1:] if row and row[0].strip()]
    if not values:
        return None
    return all(_TIMESTAMP.fullmatch(value) for value in values)


def _is_google_forms(rows: Sequence[Sequence[str]]) -> bool:
    if rows[0][0].strip().casefold() not in _TIMESTAMP_NAMES:
        return False
    return _timestamps_in_first_column(rows) is not False


def _google_forms_layout(rows: Sequence[Sequence[str]]) -> Layout:
    header = rows[0]
    names = [cell.strip() for cell in header]
    metadata = [0] + [i for i, name in enumerate(names) if name in _GOOGLE_FORMS_META]
    return _layout("googleforms", 1, names, names, metadata)


# ---------------------------------------------------------------------- LimeSurvey

_LIMESURVEY_META = frozenset(
    {
        # column codes
        "id",
        "submitdate",
        "lastpage",
        "startlanguage",
        "seed",
        "startdate",
        "datestamp",
        "ipaddr",
        "refurl",
        "token",
        # full headings, English and German
        "Response ID",
        "Date submitted",
        "Last page",
        "Start language",
        "Seed",
        "Date started",
        "Date last action",
        "IP address",
        "Referrer URL",
        "Token",
        "Antwort ID",
        "Datum Abgeschickt",
        "Letzte Seite",
        "Start-Sprache",
        "Zufallsstartwert",
        "Datum gestartet",
        "Datum letzte Aktivität",
        "IP-Adresse",
        "Referrer-URL",
    }
)
_LIMESURVEY_TELLTALE = frozenset(
    {
        "submitdate",
        "lastpage",
        "startlanguage",
        "Date submitted",
        "Last page",
        "Start language",
        "Datum Abgeschickt",
        "Letzte Seite",
        "Start-Sprache",
    }
)


def _is_limesurvey_single(header: Sequence[str]) -> bool:
    """LimeSurvey's own columns, or sub-question headings: at least two neighbouring
    columns ``Question [A]``, ``Question [B]`` (or codes ``Q1[SQ001]``, ``Q1[SQ002]``)."""
    names = [cell.strip() for cell in header]
    if any(name in _LIMESURVEY_TELLTALE for name in names):
        return True
    previous = None
    for name in names:
        match = _SUBQUESTION.fullmatch(name)
        prefix = match.group(1) if match else None
        if prefix is not None and prefix == previous:
            return True
        previous = prefix
    return False


def _limesurvey_layout(rows: Sequence[Sequence[str]]) -> Layout:
    names = [cell.strip() for cell in rows[0]]
    metadata = [i for i, name in enumerate(names) if name in _LIMESURVEY_META]
    texts = [html.unescape(name) for name in names]  # headings keep entities (&amp;)
    return _layout("limesurvey", 1, names, texts, metadata)


# --------------------------------------------------------------------------- plain


def _plain_layout(rows: Sequence[Sequence[str]]) -> Layout:
    names = [cell.strip() for cell in rows[0]]
    return _layout("plain", 1, names, [""] * len(names), [])


# -------------------------------------------------------------------------- forced


def _forced_layout(rows: Sequence[Sequence[str]], tool: str) -> Layout:
    if tool in ("qualtrics", "qualtrics-legacy"):
        if tool == "qualtrics" and _has_import_ids(rows):
            return _qualtrics_layout(rows)
        if _is_qualtrics_legacy(rows):
            return _qualtrics_legacy_layout(rows)
        raise ValueError(
            "this is not a Qualtrics export: its third header row holds no ImportId cells "
            '(like {"ImportId":"QID1"}), and its first row is neither the legacy '
            "V1, V2, ... header nor ResponseID, ResponseSet, ..."
        )
    if tool == "surveymonkey":
        if _has_response_markers(rows) or _has_option_row(rows):
            return _block_layout(rows, "surveymonkey")
        raise ValueError(
            "this is not a SurveyMonkey export: its second row is not a header row (no "
            "'Response' or 'Open-Ended Response' cells, and no answer-option labels under "
            "questions that span several columns)"
        )
    if tool == "googleforms":
        timestamps = _timestamps_in_first_column(rows)
        if timestamps or (timestamps is None and _is_google_forms(rows)):
            return _google_forms_layout(rows)
        example = next((row[0] for row in rows[1:] if row and row[0].strip()), "")
        raise ValueError(
            "this is not a Google Forms export: its first column "
            f"'{rows[0][0].strip()}' does not hold submission times (expected a "
            f"'Timestamp' column with values like 4/22/2016 19:57:50, found '{example}')"
        )
    if tool == "limesurvey":
        other = _other_tool(rows)
        if other is not None:
            raise ValueError(
                f"this is not a LimeSurvey export: its header rows are those of a {other}"
            )
        if _has_option_row(rows):
            return _block_layout(rows, "limesurvey")
        return _limesurvey_layout(rows)
    if tool == "plain":
        return _plain_layout(rows)
    raise ValueError(f"unknown survey tool '{tool}': choose one of {', '.join(TOOLS)}")


def _other_tool(rows: Sequence[Sequence[str]]) -> str | None:
    if _has_import_ids(rows):
        return "Qualtrics export (3 header rows)"
    if _is_qualtrics_legacy(rows):
        return "Qualtrics legacy export (2 header rows)"
    if _has_response_markers(rows):
        return "SurveyMonkey export (2 header rows)"
    return None


def _status_reason(value: str, channel: bool) -> str | None:
    text = _collapse(value).lower()
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
