"""SPSS (``.sav``, ``.zsav``, ``.por``) and Stata (``.dta``) files, read with pyreadstat
(the ``spss`` extra), a chunk of cases at a time.

Every cell is given as text, the way a schema matches answers:

- a value with a value label is its label (``1`` labelled ``YES`` is ``YES``), so a
  schema lists the labels as its levels, in code order (:attr:`Variable.levels`);
- a number without a label is written as a CSV export writes it: ``3``, never ``3.0``,
  other numbers in their shortest exact form (``2.5``); a system-missing value is blank;
- a user-missing value (SPSS missing values and ranges, Stata's ``.a`` to ``.z``) is
  *not* blanked: it is given as its label (or number, or letter), and listed in
  :attr:`Variable.missing`, which ``gapscan init`` drafts as the scale's ``missing``.
  A "Don't know" stays an answer a schema names, never silently an unanswered cell.

A case's row number in messages is its case number (the first case is 1).
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gapscan.errors import GapscanError

if TYPE_CHECKING:
    import pyarrow as pa

BATCH_ROWS = 16_384
SUFFIXES = {".sav": "sav", ".zsav": "sav", ".por": "por", ".dta": "dta"}
_NAMES = {"sav": "an SPSS data file", "por": "an SPSS portable file", "dta": "a Stata data file"}
# the first byte of a Stata file before release 117 (later ones start "<stata_dta>")
_OLD_STATA = frozenset({102, 103, 104, 105, 108, 110, 111, 112, 113, 114, 115})
MAX_RANGE_CODES = 20  # an unlabelled missing range this narrow is listed code by code
INSTALL = "pip install 'gapscan[spss]' (or pip install pyreadstat)"


@dataclass(frozen=True)
class Variable:
    """One variable of the file: its name, its variable label, its value labels in
    code order (the user-missing ones left out), its user-missing values as the text
    its cells read as, and whether it is numeric."""

    name: str
    label: str
    levels: tuple[str, ...]
    missing: tuple[str, ...]
    numeric: bool
    value_labels: tuple[tuple[Any, str], ...] = ()  # (code, label), in code order
    measure: str = "unknown"  # SPSS's measurement level: nominal, ordinal, scale

    @property
    def labelled(self) -> bool:
        return bool(self.levels)


@dataclass(frozen=True)
class SpssFile:
    """A file's kind (``sav``, ``por``, ``dta``), its variables and its case count."""

    path: Path
    kind: str
    variables: tuple[Variable, ...]
    rows: int

    @property
    def names(self) -> list[str]:
        return [v.name for v in self.variables]


def recognise(path: Path, head: bytes) -> str | None:
    """``sav``, ``por`` or ``dta`` when the bytes say so (SPSS's ``$FL2``/``$FL3``, a
    portable file's ``SPSSPORT``, Stata's release bytes); None for other files, and an
    error for a file named like one that is none."""
    if head[:4] in (b"$FL2", b"$FL3"):
        return "sav"
    if head.startswith(b"<stata_dta>"):
        return "dta"
    if len(head) >= 4 and head[0] in _OLD_STATA and head[1] in (1, 2) and head[2:4] == b"\x01\x00":
        return "dta"
    if b"SPSSPORT" in head[:1024]:
        return "por"
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is not None:
        raise GapscanError.single(
            f"the file is named {path.suffix} but is not {_NAMES[kind]} (its first bytes "
            "are not those of one)",
            file=str(path),
            hint="export the data again from SPSS or Stata, or rename the file after what it holds",
        )
    return None


def _reader(kind: str, name: str) -> Callable[..., Any]:
    try:
        import pyreadstat
    except ImportError:
        raise GapscanError.single(
            "reading SPSS and Stata files needs the pyreadstat package, which is not installed",
            file=name,
            hint=INSTALL,
        ) from None
    readers: dict[str, Callable[..., Any]] = {
        "sav": pyreadstat.read_sav,
        "por": pyreadstat.read_por,
        "dta": pyreadstat.read_dta,
    }
    return readers[kind]


def _options(kind: str) -> dict[str, Any]:
    return {} if kind == "por" else {"user_missing": True}


def open_file(path: Path, kind: str) -> SpssFile:
    """The file's metadata only (no case is read)."""
    reader = _reader(kind, str(path))
    try:
        _, meta = reader(str(path), metadataonly=True, **_options(kind))
    except Exception as exc:  # pyreadstat raises its own errors, and OSError
        raise _damaged(path, kind, exc) from None
    variables = tuple(_variable(meta, name) for name in meta.column_names)
    return SpssFile(path, kind, variables, int(meta.number_rows or 0))


