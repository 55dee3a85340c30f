"""The terminal table at any width from 60 columns: every figure of the JSON report of
the same run is in the text, no line is longer than the width or ends in a space,
and piped output carries no escape code unless colour is forced."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from gapscan.cli import app
from tests.golden import ROOT

runner = CliRunner()
WAVES = [f"surveys/waves/affinity-2026Q{k}.csv" for k in (1, 2, 3)]
EXAMPLES = {
    "segments": ["analyze", "surveys/cmo-affinity.yaml"],
    "nps": ["analyze", "surveys/partner-nps.yaml"],
    "paired": ["analyze", "surveys/account-pulse.yaml"],
    "distribution": ["analyze", "surveys/cmo-affinity.yaml", "--distribution"],
    "weighted": ["analyze", "surveys/weighted-pulse.yaml"],
    "trend": ["trend", "surveys/cmo-affinity.yaml", *WAVES],
}
WIDTHS = [60, 80, 100, 160]
PLAIN = {"NO_COLOR": None, "FORCE_COLOR": None, "COLUMNS": None, "GITHUB_STEP_SUMMARY": None}
ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(autouse=True)
def _at_the_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def invoke(args: list[str], **env: str | None) -> Result:
    result = runner.invoke(app, args, env={**PLAIN, **env})
    assert result.exit_code in (0, 1), (args, result.stderr)
    return result


# -------------------------------------------------- the figures, as the JSON has them


def pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def pts(x: float) -> str:
    return f"{100 * x:+.1f}"


def p_value(p: float) -> str:
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def result_figures(r: dict[str, Any]) -> Iterator[str]:
    """What the terminal shows of one result of ``gapscan analyze``'s JSON."""
    v, c = r["vendor"], r["customer"]
    if r["mode"] == "paired":
        yield str(r["n_pairs"])
    else:
        yield f"{v['n']}/{c['n']}"
    if r["suppressed"]:
        return
    if r["mode"] == "paired":
        shares = (r["vendor_higher"], r["same"], r["customer_higher"])
        yield "/".join(f"{100 * x:.0f}" for x in shares)
        yield r["test"]
        yield p_value(r["mean_p_adjusted"])
        if r["kappa"] is not None:
            yield f"{r['kappa']:+.2f}"
    else:
        yield from (pct(v["top_box"]), pct(c["top_box"]), pts(r["ci_low"]), pts(r["ci_high"]))
    yield from (pts(r["gap"]), p_value(r["p_adjusted"]), f"{r['mean_gap']:+.2f}")
    if r["mean_gap_ci_low"] is not None:
        yield from (f"{r['mean_gap_ci_low']:+.2f}", f"{r['mean_gap_ci_high']:+.2f}")
    if r.get("nps_gap") is not None:
        yield from (pts(v["nps"]), pts(c["nps"]), pts(r["nps_gap"]))
        yield from (pts(r["nps_gap_ci_low"]), pts(r["nps_gap_ci_high"]))
        yield from (p_value(r["nps_p_adjusted"]), f"{v['n']}/{c['n']}")


def distribution_figures(report: dict[str, Any]) -> Iterator[str]:
    """Each level's share and count, once per view and side (numeric questions have
    no table)."""
    for r in report["results"]:
        if r["suppressed"] or r["scale"] is None:
            continue
        for side in (r["vendor"], r["customer"]):
            for d in side.get("distribution", []):
                yield from (pct(d["share"]), f"{d['n']:,}")


def trend_figures(trend: dict[str, Any]) -> Iterator[str]:
    for question in trend["questions"]:
        for w in question["waves"]:
            yield w["wave"]
            if w["suppressed"]:
                continue
            yield from (pct(w["vendor"]["top_box"]), pct(w["customer"]["top_box"]))
            yield from (pts(w["gap"]), pts(w["ci_low"]), pts(w["ci_high"]))
            if w.get("change") is not None:
                yield from (pts(w["change"]), pts(w["change_ci_low"]), pts(w["change_ci_high"]))
                yield p_value(w["change_p_value"])


def figures(name: str, args: list[str]) -> Counter[str]:
    """Every figure the table shows, parsed from the JSON report of the same run."""
    report = json.loads(invoke([*args, "--format", "json"]).stdout)
    if name == "trend":
        return Counter(trend_figures(report))
    found = Counter(f for r in report["results"] for f in result_figures(r))
    if name == "distribution":
        found.update(distribution_figures(report))
    return found


