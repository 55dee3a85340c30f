"""The result objects: one immutable :class:`GapReport` that every renderer reads."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Protocol

from gapscan.fingerprint import Fingerprint
from gapscan.headlines import TOP_BOX, Headline, headlines_of, largest_change
from gapscan.pairing import PairingSummary
from gapscan.responses import InputSummary
from gapscan.subsets import AppliedFilter
from gapscan.survey import DEFAULT_SIDE_LABELS, SIDE_NAMES, Question, Rule
from gapscan.weighting_summary import WeightingSummary

if TYPE_CHECKING:
    import pandas as pd

JSON_FORMAT_VERSION = 1

# What each test's ``statistic`` is. Fisher's is the sample odds ratio ad/(bc), as
# scipy.stats.fisher_exact gives it, not R's conditional maximum-likelihood estimate.
STATISTIC_NAMES = {
    "z-test": "z",
    "fisher": "sample odds ratio",
    "mcnemar-exact": "min(b, c)",
    "mcnemar-chi2": "chi-square",
    "wilcoxon": "min(R+, R-)",
    "mann-whitney": "U (vendor)",
    "welch-t": "t",
    "design-t": "t",
}


@dataclass(frozen=True)
class LevelCount:
    """One level of a scale on one side: its score, how many answered it, and the
    share of the side's answers (zero counts included)."""

    level: str
    score: float
    n: int
    share: float

    def to_dict(self) -> dict[str, Any]:
        return {"level": self.level, "score": self.score, "n": self.n, "share": self.share}


@dataclass(frozen=True)
class DesignSide:
    """What a weighted (design-based) run adds to a side: Kish's effective sample size,
    the sum of the weights, the linearised SEs and the design effects of the top-box
    share and the mean."""

    n_eff: float
    weight_sum: float
    top_box_se: float | None
    mean_se: float
    deff: float | None  # of the top-box share
    mean_deff: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "n_eff": self.n_eff,
            "weight_sum": self.weight_sum,
            "top_box_se": self.top_box_se,
            "mean_se": self.mean_se,
            "deff": self.deff,
            "mean_deff": self.mean_deff,
        }


@dataclass(frozen=True)
class DistributionTest:
    """The Rao–Scott test of the whole answer distribution, vendor vs customer, as
    ``svychisq(~question + side, design, statistic = "F")``: F on ndf and ddf degrees of
    freedom (not corrected for multiple comparisons)."""

    name: str
    statistic: float
    ndf: float
    ddf: float
    p_value: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "statistic": self.statistic,
            "ndf": self.ndf,
            "ddf": self.ddf,
            "p_value": self.p_value,
        }


@dataclass(frozen=True)
class DesignGap:
    """What a weighted run adds to a result: the linearised SEs of the gaps, the
    t-tests' degrees of freedom (``mean_df`` is the result's own field) and the test of
    the whole distribution (None where there is none)."""

    gap_se: float | None
    df: float | None
    mean_gap_se: float
    distribution_test: DistributionTest | None = None
    nps_gap_se: float | None = None  # NPS questions only

    def to_dict(self) -> dict[str, Any]:
        test = self.distribution_test
        data = {
            "gap_se": self.gap_se,
            "df": self.df,
            "mean_gap_se": self.mean_gap_se,
            "distribution_test": None if test is None else test.to_dict(),
        }
        return data if self.nps_gap_se is None else {**data, "nps_gap_se": self.nps_gap_se}


@dataclass(frozen=True)
class SideSummary:
    """One side of one comparison. A suppressed side carries no share, no mean and
    no distribution."""

    n: int
    top_box: float | None
    mean: float | None
    suppressed: bool = False
    top_box_ci_low: float | None = None  # Wilson interval of the share (independent mode)
    top_box_ci_high: float | None = None
    nps: NpsSide | None = None  # NPS questions only
    distribution: tuple[LevelCount, ...] = ()  # every level in scale order
    design: DesignSide | None = None  # weighted runs only

    def to_dict(self) -> dict[str, Any]:
        if self.suppressed:
            return {"n": self.n, "suppressed": True}
        return {
            "n": self.n,
            **(self.design.to_dict() if self.design is not None else {}),
            "top_box": self.top_box,
            "top_box_ci_low": self.top_box_ci_low,
            "top_box_ci_high": self.top_box_ci_high,
            "mean": self.mean,
            **(self.nps.to_dict() if self.nps is not None else {}),
            "distribution": [level.to_dict() for level in self.distribution],
        }


