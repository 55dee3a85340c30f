"""Paired comparisons: vendor and customer answers about the same accounts."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from gapscan.distribution import with_distribution
from gapscan.paired_accounts import AccountNames, OneToOneScores, misjudged
from gapscan.paired_agreement import (
    Kappa,
    OneEach,
    PairStatistics,
    Tabulated,
    from_agreement,
    margins,
    ranked,
    tabulable,
)
from gapscan.paired_states import (
    QuestionStates,
    Scored,
    coded_densely,
    codes_fit,
    level_table,
    most_respondents,
    one_to_one,
    question_states,
    unmatched_of,
    whole_and_groups,
)
from gapscan.paired_states import statistics as view_statistics
from gapscan.pairing import (
    AnsweredRows,
    QuestionPairs,
    RowCells,
    account_segments,
    level_tables,
    pair_question,
)
from gapscan.progress import tracked
from gapscan.report import AccountGap, GapResult, PairedDetail, SideSummary
from gapscan.responses import Responses
from gapscan.stats import cohens_h
from gapscan.stats.paired import (
    mcnemar,
    mean_difference_interval,
    paired_proportion_interval,
    signed_rank_counted,
    weighted_kappa,
)
from gapscan.survey import Question, Survey

SegmentKey = tuple[tuple[str, str], ...]

# Questions analysed at once at most (one a core): more threads than cores were slower.
MAX_THREADS = 4


def paired_results(survey: Survey, responses: Responses, show_accounts: int) -> list[GapResult]:
    """One result per question and view (the whole sample, then each segment value);
    an account belongs to the segment most of its respondents are in."""
    assert survey.pair_by is not None
    combine = survey.pair_by.combine
    names = AccountNames(responses.pair_labels) if show_accounts > 0 else None
    keys: list[SegmentKey] = [()]
    groupings: list[tuple[np.ndarray, int]] = []
    for segment in responses.segments:
        keys += [((segment.column, label),) for label in segment.labels]
        groupings.append((account_segments(responses, segment.column), len(segment.labels)))
    one_each = OneEach.of(responses)
    cells = RowCells.of(responses) if one_each is None else None
    accounts = len(responses.pair_labels)

    def question(q: Question) -> list[GapResult]:
        """The question's result in each view."""
        if one_each is not None and tabulable(q.scale, accounts):
            return from_tables(q, one_each.views(responses.answers[q.id], q.scale.k, groupings))
        rows = AnsweredRows.of(q, responses, cells)
        if tabulable(q.scale, accounts):
            states = question_states(q, rows, accounts, combine)
            if states is not None:
                return from_states(q, states)
        whole = pair_question(q, responses, combine, rows)
        views, tables = [whole], level_tables(rows, q.scale.k, whole.account, groupings)
        for of_account, groups in groupings:
            views += whole.by_group(of_account, groups)
        results = []
        for key, p, table in zip(keys, views, _flat(tables), strict=True):
            shown = show_accounts if not key else 0
            result = _compare(q, key, p, survey, names, shown)
            results.append(with_distribution(result, q.scale, table))
        return results

    def from_states(q: Question, states: QuestionStates) -> list[GapResult]:
        """The question's result in each view, from each view's pair states."""
        results = []
        views = whole_and_groups(states, groupings)
        for key, view, (only_accounts, only_respondents) in zip(
            keys, views, unmatched_of(states, groupings), strict=True
        ):
            pairing = "one-to-one" if one_to_one(states, view) else "many-to-one"
            detail = PairedDetail(view.n, pairing, only_accounts, only_respondents)
            if view.n < survey.analysis.min_n:
                results.append(_suppressed(q, key, detail))
                continue
            shown: tuple[AccountGap, ...] = ()
            if not key and show_accounts > 0:
                shown = misjudged(Scored.of(states), names, show_accounts)
            statistics = view_statistics(q, states, view, survey.analysis.confidence)
            result = _result(q, key, detail, statistics, shown)
            results.append(with_distribution(result, q.scale, level_table(states, view)))
        return results

    def from_tables(q: Question, tabulated: Tabulated) -> list[GapResult]:
        """The question's result in each view, from each view's agreement table."""
        results = []
        for key, (table, unmatched) in zip(keys, tabulated.views, strict=True):
            n = int(table.sum())
            detail = PairedDetail(n, "one-to-one", unmatched, unmatched)
            if n < survey.analysis.min_n:
                results.append(_suppressed(q, key, detail))
                continue
            accounts: tuple[AccountGap, ...] = ()
            if not key and show_accounts > 0:
                accounts = misjudged(OneToOneScores.of(q, tabulated), names, show_accounts)
            statistics = from_agreement(q, table, survey.analysis.confidence)
            result = _result(q, key, detail, statistics, accounts)
            results.append(with_distribution(result, q.scale, margins(table)))
        return results

    # one thread when every question is counted from few states (see _each)
    most = 0 if cells is None else most_respondents(cells)
    light = one_each is None and all(
        tabulable(q.scale, accounts)
        and codes_fit(q.scale.k, most)
        and coded_densely(q.scale.k, most)
        for q in survey.questions
    )
    by_question = _each(question, survey.questions, threaded=not light)
    return [results[v] for v in range(len(keys)) for results in by_question]


