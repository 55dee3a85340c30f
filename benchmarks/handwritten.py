"""The analysis an analyst would write by hand with pandas, scipy and statsmodels.

Per region (and overall) and per question: two-proportion z-test on top-2-box
counts and Mann-Whitney U on the scores, vendor vs customer; Holm adjustment
across each family, as gapscan does.

    python benchmarks/handwritten.py SURVEY.csv|SURVEY.parquet [--id COLUMN] --out RESULT.json
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import pandas as pd
from scipy.stats import mannwhitneyu
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportions_ztest

LEVELS = ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"]
SCORES = {label: i + 1 for i, label in enumerate(LEVELS)}
TOP_BOX = 4  # Agree or better


def compare(vendor: pd.Series, customer: pd.Series) -> dict[str, Any]:
    v, c = vendor.dropna(), customer.dropna()
    counts = [int((v >= TOP_BOX).sum()), int((c >= TOP_BOX).sum())]
    z, p = proportions_ztest(counts, [len(v), len(c)])
    u = mannwhitneyu(v, c, alternative="two-sided")
    return {
        "n_vendor": len(v),
        "n_customer": len(c),
        "top_vendor": counts[0],
        "top_customer": counts[1],
        "gap": counts[0] / len(v) - counts[1] / len(c),
        "z": float(z),
        "p_value": float(p),
        "mean_gap": float(v.mean() - c.mean()),
        "u": float(u.statistic),
        "mean_p_value": float(u.pvalue),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("data", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--id", help="the respondent id column: stop if an id repeats")
    args = parser.parse_args()

    df = pd.read_parquet(args.data) if args.data.suffix == ".parquet" else pd.read_csv(args.data)
    if args.id and df[args.id].astype(str).str.strip().duplicated().any():
        raise SystemExit(f"{args.data}: a respondent id repeats")
    questions = [c for c in df.columns if c.startswith("q")]
    for q in questions:
        df[q] = df[q].map(SCORES)

    groups: list[tuple[str, pd.DataFrame]] = [("", df)]
    groups += [(str(region), part) for region, part in df.groupby("region")]
    results = []
    for region, part in groups:
        vendor = part[part["side"] == "Vendor"]
        customer = part[part["side"] == "Customer"]
        for q in questions:
            results.append({"question": q, "region": region, **compare(vendor[q], customer[q])})

    for key in ("p_value", "mean_p_value"):
        adjusted = multipletests([r[key] for r in results], method="holm")[1]
        for r, p_adj in zip(results, adjusted, strict=True):
            r[key.replace("value", "adjusted")] = float(p_adj)

    args.out.write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
