"""The bundled weighted example (surveys/weighted-pulse.yaml) end to end.

Every expected number is recomputed here from the CSV itself (numpy on the ``pw``
column and the answers), never read from gapscan's own output: each side's weighted
top-box share, mean, NPS and answer shares, Σw and Kish's n_eff, overall and per region.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from gapscan.cli import app
from tests.golden import ROOT

runner = CliRunner()
EXAMPLE = "surveys/weighted-pulse.yaml"
DATA = ROOT / "surveys" / "weighted-pulse.csv"
SIDES = {"vendor": "Account manager", "customer": "Customer"}
AGREE = ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"]
# question: (levels in order, top-box levels); scores are 1..5 and 0..10 as the labels state
QUESTIONS = {
    "understands": (AGREE, AGREE[3:]),
    "value": (AGREE, AGREE[3:]),
    "recommend": ([str(i) for i in range(11)], ["9", "10"]),
}


@pytest.fixture(autouse=True)
def _at_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


def analyze_json(schema: str) -> dict[str, Any]:
    result = runner.invoke(app, ["analyze", schema, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    return analyze_json(EXAMPLE)


def rows() -> list[dict[str, str]]:
    with DATA.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def expected_side(question: str, side: str, region: str | None) -> dict[str, Any]:
    """One side's weighted figures for a question, straight from the CSV."""
    levels, top = QUESTIONS[question]
    chosen = [
        r
        for r in rows()
        if r["role"] == SIDES[side] and region in (None, r["region"]) and r[question] != ""
    ]
    w = np.array([float(r["pw"]) for r in chosen])
    answer = np.array([levels.index(r[question]) for r in chosen])
    score = answer + (1 if levels is AGREE else 0)
    out: dict[str, Any] = {
        "n": len(chosen),
        "weight_sum": w.sum(),
        "n_eff": w.sum() ** 2 / (w**2).sum(),
        "top_box": (w * np.isin(answer, [levels.index(t) for t in top])).sum() / w.sum(),
        "mean": (w * score).sum() / w.sum(),
        "shares": [(w * (answer == i)).sum() / w.sum() for i in range(len(levels))],
    }
    if question == "recommend":
        out["nps"] = ((w * (score >= 9)).sum() - (w * (score <= 6)).sum()) / w.sum()
    return out


def view(result: dict[str, Any]) -> str | None:
    segment = result["segment"]
    assert set(segment) <= {"region"}
    return segment.get("region")  # type: ignore[no-any-return]


def test_the_example_runs_and_its_customers_count_for_fewer_than_n(
    report: dict[str, Any],
) -> None:
    assert report["settings"]["design"] == "weights pw; clusters account"
    overall = [r for r in report["results"] if view(r) is None]
    assert {r["question"] for r in overall} == set(QUESTIONS)
    for result in overall:
        customer, vendor = result["customer"], result["vendor"]
        assert customer["n_eff"] < customer["n"] - 20, "the unequal weights cost effective n"
        assert vendor["n_eff"] == pytest.approx(vendor["n"])  # every manager has pw 1
        assert customer["deff"] > 1.2, "contacts of one account answer alike"
        assert result["test"] == "design-t"


def test_weighted_shares_are_the_weighted_computation_from_the_csv(
    report: dict[str, Any],
) -> None:
    views = {(r["question"], view(r)) for r in report["results"]}
    regions = {r["region"] for r in rows()}
    assert views == {(q, v) for q in QUESTIONS for v in [None, *regions]}
    for result in report["results"]:
        for side in SIDES:
            got = result[side]
            want = expected_side(result["question"], side, view(result))
            where = (result["question"], view(result), side)
            assert got["n"] == want["n"], where
            for key in ("weight_sum", "n_eff", "top_box", "mean"):
                assert got[key] == pytest.approx(want[key], rel=1e-12, abs=1e-12), (where, key)
            shares = [level["share"] for level in got["distribution"]]
            assert shares == pytest.approx(want["shares"], rel=1e-12, abs=1e-12), where
            if "nps" in want:
                assert got["nps"] == pytest.approx(want["nps"], rel=1e-12, abs=1e-12), where
        gap = result["vendor"]["top_box"] - result["customer"]["top_box"]
        assert result["gap"] == pytest.approx(gap, rel=1e-12, abs=1e-12)


def unweighted_run(directory: Path) -> dict[str, Any]:
    """The example's schema without its weight: and design: lines, on the same CSV."""
    text = (ROOT / EXAMPLE).read_text(encoding="utf-8")
    kept = [line for line in text.splitlines() if not line.startswith(("weight:", "design:"))]
    kept = [line for line in kept if not line.startswith("  cluster:")]
    assert len(kept) == len(text.splitlines()) - 3
    schema = directory / "unweighted.yaml"
    schema.write_text("\n".join(kept).replace("[weighted-pulse.csv]", f"[{DATA}]"), "utf-8")
    unweighted = analyze_json(str(schema))
    assert unweighted["settings"].get("design") is None
    return unweighted


def test_the_weights_widen_the_gap_the_unweighted_run_understates(
    report: dict[str, Any], tmp_path: Path
) -> None:
    """What the README's paragraph shows: the over-sampled, happier EMEA contacts pull the
    unweighted customer share up, so the unweighted gap is smaller than the weighted one."""
    plain = {r["question"]: r for r in unweighted_run(tmp_path)["results"] if view(r) is None}
    for result in (r for r in report["results"] if view(r) is None):
        before = plain[result["question"]]
        answers = [r[result["question"]] for r in rows() if r["role"] == "Customer"]
        top = QUESTIONS[result["question"]][1]
        share = sum(a in top for a in answers) / len(answers)
        assert before["customer"]["top_box"] == pytest.approx(share, rel=1e-12)
        assert result["customer"]["top_box"] < share - 0.05
        assert result["gap"] > before["gap"] + 0.05


def test_the_generator_writes_the_bundled_csv() -> None:
    spec = importlib.util.spec_from_file_location(
        "make_weighted_pulse", ROOT / "surveys" / "make_weighted_pulse.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    built = module.build(random.Random(module.SEED))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(built[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(built)
    assert out.getvalue() == DATA.read_text(encoding="utf-8")


def test_the_readme_shows_the_numbers_of_both_runs(report: dict[str, Any], tmp_path: Path) -> None:
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    weighted = {r["question"]: r for r in report["results"] if view(r) is None}
    plain = {r["question"]: r for r in unweighted_run(tmp_path)["results"] if view(r) is None}
    customer = weighted["understands"]["customer"]
    wanted = [
        f"count as n_eff = {customer['n_eff']:.1f}",
        f'top-box share on "understands" is {customer["deff"]:.2f}, of their mean '
        f"{customer['mean_deff']:.2f}",
        f"{plain['understands']['customer']['top_box']:.1%} of customers give a top-box "
        f"answer unweighted, {customer['top_box']:.1%} weighted",
        f"a gap of {plain['understands']['gap'] * 100:+.1f} points unweighted and "
        f"{weighted['understands']['gap'] * 100:+.1f} weighted",
        f'on "value" the gap is {plain["value"]["gap"] * 100:+.1f} '
        f"(holm p {plain['value']['p_adjusted']:.2f}, not significant) unweighted and "
        f"{weighted['value']['gap'] * 100:+.1f} (holm p {weighted['value']['p_adjusted']:.3f}, "
        "significant) weighted",
    ]
    assert not plain["value"]["significant"] and weighted["value"]["significant"]
    for text in wanted:
        assert text in readme, f"the README's weighted example is out of date: {text!r}"
