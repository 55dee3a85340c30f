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
# explicitly; larger sets are narrowed by selection first. A selection round costs
# about as much as sorting a few thousand sums, so both are small.
MATERIALISE_LIMIT = 1 << 14
# Selection stops and sorts the candidate cells left when there are this few.
SELECTION_CELLS = 1 << 14


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
    distinct = sorted(set(ranks))
    found = dict(zip(distinct, _select(values, counts, distinct), strict=True))
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
    order = np.argsort(sums)  # equal sums are interchangeable
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


def _select(values: np.ndarray, counts: np.ndarray, ranks: list[int]) -> list[float]:
    """The Walsh sums of the given ranks (0-based, increasing), narrowed together.

    The ranks a Hodges–Lehmann estimate needs (the middle two and the interval's ends)
    lie close together for large samples, so two pivots can bracket all of them at
    once: every row is cut to the cells between the pivots while the bracket holds
    every rank, and the cells left are formed and ranked once. When a bracket misses a
    rank, or the ranks span most of the cells left and those are still many, each rank
    is selected on its own from the rows left (:func:`_select_one`)."""
    m = values.size
    rows = _Rows(np.arange(m), np.arange(m), np.full(m, m))
    rng = np.random.default_rng(0)
    final = min(MATERIALISE_LIMIT, SELECTION_CELLS)
    offset = 0  # Walsh sums below the rows' candidates
    while True:
        rows, cells = _live(rows)
        if cells <= final:
            return _select_materialised(values, counts, rows, [r - offset for r in ranks])
        first, last = ranks[0] - offset, ranks[-1] - offset
        total = int(rows.weights(counts, rows.hi).sum())
        sums = _sample(values, counts, rows, rng, _SAMPLE)
        low, high = _bracket(sums, first / total, last / total)
        below = _boundaries(values, rows, low, strict=True)
        through = _boundaries(values, rows, high, strict=False)
        n_below = int(rows.weights(counts, below).sum())
        n_through = int(rows.weights(counts, through).sum())
        if not n_below <= first <= last < n_through:
            break
        if low == high:
            return [low] * len(ranks)
        kept = int((through - below).sum())
        offset += n_below
        rows = _Rows(rows.row, below, through)
        if kept > cells * 3 // 4:  # the ranks span most of what is left
            if kept <= 4 * final:
                return _select_materialised(values, counts, rows, [r - offset for r in ranks])
            break
    return [_select_one(values, counts, rows, rank - offset) for rank in ranks]


def _live(rows: _Rows) -> tuple[_Rows, int]:
    """The rows with candidates left, and how many candidate cells they have."""
    width = rows.hi - rows.lo
    live = width > 0
    return _Rows(rows.row[live], rows.lo[live], rows.hi[live]), int(width[live].sum())


def _select_one(values: np.ndarray, counts: np.ndarray, rows: _Rows, rank: int) -> float:
    """The rank-th smallest (0-based) Walsh sum among the rows' candidates, by weighted
    selection over the rows.

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
    rng = np.random.default_rng(0)
    final = min(MATERIALISE_LIMIT, SELECTION_CELLS)
    stalled = False
    while True:
        rows, cells = _live(rows)
        if cells <= final:
            return _select_materialised(values, counts, rows, [rank])[0]
        sums = _sample(values, counts, rows, rng, 1 if stalled else _SAMPLE)
        share = rank / int(rows.weights(counts, rows.hi).sum())
        low, high = _bracket(sums, share, share)
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


# Walsh sums sampled per selection round to place the two pivots, and how far either
# side of the ranks' shares they go (about five standard errors of a sampled share).
_SAMPLE = 1024
_SPREAD = 2.5 / _SAMPLE**0.5


def _sample(
    values: np.ndarray, counts: np.ndarray, rows: _Rows, rng: np.random.Generator, size: int
) -> np.ndarray:
    """``size`` Walsh sums among the rows' candidates, sorted, each cell drawn about as
    often as the sums it stands for (c_a c_b; the diagonal's c_a (c_a + 1) / 2 is drawn
    as c_a c_a, which only moves the pivots). Drawing cells uniformly instead would
    place the pivots badly when a few cells stand for most of the sums, as the
    differences of whole scores do among the means of many answers."""
    cumulative = np.concatenate(([0], np.cumsum(counts)))
    c = counts[rows.row]
    weight = c * (cumulative[rows.hi] - cumulative[rows.lo])
    through = np.cumsum(weight)
    position = rng.integers(int(through[-1]), size=size)
    r = np.searchsorted(through, position, side="right")
    within = (position - (through[r] - weight[r])) // c[r]  # a draw among row r's columns
    column = np.searchsorted(cumulative, cumulative[rows.lo[r]] + within, side="right") - 1
    sums: np.ndarray = np.sort(values[rows.row[r]] + values[column])
    return sums


def _bracket(sums: np.ndarray, first: float, last: float) -> tuple[float, float]:
    """Two sampled sums (sorted), below the share ``first`` of them and above the share
    ``last``."""
    size = sums.size
    low = min(max(int((first - _SPREAD) * size), 0), size - 1)
    high = min(max(int(np.ceil((last + _SPREAD) * size)), 0), size - 1)
    return float(sums[low]), float(sums[high])
