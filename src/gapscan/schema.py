"""Load and validate a survey schema (YAML) into a :class:`~gapscan.survey.Survey`.

Every problem is collected and reported at once, each with its YAML line.
"""

from __future__ import annotations

import difflib
import math
import types
import typing
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from gapscan.errors import GapscanError, ProblemCollector
from gapscan.schema_nps import NpsModel, check_nps_rule, check_nps_scale, nps_spec
from gapscan.schema_numeric import numeric_scale
from gapscan.schema_sides import build_filters, build_sides
from gapscan.schema_weighting import WeightingModel, build_weighting
from gapscan.schema_yaml import MAX_SCHEMA_BYTES as MAX_SCHEMA_BYTES
from gapscan.schema_yaml import MAX_SCHEMA_NODES as MAX_SCHEMA_NODES
from gapscan.schema_yaml import Loc, line_of, read_yaml
from gapscan.survey import (
    AnalysisSettings,
    Combine,
    Correction,
    Metric,
    Mode,
    NpsSpec,
    PairBy,
    Question,
    Rule,
    Scale,
    Sides,
    Survey,
    SurveyDesign,
    fold,
)
from gapscan.weighting import WeightingSpec
from gapscan.weighting_summary import METHOD_NAMES

_M = typing.TypeVar("_M", bound=BaseModel)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class SideLabelsModel(_Model):
    vendor: str = "Vendor"
    customer: str = "Customer"


class SidesModel(_Model):
    column: str | None = None
    vendor: list[str] = Field(default_factory=list)
    customer: list[str] = Field(default_factory=list)
    ignore: list[str | int] = Field(default_factory=list)  # side values of neither side
    labels: SideLabelsModel | None = None  # the sides' names in human output


class FilterModel(_Model):
    column: str
    keep: list[str | int] | None = None
    drop: list[str | int] | None = None


class ScaleModel(_Model):
    levels: Annotated[list[str | int], Field(min_length=2)]
    top_box: list[str | int] | int
    missing: list[str | int] = Field(default_factory=list)
    scores: list[int | float] | None = None  # a number per level (default: see Scale)
    nps: bool | NpsModel | None = None  # every question on this scale is an NPS


class SideColumnsModel(_Model):
    vendor: str
    customer: str


class NumericTopBoxModel(_Model):
    min: int | float | None = None
    max: int | float | None = None


class QuestionModel(_Model):
    id: str
    text: str | None = None
    scale: str | None = None  # required unless type: numeric
    type: Literal["numeric"] | None = None  # numbers (sliders, 0–100), instead of a scale
    range: Annotated[list[int | float], Field(min_length=2, max_length=2)] | None = None
    top_box: NumericTopBoxModel | None = None  # a numeric question's favourable values
    missing: list[str | int] | None = None  # a numeric question's texts meaning no answer
    column: str | None = None  # a column's name, Qualtrics ImportId or question text
    import_id: str | None = None  # a Qualtrics ImportId (QID12, QID4_1)
    columns: SideColumnsModel | None = None
    metric: Literal["nps"] | None = None  # also report the Net Promoter Score
    nps: NpsModel | None = None  # NPS thresholds (implies metric: nps)


class AnalysisModel(_Model):
    confidence: Annotated[float, Field(gt=0, lt=1)] = 0.95
    alpha: Annotated[float, Field(gt=0, lt=1)] = 0.05
    correction: Literal["holm", "bh", "bonferroni", "none"] = "holm"
    min_n: Annotated[int, Field(ge=1)] = 10
    mode: Literal["independent", "paired"] = "independent"


class RuleModel(_Model):
    name: str | None = None
    metric: Literal["top_box_gap", "mean_gap", "gap_change", "nps_gap"]
    of: Literal["top_box", "nps"] = "top_box"  # gap_change: of the top-box or the NPS gap
    max: float | None = None
    min: float | None = None
    significant_only: bool = False
    questions: list[str] | None = None
    include_segments: bool = False


class PairingModel(_Model):
    combine: Literal["mean", "median"] = "mean"


class DesignModel(_Model):
    cluster: str | None = None
    strata: str | None = None
    fpc: str | None = None


class SchemaModel(_Model):
    """The top level. Its parts are validated one by one, so that one bad scale does
    not hide the problems of another."""

    survey: str
    data: list[str] | str | None = None
    sides: dict[str, Any] | None = None
    respondent_id: str | None = None
    pair_by: str | SideColumnsModel | None = None
    pairing: PairingModel | None = None
    weight: str | None = None
    weighting: WeightingModel | None = None  # weights made by raking or post-stratifying
    design: DesignModel | None = None
    unfinished: Literal["keep", "drop"] = "keep"
    duplicate_ids: Literal["error", "keep-first", "keep-last"] = "error"
    segments: list[str] = Field(default_factory=list)
    filters: list[Any] = Field(default_factory=list)
    scales: dict[str, Any] = Field(default_factory=dict)  # may be empty: numeric questions only
    questions: Annotated[list[Any], Field(min_length=1)]
    analysis: dict[str, Any] | None = None
    rules: list[Any] = Field(default_factory=list)


