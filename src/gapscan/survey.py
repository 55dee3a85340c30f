"""The validated survey: frozen objects the rest of gapscan reads (no I/O here)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from gapscan.folding import fold as fold  # re-exported: callers import it from here

if TYPE_CHECKING:
    from gapscan.weighting import WeightingSpec

VENDOR = 0
CUSTOMER = 1
SIDE_NAMES = ("vendor", "customer")


class Correction(StrEnum):
    HOLM = "holm"
    BH = "bh"
    BONFERRONI = "bonferroni"
    NONE = "none"


class Mode(StrEnum):
    INDEPENDENT = "independent"
    PAIRED = "paired"


class Combine(StrEnum):
    """How several respondents of one side in one account are combined."""

    MEAN = "mean"
    MEDIAN = "median"


class Metric(StrEnum):
    TOP_BOX_GAP = "top_box_gap"
    MEAN_GAP = "mean_gap"
    GAP_CHANGE = "gap_change"
    NPS_GAP = "nps_gap"


@dataclass(frozen=True)
class NpsSpec:
    """Net Promoter thresholds on a 0..10 scale's scores: a promoter scores at least
    ``promoters``, a detractor at most ``detractors``, a passive in between."""

    promoters: float = 9.0
    detractors: float = 6.0

    def groups(self, scores: tuple[float, ...]) -> tuple[list[int], list[int], list[int]]:
        """The level codes of promoters, passives and detractors."""
        pro = [i for i, s in enumerate(scores) if s >= self.promoters]
        det = [i for i, s in enumerate(scores) if s <= self.detractors]
        pas = [i for i in range(len(scores)) if i not in pro and i not in det]
        return pro, pas, det


_NUMBERED = re.compile(r"^\s*([+-]?\d+(?:\.\d+)?)(?:\s*(?:[-–—:=.)]|$)|\s+\S)")


def stated_scores(levels: tuple[str, ...]) -> tuple[float, ...] | None:
    """The numbers the labels state, when every label states one and they are distinct
    (``0``..``10``; ``1 - Not very impressive``..``5 - Extremely impressive``);
    else None."""
    numbers: list[float] = []
    for level in levels:
        match = _NUMBERED.match(level)
        if match is None:
            return None
        numbers.append(float(match.group(1)))
    return tuple(numbers) if len(set(numbers)) == len(numbers) else None


@dataclass(frozen=True)
class Numeric:
    """A numeric question (``type: numeric``): its allowed ``range`` and its optional top
    box ``{min, max}`` (both bounds inclusive)."""

    low: float | None = None
    high: float | None = None
    top_min: float | None = None
    top_max: float | None = None

    @property
    def has_top_box(self) -> bool:
        return self.top_min is not None or self.top_max is not None

    def in_top_box(self, value: float) -> bool:
        if not self.has_top_box:
            return False
        above = self.top_min is None or value >= self.top_min
        return above and (self.top_max is None or value <= self.top_max)

    def top_box_text(self) -> str:
        """The top box as a rule: ``80 or more``, ``20 or less``, ``from 20 to 80``."""
        low = None if self.top_min is None else number_label(self.top_min)
        high = None if self.top_max is None else number_label(self.top_max)
        if low is not None and high is not None:
            return f"from {low} to {high}"
        if low is not None:
            return f"{low} or more"
        return "none" if high is None else f"{high} or less"

    def in_range(self, value: float) -> bool:
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)


def number_label(value: float) -> str:
    """How a numeric answer is shown as a level: ``80``, ``72.5``."""
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


@dataclass(frozen=True)
class Scale:
    """An ordered answer scale. Levels are coded 0..k-1 internally; each level has a
    numeric score (``scores``: given in the schema, else the number its label states,
    else 1..k), which means and mean gaps are computed on."""

    name: str
    levels: tuple[str, ...]
    top_box: frozenset[int]
    missing: tuple[str, ...] = ()
    scores: tuple[float, ...] = ()  # empty: the labels' numbers, else 1..k
    nps: NpsSpec | None = None  # ``nps:`` on the scale: each of its questions is an NPS
    # a numeric question's scale: its levels are the distinct values answered in the run
    # (see ``with_values``), each scored by its value
    numeric: Numeric | None = None

    def __post_init__(self) -> None:
        if not self.scores:
            default = stated_scores(self.levels) or tuple(float(i + 1) for i in range(self.k))
            object.__setattr__(self, "scores", default)
        if len(self.scores) != self.k:
            raise ValueError(f"scale {self.name!r}: {len(self.scores)} scores for {self.k} levels")

    @property
    def k(self) -> int:
        return len(self.levels)

    def top_box_labels(self) -> tuple[str, ...]:
        return tuple(self.levels[i] for i in sorted(self.top_box))

    @property
    def has_top_box(self) -> bool:
        return self.numeric is None or self.numeric.has_top_box

    def with_values(self, values: tuple[float, ...]) -> Scale:
        """A numeric scale whose levels are these values (sorted, distinct)."""
        assert self.numeric is not None
        top = frozenset(i for i, v in enumerate(values) if self.numeric.in_top_box(v))
        labels = tuple(number_label(v) for v in values)
        return Scale(self.name, labels, top, self.missing, tuple(values), numeric=self.numeric)


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    scale: Scale
    vendor_column: str
    customer_column: str
    nps: NpsSpec | None = None  # ``metric: nps`` (or its scale's ``nps:``): also an NPS

    def column(self, side: int) -> str:
        return self.vendor_column if side == VENDOR else self.customer_column


DEFAULT_SIDE_LABELS = ("Vendor", "Customer")


@dataclass(frozen=True)
class Sides:
    """How a respondent's side is recognised in a file that holds both sides, which
    side values belong to neither side (``ignore``: dropped and counted), and what the
    programme calls each side in human output (``labels``; JSON keeps vendor/customer)."""

    column: str | None
    vendor: tuple[str, ...] = ()
    customer: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    labels: tuple[str, str] = DEFAULT_SIDE_LABELS


@dataclass(frozen=True)
class Filter:
    """Keep (or drop) the rows whose ``column`` holds one of ``values`` (matched
    trimmed and case-folded, like answers). ``origin`` says where it was given: the
    schema (``filters:``) or the command line (``--where``/``--where-not``)."""

    column: str
    keep: bool
    values: tuple[str, ...]
    origin: str = "schema"
    line: int | None = None  # its line in the schema

    @property
    def name(self) -> str:
        """Its key in ``InputSummary.excluded``."""
        return f"filter {self.column}"


@dataclass(frozen=True)
class AnalysisSettings:
    confidence: float = 0.95
    alpha: float = 0.05
    correction: Correction = Correction.HOLM
    min_n: int = 10
    mode: Mode = Mode.INDEPENDENT


@dataclass(frozen=True)
class PairBy:
    """The account key that pairs vendor and customer answers (a column per side)."""

    vendor_column: str
    customer_column: str
    combine: Combine = Combine.MEAN

    def column(self, side: int) -> str:
        return self.vendor_column if side == VENDOR else self.customer_column


@dataclass(frozen=True)
class Rule:
    """A CI gate: breached when a result's metric leaves [min, max]."""

    name: str
    metric: Metric
    max: float | None = None
    min: float | None = None
    significant_only: bool = False
    questions: tuple[str, ...] | None = None
    include_segments: bool = False
    line: int | None = None
    of: str = "top_box"  # gap_change: the change of the top-box gap, or of the NPS gap ("nps")

    def applies_to(self, question_id: str) -> bool:
        return self.questions is None or question_id in self.questions


