"""Shared fixtures: paths to the bundled examples and a helper to write small surveys."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SURVEYS = ROOT / "surveys"
EXTERNAL = ROOT.parent / "shared" / "external"

AGREE5 = ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"]


def schema_text(
    *,
    questions: tuple[str, ...] = ("q1", "q2"),
    segments: tuple[str, ...] = (),
    rules: str = "",
    min_n: int = 5,
    correction: str = "holm",
    extra: str = "",
) -> str:
    """A small valid schema over the agree5 scale, one file holding both sides."""
    qs = "".join(
        f"  - id: {q}\n    text: Statement {q}\n    scale: agree5\n    column: {q}\n"
        for q in questions
    )
    seg = f"segments: [{', '.join(segments)}]\n" if segments else ""
    return (
        "survey: Test survey\n"
        "sides: {column: side, vendor: [Vendor], customer: [Customer]}\n"
        f"{seg}{extra}"
        "scales:\n"
        f"  agree5:\n    levels: [{', '.join(AGREE5)}]\n    top_box: 2\n"
        "    missing: [Don't know]\n"
        f"questions:\n{qs}"
        f"analysis: {{min_n: {min_n}, correction: {correction}}}\n"
        f"{rules}"
    )


@pytest.fixture(autouse=True)
def _default_width(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test prints at gapscan's default width unless it sets one: pytest-xdist's
    workers are given ``COLUMNS=80``, which a serial run does not have."""
    monkeypatch.delenv("COLUMNS", raising=False)


@pytest.fixture
def example_schema() -> Path:
    return SURVEYS / "cmo-affinity.yaml"
