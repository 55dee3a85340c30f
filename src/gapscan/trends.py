"""Gaps across waves: ``gapscan trend`` and ``gapscan analyze --baseline``."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from gapscan.analysis import AnalysisOptions, analyze_loaded, load_data
from gapscan.baseline import Baseline, read_baseline, result_key
from gapscan.design_trends import design_gaps, with_design_change
from gapscan.errors import GapscanError, Problem, ProblemCollector
from gapscan.fingerprint import Fingerprint, differences, fingerprint_of
from gapscan.inputs.source import open_source
from gapscan.nps_trends import baseline_counts, nps_counts, with_nps_change
from gapscan.report import GapChange, GapReport, GapResult, TrendReport, WavePoint
from gapscan.responses import ReadOptions
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
    return GapChange.of(baseline_wave, earlier[0] - earlier[2], d, alpha)


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
            for batch in source.batches([WAVE_COLUMN])
            for v in pc.unique(batch.column(0)).to_pylist()
            if v is not None and str(v).strip()
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


def _check_waves(files: Sequence[Path], waves: list[str]) -> None:
    """Each wave once: no two files with one wave label, nor with the same content (a
    quarter's export copied under the next quarter's name)."""
    from gapscan.identity import same_content

    out = ProblemCollector()
    first: dict[str, Path] = {}
    for path, wave in zip(files, waves, strict=True):
        if wave in first:
            out.add(
                f"the same wave label ({wave}) as {first[wave]}",
                file=str(path),
                hint="add a 'wave' column, or put the wave (e.g. 2026Q3) in each file name",
            )
        first.setdefault(wave, Path(path))
    same_content([Path(f) for f in files], out, consequence="two waves would be one export")
    out.raise_if_any()


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
    _check_waves(files, waves)
    reports = _analyze_waves(survey, files, options, reading)
    points: list[WavePoint] = []
    for q in survey.questions:
        previous: tuple[str, GapResult] | None = None
        for wave, report in zip(waves, reports, strict=True):
            result = next(r for r in report.results if r.question == q.id and not r.segment)
            if previous is not None:
                result = _with_change(result, previous[1], previous[0], survey)
            points.append(WavePoint(wave, result, result.change))
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


def _with_change(result: GapResult, earlier: GapResult, wave: str, survey: Survey) -> GapResult:
    """``result`` with its gaps' changes since the same result of an earlier wave."""
    settings = survey.analysis
    confidence, alpha = settings.confidence, settings.alpha
    if result.design is not None:
        return with_design_change(result, design_gaps(earlier), wave, confidence, alpha)
    change = None
    before, now = _gap_tuple(earlier), _gap_tuple(result)
    if before is not None and now is not None:
        change = change_between(before, now, wave, confidence, alpha)
    result = with_nps_change(result, nps_counts(earlier), wave, confidence, alpha)
    return replace(result, change=change)


def _analyze_waves(
    survey: Survey, files: Sequence[Path], options: AnalysisOptions, reading: ReadOptions
) -> list[GapReport]:
    """Each wave's report; the problems of every wave are raised together."""
    out = ProblemCollector()
    reports = []
    for f in files:
        try:
            loaded = load_data(survey, [f], options=replace(options, segments=()), reading=reading)
            reports.append(analyze_loaded(survey, loaded, options))
        except GapscanError as exc:
            out.extend(exc)
    out.raise_if_any()
    return reports


# --------------------------------------------------------------------- baseline


def apply_baseline(report: GapReport, survey: Survey, path: Path) -> GapReport:
    """Attach to each result its change since the same result in an earlier JSON
    report, once that report is checked: well formed, sharing questions with this
    run, and with the same fingerprint for each question both hold."""
    earlier = read_baseline(path)
    _check_comparable(earlier, report.fingerprint or fingerprint_of(survey), survey)
    wave = earlier.wave or _wave_from_name(path)
    settings = survey.analysis
    results = []
    for r in report.results:
        key = result_key(r.question, dict(r.segment))
        if r.design is not None:
            before_design = earlier.design.get(key)
            r = with_design_change(r, before_design, wave, settings.confidence, settings.alpha)
            results.append(r)
            continue
        now = _gap_tuple(r)
        before = earlier.gaps.get(result_key(r.question, dict(r.segment)))
        change = None
        if now is not None and before is not None:
            change = change_between(before, now, wave, settings.confidence, settings.alpha)
        before_nps = baseline_counts(earlier.nps, key, r)
        r = with_nps_change(r, before_nps, wave, settings.confidence, settings.alpha)
        results.append(replace(r, change=change))
    report = replace(report, results=tuple(results), baseline=str(path))
    if report.settings.rules_applied:
        report = replace(report, rules=evaluate_rules(report.results, survey.rules))
    return report


def _check_comparable(earlier: Baseline, now: Fingerprint, survey: Survey) -> None:
    file = str(earlier.path)
    ours = [q.id for q in survey.questions]
    compared = [qid for qid in ours if qid in earlier.questions]
    if not compared:
        raise GapscanError.single(
            "the baseline shares no question with this run (baseline: "
            + _listed(sorted(earlier.questions))
            + "; this run: "
            + _listed(ours)
            + ")",
            file=file,
            hint="give a report of the same survey",
        )
    found = differences(earlier.fingerprint, now, compared)
    if found:
        raise GapscanError(
            Problem(
                f"{where} differs from this run's schema: {what}",
                file=file,
                hint="a baseline must define its questions, sides and design as this run does",
            )
            for where, what in found
        )


def _listed(names: list[str], most: int = 8) -> str:
    shown = ", ".join(names[:most]) or "none"
    return shown + (f" and {len(names) - most} more" if len(names) > most else "")


def _wave_from_name(path: Path) -> str:
    match = _WAVE_IN_NAME.search(path.stem)
    return f"{match.group(1)}{match.group(2).upper()}" if match else path.stem
