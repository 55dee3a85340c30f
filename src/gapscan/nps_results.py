"""Net Promoter Scores in a run: each side's NPS and the NPS gap of a result, and the
correction of the run's NPS tests as their own family."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from gapscan.report import GapResult, NpsSide
from gapscan.stats.multiplicity import adjust_pvalues
from gapscan.stats.nps import NetPromoter, compare_nps
from gapscan.survey import CUSTOMER, VENDOR, AnalysisSettings, Mode, Question, Survey

PAIRED_NOTE = (
    "NPS is not computed in paired mode: it compares two independent samples "
    "(run without --paired for each side's NPS and the NPS gap)"
)


def with_nps(result: GapResult, q: Question, table: np.ndarray, confidence: float) -> GapResult:
    """``result`` (not suppressed) with the NPS of each side and the NPS gap, from the
    side x level count table. Unchanged when ``q`` is not an NPS question."""
    if q.nps is None or result.nps is None:
        return result
    pro, pas, det = q.nps.groups(q.scale.scores)

    def groups(side: int) -> tuple[int, int, int]:
        row = table[side]
        return int(row[pro].sum()), int(row[pas].sum()), int(row[det].sum())

    c = compare_nps(groups(VENDOR), groups(CUSTOMER), confidence=confidence)
    gap = replace(
        result.nps,
        gap=c.gap,
        ci_low=c.ci_low,
        ci_high=c.ci_high,
        statistic=c.statistic,
        p_value=c.p_value,
    )
    return replace(
        result,
        vendor=replace(result.vendor, nps=_side(c.vendor)),
        customer=replace(result.customer, nps=_side(c.customer)),
        nps=gap,
    )


def _side(s: NetPromoter) -> NpsSide:
    return NpsSide(s.nps, s.ci_low, s.ci_high, s.promoters, s.passives, s.detractors)


def adjust_nps(results: list[GapResult], settings: AnalysisSettings) -> list[GapResult]:
    """Adjust the run's NPS tests (every NPS question x view) as one family."""
    tested = [
        (i, r.nps.p_value)
        for i, r in enumerate(results)
        if r.nps is not None and r.nps.p_value is not None
    ]
    p_adjusted = adjust_pvalues([p for _, p in tested], settings.correction)
    adjusted = list(results)
    for (i, _), p in zip(tested, p_adjusted, strict=True):
        nps = results[i].nps
        assert nps is not None
        adjusted[i] = replace(
            results[i], nps=replace(nps, p_adjusted=p, significant=p < settings.alpha)
        )
    return adjusted


def nps_notes(survey: Survey, mode: Mode) -> tuple[str, ...]:
    """What the report says about NPS questions the run does not compute."""
    if mode is Mode.PAIRED and any(q.nps is not None for q in survey.questions):
        return (PAIRED_NOTE,)
    return ()
