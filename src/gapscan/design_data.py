"""Read the sampling design from the data: weights, clusters, strata and fpc.

The design covers every row of a file that is a response (not a blank row, nor a
survey tool's preview, test or spam row), including the rows that ``filters:`` or
``sides.ignore`` leave out: those stay in the design with zero contribution, as
``subset()`` on an R design keeps them, so strata, clusters and degrees of freedom
come from the whole file. Only the respondents analysed need a weight.

A PSU is a (stratum, cluster) pair (R's ``nest = TRUE``); cluster and stratum values
are matched trimmed and case-folded, across files too, so the vendor and customer
respondents of one account are one PSU. Without a cluster every row is its own PSU.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from gapscan.errors import ProblemCollector
from gapscan.stats.calibration import Calibration
from gapscan.stats.design import Design
from gapscan.survey import SurveyDesign, fold

_Column = tuple[list[str], np.ndarray]
MAX_ROWS_SHOWN = 5


@dataclass(frozen=True)
class DesignData:
    """The design of the analysed respondents: each one's weight and PSU; each PSU's
    stratum and fpc (PSUs of left-out rows included)."""

    spec: SurveyDesign
    weight: np.ndarray  # (n,) float64, 1.0 without a weight column; 0 for no answer at all
    psu: np.ndarray  # (n,) int64 index into the PSUs
    psu_stratum: np.ndarray  # (P,) int64
    psu_fpc: np.ndarray | None  # (P,) float64; (H,) with ``stratum_sizes``
    stratum_labels: tuple[str, ...] = ()
    # the weighting cells when ``weighting:`` made the weights (their residuals enter
    # every variance, as R's svyrecvar takes a design's postStrata); None: fixed weights
    calibration: Calibration | None = None
    # a design without a cluster whose respondents were summed into their cells as they
    # were read (a count table, a streamed pass): the PSUs of each stratum (H,), by their
    # number alone; ``weight``, ``psu`` and ``psu_stratum`` are then empty
    stratum_sizes: np.ndarray | None = None

    @cached_property
    def design(self) -> Design:
        """The PSUs' design, built once (its strata are sorted out once, for every
        variance of the run)."""
        if self.stratum_sizes is not None:
            return Design.of_sizes(self.stratum_sizes, self.psu_fpc)
        return Design(self.psu_stratum, self.psu_fpc)

    @cached_property
    def respondent_stratum(self) -> np.ndarray:
        """Each respondent's stratum index in the design's ``layout`` (n,)."""
        index: np.ndarray = self.design.layout.index[self.psu]
        return index


@dataclass(frozen=True)
class FileDesign:
    """One file's part: its PSUs (each one's stratum, cluster and fpc), and the weight
    and PSU of each analysed respondent."""

    strata: list[str]  # the file's stratum keys
    psu_stratum: np.ndarray  # (PSUs,) each PSU's index into ``strata``
    clusters: list[str] | None  # each PSU's cluster key; None: each PSU a row of the file
    fpc: np.ndarray  # (PSUs,) float64, nan where none
    weight: np.ndarray
    psu: np.ndarray
    rows: Callable[[np.ndarray], list[int]]  # file indices -> row numbers for messages
    name: str


def _rows_text(rows: list[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:MAX_ROWS_SHOWN])
    more = len(rows) - MAX_ROWS_SHOWN
    return f"row{'s' if len(rows) > 1 else ''} {shown}" + (
        f" and {more:,} more" if more > 0 else ""
    )


def _numbers(column: _Column) -> np.ndarray:
    """Each row's number (nan: blank, -inf: not a number); parsed per distinct value."""
    values, indices = column
    table = []
    for value in values:
        text = value.strip()
        if not text:
            table.append(math.nan)
            continue
        try:
            number = float(text)
        except ValueError:
            number = -math.inf
        table.append(number if math.isfinite(number) else -math.inf)
    return np.asarray([*table, math.nan], dtype=np.float64)[indices]


