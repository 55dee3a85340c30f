"""``gapscan analyze`` with weights and designs, held to R's survey package on its api data.

R prints whole-sample estimates (``svymean``), not side-by-side domains, so the first
tests give the same file as both sides (``--vendor F --customer F``): each side is then
the whole sample as a domain of a design whose PSUs are the file's (cluster values, or
R's row names as one-school clusters, match across the two files), and its share, mean
and SE are R's printed figures. The gaps between two real domains (``comp.imp``) have no
printed figure on these designs: they are held to 1e-9 to the second implementation in
tests/stats/test_design.py (the weighted regression y ~ 1 + side with its sandwich
variance from per-PSU score totals, as svyglm/svyttest compute it).
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.cli.test_bad_input import run, workdir, write
from tests.stats.test_design import frame, sandwich_gap, to_decimals

__all__ = ["workdir"]

API = Path("/work/shared/external/r-survey-api")
DESIGNS = {
    # dclus1 <- svydesign(id = ~dnum, weights = ~pw, data = apiclus1, fpc = ~fpc)
    "dclus1": ("apiclus1", "weight: pw\ndesign: {cluster: dnum, fpc: fpc}\n"),
    # dstrat <- svydesign(id = ~1, strata = ~stype, weights = ~pw, data = apistrat, fpc = ~fpc)
    "dstrat": ("apistrat", "weight: pw\ndesign: {cluster: row, strata: stype, fpc: fpc}\n"),
    # dsrs <- svydesign(id = ~1, fpc = ~fpc, data = apisrs): weights derived from the fpc
    "dsrs": ("apisrs", "design: {cluster: row, fpc: fpc}\n"),
}
QUESTIONS = (
    "scales:\n  school: {levels: [H, M, E], top_box: 1}\n"
    "questions:\n  - {id: stype, scale: school, column: stype}\n"
    "  - {id: api00, type: numeric, column: api00}\n"
)


def api_copy(directory: Path, name: str, copy: str = "") -> Path:
    """The api file with R's row names as a column (``row``, one per school); a named
    ``copy`` adds a column saying which copy it is (two copies are two exports)."""
    with (API / f"{name}.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    rows[0][0] = "row"
    if copy:
        rows = [[*rows[0], "copy"], *[[*r, copy] for r in rows[1:]]]
    path = directory / f"{name}{copy}.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def analyze_json(*args: str) -> dict[str, object]:
    code, _, stderr = run("analyze", *args, "--format", "json", "--out", "report.json")
    assert code == 0, stderr
    return json.loads(Path("report.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def whole_sample(directory: Path, name: str) -> dict[str, dict[str, object]]:
    """Each question's vendor side, the file given as both sides."""
    file, design = DESIGNS[name]
    vendor, customer = api_copy(directory, file, "vendor"), api_copy(directory, file, "customer")
    write(directory / "api.yaml", f"survey: {name}\n{design}{QUESTIONS}")
    report = analyze_json("api.yaml", "--vendor", str(vendor), "--customer", str(customer))
    results = report["results"]
    assert isinstance(results, list)
    return {r["question"]: r for r in results}


def test_cluster_design(workdir: Path) -> None:
    got = whole_sample(workdir, "dclus1")
    api00, stype = got["api00"]["vendor"], got["stype"]["vendor"]
    assert isinstance(api00, dict) and isinstance(stype, dict)
    # R survey, ?svymean and the "survey" vignette: svymean(~api00, dclus1, deff = TRUE)
    # prints 644.169, SE 23.542, DEff 9.3459
    to_decimals(api00["mean"], 644.169, 3)
    to_decimals(api00["mean_se"], 23.542, 3)
    to_decimals(api00["mean_deff"], 9.3459, 4)
    # R survey, ?svymean: svymean(~api00 + api99 + stype, dclus1): stypeE 0.786885, SE 0.0463
    to_decimals(stype["top_box"], 0.786885, 6)
    to_decimals(stype["top_box_se"], 0.0463, 4)
    assert api00["n"] == 183 and api00["n_eff"] == pytest.approx(183)  # pw constant
    assert got["api00"]["mean_df"] == 13  # 15 districts - 1 stratum - 1
    # the same sample on both sides: no gap, and a t of 0
    assert got["api00"]["mean_gap"] == 0 and got["api00"]["mean_p_value"] == 1


