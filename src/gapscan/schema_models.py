"""The schema's parts as pydantic models: the keys each mapping may have and the type
of each value. Strict (no coercion: ``"5"`` is not a number) and closed (an unknown key
is a problem). :mod:`gapscan.schema` validates each part on its own and builds the
:class:`~gapscan.survey.Survey` from them."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from gapscan.schema_nps import NpsModel
from gapscan.schema_weighting import WeightingModel


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class SideLabelsModel(StrictModel):
    vendor: str = "Vendor"
    customer: str = "Customer"


class SidesModel(StrictModel):
    column: str | None = None
    vendor: list[str] = Field(default_factory=list)
    customer: list[str] = Field(default_factory=list)
    ignore: list[str | int] = Field(default_factory=list)  # side values of neither side
    labels: SideLabelsModel | None = None  # the sides' names in human output


class FilterModel(StrictModel):
    column: str
    keep: list[str | int] | None = None
    drop: list[str | int] | None = None


class ScaleModel(StrictModel):
    levels: Annotated[list[str | int], Field(min_length=2)]
    top_box: list[str | int] | int
    missing: list[str | int] = Field(default_factory=list)
    scores: list[int | float] | None = None  # a number per level (default: see Scale)
    nps: bool | NpsModel | None = None  # every question on this scale is an NPS


class SideColumnsModel(StrictModel):
    vendor: str
    customer: str


class NumericTopBoxModel(StrictModel):
    min: int | float | None = None
    max: int | float | None = None


class QuestionModel(StrictModel):
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


class AnalysisModel(StrictModel):
    confidence: Annotated[float, Field(gt=0, lt=1)] = 0.95
    alpha: Annotated[float, Field(gt=0, lt=1)] = 0.05
    correction: Literal["holm", "bh", "bonferroni", "none"] = "holm"
    min_n: Annotated[int, Field(ge=1)] = 10
    mode: Literal["independent", "paired"] = "independent"


class RuleModel(StrictModel):
    name: str | None = None
    metric: Literal["top_box_gap", "mean_gap", "gap_change", "nps_gap"]
    of: Literal["top_box", "nps"] = "top_box"  # gap_change: of the top-box or the NPS gap
    max: float | None = None
    min: float | None = None
    significant_only: bool = False
    questions: list[str] | None = None
    include_segments: bool = False


class PairingModel(StrictModel):
    combine: Literal["mean", "median"] = "mean"


class DesignModel(StrictModel):
    cluster: str | None = None
    strata: str | None = None
    fpc: str | None = None


class SchemaModel(StrictModel):
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
