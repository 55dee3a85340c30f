"""Paired views from their pairs' states, when accounts have several respondents.

An account side's answers to a question are one state: how many of its respondents
gave each level. A pair (an account both sides answered) is a vendor state and a
customer state, and every number of a view is a function of how many of its pairs are
in each pair state: the account-level top-box shares and scores (the floats
:func:`gapscan.pairing.pair_question` makes of each pair: the same sums in the same
order, or the same median), their differences (the signed-rank test and
Hodges–Lehmann estimate from the distinct differences and their counts), the gap's
interval, whether the view is one-to-one (then its agreement table), and its level
tables. One bincount per question and breakdown over the pairs' states counts every
view; only ``--show-accounts`` looks at the pairs one by one.

A view's mean shares and scores are exact (the true mean of its pairs' fractions,
correctly rounded: :func:`exact_mean`), not ``np.mean`` over its pairs: the same
numbers but for the last bits of a float, and the same whatever the order of the
rows. Scales whose scores are not whole numbers, and questions whose states cannot be
coded exactly, are analysed from the pairs' arrays (:func:`gapscan.pairing.pair_question`).
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import NamedTuple

import numpy as np

from gapscan.paired_agreement import Kappa, PairStatistics, from_agreement, ranked
from gapscan.paired_differences import Differences, pair_states
from gapscan.pairing import AnsweredRows, RowCells
from gapscan.stats.paired import mean_difference_counted, signed_rank_counted
from gapscan.survey import Combine, Question

DENSE_CODES = 1 << 16  # an account side's codes counted by one bincount below this
DENSE_PAIRS = 1 << 20  # and the pairs' (vendor state, customer state) below this
EXACT = 2**53  # codes (a count per level as the digits) held exactly in a float


class SideStates(NamedTuple):
    """Account sides' states: each one's answers per level, and what pairing makes of
    them (respondents, top-box share, combined score), the share and the score also as
    whole numerators over whole denominators."""

    levels: np.ndarray  # states x k
    n: np.ndarray
    share: np.ndarray  # top / n
    score: np.ndarray  # score_num / score_den
    top: np.ndarray
    score_num: np.ndarray
    score_den: np.ndarray


class QuestionStates(NamedTuple):
    """One question's pairs (accounts both sides answered, increasing) by state, and
    the accounts only one side answered."""

    account: np.ndarray
    pair: np.ndarray  # each pair's pair state
    vendor: np.ndarray  # each pair state's vendor state, customer state
    customer: np.ndarray
    sides: SideStates
    vendor_only: np.ndarray
    vendor_only_n: np.ndarray
    customer_only: np.ndarray
    customer_only_n: np.ndarray
    # each pair state's top-box share and score differences, indexed
    top_difference: Differences
    score_difference: Differences


def codes_fit(k: int, respondents: int) -> bool:
    """Whether the states of account sides of up to ``respondents`` respondents on a
    scale of k levels are coded exactly (the counts as digits, below 2**53)."""
    return float(respondents + 1) ** k < EXACT


def coded_densely(k: int, respondents: int) -> bool:
    """Whether such states are numbered by one bincount (few possible codes), not by a
    sort of every account side's code."""
    return bool((respondents + 1) ** k <= DENSE_CODES)


def most_respondents(cells: RowCells) -> int:
    """The most respondents any account side has."""
    cell = cells.cell if cells.keyed is None else cells.cell[cells.keyed]
    return int(np.bincount(cell).max(initial=0))


