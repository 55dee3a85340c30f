"""One-to-one paired views from their agreement table: the same statistics, to the bit,
as from the pairs' arrays; and a run whose accounts have one respondent a side gives
the report of the general path."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gapscan import paired_agreement, paired_analysis
from gapscan.analysis import AnalysisOptions, analyze
from gapscan.paired_agreement import MAX_LEVELS, OneEach, from_agreement, tabulable
from gapscan.pairing import QuestionPairs
from gapscan.render.json import render
from gapscan.responses import load_responses
from gapscan.schema import load_schema
from gapscan.stats.paired import mean_difference_interval
from gapscan.survey import Mode, Numeric, Question, Scale
from tests.conftest import AGREE5
from tests.test_pairing import write_csv


@st.composite
def one_to_one_pairs(draw: st.DrawFn) -> tuple[Question, np.ndarray, np.ndarray]:
    """A question on a scale with whole-number scores, and the (vendor, customer)
    levels of some one-to-one pairs."""
    k = draw(st.integers(2, 7))
    scores = draw(st.lists(st.integers(-20, 20), min_size=k, max_size=k))
    top = draw(st.sets(st.integers(0, k - 1), max_size=k))
    numeric = Numeric(None, None, None, None) if draw(st.booleans()) else None
    levels = tuple(f"L{i}" for i in range(k))
    scale = Scale("s", levels, frozenset(top), scores=tuple(map(float, scores)), numeric=numeric)
    n = draw(st.integers(1, 80))
    # few distinct cells, so that ties, zero differences and empty cells all occur
    vendor = draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n))
    customer = draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n))
    question = Question("q", "Q", scale, "q", "q")
    return question, np.array(vendor), np.array(customer)


def _pairs(question: Question, vendor: np.ndarray, customer: np.ndarray) -> QuestionPairs:
    """One-to-one pairs with these levels, laid out as ``pair_question`` gives them."""
    scale = question.scale
    scores = np.asarray(scale.scores)
    top = np.isin(np.arange(scale.k), sorted(scale.top_box)).astype(np.float64)
    ones, none = np.ones(vendor.size, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return QuestionPairs(
        account=np.arange(vendor.size),
        vendor_score=scores[vendor],
        customer_score=scores[customer],
        vendor_top=top[vendor],
        customer_top=top[customer],
        vendor_n=ones,
        customer_n=ones,
        vendor_only=none,
        vendor_only_n=none,
        customer_only=none,
        customer_only_n=none,
        vendor_level=vendor.astype(np.float64),
        customer_level=customer.astype(np.float64),
    )


@settings(max_examples=300, deadline=None)
@given(case=one_to_one_pairs(), confidence=st.sampled_from([0.8, 0.95, 0.99]))
def test_the_agreement_table_gives_the_statistics_of_the_pairs_bit_for_bit(
    case: tuple[Question, np.ndarray, np.ndarray], confidence: float
) -> None:
    question, vendor, customer = case
    k = question.scale.k
    table = np.bincount(vendor * k + customer, minlength=k * k).reshape(k, k)
    from_table = from_agreement(question, table, confidence)
    pairs = _pairs(question, vendor, customer)
    from_pairs = paired_analysis._from_pairs(question, pairs, confidence)
    assert repr(from_table) == repr(from_pairs)  # repr: nan equals nan, -0.0 is not 0.0
    # the interval is the Wald interval of the top-box differences, here in exact counts
    d_top = pairs.vendor_top - pairs.customer_top
    reference = mean_difference_interval(d_top, confidence=confidence)
    assert from_table.ci == pytest.approx(reference, rel=1e-12, abs=1e-15)


def test_scales_with_fractional_scores_or_many_levels_keep_the_arrays() -> None:
    agree = Scale("a", AGREE5, frozenset({3, 4}))
    assert tabulable(agree, 100_000)
    assert not tabulable(Scale("h", ("a", "b"), frozenset(), scores=(0.5, 1.0)), 10)
    many = tuple(str(i) for i in range(MAX_LEVELS + 1))
    assert tabulable(Scale("m", many[:-1], frozenset()), 10)
    assert not tabulable(Scale("m", many, frozenset()), 10)
    assert not tabulable(Scale("big", ("a", "b"), frozenset(), scores=(0.0, 2.0**40)), 2**14)


SCHEMA = """\
survey: Agreement tables
sides: {column: side, vendor: [Vendor], customer: [Customer]}
pair_by: account
segments: [region, tier]
scales:
  agree5:
    levels: [%s]
    top_box: 2
    missing: [Don't know]
  halves:
    levels: [Low, Mid, High]
    scores: [0.5, 1.25, 2]
    top_box: 1
questions:
  - {id: q1, text: One, scale: agree5, column: q1}
  - {id: q2, text: Two, scale: agree5, column: q2}
  - {id: h, text: Halves, scale: halves, column: h}
  - {id: pct, text: Percent, type: numeric, range: [0, 100], top_box: {min: 90}, column: pct}
  - {id: tenth, text: Tenths, type: numeric, range: [0, 10], column: tenth}
analysis: {min_n: 3}
"""


def _survey(folder: Path, *, contacts: int = 1) -> tuple[Path, int]:
    """Accounts with a respondent a side (``contacts`` on the vendor side of some), some
    answered by one side only, blanks, don't-knows, and accounts whose two respondents
    give different regions; and how many distinct values ``pct`` was given."""
    rng = random.Random(20261202)
    rows = []
    for a in range(160):
        sides = ["Vendor"] * (contacts if a % 7 == 0 else 1) + ["Customer"]
        if a % 11 == 0:
            sides = ["Vendor"]
        elif a % 13 == 0:
            sides = ["Customer"]
        for side in sides:
            rows.append(
                {
                    "side": side,
                    "account": f"Acct {a:03d}",
                    "region": rng.choice(["EMEA", "APAC", "AMER"]),
                    "tier": "Gold" if a % 3 else "Silver",
                    "q1": rng.choice([*AGREE5, "", "Don't know"]),
                    "q2": rng.choice(AGREE5[2:]),
                    "h": rng.choice(["Low", "Mid", "High", ""]),
                    "pct": str(rng.randrange(60, 101)),
                    "tenth": rng.choice(["", "2.5", "7", "9.9", "10"]),
                }
            )
    rows.append({"side": "Vendor", "account": "", "q1": "Agree"})  # no key: not paired
    write_csv(folder / "data.csv", rows)
    path = folder / "survey.yaml"
    path.write_text(SCHEMA % ", ".join(AGREE5) + "data: [data.csv]\n", encoding="utf-8")
    return path, len({row["pct"] for row in rows if "pct" in row})


def _report(schema: Path) -> str:
    survey = load_schema(schema)
    responses = load_responses(survey, list(survey.data), paired=True)
    return render(analyze(survey, responses, AnalysisOptions(mode=Mode.PAIRED, show_accounts=4)))


def test_one_respondent_a_side_is_tabulated_to_the_report_of_the_general_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    schema, pct_values = _survey(tmp_path)
    tabulated: list[int] = []
    views = OneEach.views

    def noted(self: OneEach, codes: np.ndarray, k: int, groupings: object) -> object:
        tabulated.append(k)
        return views(self, codes, k, groupings)  # type: ignore[arg-type]

    monkeypatch.setattr(OneEach, "views", noted)
    report = _report(schema)
    # q1, q2 and pct (whole values) from their tables; halves and tenths from their pairs
    assert sorted(tabulated) == sorted([5, 5, pct_values])
    assert '"pairing": "one-to-one"' in report and '"suppressed": false' in report
    monkeypatch.setattr(paired_agreement.OneEach, "of", classmethod(lambda cls, r: None))
    assert report == _report(schema)


def test_two_respondents_of_a_side_in_an_account_take_the_general_path(tmp_path: Path) -> None:
    for contacts, tabulated in ((1, True), (2, False)):
        folder = tmp_path / str(contacts)
        folder.mkdir()
        survey = load_schema(_survey(folder, contacts=contacts)[0])
        responses = load_responses(survey, list(survey.data), paired=True)
        assert (OneEach.of(responses) is not None) is tabulated
