"""End to end: the headline names what the tables show, in every medium."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_analyze import run
from tests.conftest import SURVEYS, schema_text

WAVES = SURVEYS / "waves"


def write_rows(tmp_path: Path, rows: list[tuple[str, str, str]], **schema: object) -> Path:
    """A survey of one question (q1) with a region column, from (side, region, answer)."""
    body = "".join(f"{side},{region},{answer}\n" for side, region, answer in rows)
    (tmp_path / "data.csv").write_text("side,region,q1\n" + body, encoding="utf-8")
    text = schema_text(questions=("q1",), **schema) + "data: [data.csv]\n"  # type: ignore[arg-type]
    (tmp_path / "survey.yaml").write_text(text, encoding="utf-8")
    return tmp_path / "survey.yaml"


def block(side: str, region: str, agree: int, n: int) -> list[tuple[str, str, str]]:
    return [(side, region, "Agree" if i < agree else "Disagree") for i in range(n)]


def opposite_regions(apac: str = "APAC") -> list[tuple[str, str, str]]:
    """In APAC customers rate higher (0% vs 100% top box), in EMEA vendors do (90% vs
    0%); the whole sample's 45% vs 50% is no significant gap."""
    return (
        block("Vendor", apac, 0, 20)
        + block("Customer", apac, 20, 20)
        + block("Vendor", "EMEA", 18, 20)
        + block("Customer", "EMEA", 0, 20)
    )


def test_a_segment_gap_is_named_when_the_whole_sample_has_none(tmp_path: Path) -> None:
    schema = write_rows(tmp_path, opposite_regions(), segments=("region",))
    code, out, err = run("analyze", schema, "--width", "400")
    assert code == 0, err
    lines = [line.rstrip() for line in out.splitlines()]
    whole = next(line for line in lines if line.startswith("Statement q1"))
    assert "45.0%" in whole and "50.0%" in whole and "-5.0 " in whole
    assert whole.split()[-4] == "no"  # not significant (then p, mean gap, n)
    apac = next(line for line in lines[lines.index("region = APAC") :] if "Statement" in line)
    assert "-100.0 " in apac and "-100.0, -77.2" in apac and "-2.00*" in apac
    assert apac.split()[-4] == "yes*"
    # The larger of the two segment gaps is APAC's -100 points: customers rate higher.
    assert (
        "No whole-sample top-box gap is significant; in APAC (region), customers rate their "
        "vendors 100.0 points higher than vendors rate themselves on “Statement q1”: 0.0% of "
        "vendors vs 100.0% of customers give a top-box answer (95% CI -100.0 to -77.2 points, "
        "p < 0.001 after holm correction)."
    ) in lines
    assert (
        "No whole-sample mean gap is significant; in APAC (region), customers rate their "
        "vendors 2.00 scale points higher on average than vendors rate themselves on "
        "“Statement q1” (p < 0.001 after holm correction)."
    ) in lines
    assert (
        "Tested: 3 top-box and 3 mean gaps (1 question in the whole sample and 2 segments), "
        "holm correction within each kind, α = 0.05."
    ) in lines


def test_the_json_names_the_segment_gap_and_keeps_headline_null(tmp_path: Path) -> None:
    schema = write_rows(tmp_path, opposite_regions(), segments=("region",))
    code, out, _ = run("analyze", schema, "--format", "json")
    assert code == 0
    report = json.loads(out)
    assert report["headline"] is None  # as before: the whole sample's, and it has none
    assert report["headline_segment"] == {"question": "q1", "segment": {"region": "APAC"}}
    assert report["headlines"] == [
        {"kind": "top_box", "tested": 3, "significant": 2, "question": "q1",
         "segment": {"region": "APAC"}},
        {"kind": "mean", "tested": 3, "significant": 2, "question": "q1",
         "segment": {"region": "APAC"}},
    ]  # fmt: skip


def test_nothing_significant_anywhere_is_said_plainly(tmp_path: Path) -> None:
    rows = [r for region in ("APAC", "EMEA") for r in block("Vendor", region, 5, 10)]
    rows += [r for region in ("APAC", "EMEA") for r in block("Customer", region, 5, 10)]
    schema = write_rows(tmp_path, rows, segments=("region",), correction="bonferroni")
    code, out, _ = run("analyze", schema, "--format", "markdown")
    assert code == 0
    section = out.split("## Headline\n\n")[1].split("\n\n")[0]
    assert section.splitlines() == [
        "- No top-box or mean gap is significant, in the whole sample or in any segment.",
        "- Tested: 3 top-box and 3 mean gaps (1 question in the whole sample and 2 segments), "
        "bonferroni correction within each kind, α = 0.05.",
    ]
    code, out, _ = run("analyze", schema, "--format", "json")
    assert json.loads(out)["headline_segment"] is None
    assert [h["question"] for h in json.loads(out)["headlines"]] == [None, None]


