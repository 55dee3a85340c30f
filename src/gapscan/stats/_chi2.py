"""The chi-square distribution's upper tail from the standard library, without scipy.

P(X >= x) for X ~ chi-square with ``df`` degrees of freedom is Q(df/2, x/2), the
regularised upper incomplete gamma function: by its power series below x/2 = df/2 + 1
and by its continued fraction (modified Lentz's method) above, as in Numerical Recipes'
``gser``/``gcf``. Held to ``scipy.stats.chi2.sf`` in the tests.
"""

from __future__ import annotations

import math

_EPS = 1e-16
_TINY = 1e-300
_MAX_TERMS = 100_000


def _lower_series(a: float, x: float) -> float:
    """P(a, x) by its series (x < a + 1)."""
    term = total = 1.0 / a
    denominator = a
    for _ in range(_MAX_TERMS):
        denominator += 1.0
        term *= x / denominator
        total += term
        if abs(term) < abs(total) * _EPS:
            return total * math.exp(-x + a * math.log(x) - math.lgamma(a))
    raise ArithmeticError(f"incomplete gamma series did not converge (a={a}, x={x})")


def _upper_fraction(a: float, x: float) -> float:
    """Q(a, x) by its continued fraction (x >= a + 1), modified Lentz's method."""
    b = x + 1.0 - a
    c = 1.0 / _TINY
    d = 1.0 / b
    h = d
    for i in range(1, _MAX_TERMS):
        an = -i * (i - a)
        b += 2.0
        d = an * d + b
        d = _TINY if abs(d) < _TINY else d
        c = b + an / c
        c = _TINY if abs(c) < _TINY else c
        d = 1.0 / d
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < _EPS:
            return h * math.exp(-x + a * math.log(x) - math.lgamma(a))
    raise ArithmeticError(f"incomplete gamma fraction did not converge (a={a}, x={x})")


def chi2_sf(x: float, df: float) -> float:
    """P(X >= x) for X ~ chi-square with ``df`` > 0 degrees of freedom."""
    if not df > 0 or math.isinf(df) or math.isnan(x):
        raise ValueError("need finite df > 0 and a number x")
    if x <= 0.0:
        return 1.0
    if math.isinf(x):
        return 0.0
    a, half = df / 2.0, x / 2.0
    if half < a + 1.0:
        return max(0.0, 1.0 - _lower_series(a, half))
    return min(1.0, _upper_fraction(a, half))
