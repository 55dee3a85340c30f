"""--show-accounts: the most misjudged accounts, found without sorting every pair.

The reference is a full sort of every pair by (largest difference first, then label),
the order the report documents; ties in the difference are frequent (scores take few
values), so the labels decide who is shown at the cut.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from gapscan.paired_accounts import AccountNames, misjudged
from gapscan.paired_differences import Differences
from gapscan.pairing import QuestionPairs
from gapscan.report import AccountGap

LABEL = st.text(alphabet="aAbB-9 é", min_size=0, max_size=4)
SCORES = [1.0, 2.0, 3.0, 4.0, 5.0, 2.5, 11 / 3, -0.0, 0.0, 1 / 3 + 1e-13]
SCORE = st.sampled_from(SCORES)


def fully_sorted(pairs: QuestionPairs, labels: tuple[str, ...], count: int) -> list[AccountGap]:
    diff = pairs.vendor_score - pairs.customer_score
    names = [labels[i] for i in pairs.account]
    order = sorted(range(len(diff)), key=lambda i: (-diff[i], names[i]))[:count]
    return [
        AccountGap(
            account=names[i],
            vendor_score=float(pairs.vendor_score[i]),
            customer_score=float(pairs.customer_score[i]),
            difference=float(diff[i]),
            vendor_respondents=int(pairs.vendor_n[i]),
            customer_respondents=int(pairs.customer_n[i]),
        )
        for i in order
    ]


@st.composite
def question_pairs(draw: st.DrawFn) -> tuple[QuestionPairs, tuple[str, ...]]:
    labels = tuple(draw(st.lists(LABEL, min_size=1, max_size=40)))
    paired = draw(st.lists(st.booleans(), min_size=len(labels), max_size=len(labels)))
    account = np.flatnonzero(paired)
    n = account.size
    scores = st.lists(SCORE, min_size=n, max_size=n)
    sizes = st.lists(st.integers(1, 4), min_size=n, max_size=n)
    empty = np.zeros(0, dtype=np.int64)
    vendor, customer = np.array(draw(scores)), np.array(draw(scores))
    score_difference = None
    if draw(st.booleans()):  # their distinct differences, as pair_question finds them
        index = np.array([SCORES.index(v) for v in [*vendor, *customer]], dtype=np.int64)
        states = (index[:n] * len(SCORES) + index[n:], len(SCORES) ** 2)
        score_difference = Differences.of(vendor, customer, states)
    pairs = QuestionPairs(
        account=account,
        vendor_score=vendor,
        customer_score=customer,
        vendor_top=np.zeros(n),
        customer_top=np.zeros(n),
        vendor_n=np.array(draw(sizes), dtype=np.int64),
        customer_n=np.array(draw(sizes), dtype=np.int64),
        vendor_only=empty,
        vendor_only_n=empty,
        customer_only=empty,
        customer_only_n=empty,
        score_difference=score_difference,
    )
    return pairs, labels


@settings(max_examples=400, deadline=None)
@given(case=question_pairs(), count=st.integers(0, 45))
def test_shown_accounts_are_those_of_a_full_sort(
    case: tuple[QuestionPairs, tuple[str, ...]], count: int
) -> None:
    pairs, labels = case
    shown = misjudged(pairs, AccountNames(labels), count)
    assert list(shown) == fully_sorted(pairs, labels, count)


def test_ties_at_the_cut_are_decided_by_label() -> None:
    labels = ("delta", "alpha", "charlie", "bravo", "echo")
    pairs = QuestionPairs(
        account=np.arange(5),
        vendor_score=np.array([5.0, 4.0, 5.0, 5.0, 1.0]),
        customer_score=np.array([1.0, 1.0, 1.0, 1.0, 1.0]),
        vendor_top=np.zeros(5),
        customer_top=np.zeros(5),
        vendor_n=np.ones(5, dtype=np.int64),
        customer_n=np.ones(5, dtype=np.int64),
        vendor_only=np.zeros(0, dtype=np.int64),
        vendor_only_n=np.zeros(0, dtype=np.int64),
        customer_only=np.zeros(0, dtype=np.int64),
        customer_only_n=np.zeros(0, dtype=np.int64),
    )
    shown = misjudged(pairs, AccountNames(labels), 2)
    assert [a.account for a in shown] == ["bravo", "charlie"]
