"""The schema's ``weighting:`` run on a survey's respondents, each side on its own.

``load_responses`` applies it (:func:`apply_weighting`): the made weights become the
design's weights, so analyze, trend and validate use the weights ``gapscan weights``
writes (:meth:`RespondentWeights.of`), made by the one function :func:`weigh`; and
the design keeps the weighting cells (:func:`calibration_of`), whose residuals every
variance takes, as R's ``svyrecvar`` takes a raked or post-stratified design's."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from gapscan.errors import GapscanError, ProblemCollector
from gapscan.stats.calibration import Calibration, calibration
from gapscan.survey import SIDE_NAMES, Survey
from gapscan.text import csv_cell
from gapscan.weighting import (
    MAX_ITERATIONS,
    MadeWeights,
    NotConverged,
    WeightingSpec,
    check_margins,
    make_weights,
)
from gapscan.weighting_summary import WeightingSummary

if TYPE_CHECKING:
    from gapscan.responses import Responses

COLUMNS = ("respondent_id", "side", "weight")


@dataclass(frozen=True)
class RespondentWeights:
    """One weight per respondent (1 on a side not weighted), each respondent named by
    its id, or by its data line when there is none; and how each weighted side's
    weights were reached."""

    ids: tuple[str, ...]
    side: np.ndarray
    weights: np.ndarray
    summary: WeightingSummary

    @classmethod
    def of(cls, responses: Responses) -> RespondentWeights:
        """The weights ``load_responses`` made (loaded with ``origins=True``)."""
        if responses.design is None or responses.weighting is None:
            raise ValueError("the responses were loaded without a weighting")
        weights = responses.design.weight
        return cls(_ids(responses), responses.side, weights, responses.weighting)

    def to_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS)
        for rid, side, weight in zip(self.ids, self.side, self.weights, strict=True):
            writer.writerow([csv_cell(rid), SIDE_NAMES[int(side)], repr(float(weight))])
        return out.getvalue()

    def summary_lines(self) -> list[str]:
        """A line per weighted side: iterations, largest margin error, efficiency."""
        return [side.describe() for side in self.summary.sides]


def weighting_columns(survey: Survey) -> tuple[str, ...]:
    """The columns the weighting reads, to load as segments (none without one)."""
    spec = survey.weighting
    return () if spec is None else tuple(m.variable for m in spec.margins)


def apply_weighting(survey: Survey, responses: Responses, segments: Sequence[str]) -> Responses:
    """The responses with the made weights as their design's weights and what the
    weighting did (``Responses.weighting``); ``responses`` loaded with the weighting's
    columns as segments, of which only ``segments`` (those asked for) are kept."""
    weights, made = weigh(survey, responses)
    assert responses.design is not None and survey.design is not None
    summary = WeightingSummary.of(require_weighting(survey), survey.design.weight, made)
    kept = tuple(s for s in responses.segments if s.column in segments)
    design = replace(
        responses.design,
        weight=weights,
        calibration=calibration_of(require_weighting(survey), responses, weights, made),
    )
    return replace(responses, design=design, weighting=summary, segments=kept)


def weigh(
    survey: Survey, responses: Responses
) -> tuple[np.ndarray, tuple[tuple[int, MadeWeights], ...]]:
    """Each side the weighting names, raked or post-stratified to its targets from the
    design's weights (``weight:``, or 1; ``responses`` loaded with the weighting's
    columns as segments); the other side keeps the design's weights. Returns every
    respondent's weight and how each weighted side's were made."""
    spec = require_weighting(survey)
    file = str(survey.path)
    out = ProblemCollector()
    design = responses.design
    weights = np.ones(responses.side.size) if design is None else design.weight.copy()
    made: list[tuple[int, MadeWeights]] = []
    segments = {s.column: s for s in responses.segments}
    for side in spec.sides:
        rows = (responses.side == side) & (weights > 0)  # 0: answered nothing (weight:)
        name = SIDE_NAMES[side]
        if not rows.any():
            out.add(
                f"weighting: no respondents on the {name} side to weight",
                file=file,
                line=spec.line,
                hint="give data for that side, or list the sides to weight (sides: [...])",
                code="unreachable-target",
            )
            continue
        columns = [segments[m.variable] for m in spec.margins]
        codes = [c.codes[rows].astype(np.int64) for c in columns]
        labels = [list(c.labels) for c in columns]
        result = _one_side(spec, codes, labels, weights[rows], name, file, out)
        if result is not None:
            weights[rows] = result.weights
            made.append((side, result))
    out.raise_if_any()
    return weights, tuple(made)


def _one_side(
    spec: WeightingSpec,
    codes: list[np.ndarray],
    labels: list[list[str]],
    base: np.ndarray,
    name: str,
    file: str,
    out: ProblemCollector,
) -> MadeWeights | None:
    problems = check_margins(spec.margins, codes, labels)
    for problem in problems:
        margin = spec.margins[problem.margin]
        out.add(
            f"weighting the {name} side: {problem.message}",
            file=file,
            line=margin.line,
            hint=problem.hint,
            code="unreachable-target",
        )
    if problems:
        return None
    try:
        return make_weights(spec, codes, labels, base)
    except NotConverged as exc:
        margin = spec.margins[exc.margin]
        out.add(
            f"weighting the {name} side: raking did not converge in {MAX_ITERATIONS} "
            f"iterations: {margin.variable} is still {exc.error:.2g} (relative) off its "
            "targets",
            file=file,
            line=margin.line,
            hint="the margins contradict each other in this data: check the targets, "
            "or rake on fewer variables",
            code="weighting-not-converged",
        )
    except ValueError as exc:  # trimming with no room left
        out.add(
            f"weighting the {name} side: {exc}",
            file=file,
            line=spec.line,
            hint="widen weighting.trim",
            code="unreachable-target",
        )
    return None


def calibration_of(
    spec: WeightingSpec,
    responses: Responses,
    weights: np.ndarray,
    made: Sequence[tuple[int, MadeWeights]],
) -> Calibration | None:
    """The weighting cells of the made weights: on each weighted side, the
    respondents' combination of the margins' target levels (side x level for a
    post-stratification), with the weights before trimming, for the variances; None
    when no side was weighted."""
    assert responses.design is not None
    cell = np.full(responses.side.size, -1, dtype=np.int64)
    untrimmed = weights.copy()
    sizes = [len(m.levels) for m in spec.margins]
    offsets = np.cumsum([0, *[2 * size for size in sizes]])[:-1]
    rows, codes = [], []
    for side, result in made:
        mine = np.flatnonzero((responses.side == side) & (weights > 0))  # as weigh() does
        assert result.untrimmed is not None
        untrimmed[mine] = result.untrimmed
        rows.append(mine)
        per_margin = zip(offsets, sizes, result.indices, strict=True)
        codes.append(np.stack([o + side * k + i for o, k, i in per_margin], axis=1))
    if not rows:
        return None
    levels, inverse = _distinct_rows(np.concatenate(codes), int(offsets[-1] + 2 * sizes[-1]))
    cell[np.concatenate(rows)] = inverse
    design = responses.design
    psus = design.design.psus
    stratum = None
    if design.spec.cluster is None:  # every respondent a PSU: the sums per stratum too
        stratum = (design.respondent_stratum, int(design.design.layout.codes.shape[0]))
    return calibration(spec.method, design.psu, psus, cell, levels, untrimmed, weights, stratum)


def _distinct_rows(codes: np.ndarray, radix: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of ``codes`` (n, M), codes below ``radix``, in sorted order,
    and each row's index among them: what ``np.unique(codes, axis=0,
    return_inverse=True)`` gives, by one sort of each row packed into an integer (the
    first column the most significant) when they fit in 62 bits."""
    m = codes.shape[1]
    if radix**m >= 1 << 62:
        joint, inverse = np.unique(codes, axis=0, return_inverse=True)
        return joint.astype(np.int64), inverse.reshape(-1)
    places = radix ** np.arange(m - 1, -1, -1, dtype=np.int64)
    packed, inverse = np.unique(codes.astype(np.int64) @ places, return_inverse=True)
    return (packed[:, None] // places[None, :]) % radix, inverse.reshape(-1)


def _ids(responses: Responses) -> tuple[str, ...]:
    origins = responses.origins
    if origins is None:
        raise ValueError("weigh() needs responses loaded with origins=True")
    if origins.ids is not None:
        return origins.ids
    if len(responses.inputs) == 1:
        return tuple(str(line) for line in origins.line.tolist())
    names = [Path(i.path).name for i in responses.inputs]
    return tuple(
        f"{names[f]}:{line}"
        for f, line in zip(origins.file.tolist(), origins.line.tolist(), strict=True)
    )


def require_weighting(survey: Survey) -> WeightingSpec:
    if survey.weighting is None:
        raise GapscanError.single(
            "the schema has no 'weighting:' to make weights with",
            file=str(survey.path),
            hint="add weighting: {rake: {VAR: {level: share, ...}}} (see the README)",
        )
    return survey.weighting
