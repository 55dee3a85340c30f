"""The design of a streamed run (:mod:`gapscan.count_first`) added to batch by batch:
a design whose respondents are its PSUs (no cluster) needs of them only the number of
response rows in each stratum (:class:`Strata`) and, per question and breakdown, the
respondents, Σ w and Σ w² of each segment value x side x stratum x level
(:class:`Sums`), the cells ``gapscan.counts.grouped_cells`` makes of held responses."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from gapscan.counts import DesignCells
from gapscan.design_data import DesignData, FileDesign, grouped_design
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
    ``[key, side, stratum, level]``, growing as batches bring new keys, strata and
    levels. Each batch's respondents are added one after another onto the totals so
    far (``np.add.at``), in the order of the rows: the sums are those of one pass over
    all the rows, as ``gapscan.counts.grouped_cells`` sums the held responses, to the
    last bit."""

    def __init__(self, levels: int) -> None:
        self.n = np.zeros((0, 2, 0, levels), dtype=np.int64)
        self.w = np.zeros((0, 2, 0, levels))
        self.w2 = np.zeros((0, 2, 0, levels))

    @property
    def size(self) -> int:
        return int(self.n.size)

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
        self, keys: np.ndarray, strata: np.ndarray, levels: np.ndarray | None, k: int
    ) -> DesignCells:
        """The cells with respondents, sorted by segment, side, stratum and level, as
        :func:`gapscan.counts.grouped_cells` gives them: ``keys``, ``strata`` and
        ``levels`` place the keys, strata and levels met in their report order."""
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
        segment, side, stratum, level = np.unravel_index(cells, shape)
        return DesignCells(
            segment=segment,
            side=side,
            stratum=stratum,
            psu=np.full(cells.size, -1, dtype=np.int64),
            level=level,
            n=n.reshape(-1)[cells],
            weight_sum=w.reshape(-1)[cells],
            weight_sq_sum=w2.reshape(-1)[cells],
            grouped=True,
        )


@dataclass(frozen=True)
class RowDesign:
    """A batch's respondents' strata (codes in the order met, of ``strata`` so far) and
    weights."""

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

    def design(self, survey: Survey) -> tuple[DesignData, np.ndarray] | None:
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
        return None if out.problems else (data, order)
