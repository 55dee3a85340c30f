"""The Rao–Scott test of the whole answer distribution in weighted analyze's outputs,
held to R's printed ``svychisq`` on the api data, and (where R prints no figure) to the
library's respondent-array entry point ``rao_scott_test``, a separate path from the
count table's design cells."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gapscan.stats.raoscott import rao_scott_test
from tests.cli.test_bad_input import run, workdir, write
from tests.cli.test_weighted import EQUAL_CSV, SIDES_SCHEMA, analyze_json, api_copy

__all__ = ["workdir"]

SCHOOL = (
    "scales:\n  school: {levels: [E, H, M], top_box: 1}\n"
    "questions:\n  - {id: stype, scale: school, column: stype}\n"
    "  - {id: api00, type: numeric, column: api00}\n"
)
SCH_WIDE = 'sides: {column: sch.wide, vendor: ["No"], customer: ["Yes"]}\n'
DCLUS1 = "weight: pw\ndesign: {cluster: dnum, fpc: fpc}\n"
STYPE = {"E": 0, "H": 1, "M": 2}


def _results(report: dict[str, object]) -> dict[tuple[str, tuple[str, ...]], dict[str, object]]:
    results = report["results"]
    assert isinstance(results, list)
    return {(r["question"], tuple(r["segment"].values())): r for r in results}


def test_dclus1_matches_r_printed_svychisq(workdir: Path) -> None:
    """R survey package, "Tests in contingency tables"
    (http://r-survey.r-forge.r-project.org/survey/example-chisq.html), with
    dclus1 <- svydesign(id = ~dnum, weights = ~pw, data = apiclus1, fpc = ~fpc):
    svychisq(~sch.wide + stype, dclus1) prints F = 5.1934, ndf = 1.495, ddf = 20.925,
    p-value = 0.02175."""
    data = api_copy(workdir, "apiclus1")
    write(workdir / "api.yaml", f"survey: dclus1\n{SCH_WIDE}{DCLUS1}{SCHOOL}")
    report = analyze_json("api.yaml", str(data))
    got = _results(report)
    test = got[("stype", ())]["distribution_test"]
    assert isinstance(test, dict)
    assert test["name"] == "rao-scott-f"
    assert round(test["statistic"], 4) == 5.1934
    assert round(test["ndf"], 3) == 1.495
    assert round(test["ddf"], 3) == 20.925
    assert f"{test['p_value']:.4g}" == "0.02175"
    assert got[("api00", ())]["distribution_test"] is None  # numeric: no level table
    methods = report["settings"]["distribution_test"]  # type: ignore[index]
    assert "svychisq" in methods and "not corrected" in methods


def test_markdown_methods_name_the_test(workdir: Path) -> None:
    data = api_copy(workdir, "apiclus1")
    write(workdir / "api.yaml", f"survey: dclus1\n{SCH_WIDE}{DCLUS1}{SCHOOL}")
    code, _, stderr = run("analyze", "api.yaml", str(data), "-f", "markdown", "-o", "r.md")
    assert code == 0, stderr
    text = (workdir / "r.md").read_text(encoding="utf-8")
    methods = text[text.index("Weighted, design-based") :].split("\n")[0]
    assert "Rao-Scott" in methods and "svychisq" in methods


@pytest.mark.parametrize(
    ("file", "design", "options"),
    [
        ("apiclus1", DCLUS1, {"cluster": "dnum", "fpc": "fpc"}),
        ("apistrat", "weight: pw\ndesign: {strata: stype, fpc: fpc}\n", {"strata": "stype"}),
        ("apistrat", "weight: pw\ndesign: {strata: stype}\n", {"strata": "stype"}),
    ],
)
def test_segments_are_domains_of_the_whole_design(
    workdir: Path, file: str, design: str, options: dict[str, str]
) -> None:
    """Per segment (``--by awards``) the side within the segment is a domain of the whole
    design: other segments' schools stay in it with zero contribution. No printed figure:
    held to ``rao_scott_test`` on respondent arrays (apistrat's question on api00 tiers,
    since stype is its strata)."""
    data = api_copy(workdir, file)
    table = pd.read_csv(data)
    table["tier"] = np.where(
        table["api00"] < 600, "low", np.where(table["api00"] < 750, "mid", "hi")
    )
    table.to_csv(data, index=False)
    questions = (
        "scales:\n  tier: {levels: [low, mid, hi], top_box: 1}\n"
        "questions:\n  - {id: tier, scale: tier, column: tier}\n"
    )
    write(workdir / "api.yaml", f"survey: api\n{SCH_WIDE}{design}{questions}")
    got = _results(analyze_json("api.yaml", str(data), "--by", "awards"))
    level = table["tier"].map({"low": 0, "mid": 1, "hi": 2}).to_numpy()
    side = table["sch.wide"].map({"No": 0, "Yes": 1}).to_numpy()
    fpc = table["fpc"] if "fpc" in design else None
    tested: list[tuple[str, ...]] = []
    for segment in ((), ("No",), ("Yes",)):
        inside = side if not segment else np.where(table["awards"] == segment[0], side, -1)
        columns = {k: table[v] for k, v in options.items() if k != "fpc"}
        expected = rao_scott_test(level, inside, table["pw"], fpc=fpc, **columns)
        test = got[("tier", segment)]["distribution_test"]
        if expected is None:  # a side without schools in the segment: no test
            assert test is None, segment
            continue
        tested.append(segment)
        assert isinstance(test, dict), segment
        assert test["statistic"] == pytest.approx(expected.statistic, rel=1e-9)
        assert test["ndf"] == pytest.approx(expected.ndf, rel=1e-9)
        assert test["ddf"] == pytest.approx(expected.ddf, rel=1e-9)
        assert test["p_value"] == pytest.approx(expected.p_value, rel=1e-7)
    assert len(tested) >= 2, tested


def test_csv_columns_and_suppressed_results(workdir: Path) -> None:
    schema = "survey: plain\nweight: w\nanalysis: {min_n: 15}\n" + SIDES_SCHEMA
    write(workdir / "weighted.yaml", schema)
    lines = EQUAL_CSV.splitlines(keepends=True)
    body = [line.replace(",2.5\n", f",{1 + i % 4}\n") for i, line in enumerate(lines[1:])]
    write(workdir / "data.csv", lines[0] + "".join(body))
    report = analyze_json("weighted.yaml", "data.csv", "--by", "q")
    results = _results(report)
    whole = results[("q", ())]["distribution_test"]
    assert isinstance(whole, dict) and whole["name"] == "rao-scott-f"
    suppressed = [r for r in results.values() if r["suppressed"]]
    assert suppressed and all(r["distribution_test"] is None for r in suppressed)
    code, _, stderr = run("analyze", "weighted.yaml", "data.csv", "-f", "csv", "-o", "r.csv")
    assert code == 0, stderr
    with (workdir / "r.csv").open(encoding="utf-8") as f:
        (row,) = list(csv.DictReader(f))
    assert row["distribution_test_name"] == "rao-scott-f"
    for field in ("statistic", "ndf", "ddf", "p_value"):
        assert float(row[f"distribution_test_{field}"]) == pytest.approx(whole[field], rel=1e-12)


def test_unweighted_runs_have_no_distribution_test(workdir: Path) -> None:
    write(workdir / "plain.yaml", "survey: plain\n" + SIDES_SCHEMA)
    write(workdir / "data.csv", EQUAL_CSV)
    report = analyze_json("plain.yaml", "data.csv")
    assert all("distribution_test" not in r for r in report["results"])  # type: ignore[attr-defined]
    assert "distribution_test" not in report["settings"]  # type: ignore[operator]
    code, _, stderr = run("analyze", "plain.yaml", "data.csv", "-f", "csv", "-o", "r.csv")
    assert code == 0, stderr
    assert "distribution_test" not in (workdir / "r.csv").read_text(encoding="utf-8")
