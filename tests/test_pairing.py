"""Paired analysis by account key: pairing, counting, combining and the paired tests.

Small CSV files are written, loaded with ``paired=True`` and analysed in paired mode;
the statistics are checked against statsmodels and scipy on the same account-level
values, and a property checks that swapping the two sides mirrors every result.
"""

from __future__ import annotations

import csv
import math
import random
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import norm, wilcoxon
from statsmodels.stats.contingency_tables import mcnemar as sm_mcnemar
from statsmodels.stats.inter_rater import cohens_kappa
from statsmodels.stats.weightstats import zconfint

from gapscan import labels, paired_differences, pairing, survey
from gapscan.analysis import AnalysisOptions, analyze
from gapscan.errors import GapscanError
from gapscan.pairing import pair_question
from gapscan.report import GapReport, GapResult
from gapscan.responses import InputSummary, Responses, Segment, load_responses
from gapscan.schema import load_schema
from gapscan.stats.paired import distinct_differences
from gapscan.survey import (
    AnalysisSettings,
    Combine,
    Correction,
    Mode,
    PairBy,
    Question,
    Scale,
    Sides,
    Survey,
)
from tests.conftest import AGREE5, schema_text

TOL = 1e-9
TOP = (3, 4)  # Agree, Strongly agree (top_box: 2 of agree5)
PAIRED = AnalysisOptions(mode=Mode.PAIRED)

Row = dict[str, str]


# --- building inputs ---------------------------------------------------------------


def write_csv(path: Path, rows: list[Row]) -> Path:
    """Every value quoted, so that stray spaces in keys reach the reader as written."""
    header = list(dict.fromkeys(k for row in rows for k in row))
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, quoting=csv.QUOTE_ALL, restval="")
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_schema(
    tmp_path: Path,
    *,
    pair_by: str = "account",
    combine: str | None = None,
    min_n: int = 1,
    questions: tuple[str, ...] = ("q1", "q2"),
    segments: tuple[str, ...] = (),
) -> Path:
    extra = f"pair_by: {pair_by}\n"
    if combine is not None:
        extra += f"pairing: {{combine: {combine}}}\n"
    text = schema_text(questions=questions, segments=segments, min_n=min_n, extra=extra)
    path = tmp_path / "survey.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def row(side: str, account: str, *answers: str, **extra: str) -> Row:
    """A respondent: side, account key, then q1, q2, ... as answer labels."""
    return {
        "side": side,
        "account": account,
        **{f"q{i + 1}": a for i, a in enumerate(answers)},
        **extra,
    }


def level(code: int) -> str:
    return AGREE5[code]


def run_paired(
    tmp_path: Path, rows: list[Row], *, show_accounts: int = 0, **schema: object
) -> tuple[Survey, Responses, GapReport]:
    data = write_csv(tmp_path / "data.csv", rows)
    survey = load_schema(write_schema(tmp_path, **schema))  # type: ignore[arg-type]
    responses = load_responses(survey, [data], paired=True)
    report = analyze(
        survey, responses, AnalysisOptions(mode=Mode.PAIRED, show_accounts=show_accounts)
    )
    return survey, responses, report


def overall(report: GapReport, question: str) -> GapResult:
    return next(r for r in report.results if r.question == question and not r.segment)


# --- keys ----------------------------------------------------------------------------


def test_keys_are_trimmed_and_case_folded_and_shown_as_the_vendor_spells_them(
    tmp_path: Path,
) -> None:
    rows = [
        # the customer side comes first in the file, in other spellings
        row("Customer", "  acme corp ", "Agree"),
        row("Customer", "ACME CORP", "Neutral"),
        row("Vendor", "Acme Corp", "Strongly agree"),
        row("Customer", "beta\t", "Disagree"),
        row("Vendor", " Beta Ltd", "Agree"),
        row("Customer", "BETA LTD", "Agree"),
    ]
    _, responses, report = run_paired(tmp_path, rows, show_accounts=5, questions=("q1",))
    assert report.pairing is not None
    # "beta" is not "beta ltd": a customer-only account; the others pair up
    assert report.pairing.accounts == 3
    assert report.pairing.paired_accounts == 2
    assert report.pairing.customer_only_accounts == 1
    assert report.pairing.vendor_only_accounts == 0
    result = overall(report, "q1")
    assert result.paired is not None
    assert result.paired.n_pairs == 2
    assert result.paired.pairing == "many-to-one"  # Acme Corp has two customer contacts
    shown = {a.account: a for a in result.paired.accounts}
    assert set(shown) == {"Acme Corp", "Beta Ltd"}  # the vendor's spelling, trimmed
    assert shown["Acme Corp"].customer_respondents == 2
    assert shown["Acme Corp"].customer_score == pytest.approx(3.5)  # Agree 4, Neutral 3
    assert shown["Beta Ltd"].customer_respondents == 1
    assert "Acme Corp" in responses.pair_labels and "Beta Ltd" in responses.pair_labels


