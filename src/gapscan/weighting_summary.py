"""What a run's ``weighting:`` did, for every output: the method, the targets, the
trimming bounds and, per side weighted, how the weights were reached."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gapscan.survey import SIDE_NAMES

if TYPE_CHECKING:
    from gapscan.weighting import MadeWeights, WeightingSpec

METHOD_NAMES = {"rake": "raking", "post_stratify": "post-stratification"}


@dataclass(frozen=True)
class SideWeighting:
    """One side's made weights: how many respondents, the passes made, the largest
    relative margin error left, Kish's weighting efficiency and the trimmed count."""

    side: str
    n: int
    iterations: int
    margin_error: float
    efficiency: float
    trimmed: int

    @classmethod
    def of(cls, side: int, made: MadeWeights) -> SideWeighting:
        return cls(
            SIDE_NAMES[side],
            int(made.weights.size),
            made.iterations,
            made.margin_error,
            made.efficiency,
            made.trimmed,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "iterations": self.iterations,
            "margin_error": self.margin_error,
            "efficiency": self.efficiency,
            "n_eff": self.efficiency * self.n,
            "trimmed": self.trimmed,
        }

    def describe(self) -> str:
        return (
            f"{self.side}: {self.n} respondents, {self.iterations} iteration(s), largest "
            f"margin error {self.margin_error:.2g}, {self.trimmed} trimmed, weighting "
            f"efficiency {self.efficiency:.1%} (n_eff {self.efficiency * self.n:.1f})"
        )


@dataclass(frozen=True)
class WeightingSummary:
    """The schema's ``weighting:`` as applied: ``targets`` per variable and level,
    ``base`` the weight column raking started from (None: every respondent 1)."""

    method: str  # rake | post_stratify
    targets: tuple[tuple[str, tuple[tuple[str, float], ...]], ...]
    lower: float | None
    upper: float | None
    base: str | None
    sides: tuple[SideWeighting, ...]

    @classmethod
    def of(
        cls,
        spec: WeightingSpec,
        base: str | None,
        made: tuple[tuple[int, MadeWeights], ...],
    ) -> WeightingSummary:
        targets = tuple(
            (m.variable, tuple(zip(m.levels, m.targets, strict=True))) for m in spec.margins
        )
        sides = tuple(SideWeighting.of(side, w) for side, w in made)
        return cls(spec.method, targets, spec.lower, spec.upper, base, sides)

    @property
    def method_name(self) -> str:
        return METHOD_NAMES[self.method]

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "targets": {var: dict(levels) for var, levels in self.targets},
            "trim": None
            if self.lower is None and self.upper is None
            else {"lower": self.lower, "upper": self.upper},
            "base_weight": self.base,
            "sides": {s.side: s.to_dict() for s in self.sides},
        }

    def methods_text(self) -> str:
        """The weighting for the methods section."""
        how = {
            "rake": "raking (iterative proportional fitting, as R's rake) of each weighted "
            "side to the target margins until every level is within 1e-6 (relative)",
            "post_stratify": "post-stratification (as R's postStratify) of each weighted "
            "side to the targets",
        }[self.method]
        start = f"the weight column {self.base}" if self.base else "equal weights"
        trim = ""
        if self.lower is not None or self.upper is not None:
            trim = (
                ", then trimmed to the bounds (relative to the mean weight) with the "
                "trimmed weight shared among the untrimmed respondents, as R's trimWeights"
            )
        return (
            f"weights made by {how}, starting from {start}, scaled to mean 1 per side{trim}; "
            "the standard errors and tests take the weighting into account as R's survey "
            "package does (svyrecvar): each respondent's linearised value is replaced by "
            "its residual from the post-strata, or from the raking margins (ten passes "
            "over them), before the design variance is taken"
        )

    def describe(self) -> str:
        """The weighting in one line: 'raking to region, tier (from pw), trimmed to
        0.3 to 3 x the side's mean weight; customer: 180 respondents, 5 iteration(s), ...'."""
        variables = ", ".join(var for var, _ in self.targets)
        text = f"{self.method_name} to {variables}"
        if self.base is not None:
            text += f" (from {self.base})"
        if self.lower is not None or self.upper is not None:
            if self.lower is None:
                bounds = f"at most {self.upper:g}"
            elif self.upper is None:
                bounds = f"at least {self.lower:g}"
            else:
                bounds = f"{self.lower:g} to {self.upper:g}"
            text += f", trimmed to {bounds} x the side's mean weight"
        return "; ".join([text, *(s.describe() for s in self.sides)])
