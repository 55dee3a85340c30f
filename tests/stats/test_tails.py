"""The F and chi-square upper tails computed without scipy, held to scipy.stats over
wide grids of degrees of freedom and statistics."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from gapscan.stats._chi2 import chi2_sf
from gapscan.stats._t import f_sf

NDFS = [*np.geomspace(0.2, 1e3, 25), 1.0, 2.0, 3.0]
FS = np.geomspace(1e-4, 1e4, 40)


def _worst_f_error(ddfs: list[float]) -> float:
    worst = 0.0
    for ndf in NDFS:
        for ddf in ddfs:
            for f in FS:
                ref = float(stats.f.sf(f, ndf, ddf))
                if ref < 1e-200:  # scipy's own tail is not reliable to 1e-10 below this
                    continue
                got = f_sf(float(f), float(ndf), float(ddf))
                worst = max(worst, abs(got - ref) / ref)
    return worst


def test_f_tail_matches_scipy_to_1e10_up_to_a_million_ddf() -> None:
    """Relative error below 1e-10 for ndf 0.2..1000, ddf 0.3..1e6, F 1e-4..1e4."""
    assert _worst_f_error([*np.geomspace(0.3, 1e6, 45), 1.0, 2.0, 14.0]) < 1e-10


def test_f_tail_beyond_a_million_ddf_is_held_to_1e7() -> None:
    """Above 10^6 denominator df the continued fraction is slower to converge; the
    relative error stays below 1e-7 (the tail is then close to chi-square's)."""
    assert _worst_f_error(list(np.geomspace(1e6, 1e9, 10))) < 1e-7


def test_f_tail_edges_and_closed_form() -> None:
    assert f_sf(0.0, 2.0, 5.0) == 1.0
    assert f_sf(math.inf, 2.0, 5.0) == 0.0
    # F(2, d2): P(F > f) = (1 + 2 f / d2) ** (-d2 / 2) exactly
    for f, d2 in [(0.3, 3.0), (4.0, 20.925), (50.0, 7.5)]:
        assert f_sf(f, 2.0, d2) == pytest.approx((1 + 2 * f / d2) ** (-d2 / 2), rel=1e-13)
    with pytest.raises(ValueError):
        f_sf(1.0, 0.0, 3.0)
    with pytest.raises(ValueError):
        f_sf(math.nan, 1.0, 3.0)


def test_chi2_tail_matches_scipy() -> None:
    """Relative error below 1e-10 for df 0.1..1e4 and x 1e-6..1e5."""
    worst = 0.0
    for df in [*np.geomspace(0.1, 1e4, 50), 1.0, 2.0, 3.0, 4.0]:
        for x in np.geomspace(1e-6, 1e5, 80):
            ref = float(stats.chi2.sf(x, df))
            if ref < 1e-290:
                continue
            worst = max(worst, abs(chi2_sf(float(x), float(df)) - ref) / ref)
    assert worst < 1e-10


def test_chi2_tail_edges_and_closed_form() -> None:
    assert chi2_sf(0.0, 3.0) == 1.0
    assert chi2_sf(math.inf, 3.0) == 0.0
    for x in (1e-9, 0.5, 3.0, 40.0, 600.0):  # df 2: exp(-x/2)
        assert chi2_sf(x, 2.0) == pytest.approx(math.exp(-x / 2), rel=1e-13)
    with pytest.raises(ValueError):
        chi2_sf(1.0, -1.0)
