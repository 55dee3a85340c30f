"""SPSS and Stata files: the real survey.sav checked against pyreadstat's own reading of
it, files written by pyreadstat (.zsav with user-missing values, .dta), recognition by
bytes, chunked reading, and the same survey as CSV, XLSX, Parquet and .sav giving the
same report."""

from __future__ import annotations

import json
import math
import shutil
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pyreadstat
import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from gapscan.cli import app
from gapscan.errors import GapscanError
from gapscan.inputs import spss
from gapscan.inputs.source import open_source
from tests.conftest import EXTERNAL

SURVEY = EXTERNAL / "spss-survival-manual" / "survey.sav"
needs_survey = pytest.mark.skipif(not SURVEY.exists(), reason="shared/external is not here")


def texts(path: Path, columns: list[str]) -> dict[str, list[str]]:
    source = open_source(path)
    return {k: [str(v) for v in vs] for k, vs in source.read(columns).to_pydict().items()}


# ------------------------------------------------------------------ the real file


@needs_survey
def test_survey_sav_has_its_439_cases_and_its_variable_labels_as_texts() -> None:
    _, meta = pyreadstat.read_sav(SURVEY, metadataonly=True)
    source = open_source(SURVEY)
    assert source.format == "sav"
    assert source.columns == list(meta.column_names)
    assert source.read(["id"]).num_rows == 439 == meta.number_rows
    labels = meta.column_names_to_labels
    uses = Counter(labels.values())
    for name, label in labels.items():
        assert source.variables[name].label == (label or "")
        if label:
            assert source.layout.texts[source.columns.index(name)] == label
        if label and uses[label] == 1:  # a variable label names the column, as a text does
            assert source.find(label) == source.columns.index(name)
        elif label:  # two variables labelled "Mahalanobis Distance": ambiguous
            assert source.find(label) is None
    assert uses["Mahalanobis Distance"] == 2
    assert source.row_number(0) == 1  # the first case


@needs_survey
def test_survey_sav_cells_are_value_labels_and_numbers_as_pyreadstat_reads_them() -> None:
    data, meta = pyreadstat.read_sav(SURVEY, user_missing=True)
    labelled = meta.variable_value_labels
    source = open_source(SURVEY)
    cells = texts(SURVEY, list(meta.column_names))
    for name in meta.column_names:
        for value, text in zip(data[name].tolist(), cells[name], strict=True):
            if value is None or (isinstance(value, float) and math.isnan(value)):
                assert text == ""
            elif name in labelled and value in labelled[name]:
                assert text == labelled[name][value]
            else:
                assert float(text) == value
                assert not text.endswith(".0")
        if name in labelled:  # the labels, in code order, are the levels
            codes = sorted(labelled[name])
            assert source.variables[name].levels == tuple(labelled[name][c] for c in codes)
    assert Counter(cells["sex"]) == {"FEMALES": 254, "MALES": 185}
    assert cells["op1"].count("") == int(data["op1"].isna().sum()) == 4


@needs_survey
def test_survey_sav_declares_no_missing_values_and_none_are_read() -> None:
    _, meta = pyreadstat.read_sav(SURVEY, metadataonly=True, user_missing=True)
    variables = open_source(SURVEY).variables
    declared = {n for n in meta.column_names if meta.missing_ranges.get(n)}
    assert {n for n, v in variables.items() if v.missing} == declared


@needs_survey
def test_small_chunks_give_the_same_cells(monkeypatch: pytest.MonkeyPatch) -> None:
    whole = texts(SURVEY, ["sex", "op1", "MAH_1"])
    monkeypatch.setattr(spss, "BATCH_ROWS", 100)
    batches = list(open_source(SURVEY).batches(["sex", "op1", "MAH_1"]))
    assert [b.num_rows for b in batches] == [100, 100, 100, 100, 39]
    assert pa.Table.from_batches(batches).to_pydict() == whole
    assert pa.types.is_dictionary(batches[0].column(0).type)


# ------------------------------------------------------------ files written here

FRAME = pd.DataFrame(
    {
        "side": [1.0, 2.0, 1.0, 2.0, 1.0, 2.0],
        "q1": [1.0, 2.0, 9.0, 5.0, math.nan, 4.0],
        "q2": [1.5, 2.0, 3.0, 98.0, 4.0, 97.0],
        "note": ["a", "b", "", "c", "d", "e"],
    }
)
SIDE_LABELS = {1: "Vendor", 2: "Customer"}
Q1_LABELS = {
    1: "Very dissatisfied",
    2: "Dissatisfied",
    3: "Neutral",
    4: "Satisfied",
    5: "Very satisfied",
    9: "Don't know",
}


def write_zsav(path: Path) -> Path:
    pyreadstat.write_sav(
        FRAME,
        path,
        compress=True,
        column_labels={"q1": "How satisfied are you?"},
        variable_value_labels={"side": SIDE_LABELS, "q1": Q1_LABELS},
        missing_ranges={"q1": [9], "q2": [{"lo": 97, "hi": 99}]},
    )
    return path


