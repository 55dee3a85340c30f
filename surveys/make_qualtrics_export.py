"""Write surveys/qualtrics-export.csv: a synthetic export in Qualtrics' CSV layout.

    python surveys/make_qualtrics_export.py

It has what a real Qualtrics export has (see the real ones described in the project's
test material): three header rows (column ids; question texts, one of them over two
lines; ImportId JSON), the tool's own columns (StartDate, Status, Progress, Finished,
ResponseId, DistributionChannel, ...), a matrix question exported as Q1_1..Q1_3, a
0-10 recommendation question, free text, embedded data saying who answered
(respondent_type) and for which account, two preview responses, one test response
and a few unfinished ones. The answers are SYNTHETIC and seeded (standard library
only): 60 account-team and 180 customer respondents, account teams more positive.
"""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 2026
AGREE = ["Strongly disagree", "Somewhat disagree", "Neither agree nor disagree",
         "Somewhat agree", "Strongly agree"]  # fmt: skip
META = [
    ("StartDate", "Start Date", {"ImportId": "startDate", "timeZone": "Europe/London"}),
    ("EndDate", "End Date", {"ImportId": "endDate", "timeZone": "Europe/London"}),
    ("Status", "Response Type", {"ImportId": "status"}),
    ("Progress", "Progress", {"ImportId": "progress"}),
    ("Duration (in seconds)", "Duration (in seconds)", {"ImportId": "duration"}),
    ("Finished", "Finished", {"ImportId": "finished"}),
    ("ResponseId", "Response ID", {"ImportId": "_recordId"}),
    ("DistributionChannel", "Distribution Channel", {"ImportId": "distributionChannel"}),
]
QUESTIONS = [
    ("Q1_1", "How far do you agree? - The vendor understands our business", "QID1_1"),
    ("Q1_2", "How far do you agree? - The vendor responds quickly to our needs", "QID1_2"),
    ("Q1_3", "How far do you agree? - The vendor delivers value for money", "QID1_3"),
    ("Q2", "How likely is it that you would recommend\nthe vendor to a colleague?", "QID2"),
    ("Q3", "What should the vendor do differently?", "QID3_TEXT"),
]
EMBEDDED = ["respondent_type", "account"]
OPTIMISM = {"Q1_1": 1.1, "Q1_2": 0.8, "Q1_3": 0.5}


def response(rng: random.Random, i: int, side: str, account: str) -> dict[str, str]:
    health = rng.gauss(-0.2, 0.8)
    row = {
        "StartDate": f"2026-09-{1 + i % 28:02d} 09:{i % 60:02d}:00",
        "EndDate": f"2026-09-{1 + i % 28:02d} 09:{(i + 7) % 60:02d}:00",
        "Status": "IP Address",
        "Progress": "100",
        "Duration (in seconds)": str(120 + (i * 37) % 400),
        "Finished": "True",
        "ResponseId": f"R_{rng.getrandbits(48):012x}",
        "DistributionChannel": "anonymous",
        "respondent_type": side,
        "account": account,
    }
    shift = 1.0 if side == "Account team" else 0.0
    for column, _, _ in QUESTIONS[:3]:
        score = round(3 + health + shift * OPTIMISM[column] + rng.gauss(0, 0.8))
        row[column] = AGREE[min(5, max(1, score)) - 1]
    row["Q2"] = str(min(10, max(0, round(6 + 2 * health + 2 * shift + rng.gauss(0, 1.5)))))
    row["Q3"] = rng.choice(["", "", "Faster answers", "More proactive advice", "Fewer handovers"])
    return row


def main() -> None:
    rng = random.Random(SEED)
    rows = []
    for a in range(60):
        account = f"ACC-{a + 1:03d}"
        rows.append(response(rng, len(rows), "Account team", account))
        for _ in range(3):
            rows.append(response(rng, len(rows), "Customer", account))
    for row in rng.sample(rows, 5):  # left part-way: the last questions unanswered
        row.update({"Finished": "False", "Progress": "60", "Q2": "", "Q3": ""})
    for kind, channel in (("Survey Preview", "preview"), ("Survey Preview", "preview"),
                          ("Survey Test", "test")):  # fmt: skip
        extra = response(rng, len(rows), "Customer", "ACC-001")
        extra.update({"Status": kind, "DistributionChannel": channel, "Q1_1": "Strongly agree"})
        rows.append(extra)
    rng.shuffle(rows)
    names = [m[0] for m in META] + [q[0] for q in QUESTIONS] + EMBEDDED
    texts = [m[1] for m in META] + [q[1] for q in QUESTIONS] + EMBEDDED
    ids = [json.dumps(m[2], separators=(",", ":")) for m in META]
    ids += [json.dumps({"ImportId": q[2]}, separators=(",", ":")) for q in QUESTIONS]
    ids += [json.dumps({"ImportId": e}, separators=(",", ":")) for e in EMBEDDED]
    path = HERE / "qualtrics-export.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")  # as Qualtrics writes it
        writer.writerows([names, texts, ids])
        writer.writerows([[row[n] for n in names] for row in rows])
    print(f"wrote {path.name}: {len(rows)} responses (2 previews, 1 test, 5 unfinished)")


if __name__ == "__main__":
    main()
