"""What ``gapscan init`` drafts from the hard parts of real exports: repeated header
names, scales in other languages, answer sets it cannot order, the side column and
look-alike characters."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from gapscan.cli import app
from gapscan.inputs.source import open_source
from tests.conftest import EXTERNAL

runner = CliRunner()
needs_external = pytest.mark.skipif(
    not EXTERNAL.is_dir(), reason="shared/external is not beside the repository"
)
AGREE = ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"]


def run(*args: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    return result.exit_code, result.stdout, result.stderr


def init(tmp_path: Path, *args: str | Path) -> tuple[dict[str, object], str]:
    schema = tmp_path / "drafted.yaml"
    code, _, err = run("init", *args, "--out", schema, "--force")
    assert code == 0, err
    text = schema.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert isinstance(data, dict)
    return data, text


def questions(drafted: dict[str, object]) -> list[dict[str, object]]:
    found = drafted["questions"]
    assert isinstance(found, list)
    return found


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


# ------------------------------------------------------------ repeated header names


@needs_external
def test_repeated_names_are_drafted_by_position(tmp_path: Path) -> None:
    """The legacy Qualtrics export repeats 'question_one' three times; each copy is
    drafted under the name the readers give it, and reads that copy's answers. (Its
    responses are Qualtrics test responses, which gapscan leaves out: the copy here
    marks them as real ones.)"""
    original = EXTERNAL / "qualtrics-QualtricsTools" / "Single_Answer_Matrix_Questions.csv"
    with original.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    status = rows[1].index("Status")
    for row in rows[2:]:
        row[status] = "0"
    export = write_csv(tmp_path / "legacy.csv", rows)
    drafted, _ = init(tmp_path, export, "--side-column", "Q2_1")
    columns = [str(q["column"]) for q in questions(drafted)]
    assert [c for c in columns if c.startswith("question_one")] == [
        "question_one (1)",
        "question_one (2)",
        "question_one (3)",
    ]
    positions = [i for i, name in enumerate(rows[0]) if name == "question_one"]
    source = open_source(export)
    for copy, position in enumerate(positions, start=1):
        read = source.read([f"question_one ({copy})"]).column(0).to_pylist()
        assert read == [row[position] for row in rows[2:]]
    code, _, err = run("validate", tmp_path / "drafted.yaml")
    assert code == 0, err


def test_repeated_names_are_drafted_by_import_id(tmp_path: Path) -> None:
    """A current Qualtrics export whose header repeats a name: its copies are drafted
    by their ImportIds, and the draft analyses."""
    header = ["ResponseId", "Q1", "Q1", "side"]
    texts = ["Response ID", "Ease of use", "Value for money", "Side"]
    ids = [json.dumps({"ImportId": i}) for i in ("_recordId", "QID1", "QID2", "QID9")]
    body = [
        [f"R_{i}", AGREE[i % 5], AGREE[(i * 3) % 5], ("Vendor", "Customer")[i % 2]]
        for i in range(40)
    ]
    export = write_csv(tmp_path / "export.csv", [header, texts, ids, *body])
    drafted, _ = init(tmp_path, export)
    assert [(q["column"], q["text"]) for q in questions(drafted)] == [
        ("QID1", "Ease of use"),
        ("QID2", "Value for money"),
    ]
    code, out, err = run("analyze", tmp_path / "drafted.yaml", "--format", "json")
    assert code == 0, err
    results = json.loads(out)["results"]
    assert [r["vendor"]["n"] + r["customer"]["n"] for r in results] == [40, 40]


# ---------------------------------------------------------- scales in other languages

# Each scale as a speaker of its language orders it, lowest first.
ORDERED_SCALES = {
    "de": [
        ["Nicht wichtig", "Kaum wichtig", "Mäßig wichtig", "Wichtig", "Sehr wichtig"],
        ["Stimme überhaupt nicht zu", "Stimme nicht zu", "Stimme eher nicht zu",
         "Stimme eher zu", "Stimme zu", "Stimme voll und ganz zu"],
        ["Sehr unzufrieden", "Unzufrieden", "Weder zufrieden noch unzufrieden",
         "Zufrieden", "Sehr zufrieden"],
        ["Nie", "Selten", "Manchmal", "Oft", "Immer"],
        ["Sehr unwahrscheinlich", "Eher unwahrscheinlich", "Eher wahrscheinlich",
         "Sehr wahrscheinlich"],
        ["Überhaupt nicht interessant", "Wenig interessant", "Ziemlich interessant",
         "Sehr interessant"],
    ],
    "fr": [
        ["Pas du tout d'accord", "Plutôt pas d'accord", "Plutôt d'accord",
         "Tout à fait d'accord"],
        ["Pas du tout important", "Peu important", "Assez important", "Très important"],
        ["Très insatisfait", "Insatisfait", "Ni satisfait ni insatisfait", "Satisfait",
         "Très satisfait"],
        ["Jamais", "Rarement", "Parfois", "Souvent", "Toujours"],
        ["Très improbable", "Improbable", "Probable", "Très probable"],
        ["Pas du tout intéressant", "Peu intéressant", "Assez intéressant",
         "Très intéressant"],
    ],
    "es": [
        ["Nada importante", "Poco importante", "Bastante importante", "Muy importante"],
        ["Totalmente en desacuerdo", "En desacuerdo", "Ni de acuerdo ni en desacuerdo",
         "De acuerdo", "Totalmente de acuerdo"],
        ["Muy insatisfecho", "Insatisfecho", "Satisfecho", "Muy satisfecho"],
        ["Nunca", "Casi nunca", "A veces", "Casi siempre", "Siempre"],
        ["Muy improbable", "Improbable", "Probable", "Muy probable"],
        ["Nada interesante", "Poco interesante", "Algo interesante", "Muy interesante"],
    ],
    "pt": [
        ["Discordo totalmente", "Discordo", "Não concordo nem discordo", "Concordo",
         "Concordo totalmente"],
        ["Nada importante", "Pouco importante", "Moderadamente importante", "Importante",
         "Muito importante", "Extremamente importante"],
        ["Muito insatisfeito", "Insatisfeito", "Nem satisfeito nem insatisfeito",
         "Satisfeito", "Muito satisfeito"],
        ["Nunca", "Raramente", "Às vezes", "Frequentemente", "Sempre"],
        ["Muito improvável", "Improvável", "Provável", "Muito provável"],
        ["Nada interessante", "Pouco interessante", "Interessante", "Muito interessante"],
    ],
    "it": [
        ["Per niente d'accordo", "Poco d'accordo", "Abbastanza d'accordo",
         "Molto d'accordo"],
        ["Per niente importante", "Poco importante", "Abbastanza importante",
         "Molto importante", "Estremamente importante"],
        ["Molto insoddisfatto", "Insoddisfatto", "Né soddisfatto né insoddisfatto",
         "Soddisfatto", "Molto soddisfatto"],
        ["Mai", "Raramente", "A volte", "Spesso", "Sempre"],
        ["Molto improbabile", "Improbabile", "Probabile", "Molto probabile"],
        ["Per niente interessante", "Poco interessante", "Molto interessante"],
    ],
    "nl": [
        ["Helemaal oneens", "Oneens", "Neutraal", "Eens", "Helemaal eens"],
        ["Helemaal niet belangrijk", "Niet belangrijk", "Enigszins belangrijk",
         "Belangrijk", "Zeer belangrijk"],
        ["Zeer ontevreden", "Ontevreden", "Tevreden", "Zeer tevreden"],
        ["Nooit", "Zelden", "Soms", "Vaak", "Altijd"],
        ["Zeer onwaarschijnlijk", "Onwaarschijnlijk", "Waarschijnlijk",
         "Zeer waarschijnlijk"],
        ["Niet interessant", "Een beetje interessant", "Erg interessant"],
    ],
}  # fmt: skip


@pytest.mark.parametrize(
    ("language", "index"),
    [(lang, i) for lang, scales in ORDERED_SCALES.items() for i in range(len(scales))],
)
def test_scales_in_other_languages_are_ordered(tmp_path: Path, language: str, index: int) -> None:
    """Answers given in a scrambled order (the order of the export) are drafted as the
    scale's levels in their order, whatever the language."""
    levels = ORDERED_SCALES[language][index]
    scrambled = levels[1::2] + levels[0::2]
    rows = [["side", "q1"]] + [
        [("Vendor", "Customer")[i % 2], scrambled[i % len(levels)]] for i in range(4 * len(levels))
    ]
    drafted, _ = init(tmp_path, write_csv(tmp_path / "export.csv", rows))
    scales = drafted["scales"]
    assert isinstance(scales, dict)
    assert [spec["levels"] for spec in scales.values()] == [levels]
    assert drafted["sides"] == {"column": "side", "vendor": ["Vendor"], "customer": ["Customer"]}