def _each(
    work: Callable[[Question], list[GapResult]],
    questions: tuple[Question, ...],
    threaded: bool = True,
) -> list[list[GapResult]]:
    """``work`` on every question, in their order; ``threaded``, a question per core at
    a time: the questions are independent, and numpy lets go of the interpreter lock in
    the long array work of pairs combined as arrays (paired 100,000 accounts x 40
    questions on 2 cores: 2.08 -> 1.91 s; a thread more than the cores was slower, see
    benchmarks/RESULTS.md; one-to-one views from their tables: 0.88x). Questions
    counted from few states (``coded_densely``) are short, mostly the interpreter's own
    work: on two threads they took 1.3-1.5x the time of one. Many states (accounts of
    many respondents) mean sorts of every account side: 100,000 accounts of up to 40
    customers, two threads 0.65x the time of one."""
    threads = min(len(questions), _cores(), MAX_THREADS) if threaded else 1
    total = len(questions)
    if threads <= 1:
        return [work(q) for q in tracked(questions, total, "testing")]
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(threads, thread_name_prefix="gapscan-paired")
    try:  # the bar counts the questions done, in order
        return list(tracked(pool.map(work, questions), total, "testing"))
    finally:  # on Ctrl-C, the questions not begun are not begun
        pool.shutdown(wait=True, cancel_futures=True)


def _cores() -> int:
    """The cores this process may run on."""
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity is not None else os.cpu_count() or 1


def _compare(
    q: Question,
    segment: SegmentKey,
    pairs: QuestionPairs,
    survey: Survey,
    names: AccountNames | None,
    show_accounts: int,
) -> GapResult:
    n = len(pairs.account)
    one_to_one = pairs.one_to_one
    detail = PairedDetail(
        n_pairs=n,
        pairing="one-to-one" if one_to_one else "many-to-one",
        unmatched_accounts=pairs.unmatched_accounts,
        unmatched_respondents=pairs.unmatched_respondents,
    )
    if n < survey.analysis.min_n:
        return _suppressed(q, segment, detail)
    confidence = survey.analysis.confidence
    if one_to_one and tabulable(q.scale, n):
        statistics = from_agreement(q, _agreement(pairs, q.scale.k), confidence)
    else:
        statistics = _from_pairs(q, pairs, confidence)
    return _result(q, segment, detail, statistics, misjudged(pairs, names, show_accounts))


