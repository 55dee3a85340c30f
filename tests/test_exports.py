"""Recognition of survey-tool export layouts (gapscan.inputs.tools and the tools'
modules), checked against the real exports in shared/external (described in its
SOURCES.md) and on small synthetic ones."""

from __future__ import annotations

import csv
import itertools
import re
import typing
from functools import cache
from pathlib import Path

import pytest

from gapscan.inputs import tools
from gapscan.inputs.layout import Layout, Rows, Tool, make_layout
from gapscan.inputs.qualtrics import excluded_rows
from gapscan.inputs.tools import TOOLS, detect_layout

EXTERNAL = Path(__file__).resolve().parents[2] / "shared" / "external"
SAMPLE = 20  # records handed to detect_layout, as a reader would sniff them

needs_external = pytest.mark.skipif(
    not EXTERNAL.is_dir(), reason=f"the external survey exports are not there ({EXTERNAL})"
)

QT = "qualtrics-QualtricsTools/"
GF_AUTISTICA = (
    "googleforms-autistica-turing/"
    "Autistica_Turing Citizen Science Platform (Responses) - Form Responses 1(3).csv"
)

# file -> (tool, header rows, columns, responses); the response counts are those SOURCES.md
# states (records minus header rows)
EXPECTED: dict[str, tuple[str, int, int, int]] = {
    "qualtrics-qualtRics/sample.csv": ("qualtrics", 3, 20, 1),
    "qualtrics-qualtRics/sample_legacy.csv": ("qualtrics-legacy", 2, 16, 1),
    QT + "Single_Answer_Matrix_Questions (Insights).csv": ("qualtrics", 3, 30, 5),
    QT + "Single_Answer_Matrix_Questions.csv": ("qualtrics-legacy", 2, 30, 5),
    QT + "Matrix_Single_Answer_Testing.csv": ("qualtrics", 3, 35, 5),
    QT + "No_Basis_for_Evaluation (Insights).csv": ("qualtrics", 3, 49, 15),
    QT + "No_Basis_for_Evaluation (Legacy).csv": ("qualtrics-legacy", 2, 49, 15),
    QT + "Single_Answer_MC_Questions (Insights).csv": ("qualtrics", 3, 20, 5),
    QT + "Single_Answer_MC_Questions.csv": ("qualtrics-legacy", 2, 20, 5),
    QT + "SidebySide_Questions (Insights).csv": ("qualtrics", 3, 71, 25),
    QT + "SidebySide_Questions (Legacy).csv": ("qualtrics-legacy", 2, 71, 25),
    QT + "Long_Exhaustive_Sample_Survey.csv": ("qualtrics", 3, 367, 31),
    QT + "Sample_Survey.csv": ("qualtrics", 3, 74, 5),
    "qualtrics-impressive-climate/qualtrics.csv": ("qualtrics", 3, 27, 452),
    "surveymonkey-ohbm-2022/public_survey_data.csv": ("surveymonkey", 2, 48, 311),
    # SurveyMonkey-derived but re-headed to one row: nothing marks the tool any more
    "carpentries/longterm_October2017.csv": ("plain", 1, 75, 476),
    "carpentries/2020_carpentryconhome_raw.csv": ("plain", 1, 17, 124),
    "googleforms-jupyter-edu-2016/responses.csv": ("googleforms", 1, 25, 125),
    GF_AUTISTICA: ("googleforms", 1, 5, 42),
    "limesurvey-informal-models/results-survey.csv": ("limesurvey", 2, 38, 45),
    "limesurvey-informal-models/results-survey-translated.csv": ("limesurvey", 2, 38, 45),
    "limesurvey-scicom-wiki/results-survey.csv": ("limesurvey", 1, 41, 53),
    # plain data, not exports
    "likert-pkg/mass.csv": ("plain", 1, 15, 20),
    "likert-pkg/gap.csv": ("plain", 1, 11, 68),
    "likert-pkg/MathAnxietyGender.csv": ("plain", 1, 7, 28),
    "rdatasets/Arthritis.csv": ("plain", 1, 6, 84),
    "rdatasets/housing.csv": ("plain", 1, 6, 72),
    # R's survey package `api` data (an unnamed first column of row names)
    "r-survey-api/apisrs.csv": ("plain", 1, 40, 200),
    "r-survey-api/apistrat.csv": ("plain", 1, 40, 200),
    "r-survey-api/apiclus1.csv": ("plain", 1, 40, 183),
}


