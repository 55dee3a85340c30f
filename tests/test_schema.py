"""Loading a survey schema: the valid shape, and every problem reported with its line."""

from __future__ import annotations

import textwrap
import time
from pathlib import Path

import pytest

from gapscan.errors import GapscanError, Problem
from gapscan.schema import load_schema
from gapscan.survey import Correction, Metric

VALID = """\
survey: Customer affinity pulse
data: [affinity.csv]
sides:
  column: respondent_type
  vendor: [Vendor, Account team]
  customer: [Customer]
respondent_id: respondent_id
segments: [region, industry]
scales:
  centricity:
    levels: [Not customer-centric, Somewhat customer-centric,
             Very customer-centric, Extremely customer-centric]
    top_box: [Extremely customer-centric]
    missing: ["Don't know", N/A]
  agree5:
    levels: [Strongly disagree, Disagree, Neutral, Agree, Strongly agree]
    top_box: 2
questions:
  - id: centricity
    text: The vendor is customer-centric
    scale: centricity
    column: q1
  - id: alignment
    scale: agree5
    columns: {vendor: v_align, customer: c_align}
rules:
  - name: no large centricity gap
    metric: top_box_gap
    max: 0.30
    significant_only: true
    questions: [centricity]
  - metric: mean_gap
    max: 1.5
"""

# A valid schema with one question and no rules, for the problem tests to bend.
SMALL = """\
survey: Small
scales:
  agree5:
    levels: [Strongly disagree, Disagree, Neutral, Agree, Strongly agree]
    top_box: 2
questions:
  - id: q1
    scale: agree5
    column: q1
"""