def test_vendor_spelling_is_shown_even_when_a_customer_file_comes_first(tmp_path: Path) -> None:
    # two files that both hold both sides; the customers of this account are in the first
    first = write_csv(tmp_path / "a.csv", [row("Customer", "acme corp", "Agree")])
    second = write_csv(tmp_path / "b.csv", [row("Vendor", "Acme Corp", "Agree")])
    survey = load_schema(write_schema(tmp_path, questions=("q1",)))
    responses = load_responses(survey, [first, second], paired=True)
    report = analyze(survey, responses, AnalysisOptions(mode=Mode.PAIRED, show_accounts=1))
    result = overall(report, "q1")
    assert result.paired is not None and result.paired.n_pairs == 1
    assert [a.account for a in result.paired.accounts] == ["Acme Corp"]


def test_a_key_is_shown_in_the_vendors_most_frequent_spelling_and_accounts_sort(
    tmp_path: Path,
) -> None:
    """Not the first spelling met (a per-account count table cannot know which came
    first): the most frequent among the vendor side's respondents, a tie to the one
    that sorts first; the accounts are in the order of their folded keys."""
    rows = [
        row("Vendor", "zeta co", "Agree"),
        row("Vendor", "Zeta Co", "Agree"),
        row("Vendor", " Zeta Co", "Agree"),
        row("Customer", "ZETA CO", "Agree"),
        row("Customer", "ZETA CO", "Agree"),
        row("Customer", "ZETA CO", "Agree"),
        row("Vendor", "beta", "Agree"),
        row("Vendor", "Beta", "Agree"),
        row("Customer", "BETA", "Agree"),
        row("Customer", "alpha", "Agree"),  # no vendor: the customer side's spelling
    ]
    _, responses, _ = run_paired(tmp_path, rows, questions=("q1",))
    assert responses.pair_labels == ("alpha", "Beta", "Zeta Co")
    assert responses.pair_keys is not None
    assert responses.pair_keys.tolist() == [2, 2, 2, 2, 2, 2, 1, 1, 1, 0]


# --- counting what does not pair -----------------------------------------------------


def test_unpaired_accounts_and_keyless_respondents_are_counted_exactly(tmp_path: Path) -> None:
    rows = [
        # A: one respondent a side
        row("Vendor", "A", "Agree", "Agree"),
        row("Customer", "A", "Disagree", "Neutral"),
        # B: one vendor, two customers
        row("Vendor", "B", "Strongly agree", "Agree"),
        row("Customer", "b", "Agree", "Disagree"),
        row("Customer", "B ", "Neutral", "Agree"),
        # C: vendor side only, two respondents
        row("Vendor", "C", "Agree", "Neutral"),
        row("Vendor", "C", "Neutral", "Agree"),
        # D: customer side only
        row("Customer", "D", "Disagree", "Disagree"),
        # E: both sides, but every customer answer to q2 is missing
        row("Vendor", "E", "Agree", "Strongly agree"),
        row("Customer", "E", "Neutral", "Don't know"),
        row("Customer", "E", "Disagree", ""),
        # no key at all: one vendor, two customers (blank, and spaces only)
        row("Vendor", "", "Agree", "Agree"),
        row("Customer", "", "Neutral", "Neutral"),
        row("Customer", "   ", "Agree", "Agree"),
    ]
    _, _, report = run_paired(tmp_path, rows)
    assert report.pairing is not None
    assert report.pairing.to_dict() == {
        "accounts": 5,
        "paired_accounts": 3,
        "vendor_only_accounts": 1,
        "customer_only_accounts": 1,
        "vendor_respondents_without_key": 1,
        "customer_respondents_without_key": 2,
        "combine": "mean",
    }
    assert report.to_dict()["pairing"]["paired_accounts"] == 3
    q1, q2 = overall(report, "q1"), overall(report, "q2")
    assert q1.paired is not None and q2.paired is not None
    # q1: A, B, E pair; C (2 respondents) vendor-only, D (1) customer-only
    assert q1.paired.n_pairs == 3
    assert q1.paired.unmatched_accounts == (1, 1)
    assert q1.paired.unmatched_respondents == (2, 1)
    # q2: E's customers all missing, so E is vendor-only for this question
    assert q2.paired.n_pairs == 2
    assert q2.paired.unmatched_accounts == (2, 1)
    assert q2.paired.unmatched_respondents == (3, 1)
    assert q1.vendor.n == q1.customer.n == 3 and q2.vendor.n == 2
    d = q2.to_dict()
    assert d["n_pairs"] == 2
    assert d["unmatched_accounts"] == {"vendor": 2, "customer": 1}
    assert d["unmatched_respondents"] == {"vendor": 3, "customer": 1}
    # the pairs' values use the paired accounts only: q1 vendor top box 1, 1, 1
    assert q1.vendor.top_box == pytest.approx(1.0)
    # customers: A 0, B 1/2, E 0
    assert q1.customer.top_box == pytest.approx(0.5 / 3)