@needs_external
def test_german_limesurvey_export_gets_its_scales(tmp_path: Path) -> None:
    export = EXTERNAL / "limesurvey-scicom-wiki" / "results-survey.csv"
    drafted, _ = init(tmp_path, export)
    scales = drafted["scales"]
    assert isinstance(scales, dict)
    importance = ["Nicht wichtig", "Kaum wichtig", "Mäßig wichtig", "Wichtig", "Sehr wichtig"]
    interest = [
        "Nicht interessant", "Kaum interessant", "Mäßig interessant", "Interessant",
        "Sehr interessant",
    ]  # fmt: skip
    by_levels = {tuple(spec["levels"]): name for name, spec in scales.items()}
    assert set(by_levels) == {tuple(importance), tuple(interest)}
    assert scales[by_levels[tuple(importance)]]["top_box"] == 2
    used = [q["scale"] for q in questions(drafted)]
    # every rating column of the export uses one of the two, also those where nobody
    # chose the lowest level
    assert used.count(by_levels[tuple(importance)]) == 30
    assert used.count(by_levels[tuple(interest)]) == 6


@needs_external
def test_german_agreement_and_frequency_with_no_answer(tmp_path: Path) -> None:
    export = EXTERNAL / "limesurvey-informal-models" / "results-survey.csv"
    drafted, _ = init(tmp_path, export)
    scales = drafted["scales"]
    assert isinstance(scales, dict)
    found = {tuple(spec["levels"]): spec for spec in scales.values()}
    agree = found[
        ("Stimme gar nicht zu", "Stimme eher nicht zu", "Stimme eher zu", "Stimme vollständig zu")
    ]
    assert agree["missing"] == ["Keine Angabe"] and agree["top_box"] == 2
    assert ("gar nicht", "selten", "eher selten", "eher häufig", "sehr häufig") in found


