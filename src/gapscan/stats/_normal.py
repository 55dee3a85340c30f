"""The standard normal distribution, from the standard library (accurate to ~1e-16)."""

from __future__ import annotations

import math
from statistics import NormalDist

_STANDARD = NormalDist()


def two_sided_p(z: float) -> float:
    """P(|Z| >= |z|) for a standard normal Z."""
    return min(1.0, math.erfc(abs(z) / math.sqrt(2.0)))


def quantile(probability: float) -> float:
    """The standard normal quantile (inverse CDF)."""
    return _STANDARD.inv_cdf(probability)


def critical_value(confidence: float) -> float:
    """z such that P(|Z| <= z) = confidence."""
    return quantile(1.0 - (1.0 - confidence) / 2.0)
