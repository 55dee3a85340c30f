"""Gaps across waves: ``gapscan trend`` and ``gapscan analyze --baseline``."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from gapscan.analysis import AnalysisOptions, analyze
from gapscan.errors import GapscanError, ProblemCollector
from gapscan.readers import open_source
from gapscan.report import GapChange, GapReport, GapResult, TrendReport, WavePoint
from gapscan.responses import ReadOptions, load_responses
from gapscan.rules import evaluate_rules, unchecked_rules
from gapscan.stats import compare_gaps
from gapscan.survey import Survey

WAVE_COLUMN = "wave"
_WAVE_IN_NAME = re.compile(r"(\d{4})[-_ ]?([QqHh][1-4])")

GapTuple = tuple[float, float, float, float]


def change_between(
    earlier: GapTuple, later: GapTuple, baseline_wave: str, confidence: float, alpha: float
) -> GapChange:
    d = compare_gaps(earlier, later, confidence=confidence)
    return GapChange(
        baseline_wave=baseline_wave,
        baseline_gap=earlier[0] - earlier[2],
        change=d.change,
        ci_low=d.ci_low,
        ci_high=d.ci_high,
        statistic=d.statistic,
        p_value=d.p_value,
        significant=d.p_value < alpha,
    )


def _gap_tuple(result: GapResult) -> GapTuple | None:
    v, c = result.vendor, result.customer
    if result.suppressed or result.mode != "independent":
        return None
    if v.top_box is None or c.top_box is None:
        return None
    return (v.top_box, float(v.n), c.top_box, float(c.n))


# ------------------------------------------------------------------------ trend


def wave_label(survey: Survey, path: Path, reading: ReadOptions | None = None) -> str:
    """A file's wave: its ``wave`` column (one value), else a quarter or half in its
    name (2026Q3, 2026-q3, 2026_H1), else the file name without extension."""
    reading = reading or ReadOptions()
    source = open_source(path, export_format=reading.export_format, sheet=reading.sheet)
    if source.find(WAVE_COLUMN) is not None:
        import pyarrow.compute as pc

        values = {
            str(v).strip()
            for v in pc.unique(source.read([WAVE_COLUMN]).column(0)).to_pylist()
            if str(v).strip()
        }
        if len(values) == 1:
            return values.pop()
        raise GapscanError.single(
            f"the '{WAVE_COLUMN}' column holds {len(values)} different waves: "
            + ", ".join(sorted(values)[:5]),
            file=str(path),
            hint="give one file per wave",
        )
    match = _WAVE_IN_NAME.search(path.stem)
    if match:
        return f"{match.group(1)}{match.group(2).upper()}"
    return path.stem


def build_trend(
    survey: Survey,
    files: Sequence[Path],
    options: AnalysisOptions | None = None,
    reading: ReadOptions | None = None,
) -> TrendReport:
    """Analyse each wave (oldest first) and test each question's change of gap."""
    if len(files) < 2:
        raise GapscanError.single(
            "a trend needs at least two waves", hint="give one data file per wave, oldest first"
        )
    options = options or AnalysisOptions()
    apply_rules = options.apply_rules
    options = replace(options, segments=(), apply_rules=False)
    reading = reading or ReadOptions()
    waves = [wave_label(survey, Path(f), reading) for f in files]
    if len(set(waves)) != len(waves):
        raise GapscanError.single(
            "two files have the same wave label: " + ", ".join(waves),
            hint="add a 'wave' column, or put the wave (e.g. 2026Q3) in each file name",
        )
    reports = _analyze_waves(survey, files, options, reading)
    settings = survey.analysis
    points: list[WavePoint] = []
    for q in survey.questions:
        previous: tuple[str, GapResult] | None = None
        for wave, report in zip(waves, reports, strict=True):
            result = next(r for r in report.results if r.question == q.id and not r.segment)
            change = None
            if previous is not None:
                earlier, later = _gap_tuple(previous[1]), _gap_tuple(result)
                if earlier is not None and later is not None:
                    change = change_between(
                        earlier, later, previous[0], settings.confidence, settings.alpha
                    )
            points.append(WavePoint(wave, replace(result, change=change), change))
            previous = (wave, result)
    latest = [p.result for p in points if p.wave == waves[-1]]
    trend = TrendReport(
        survey=survey.name,
        schema=str(survey.path),
        waves=tuple(waves),
        reports=tuple(reports),
        questions=tuple((q.id, q.text) for q in survey.questions),
        points=tuple(points),
    )
    if not apply_rules:
        return replace(trend, rules_applied=False)
    outcomes = evaluate_rules(latest, survey.rules)
    unchecked = unchecked_rules(outcomes, survey)
    if unchecked:
        raise GapscanError(unchecked)
    return replace(trend, rules=outcomes)


def _analyze_waves(
    survey: Survey, files: Sequence[Path], options: AnalysisOptions, reading: ReadOptions
) -> list[GapReport]:
    """Each wave's report; the problems of every wave are raised together."""
    out = ProblemCollector()
    reports = []
    for f in files:
        try:
            reports.append(
                analyze(survey, load_responses(survey, [f], segments=(), reading=reading), options)
            )
        except GapscanError as exc:
            out.extend(exc)
    out.raise_if_any()
    return reports


# --------------------------------------------------------------------- baseline


def apply_baseline(report: GapReport, survey: Survey, path: Path) -> GapReport:
    """Attach to each result its change since the same result in an earlier JSON report."""
    earlier = _read_baseline(path)
    wave = str(earlier.get("wave") or _wave_from_name(path))
    previous: dict[tuple[str, str], GapTuple] = {}
    for item in earlier.get("results", []):
        gap = _baseline_tuple(item)
        if gap is not None:
            previous[(item["question"], json.dumps(item.get("segment", {}), sort_keys=True))] = gap
    settings = survey.analysis
    results = []
    for r in report.results:
        key = (r.question, json.dumps(dict(r.segment), sort_keys=True))
        now = _gap_tuple(r)
        change = None
        if now is not None and key in previous:
            change = change_between(previous[key], now, wave, settings.confidence, settings.alpha)
        results.append(replace(r, change=change))
    report = replace(report, results=tuple(results), baseline=str(path))
    if report.settings.rules_applied:
        report = replace(report, rules=evaluate_rules(report.results, survey.rules))
    return report


def _wave_from_name(path: Path) -> str:
    match = _WAVE_IN_NAME.search(path.stem)
    return f"{match.group(1)}{match.group(2).upper()}" if match else path.stem


def _read_baseline(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise GapscanError.single("baseline report not found", file=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise GapscanError.single(f"cannot read the baseline: {exc}", file=str(path)) from None
    except json.JSONDecodeError as exc:
        raise GapscanError.single(
            f"the baseline is not JSON: {exc.msg}",
            file=str(path),
            line=exc.lineno,
            hint="give a report written by gapscan analyze --format json",
        ) from None
    if not isinstance(data, dict) or data.get("format_version") != 1 or "results" not in data:
        raise GapscanError.single(
            "the baseline is not a gapscan JSON report (format_version 1)",
            file=str(path),
            hint="give a report written by gapscan analyze --format json",
        )
    return data


def _baseline_tuple(item: Any) -> GapTuple | None:
    try:
        if item.get("suppressed") or item.get("mode", "independent") != "independent":
            return None
        v, c = item["vendor"], item["customer"]
        return (float(v["top_box"]), float(v["n"]), float(c["top_box"]), float(c["n"]))
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