# ------------------------------------------------- answers it cannot order for sure


@needs_external
def test_unordered_rating_answers_get_a_scale_to_check(tmp_path: Path) -> None:
    """The SurveyMonkey export's access and content questions are ordinal but worded
    freely: each gets a drafted scale, marked for its order to be checked, and the
    guessed orders are held to the survey's own level lists (levels.json)."""
    folder = EXTERNAL / "surveymonkey-ohbm-2022"
    drafted, text = init(tmp_path, folder / "public_survey_data.csv")
    truth = json.loads((folder / "levels.json").read_text(encoding="utf-8"))
    scales = drafted["scales"]
    assert isinstance(scales, dict)
    right, wrong, unlisted = [], [], []
    for question in questions(drafted):
        spec = scales[question["scale"]]
        if len(spec["levels"]) < 3:
            continue
        assert f"  {question['scale']}:  # CHECK THE ORDER" in text
        drafted_levels = spec["levels"]
        names = [n for n, levels in truth.items() if set(drafted_levels) <= set(levels)]
        if not names:
            unlisted.append(question["column"])
            continue
        expected = [level for level in truth[names[0]] if level in drafted_levels]
        (right if drafted_levels == expected else wrong).append(names[0])
    assert len(right) + len(wrong) == 17  # the access and content questions listed
    assert unlisted == ["How would you describe your access to OHBM Facebook?"]
    # "I usually ignore it" is the one answer placed wrongly: it holds no rating word
    assert wrong == ["youtube_content"]