@dataclass(frozen=True)
class NpsSide:
    """One side's Net Promoter Score (fractions): the raw score, its adjusted-Wald
    interval, and the shares of promoters, passives and detractors."""

    nps: float
    ci_low: float
    ci_high: float
    promoters: float
    passives: float
    detractors: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "nps": self.nps,
            "nps_ci_low": self.ci_low,
            "nps_ci_high": self.ci_high,
            "promoters": self.promoters,
            "passives": self.passives,
            "detractors": self.detractors,
        }


@dataclass(frozen=True)
class NpsGap:
    """Vendor NPS minus customer NPS: the raw gap, the adjusted-Wald interval and
    z-test of the difference, and its adjustment in the run's NPS family."""

    promoters_min: float  # a promoter scores at least this
    detractors_max: float  # a detractor scores at most this
    gap: float | None = None  # None: suppressed, or not computed (paired mode)
    ci_low: float | None = None
    ci_high: float | None = None
    statistic: float | None = None
    p_value: float | None = None
    p_adjusted: float | None = None
    significant: bool | None = None
    change: GapChange | None = None  # since the baseline (gap_change rules with of: nps)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "nps_thresholds": {"promoters": self.promoters_min, "detractors": self.detractors_max},
            "nps_gap": self.gap,
            "nps_gap_ci_low": self.ci_low,
            "nps_gap_ci_high": self.ci_high,
            "nps_statistic": self.statistic,
            "nps_p_value": self.p_value,
            "nps_p_adjusted": self.p_adjusted,
            "nps_significant": self.significant,
        }
        if self.change is not None:
            data |= {f"nps_{k}": v for k, v in self.change.to_dict().items()}
        return data


@dataclass(frozen=True)
class AccountGap:
    """One account's vendor and customer scores (shown only when asked for)."""

    account: str
    vendor_score: float
    customer_score: float
    difference: float
    vendor_respondents: int
    customer_respondents: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class PairedDetail:
    """What a paired comparison adds. Statistics are None when the result is suppressed."""

    n_pairs: int
    pairing: str  # one-to-one | many-to-one
    unmatched_accounts: tuple[int, int]  # accounts answered by the vendor / customer side only
    unmatched_respondents: tuple[int, int]
    ci_method: str | None = None
    vendor_higher: float | None = None  # share of pairs where the vendor score is higher
    same: float | None = None
    customer_higher: float | None = None
    kappa: float | None = None  # quadratic-weighted, one-to-one pairs only
    kappa_ci_low: float | None = None
    kappa_ci_high: float | None = None
    median_difference: float | None = None  # Hodges–Lehmann, of the score differences
    median_ci_low: float | None = None
    median_ci_high: float | None = None
    accounts: tuple[AccountGap, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "n_pairs": self.n_pairs,
            "pairing": self.pairing,
            "unmatched_accounts": dict(
                zip(("vendor", "customer"), self.unmatched_accounts, strict=False)
            ),
            "unmatched_respondents": dict(
                zip(("vendor", "customer"), self.unmatched_respondents, strict=False)
            ),
            "ci_method": self.ci_method,
            "vendor_higher": self.vendor_higher,
            "same": self.same,
            "customer_higher": self.customer_higher,
            "kappa": self.kappa,
            "kappa_ci_low": self.kappa_ci_low,
            "kappa_ci_high": self.kappa_ci_high,
            "median_difference": self.median_difference,
            "median_ci_low": self.median_ci_low,
            "median_ci_high": self.median_ci_high,
        }
        if self.accounts:
            data["accounts"] = [a.to_dict() for a in self.accounts]
        return data


