"""The reports users commit and CI reads: golden files, markdown structure, time
stamps, the GitHub step summary and ``analyze --baseline``.

The golden cases live in ``tests/golden.py``; regenerate their files with
``python -m tests.golden`` (from the repository root) after an intended change.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token
from typer.testing import CliRunner

from gapscan.cli import app
from tests.golden import CASES, GOLDEN, ROOT, Case, mismatch_message, run_case

runner = CliRunner()

# The golden SVGs were drawn with the matplotlib that CI installs (.ci/constraints.txt);
# under another version they are only checked for determinism.
PINNED_MATPLOTLIB = re.search(
    r"^matplotlib==(\S+)", (ROOT / ".ci" / "constraints.txt").read_text(), re.M
)
SAME_MATPLOTLIB = PINNED_MATPLOTLIB is not None and (
    PINNED_MATPLOTLIB.group(1) == importlib.metadata.version("matplotlib")
)


def test_ci_runs_the_pinned_matplotlib() -> None:
    """In CI the golden charts must really be compared, not skipped."""
    if not os.environ.get("CI"):
        pytest.skip("outside CI another matplotlib may be installed")
    assert SAME_MATPLOTLIB, "CI must install .ci/constraints.txt"


STAMP = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"
GAP_CHANGE_RULE = "no gap widens by more than 5 points, significantly"
SCHEMA = "surveys/cmo-affinity.yaml"
WAVE = "surveys/waves/affinity-2026Q{}.csv"


@pytest.fixture(autouse=True)
def _at_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reports name their inputs by the paths given: run from the repository root with
    repository-relative paths, and never append to a real CI step summary."""
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


