"""Student's t distribution from the standard library, without scipy.

The CDF is the regularised incomplete beta function, evaluated by its continued
fraction (modified Lentz's method, as in Numerical Recipes' ``betacf``); the quantile is
found by bisection on the CDF, which cannot fail to converge. Held to
``scipy.stats.t`` over a wide grid of degrees of freedom and t values in the tests.
"""

from __future__ import annotations

import functools
import math

_EPS = 1e-16
_TINY = 1e-300
_MAX_TERMS = 100_000
# Above this many degrees of freedom the continued fraction converges too slowly to be
# trusted; Hill's normalising expansion is then accurate to ~1e-12.
_HILL_ABOVE = 20_000.0


def _nonzero(value: float) -> float:
    return value if abs(value) > _TINY else _TINY


def _beta_fraction(a: float, b: float, x: float) -> float:
    """The continued fraction of the incomplete beta function (converges fast when
    x < (a + 1) / (a + b + 2)); modified Lentz's method."""
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c = 1.0
    d = 1.0 / _nonzero(1.0 - qab * x / qap)
    h = d
    for m in range(1, _MAX_TERMS):
        m2 = 2 * m
        even = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 / _nonzero(1.0 + even * d)
        c = _nonzero(1.0 + even / c)
        h *= d * c
        odd = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 / _nonzero(1.0 + odd * d)
        c = _nonzero(1.0 + odd / c)
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < _EPS:
            return h
    raise ArithmeticError(f"incomplete beta did not converge (a={a}, b={b}, x={x})")


def _stirling_tail(x: float) -> float:
    """lgamma(x) - ((x - 1/2) ln x - x + ln(2 pi)/2), by Stirling's series (x >= 10)."""
    inv, inv2 = 1.0 / x, 1.0 / (x * x)
    return inv * (1 / 12 - inv2 * (1 / 360 - inv2 * (1 / 1260 - inv2 / 1680)))


def _log_gamma_ratio(a: float, b: float) -> float:
    """lgamma(a + b) - lgamma(a), without the cancellation of two large lgammas."""
    if a < 10.0:
        return math.lgamma(a + b) - math.lgamma(a)
    return (
        (a - 0.5) * math.log1p(b / a)
        + b * math.log(a + b)
        - b
        + _stirling_tail(a + b)
        - _stirling_tail(a)
    )


def _ibeta(a: float, b: float, x: float, y: float, log_x: float, log_y: float) -> float:
    """I_x(a, b) given x, y = 1 - x and their logarithms, each computed accurately."""
    if x <= 0.0:
        return 0.0
    if y <= 0.0:
        return 1.0
    log_front = _log_gamma_ratio(a, b) - math.lgamma(b) + a * log_x + b * log_y
    front = math.exp(log_front)
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _beta_fraction(a, b, x) / a
    return 1.0 - front * _beta_fraction(b, a, y) / b


def regularized_beta(a: float, b: float, x: float) -> float:
    """I_x(a, b), the regularised incomplete beta function, for a, b > 0 and 0 <= x <= 1."""
    if not 0.0 <= x <= 1.0:
        raise ValueError("x must lie in [0, 1]")
    if x in (0.0, 1.0):
        return x
    return _ibeta(a, b, x, 1.0 - x, math.log(x), math.log1p(-x))


def t_two_sided_p(t: float, df: float) -> float:
    """P(|T| >= |t|) for T ~ Student's t with ``df`` degrees of freedom (df > 0):
    I_x(df/2, 1/2) with x = df / (df + t^2)."""
    if not df > 0 or math.isnan(t):
        raise ValueError("need df > 0 and a number t")
    if math.isinf(t):
        return 0.0
    if math.isinf(df):
        return min(1.0, math.erfc(abs(t) / math.sqrt(2.0)))
    if t == 0.0:
        return 1.0
    if df > _HILL_ABOVE:
        return _hill(abs(t), df)
    t2 = t * t
    x, y = df / (df + t2), t2 / (df + t2)
    log_x = -math.log1p(t2 / df)
    log_y = 2.0 * math.log(abs(t)) - math.log(df + t2)
    return min(1.0, _ibeta(df / 2.0, 0.5, x, y, log_x, log_y))


def _hill(t: float, df: float) -> float:
    """Two-sided t tail by Hill's asymptotic normalising transform (Hill 1970, CACM
    Algorithm 395), for large df: the t value is mapped to a normal deviate."""
    a = df - 0.5
    b = 48.0 * a * a
    y = a * math.log1p(t * t / df)
    z = ((((-0.4 * y - 3.3) * y - 24.0) * y - 85.5) / (0.8 * y * y + 100.0 + b) + y + 3.0) / b + 1.0
    z *= math.sqrt(y)
    return math.erfc(z / math.sqrt(2.0))


def t_cdf(t: float, df: float) -> float:
    """P(T <= t) for Student's t with ``df`` degrees of freedom."""
    tail = t_two_sided_p(t, df) / 2.0
    return tail if t < 0 else 1.0 - tail


def t_quantile(probability: float, df: float) -> float:
    """The t such that P(T <= t) = probability (0 < probability < 1), by bisection."""
    if not 0.0 < probability < 1.0:
        raise ValueError("probability must lie strictly between 0 and 1")
    if probability == 0.5:
        return 0.0
    upper = probability > 0.5
    tail = 2.0 * ((1.0 - probability) if upper else probability)  # two-sided p at |t|
    lo, hi = 0.0, 1.0
    while t_two_sided_p(hi, df) > tail:
        lo, hi = hi, hi * 2.0
        if hi > 1e300:
            break
    for _ in range(2000):
        mid = (lo + hi) / 2.0
        if mid in (lo, hi):
            break
        if t_two_sided_p(mid, df) > tail:
            lo = mid
        else:
            hi = mid
    value = (lo + hi) / 2.0
    return value if upper else -value


@functools.lru_cache(maxsize=1024)
def t_critical_value(confidence: float, df: float) -> float:
    """t such that P(|T| <= t) = confidence. Cached: a design's results share one df,
    and each quantile is a root search."""
    return t_quantile(1.0 - (1.0 - confidence) / 2.0, df)


def f_sf(f: float, ndf: float, ddf: float) -> float:
    """P(F >= f) for Fisher's F with ``ndf`` and ``ddf`` degrees of freedom (both > 0,
    not necessarily whole): I_x(ddf/2, ndf/2) with x = ddf / (ddf + ndf f). Held to
    ``scipy.stats.f.sf`` in the tests: relative error below 1e-10 up to 10^6 ddf, below
    1e-7 beyond (the fraction in x loses digits when 1 - x is tiny)."""
    if not (ndf > 0 and ddf > 0) or math.isnan(f) or math.isinf(ndf) or math.isinf(ddf):
        raise ValueError("need finite ndf > 0, ddf > 0 and a number f")
    if f <= 0.0:
        return 1.0
    if math.isinf(f):
        return 0.0
    ratio = ndf * f / ddf
    x, y = 1.0 / (1.0 + ratio), ratio / (1.0 + ratio)
    log_x = -math.log1p(ratio)
    log_y = math.log(ratio) - math.log1p(ratio)
    return min(1.0, _ibeta(ddf / 2.0, ndf / 2.0, x, y, log_x, log_y))