def test_segment_results_count_the_unmatched_of_their_own_segment(tmp_path: Path) -> None:
    rows = [
        row("Vendor", "A", "Agree", region="EMEA"),
        row("Customer", "A", "Neutral", region="EMEA"),
        row("Vendor", "B", "Agree", region="APAC"),
        row("Customer", "B", "Disagree", region="APAC"),
        row("Vendor", "C", "Agree", region="EMEA"),  # vendor-only, EMEA
        row("Customer", "D", "Agree", region="APAC"),  # customer-only, APAC, 2 respondents
        row("Customer", "D", "Neutral", region="APAC"),
        row("Vendor", "E", "Agree", region="APAC"),  # vendor-only, APAC
    ]
    _, _, report = run_paired(tmp_path, rows, questions=("q1",), segments=("region",))
    by_view = {r.segment: r.paired for r in report.results}
    whole = by_view[()]
    emea = by_view[(("region", "EMEA"),)]
    apac = by_view[(("region", "APAC"),)]
    assert whole is not None and emea is not None and apac is not None
    assert (whole.n_pairs, emea.n_pairs, apac.n_pairs) == (2, 1, 1)
    assert whole.unmatched_accounts == (2, 1)
    assert whole.unmatched_respondents == (2, 2)
    assert emea.unmatched_accounts == (1, 0)
    assert emea.unmatched_respondents == (1, 0)
    assert apac.unmatched_accounts == (1, 1)
    assert apac.unmatched_respondents == (1, 2)


def test_no_account_on_both_sides_is_an_error_naming_the_schema(tmp_path: Path) -> None:
    rows = [row("Vendor", "A", "Agree"), row("Customer", "B", "Agree"), row("Customer", "", "")]
    data = write_csv(tmp_path / "data.csv", rows)
    schema = write_schema(tmp_path, questions=("q1",))
    survey = load_schema(schema)
    responses = load_responses(survey, [data], paired=True)
    with pytest.raises(GapscanError) as caught:
        analyze(survey, responses, PAIRED)
    (problem,) = caught.value.problems
    assert problem.file == str(schema)
    assert "no account has respondents on both sides" in problem.message


def test_pair_by_with_a_column_per_side_and_a_file_per_side(tmp_path: Path) -> None:
    vendor = write_csv(
        tmp_path / "vendor.csv",
        [
            {"acct": "K1", "q1": "Agree"},
            {"acct": "K2", "q1": "Strongly agree"},
            {"acct": "K3", "q1": "Agree"},  # no customer answered for K3
        ],
    )
    customer = write_csv(
        tmp_path / "customer.csv",
        [
            {"account_id": "k1", "q1": "Disagree"},
            {"account_id": " K2", "q1": "Agree"},
            {"account_id": "K2", "q1": "Neutral"},
            {"account_id": "", "q1": "Neutral"},
        ],
    )
    schema = tmp_path / "split.yaml"
    schema.write_text(
        "survey: Split files\n"
        "pair_by: {vendor: acct, customer: account_id}\n"
        "scales:\n"
        f"  agree5: {{levels: [{', '.join(AGREE5)}], top_box: 2}}\n"
        "questions:\n"
        "  - {id: q1, text: Statement q1, scale: agree5, column: q1}\n"
        "analysis: {min_n: 1}\n",
        encoding="utf-8",
    )
    survey = load_schema(schema)
    assert survey.pair_by == PairBy("acct", "account_id", Combine.MEAN)
    responses = load_responses(survey, vendor=[vendor], customer=[customer], paired=True)
    report = analyze(survey, responses, AnalysisOptions(mode=Mode.PAIRED, show_accounts=5))
    assert report.pairing is not None
    assert report.pairing.to_dict() == {
        "accounts": 3,
        "paired_accounts": 2,
        "vendor_only_accounts": 1,
        "customer_only_accounts": 0,
        "vendor_respondents_without_key": 0,
        "customer_respondents_without_key": 1,
        "combine": "mean",
    }
    result = overall(report, "q1")
    assert result.paired is not None
    assert result.paired.n_pairs == 2
    assert result.paired.unmatched_accounts == (1, 0)
    accounts = {a.account: a for a in result.paired.accounts}
    assert set(accounts) == {"K1", "K2"}
    assert (accounts["K1"].vendor_score, accounts["K1"].customer_score) == (4.0, 2.0)
    assert (accounts["K2"].vendor_score, accounts["K2"].customer_score) == (5.0, 3.5)
    assert accounts["K2"].customer_respondents == 2
    # sorted by difference, largest first: K1 +2, K2 +1.5
    assert [a.account for a in result.paired.accounts] == ["K1", "K2"]


# --- combining several respondents of one side -----------------------------------------


COMBINE_ROWS = [
    # A: one vendor (4); three customer contacts 1, 4, 5 -> mean 10/3, median 4
    row("Vendor", "A", level(3)),
    row("Customer", "A", level(0)),
    row("Customer", "A", level(3)),
    row("Customer", "A", level(4)),
    # B: two vendors 2 and 5 -> mean = median 3.5; two customers 1 and 2 -> 1.5
    row("Vendor", "B", level(1)),
    row("Vendor", "B", level(4)),
    row("Customer", "B", level(0)),
    row("Customer", "B", level(1)),
    # C: one vendor 3; three customers 1, 1, 5 -> mean 7/3, median 1
    row("Vendor", "C", level(2)),
    row("Customer", "C", level(0)),
    row("Customer", "C", level(0)),
    row("Customer", "C", level(4)),
]