class ChangeTest(Protocol):
    """What a test of the difference of two gaps gives (stats.compare_gaps and kin)."""

    @property
    def change(self) -> float: ...
    @property
    def ci_low(self) -> float: ...
    @property
    def ci_high(self) -> float: ...
    @property
    def statistic(self) -> float: ...
    @property
    def p_value(self) -> float: ...


@dataclass(frozen=True)
class GapChange:
    """How a gap moved since an earlier wave: z-test of the difference of two
    independent gaps, with unpooled variances."""

    baseline_wave: str
    baseline_gap: float
    change: float
    ci_low: float
    ci_high: float
    statistic: float
    p_value: float
    significant: bool

    @classmethod
    def of(cls, baseline_wave: str, baseline_gap: float, d: ChangeTest, alpha: float) -> GapChange:
        """The change a test of two gaps found (``d``: its estimate, interval, statistic
        and p), significant when p < ``alpha``."""
        return cls(
            baseline_wave=baseline_wave,
            baseline_gap=baseline_gap,
            change=d.change,
            ci_low=d.ci_low,
            ci_high=d.ci_high,
            statistic=d.statistic,
            p_value=d.p_value,
            significant=d.p_value < alpha,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "baseline_wave": self.baseline_wave,
            "baseline_gap": self.baseline_gap,
            "change": self.change,
            "change_ci_low": self.ci_low,
            "change_ci_high": self.ci_high,
            "change_statistic": self.statistic,
            "change_p_value": self.p_value,
            "change_significant": self.significant,
        }


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
    effect_size_name: str | None = None
    mean_effect_size_name: str | None = None
    paired: PairedDetail | None = None
    change: GapChange | None = None
    nps: NpsGap | None = None  # NPS questions only
    # numeric questions: Welch's t (mean_statistic) with its df and interval of the mean
    # gap, and the Mann–Whitney test on the values beside it
    mean_df: float | None = None
    mean_gap_ci_low: float | None = None
    mean_gap_ci_high: float | None = None
    rank_statistic: float | None = None
    rank_p_value: float | None = None
    top_box_rule: str | None = None  # a numeric question's top box: "80 or more", "none"

    @property
    def is_numeric(self) -> bool:
        """A numeric question's result (its levels are the values answered)."""
        return self.top_box_rule is not None

    def top_box_text(self) -> str:
        """The top box as a report states it: its labels, or a numeric question's rule."""
        return self.top_box_rule or ", ".join(self.top_box_labels)

    design: DesignGap | None = None  # weighted runs only
    # weighted runs: the change of the mean gap (from the design-based SEs) since a wave
    mean_change: GapChange | None = None

    @classmethod
    def suppressed_for(
        cls,
        question: Question,
        segment: tuple[tuple[str, str], ...],
        n_vendor: int,
        n_customer: int,
        *,
        mode: str = "independent",
        paired: PairedDetail | None = None,
    ) -> GapResult:
        """A result that shows no share, mean or test (too few answers or pairs)."""
        spec, numeric = question.nps, question.scale.numeric
        return cls(
            question=question.id,
            question_text=question.text,
            scale=question.scale.name,
            top_box_labels=question.scale.top_box_labels(),
            segment=segment,
            vendor=SideSummary(n_vendor, None, None, suppressed=True),
            customer=SideSummary(n_customer, None, None, suppressed=True),
            suppressed=True,
            mode=mode,
            paired=paired,
            nps=NpsGap(spec.promoters, spec.detractors) if spec is not None else None,
            top_box_rule=None if numeric is None else numeric.top_box_text(),
        )

    @property
    def statistic_name(self) -> str | None:
        """What ``statistic`` is (for Fisher's test: the sample odds ratio)."""
        return None if self.test is None else STATISTIC_NAMES.get(self.test)

    @property
    def segment_label(self) -> str:
        return ", ".join(f"{c} = {v}" for c, v in self.segment) or "All respondents"

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "question_text": self.question_text,
            "scale": self.scale,
            "top_box_labels": list(self.top_box_labels),
            **({"top_box_rule": self.top_box_rule} if self.top_box_rule is not None else {}),
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
            "statistic_name": self.statistic_name,
            "p_value": self.p_value,
            "p_adjusted": self.p_adjusted,
            "significant": self.significant,
            "effect_size": self.effect_size,
            "effect_size_name": self.effect_size_name,
            "mean_gap": self.mean_gap,
            "mean_test": self.mean_test,
            "mean_statistic": self.mean_statistic,
            "mean_p_value": self.mean_p_value,
            "mean_p_adjusted": self.mean_p_adjusted,
            "mean_significant": self.mean_significant,
            "mean_effect_size": self.mean_effect_size,
            "mean_effect_size_name": self.mean_effect_size_name,
            "mean_df": self.mean_df,
            "mean_gap_ci_low": self.mean_gap_ci_low,
            "mean_gap_ci_high": self.mean_gap_ci_high,
            "rank_statistic": self.rank_statistic,
            "rank_p_value": self.rank_p_value,
            **(self.design.to_dict() if self.design is not None else {}),
            **(self.paired.to_dict() if self.paired is not None else {}),
            **(self.change.to_dict() if self.change is not None else {}),
            **_prefixed("mean_", self.mean_change),
            **(self.nps.to_dict() if self.nps is not None else {}),
        }


