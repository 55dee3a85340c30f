"""The Rao–Scott test of a result's whole answer distribution, vendor vs customer, from
the count table's design cells (``gapscan.counts.DesignCells``), as R's
``svychisq(~question + side, design, statistic = "F")`` computes it on the side (within
a segment) as a domain of the whole design.

Count-first: a clustered design's per-PSU cell totals (every PSU of the design, empty
ones as zeros) go to :func:`~gapscan.stats.raoscott.moments_from_psu_totals`; without a
cluster each respondent is its own PSU, and the cells' Σw and Σw² per stratum go to
:func:`~gapscan.stats.raoscott.moments_from_unclustered` (with made weights, the
moments of the residuals from the weighting cells are found from the sums per stratum
and weighting cell: :func:`_calibrated_second`). The number of rows N only
scales Pearson's X² (not reported); F, its degrees of freedom and p do not depend on it.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from gapscan.counts import DesignCells
from gapscan.design_data import DesignData
from gapscan.report import DistributionTest
from gapscan.stats.design import stratum_fractions
from gapscan.stats.raoscott import (
    DesignMoments,
    moments_from_psu_totals,
    moments_from_unclustered,
    rao_scott,
)


def distribution_test(
    cells: DesignCells, segment: int, k: int, data: DesignData
) -> DistributionTest | None:
    """The Rao–Scott F test of the level x side table of one view, or None when
    ``rao_scott`` finds no test (fewer than two answered levels, a side without answers,
    no design variance of the interactions)."""
    rows = cells.rows(segment)
    cell = cells.level[rows] + k * cells.side[rows]
    n_rows = int(cells.n[rows].sum())
    w = cells.weight_sum[rows]
    moments: DesignMoments
    if cells.grouped:  # no cluster: the cells are by stratum (no index of the PSUs)
        fraction = data.design.stratum_fraction
        strata = fraction.shape[0]
        index = cells.stratum[rows] * 2 * k + cell
        size = strata * 2 * k
        sums = np.bincount(index, weights=w, minlength=size).reshape(strata, 2 * k)
        squares = np.bincount(index, weights=cells.weight_sq_sum[rows], minlength=size)
        moments = moments_from_unclustered(
            sums,
            squares.reshape(strata, 2 * k),
            data.design.layout.n_h,
            fraction,
            n_rows=n_rows,
            n_levels=k,
        )
        if data.calibration is not None:  # the residuals from the weighting cells
            second = _calibrated_second(moments, cells, rows, cell, k, data)
            moments = replace(moments, second=second)
    elif data.calibration is not None:
        psu_stratum, fraction = stratum_fractions(data.design)
        totals = _calibrated_totals(cells, rows, cell, k, data)
        moments = moments_from_psu_totals(totals, psu_stratum, fraction, n_rows=n_rows, n_levels=k)
    else:
        psu_stratum, fraction = stratum_fractions(data.design)
        psus = data.design.psus
        totals = np.bincount(cells.psu[rows] * 2 * k + cell, weights=w, minlength=psus * 2 * k)
        moments = moments_from_psu_totals(
            totals.reshape(psus, 2 * k), psu_stratum, fraction, n_rows=n_rows, n_levels=k
        )
    test = rao_scott(moments)
    if test is None:
        return None
    return DistributionTest(test.name, test.statistic, test.ndf, test.ddf, test.p_value)


def _calibrated_totals(
    cells: DesignCells, rows: slice | np.ndarray, cell: np.ndarray, k: int, data: DesignData
) -> np.ndarray:
    """Per-PSU cell totals (P, 2k) whose spread within each stratum is that of the
    cell proportions' linearised values less their residuals from the weighting cells
    (``gapscan.stats.calibration``, as ``svychisq`` on a calibrated design gets from
    ``svyrecvar``): T - W (r - r̄_h), r each PSU's residual correction and r̄_h its
    stratum's mean, so that each stratum's cell totals, and the proportions, stay."""
    calibration = data.calibration
    assert calibration is not None
    psus, m = data.design.psus, 2 * k
    w, psu = cells.weight_sum[rows], cells.psu[rows]
    totals = np.bincount(psu * m + cell, weights=w, minlength=psus * m).reshape(psus, m)
    per_cell, total = _per_cell(cells, rows, cell, k, data)
    layout = data.design.layout
    for level_side, (weighted, ratioed) in enumerate(per_cell):
        r = calibration.correction(weighted, ratioed)
        r_h = np.bincount(layout.index, weights=r) / layout.n_h
        totals[:, level_side] -= total * (r - r_h[layout.index])
    return totals


def _per_cell(
    cells: DesignCells, rows: slice | np.ndarray, cell: np.ndarray, k: int, data: DesignData
) -> tuple[list[tuple[np.ndarray, np.ndarray]], float]:
    """For each level x side cell, the Σ w f and Σ (w / psw) f per weighting cell of
    its proportion's linearised values (f = (1[cell] - share) / Σw), as
    ``Calibration.correction`` and ``coefficients`` take them; and the view's Σ w."""
    calibration = data.calibration
    assert calibration is not None and cells.post_stratum is not None
    assert cells.ratio_sum is not None
    m, size = 2 * k, calibration.cells
    w = cells.weight_sum[rows]
    total = float(w.sum())
    stratum = cells.post_stratum[rows]
    mine = stratum >= 0
    j, c, wj, rj = stratum[mine], cell[mine], w[mine], cells.ratio_sum[rows][mine]
    weight_j = np.bincount(j, weights=wj, minlength=size)
    ratio_j = np.bincount(j, weights=rj, minlength=size)
    share = np.bincount(cell, weights=w, minlength=m) / total
    per_cell = []
    for level_side in range(m):
        at = c == level_side
        weighted = np.bincount(j[at], weights=wj[at], minlength=size) - share[level_side] * weight_j
        ratioed = np.bincount(j[at], weights=rj[at], minlength=size) - share[level_side] * ratio_j
        per_cell.append((weighted / total, ratioed / total))
    return per_cell, total