@pytest.mark.parametrize(
    ("combine", "customer_scores"),
    [("mean", [10 / 3, 1.5, 7 / 3]), ("median", [4.0, 1.5, 1.0])],
)
def test_combine_mean_or_median_of_an_accounts_respondents(
    tmp_path: Path, combine: str, customer_scores: list[float]
) -> None:
    survey, responses, report = run_paired(
        tmp_path, COMBINE_ROWS, show_accounts=3, combine=combine, questions=("q1",)
    )
    assert survey.pair_by is not None and survey.pair_by.combine is Combine(combine)
    assert report.pairing is not None and report.pairing.combine == combine
    pairs = pair_question(survey.question("q1"), responses, Combine(combine))
    labels = [responses.pair_labels[i] for i in pairs.account]
    by_label = dict(zip(labels, range(len(labels)), strict=True))
    got = [float(pairs.customer_score[by_label[k]]) for k in "ABC"]
    assert got == pytest.approx(customer_scores, abs=TOL)
    assert [float(pairs.vendor_score[by_label[k]]) for k in "ABC"] == pytest.approx([4, 3.5, 3])
    # the top-box share is a share of answers whatever the combination
    assert [float(pairs.customer_top[by_label[k]]) for k in "ABC"] == pytest.approx(
        [2 / 3, 0, 1 / 3]
    )
    assert [float(pairs.vendor_top[by_label[k]]) for k in "ABC"] == pytest.approx([1, 0.5, 0])
    assert list(pairs.vendor_n[[by_label[k] for k in "ABC"]]) == [1, 2, 1]
    assert list(pairs.customer_n[[by_label[k] for k in "ABC"]]) == [3, 2, 3]
    # the same values reach the report's list of accounts
    result = overall(report, "q1")
    assert result.paired is not None
    shown = {a.account: a for a in result.paired.accounts}
    for key, expected in zip("ABC", customer_scores, strict=True):
        assert shown[key].customer_score == pytest.approx(expected, abs=TOL)
        assert shown[key].difference == pytest.approx(shown[key].vendor_score - expected, abs=TOL)
    differences = [a.difference for a in result.paired.accounts]
    assert differences == sorted(differences, reverse=True)
    vendor_scores = np.array([4, 3.5, 3])
    assert result.mean_gap == pytest.approx(float((vendor_scores - customer_scores).mean()))


# --- reference implementations ---------------------------------------------------------


def one_to_one_rows(a: int, b: int, c: int, d: int, seed: int) -> list[tuple[int, int]]:
    """(vendor level, customer level) per account: a pairs top box on both sides, b on
    the vendor side only, c on the customer side only, d on neither."""
    rng = random.Random(seed)
    top, rest = list(TOP), [0, 1, 2]
    cells = [(top, top, a), (top, rest, b), (rest, top, c), (rest, rest, d)]
    pairs = [(rng.choice(v), rng.choice(cu)) for v, cu, n in cells for _ in range(n)]
    rng.shuffle(pairs)
    return pairs


def walsh_reference(d: np.ndarray, confidence: float = 0.95) -> tuple[float, float, float]:
    """Hodges-Lehmann estimate and interval from every Walsh average, by brute force."""
    n = d.size
    walsh = np.sort([(d[i] + d[j]) / 2 for i in range(n) for j in range(i, n)])
    z = norm.ppf(0.5 + confidence / 2)
    k = max(0, math.floor(n * (n + 1) / 4 - z * math.sqrt(n * (n + 1) * (2 * n + 1) / 24)))
    return float(np.median(walsh)), float(walsh[k]), float(walsh[walsh.size - 1 - k])