def _prefixed(prefix: str, change: GapChange | None) -> dict[str, Any]:
    """A change's fields with their names prefixed ("mean_change_p_value")."""
    return {} if change is None else {prefix + k: v for k, v in change.to_dict().items()}


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
    p_adjusted: float | None  # the adjusted p of a gap's test
    p_value: float | None = None  # the p of a gap change's test (not adjusted)

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
            "p_value": self.p_value,
        }


@dataclass(frozen=True)
class RuleOutcome:
    """A rule, how many results it checked, and what broke it."""

    rule: Rule
    checked: int
    breaches: tuple[Breach, ...]
    checked_questions: frozenset[str] | None = None  # questions with a checked result

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
            **({"of": r.of} if r.of != "top_box" else {}),
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
    notes: tuple[str, ...] = ()  # what was done about the run's options
    filters: tuple[AppliedFilter, ...] = ()  # in the order applied
    ignored_sides: tuple[str, ...] = ()  # side values of neither side (sides.ignore)
    side_labels: tuple[str, str] = DEFAULT_SIDE_LABELS  # the sides' names in human output
    nps: bool = False  # the survey has NPS questions: the methods name the NPS methods
    design: str | None = None  # weighted runs: the design in words (SurveyDesign.describe)
    degf: int | None = None  # and its degrees of freedom, PSUs minus strata
    weighting: WeightingSummary | None = None  # weights made by the schema's weighting:

    def to_dict(self) -> dict[str, Any]:
        return {
            "confidence": self.confidence,
            "alpha": self.alpha,
            "correction": self.correction,
            "min_n": self.min_n,
            "mode": self.mode,
            "segments": list(self.segments),
            "rules_applied": self.rules_applied,
            **({"notes": list(self.notes)} if self.notes else {}),
            **({"filters": [f.to_dict() for f in self.filters]} if self.filters else {}),
            **({"ignored_sides": list(self.ignored_sides)} if self.ignored_sides else {}),
            **(
                {"side_labels": dict(zip(SIDE_NAMES, self.side_labels, strict=True))}
                if self.side_labels != DEFAULT_SIDE_LABELS
                else {}
            ),
            **({"design": self.design, "degf": self.degf} if self.design else {}),
            **(
                {
                    "weighting": self.weighting.to_dict(),
                    "weighting_method": self.weighting.methods_text(),
                }
                if self.weighting
                else {}
            ),
            **(
                _PAIRED_METHODS
                if self.mode == "paired"
                else _DESIGN_METHODS
                if self.design
                else _INDEPENDENT_METHODS
            ),
            **(_nps_methods(self.mode, weighted=bool(self.design)) if self.nps else {}),
        }


