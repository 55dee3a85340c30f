"""Order statistics of Walsh sums d_i + d_j (i <= j) without forming all of them.

Paired differences take few distinct values (differences of scale scores, or of the
means of a few answers), so the n(n+1)/2 sums are counted over the m distinct values
u_1 < ... < u_m with counts c_a: the sum u_a + u_b (a <= b) stands for c_a c_b sums
when a < b and c_a (c_a + 1) / 2 when a = b. Each weighted sum is the same float as
every d_i + d_j it stands for, so order statistics found here are exactly those of the
sorted sums. Up to ``MATERIALISE_LIMIT`` distinct sums are formed explicitly and
ranked through cumulative weights; beyond that, a weighted selection over the rows of
the (sorted) sum matrix narrows the candidates first.
"""

from __future__ import annotations

import numpy as np

# Up to this many distinct Walsh sums (pairs a <= b of distinct values) are formed
# explicitly; larger sets are narrowed by selection first.
MATERIALISE_LIMIT = 1 << 20
# Selection stops and sorts the candidate cells left when there are this few.
SELECTION_CELLS = 1 << 16


def walsh_sum_order_statistics(d: np.ndarray, ranks: list[int]) -> list[float]:
    """The given order statistics (0-based ranks) of the sums d_i + d_j, i <= j, of
    sorted d: exactly the elements at those positions of the sorted sums."""
    starts = np.flatnonzero(np.concatenate(([True], d[1:] != d[:-1])))
    values = d[starts]
    counts = np.diff(np.append(starts, d.size)).astype(np.int64)
    return walsh_sums_of_counted(values, counts, ranks)


def walsh_sums_of_counted(values: np.ndarray, counts: np.ndarray, ranks: list[int]) -> list[float]:
    """:func:`walsh_sum_order_statistics` of the differences given as their distinct
    values u_1 < ... < u_m and counts c_a (each at least 1)."""
    m = values.size
    rows = np.arange(m)
    if m * (m + 1) // 2 <= MATERIALISE_LIMIT:
        return _select_materialised(values, counts, _Rows(rows, rows, np.full(m, m)), ranks)
    found = {rank: _select(values, counts, rank) for rank in set(ranks)}
    return [found[rank] for rank in ranks]


