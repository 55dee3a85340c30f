"""Paired mode from a warehouse: the per-account table ``gapscan sql --paired`` prints
the statement for, run in DuckDB, read by ``gapscan analyze --counts FILE --paired``,
gives the direct path's paired report: JSON equal but for the inputs block and the
identity note, markdown equal but for the input line, ``--show-accounts`` included.

Besides the bundled paired example, generated paired surveys (seeded): several contacts
per account side, keys spelt several ways, respondents without a key, accounts with one
side only, blank and "don't know" answers, a scale with scores that are not whole
numbers, a key column per side, the median of an account's contacts.
"""

from __future__ import annotations

import csv
import json
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from gapscan.schema import load_schema
from tests.cli.test_bad_input import run
from tests.cli.test_counts import IDENTITY, _without_inputs
from tests.engines import (
    ROOT,
    TABLE,
    as_cells,
    assert_same_cells,
    duckdb_table,
    expected_counts,
    write_counts,
)

pytest.importorskip("duckdb")

LEVELS = ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"]


def printed_query(schema: Path, *extra: str, dialect: str = "duckdb") -> str:
    """The statement as the command prints it."""
    command = [sys.executable, "-m", "gapscan", "sql", str(schema), "--table", TABLE]
    done = subprocess.run(
        [*command, "--paired", "--dialect", dialect, *extra],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def duckdb_accounts(schema: Path, data: Path, out: Path, *extra: str) -> Path:
    """The per-account table DuckDB computes over ``data``, written as CSV; held to
    its definition when the key is one column (the count table with the key as a
    segment before the others: trimmed, its cells needed ones)."""
    result = duckdb_table(data).execute(printed_query(schema, *extra))
    names = [d[0] for d in result.description]
    rows = result.fetchall()
    assert names[:3] == ["question", "side", "account"] and names[-2:] == ["answer", "n"]
    survey = load_schema(schema)
    assert survey.pair_by is not None
    if survey.pair_by.vendor_column == survey.pair_by.customer_column:
        by = [survey.pair_by.vendor_column, *survey.segments]
        assert_same_cells(as_cells(names, rows, False), expected_counts(survey, data, by))
    return write_counts(names, rows, out)


def _analyze(*args: str) -> str:
    status, stdout, stderr = run("analyze", *args)
    assert status in (0, 1), stderr
    return stdout


def compare_paired(schema: Path, data: Path, table: Path, *options: str) -> dict[str, Any]:
    """The direct path's paired report and the per-account table's agree (JSON and
    markdown, outside what names the input); returns the direct JSON report."""
    args = ["--paired", *options]
    direct = json.loads(_analyze(str(schema), str(data), *args, "-f", "json"))
    counted = json.loads(_analyze(str(schema), "--counts", str(table), *args, "-f", "json"))
    assert direct["pairing"] is not None
    assert any(IDENTITY in n for n in counted["settings"]["notes"])
    assert _without_inputs(counted) == _without_inputs(direct)
    direct_md = _analyze(str(schema), str(data), *args, "-f", "markdown")
    counted_md = _analyze(str(schema), "--counts", str(table), *args, "-f", "markdown")
    inputs = (f"- `{data}`:", f"- `{table}`:")
    kept = [
        [line for line in md.splitlines() if not line.startswith(inputs)]
        for md in (direct_md, counted_md)
    ]
    assert kept[0] == kept[1]
    return dict(direct)


def test_the_bundled_paired_example(tmp_path: Path) -> None:
    schema, data = ROOT / "surveys" / "account-pulse.yaml", ROOT / "surveys" / "account-pulse.csv"
    table = duckdb_accounts(schema, data, tmp_path / "accounts.csv")
    report = compare_paired(schema, data, table, "--show-accounts", "5")
    overall = [r for r in report["results"] if not r["segment"]]
    assert all(len(r["accounts"]) == 5 for r in overall)


def test_a_segment_named_account_is_refused_in_a_per_account_table() -> None:
    schema = str(ROOT / "surveys" / "account-pulse.yaml")
    status, _, stderr = run("sql", schema, "--table", "t", "--paired", "--by", "account")
    assert status == 2
    assert "segment 'account' has the name of a column of the count table" in stderr
    status, _, _ = run("sql", schema, "--table", "t", "--by", "account")
    assert status == 0  # the count table has no column 'account'


def test_the_bundled_example_from_parquet(tmp_path: Path) -> None:
    schema, data = ROOT / "surveys" / "account-pulse.yaml", ROOT / "surveys" / "account-pulse.csv"
    table = tmp_path / "accounts.parquet"
    query = printed_query(schema)
    duckdb_table(data).execute(f"COPY ({query}) TO '{table.as_posix()}' (FORMAT parquet)")
    compare_paired(schema, data, table, "--show-accounts", "3")


def test_the_bundled_example_by_another_breakdown(tmp_path: Path) -> None:
    """A table counted with the schema's segment reads the same for a run without it."""
    schema, data = ROOT / "surveys" / "account-pulse.yaml", ROOT / "surveys" / "account-pulse.csv"
    table = duckdb_accounts(schema, data, tmp_path / "accounts.csv")
    compare_paired(schema, data, table, "--show-accounts", "3", "--by", "region")


# a numeric question, and a question with a column per side
EXTRA_QUESTIONS = """\
  - id: q4
    type: numeric
    range: [0, 100]
    top_box: {min: 80}
    missing: ["-99"]
    column: q4
  - id: q5
    scale: agree5
    columns: {vendor: v_q5, customer: c_q5}
"""


def _schema(per_side_keys: bool, combine: str, extra: bool = False) -> str:
    keys = "{vendor: acct_v, customer: acct_c}" if per_side_keys else "account"
    more = EXTRA_QUESTIONS if extra else ""
    return f"""\
survey: generated paired survey
sides:
  column: role
  vendor: [Account team, AM]
  customer: [Customer]
  ignore: [Test]
respondent_id: rid
pair_by: {keys}
pairing:
  combine: {combine}
segments: [region]
scales:
  agree5:
    levels: [{", ".join(LEVELS)}]
    top_box: 2
    missing: ["Don't know"]
  thirds:
    levels: [Low, Mid, High]
    scores: [0.1, 0.7, 1.3]
    top_box: 1
questions:
  - id: q1
    scale: agree5
    column: q1
  - id: q2
    scale: agree5
    column: q2
  - id: q3
    scale: thirds
    column: q3
{more}analysis:
  min_n: 3
"""


def _spelt(rng: random.Random, text: str) -> str:
    """``text`` as an export may spell it: another case, spaces around."""
    spelling = rng.choice([text, text.lower(), text.upper(), f" {text}", f"{text}\t"])
    return spelling if rng.random() > 0.1 else text


def _answer(rng: random.Random, levels: list[str], bias: int) -> str:
    roll = rng.random()
    if roll < 0.08:
        return ""
    if roll < 0.12 and len(levels) == 5:
        return "Don't know"
    at = min(len(levels) - 1, max(0, rng.randrange(len(levels)) + bias))
    return _spelt(rng, levels[at])


def generate(path: Path, seed: int, accounts: int, per_side_keys: bool) -> Path:
    """A seeded paired export: 0-3 vendor and 0-4 customer respondents per account."""
    rng = random.Random(seed)
    rows: list[dict[str, str]] = []
    for a in range(accounts):
        key = f"Acct-{a:03d}"
        region = rng.choice(["North", "South", "East"])
        for side, most in (("vendor", 3), ("customer", 4)):
            for _ in range(rng.choice([0, 1, 1, 1, 2, most])):
                role = rng.choice(["Account team", "AM"]) if side == "vendor" else "Customer"
                has_key = rng.random() > 0.05
                spelt = _spelt(rng, key) if has_key else ""
                row = {
                    "rid": str(len(rows) + 1),
                    "role": _spelt(rng, role),
                    "acct_v": spelt if side == "vendor" else "",
                    "acct_c": spelt if side == "customer" else "",
                    "account": spelt,
                    "region": _spelt(rng, region if rng.random() > 0.15 else "West"),
                    "q1": _answer(rng, LEVELS, 1 if side == "vendor" else 0),
                    "q2": _answer(rng, LEVELS, 0),
                    "q3": _answer(rng, ["Low", "Mid", "High"], 0),
                    "q4": rng.choice(["", "-99", " 7 ", "12.5", "80", "95", "100", "3"]),
                    "v_q5": _answer(rng, LEVELS, 1) if side == "vendor" else "",
                    "c_q5": _answer(rng, LEVELS, 0) if side == "customer" else "",
                }
                rows.append(row)
    rows.append({**rows[0], "rid": "test-1", "role": "test"})  # an ignored side
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.mark.parametrize(
    ("seed", "per_side_keys", "combine"),
    [(1, False, "mean"), (2, True, "mean"), (3, False, "median"), (4, True, "median")],
)
def test_generated_paired_surveys(
    tmp_path: Path, seed: int, per_side_keys: bool, combine: str
) -> None:
    schema = tmp_path / "survey.yaml"
    schema.write_text(_schema(per_side_keys, combine, extra=True), encoding="utf-8")
    data = generate(tmp_path / "export.csv", seed, 60, per_side_keys)
    table = duckdb_accounts(schema, data, tmp_path / "accounts.csv")
    report = compare_paired(schema, data, table, "--show-accounts", "8")
    pairing = report["pairing"]
    # the survey is what it is meant to be: unmatched accounts and keyless respondents
    assert pairing["vendor_only_accounts"] > 0 and pairing["customer_only_accounts"] > 0
    assert (
        pairing["vendor_respondents_without_key"] + pairing["customer_respondents_without_key"] > 0
    )
    kinds = {r["pairing"] for r in report["results"]}
    assert "many-to-one" in kinds


def test_one_to_one_pairs_give_agreement_too(tmp_path: Path) -> None:
    """One respondent per account side: McNemar and kappa from the levels answered."""
    schema = tmp_path / "survey.yaml"
    schema.write_text(_schema(False, "mean"), encoding="utf-8")
    rng = random.Random(7)
    lines = ["rid,role,account,acct_v,acct_c,region,q1,q2,q3"]
    for a in range(40):
        for side in ("Account team", "Customer"):
            answers = [rng.choice(LEVELS), rng.choice(LEVELS), rng.choice(["Low", "Mid", "High"])]
            lines.append(f"{len(lines)},{side},A{a},,,{rng.choice('NS')}," + ",".join(answers))
    data = tmp_path / "export.csv"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    table = duckdb_accounts(schema, data, tmp_path / "accounts.csv")
    report = compare_paired(schema, data, table, "--show-accounts", "4")
    overall = [r for r in report["results"] if not r["segment"]]
    assert {r["pairing"] for r in overall} == {"one-to-one"}
    assert all(r["kappa"] is not None for r in overall)


def test_account_means_do_not_depend_on_the_order_of_the_respondents() -> None:
    """A per-account table has no row order: the direct path's account means must not
    have one either (scores that are not whole numbers, many contacts per account)."""
    import numpy as np

    from gapscan.pairing import pair_question
    from gapscan.responses import InputSummary, Responses
    from gapscan.survey import Combine, Question, Scale

    scale = Scale("s", ("a", "b", "c"), top_box=frozenset({2}), scores=(0.1, 0.7, 1.3))
    question = Question("q", "q", scale, "q", "q")
    rng = np.random.default_rng(11)
    size = 4000
    side = rng.integers(0, 2, size)
    codes = rng.integers(-1, 3, size)
    keys = rng.integers(0, 50, size)

    def means(order: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        responses = Responses(
            inputs=(InputSummary("x.csv", "csv", size, 0, 0),),
            side=side[order].astype(np.int8),
            answers={"q": codes[order].astype(np.int8)},
            segments=(),
            pair_keys=keys[order].astype(np.int32),
            pair_labels=tuple(f"a{i}" for i in range(50)),
        )
        pairs = pair_question(question, responses, Combine.MEAN)
        return pairs.vendor_score, pairs.customer_score

    first = means(np.arange(size))
    for _ in range(5):
        again = means(rng.permutation(size))
        assert first[0].tobytes() == again[0].tobytes()
        assert first[1].tobytes() == again[1].tobytes()