def _nps_methods(mode: str, *, weighted: bool = False) -> dict[str, str]:
    if mode == "paired":
        return {"nps": "not computed in paired mode (NPS compares two independent samples)"}
    if weighted:
        return {
            "nps_interval": "t interval on the design's df of the domain mean of +1 "
            "(promoter), 0, -1 (detractor), Taylor-linearised SE",
            "nps_test": "design-based t-test of the NPS gap as svyttest(y ~ side, design), "
            "df = design df - 1; NPS tests corrected as their own family",
        }
    return {
        "nps_interval": "adjusted-Wald (Rocks 2016: n + 3, 3/4 added to promoters and to "
        "detractors), centred on the adjusted NPS",
        "nps_test": "z-test of the difference of the two adjusted NPS, SE the square root of "
        "the sum of their adjusted-Wald variances (two-sided); NPS tests corrected as their "
        "own family",
    }


_INDEPENDENT_METHODS = {
    "top_box_test": "two-proportion z-test (pooled); Fisher's exact test (two-sided) "
    "when an expected cell count is below 5, its statistic the sample odds ratio ad/bc "
    "(not R's conditional maximum-likelihood estimate)",
    "top_box_interval": "Newcombe hybrid score (method 10)",
    "mean_test": "Mann-Whitney U (two-sided, asymptotic, tie and continuity corrected); "
    "numeric questions: Welch's t-test and interval (Welch-Satterthwaite df), with "
    "Mann-Whitney U on the values as rank_p_value",
}
_DESIGN_METHODS = {
    "variance": "Taylor linearisation: each side (within a segment) a domain of the whole "
    "design, SEs from per-PSU sums with strata and fpc, as R's svymean/svyby",
    "top_box_test": "design-based t-test of the top-box gap as svyttest(y ~ side, design): "
    "t on the design's degrees of freedom (PSUs - strata) minus 1",
    "top_box_interval": "t interval of the gap on the same df; per side, the share "
    "plus or minus t(design df) SE, within [0, 1]",
    "mean_test": "design-based t-test of the mean gap as svyttest(y ~ side, design), "
    "df = design df - 1, with its t interval",
    "distribution_test": "Rao-Scott second-order corrected F test of the whole answer "
    "distribution vendor vs customer, as svychisq(~question + side, design, statistic = "
    '"F"): F on ndf and ddf = ndf x design df; not corrected for multiple comparisons; '
    "none for numeric questions",
    "effect_sizes": "descriptive, on the weighted estimates, without a design-based "
    "interval: effect_size is Cohen's h of the weighted top-box shares (cohens_h), "
    "mean_effect_size the weighted standardized mean difference (weighted_smd: the "
    "difference of the weighted means over the pooled SD, each side's variance "
    "sum w (y - mean)^2 / sum w x n / (n - 1) as svyvar, pooled on n - 1); rank tests "
    "not computed",
}
_PAIRED_METHODS = {
    "top_box_test": "one-to-one pairs: McNemar (exact binomial when fewer than 25 discordant "
    "pairs, else chi-square with continuity correction); many-to-one: Wilcoxon signed-rank "
    "on account-level differences of top-box shares",
    "top_box_interval": "Wald interval of the mean paired difference",
    "mean_test": "Wilcoxon signed-rank on account-level score differences (two-sided, "
    "asymptotic, zeros dropped, tie and continuity corrected)",
    "median_interval": "Hodges-Lehmann estimate and Walsh-average interval",
    "agreement": "Cohen's kappa, quadratic weights (one-to-one pairs)",
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
    headline: GapResult | None = None  # the largest significant whole-sample top-box gap
    rules: tuple[RuleOutcome, ...] = ()
    pairing: PairingSummary | None = None
    baseline: str | None = None  # the earlier JSON report compared with
    generated: str | None = None  # a timestamp, only when asked for (--stamp)
    fingerprint: Fingerprint | None = None  # what a later run checks before comparing

    @property
    def breaches(self) -> tuple[Breach, ...]:
        return tuple(b for outcome in self.rules for b in outcome.breaches)

    @property
    def exit_code(self) -> int:
        return 1 if self.breaches else 0

    @property
    def headlines(self) -> tuple[Headline, ...]:
        """What the headline names, per kind of gap (gapscan.headlines)."""
        return headlines_of(self.results)

    def _result_dict(self, result: GapResult) -> dict[str, Any]:
        """A result's fields; in a weighted run a suppressed one has no distribution test."""
        fields = result.to_dict()
        if self.settings.design is not None:
            fields.setdefault("distribution_test", None)
        return fields

    def _headline_segment(self) -> dict[str, Any] | None:
        """The top-box gap the headline names in a segment, when the whole sample has none."""
        top = next((h for h in self.headlines if h.kind is TOP_BOX), None)
        if self.headline is not None or top is None or top.result is None or not top.in_segment:
            return None
        return {"question": top.result.question, "segment": dict(top.result.segment)}

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
                        "tool": i.tool,
                        "excluded": dict(sorted(i.excluded.items())),
                        "unfinished_kept": i.unfinished_kept,
                        "duplicates_dropped": i.duplicates_dropped,
                        "vendor": i.vendor,
                        "customer": i.customer,
                    }
                    for i in self.inputs
                ],
                "respondents": {"vendor": self.n_vendor, "customer": self.n_customer},
                **({"pairing": self.pairing.to_dict()} if self.pairing else {}),
                **({"baseline": self.baseline} if self.baseline else {}),
                **({"generated": self.generated} if self.generated else {}),
                "settings": self.settings.to_dict(),
                "headline": None
                if self.headline is None
                else {"question": self.headline.question, "segment": dict(self.headline.segment)},
                "headline_segment": self._headline_segment(),
                "headlines": [h.to_dict() for h in self.headlines],
                "results": [self._result_dict(r) for r in self.results],
                "rules": [o.to_dict() for o in self.rules],
                "breaches": [b.to_dict() for b in self.breaches],
                **({"fingerprint": self.fingerprint.to_dict()} if self.fingerprint else {}),
                "exit_code": self.exit_code,
            }
        )
        return data

    # notebooks (gapscan.report_frames; pandas is imported there, on first use)

    def to_frame(self) -> pd.DataFrame:
        """One row per question x segment, the JSON result's fields as columns (nested
        ones flattened: ``vendor_top_box``, ``segment_region``)."""
        from gapscan.report_frames import results_frame

        return results_frame(self)

    def distribution_frame(self) -> pd.DataFrame:
        """One row per question x segment x side x level: ``n`` and ``share``."""
        from gapscan.report_frames import distribution_frame

        return distribution_frame(self)

    def to_markdown(self, *, distribution: bool = False) -> str:
        """The markdown report, as ``gapscan analyze --format markdown`` writes it."""
        from gapscan.render import markdown

        return markdown.render(self, distribution=distribution)

    def _repr_html_(self) -> str:
        from gapscan.report_frames import report_html

        return report_html(self)