def _delimiter(name: str) -> str:
    return ";" if name.startswith("limesurvey-informal-models/") else ","


@cache
def _all_records(name: str) -> tuple[tuple[str, ...], ...]:
    with (EXTERNAL / name).open(encoding="utf-8-sig", newline="") as fh:
        return tuple(tuple(record) for record in csv.reader(fh, delimiter=_delimiter(name)))


def _sample(name: str) -> list[list[str]]:
    with (EXTERNAL / name).open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh, delimiter=_delimiter(name))
        return [list(record) for record in itertools.islice(reader, SAMPLE)]


@cache
def _layout(name: str) -> Layout:
    return detect_layout(_sample(name))


def _column(name: str, layout: Layout, column: str) -> list[str]:
    index = layout.columns.index(column)
    return [record[index] for record in _all_records(name)[layout.header_rows :]]


# ------------------------------------------------------------- every external file


@needs_external
def test_every_external_csv_has_an_expectation() -> None:
    found = {path.relative_to(EXTERNAL).as_posix() for path in EXTERNAL.rglob("*.csv")}
    assert found == set(EXPECTED)


@needs_external
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_layout_of_external_file(name: str) -> None:
    tool, header_rows, width, responses = EXPECTED[name]
    records = _sample(name)
    layout = detect_layout(records)
    assert (layout.tool, layout.header_rows) == (tool, header_rows)
    assert len(layout.columns) == len(records[0]) == width
    assert len(layout.texts) == len(layout.import_ids) == width
    assert len(set(layout.columns)) == width
    assert layout.metadata <= set(layout.columns)
    assert f"({header_rows} header row" in layout.describe()
    body = [record for record in _all_records(name)[header_rows:] if record]
    assert len(body) == responses
    assert all(len(record) == width for record in body)
    if not tool.startswith("qualtrics"):
        assert layout.import_ids == (None,) * width
        assert layout.status_column is None and layout.finished_column is None


# ------------------------------------------------------------------------ Qualtrics


@needs_external
def test_qualtrics_sample_with_german_labels() -> None:
    layout = _layout("qualtrics-qualtRics/sample.csv")
    assert layout.describe() == "Qualtrics export (3 header rows)"
    assert layout.columns[:3] == ("StartDate", "EndDate", "Status")
    assert layout.texts[:3] == ("Anfangsdatum", "Enddatum", "Antworttyp")
    assert layout.import_ids[0] == "startDate"
    assert layout.import_ids[19] == "QID2_TEXT_eae5a8d0e7fd4bd183e983e5Topics"
    assert {"StartDate", "Status", "Finished", "ResponseId", "DistributionChannel"} <= set(
        layout.metadata
    )
    assert not {"Q1", "Q2", "Q2 - Topics"} & layout.metadata
    assert len(layout.metadata) == 17
    assert (layout.status_column, layout.finished_column) == ("Status", "Finished")
    assert layout.find("Q2 - Topics") == 19  # by name
    assert layout.find("QID1") == 17  # by import id
    assert layout.find("This is a free text question.") == 18  # by question text
    assert layout.find("Antwort-ID") == 8
    assert layout.find("  Antwort-ID ") == 8
    assert layout.find("QID404") is None
    assert layout.find("") is None


