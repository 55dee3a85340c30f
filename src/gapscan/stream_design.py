"""The design of a streamed run (:mod:`gapscan.count_first`) added to batch by batch:
a design whose respondents are its PSUs (no cluster) needs of them only the number of
response rows in each stratum (:class:`Strata`) and, per question and breakdown, the
respondents, Σ w and Σ w² of each segment value x side x stratum x level
(:class:`Sums`), the cells ``gapscan.counts.grouped_cells`` makes of held responses.
A design with a cluster needs its PSUs (stratum x cluster pairs, :class:`Clusters`)
and the same sums per segment value x side x PSU x level, the cells
``gapscan.counts.summed_cells`` makes: as many as the clusters, not the rows."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from gapscan.counts import DesignCells
from gapscan.design_data import DesignData, FileDesign, combine_designs, grouped_design
from gapscan.errors import ProblemCollector
from gapscan.survey import Survey

CELL_BUDGET = 1 << 22  # design cells a streamed run adds into (3 numbers each)


def add_into(total: np.ndarray, part: np.ndarray) -> np.ndarray:
    """``total`` with ``part`` added at its start, ``total`` grown in every dimension
    where ``part`` is larger (new segment values, strata, a numeric question's values)."""
    if any(a > b for a, b in zip(part.shape, total.shape, strict=True)):
        grown = np.zeros(np.maximum(part.shape, total.shape), dtype=total.dtype)
        grown[tuple(slice(0, size) for size in total.shape)] = total
        total = grown
    total[tuple(slice(0, size) for size in part.shape)] += part
    return total


class Sums:
    """A question's design cells in one breakdown: respondents, Σ w and Σ w² per
    ``[key, side, stratum, level]`` (``[key, side, PSU, level]`` with a cluster),
    growing as batches bring new keys, strata (PSUs) and levels. Each batch's
    respondents are added one after another onto the totals so far (``np.add.at``), in
    the order of the rows: the sums are those of one pass over all the rows, as
    ``gapscan.counts.grouped_cells`` (``summed_cells``) sums the held responses, to the
    last bit."""

    def __init__(self, levels: int) -> None:
        self.n = np.zeros((0, 2, 0, levels), dtype=np.int64)
        self.w = np.zeros((0, 2, 0, levels))
        self.w2 = np.zeros((0, 2, 0, levels))

    @property
    def size(self) -> int:
        return int(self.n.size)

    def size_after(self, shape: tuple[int, int, int, int]) -> int:
        """The cells there will be once a batch of cells ``shape`` is added."""
        return int(np.prod(np.maximum(shape, self.n.shape)))

    def add(
        self,
        key: np.ndarray,
        side: np.ndarray,
        stratum: np.ndarray,
        level: np.ndarray,
        w: np.ndarray,
        shape: tuple[int, int, int, int],
    ) -> None:
        if any(a > b for a, b in zip(shape, self.n.shape, strict=True)):
            for name in ("n", "w", "w2"):
                total = getattr(self, name)
                setattr(self, name, add_into(np.zeros(shape, dtype=total.dtype), total))
        _, _, strata, levels = self.n.shape
        cell = ((key.astype(np.int64) * 2 + side) * strata + stratum) * levels + level
        np.add.at(self.n.reshape(-1), cell, 1)
        np.add.at(self.w.reshape(-1), cell, w)
        np.add.at(self.w2.reshape(-1), cell, w * w)

    def cells(
        self,
        keys: np.ndarray,
        strata: np.ndarray,
        levels: np.ndarray | None,
        k: int,
        psu_stratum: np.ndarray | None = None,
    ) -> DesignCells:
        """The cells with respondents, sorted by segment, side, stratum and level, as
        :func:`gapscan.counts.grouped_cells` gives them: ``keys``, ``strata`` and
        ``levels`` place the keys, strata and levels met in their report order. With
        ``psu_stratum`` (each PSU's stratum) the strata are PSUs, ``strata`` places
        them in the design's order, and the cells are those
        :func:`gapscan.counts.summed_cells` gives."""
        shape = (keys.size, 2, strata.size, k)
        met_keys, _, met_strata, met_levels = self.n.shape
        place = np.ix_(
            keys[:met_keys],
            np.arange(2),
            strata[:met_strata],
            np.arange(met_levels) if levels is None else levels[:met_levels],
        )
        n, w, w2 = (np.zeros(shape, dtype=a.dtype) for a in (self.n, self.w, self.w2))
        for total, met in ((n, self.n), (w, self.w), (w2, self.w2)):
            total[place] = met
        cells = np.flatnonzero(n)
        segment, side, unit, level = np.unravel_index(cells, shape)
        clustered = psu_stratum is not None
        return DesignCells(
            segment=segment,
            side=side,
            stratum=unit if psu_stratum is None else psu_stratum[unit],
            psu=unit if clustered else np.full(cells.size, -1, dtype=np.int64),
            level=level,
            n=n.reshape(-1)[cells],
            weight_sum=w.reshape(-1)[cells],
            weight_sq_sum=w2.reshape(-1)[cells],
            grouped=not clustered,
        )


@dataclass(frozen=True)
class RowDesign:
    """A batch's respondents' strata (codes in the order met, of ``strata`` so far; with
    a cluster, their PSUs and the PSUs so far) and weights."""

    stratum: np.ndarray
    weight: np.ndarray
    strata: int


@dataclass
class Strata:
    """The design's strata met so far (folded keys, in the order met), with the
    response rows (PSUs) of each and each one's fpc (nan: none met yet)."""

    fpc_column: bool
    index: dict[str, int] = field(default_factory=dict)
    sizes: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    fpc: np.ndarray = field(default_factory=lambda: np.zeros(0))

    def add(self, part: FileDesign) -> RowDesign | None:
        """A batch's design (:func:`gapscan.design_data.read_file_design`): its PSUs
        counted in their strata; its respondents' strata and weights. None when a
        stratum's fpc is not one value (the held path says which)."""
        code = np.full(len(part.strata), -1, dtype=np.int64)
        for h in np.unique(part.psu_stratum).tolist():
            code[h] = self.index.setdefault(part.strata[h], len(self.index))
        psu_code = code[part.psu_stratum]
        strata = len(self.index)
        self.sizes = add_into(self.sizes, np.bincount(psu_code, minlength=strata))
        if self.fpc_column:
            known = np.full(strata, np.nan)
            known[: self.fpc.size] = self.fpc
            first = np.isnan(known[psu_code])
            known[psu_code[first]] = part.fpc[first]
            if bool((part.fpc != known[psu_code]).any()):
                return None
            self.fpc = known
        return RowDesign(psu_code[part.psu], part.weight, strata)

    def design(self, survey: Survey) -> Found | None:
        """The design, and the place of each stratum met in its order; None when it is
        not clean (a stratum of one PSU, too few PSUs, an fpc below a stratum's PSUs)."""
        assert survey.design is not None
        labels = sorted(self.index)
        place = {label: h for h, label in enumerate(labels)}
        order = np.asarray([place[key] for key in self.index], dtype=np.int64)
        sizes = np.zeros(len(labels), dtype=np.int64)
        sizes[order] = self.sizes
        fpc = None
        if self.fpc_column:
            fpc = np.zeros(len(labels))
            fpc[order] = self.fpc
        out = ProblemCollector()
        data = grouped_design(survey.design, labels, sizes, fpc, str(survey.path), out)
        return None if out.problems else Found(data, order)


@dataclass(frozen=True)
class Found:
    """A streamed run's design, and where the strata (PSUs) met go in its order: the
    cells' third axis placed (``Sums.cells``); ``psu_stratum``: each PSU's stratum,
    with a cluster."""

    data: DesignData
    place: np.ndarray
    psu_stratum: np.ndarray | None = None


@dataclass
class Clusters:
    """The design's PSUs met so far, stratum x cluster pairs (folded keys) in the order
    met, with the first file (``file``, the one read now) each is in and its fpc
    there: the first row's of it, as :func:`gapscan.design_data.combine_designs`
    takes it. The held path numbers the PSUs file by file, each file's new ones sorted
    by stratum and cluster (:func:`gapscan.design_data.read_file_design`); so does
    :meth:`design`, whatever the order the batches met them in."""

    index: dict[tuple[str, str], int] = field(default_factory=dict)
    first_file: list[int] = field(default_factory=list)
    fpc: list[float] = field(default_factory=list)
    file: int = 0

    def add(self, part: FileDesign) -> RowDesign:
        """A batch's design: its PSUs numbered in the order met; its respondents' PSUs
        and weights."""
        assert part.clusters is not None
        pairs = zip(part.psu_stratum.tolist(), part.clusters, part.fpc.tolist(), strict=True)
        psu = np.empty(len(part.clusters), dtype=np.int64)
        for i, (h, cluster, fpc) in enumerate(pairs):
            psu[i] = code = self.index.setdefault((part.strata[h], cluster), len(self.index))
            if code == len(self.fpc):  # a new PSU
                self.first_file.append(self.file)
                self.fpc.append(fpc)
        return RowDesign(psu[part.psu], part.weight, len(self.index))

    def design(self, survey: Survey) -> Found | None:
        """The design, its PSUs in the held path's order; None when it is not clean."""
        assert survey.design is not None
        keys = list(self.index)
        order = sorted(range(len(keys)), key=lambda p: (self.first_file[p], keys[p]))
        place = np.empty(len(keys), dtype=np.int64)
        place[order] = np.arange(len(keys))
        labels = sorted({stratum for stratum, _ in keys})
        position = {label: h for h, label in enumerate(labels)}
        psus = len(keys)
        part = FileDesign(
            labels,
            np.asarray([position[keys[p][0]] for p in order], dtype=np.int64),
            [keys[p][1] for p in order],
            np.asarray([self.fpc[p] for p in order], dtype=np.float64),
            np.ones(psus),  # the respondents were summed into their cells: none is kept
            np.arange(psus, dtype=np.int64),
            lambda rows: [],
            str(survey.path),
        )
        out = ProblemCollector()
        data = combine_designs(survey.design, [part], str(survey.path), out)
        return None if out.problems else Found(data, place, data.psu_stratum)
