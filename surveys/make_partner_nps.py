"""Build the NPS example: account managers predicting how likely their customers are
to recommend the vendor, and the customers' own answers.

    python surveys/make_partner_nps.py

Writes partner-nps.csv next to this file. The data are SYNTHETIC (seeded, standard
library only, so the file never changes between Python versions): 90 account managers
and 300 customer contacts in two regions answer the 0-10 "How likely is it that you
would recommend ..." question (account managers answer for their customers) and one
agree/disagree statement. Each side's answers are exact counts per level, handed out
to respondents in a seeded order, so the Net Promoter Scores below hold exactly:

- account managers: 45 promoters, 33 passives, 12 detractors of 90 (NPS +36.7);
- customers: 81 promoters, 105 passives, 114 detractors of 300 (NPS -11.0).
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

SEED = 2026
HERE = Path(__file__).resolve().parent
AGREE = ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"]
REGIONS = ["North America", "EMEA"]

# Answers per level, lowest first: 0..10 for "recommend", AGREE for "partnership".
COUNTS: dict[str, dict[str, list[int]]] = {
    "Account manager": {
        "recommend": [0, 0, 0, 1, 1, 3, 7, 14, 19, 26, 19],
        "partnership": [2, 8, 15, 40, 25],
    },
    "Customer": {
        "recommend": [6, 5, 8, 10, 14, 31, 40, 51, 54, 45, 36],
        "partnership": [30, 66, 84, 90, 30],
    },
}
PREFIX = {"Account manager": "AM", "Customer": "C"}


def side_rows(side: str, rng: random.Random) -> list[dict[str, str]]:
    """Every respondent of one side, with the exact answer counts of ``COUNTS``."""
    counts = COUNTS[side]
    n = sum(counts["recommend"])
    rows = [
        {
            "respondent_id": f"{PREFIX[side]}{i + 1:03d}",
            "role": side,
            "region": REGIONS[i % len(REGIONS)],
        }
        for i in range(n)
    ]
    levels = {"recommend": [str(s) for s in range(11)], "partnership": AGREE}
    for question, per_level in counts.items():
        assert sum(per_level) == n, (side, question)
        pairs = zip(levels[question], per_level, strict=True)
        answers = [lvl for lvl, k in pairs for _ in range(k)]
        rng.shuffle(answers)
        for row, answer in zip(rows, answers, strict=True):
            row[question] = answer
    return rows


def nps(rows: list[dict[str, str]]) -> float:
    scores = [int(r["recommend"]) for r in rows]
    return (sum(s >= 9 for s in scores) - sum(s <= 6 for s in scores)) / len(scores)


def main() -> None:
    rng = random.Random(SEED)
    rows = side_rows("Account manager", rng) + side_rows("Customer", rng)
    out = HERE / "partner-nps.csv"
    with out.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    for side in COUNTS:
        group = [r for r in rows if r["role"] == side]
        print(f"{side}: {len(group)} respondents, NPS {100 * nps(group):+.1f}")
    assert round(100 * nps([r for r in rows if r["role"] == "Customer"]), 1) == -11.0
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
