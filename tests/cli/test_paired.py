"""End to end: ``gapscan analyze`` in paired mode, on the bundled account-pulse example
and on small surveys. Expected counts are recomputed from the example's CSV."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from fractions import Fraction
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from gapscan.cli import app
from tests.conftest import AGREE5, SURVEYS, schema_text

runner = CliRunner()
SCHEMA = SURVEYS / "account-pulse.yaml"
DATA = SURVEYS / "account-pulse.csv"
QUESTIONS = ("understands", "responsive", "value")
LEVEL = {label.casefold(): i + 1 for i, label in enumerate(AGREE5)}
KEY = re.compile(r"acme", re.IGNORECASE)  # every account key of the example contains it


def run(*args: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def example_frame() -> pd.DataFrame:
    df = pd.read_csv(DATA, dtype=str, keep_default_na=False)
    df["key"] = df["account"].str.strip().str.casefold()
    df["vendor"] = df["role"].str.strip().str.casefold() == "account team"
    return df


def expected_pairing() -> dict[str, int]:
    df = example_frame()
    keyed = df[df["key"] != ""]
    vendor = set(keyed.loc[keyed["vendor"], "key"])
    customer = set(keyed.loc[~keyed["vendor"], "key"])
    return {
        "accounts": len(vendor | customer),
        "paired_accounts": len(vendor & customer),
        "vendor_only_accounts": len(vendor - customer),
        "customer_only_accounts": len(customer - vendor),
        "vendor_respondents_without_key": int((df["vendor"] & (df["key"] == "")).sum()),
        "customer_respondents_without_key": int((~df["vendor"] & (df["key"] == "")).sum()),
    }


def account_scores(question: str) -> dict[str, tuple[str, Fraction, Fraction, int, int]]:
    """Per paired account (folded key): the vendor's spelling, the exact mean score of
    each side, and the number of answering respondents of each side."""
    df = example_frame()
    df = df[(df["key"] != "") & df[question].str.casefold().isin(LEVEL)]
    out = {}
    for key, group in df.groupby("key"):
        v = group[group["vendor"]]
        c = group[~group["vendor"]]
        if v.empty or c.empty:
            continue
        scores = [[LEVEL[x.casefold()] for x in side[question]] for side in (v, c)]
        out[str(key)] = (
            v["account"].iloc[0].strip(),
            Fraction(sum(scores[0]), len(scores[0])),
            Fraction(sum(scores[1]), len(scores[1])),
            len(scores[0]),
            len(scores[1]),
        )
    return out


def test_design_of_the_example_data() -> None:
    # what make_account_pulse.py documents: 120 accounts, 4 answered by the account team
    # only, two customer contacts without an account key
    assert expected_pairing() == {
        "accounts": 120,
        "paired_accounts": 116,
        "vendor_only_accounts": 4,
        "customer_only_accounts": 0,
        "vendor_respondents_without_key": 0,
        "customer_respondents_without_key": 2,
    }


def test_example_json_is_paired_and_counts_what_does_not_pair() -> None:
    code, out, err = run("analyze", SCHEMA, "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    assert report["settings"]["mode"] == "paired"
    assert report["pairing"] == {**expected_pairing(), "combine": "mean"}
    assert report["exit_code"] == 0
    results = report["results"]
    assert len(results) == 3 * 4  # 3 questions x (whole sample + 3 regions)
    df = example_frame()
    for r in results:
        assert r["mode"] == "paired"
        assert r["pairing"] == "many-to-one"  # two or three customer contacts an account
        assert r["test"] == "wilcoxon" and r["mean_test"] == "wilcoxon"
        assert r["ci_method"] == "wald-paired"
        assert r["kappa"] is None
        assert "accounts" not in r
        assert r["vendor"]["n"] == r["customer"]["n"] == r["n_pairs"]
        shares = r["vendor_higher"] + r["same"] + r["customer_higher"]
        assert shares == pytest.approx(1.0)
        for key in (
            "n_pairs", "unmatched_accounts", "unmatched_respondents", "median_difference",
            "median_ci_low", "median_ci_high", "gap", "ci_low", "ci_high", "p_value",
            "p_adjusted", "mean_gap", "mean_p_value", "mean_p_adjusted",
        ):  # fmt: skip
            assert key in r
    whole = {r["question"]: r for r in results if r["segment"] == {}}
    assert set(whole) == set(QUESTIONS)
    keyed = df[df["key"] != ""]
    for q in QUESTIONS:
        pairs = account_scores(q)
        r = whole[q]
        assert r["n_pairs"] == len(pairs)
        answered = keyed[keyed[q].str.casefold().isin(LEVEL)]
        vendor_keys = set(answered.loc[answered["vendor"], "key"])
        customer_keys = set(answered.loc[~answered["vendor"], "key"])
        vendor_only, customer_only = vendor_keys - customer_keys, customer_keys - vendor_keys
        assert r["unmatched_accounts"] == {
            "vendor": len(vendor_only),
            "customer": len(customer_only),
        }
        assert r["unmatched_respondents"] == {
            "vendor": int((answered["vendor"] & answered["key"].isin(vendor_only)).sum()),
            "customer": int((~answered["vendor"] & answered["key"].isin(customer_only)).sum()),
        }
        differences = [v - c for _, v, c, _, _ in pairs.values()]
        assert r["mean_gap"] == pytest.approx(float(sum(differences) / len(differences)))
        assert r["vendor_higher"] == pytest.approx(
            sum(d > 0 for d in differences) / len(differences)
        )
        assert r["same"] == pytest.approx(sum(d == 0 for d in differences) / len(differences))
    # the generator's "Don't know" in one account team's answer: 115 pairs there
    assert [whole[q]["n_pairs"] for q in QUESTIONS] == [116, 115, 116]
    assert whole["responsive"]["unmatched_accounts"] == {"vendor": 4, "customer": 1}


def test_no_account_key_appears_without_show_accounts(tmp_path: Path) -> None:
    outputs = {}
    for fmt in ("json", "csv", "table"):
        code, out, err = run("analyze", SCHEMA, "--format", fmt, "--width", "160")
        assert code == 0, err
        outputs[fmt] = out
    code, out, err = run("analyze", SCHEMA, "--width", "160")
    assert code == 0, err
    outputs["terminal"] = out
    md = tmp_path / "report.md"
    code, _, err = run("analyze", SCHEMA, "--format", "markdown", "--out", md, "--no-charts")
    assert code == 0, err
    outputs["markdown"] = md.read_text(encoding="utf-8")
    for fmt, text in outputs.items():
        assert text.strip(), fmt
        assert not KEY.search(text), fmt
        assert "misjudged" not in text.casefold(), fmt
    assert all("accounts" not in r for r in json.loads(outputs["json"])["results"])


def test_show_accounts_lists_the_largest_differences_first(tmp_path: Path) -> None:
    code, out, err = run("analyze", SCHEMA, "--format", "json", "--show-accounts", "3")
    assert code == 0, err
    report = json.loads(out)
    whole = {r["question"]: r for r in report["results"] if r["segment"] == {}}
    for q in QUESTIONS:
        accounts = whole[q]["accounts"]
        assert len(accounts) == 3
        differences = [a["difference"] for a in accounts]
        assert differences == sorted(differences, reverse=True)
        pairs = account_scores(q)
        # exact differences, largest first; equal differences in the order of their keys
        ranked = sorted(pairs.values(), key=lambda p: (-(p[1] - p[2]), p[0]))
        assert [a["account"] for a in accounts] == [p[0] for p in ranked[:3]]
        for a in accounts:
            # shown as the account team spells it, with its own numbers
            assert re.fullmatch(r"ACME-\d{3}", a["account"]), a["account"]
            label, v, c, n_v, n_c = pairs[a["account"].casefold()]
            assert a["account"] == label
            assert a["vendor_score"] == pytest.approx(float(v))
            assert a["customer_score"] == pytest.approx(float(c))
            assert a["difference"] == pytest.approx(float(v - c))
            assert (a["vendor_respondents"], a["customer_respondents"]) == (n_v, n_c)
    segments = [r for r in report["results"] if r["segment"] != {}]
    assert segments and all("accounts" not in r for r in segments)

    code, out, err = run("analyze", SCHEMA, "--show-accounts", "3", "--width", "160")
    assert code == 0, err
    assert out.count("Most misjudged accounts") == 3
    for q in QUESTIONS:
        for a in whole[q]["accounts"]:
            assert a["account"] in out
    shown = re.findall(r"^\s*(ACME-\d{3})\s", out, flags=re.MULTILINE)
    assert shown == [a["account"] for q in QUESTIONS for a in whole[q]["accounts"]]

    md = tmp_path / "report.md"
    code, _, err = run(
        "analyze", SCHEMA, "--show-accounts", "3", "--format", "markdown", "--out", md,
        "--no-charts",
    )  # fmt: skip
    assert code == 0, err
    text = md.read_text(encoding="utf-8")
    assert text.count("Most misjudged accounts") == 3
    assert re.findall(r"^\|\s*(ACME-\d{3})\s*\|", text, flags=re.MULTILINE) == shown


def test_terminal_markdown_and_csv_show_the_paired_view(tmp_path: Path) -> None:
    code, out, err = run("analyze", SCHEMA, "--width", "160")
    assert code == 0, err
    lines = out.splitlines()
    rule = next(i for i, line in enumerate(lines) if line.startswith("───"))
    title = max(i for i in range(rule) if "paired by account" in lines[i])
    header = " ".join(" ".join(lines[title + 1 : rule]).split())  # headings may wrap
    for heading in ("Accounts", "paired", "Vendor higher / same / lower", "Significant?"):
        assert heading in header, header
    assert "paired by account" in out
    assert "116 accounts with both sides" in out

    md = tmp_path / "x.md"
    code, _, err = run("analyze", SCHEMA, "--format", "markdown", "--out", md, "--no-charts")
    assert code == 0, err
    text = md.read_text(encoding="utf-8")
    header = next(line for line in text.splitlines() if line.startswith("| Question"))
    assert "Accounts paired" in header and "Vendor higher / same / lower" in header
    assert not (tmp_path / "charts").exists()

    code, out, err = run("analyze", SCHEMA, "--format", "csv")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 12
    assert {r["mode"] for r in rows} == {"paired"}
    assert {r["test"] for r in rows} == {"wilcoxon"}


def test_paired_json_is_deterministic(tmp_path: Path) -> None:
    outputs = []
    for i in range(2):
        out = tmp_path / f"r{i}.json"
        code, _, err = run(
            "analyze", SCHEMA, "--format", "json", "--show-accounts", "2", "--out", out
        )
        assert code == 0, err
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]


# --- small surveys -----------------------------------------------------------------------


def write_survey(tmp_path: Path, rows: list[tuple[str, str, str]], extra: str = "") -> Path:
    """A one-question survey (q1), one file holding both sides: (side, account, answer)."""
    (tmp_path / "data.csv").write_text(
        "respondent_id,side,account,q1\n"
        + "".join(f"R{i},{s},{a},{q}\n" for i, (s, a, q) in enumerate(rows)),
        encoding="utf-8",
    )
    text = schema_text(questions=("q1",), min_n=2, extra=extra) + "data: [data.csv]\n"
    path = tmp_path / "survey.yaml"
    path.write_text(text, encoding="utf-8")
    return path


PAIRED_ROWS = [
    ("Vendor", "K1", "Agree"),
    ("Customer", "k1", "Disagree"),
    ("Vendor", "K2", "Strongly agree"),
    ("Customer", "K2", "Agree"),
    ("Vendor", "K3", "Agree"),
    ("Customer", "K3", "Agree"),
]


def test_paired_flag_needs_pair_by_in_the_schema(tmp_path: Path) -> None:
    schema = write_survey(tmp_path, PAIRED_ROWS)
    code, out, err = run("analyze", schema, "--paired", "--format", "json")
    assert code == 2
    assert out == ""
    assert str(schema) in err
    assert "pair_by" in err
    assert "Traceback" not in err


def test_paired_flag_switches_a_schema_with_pair_by_to_paired_mode(tmp_path: Path) -> None:
    schema = write_survey(tmp_path, PAIRED_ROWS, extra="pair_by: account\n")
    code, out, err = run("analyze", schema, "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    assert report["settings"]["mode"] == "independent"
    assert "pairing" not in report
    assert "n_pairs" not in report["results"][0]
    code, out, err = run("analyze", schema, "--paired", "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    assert report["settings"]["mode"] == "paired"
    assert report["pairing"]["paired_accounts"] == 3
    (r,) = report["results"]
    assert r["n_pairs"] == 3 and r["pairing"] == "one-to-one"
    assert r["test"] == "mcnemar-exact"
    assert r["kappa"] is not None


def test_keys_that_never_match_are_an_error(tmp_path: Path) -> None:
    rows = [
        ("Vendor", "K1", "Agree"),
        ("Vendor", "K2", "Agree"),
        ("Customer", "X1", "Disagree"),
        ("Customer", "X2", "Disagree"),
    ]
    schema = write_survey(tmp_path, rows, extra="pair_by: account\n")
    code, out, err = run("analyze", schema, "--paired", "--format", "json")
    assert code == 2
    assert out == ""
    assert "no account has respondents on both sides" in err
    assert str(schema) in err
    assert "Traceback" not in err


def test_duplicate_respondent_ids_are_listed(tmp_path: Path) -> None:
    lines = DATA.read_text(encoding="utf-8").splitlines(keepends=True)
    t_row = next(line for line in lines if line.startswith("T007,"))
    c_row = next(line for line in lines if line.startswith("C0071,"))
    (tmp_path / DATA.name).write_text("".join([*lines, t_row, c_row]), encoding="utf-8")
    shutil.copy(SCHEMA, tmp_path / SCHEMA.name)
    code, out, err = run("analyze", tmp_path / SCHEMA.name, "--format", "json")
    assert code == 2
    assert out == ""
    assert "'T007'" in err and "'C0071'" in err
    assert "2 id(s)" in err
    assert "Traceback" not in err


def test_vendor_and_customer_files_with_a_key_column_per_side(tmp_path: Path) -> None:
    (tmp_path / "v.csv").write_text(
        "acct,q1\n" + "".join(f"Acct {i},{'Agree' if i % 3 else 'Neutral'}\n" for i in range(12)),
        encoding="utf-8",
    )
    (tmp_path / "c.csv").write_text(
        "account_id,q1\n"
        + "".join(f" acct {i} ,{'Disagree' if i % 2 else 'Agree'}\n" for i in range(1, 14)),
        encoding="utf-8",
    )
    schema = tmp_path / "s.yaml"
    text = schema_text(
        questions=("q1",), min_n=5, extra="pair_by: {vendor: acct, customer: account_id}\n"
    )
    schema.write_text(
        text.replace("sides: {column: side, vendor: [Vendor], customer: [Customer]}\n", ""),
        encoding="utf-8",
    )
    code, out, err = run(
        "analyze", schema, "--vendor", tmp_path / "v.csv", "--customer", tmp_path / "c.csv",
        "--paired", "--format", "json", "--show-accounts", "20",
    )  # fmt: skip
    assert code == 0, err
    report = json.loads(out)
    assert report["pairing"] == {
        "accounts": 14,
        "paired_accounts": 11,
        "vendor_only_accounts": 1,
        "customer_only_accounts": 2,
        "vendor_respondents_without_key": 0,
        "customer_respondents_without_key": 0,
        "combine": "mean",
    }
    (r,) = report["results"]
    assert r["n_pairs"] == 11
    assert r["unmatched_accounts"] == {"vendor": 1, "customer": 2}
    assert r["unmatched_respondents"] == {"vendor": 1, "customer": 2}
    assert {a["account"] for a in r["accounts"]} == {f"Acct {i}" for i in range(1, 12)}