class _Rows:
    """Rows a of the sum matrix u_a + u_b with candidates in columns lo_a <= b < hi_a."""

    def __init__(self, row: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> None:
        self.row, self.lo, self.hi = row, lo, hi

    def weights(self, counts: np.ndarray, hi: np.ndarray) -> np.ndarray:
        """Per row, how many sums d_i + d_j the columns lo_a <= b < hi[a] stand for."""
        cumulative = np.concatenate(([0], np.cumsum(counts)))
        c = counts[self.row]
        weights: np.ndarray = c * (cumulative[hi] - cumulative[self.lo])
        # the diagonal cell b = a (in range when lo_a = a < hi_a) holds c_a (c_a + 1) / 2
        diagonal = (self.lo == self.row) & (hi > self.row)
        weights[diagonal] -= c[diagonal] * (c[diagonal] - 1) // 2
        return weights


def _cells(values: np.ndarray, counts: np.ndarray, rows: _Rows) -> tuple[np.ndarray, np.ndarray]:
    """Every candidate cell's sum u_a + u_b and how many Walsh sums it stands for."""
    width = rows.hi - rows.lo
    total = int(width.sum())
    row = np.repeat(rows.row, width)
    first = np.repeat(rows.lo - (np.cumsum(width) - width), width)
    column = first + np.arange(total)
    sums: np.ndarray = values[row] + values[column]
    weights = counts[row] * counts[column]
    diagonal = row == column
    weights[diagonal] = counts[row[diagonal]] * (counts[row[diagonal]] + 1) // 2
    return sums, weights


def _select_materialised(
    values: np.ndarray, counts: np.ndarray, rows: _Rows, ranks: list[int]
) -> list[float]:
    """Order statistics (ranks within the candidates) of the candidate cells."""
    sums, weights = _cells(values, counts, rows)
    order = np.argsort(sums, kind="stable")
    through = np.cumsum(weights[order])  # sums up to and including each cell, in order
    at = np.searchsorted(through, np.asarray(ranks, dtype=np.int64), side="right")
    return [float(s) for s in sums[order][at]]


def _boundaries(values: np.ndarray, rows: _Rows, pivot: float, *, strict: bool) -> np.ndarray:
    """Per row a, the first column b in [lo_a, hi_a) with u_a + u_b >= pivot (> if not
    strict). A binary search for pivot - u_a gives each row's boundary up to rounding;
    it is then moved to the exact one, comparing the rounded sums themselves (each
    row's sums are non-decreasing in b, and distinct values leave only a step or two)."""
    m = values.size
    u = values[rows.row]
    column = np.searchsorted(values, pivot - u, side="left" if strict else "right")
    while True:
        before = u + values[np.maximum(column - 1, 0)]
        at = u + values[np.minimum(column, m - 1)]
        if strict:
            down, up = (column > 0) & (before >= pivot), (column < m) & (at < pivot)
        else:
            down, up = (column > 0) & (before > pivot), (column < m) & (at <= pivot)
        if not (down.any() or up.any()):
            bounded: np.ndarray = np.clip(column, rows.lo, rows.hi)
            return bounded
        column = column - down + up


def _select(values: np.ndarray, counts: np.ndarray, rank: int) -> float:
    """The rank-th smallest (0-based) Walsh sum, by weighted selection over the rows.

    In the spirit of Monahan (1984, ACM TOMS 10:265-270, Algorithm 616) and Johnson &
    Mitchell (1978): the candidates of row a are the columns lo_a <= b < hi_a, a
    contiguous run because each row is sorted. Two pivots drawn from a sample of the
    candidate cells bracket the rank; every row is cut to the cells between them (or to
    the side that holds the rank, when the bracket misses it), until few enough cells
    remain to form; rows left without candidates drop out. When a bracket removes
    nothing, one random cell is the pivot instead (Monahan's step), which always
    removes one. The generator has a fixed seed, so runs are reproducible; the answer
    does not depend on the pivots. O(m log m) per round, a few rounds.
    """
    m = values.size
    rows = _Rows(np.arange(m), np.arange(m), np.full(m, m))
    rng = np.random.default_rng(0)
    final = min(MATERIALISE_LIMIT, SELECTION_CELLS)
    stalled = False
    while True:
        width = rows.hi - rows.lo
        live = width > 0
        rows, cumulative = (
            _Rows(rows.row[live], rows.lo[live], rows.hi[live]),
            np.cumsum(width[live]),
        )
        if int(cumulative[-1]) <= final:
            return _select_materialised(values, counts, rows, [rank])[0]
        sample = _sample(values, counts, rows, cumulative, rng, 1 if stalled else _SAMPLE)
        low, high = _bracket(*sample, rank / int(rows.weights(counts, rows.hi).sum()))
        below = _boundaries(values, rows, low, strict=True)
        through = _boundaries(values, rows, high, strict=False)
        n_below = int(rows.weights(counts, below).sum())
        n_through = int(rows.weights(counts, through).sum())
        stalled = False
        if rank < n_below:
            rows = _Rows(rows.row, rows.lo, below)
        elif rank >= n_through:
            rank -= n_through
            rows = _Rows(rows.row, through, rows.hi)
        elif low == high:
            return low
        else:
            rank -= n_below
            stalled = bool((below == rows.lo).all() and (through == rows.hi).all())
            rows = _Rows(rows.row, below, through)


# Cells sampled per selection round to place the two pivots, and how far either side
# of the rank's share they go (about five standard errors of a sampled share).
_SAMPLE = 4096
_SPREAD = 2.5 / _SAMPLE**0.5


def _sample(
    values: np.ndarray,
    counts: np.ndarray,
    rows: _Rows,
    cumulative: np.ndarray,
    rng: np.random.Generator,
    size: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Sums and weights of ``size`` candidate cells drawn uniformly, sorted by sum."""
    position = rng.integers(int(cumulative[-1]), size=size)
    r = np.searchsorted(cumulative, position, side="right")
    row, column = rows.row[r], rows.hi[r] - (cumulative[r] - position)
    sums = values[row] + values[column]
    weights = np.where(
        row == column, counts[row] * (counts[row] + 1) // 2, counts[row] * counts[column]
    )
    order = np.argsort(sums, kind="stable")
    return sums[order], weights[order]


def _bracket(sums: np.ndarray, weights: np.ndarray, share: float) -> tuple[float, float]:
    """Two sampled sums either side of the given share of the sample's weight."""
    through = np.cumsum(weights)
    targets = np.array([share - _SPREAD, share + _SPREAD]) * float(through[-1])
    low, high = np.minimum(np.searchsorted(through, targets), sums.size - 1)
    return float(sums[low]), float(sums[high])
