"""Statistics on count tables: pure functions, no I/O, no pandas.

Each function is held to its reference implementation (statsmodels or scipy) by the
test suite, to 1e-9. They are written here, rather than called from those libraries,
because importing ``scipy.stats`` or ``statsmodels`` costs about a second, more than a
whole analysis of 10,000 respondents (see ``benchmarks/RESULTS.md``).
"""

from gapscan.stats.multiplicity import adjust_pvalues
from gapscan.stats.proportions import (
    GapDifference,
    TopBoxComparison,
    cohens_h,
    compare_estimates,
    compare_gaps,
    compare_top_box,
    fisher_exact_2x2,
    min_expected_count,
    newcombe_interval,
    two_proportion_ztest,
    wilson_interval,
)
from gapscan.stats.ranks import MeanComparison, compare_means, mann_whitney_from_counts

__all__ = [
    "GapDifference",
    "MeanComparison",
    "TopBoxComparison",
    "adjust_pvalues",
    "cohens_h",
    "compare_estimates",
    "compare_gaps",
    "compare_means",
    "compare_top_box",
    "fisher_exact_2x2",
    "mann_whitney_from_counts",
    "min_expected_count",
    "newcombe_interval",
    "two_proportion_ztest",
    "wilson_interval",
]
