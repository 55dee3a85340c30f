"""The sampling design of a count table: PSUs from its ``stratum``/``cluster`` columns,
and each question's weighted cells (``gapscan.counts.DesignCells``) from ``sum_w`` and
``sum_w2``.

With a cluster, a PSU is a (stratum, cluster) pair, matched trimmed and case-folded
as ``gapscan.design_data`` matches them, and the table's rows add into its cells.
Without one every respondent is its own PSU, and a row of m respondents holds only
their Σ w and Σ w²: which is all a design-based estimate needs of them, per stratum
(``gapscan.stats.design.Grouped``), so the rows add into the cells of segment x side
x stratum x level, as the direct path's respondents do (``gapscan.counts.grouped_cells``).
Every PSU of a stratum the table does not fill stays in the design with nothing, as
the respondents who did not answer the question do on the direct path. Estimates,
variances, the Rao–Scott test and Kish's n_eff are then those of the respondents
themselves.
"""

from __future__ import annotations

import numpy as np

from gapscan.count_checks import folded
from gapscan.count_file import CountFile
from gapscan.counts import DesignCells, grouped_cells, summed_cells
from gapscan.design_data import DesignData, FileDesign, combine_designs, grouped_design
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
    if spec.cluster is None:  # m respondents of a stratum: m PSUs of it
        per_stratum = np.bincount(
            stratum[first & present], weights=n[first & present], minlength=len(strata)
        ).astype(np.int64)
        used = np.flatnonzero(per_stratum)
        labels = [strata[h] for h in used.tolist()]
        data = grouped_design(spec, labels, per_stratum[used], None, str(survey.path), out)
        to_design = np.full(len(strata), -1, dtype=np.int64)
        to_design[used] = np.arange(used.size)
        return data, to_design[stratum]
    pair = stratum * len(clusters) + cluster
    used = np.unique(pair[present])
    psu_of_pair = np.full(len(strata) * len(clusters), -1, dtype=np.int64)
    psu_of_pair[used] = np.arange(used.size)
    psus = used.size
    part = FileDesign(
        strata,
        used // len(clusters),
        [clusters[p % len(clusters)] for p in used.tolist()],
        np.full(psus, np.nan),
        np.ones(psus),
        np.arange(psus),
        lambda r: [],
        table.name,
    )
    return combine_designs(spec, [part], str(survey.path), out), psu_of_pair[pair]


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
    strata = len(data.stratum_labels)
    return grouped_cells(segment, side, row_psu[rows], level, strata=strata, k=k, w=w, w2=w2, n=n)
