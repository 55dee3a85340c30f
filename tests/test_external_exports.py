"""Every real survey export in shared/external loads through the reader, with its
survey tool recognised and every response read."""

from __future__ import annotations

import csv

import pytest

from gapscan.errors import GapscanError
from gapscan.inputs.source import open_source
from tests.conftest import EXTERNAL

if not EXTERNAL.is_dir():
    pytest.skip("shared/external is not beside the repository", allow_module_level=True)

# file -> (survey tool, header rows, responses); responses as SOURCES.md states them
EXPORTS = {
    "qualtrics-qualtRics/sample.csv": ("qualtrics", 3, 1),
    "qualtrics-qualtRics/sample_legacy.csv": ("qualtrics-legacy", 2, 1),
    "qualtrics-impressive-climate/qualtrics.csv": ("qualtrics", 3, 452),
    "qualtrics-QualtricsTools/Single_Answer_Matrix_Questions (Insights).csv": ("qualtrics", 3, 5),
    "qualtrics-QualtricsTools/Single_Answer_Matrix_Questions.csv": ("qualtrics-legacy", 2, 5),
    "qualtrics-QualtricsTools/Matrix_Single_Answer_Testing.csv": ("qualtrics", 3, 5),
    "qualtrics-QualtricsTools/No_Basis_for_Evaluation (Insights).csv": ("qualtrics", 3, 15),
    "qualtrics-QualtricsTools/No_Basis_for_Evaluation (Legacy).csv": ("qualtrics-legacy", 2, 15),
    "qualtrics-QualtricsTools/Single_Answer_MC_Questions (Insights).csv": ("qualtrics", 3, 5),
    "qualtrics-QualtricsTools/Single_Answer_MC_Questions.csv": ("qualtrics-legacy", 2, 5),
    "qualtrics-QualtricsTools/SidebySide_Questions (Insights).csv": ("qualtrics", 3, 25),
    "qualtrics-QualtricsTools/SidebySide_Questions (Legacy).csv": ("qualtrics-legacy", 2, 25),
    "qualtrics-QualtricsTools/Long_Exhaustive_Sample_Survey.csv": ("qualtrics", 3, 31),
    "qualtrics-QualtricsTools/Sample_Survey.csv": ("qualtrics", 3, 5),
    "surveymonkey-ohbm-2022/public_survey_data.csv": ("surveymonkey", 2, 311),
    "carpentries/longterm_October2017.csv": ("plain", 1, 476),
    "carpentries/2020_carpentryconhome_raw.csv": ("plain", 1, 124),
    "googleforms-jupyter-edu-2016/responses.csv": ("googleforms", 1, 125),
    "googleforms-autistica-turing/Autistica_Turing Citizen Science Platform (Responses)"
    " - Form Responses 1(3).csv": ("googleforms", 1, 42),
    "limesurvey-informal-models/results-survey.csv": ("limesurvey", 2, 45),
    "limesurvey-informal-models/results-survey-translated.csv": ("limesurvey", 2, 45),
    "limesurvey-scicom-wiki/results-survey.csv": ("limesurvey", 1, 53),
    "likert-pkg/mass.csv": ("plain", 1, 20),
    "likert-pkg/gap.csv": ("plain", 1, 68),
    "rdatasets/Arthritis.csv": ("plain", 1, 84),
    "rdatasets/housing.csv": ("plain", 1, 72),
    "r-survey-api/apisrs.csv": ("plain", 1, 200),
    "r-survey-api/apistrat.csv": ("plain", 1, 200),
    "r-survey-api/apiclus1.csv": ("plain", 1, 183),
}
# Not survey exports: pre-summarised percentages; the same loader reads it as a table.
NOT_EXPORTS = {"likert-pkg/MathAnxietyGender.csv": 28}


