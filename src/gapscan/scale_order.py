"""Order a column's answer levels by their words, in any language of
:mod:`gapscan.scale_words`: ``Nicht wichtig < Kaum wichtig < Mäßig wichtig < Wichtig
< Sehr wichtig``, ``Pas du tout d'accord < Plutôt pas d'accord < Plutôt d'accord <
Tout à fait d'accord``, ``gar nicht < selten < eher selten < eher häufig < sehr
häufig``.

Every answer must read as modifiers around one stem (or around a stem and its
opposite, ``satisfait`` / ``insatisfait``), or be a whole level of the table (``nie``,
``manchmal``) or the midpoint (``weder ... noch``), and no two answers may score the
same; otherwise the answers are not ordered here (None).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from gapscan.scale_words import BARE, LANGUAGES, Language
from gapscan.survey import fold

MIN_LEVELS = 3  # fewer answers than this are not ordered by words
MIN_UNKNOWN_STEM = 2  # a stem the table does not know must carry this many levels


@dataclass(frozen=True)
class Ordered:
    """Answers ordered lowest first: the scale's suggested name, its levels, and the
    score each level has in the table (negative: the unfavourable side)."""

    name: str
    levels: tuple[str, ...]
    scores: tuple[float, ...]


def missing_words() -> frozenset[str]:
    """The "don't know" answers of every language in the table, folded."""
    return frozenset(fold(word) for language in LANGUAGES for word in language.missing)


def order_by_words(answers: Iterable[str]) -> Ordered | None:
    """The answers ordered by the first language whose words order them all."""
    distinct = sorted(set(answers))
    if len(distinct) < MIN_LEVELS:
        return None
    for language in LANGUAGES:
        ordered = _order(language, distinct)
        if ordered is not None:
            return ordered
    return None


def _order(language: Language, answers: list[str]) -> Ordered | None:
    scores: dict[str, float] = {}
    stems: Counter[str] = Counter()
    for answer in answers:
        parsed = _score(language, fold(answer))
        if parsed is None:
            return None
        score, stem = parsed
        if score in scores.values():
            return None
        scores[answer] = score
        if stem is not None:
            stems[stem] += 1
    measures = {language.stems[s][0] for s in stems if s in language.stems}
    unknown = {s for s in stems if s not in language.stems}
    if len(measures) > 1 or (unknown and (measures or len(unknown) > 1)):
        return None
    if unknown and stems[next(iter(unknown))] < MIN_UNKNOWN_STEM:
        return None  # a word the table does not know, ordered by modifiers of it only
    if not stems and not any(fold(a) in _fixed(language) for a in answers):
        return None
    what = measures.pop() if measures else _slug(unknown.pop()) if unknown else "frequency"
    levels = tuple(sorted(answers, key=scores.__getitem__))
    name = f"{what}{len(levels)}_{language.code}"
    return Ordered(name, levels, tuple(scores[level] for level in levels))


def _score(language: Language, text: str) -> tuple[float, str | None] | None:
    """A folded answer's score, and its stem (None for a whole level or the midpoint)."""
    fixed = _fixed(language)
    if text in fixed:
        return fixed[text], None
    if re.search(language.middle, text):
        return 0.0, None
    found: list[tuple[int, str]] = []
    rest = text
    for phrase, pattern in _modifier_patterns(language):
        match = pattern.search(rest)
        if match is not None:
            found.append((match.start(), phrase))
            rest = rest[: match.start()] + " " + rest[match.end() :]
    stem = " ".join(rest.split()).strip(" .,;:-–") or None
    modifier = " ".join(phrase for _, phrase in sorted(found))
    if len(found) > 1 and modifier not in _modifiers(language):
        return None
    if stem is None:
        return (_modifiers(language)[modifier], None) if found else None
    score = _modifiers(language)[modifier] if found else BARE
    _, polarity = language.stems.get(stem, ("", 1))
    if polarity < 0:
        return None if score < 0 else (-score, stem)
    return score, stem


@cache
def _fixed(language: Language) -> dict[str, float]:
    return {fold(word): score for word, score in language.fixed.items()}


@cache
def _modifiers(language: Language) -> dict[str, float]:
    return {fold(phrase): score for phrase, score in language.modifiers.items()}


@cache
def _modifier_patterns(language: Language) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Each modifier phrase with the pattern finding it as whole words, longest first
    (``eher nicht`` before ``nicht``)."""
    phrases = sorted(_modifiers(language), key=lambda p: (-len(p), p))
    return tuple((p, re.compile(rf"(?<![\w']){re.escape(p)}(?![\w'])")) for p in phrases)


def _slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return (re.sub(r"[^0-9a-zA-Z]+", "_", plain).strip("_").lower() or "scale")[:20]


def guess_order(answers: Iterable[str]) -> Ordered | None:
    """A likely order for answers that read like ratings but that :func:`order_by_words`
    cannot order (``It is not relevant to me``, ``It is somewhat relevant``, ``It is very
    relevant throughout the year``): each answer placed by the first word of the table
    it holds, most of them holding one. The order must be checked by a person."""
    distinct = sorted(set(answers))
    if not MIN_LEVELS <= len(distinct) <= MAX_GUESSED:
        return None
    for language in LANGUAGES:
        scores = {a: _first_word_score(language, fold(a)) for a in distinct}
        known = [s for s in scores.values() if s is not None]
        if 2 * len(known) >= len(distinct) and len(set(known)) >= 2:
            placed = {a: BARE if s is None else s for a, s in scores.items()}
            levels = tuple(sorted(distinct, key=lambda a: (placed[a], a)))
            name = f"check{len(levels)}_{language.code}"
            return Ordered(name, levels, tuple(placed[a] for a in levels))
    return None


MAX_GUESSED = 11


def _first_word_score(language: Language, text: str) -> float | None:
    """The score of the first modifier, stem or whole level the text holds as words."""
    if re.search(language.middle, text):
        return 0.0
    found: list[tuple[int, float]] = []
    for phrase, pattern in _modifier_patterns(language):
        match = pattern.search(text)
        if match is not None:
            found.append((match.start(), _modifiers(language)[phrase]))
    for word, score in (*_fixed(language).items(), *_stem_scores(language).items()):
        match = re.search(rf"(?<![\w']){re.escape(word)}(?![\w'])", text)
        if match is not None:
            found.append((match.start(), score))
    return min(found)[1] if found else None


@cache
def _stem_scores(language: Language) -> dict[str, float]:
    return {fold(stem): BARE * polarity for stem, (_, polarity) in language.stems.items()}