def _labels(column: _Column) -> tuple[list[str], np.ndarray]:
    """Each row's folded value, as (distinct folded values, index per row)."""
    values, indices = column
    folded = [fold(v) for v in [*values, ""]]
    keys = sorted(set(folded))
    position = {k: i for i, k in enumerate(keys)}
    return keys, np.asarray([position[f] for f in folded], dtype=np.int64)[indices]


def read_file_design(
    spec: SurveyDesign,
    columns: dict[str, _Column],
    in_design: np.ndarray,
    analysed: np.ndarray,
    answered: np.ndarray,
    rows: Callable[[np.ndarray], list[int]],
    name: str,
    out: ProblemCollector,
) -> FileDesign:
    """The design of one file. ``in_design``: its response rows; ``analysed``: the rows
    kept as respondents; ``answered``: rows with an answer to some question (all three
    masks over the file's rows). Problems go to ``out``."""

    def refuse(what: str, bad: np.ndarray, hint: str, code: str) -> None:
        found = rows(np.flatnonzero(bad))
        if found:
            out.add(f"{what}: {_rows_text(found)}", file=name, line=found[0], hint=hint, code=code)

    weight = np.ones(in_design.shape[0])
    if spec.weight is not None:
        weight = _numbers(columns[spec.weight])
        need = analysed & answered
        where = f"weight column '{spec.weight}'"
        refuse(
            f"{where} is blank",
            need & np.isnan(weight),
            "give every respondent a weight, or leave the respondent out",
            "missing-weight",
        )
        refuse(
            f"{where} holds a value that is not a number",
            need & (weight == -math.inf),
            "write weights as plain numbers such as 1.25",
            "invalid-weight",
        )
        refuse(
            f"{where} holds a zero or negative weight",
            need & (weight <= 0) & (weight > -math.inf),
            "weights must be positive; leave such respondents out with filters:",
            "invalid-weight",
        )
        weight = np.where(need & (weight > 0), weight, 0.0)
    strata = ([""], np.zeros(in_design.shape[0], dtype=np.int64))
    for column in (spec.strata, spec.cluster):
        if column is not None:
            values, _ = columns[column]
            blank = np.asarray([not v.strip() for v in [*values, ""]])[columns[column][1]]
            refuse(
                f"design column '{column}' is blank",
                in_design & blank,
                "every response row needs its stratum and cluster",
                "missing-design-value",
            )
    if spec.strata is not None:
        strata = _labels(columns[spec.strata])
    fpc = _numbers(columns[spec.fpc]) if spec.fpc is not None else None
    if fpc is not None:
        refuse(
            f"fpc column '{spec.fpc}' is blank or not a positive number",
            in_design & ~(fpc > 0),
            "give each stratum's population size (or sampling fraction) on every row",
            "invalid-fpc",
        )
    return _file_keys(spec, strata, columns, in_design, analysed, weight, fpc, rows, name)


def _file_keys(
    spec: SurveyDesign,
    strata: tuple[list[str], np.ndarray],
    columns: dict[str, _Column],
    in_design: np.ndarray,
    analysed: np.ndarray,
    weight: np.ndarray,
    fpc: np.ndarray | None,
    rows: Callable[[np.ndarray], list[int]],
    name: str,
) -> FileDesign:
    stratum_keys, stratum = strata
    if spec.cluster is not None:
        cluster_keys, cluster = _labels(columns[spec.cluster])
        units = len(cluster_keys)
    else:  # every row its own PSU
        cluster, units = np.arange(in_design.shape[0], dtype=np.int64), in_design.shape[0]
    pair = stratum * units + cluster
    design_rows = np.flatnonzero(in_design)
    used, first = np.unique(pair[design_rows], return_index=True)
    clusters = None if spec.cluster is None else [cluster_keys[p % units] for p in used.tolist()]
    fpcs = fpc[design_rows[first]] if fpc is not None else np.full(used.size, math.nan)
    psu = np.searchsorted(used, pair[analysed])
    return FileDesign(
        stratum_keys,
        used // units,
        clusters,
        fpcs,
        weight[analysed],
        psu.astype(np.int64),
        rows,
        name,
    )