@pytest.mark.parametrize(
    ("a", "b", "c", "d", "test"),
    [
        (10, 16, 8, 12, "mcnemar-exact"),  # 24 discordant pairs
        (10, 17, 8, 12, "mcnemar-chi2"),  # 25
        (30, 40, 12, 25, "mcnemar-chi2"),
        (5, 3, 0, 7, "mcnemar-exact"),
    ],
)
def test_one_to_one_pairs_match_statsmodels_and_scipy(
    tmp_path: Path, a: int, b: int, c: int, d: int, test: str
) -> None:
    pairs = one_to_one_rows(a, b, c, d, seed=a + b + c + d)
    rows = []
    for i, (v, cu) in enumerate(pairs):
        rows += [
            row("Vendor", f"acct{i:03d}", level(v)),
            row("Customer", f"ACCT{i:03d}", level(cu)),
        ]
    _, _, report = run_paired(tmp_path, rows, questions=("q1",))
    r = overall(report, "q1")
    assert r.paired is not None
    assert r.mode == "paired"
    assert r.paired.pairing == "one-to-one"
    assert r.paired.n_pairs == len(pairs)
    assert r.paired.ci_method == "wald-paired"
    assert r.test == test

    table = [[a, b], [c, d]]
    reference = sm_mcnemar(table, exact=b + c < 25, correction=True)
    assert r.p_value == pytest.approx(reference.pvalue, abs=TOL)
    assert r.statistic == pytest.approx(reference.statistic, abs=TOL)

    vendor_scores = np.array([p[0] + 1 for p in pairs], dtype=float)
    customer_scores = np.array([p[1] + 1 for p in pairs], dtype=float)
    diff = vendor_scores - customer_scores
    ref = wilcoxon(diff, zero_method="wilcox", correction=True, method="asymptotic")
    assert r.mean_test == "wilcoxon"
    assert r.mean_p_value == pytest.approx(ref.pvalue, abs=TOL)
    assert r.mean_gap == pytest.approx(diff.mean(), abs=TOL)

    agreement = np.zeros((5, 5))
    for x, y in pairs:
        agreement[x, y] += 1
    kappa = cohens_kappa(agreement, wt="quadratic")
    assert r.paired.kappa == pytest.approx(kappa.kappa, abs=TOL)
    assert r.paired.kappa_ci_low == pytest.approx(kappa.kappa_low, abs=TOL)
    assert r.paired.kappa_ci_high == pytest.approx(kappa.kappa_upp, abs=TOL)

    top_diff = np.array([(x in TOP) - (y in TOP) for x, y in pairs], dtype=float)
    assert r.gap == pytest.approx((b - c) / len(pairs), abs=TOL)
    low, high = zconfint(top_diff, alpha=0.05, ddof=0)
    assert (r.ci_low, r.ci_high) == pytest.approx((low, high), abs=TOL)
    assert r.vendor.top_box == pytest.approx((a + b) / len(pairs), abs=TOL)
    assert r.customer.top_box == pytest.approx((a + c) / len(pairs), abs=TOL)

    estimate, hl_low, hl_high = walsh_reference(diff)
    assert r.paired.median_difference == pytest.approx(estimate, abs=TOL)
    assert (r.paired.median_ci_low, r.paired.median_ci_high) == pytest.approx(
        (hl_low, hl_high), abs=TOL
    )
    assert r.paired.vendor_higher == pytest.approx(float((diff > 0).mean()), abs=TOL)
    assert r.paired.same == pytest.approx(float((diff == 0).mean()), abs=TOL)
    assert r.paired.customer_higher == pytest.approx(float((diff < 0).mean()), abs=TOL)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_many_to_one_pairs_use_wilcoxon_on_account_level_differences(
    tmp_path: Path, seed: int
) -> None:
    rng = random.Random(seed)
    rows: list[Row] = []
    expected_top: list[float] = []
    expected_score: list[float] = []
    for i in range(40):
        health = rng.randint(0, 4)
        answers = {}
        for side, count in (("Vendor", rng.choice((1, 1, 2))), ("Customer", rng.randint(1, 3))):
            levels = [
                min(4, max(0, health + rng.randint(-1, 2 if side == "Vendor" else 1)))
                for _ in range(count)
            ]
            answers[side] = levels
            rows += [row(side, f"account {i}", level(x)) for x in levels]
        # exact account-level values, rounded once, so that equal values tie exactly
        share = {s: Fraction(sum(x in TOP for x in xs), len(xs)) for s, xs in answers.items()}
        mean = {s: Fraction(sum(x + 1 for x in xs), len(xs)) for s, xs in answers.items()}
        expected_top.append(float(share["Vendor"] - share["Customer"]))
        expected_score.append(float(mean["Vendor"] - mean["Customer"]))
    rng.shuffle(rows)
    _, _, report = run_paired(tmp_path, rows, questions=("q1",))
    r = overall(report, "q1")
    assert r.paired is not None
    assert r.paired.pairing == "many-to-one"
    assert r.paired.n_pairs == 40
    assert r.test == "wilcoxon"
    assert r.paired.kappa is None and r.paired.kappa_ci_low is None
    top = wilcoxon(expected_top, zero_method="wilcox", correction=True, method="asymptotic")
    assert r.p_value == pytest.approx(top.pvalue, abs=TOL)
    score = wilcoxon(expected_score, zero_method="wilcox", correction=True, method="asymptotic")
    assert r.mean_test == "wilcoxon"
    assert r.mean_p_value == pytest.approx(score.pvalue, abs=TOL)
    assert r.gap == pytest.approx(float(np.mean(expected_top)), abs=TOL)
    low, high = zconfint(np.array(expected_top), alpha=0.05, ddof=0)
    assert (r.ci_low, r.ci_high) == pytest.approx((low, high), abs=TOL)
    assert r.mean_gap == pytest.approx(float(np.mean(expected_score)), abs=TOL)
    estimate, hl_low, hl_high = walsh_reference(np.array(expected_score))
    assert r.paired.median_difference == pytest.approx(estimate, abs=TOL)
    assert r.paired.median_ci_low == pytest.approx(hl_low, abs=TOL)
    assert r.paired.median_ci_high == pytest.approx(hl_high, abs=TOL)
    s = np.array(expected_score)
    assert r.paired.vendor_higher == pytest.approx(float((s > 0).mean()), abs=TOL)
    assert r.paired.same == pytest.approx(float((s == 0).mean()), abs=TOL)
    assert r.paired.customer_higher == pytest.approx(float((s < 0).mean()), abs=TOL)


# --- suppression -----------------------------------------------------------------------


