"""gapscan in a notebook: ``analyze_frame`` on data frames gives the report ``gapscan
analyze`` gives on the same data as CSV, and bad input is a ``GapscanError`` with the
command line's messages."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest
import yaml
from typer.testing import CliRunner

from gapscan import analyze_frame
from gapscan.cli import app
from gapscan.errors import GapscanError
from gapscan.render import json as json_render
from gapscan.schema import load_schema
from gapscan.text import json_dumps
from tests.conftest import AGREE5, ROOT, SURVEYS, schema_text

runner = CliRunner()
EXAMPLES = ("cmo-affinity", "account-pulse", "partner-nps", "weighted-pulse")
TEXT = {"dtype": str, "keep_default_na": False}  # every cell as the file's text


def cli_json(*args: str | Path) -> str:
    result = runner.invoke(app, ["analyze", *map(str, args), "--format", "json"])
    assert result.exit_code in (0, 1), result.stderr
    return result.stdout


def same_as_cli(frame_json: str, cli: str) -> dict[str, Any]:
    """The frame's JSON is the CLI's byte for byte once its inputs block is the CLI's;
    returns the frame's inputs block."""
    frame = json.loads(frame_json)
    inputs = frame["inputs"]
    assert json_dumps(frame | {"inputs": json.loads(cli)["inputs"]}) + "\n" == cli
    return {"inputs": inputs, "cli": json.loads(cli)["inputs"]}


