"""Which known, ordered scale a column's answers use: agreement, frequency, extent,
satisfaction, quality, likelihood, importance, yes/no, numeric ratings such as 0-10,
Qualtrics-style numbered labels ("1 - Poor"), or levels told apart by intensity words
("Not aligned < Somewhat aligned < Well aligned")."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from gapscan.scale_order import guess_order, missing_words, order_by_words
from gapscan.survey import fold, stated_scores

MISSING_WORDS = frozenset(fold(word) for word in {
    "don't know", "dont know", "don’t know", "do not know", "not sure", "n/a", "na",
    "not applicable", "prefer not to say", "prefer not to answer", "no opinion",
    "i don't know", "i don’t know", "i don't know / na", "i don’t know / na", "keine angabe",
    "no basis for evaluation", "no answer", "no response", "not answered", "-1", "-2",
}) | missing_words()  # fmt: skip
# "I don't use Twitter / NA", "Not applicable (N/A)": an opt-out written into the label
MISSING_PATTERN = re.compile(r"(?:/|\(|\b-)\s*n/?a\s*\)?$")

# Known scales, lowest level first; each level may have several spellings.
KNOWN_SCALES: dict[str, tuple[tuple[str, ...], ...]] = {
    "agree5": (
        ("Strongly disagree",), ("Disagree", "Somewhat disagree"),
        ("Neither agree nor disagree", "Neutral", "Neither agree or disagree"),
        ("Agree", "Somewhat agree"), ("Strongly agree",),
    ),
    "agree4": (("Strongly disagree",), ("Disagree",), ("Agree",), ("Strongly agree",)),
    "agree7": (
        ("Strongly disagree",), ("Disagree",), ("Somewhat disagree",),
        ("Neither agree nor disagree", "Neutral"), ("Somewhat agree",), ("Agree",),
        ("Strongly agree",),
    ),
    "frequency": (("Never",), ("Rarely",), ("Sometimes",), ("Often", "Usually"), ("Always",)),
    "extent": (
        ("Not at all",), ("Slightly", "A little"), ("Moderately", "Somewhat"),
        ("Very", "Quite a bit"), ("Extremely",),
    ),
    "satisfaction": (
        ("Very dissatisfied",), ("Dissatisfied", "Somewhat dissatisfied"),
        ("Neither satisfied nor dissatisfied", "Neutral"),
        ("Satisfied", "Somewhat satisfied"), ("Very satisfied",),
    ),
    "quality": (
        ("Very poor",), ("Poor",), ("Fair", "Average"), ("Good",), ("Excellent", "Very good"),
    ),
    "likelihood": (
        ("Very unlikely", "Extremely unlikely"), ("Unlikely", "Somewhat unlikely"),
        ("Neither likely nor unlikely", "Neutral"), ("Likely", "Somewhat likely"),
        ("Very likely", "Extremely likely"),
    ),
    "importance": (
        ("Not at all important", "Not important"), ("Slightly important",),
        ("Moderately important",), ("Very important",), ("Extremely important",),
    ),
    "level3": (("Low",), ("Medium", "Moderate"), ("High",)),
    "level5": (("Very low",), ("Low",), ("Medium", "Moderate"), ("High",), ("Very high",)),
    "yes_no": (("No", "Nein", "Non", "Não", "Nee"), ("Yes", "Ja", "Oui", "Sí", "Sim", "Sì")),
}  # fmt: skip
NUMBERED = re.compile(r"^\s*(-?\d+)\s*(?:[-–=:.)]\s*(.*))?$")
# "Not aligned < Somewhat aligned < Well aligned < Extremely well-aligned": levels
# that differ by an intensity word are ordered by it.
INTENSITY = {
    "not": 0, "never": 0, "hardly": 1, "barely": 1, "slightly": 1, "a little": 1,
    "somewhat": 2, "moderately": 2, "fairly": 2, "partly": 2, "quite": 3, "well": 3,
    "mostly": 3, "very": 4, "highly": 4, "extremely": 5, "completely": 5, "fully": 5,
    "totally": 5,
}  # fmt: skip
MAX_LEVELS = 11
MAX_WIDER = 2  # a scale joins one of its family with at most this many more levels
MIN_MERGED = 3  # plain integer scales this wide or wider join a wider one
MIN_CHOSEN = 3  # a guessed scale's answers were each chosen this often on average


@dataclass
class DraftScale:
    name: str
    levels: list[str]
    top_box: int | list[str]
    missing: list[str] = field(default_factory=list)
    questions: list[tuple[int, str, str, str]] = field(
        default_factory=list
    )  # position, id, text, column
    family: str = ""  # scales of one family (ordered by words) merge into the widest
    unsure: bool = False  # the order of the levels is a guess: a person must check it
    note: str = ""  # a comment the draft writes beside the scale's name


def merge_families(scales: dict[str, DraftScale]) -> dict[str, DraftScale]:
    """A scale whose levels are all levels of a slightly wider scale of its family (at
    most :data:`MAX_WIDER` more levels) joins it, and so on up: a question that nobody
    answered 'Nicht wichtig' still uses the five-level scale, a column answered 2 to 5
    the 1-5 rating (but a 1-5 rating never joins a 0-10 one)."""
    folded = {key: {fold(level) for level in scale.levels} for key, scale in scales.items()}
    target: dict[str, str] = {}
    for key, scale in scales.items():
        wider = [
            other
            for other, spec in scales.items()
            if scale.family
            and spec.family == scale.family
            and 0 < len(spec.levels) - len(scale.levels) <= MAX_WIDER
            and folded[key] <= folded[other]
        ]
        if wider:
            target[key] = min(wider, key=lambda other: _width_then_use(scales[other], other))
    merged = dict(scales)
    for key in target:
        root = key
        while root in target:
            root = target[root]
        merged[root].questions += scales[key].questions
        merged[root].missing += [m for m in scales[key].missing if m not in merged[root].missing]
        del merged[key]
    return merged


def _width_then_use(scale: DraftScale, key: str) -> tuple[int, int, str]:
    """The narrowest scale first; of equally wide ones, the one more questions use."""
    return (len(scale.levels), -len(scale.questions), key)


def is_missing(value: str) -> bool:
    """A "don't know" answer: no answer on the scale."""
    folded = fold(value)
    return folded in MISSING_WORDS or MISSING_PATTERN.search(folded) is not None


def guess_scale(values: Counter[str]) -> DraftScale | None:
    """A scale for answers that read like ratings but could not be ordered for sure:
    drafted in a likely order, marked for a person to check."""
    answers = {v for v in values if not is_missing(v)}
    if sum(values[a] for a in answers) < MIN_CHOSEN * len(answers):
        return None  # answers written, not chosen: free text
    guessed = guess_order(answers)
    if guessed is None:
        return None
    levels = list(guessed.levels)
    missing = sorted(v for v in values if is_missing(v))
    top = default_top_box("", levels)
    family = re.sub(r"\d+", "", guessed.name)
    return DraftScale(guessed.name, levels, top, missing, family=family, unsure=True)


def match_scale(values: Counter[str]) -> DraftScale | None:
    """The scale a column's answers (with their counts) fit, or None."""
    answers = {v for v in values if not is_missing(v)}
    missing = sorted(v for v in values if is_missing(v))
    if len(answers) < 2:
        return None
    folded = {fold(v) for v in answers}
    best: tuple[str, tuple[tuple[str, ...], ...]] | None = None
    for name, levels in KNOWN_SCALES.items():
        spellings = {fold(s) for level in levels for s in level}
        if folded <= spellings and (best is None or len(levels) < len(best[1])):
            best = (name, levels)
    if best is not None:
        name, levels = best
        chosen = []
        for level in levels:
            seen = [v for v in answers if fold(v) in {fold(s) for s in level}]
            chosen.append(seen[0] if seen else level[0])
        if len({fold(c) for c in chosen}) != len(chosen):
            return None
        return DraftScale(name, chosen, default_top_box(name, chosen), missing)
    return (
        _worded_scale(answers, missing)
        or _intensity_scale(answers, missing)
        or _numbered_scale(answers, missing)
    )


