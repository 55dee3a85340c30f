"""A paired question's segment views and level tables, against direct selections."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from gapscan.pairing import AnsweredRows, QuestionPairs, level_tables


@st.composite
def accounts_and_groups(draw: st.DrawFn) -> tuple[int, np.ndarray, int]:
    n = draw(st.integers(1, 40))
    groups = draw(st.sampled_from([1, 2, 5, 17, 40]))  # both ways of splitting
    group = np.array(draw(st.lists(st.integers(0, groups - 1), min_size=n, max_size=n)))
    return n, group, groups


def pairs_of(
    accounts: np.ndarray, vendor_only: np.ndarray, customer_only: np.ndarray
) -> QuestionPairs:
    n = accounts.size
    values = np.arange(n, dtype=np.float64)
    return QuestionPairs(
        account=accounts,
        vendor_score=values,
        customer_score=-values,
        vendor_top=values / 10,
        customer_top=values / 20,
        vendor_n=np.arange(n) + 1,
        customer_n=np.arange(n) + 2,
        vendor_only=vendor_only,
        vendor_only_n=vendor_only + 3,
        customer_only=customer_only,
        customer_only_n=customer_only + 4,
        vendor_level=values + 0.5,
        customer_level=values + 0.25,
    )


@settings(max_examples=200, deadline=None)
@given(case=accounts_and_groups(), data=st.data())
def test_segment_views_are_the_pairs_of_each_group(
    case: tuple[int, np.ndarray, int], data: st.DataObject
) -> None:
    n, group, groups = case
    role = np.array(data.draw(st.lists(st.integers(0, 3), min_size=n, max_size=n)))
    pairs = pairs_of(*(np.flatnonzero(role == r) for r in (0, 1, 2)))
    views = pairs.by_group(group, groups)
    assert len(views) == groups
    for g, view in enumerate(views):
        keep = group[pairs.account] == g
        assert view.account.tolist() == pairs.account[keep].tolist()
        assert view.vendor_score.tolist() == pairs.vendor_score[keep].tolist()
        assert view.customer_n.tolist() == pairs.customer_n[keep].tolist()
        assert view.vendor_level is not None and pairs.vendor_level is not None
        assert view.vendor_level.tolist() == pairs.vendor_level[keep].tolist()
        v_keep, c_keep = group[pairs.vendor_only] == g, group[pairs.customer_only] == g
        assert view.vendor_only.tolist() == pairs.vendor_only[v_keep].tolist()
        assert view.vendor_only_n.tolist() == pairs.vendor_only_n[v_keep].tolist()
        assert view.customer_only_n.tolist() == pairs.customer_only_n[c_keep].tolist()


@settings(max_examples=200, deadline=None)
@given(case=accounts_and_groups(), data=st.data())
def test_level_tables_count_the_answers_of_the_chosen_accounts(
    case: tuple[int, np.ndarray, int], data: st.DataObject
) -> None:
    n, group, groups = case
    k = data.draw(st.integers(2, 6))
    answers = data.draw(
        st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, 1), st.integers(0, k - 1)))
    )
    chosen = np.flatnonzero(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    cell = np.array([2 * a + s for a, s, _ in answers], dtype=np.int64)
    level = np.array([lv for _, _, lv in answers], dtype=np.int64)
    whole, by_group = level_tables(AnsweredRows(cell, level), k, chosen, [(group, groups)])
    expected = np.zeros((groups, 2, k), dtype=np.int64)
    for account, side, lv in answers:
        if account in chosen:
            expected[group[account], side, lv] += 1
    assert by_group.tolist() == expected.tolist()
    assert whole.tolist() == expected.sum(axis=0).tolist()