def combine_designs(
    spec: SurveyDesign, parts: Sequence[FileDesign], schema: str, out: ProblemCollector
) -> DesignData:
    """Put the files' designs together: one PSU per (stratum, cluster) key over all
    files; each stratum's fpc checked for one value; weights derived from the fpc
    (N_h / n_h) when there is no weight column, as ``svydesign`` does."""
    stratum_labels = sorted({p.strata[h] for p in parts for h in np.unique(p.psu_stratum).tolist()})
    position = {s: i for i, s in enumerate(stratum_labels)}
    of_part = [np.asarray([position.get(s, -1) for s in p.strata], dtype=np.int64) for p in parts]
    merged = _row_psus if spec.cluster is None else _cluster_psus
    psu_parts, psu_stratum, psu_fpcs = merged(parts, of_part)
    psus = psu_stratum.size
    psu = np.concatenate(psu_parts) if psu_parts else np.empty(0, dtype=np.int64)
    weight = np.concatenate([p.weight for p in parts]) if parts else np.empty(0)
    lonely = _lonely(stratum_labels, np.bincount(psu_stratum), bool(psu.size), schema, out)
    _check_degf(psus, len(stratum_labels), bool(psu.size and not lonely), schema, out)
    psu_fpc = None
    if spec.fpc is not None:
        n_h = np.bincount(psu_stratum, minlength=len(stratum_labels))
        psu_fpc = _stratum_fpc(spec.fpc, psu_stratum, psu_fpcs, stratum_labels, n_h, schema, out)
        if spec.weight is None and psu_fpc is not None:
            n_h = np.bincount(psu_stratum)[psu_stratum]
            per_psu = np.where(psu_fpc > 1, psu_fpc / n_h, 1.0 / psu_fpc)
            weight = per_psu[psu]
    return DesignData(spec, weight, psu, psu_stratum, psu_fpc, tuple(stratum_labels))


def grouped_design(
    spec: SurveyDesign,
    stratum_labels: list[str],
    sizes: np.ndarray,
    fpc: np.ndarray | None,
    schema: str,
    out: ProblemCollector,
) -> DesignData:
    """The design of respondents who are each their own PSU (no cluster), known by the
    number of them in each stratum (``sizes``, rows left out by filters included) and
    each stratum's one fpc: checked as :func:`combine_designs` checks the design of
    every respondent (``stratum_labels`` sorted, every stratum with a PSU; the design's
    weights given, not derived from the fpc)."""
    assert spec.cluster is None and (spec.weight is not None or spec.fpc is None)
    lonely = _lonely(stratum_labels, sizes, bool(sizes.sum()), schema, out)
    _check_degf(int(sizes.sum()), len(stratum_labels), not lonely, schema, out)
    stratum_fpc = None
    if spec.fpc is not None and fpc is not None:
        strata = np.arange(len(stratum_labels))
        stratum_fpc = _stratum_fpc(spec.fpc, strata, fpc, stratum_labels, sizes, schema, out)
    empty = np.empty(0, dtype=np.int64)
    return DesignData(
        spec,
        np.empty(0),
        empty,
        empty,
        stratum_fpc,
        tuple(stratum_labels),
        stratum_sizes=np.asarray(sizes, dtype=np.int64),
    )


