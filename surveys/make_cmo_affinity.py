"""Write surveys/cmo-affinity.csv: synthetic respondents reproducing published gaps.

The published figures (CMO Council, "Profitability from Customer Affinity"):
56% of vendors call themselves "extremely customer-centric", 12% of customers
agree; 85% of vendors say they are getting better at responding to customer
needs, 45% of customers disagree; 7% of customers call their vendor "extremely
well-aligned" with their needs. The vendor share for alignment (38%) is invented.

Each side's answers to a question are built as exact counts, so every published
percentage holds exactly. They are then handed out to respondents in the order
of a seeded, noisy latent attitude (region-shifted), which keeps the marginals
exact while making answers correlate across questions and vary by region.
Only the standard library is used, so the output never changes between runs.

    python surveys/make_cmo_affinity.py [--seed 2026] [--out surveys/cmo-affinity.csv]
"""

from __future__ import annotations

import argparse
import csv
import random
from collections import Counter
from pathlib import Path

REGIONS = ("North America", "EMEA", "APAC", "Latin America")

SCALES: dict[str, tuple[str, ...]] = {
    "centricity": (
        "Not customer-centric",
        "Somewhat customer-centric",
        "Very customer-centric",
        "Extremely customer-centric",
    ),
    "improving": (
        "Strongly disagree",
        "Disagree",
        "Neither agree nor disagree",
        "Agree",
        "Strongly agree",
    ),
    "alignment": ("Not aligned", "Somewhat aligned", "Well aligned", "Extremely well-aligned"),
}
TOP_BOX = {"centricity": 1, "improving": 2, "alignment": 1}  # top N levels are favourable

# Exact answer counts per side, lowest level first.
COUNTS: dict[str, dict[str, tuple[int, ...]]] = {
    "Vendor": {
        "centricity": (4, 22, 62, 112),  # 112/200 = 56% extremely customer-centric
        "improving": (2, 10, 18, 120, 50),  # 170/200 = 85% agree
        "alignment": (6, 34, 84, 76),  # 76/200 = 38% (invented)
    },
    "Customer": {
        "centricity": (112, 266, 238, 84),  # 84/700 = 12%
        "improving": (70, 245, 140, 189, 56),  # 315/700 = 45% disagree
        "alignment": (126, 294, 231, 49),  # 49/700 = 7%
    },
}
REGION_SIZES = {
    "Vendor": {"North America": 84, "EMEA": 62, "APAC": 46, "Latin America": 8},
    "Customer": {"North America": 260, "EMEA": 210, "APAC": 150, "Latin America": 80},
}
# Shift of the latent attitude per region: a little regional variation.
REGION_SHIFT = {"North America": 0.15, "EMEA": 0.0, "APAC": -0.15, "Latin America": 0.05}
PREFIX = {"Vendor": "V", "Customer": "C"}
MIN_N = 10

# (side, question, top-box share among answers) as published, plus the invented one.
PUBLISHED = [
    ("Vendor", "centricity", 0.56, 1),
    ("Customer", "centricity", 0.12, 1),
    ("Vendor", "improving", 0.85, 2),
    ("Customer", "improving", 0.45, -2),  # bottom 2 boxes: disagree
    ("Customer", "alignment", 0.07, 1),
    ("Vendor", "alignment", 0.38, 1),  # invented, not published
]

Row = dict[str, str]


def make_side(side: str, rng: random.Random) -> list[Row]:
    """All respondents of one side, with exact answer counts per question."""
    regions = [r for r, n in REGION_SIZES[side].items() for _ in range(n)]
    rng.shuffle(regions)
    latent = [REGION_SHIFT[r] + rng.gauss(0.0, 1.0) for r in regions]
    rows: list[Row] = [
        {"respondent_id": f"{PREFIX[side]}{i + 1:04d}", "respondent_type": side, "region": r}
        for i, r in enumerate(regions)
    ]
    for question, counts in COUNTS[side].items():
        assert sum(counts) == len(rows), (side, question)
        pool = [lvl for lvl, n in zip(SCALES[question], counts, strict=True) for _ in range(n)]
        keys = [z + rng.gauss(0.0, 1.0) for z in latent]
        order = sorted(range(len(rows)), key=lambda i: keys[i])
        for i, answer in zip(order, pool, strict=True):
            rows[i][question] = answer
    return rows


def share(rows: list[Row], question: str, top: int) -> float:
    """Share of answers in the top `top` levels (or the bottom `-top` if negative)."""
    levels = SCALES[question]
    good = set(levels[-top:]) if top > 0 else set(levels[:-top])
    answers = [r[question] for r in rows]
    return sum(a in good for a in answers) / len(answers)


def mean(rows: list[Row], question: str) -> float:
    code = {lvl: i + 1 for i, lvl in enumerate(SCALES[question])}
    return sum(code[r[question]] for r in rows) / len(rows)


def check(rows: list[Row]) -> None:
    """Assert the published marginals, and a gap in every reportable region."""
    by_side = {s: [r for r in rows if r["respondent_type"] == s] for s in PREFIX}
    assert len(by_side["Vendor"]) == 200 and len(by_side["Customer"]) == 700
    for side, question, expected, top in PUBLISHED:
        got = share(by_side[side], question, top)
        assert abs(got - expected) < 1e-12, (side, question, got, expected)
    for side, counts in COUNTS.items():
        for question, expected_counts in counts.items():
            got_counts = Counter(r[question] for r in by_side[side])
            assert [got_counts[lvl] for lvl in SCALES[question]] == list(expected_counts)
    for region in REGIONS:
        v = [r for r in by_side["Vendor"] if r["region"] == region]
        c = [r for r in by_side["Customer"] if r["region"] == region]
        if min(len(v), len(c)) < MIN_N:
            continue
        for question, top in TOP_BOX.items():
            gap = share(v, question, top) - share(c, question, top)
            assert gap > 0.2, (region, question, gap)  # the gap shows in every region
            if question == "centricity":
                assert gap < 0.5, (region, gap)  # the example's top_box_gap rule holds
            assert 0.5 < mean(v, question) - mean(c, question) < 1.5, (region, question)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("cmo-affinity.csv"))
    args = parser.parse_args()

    rng = random.Random(args.seed)
    rows = make_side("Vendor", rng) + make_side("Customer", rng)
    rows.sort(key=lambda r: (r["respondent_type"] != "Vendor", r["respondent_id"]))
    fields = ["respondent_id", "respondent_type", "region", *SCALES]
    with args.out.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)

    with args.out.open(newline="", encoding="utf-8") as f:
        written = list(csv.DictReader(f))
    check(written)

    print(f"wrote {args.out} ({len(written)} respondents, seed {args.seed})")
    print(f"{'region':<14} {'side':<9} {'n':>4} {'centric':>8} {'improve':>8} {'aligned':>8}")
    for region in ("(all)", *REGIONS):
        for side in PREFIX:
            group = [
                r
                for r in written
                if r["respondent_type"] == side and region in ("(all)", r["region"])
            ]
            cells = [f"{share(group, q, t):8.1%}" for q, t in TOP_BOX.items()]
            if len(group) < MIN_N:
                cells = [f"(n < {MIN_N}: suppressed in reports)"]
            print(f"{region:<14} {side:<9} {len(group):>4} {' '.join(cells)}")
    print(
        "customers disagreeing that their vendor is improving: "
        f"{share([r for r in written if r['respondent_type'] == 'Customer'], 'improving', -2):.0%}"
    )
    print("all published marginals hold exactly")


if __name__ == "__main__":
    main()
