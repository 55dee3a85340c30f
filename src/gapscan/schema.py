"""Load and validate a survey schema (YAML) into a :class:`~gapscan.survey.Survey`.

Every problem is collected and reported at once, each with its YAML line. The YAML is
read by :mod:`~gapscan.schema_yaml` (each key path with its line); each part of it is
validated on its own against the pydantic models of :mod:`~gapscan.schema_models`
(:mod:`~gapscan.schema_errors` turns pydantic's errors into problems); this module then
builds the survey from the parts, with :mod:`~gapscan.schema_scales`,
:mod:`~gapscan.schema_questions`, :mod:`~gapscan.schema_rules`,
:mod:`~gapscan.schema_sides`, :mod:`~gapscan.schema_nps` and
:mod:`~gapscan.schema_weighting` building theirs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gapscan.errors import GapscanError, ProblemCollector
from gapscan.schema_errors import validate
from gapscan.schema_models import (
    AnalysisModel,
    DesignModel,
    FilterModel,
    QuestionModel,
    RuleModel,
    ScaleModel,
    SchemaModel,
    SidesModel,
    StrictModel,
)
from gapscan.schema_questions import build_questions
from gapscan.schema_rules import build_rules
from gapscan.schema_scales import build_scale
from gapscan.schema_sides import build_filters, build_sides
from gapscan.schema_weighting import build_weighting
from gapscan.schema_yaml import AddProblem, Loc, line_of, read_yaml
from gapscan.survey import (
    AnalysisSettings,
    Combine,
    Correction,
    Mode,
    PairBy,
    Sides,
    Survey,
    SurveyDesign,
)
from gapscan.weighting import WeightingSpec
from gapscan.weighting_summary import METHOD_NAMES

_PARTS: dict[str, type[StrictModel]] = {
    "sides": SidesModel,
    "scales": ScaleModel,
    "questions": QuestionModel,
    "analysis": AnalysisModel,
    "rules": RuleModel,
    "filters": FilterModel,
}


def load_schema(path: str | Path) -> Survey:
    """Load a survey schema, reporting every problem at once (``GapscanError``)."""
    path = Path(path)
    data, lines = read_yaml(path)
    return build_schema(data, lines, path)


def build_schema(data: Any, lines: dict[Loc, int], path: Path) -> Survey:
    """A survey from parsed YAML (or a dict: ``lines`` then empty), every problem at
    once; ``path`` names it in messages (``<schema>`` for a schema given as text)."""
    file = str(path)
    out = ProblemCollector()
    if not isinstance(data, dict):
        raise GapscanError.single(
            "a schema is a YAML mapping (survey:, scales:, questions:, ...)", file=file, line=1
        )
    top = validate(SchemaModel, data, (), lines, file, out)
    parts = _Parts(data, lines, file, out)
    survey = _build(top, parts, path, lines, out)
    out.raise_if_any()
    assert survey is not None
    return survey


class _Parts:
    """Each part of the schema validated on its own (None where it is invalid)."""

    def __init__(
        self, data: dict[str, Any], lines: dict[Loc, int], file: str, out: ProblemCollector
    ):
        def one(key: str, value: Any, loc: Loc) -> Any:
            return validate(_PARTS[key], value, loc, lines, file, out)

        raw_scales = data.get("scales")
        self.scales: dict[str, ScaleModel | None] = {}
        if isinstance(raw_scales, dict):
            for name, spec in raw_scales.items():
                self.scales[str(name)] = one("scales", spec, ("scales", str(name)))
        raw_questions = data.get("questions")
        self.questions: list[QuestionModel | None] = []
        if isinstance(raw_questions, list):
            self.questions = [
                one("questions", q, ("questions", i)) for i, q in enumerate(raw_questions)
            ]
        raw_rules = data.get("rules")
        self.rules: list[RuleModel | None] = []
        if isinstance(raw_rules, list):
            self.rules = [one("rules", r, ("rules", i)) for i, r in enumerate(raw_rules)]
        raw_filters = data.get("filters")
        self.filters: list[FilterModel | None] = []
        if isinstance(raw_filters, list):
            self.filters = [one("filters", f, ("filters", i)) for i, f in enumerate(raw_filters)]
        raw_sides = data.get("sides")
        self.sides: SidesModel | None = (
            one("sides", raw_sides, ("sides",)) if isinstance(raw_sides, dict) else None
        )
        raw_analysis = data.get("analysis")
        self.analysis: AnalysisModel | None = one(
            "analysis", raw_analysis if isinstance(raw_analysis, dict) else {}, ("analysis",)
        )


def _build(
    top: SchemaModel | None,
    parts: _Parts,
    path: Path,
    lines: dict[Loc, int],
    out: ProblemCollector,
) -> Survey | None:
    file = str(path)

    def add(message: str, loc: Loc, hint: str | None = None, code: str | None = None) -> None:
        out.add(message, file=file, line=line_of(lines, loc), hint=hint, code=code)

    scales = {
        name: build_scale(name, spec, add) if spec is not None else None
        for name, spec in parts.scales.items()
    }
    questions = build_questions(parts.questions, scales, lines, add)
    nps_ids = {q.id for q in questions if q.nps is not None}
    rules = build_rules(parts.rules, {q.id for q in questions}, lines, add, nps_ids)
    sides = build_sides(parts.sides, add)
    filters = build_filters(parts.filters, add, lambda loc: line_of(lines, loc))
    weighting = build_weighting(top.weighting if top is not None else None, add, lines)
    if top is not None:
        _check_segments(top.segments, sides, add)
    if top is not None and parts.analysis is not None:
        if parts.analysis.mode == "paired" and top.pair_by is None:
            add(
                "analysis.mode is paired but no 'pair_by' key is given",
                ("analysis", "mode"),
                "add pair_by: ACCOUNT_COLUMN",
            )
        if parts.analysis.mode == "paired" and (top.weight or top.design or top.weighting):
            add(
                "weights and designs apply to independent samples, not to paired analysis",
                ("weight",) if top.weight else ("design",) if top.design else ("weighting",),
                "remove 'weight:', 'design:' and 'weighting:', or use mode: independent",
            )
        if top.pairing is not None and top.pair_by is None:
            add("'pairing' needs 'pair_by'", ("pairing",), "add pair_by: ACCOUNT_COLUMN")
    if top is None or parts.analysis is None or out.problems:
        return None
    data_list = [top.data] if isinstance(top.data, str) else list(top.data or [])
    return Survey(
        name=top.survey,
        path=path,
        sides=sides,
        scales=tuple(s for s in scales.values() if s is not None),
        questions=tuple(questions),
        analysis=AnalysisSettings(
            confidence=parts.analysis.confidence,
            alpha=parts.analysis.alpha,
            correction=Correction(parts.analysis.correction),
            min_n=parts.analysis.min_n,
            mode=Mode(parts.analysis.mode),
        ),
        rules=tuple(rules),
        segments=tuple(top.segments),
        data=tuple(path.parent / d for d in data_list),
        respondent_id=top.respondent_id,
        pair_by=_build_pair_by(top),
        unfinished=top.unfinished,
        duplicate_ids=top.duplicate_ids,
        filters=tuple(filters),
        weighting=weighting,
        design=_build_design(top, weighting),
    )


def _build_design(top: SchemaModel, weighting: WeightingSpec | None) -> SurveyDesign | None:
    """The design; a schema with ``weighting:`` has one (its weights are made), with
    every respondent its own PSU when ``design:`` names no cluster."""
    spec = top.design or DesignModel()
    made = None
    if weighting is not None:
        variables = ", ".join(m.variable for m in weighting.margins)
        made = f"{METHOD_NAMES[weighting.method]} to {variables}"
    design = SurveyDesign(top.weight, spec.cluster, spec.strata, spec.fpc, made)
    return design if design.columns() or made else None


def _build_pair_by(top: SchemaModel) -> PairBy | None:
    if top.pair_by is None:
        return None
    combine = Combine(top.pairing.combine if top.pairing else "mean")
    if isinstance(top.pair_by, str):
        return PairBy(top.pair_by, top.pair_by, combine)
    return PairBy(top.pair_by.vendor, top.pair_by.customer, combine)


def _check_segments(segments: list[str], sides: Sides, add: AddProblem) -> None:
    """A segment listed twice would be analysed twice (and change every adjusted p)."""
    first: dict[str, int] = {}
    for i, column in enumerate(segments):
        loc: Loc = ("segments", i)
        if column in first:
            add(
                f"segment '{column}' is listed twice (first as segment {first[column] + 1})",
                loc,
                "list each segment once",
                "duplicate-segment",
            )
        first.setdefault(column, i)
        if column == sides.column:
            add(
                f"segment '{column}' is the sides column: each of its groups holds one side only",
                loc,
                "remove it from segments",
            )