@needs_external
def test_qualtrics_impressive_climate() -> None:
    name = "qualtrics-impressive-climate/qualtrics.csv"
    layout = _layout(name)
    assert layout.columns[24:] == ("Impressiveness", "condition", "PROLIFIC_PID")
    assert layout.import_ids[0] == "startDate"  # the JSON also holds a timeZone
    assert layout.import_ids[12] == "QID28_1"
    assert {"StartDate", "EndDate", "Status", "Progress", "Duration (in seconds)"} <= set(
        layout.metadata
    )
    assert {"Finished", "RecordedDate", "ResponseId", "UserLanguage"} <= set(layout.metadata)
    # embedded data and questions are not the tool's own columns
    assert not {"condition", "PROLIFIC_PID", "Consent", "Impressiveness"} & layout.metadata
    assert layout.find("QID28_1") == layout.find("Competence_1") == 12
    assert layout.find("QID1219003652") == 24
    assert layout.find("How incompetent or competent are most climate scientists?") == 12
    assert layout.find("Response Type") == 2
    # multi-line question text: found with its white space collapsed
    consent = layout.texts[10]
    assert "\n" in consent
    assert layout.find(" ".join(consent.split())) == 10
    assert layout.find("  " + consent.replace("\n\n", "\n   ") + "\n") == 10
    status = _column(name, layout, "Status")
    finished = _column(name, layout, "Finished")
    assert excluded_rows(layout, status, finished) == {
        "preview": [],
        "test": [],
        "spam": [],
        "unfinished": [],
    }


@needs_external
def test_qualtrics_insights_import_ids_in_python_dict_style() -> None:
    layout = _layout(QT + "Single_Answer_Matrix_Questions (Insights).csv")
    assert layout.columns[11] == "Q2_1"
    assert layout.import_ids[11] == "QID2-1"
    assert layout.import_ids[0] == "responseId"
    assert layout.texts[11] == "Click to write the question text-Click to write Statement 1"
    assert layout.find("QID2-1") == 11
    assert layout.find("QID2_1") is None  # import ids match exactly
    assert layout.find("Click to write the question text-Click to write Statement 1") == 11
    assert {"ResponseID", "ResponseSet", "IPAddress", "StartDate", "Status"} <= set(layout.metadata)
    assert {"RecipientEmail", "ExternalDataReference", "LocationAccuracy"} <= set(layout.metadata)
    assert "Q3_question_one" not in layout.metadata


@needs_external
def test_qualtrics_repeated_question_text_is_ambiguous() -> None:
    layout = _layout(QT + "Matrix_Single_Answer_Testing.csv")
    repeated = layout.texts[11]
    assert layout.texts.count(repeated) > 1
    assert layout.find(repeated) is None
    assert layout.find("Q2_Q2_2") == 20
    assert layout.find("QID2-1") == 20


@needs_external
def test_qualtrics_insights_quirks() -> None:
    layout = _layout(QT + "No_Basis_for_Evaluation (Insights).csv")
    assert layout.find("Q2_-1") == 15
    assert layout.import_ids[15] == "QID2-4"
    assert layout.texts[15] == "Check all statements you agree with-No basis for evaluation"

    layout = _layout(QT + "Long_Exhaustive_Sample_Survey.csv")
    assert layout.import_ids[layout.columns.index("Q16_-2_TEXT")] == "QID16-8-TEXT"
    assert layout.find("q4_colored_fruit") == 16

    layout = _layout(QT + "Sample_Survey.csv")
    assert layout.find("QID6#1-1") == layout.columns.index("q6_reservations#1_1") == 28

    # the Insights side-by-side export repeats column ids: they get numbered
    layout = _layout(QT + "SidebySide_Questions (Insights).csv")
    first = layout.columns.index("Q6#2_Q6_1_2_TEXT")
    assert layout.columns[first + 1] == "Q6#2_Q6_1_2_TEXT (2)"
    assert layout.import_ids[first : first + 2] == ("QID6#2-1-1-TEXT", "QID6#2-1-2-TEXT")
    assert layout.find("QID6#2-1-2-TEXT") == first + 1


@needs_external
def test_qualtrics_test_responses_are_excluded() -> None:
    # the QualtricsTools surveys were answered with test clicks: Status 2 (Survey Test)
    for name in (QT + "Single_Answer_MC_Questions (Insights).csv", QT + "Sample_Survey.csv"):
        layout = _layout(name)
        assert layout.status_column == "Status"
        status = _column(name, layout, "Status")
        finished = _column(name, layout, "Finished")
        assert set(status) == {"2"}
        result = excluded_rows(layout, status, finished)
        assert result["test"] == list(range(len(status)))
        assert result["preview"] == result["spam"] == result["unfinished"] == []