def _from_pairs(q: Question, pairs: QuestionPairs, confidence: float) -> PairStatistics:
    """The statistics of a view from its pairs' account-level values."""
    n = len(pairs.account)
    top, score = pairs.differences()
    d_top, d_score = top.value, score.value
    kappa: Kappa = (None, None, None)
    if pairs.one_to_one:
        v_top, c_top = pairs.vendor_top > 0.5, pairs.customer_top > 0.5
        b, c = int((v_top & ~c_top).sum()), int((~v_top & c_top).sum())
        both = int((v_top & c_top).sum())
        test = mcnemar(b, c)
        ci = paired_proportion_interval(both, b, c, n - both - b - c, confidence=confidence)
        if q.scale.numeric is None:  # agreement on the levels of a scale
            kappa = weighted_kappa(_agreement(pairs, q.scale.k), confidence=confidence)
    else:
        test = ("wilcoxon", *signed_rank_counted(*top.counted())[:2])
        ci = mean_difference_interval(d_top, confidence=confidence)
    signed_rank, hodges_lehmann, shares = ranked(*score.counted(), confidence=confidence)
    return PairStatistics(
        vendor_top=float(pairs.vendor_top.mean()),
        customer_top=float(pairs.customer_top.mean()),
        vendor_mean=float(pairs.vendor_score.mean()),
        customer_mean=float(pairs.customer_score.mean()),
        gap=float(d_top.mean()),
        ci=ci,
        test=test,
        mean_gap=float(d_score.mean()),
        signed_rank=signed_rank,
        hodges_lehmann=hodges_lehmann,
        shares=shares,
        kappa=kappa,
    )


def _suppressed(q: Question, segment: SegmentKey, detail: PairedDetail) -> GapResult:
    """A view with too few pairs to show."""
    n = detail.n_pairs
    return GapResult.suppressed_for(q, segment, n, n, mode="paired", paired=detail)


def _result(
    q: Question,
    segment: SegmentKey,
    detail: PairedDetail,
    s: PairStatistics,
    accounts: tuple[AccountGap, ...],
) -> GapResult:
    """A paired view's result from its statistics."""
    n = detail.n_pairs
    hl, kappa = s.hodges_lehmann, s.kappa
    detail = replace(
        detail,
        ci_method="wald-paired",
        vendor_higher=s.shares[0],
        same=s.shares[1],
        customer_higher=s.shares[2],
        kappa=_finite_or_none(kappa[0]),
        kappa_ci_low=_finite_or_none(kappa[1]),
        kappa_ci_high=_finite_or_none(kappa[2]),
        median_difference=hl[0],
        median_ci_low=hl[1],
        median_ci_high=hl[2],
        accounts=accounts,
    )
    result = replace(
        _suppressed(q, segment, detail),
        suppressed=False,
        vendor=SideSummary(n, s.vendor_top, s.vendor_mean),
        customer=SideSummary(n, s.customer_top, s.customer_mean),
        gap=s.gap,
        ci_low=s.ci[0],
        ci_high=s.ci[1],
        test=s.test[0],
        statistic=s.test[1],
        p_value=s.test[2],
        effect_size=cohens_h(s.vendor_top, s.customer_top),
        effect_size_name="cohens_h",
        mean_gap=s.mean_gap,
        mean_test="wilcoxon",
        mean_statistic=s.signed_rank[0],
        mean_p_value=s.signed_rank[1],
        mean_effect_size=s.signed_rank[2],
        mean_effect_size_name="matched_rank_biserial",
        paired=detail,
    )
    return result if q.scale.has_top_box else _without_top_box(result)


def _without_top_box(result: GapResult) -> GapResult:
    """A numeric question without ``top_box:``: no top-box share, gap or test."""
    assert result.paired is not None
    return replace(
        result,
        vendor=replace(result.vendor, top_box=None),
        customer=replace(result.customer, top_box=None),
        gap=None,
        ci_low=None,
        ci_high=None,
        test=None,
        statistic=None,
        p_value=None,
        effect_size=None,
        effect_size_name=None,
        paired=replace(result.paired, ci_method=None),
    )


def _agreement(pairs: QuestionPairs, k: int) -> np.ndarray:
    """The k x k table of (vendor level, customer level) over one-to-one pairs."""
    assert pairs.vendor_level is not None and pairs.customer_level is not None
    v = np.rint(pairs.vendor_level).astype(np.int64)
    c = np.rint(pairs.customer_level).astype(np.int64)
    return np.bincount(v * k + c, minlength=k * k).reshape(k, k)


def _flat(tables: list[np.ndarray]) -> list[np.ndarray]:
    """The whole sample's table, then each grouping's tables one by one."""
    return [tables[0], *(table for grouped in tables[1:] for table in grouped)]


def _finite_or_none(value: float | None) -> float | None:
    return None if value is None or not np.isfinite(value) else float(value)