@dataclass(frozen=True)
class SurveyDesign:
    """How respondents were sampled: a weight column, and the design's primary sampling
    unit (``cluster``), ``strata`` and ``fpc`` columns (each optional), as R's
    ``svydesign(id = ~cluster, strata = ~strata, weights = ~weight, fpc = ~fpc)``."""

    weight: str | None = None
    cluster: str | None = None
    strata: str | None = None
    fpc: str | None = None
    made: str | None = None  # the schema's weighting: in words ("raking to region, tier")

    def columns(self) -> list[str]:
        named = (self.weight, self.cluster, self.strata, self.fpc)
        return list(dict.fromkeys(c for c in named if c is not None))

    def describe(self) -> str:
        """The design in words, for the methods: 'weights pw; clusters dnum; fpc fpc',
        'weights made by raking to region, tier from pw; clusters dnum'."""
        weights = self.weight
        if self.made is not None:
            weights = f"made by {self.made}" + (f" from {self.weight}" if self.weight else "")
        parts = [
            f"{what} {column}"
            for what, column in (
                ("weights", weights),
                ("strata", self.strata),
                ("clusters", self.cluster),
                ("fpc", self.fpc),
            )
            if column is not None
        ]
        return "; ".join(parts)


@dataclass(frozen=True)
class Survey:
    name: str
    path: Path
    sides: Sides
    scales: tuple[Scale, ...]
    questions: tuple[Question, ...]
    analysis: AnalysisSettings = field(default_factory=AnalysisSettings)
    rules: tuple[Rule, ...] = ()
    segments: tuple[str, ...] = ()
    data: tuple[Path, ...] = ()
    respondent_id: str | None = None
    pair_by: PairBy | None = None
    unfinished: str = "keep"  # keep | drop: unfinished survey-tool responses
    duplicate_ids: str = "error"  # error | keep-first | keep-last: a repeated respondent id
    filters: tuple[Filter, ...] = ()  # applied in order, before anything else
    weighting: WeightingSpec | None = None  # `gapscan weights`: how to make weights
    design: SurveyDesign | None = None  # weights and sampling design, when given

    def with_numbers(self, numbers: dict[str, tuple[float, ...]]) -> Survey:
        """This survey with each numeric question's levels set to the values answered
        (``Responses.numbers``); a survey without numeric questions is returned as is."""
        if not any(q.scale.numeric is not None for q in self.questions):
            return self
        questions = tuple(
            replace(q, scale=q.scale.with_values(numbers.get(q.id, ())))
            if q.scale.numeric is not None
            else q
            for q in self.questions
        )
        return replace(self, questions=questions)

    def with_design_columns(self, weight: str | None, cluster: str | None) -> Survey:
        """This survey with the command line's ``--weight`` / ``--cluster`` in place of
        the schema's ``weight:`` / ``design.cluster`` (None: keep the schema's)."""
        if weight is None and cluster is None:
            return self
        design = self.design or SurveyDesign()
        design = replace(design, weight=weight or design.weight, cluster=cluster or design.cluster)
        return replace(self, design=design)

    def question(self, question_id: str) -> Question:
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(question_id)