def test_suppressed_groups_are_counted_in_what_was_tested(tmp_path: Path) -> None:
    rows = block("Vendor", "APAC", 3, 3) + block("Customer", "APAC", 1, 3)
    rows += block("Vendor", "EMEA", 10, 12) + block("Customer", "EMEA", 1, 12)
    schema = write_rows(tmp_path, rows, segments=("region",))
    code, out, _ = run("analyze", schema, "--width", "400")
    assert code == 0
    assert (
        "Tested: 2 top-box and 2 mean gaps (1 question in the whole sample and 2 segments; "
        "1 group suppressed), holm correction within each kind, α = 0.05."
    ) in out.splitlines()


def test_without_a_correction_the_headline_says_so(tmp_path: Path) -> None:
    rows = block("Vendor", "APAC", 18, 20) + block("Customer", "APAC", 2, 20)
    schema = write_rows(tmp_path, rows, correction="none")
    code, out, _ = run("analyze", schema, "--width", "400")
    assert code == 0
    headline = out[out.index("Vendors rate themselves") :]
    assert "after none correction" not in headline
    assert "p < 0.001, not corrected for multiplicity)." in headline
    tested = "Tested: 1 top-box and 1 mean gap (1 question in the whole sample), not corrected"
    assert tested in out


def test_the_segment_is_escaped_in_markdown(tmp_path: Path) -> None:
    schema = write_rows(tmp_path, opposite_regions(apac="**APAC**"), segments=("region",))
    code, out, _ = run("analyze", schema, "--format", "markdown")
    assert code == 0
    assert "; in \\*\\*APAC\\*\\* (region), customers rate their vendors 100.0 points" in out


def test_the_mark_is_explained_under_the_first_table(example_schema: Path) -> None:
    code, out, _ = run("analyze", example_schema, "--format", "markdown")
    assert code == 0
    first_table_end = out.index("\n\n", out.index("## All respondents\n\n| Question") + 20)
    note = out[first_table_end + 2 :].split("\n\n")[0]
    assert note == (
        "Significant? yes* (and a * after a mean gap) means significant: adjusted p below "
        "α = 0.05 after holm correction across every table of this report, top-box and mean "
        "gaps as separate families."
    )
    code, out, _ = run("analyze", example_schema, "--width", "400")
    lines = [line.rstrip() for line in out.splitlines()]
    first_title = lines.index("All respondents")
    second_title = next(i for i, x in enumerate(lines) if x.startswith("region = "))
    assert note in lines[first_title:second_title]


def test_paired_headline_names_the_largest_paired_gaps() -> None:
    code, out, _ = run("analyze", SURVEYS / "account-pulse.yaml", "--format", "json")
    assert code == 0
    report = json.loads(out)
    whole = [r for r in report["results"] if not r["segment"] and not r["suppressed"]]
    top = max((r for r in whole if r["significant"]), key=lambda r: abs(r["gap"]))
    mean = max((r for r in whole if r["mean_significant"]), key=lambda r: abs(r["mean_gap"]))
    heads = {h["kind"]: h for h in report["headlines"]}
    assert (heads["top_box"]["question"], heads["mean"]["question"]) == (
        top["question"],
        mean["question"],
    )
    code, out, _ = run("analyze", SURVEYS / "account-pulse.yaml", "--width", "400")
    assert code == 0
    assert (
        f"Vendors rate themselves {100 * top['gap']:.1f} points higher than customers rate "
        f"them on “{top['question_text']}”"
    ) in out


def test_trend_headline_names_the_latest_waves_largest_change(tmp_path: Path) -> None:
    files = [WAVES / f"affinity-2026Q{k}.csv" for k in (1, 2, 3)]
    code, out, _ = run("trend", SURVEYS / "cmo-affinity.yaml", *files, "--width", "400")
    assert code == 1  # the README's example: the centricity gap widened, breaking a rule
    lines = [line.rstrip() for line in out.splitlines()]
    assert (
        "In 2026Q3, the largest significant change since 2026Q2: the top-box gap on “The "
        "vendor is customer-centric” widened by 8.0 points, from +41.0 to +49.0 (95% CI of "
        "the change +0.8 to +15.2 points, p = 0.030, not corrected for multiplicity)."
    ) in lines
    row = next(line for line in lines if line.lstrip().startswith("2026Q3 "))
    assert "+49.0 " in row and "yes*" in row and "+8.0*" in row and "+0.8, +15.2" in row
    assert "0.030" in row
    code, out, _ = run("trend", SURVEYS / "cmo-affinity.yaml", *files, "--format", "json")
    assert json.loads(out)["headline"] == {
        "question": "centricity",
        "wave": "2026Q3",
        "baseline_wave": "2026Q2",
    }


def test_trend_without_a_significant_change_says_so(tmp_path: Path) -> None:
    files = [WAVES / f"affinity-2026Q{k}.csv" for k in (1, 2)]
    code, out, _ = run(
        "trend", SURVEYS / "cmo-affinity.yaml", *files, "--format", "markdown", "--no-rules"
    )
    assert code == 0
    section = out.split("## Headline\n\n")[1].split("\n\n")[0]
    assert section == (
        "- No gap changed significantly in 2026Q2: 3 changes since the previous wave tested "
        "(p below α = 0.05, not corrected for multiplicity)."
    )
    code, out, _ = run("trend", SURVEYS / "cmo-affinity.yaml", *files, "--format", "json",
                       "--no-rules")  # fmt: skip
    assert json.loads(out)["headline"] is None
