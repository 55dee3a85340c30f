"""Adjusted p-values, held to ``statsmodels.stats.multitest.multipletests`` to 1e-9."""

from __future__ import annotations

from unittest import mock

import numpy as np
import pytest
import statsmodels.stats.multitest as sm_multitest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from gapscan.stats import adjust_pvalues
from gapscan.survey import Correction

TOL = 1e-9
PROPERTY = settings(max_examples=300, deadline=None)

# gapscan method -> statsmodels method
REFERENCE = {"holm": "holm", "bh": "fdr_bh", "bonferroni": "bonferroni"}
ADJUSTING = sorted(REFERENCE)


def reference(p: list[float], method: str) -> np.ndarray:
    # multipletests runs gc.collect() on every call (Holm branch), up to ~0.1 s in a test
    # process full of objects; it does not affect the result, so it is skipped here.
    with mock.patch("gc.collect", lambda *args: 0):
        adjusted = sm_multitest.multipletests(
            np.asarray(p, dtype=np.float64), method=REFERENCE[method]
        )[1]
    return adjusted


def assert_close(got: list[float], ref: np.ndarray | list[float]) -> None:
    assert len(got) == len(ref)
    np.testing.assert_allclose(np.asarray(got), np.asarray(ref), rtol=TOL, atol=TOL)


# Families of p-values with many ties, exact zeros and ones, and tiny values.
special = st.sampled_from([0.0, 1.0, 0.05, 0.5, 1e-300, 5e-324, 0.01, 0.049999999999999996])
p_value = st.one_of(special, st.floats(0.0, 1.0), st.floats(0.0, 1e-3))
families = st.lists(p_value, min_size=1, max_size=60)


@pytest.mark.parametrize("method", ADJUSTING)
@PROPERTY
@given(p=families)
@example(p=[0.0, 0.0, 1.0, 1.0])
@example(p=[0.01, 0.01, 0.01])
@example(p=[1.0])
@example(p=[0.0])
def test_matches_statsmodels(method: str, p: list[float]) -> None:
    assert_close(adjust_pvalues(p, method), reference(p, method))


@pytest.mark.parametrize("method", ADJUSTING)
@pytest.mark.parametrize(
    "p",
    [
        [0.04, 0.01, 0.04, 0.03, 0.01],  # ties, out of order
        [0.0, 0.2, 0.0, 1.0, 0.2, 1.0],  # zeros and ones, tied
        [1.0, 1.0, 1.0],
        [0.0, 0.0, 0.0],
        [0.3, 0.3, 0.3, 0.3, 0.3],
        [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.0],
        [0.5, 1e-300, 0.5, 5e-324],
    ],
)
def test_ties_zeros_and_ones_match_statsmodels(method: str, p: list[float]) -> None:
    assert_close(adjust_pvalues(p, method), reference(p, method))


@PROPERTY
@given(p=families)
def test_none_leaves_p_values_unchanged(p: list[float]) -> None:
    assert adjust_pvalues(p, "none") == p


@pytest.mark.parametrize("method", ADJUSTING)
@PROPERTY
@given(p=families)
@example(p=[0.0, 0.0, 0.7])  # BH: 0.7 * 3 / 3 must not round below 0.7
@example(p=[0.7, 0.7, 0.7])
def test_adjusted_p_values_are_valid_and_keep_the_order(method: str, p: list[float]) -> None:
    adjusted = adjust_pvalues(p, method)
    assert len(adjusted) == len(p)
    for raw, adj in zip(p, adjusted, strict=True):
        assert 0.0 <= adj <= 1.0
        assert adj >= raw
    for i, (p_i, adj_i) in enumerate(zip(p, adjusted, strict=True)):
        for p_j, adj_j in zip(p[i + 1 :], adjusted[i + 1 :], strict=True):
            if p_i < p_j:
                assert adj_i <= adj_j
            elif p_i > p_j:
                assert adj_i >= adj_j
            else:
                assert adj_i == adj_j  # tied p-values get the same adjusted value


@pytest.mark.parametrize("method", [*ADJUSTING, "none"])
def test_empty_family(method: str) -> None:
    assert adjust_pvalues([], method) == []


@pytest.mark.parametrize("method", list(Correction))
def test_accepts_the_correction_enum(method: Correction) -> None:
    p = [0.01, 0.04, 0.03, 0.2]
    assert adjust_pvalues(p, method) == adjust_pvalues(p, method.value)


def test_unknown_method_is_rejected() -> None:
    with pytest.raises(ValueError):
        adjust_pvalues([0.1, 0.2], "sidak")