def test_fewer_pairs_than_min_n_are_suppressed_whatever_the_respondent_count(
    tmp_path: Path,
) -> None:
    # 4 accounts, 12 customer and 8 vendor respondents: min_n 5 counts pairs, not people
    rows = []
    for i in range(4):
        rows += [row("Vendor", f"K{i}", "Agree"), row("Vendor", f"K{i}", "Strongly agree")]
        rows += [row("Customer", f"K{i}", answer) for answer in ("Disagree", "Neutral", "Agree")]
    _, _, report = run_paired(tmp_path, rows, min_n=5, questions=("q1",), show_accounts=3)
    r = overall(report, "q1")
    assert r.suppressed
    assert r.paired is not None and r.paired.n_pairs == 4
    d = r.to_dict()
    assert d["vendor"] == {"n": 4, "suppressed": True}
    assert d["customer"] == {"n": 4, "suppressed": True}
    for key in (
        "gap", "ci_low", "ci_high", "p_value", "p_adjusted", "mean_gap", "mean_p_value",
        "vendor_higher", "same", "customer_higher", "kappa", "median_difference",
        "median_ci_low", "median_ci_high",
    ):  # fmt: skip
        assert d[key] is None, key
    assert "accounts" not in d  # nothing about single accounts of a suppressed view
    assert d["n_pairs"] == 4 and d["mode"] == "paired"

    # one more pair reaches min_n
    rows += [row("Vendor", "K4", "Agree"), row("Customer", "K4", "Disagree")]
    _, _, report = run_paired(tmp_path, rows, min_n=5, questions=("q1",))
    r = overall(report, "q1")
    assert not r.suppressed
    assert r.vendor.top_box == pytest.approx(1.0)
    assert r.paired is not None and r.paired.vendor_higher is not None


# --- swapping the sides mirrors everything -----------------------------------------------

SCALE = Scale("agree5", tuple(AGREE5), frozenset(TOP))


@st.composite
def paired_cases(draw: st.DrawFn) -> tuple[Survey, Responses]:
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    n_accounts = draw(st.integers(1, 80))
    one_to_one = draw(st.booleans())
    n_questions = draw(st.integers(1, 3))
    n_regions = draw(st.integers(1, 3))
    sides: list[int] = []
    keys: list[int] = []
    regions: list[int] = []
    for account in range(n_accounts):
        if one_to_one:
            n_v, n_c = (int(x) for x in rng.choice(2, size=2, p=[0.1, 0.9]))
        else:
            n_v, n_c = int(rng.integers(0, 3)), int(rng.integers(0, 4))
        if account == 0:
            n_v, n_c = max(n_v, 1), max(n_c, 1)
        if n_v + n_c == 0:
            n_v = 1
        region = int(rng.integers(0, n_regions))
        for s, count in ((0, n_v), (1, n_c)):
            sides += [s] * count
            keys += [account] * count
            regions += [region] * count
    for s in (0, 1):  # respondents without an account key
        count = int(rng.integers(0, 3))
        sides += [s] * count
        keys += [-1] * count
        regions += [int(x) for x in rng.integers(0, n_regions, count)]
    side = np.array(sides)
    answers = {}
    for q in range(n_questions):
        codes = np.empty(side.size, dtype=np.int8)
        for s in (0, 1):  # each side its own distribution over no answer and the 5 levels
            p = rng.dirichlet(np.ones(6))
            rows = side == s
            codes[rows] = rng.choice(np.arange(-1, 5), size=int(rows.sum()), p=p)
            if (codes[rows] < 0).all():  # a question nobody answered on a side is refused
                codes[np.flatnonzero(rows)[0]] = rng.integers(0, 5)
        answers[f"q{q}"] = codes
    order = rng.permutation(side.size)
    survey = Survey(
        name="generated",
        path=Path("generated.yaml"),
        sides=Sides("side", ("V",), ("C",)),
        scales=(SCALE,),
        questions=tuple(
            Question(f"q{i}", f"Question {i}", SCALE, f"q{i}", f"q{i}") for i in range(n_questions)
        ),
        analysis=AnalysisSettings(
            min_n=draw(st.integers(1, 12)),
            correction=draw(st.sampled_from(list(Correction))),
            mode=Mode.PAIRED,
        ),
        pair_by=PairBy("account", "account", draw(st.sampled_from(list(Combine)))),
    )
    responses = Responses(
        inputs=(InputSummary("generated.csv", "csv", side.size, 0, 0),),
        side=side[order].astype(np.int8),
        answers={q: codes[order] for q, codes in answers.items()},
        segments=(
            Segment(
                "region",
                tuple(f"r{i}" for i in range(n_regions)),
                np.array(regions, dtype=np.int32)[order],
            ),
        ),
        pair_keys=np.array(keys, dtype=np.int32)[order],
        pair_labels=tuple(f"acct{i}" for i in range(n_accounts)),
    )
    return survey, responses


def _negated(value: float | None) -> float | None:
    return None if value is None else -value


def _same(x: float | None, y: float | None) -> bool:
    if x is None or y is None:
        return x is None and y is None
    return x == pytest.approx(y, abs=TOL)


