"""The whole distribution: counts and shares at every level, held to a direct count
of the raw answers (collections.Counter on the CSV), for a bundled example, for the
paired example and for generated data (hypothesis)."""

from __future__ import annotations

import csv
import math
import tempfile
from collections import Counter
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from gapscan.analysis import AnalysisOptions, analyze_files
from gapscan.report import GapReport, GapResult
from gapscan.survey import Mode, fold
from tests.conftest import AGREE5, SURVEYS, schema_text
from tests.fuzz.conftest import fuzz_settings

Rows = list[dict[str, str]]


def read_rows(path: Path) -> Rows:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def direct_count(rows: Rows, column: str, levels: list[str]) -> list[int]:
    """How many rows answered each level (trimmed, case-folded), in scale order."""
    counted = Counter(fold(row[column]) for row in rows)
    return [counted[fold(level)] for level in levels]


def assert_distribution(result: GapResult, vendor: list[int], customer: list[int]) -> None:
    for side, expected in ((result.vendor, vendor), (result.customer, customer)):
        assert [level.n for level in side.distribution] == expected
        total = sum(expected)
        assert [level.share for level in side.distribution] == [n / total for n in expected]
        assert math.isclose(sum(level.share for level in side.distribution), 1.0)


def test_the_bundled_example_counts_every_level_of_every_view() -> None:
    schema = SURVEYS / "cmo-affinity.yaml"
    rows = read_rows(SURVEYS / "cmo-affinity.csv")
    report = analyze_files(schema)
    scale_levels = {
        "centricity": [
            "Not customer-centric",
            "Somewhat customer-centric",
            "Very customer-centric",
            "Extremely customer-centric",
        ],
        "improving": [*AGREE5[:2], "Neither agree nor disagree", *AGREE5[3:]],
        "alignment": ["Not aligned", "Somewhat aligned", "Well aligned", "Extremely well-aligned"],
    }
    checked = 0
    for r in report.results:
        in_view = [row for row in rows if all(row[c] == v for c, v in r.segment)]
        if r.suppressed:
            assert r.vendor.distribution == () and r.customer.distribution == ()
            assert "distribution" not in r.to_dict()["vendor"]
            continue
        levels = scale_levels[r.question]
        assert [level.level for level in r.vendor.distribution] == levels
        assert [level.score for level in r.vendor.distribution] == [1.0, 2.0, 3.0, 4.0, 5.0][
            : len(levels)
        ]
        vendor = [row for row in in_view if row["respondent_type"] == "Vendor"]
        customer = [row for row in in_view if row["respondent_type"] == "Customer"]
        assert_distribution(
            r,
            direct_count(vendor, r.question, levels),
            direct_count(customer, r.question, levels),
        )
        assert sum(level.n for level in r.vendor.distribution) == r.vendor.n
        top = sum(level.n for level in r.vendor.distribution if level.level in r.top_box_labels)
        assert r.vendor.top_box == top / r.vendor.n
        checked += 1
    assert checked == 12  # 3 questions x (whole sample + 3 unsuppressed regions)


def test_paired_mode_counts_the_respondents_of_the_paired_accounts() -> None:
    schema = SURVEYS / "account-pulse.yaml"
    rows = read_rows(SURVEYS / "account-pulse.csv")
    report = analyze_files(schema, options=AnalysisOptions(mode=Mode.PAIRED))
    whole = [r for r in report.results if not r.segment]
    assert whole
    for r in whole:
        answered = [row for row in rows if fold(row[r.question]) in {fold(a) for a in AGREE5}]
        keys = {
            side: {fold(row["account"]) for row in answered if row["role"] == side}
            for side in ("Account team", "Customer")
        }
        paired = keys["Account team"] & keys["Customer"]
        assert r.paired is not None and r.paired.n_pairs == len(paired)

        vendor, customer = (
            [row for row in answered if row["role"] == side and fold(row["account"]) in paired]
            for side in ("Account team", "Customer")
        )
        assert_distribution(
            r,
            direct_count(vendor, r.question, AGREE5),
            direct_count(customer, r.question, AGREE5),
        )


ANSWERS = st.sampled_from([*AGREE5, "  agree ", "STRONGLY DISAGREE", "Don't know", ""])


@fuzz_settings(60)
@given(
    st.lists(
        st.tuples(st.sampled_from(["Vendor", "Customer"]), st.sampled_from(["N", "S"]), ANSWERS),
        min_size=2,
        max_size=80,
    )
)
def test_generated_answers_are_counted_level_by_level(
    answers: list[tuple[str, str, str]],
) -> None:
    rows = [{"side": side, "region": region, "q1": answer} for side, region, answer in answers] + [
        {"side": side, "region": "N", "q1": "Agree"} for side in ("Vendor", "Customer")
    ]  # each side has an answer
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data.csv"
        with data.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=["side", "region", "q1"])
            writer.writeheader()
            writer.writerows(rows)
        schema = Path(tmp) / "survey.yaml"
        schema.write_text(
            schema_text(questions=("q1",), segments=("region",), min_n=1), encoding="utf-8"
        )
        report = analyze_files(schema, [data], options=AnalysisOptions(apply_rules=False))
    for r in report.results:
        in_view = [row for row in rows if all(row[c] == v for c, v in r.segment)]
        if r.suppressed:
            assert r.vendor.distribution == ()
            continue
        counts = [
            direct_count([row for row in in_view if row["side"] == side], "q1", AGREE5)
            for side in ("Vendor", "Customer")
        ]
        assert_distribution(r, *counts)
        # every level is listed, in scale order, zero counts included
        assert [level.level for level in r.customer.distribution] == AGREE5


def test_the_json_lists_every_level_with_its_score_count_and_share() -> None:
    report: GapReport = analyze_files(SURVEYS / "cmo-affinity.yaml")
    side = report.to_dict()["results"][0]["vendor"]
    first = side["distribution"][0]
    assert set(first) == {"level", "score", "n", "share"}
    assert [d["n"] for d in side["distribution"]] == [
        level.n for level in report.results[0].vendor.distribution
    ]


def test_a_level_nobody_chose_is_listed_with_zero(tmp_path: Path) -> None:
    data = tmp_path / "data.csv"
    data.write_text(
        "side,q1\n" + "Vendor,Agree\n" * 3 + "Customer,Disagree\n" * 2 + "Customer,Agree\n",
        encoding="utf-8",
    )
    schema = tmp_path / "survey.yaml"
    schema.write_text(schema_text(questions=("q1",), min_n=1), encoding="utf-8")
    (result,) = analyze_files(schema, [data], options=AnalysisOptions(apply_rules=False)).results
    assert [(d.level, d.n, d.share) for d in result.vendor.distribution] == [
        ("Strongly disagree", 0, 0.0),
        ("Disagree", 0, 0.0),
        ("Neutral", 0, 0.0),
        ("Agree", 3, 1.0),
        ("Strongly agree", 0, 0.0),
    ]
    assert [d.n for d in result.customer.distribution] == [0, 2, 0, 1, 0]