def question_states(
    q: Question, rows: AnsweredRows, accounts: int, combine: Combine
) -> QuestionStates | None:
    """The question's pairs by state; None when its states cannot be coded exactly."""
    k = q.scale.k
    count = np.bincount(rows.cell, minlength=2 * accounts)
    base = int(count.max(initial=0)) + 1
    if not codes_fit(k, base - 1):
        return None
    digits = np.asarray(base, dtype=np.int64) ** np.arange(k, dtype=np.int64)
    weights = digits[rows.level].astype(np.float64)
    code = np.bincount(rows.cell, weights=weights, minlength=2 * accounts).astype(np.int64)
    if coded_densely(k, base - 1):
        used = np.flatnonzero(np.bincount(code, minlength=base**k)[1:]) + 1
        state_of = np.full(base**k, -1, dtype=np.int64)
        state_of[used] = np.arange(used.size)
        state = state_of[code]
    else:
        used, inverse = distinct_codes(code)
        state = inverse - 1 if used.size and used[0] == 0 else inverse
        used = used[used > 0]
    v, c = state[0::2], state[1::2]
    answered_v, answered_c = v >= 0, c >= 0
    account = np.flatnonzero(answered_v & answered_c)
    vendor_only = np.flatnonzero(answered_v & ~answered_c)
    customer_only = np.flatnonzero(answered_c & ~answered_v)
    states = used.size
    pair_code = v[account] * states + c[account]
    if states * states <= DENSE_PAIRS:
        seen = np.flatnonzero(np.bincount(pair_code, minlength=states * states))
        pair_of = np.zeros(states * states, dtype=np.int64)
        pair_of[seen] = np.arange(seen.size)
        pair = pair_of[pair_code]
        vendor, customer = seen // states, seen % states
    else:  # so many states that pairs rarely share one: each pair is its own
        pair = np.arange(account.size)
        vendor, customer = v[account], c[account]
    levels = (used[:, None] // digits[None, :]) % base
    sides = _side_states(q, levels, combine)
    return QuestionStates(
        account=account,
        pair=pair,
        vendor=vendor,
        customer=customer,
        sides=sides,
        vendor_only=vendor_only,
        vendor_only_n=count[2 * vendor_only],
        customer_only=customer_only,
        customer_only_n=count[2 * customer_only + 1],
        top_difference=_differences(sides.share, sides.top, sides.n, vendor, customer),
        score_difference=_differences(
            sides.score, sides.score_num, sides.score_den, vendor, customer
        ),
    )


def distinct_codes(code: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(code, return_inverse=True)`` of non-negative codes. Below 2**32 the
    codes are sorted by two stable passes over 16 bits each (numpy's radix sort), a
    third of the time of a comparison sort of 200,000 codes."""
    if code.size == 0 or int(code.max()) >= 1 << 32:
        used, inverse = np.unique(code, return_inverse=True)
        return used, inverse.reshape(-1)
    order = np.argsort((code & 0xFFFF).astype(np.uint16), kind="stable")
    order = order[np.argsort((code[order] >> 16).astype(np.uint16), kind="stable")]
    ordered = code[order]
    first = np.concatenate(([True], ordered[1:] != ordered[:-1]))
    inverse = np.empty(code.size, dtype=np.int64)
    inverse[order] = np.cumsum(first) - 1
    return ordered[first], inverse


def _differences(
    value: np.ndarray, num: np.ndarray, den: np.ndarray, vendor: np.ndarray, customer: np.ndarray
) -> Differences:
    """Each pair state's difference ``value[vendor] - value[customer]`` (``value`` is
    ``num / den`` per side state), rounded as pairs' are, with its index into the
    distinct differences: from the pairs of each side's fractions (``pair_states``)
    when they are few, else from every pair state's difference."""
    states = pair_states(num, den, vendor, customer)
    if states is not None:
        return Differences.of(value[vendor], value[customer], states)
    return Differences.indexed(np.round(value[vendor] - value[customer], 12))


def _side_states(q: Question, levels: np.ndarray, combine: Combine) -> SideStates:
    """What pairing makes of each state (``pairing.pair_question``, ``_combined``)."""
    k = q.scale.k
    scores = np.asarray(q.scale.scores, dtype=np.float64)
    n = levels.sum(axis=1)
    top = np.zeros(k, dtype=bool)
    top[sorted(q.scale.top_box)] = True
    top_n = levels[:, top].sum(axis=1)
    share = top_n.astype(np.float64) / n  # the floats pairing makes
    if combine is Combine.MEDIAN:  # the middle values of the answers sorted by score
        order = np.argsort(scores, kind="stable")
        ahead = np.cumsum(levels[:, order], axis=1)
        low = (ahead > ((n - 1) // 2)[:, None]).argmax(axis=1)
        high = (ahead > (n // 2)[:, None]).argmax(axis=1)
        middle = scores[order][low] + scores[order][high]
        score, num, den = middle / 2, middle, np.full(n.size, 2)
    else:  # each level's score times its answers, added level by level
        total = np.zeros(levels.shape[0])
        for j in range(k):
            total += levels[:, j] * scores[j]
        score, num, den = total / n, total, n
    whole = np.int64
    return SideStates(levels, n, share, score, top_n, num.astype(whole), den.astype(whole))


class View(NamedTuple):
    """A view's pair states with pairs, and how many pairs each has."""

    state: np.ndarray
    pairs: np.ndarray

    @classmethod
    def of(cls, counts: np.ndarray) -> View:
        state = np.flatnonzero(counts)
        return cls(state, counts[state])

    @property
    def n(self) -> int:
        return int(self.pairs.sum())


def whole_and_groups(states: QuestionStates, groupings: list[tuple[np.ndarray, int]]) -> list[View]:
    """The whole sample's view, then each grouping's groups' (an account in group
    ``group[account]``): one bincount each."""
    size = states.vendor.size
    views = [View.of(np.bincount(states.pair, minlength=size))]
    for group, groups in groupings:
        counts = np.bincount(group[states.account] * size + states.pair, minlength=groups * size)
        views += [View.of(row) for row in counts.reshape(groups, size)]
    return views


def unmatched_of(
    states: QuestionStates, groupings: list[tuple[np.ndarray, int]]
) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Each view's accounts answered by one side only, and their respondents."""
    only = [
        (states.vendor_only, states.vendor_only_n),
        (states.customer_only, states.customer_only_n),
    ]
    views = [
        (
            (int(only[0][0].size), int(only[1][0].size)),
            (int(only[0][1].sum()), int(only[1][1].sum())),
        )
    ]
    for group, groups in groupings:
        per = [
            (
                np.bincount(group[a], minlength=groups),
                np.bincount(group[a], weights=n, minlength=groups).astype(np.int64),
            )
            for a, n in only
        ]
        views += [
            ((int(per[0][0][g]), int(per[1][0][g])), (int(per[0][1][g]), int(per[1][1][g])))
            for g in range(groups)
        ]
    return views


def one_to_one(states: QuestionStates, view: View) -> bool:
    """Whether each of the view's pairs is one respondent a side (no pair: True)."""
    n = states.sides.n
    return bool(
        (n[states.vendor[view.state]] == 1).all() and (n[states.customer[view.state]] == 1).all()
    )


def level_table(states: QuestionStates, view: View) -> np.ndarray:
    """``table[side, level]``: the answers of the view's pairs, each side's (its pairs
    per side state, times each state's answers)."""
    levels = states.sides.levels
    size = levels.shape[0]
    per_state = [
        np.bincount(side[view.state], weights=view.pairs, minlength=size).astype(np.int64)
        for side in (states.vendor, states.customer)
    ]
    return np.stack([pairs @ levels for pairs in per_state])


def statistics(
    q: Question, states: QuestionStates, view: View, confidence: float
) -> PairStatistics:
    """A view's statistics from its pair states (a one-to-one view's from its agreement
    table, as ``paired_agreement.from_agreement`` makes them)."""
    k = q.scale.k
    sides, v, c = states.sides, states.vendor[view.state], states.customer[view.state]
    if one_to_one(states, view):
        level_v, level_c = sides.levels[v].argmax(axis=1), sides.levels[c].argmax(axis=1)
        table = np.bincount(level_v * k + level_c, weights=view.pairs, minlength=k * k)
        return from_agreement(q, table.astype(np.int64).reshape(k, k), confidence)
    n, pairs = view.n, view.pairs
    top = states.top_difference.take(view.state).counted(view.pairs)
    gap, ci = mean_difference_counted(*top, confidence=confidence)
    score = states.score_difference.take(view.state).counted(view.pairs)
    signed_rank, hodges_lehmann, shares = ranked(*score, confidence=confidence)
    kappa: Kappa = (None, None, None)
    return PairStatistics(
        vendor_top=exact_mean(pairs, sides.top[v], sides.n[v]),
        customer_top=exact_mean(pairs, sides.top[c], sides.n[c]),
        vendor_mean=exact_mean(pairs, sides.score_num[v], sides.score_den[v]),
        customer_mean=exact_mean(pairs, sides.score_num[c], sides.score_den[c]),
        gap=gap,
        ci=ci,
        test=("wilcoxon", *signed_rank_counted(*top)[:2]),
        mean_gap=math.fsum(score[0] * score[1]) / n,
        signed_rank=signed_rank,
        hodges_lehmann=hodges_lehmann,
        shares=shares,
        kappa=kappa,
    )


def exact_mean(pairs: np.ndarray, num: np.ndarray, den: np.ndarray) -> float:
    """The mean over pairs of num / den (whole numbers; ``pairs`` each entry's pairs),
    correctly rounded: the numerators are added exactly per denominator (an account
    side's respondents, few), and those few sums as fractions. Each pairs x num must be
    below 2**63 (pairs at most the accounts, num a side's total score)."""
    terms = pairs.astype(np.int64) * num
    if np.abs(terms).sum(dtype=np.float64) < EXACT / 2:  # every partial sum exact in a float
        per = np.bincount(den, weights=terms).tolist()
        total = sum((Fraction(int(t), d) for d, t in enumerate(per) if t), Fraction(0))
    else:
        total = sum(map(Fraction, terms.tolist(), den.tolist()), Fraction(0))
    return float(total / int(pairs.sum()))


class Scored(NamedTuple):
    """The whole sample's pairs one by one, for the most misjudged accounts
    (``paired_accounts.misjudged``)."""

    account: np.ndarray
    vendor_score: np.ndarray
    customer_score: np.ndarray
    vendor_n: np.ndarray
    customer_n: np.ndarray
    score_difference: Differences

    @classmethod
    def of(cls, states: QuestionStates) -> Scored:
        sides, v, c = states.sides, states.vendor[states.pair], states.customer[states.pair]
        difference = states.score_difference.take(states.pair)
        return cls(
            states.account, sides.score[v], sides.score[c], sides.n[v], sides.n[c], difference
        )