@settings(max_examples=200, deadline=None)
@given(paired_cases())
def test_swapping_sides_mirrors_every_paired_result(case: tuple[Survey, Responses]) -> None:
    survey, responses = case
    swapped = replace(responses, side=(1 - responses.side).astype(np.int8))
    a, b = analyze(survey, responses), analyze(survey, swapped)
    assert a.pairing is not None and b.pairing is not None
    assert a.pairing.paired_accounts == b.pairing.paired_accounts
    assert a.pairing.vendor_only_accounts == b.pairing.customer_only_accounts
    assert a.pairing.customer_only_accounts == b.pairing.vendor_only_accounts
    assert a.pairing.vendor_without_key == b.pairing.customer_without_key
    assert a.pairing.customer_without_key == b.pairing.vendor_without_key
    assert len(a.results) == len(b.results)
    for x, y in zip(a.results, b.results, strict=True):
        assert (x.question, x.segment, x.suppressed) == (y.question, y.segment, y.suppressed)
        px, py = x.paired, y.paired
        assert px is not None and py is not None
        assert px.n_pairs == py.n_pairs and px.pairing == py.pairing
        assert px.unmatched_accounts == py.unmatched_accounts[::-1]
        assert px.unmatched_respondents == py.unmatched_respondents[::-1]
        if x.suppressed:
            assert x.gap is None and y.gap is None
            continue
        assert _same(x.vendor.top_box, y.customer.top_box)
        assert _same(x.vendor.mean, y.customer.mean)
        for mirrored in (
            (x.gap, y.gap),
            (x.mean_gap, y.mean_gap),
            (x.effect_size, y.effect_size),
            (x.mean_effect_size, y.mean_effect_size),
            (x.ci_low, y.ci_high),
            (x.ci_high, y.ci_low),
            (px.median_difference, py.median_difference),
            (px.median_ci_low, py.median_ci_high),
            (px.median_ci_high, py.median_ci_low),
        ):
            assert _same(mirrored[0], _negated(mirrored[1])), mirrored
        assert _same(px.vendor_higher, py.customer_higher)
        assert _same(px.customer_higher, py.vendor_higher)
        assert _same(px.same, py.same)
        assert x.test == y.test and x.mean_test == y.mean_test
        for unchanged in (
            (x.statistic, y.statistic),
            (x.p_value, y.p_value),
            (x.p_adjusted, y.p_adjusted),
            (x.mean_statistic, y.mean_statistic),
            (x.mean_p_value, y.mean_p_value),
            (x.mean_p_adjusted, y.mean_p_adjusted),
            (px.kappa, py.kappa),
            (px.kappa_ci_low, py.kappa_ci_low),
            (px.kappa_ci_high, py.kappa_ci_high),
        ):
            assert _same(*unchanged), unchanged
        assert x.significant == y.significant
        assert x.mean_significant == y.mean_significant
        if px.pairing == "one-to-one":
            assert x.test in ("mcnemar-exact", "mcnemar-chi2")
        else:
            assert x.test == "wilcoxon" and px.kappa is None


KEY_SPELLINGS = ["acme", "ACME", "Acme ", "Ac me", "bolt", "Bolt", "Straße", "STRASSE", "a`b"]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(KEY_SPELLINGS), st.integers(0, 3), st.integers(0, 3)).filter(
            lambda t: t[1] + t[2] > 0  # every spelling is some respondent's key
        ),
        max_size=8,
        unique_by=lambda t: t[0],
    )
)
def test_accounts_of_distinct_keys_are_the_grouped_ones(
    rows: list[tuple[str, int, int]],
) -> None:
    """Accounts from key spellings are those of grouping every spelling with its folded
    value, whether the keys fold apart (a shortcut: one account each, shown as spelled)
    or some of them are one key (``acme`` and ``ACME``)."""
    spelled = [r[0] for r in rows]
    vendor, customer = [r[1] for r in rows], [r[2] for r in rows]
    folded = [survey.fold(s) for s in spelled]
    grouped_labels, grouped = labels._grouped_accounts(spelled, folded, vendor, customer)
    shown, account = labels.account_keys(spelled, vendor, customer)
    assert shown == grouped_labels and account.tolist() == grouped.tolist()