def test_free_text_with_rating_words_is_not_a_scale(tmp_path: Path) -> None:
    answers = [
        "Very slow support, not good", "Rarely answered my emails", "Somewhat useful",
        "Not what we expected", "Extremely helpful team", "Quite expensive overall",
    ]  # fmt: skip
    rows = [["side", "q1", "comments"]] + [
        [("Vendor", "Customer")[i % 2], AGREE[i % 5], answers[i]] for i in range(6)
    ]
    drafted, text = init(tmp_path, write_csv(tmp_path / "export.csv", rows))
    assert [q["column"] for q in questions(drafted)] == ["q1"]
    assert "CHECK THE ORDER" not in text
    assert "#   comments: free text or identifier (6 distinct values)" in text


def test_sliders_and_0_to_100_ratings_are_numeric_questions(tmp_path: Path) -> None:
    rows = [["side", "effort", "share"]] + [
        [("Vendor", "Customer")[i % 2], str((i % 30) * 3), f"{(i * 7.5) % 100:g}"]
        for i in range(60)
    ]
    drafted, _ = init(tmp_path, write_csv(tmp_path / "export.csv", rows))
    assert [(q["column"], q.get("type"), q.get("range")) for q in questions(drafted)] == [
        ("effort", "numeric", [0, 100]),
        ("share", "numeric", [0, 100]),
    ]


# ---------------------------------------------------------------------- the sides


def side_export(tmp_path: Path, sides: list[str]) -> Path:
    rows = [["respondent", "region", "q1"]] + [
        [sides[i % len(sides)], ("EMEA", "APAC")[i % 2], AGREE[i % 5]] for i in range(60)
    ]
    return write_csv(tmp_path / "export.csv", rows)


def test_side_column_is_proposed_with_other_values_ignored(tmp_path: Path) -> None:
    """Values naming both sides make the side column; a partner and blank cells are
    drafted into sides.ignore, with a comment counting them; the column is neither a
    question nor a segment; validate accepts the draft."""
    export = side_export(tmp_path, ["Account team", "Customer", "Partner", ""])
    drafted, text = init(tmp_path, export)
    assert drafted["sides"] == {
        "column": "respondent",
        "vendor": ["Account team"],
        "customer": ["Customer"],
        "ignore": ["Partner", ""],
    }
    assert "# rows of neither side, left out and counted: Partner x15, blank x15" in text
    assert [q["column"] for q in questions(drafted)] == ["q1"]
    assert '# segments: ["region"]' in text and '"respondent"]' not in text
    code, out, err = run("validate", tmp_path / "drafted.yaml", "--format", "json")
    assert code == 0, err
    code, out, err = run("analyze", tmp_path / "drafted.yaml", "--format", "json")
    assert code == 0, err
    (source,) = json.loads(out)["inputs"]
    assert (source["vendor"], source["customer"]) == (15, 15)


def test_side_column_named_with_its_values(tmp_path: Path) -> None:
    export = side_export(tmp_path, ["Sales", "Support", "Buyer", "Other"])
    drafted, text = init(
        tmp_path, export, "--side-column", "respondent",
        "--vendor-values", "Sales,Support", "--customer-values", "Buyer",
    )  # fmt: skip
    assert drafted["sides"] == {
        "column": "respondent",
        "vendor": ["Sales", "Support"],
        "customer": ["Buyer"],
        "ignore": ["Other"],
    }
    assert "CHECK THE SIDES" not in text
    # one side named: the other side is every other value
    drafted, _ = init(tmp_path, export, "--side-column", "respondent", "--vendor-values", "Sales")
    assert drafted["sides"] == {
        "column": "respondent",
        "vendor": ["Sales"],
        "customer": ["Buyer", "Other", "Support"],
    }


