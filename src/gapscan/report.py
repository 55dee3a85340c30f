"""The result objects: one immutable :class:`GapReport` that every renderer reads."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from gapscan.responses import InputSummary
from gapscan.survey import Rule

JSON_FORMAT_VERSION = 1


@dataclass(frozen=True)
class SideSummary:
    """One side of one comparison. A suppressed side carries no share and no mean."""

    n: int
    top_box: float | None
    mean: float | None
    suppressed: bool = False

    def to_dict(self) -> dict[str, Any]:
        if self.suppressed:
            return {"n": self.n, "suppressed": True}
        return {"n": self.n, "top_box": self.top_box, "mean": self.mean}


@dataclass(frozen=True)
class GapResult:
    """One question compared between vendors and customers, in one view (the whole
    sample, or one segment). When ``suppressed`` every statistic is None."""

    question: str
    question_text: str
    scale: str
    top_box_labels: tuple[str, ...]
    segment: tuple[tuple[str, str], ...]
    vendor: SideSummary
    customer: SideSummary
    suppressed: bool = False
    mode: str = "independent"
    gap: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    test: str | None = None
    statistic: float | None = None
    p_value: float | None = None
    p_adjusted: float | None = None
    significant: bool | None = None
    effect_size: float | None = None
    mean_gap: float | None = None
    mean_test: str | None = None
    mean_statistic: float | None = None
    mean_p_value: float | None = None
    mean_p_adjusted: float | None = None
    mean_significant: bool | None = None
    mean_effect_size: float | None = None

    @property
    def segment_label(self) -> str:
        return ", ".join(f"{c} = {v}" for c, v in self.segment) or "All respondents"

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "question_text": self.question_text,
            "scale": self.scale,
            "top_box_labels": list(self.top_box_labels),
            "segment": dict(self.segment),
            "mode": self.mode,
            "suppressed": self.suppressed,
            "vendor": self.vendor.to_dict(),
            "customer": self.customer.to_dict(),
            "gap": self.gap,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "test": self.test,
            "statistic": self.statistic,
            "p_value": self.p_value,
            "p_adjusted": self.p_adjusted,
            "significant": self.significant,
            "effect_size": self.effect_size,
            "effect_size_name": None if self.suppressed else "cohens_h",
            "mean_gap": self.mean_gap,
            "mean_test": self.mean_test,
            "mean_statistic": self.mean_statistic,
            "mean_p_value": self.mean_p_value,
            "mean_p_adjusted": self.mean_p_adjusted,
            "mean_significant": self.mean_significant,
            "mean_effect_size": self.mean_effect_size,
            "mean_effect_size_name": None if self.suppressed else "rank_biserial",
        }


@dataclass(frozen=True)
class Breach:
    """A rule broken by one result."""

    rule: str
    metric: str
    question: str
    segment: tuple[tuple[str, str], ...]
    value: float
    bound: str  # "max" or "min"
    limit: float
    p_adjusted: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "metric": self.metric,
            "question": self.question,
            "segment": dict(self.segment),
            "value": self.value,
            "bound": self.bound,
            "limit": self.limit,
            "p_adjusted": self.p_adjusted,
        }


@dataclass(frozen=True)
class RuleOutcome:
    """A rule, how many results it checked, and what broke it."""

    rule: Rule
    checked: int
    breaches: tuple[Breach, ...]

    @property
    def held(self) -> bool:
        return not self.breaches

    def to_dict(self) -> dict[str, Any]:
        r = self.rule
        return {
            "name": r.name,
            "metric": r.metric.value,
            "max": r.max,
            "min": r.min,
            "significant_only": r.significant_only,
            "questions": list(r.questions) if r.questions is not None else None,
            "include_segments": r.include_segments,
            "checked": self.checked,
            "held": self.held,
            "breaches": [b.to_dict() for b in self.breaches],
        }


@dataclass(frozen=True)
class Settings:
    confidence: float
    alpha: float
    correction: str
    min_n: int
    mode: str
    segments: tuple[str, ...]
    rules_applied: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {
            "confidence": self.confidence,
            "alpha": self.alpha,
            "correction": self.correction,
            "min_n": self.min_n,
            "mode": self.mode,
            "segments": list(self.segments),
            "rules_applied": self.rules_applied,
            "top_box_test": "two-proportion z-test (pooled); Fisher's exact test (two-sided) "
            "when an expected cell count is below 5",
            "top_box_interval": "Newcombe hybrid score (method 10)",
            "mean_test": "Mann-Whitney U (two-sided, asymptotic, tie and continuity corrected)",
        }


@dataclass(frozen=True)
class GapReport:
    """Everything one analysis found; renderers read it and compute nothing."""

    survey: str
    schema: str
    inputs: tuple[InputSummary, ...]
    n_vendor: int
    n_customer: int
    settings: Settings
    results: tuple[GapResult, ...]
    headline: GapResult | None = None
    rules: tuple[RuleOutcome, ...] = ()

    @property
    def breaches(self) -> tuple[Breach, ...]:
        return tuple(b for outcome in self.rules for b in outcome.breaches)

    @property
    def exit_code(self) -> int:
        return 1 if self.breaches else 0

    def views(self) -> list[tuple[tuple[tuple[str, str], ...], list[GapResult]]]:
        """Results grouped by segment, in report order (the whole sample first)."""
        groups: dict[tuple[tuple[str, str], ...], list[GapResult]] = {}
        for result in self.results:
            groups.setdefault(result.segment, []).append(result)
        return list(groups.items())

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = _finite(
            {
                "format_version": JSON_FORMAT_VERSION,
                "survey": self.survey,
                "schema": self.schema,
                "inputs": [
                    {
                        "path": i.path,
                        "format": i.format,
                        "side": i.side,
                        "rows": i.rows,
                        "blank_rows": i.blank_rows,
                        "vendor": i.vendor,
                        "customer": i.customer,
                    }
                    for i in self.inputs
                ],
                "respondents": {"vendor": self.n_vendor, "customer": self.n_customer},
                "settings": self.settings.to_dict(),
                "headline": None
                if self.headline is None
                else {"question": self.headline.question, "segment": dict(self.headline.segment)},
                "results": [r.to_dict() for r in self.results],
                "rules": [o.to_dict() for o in self.rules],
                "breaches": [b.to_dict() for b in self.breaches],
                "exit_code": self.exit_code,
            }
        )
        return data


def _finite(value: Any) -> Any:
    """JSON has no NaN or infinity: write them as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value