@settings(max_examples=200, deadline=None)
@given(
    data=st.data(),
    kind=st.sampled_from(["scores", "large", "fractions"]),
    k=st.integers(1, 11),
)
def test_account_means_do_not_depend_on_the_order_of_the_rows(
    data: st.DataObject, kind: str, k: int
) -> None:
    """Whole-number scores are added as the rows come (exact, in any order); others
    level by level. Either way each account's mean has the bits of the level-by-level
    sum, whatever the order of the rows (a per-account count table has none)."""
    rows = data.draw(st.integers(1, 60))
    cells = data.draw(st.integers(1, 12))
    group = np.array(data.draw(st.lists(st.integers(0, cells - 1), min_size=rows, max_size=rows)))
    level = np.array(data.draw(st.lists(st.integers(0, k - 1), min_size=rows, max_size=rows)))
    if kind == "scores":
        values = np.array(data.draw(st.lists(st.integers(-10, 10), min_size=k, max_size=k)), float)
    elif kind == "large":  # whole numbers too large to add exactly
        values = np.array([2.0**52 + 2 * i + 1 for i in range(k)])
    else:
        values = np.array(
            data.draw(st.lists(st.floats(-5, 5, allow_nan=False), min_size=k, max_size=k))
        )
    count = np.bincount(group, minlength=cells)
    entry, n = np.unique(group * k + level, return_counts=True)
    total = np.bincount(entry // k, weights=values[entry % k] * n, minlength=cells)
    expected = np.divide(total, count, out=np.zeros(cells), where=count > 0)
    order = np.random.default_rng(rows).permutation(rows)
    for g, lv in ((group, level), (group[order], level[order])):
        found, _ = pairing._combined(g, lv, values, count, Combine.MEAN)
        assert found.tobytes() == expected.tobytes()
    if kind != "fractions":  # (drawn fractions may happen to be whole)
        assert pairing.sums_exactly(values, rows) == (kind == "scores" or rows == 1)


@settings(max_examples=150, deadline=None)
@given(
    data=st.data(),
    kind=st.sampled_from(["scores", "large", "fractions"]),
    combine=st.sampled_from(list(Combine)),
)
def test_each_views_distinct_differences_are_those_its_pairs_sort_to(
    data: st.DataObject, kind: str, combine: Combine
) -> None:
    """The whole sample's pairs index their distinct differences once (by the sides'
    whole-number totals and counts); every view of a subset of them counts its own
    from the indices. They are the values and counts a sort of the view's own rounded
    differences gives, bit for bit, and the differences themselves are unchanged. Each side's
    level position is the sum of its respondents' levels: a one-to-one pair's levels."""
    k = data.draw(st.integers(1, 7))
    if kind == "scores":
        scores = data.draw(st.lists(st.integers(-10, 10), min_size=k, max_size=k))
    elif kind == "large":  # whole numbers whose totals would need too many states
        scores = [2.0**40 + 3 * i for i in range(k)]
    else:
        scores = data.draw(
            st.lists(st.sampled_from([0.5, 1.25, -2.0, 1 / 3]), min_size=k, max_size=k)
        )
    levels = tuple(f"l{i}" for i in range(k))
    scale = Scale("s", levels, frozenset({k - 1}), scores=tuple(map(float, scores)))
    question = Question("q", "Q", scale, "q", "q")
    rows = data.draw(st.integers(2, 80))
    accounts = data.draw(st.integers(1, 12))
    side = np.array(data.draw(st.lists(st.integers(0, 1), min_size=rows, max_size=rows)), np.int8)
    keys = data.draw(st.lists(st.integers(-1, accounts - 1), min_size=rows, max_size=rows))
    codes = data.draw(st.lists(st.integers(-1, k - 1), min_size=rows, max_size=rows))
    responses = Responses(
        inputs=(InputSummary("generated.csv", "csv", rows, 0, 0),),
        side=side,
        answers={"q": np.array(codes, dtype=np.int8)},
        segments=(),
        pair_keys=np.array(keys, dtype=np.int32),
        pair_labels=tuple(f"a{i}" for i in range(accounts)),
    )
    whole = pair_question(question, responses, combine)
    groups = data.draw(st.integers(1, 4))
    group = np.array(
        data.draw(st.lists(st.integers(0, groups - 1), min_size=accounts, max_size=accounts))
    )
    for view in [whole, *whole.by_group(group, groups)]:
        for found, vendor, customer in zip(
            view.differences(),
            (view.vendor_top, view.vendor_score),
            (view.customer_top, view.customer_score),
            strict=True,
        ):
            rounded = np.round(vendor - customer, 12)
            assert found.value.tobytes() == rounded.tobytes()
            values, counts = found.counted()
            expected = distinct_differences(rounded)
            assert values.tobytes() == expected[0].tobytes()
            assert counts.tolist() == expected[1].tolist()
        sides = (survey.VENDOR, view.vendor_level, view.vendor_n)
        for code, positions, n in (sides, (survey.CUSTOMER, view.customer_level, view.customer_n)):
            assert positions is not None
            for account, position, count in zip(view.account, positions, n, strict=True):
                answered = [
                    c for s, key, c in zip(side, keys, codes, strict=True)
                    if s == code and key == account and c >= 0
                ]  # fmt: skip
                assert len(answered) == count
                assert position == sum(answered)  # one respondent: the level answered
    top, score = whole.differences()
    if whole.account.size:
        # a side's state is its total (top-box answers, or scores) and its count: there
        # are few while both stay small (paired_differences.STATE_BUDGET pair states)
        most = int(max(whole.vendor_n.max(), whole.customer_n.max()))
        if (most + 1) ** 4 <= paired_differences.STATE_BUDGET:  # top-box totals 0..most
            assert top.distinct is not None
        if kind == "scores" and combine is Combine.MEDIAN:  # a median is no total / count
            assert score.distinct is None
        elif kind == "scores":  # whole-number scores: a mean's states are its total and count
            low, high = min(scores), max(scores)  # a total: 1 to ``most`` scores
            totals = max(most * high, high) - min(most * low, low) + 1
            if (totals * (most + 1)) ** 2 <= paired_differences.STATE_BUDGET:
                assert score.distinct is not None