def write(tmp_path: Path, text: str, name: str = "survey.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def line_of(path: Path, needle: str, occurrence: int = 1) -> int:
    """The 1-based line of the ``occurrence``-th line of ``path`` that contains ``needle``."""
    hits = [
        number
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if needle in line
    ]
    assert len(hits) >= occurrence, f"{needle!r} not in the test schema"
    return hits[occurrence - 1]


def problems_of(path: Path) -> tuple[Problem, ...]:
    with pytest.raises(GapscanError) as info:
        load_schema(path)
    problems = info.value.problems
    assert problems, "a GapscanError always carries at least one problem"
    return problems


def the_problem(problems: tuple[Problem, ...], *fragments: str) -> Problem:
    """The one problem whose text (message and hint) contains every fragment."""
    found = [p for p in problems if all(f in str(p) for f in fragments)]
    assert len(found) == 1, (
        f"expected one problem with {fragments}, got: {list(map(str, problems))}"
    )
    return found[0]


# --------------------------------------------------------------------------- valid


def test_valid_schema_gives_the_expected_survey(tmp_path: Path) -> None:
    path = write(tmp_path, VALID)
    survey = load_schema(path)

    assert survey.name == "Customer affinity pulse"
    assert survey.path == path
    assert survey.data == (tmp_path / "affinity.csv",)
    assert survey.sides.column == "respondent_type"
    assert survey.sides.vendor == ("Vendor", "Account team")
    assert survey.sides.customer == ("Customer",)
    assert survey.respondent_id == "respondent_id"
    assert survey.segments == ("region", "industry")

    scales = {s.name: s for s in survey.scales}
    assert set(scales) == {"centricity", "agree5"}
    centricity = scales["centricity"]
    assert centricity.levels == (
        "Not customer-centric",
        "Somewhat customer-centric",
        "Very customer-centric",
        "Extremely customer-centric",
    )
    assert centricity.k == 4
    assert centricity.top_box == frozenset({3})  # from a label
    assert centricity.top_box_labels() == ("Extremely customer-centric",)
    assert centricity.missing == ("Don't know", "N/A")
    agree5 = scales["agree5"]
    assert agree5.top_box == frozenset({3, 4})  # from a count: the top two levels
    assert agree5.top_box_labels() == ("Agree", "Strongly agree")
    assert agree5.missing == ()

    first, second = survey.questions
    assert first.id == "centricity"
    assert first.text == "The vendor is customer-centric"
    assert first.scale == centricity
    assert (first.vendor_column, first.customer_column) == ("q1", "q1")
    assert second.id == "alignment"
    assert second.text == "alignment"  # the id stands in for a missing text
    assert second.scale == agree5
    assert (second.vendor_column, second.customer_column) == ("v_align", "c_align")
    assert survey.question("alignment") is second

    # no analysis: section -> the documented defaults
    assert survey.analysis.confidence == 0.95
    assert survey.analysis.alpha == 0.05
    assert survey.analysis.correction is Correction.HOLM
    assert survey.analysis.min_n == 10

    gate, mean_rule = survey.rules
    assert gate.name == "no large centricity gap"
    assert gate.metric is Metric.TOP_BOX_GAP
    assert gate.max == 0.30
    assert gate.min is None
    assert gate.significant_only is True
    assert gate.questions == ("centricity",)
    assert gate.line == line_of(path, "- name: no large centricity gap")
    assert mean_rule.metric is Metric.MEAN_GAP
    assert mean_rule.max == 1.5
    assert mean_rule.significant_only is False
    assert mean_rule.questions is None  # default: every question
    assert mean_rule.name  # a rule without a name still gets one
    assert mean_rule.line == line_of(path, "- metric: mean_gap")


def test_analysis_settings_are_read(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        SMALL + "analysis:\n  confidence: 0.9\n  alpha: 0.01\n  correction: bh\n  min_n: 30\n",
    )
    settings = load_schema(path).analysis
    assert settings.confidence == 0.9
    assert settings.alpha == 0.01
    assert settings.correction is Correction.BH
    assert settings.min_n == 30


@pytest.mark.parametrize("correction", ["holm", "bh", "bonferroni", "none"])
def test_every_documented_correction_is_accepted(tmp_path: Path, correction: str) -> None:
    path = write(tmp_path, SMALL + f"analysis:\n  correction: {correction}\n")
    assert load_schema(path).analysis.correction == Correction(correction)


def test_single_data_file_as_a_string(tmp_path: Path) -> None:
    path = write(tmp_path, "data: wave1.csv\n" + SMALL)
    assert load_schema(path).data == (tmp_path / "wave1.csv",)


def test_yes_no_levels_stay_text(tmp_path: Path) -> None:
    """YAML 1.2 booleans: only true/false are booleans, so Yes/No/On/Off are answer labels."""
    path = write(
        tmp_path,
        """\
        survey: Yes and no
        scales:
          yn:
            levels: [No, Yes]
            top_box: [Yes]
            missing: [Off]
          switch:
            levels: [n, y, On]
            top_box: [y, On]
        questions:
          - id: q1
            scale: yn
            column: q1
          - id: q2
            scale: switch
            column: q2
        """,
    )
    scales = {s.name: s for s in load_schema(path).scales}
    assert scales["yn"].levels == ("No", "Yes")
    assert scales["yn"].top_box == frozenset({1})
    assert scales["yn"].missing == ("Off",)
    assert scales["switch"].levels == ("n", "y", "On")
    assert scales["switch"].top_box == frozenset({1, 2})


def test_top_box_labels_match_levels_case_insensitively(tmp_path: Path) -> None:
    path = write(tmp_path, SMALL.replace("top_box: 2", "top_box: [strongly AGREE]"))
    (scale,) = load_schema(path).scales
    assert scale.top_box == frozenset({4})


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "survey.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + SMALL.encode("utf-8"))
    assert load_schema(path).name == "Small"


# ------------------------------------------------------------------- one problem each


def test_unknown_key_suggests_the_right_one(tmp_path: Path) -> None:
    path = write(tmp_path, SMALL.replace("top_box: 2", "top_bx: 2"))
    problems = problems_of(path)
    problem = the_problem(problems, "top_bx")
    assert problem.file == str(path)
    assert problem.line == line_of(path, "top_bx:")
    assert "did you mean 'top_box'" in str(problem)


def test_unknown_key_in_a_question_suggests_the_right_one(tmp_path: Path) -> None:
    path = write(tmp_path, SMALL.replace("column: q1", "colum: q1"))
    problem = the_problem(problems_of(path), "colum'")
    assert problem.line == line_of(path, "colum: q1")
    assert "did you mean 'column'" in str(problem)


def test_unknown_top_level_key_suggests_the_right_one(tmp_path: Path) -> None:
    path = write(tmp_path, SMALL + "segment: [region]\n")
    problem = the_problem(problems_of(path), "segment'")
    assert problem.line == line_of(path, "segment:")
    assert "did you mean 'segments'" in str(problem)


def test_unknown_scale_in_a_question(tmp_path: Path) -> None:
    path = write(tmp_path, SMALL.replace("scale: agree5", "scale: agree6"))
    problem = the_problem(problems_of(path), "agree6")
    assert problem.file == str(path)
    assert problem.line == line_of(path, "scale: agree6")
    assert "did you mean 'agree5'" in str(problem)


def test_top_box_label_that_is_not_a_level(tmp_path: Path) -> None:
    path = write(tmp_path, SMALL.replace("top_box: 2", "top_box: [Strongly agre]"))
    problem = the_problem(problems_of(path), "Strongly agre'")
    assert problem.line == line_of(path, "top_box:")
    assert "agree5" in problem.message
    assert "Strongly agree" in str(problem)  # the suggestion


@pytest.mark.parametrize("count", [0, 5, -1, 9])
def test_top_box_count_out_of_range(tmp_path: Path, count: int) -> None:
    path = write(tmp_path, SMALL.replace("top_box: 2", f"top_box: {count}"))
    problem = the_problem(problems_of(path), f"top_box {count}")
    assert problem.line == line_of(path, "top_box:")
    assert "agree5" in problem.message


def test_top_box_naming_every_level(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        SMALL.replace(
            "top_box: 2", "top_box: [Strongly disagree, Disagree, Neutral, Agree, Strongly agree]"
        ),
    )
    problem = the_problem(problems_of(path), "top_box")
    assert problem.line == line_of(path, "top_box:")


def test_duplicate_question_ids(tmp_path: Path) -> None:
    path = write(tmp_path, SMALL + "  - id: q1\n    scale: agree5\n    column: q1b\n")
    problem = the_problem(problems_of(path), "'q1'", "twice")
    assert problem.file == str(path)
    assert problem.line == line_of(path, "- id: q1", occurrence=2)


def test_scale_without_levels(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        survey: Small
        scales:
          agree5:
            levels: [Strongly disagree, Disagree, Neutral, Agree, Strongly agree]
            top_box: 2
          broken:
            top_box: 1
        questions:
          - id: q1
            scale: agree5
            column: q1
        """,
    )
    problem = the_problem(problems_of(path), "levels")
    assert problem.line == line_of(path, "broken:")
    assert "missing" in problem.message
    assert "broken" in problem.message


def test_schema_without_questions(tmp_path: Path) -> None:
    text = SMALL.split("questions:")[0]
    path = write(tmp_path, text)
    problem = the_problem(problems_of(path), "questions")
    assert problem.file == str(path)
    assert problem.line == 1
    assert "missing" in problem.message


def test_question_with_both_column_and_columns(tmp_path: Path) -> None:
    path = write(tmp_path, SMALL + "    columns: {vendor: v1, customer: c1}\n")
    problem = the_problem(problems_of(path), "'column'", "'columns'")
    assert "q1" in problem.message
    assert problem.line == line_of(path, "- id: q1")


def test_question_with_neither_column_nor_columns(tmp_path: Path) -> None:
    path = write(tmp_path, SMALL.replace("    column: q1\n", ""))
    problem = the_problem(problems_of(path), "'column'", "'columns'")
    assert "q1" in problem.message
    assert problem.line == line_of(path, "- id: q1")


def test_bad_correction_value(tmp_path: Path) -> None:
    path = write(tmp_path, SMALL + "analysis:\n  correction: fdr\n")
    problem = the_problem(problems_of(path), "correction")
    assert problem.file == str(path)
    assert problem.line == line_of(path, "correction: fdr")
    for allowed in ("holm", "bh", "bonferroni", "none"):
        assert allowed in str(problem)


def test_bad_correction_value_is_quoted(tmp_path: Path) -> None:
    """The message shows what was written, not only what is allowed."""
    path = write(tmp_path, SMALL + "analysis:\n  correction: fdr\n")
    problem = the_problem(problems_of(path), "correction")
    assert "fdr" in str(problem)


def test_rule_naming_an_unknown_question(tmp_path: Path) -> None:
    text = SMALL.replace("id: q1", "id: centricity")
    text += (
        "rules:\n  - metric: top_box_gap\n    max: 0.3\n    questions: [centricity, centricty]\n"
    )
    path = write(tmp_path, text)
    problem = the_problem(problems_of(path), "'centricty'")
    assert problem.file == str(path)
    assert problem.line == line_of(path, "questions: [centricity, centricty]")
    assert "did you mean 'centricity'" in str(problem)


def test_weight_and_design_are_read(tmp_path: Path) -> None:
    path = write(
        tmp_path, SMALL + "weight: w\ndesign: {cluster: account, strata: region, fpc: pop}\n"
    )
    survey = load_schema(path)
    assert survey.design is not None
    assert survey.design.columns() == ["w", "account", "region", "pop"]
    assert survey.design.describe() == "weights w; strata region; clusters account; fpc pop"


def test_a_design_key_misspelt_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, SMALL + "design: {clusters: account}\n")
    problem = the_problem(problems_of(path), "clusters")
    assert problem.line == line_of(path, "design:")
    assert "cluster" in str(problem)


def test_paired_analysis_with_a_weight_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, SMALL + "weight: w\npair_by: account\nanalysis: {mode: paired}\n")
    problem = the_problem(problems_of(path), "paired")
    assert problem.line == line_of(path, "weight: w")


@pytest.mark.parametrize(
    ("text", "bad_line"),
    [
        # a second ':' in a plain value
        ("survey: Small\nscales:\n  agree5: levels: [a, b]\nquestions: []\n", 3),
        # a tab used for indentation
        ("survey: Small\nscales:\n  agree5:\n\tlevels: [a, b]\n", 4),
        # a quoted string that never ends
        ('survey: Small\nscales: {}\nquestions:\n  - id: "q1\n', 5),
    ],
    ids=["mapping-value", "tab", "unclosed-quote"],
)
def test_invalid_yaml_syntax(tmp_path: Path, text: str, bad_line: int) -> None:
    path = tmp_path / "survey.yaml"
    path.write_text(text, encoding="utf-8")
    (problem,) = problems_of(path)
    assert problem.file == str(path)
    assert problem.line == bad_line
    assert "YAML" in problem.message


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n"])
def test_empty_schema(tmp_path: Path, text: str) -> None:
    path = tmp_path / "survey.yaml"
    path.write_text(text, encoding="utf-8")
    (problem,) = problems_of(path)
    assert problem.file == str(path)
    assert "empty" in problem.message


@pytest.mark.parametrize("text", ["- survey\n- scales\n", "just a sentence\n", "42\n"])
def test_schema_that_is_not_a_mapping(tmp_path: Path, text: str) -> None:
    path = tmp_path / "survey.yaml"
    path.write_text(text, encoding="utf-8")
    (problem,) = problems_of(path)
    assert problem.file == str(path)
    assert problem.line == 1
    assert "mapping" in problem.message


def test_schema_file_not_found(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.yaml"
    (problem,) = problems_of(path)
    assert problem.file == str(path)
    assert "not found" in problem.message


def test_schema_path_is_a_directory(tmp_path: Path) -> None:
    (problem,) = problems_of(tmp_path)
    assert problem.file == str(tmp_path)
    assert "directory" in problem.message


def test_schema_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "survey.yaml"
    path.write_bytes(SMALL.replace("Small", "Très petit").encode("cp1252"))
    (problem,) = problems_of(path)
    assert problem.file == str(path)
    assert "UTF-8" in problem.message


# ---------------------------------------------------------------- many at once

MANY = """\
survey: Many problems
design: {clustr: w}
scales:
  agree5:
    levels: [a, b, c]
    top_bx: 2
  s2:
    levels: [a, b, c]
    top_box: [d]
  s3:
    levels: [a, b, c]
    top_box: 3
  s4:
    top_box: 1
questions:
  - id: q1
    scale: agree6
    column: q1
  - id: q1
    scale: s2
    column: x
    columns: {vendor: a, customer: b}
  - id: q3
    scale: s2
analysis:
  correction: fdr
rules:
  - metric: top_box_gap
    max: 0.3
    questions: [q9]
"""


def test_every_problem_is_reported_in_one_error(tmp_path: Path) -> None:
    path = write(tmp_path, MANY)
    problems = problems_of(path)
    assert all(p.file == str(path) for p in problems)
    expected = [
        (line_of(path, "design: {clustr"), "clustr"),
        (line_of(path, "agree5:"), "'top_box'"),  # agree5 lacks its top_box ...
        (line_of(path, "top_bx: 2"), "top_bx"),  # ... because of the typo
        (line_of(path, "top_box: [d]"), "'d'"),
        (line_of(path, "top_box: 3"), "top_box 3"),
        (line_of(path, "s4:"), "'levels'"),
        (line_of(path, "scale: agree6"), "agree6"),
        (line_of(path, "- id: q1", occurrence=2), "twice"),
        (line_of(path, "- id: q1", occurrence=2), "exactly one of"),
        (line_of(path, "- id: q3"), "exactly one of"),
        (line_of(path, "correction: fdr"), "correction"),
        (line_of(path, "questions: [q9]"), "q9"),
    ]
    for line, fragment in expected:
        assert any(p.line == line and fragment in str(p) for p in problems), (
            f"no problem at line {line} naming {fragment!r}: {list(map(str, problems))}"
        )
    assert len(problems) == len(expected)


def test_two_independent_problems_are_both_reported(tmp_path: Path) -> None:
    path = write(
        tmp_path, SMALL.replace("top_box: 2", "top_box: 7").replace("scale: agree5", "scale: agree")
    )
    problems = problems_of(path)
    assert len(problems) == 2
    assert {p.line for p in problems} == {
        line_of(path, "top_box: 7"),
        line_of(path, "scale: agree"),
    }


# --------------------------------------------------------------------- hostile YAML


def _billion_laughs(levels: int = 9) -> str:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, levels):
        refs = ", ".join([f"*a{i - 1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    return "\n".join(lines) + "\n"


def test_alias_bomb_ends_quickly_with_a_located_error(tmp_path: Path) -> None:
    path = tmp_path / "survey.yaml"
    path.write_text(_billion_laughs(), encoding="utf-8")
    start = time.perf_counter()
    problems = problems_of(path)
    assert time.perf_counter() - start < 5
    assert len(problems) == 1
    assert "alias" in problems[0].message
    assert problems[0].file == str(path)


def test_alias_bomb_inside_a_valid_looking_schema(tmp_path: Path) -> None:
    path = tmp_path / "survey.yaml"
    path.write_text(_billion_laughs() + SMALL.replace("survey: Small", "survey: *a8"))
    start = time.perf_counter()
    with pytest.raises(GapscanError):
        load_schema(path)
    assert time.perf_counter() - start < 5


@pytest.mark.parametrize(
    "text",
    [
        "survey: " + "[" * 3000 + "]" * 3000 + "\n",
        "survey: " + "{a: " * 3000 + "1" + "}" * 3000 + "\n",
        "".join(" " * i + f"k{i}:\n" for i in range(1200)) + " " * 1200 + "v\n",
    ],
    ids=["flow-sequences", "flow-mappings", "block-mappings"],
)
def test_deep_nesting_ends_quickly_with_an_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "survey.yaml"
    path.write_text(text, encoding="utf-8")
    start = time.perf_counter()
    problems = problems_of(path)
    assert time.perf_counter() - start < 5
    assert all(p.file == str(path) for p in problems)


# ----------------------------------------------------------------- repeated keys


@pytest.mark.parametrize(
    ("text", "key", "first", "again"),
    [
        (
            SMALL.replace("top_box: 2", "top_box: 2\n    top_box: 4"),
            "top_box",
            "top_box: 2",
            "top_box: 4",
        ),
        (SMALL + "    column: q2\n", "column", "column: q1", "column: q2"),
        ("survey: Again\n" + SMALL, "survey", "survey: Again", "survey: Small"),
        (SMALL + "analysis:\n  alpha: 0.05\n  alpha: 0.1\n", "alpha", "alpha: 0.05", "alpha: 0.1"),
        (
            SMALL.replace("scales:\n", "scales:\n  agree5:\n    levels: [a, b]\n    top_box: 1\n"),
            "agree5",
            "agree5:",
            "  agree5:\n    levels: [Strongly",
        ),
        (
            SMALL + "rules:\n  - metric: top_box_gap\n    max: 0.3\n    max: 0.5\n",
            "max",
            "max: 0.3",
            "max: 0.5",
        ),
        (
            SMALL.replace(
                "survey: Small\n",
                "survey: Small\nsides: {column: t, vendor: [V], vendor: [X], customer: [C]}\n",
            ),
            "vendor",
            "sides:",
            "sides:",
        ),
    ],
    ids=["scale", "question", "top-level", "analysis", "scales", "rule", "flow-sides"],
)
def test_a_repeated_key_is_an_error_naming_both_lines(
    tmp_path: Path, text: str, key: str, first: str, again: str
) -> None:
    path = write(tmp_path, text)
    problem = the_problem(problems_of(path), f"key '{key}' repeated")
    source = path.read_text(encoding="utf-8")
    first_line = source[: source.index(first)].count("\n") + 1
    again_line = source[: source.rindex(again.splitlines()[0])].count("\n") + 1
    assert problem.file == str(path)
    assert problem.line == again_line
    assert problem.code == "duplicate-key"
    where = "on the same line" if first_line == again_line else f"at line {first_line}"
    assert f"(first {where})" in problem.message
    assert problem.hint == "keep one"


def test_every_repeated_key_is_reported_at_once(tmp_path: Path) -> None:
    text = SMALL.replace("top_box: 2", "top_box: 2\n    top_box: 4") + "    scale: agree5\n"
    path = write(tmp_path, text)
    problems = problems_of(path)
    assert sorted(p.line or 0 for p in problems) == [
        line_of(path, "top_box: 4"),
        line_of(path, "scale: agree5", occurrence=2),
    ]


def test_keys_that_only_look_alike_are_not_repeated(tmp_path: Path) -> None:
    """A key merged in with << may be overridden on purpose: that is not a repeat."""
    text = SMALL.replace(
        "scales:\n",
        "scales:\n  base: &base\n    levels: [No, Yes]\n    top_box: [Yes]\n"
        "  other:\n    <<: *base\n    top_box: [No]\n",
    )
    survey = load_schema(write(tmp_path, text))
    scales = {s.name: s for s in survey.scales}
    assert scales["other"].top_box_labels() == ("No",)
    assert scales["base"].top_box_labels() == ("Yes",)


def test_a_repeated_question_id_names_both_lines(tmp_path: Path) -> None:
    path = write(tmp_path, SMALL + "  - id: q1\n    scale: agree5\n    column: q1b\n")
    problem = the_problem(problems_of(path), "'q1'", "twice")
    assert f"first at line {line_of(path, '- id: q1')}" in problem.message
    assert problem.line == line_of(path, "- id: q1", occurrence=2)


# ------------------------------------------------------ percentages for fractions


@pytest.mark.parametrize(
    ("setting", "given", "meant"),
    [
        ("confidence", "95", "0.95"),
        ("confidence", "99.5", "0.995"),
        ("confidence", "90.0", "0.90"),
        ("alpha", "5", "0.05"),
        ("alpha", "1.5", "0.015"),
    ],
)
def test_a_percentage_where_a_fraction_is_meant_gets_a_hint(
    tmp_path: Path, setting: str, given: str, meant: str
) -> None:
    path = write(tmp_path, SMALL + f"analysis:\n  {setting}: {given}\n")
    problem = the_problem(problems_of(path), f"analysis.{setting}")
    assert problem.line == line_of(path, f"{setting}: {given}")
    assert problem.hint == f"did you mean {meant}?"
    assert problem.code == "percent-for-fraction"


@pytest.mark.parametrize("given", ["0", "1", "-0.5", "250"])
def test_an_impossible_fraction_that_is_no_percentage_gets_no_guess(
    tmp_path: Path, given: str
) -> None:
    path = write(tmp_path, SMALL + f"analysis:\n  confidence: {given}\n")
    problem = the_problem(problems_of(path), "analysis.confidence")
    assert problem.hint is None


@pytest.mark.parametrize(
    ("rule", "key", "meant"),
    [
        ("{metric: top_box_gap, max: 30}", "max", "did you mean 0.30?"),
        ("{metric: top_box_gap, min: -12.5}", "min", "did you mean -0.125?"),
        ("{metric: gap_change, max: 5}", "max", "did you mean 0.05?"),
        ("{metric: top_box_gap, max: 1000}", "max", "give a fraction, e.g. max: 0.30"),
    ],
)
def test_a_rule_limit_in_points_gets_a_hint(
    tmp_path: Path, rule: str, key: str, meant: str
) -> None:
    path = write(tmp_path, SMALL + f"rules:\n  - {rule}\n")
    problem = the_problem(problems_of(path), f"rule 1: {key}")
    assert "is a fraction, not percentage points" in problem.message
    assert problem.hint == meant
    assert problem.line == line_of(path, rule)


@pytest.mark.parametrize(
    "rule",
    [
        "{metric: top_box_gap, max: 1.0, min: -1.0}",
        "{metric: gap_change, max: 1.5}",
        "{metric: mean_gap, max: 3}",  # scale points, not a fraction
    ],
)
def test_limits_within_the_metric_range_are_accepted(tmp_path: Path, rule: str) -> None:
    path = write(tmp_path, SMALL + f"rules:\n  - {rule}\n")
    assert len(load_schema(path).rules) == 1


# ---------------------------------------------------------------------- segments


def test_a_segment_listed_twice_is_an_error_at_its_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        VALID.replace(
            "segments: [region, industry]", "segments:\n  - region\n  - industry\n  - region"
        ),
    )
    problem = the_problem(problems_of(path), "segment 'region'", "twice")
    assert problem.line == line_of(path, "- region", occurrence=2)
    assert problem.code == "duplicate-segment"
    assert "first as segment 1" in problem.message


def test_the_sides_column_is_no_segment(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        VALID.replace("segments: [region, industry]", "segments: [region, respondent_type]"),
    )
    problem = the_problem(problems_of(path), "segment 'respondent_type'", "sides column")
    assert problem.line == line_of(path, "segments:")


# ------------------------------------------------------------------ scores


@pytest.mark.parametrize(
    ("levels", "scores"),
    [
        ([str(i) for i in range(11)], tuple(float(i) for i in range(11))),
        (
            ["1 - Not very impressive", "2", "3 - Rather", "4: Very", "5 – Extremely"],
            (1, 2, 3, 4, 5),
        ),
        (["-2", "-1", "0", "+1", "+2"], (-2, -1, 0, 1, 2)),
        (["0.5", "1.5", "2.5"], (0.5, 1.5, 2.5)),
        (["1. Poor", "2. Fair", "3. Good"], (1, 2, 3)),
        (["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"], (1, 2, 3, 4, 5)),
        (["0", "1", "Many"], (1, 2, 3)),  # one label states no number: 1..k
        (["1 time", "1 or 2 times", "3 times"], (1, 2, 3)),  # two labels state 1
        (["2020", "2021x"], (1, 2)),  # a number glued to a word states nothing
    ],
)
def test_default_scores_are_the_numbers_the_labels_state(
    levels: list[str], scores: tuple[float, ...]
) -> None:
    from gapscan.survey import Scale

    assert Scale("s", tuple(levels), frozenset({len(levels) - 1})).scores == scores


def test_scores_in_the_schema_override_the_labels(tmp_path: Path) -> None:
    path = write(
        tmp_path, SMALL.replace("top_box: 2", "top_box: 2\n    scores: [-2, -1, 0, 1, 2.5]")
    )
    (scale,) = load_schema(path).scales
    assert scale.scores == (-2.0, -1.0, 0.0, 1.0, 2.5)


@pytest.mark.parametrize(
    ("scores", "message"),
    [
        ("[1, 2, 3]", "scale 'agree5': 3 scores for 5 levels"),
        ("[1, 2, 3, 4, .nan]", "scale 'agree5': score nan is not a finite number"),
        ("[1, 2, 3, 4, x]", "scales.agree5.scores"),
    ],
)
def test_bad_scores_are_named(tmp_path: Path, scores: str, message: str) -> None:
    path = write(tmp_path, SMALL.replace("top_box: 2", f"top_box: 2\n    scores: {scores}"))
    found = problems_of(path)
    assert any(message in str(p) for p in found), found
    assert all(p.line == 6 for p in found), found  # the scores line