def tokens(text: str) -> Counter[str]:
    return Counter(t.strip("[](),*") for t in text.split())


def check_fits(text: str, width: int, expected: Counter[str]) -> None:
    lines = text.splitlines()
    too_long = [line for line in lines if len(line) > width]
    assert not too_long, f"{len(too_long)} lines longer than {width}: {too_long[:3]}"
    assert not [line for line in lines if line.endswith(" ")], "a line ends in a space"
    assert "\x1b" not in text, "piped output carries escape codes"
    assert "…" not in text, "a figure was cut"
    missing = expected - tokens(text)
    assert not missing, f"figures missing at {width} columns: {sorted(missing)[:10]}"


# --------------------------------------------------------------------------- tests


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_every_figure_fits_the_terminal_width(name: str, width: int) -> None:
    args = EXAMPLES[name]
    text = invoke(args, COLUMNS=str(width)).stdout
    check_fits(text, width, figures(name, args))


@pytest.mark.parametrize("name", ["segments", "paired", "trend"])
def test_width_option_obeys_the_same_rule(name: str) -> None:
    args = EXAMPLES[name]
    text = invoke([*args, "--width", "60"], COLUMNS="200").stdout  # --width wins
    check_fits(text, 60, figures(name, args))
    assert text == invoke(args, COLUMNS="60").stdout


def test_the_wider_the_terminal_the_fewer_lines() -> None:
    """Secondary figures move under the question only when the columns do not fit:
    at 160 columns a row's first line holds every figure."""
    lengths = [
        len(invoke(EXAMPLES["segments"], COLUMNS=str(w)).stdout.splitlines()) for w in WIDTHS
    ]
    assert lengths == sorted(lengths, reverse=True) and lengths[0] > lengths[-1]
    wide = invoke(EXAMPLES["segments"], COLUMNS="160").stdout
    row = next(line for line in wide.splitlines() if line.startswith("The vendor is customer"))
    for figure in ("56.0%", "12.0%", "+44.0", "+36.6,", "+51.1", "yes*", "<0.001", "200/700"):
        assert figure in row.split(), row


@pytest.mark.parametrize("columns", ["40", "0", "abc", ""])
def test_a_narrower_or_odd_columns_value_prints_at_60_or_the_default(columns: str) -> None:
    text = invoke(EXAMPLES["segments"], COLUMNS=columns).stdout
    width = 60 if columns == "40" else 100
    check_fits(text, width, figures("segments", EXAMPLES["segments"]))
    assert max(len(line) for line in text.splitlines()) > 60 or width == 60


def test_width_below_60_is_refused() -> None:
    result = runner.invoke(app, [*EXAMPLES["segments"], "--width", "59"], env=PLAIN)
    assert result.exit_code == 2
    assert "--width" in result.stderr and "60" in result.stderr


def test_force_color_colours_piped_output_and_no_color_wins() -> None:
    args = EXAMPLES["segments"]
    plain = invoke(args, COLUMNS="100").stdout
    coloured = invoke(args, COLUMNS="100", FORCE_COLOR="1").stdout
    assert ESCAPE.search(coloured), "FORCE_COLOR gives colour even when piped"
    assert ESCAPE.sub("", coloured) == plain, "colour changes nothing but the colour"
    assert not [line for line in coloured.splitlines() if re.search(r" (\x1b\[[0-9;]*m)*$", line)]
    assert invoke(args, COLUMNS="100", FORCE_COLOR="1", NO_COLOR="1").stdout == plain
    assert invoke([*args, "--no-color"], COLUMNS="100", FORCE_COLOR="1").stdout == plain
    assert invoke(args, COLUMNS="100", FORCE_COLOR="").stdout == plain  # empty: not set


@pytest.mark.parametrize("command", ["analyze", "trend", "validate"])
def test_every_table_command_takes_no_color(command: str) -> None:
    args = {"analyze": EXAMPLES["segments"], "trend": EXAMPLES["trend"]}.get(
        command, ["validate", "surveys/cmo-affinity.yaml"]
    )
    result = invoke([*args, "--no-color"], FORCE_COLOR="1")
    assert result.stdout and "\x1b" not in result.stdout
