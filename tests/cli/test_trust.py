"""Nothing ambiguous is guessed at, and a baseline is checked before it is trusted:
the real commands, their exit codes and messages, and inputs left as they were."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gapscan.cli import app
from tests.conftest import SURVEYS

SCHEMA = SURVEYS / "cmo-affinity.yaml"
WAVE = str(SURVEYS / "waves" / "affinity-2026Q{}.csv")


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.chdir(tmp_path)
    yield tmp_path


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"uncaught {result.exception!r}") from result.exception
    return result.exit_code, result.stdout, result.stderr


def run_bad(directory: Path, *args: str | Path) -> list[str]:
    """Run with bad input and --out; check exit 2, no traceback, no file written or
    changed; return the error lines."""
    before = {p.name: p.read_bytes() for p in directory.iterdir() if p.is_file()}
    code, stdout, stderr = run(*args, "--format", "json", "--out", "report.json")
    assert code == 2, f"exit {code}\nstderr: {stderr}"
    assert stdout == ""
    assert "Traceback" not in stderr
    after = {p.name: p.read_bytes() for p in directory.iterdir() if p.is_file()}
    assert after == before, "a file was written or changed"
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert lines and all(line.startswith("error: ") or "problems found" in line for line in lines)
    return [line for line in lines if line.startswith("error: ")]


def schema_variant(directory: Path, old: str, new: str, name: str = "survey.yaml") -> Path:
    text = SCHEMA.read_text(encoding="utf-8")
    assert old in text
    path = directory / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def line_of(path: Path, needle: str, occurrence: int = 1) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [i for i, line in enumerate(lines, start=1) if needle in line][occurrence - 1]


# ----------------------------------------------------------------- the schema


def test_a_repeated_key_stops_the_analysis_naming_both_lines(workdir: Path) -> None:
    schema = schema_variant(workdir, "    top_box: 2 ", "    top_box: 2\n    top_box: 4 ")
    errors = run_bad(workdir, "analyze", schema.name, WAVE.format(3))
    first, again = line_of(schema, "top_box: 2"), line_of(schema, "top_box: 4")
    assert errors == [
        f"error: survey.yaml:{again}: key 'top_box' repeated (first at line {first}) (keep one)"
    ]


def test_validate_shows_a_repeated_key_with_its_code(workdir: Path) -> None:
    schema = schema_variant(workdir, "  min_n: 10", "  min_n: 10\n  min_n: 30")
    code, stdout, _ = run("validate", schema.name, WAVE.format(3), "--format", "json")
    assert code == 2
    (finding,) = json.loads(stdout)["findings"]
    assert finding["code"] == "duplicate-key"
    assert finding["line"] == line_of(schema, "min_n: 30")
    assert (
        finding["message"] == f"key 'min_n' repeated (first at line {line_of(schema, 'min_n: 10')})"
    )


@pytest.mark.parametrize(
    ("old", "new", "hint"),
    [
        ("confidence: 0.95", "confidence: 95", "(did you mean 0.95?)"),
        ("alpha: 0.05", "alpha: 5", "(did you mean 0.05?)"),
        ("max: 0.50 ", "max: 50 ", "(did you mean 0.50?)"),
        ("max: 0.05\n", "max: 5\n", "(did you mean 0.05?)"),
    ],
    ids=["confidence", "alpha", "top-box-rule", "gap-change-rule"],
)
def test_a_percentage_for_a_fraction_stops_with_a_hint(
    workdir: Path, old: str, new: str, hint: str
) -> None:
    schema = schema_variant(workdir, old, new)
    (error,) = run_bad(workdir, "analyze", schema.name, WAVE.format(3))
    assert error.startswith(f"error: survey.yaml:{line_of(schema, new.strip())}: ")
    assert error.endswith(hint)


def test_a_segment_listed_twice_in_the_schema_stops(workdir: Path) -> None:
    schema = schema_variant(workdir, "segments: [region]", "segments: [region, region]")
    (error,) = run_bad(workdir, "analyze", schema.name, WAVE.format(3))
    assert error.startswith(f"error: survey.yaml:{line_of(schema, 'segments:')}: segment 'region'")
    assert "listed twice" in error


def test_by_given_twice_is_analysed_once_with_a_note(workdir: Path) -> None:
    code, once, _ = run("analyze", SCHEMA, WAVE.format(3), "--by", "region", "-f", "json")
    assert code in (0, 1)
    code_twice, twice, stderr = run(
        "analyze", SCHEMA, WAVE.format(3), "--by", "region", "--by", "region", "-f", "json"
    )
    assert code_twice == code
    assert stderr == "note: segment 'region' was given more than once; analysed once\n"
    single, double = json.loads(once), json.loads(twice)
    assert double["settings"]["notes"] == [
        "segment 'region' was given more than once; analysed once"
    ]
    assert "notes" not in single["settings"]
    assert double["settings"]["segments"] == ["region"]
    assert double["results"] == single["results"]  # same family: same adjusted p-values


def test_the_sides_column_as_a_segment_does_not_crash(workdir: Path) -> None:
    code, stdout, stderr = run(
        "analyze", SCHEMA, WAVE.format(3), "--by", "respondent_type", "-f", "json"
    )
    assert code in (0, 1), stderr
    segments = [r for r in json.loads(stdout)["results"] if r["segment"]]
    assert segments and all(r["suppressed"] for r in segments)  # one side per group


# ------------------------------------------------------------------- baseline


@pytest.fixture
def baseline(workdir: Path) -> Path:
    path = workdir / "2026Q2.json"
    code, _, stderr = run("analyze", SCHEMA, WAVE.format(2), "-f", "json", "--out", path)
    assert code in (0, 1), stderr
    return path


def edit(path: Path, change: str, to: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert change in text
    path.write_text(text.replace(change, to, 1), encoding="utf-8")


def test_a_good_baseline_is_compared(workdir: Path, baseline: Path) -> None:
    code, stdout, stderr = run(
        "analyze", SCHEMA, WAVE.format(3), "--baseline", baseline.name, "-f", "json"
    )
    assert code == 1, stderr  # the example's gap_change rule breaks
    report = json.loads(stdout)
    assert all("change" in r for r in report["results"] if not r["suppressed"])


def test_an_impossible_share_in_the_baseline_is_named_by_its_path(
    workdir: Path, baseline: Path
) -> None:
    data = json.loads(baseline.read_text(encoding="utf-8"))
    index = next(i for i, r in enumerate(data["results"]) if not r["suppressed"])
    data["results"][index]["vendor"]["top_box"] = 1.7
    baseline.write_text(json.dumps(data), encoding="utf-8")
    errors = run_bad(workdir, "analyze", SCHEMA, WAVE.format(3), "--baseline", baseline.name)
    assert errors == [f"error: 2026Q2.json: results[{index}].vendor.top_box: 1.7 is outside [0, 1]"]


def test_nan_in_the_baseline_is_an_error(workdir: Path, baseline: Path) -> None:
    edit(baseline, '"mean": ', '"mean": NaN, "x": ')
    (error,) = run_bad(workdir, "analyze", SCHEMA, WAVE.format(3), "--baseline", baseline.name)
    assert error.startswith("error: 2026Q2.json: results[0].vendor.mean: NaN is not a JSON number")


def test_a_baseline_of_a_differently_defined_survey_is_refused(
    workdir: Path, baseline: Path
) -> None:
    schema = schema_variant(
        workdir, "top_box: [Extremely customer-centric]", "top_box: 2", name="changed.yaml"
    )
    (error,) = run_bad(workdir, "analyze", schema.name, WAVE.format(3), "--baseline", baseline.name)
    assert error.startswith(
        "error: 2026Q2.json: question 'centricity': top_box differs from this run's schema: "
        "baseline [Extremely customer-centric], "
        "this run [Very customer-centric, Extremely customer-centric]"
    )


def test_renaming_a_question_s_text_keeps_the_baseline_usable(
    workdir: Path, baseline: Path
) -> None:
    schema = schema_variant(
        workdir, "text: The vendor is customer-centric", "text: Customers come first"
    )
    code, _, stderr = run(
        "analyze", schema.name, WAVE.format(3), "--baseline", baseline.name, "-f", "json"
    )
    assert code == 1, stderr


def test_a_baseline_from_before_fingerprints_is_refused_with_the_fix(
    workdir: Path, baseline: Path
) -> None:
    data = json.loads(baseline.read_text(encoding="utf-8"))
    del data["fingerprint"]
    baseline.write_text(json.dumps(data), encoding="utf-8")
    (error,) = run_bad(workdir, "analyze", SCHEMA, WAVE.format(3), "--baseline", baseline.name)
    assert error.startswith("error: 2026Q2.json: fingerprint: is missing")
    assert "gapscan analyze SCHEMA ITS-DATA --format json --out FILE" in error


def test_a_baseline_from_a_newer_gapscan_says_so(workdir: Path, baseline: Path) -> None:
    edit(baseline, '"format_version": 1', '"format_version": 2')
    (error,) = run_bad(workdir, "analyze", SCHEMA, WAVE.format(3), "--baseline", baseline.name)
    assert error == (
        "error: 2026Q2.json: the baseline was written by a newer gapscan: format 2; "
        "this one reads 1 (upgrade gapscan)"
    )


def test_a_baseline_sharing_no_question_is_an_error(workdir: Path, baseline: Path) -> None:
    text = baseline.read_text(encoding="utf-8")
    for qid in ("centricity", "improving", "alignment"):
        text = text.replace(f'"question": "{qid}"', f'"question": "old_{qid}"')
        text = text.replace(f'"{qid}": {{', f'"old_{qid}": {{')
    baseline.write_text(text, encoding="utf-8")
    (error,) = run_bad(workdir, "analyze", SCHEMA, WAVE.format(3), "--baseline", baseline.name)
    assert error.startswith("error: 2026Q2.json: the baseline shares no question with this run")
