"""Scales drafted from value labels: levels in code order, the top box by meaning."""

from __future__ import annotations

from gapscan.draft_labelled import labelled_scale
from gapscan.inputs.spss import Variable


def variable(
    labels: dict[float, str], missing: tuple[str, ...] = (), measure: str = "unknown"
) -> Variable:
    pairs = tuple(sorted(labels.items()))
    levels = tuple(label for _, label in pairs if label not in missing)
    return Variable("q", "", levels, missing, True, pairs, measure)


def test_yes_no_keeps_code_order_and_tops_by_meaning() -> None:
    scale = labelled_scale(variable({1: "YES", 2: "NO"}))
    assert scale is not None
    assert (scale.name, scale.levels, scale.top_box) == ("yes_no", ["YES", "NO"], ["YES"])


def test_an_agreement_scale_coded_high_to_low_tops_by_label() -> None:
    words = ["Strongly agree", "Agree", "Neutral", "Disagree", "Strongly disagree"]
    scale = labelled_scale(variable(dict(enumerate(words, start=1))))
    assert scale is not None
    assert scale.levels == words
    assert scale.top_box == ["Strongly agree", "Agree"]
    assert scale.note == "levels as the file codes them: the favourable end first"


def test_an_agreement_scale_coded_low_to_high_tops_by_count() -> None:
    words = ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"]
    scale = labelled_scale(variable(dict(enumerate(words, start=1))))
    assert scale is not None
    assert (scale.levels, scale.top_box, scale.note) == (words, 2, "")


def test_user_missing_and_dont_know_labels_are_missing_not_levels() -> None:
    labels = {1: "Never", 2: "Sometimes", 3: "Always", 8: "Don't know", 9: "Refused"}
    scale = labelled_scale(variable(labels, missing=("Refused",)))
    assert scale is not None
    assert scale.levels == ["Never", "Sometimes", "Always"]
    assert scale.missing == ["Refused", "Don't know"]


def test_an_ordinal_variable_of_unknown_words_is_a_scale_in_code_order() -> None:
    labels = {1: "Bardzo źle", 2: "Źle", 3: "Dobrze", 4: "Bardzo dobrze"}
    scale = labelled_scale(variable(labels, measure="ordinal"))
    assert scale is not None
    assert scale.levels == list(labels.values())
    assert "Check the top box" in scale.note


def test_a_nominal_variable_is_no_scale() -> None:
    assert labelled_scale(variable({1: "North", 2: "South", 3: "East"}, measure="nominal")) is None
    assert labelled_scale(variable({1: "MALES", 2: "FEMALES"})) is None