@pytest.mark.parametrize("reading", ["text", "pandas-defaults"])
@pytest.mark.parametrize("name", EXAMPLES)
def test_each_example_as_a_dataframe_is_the_cli_report(
    name: str, reading: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    schema = f"surveys/{name}.yaml"
    df = pd.read_csv(f"surveys/{name}.csv", **(TEXT if reading == "text" else {}))
    if reading != "text" and name in ("partner-nps", "weighted-pulse"):  # numbers
        assert pd.api.types.is_numeric_dtype(df["recommend"])
    report = analyze_frame(df, schema)
    blocks = same_as_cli(json_render.render(report), cli_json(schema))
    (frame,), (cli,) = blocks["inputs"], blocks["cli"]
    assert frame["path"] == "<frame>" and frame["format"] == "frame"
    assert frame["rows"] == len(df) == cli["rows"]
    rest = {k: v for k, v in frame.items() if k not in ("path", "format")}
    assert rest == {k: v for k, v in cli.items() if k not in ("path", "format")}


def test_a_pyarrow_table_is_the_cli_report(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    table = pa.Table.from_pandas(pd.read_csv("surveys/partner-nps.csv"), preserve_index=False)
    report = analyze_frame(table, "surveys/partner-nps.yaml")
    same_as_cli(json_render.render(report), cli_json("surveys/partner-nps.yaml"))


def test_a_polars_frame_is_the_cli_report(monkeypatch: pytest.MonkeyPatch) -> None:
    pl = pytest.importorskip("polars")
    monkeypatch.chdir(ROOT)
    df = pl.read_csv("surveys/cmo-affinity.csv")
    report = analyze_frame(df, "surveys/cmo-affinity.yaml")
    same_as_cli(json_render.render(report), cli_json("surveys/cmo-affinity.yaml"))


def test_one_frame_per_side_is_the_cli_report_on_one_file_per_side(tmp_path: Path) -> None:
    df = pd.read_csv(SURVEYS / "cmo-affinity.csv")
    vendor = df[df.respondent_type == "Vendor"]
    customer = df[df.respondent_type == "Customer"]
    vendor.to_csv(tmp_path / "v.csv", index=False)
    customer.to_csv(tmp_path / "c.csv", index=False)
    schema = SURVEYS / "cmo-affinity.yaml"
    report = analyze_frame(schema=schema, vendor=vendor, customer=customer)
    cli = cli_json(schema, "--vendor", tmp_path / "v.csv", "--customer", tmp_path / "c.csv")
    blocks = same_as_cli(json_render.render(report), cli)
    assert [(i["path"], i["side"]) for i in blocks["inputs"]] == [
        ("<vendor frame>", "vendor"),
        ("<customer frame>", "customer"),
    ]


MIXED_SCHEMA = (
    "survey: Mixed types\n"
    "sides: {column: side, vendor: [Vendor], customer: [Customer]}\n"
    "segments: [key_account, tier, wave]\n"
    "scales:\n"
    f"  agree5:\n    levels: [{', '.join(AGREE5)}]\n    top_box: 2\n"
    "  five:\n    levels: ['1', '2', '3', '4', '5']\n    top_box: 2\n"
    "questions:\n"
    "  - {id: q1, text: Statement one, scale: agree5, column: q1}\n"
    "  - {id: q2, text: Rated one to five, scale: five, column: q2}\n"
    "  - id: effort\n    text: Effort\n    type: numeric\n    column: effort\n"
    "    missing: ['-99']\n"
    "analysis: {min_n: 3}\n"
)


def mixed_frame() -> pd.DataFrame:
    """A frame as an analyst builds one: categories, booleans, integers with missing
    answers (pandas' Int64: NA), None, a missing code as a number."""
    n = 40
    side = pd.Categorical(["Vendor" if i % 3 == 0 else "Customer" for i in range(n)])
    q1 = [None if i % 7 == 0 else AGREE5[(i * 5) % 5 if i % 2 else (i // 2) % 5] for i in range(n)]
    q2 = pd.array([None if i % 6 == 5 else 1 + (i * 3) % 5 for i in range(n)], dtype="Int64")
    effort = [-99 if i % 9 == 4 else 10 * (i % 8) + 5 for i in range(n)]
    return pd.DataFrame(
        {
            "side": side,
            "key_account": [i % 4 == 0 for i in range(n)],
            "tier": pd.Categorical([("Gold", "Silver", None)[i % 3] for i in range(n)]),
            "wave": pd.to_datetime([("2024-01-01", "2024-04-01")[i % 2] for i in range(n)]),
            "q1": q1,
            "q2": q2,
            "effort": effort,
        }
    )


def test_a_frame_of_many_types_is_the_cli_report_on_the_same_frame_as_csv(
    tmp_path: Path,
) -> None:
    schema = tmp_path / "survey.yaml"
    schema.write_text(MIXED_SCHEMA, encoding="utf-8")
    df = mixed_frame()
    df.to_csv(tmp_path / "data.csv", index=False)
    report = analyze_frame(df, schema)
    same_as_cli(json_render.render(report), cli_json(schema, tmp_path / "data.csv"))
    segments = {r.segment for r in report.results}
    assert (("key_account", "True"),) in segments and (("tier", "Gold"),) in segments
    assert (("wave", "2024-04-01"),) in segments
    q2 = next(r for r in report.results if r.question == "q2" and not r.segment)
    assert q2.vendor.n + q2.customer.n == sum(1 for i in range(40) if i % 6 != 5)
    # read back by pandas (q2 as floats with NaN, True/False as booleans): the same report
    back = pd.read_csv(tmp_path / "data.csv")
    assert back["q2"].dtype == "float64" and back["key_account"].dtype == "bool"
    back["wave"] = pd.to_datetime(back["wave"])
    again = analyze_frame(back, schema)
    assert again.to_dict() == report.to_dict()


# ------------------------------------------------------------------------ schemas


def test_every_form_of_schema_gives_the_same_report(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    path = SURVEYS / "cmo-affinity.yaml"
    text = path.read_text(encoding="utf-8")
    df = pd.read_csv(SURVEYS / "cmo-affinity.csv")
    forms: list[Any] = [path, str(path), "surveys/cmo-affinity.yaml", text, yaml.safe_load(text)]
    forms.append(load_schema(path))
    reports = [analyze_frame(df, form).to_dict() for form in forms]
    named = [str(path), str(path), "surveys/cmo-affinity.yaml", "<schema>", "<schema>", str(path)]
    assert [r["schema"] for r in reports] == named
    unnamed = [{k: v for k, v in r.items() if k != "schema"} for r in reports]
    assert all(r == unnamed[0] for r in unnamed)
    assert unnamed[0]["results"] and unnamed[0]["respondents"] == {"vendor": 200, "customer": 700}


def test_a_yaml_string_schema_is_checked_as_a_file_is_with_its_lines() -> None:
    text = schema_text().replace("analysis:", "colour: blue\nanalysis:")
    line = text.splitlines().index("colour: blue") + 1
    with pytest.raises(GapscanError) as caught:
        analyze_frame(pd.DataFrame({"side": ["Vendor"]}), text)
    (problem,) = caught.value.problems
    assert (problem.file, problem.line) == ("<schema>", line)
    assert "colour" in problem.message


def test_a_dict_schema_is_checked_as_a_file_is() -> None:
    data = yaml.safe_load(schema_text())
    del data["questions"][1]["scale"]
    data["analysis"]["min_n"] = "many"
    with pytest.raises(GapscanError) as caught:
        analyze_frame(pd.DataFrame({"side": ["Vendor"]}), data)
    problems = caught.value.problems
    assert len(problems) >= 2 and all(p.file == "<schema>" for p in problems)
    text = str(caught.value)
    assert "analysis.min_n" in text and "question 'q2' needs a 'scale'" in text


@pytest.mark.parametrize("schema", [42, ["survey: x"], None])
def test_a_schema_of_the_wrong_type_is_a_gapscan_error(schema: Any) -> None:
    with pytest.raises(GapscanError, match="schema"):
        analyze_frame(pd.DataFrame({"side": ["Vendor"]}), schema)


def test_a_string_that_is_neither_a_file_nor_a_mapping_is_reported() -> None:
    with pytest.raises(GapscanError) as caught:
        analyze_frame(pd.DataFrame({"side": ["Vendor"]}), "no-such-schema.yaml")
    assert caught.value.problems[0].file == "<schema>"
    assert "mapping" in str(caught.value)


# ------------------------------------------------------------------------- errors


def small_frame(**changes: list[str]) -> pd.DataFrame:
    n = 30
    columns = {
        "side": ["Vendor" if i % 2 else "Customer" for i in range(n)],
        "q1": [AGREE5[i % 5] for i in range(n)],
        "q2": [AGREE5[(i * 2) % 5] for i in range(n)],
    }
    return pd.DataFrame(columns | changes)


def test_a_missing_column_is_named_with_the_closest() -> None:
    df = small_frame().rename(columns={"q2": "q2_text"})
    with pytest.raises(GapscanError) as caught:
        analyze_frame(df, schema_text())
    (problem,) = caught.value.problems
    assert problem.code == "missing-column" and problem.file == "<frame>"
    assert problem.line is None
    assert "'q2' (closest: " in problem.message and "'q2_text'" in problem.message


def test_an_unknown_answer_names_its_row_as_iloc_counts() -> None:
    q1 = [AGREE5[i % 5] for i in range(30)]
    q1[12] = "Maybe"
    q1[17] = "Maybe"
    df = small_frame(q1=q1)
    assert df.iloc[12]["q1"] == "Maybe"
    with pytest.raises(GapscanError) as caught:
        analyze_frame(df, schema_text())
    (problem,) = caught.value.problems
    assert problem.code == "unknown-answer"
    assert (problem.file, problem.line) == ("<frame>", 12)
    assert "'Maybe' x2 (rows 12, 17)" in problem.message
    assert str(problem).startswith("<frame>:12: column 'q1'")


def test_a_qualtrics_export_as_a_frame_is_the_cli_report(tmp_path: Path) -> None:
    """Its two extra header rows, read by pandas as rows, are recognised as header rows;
    its preview and test responses are left out as the CLI leaves them out."""
    export = SURVEYS / "qualtrics-export.csv"
    schema = tmp_path / "survey.yaml"
    drafted = runner.invoke(app, ["init", str(export), "--out", str(schema)])
    assert drafted.exit_code == 0, drafted.stderr
    report = analyze_frame(pd.read_csv(export, **TEXT), schema)
    blocks = same_as_cli(json_render.render(report), cli_json(schema, export))
    (frame,) = blocks["inputs"]
    assert frame["tool"] == "qualtrics" and frame["excluded"] and frame["rows"] > 0


def test_rows_are_counted_after_a_qualtrics_frames_extra_header_rows() -> None:
    df = pd.read_csv(SURVEYS / "qualtrics-export.csv", **TEXT)  # rows 0 and 1: header rows
    survey = {
        "survey": "Qualtrics",
        "sides": {
            "column": "respondent_type",
            "vendor": ["Account team"],
            "customer": ["Customer"],
        },
        "scales": {"agree": {"levels": ["Disagree", "Agree"], "top_box": 1}},
        "questions": [{"id": "q", "text": "Q", "scale": "agree", "column": "Q1_1"}],
    }
    with pytest.raises(GapscanError) as caught:
        analyze_frame(df, survey)
    (problem,) = caught.value.problems
    first = int(str(problem.line))
    assert problem.code == "unknown-answer" and first >= 2
    assert df.iloc[first]["Q1_1"] not in ("Disagree", "Agree", "")
    assert all(df.iloc[row]["Q1_1"] in ("Disagree", "Agree", "") for row in range(2, first))
    assert df.iloc[first]["Q1_1"] in problem.message


@pytest.mark.parametrize(
    "data",
    [[{"side": "Vendor"}], {"side": ["Vendor"]}, "data.csv", 3, pd.Series(["Vendor"])],
    ids=["list", "dict", "str", "int", "series"],
)
def test_data_that_is_not_a_frame_is_a_gapscan_error(data: Any) -> None:
    with pytest.raises(GapscanError) as caught:
        analyze_frame(data, schema_text())
    assert "not a data frame" in str(caught.value)
    assert "pandas DataFrame" in str(caught.value)


def test_sides_given_wrongly_are_reported() -> None:
    df = small_frame()
    with pytest.raises(GapscanError, match="no customer frame"):
        analyze_frame(schema=schema_text(), vendor=df)
    with pytest.raises(GapscanError, match="either one frame"):
        analyze_frame(df, schema_text(), vendor=df, customer=df)
    with pytest.raises(GapscanError, match="no data given"):
        analyze_frame(None, schema_text())


def test_a_named_index_is_a_column() -> None:
    df = pd.read_csv(SURVEYS / "cmo-affinity.csv")
    schema = SURVEYS / "cmo-affinity.yaml"
    indexed = analyze_frame(df.set_index("respondent_id"), schema)
    assert indexed.to_dict() == analyze_frame(df, schema).to_dict()
    with pytest.raises(GapscanError, match="'respondent_id'"):  # an unnamed index is not
        analyze_frame(df.set_index("respondent_id").rename_axis(None), schema)


def test_a_column_that_has_no_text_is_named() -> None:
    df = small_frame()
    df["q2"] = [[i] for i in range(len(df))]
    with pytest.raises(GapscanError) as caught:
        analyze_frame(df, schema_text())
    (problem,) = caught.value.problems
    assert problem.file == "<frame>"
    assert problem.message.startswith("cannot read column 'q2' (list<")


def test_a_frame_without_columns_is_reported() -> None:
    with pytest.raises(GapscanError, match=r"^<frame>: the frame has no columns$"):
        analyze_frame(pd.DataFrame(), schema_text())


def test_repeated_column_names_are_reported() -> None:
    df = pd.DataFrame([["Vendor", "Agree", "Agree"]], columns=["side", "q1", "q1"])
    with pytest.raises(GapscanError, match="repeats column names: 'q1'"):
        analyze_frame(df, schema_text())


def test_a_column_of_mixed_python_values_is_read_as_its_text() -> None:
    """An object column holding numbers and text (which Arrow cannot type) is read as
    the CSV writer would write it."""
    five = "  five:\n    levels: ['1', '2', '3', '4', '5', Unsure]\n    top_box: 2\n"
    text = (
        schema_text()
        .replace("scales:\n", "scales:\n" + five)
        .replace("scale: agree5\n    column: q2", "scale: five\n    column: q2")
    )
    q2: list[object] = [1 + i % 5 if i % 4 else "Unsure" for i in range(30)]
    report = analyze_frame(small_frame(q2=q2), text)  # type: ignore[arg-type]
    result = next(r for r in report.results if r.question == "q2")
    sides = zip(result.vendor.distribution, result.customer.distribution, strict=True)
    both = {v.level: v.n + c.n for v, c in sides}
    assert both == {str(v): q2.count(v) for v in [1, 2, 3, 4, 5, "Unsure"]}


# ----------------------------------------------------------------- report frames


@pytest.fixture(scope="module")
def pulse() -> Any:
    df = pd.read_csv(SURVEYS / "cmo-affinity.csv")
    return analyze_frame(df, SURVEYS / "cmo-affinity.yaml")


def test_to_frame_is_the_json_results_one_row_each(pulse: Any) -> None:
    frame = pulse.to_frame()
    results = pulse.to_dict()["results"]
    assert len(frame) == len(results) == len(pulse.results)
    assert list(frame.columns[:3]) == ["question", "question_text", "segment_region"]
    for column in ("vendor_n", "vendor_top_box", "customer_mean", "gap", "p_adjusted"):
        assert column in frame.columns
    for row, result in zip(frame.itertuples(index=False), results, strict=True):
        assert row.question == result["question"]
        assert (row.segment_region if result["segment"] else None) == result["segment"].get(
            "region"
        )
        assert row.vendor_n == result["vendor"]["n"]
        for field in ("gap", "p_adjusted"):
            expected, got = result[field], getattr(row, field)
            assert (pd.isna(got) and expected is None) or got == expected
    assert not any("distribution" in c for c in frame.columns)


def test_distribution_frame_holds_every_level_of_every_unsuppressed_side(pulse: Any) -> None:
    frame = pulse.distribution_frame()
    assert list(frame.columns[-5:]) == ["side", "level", "score", "n", "share"]
    for result in pulse.results:
        for side in ("vendor", "customer"):
            summary = getattr(result, side)
            label = dict(result.segment).get("region")
            rows = frame[
                (frame.question == result.question)
                & (frame.side == side)
                & (frame.segment_region.isna() if label is None else frame.segment_region == label)
            ]
            if summary.suppressed:
                assert rows.empty
                continue
            assert list(rows.level) == [d.level for d in summary.distribution]
            assert rows.n.sum() == summary.n
            assert rows.share.sum() == pytest.approx(1.0)


def test_to_markdown_is_what_the_cli_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    from gapscan import analyze_files

    monkeypatch.chdir(ROOT)
    result = runner.invoke(app, ["analyze", "surveys/cmo-affinity.yaml", "--format", "markdown"])
    assert result.exit_code == 0
    report = analyze_files("surveys/cmo-affinity.yaml")
    assert report.to_markdown() == result.stdout


def test_the_html_table_escapes_every_text(tmp_path: Path) -> None:
    from html.parser import HTMLParser

    hostile = '<script>alert("q")</script> & co'
    text = schema_text(segments=("region",)).replace("Statement q1", f"'{hostile}'")
    text = text.replace("survey: Test survey", "survey: '<b>Survey</b>'")
    df = small_frame()
    df["region"] = ["<img src=x>" if i % 2 else "A&B" for i in range(len(df))]
    report = analyze_frame(df, text.replace("min_n: 5", "min_n: 3"))
    shown = report._repr_html_()
    assert "<script>" not in shown and "<img" not in shown and "<b>" not in shown
    assert "&lt;script&gt;alert(&quot;q&quot;)&lt;/script&gt; &amp; co" in shown
    assert "region = &lt;img src=x&gt;" in shown and "A&amp;B" in shown

    class Cells(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.tags: list[str] = []

        def handle_starttag(self, tag: str, attrs: Any) -> None:
            self.tags.append(tag)

    parsed = Cells()
    parsed.feed(shown)
    assert set(parsed.tags) == {"table", "caption", "thead", "tbody", "tr", "th", "td"}
    assert parsed.tags.count("tr") == len(report.results) + 1


def test_a_trend_as_a_frame_has_a_row_per_question_and_wave(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from gapscan.trends import build_trend

    monkeypatch.chdir(ROOT)
    waves = sorted(Path("surveys/waves").glob("*.csv"))
    trend = build_trend(load_schema("surveys/cmo-affinity.yaml"), waves)
    frame = trend.to_frame()
    assert list(frame.columns[:3]) == ["question", "question_text", "wave"]
    assert len(frame) == len(trend.questions) * len(waves)
    assert list(frame.wave[: len(waves)]) == list(trend.waves)
    points = trend.to_dict()["questions"][0]["waves"]
    assert list(frame.vendor_top_box[: len(waves)]) == [p["vendor"]["top_box"] for p in points]
    result = runner.invoke(app, ["trend", "surveys/cmo-affinity.yaml", *map(str, waves),
                                 "--format", "markdown"])  # fmt: skip
    assert trend.to_markdown() == result.stdout