def closest_difference(value: str, candidates: list[str]) -> str:
    """For a value that matches none of ``candidates`` (after :func:`fold`): the
    closest candidate and where the two differ, with the code points, for a message
    (`` (closest: 'Agree'; it has 'e' U+0065 at character 5, 'Agre' has nothing)``);
    "" when nothing is close."""
    import difflib

    folded = {fold(c): c for c in candidates}
    close = difflib.get_close_matches(fold(value), list(folded), n=1, cutoff=0.6)
    if not close:
        return ""
    nearest = folded[close[0]]
    return f" (closest: '{nearest}'; {character_difference(value, nearest)})"


def character_difference(given: str, other: str) -> str:
    """Where ``other`` first differs from ``given``, its characters named by code point:
    ``it has '’' U+2019 at character 6, 'I don't' has ''' U+0027``."""
    import difflib

    a, b = unicodedata.normalize("NFC", given), unicodedata.normalize("NFC", other)
    if len(a) == len(b):  # one character for another: name the first pair
        for i, (mine, theirs) in enumerate(zip(a, b, strict=True)):
            if fold(mine) != fold(theirs):
                return _differ(given, _characters(theirs), i, _characters(mine))
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        theirs = _characters(b[j1:j2]) or "nothing"
        ours = _characters(a[i1:i2]) or "nothing"
        return _differ(given, theirs, j1, ours)
    return "they differ only in case or spacing"


def _differ(given: str, theirs: str, index: int, ours: str) -> str:
    return f"it has {theirs} at character {index + 1}, '{given}' has {ours}"


def _characters(text: str) -> str:
    shown = text[:3]
    return " ".join(f"'{c}' U+{ord(c):04X}" for c in shown) + (" ..." if len(text) > 3 else "")