def _worded_scale(answers: set[str], missing: list[str]) -> DraftScale | None:
    """Levels ordered by their words, in any language of :mod:`gapscan.scale_words`."""
    ordered = order_by_words(answers)
    if ordered is None:
        return None
    levels = list(ordered.levels)
    favourable = sum(1 for score in ordered.scores if score > 0)
    bipolar = any(score < 0 for score in ordered.scores)
    top: int | list[str] = default_top_box(ordered.name, levels)
    if bipolar and 1 <= favourable <= len(levels) // 2:
        top = favourable
    family = re.sub(r"\d+", "", ordered.name)
    return DraftScale(ordered.name, levels, top, missing, family=family)


def _intensity_scale(answers: set[str], missing: list[str]) -> DraftScale | None:
    """Levels told apart by their first word(s): not, somewhat, very, extremely..."""
    if not 3 <= len(answers) <= 7:
        return None
    ranked: dict[int, str] = {}
    for value in answers:
        words = fold(value).split()
        rank = INTENSITY.get(" ".join(words[:2]), INTENSITY.get(words[0] if words else ""))
        if rank is None or rank in ranked:
            return None
        ranked[rank] = value
    levels = [ranked[r] for r in sorted(ranked)]
    stem = slug(" ".join(fold(levels[-1]).split()[1:]))[:20] or "intensity"
    return DraftScale(stem, levels, 1 if len(levels) <= 4 else 2, missing)