def test_side_column_without_side_words_is_marked_for_checking(tmp_path: Path) -> None:
    export = side_export(tmp_path, ["North", "South", "South", "North", "West"])
    drafted, text = init(tmp_path, export, "--side-column", "respondent")
    # the two most common values are the sides, the rest is ignored
    assert drafted["sides"] == {
        "column": "respondent",
        "vendor": ["North"],
        "customer": ["South"],
        "ignore": ["West"],
    }
    assert "CHECK THE SIDES" in text
    code, _, err = run("validate", tmp_path / "drafted.yaml")
    assert code == 0, err


def test_without_a_side_column_the_draft_suggests_one(tmp_path: Path) -> None:
    export = side_export(tmp_path, ["North", "South"])
    _, text = init(tmp_path, export)
    assert "# sides: no column told vendors from customers" in text
    assert "could tell the sides apart: respondent (North, South), region (APAC, EMEA)" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--side-column", "respondant"), "no column 'respondant'"),
        (("--vendor-values", "Sales"), "--vendor-values and --customer-values need --side-column"),
        (
            (
                "--side-column",
                "respondent",
                "--vendor-values",
                "Sales",
                "--customer-values",
                "sales",
            ),
            "'sales' is given for both sides",
        ),
        (
            ("--side-column", "respondent", "--vendor-values", "Sale"),
            "no value 'Sale' in column 'respondent' (closest: 'Sales'; it has 's' U+0073 at"
            " character 5, 'Sale' has nothing) (its values: 'Buyer', 'Sales')",
        ),
    ],
)
def test_side_options_errors(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    export = side_export(tmp_path, ["Sales", "Buyer"])
    code, out, err = run("init", export, *args, "--out", tmp_path / "s.yaml")
    assert code == 2 and out == ""
    assert err.startswith("error: ") and message in err, err
    assert "Traceback" not in err and not (tmp_path / "s.yaml").exists()


def test_side_column_with_one_file_per_side_is_refused(tmp_path: Path) -> None:
    export = side_export(tmp_path, ["Sales", "Buyer"])
    code, _, err = run(
        "init", "--vendor", export, "--customer", export, "--side-column", "respondent"
    )
    assert code == 2 and "--side-column is for a file holding both sides" in err


def test_number_columns_answered_in_part_share_the_wider_rating(tmp_path: Path) -> None:
    """Columns answered 1-5, 2-5 and 1-3 share the 1-5 rating; a 0-10 column keeps
    its own scale, and a 1-2 column is not stretched to five levels."""
    spans = {"a": (1, 5), "b": (2, 5), "c": (1, 3), "nps": (0, 10), "d": (1, 2)}
    rows = [["side", *spans]] + [
        [("Vendor", "Customer")[i % 2]]
        + [str(low + i % (high - low + 1)) for low, high in spans.values()]
        for i in range(66)
    ]
    drafted, _ = init(tmp_path, write_csv(tmp_path / "export.csv", rows))
    scales = drafted["scales"]
    assert isinstance(scales, dict)
    used = {q["column"]: scales[q["scale"]]["levels"] for q in questions(drafted)}
    assert used == {
        "a": ["1", "2", "3", "4", "5"],
        "b": ["1", "2", "3", "4", "5"],
        "c": ["1", "2", "3", "4", "5"],
        "nps": [str(n) for n in range(11)],
        "d": ["1", "2"],
    }


def test_low_medium_high_is_ordered(tmp_path: Path) -> None:
    rows = [["side", "q1"]] + [
        [("Vendor", "Customer")[i % 2], ("High", "Low", "Medium")[i % 3]] for i in range(30)
    ]
    drafted, _ = init(tmp_path, write_csv(tmp_path / "export.csv", rows))
    scales = drafted["scales"]
    assert isinstance(scales, dict)
    assert [spec["levels"] for spec in scales.values()] == [["Low", "Medium", "High"]]