def test_stratified_design(workdir: Path) -> None:
    got = whole_sample(workdir, "dstrat")
    api00 = got["api00"]["vendor"]
    assert isinstance(api00, dict)
    # R survey, ?api examples: svymean(~api00, dstrat) prints 662.29, SE 9.4089
    to_decimals(api00["mean"], 662.29, 2)
    to_decimals(api00["mean_se"], 9.4089, 4)
    assert got["api00"]["mean_df"] == 200 - 3 - 1


def test_simple_random_design_weights_from_the_fpc(workdir: Path) -> None:
    got = whole_sample(workdir, "dsrs")
    api00 = got["api00"]["vendor"]
    assert isinstance(api00, dict)
    # R survey, ?svydesign and the srvyr vignette "srvyr vs survey":
    # svymean(~api00, svydesign(id = ~1, fpc = ~fpc, data = apisrs)) prints 656.58, SE 9.2497
    to_decimals(api00["mean"], 656.58, 2)
    to_decimals(api00["mean_se"], 9.2497, 4)
    to_decimals(api00["weight_sum"], 6194, 6)  # 200 schools of weight 6194/200


CASES = [
    ("dclus1", {"cluster": "dnum", "strata": None, "fpc": "fpc"}),
    ("dclus1", {"cluster": "dnum", "strata": None, "fpc": None}),
    ("dstrat", {"cluster": None, "strata": "stype", "fpc": "fpc"}),
    ("dstrat", {"cluster": None, "strata": "stype", "fpc": None}),
    ("dsrs", {"cluster": None, "strata": None, "fpc": None}),
]


@pytest.mark.parametrize(("name", "options"), CASES)
def test_gaps_between_two_domains(workdir: Path, name: str, options: dict[str, str | None]) -> None:
    file, _ = DESIGNS[name]
    data = api_copy(workdir, file)
    design = ", ".join(f"{k}: {v}" for k, v in options.items() if v is not None)
    if options["cluster"] is None:
        design = ", ".join(filter(None, ["cluster: row", design]))
    sides = 'sides: {column: comp.imp, vendor: ["Yes"], customer: ["No"]}\n'
    write(
        workdir / "api.yaml",
        f"survey: {name}\n{sides}weight: pw\ndesign: {{{design}}}\n" + QUESTIONS,
    )
    report = analyze_json("api.yaml", str(data))
    results = {r["question"]: r for r in report["results"]}  # type: ignore[attr-defined]
    frame_data = pd.read_csv(data)
    d, psu = frame(frame_data, **options)
    w = frame_data["pw"].to_numpy(dtype=np.float64)
    yes = (frame_data["comp.imp"] == "Yes").to_numpy()
    for question, y in (
        ("api00", frame_data["api00"].to_numpy(dtype=np.float64)),
        ("stype", (frame_data["stype"] == "E").to_numpy(dtype=np.float64)),
    ):
        gap, se = sandwich_gap(d, psu, w, y, yes)
        r = results[question]
        if question == "api00":
            got_gap, got_se, t, p, df = (
                r["mean_gap"],
                r["mean_gap_se"],
                r["mean_statistic"],
                r["mean_p_value"],
                r["mean_df"],
            )
        else:
            got_gap, got_se, t, p, df = r["gap"], r["gap_se"], r["statistic"], r["p_value"], r["df"]
        assert got_gap == pytest.approx(gap, rel=1e-9)
        assert got_se == pytest.approx(se, rel=1e-9)
        assert t == pytest.approx(gap / se, rel=1e-9)
        assert df == d.degf - 1
        scipy_t = pytest.importorskip("scipy.stats").t
        assert p == pytest.approx(2 * scipy_t.sf(abs(gap / se), df), rel=1e-7)
    # a side's mean: the intercept of the same regression (the customer domain)
    api00 = frame_data["api00"].to_numpy(dtype=np.float64)
    customer = results["api00"]["customer"]
    assert customer["mean"] == pytest.approx(np.average(api00[~yes], weights=w[~yes]), rel=1e-12)
    assert results["api00"]["mean_test"] == results["stype"]["test"] == "design-t"
    notes = report["settings"].get("notes", [])  # type: ignore[attr-defined]
    clustered = options["cluster"] is not None  # deff 5.8 for api00 in dclus1; about 1 else
    assert any("design effect exceeds 2" in n for n in notes) == clustered, notes
    assert results["stype"]["vendor"]["n"] == int(yes.sum())
    assert math.isfinite(customer["mean_se"])