@needs_external
def test_qualtrics_legacy_sample() -> None:
    layout = _layout("qualtrics-qualtRics/sample_legacy.csv")
    assert layout.describe() == "Qualtrics legacy export (2 header rows)"
    assert layout.columns == (
        "ResponseID",
        "ResponseSet",
        "Name",
        "ExternalDataReference",
        "EmailAddress",
        "IPAddress",
        "Status",
        "StartDate",
        "EndDate",
        "Finished",
        "Q1",
        "Q2",
        "LocationLatitude",
        "LocationLongitude",
        "LocationAccuracy",
        "column 16",  # the trailing comma's empty column
    )
    assert layout.metadata == frozenset(layout.columns) - {"Q1", "Q2"}
    assert (layout.status_column, layout.finished_column) == ("Status", "Finished")
    assert layout.texts[10] == "This is a multiple choice question."
    assert layout.find("This is a free text question.") == 11
    assert layout.find("V7") is None
    assert layout.find("Status") == 6


@needs_external
def test_qualtrics_legacy_duplicate_names_are_numbered() -> None:
    name = QT + "Single_Answer_Matrix_Questions.csv"
    layout = _layout(name)
    assert layout.columns[16:26] == (
        "question_one",
        "question_two",
        "question_three",
        "question_one (2)",
        "question_two (2)",
        "question_three (2)",
        "question_one (3)",
        "question_two (3)",
        "matrix_question_fivequestion_two_TEXT",
        "question_three (3)",
    )
    assert _sample(name)[0][19] == "question_one"
    assert layout.find("question_one") == 16
    assert layout.find("question_one (3)") == 22
    status = _column(name, layout, "Status")
    assert excluded_rows(layout, status, None)["test"] == [0, 1, 2, 3, 4]


@needs_external
def test_qualtrics_legacy_side_by_side() -> None:
    layout = _layout(QT + "SidebySide_Questions (Legacy).csv")
    assert layout.columns[46:48] == ("Q6_1: 1", "Q6_2: 1")
    assert layout.columns[-1] == "column 71"
    assert "column 71" in layout.metadata


@needs_external
def test_qualtrics_legacy_with_resolved_ids() -> None:
    # row 1 already ResponseID, ResponseSet..., row 2 repeating them and the question
    # texts, no ImportId row: the Insights file without its third header row
    records = _sample(QT + "Single_Answer_MC_Questions (Insights).csv")
    layout = detect_layout([records[0], records[1], *records[3:]])
    assert (layout.tool, layout.header_rows) == ("qualtrics-legacy", 2)
    assert layout.columns[:2] == ("ResponseID", "ResponseSet")
    assert layout.columns[11] == "Q2"
    assert layout.texts[11] == "Click to write the question text"
    assert {"ResponseID", "Status", "Finished", "LocationLatitude"} <= set(layout.metadata)
    assert "Q2" not in layout.metadata
    assert layout.status_column == "Status"


# --------------------------------------------------------------------- SurveyMonkey


@needs_external
def test_surveymonkey_blocks() -> None:
    layout = _layout("surveymonkey-ohbm-2022/public_survey_data.csv")
    assert layout.describe() == "SurveyMonkey export (2 header rows)"
    assert layout.columns[0] == "column 1"  # pandas' index column
    assert layout.metadata == frozenset({"column 1"})
    assert layout.columns[1] == "Are you a member of OHBM?"
    platforms = (
        "Which of the following platforms do you use to access OHBM content? When "
        "applicable, a direct link to the platform is provided next to each option. "
        "Please check all options that apply."
    )
    assert layout.columns[4] == f"{platforms} [OHBM website (https://www.humanbrainmapping.org)]"
    assert layout.columns[13] == f"{platforms} [OHBM Job Board]"
    assert layout.columns[14] == "How would you describe your access to the OHBM job board?"
    assert layout.columns[40] == (
        "How important is each of these types of content to you? "
        "[Information on the annual meeting]"
    )
    assert layout.texts == ("", *layout.columns[1:])
    assert layout.find("Are you a member of OHBM?") == 1
    assert layout.find(f"{platforms} [OHBM Job Board]") == 13


