"""Build the paired example: account teams and customer contacts rating the same accounts.

    python surveys/make_account_pulse.py

Writes account-pulse.csv next to this file. The data are SYNTHETIC (seeded, standard
library only, so the file never changes between Python versions): 120 accounts, one
account-team respondent each and two or three customer contacts per account, who
answer the same three agree/disagree statements about the relationship. Each account
has a latent health that drives both sides' answers; account teams add an optimism
bias of about one scale point, so the paired gap is real but varies by account.

It also writes the things a real export has and gapscan must not drop silently:
account keys with stray spaces and other capitalisation on the customer side, four
accounts that only the account team answered for, two customer contacts without an
account key, and a few "Don't know" answers.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

SEED = 2026
ACCOUNTS = 120
LEVELS = ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"]
QUESTIONS = ["understands", "responsive", "value"]
REGIONS = ["North America", "EMEA", "APAC"]
OPTIMISM = {"understands": 1.2, "responsive": 0.9, "value": 0.6}
HERE = Path(__file__).resolve().parent


def answer(rng: random.Random, health: float, shift: float) -> str:
    """A 1..5 answer around 3 + health + shift, as its label."""
    score = round(3 + health + shift + rng.gauss(0, 0.8))
    return LEVELS[min(5, max(1, score)) - 1]


def build(rng: random.Random) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for i in range(1, ACCOUNTS + 1):
        key = f"ACME-{i:03d}"
        region = REGIONS[(i * 7) % 3]
        health = rng.gauss(-0.3, 0.7)
        rows.append(
            {
                "respondent_id": f"T{i:03d}",
                "role": "Account team",
                "account": key,
                "region": region,
                **{q: answer(rng, health, OPTIMISM[q]) for q in QUESTIONS},
            }
        )
        if i > ACCOUNTS - 4:
            continue  # the customer side of these accounts did not respond
        for j in range(rng.choice((2, 2, 3))):
            shown = key
            if rng.random() < 0.15:
                shown = f" {key.lower()} "  # as typed into another system
            rows.append(
                {
                    "respondent_id": f"C{i:03d}{j + 1}",
                    "role": "Customer",
                    "account": shown,
                    "region": region,
                    **{q: answer(rng, health, 0.0) for q in QUESTIONS},
                }
            )
    for j in range(2):
        rows.append(
            {
                "respondent_id": f"CX{j + 1}",
                "role": "Customer",
                "account": "",
                "region": REGIONS[j],
                **{q: answer(rng, 0.0, 0.0) for q in QUESTIONS},
            }
        )
    for row in rng.sample(rows, 6):
        row[rng.choice(QUESTIONS)] = "Don't know"
    rng.shuffle(rows)
    return rows


def main() -> None:
    rows = build(random.Random(SEED))
    path = HERE / "account-pulse.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    teams = sum(r["role"] == "Account team" for r in rows)
    print(
        f"wrote {path.name}: {len(rows)} respondents ({teams} account-team, "
        f"{len(rows) - teams} customer) about {ACCOUNTS} accounts"
    )


if __name__ == "__main__":
    main()