def test_a_zsav_keeps_user_missing_values_as_answers_and_lists_them(tmp_path: Path) -> None:
    path = write_zsav(tmp_path / "survey.zsav")
    assert path.read_bytes()[:4] == b"$FL3"
    cells = texts(path, ["side", "How satisfied are you?", "q2", "note"])
    assert cells == {
        "side": ["Vendor", "Customer", "Vendor", "Customer", "Vendor", "Customer"],
        "How satisfied are you?": [
            "Very dissatisfied",
            "Dissatisfied",
            "Don't know",
            "Very satisfied",
            "",
            "Satisfied",
        ],
        "q2": ["1.5", "2", "3", "98", "4", "97"],
        "note": ["a", "b", "", "c", "d", "e"],
    }
    variables = open_source(path).variables
    assert variables["q1"].levels == tuple(Q1_LABELS[c] for c in (1, 2, 3, 4, 5))
    assert variables["q1"].missing == ("Don't know",)
    assert variables["q2"].missing == ("97", "98", "99")
    assert variables["side"].missing == ()


def test_a_dta_is_read_with_its_labels(tmp_path: Path) -> None:
    path = tmp_path / "survey.dta"
    pyreadstat.write_dta(
        FRAME,
        path,
        column_labels=["Side", "Q one", "Q two", "Note"],
        variable_value_labels={"side": SIDE_LABELS},
    )
    source = open_source(path)
    assert source.format == "dta"
    assert source.layout.texts == ("Side", "Q one", "Q two", "Note")
    cells = texts(path, ["Side", "q1", "q2"])
    assert cells["Side"] == ["Vendor", "Customer"] * 3
    assert cells["q1"] == ["1", "2", "9", "5", "", "4"]
    assert source.variables["side"].levels == ("Vendor", "Customer")


def test_stata_extended_missing_values_are_missing(tmp_path: Path) -> None:
    path = tmp_path / "missing.dta"
    data = pd.DataFrame({"q": [1.0, 2.0, "a", 3.0]}, dtype=object)
    labels = {1: "Low", 2: "Mid", 3: "High", "a": "Refused"}
    pyreadstat.write_dta(
        data, path, missing_user_values={"q": ["a"]}, variable_value_labels={"q": labels}
    )
    source = open_source(path)
    assert source.read(["q"]).to_pydict() == {"q": ["Low", "Mid", "Refused", "High"]}
    assert source.variables["q"].levels == ("Low", "Mid", "High")
    assert source.variables["q"].missing == ("Refused",)


def test_files_are_recognised_by_their_bytes_not_their_names(tmp_path: Path) -> None:
    sav = write_zsav(tmp_path / "survey.zsav")
    renamed = tmp_path / "export.dat"
    shutil.copy(sav, renamed)
    assert open_source(renamed).format == "sav"
    dta = tmp_path / "old.dta"
    pyreadstat.write_dta(FRAME, dta, version=12)  # release 115: no "<stata_dta>" tag
    shutil.copy(dta, tmp_path / "old.bin")
    assert open_source(tmp_path / "old.bin").format == "dta"


