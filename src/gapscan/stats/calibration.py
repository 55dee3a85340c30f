"""Variances of post-stratified and raked estimates, as R's ``survey::svyrecvar``.

Weights made by post-stratification or raking are not fixed: R's ``svyrecvar``
replaces each respondent's linearised value x_i (``x = w (y - ȳ) / Σw`` for a mean, 0
outside the domain) by its residual from the weighting cells before the design
variance is taken:

- post-stratification (``postStratify``): in post-stratum g,
  ``x_i <- x_i - psw_i Σ_g x oldw / psw / Σ_g oldw``, with ``psw`` the weights the
  post-stratification made and ``oldw`` those it started from; ``psw / oldw`` is
  constant in g, so the coefficient of ``psw_i`` is Σ_{g∩D} w f / Σ_g psw;
- raking (``rake``, R >= 3.6-3): for ten iterations, for each margin in order,
  ``x <- x - psw * ave(x / psw, margin)`` (an unweighted mean of x / psw over the
  margin's level), ``psw`` the raked weights.

The sums over g run over every respondent the weighting covered (a domain leaves the
others in with x = 0, as ``subset()`` on an R design does); trimming after the
weighting keeps R's stored post-strata and their ``psw`` (the weights before
trimming), while x uses the trimmed weights.

Count-first: the residual of a domain's per-PSU total needs, per weighting cell
(side x the level of every margin) of the domain, Σ w f and Σ (w / psw) f; and, once
per design, Σ psw per (PSU, cell), Σ psw and the respondents per cell. A raking
residual is x_i - psw_i Σ_m a_m[level_m(i)]: the level effects a are found on the
cells, iterating as R does.

Without a cluster every respondent is a PSU, and the residual r_i = x_i - psw_i c_j
(j the respondent's weighting cell, c_j its coefficient) need not be formed one by one:
over a stratum h, Σ r = Σ_D w f - Σ_j c_j P_hj and Σ r² = Σ_D w² f² - 2 Σ_j c_j
Σ_{D,j} w psw f + Σ_j c_j² Q_hj, with P_hj and Q_hj the Σ psw and Σ psw² of the
stratum's respondents in cell j (:attr:`Calibration.stratum_psw`, ``stratum_psw2``),
and Σ w psw per cell of the count table beside its Σ w and Σ w².
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

RAKING_PASSES = 10  # svyrecvar's `for(iterations in 1:10)`
POST_STRATIFY = "post_stratify"
RAKE = "rake"


@dataclass(frozen=True)
class Calibration:
    """The weighting cells of a design's respondents and their per-PSU sums.

    ``cell[i]`` is respondent i's weighting cell (-1: not weighted), ``ratio[i]`` its
    final weight over the weight the weighting made (1 unless trimmed); per cell j,
    ``levels[j, m]`` is its level of margin m (a code over all margins' levels, sides
    apart), ``psw[j]`` its Σ psw and ``count[j]`` its respondents; ``psu[i]`` the
    respondent's PSU and ``made[i]`` its psw (the weight the weighting made; 0 where
    none); :attr:`pairs` the non-empty (PSU, cell) pairs with their Σ psw, made when a
    variance asks for per-PSU sums (never without a cluster: every respondent a pair).
    With each respondent's stratum given, ``stratum_psw[h, j]`` and ``stratum_psw2[h,
    j]`` are the Σ psw and Σ psw² of stratum h's respondents in cell j, the sums a
    design without a cluster takes the residuals from (see the module's docstring)."""

    method: str
    psus: int
    cell: np.ndarray
    ratio: np.ndarray
    levels: np.ndarray
    psw: np.ndarray
    count: np.ndarray
    psu: np.ndarray
    made: np.ndarray
    stratum_psw: np.ndarray | None = None
    stratum_psw2: np.ndarray | None = None

    @cached_property
    def pairs(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The non-empty (PSU, cell) pairs: each one's PSU, cell and Σ psw."""
        cells = self.cells
        weighted = self.cell >= 0
        c = self.cell[weighted]
        pair, inverse = np.unique(self.psu[weighted] * cells + c, return_inverse=True)
        psw = np.bincount(inverse.reshape(-1), weights=self.made[weighted], minlength=pair.size)
        return pair // cells, pair % cells, psw

    @property
    def cells(self) -> int:
        return int(self.psw.shape[0])

    def coefficients(self, weighted: np.ndarray, ratioed: np.ndarray) -> np.ndarray:
        """Per cell, the coefficient c_j of psw_i in each respondent's correction, from
        the domain's Σ w f (``weighted``) and Σ (w / psw) f (``ratioed``) per cell."""
        if self.method == POST_STRATIFY:
            return np.asarray(weighted / self.psw, dtype=np.float64)
        n_levels = int(self.levels.max()) + 1 if self.levels.size else 0
        effect = np.zeros(n_levels)
        per_level = [
            np.bincount(self.levels[:, m], weights=self.count, minlength=n_levels)
            for m in range(self.levels.shape[1])
        ]
        for _ in range(RAKING_PASSES):
            for m, counts in enumerate(per_level):
                residual = ratioed - self.count * effect[self.levels].sum(axis=1)
                step = np.bincount(self.levels[:, m], weights=residual, minlength=n_levels)
                effect += np.divide(step, counts, out=np.zeros(n_levels), where=counts > 0)
        return np.asarray(effect[self.levels].sum(axis=1), dtype=np.float64)

    def correction(self, weighted: np.ndarray, ratioed: np.ndarray) -> np.ndarray:
        """Per PSU (P,), Σ over its respondents of psw_i c_cell(i): what the residual
        takes off the domain's linearised PSU total."""
        cell_psu, cell_of, cell_psw = self.pairs
        c = self.coefficients(weighted, ratioed)[cell_of] * cell_psw
        return np.bincount(cell_psu, weights=c, minlength=self.psus)


def calibration(
    method: str,
    psu: np.ndarray,
    psus: int,
    cell: np.ndarray,
    levels: np.ndarray,
    made: np.ndarray,
    final: np.ndarray,
    stratum: tuple[np.ndarray, int] | None = None,
) -> Calibration:
    """The calibration of a design from each respondent's PSU, weighting cell (-1: not
    weighted), the weights the weighting made (``made``, before any trimming) and the
    final weights; ``levels`` (J, M): each cell's level code per margin; ``stratum``:
    each respondent's stratum index and the number of strata, for the sums per
    stratum and cell."""
    cells = int(levels.shape[0])
    weighted = cell >= 0
    c, w = cell[weighted], made[weighted]
    ratio = np.ones(cell.shape[0])
    ratio[weighted] = final[weighted] / w
    psw = np.where(weighted, made, 0.0)
    by_stratum = by_stratum2 = None
    if stratum is not None:
        index, strata = stratum
        key = index[weighted].astype(np.int64) * cells + c
        size = strata * cells
        by_stratum = np.bincount(key, weights=w, minlength=size).reshape(strata, cells)
        by_stratum2 = np.bincount(key, weights=w * w, minlength=size).reshape(strata, cells)
    return Calibration(
        method=method,
        psus=psus,
        cell=cell,
        ratio=ratio,
        levels=levels,
        psw=np.bincount(c, weights=w, minlength=cells),
        count=np.bincount(c, minlength=cells).astype(np.float64),
        psu=psu,
        made=psw,
        stratum_psw=by_stratum,
        stratum_psw2=by_stratum2,
    )


@dataclass(frozen=True)
class CellSums:
    """A domain's sums per weighting cell (J,): Σ w y, Σ w, Σ (w / psw) y, Σ w / psw."""

    calibration: Calibration
    weighted_y: np.ndarray
    weight: np.ndarray
    ratio_y: np.ndarray
    ratio: np.ndarray

    def correction(self, mean: float, total: float) -> np.ndarray:
        """Per PSU, what the residual takes off the influence of the domain mean
        (f = (y - ȳ) / Σw)."""
        weighted, ratioed = self._centred(mean, total)
        return self.calibration.correction(weighted, ratioed)

    def coefficients(self, mean: float, total: float) -> np.ndarray:
        """Per cell, c_j of the domain mean's residuals (``Calibration.coefficients``)."""
        return self.calibration.coefficients(*self._centred(mean, total))

    def _centred(self, mean: float, total: float) -> tuple[np.ndarray, np.ndarray]:
        weighted = (self.weighted_y - mean * self.weight) / total
        ratioed = (self.ratio_y - mean * self.ratio) / total
        return weighted, ratioed
