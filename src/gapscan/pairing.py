"""Pair vendor and customer answers about the same account.

Respondents are grouped by their account key (``pair_by``); several respondents of
one side in one account are combined into one account-level score (their mean, or
median) and one top-box share. An account is a pair, for a question, when both sides
answered it. Everything else is counted, never silently dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

import numpy as np

from gapscan.errors import GapscanError
from gapscan.paired_differences import Differences, pair_states
from gapscan.responses import Responses
from gapscan.survey import CUSTOMER, VENDOR, Combine, Question, Survey

# Views of up to this many groups are split by one scan per group, more by a sort.
_SPLIT_BY_SCAN = 16


@dataclass(frozen=True)
class PairingSummary:
    """Accounts and keys across the whole run (any question)."""

    accounts: int  # distinct keys
    paired_accounts: int  # keys with respondents on both sides
    vendor_only_accounts: int
    customer_only_accounts: int
    vendor_without_key: int  # respondents
    customer_without_key: int
    combine: str

    def to_dict(self) -> dict[str, int | str]:
        return {
            "accounts": self.accounts,
            "paired_accounts": self.paired_accounts,
            "vendor_only_accounts": self.vendor_only_accounts,
            "customer_only_accounts": self.customer_only_accounts,
            "vendor_respondents_without_key": self.vendor_without_key,
            "customer_respondents_without_key": self.customer_without_key,
            "combine": self.combine,
        }


@dataclass(frozen=True)
class QuestionPairs:
    """Account-level values of one question, one entry per pair (account)."""

    account: np.ndarray  # index into Responses.pair_labels
    vendor_score: np.ndarray  # combined score (the scale's scores of the answers)
    customer_score: np.ndarray
    vendor_top: np.ndarray  # share of the account's answers in the top box
    customer_top: np.ndarray
    vendor_n: np.ndarray  # answering respondents per account
    customer_n: np.ndarray
    # accounts that only one side answered, and how many of its respondents did
    vendor_only: np.ndarray
    vendor_only_n: np.ndarray
    customer_only: np.ndarray
    customer_only_n: np.ndarray
    # the sum of the positions (0..k-1) of the levels each side answered, per pair: for a
    # pair of one respondent a side, the level answered (only those pairs' are used)
    vendor_level: np.ndarray | None = None
    customer_level: np.ndarray | None = None
    # the pairs' top-box share and score differences (``differences``), when known
    top_difference: Differences | None = None
    score_difference: Differences | None = None

    def differences(self) -> tuple[Differences, Differences]:
        """The pairs' differences of top-box share and of score."""
        top, score = self.top_difference, self.score_difference
        if top is None:
            top = Differences.of(self.vendor_top, self.customer_top, None)
        if score is None:
            score = Differences.of(self.vendor_score, self.customer_score, None)
        return top, score

    @cached_property
    def one_to_one(self) -> bool:  # asked more than once of each view
        return bool((self.vendor_n == 1).all() and (self.customer_n == 1).all())

    @property
    def unmatched_accounts(self) -> tuple[int, int]:
        return int(self.vendor_only.size), int(self.customer_only.size)

    @property
    def unmatched_respondents(self) -> tuple[int, int]:
        return int(self.vendor_only_n.sum()), int(self.customer_only_n.sum())

    def by_group(self, group: np.ndarray, groups: int) -> list[QuestionPairs]:
        """For every g in range(groups), the pairs and unmatched accounts of the
        accounts in group g: ``group`` gives each account (index into
        ``Responses.pair_labels``) its group. Entries keep their order."""
        split = [_split(group[ids], groups) for ids in self._accounts()]
        return [self._take(*(parts[g] for parts in split)) for g in range(groups)]

    def _accounts(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return self.account, self.vendor_only, self.customer_only

    def _take(self, pairs: np.ndarray, vendor: np.ndarray, customer: np.ndarray) -> QuestionPairs:
        """The pairs at positions ``pairs``, and the unmatched accounts at ``vendor``
        and ``customer`` (positions in increasing order)."""
        return QuestionPairs(
            account=self.account[pairs],
            vendor_score=self.vendor_score[pairs],
            customer_score=self.customer_score[pairs],
            vendor_top=self.vendor_top[pairs],
            customer_top=self.customer_top[pairs],
            vendor_n=self.vendor_n[pairs],
            customer_n=self.customer_n[pairs],
            vendor_only=self.vendor_only[vendor],
            vendor_only_n=self.vendor_only_n[vendor],
            customer_only=self.customer_only[customer],
            customer_only_n=self.customer_only_n[customer],
            vendor_level=None if self.vendor_level is None else self.vendor_level[pairs],
            customer_level=None if self.customer_level is None else self.customer_level[pairs],
            top_difference=None if self.top_difference is None else self.top_difference.take(pairs),
            score_difference=(
                None if self.score_difference is None else self.score_difference.take(pairs)
            ),
        )


def _split(group: np.ndarray, groups: int) -> list[np.ndarray]:
    """For each g in range(groups), the positions where ``group == g``, increasing."""
    if groups <= _SPLIT_BY_SCAN:
        return [np.flatnonzero(group == g) for g in range(groups)]
    order = np.argsort(group, kind="stable")
    bounds = np.searchsorted(group[order], np.arange(groups + 1))
    return [order[bounds[g] : bounds[g + 1]] for g in range(groups)]


class RowCells(NamedTuple):
    """Each respondent's cell 2 * account + side (VENDOR 0, CUSTOMER 1), and which have
    one (a key and a side; None: all): the same for every question, made once a run."""

    cell: np.ndarray
    keyed: np.ndarray | None

    @classmethod
    def of(cls, responses: Responses) -> RowCells:
        keys, side = _keys(responses), responses.side
        keyed = (keys >= 0) & ((side == VENDOR) | (side == CUSTOMER))
        cell = keys.astype(np.int64) * 2 + (side == CUSTOMER)
        return cls(cell, None if keyed.all() else keyed)


class AnsweredRows(NamedTuple):
    """The respondents with an account key and an answer to one question: each one's
    cell 2 * account + side (VENDOR 0, CUSTOMER 1) and level code, in row order."""

    cell: np.ndarray
    level: np.ndarray

    @classmethod
    def of(cls, q: Question, responses: Responses, cells: RowCells | None = None) -> AnsweredRows:
        cells = RowCells.of(responses) if cells is None else cells  # or given, made once
        codes = responses.answers[q.id]
        rows = codes >= 0
        if cells.keyed is not None:
            rows &= cells.keyed
        return cls(cells.cell[rows], codes[rows].astype(np.int64))


def level_tables(
    rows: AnsweredRows, k: int, accounts: np.ndarray, groupings: list[tuple[np.ndarray, int]]
) -> list[np.ndarray]:
    """The answers (level codes below k) of each side's respondents whose account is
    one of ``accounts`` (indices into ``Responses.pair_labels``): first
    ``table[side, level]`` over all of them, then for each grouping ``(group, groups)``,
    ``table[g, side, level]`` by the account's group ``group[account]`` in
    range(groups)."""
    account = rows.cell >> 1
    in_pairs = np.zeros(int(account.max(initial=-1)) + 1, dtype=bool)
    in_pairs[accounts[accounts < in_pairs.size]] = True
    keep = in_pairs[account]
    account = account[keep]
    cell = (rows.cell[keep] & 1) * k + rows.level[keep]
    tables: list[np.ndarray] = [np.bincount(cell, minlength=2 * k).reshape(2, k)]
    for group, groups in groupings:
        by_group = group[account] * (2 * k) + cell
        tables.append(np.bincount(by_group, minlength=groups * 2 * k).reshape(groups, 2, k))
    return tables


def summarize_pairing(survey: Survey, responses: Responses) -> PairingSummary:
    """Count keys per side; raise when no account has respondents on both sides."""
    keys = _keys(responses)
    n_accounts = len(responses.pair_labels)
    present = [
        np.bincount(keys[(responses.side == s) & (keys >= 0)], minlength=n_accounts) > 0
        for s in (VENDOR, CUSTOMER)
    ]
    both = present[VENDOR] & present[CUSTOMER]
    assert survey.pair_by is not None
    summary = PairingSummary(
        accounts=n_accounts,
        paired_accounts=int(both.sum()),
        vendor_only_accounts=int((present[VENDOR] & ~present[CUSTOMER]).sum()),
        customer_only_accounts=int((present[CUSTOMER] & ~present[VENDOR]).sum()),
        vendor_without_key=int(((responses.side == VENDOR) & (keys < 0)).sum()),
        customer_without_key=int(((responses.side == CUSTOMER) & (keys < 0)).sum()),
        combine=survey.pair_by.combine.value,
    )
    if summary.paired_accounts == 0:
        pb = survey.pair_by
        raise GapscanError.single(
            f"no account has respondents on both sides: {int(present[VENDOR].sum())} vendor "
            f"and {int(present[CUSTOMER].sum())} customer account keys, none in common "
            f"(keys compared trimmed and case-folded; columns '{pb.vendor_column}' and "
            f"'{pb.customer_column}')",
            file=str(survey.path),
            hint="check pair_by, or analyse without --paired",
        )
    return summary


def pair_question(
    question: Question,
    responses: Responses,
    combine: Combine = Combine.MEAN,
    rows: AnsweredRows | None = None,
) -> QuestionPairs:
    """Combine each side's answers per account and keep the accounts both sides
    answered; ``rows``, if given, are ``AnsweredRows.of(question, responses)``."""
    cell, level = AnsweredRows.of(question, responses) if rows is None else rows
    n_accounts = len(responses.pair_labels)
    is_top = np.zeros(question.scale.k, dtype=bool)
    is_top[sorted(question.scale.top_box)] = True
    scores = np.asarray(question.scale.scores, dtype=np.float64)
    count = np.bincount(cell, minlength=2 * n_accounts)
    top = np.bincount(cell, weights=is_top[level], minlength=2 * n_accounts)
    score, score_total = _combined(cell, level, scores, count, combine)
    # the levels' positions summed (whole numbers, exact): a one-to-one pair's is its level
    position = np.bincount(cell, weights=level, minlength=2 * n_accounts)
    share = np.divide(top, count, out=np.zeros(count.size), where=count > 0)
    v_n, c_n = count[VENDOR::2], count[CUSTOMER::2]
    paired = (v_n > 0) & (c_n > 0)
    account = np.flatnonzero(paired)
    vendor_only = np.flatnonzero((v_n > 0) & ~paired)
    customer_only = np.flatnonzero((c_n > 0) & ~paired)
    v, c = 2 * account + VENDOR, 2 * account + CUSTOMER  # the pairs' cells
    score_states = None if score_total is None else pair_states(score_total, count, v, c)
    return QuestionPairs(
        account=account,
        vendor_score=score[v],
        customer_score=score[c],
        vendor_top=share[v],
        customer_top=share[c],
        vendor_n=count[v],
        customer_n=count[c],
        vendor_only=vendor_only,
        vendor_only_n=count[2 * vendor_only + VENDOR],
        customer_only=customer_only,
        customer_only_n=count[2 * customer_only + CUSTOMER],
        vendor_level=position[v],
        customer_level=position[c],
        top_difference=Differences.of(share[v], share[c], pair_states(top, count, v, c)),
        score_difference=Differences.of(score[v], score[c], score_states),
    )


def _combined(
    group: np.ndarray, level: np.ndarray, values: np.ndarray, count: np.ndarray, combine: Combine
) -> tuple[np.ndarray, np.ndarray | None]:
    """Each account's mean (or median) of ``values[level]`` over its respondents (0 if
    none), and the total the mean is of (None for a median). The total must not depend
    on the order of the rows (a per-account count table, which has no row order, gives
    the same bits): whole-number values are added as they come, which is exact; others
    as each level's value times its respondents, level by level."""
    n_accounts = count.size
    if combine is Combine.MEDIAN:
        return _median_by(group, values[level], n_accounts), None
    if sums_exactly(values, group.size):
        total = np.bincount(group, weights=values[level], minlength=n_accounts)
    else:
        k = values.size
        entry, n = np.unique(group * k + level, return_counts=True)
        total = np.bincount(entry // k, weights=values[entry % k] * n, minlength=n_accounts)
    mean: np.ndarray = np.divide(total, count, out=np.zeros(n_accounts), where=count > 0)
    return mean, total


def sums_exactly(values: np.ndarray, terms: int) -> bool:
    """Whether every sum of up to ``terms`` of ``values`` is exact in float64: whole
    numbers whose partial sums stay below 2^53 (a scale's usual scores, and the level
    positions), so the order of adding cannot change a bit."""
    if values.size == 0:
        return True
    largest = float(np.abs(values).max())
    return bool(np.array_equal(values, np.trunc(values))) and largest * terms < 2.0**53


def account_segments(responses: Responses, column: str) -> np.ndarray:
    """Each account's value of a breakdown column: the most common among its
    respondents (both sides); a tie goes to the value that sorts first."""
    keys = _keys(responses)
    segment = next(s for s in responses.segments if s.column == column)
    m = len(segment.labels)
    n_accounts = len(responses.pair_labels)
    rows = keys >= 0
    cell = keys[rows].astype(np.int64) * m + segment.codes[rows]
    table = np.bincount(cell, minlength=n_accounts * m).reshape(n_accounts, m)
    return np.asarray(table.argmax(axis=1), dtype=np.int64)


def _keys(responses: Responses) -> np.ndarray:
    if responses.pair_keys is None:
        raise ValueError("responses were loaded without pair keys (paired=True)")
    return responses.pair_keys


def _median_by(group: np.ndarray, value: np.ndarray, n_groups: int) -> np.ndarray:
    """The median of ``value`` within each group (0 for empty groups)."""
    order = np.lexsort((value, group))
    group, value = group[order], value[order]
    count = np.bincount(group, minlength=n_groups)
    start = np.concatenate(([0], np.cumsum(count)[:-1]))
    result = np.zeros(n_groups)
    has = count > 0
    low = start[has] + (count[has] - 1) // 2
    high = start[has] + count[has] // 2
    result[has] = (value[low] + value[high]) / 2
    return result
