"""Numeric questions (``type: numeric``): sliders and 0–100 ratings analysed as numbers,
with Welch's t (held to scipy and statsmodels on the raw values) and Mann–Whitney on
the values beside it; bad numbers and values out of range are errors naming rows."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW
from typer.testing import CliRunner

from gapscan.cli import app
from tests.conftest import EXTERNAL

TOL = 1e-9
runner = CliRunner()
CLIMATE = EXTERNAL / "qualtrics-impressive-climate" / "qualtrics.csv"
NEEDS_CLIMATE = pytest.mark.skipif(
    not CLIMATE.is_file(), reason="shared/external is not beside the repository"
)
SLIDERS = [
    "Competence_1",
    "Intelligence_1",
    "Qualification_1",
    "Honesty_1",
    "Ethic_1",
    "Sincerity_1",
    "Concern_1",
    "Eagerness_1",
    "Consideration_1",
    "Feedback_1",
    "Transparency_1",
    "Attentiveness_1",
]


def run(*args: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    return result.exit_code, result.stdout, result.stderr


def write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    return path


def schema(tmp_path: Path, questions: str, extra: str = "") -> Path:
    path = tmp_path / "survey.yaml"
    path.write_text(
        "survey: Numbers\n"
        "sides: {column: side, vendor: [Vendor], customer: [Customer]}\n"
        f"{extra}"
        "scales:\n  yes_no: {levels: [No, Yes], top_box: [Yes]}\n"
        f"questions:\n{questions}"
        "analysis: {min_n: 2}\n",
        encoding="utf-8",
    )
    return path


def check_welch(r: dict[str, object], x: np.ndarray, y: np.ndarray) -> None:
    """A numeric result against scipy's Welch test, statsmodels' interval and
    scipy's Mann–Whitney on the same raw values."""
    ref = stats.ttest_ind(x, y, equal_var=False)
    low, high = CompareMeans(DescrStatsW(x), DescrStatsW(y)).tconfint_diff(usevar="unequal")
    mw = stats.mannwhitneyu(x, y, use_continuity=True, alternative="two-sided", method="asymptotic")
    assert r["mean_test"] == "welch-t"
    got = {k: r[k] for k in ("mean_gap", "mean_statistic", "mean_df", "mean_p_value")}
    assert got == pytest.approx(
        {
            "mean_gap": x.mean() - y.mean(),
            "mean_statistic": ref.statistic,
            "mean_df": ref.df,
            "mean_p_value": ref.pvalue,
        },
        rel=TOL,
        abs=TOL,
    )
    assert (r["mean_gap_ci_low"], r["mean_gap_ci_high"]) == pytest.approx(
        (low, high), rel=TOL, abs=TOL
    )
    assert r["rank_p_value"] == pytest.approx(float(mw.pvalue), rel=TOL, abs=TOL)
    vendor, customer = r["vendor"], r["customer"]
    assert isinstance(vendor, dict) and isinstance(customer, dict)
    assert vendor["mean"] == pytest.approx(float(x.mean()), rel=TOL)
    assert customer["mean"] == pytest.approx(float(y.mean()), rel=TOL)