def test_surveymonkey_raw_export() -> None:
    header = ["Respondent ID", "Collector ID", "Start Date", "End Date", "How satisfied?"]
    answer = ["1141", "42", "01/02/2024 10:00:00", "01/02/2024 10:05:00", "Very"]
    records = [
        [*header, "Why?", "Which do you use?", "", ""],
        ["", "", "", "", "Response", "Open-Ended Response", "Email", "Chat", "Other"],
        [*answer, "ok", "Email", "", ""],
    ]
    layout = detect_layout(records)
    assert (layout.tool, layout.header_rows) == ("surveymonkey", 2)
    assert layout.columns == (
        "Respondent ID",
        "Collector ID",
        "Start Date",
        "End Date",
        "How satisfied?",
        "Why?",
        "Which do you use? [Email]",
        "Which do you use? [Chat]",
        "Which do you use? [Other]",
    )
    assert layout.metadata == frozenset(layout.columns[:4])


def test_a_response_value_is_not_a_surveymonkey_marker() -> None:
    records = [["id", "kind"], ["1", "Response"], ["2", "Request"], ["3", "Response"]]
    assert detect_layout(records).tool == "plain"


# --------------------------------------------------------------------- Google Forms


@needs_external
def test_google_forms() -> None:
    layout = _layout("googleforms-jupyter-edu-2016/responses.csv")
    assert layout.describe() == "Google Forms export (1 header row)"
    assert layout.columns[:2] == ("Timestamp", "What is the official name of your course?")
    assert layout.metadata == frozenset({"Timestamp"})
    assert layout.texts == layout.columns
    assert layout.find("What is the official name of your course?") == 1

    layout = _layout(GF_AUTISTICA)
    assert layout.columns[3] == "Q2: Do you have a personal connection to autism?"
    assert layout.metadata == frozenset({"Timestamp"})


def test_google_forms_grid_email_and_score() -> None:
    records = [
        ["Timestamp", "Email Address", "Score", "Rate us [Speed]", "Rate us [Price]"],
        ["2024/03/01 9:15:02 AM GMT+1", "a@example.org", "3 / 5", "Good", "Poor"],
        ["2024/03/02 10:01:44 AM GMT+1", "b@example.org", "4 / 5", "Good", "Good"],
    ]
    layout = detect_layout(records)
    assert layout.tool == "googleforms"
    assert layout.columns[3:] == ("Rate us [Speed]", "Rate us [Price]")
    assert layout.metadata == frozenset({"Timestamp", "Email Address", "Score"})


def test_timestamp_column_without_times_is_not_google_forms() -> None:
    records = [["Timestamp", "value"], ["1461355070", "3"], ["1461355071", "4"]]
    assert detect_layout(records).tool == "plain"


# ----------------------------------------------------------------------- LimeSurvey


@needs_external
def test_limesurvey_full_question_text_headings() -> None:
    layout = _layout("limesurvey-scicom-wiki/results-survey.csv")
    assert layout.describe() == "LimeSurvey export (1 header row)"
    assert layout.columns[0] == "Welche Video- oder Podcast-Bibliotheken nutzen Sie?"
    assert layout.columns[1].endswith("interessiert mich als ... [Zuschauer]")
    assert layout.columns[7].endswith("[Rank 1]")
    assert layout.metadata == frozenset()  # id, submitdate... were removed before publishing
    # headings keep their HTML entities as names; the texts have them decoded
    assert "&amp;" in layout.columns[13]
    assert "&amp;" not in layout.texts[13] and "Videos & Podcasts" in layout.texts[13]
    assert layout.find(layout.columns[13]) == 13
    assert layout.find(layout.texts[13]) == 13


@needs_external
@pytest.mark.parametrize(
    ("name", "first"),
    [
        ("results-survey.csv", "Welchen fachlichen Hintergrund haben Sie? [Maschinenbau]"),
        (
            "results-survey-translated.csv",
            "What is your professional background? [Mechanical Engineering]",
        ),
    ],
)
def test_limesurvey_resaved_with_option_row(name: str, first: str) -> None:
    layout = _layout("limesurvey-informal-models/" + name)
    assert layout.describe() == "LimeSurvey export (2 header rows)"
    assert layout.columns[0] == first
    assert layout.texts == layout.columns
    assert layout.metadata == frozenset()
    assert layout.find(first) == 0


