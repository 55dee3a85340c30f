"""Read an earlier JSON report for ``analyze --baseline``, checking it before it is trusted.

Every problem names the file and the JSON path of the field (``results[3].vendor.top_box:
1.7 is outside [0, 1]``), and all of them are reported together.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from gapscan.design_trends import DesignGaps, design_from_json, gaps_from_json
from gapscan.errors import GapscanError, ProblemCollector
from gapscan.fingerprint import Fingerprint, QuestionIdentity
from gapscan.nps_trends import BaselineNps, counts_from_json
from gapscan.report import JSON_FORMAT_VERSION

GapTuple = tuple[float, float, float, float]  # vendor share, vendor n, customer share, n
ResultKey = tuple[str, str]  # question id, segment as sorted JSON

GAP_TOLERANCE = 1e-9
MAX_SHOWN = 20  # problems listed before "and N more"
_REGENERATE = "regenerate it: gapscan analyze SCHEMA ITS-DATA --format json --out FILE"
_ANALYZE_REPORT = "give a report written by gapscan analyze --format json"


@dataclass(frozen=True)
class Baseline:
    """A checked earlier report: its fingerprint and each comparable result's gap."""

    path: Path
    wave: str | None
    fingerprint: Fingerprint
    questions: frozenset[str]  # every question its results hold
    gaps: dict[ResultKey, GapTuple]  # independent, not suppressed
    nps: dict[ResultKey, BaselineNps] = field(default_factory=dict)  # NPS questions' counts
    design: dict[ResultKey, DesignGaps] = field(default_factory=dict)  # a weighted run's


def result_key(question: str, segment: dict[str, str]) -> ResultKey:
    return (question, json.dumps(segment, sort_keys=True))


class _NonFinite(float):
    """NaN or Infinity as the JSON text spelled it (JSON has neither)."""

    token: str

    def __new__(cls, token: str) -> _NonFinite:
        value = super().__new__(cls, float(token.replace("Infinity", "inf")))
        value.token = token
        return value


class _Absent:
    def __repr__(self) -> str:
        return "absent"


ABSENT = _Absent()


class _Object(dict[str, Any]):
    """A JSON object: a key it lacks reads as ABSENT (null reads as None)."""

    repeated: tuple[str, ...] = ()

    def __missing__(self, key: str) -> Any:
        return ABSENT


def _object(pairs: list[tuple[str, Any]]) -> _Object:
    data = _Object(pairs)
    if len(data) != len(pairs):
        keys = [k for k, _ in pairs]
        data.repeated = tuple(dict.fromkeys(k for k in keys if keys.count(k) > 1))
    return data


def read_baseline(path: Path) -> Baseline:
    """Read and check a baseline report (``GapscanError`` listing every problem)."""
    data = _load(path)
    out = _Problems(str(path))
    _check_json(data, "", out)
    out.raise_if_any()
    fingerprint = _fingerprint(data["fingerprint"], out)
    results = data["results"]
    if not isinstance(results, list):
        out.add("results", _got("a list", results), hint=_ANALYZE_REPORT)
        results = []
    gaps: dict[ResultKey, GapTuple] = {}
    nps: dict[ResultKey, BaselineNps] = {}
    design: dict[ResultKey, DesignGaps] = {}
    seen: dict[ResultKey, int] = {}
    questions: set[str] = set()
    for i, item in enumerate(results):
        checked = _result(item, f"results[{i}]", fingerprint, out)
        if checked is None:
            continue
        key, gap = checked
        questions.add(key[0])
        if key in seen:
            out.add(f"results[{i}]", f"repeats results[{seen[key]}] (same question and segment)")
        seen.setdefault(key, i)
        if gap is None:
            continue
        gaps[key] = gap
        if fingerprint is not None and fingerprint.design is not None:
            weighted = gaps_from_json(item, f"results[{i}]", out.add)
            if weighted is not None:
                design[key] = weighted
            continue  # a weighted NPS is compared by its SE, not by counts
        counts = counts_from_json(item)
        if counts is not None:
            nps[key] = counts
    out.raise_if_any()
    assert fingerprint is not None
    wave = data["wave"] if isinstance(data["wave"], str) and data["wave"] else None
    return Baseline(path, wave, fingerprint, frozenset(questions), gaps, nps, design)