def _variable(meta: Any, name: str) -> Variable:
    labels = sorted((meta.variable_value_labels.get(name) or {}).items(), key=_code_order)
    numeric = (meta.readstat_variable_types or {}).get(name, "double") != "string"
    missing_codes = _missing_codes(meta, name, labels)
    by_code = dict(labels)
    missing = tuple(dict.fromkeys(_cell_text(code, by_code) for code in missing_codes))
    levels = tuple(label for code, label in labels if label not in missing)
    return Variable(
        name=name,
        label=str((meta.column_names_to_labels or {}).get(name) or ""),
        levels=tuple(dict.fromkeys(levels)),
        missing=missing,
        numeric=numeric,
        value_labels=tuple(labels),
        measure=str((getattr(meta, "variable_measure", None) or {}).get(name) or "unknown"),
    )


def _code_order(item: tuple[Any, str]) -> tuple[int, float, str]:
    code = item[0]
    if isinstance(code, int | float):
        return (0, float(code), "")
    return (1, 0.0, str(code))  # a string code, or a Stata missing letter: after numbers


def _missing_codes(meta: Any, name: str, labels: list[tuple[Any, str]]) -> list[Any]:
    """The codes a variable declares user-missing: SPSS discrete values and ranges (a
    range as its labelled codes, and its whole numbers when it is narrow), Stata's
    missing letters."""
    codes: list[Any] = []
    for span in (getattr(meta, "missing_ranges", None) or {}).get(name, []):
        low, high = span.get("lo"), span.get("hi")
        if low == high:
            codes.append(low)
            continue
        codes += [c for c, _ in labels if _within(c, low, high)]
        numbers = isinstance(low, int | float) and isinstance(high, int | float)
        if numbers and high - low <= MAX_RANGE_CODES and float(low).is_integer():
            codes += [float(c) for c in range(int(low), int(high) + 1)]
    codes += list((getattr(meta, "missing_user_values", None) or {}).get(name, []))
    # Stata's extended missing values .a to .z, read as their letters: always missing
    # (the metadata lists only those met in the cases read, so their labels say it)
    numeric = (meta.readstat_variable_types or {}).get(name, "double") != "string"
    codes += [c for c, _ in labels if numeric and isinstance(c, str)]
    return codes


def _within(code: Any, low: Any, high: Any) -> bool:
    try:
        return bool(low <= code <= high)
    except TypeError:
        return False


def _cell_text(value: Any, labels: dict[Any, str]) -> str:
    """A cell as text: its value label, else the value as a CSV export writes it."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    try:
        label = labels.get(value)
    except TypeError:  # an unhashable value: no label
        label = None
    if label is not None:
        return label
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


def _damaged(path: Path, kind: str, exc: BaseException) -> GapscanError:
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return GapscanError.single(
        f"cannot read {_NAMES[kind]}: {first}",
        file=str(path),
        hint="is the file complete? Export it again from SPSS or Stata",
    )


def text_batches(
    file: SpssFile,
    columns: list[str],
    positions: list[int],
    progress: Callable[[int], None] | None = None,
) -> Iterator[pa.RecordBatch]:
    """The variables at ``positions`` as dictionary-encoded text, under the names
    ``columns``, :data:`BATCH_ROWS` cases at a time (at least one batch)."""
    import pyarrow as pa

    from gapscan.inputs.csv_batches import empty_batch

    reader = _reader(file.kind, str(file.path))
    import pyreadstat

    chosen = [file.variables[i] for i in positions]
    usecols = list(dict.fromkeys(v.name for v in chosen))
    labels = {v.name: dict(v.value_labels) for v in chosen}
    given = 0
    try:
        chunks = pyreadstat.read_file_in_chunks(
            reader, str(file.path), chunksize=BATCH_ROWS, usecols=usecols, **_options(file.kind)
        )
        for frame, _ in chunks:
            arrays = [_text_column(frame[v.name], labels[v.name]) for v in chosen]
            given += len(frame)
            if progress is not None:
                progress(given)
            yield pa.RecordBatch.from_arrays(arrays, names=columns)
    except GapscanError:
        raise
    except Exception as exc:  # as open_file: whatever pyreadstat raises on a bad file
        raise _damaged(file.path, file.kind, exc) from None
    if not given:
        yield empty_batch(columns)


def _text_column(series: Any, labels: dict[Any, str]) -> pa.Array:
    """A column of one chunk as a dictionary of its distinct cells' texts."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    texts = [_cell_text(u, labels) for u in list(uniques)] + [""]
    index: dict[str, int] = {}
    remap = np.array([index.setdefault(t, len(index)) for t in texts], dtype=np.int32)
    codes = np.where(codes < 0, len(texts) - 1, codes)
    return pa.DictionaryArray.from_arrays(
        pa.array(remap[codes], pa.int32()), pa.array(list(index), pa.string())
    )
