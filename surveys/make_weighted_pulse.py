"""Build the weighted example: customer contacts sampled unequally and clustered in accounts.

    python surveys/make_weighted_pulse.py

Writes weighted-pulse.csv next to this file. The data are SYNTHETIC (seeded, standard
library only, so the file never changes between Python versions): 45 accounts, 15 in
each of three regions, each with a team of one or two account managers (all of them
answered) and 8 to 16 customer contacts, of whom a random sample was asked. EMEA
contacts were sampled with probability 0.4, North America 0.125 and APAC 0.2, so EMEA
holds a third of the accounts but over half of the customer answers. `pw` is each
respondent's weight, the inverse of the selection probability (2.5, 8 and 5 for the
customers; 1 for the account managers, all of whom were asked).

Each account has a latent health that drives the answers of all its contacts (so
contacts of one account answer alike: the design's `cluster: account`), and EMEA
accounts are healthier. The unweighted customer share is therefore pulled up by the
over-sampled EMEA contacts and understates how far the account managers' view is from
the customers'. Account managers see their accounts' health only in part, and add an
optimism of about one scale point.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

SEED = 2027
ACCOUNTS_PER_REGION = 15
LEVELS = ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"]
QUESTIONS = ["understands", "value"]
# region: (mean account health, selection probability of a customer contact)
REGIONS = {"North America": (-0.5, 0.125), "EMEA": (0.7, 0.4), "APAC": (-0.3, 0.2)}
OPTIMISM = {"understands": 1.0, "value": 0.8, "recommend": 2.0}
HERE = Path(__file__).resolve().parent


def agree(rng: random.Random, level: float) -> str:
    """A 1..5 answer around 3 + level, as its label."""
    score = round(3 + level + rng.gauss(0, 0.7))
    return LEVELS[min(5, max(1, score)) - 1]


def recommend(rng: random.Random, level: float) -> str:
    """A 0..10 likelihood to recommend around 7 + 2 * level."""
    return str(min(10, max(0, round(7 + 2 * level + rng.gauss(0, 1.2)))))


def respondent(
    rng: random.Random, rid: str, role: str, account: str, region: str, level: float, pw: float
) -> dict[str, str]:
    shift = OPTIMISM if role == "Account manager" else dict.fromkeys(OPTIMISM, 0.0)
    return {
        "respondent_id": rid,
        "role": role,
        "account": account,
        "region": region,
        "pw": f"{pw:g}",
        **{q: agree(rng, level + shift[q]) for q in QUESTIONS},
        "recommend": recommend(rng, level + shift["recommend"] / 2),
    }


def build(rng: random.Random) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    number = 0
    for region, (mean_health, chance) in REGIONS.items():
        for _ in range(ACCOUNTS_PER_REGION):
            number += 1
            key = f"ACC-{number:03d}"
            health = rng.gauss(mean_health, 0.6)
            for j in range(rng.choice((1, 1, 2))):
                seen = 0.4 * health + rng.gauss(0, 0.3)  # a manager sees health in part
                rid = f"M{number:03d}{j + 1}"
                rows.append(respondent(rng, rid, "Account manager", key, region, seen, 1.0))
            for j in range(rng.randint(8, 16)):
                if rng.random() < chance:
                    rid = f"C{number:03d}{j + 1:02d}"
                    rows.append(respondent(rng, rid, "Customer", key, region, health, 1 / chance))
    rng.shuffle(rows)
    return rows


def main() -> None:
    rows = build(random.Random(SEED))
    path = HERE / "weighted-pulse.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    customers = [r for r in rows if r["role"] == "Customer"]
    emea = sum(r["region"] == "EMEA" for r in customers)
    print(
        f"wrote {path.name}: {len(rows)} respondents ({len(rows) - len(customers)} account "
        f"managers, {len(customers)} customer contacts, {emea} of them in EMEA) about "
        f"{ACCOUNTS_PER_REGION * len(REGIONS)} accounts"
    )


if __name__ == "__main__":
    main()