_PARTS: dict[str, type[_Model]] = {
    "sides": SidesModel,
    "scales": ScaleModel,
    "questions": QuestionModel,
    "analysis": AnalysisModel,
    "rules": RuleModel,
    "filters": FilterModel,
}


# ------------------------------------------------------------------ pydantic errors


def _model_at(root: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    """The pydantic model that validates the mapping at ``loc`` (for key suggestions)."""
    current: Any = root
    for part in loc:
        current = _unwrap(current)
        origin = typing.get_origin(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            if not isinstance(part, str) or part not in current.model_fields:
                return None
            current = current.model_fields[part].annotation
        elif origin is list and isinstance(part, int):
            current = typing.get_args(current)[0]
        elif origin is dict and isinstance(part, str):
            current = typing.get_args(current)[1]
        else:
            return None
    current = _unwrap(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(annotation: Any) -> Any:
    """Strip Annotated[...] and Optional/Union down to a model or container type."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            inner = [a for a in typing.get_args(annotation) if _is_container_or_model(a)]
            if not inner:
                return annotation
            annotation = inner[0]
        else:
            return annotation


def _is_container_or_model(annotation: Any) -> bool:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True
    return typing.get_origin(annotation) in (list, dict)


def _validate(
    model: type[_M], data: Any, prefix: Loc, lines: dict[Loc, int], file: str, out: ProblemCollector
) -> _M | None:
    """Validate one part of the schema; on failure record its problems and return None."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        _pydantic_problems(exc, model, prefix, lines, file, out)
        return None


def _pydantic_problems(
    exc: ValidationError,
    root: type[BaseModel],
    prefix: Loc,
    lines: dict[Loc, int],
    file: str,
    out: ProblemCollector,
) -> None:
    for err in exc.errors():
        inner: Loc = tuple(p for p in err["loc"] if not _is_union_tag(p))
        loc = (*prefix, *inner)
        where = _dotted(loc[:-1]) if len(loc) > 1 else "the top level"
        kind = err["type"]
        line = line_of(lines, loc)
        if kind == "extra_forbidden":
            key = str(loc[-1])
            model = _model_at(root, inner[:-1])
            allowed = sorted(model.model_fields) if model else []
            close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'?" if close else None
            if hint is None and allowed:
                hint = "allowed keys: " + ", ".join(allowed)
            out.add(f"unknown key '{key}' in {where}", file=file, line=line, hint=hint)
        elif kind == "missing":
            out.add(
                f"missing required field '{loc[-1]}' in {where}",
                file=file,
                line=line_of(lines, loc[:-1]),
            )
        else:
            got = err.get("input")
            shown = f" (got {got!r})" if isinstance(got, str | int | float | bool) else ""
            hint = _fraction_hint(got) if loc[-2:] in _FRACTIONS else None
            out.add(
                f"{_dotted(loc)}: {err['msg'].lower()}{shown}",
                file=file,
                line=line,
                hint=hint,
                code="percent-for-fraction" if hint else None,
            )


_FRACTIONS = {("analysis", "confidence"), ("analysis", "alpha")}


def _fraction_hint(value: object) -> str | None:
    """'did you mean 0.95?' for a percentage given where a fraction is meant."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not 1 < abs(value) <= 100:
        return None
    fraction = value / 100
    shown = f"{fraction:.2f}"
    if float(shown) != fraction:
        shown = f"{fraction:.6g}"
    return f"did you mean {shown}?"


def _is_union_tag(part: str | int) -> bool:
    return isinstance(part, str) and (
        part in {"str", "int", "float", "bool", "list[str]", "list[str | int]"}
        or part.endswith("Model")
        or part.startswith(("list[", "dict["))
    )


def _dotted(loc: Loc) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "the top level"


# ------------------------------------------------------------------------ Survey


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
    top = _validate(SchemaModel, data, (), lines, file, out)
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
            return _validate(_PARTS[key], value, loc, lines, file, out)

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
        name: _build_scale(name, spec, add) if spec is not None else None
        for name, spec in parts.scales.items()
    }
    questions = _build_questions(parts.questions, scales, lines, add)
    nps_ids = {q.id for q in questions if q.nps is not None}
    rules = _build_rules(parts.rules, {q.id for q in questions}, lines, add, nps_ids)
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


class AddProblem(typing.Protocol):
    def __call__(
        self, message: str, loc: Loc, hint: str | None = None, code: str | None = None
    ) -> None: ...


def _build_scale(name: str, spec: ScaleModel, add: AddProblem) -> Scale | None:
    loc: Loc = ("scales", name)
    levels = tuple(str(level).strip() for level in spec.levels)
    folded = [fold(level) for level in levels]
    ok = True
    for i, level in enumerate(folded):
        if not level:
            add(f"scale '{name}': level {i + 1} is blank", (*loc, "levels", i), None)
            ok = False
        elif folded.index(level) != i:
            add(f"scale '{name}': level '{levels[i]}' is listed twice", (*loc, "levels", i), None)
            ok = False
    missing = tuple(str(m).strip() for m in spec.missing)
    for i, m in enumerate(missing):
        if fold(m) in folded:
            add(
                f"scale '{name}': '{m}' is both a level and a missing answer",
                (*loc, "missing", i),
                "remove it from one of the two lists",
            )
            ok = False
    top = _top_box(name, spec.top_box, levels, folded, loc, add)
    scores = _scores(name, spec.scores, len(levels), loc, add)
    nps = nps_spec(f"scale '{name}'", spec.nps, loc, add)
    if top is None or scores is None or nps is False or not ok:
        return None
    scale = Scale(name=name, levels=levels, top_box=top, missing=missing, scores=scores)
    if isinstance(nps, NpsSpec):
        if not check_nps_scale(f"scale '{name}'", name, scale.scores, (*loc, "nps"), add):
            return None
        scale = replace(scale, nps=nps)
    return scale


def _scores(
    name: str, spec: list[int | float] | None, k: int, loc: Loc, add: AddProblem
) -> tuple[float, ...] | None:
    """The schema's ``scores:``, one finite number per level (empty: the default)."""
    if spec is None:
        return ()
    if len(spec) != k:
        add(
            f"scale '{name}': {len(spec)} scores for {k} levels",
            (*loc, "scores"),
            "give one score per level, in the order of the levels",
        )
        return None
    scores = tuple(float(x) for x in spec)
    for i, x in enumerate(scores):
        if not math.isfinite(x):
            add(f"scale '{name}': score {spec[i]} is not a finite number", (*loc, "scores", i))
            return None
    return scores


def _top_box(
    name: str,
    spec: list[str | int] | int,
    levels: tuple[str, ...],
    folded: list[str],
    loc: Loc,
    add: AddProblem,
) -> frozenset[int] | None:
    k = len(levels)
    if isinstance(spec, int):
        if not 1 <= spec < k:
            add(
                f"scale '{name}': top_box {spec} is out of range for {k} levels",
                (*loc, "top_box"),
                f"give a count from 1 to {k - 1}, or the favourable labels",
            )
            return None
        return frozenset(range(k - spec, k))
    codes: set[int] = set()
    for i, label in enumerate(spec):
        key = fold(str(label))
        if key not in folded:
            close = difflib.get_close_matches(str(label), levels, n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'?" if close else "top-box labels must be levels"
            add(
                f"scale '{name}': top_box label '{label}' is not one of its levels",
                (*loc, "top_box", i),
                hint,
            )
            return None
        codes.add(folded.index(key))
    if not codes or len(codes) == k:
        add(
            f"scale '{name}': top_box must name some but not all of its {k} levels",
            (*loc, "top_box"),
            None,
        )
        return None
    return frozenset(codes)


def _build_questions(
    specs: list[QuestionModel | None],
    scales: dict[str, Scale | None],
    lines: dict[Loc, int],
    add: AddProblem,
) -> list[Question]:
    questions: list[Question] = []
    seen: dict[str, int] = {}
    for i, spec in enumerate(specs):
        loc: Loc = ("questions", i)
        if spec is None:
            continue
        if spec.id in seen:
            first = line_of(lines, ("questions", seen[spec.id], "id"))
            add(
                f"question id '{spec.id}' is used twice (first at line {first}, "
                f"question {seen[spec.id] + 1})",
                (*loc, "id"),
                "give each question its own id",
            )
        seen.setdefault(spec.id, i)
        numeric = numeric_scale(spec, loc, add)
        if numeric is False:
            continue
        if numeric is None and spec.scale not in scales:
            if spec.scale is None:
                add(
                    f"question '{spec.id}' needs a 'scale' (or 'type: numeric')",
                    loc,
                    "name one of the scales, or write type: numeric for numbers",
                )
                continue
            close = difflib.get_close_matches(spec.scale, list(scales), n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'?" if close else "known scales: " + ", ".join(scales)
            add(f"question '{spec.id}' uses unknown scale '{spec.scale}'", (*loc, "scale"), hint)
            continue
        single = spec.column if spec.column is not None else spec.import_id
        given = [spec.column, spec.import_id, spec.columns]
        if sum(x is not None for x in given) != 1:
            add(
                f"question '{spec.id}' needs exactly one of 'column', 'import_id' or 'columns'",
                loc,
                "use column: NAME, import_id: QID12, or columns: {vendor: NAME, customer: NAME}",
            )
            continue
        scale = numeric if numeric is not None else scales[spec.scale or ""]
        if scale is None:
            continue
        vendor = single if spec.columns is None else spec.columns.vendor
        customer = single if spec.columns is None else spec.columns.customer
        assert vendor is not None and customer is not None
        nps = _question_nps(spec, scale, loc, add)
        if nps is False:
            continue
        question = Question(spec.id, spec.text or spec.id, scale, vendor, customer)
        questions.append(replace(question, nps=nps))
    return questions


def _question_nps(
    spec: QuestionModel, scale: Scale, loc: Loc, add: AddProblem
) -> NpsSpec | Literal[False] | None:
    """The question's NPS thresholds: its own ``nps:``, else (with ``metric: nps``)
    its scale's or the defaults, else its scale's ``nps:``; False when invalid."""
    owner = f"question '{spec.id}'"
    given = nps_spec(owner, spec.nps, loc, add)
    if given is False:
        return False
    if given is None and spec.metric is None:
        return scale.nps
    where = (*loc, "nps") if spec.nps is not None else (*loc, "metric")
    if not check_nps_scale(owner, scale.name, scale.scores, where, add):
        return False
    return given if isinstance(given, NpsSpec) else (scale.nps or NpsSpec())


def _build_rules(
    specs: list[RuleModel | None],
    question_ids: set[str],
    lines: dict[Loc, int],
    add: AddProblem,
    nps_ids: set[str] | None = None,
) -> list[Rule]:
    rules: list[Rule] = []
    for i, spec in enumerate(specs):
        loc: Loc = ("rules", i)
        if spec is None:
            continue
        if spec.max is None and spec.min is None:
            add(f"rule {i + 1} needs 'max' or 'min'", loc, "e.g. max: 0.30 for 30 points")
            continue
        if any(v is not None and not math.isfinite(v) for v in (spec.max, spec.min)):
            add(f"rule {i + 1}: its limit must be a finite number", loc, "e.g. max: 0.30")
            continue
        if not _limits_in_range(spec, loc, add, i):
            continue
        if not check_nps_rule(i, spec.metric, spec.of, spec.questions, nps_ids or set(), loc, add):
            continue
        for j, qid in enumerate(spec.questions or []):
            if qid not in question_ids:
                close = difflib.get_close_matches(qid, sorted(question_ids), n=1, cutoff=0.6)
                known = "known questions: " + ", ".join(sorted(question_ids))
                add(
                    f"rule {i + 1} names unknown question '{qid}'",
                    (*loc, "questions", j),
                    f"did you mean '{close[0]}'?" if close else known,
                )
        metric = Metric(spec.metric)
        name = spec.name or f"{metric.value} within bounds"
        rules.append(
            Rule(
                name=name,
                metric=metric,
                max=spec.max,
                min=spec.min,
                significant_only=spec.significant_only,
                questions=tuple(spec.questions) if spec.questions is not None else None,
                include_segments=spec.include_segments,
                line=line_of(lines, loc),
                of=spec.of,
            )
        )
    return rules


_FRACTION_RANGE = {Metric.TOP_BOX_GAP: 1.0, Metric.GAP_CHANGE: 2.0, Metric.NPS_GAP: 2.0}


def _limits_in_range(spec: RuleModel, loc: Loc, add: AddProblem, index: int) -> bool:
    """A top-box gap is a fraction in [-1, 1] (a change of gap in [-2, 2]): a limit
    beyond that was most likely given in percentage points."""
    metric = Metric(spec.metric)
    bound = _FRACTION_RANGE.get(metric)
    if bound is not None and spec.of == "nps":
        bound *= 2  # an NPS gap lies in [-2, 2], its change in [-4, 4]
    ok = True
    for key, value in (("max", spec.max), ("min", spec.min)):
        if bound is None or value is None or abs(value) <= bound:
            continue
        add(
            f"rule {index + 1}: {key} {value:g} is outside [{-bound:g}, {bound:g}]: "
            f"{metric.value} is a fraction, not percentage points",
            (*loc, key),
            _fraction_hint(value) or f"give a fraction, e.g. {key}: 0.30",
            code="percent-for-fraction",
        )
        ok = False
    return ok


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