def _load(path: Path) -> dict[str, Any]:
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise GapscanError.single("baseline report not found", file=name) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise GapscanError.single(f"cannot read the baseline: {exc}", file=name) from None
    try:
        data = json.loads(text, parse_constant=_NonFinite, object_pairs_hook=_object)
    except json.JSONDecodeError as exc:
        raise GapscanError.single(
            f"the baseline is not JSON: {exc.msg}", file=name, line=exc.lineno, hint=_ANALYZE_REPORT
        ) from None
    except RecursionError:
        raise GapscanError.single("the baseline is nested too deeply", file=name) from None
    if not isinstance(data, dict):
        raise GapscanError.single(
            "the baseline is not a gapscan JSON report", file=name, hint=_ANALYZE_REPORT
        )
    version = data["format_version"]
    if isinstance(version, int) and not isinstance(version, bool) and version > 1:
        raise GapscanError.single(
            f"the baseline was written by a newer gapscan: format {version}; "
            f"this one reads {JSON_FORMAT_VERSION}",
            file=name,
            hint="upgrade gapscan",
        )
    if version != JSON_FORMAT_VERSION or isinstance(version, bool):
        raise GapscanError.single(
            f"the baseline is not a gapscan JSON report (format_version {JSON_FORMAT_VERSION})",
            file=name,
            hint=_ANALYZE_REPORT,
        )
    if "results" not in data and "waves" in data:
        raise GapscanError.single(
            "the baseline is a trend report, not a gapscan JSON report of one analysis",
            file=name,
            hint=_ANALYZE_REPORT,
        )
    return data


class _Problems:
    """Problems of one baseline file, each led by its JSON path; at most MAX_SHOWN."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.found = ProblemCollector()
        self.more = 0

    @property
    def problems(self) -> int:
        return len(self.found.problems) + self.more

    def add(self, path: str, what: str, hint: str | None = None) -> None:
        if len(self.found.problems) >= MAX_SHOWN:
            self.more += 1
            return
        self.found.add(f"{path}: {what}", file=self.file, hint=hint)

    def raise_if_any(self) -> None:
        if self.more:
            self.found.add(f"... and {self.more} more problem(s) in the baseline", file=self.file)
            self.more = 0
        self.found.raise_if_any()


def _check_json(value: Any, path: str, out: _Problems) -> None:
    """Non-finite numbers and repeated keys, anywhere in the document."""
    if isinstance(value, _NonFinite):
        out.add(path or "the document", f"{value.token} is not a JSON number (gapscan writes null)")
    elif isinstance(value, dict):
        for key in getattr(value, "repeated", ()):
            out.add(path or "the top level", f"key '{key}' repeated (keep one)")
        for key, item in value.items():
            _check_json(item, f"{path}.{key}" if path else key, out)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _check_json(item, f"{path}[{i}]", out)


def _fingerprint(value: Any, out: _Problems) -> Fingerprint | None:
    if value is ABSENT:
        out.add(
            "fingerprint",
            "is missing (the report was written before gapscan recorded one), "
            "so its questions' scales cannot be checked",
            hint=_REGENERATE,
        )
        return None
    if not _is_object(value, "fingerprint", out):
        return None
    version = value["gapscan"]
    questions, sides = value["questions"], value["sides"]
    ok = _is_text(version, "fingerprint.gapscan", out)
    ok &= _is_object(questions, "fingerprint.questions", out)
    ok &= _is_object(sides, "fingerprint.sides", out)
    if not ok:
        return None
    identities = []
    for qid, spec in sorted(questions.items()):
        identity = _identity(spec, f"fingerprint.questions.{qid}", out)
        if identity is not None:
            identities.append((qid, identity))
    column = sides["column"]
    if column is not None and not isinstance(column, str):
        out.add("fingerprint.sides.column", _got("text or null", column))
        column = None
    vendor = _texts(sides["vendor"], "fingerprint.sides.vendor", out)
    customer = _texts(sides["customer"], "fingerprint.sides.customer", out)
    given = value["design"]
    design = None if given is ABSENT or given is None else design_from_json(given, out.add)
    if out.problems or vendor is None or customer is None:
        return None
    return Fingerprint(version, tuple(identities), column, vendor, customer, design)


def _identity(spec: Any, path: str, out: _Problems) -> QuestionIdentity | None:
    if not _is_object(spec, path, out):
        return None
    scale = spec["scale"]
    _is_text(scale, f"{path}.scale", out)
    levels = _texts(spec["levels"], f"{path}.levels", out)
    top_box = _texts(spec["top_box"], f"{path}.top_box", out)
    numeric = _numeric(spec.get("numeric"), f"{path}.numeric", out)
    if numeric is False:
        return None
    if numeric is None and levels is not None and len(levels) < 2:
        out.add(f"{path}.levels", "a scale has at least two levels")
        return None
    if levels is not None and top_box is not None and not set(top_box) <= set(levels):
        out.add(f"{path}.top_box", "names a label that is not one of its levels")
        return None
    if levels is None or top_box is None or not isinstance(scale, str):
        return None
    return QuestionIdentity(scale, levels, top_box, numeric)


def _numeric(spec: Any, path: str, out: _Problems) -> dict[str, Any] | Literal[False] | None:
    """A numeric question's range and top box, as the fingerprint records them (None:
    a question on a scale; False: malformed, the problem added)."""
    if spec is None:
        return None
    if not _is_object(spec, path, out):
        return False
    bounds, top = spec.get("range"), spec.get("top_box")
    numbers = (int, float)
    ok = (
        isinstance(bounds, list)
        and len(bounds) == 2
        and all(b is None or (isinstance(b, numbers) and not isinstance(b, bool)) for b in bounds)
        and isinstance(top, dict)
        and set(top) == {"min", "max"}
        and all(
            v is None or (isinstance(v, numbers) and not isinstance(v, bool)) for v in top.values()
        )
    )
    if not ok:
        out.add(
            path, "a numeric question's fingerprint needs range [low, high] and top_box {min, max}"
        )
        return False
    return {"range": list(bounds), "top_box": dict(top)}


def _result(
    item: Any, path: str, fingerprint: Fingerprint | None, out: _Problems
) -> tuple[ResultKey, GapTuple | None] | None:
    """One result's key and, when it can be compared, its gap."""
    if not _is_object(item, path, out):
        return None
    question, segment = item["question"], item["segment"]
    ok = _is_text(question, f"{path}.question", out)
    ok &= _is_segment(segment, f"{path}.segment", out)
    suppressed, mode = item["suppressed"], item["mode"]
    if not isinstance(suppressed, bool):
        out.add(f"{path}.suppressed", _got("true or false", suppressed))
        ok = False
    ok &= _is_text(mode, f"{path}.mode", out)
    sides = [_side(item[s], f"{path}.{s}", suppressed is True, out) for s in SIDES]
    if not ok or None in sides:
        return None
    if fingerprint is not None and fingerprint.question(question) is None:
        out.add(f"{path}.question", f"'{question}' is not in the baseline's fingerprint")
    key = result_key(question, segment)
    if suppressed:
        return key, None
    (v_share, v_n), (c_share, c_n) = sides  # type: ignore[misc]
    gap = item["gap"]
    if not _is_number(gap, f"{path}.gap", out, -1.0, 1.0):
        return None
    if mode != "independent":
        return key, None
    if abs(gap - (v_share - c_share)) > GAP_TOLERANCE:
        out.add(
            f"{path}.gap",
            f"{gap!r} is not vendor - customer top-box share ({v_share!r} - {c_share!r})",
        )
        return None
    return key, (v_share, float(v_n), c_share, float(c_n))