def test_limesurvey_codes_and_metadata() -> None:
    header = ["id", "submitdate", "lastpage", "startlanguage", "seed", "G01Q01"]
    header += ["G01Q02[SQ001]", "G01Q02[SQ002]"]
    records = [header, ["1", "2024-01-01 10:00:00", "3", "de", "123", "A1", "Y", ""]]
    layout = detect_layout(records)
    assert (layout.tool, layout.header_rows) == ("limesurvey", 1)
    assert layout.metadata == frozenset(header[:5])

    records = [["Frage [A]", "Frage [B]", "Other"], ["Ja", "Nein", "x"]]
    assert detect_layout(records).tool == "limesurvey"
    records = [["Weight [kg]", "Height [cm]"], ["70", "180"]]
    assert detect_layout(records).tool == "plain"


def test_numbers_under_blank_headings_are_no_option_row() -> None:
    records = [["a", "", "", "b"], ["1", "2", "3", "4"], ["5", "6", "7", "8"]]
    layout = detect_layout(records)
    assert layout.tool == "plain"
    assert layout.columns == ("a", "column 2", "column 3", "b")


# --------------------------------------------------------------------------- plain


@needs_external
def test_plain_tables() -> None:
    layout = _layout("rdatasets/housing.csv")
    assert layout.describe() == "plain table (1 header row)"
    assert layout.columns == ("column 1", "Sat", "Infl", "Type", "Cont", "Freq")
    assert layout.texts == ("",) * 6
    assert layout.metadata == frozenset()
    assert layout.find("Freq") == 5
    layout = _layout("rdatasets/Arthritis.csv")
    assert layout.columns == ("rownames", "ID", "Treatment", "Sex", "Age", "Improved")
    layout = _layout("carpentries/longterm_October2017.csv")
    assert layout.columns[4] == "Column2"


def test_r_style_v_columns_are_plain() -> None:
    records = [["V1", "V2", "V3"], ["1", "2", "3"], ["4", "5", "6"]]
    assert detect_layout(records).tool == "plain"


def test_names_are_trimmed_and_made_unique() -> None:
    records = [[" x ", "x", "x (2)", "", "x"], ["1", "2", "3", "4", "5"]]
    layout = detect_layout(records)
    assert layout.columns == ("x", "x (3)", "x (2)", "column 4", "x (4)")
    assert layout.find("x (3)") == 1


def test_short_header_rows_are_padded() -> None:
    records = [
        ["StartDate", "Status", "Q1", "Q2"],
        ["Start Date", "Response Type", "How good?"],
        ['{"ImportId":"startDate"}', '{"ImportId":"status"}', '{"ImportId":"QID1"}'],
        ["2024-01-01", "IP Address", "4", "x"],
    ]
    layout = detect_layout(records)
    assert layout.tool == "qualtrics"
    assert layout.texts == ("Start Date", "Response Type", "How good?", "")
    assert layout.import_ids == ("startDate", "status", "QID1", None)


def test_qualtrics_own_fields_and_embedded_data() -> None:
    records = [
        ["StartDate", "Q_RecaptchaScore", "Name", "group", "Q1"],
        ["Start Date", "Q_RecaptchaScore", "Your name", "group", "How good?"],
        [
            '{"ImportId":"startDate","timeZone":"Europe/Zurich"}',
            '{"ImportId":"Q_RecaptchaScore"}',
            '{"ImportId":"QID7_TEXT"}',
            '{"ImportId":"group"}',
            '{"ImportId":"QID1"}',
        ],
        ["2024-01-01", "0.9", "Ann", "vendor", "4"],
    ]
    layout = detect_layout(records)
    # an export tag "Name" on a question is a question, not the legacy Name field
    assert layout.metadata == frozenset({"StartDate", "Q_RecaptchaScore"})
    assert layout.status_column is None and layout.finished_column is None