def run(*args: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    return result.exit_code, result.stdout, result.stderr


def case(name: str) -> Case:
    return next(c for c in CASES if c.name == name)


# ---------------------------------------------------------------- golden files


@pytest.mark.parametrize("golden_case", CASES, ids=lambda c: c.name)
def test_output_matches_golden_files_byte_for_byte(golden_case: Case, tmp_path: Path) -> None:
    first = run_case(golden_case, tmp_path / "first")
    second = run_case(golden_case, tmp_path / "second")
    assert first.exit_code == golden_case.exit_code, first.stderr
    for name in golden_case.files:
        assert name in first.files, f"`{golden_case.command()}` did not write {name}"
        assert first.files[name] == second.files.get(name), (
            f"two runs of `{golden_case.command()}` wrote different bytes to {name}"
        )
        if name.endswith(".svg") and not SAME_MATPLOTLIB:
            continue  # SVG paths differ between matplotlib versions: see PINNED_MATPLOTLIB
        golden = GOLDEN / name
        expected = golden.read_bytes() if golden.is_file() else None
        if first.files[name] != expected:
            pytest.fail(mismatch_message(golden_case, name, expected, first.files[name]))


def test_golden_reports_carry_no_time_stamp() -> None:
    for c in CASES:
        for name in c.files:
            if name.endswith((".md", ".json")):
                text = (GOLDEN / name).read_text(encoding="utf-8")
                assert not re.search(STAMP, text), name
                assert "Generated" not in text and '"generated"' not in text, name


def test_mismatch_message_says_how_to_regenerate() -> None:
    message = mismatch_message(case("cmo-affinity-json"), "cmo-affinity.json", b"{}\n", b"[]\n")
    assert "python -m tests.golden" in message
    assert "review the diff" in message
    assert "-{}" in message and "+[]" in message


# ------------------------------------------------------------ markdown structure


def html_and_tokens(text: str) -> tuple[str, list[Token]]:
    md = MarkdownIt("commonmark").enable("table")
    return md.render(text), md.parse(text)


def image_sources(tokens: list[Token]) -> list[str]:
    return [
        str(child.attrGet("src"))
        for token in tokens
        if token.type == "inline"
        for child in token.children or []
        if child.type == "image"
    ]


def block_after_heading(tokens: list[Token], title: str) -> str | None:
    """The type of the first block after the level-2 heading ``title``."""
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag == "h2" and tokens[i + 1].content == title:
            return tokens[i + 3].type  # heading_open, inline, heading_close, next block
    return None


@pytest.mark.parametrize("name", ["cmo-affinity", "account-pulse"])
def test_analyze_markdown_parses_as_github_markdown(name: str, tmp_path: Path) -> None:
    markdown = run_case(case(f"{name}-markdown"), tmp_path)
    report = json.loads(run_case(case(f"{name}-json"), tmp_path).files[f"{name}.json"])
    html, tokens = html_and_tokens(markdown.files[f"{name}.md"].decode("utf-8"))

    views = {json.dumps(r["segment"], sort_keys=True) for r in report["results"]}
    assert html.count("<table>") == len(views) + 1  # a table per view, and the rules
    assert html.count("<table>") == html.count("</table>")
    questions = {r["question"] for r in report["results"]}
    bodies = re.findall(r"<tbody>(.*?)</tbody>", html, flags=re.S)
    assert [b.count("<tr>") for b in bodies[:-1]] == [len(questions)] * len(views)
    assert bodies[-1].count("<tr>") == len(report["rules"])

    assert block_after_heading(tokens, "Headline") == "bullet_list_open"
    assert "<h2>Methods</h2>" in html

    sources = image_sources(tokens)
    assert sources, "the report links its chart"
    for src in sources:
        assert not Path(src).is_absolute(), src
        assert (tmp_path / src).is_file(), f"{src} does not exist next to the report"


def test_trend_markdown_parses_as_github_markdown(tmp_path: Path) -> None:
    markdown = run_case(case("affinity-waves-markdown"), tmp_path)
    trend = json.loads(run_case(case("affinity-waves-json"), tmp_path).files["affinity-waves.json"])
    html, tokens = html_and_tokens(markdown.files["affinity-waves.md"].decode("utf-8"))
    assert html.count("<table>") == len(trend["questions"]) + 1  # per question, and the rules
    bodies = re.findall(r"<tbody>(.*?)</tbody>", html, flags=re.S)
    assert [b.count("<tr>") for b in bodies[:-1]] == [len(trend["waves"])] * len(trend["questions"])
    sources = image_sources(tokens)
    assert sources
    for src in sources:
        assert (tmp_path / src).is_file(), src


def test_chart_links_resolve_when_charts_are_written_elsewhere(tmp_path: Path) -> None:
    """--charts in a sibling folder: the link must still lead from the report to the chart."""
    (tmp_path / "reports").mkdir()
    out = tmp_path / "reports" / "r.md"
    code, _, err = run("analyze", SCHEMA, "--format", "markdown", "--out", out,
                       "--charts", tmp_path / "img")  # fmt: skip
    assert code == 0, err
    sources = image_sources(html_and_tokens(out.read_text(encoding="utf-8"))[1])
    assert sources
    charts = [tmp_path / "img" / "r-gaps.svg", tmp_path / "img" / "r-gaps-by-region.svg"]
    assert sorted((out.parent / src).resolve() for src in sources) == sorted(
        c.resolve() for c in charts
    )


# ------------------------------------------------------------------ time stamp


def test_stamp_adds_the_time_of_the_run(tmp_path: Path) -> None:
    code, out, err = run("analyze", SCHEMA, "--format", "markdown", "--stamp")
    assert code == 0, err
    lines = [line for line in out.splitlines() if "Generated" in line]
    assert len(lines) == 1 and re.fullmatch(rf"- Generated {STAMP}", lines[0]), lines
    code, out, _ = run("analyze", SCHEMA, "--format", "json", "--stamp")
    assert code == 0
    assert re.fullmatch(STAMP, json.loads(out)["generated"])


def test_no_time_stamp_without_stamp() -> None:
    for fmt in ("markdown", "json"):
        code, out, _ = run("analyze", SCHEMA, "--format", fmt)
        assert code == 0
        assert not re.search(STAMP, out) and "Generated" not in out
        assert "generated" not in (json.loads(out) if fmt == "json" else {})


# ----------------------------------------------------------- CI step summary


def test_step_summary_appends_the_markdown_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, markdown, _ = run("analyze", SCHEMA, "--format", "markdown")
    assert code == 0
    summary = tmp_path / "summary.md"
    summary.write_text("## An earlier step\n\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    for _ in range(2):
        code, _, err = run("analyze", SCHEMA, "--width", "120")
        assert code == 0, err
    text = summary.read_text(encoding="utf-8")
    assert text == "## An earlier step\n\n" + (markdown + "\n") * 2
    assert text.count("# CMO Council customer affinity (synthetic)\n") == 2


# What the test tools themselves create in the checkout, perhaps while this test runs in
# another worker: Hypothesis' storage directory and pytest's cache.
TOOL_CACHES = {".hypothesis", ".pytest_cache"}


def test_no_step_summary_without_the_variable(tmp_path: Path) -> None:
    def in_checkout() -> list[str]:
        return sorted(p.name for p in ROOT.iterdir() if p.name not in TOOL_CACHES)

    before = in_checkout()
    out = tmp_path / "r.json"
    code, _, _ = run("analyze", SCHEMA, "--format", "json", "--out", out)
    assert code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json"]
    assert in_checkout() == before


def test_unwritable_step_summary_is_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The report is written before the summary: a summary that cannot be appended
    is said, and does not turn a finished run into a failed one."""
    target = tmp_path / "missing" / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(target))
    code, out, err = run("analyze", SCHEMA, "--format", "json", "--step-summary")
    assert code == 0 and json.loads(out)["exit_code"] == 0
    assert err.startswith("warning: ") and str(target) in err and "Traceback" not in err


# ---------------------------------------------------------------- --baseline


@pytest.fixture(scope="module")
def baselines(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """JSON reports of waves Q1 and Q2: under a name without a wave (q2.json), and
    under names that carry it (2026Q1.json, 2026Q2.json)."""
    folder = tmp_path_factory.mktemp("baselines")
    schema, q1, q2 = ROOT / SCHEMA, ROOT / WAVE.format(1), ROOT / WAVE.format(2)
    for data, out in ((q2, "q2.json"), (q1, "2026Q1.json")):
        code = runner.invoke(
            app, ["analyze", str(schema), str(data), "--format", "json", "--out", str(folder / out)]
        ).exit_code
        assert code == 0
    shutil.copy(folder / "q2.json", folder / "2026Q2.json")
    return folder


def whole_sample(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["question"]: r for r in report["results"] if r["segment"] == {}}


def test_widening_gap_since_baseline_breaches_gap_change_rule(baselines: Path) -> None:
    code, out, err = run(
        "analyze", SCHEMA, WAVE.format(3), "--baseline", baselines / "q2.json", "--format", "json"
    )
    assert code == 1, err
    report = json.loads(out)
    assert report["exit_code"] == 1
    assert report["baseline"] == str(baselines / "q2.json")
    assert [(b["rule"], b["metric"], b["question"], b["segment"]) for b in report["breaches"]] == [
        (GAP_CHANGE_RULE, "gap_change", "centricity", {})
    ]
    breach = report["breaches"][0]
    assert breach["value"] == pytest.approx(0.08)  # 41 -> 49 points
    assert 0.02 < breach["p_value"] < 0.04  # p ≈ 0.03; a change's p is not adjusted
    assert breach["p_adjusted"] is None
    rule = next(r for r in report["rules"] if r["metric"] == "gap_change")
    assert rule["checked"] == 3 and rule["held"] is False

    earlier = json.loads((baselines / "q2.json").read_text(encoding="utf-8"))
    before = {
        (r["question"], json.dumps(r["segment"])): r["gap"]
        for r in earlier["results"]
        if not r["suppressed"]
    }
    for r in report["results"]:
        key = (r["question"], json.dumps(r["segment"]))
        if r["suppressed"] or key not in before:
            assert "change" not in r
            continue
        for field in ("change", "change_ci_low", "change_ci_high", "change_p_value"):
            assert isinstance(r[field], float), (key, field)
        assert r["baseline_wave"] == "q2"  # no wave in the name: the file name's stem
        assert r["baseline_gap"] == pytest.approx(before[key], abs=1e-12)
        assert r["change"] == pytest.approx(r["gap"] - before[key], abs=1e-12)
        assert r["change_ci_low"] < r["change"] < r["change_ci_high"]
        assert 0 <= r["change_p_value"] <= 1
    centricity = whole_sample(report)["centricity"]
    assert centricity["change_significant"] is True
    assert centricity["change_p_value"] == pytest.approx(breach["p_value"])


def test_baseline_wave_comes_from_a_quarter_in_the_file_name(baselines: Path) -> None:
    code, out, _ = run(
        "analyze", SCHEMA, WAVE.format(3), "--baseline", baselines / "2026Q2.json",
        "--format", "json",
    )  # fmt: skip
    assert code == 1
    changes = [r for r in json.loads(out)["results"] if "change" in r]
    assert changes and {r["baseline_wave"] for r in changes} == {"2026Q2"}


def test_stable_gap_since_baseline_holds(baselines: Path) -> None:
    code, out, err = run(
        "analyze", SCHEMA, WAVE.format(2), "--baseline", baselines / "2026Q1.json",
        "--format", "json",
    )  # fmt: skip
    assert code == 0, err
    report = json.loads(out)
    assert report["breaches"] == [] and report["exit_code"] == 0
    centricity = whole_sample(report)["centricity"]
    assert centricity["baseline_wave"] == "2026Q1"
    assert centricity["change"] == pytest.approx(0.03)  # 38 -> 41 points
    assert centricity["change_p_value"] > 0.05 and centricity["change_significant"] is False
    rule = next(r for r in report["rules"] if r["metric"] == "gap_change")
    assert rule["checked"] == 3 and rule["held"] is True


def test_no_rules_with_baseline_exits_0(baselines: Path) -> None:
    code, out, _ = run(
        "analyze", SCHEMA, WAVE.format(3), "--baseline", baselines / "q2.json",
        "--no-rules", "--format", "json",
    )  # fmt: skip
    assert code == 0
    report = json.loads(out)
    assert report["breaches"] == [] and report["settings"]["rules_applied"] is False
    assert whole_sample(report)["centricity"]["change"] == pytest.approx(0.08)


def test_markdown_with_baseline_shows_change_and_breach_in_points(baselines: Path) -> None:
    code, out, _ = run(
        "analyze", SCHEMA, WAVE.format(3), "--baseline", baselines / "q2.json",
        "--format", "markdown",
    )  # fmt: skip
    assert code == 1
    assert f"- Compared with the earlier report `{baselines / 'q2.json'}`" in out
    html, _ = html_and_tokens(out)
    assert "<th>Change (points)</th>" in html.replace(' style="text-align:right"', "")
    row = next(line for line in out.splitlines() if line.startswith("| The vendor is customer-c"))
    assert "+8.0 *" in row
    # Human output gives proportions in points (SPEC §2), as the rules table's limit does.
    assert re.search(r"\| max \+5\.0 points +\|", out)
    assert f"- {GAP_CHANGE_RULE}: centricity: +8.0 points > max +5.0 points, p = 0.030" in out


def _not_a_report(folder: Path) -> Path:
    path = folder / "other.json"
    path.write_text('{"survey": "x", "results": []}\n', encoding="utf-8")
    return path


def _trend_report(folder: Path) -> Path:
    path = folder / "trend.json"
    code = runner.invoke(
        app, ["trend", SCHEMA, WAVE.format(1), WAVE.format(2), "--format", "json",
              "--out", str(path)],
    ).exit_code  # fmt: skip
    assert code == 0
    return path


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda d: d / "missing.json", "not found"),
        (lambda d: _write(d / "broken.json", b'{"results": [\n'), "not JSON"),
        (lambda d: _write(d / "empty.json", b""), "not JSON"),
        (lambda d: _write(d / "binary.json", b"\xff\xfe\x00\x81"), "baseline"),
        (lambda d: _write(d / "list.json", b"[1, 2]\n"), "not a gapscan JSON report"),
        (_not_a_report, "not a gapscan JSON report"),
        (_trend_report, "not a gapscan JSON report"),
    ],
    ids=["missing", "broken", "empty", "binary", "list", "other-json", "trend-json"],
)
def test_bad_baseline_exits_2_naming_the_file(make: Any, reason: str, tmp_path: Path) -> None:
    path = make(tmp_path)
    result = runner.invoke(
        app, ["analyze", SCHEMA, WAVE.format(3), "--baseline", str(path), "--format", "json"]
    )
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert result.stdout == ""
    assert result.stderr.startswith(f"error: {path}"), result.stderr
    assert reason in result.stderr
    assert "Traceback" not in result.stderr


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path