def test_equal_weights_give_the_unweighted_estimates(workdir: Path) -> None:
    write(workdir / "plain.yaml", "survey: plain\n" + SIDES_SCHEMA)
    write(workdir / "weighted.yaml", "survey: plain\nweight: w\n" + SIDES_SCHEMA)
    write(workdir / "data.csv", EQUAL_CSV)
    plain = analyze_json("plain.yaml", "data.csv")["results"]
    weighted = analyze_json("weighted.yaml", "data.csv")["results"]
    for a, b in zip(plain, weighted, strict=True):  # type: ignore[call-overload]
        for side in ("vendor", "customer"):
            assert b[side]["top_box"] == pytest.approx(a[side]["top_box"], rel=1e-12)
            assert b[side]["mean"] == pytest.approx(a[side]["mean"], rel=1e-12)
            assert b[side]["n"] == a[side]["n"]
        assert b["gap"] == pytest.approx(a["gap"], rel=1e-12)


SIDES_SCHEMA = (
    "sides: {column: side, vendor: [V], customer: [C]}\n"
    "scales:\n  s: {levels: [a, b, c, d], top_box: 2}\n"
    "questions:\n  - {id: q, scale: s, column: q}\n"
)
EQUAL_CSV = "side,q,w\n" + "".join(
    f"{'V' if i % 3 else 'C'},{'abcd'[i * 7 % 4]},2.5\n" for i in range(60)
)


def test_unweighted_output_has_no_design_fields(workdir: Path) -> None:
    write(workdir / "plain.yaml", "survey: plain\n" + SIDES_SCHEMA)
    write(workdir / "data.csv", EQUAL_CSV)
    report = analyze_json("plain.yaml", "data.csv")
    result = report["results"][0]  # type: ignore[index]
    assert "gap_se" not in result and "n_eff" not in result["vendor"]
    assert "design" not in report["settings"]  # type: ignore[operator]


def test_nps_gap_is_the_design_t_of_plus_one_zero_minus_one(workdir: Path) -> None:
    """No printed figure: the NPS gap is held to the regression formulation on
    y = +1 (9-10), 0 (7-8), -1 (0-6), with dclus1's design."""
    data = api_copy(workdir, "apiclus1")
    table = pd.read_csv(data)
    table["rec"] = table["api00"] % 11
    table.to_csv(data, index=False)
    write(
        workdir / "nps.yaml",
        'survey: nps\nsides: {column: comp.imp, vendor: ["Yes"], customer: ["No"]}\n'
        "weight: pw\ndesign: {cluster: dnum, fpc: fpc}\n"
        "scales:\n  ten: {levels: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], nps: {}, top_box: 2}\n"
        "questions:\n  - {id: rec, scale: ten, column: rec}\n",
    )
    result = analyze_json("nps.yaml", str(data))["results"][0]  # type: ignore[index]
    d, psu = frame(table, cluster="dnum", strata=None, fpc="fpc")
    rec = table["rec"].to_numpy()
    y = np.where(rec >= 9, 1.0, np.where(rec <= 6, -1.0, 0.0))
    yes = (table["comp.imp"] == "Yes").to_numpy()
    gap, se = sandwich_gap(d, psu, table["pw"].to_numpy(dtype=np.float64), y, yes)
    assert result["nps_gap"] == pytest.approx(gap, rel=1e-9)
    scipy_t = pytest.importorskip("scipy.stats").t
    assert result["nps_p_value"] == pytest.approx(2 * scipy_t.sf(abs(gap / se), 13), rel=1e-7)
    w = table["pw"].to_numpy()
    vendor_nps = np.average(y[yes], weights=w[yes])
    assert result["vendor"]["nps"] == pytest.approx(vendor_nps, rel=1e-12)


def test_csv_carries_the_design_columns(workdir: Path) -> None:
    write(workdir / "weighted.yaml", "survey: plain\nweight: w\n" + SIDES_SCHEMA)
    write(workdir / "data.csv", EQUAL_CSV.replace(",2.5\n", ",2\n", 5))
    code, _, stderr = run("analyze", "weighted.yaml", "data.csv", "-f", "csv", "-o", "r.csv")
    assert code == 0, stderr
    with (workdir / "r.csv").open(encoding="utf-8") as f:
        (row,) = list(csv.DictReader(f))
    report = analyze_json("weighted.yaml", "data.csv")
    side = report["results"][0]["vendor"]  # type: ignore[index]
    assert float(row["vendor_n_eff"]) == pytest.approx(side["n_eff"], rel=1e-12)
    assert float(row["vendor_n_eff"]) < int(row["vendor_n"])  # unequal weights
    assert row["df"] == "58.0" and row["breaches"] == ""  # 60 respondents - 1 stratum - 1
