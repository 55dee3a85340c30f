"""The Rao–Scott corrected chi-square test of a k x 2 table (answer level x side) under a
survey design, as R's ``svychisq(~question + side, design)`` computes it.

Count-first: the test needs, per stratum h, the weighted cell totals ``first[h]`` (Σw
per level x side), the second moments ``second[h]`` = Σ_j T_hj T_hjᵀ of the per-PSU cell
totals T_hj, the number of PSUs n_h of the whole design and the sampling fraction f_h.
A clustered count table (Σw per stratum x PSU x cell) gives them through
:func:`moments_from_psu_totals`; an unclustered one (Σw and Σw² per stratum x cell, each
respondent its own PSU, so that Σ_j T T ᵀ is the diagonal of Σw²) through
:func:`moments_from_unclustered`; respondent arrays through :func:`design_moments`.

Cells are ordered level first: cell = level + k * side.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from gapscan.stats._chi2 import chi2_sf
from gapscan.stats._t import f_sf

ArrayLike = Sequence[Any] | np.ndarray


@dataclass(frozen=True, eq=False)
class DesignMoments:
    """Per-stratum sufficient statistics of the weighted level x side table.

    ``first``: (H, 2k) Σw per cell; ``second``: (H, 2k, 2k) Σ over the stratum's PSUs of
    the outer product of the PSU's cell totals; ``n_psu``: (H,) PSUs of the whole design
    (respondents when unclustered), empty ones included; ``fraction``: (H,) sampling
    fraction (0 without fpc); ``n_rows``: respondents in the design (R's N);
    ``n_levels``: k.
    """

    first: np.ndarray
    second: np.ndarray
    n_psu: np.ndarray
    fraction: np.ndarray
    n_rows: int
    n_levels: int


@dataclass(frozen=True)
class RaoScottTest:
    """``svychisq(~question + side, design, statistic = "F")`` and ``"Chisq"``.

    ``statistic`` is F = X² / tr(Δ) on ``ndf`` = tr(Δ)² / tr(Δ²) and ``ddf`` = ndf ·
    ``design_df`` degrees of freedom, ``p_value`` its upper tail. ``pearson`` is R's
    printed X² (the weighted table scaled to the design's N respondents); ``chisq_p_value``
    the first-order test, X² / mean(λ) against chi-square on ``df`` = k - 1.
    ``design_effects`` are the eigenvalues λ of Δ (generalised design effects), largest
    first; ``levels`` the answer levels in the table (levels without any weighted answer
    in the domain are left out).
    """

    statistic: float
    ndf: float
    ddf: float
    p_value: float
    pearson: float
    df: int
    chisq_p_value: float
    design_df: int
    design_effects: tuple[float, ...]
    levels: tuple[int, ...]
    name: str = "rao-scott-f"


MAX_PAIRED_CELLS = 32  # 2k cells: up to a 0-15 scale by bincounts


def moments_from_psu_totals(
    totals: ArrayLike,
    psu_stratum: ArrayLike,
    fraction: ArrayLike,
    *,
    n_rows: int,
    n_levels: int,
) -> DesignMoments:
    """Moments from per-PSU cell totals ``totals`` (P, 2k) of every PSU of the design
    (rows of zeros for PSUs without an answer), ``psu_stratum`` (P,) stratum index 0..H-1
    and the per-stratum sampling ``fraction`` (H,)."""
    t = np.asarray(totals, dtype=np.float64)
    strata = np.asarray(psu_stratum, dtype=np.int64)
    frac = np.asarray(fraction, dtype=np.float64)
    h = frac.shape[0]
    if t.ndim != 2 or t.shape != (strata.shape[0], 2 * n_levels):
        raise ValueError("totals must be (PSUs, 2 x levels), one stratum per PSU")
    first, second = _stratum_moments(t, strata, h)
    n_psu = np.bincount(strata, minlength=h).astype(np.float64)
    return DesignMoments(first, second, n_psu, frac, n_rows, n_levels)


def _stratum_moments(t: np.ndarray, strata: np.ndarray, h: int) -> tuple[np.ndarray, np.ndarray]:
    """Per stratum, Σ_j T_j (H, m) and Σ_j T_j T_jᵀ (H, m, m) over the PSUs' rows of
    ``t``: one bincount per cell and per pair of cells (each summing the PSUs in order,
    as ``np.add.at`` does, without its per-element cost); ``np.add.at`` for tables of
    many cells, where the pairs would outnumber it."""
    m = t.shape[1]
    if m > MAX_PAIRED_CELLS:
        first = np.zeros((h, m))
        np.add.at(first, strata, t)
        second = np.zeros((h, m, m))
        np.add.at(second, strata, np.einsum("pi,pj->pij", t, t))
        return first, second
    first = np.empty((h, m))
    second = np.empty((h, m, m))
    columns = np.ascontiguousarray(t.T)  # each cell's totals in a row of their own
    for i in range(m):
        first[:, i] = np.bincount(strata, weights=columns[i], minlength=h)
        for j in range(i, m):
            second[:, i, j] = second[:, j, i] = np.bincount(
                strata, weights=columns[i] * columns[j], minlength=h
            )
    return first, second


def moments_from_unclustered(
    weight_sums: ArrayLike,
    weight_square_sums: ArrayLike,
    n_units: ArrayLike,
    fraction: ArrayLike,
    *,
    n_rows: int,
    n_levels: int,
) -> DesignMoments:
    """Moments of a design without clusters from Σw and Σw² per stratum x cell, (H, 2k),
    and the respondents per stratum ``n_units`` (H,), non-answering ones included."""
    first = np.asarray(weight_sums, dtype=np.float64)
    squares = np.asarray(weight_square_sums, dtype=np.float64)
    if first.ndim != 2 or first.shape != squares.shape or first.shape[1] != 2 * n_levels:
        raise ValueError("weight sums must be (strata, 2 x levels)")
    second = np.zeros((first.shape[0], first.shape[1], first.shape[1]))
    cells = np.arange(first.shape[1])
    second[:, cells, cells] = squares
    n = np.asarray(n_units, dtype=np.float64)
    return DesignMoments(first, second, n, np.asarray(fraction, dtype=np.float64), n_rows, n_levels)


def _codes(values: ArrayLike | None, n: int, what: str) -> np.ndarray:
    if values is None:
        return np.zeros(n, dtype=np.int64)
    array = np.asarray(values)
    if array.shape != (n,):
        raise ValueError(f"{what} must have one value per respondent")
    return np.unique(array, return_inverse=True)[1].astype(np.int64).reshape(n)


def _fractions(fpc: ArrayLike | None, stratum: np.ndarray, n_psu: np.ndarray) -> np.ndarray:
    """Sampling fraction per stratum from svydesign-style fpc: a value <= 1 is the
    fraction itself, a larger one the population size (of PSUs) of the stratum."""
    if fpc is None:
        return np.zeros(n_psu.shape[0])
    values = np.asarray(fpc, dtype=np.float64)
    if values.shape != stratum.shape or not np.all(np.isfinite(values)) or np.any(values <= 0):
        raise ValueError("fpc must be a positive number for every respondent")
    low = np.full(n_psu.shape[0], np.inf)
    high = np.full(n_psu.shape[0], -np.inf)
    np.minimum.at(low, stratum, values)
    np.maximum.at(high, stratum, values)
    if np.any(low != high):
        raise ValueError("fpc must be the same for every respondent of a stratum")
    fraction = np.where(low <= 1.0, low, n_psu / low)
    if np.any(fraction > 1.0):
        raise ValueError("fpc: a stratum's population is smaller than its sample")
    return fraction


def design_moments(
    level: ArrayLike,
    side: ArrayLike,
    weights: ArrayLike,
    *,
    n_levels: int | None = None,
    strata: ArrayLike | None = None,
    cluster: ArrayLike | None = None,
    fpc: ArrayLike | None = None,
) -> DesignMoments:
    """Moments from respondent arrays: ``level`` 0..k-1 (-1: no answer), ``side`` 0/1
    (-1: not in the domain), ``weights`` (checked only where both are given). A cluster
    id is a PSU within its stratum (as ``svydesign(nest = TRUE)``); ``fpc`` as in
    ``svydesign``."""
    lv = np.asarray(level, dtype=np.int64)
    sd = np.asarray(side, dtype=np.int64)
    w = np.asarray(weights, dtype=np.float64)
    n = lv.shape[0]
    if lv.shape != (n,) or sd.shape != (n,) or w.shape != (n,):
        raise ValueError("level, side and weights must be one value per respondent")
    k = int(lv.max(initial=0)) + 1 if n_levels is None else n_levels
    if k < 1 or np.any((lv < -1) | (lv >= k)) or np.any((sd < -1) | (sd > 1)):
        raise ValueError("level must lie in -1..k-1 and side in -1..1")
    inside = (lv >= 0) & (sd >= 0)
    if not np.all(np.isfinite(w[inside]) & (w[inside] > 0)):
        raise ValueError("weights must be positive numbers for respondents in the table")
    stratum = _codes(strata, n, "strata")
    h = int(stratum.max(initial=-1)) + 1
    cell = np.where(inside, lv + k * sd, 0)
    wi = np.where(inside, w, 0.0)
    if cluster is None:
        n_units = np.bincount(stratum, minlength=h).astype(np.float64)
        index = stratum * 2 * k + cell
        sums = np.bincount(index, weights=wi, minlength=h * 2 * k).reshape(h, 2 * k)
        squares = np.bincount(index, weights=wi * wi, minlength=h * 2 * k).reshape(h, 2 * k)
        frac = _fractions(fpc, stratum, n_units)
        return moments_from_unclustered(sums, squares, n_units, frac, n_rows=n, n_levels=k)
    clusters = _codes(cluster, n, "cluster")
    psu_key = stratum * (int(clusters.max(initial=0)) + 1) + clusters
    keys, psu = np.unique(psu_key, return_inverse=True)
    psu = psu.reshape(n)
    psu_stratum = np.zeros(keys.shape[0], dtype=np.int64)
    psu_stratum[psu] = stratum
    index = psu * 2 * k + cell
    totals = np.bincount(index, weights=wi, minlength=keys.shape[0] * 2 * k)
    frac = _fractions(fpc, stratum, np.bincount(psu_stratum, minlength=h).astype(np.float64))
    return moments_from_psu_totals(
        totals.reshape(keys.shape[0], 2 * k), psu_stratum, frac, n_rows=n, n_levels=k
    )


def _kept_cells(first: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray] | None:
    """The levels with a weighted answer and their cells (both sides), or None when fewer
    than two levels or one side has no answer: no test is possible."""
    total = first.sum(axis=0).reshape(2, k)
    levels = np.flatnonzero(total.sum(axis=0) > 0)
    if levels.shape[0] < 2 or np.any(total.sum(axis=1) <= 0):
        return None
    return levels, np.concatenate([levels, levels + k])


def _cell_covariance(
    m: DesignMoments, cells: np.ndarray, p: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Taylor-linearised covariance of the cell proportions (svymean of the cell
    indicators over the domain): per stratum (1 - f) n/(n - 1) times the centred second
    moment of the PSU totals, mapped through the ratio's influence (I - p 1ᵀ) / W. Also
    the magnitude of the terms it is the difference of (absolute values), the scale of
    its rounding error."""
    if np.any(m.n_psu < 2):
        raise ValueError("a stratum has a single PSU: its variance cannot be estimated")
    first = m.first[:, cells]
    second = m.second[:, cells][:, :, cells]
    outer = np.einsum("hi,hj->hij", first, first) / m.n_psu[:, None, None]
    scale = (1.0 - m.fraction) * m.n_psu / (m.n_psu - 1.0)
    spread = np.einsum("h,hij->ij", scale, second - outer)
    influence = (np.eye(cells.shape[0]) - np.outer(p, np.ones(cells.shape[0]))) / first.sum()
    covariance: np.ndarray = influence @ spread @ influence.T
    size = np.abs(influence)
    magnitude: np.ndarray = size @ np.einsum("h,hij->ij", scale, second + outer) @ size.T
    return covariance, magnitude


def _delta(m: DesignMoments, cells: np.ndarray, p: np.ndarray, r: int) -> np.ndarray | None:
    """Δ = (Cᵀ D⁻¹ C / N)⁻¹ Cᵀ D⁻¹ V D⁻¹ C, or None when the design variance of the
    interactions is nil (below 1e-9 of the rounding scale of its terms)."""
    covariance, magnitude = _cell_covariance(m, cells, p)
    contrasts = np.vstack([np.eye(r - 1), -np.ones((1, r - 1))])
    c = np.kron(np.array([[1.0], [-1.0]]), contrasts)
    inverse_d = np.diag(np.where(p > 0, 1.0 / np.where(p > 0, p, 1.0), 0.0))
    numerator = c.T @ inverse_d @ covariance @ inverse_d @ c
    bound = np.abs(c).T @ inverse_d @ magnitude @ inverse_d @ np.abs(c)
    if not np.trace(numerator) > 1e-9 * np.trace(bound):
        return None
    delta: np.ndarray = np.linalg.solve(c.T @ inverse_d @ c / float(m.n_rows), numerator)
    return delta


def _pearson(p: np.ndarray, r: int, n_rows: int) -> float:
    """Pearson's X² of the proportions table (r levels x 2 sides) scaled to n_rows."""
    table = p.reshape(2, r)
    expected = np.outer(table.sum(axis=1), table.sum(axis=0))
    return float(n_rows * ((table - expected) ** 2 / expected).sum())


def rao_scott(moments: DesignMoments) -> RaoScottTest | None:
    """The second-order Rao–Scott test (and the first-order one) from the moments.

    With p the domain's cell proportions, V their design covariance, D = diag(p) and C a
    basis of the interactions (contrasts orthogonal to the level and side margins),
    Δ = (Cᵀ D⁻¹ C / N)⁻¹ Cᵀ D⁻¹ V D⁻¹ C; F = X² / tr Δ, ndf = (tr Δ)² / tr Δ², ddf = ndf ·
    (PSUs - strata), as ``svychisq`` (survey package, R/surveychisq.R). Returns None when
    the table has fewer than two answered levels, a side without answers, or no design
    variance of the interactions (tr Δ = 0 but for rounding; R prints NaN or a huge F).
    """
    kept = _kept_cells(moments.first, moments.n_levels)
    if kept is None:
        return None
    levels, cells = kept
    r = levels.shape[0]
    totals = moments.first[:, cells].sum(axis=0)
    p = totals / totals.sum()
    delta = _delta(moments, cells, p, r)
    if delta is None:
        return None
    trace = float(np.trace(delta))
    ndf = trace**2 / float(np.trace(delta @ delta))
    design_df = int(moments.n_psu.sum()) - int(moments.n_psu.shape[0])
    pearson = _pearson(p, r, moments.n_rows)
    statistic = pearson / trace
    effects = np.sort(np.linalg.eigvals(delta).real)[::-1]
    return RaoScottTest(
        statistic=statistic,
        ndf=ndf,
        ddf=ndf * design_df,
        p_value=f_sf(statistic, ndf, ndf * design_df),
        pearson=pearson,
        df=r - 1,
        chisq_p_value=chi2_sf(pearson / (trace / (r - 1)), float(r - 1)),
        design_df=design_df,
        design_effects=tuple(float(e) for e in effects),
        levels=tuple(int(v) for v in levels),
    )


def rao_scott_test(
    level: ArrayLike,
    side: ArrayLike,
    weights: ArrayLike,
    *,
    n_levels: int | None = None,
    strata: ArrayLike | None = None,
    cluster: ArrayLike | None = None,
    fpc: ArrayLike | None = None,
) -> RaoScottTest | None:
    """``svychisq(~question + side, design, statistic = "F")`` from respondent arrays;
    see :func:`design_moments` for the arguments and :func:`rao_scott` for the method."""
    moments = design_moments(
        level, side, weights, n_levels=n_levels, strata=strata, cluster=cluster, fpc=fpc
    )
    return rao_scott(moments)
