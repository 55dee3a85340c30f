"""analyze (and trend, validate) apply the schema's ``weighting:``: the weights are
those ``gapscan weights`` writes, the estimates those of a run with ``weight:`` on a
column holding them, and every output says how the weights were made.

R figures (survey package; the sources are named in tests/cli/test_weights.py and
tests/test_weighting.py): ``svymean(~api00, dclus1r)`` = 641.23 for the raked
``dclus1r <- rake(dclus1, list(~stype, ~sch.wide), list(pop.types, pop.schwide))``
(tests/rakecheck.Rout.save) and ``svymean(~api00, dclus1p)`` = 642.31 for the
post-stratified ``dclus1p <- postStratify(dclus1, ~stype, pop.types)``
(tests/api.Rout.save), reproduced here through ``gapscan analyze``. The standard errors
of made weights are not those of the same weights given as a column (R's svyrecvar
takes the weighting cells' residuals): they are held to R in
tests/cli/test_calibrated_variance.py."""

from __future__ import annotations

import csv
import io
import json
import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from gapscan.cli import app

runner = CliRunner()
APICLUS1 = Path("/work/shared/external/r-survey-api/apiclus1.csv")

HEAD = """\
survey: generated panel
sides: {column: side, vendor: [Vendor], customer: [Customer]}
respondent_id: rid
segments: [size]
scales:
  yn: {levels: ["no", "yes"], top_box: ["yes"]}
  five: {levels: ["1", "2", "3", "4", "5"], top_box: ["4", "5"]}
questions:
  - {id: q, scale: yn, column: q}
  - {id: sc, scale: five, column: sc}
"""
WEIGHTING = """\
weighting:
  rake:
    region: {EMEA: 0.45, APAC: 0.25, Americas: 0.30}
    tier: {SMB: 0.6, Enterprise: 0.4}
"""
TARGETS = {"region": {"EMEA": 0.45, "APAC": 0.25, "Americas": 0.30}, "tier": {"SMB": 0.6}}
# estimates of a result that the made weights determine (n and the tests' names aside)
RESULT_FIELDS = ("gap", "df", "mean_gap", "mean_df")
SIDE_FIELDS = ("n", "n_eff", "top_box", "mean")
# and its variances, which differ: made weights are not fixed (svyrecvar's postStrata)
VARIANCE_FIELDS = ("gap_se", "mean_gap_se")


def _write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def _panel(n: int = 600, seed: int = 10) -> str:
    """A panel whose regions and tiers are off their targets, answers depending on
    both (so weighting moves the estimates), accounts of four contacts on average."""
    rng = np.random.default_rng(seed)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["rid", "side", "region", "tier", "size", "account", "q", "sc"])
    for i in range(n):
        side = "Vendor" if rng.random() < 0.35 else "Customer"
        region = str(rng.choice(["EMEA", "APAC", "Americas"], p=[0.6, 0.3, 0.1]))
        tier = str(rng.choice(["SMB", "Enterprise"], p=[0.3, 0.7]))
        p_yes = 0.3 + 0.3 * (region == "EMEA") + 0.2 * (tier == "SMB") - 0.1 * (side == "Customer")
        score = int(np.clip(rng.normal(3 + (region == "APAC") - (side == "Customer"), 1), 1, 5))
        writer.writerow(
            [
                f"r{i}",
                side,
                region,
                tier,
                str(rng.choice(["small", "large"])),
                f"A{int(rng.integers(0, n // 4))}",
                "yes" if rng.random() < p_yes else "no",
                "" if rng.random() < 0.05 else str(score),
            ]
        )
    return out.getvalue()


@pytest.fixture
def panel(tmp_path: Path) -> Path:
    return _write(tmp_path / "panel.csv", _panel())