@pytest.mark.parametrize("suffix", [".sav", ".dta", ".por", ".zsav"])
def test_a_csv_named_like_an_spss_or_stata_file_is_refused(tmp_path: Path, suffix: str) -> None:
    data = tmp_path / f"survey{suffix}"
    data.write_text("side,q1\nVendor,Agree\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["columns", str(data)])
    assert result.exit_code == 2
    assert f"error: {data}: the file is named {suffix} but is not" in result.output
    assert "Traceback" not in result.output


def test_without_pyreadstat_the_error_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_zsav(tmp_path / "survey.zsav")
    monkeypatch.setitem(sys.modules, "pyreadstat", None)  # import pyreadstat fails
    with pytest.raises(GapscanError) as caught:
        open_source(path)
    (problem,) = caught.value.problems
    assert "needs the pyreadstat package" in problem.message
    assert problem.hint is not None and "gapscan[spss]" in problem.hint
    result = CliRunner().invoke(app, ["columns", str(path)])
    assert result.exit_code == 2
    assert "gapscan[spss]" in result.output and "Traceback" not in result.output


def test_init_drafts_a_zsav_from_its_metadata(tmp_path: Path) -> None:
    path = write_zsav(tmp_path / "survey.zsav")
    drafted = CliRunner().invoke(app, ["init", str(path), "--side-column", "side"])
    assert drafted.exit_code == 0, drafted.output
    text = drafted.output
    levels = ", ".join(f'"{Q1_LABELS[c]}"' for c in (1, 2, 3, 4, 5))
    assert f"levels: [{levels}]" in text  # every labelled level, answered or not
    assert 'missing: ["Don\'t know"]' in text
    assert 'text: "How satisfied are you?"' in text
    assert 'missing: ["97", "98", "99"]' in text  # q2: a numeric question
    schema = tmp_path / "survey.yaml"
    written = CliRunner().invoke(
        app, ["init", str(path), "--side-column", "side", "-o", str(schema)]
    )
    assert written.exit_code == 0, written.output
    checked = CliRunner().invoke(app, ["validate", str(schema)])
    assert checked.exit_code == 0, checked.output
    said = " ".join(checked.output.split())  # lines wrap where the path's length puts them
    assert "6 rows, 3 vendor, 3 customer" in said and "valid: 0 error(s)" in said


# ------------------------------------------------- one survey in four formats

SCHEMA = """\
survey: the same survey
sides: {column: sex, vendor: [FEMALES], customer: [MALES]}
segments: [marital]
scales:
  yes_no: {levels: ["YES", "NO"], top_box: ["YES"]}
  five: {levels: ["1", "2", "3", "4", "5"], top_box: 2}
questions:
  - {id: child, text: child, scale: yes_no, column: child}
  - {id: smoke, text: smoker, scale: yes_no, column: smoke}
  - {id: op1, text: op1, scale: five, column: op1}
  - {id: op2, text: op2, scale: five, column: op2}
  - {id: age, text: age, type: numeric, column: age}
"""
COLUMNS = ["sex", "marital", "child", "smoke", "op1", "op2", "age"]


def _same_data(path: Path) -> pd.DataFrame:
    """survey.sav's columns as pyreadstat gives them, labels applied, whole numbers
    as integers (as a survey tool's CSV export holds them)."""
    data, _ = pyreadstat.read_sav(path, usecols=COLUMNS, apply_value_formats=True)
    for name in COLUMNS:
        column = data[name]
        if column.dtype.kind == "f":
            data[name] = column.astype("Int64")
        else:
            data[name] = column.astype(str)
    return data


def _write_xlsx(data: pd.DataFrame, path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(data.columns))
    for row in data.itertuples(index=False):
        sheet.append([None if v is pd.NA else v for v in row])
    book.save(path)


def _report(schema: Path, data: Path) -> dict[str, Any]:
    result = CliRunner().invoke(app, ["analyze", str(schema), str(data), "-f", "json"])
    assert result.exit_code == 0, result.output
    report: dict[str, Any] = json.loads(result.output)
    return report


@needs_survey
def test_the_survey_as_csv_xlsx_parquet_and_sav_gives_the_same_report(tmp_path: Path) -> None:
    data = _same_data(SURVEY)
    files = {"sav": tmp_path / "survey.sav", "csv": tmp_path / "survey.csv"}
    shutil.copy(SURVEY, files["sav"])
    data.to_csv(files["csv"], index=False)
    files["parquet"] = tmp_path / "survey.parquet"
    pq.write_table(pa.Table.from_pandas(data, preserve_index=False), files["parquet"])
    files["xlsx"] = tmp_path / "survey.xlsx"
    _write_xlsx(data, files["xlsx"])
    schema = tmp_path / "survey.yaml"
    schema.write_text(SCHEMA, encoding="utf-8")
    reports = {kind: _report(schema, path) for kind, path in files.items()}
    assert reports["sav"]["respondents"] == {"vendor": 254, "customer": 185}
    assert [i["format"] for i in reports["sav"]["inputs"]] == ["sav"]
    questions = {r["question"] for r in reports["sav"]["results"]}
    assert questions == {"child", "smoke", "op1", "op2", "age"}
    bodies = {
        kind: json.dumps({k: v for k, v in r.items() if k != "inputs"}, sort_keys=True)
        for kind, r in reports.items()
    }
    assert bodies["csv"] == bodies["sav"]
    assert bodies["xlsx"] == bodies["sav"]
    assert bodies["parquet"] == bodies["sav"]


@needs_survey
@pytest.mark.parametrize("size", [3_000, 60_000])  # cut in the dictionary; in the cases
def test_a_truncated_sav_is_reported_as_damaged(tmp_path: Path, size: int) -> None:
    path = tmp_path / "cut.sav"
    path.write_bytes(SURVEY.read_bytes()[:size])
    result = CliRunner().invoke(app, ["columns", str(path)])
    assert result.exit_code == 2
    assert f"error: {path}: cannot read an SPSS data file: " in result.output
    assert "Traceback" not in result.output


@needs_survey
def test_rows_in_messages_are_case_numbers(tmp_path: Path) -> None:
    data, _ = pyreadstat.read_sav(SURVEY, usecols=["child"])
    cases = [int(i) + 1 for i in data.index[data["child"] == 2][:3]]  # coded 2: "NO"
    schema = tmp_path / "survey.yaml"
    schema.write_text(
        "survey: s\nsides: {column: sex, vendor: [FEMALES], customer: [MALES]}\n"
        'scales:\n  yn: {levels: ["YES", "MAYBE"], top_box: ["YES"]}\n'
        "questions:\n  - {id: child, text: child, scale: yn, column: child}\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["analyze", str(schema), str(SURVEY)])
    assert result.exit_code == 2
    rows = ", ".join(str(c) for c in cases)
    assert f"error: {SURVEY}:{cases[0]}: column 'child'" in result.output
    assert f"'NO' x253 (rows {rows}, " in result.output