def _lonely(
    labels: list[str], n_h: np.ndarray, respondents: bool, schema: str, out: ProblemCollector
) -> list[str]:
    """The strata of a single PSU, reported (when the design has respondents)."""
    lonely = [labels[h] for h in np.flatnonzero(n_h == 1)]
    if lonely and respondents:
        named = ", ".join(f"'{s}'" for s in lonely[:5]) if lonely != [""] else "the design"
        out.add(
            f"{'stratum ' if lonely != [''] else ''}{named} has a single PSU: its "
            "variance cannot be estimated",
            file=schema,
            hint="merge it with a neighbouring stratum, as R's survey.lonely.psu='fail' asks",
            code="single-psu-stratum",
        )
    return lonely


def _check_degf(psus: int, strata: int, check: bool, schema: str, out: ProblemCollector) -> None:
    degf = psus - strata
    if check and degf < 2:
        out.add(
            f"the design has {psus} PSUs in {strata} strata: "
            f"{degf} degree(s) of freedom, too few for a t-test of a gap (needs 2)",
            file=schema,
            hint="a design needs at least two more PSUs (clusters) than strata",
            code="too-few-psus",
        )


def _row_psus(
    parts: Sequence[FileDesign], of_part: list[np.ndarray]
) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """Each file's respondents' PSUs, and each PSU's stratum (its index in the labels of
    every file) and fpc, when a PSU is a row of one file: the files' PSUs one after
    another."""
    start = np.cumsum([0] + [p.psu_stratum.size for p in parts])
    psu_parts = [p.psu + start[i] for i, p in enumerate(parts)]
    strata = [of[p.psu_stratum] for of, p in zip(of_part, parts, strict=True)]
    psu_stratum = np.concatenate(strata or [np.empty(0, dtype=np.int64)])
    return psu_parts, psu_stratum, np.concatenate([p.fpc for p in parts] or [np.empty(0)])


def _cluster_psus(
    parts: Sequence[FileDesign], of_part: list[np.ndarray]
) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """As :func:`_row_psus` when a PSU is a (stratum, cluster) pair: one PSU per pair
    over all files, its fpc the first file's."""
    index: dict[tuple[int, str], int] = {}
    strata: list[int] = []
    fpcs: list[float] = []
    psu_parts = []
    for of, part in zip(of_part, parts, strict=True):
        assert part.clusters is not None
        pairs = zip(of[part.psu_stratum].tolist(), part.clusters, part.fpc.tolist(), strict=True)
        local = np.empty(len(part.clusters), dtype=np.int64)
        for i, (h, cluster, fpc) in enumerate(pairs):
            local[i] = index.setdefault((h, cluster), len(index))
            if local[i] == len(strata):  # a new PSU
                strata.append(h)
                fpcs.append(fpc)
        psu_parts.append(local[part.psu])
    return psu_parts, np.asarray(strata, dtype=np.int64), np.asarray(fpcs, dtype=np.float64)


def _stratum_fpc(
    column: str,
    psu_stratum: np.ndarray,
    values: np.ndarray,
    labels: list[str],
    n_h: np.ndarray,
    schema: str,
    out: ProblemCollector,
) -> np.ndarray | None:
    """Each PSU's fpc (``values``), checked for one value per stratum (of ``n_h``
    PSUs) and a population of at least its PSUs; None when not."""
    ok = True
    for h, label in enumerate(labels):
        mine = values[psu_stratum == h]
        where = f"stratum '{label}'" if label else "the design"
        if np.unique(mine).shape[0] > 1:
            shown = ", ".join(f"{v:g}" for v in np.unique(mine)[:5])
            out.add(
                f"fpc column '{column}' varies within {where} ({shown})",
                file=schema,
                hint="the fpc is one population size per stratum",
                code="invalid-fpc",
            )
            ok = False
        elif mine.size and 1 < mine[0] < n_h[h]:
            out.add(
                f"fpc column '{column}' gives {where} a population of {mine[0]:g}, fewer "
                f"than its {n_h[h]} sampled units",
                file=schema,
                hint="in a cluster design the fpc counts the population's clusters",
                code="invalid-fpc",
            )
            ok = False
    return values if ok else None
