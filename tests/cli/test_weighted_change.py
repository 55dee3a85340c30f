"""The change of a weighted gap across waves: ``gapscan trend`` and ``analyze --baseline``
on two generated weighted, clustered waves.

Each expected change is computed here from the two waves' own reports (``gap``,
``gap_se``, ``mean_gap``, ``mean_gap_se``, ``nps_gap``, ``nps_gap_se``), with scipy's
normal distribution: z = (gap₂ − gap₁) / sqrt(se₁² + se₂²), the waves being
independent samples.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.cli.test_bad_input import run, run_bad, workdir, write

__all__ = ["workdir"]

norm = pytest.importorskip("scipy.stats").norm

SCHEMA = (
    "survey: weighted waves\n"
    "sides: {column: side, vendor: [V], customer: [C]}\n"
    "weight: pw\n"
    "design: {cluster: account}\n"
    "scales:\n"
    "  five: {levels: [1, 2, 3, 4, 5], top_box: 2}\n"
    "  ten: {levels: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], nps: {}, top_box: 2}\n"
    "questions:\n"
    "  - {id: sat, scale: five, column: sat}\n"
    "  - {id: rec, scale: ten, column: rec}\n"
)
UNWEIGHTED = SCHEMA.replace("weight: pw\ndesign: {cluster: account}\n", "")
KINDS = {  # kind: (gap field, its SE, the change's field prefix)
    "top_box": ("gap", "gap_se", ""),
    "mean": ("mean_gap", "mean_gap_se", "mean_"),
    "nps": ("nps_gap", "nps_gap_se", "nps_"),
}


def wave(path: Path, seed: int, shift: float) -> Path:
    """A wave of 400 respondents in 60 accounts, with unequal weights; the customer
    side's answers move by ``shift`` from one wave to the next."""
    rng = np.random.default_rng(seed)
    lines = ["side,account,pw,sat,rec"]
    for i in range(400):
        side = "V" if i % 2 else "C"
        account = int(rng.integers(60))
        lift = 0.8 if side == "V" else shift
        sat = int(np.clip(round(rng.normal(3 + lift, 1.1)), 1, 5))
        rec = int(np.clip(round(rng.normal(6.5 + 2 * lift, 2.2)), 0, 10))
        pw = round(float(rng.uniform(0.4, 3.0)), 3)
        lines.append(f"{side},A{account},{pw},{sat},{rec}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def waves(workdir: Path) -> tuple[Path, Path]:
    write(workdir / "s.yaml", SCHEMA)
    return wave(workdir / "w-2026Q1.csv", 1, 0.0), wave(workdir / "w-2026Q2.csv", 2, 0.6)


def analyze_json(schema: str, data: Path, *extra: str) -> dict[str, Any]:
    out = data.with_suffix(".json")
    code, _, stderr = run("analyze", schema, str(data), "-f", "json", "-o", str(out), *extra)
    assert code in (0, 1), stderr
    return json.loads(out.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def expected_change(before: dict[str, Any], after: dict[str, Any], kind: str) -> dict[str, float]:
    gap, se, _ = KINDS[kind]
    change = after[gap] - before[gap]
    sd = math.sqrt(before[se] ** 2 + after[se] ** 2)
    z = change / sd
    half = norm.ppf(0.975) * sd
    return {
        "baseline_gap": before[gap],
        "change": change,
        "change_statistic": z,
        "change_p_value": 2 * norm.sf(abs(z)),
        "change_ci_low": change - half,
        "change_ci_high": change + half,
    }


def assert_changes(before: dict[str, Any], after: dict[str, Any], got: dict[str, Any]) -> None:
    for kind, (_, _, prefix) in KINDS.items():
        if before.get(KINDS[kind][0]) is None:
            continue
        for key, value in expected_change(before, after, kind).items():
            assert got[prefix + key] == pytest.approx(value, rel=1e-9, abs=1e-12), (kind, key)


def by_question(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["question"]: r for r in report["results"] if not r["segment"]}


def test_trend_changes_are_the_z_of_the_two_waves_gaps_and_ses(
    waves: tuple[Path, Path],
) -> None:
    first, second = (by_question(analyze_json("s.yaml", w)) for w in waves)
    code, out, stderr = run("trend", "s.yaml", *map(str, waves), "-f", "json")
    assert code in (0, 1), stderr
    trend = json.loads(out)
    for q in trend["questions"]:
        points = q["waves"]
        assert [p["wave"] for p in points] == ["2026Q1", "2026Q2"]
        assert "change" not in points[0]
        before, after = first[q["question"]], second[q["question"]]
        assert points[1]["gap_se"] == after["gap_se"]
        assert_changes(before, after, points[1])
    assert {"sat", "rec"} == {q["question"] for q in trend["questions"]}
    # the customers moved up by 0.6 points of 1-5: the mean gap shrinks, significantly
    sat = next(q for q in trend["questions"] if q["question"] == "sat")["waves"][1]
    assert sat["mean_change"] < 0 and sat["mean_change_p_value"] < 0.05
    for fmt, said in (
        ("markdown", "design-based (Taylor-linearised) SEs"),
        ("table", "gaps from their design-based SEs"),
    ):
        code, out, stderr = run("trend", "s.yaml", *map(str, waves), "-f", fmt, "--width", "200")
        assert code in (0, 1), stderr
        assert said in " ".join(out.split()) and "unpooled" not in out


def test_baseline_gives_the_same_changes_as_the_trend(waves: tuple[Path, Path]) -> None:
    earlier = analyze_json("s.yaml", waves[0])
    first = by_question(earlier)
    assert all(r["gap_se"] is not None for r in first.values())
    assert earlier["fingerprint"]["design"] == {"weight": "pw", "cluster": "account"}
    baseline = waves[0].with_suffix(".json")
    later = by_question(analyze_json("s.yaml", waves[1], "--baseline", str(baseline)))
    plain = by_question(analyze_json("s.yaml", waves[1]))
    for qid, result in later.items():
        assert result["baseline_wave"] == "2026Q1"
        assert_changes(first[qid], plain[qid], result)
    code, out, stderr = run(
        "analyze", "s.yaml", str(waves[1]), "--baseline", str(baseline), "-f", "markdown"
    )
    assert code in (0, 1), stderr
    assert "design-based (Taylor-linearised) SEs" in out


def test_the_design_options_on_the_command_line_count_as_the_schema_does(
    waves: tuple[Path, Path], workdir: Path
) -> None:
    write(workdir / "plain.yaml", UNWEIGHTED)
    baseline = waves[0].with_suffix(".json")
    analyze_json("s.yaml", waves[0])
    report = analyze_json(
        "plain.yaml",
        waves[1],
        "--weight",
        "pw",
        "--cluster",
        "account",
        "--baseline",
        str(baseline),
    )
    assert all("change" in r for r in by_question(report).values())


def test_a_weighted_baseline_with_an_unweighted_run_is_refused(
    waves: tuple[Path, Path], workdir: Path
) -> None:
    write(workdir / "plain.yaml", UNWEIGHTED)
    baseline = waves[0].with_suffix(".json")
    analyze_json("s.yaml", waves[0])
    err = run_bad(workdir, "analyze", "plain.yaml", str(waves[1]), "--baseline", str(baseline))
    assert f"error: {baseline}: design (weights and sampling design) differs" in err
    assert "baseline [weight pw; cluster account], this run none (unweighted)" in err


def test_an_unweighted_baseline_with_a_weighted_run_is_refused(
    waves: tuple[Path, Path], workdir: Path
) -> None:
    write(workdir / "plain.yaml", UNWEIGHTED)
    plain = analyze_json("plain.yaml", waves[0])
    assert "design" not in plain["fingerprint"]
    baseline = waves[0].with_suffix(".json")
    err = run_bad(workdir, "analyze", "s.yaml", str(waves[1]), "--baseline", str(baseline))
    assert "baseline none (unweighted), this run [weight pw; cluster account]" in err


def test_a_weighted_baseline_without_its_ses_is_refused_by_field(
    waves: tuple[Path, Path], workdir: Path
) -> None:
    report = analyze_json("s.yaml", waves[0])
    del report["results"][0]["gap_se"]
    report["results"][1]["mean_gap_se"] = -0.5
    baseline = write(workdir / "old.json", json.dumps(report))
    err = run_bad(workdir, "analyze", "s.yaml", str(waves[1]), "--baseline", str(baseline))
    assert "results[0].gap_se: is missing (a weighted report carries each gap's SE)" in err
    assert "results[1].mean_gap_se: -0.5 is not a number >= 0" in err


def test_trend_takes_the_design_on_the_command_line(
    waves: tuple[Path, Path], workdir: Path
) -> None:
    write(workdir / "plain.yaml", UNWEIGHTED)
    files = list(map(str, waves))
    code, out, stderr = run("trend", "s.yaml", *files, "-f", "json")
    assert code in (0, 1), stderr
    given = ("--weight", "pw", "--cluster", "account")
    code, same, stderr = run("trend", "plain.yaml", *files, *given, "-f", "json")
    assert code in (0, 1), stderr
    schema_points = [q["waves"] for q in json.loads(out)["questions"]]
    option_points = [q["waves"] for q in json.loads(same)["questions"]]
    assert option_points == schema_points
    assert "mean_change" in option_points[0][1]


def test_a_paired_trend_with_a_design_is_refused(waves: tuple[Path, Path], workdir: Path) -> None:
    """The schema refuses weight: with mode: paired itself; --weight on the command line
    is refused by the run, before any wave is read."""
    write(workdir / "paired.yaml", UNWEIGHTED + "pair_by: account\nanalysis:\n  mode: paired\n")
    files = map(str, waves)
    err = run_bad(workdir, "trend", "paired.yaml", *files, "--weight", "pw", out=False)
    assert "error: paired.yaml: weights and designs apply to independent samples" in err


def test_a_malformed_fingerprint_design_is_refused_by_field(
    waves: tuple[Path, Path], workdir: Path
) -> None:
    report = analyze_json("s.yaml", waves[0])
    report["fingerprint"]["design"] = {"weight": 3, "psu": "account"}
    baseline = write(workdir / "old.json", json.dumps(report))
    err = run_bad(workdir, "analyze", "s.yaml", str(waves[1]), "--baseline", str(baseline))
    assert "fingerprint.design.weight: 3 is not text" in err
    assert (
        "fingerprint.design.psu: is not a design role (weight, cluster, strata, fpc, weighting)"
        in err
    )
