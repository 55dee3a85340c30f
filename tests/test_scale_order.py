"""Ordering answer levels by the words of scale_words: what it orders, and what it
leaves for a person (None)."""

from __future__ import annotations

import pytest

from gapscan.scale_order import guess_order, order_by_words


@pytest.mark.parametrize(
    "answers",
    [
        ["Sehr wichtig", "Sehr interessant", "Wichtig"],  # two stems, two measures
        ["Sehr wichtig", "Äußerst wichtig", "Extrem wichtig"],  # two words, one score
        ["Berlin", "Hamburg", "München"],  # no rating words
        ["Wichtig", "Sehr wichtig"],  # two levels are not enough to order by words
        ["Not at all", "Somewhat", "Rather", "Très important"],  # languages mixed
    ],
)
def test_answers_it_cannot_order_for_sure(answers: list[str]) -> None:
    assert order_by_words(answers) is None


def test_intensifiers_order_a_single_stem() -> None:
    ordered = order_by_words(["Very important", "Extremely important", "Important"])
    assert ordered is not None
    assert ordered.levels == ("Important", "Very important", "Extremely important")


def test_negation_and_its_softer_forms_order_below_the_positive_levels() -> None:
    ordered = order_by_words(
        ["Trifft zu", "Trifft eher nicht zu", "Trifft überhaupt nicht zu", "Trifft eher zu"]
    )
    assert ordered is not None
    assert ordered.levels == (
        "Trifft überhaupt nicht zu", "Trifft eher nicht zu", "Trifft eher zu", "Trifft zu",
    )  # fmt: skip
    assert ordered.name == "agreement4_de"


def test_curly_apostrophes_order_like_straight_ones() -> None:
    straight = order_by_words(["Pas du tout d'accord", "Plutôt d'accord", "Tout à fait d'accord"])
    curly = order_by_words(["Pas du tout d’accord", "Plutôt d’accord", "Tout à fait d’accord"])
    assert straight is not None and curly is not None
    assert [level.replace("’", "'") for level in curly.levels] == list(straight.levels)


def test_a_guess_needs_most_answers_to_hold_a_rating_word() -> None:
    assert guess_order(["It is very useful", "It is not useful to me", "Other", "Blue"]) is not None
    assert guess_order(["It is very useful", "Other", "Blue", "Green"]) is None
