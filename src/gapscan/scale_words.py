"""The words that order answer levels, per language: a data table, read by
:mod:`gapscan.scale_order`.

A level is a *stem* (``wichtig``, ``d'accord``, ``satisfecho``) with *modifiers*
around it (``nicht``, ``pas du tout``, ``muy``). Each modifier has a score: what the
level scores when the stem is a favourable one (``agree``, ``important``,
``often``); a bare stem scores 3. An unfavourable stem (``disagree``, ``selten``,
``insatisfait``) turns the score negative: ``eher selten`` (-2.5) is above ``selten``
(-3), which is above ``sehr selten`` (-4). Some levels are whole words with a score of
their own (``nie``, ``manchmal``, ``immer``), and a level matching ``middle``
(``weder ... noch``, ``ni ... ni``) is the midpoint, 0.

Adding a language is adding an entry here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, eq=False)
class Language:
    code: str
    modifiers: dict[str, float]  # phrase -> the level's score on a favourable stem
    stems: dict[str, tuple[str, int]]  # stem -> (what it measures, +1 favourable / -1 not)
    fixed: dict[str, float]  # whole levels with a score of their own
    middle: str  # a regular expression for the midpoint ("neither ... nor")
    missing: frozenset[str] = frozenset()  # "don't know" answers


BARE = 3.0  # the score of a stem without modifiers

# fmt: off
# frequency words that are whole levels (never < sometimes < always)
_NEVER, _ALMOST_NEVER, _SOMETIMES, _ALMOST_ALWAYS, _ALWAYS = -10.0, -6.0, 0.0, 6.0, 10.0

ENGLISH = Language(
    code="en",
    modifiers={
        "not at all": -5, "not": -3, "do not": -3, "don't": -3, "didn't": -4,
        "haven't": -3, "not very": 1, "not so": 1, "not particularly": 1,
        "hardly": 1, "barely": 1, "slightly": 1, "a little": 1, "somewhat": 2,
        "moderately": 2, "fairly": 2, "partly": 2, "partially": 2, "mostly": 3.5,
        "rather": 2.5, "rather not": -2, "quite": 3.5, "very": 4, "highly": 4.5, "strongly": 5,
        "extremely": 5, "completely": 5, "totally": 5, "fully": 5, "absolutely": 5,
    },
    stems={
        "agree": ("agreement", 1), "disagree": ("agreement", -1),
        "important": ("importance", 1), "unimportant": ("importance", -1),
        "interested": ("interest", 1), "interesting": ("interest", 1),
        "uninteresting": ("interest", -1),
        "satisfied": ("satisfaction", 1), "dissatisfied": ("satisfaction", -1),
        "unsatisfied": ("satisfaction", -1),
        "often": ("frequency", 1), "frequently": ("frequency", 1),
        "regularly": ("frequency", 1), "rarely": ("frequency", -1), "seldom": ("frequency", -1),
        "likely": ("likelihood", 1), "unlikely": ("likelihood", -1),
    },
    fixed={
        "never": _NEVER, "almost never": _ALMOST_NEVER, "sometimes": _SOMETIMES,
        "occasionally": _SOMETIMES, "almost always": _ALMOST_ALWAYS, "always": _ALWAYS,
        "neutral": 0,
    },
    middle=r"^neither\b",
)

GERMAN = Language(
    code="de",
    modifiers={
        "gar nicht": -5, "überhaupt nicht": -5, "ganz und gar nicht": -5, "nicht": -3,
        "eher nicht": -2, "nicht sehr": 1, "nicht so": 1, "nicht besonders": 1,
        "kaum": 1, "wenig": 1, "weniger": 1, "etwas": 2, "mäßig": 2, "mittelmäßig": 2,
        "einigermaßen": 2, "teilweise": 2, "eher": 2.5, "ziemlich": 3.5, "sehr": 4,
        "besonders": 4.5, "äußerst": 5, "extrem": 5, "absolut": 5, "vollständig": 5,
        "völlig": 5, "voll und ganz": 5, "total": 5, "voll": 5,
    },
    stems={
        "stimme zu": ("agreement", 1), "trifft zu": ("agreement", 1),
        "wichtig": ("importance", 1), "unwichtig": ("importance", -1),
        "interessant": ("interest", 1), "uninteressant": ("interest", -1),
        "zufrieden": ("satisfaction", 1), "unzufrieden": ("satisfaction", -1),
        "häufig": ("frequency", 1), "oft": ("frequency", 1), "selten": ("frequency", -1),
        "wahrscheinlich": ("likelihood", 1), "unwahrscheinlich": ("likelihood", -1),
    },
    fixed={
        "nie": _NEVER, "niemals": _NEVER, "fast nie": _ALMOST_NEVER,
        "manchmal": _SOMETIMES, "gelegentlich": _SOMETIMES, "fast immer": _ALMOST_ALWAYS,
        "immer": _ALWAYS, "neutral": 0, "teils/teils": 0, "teils, teils": 0, "teils teils": 0,
    },
    middle=r"^weder\b",
    missing=frozenset({
        "keine angabe", "weiß nicht", "weiss nicht", "kann ich nicht beurteilen",
        "k. a.", "k.a.", "keine meinung", "nicht zutreffend",
    }),
)

FRENCH = Language(
    code="fr",
    modifiers={
        "pas du tout": -5, "pas": -3, "plutôt pas": -2, "pas très": 1, "peu": 1,
        "un peu": 1, "moyennement": 2, "modérément": 2, "partiellement": 2,
        "assez": 2.5, "plutôt": 2.5, "très": 4, "fortement": 5, "tout à fait": 5,
        "extrêmement": 5, "totalement": 5, "complètement": 5, "entièrement": 5,
    },
    stems={
        "d'accord": ("agreement", 1), "en désaccord": ("agreement", -1),
        "important": ("importance", 1), "importante": ("importance", 1),
        "intéressant": ("interest", 1), "intéressé": ("interest", 1),
        "satisfait": ("satisfaction", 1), "insatisfait": ("satisfaction", -1),
        "souvent": ("frequency", 1), "fréquemment": ("frequency", 1),
        "rarement": ("frequency", -1),
        "probable": ("likelihood", 1), "improbable": ("likelihood", -1),
    },
    fixed={
        "jamais": _NEVER, "presque jamais": _ALMOST_NEVER, "parfois": _SOMETIMES,
        "de temps en temps": _SOMETIMES, "presque toujours": _ALMOST_ALWAYS,
        "toujours": _ALWAYS, "neutre": 0,
    },
    middle=r"^ni\b",
    missing=frozenset({
        "je ne sais pas", "ne sais pas", "ne sait pas", "nsp", "sans opinion",
        "non concerné", "sans réponse", "ne se prononce pas",
    }),
)

SPANISH = Language(
    code="es",
    modifiers={
        "nada": -5, "para nada": -5, "no": -3, "no muy": 1, "poco": 1, "algo": 2,
        "moderadamente": 2, "medianamente": 2, "más bien": 2.5, "bastante": 3.5,
        "muy": 4, "totalmente": 5, "completamente": 5, "extremadamente": 5,
        "sumamente": 5,
    },
    stems={
        "de acuerdo": ("agreement", 1), "en desacuerdo": ("agreement", -1),
        "importante": ("importance", 1), "interesante": ("interest", 1),
        "interesado": ("interest", 1),
        "satisfecho": ("satisfaction", 1), "insatisfecho": ("satisfaction", -1),
        "a menudo": ("frequency", 1), "frecuentemente": ("frequency", 1),
        "con frecuencia": ("frequency", 1), "rara vez": ("frequency", -1),
        "raramente": ("frequency", -1),
        "probable": ("likelihood", 1), "improbable": ("likelihood", -1),
    },
    fixed={
        "nunca": _NEVER, "casi nunca": _ALMOST_NEVER, "a veces": _SOMETIMES,
        "algunas veces": _SOMETIMES, "casi siempre": _ALMOST_ALWAYS, "siempre": _ALWAYS,
        "neutral": 0,
    },
    middle=r"^ni\b",
    missing=frozenset({
        "no sé", "no se", "no sabe", "ns/nc", "no sabe / no contesta", "no aplica",
        "prefiero no responder",
    }),
)

PORTUGUESE = Language(
    code="pt",
    modifiers={
        "nada": -5, "não": -3, "não muito": 1, "pouco": 1, "parcialmente": 2,
        "moderadamente": 2, "razoavelmente": 2, "algo": 2, "bastante": 3.5,
        "muito": 4, "totalmente": 5, "completamente": 5, "extremamente": 5,
        "plenamente": 5,
    },
    stems={
        "concordo": ("agreement", 1), "discordo": ("agreement", -1),
        "importante": ("importance", 1), "interessante": ("interest", 1),
        "interessado": ("interest", 1),
        "satisfeito": ("satisfaction", 1), "insatisfeito": ("satisfaction", -1),
        "frequentemente": ("frequency", 1), "muitas vezes": ("frequency", 1),
        "raramente": ("frequency", -1),
        "provável": ("likelihood", 1), "improvável": ("likelihood", -1),
    },
    fixed={
        "nunca": _NEVER, "quase nunca": _ALMOST_NEVER, "às vezes": _SOMETIMES,
        "algumas vezes": _SOMETIMES, "quase sempre": _ALMOST_ALWAYS, "sempre": _ALWAYS,
        "neutro": 0,
    },
    middle=r"\bnem\b",
    missing=frozenset({"não sei", "não se aplica", "prefiro não responder", "sem opinião"}),
)

ITALIAN = Language(
    code="it",
    modifiers={
        "per niente": -5, "per nulla": -5, "affatto": -5, "non": -3, "non molto": 1,
        "poco": 1, "moderatamente": 2, "parzialmente": 2, "abbastanza": 2.5,
        "piuttosto": 2.5, "molto": 4, "fortemente": 5, "completamente": 5,
        "totalmente": 5, "estremamente": 5, "del tutto": 5,
    },
    stems={
        "d'accordo": ("agreement", 1), "in disaccordo": ("agreement", -1),
        "importante": ("importance", 1), "interessante": ("interest", 1),
        "interessato": ("interest", 1),
        "soddisfatto": ("satisfaction", 1), "insoddisfatto": ("satisfaction", -1),
        "spesso": ("frequency", 1), "frequentemente": ("frequency", 1),
        "raramente": ("frequency", -1),
        "probabile": ("likelihood", 1), "improbabile": ("likelihood", -1),
    },
    fixed={
        "mai": _NEVER, "quasi mai": _ALMOST_NEVER, "a volte": _SOMETIMES,
        "qualche volta": _SOMETIMES, "quasi sempre": _ALMOST_ALWAYS, "sempre": _ALWAYS,
        "neutrale": 0,
    },
    middle=r"^n[ée]\b",
    missing=frozenset({"non so", "non saprei", "non applicabile", "preferisco non rispondere"}),
)

DUTCH = Language(
    code="nl",
    modifiers={
        "helemaal niet": -5, "totaal niet": -5, "niet": -3, "niet erg": 1, "niet zo": 1,
        "weinig": 1, "een beetje": 1, "nauwelijks": 1, "enigszins": 2, "matig": 2,
        "redelijk": 2, "gedeeltelijk": 2, "vrij": 2.5, "tamelijk": 2.5,
        "behoorlijk": 3.5, "erg": 4, "zeer": 4, "heel": 4, "helemaal": 5,
        "volledig": 5, "totaal": 5, "uiterst": 5, "extreem": 5,
    },
    stems={
        "eens": ("agreement", 1), "oneens": ("agreement", -1),
        "belangrijk": ("importance", 1), "onbelangrijk": ("importance", -1),
        "interessant": ("interest", 1), "oninteressant": ("interest", -1),
        "tevreden": ("satisfaction", 1), "ontevreden": ("satisfaction", -1),
        "vaak": ("frequency", 1), "regelmatig": ("frequency", 1),
        "zelden": ("frequency", -1),
        "waarschijnlijk": ("likelihood", 1), "onwaarschijnlijk": ("likelihood", -1),
    },
    fixed={
        "nooit": _NEVER, "bijna nooit": _ALMOST_NEVER, "soms": _SOMETIMES,
        "af en toe": _SOMETIMES, "bijna altijd": _ALMOST_ALWAYS, "altijd": _ALWAYS,
        "neutraal": 0,
    },
    middle=r"^noch\b",
    missing=frozenset({
        "weet niet", "weet ik niet", "geen mening", "n.v.t.", "nvt",
        "niet van toepassing",
    }),
)

# fmt: on

LANGUAGES: tuple[Language, ...] = (ENGLISH, GERMAN, FRENCH, SPANISH, PORTUGUESE, ITALIAN, DUTCH)
