"""Weights made for you: raking, post-stratification and trimming, pure on numpy.

Every function takes each respondent's level code per weighting variable (an index
into that variable's levels, as :class:`gapscan.responses.Segment` holds them) and
returns weights; nothing here reads files or knows about sides. The schema's
``weighting:`` is :class:`WeightingSpec`; :func:`make_weights` runs it on one side.

References: Deming & Stephan (1940) for iterative proportional fitting; R's
``survey::rake``, ``survey::postStratify`` and ``survey::trimWeights`` (Lumley 2010,
*Complex Surveys*, ch. 7), which these functions are held to in the tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from gapscan.survey import fold

TOLERANCE = 1e-6  # relative, per margin level
MAX_ITERATIONS = 100
RAKE = "rake"
POST_STRATIFY = "post_stratify"


@dataclass(frozen=True)
class Margin:
    """The target of one variable: a share (summing to 1) or a population count per
    level; ``line`` is where the schema gives it."""

    variable: str
    levels: tuple[str, ...]
    targets: tuple[float, ...]
    line: int | None = None

    @property
    def total(self) -> float:
        return float(sum(self.targets))

    @property
    def shares(self) -> np.ndarray:
        values = np.asarray(self.targets, dtype=float)
        shares: np.ndarray = values / values.sum()
        return shares


@dataclass(frozen=True)
class WeightingSpec:
    """The schema's ``weighting:``: how, to which margins, trimmed how, which sides."""

    method: str  # RAKE | POST_STRATIFY
    margins: tuple[Margin, ...]
    lower: float | None = None  # trimming bounds, relative to the side's mean weight
    upper: float | None = None
    sides: tuple[int, ...] = (0, 1)
    line: int | None = None  # where the schema gives it


@dataclass(frozen=True)
class MadeWeights:
    """One side's weights (mean 1) and how they were reached."""

    weights: np.ndarray
    iterations: int
    margin_error: float  # the largest relative margin error of the weights returned
    trimmed: int  # respondents whose weight was set to a trimming bound
    efficiency: float  # Kish: n_eff / n = (sum w)^2 / (n sum w^2)
    untrimmed: np.ndarray | None = None  # the raked or post-stratified weights (mean 1)
    indices: tuple[np.ndarray, ...] = ()  # each respondent's target level, per margin


@dataclass(frozen=True)
class MarginProblem:
    """Why a margin cannot be met; ``margin`` indexes the spec's margins."""

    margin: int
    message: str
    hint: str


class NotConverged(Exception):
    """Raking stopped after ``MAX_ITERATIONS`` with a margin still off its target."""

    def __init__(self, margin: int, error: float, iterations: int) -> None:
        self.margin = margin
        self.error = error
        self.iterations = iterations
        super().__init__(f"margin {margin} still off by {error:.3g} after {iterations}")


def efficiency(weights: np.ndarray) -> float:
    """Kish's weighting efficiency: n_eff / n, with n_eff = (sum w)^2 / sum w^2."""
    w = np.asarray(weights, dtype=float)
    return float(w.sum() ** 2 / (w.size * np.square(w).sum()))


def align(margin: Margin, labels: Sequence[str]) -> np.ndarray:
    """For each data label, the index of its target level (-1: none), matched as
    answers are (trimmed, case-folded)."""
    position = {fold(level): i for i, level in enumerate(margin.levels)}
    return np.asarray([position.get(fold(label), -1) for label in labels], dtype=np.int64)


def check_margins(
    margins: Sequence[Margin], codes: Sequence[np.ndarray], labels: Sequence[Sequence[str]]
) -> list[MarginProblem]:
    """Every reason the margins cannot be met by these respondents: a data level without
    a target, a target level nobody in the data has, margins of different totals."""
    problems: list[MarginProblem] = []
    for i, (margin, var_codes, var_labels) in enumerate(zip(margins, codes, labels, strict=True)):
        index = align(margin, var_labels)
        present = np.bincount(var_codes, minlength=len(var_labels)) > 0
        orphans = [var_labels[int(j)] for j in np.flatnonzero(present & (index < 0))]
        if orphans:
            shown = ", ".join(repr(o) if o else "(blank)" for o in orphans)
            problems.append(
                MarginProblem(
                    i,
                    f"{margin.variable}: {shown} in the data has no target",
                    f"add a target for each value of {margin.variable}, or filter those rows",
                )
            )
        reached = np.zeros(len(margin.levels), dtype=bool)
        reached[index[present & (index >= 0)]] = True
        absent = [margin.levels[j] for j in np.flatnonzero(~reached)]
        if absent:
            problems.append(
                MarginProblem(
                    i,
                    f"{margin.variable}: target level(s) {', '.join(map(repr, absent))} "
                    "held by no respondent: the target cannot be reached",
                    "remove the level or check its spelling against the data",
                )
            )
    problems += check_totals(margins)
    return problems


