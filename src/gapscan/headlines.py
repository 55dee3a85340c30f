"""What a report's headline names, chosen from its results so that it never
contradicts the tables.

A headline has one entry per *kind* of gap (top box, mean, ...). Each kind names the
largest significant gap of its kind in the whole sample; when the whole sample has
none, the largest significant gap of its kind in any segment; else nothing. Largest
means the largest absolute gap, the first in report order on a tie. A new kind of
gap (an NPS gap, say) joins the headline by adding a :class:`HeadlineKind` to
:data:`HEADLINE_KINDS` and its sentence to ``gapscan.render._format``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gapscan.report import GapResult, WavePoint


@dataclass(frozen=True)
class HeadlineKind:
    """One kind of gap: its JSON name, its name in words, and how to read its gap and
    its significance from a result (None: the result has no such test)."""

    name: str
    label: str
    gap: Callable[[GapResult], float | None]
    significant: Callable[[GapResult], bool | None]

    def tested(self, result: GapResult) -> bool:
        return (
            not result.suppressed
            and self.gap(result) is not None
            and self.significant(result) is not None
        )


TOP_BOX = HeadlineKind("top_box", "top-box", lambda r: r.gap, lambda r: r.significant)
MEAN = HeadlineKind("mean", "mean", lambda r: r.mean_gap, lambda r: r.mean_significant)
NPS = HeadlineKind(
    "nps",
    "NPS",
    lambda r: None if r.nps is None else r.nps.gap,
    lambda r: None if r.nps is None else r.nps.significant,
)
HEADLINE_KINDS: tuple[HeadlineKind, ...] = (TOP_BOX, MEAN, NPS)


@dataclass(frozen=True)
class Headline:
    """The headline of one kind: how many results of that kind were tested and found
    significant (all views), and the one it names (None: nothing significant)."""

    kind: HeadlineKind
    tested: int
    significant: int
    result: GapResult | None = None

    @property
    def in_segment(self) -> bool:
        """The named gap is a segment's: no whole-sample gap of this kind is significant."""
        return self.result is not None and bool(self.result.segment)

    def to_dict(self) -> dict[str, Any]:
        r = self.result
        return {
            "kind": self.kind.name,
            "tested": self.tested,
            "significant": self.significant,
            "question": None if r is None else r.question,
            "segment": None if r is None else dict(r.segment),
        }


def largest(results: Sequence[GapResult], kind: HeadlineKind) -> GapResult | None:
    """The significant result of ``kind`` with the largest absolute gap (the first on a
    tie), or None."""
    candidates = [r for r in results if kind.tested(r) and kind.significant(r)]
    if not candidates:
        return None
    return max(candidates, key=lambda r: abs(kind.gap(r) or 0.0))


def headline_of(results: Sequence[GapResult], kind: HeadlineKind) -> Headline:
    """The whole sample's largest significant gap of ``kind``, else a segment's."""
    tested = [r for r in results if kind.tested(r)]
    significant = [r for r in tested if kind.significant(r)]
    whole = largest([r for r in significant if not r.segment], kind)
    chosen = whole or largest([r for r in significant if r.segment], kind)
    return Headline(kind, len(tested), len(significant), chosen)


def headlines_of(
    results: Sequence[GapResult], kinds: Sequence[HeadlineKind] = HEADLINE_KINDS
) -> tuple[Headline, ...]:
    """One headline per kind that has at least one tested result."""
    found = (headline_of(results, kind) for kind in kinds)
    return tuple(h for h in found if h.tested)


def largest_change(points: Sequence[WavePoint], wave: str) -> WavePoint | None:
    """The point of ``wave`` whose gap changed most since the previous wave, among the
    significant changes (the first on a tie), or None."""
    candidates = [
        p for p in points if p.wave == wave and p.change is not None and p.change.significant
    ]
    if not candidates:
        return None
    return max(candidates, key=lambda p: abs(p.change.change if p.change else 0.0))
