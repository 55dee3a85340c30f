"""The sampling design of a count table: PSUs from its ``stratum``/``cluster`` columns,
and each question's weighted cells (``gapscan.counts.DesignCells``) from ``sum_w`` and
``sum_w2``.

With a cluster, a PSU is a (stratum, cluster) pair, matched trimmed and case-folded
as ``gapscan.design_data`` matches them, and the table's rows add into its cells.
Without one every respondent is its own PSU, and a row of m respondents holds only
their Σ w and Σ w². A design-based estimate needs, per stratum, the PSUs' count and
the sums of their influence values and of its squares, which for respondents of one
cell are c Σ w and c² Σ w²: so the row is written as m PSUs whose weights have that
sum and that sum of squares (m - 1 alike and one other), and every PSU of the stratum
the table does not fill stays in the design with nothing, as the respondents who did
not answer the question do on the direct path. Estimates, variances, the Rao–Scott
test and Kish's n_eff are then those of the respondents themselves.
"""

from __future__ import annotations

import numpy as np

from gapscan.count_checks import folded
from gapscan.count_file import CountFile
from gapscan.counts import DesignCells, summed_cells
from gapscan.design_data import DesignData, FileDesign, combine_designs
from gapscan.errors import ProblemCollector
from gapscan.survey import Survey