def test_distribution_channel_is_the_status_column_without_status() -> None:
    records = [
        ["StartDate", "Finished", "DistributionChannel", "Q1"],
        ["Start Date", "Finished", "Distribution Channel", "How good?"],
        [
            '{"ImportId":"startDate"}',
            '{"ImportId":"finished"}',
            '{"ImportId":"distributionChannel"}',
            '{"ImportId":"QID1"}',
        ],
        ["2024-01-01", "True", "preview", "4"],
    ]
    layout = detect_layout(records)
    assert (layout.status_column, layout.finished_column) == ("DistributionChannel", "Finished")


def test_find_with_duplicate_import_ids_is_ambiguous() -> None:
    layout = Layout(
        tool="qualtrics",
        header_rows=3,
        columns=("a", "b", "c"),
        texts=("Same", "Same", "Other"),
        import_ids=("QID1", "QID1", "QID2"),
        metadata=frozenset(),
    )
    assert layout.find("QID1") is None
    assert layout.find("QID2") == 2
    assert layout.find("Same") is None
    assert layout.find(" Other ") == 2
    assert layout.find("missing") is None


# --------------------------------------------------------------------------- forced


@needs_external
def test_forced_tool_that_fits() -> None:
    name = "qualtrics-qualtRics/sample.csv"
    assert detect_layout(_sample(name), forced="qualtrics") == _layout(name)
    name = "qualtrics-qualtRics/sample_legacy.csv"
    assert detect_layout(_sample(name), forced="qualtrics").tool == "qualtrics-legacy"

    plain = detect_layout(_sample("qualtrics-qualtRics/sample.csv"), forced="plain")
    assert (plain.tool, plain.header_rows, plain.metadata) == ("plain", 1, frozenset())
    assert plain.columns[0] == "StartDate"

    name = "limesurvey-informal-models/results-survey.csv"
    monkey = detect_layout(_sample(name), forced="surveymonkey")
    assert (monkey.tool, monkey.header_rows) == ("surveymonkey", 2)
    assert monkey.columns == _layout(name).columns
    assert detect_layout(_sample(name), forced=" LimeSurvey ").header_rows == 2

    lime = detect_layout(_sample("likert-pkg/mass.csv"), forced="limesurvey")
    assert (lime.tool, lime.header_rows) == ("limesurvey", 1)

    forms = detect_layout(_sample(GF_AUTISTICA), forced="googleforms")
    assert forms == _layout(GF_AUTISTICA)


def test_forced_google_forms_with_a_translated_timestamp_heading() -> None:
    records = [["Marca temporal", "P1"], ["22/4/2016 19:57:50", "Sí"]]
    assert detect_layout(records).tool == "googleforms"
    records = [["Zeit", "P1"], ["22.4.2016 19:57:50", "Ja"]]
    assert detect_layout(records).tool == "plain"
    layout = detect_layout(records, forced="googleforms")
    assert layout.tool == "googleforms"
    assert layout.metadata == frozenset({"Zeit"})


