"""Write three quarterly waves of the affinity survey: surveys/waves/affinity-2026Q*.csv.

The waves use the schema of the bundled example (cmo-affinity.yaml: same columns,
same scales) and are SYNTHETIC, like it: exact answer counts per side, shuffled with
a seeded generator (standard library only, so the files never change). The story
they tell: the centricity gap widens quarter by quarter (38, 41, then 49 points),
the improvement gap is stable, and alignment narrows slightly. Each wave has 400
vendor and 1,500 customer respondents.

    python surveys/make_waves.py
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from make_cmo_affinity import SCALES

HERE = Path(__file__).resolve().parent
SEED = 2026
REGIONS = ("North America", "EMEA", "APAC", "Latin America")
N = {"Vendor": 400, "Customer": 1500}

# Exact answer counts per wave and side, lowest level first.
WAVES: dict[str, dict[str, dict[str, tuple[int, ...]]]] = {
    "2026Q1": {
        "Vendor": {
            "centricity": (12, 60, 120, 208),  # 52%
            "improving": (4, 20, 40, 236, 100),  # 84%
            "alignment": (12, 70, 166, 152),  # 38%
        },
        "Customer": {
            "centricity": (240, 560, 490, 210),  # 14%
            "improving": (150, 525, 300, 405, 120),  # 35%
            "alignment": (270, 630, 480, 120),  # 8%
        },
    },
    "2026Q2": {
        "Vendor": {
            "centricity": (10, 58, 116, 216),  # 54%
            "improving": (4, 18, 42, 236, 100),  # 84%
            "alignment": (14, 72, 166, 148),  # 37%
        },
        "Customer": {
            "centricity": (250, 565, 490, 195),  # 13%
            "improving": (150, 520, 300, 410, 120),  # 35.3%
            "alignment": (265, 625, 480, 130),  # 8.7%
        },
    },
    "2026Q3": {
        "Vendor": {
            "centricity": (8, 50, 110, 232),  # 58%
            "improving": (4, 18, 40, 238, 100),  # 84.5%
            "alignment": (14, 76, 170, 140),  # 35%
        },
        "Customer": {
            "centricity": (270, 580, 515, 135),  # 9%
            "improving": (145, 520, 300, 415, 120),  # 35.7%
            "alignment": (260, 620, 475, 145),  # 9.7%
        },
    },
}


def wave_rows(wave: str, rng: random.Random) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for side, n in N.items():
        answers = {
            q: [level for level, count in zip(SCALES[q], counts, strict=True) for _ in range(count)]
            for q, counts in WAVES[wave][side].items()
        }
        for q, values in answers.items():
            assert len(values) == n, (wave, side, q)
            rng.shuffle(values)
        prefix = side[0]
        for i in range(n):
            rows.append(
                {
                    "respondent_id": f"{wave}-{prefix}{i + 1:04d}",
                    "respondent_type": side,
                    "region": REGIONS[rng.randrange(len(REGIONS))],
                    **{q: values[i] for q, values in answers.items()},
                }
            )
    return rows


def main() -> None:
    rng = random.Random(SEED)
    folder = HERE / "waves"
    folder.mkdir(exist_ok=True)
    for wave in WAVES:
        rows = wave_rows(wave, rng)
        path = folder / f"affinity-{wave}.csv"
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        print(f"wrote {path.relative_to(HERE.parent)}: {len(rows)} respondents")


if __name__ == "__main__":
    main()