def check_totals(margins: Sequence[Margin]) -> list[MarginProblem]:
    """Margins of one population sum to one total (1 for shares)."""
    if not margins:
        return []
    first = margins[0].total
    return [
        MarginProblem(
            i,
            f"the targets of {m.variable} sum to {m.total:g}, those of "
            f"{margins[0].variable} to {first:g}: margins of one population sum to one total",
            "give every margin as shares summing to 1, or all as counts of one population",
        )
        for i, m in enumerate(margins[1:], start=1)
        if abs(m.total - first) > TOLERANCE * max(abs(first), 1.0)
    ]


def margin_errors(
    weights: np.ndarray, margins: Sequence[Margin], indices: Sequence[np.ndarray]
) -> np.ndarray:
    """Per margin, the largest relative error of a level's weighted share against its
    target share."""
    total = float(weights.sum())
    errors = []
    for margin, index in zip(margins, indices, strict=True):
        achieved = np.bincount(index, weights=weights, minlength=len(margin.levels)) / total
        errors.append(float(np.max(np.abs(achieved / margin.shares - 1.0))))
    return np.asarray(errors)


def rake(
    base: np.ndarray, margins: Sequence[Margin], indices: Sequence[np.ndarray]
) -> tuple[np.ndarray, int]:
    """Iterative proportional fitting of ``base`` to the margins' shares: each pass
    scales every respondent's weight by target / achieved of its level, margin after
    margin, until every level of every margin is within ``TOLERANCE`` (relative) of its
    target. ``indices[k][i]`` is respondent i's level of margin k. The weights sum to
    the targets' total (1 for shares, the population for counts), as R's ``rake``.
    Returns the weights and the passes made; raises :class:`NotConverged`."""
    w = np.asarray(base, dtype=float).copy()
    for iteration in range(1, MAX_ITERATIONS + 1):
        for margin, index in zip(margins, indices, strict=True):
            achieved = np.bincount(index, weights=w, minlength=len(margin.levels))
            w *= (np.asarray(margin.targets) / achieved)[index]
        errors = margin_errors(w, margins, indices)
        if errors.max() <= TOLERANCE:
            return w, iteration
    worst = int(np.argmax(errors))
    raise NotConverged(worst, float(errors[worst]), MAX_ITERATIONS)


def post_stratify(base: np.ndarray, margin: Margin, index: np.ndarray) -> np.ndarray:
    """Each post-stratum's weights scaled to sum to its target (a share or a count):
    ``survey::postStratify`` on one variable."""
    w = np.asarray(base, dtype=float)
    achieved = np.bincount(index, weights=w, minlength=len(margin.levels))
    made: np.ndarray = w * (np.asarray(margin.targets) / achieved)[index]
    return made


def trim(weights: np.ndarray, lower: float, upper: float) -> tuple[np.ndarray, np.ndarray]:
    """Weights outside [lower, upper] set to the bound, the amount trimmed divided
    equally among the respondents not trimmed, so that the total stays the same
    (``survey::trimWeights``); repeated while the division pushes an untrimmed weight
    past a bound (its ``strict = TRUE``), a trimmed weight staying at its bound.
    Returns the weights and which respondents were trimmed."""
    w = np.asarray(weights, dtype=float).copy()
    trimmed = np.zeros(w.shape, dtype=bool)
    slack = 1e-12 * max([abs(b) for b in (lower, upper) if np.isfinite(b)] + [1.0])
    while True:
        outside = ~trimmed & ((w < lower - slack) | (w > upper + slack))
        if not outside.any():
            return w, trimmed
        clipped = np.clip(w, lower, upper)
        amount = float((w - clipped)[outside].sum())
        trimmed |= outside
        free = ~trimmed
        if not free.any():
            raise ValueError("every weight was trimmed: the bounds leave no room")
        clipped[free] += amount / free.sum()
        w = clipped  # a weight trimmed before is at its bound already


def make_weights(
    spec: WeightingSpec,
    codes: Sequence[np.ndarray],
    labels: Sequence[Sequence[str]],
    base: np.ndarray | None = None,
) -> MadeWeights:
    """One side's weights: raked or post-stratified from ``base`` (default: every
    respondent 1), scaled to mean 1, then trimmed relative to that mean. The margins
    must have passed :func:`check_margins`."""
    indices = [align(m, lab)[c] for m, c, lab in zip(spec.margins, codes, labels, strict=True)]
    n = codes[0].size
    start = np.ones(n) if base is None else np.asarray(base, dtype=float)
    if spec.method == POST_STRATIFY:
        w, iterations = post_stratify(start, spec.margins[0], indices[0]), 1
    else:
        w, iterations = rake(start, spec.margins, indices)
    w = w / w.mean()
    untrimmed = w
    trimmed = np.zeros(n, dtype=bool)
    if spec.lower is not None or spec.upper is not None:
        lower = -np.inf if spec.lower is None else spec.lower
        upper = np.inf if spec.upper is None else spec.upper
        w, trimmed = trim(w, lower, upper)
    error = float(margin_errors(w, spec.margins, indices).max())
    return MadeWeights(
        w, iterations, error, int(trimmed.sum()), efficiency(w), untrimmed, tuple(indices)
    )