def count_design(
    survey: Survey,
    table: CountFile,
    n: np.ndarray,
    in_design: np.ndarray,
    first: np.ndarray,
    out: ProblemCollector,
) -> tuple[DesignData, np.ndarray] | None:
    """The design and each row's PSU (clustered) or stratum code (not clustered).
    ``in_design``: the rows of responses (analysed, or of an ignored side value);
    ``first``: those rows of one question, which count every respondent once."""
    spec = survey.design
    if spec is None:
        return None
    strata, stratum = _keys(table, "stratum" if spec.strata else None, in_design, out)
    clusters, cluster = _keys(table, "cluster" if spec.cluster else None, in_design, out)
    present = in_design & (n > 0)
    if spec.cluster is not None:
        pair = stratum * len(clusters) + cluster
        used = np.unique(pair[present])
        keys = [(strata[p // len(clusters)], clusters[p % len(clusters)]) for p in used.tolist()]
        psu_of_pair = np.full(len(strata) * len(clusters), -1, dtype=np.int64)
        psu_of_pair[used] = np.arange(used.size)
        row_psu = psu_of_pair[pair]
    else:
        per_stratum = np.bincount(stratum[first & present], weights=n[first & present])
        per_stratum = np.concatenate([per_stratum, np.zeros(len(strata) - per_stratum.size)])
        keys = [
            (s, f"#{i}") for s, m in zip(strata, per_stratum, strict=True) for i in range(int(m))
        ]
    part = FileDesign(
        keys, [None] * len(keys), np.ones(len(keys)), np.arange(len(keys)), lambda r: [], table.name
    )
    data = combine_designs(spec, [part], str(survey.path), out)
    if spec.cluster is None:
        index = {label: h for h, label in enumerate(data.stratum_labels)}
        to_design = np.asarray([index.get(s, -1) for s in strata], dtype=np.int64)
        row_psu = to_design[stratum]
    return data, row_psu


def _keys(
    table: CountFile, column: str | None, in_design: np.ndarray, out: ProblemCollector
) -> tuple[list[str], np.ndarray]:
    """A design column's folded values (sorted) and each row's index (without the
    column: one value ""); blanks reported."""
    if column is None:
        return [""], np.zeros(table.rows, dtype=np.int64)
    keys, codes = folded(table.columns[column])
    blank = np.flatnonzero(in_design & (np.asarray([not k for k in keys])[codes]))
    if blank.size:
        lines = [table.line(int(r)) for r in blank[:5]]
        shown = ", ".join(map(str, lines)) + (
            f" and {blank.size - 5:,} more" if blank.size > 5 else ""
        )
        out.add(
            f"design column '{column}' is blank: line{'s' if blank.size > 1 else ''} {shown}",
            file=table.name,
            line=lines[0],
            hint="every row of a count table needs its stratum and cluster",
            code="missing-design-value",
        )
    return keys, codes


def question_cells(
    data: DesignData,
    row_psu: np.ndarray,
    rows: np.ndarray,
    segment: np.ndarray,
    side: np.ndarray,
    level: np.ndarray,
    sums: tuple[np.ndarray, np.ndarray, np.ndarray],
    k: int,
) -> DesignCells:
    """One question's cells in one view: ``rows`` (the table's rows answered with a
    level), their segment, side and level codes; ``sums``: n, Σ w, Σ w² per row."""
    n, w, w2 = (s[rows] for s in sums)
    if data.spec.cluster is not None:
        return summed_cells(
            segment,
            side,
            row_psu[rows],
            level,
            psus=data.design.psus,
            k=k,
            psu_stratum=data.psu_stratum,
            w=w,
            w2=w2,
            n=n,
        )
    return _respondent_psus(data, row_psu[rows], segment, side, level, (n, w, w2), k)


def _respondent_psus(
    data: DesignData,
    stratum: np.ndarray,
    segment: np.ndarray,
    side: np.ndarray,
    level: np.ndarray,
    sums: tuple[np.ndarray, np.ndarray, np.ndarray],
    k: int,
) -> DesignCells:
    """Cells of an unclustered design: each (segment, side, stratum, level) cell's m
    respondents as m PSUs of the stratum with its Σ w and Σ w² (module docstring)."""
    strata = len(data.stratum_labels)
    key = ((segment.astype(np.int64) * 2 + side) * strata + stratum) * k + level
    cells, inverse = np.unique(key, return_inverse=True)
    m = np.bincount(inverse, weights=sums[0], minlength=cells.size).astype(np.int64)
    s1 = np.bincount(inverse, weights=sums[1], minlength=cells.size)
    s2 = np.bincount(inverse, weights=sums[2], minlength=cells.size)
    h = (cells // k) % strata
    order = np.argsort(h, kind="stable")  # cell by cell within each stratum
    cells, m, s1, s2, h = cells[order], m[order], s1[order], s2[order], h[order]
    end = np.cumsum(m)
    before = end - m  # respondents of earlier cells
    stratum_start = np.concatenate([[0], np.cumsum(np.bincount(h, weights=m, minlength=strata))])
    first_psu = np.concatenate([[0], np.cumsum(np.bincount(data.psu_stratum, minlength=strata))])
    psus_in_order = np.argsort(data.psu_stratum, kind="stable")
    cell = np.repeat(np.arange(cells.size), m)
    within = np.arange(int(end[-1]) if end.size else 0) - before[cell]  # 0..m-1
    place = first_psu[h[cell]] + before[cell] - stratum_start[h[cell]] + within
    alike, other = _split(m, s1, s2)
    weight = np.where(within == m[cell] - 1, other[cell], alike[cell])
    return DesignCells(
        segment=cells[cell] // (k * strata * 2),
        side=(cells[cell] // (k * strata)) % 2,
        stratum=h[cell],
        psu=psus_in_order[place.astype(np.int64)],
        level=cells[cell] % k,
        n=np.ones(cell.size, dtype=np.int64),
        weight_sum=weight,
        weight_sq_sum=weight * weight,
    )


def _split(m: np.ndarray, total: np.ndarray, squares: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per cell, weights for m respondents with sum ``total`` and sum of squares
    ``squares``: m - 1 alike and one other (the other alone when m is 1)."""
    spread = np.maximum((m - 1) * (m * squares - total * total), 0.0)
    other = (total + np.sqrt(spread)) / np.maximum(m, 1)
    alike = (total - other) / np.maximum(m - 1, 1)
    return alike, np.where(m == 1, total, other)
