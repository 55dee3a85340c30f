"""What a report or an error says about what was not done: a filter that kept nothing,
NPS in paired mode."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from gapscan.cli import app
from tests.conftest import SURVEYS

runner = CliRunner()


def run(*args: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def test_a_filter_that_keeps_nothing_says_to_check_its_values() -> None:
    code, out, err = run("analyze", SURVEYS / "cmo-affinity.yaml", "--where", "region=Mars")
    assert code == 2 and out == ""
    assert err == (
        f"error: {SURVEYS / 'cmo-affinity.csv'}:1: all 900 rows were excluded (900 filter "
        "region): no responses left (check the values of the filters (filters:, --where, "
        "--where-not) and of sides.ignore against the file's values)\n"
    )


def test_paired_mode_says_it_computes_no_nps(tmp_path: Path) -> None:
    levels = ", ".join(str(i) for i in range(11))
    (tmp_path / "paired.yaml").write_text(
        "survey: Paired NPS\n"
        "sides: {column: side, vendor: [V], customer: [C]}\n"
        "pair_by: account\n"
        f"scales:\n  ten: {{levels: [{levels}], top_box: 2}}\n"
        "questions:\n  - {id: rec, scale: ten, column: rec, metric: nps}\n"
        "analysis: {min_n: 5, mode: paired}\n",
        "utf-8",
    )
    rows = ["account,side,rec"]
    for a in range(12):
        rows += [f"A{a},V,{(a * 7) % 11}", f"A{a},C,{(a * 5) % 11}"]
    (tmp_path / "d.csv").write_text("\n".join(rows) + "\n", "utf-8")
    code, out, err = run("analyze", tmp_path / "paired.yaml", tmp_path / "d.csv", "--width", "200")
    assert code == 0, err
    assert "NPS: not computed in paired mode (it compares two independent samples)." in out
    assert "NPS gaps as separate families" not in out