def _by_side(pair: tuple[int, int]) -> dict[str, int]:
    return {"vendor": pair[0], "customer": pair[1]}


def _finite(value: Any) -> Any:
    """JSON has no NaN or infinity: write them as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


@dataclass(frozen=True)
class WavePoint:
    """One question's whole-sample result in one wave, and its change since the
    previous wave (None in the first wave, or when either wave is suppressed)."""

    wave: str
    result: GapResult
    change: GapChange | None = None

    def to_dict(self) -> dict[str, Any]:
        r = self.result
        data: dict[str, Any] = {
            "wave": self.wave,
            "suppressed": r.suppressed,
            "vendor": r.vendor.to_dict(),
            "customer": r.customer.to_dict(),
            "gap": r.gap,
            "ci_low": r.ci_low,
            "ci_high": r.ci_high,
            "p_adjusted": r.p_adjusted,
            "significant": r.significant,
        }
        if self.change is not None:
            data |= self.change.to_dict()
        if r.mean_change is not None:
            data |= {"mean_gap": r.mean_gap, **_prefixed("mean_", r.mean_change)}
        if r.design is not None:
            data |= r.design.to_dict()
        if r.nps is not None:
            data |= r.nps.to_dict()
        return data


@dataclass(frozen=True)
class TrendReport:
    """Each question's gap across waves (oldest first)."""

    survey: str
    schema: str
    waves: tuple[str, ...]
    reports: tuple[GapReport, ...]  # one per wave
    questions: tuple[tuple[str, str], ...]  # (id, text)
    points: tuple[WavePoint, ...]  # question-major, waves in order
    rules: tuple[RuleOutcome, ...] = ()
    generated: str | None = None
    rules_applied: bool = True

    @property
    def breaches(self) -> tuple[Breach, ...]:
        return tuple(b for outcome in self.rules for b in outcome.breaches)

    @property
    def exit_code(self) -> int:
        return 1 if self.breaches else 0

    @property
    def fingerprint(self) -> dict[str, Any] | None:
        latest = self.reports[-1].fingerprint if self.reports else None
        return latest.to_dict() if latest is not None else None

    @property
    def headline(self) -> WavePoint | None:
        """The latest wave's largest significant change of gap, or None."""
        return largest_change(self.points, self.waves[-1]) if self.waves else None

    def changes_tested(self) -> int:
        """How many of the latest wave's gaps have a change to test."""
        latest = self.waves[-1] if self.waves else None
        return sum(1 for p in self.points if p.wave == latest and p.change is not None)

    def series(self, question: str) -> list[WavePoint]:
        return [p for p in self.points if p.result.question == question]

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = _finite(
            {
                "format_version": JSON_FORMAT_VERSION,
                "survey": self.survey,
                "schema": self.schema,
                **({"generated": self.generated} if self.generated else {}),
                "waves": [
                    {
                        "wave": w,
                        "inputs": [i.path for i in r.inputs],
                        "vendor": r.n_vendor,
                        "customer": r.n_customer,
                        # what the filters, sides.ignore and the survey tool's status
                        # left out of this wave, per reason (settings.filters[].removed
                        # counts the latest wave)
                        "excluded": _excluded_rows(r.inputs),
                        # each wave is weighted on its own (settings.weighting: the latest)
                        **(
                            {"weighting": r.settings.weighting.to_dict()}
                            if r.settings.weighting
                            else {}
                        ),
                    }
                    for w, r in zip(self.waves, self.reports, strict=True)
                ],
                "settings": self.reports[-1].settings.to_dict()
                | {"rules_applied": self.rules_applied}
                if self.reports
                else {},
                "headline": None
                if self.headline is None
                else {
                    "question": self.headline.result.question,
                    "wave": self.headline.wave,
                    "baseline_wave": self.headline.change.baseline_wave
                    if self.headline.change
                    else None,
                },
                "questions": [
                    {
                        "question": qid,
                        "question_text": text,
                        "waves": [p.to_dict() for p in self.series(qid)],
                    }
                    for qid, text in self.questions
                ],
                "rules": [o.to_dict() for o in self.rules],
                "breaches": [b.to_dict() for b in self.breaches],
                **({"fingerprint": self.fingerprint} if self.fingerprint else {}),
                "exit_code": self.exit_code,
            }
        )
        return data

    def to_frame(self) -> pd.DataFrame:
        """One row per question x wave, the JSON wave fields as columns (flattened)."""
        from gapscan.report_frames import trend_frame

        return trend_frame(self)

    def to_markdown(self) -> str:
        """The markdown report, as ``gapscan trend --format markdown`` writes it."""
        from gapscan.render import markdown

        return markdown.render_trend(self)


def _excluded_rows(inputs: Sequence[InputSummary]) -> dict[str, int]:
    """The rows left out of a set of inputs, per reason, summed over the files."""
    total: dict[str, int] = {}
    for i in inputs:
        for reason, n in i.excluded.items():
            total[reason] = total.get(reason, 0) + n
    return dict(sorted(total.items()))