def _calibrated_second(
    moments: DesignMoments,
    cells: DesignCells,
    rows: slice | np.ndarray,
    cell: np.ndarray,
    k: int,
    data: DesignData,
) -> np.ndarray:
    """The second moments :func:`_calibrated_totals` gives a design without a cluster,
    from the unclustered ``moments`` and sums per stratum and weighting cell.
    Respondent i's totals are T_i = w_i e_cell(i) less R_i = psw_i C_j(i) (C: total x
    c_j), plus the stratum's mean R̄_h, so over stratum h, with A = Σ (T - R) = first
    - P_h C:

        Σ T'T'ᵀ = diag(Σ w²) - U_h C - (U_h C)ᵀ + Cᵀ diag(Q_h) C + A R̄ᵀ + R̄ Aᵀ + n_h R̄ R̄ᵀ,

    U_h (2k x J) the Σ w psw of each level x side cell in each weighting cell, P_h and
    Q_h the Σ psw and Σ psw² of the stratum's respondents per weighting cell; the cell
    totals (``first``) stay."""
    calibration = data.calibration
    assert calibration is not None and cells.post_stratum is not None
    assert cells.weight_psw_sum is not None
    p, q = calibration.stratum_psw, calibration.stratum_psw2
    assert p is not None and q is not None
    per_cell, total = _per_cell(cells, rows, cell, k, data)
    # total x c_j for each level x side cell: R_i = psw_i C[j(i)], as the totals lose it
    coefficient = np.stack([total * calibration.coefficients(*pair) for pair in per_cell], axis=1)
    strata, m, size = moments.first.shape[0], 2 * k, calibration.cells
    j = cells.post_stratum[rows]
    mine = j >= 0
    key = (cells.stratum[rows][mine] * m + cell[mine]) * size + j[mine]
    u = np.bincount(key, weights=cells.weight_psw_sum[rows][mine], minlength=strata * m * size)
    second = moments.second.copy()
    tr = u.reshape(strata, m, size) @ coefficient  # Σ T Rᵀ per stratum (H, 2k, 2k)
    second -= tr + tr.transpose(0, 2, 1)
    second += np.einsum("hj,ja,jb->hab", q, coefficient, coefficient)
    n_h = moments.n_psu
    summed = p @ coefficient  # Σ R per stratum (H, 2k)
    mean = summed / n_h[:, None]
    outer = np.einsum("ha,hb->hab", moments.first - summed, mean)
    second += outer + outer.transpose(0, 2, 1)
    second += n_h[:, None, None] * np.einsum("ha,hb->hab", mean, mean)
    return second
