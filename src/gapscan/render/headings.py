"""The words of the human tables' column headings, in one place (markdown, terminal
and HTML use the same ones). They are written for the people who read the reports,
not for statisticians: ``Vendor top box``, ``Gap (points)``, ``Significant?``. The
JSON and CSV keep the technical names (``gap``, ``p_adjusted``, ``n_vendor``).

Headings that name a side take the sides' labels as the caller passes them (already
made inert for the medium, see :func:`gapscan.render._format.side_headers`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gapscan.report import Settings

QUESTION = "Question"
WAVE = "Wave"
ACCOUNT = "Account"
GAP = "Gap (points)"
SIGNIFICANT = "Significant?"
MEAN_GAP = "Mean score gap"
NPS_GAP = "NPS gap (points)"
CHANGE = "Change (points)"
CHANGE_INTERVAL = "Change interval"
CHANGE_P = "p (change)"
PAIRS = "Accounts paired"
TEST = "Test"
MEDIAN = "Median difference (interval)"
KAPPA = "Agreement (κ)"
DIFFERENCE = "Difference"
GROUP = "Group"
SIDE = "Side"
ANSWER = "Answer"  # a level of the scale (distribution tables)
ANSWERS = "Answers"  # how many answers a side gave (distribution tables)
EARLIER_GAP = "Earlier gap (points)"  # a baseline's gap (HTML's change table)
GAP_NOW = "Gap now (points)"

# The rules table: each rule, what it measures, its limit, which gaps it applies to
# (``ALL_GAPS`` or ``SIGNIFICANT_ONLY``), how many gaps it checked and its result.
RULES = ["Rule", "Measure", "Limit", "Gaps", "Checked", "Result"]
# What a rule measures, in words (the schema's metric names stay in JSON, CSV and JUnit).
METRICS = {
    "top_box_gap": "Top-box gap",
    "mean_gap": "Mean score gap",
    "nps_gap": "NPS gap",
    "gap_change": "Change of the top-box gap",
}
CHANGE_OF = {"nps": "Change of the NPS gap"}
ALL_GAPS = "any"
SIGNIFICANT_ONLY = "significant only"
HELD = "held"
BREACHED = "breached"  # followed by the number of breaches
NOT_CHECKED = "not checked"
NEEDS_BASELINE = " (needs a baseline)"  # after NOT_CHECKED, for a rule on the change

# The answers of the Significant? column, and the mark after a mean, NPS or change
# figure that is significant. The significance note under a report's first table says
# what they mean.
YES = "yes*"
NO = "no"
UNTESTED = "–"
MARK = "*"


def metric(name: str, of: str = "top_box") -> str:
    """A rule's measure in words: ``top_box_gap`` is ``Top-box gap``; a change rule
    says which gap changes (``of``)."""
    if name == "gap_change" and of != "top_box":
        return CHANGE_OF.get(of, f"Change of the {of} gap")
    return METRICS.get(name, name)


def significant(flag: bool | None) -> str:
    """A Significant? cell: ``yes*``, ``no``, or ``–`` for a gap not tested."""
    if flag is None:
        return UNTESTED
    return YES if flag else NO


def top_box(side: str) -> str:
    """``Vendor top box``: a side's share of top-box answers."""
    return f"{side} top box"


def nps(side: str) -> str:
    """``Vendor NPS``: a side's Net Promoter Score."""
    return f"{side} NPS"


def nps_with_interval(side: str) -> str:
    return f"{side} NPS (interval)"


def nps_groups(side: str) -> str:
    """A side's shares of promoters, passives and detractors."""
    return f"{side} promoters / passives / detractors"


def interval(confidence: float) -> str:
    """``95% interval`` (of the gap)."""
    return f"{100 * confidence:g}% interval"


def p_adjusted(correction: str) -> str:
    """The p-value after the report's multiplicity correction: ``p (adjusted)``;
    ``p`` when the report corrects nothing."""
    return "p" if correction == "none" else "p (adjusted)"


def mean_p_adjusted(correction: str) -> str:
    """The mean gap's p-value (paired tables, where both p-values are columns)."""
    return "Mean gap p" if correction == "none" else "Mean gap p (adjusted)"


def answering(vendors: str, customers: str) -> str:
    """``Vendors / customers answering``: each side's answers counted (``vendors``
    and ``customers``: the sides in the plural, or their labels)."""
    return _capital(f"{vendors} / {customers} answering")


def effective_sizes(vendors: str, customers: str) -> str:
    """Each side's Kish effective sample size (weighted reports)."""
    return f"Effective sizes ({vendors} / {customers})"


def respondents(vendors: str, customers: str) -> str:
    """Each side's respondents of an account."""
    return _capital(f"{vendors} / {customers} respondents")


def side_answers(side: str, n: str) -> str:
    """``Vendor (200 answers)``: a side's column of a distribution table."""
    return f"{side} ({n} answers)"


def score(side: str) -> str:
    return f"{side} score"


def higher_same_lower(side: str) -> str:
    """The paired split: accounts where the ``side`` scores higher, the same, lower."""
    return f"{side} higher / same / lower"


def trend(vendor: str, customer: str, confidence: float) -> list[str]:
    """The trend table's headings: a row per wave."""
    return [
        WAVE,
        top_box(vendor),
        top_box(customer),
        GAP,
        interval(confidence),
        SIGNIFICANT,
        CHANGE,
        CHANGE_INTERVAL,
        CHANGE_P,
    ]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def results(
    settings: Settings,
    sides: tuple[str, str],
    plurals: tuple[str, str],
    *,
    paired: bool,
    kappa: bool,
    weighted: bool,
) -> list[str]:
    """The column titles of a results table (markdown, HTML): ``sides`` are the sides'
    headers and ``plurals`` their plural nouns, already made inert for the medium."""
    vendor, customer = sides
    header = [QUESTION]
    header += [PAIRS, higher_same_lower(vendor)] if paired else []
    header += [
        top_box(vendor),
        top_box(customer),
        GAP,
        interval(settings.confidence),
        SIGNIFICANT,
        p_adjusted(settings.correction),
        MEAN_GAP,
    ]
    if paired:
        header += [MEDIAN] + ([KAPPA] if kappa else [])
    else:
        header += [answering(*plurals)]
    return header + ([effective_sizes(*plurals)] if weighted else [])
