"""Look-alike characters (curly and straight apostrophes and quotes, non-breaking and
other spaces, dashes) match each other wherever answers, sides, segments and filters
are matched."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from gapscan import folding
from gapscan.cli import app
from gapscan.survey import fold

runner = CliRunner()


@pytest.mark.parametrize(
    ("typed", "exported"),
    [
        ("I don't know", "I don\u2019t know"),  # right single quotation mark
        ("I don't know", "I don\u02bct know"),  # modifier letter apostrophe
        ('The "best" vendor', "The \u201cbest\u201d vendor"),
        ("Account team", "Account\u00a0team"),  # no-break space
        ("Account team", "Account\u202fteam"),  # narrow no-break space
        ("Account team", "Account  team "),  # two spaces, a trailing one
        ("1 - Poor", "1 \u2013 Poor"),  # en dash
        ("1 - Poor", "1 \u2014 Poor"),  # em dash
        ("Mäßig wichtig", "Ma\u0308ßig wichtig"),  # a combining diaeresis
        ("Neutral", "Neu\u200btral"),  # a zero-width space
    ],
)
def test_look_alikes_fold_to_one_key(typed: str, exported: str) -> None:
    assert typed != exported
    assert fold(typed) == fold(exported)


@given(st.text(alphabet=st.characters(max_codepoint=0x7F)))
def test_ascii_text_folds_as_any_text_does(text: str) -> None:
    """The ASCII shortcut of ``fold`` (no normalising, no look-alike table) gives what
    the whole rule gives, control characters, separators and the backtick included."""
    assert fold(text) == folding._fold_any(text)


@pytest.mark.parametrize(
    "text", ["a`b", " Straße ", "x\u00a0y", "\u200b", "ACC-0001", "\x1f a \x85"]
)
def test_fold_of_mixed_text_is_the_whole_rule(text: str) -> None:
    assert fold(text) == folding._fold_any(text)


@pytest.mark.parametrize(
    ("one", "other"),
    [("Agree", "Agreed"), ("I don't know", "I dont know"), ("1 - Poor", "1 Poor")],
)
def test_different_answers_stay_different(one: str, other: str) -> None:
    assert fold(one) != fold(other)


def test_curly_apostrophes_and_odd_spaces_match_in_an_analysis(tmp_path: Path) -> None:
    """The schema is typed with straight apostrophes and plain spaces; the export has
    curly apostrophes and no-break spaces, in answers, sides, segments and filters."""
    levels = ["Strongly disagree", "Disagree", "Agree", "Strongly agree"]
    rows = ["side,region,q1"]
    for i in range(40):
        side = "Account\u00a0team" if i % 2 else "Customer"
        region = "Côte d\u2019Ivoire" if i % 4 < 2 else "EMEA"
        answer = "I don\u2019t know" if i % 5 == 0 else levels[i % 4]
        rows.append(f"{side},{region},{answer}")
    (tmp_path / "data.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    schema = tmp_path / "s.yaml"
    schema.write_text(
        "survey: t\ndata: [data.csv]\n"
        "sides: {column: side, vendor: [Account team], customer: [Customer]}\n"
        "segments: [region]\n"
        'filters: [{column: region, keep: ["Côte d\'Ivoire"]}]\n'
        "scales:\n  a4:\n"
        f"    levels: [{', '.join(levels)}]\n    top_box: 2\n"
        '    missing: ["I don\'t know"]\n'
        "questions:\n  - {id: q1, text: Q1, scale: a4, column: q1}\n"
        "analysis: {min_n: 1}\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["analyze", str(schema), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    (source,) = report["inputs"]
    assert (source["vendor"], source["customer"]) == (10, 10)  # the filter kept 20 rows
    overall = report["results"][0]
    assert overall["vendor"]["n"] + overall["customer"]["n"] == 16  # 4 said "don't know"


def test_a_value_that_still_does_not_match_shows_the_differing_character(
    tmp_path: Path,
) -> None:
    """A Cyrillic 'е' (U+0435) looks like a Latin 'e' but is another letter: the
    message names both code points, for answers and for side values."""
    cyrillic = "Agr\u0435e"
    rows = [
        "side,q1",
        "Vendor,Agree",
        f"Vendor,{cyrillic}",
        "Customer,Agree",
        "Custome\u0433,Agree",
    ]
    (tmp_path / "data.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    schema = tmp_path / "s.yaml"
    schema.write_text(
        "survey: t\ndata: [data.csv]\n"
        "sides: {column: side, vendor: [Vendor], customer: [Customer]}\n"
        "scales:\n  a2:\n    levels: [Disagree, Agree]\n    top_box: 1\n"
        "questions:\n  - {id: q1, text: Q1, scale: a2, column: q1}\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["validate", str(schema), "--format", "json"])
    findings = {f["code"]: f["message"] for f in json.loads(result.stdout)["findings"]}
    assert (
        f"'{cyrillic}' x1 (row 3) (closest: 'Agree'; it has 'e' U+0065 at character 4,"
        f" '{cyrillic}' has '\u0435' U+0435)"
    ) in findings["unknown-answer"]
    assert "(closest: 'Customer'; it has 'r' U+0072 at character 8" in findings["unknown-side"]


def test_segment_values_that_look_alike_are_one_segment(tmp_path: Path) -> None:
    rows = ["side,region,q1"]
    for i in range(40):
        region = ("Côte d'Ivoire", "Côte d\u2019Ivoire", "C\u00f4te\u00a0d'Ivoire")[i % 3]
        rows.append(f"{('Vendor', 'Customer')[i % 2]},{region},{('No', 'Yes')[i % 4 // 2]}")
    (tmp_path / "data.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    schema = tmp_path / "s.yaml"
    schema.write_text(
        "survey: t\ndata: [data.csv]\n"
        "sides: {column: side, vendor: [Vendor], customer: [Customer]}\n"
        "segments: [region]\n"
        "scales:\n  yn:\n    levels: [No, Yes]\n    top_box: [Yes]\n"
        "questions:\n  - {id: q1, text: Q1, scale: yn, column: q1}\n"
        "analysis: {min_n: 1}\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["analyze", str(schema), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    segments = [r["segment"] for r in json.loads(result.stdout)["results"]]
    assert segments == [{}, {"region": "Côte d'Ivoire"}]