def _numbered_scale(answers: set[str], missing: list[str]) -> DraftScale | None:
    """Integers (0-10, 1-5, ...) or numbered labels such as "4 - Very impressive"."""
    numbered: dict[int, str] = {}
    for value in answers:
        match = NUMBERED.match(value)
        if match is None:
            return None
        number = int(match.group(1))
        if number in numbered and numbered[number] != value:
            return None
        numbered[number] = value
    low, high = min(numbered), max(numbered)
    if high - low + 1 > MAX_LEVELS or high - low < 1 or low < -1:
        return None
    if all(not (m := NUMBERED.match(v)) or not m.group(2) for v in answers):
        levels = [str(n) for n in range(low, high + 1)]  # plain numbers: every step is a level
        if high - low >= 4 and low in (0, 1) and high in (4, 5, 6, 7, 10):
            name = f"rating_{low}_{high}"
        else:
            name = f"numeric_{low}_{high}"
    else:
        levels = [numbered[n] for n in sorted(numbered)]
        name = "numbered_" + "_".join(str(n) for n in sorted(numbered))
    top = 2 if len(levels) >= 5 else 1
    plain = name.startswith(("rating_", "numeric_")) and len(levels) >= MIN_MERGED
    return DraftScale(name, levels, top, missing, family="integers" if plain else "")


def default_top_box(name: str, levels: list[str]) -> int | list[str]:
    if name == "yes_no":
        return [levels[-1]]
    return 2 if len(levels) >= 5 else (2 if len(levels) == 4 else 1)


_RECOMMEND = re.compile(r"\brecommend", re.IGNORECASE)


def looks_like_nps(scale: DraftScale, text: str) -> bool:
    """A 0..10 scale asked as "how likely ... recommend": a Net Promoter question."""
    scores = stated_scores(tuple(scale.levels))
    if scores is None or sorted(scores) != list(range(11)):
        return False
    return _RECOMMEND.search(text) is not None


def scale_key(scale: DraftScale) -> str:
    return scale.name + "|" + "|".join(fold(level) for level in scale.levels)


def slug(name: str) -> str:
    """An identifier for a question or scale: ASCII letters, digits and underscores
    (``Wie häufig`` gives ``wie_haufig``)."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^0-9a-zA-Z]+", "_", plain).strip("_").lower()
    return (slug or "q")[:40]