SIDES = ("vendor", "customer")


def _side(value: Any, path: str, suppressed: bool, out: _Problems) -> tuple[float, int] | None:
    if not _is_object(value, path, out):
        return None
    n = value["n"]
    if isinstance(n, bool) or not isinstance(n, int):
        out.add(f"{path}.n", _got("a whole number", n))
        return None
    if n < 0:
        out.add(f"{path}.n", f"{n} is negative")
        return None
    if suppressed:
        return (math.nan, n)
    share = value["top_box"]
    if not _is_number(share, f"{path}.top_box", out, 0.0, 1.0):
        return None
    return (float(share), n)


def _is_number(value: Any, path: str, out: _Problems, low: float, high: float) -> bool:
    if isinstance(value, _NonFinite):
        return False  # already reported
    if isinstance(value, bool) or not isinstance(value, int | float):
        out.add(path, _got("a number", value))
        return False
    if not low <= value <= high:
        out.add(path, f"{value!r} is outside [{low:g}, {high:g}]")
        return False
    return True


def _is_object(value: Any, path: str, out: _Problems) -> bool:
    if isinstance(value, dict):
        return True
    out.add(path, _got("an object", value))
    return False


def _is_text(value: Any, path: str, out: _Problems) -> bool:
    if isinstance(value, str):
        return True
    out.add(path, _got("text", value))
    return False


def _is_segment(value: Any, path: str, out: _Problems) -> bool:
    if isinstance(value, dict) and all(isinstance(v, str) for v in value.values()):
        return True
    out.add(path, _got("an object of column: group", value))
    return False


def _texts(value: Any, path: str, out: _Problems) -> tuple[str, ...] | None:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    out.add(path, _got("a list of text", value))
    return None


def _got(expected: str, value: Any) -> str:
    if value is ABSENT:
        return f"is missing (expected {expected})"
    shown = json.dumps(value, ensure_ascii=False) if not isinstance(value, _NonFinite) else ""
    if len(shown) > 40:
        shown = shown[:37] + "..."
    return f"{shown} is not {expected}"