def _json(*args: str | Path) -> dict[str, Any]:
    result = runner.invoke(app, ["analyze", *map(str, args), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def _made_weights(schema: Path, data: Path) -> dict[str, float]:
    result = runner.invoke(app, ["weights", str(schema), str(data)])
    assert result.exit_code == 0, result.stderr
    rows = csv.DictReader(io.StringIO(result.stdout))
    return {r["respondent_id"]: float(r["weight"]) for r in rows}


def _with_weight_column(data: Path, weights: dict[str, float], out: Path) -> Path:
    rows = list(csv.DictReader(io.StringIO(data.read_text(encoding="utf-8"))))
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, [*rows[0], "w"], lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow(row | {"w": repr(weights[row["rid"]])})
    return out


@pytest.mark.parametrize("design", ["", "design: {cluster: account}\n"])
def test_weighted_estimates_are_those_of_the_weights_as_a_column(
    tmp_path: Path, panel: Path, design: str
) -> None:
    """The made weights, written by ``gapscan weights`` and read back as ``weight:``,
    give the same estimates as analyze making them itself; not the same standard
    errors, which take the raking's residuals only when analyze made the weights."""
    raked = _write(tmp_path / "raked.yaml", HEAD + design + WEIGHTING)
    weights = _made_weights(raked, panel)
    column = _with_weight_column(panel, weights, tmp_path / "weighted.csv")
    fixed = _write(tmp_path / "fixed.yaml", HEAD + "weight: w\n" + design)
    made, given = _json(raked, panel), _json(fixed, column)
    assert made["settings"]["degf"] == given["settings"]["degf"]
    assert len(made["results"]) == len(given["results"]) == 6  # 2 questions x 3 views
    for a, b in zip(made["results"], given["results"], strict=True):
        assert (a["question"], a["segment"]) == (b["question"], b["segment"])
        for name in RESULT_FIELDS:
            assert a[name] == pytest.approx(b[name], rel=1e-9, abs=1e-12), (a["question"], name)
        for name in VARIANCE_FIELDS:
            assert a[name] != pytest.approx(b[name], rel=1e-6), (a["question"], name)
        for side in ("vendor", "customer"):
            for name in SIDE_FIELDS:
                got, want = a[side][name], b[side][name]
                assert got == pytest.approx(want, rel=1e-9), (a["question"], side, name)
    unweighted = _json(_write(tmp_path / "plain.yaml", HEAD + design), panel)
    assert made["results"][0]["gap"] != pytest.approx(unweighted["results"][0]["gap"], abs=1e-3)


def test_analyze_makes_the_weights_gapscan_weights_writes(tmp_path: Path, panel: Path) -> None:
    from gapscan.responses import load_responses
    from gapscan.schema import load_schema

    raked = _write(tmp_path / "raked.yaml", HEAD + WEIGHTING + "  trim: {upper: 1.6}\n")
    written = _made_weights(raked, panel)
    responses = load_responses(load_schema(raked), [panel], origins=True)
    assert responses.design is not None and responses.origins is not None
    assert responses.origins.ids is not None
    used = dict(zip(responses.origins.ids, responses.design.weight.tolist(), strict=True))
    assert used == written
    assert [s.column for s in responses.segments] == ["size"]  # region/tier: not segments


def test_the_json_says_how_the_weights_were_made(tmp_path: Path, panel: Path) -> None:
    raked = _write(tmp_path / "raked.yaml", HEAD + WEIGHTING + "  trim: {upper: 1.6}\n")
    report = _json(raked, panel)
    weighting = report["settings"]["weighting"]
    assert weighting["method"] == "rake"
    assert weighting["targets"]["region"] == TARGETS["region"]
    assert weighting["trim"] == {"lower": None, "upper": 1.6}
    assert weighting["base_weight"] is None
    rows = list(csv.DictReader(io.StringIO(panel.read_text(encoding="utf-8"))))
    weights = _made_weights(raked, panel)
    for side, label in (("vendor", "Vendor"), ("customer", "Customer")):
        w = np.asarray([weights[r["rid"]] for r in rows if r["side"] == label])
        made = weighting["sides"][side]
        assert made["n"] == w.size == report["respondents"][side]
        assert made["efficiency"] == pytest.approx(w.sum() ** 2 / (w.size * (w**2).sum()))
        assert made["trimmed"] == int(np.isclose(w, 1.6).sum()) > 0
        assert made["iterations"] >= 2
        region = np.asarray([r["region"] for r in rows if r["side"] == label])
        errors = [
            abs(w[region == level].sum() / w.sum() / share - 1)
            for level, share in TARGETS["region"].items()
        ]
        assert made["margin_error"] >= max(errors) - 1e-12 > 1e-6  # trimming moved them
    assert report["settings"]["design"] == "weights made by raking to region, tier"
    assert "trimWeights" in report["settings"]["weighting_method"]


def test_raked_weights_meet_the_targets(tmp_path: Path, panel: Path) -> None:
    raked = _write(tmp_path / "raked.yaml", HEAD + WEIGHTING + "  sides: [customer]\n")
    report = _json(raked, panel)
    assert list(report["settings"]["weighting"]["sides"]) == ["customer"]
    assert report["settings"]["weighting"]["sides"]["customer"]["margin_error"] <= 1e-6
    rows = list(csv.DictReader(io.StringIO(panel.read_text(encoding="utf-8"))))
    weights = _made_weights(raked, panel)
    customer = [r for r in rows if r["side"] == "Customer"]
    total = sum(weights[r["rid"]] for r in customer)
    for variable, targets in TARGETS.items():
        for level, share in targets.items():
            got = sum(weights[r["rid"]] for r in customer if r[variable] == level) / total
            assert got == pytest.approx(share, rel=1e-6), (variable, level)
    assert {weights[r["rid"]] for r in rows if r["side"] == "Vendor"} == {1.0}


def test_markdown_and_the_terminal_name_the_weighting(tmp_path: Path, panel: Path) -> None:
    raked = _write(tmp_path / "raked.yaml", HEAD + WEIGHTING)
    markdown = runner.invoke(app, ["analyze", str(raked), str(panel), "--format", "markdown"])
    assert markdown.exit_code == 0, markdown.stderr
    line = next(x for x in markdown.stdout.splitlines() if x.startswith("- Weighting: "))
    assert line.startswith("- Weighting: raking to region, tier; vendor: ")
    assert "weighting efficiency" in line and "customer: " in line
    methods = markdown.stdout[markdown.stdout.index("## Methods") :]
    assert "raking (iterative proportional fitting" in methods
    assert "design: weights made by raking to region, tier;" in methods
    console = runner.invoke(app, ["analyze", str(raked), str(panel), "--width", "200"])
    assert console.exit_code == 0, console.stderr
    assert "weighting: raking to region, tier; vendor: " in console.stdout


def test_trend_weighs_each_wave(tmp_path: Path) -> None:
    raked = _write(tmp_path / "raked.yaml", HEAD + WEIGHTING)
    waves = [_write(tmp_path / f"panel-2026Q{i}.csv", _panel(seed=i)) for i in (1, 2)]
    result = runner.invoke(app, ["trend", str(raked), *map(str, waves), "--format", "markdown"])
    assert result.exit_code == 0, result.stderr
    lines = [x for x in result.stdout.splitlines() if x.strip().startswith("- weighting: ")]
    assert len(lines) == 2 and lines[0] != lines[1], result.stdout
    listed = runner.invoke(app, ["trend", str(raked), *map(str, waves), "--format", "json"])
    assert listed.exit_code == 0, listed.stderr
    made = [wave["weighting"] for wave in json.loads(listed.stdout)["waves"]]
    for wave, data in zip(made, waves, strict=True):
        assert wave == _json(raked, data)["settings"]["weighting"]
    assert made[0] != made[1]


@pytest.mark.parametrize("command", ["analyze", "trend", "validate"])
def test_unreachable_targets_exit_2_and_write_nothing(
    tmp_path: Path, panel: Path, command: str
) -> None:
    text = HEAD + WEIGHTING.replace("Americas: 0.30}", "Americas: 0.20, LATAM: 0.10}")
    raked = _write(tmp_path / "raked.yaml", text)
    out = tmp_path / "report.md"
    data = [panel, _write(tmp_path / "panel-2026Q2.csv", _panel(seed=3))]
    args = [command, str(raked), *map(str, data if command == "trend" else data[:1])]
    listed = ["--format", "json"] if command == "validate" else []
    result = runner.invoke(app, [*args, *listed, "--out", str(out)])
    assert result.exit_code == 2
    line = 1 + text.splitlines().index(
        "    region: {EMEA: 0.45, APAC: 0.25, Americas: 0.20, LATAM: 0.10}"
    )
    reason = "weighting the customer side: region: target level(s) 'LATAM' held by no respondent"
    if command == "validate":
        findings = json.loads(out.read_text(encoding="utf-8"))["findings"]
        found = [f for f in findings if f["message"].startswith(reason)]
        assert [(f["code"], f["line"]) for f in found] == [("unreachable-target", line)]
    else:
        assert f"error: {raked}:{line}: {reason}" in result.stderr
        assert not out.exists() and "Traceback" not in result.stderr


def test_weighting_in_a_paired_run_is_refused(tmp_path: Path, panel: Path) -> None:
    raked = _write(tmp_path / "raked.yaml", HEAD + "pair_by: account\n" + WEIGHTING)
    result = runner.invoke(app, ["analyze", str(raked), str(panel), "--paired"])
    assert result.exit_code == 2
    assert "weights and designs apply to independent samples" in result.stderr
    assert "weighting:" in result.stderr


API_SCHEMA = """\
survey: api
respondent_id: snum
questions:
  - {id: api00, type: numeric, range: [0, 1000], column: api00}
design: {cluster: dnum}
weighting:
  rake:
    stype: {E: 4421, H: 755, M: 1018}
    sch.wide: {"No": 1072, "Yes": 5122}
  sides: [customer]
"""


@pytest.mark.parametrize(
    ("method", "mean"),
    [("rake", 641.23), ("post_stratify", 642.31)],  # R: dclus1r, dclus1p
)
def test_rs_raked_and_post_stratified_means_through_analyze(
    tmp_path: Path, method: str, mean: float
) -> None:
    if not APICLUS1.exists():
        pytest.skip("the api data is not here")
    text = API_SCHEMA
    if method == "post_stratify":
        text = text.replace("  rake:", "  post_stratify:")
        text = text.replace('    sch.wide: {"No": 1072, "Yes": 5122}\n', "")
    schema = _write(tmp_path / "api.yaml", text)
    lines = APICLUS1.read_text(encoding="utf-8").splitlines(keepends=True)
    vendor = tmp_path / "vendor.csv"
    vendor.write_text("".join(lines[:31]), encoding="utf-8")  # 30 schools, unweighted
    report = _json(schema, "--vendor", vendor, "--customer", APICLUS1)
    (result,) = report["results"]
    assert result["customer"]["n"] == 183
    assert round(result["customer"]["mean"], 2) == mean
    assert report["settings"]["weighting"]["method"] == method


def test_the_post_stratified_example_is_the_weighted_pulse(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """surveys/weighted-poststrat.yaml post-stratifies the customers to the population
    the pw column of weighted-pulse.yaml was drawn from (pw is constant per region), so
    every estimate is the same and only the sums of weights differ; its standard errors
    are those of a post-stratified design, taking the regions' residuals, not those of
    pw as fixed weights."""
    from tests.golden import ROOT

    monkeypatch.chdir(ROOT)
    made, given = _json("surveys/weighted-poststrat.yaml"), _json("surveys/weighted-pulse.yaml")
    assert made["settings"]["weighting"]["sides"]["customer"]["iterations"] == 1
    assert len(made["results"]) == len(given["results"]) > 3
    pairs = list(zip(made["results"], given["results"], strict=True))
    for a, b in pairs:
        for name in RESULT_FIELDS:
            assert a[name] == pytest.approx(b[name], rel=1e-9, abs=1e-12), (a["question"], name)
        for name in SIDE_FIELDS:
            got, want = a["customer"][name], b["customer"][name]
            assert got == pytest.approx(want, rel=1e-9), (a["question"], name)
        assert a["customer"]["weight_sum"] != pytest.approx(b["customer"]["weight_sum"])
    ses = [(a["customer"]["mean_se"], b["customer"]["mean_se"]) for a, b in pairs]
    assert any(made_se != pytest.approx(given_se, rel=1e-6) for made_se, given_se in ses)


def test_a_baseline_without_the_weighting_is_refused(tmp_path: Path, panel: Path) -> None:
    plain = _write(tmp_path / "plain.yaml", HEAD)
    baseline = tmp_path / "baseline.json"
    first = runner.invoke(app, ["analyze", str(plain), str(panel), "--format", "json"])
    assert first.exit_code == 0, first.stderr
    baseline.write_text(first.stdout, encoding="utf-8")
    raked = _write(tmp_path / "raked.yaml", HEAD + WEIGHTING)
    result = runner.invoke(app, ["analyze", str(raked), str(panel), "--baseline", str(baseline)])
    assert result.exit_code == 2
    assert "this run [weighting raking to region, tier]" in result.stderr
    again = runner.invoke(app, ["analyze", str(raked), str(panel), "--format", "json"])
    baseline.write_text(again.stdout, encoding="utf-8")
    same = runner.invoke(app, ["analyze", str(raked), str(panel), "--baseline", str(baseline)])
    assert same.exit_code == 0, same.stderr


def test_weighted_effect_sizes_are_of_the_weighted_shares_and_means(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Cohen's h of the weighted top-box shares and the weighted standardized mean
    difference (weighted means over the pooled weighted SD, each side's variance as
    svyvar: Σw(y - ȳ)²/Σw x n/(n - 1)), recomputed here from the example's CSV."""
    from tests.golden import ROOT

    monkeypatch.chdir(ROOT)
    report = _json("surveys/weighted-pulse.yaml")
    rows = list(csv.DictReader((ROOT / "surveys/weighted-pulse.csv").open(encoding="utf-8")))
    agree = ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"]
    roles = {"vendor": "Account manager", "customer": "Customer"}
    for result in (r for r in report["results"] if not r["segment"]):
        qid = result["question"]
        levels = agree if qid != "recommend" else [str(i) for i in range(11)]
        top = agree[3:] if qid != "recommend" else ["9", "10"]
        shares, moments = [], []
        for side in ("vendor", "customer"):
            answered = [r for r in rows if r["role"] == roles[side] and r[qid] in levels]
            w = np.asarray([float(r["pw"]) for r in answered])
            y = np.asarray(
                [levels.index(r[qid]) + (1 if qid != "recommend" else 0) for r in answered]
            )
            shares.append(float(w @ np.isin([r[qid] for r in answered], top)) / w.sum())
            mean = float(w @ y) / w.sum()
            variance = float(w @ (y - mean) ** 2) / w.sum() * w.size / (w.size - 1)
            moments.append((mean, variance, w.size))
        h = 2 * np.arcsin(np.sqrt(shares[0])) - 2 * np.arcsin(np.sqrt(shares[1]))
        assert result["effect_size_name"] == "cohens_h"
        assert result["effect_size"] == pytest.approx(h, rel=1e-9)
        (m_v, v_v, n_v), (m_c, v_c, n_c) = moments
        pooled = ((n_v - 1) * v_v + (n_c - 1) * v_c) / (n_v + n_c - 2)
        assert result["mean_effect_size_name"] == "weighted_smd"
        assert result["mean_effect_size"] == pytest.approx((m_v - m_c) / pooled**0.5, rel=1e-9)
    assert "weighted_smd" in report["settings"]["effect_sizes"]


def test_weighting_starts_from_the_weight_column(tmp_path: Path, panel: Path) -> None:
    """Post-stratified from weight:, each post-stratum keeps its respondents' weights in
    proportion (scaled to its target), and the JSON names the column started from."""
    rows = list(csv.DictReader(io.StringIO(panel.read_text(encoding="utf-8"))))
    base = {r["rid"]: 0.5 + (i % 7) / 3 for i, r in enumerate(rows)}
    data = _with_weight_column(panel, base, tmp_path / "based.csv")
    post = "weighting:\n  post_stratify:\n    region: {EMEA: 0.45, APAC: 0.25, Americas: 0.30}\n"
    text = HEAD + "weight: w\n" + post
    schema = _write(tmp_path / "post.yaml", text)
    made = _made_weights(schema, data)
    for side in ("Vendor", "Customer"):
        mine = [r for r in rows if r["side"] == side]
        total = sum(made[r["rid"]] for r in mine)
        for region, share in TARGETS["region"].items():
            group = [r["rid"] for r in mine if r["region"] == region]
            ratios = {round(made[rid] / base[rid], 9) for rid in group}
            assert len(ratios) == 1, (side, region)
            assert sum(made[rid] for rid in group) / total == pytest.approx(share, rel=1e-9)
    report = _json(schema, data)
    assert report["settings"]["weighting"]["base_weight"] == "w"
    assert report["settings"]["design"] == "weights made by post-stratification to region from w"