def test_decimal_answers_with_welch_and_a_top_box(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    x = np.round(rng.uniform(40, 100, 37), 1)
    y = np.round(rng.uniform(20, 95, 52), 1)
    rows = [["side", "score", "ok"]]
    rows += [["Vendor", f"{v:g}", "Yes"] for v in x] + [["Customer", f"{v:g}", "No"] for v in y]
    rows += [["Customer", "", "Yes"], ["Vendor", " ", "No"]]  # blank: no answer
    data = write(tmp_path / "data.csv", rows)
    questions = (
        "  - {id: score, type: numeric, range: [0, 100], top_box: {min: 80}, column: score}\n"
        "  - {id: ok, scale: yes_no, column: ok}\n"
    )
    code, out, err = run("analyze", schema(tmp_path, questions), data, "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    r, ok = report["results"]
    assert r["scale"] == "numeric" and r["vendor"]["n"] == x.size
    check_welch(r, x, y)
    assert r["vendor"]["top_box"] == pytest.approx(float((x >= 80).mean()))
    assert r["gap"] == pytest.approx(float((x >= 80).mean() - (y >= 80).mean()))
    assert r["p_adjusted"] is not None
    # the Welch test joins the mean family: Holm over the two mean tests
    p = sorted([r["mean_p_value"], ok["mean_p_value"]])
    holm = [min(1.0, 2 * p[0]), min(1.0, max(2 * p[0], p[1]))]
    assert sorted([r["mean_p_adjusted"], ok["mean_p_adjusted"]]) == pytest.approx(holm)
    assert ok["mean_test"] == "mann-whitney" and ok["mean_df"] is None


def test_without_top_box_no_top_box_test_is_run(tmp_path: Path) -> None:
    rows = [["side", "score"]] + [["Vendor", str(v)] for v in (3, 5, 8, 9)]
    rows += [["Customer", str(v)] for v in (1, 2, 2, 6, 7)]
    questions = "  - {id: score, type: numeric, column: score}\n"
    data = write(tmp_path / "data.csv", rows)
    code, out, err = run("analyze", schema(tmp_path, questions), data, "--format", "json")
    assert code == 0, err
    r = json.loads(out)["results"][0]
    assert r["gap"] is None and r["test"] is None and r["p_adjusted"] is None
    assert r["vendor"]["top_box"] is None
    check_welch(r, np.array([3.0, 5, 8, 9]), np.array([1.0, 2, 2, 6, 7]))
    for fmt in ("table", "markdown", "csv"):
        code, shown, err = run("analyze", schema(tmp_path, questions), data, "--format", fmt)
        assert code == 0, (fmt, err)
        assert ("2.65" if fmt == "csv" else "+2.65") in shown, fmt  # the mean gap, 6.25 - 3.6
        if fmt != "csv":
            assert "[-1.75, +7.05]" in shown, (fmt, shown)  # its Welch interval


def test_values_that_are_not_numbers_or_out_of_range_are_errors(tmp_path: Path) -> None:
    rows = [["side", "score"], ["Vendor", "70"], ["Vendor", "lots"], ["Customer", "150"]]
    rows += [["Customer", "lots"], ["Customer", "1,5"], ["Vendor", "-4"], ["Vendor", "nan"]]
    data = write(tmp_path / "data.csv", rows)
    questions = "  - {id: score, type: numeric, range: [0, 100], column: score}\n"
    out_path = tmp_path / "out.json"
    code, _, err = run(
        "analyze", schema(tmp_path, questions), data, "--format", "json", "--out", out_path
    )
    assert code == 2 and "Traceback" not in err and not out_path.exists()
    assert "4 value(s) not a number: 'lots' x2 (rows 3, 5); '1,5' x1 (row 6); 'nan' x1 (row 8)" in (
        err
    )
    assert "2 value(s) outside the range [0, 100]: '-4' x1 (row 7); '150' x1 (row 4)" in err
    code, shown, _ = run("validate", schema(tmp_path, questions), data)
    assert code == 2 and "not-a-number" in shown and "out-of-range" in shown


@pytest.mark.parametrize(
    ("question", "message"),
    [
        ("{id: s, type: numeric, scale: yes_no, column: s}", "both 'type: numeric' and a scale"),
        ("{id: s, type: numeric, range: [5, 1], column: s}", "not [low, high]"),
        ("{id: s, type: numeric, top_box: {}, column: s}", "needs min, max or both"),
        ("{id: s, type: numeric, top_box: {min: 9, max: 2}, column: s}", "is above max"),
        ("{id: s, scale: yes_no, range: [0, 1], column: s}", "'range' is for numeric questions"),
        ("{id: s, column: s}", "needs a 'scale' (or 'type: numeric')"),
    ],
)
def test_numeric_schema_mistakes(tmp_path: Path, question: str, message: str) -> None:
    code, out, err = run("analyze", schema(tmp_path, f"  - {question}\n"), "none.csv")
    assert code == 2 and message in out + err, out + err


@pytest.mark.parametrize(
    "choose",
    [
        "sides: {column: condition, vendor: [impressive], customer: [control],"
        " ignore: [combination, random]}\n",
        "sides: {column: condition, vendor: [impressive], customer: [control]}\n"
        "filters:\n  - {column: condition, drop: [combination, random]}\n",
    ],
    ids=["sides.ignore", "filters"],
)
@NEEDS_CLIMATE
def test_the_climate_studys_sliders_from_the_raw_export(tmp_path: Path, choose: str) -> None:
    """The real Qualtrics export, read as it was downloaded: two of its four conditions
    chosen in the schema, its 0-100 sliders analysed as numeric questions."""
    with CLIMATE.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    questions = "".join(
        f"  - {{id: {c.lower()}, type: numeric, range: [0, 100], column: {c}}}\n" for c in SLIDERS
    )
    path = tmp_path / "climate.yaml"
    path.write_text(f"survey: Impressive climate\n{choose}questions:\n{questions}", "utf-8")
    before = CLIMATE.read_bytes()
    code, out, err = run("analyze", path, CLIMATE, "--format", "json")
    assert code == 0, err
    assert CLIMATE.read_bytes() == before
    report = json.loads(out)
    results = {r["question"]: r for r in report["results"]}
    header = rows[0]
    for column in SLIDERS:
        i, side = header.index(column), header.index("condition")
        x = np.array([float(r[i]) for r in rows[3:] if r[side] == "impressive" and r[i]])
        y = np.array([float(r[i]) for r in rows[3:] if r[side] == "control" and r[i]])
        check_welch(results[column.lower()], x, y)
    competence = results["competence_1"]
    assert (competence["vendor"]["n"], competence["customer"]["n"]) == (147, 77)
    (summary,) = report["inputs"]
    assert sum(summary["excluded"].values()) == 151 + 77  # combination and random, counted


@NEEDS_CLIMATE
def test_init_drafts_the_sliders_as_numeric_questions(tmp_path: Path) -> None:
    import yaml

    out = tmp_path / "drafted.yaml"
    code, _, err = run("init", CLIMATE, "--out", out)
    assert code == 0, err
    drafted = yaml.safe_load(out.read_text(encoding="utf-8"))
    by_column = {q["column"]: q for q in drafted["questions"]}
    for column in SLIDERS:
        assert by_column[column]["type"] == "numeric" and by_column[column]["range"] == [0, 100]
        assert "scale" not in by_column[column]
    assert by_column["Impressiveness"]["scale"].startswith("numbered_")  # a 5-point scale
    assert "PROLIFIC_PID" not in by_column and "Progress" not in by_column


@pytest.mark.parametrize(("name", "n"), [("id", 8), ("respondent", 30)])
def test_init_leaves_identifiers_out_even_within_0_to_100(
    tmp_path: Path, name: str, n: int
) -> None:
    """Distinct whole numbers in 0-100 are an identifier when the column is named like
    one, or when there are too many of them to be a slider's answers."""
    import yaml

    rng = np.random.default_rng(7)
    rows = [[name, "slider"]] + [
        [str(i), str(int(rng.integers(0, 101)) // 5 * 5)] for i in range(n)
    ]
    data = write(tmp_path / "data.csv", rows)
    out = tmp_path / "drafted.yaml"
    code, _, err = run("init", data, "--out", out)
    assert code == 0, err
    drafted = out.read_text(encoding="utf-8")
    columns = [q["column"] for q in yaml.safe_load(drafted)["questions"]]
    assert name not in columns, drafted
    assert f"#   {name}: " in drafted  # listed as left out, with the reason


def test_parquet_integers_and_floats_are_numbers(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    x = np.array([3.5, 5.0, 8.0, 9.25, 61.0, 7.0])
    y = np.array([1.0, 2.0, 2.0, 6.0, 7.5, 0.0, 12.0])
    table = pa.table(
        {
            "side": ["Vendor"] * x.size + ["Customer"] * y.size,
            "f": pa.array([*x, *y], pa.float64()),
            "i": pa.array([*x.astype(int), *y.astype(int)], pa.int64()),
        }
    )
    pq.write_table(table, tmp_path / "data.parquet")
    questions = "  - {id: f, type: numeric, column: f}\n  - {id: i, type: numeric, column: i}\n"
    path = schema(tmp_path, questions)
    code, out, err = run("analyze", path, tmp_path / "data.parquet", "--format", "json")
    assert code == 0, err
    f, i = json.loads(out)["results"]
    check_welch(f, x, y)
    check_welch(i, x.astype(int).astype(float), y.astype(int).astype(float))


def test_nan_in_a_parquet_float_column_is_no_answer(tmp_path: Path) -> None:
    """NaN is how numpy, pandas and polars write a missing float."""
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    x = np.array([3.5, 5.0, np.nan, 9.25, 61.0])
    y = np.array([1.0, np.nan, 2.0, 6.0, 7.5, np.nan])
    table = pa.table(
        {
            "side": ["Vendor"] * x.size + ["Customer"] * y.size,
            "f": pa.array([*x, *y], pa.float64()),
        }
    )
    pq.write_table(table, tmp_path / "data.parquet")
    path = schema(tmp_path, "  - {id: f, type: numeric, column: f}\n")
    code, out, err = run("analyze", path, tmp_path / "data.parquet", "--format", "json")
    assert code == 0, err
    (f,) = json.loads(out)["results"]
    assert (f["vendor"]["n"], f["customer"]["n"]) == (4, 4)
    check_welch(f, x[~np.isnan(x)], y[~np.isnan(y)])


def test_a_numeric_questions_missing_texts_and_numbers_too_large(tmp_path: Path) -> None:
    rows = [["side", "s"], ["Vendor", "1"], ["Vendor", "2"], ["Vendor", "-99"]]
    rows += [["Customer", "3"], ["Customer", "4.5"], ["Customer", "Don't know"]]
    data = write(tmp_path / "data.csv", rows)
    question = "  - {id: s, type: numeric, column: s, missing: ['-99', \"Don't know\"]}\n"
    code, out, err = run("analyze", schema(tmp_path, question), data, "--format", "json")
    assert code == 0, err
    (s,) = json.loads(out)["results"]
    check_welch(s, np.array([1.0, 2.0]), np.array([3.0, 4.5]))
    write(tmp_path / "data.csv", [*rows, ["Customer", "1e400"]])
    code, out, err = run("analyze", schema(tmp_path, question), data)
    assert code == 2 and out == ""
    assert err == (
        f"error: {data}:8: column 's' (numeric question 's'): 1 value(s) not a number: "
        "'1e400' x1 (row 8) (correct the data, or list the text under the question's "
        "'missing')\n"
    )


def test_missing_on_a_scale_question_belongs_to_the_scale(tmp_path: Path) -> None:
    code, _, err = run(
        "analyze",
        schema(tmp_path, "  - {id: q, scale: yes_no, column: q, missing: [x]}\n"),
        "x.csv",
    )
    assert code == 2
    assert "question 'q': 'missing' is for numeric questions" in err
    assert "list them under the scale's missing" in err


def test_a_numeric_questions_top_box_is_stated_as_its_rule_and_it_draws_no_bars(
    tmp_path: Path,
) -> None:
    rows = [["side", "s", "y"], ["Vendor", "1", "Yes"], ["Vendor", "2", "No"]]
    rows += [["Vendor", "5", "Yes"], ["Customer", "3", "No"], ["Customer", "4", "Yes"]]
    data = write(tmp_path / "data.csv", rows)
    questions = (
        "  - {id: s, type: numeric, column: s, range: [0, 10], top_box: {min: 4}}\n"
        "  - {id: t, type: numeric, column: s}\n"
        "  - {id: y, scale: yes_no, column: y}\n"
    )
    path = schema(tmp_path, questions)
    out_md = tmp_path / "r.md"
    code, _, err = run(
        "analyze", path, data, "--distribution", "--format", "markdown", "--out", out_md
    )
    assert code == 0, err
    text = out_md.read_text(encoding="utf-8")
    assert "\n- s: 4 or more\n- t: none\n- y: Yes\n" in text
    assert "Numeric questions have no distribution table or chart" in text
    charts = sorted(p.name for p in (tmp_path / "charts").iterdir())
    assert charts == ["r-distribution-y.png", "r-distribution-y.svg", "r-gaps.png", "r-gaps.svg"]
    code, out, err = run("analyze", path, data, "--format", "json")
    rules = [r.get("top_box_rule") for r in json.loads(out)["results"]]
    assert rules == ["4 or more", "none", None]