def test_every_csv_is_listed() -> None:
    found = {p.relative_to(EXTERNAL).as_posix() for p in EXTERNAL.rglob("*.csv")}
    assert found == set(EXPORTS) | set(NOT_EXPORTS)


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_export_loads_with_every_response(name: str) -> None:
    tool, header_rows, responses = EXPORTS[name]
    source = open_source(EXTERNAL / name)
    assert (source.layout.tool, source.header_rows) == (tool, header_rows)
    # a name the header repeats is read as "name (1)", "name (2)", ...
    names = [f"{c} (1)" if source.repeats(c) > 1 else c for c in source.columns]
    table = source.read(names)
    assert table.num_rows == responses
    assert table.num_columns == len(source.columns)


@pytest.mark.parametrize("name", sorted(NOT_EXPORTS))
def test_summary_table_reads_as_plain(name: str) -> None:
    source = open_source(EXTERNAL / name)
    assert source.layout.tool == "plain"
    assert source.read(source.columns).num_rows == NOT_EXPORTS[name]


def test_answers_survive_multi_line_headers() -> None:
    """Qualtrics question texts with line breaks must not shift the data rows."""
    name = "qualtrics-impressive-climate/qualtrics.csv"
    source = open_source(EXTERNAL / name)
    values = source.read(["Impressiveness", "condition"]).to_pydict()
    with (EXTERNAL / name).open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))[3:]
    header = next(csv.reader((EXTERNAL / name).open(encoding="utf-8", newline="")))
    assert values["Impressiveness"] == [r[header.index("Impressiveness")] for r in rows]
    assert values["condition"] == [r[header.index("condition")] for r in rows]
    # SOURCES.md: top box "5 - Extremely impressive": control 19/77, impressive 53/147
    for condition, top, n in (("control", 19, 77), ("impressive", 53, 147)):
        answers = [
            a for a, c in zip(values["Impressiveness"], values["condition"], strict=True)
            if c == condition
        ]  # fmt: skip
        assert (answers.count("5 - Extremely impressive"), len(answers)) == (top, n)


def test_columns_by_import_id_and_question_text() -> None:
    source = open_source(EXTERNAL / "qualtrics-impressive-climate/qualtrics.csv")
    by_name = source.read(["Impressiveness"]).column(0).to_pylist()
    import_id = source.layout.import_ids[source.columns.index("Impressiveness")]
    assert import_id is not None
    assert source.read([import_id]).column(0).to_pylist() == by_name
    text = source.layout.texts[source.columns.index("Impressiveness")]
    assert source.read([text]).column(0).to_pylist() == by_name


# Files that are not CSV: what each is, and what reading it as an export gives today.
# The binary formats are refused with a reason, never read as garbage (R's .rda files
# are gzip-compressed, and named as such); SPSS files are read (tests/test_spss.py).
OTHER_FILES = {
    "likert-pkg/MathAnxietyGender.rda": "gzip-compressed",
    "likert-pkg/gap.rda": "gzip-compressed",
    "likert-pkg/mass.rda": "gzip-compressed",
    "spss-survival-manual/survey.sav": "SPSS data file",
    "qualtrics-QualtricsTools/Single_Answer_Matrix_Questions.qsf": "survey definition",
    "surveymonkey-ohbm-2022/levels.json": "level lists",
}
REFUSED = {n: why for n, why in OTHER_FILES.items() if why in ("gzip-compressed", "binary data")}


def test_every_other_file_is_listed() -> None:
    found = {
        p.relative_to(EXTERNAL).as_posix()
        for p in EXTERNAL.rglob("*")
        if p.is_file() and p.suffix != ".csv" and p.name != "SOURCES.md"
    }
    assert found == set(OTHER_FILES)


def test_the_spss_file_loads_with_every_case() -> None:
    source = open_source(EXTERNAL / "spss-survival-manual/survey.sav")
    assert (source.format, source.read(["sex"]).num_rows) == ("sav", 439)


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_binary_files_are_refused_with_a_reason(name: str) -> None:
    with pytest.raises(GapscanError) as caught:
        open_source(EXTERNAL / name)
    (problem,) = caught.value.problems
    assert problem.file == str(EXTERNAL / name)
    assert REFUSED[name] in problem.message