@needs_external
@pytest.mark.parametrize(
    ("name", "forced", "message"),
    [
        ("likert-pkg/mass.csv", "qualtrics", "not a Qualtrics export"),
        ("surveymonkey-ohbm-2022/public_survey_data.csv", "qualtrics", "ImportId"),
        ("likert-pkg/mass.csv", "surveymonkey", "not a SurveyMonkey export"),
        ("qualtrics-qualtRics/sample.csv", "surveymonkey", "'Response'"),
        ("rdatasets/Arthritis.csv", "googleforms", "not a Google Forms export"),
        ("qualtrics-qualtRics/sample.csv", "googleforms", "'StartDate'"),
        ("qualtrics-qualtRics/sample.csv", "limesurvey", "not a LimeSurvey export"),
        (QT + "Single_Answer_MC_Questions.csv", "limesurvey", "Qualtrics legacy export"),
        ("surveymonkey-ohbm-2022/public_survey_data.csv", "limesurvey", "SurveyMonkey"),
        ("likert-pkg/mass.csv", "typeform", "unknown survey tool 'typeform'"),
    ],
)
def test_forced_tool_that_does_not_fit(name: str, forced: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        detect_layout(_sample(name), forced=forced)


def test_tools() -> None:
    assert TOOLS == ("qualtrics", "surveymonkey", "googleforms", "limesurvey", "plain")


@pytest.mark.parametrize("records", [[], [[]], [["", " "]], [[" "], ["1"]]])
def test_no_header_row(records: list[list[str]]) -> None:
    with pytest.raises(ValueError, match="no header row"):
        detect_layout(records)


# ----------------------------------------------------------------- excluded rows


def _qualtrics(status_column: str = "Status") -> Layout:
    return Layout(
        tool="qualtrics",
        header_rows=3,
        columns=(status_column, "Finished"),
        texts=("", ""),
        import_ids=(None, None),
        metadata=frozenset({status_column, "Finished"}),
        status_column=status_column,
        finished_column="Finished",
    )


def test_excluded_rows_by_status_text_and_code() -> None:
    status = ["IP Address", "Survey Preview", "Survey Test", "Spam", "0", "1", "2", "8"]
    status += ["9", "4", "16", "Imported", "Offline", "IP Address", "", "Preview Spam"]
    finished = ["True", "True", "False", "True", "1", "0", "1", "1"]
    finished += ["1", "1", "1", "True", "1", "False", "0", "1"]
    assert excluded_rows(_qualtrics(), status, finished) == {
        "preview": [1, 5, 8, 15],
        "test": [2, 6],
        "spam": [3, 7],
        "unfinished": [13, 14],  # 2 and 5 are already out, as test and preview
    }


def test_excluded_rows_by_distribution_channel() -> None:
    status = ["anonymous", "preview", "test", "email", "Preview", " gl "]
    result = excluded_rows(_qualtrics("DistributionChannel"), status, None)
    assert result == {"preview": [1, 4], "test": [2], "spam": [], "unfinished": []}


def test_excluded_rows_unfinished_only() -> None:
    finished = ["TRUE", "FALSE", "1", "0", "", "false"]
    result = excluded_rows(_qualtrics(), None, finished)
    assert result == {"preview": [], "test": [], "spam": [], "unfinished": [1, 3, 5]}
    assert excluded_rows(_qualtrics(), None, None) == {
        "preview": [],
        "test": [],
        "spam": [],
        "unfinished": [],
    }


# ------------------------------------------------------------------------ registry


def test_every_tool_is_tried_once_and_plain_last() -> None:
    names = [tool.name for tool in tools.DETECTION_ORDER]
    assert len(set(names)) == len(names)
    assert names[-1] == "plain"
    assert set(TOOLS) <= set(names)


def test_a_tool_added_to_the_registry_is_detected_and_can_be_forced(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A new tool is a Tool in the registry: detection tries it in its place, and
    --export-format takes its name, with no other change."""

    def recognise(rows: Rows) -> Layout | None:
        return force(rows) if rows[0][0] == "#" else None

    def force(rows: Rows) -> Layout:
        if rows[0][0] != "#":
            raise ValueError("this is not a Typeform export")
        return make_layout("typeform", "Typeform export", 1, rows[0], rows[0], [0])

    typeform = Tool("typeform", recognise, force)
    records = [["#", "How likely?"], ["abc", "Likely"]]
    assert detect_layout(records).tool == "plain"
    with pytest.raises(ValueError, match="unknown survey tool 'typeform'"):
        detect_layout(records, forced="typeform")

    monkeypatch.setattr(tools, "DETECTION_ORDER", (typeform, *tools.DETECTION_ORDER))
    layout = detect_layout(records)
    assert (layout.tool, layout.metadata) == ("typeform", frozenset({"#"}))
    assert layout.describe() == "Typeform export (1 header row)"
    assert detect_layout(records, forced="Typeform") == layout
    with pytest.raises(ValueError, match="not a Typeform export"):
        detect_layout([["id", "q"], ["1", "2"]], forced="typeform")


def test_export_format_help_names_every_tool() -> None:
    """The tools --export-format offers are the registry's (a new tool: say so there)."""
    from gapscan.cli._options import ExportFormat

    option = typing.get_args(ExportFormat)[1]
    named = re.findall(r"[a-z]+", option.help.split(":", 1)[1])
    assert [word for word in named if word != "or"] == list(TOOLS)
