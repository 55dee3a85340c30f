"""A baseline is checked before it is trusted: its fields, its format and its fingerprint."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gapscan.analysis import AnalysisOptions, analyze
from gapscan.baseline import MAX_SHOWN, read_baseline
from gapscan.errors import GapscanError
from gapscan.fingerprint import fingerprint_of
from gapscan.responses import load_responses
from gapscan.schema import load_schema
from gapscan.survey import Survey
from gapscan.trends import apply_baseline
from tests.conftest import SURVEYS

SCHEMA = SURVEYS / "cmo-affinity.yaml"
WAVE = str(SURVEYS / "waves" / "affinity-2026Q{}.csv")
Report = dict[str, Any]


def analysed(survey: Survey, wave: int) -> Any:
    responses = load_responses(survey, [WAVE.format(wave)], segments=("region",))
    return analyze(survey, responses, AnalysisOptions(segments=("region",)))


@pytest.fixture(scope="module")
def earlier() -> Report:
    """The JSON report of wave Q2, by region, as ``--format json`` writes it."""
    data: Report = analysed(load_schema(SCHEMA), 2).to_dict()
    return data


def written(tmp_path: Path, report: Report, name: str = "baseline.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(report, indent=2), encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(GapscanError) as info:
        read_baseline(path)
    assert all(p.file == str(path) for p in info.value.problems)
    return [str(p).removeprefix(f"{path}: ") for p in info.value.problems]


def first_shown(report: Report) -> int:
    """The index of the first result that is not suppressed."""
    return next(i for i, r in enumerate(report["results"]) if not r["suppressed"])


# --------------------------------------------------------------------- well formed


def test_a_report_reads_back_with_every_comparable_gap(tmp_path: Path, earlier: Report) -> None:
    baseline = read_baseline(written(tmp_path, earlier))
    shown = [r for r in earlier["results"] if not r["suppressed"]]
    assert shown
    assert len(baseline.gaps) == len(shown)
    assert baseline.questions == {"centricity", "improving", "alignment"}
    for r in shown:
        v, c, n_v, n_c = (
            r["vendor"]["top_box"],
            r["customer"]["top_box"],
            r["vendor"]["n"],
            r["customer"]["n"],
        )
        key = (r["question"], json.dumps(r["segment"], sort_keys=True))
        assert baseline.gaps[key] == (v, n_v, c, n_c)


def test_a_suppressed_result_needs_no_share_and_gives_no_gap(
    tmp_path: Path, earlier: Report
) -> None:
    report = copy.deepcopy(earlier)
    first = report["results"][0]
    first["suppressed"] = True
    first["vendor"] = {"n": 3, "suppressed": True}
    first["customer"] = {"n": 4, "suppressed": True}
    first["gap"] = None
    baseline = read_baseline(written(tmp_path, report))
    assert (first["question"], json.dumps(first["segment"])) not in baseline.gaps
    assert len(baseline.gaps) == sum(not r["suppressed"] for r in report["results"])


def _set(path: str, value: Any) -> Callable[[Report], None]:
    """Set (or, with ..., delete) the field at a dotted path such as 'results.0.gap'."""

    def change(report: Report) -> None:
        *parents, last = path.split(".")
        node: Any = report
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        if value is ...:
            del node[last]
        else:
            node[int(last) if last.isdigit() else last] = value

    return change


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (_set("results.0.vendor.top_box", 1.7), "results[0].vendor.top_box: 1.7 is outside [0, 1]"),
        (_set("results.0.customer.top_box", -0.1), "results[0].customer.top_box: -0.1 is outside"),
        (_set("results.0.vendor.n", -3), "results[0].vendor.n: -3 is negative"),
        (_set("results.0.vendor.n", 2.5), "results[0].vendor.n: 2.5 is not a whole number"),
        (_set("results.0.gap", ...), "results[0].gap: is missing (expected a number)"),
        (_set("results.0.gap", None), "results[0].gap: null is not a number"),
        (_set("results.0.gap", "0.4"), 'results[0].gap: "0.4" is not a number'),
        (_set("results.0.customer", "x"), 'results[0].customer: "x" is not an object'),
        (_set("results.0.question", 3), "results[0].question: 3 is not text"),
        (_set("results.0.suppressed", "no"), 'results[0].suppressed: "no" is not true or false'),
        (_set("results.0.segment", {"region": 1}), "results[0].segment: "),
        (_set("results.0.question", "other"), "results[0].question: 'other' is not in the"),
        (_set("results", {}), "results: {} is not a list"),
        (
            _set("fingerprint.questions.centricity.levels", ["Only"]),
            "fingerprint.questions.centricity.levels: a scale has at least two",
        ),
        (
            _set("fingerprint.questions.centricity.top_box", ["Nope"]),
            "fingerprint.questions.centricity.top_box: names a label that is not",
        ),
        (_set("fingerprint.sides.vendor", "Vendor"), 'fingerprint.sides.vendor: "Vendor" is not'),
        (_set("fingerprint.gapscan", ...), "fingerprint.gapscan: is missing (expected text)"),
    ],
)
def test_an_impossible_or_missing_field_is_named_by_its_path(
    tmp_path: Path, earlier: Report, change: Callable[[Report], None], expected: str
) -> None:
    report = copy.deepcopy(earlier)
    assert first_shown(report) == 0
    change(report)
    found = problems(written(tmp_path, report))
    assert len(found) == 1, found
    assert found[0].startswith(expected), found


def test_a_gap_that_is_not_vendor_minus_customer_is_an_error(
    tmp_path: Path, earlier: Report
) -> None:
    report = copy.deepcopy(earlier)
    report["results"][0]["gap"] += 1e-6
    (found,) = problems(written(tmp_path, report))
    assert found.startswith("results[0].gap: ")
    assert "is not vendor - customer top-box share" in found
    report["results"][0]["gap"] = earlier["results"][0]["gap"] + 1e-12  # rounding: accepted
    read_baseline(written(tmp_path, report))


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_errors_wherever_they_are(
    tmp_path: Path, earlier: Report, token: str
) -> None:
    report = copy.deepcopy(earlier)
    report["results"][0]["gap"] = "GAP"
    report["results"][1]["effect_size"] = "EFFECT"  # a field the comparison does not use
    text = json.dumps(report).replace('"GAP"', token).replace('"EFFECT"', token)
    path = tmp_path / "baseline.json"
    path.write_text(text, encoding="utf-8")
    assert problems(path) == [
        f"results[0].gap: {token} is not a JSON number (gapscan writes null)",
        f"results[1].effect_size: {token} is not a JSON number (gapscan writes null)",
    ]


def test_a_key_repeated_in_the_json_is_an_error(tmp_path: Path, earlier: Report) -> None:
    text = json.dumps(copy.deepcopy(earlier), indent=2)
    text = text.replace('"gap": ', '"gap": 0.99, "gap": ', 1)
    path = tmp_path / "baseline.json"
    path.write_text(text, encoding="utf-8")
    assert problems(path) == ["results[0]: key 'gap' repeated (keep one)"]


def test_a_result_given_twice_is_an_error(tmp_path: Path, earlier: Report) -> None:
    report = copy.deepcopy(earlier)
    report["results"].append(report["results"][0])
    last = len(report["results"]) - 1
    assert problems(written(tmp_path, report)) == [
        f"results[{last}]: repeats results[0] (same question and segment)"
    ]


def test_every_problem_is_reported_at_once_up_to_a_limit(tmp_path: Path, earlier: Report) -> None:
    report = copy.deepcopy(earlier)
    report["results"][0]["vendor"]["n"] = -1
    report["results"][1]["vendor"]["top_box"] = 2.0
    assert len(problems(written(tmp_path, report))) == 2
    report["results"] = [copy.deepcopy(report["results"][0]) for _ in range(MAX_SHOWN + 5)]
    found = problems(written(tmp_path, report))
    assert len(found) == MAX_SHOWN + 1
    assert found[-1].startswith("... and ")


def test_a_baseline_without_a_fingerprint_is_refused_with_the_fix(
    tmp_path: Path, earlier: Report
) -> None:
    report = copy.deepcopy(earlier)
    del report["fingerprint"]
    (found,) = problems(written(tmp_path, report))
    assert found.startswith("fingerprint: is missing (the report was written before")
    assert "gapscan analyze SCHEMA ITS-DATA --format json --out FILE" in found


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        (2, "the baseline was written by a newer gapscan: format 2; this one reads 1"),
        (0, "not a gapscan JSON report"),
        ("1", "not a gapscan JSON report"),
        (True, "not a gapscan JSON report"),
    ],
)
def test_the_format_version_is_checked(
    tmp_path: Path, earlier: Report, version: Any, expected: str
) -> None:
    report = copy.deepcopy(earlier) | {"format_version": version}
    (found,) = problems(written(tmp_path, report))
    assert expected in found


# --------------------------------------------------------------------- fingerprint


def variant(tmp_path: Path, old: str, new: str, count: int = 1) -> Survey:
    """The example schema with ``old`` replaced (``count`` times; -1: everywhere)."""
    text = SCHEMA.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "variant.yaml"
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return load_schema(path)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("text: The vendor is customer-centric", "text: Our vendor puts customers first"),
        ("column: centricity", "column: q1"),
        ("agree5", "agreement"),
        ("top_box: [Extremely customer-centric]", "top_box: [extremely CUSTOMER-centric]"),
        ("vendor: [Vendor]", "vendor: [VENDOR]"),
    ],
    ids=["question-text", "column", "scale-name", "label-case", "side-case"],
)
def test_what_does_not_change_a_question_s_identity(tmp_path: Path, old: str, new: str) -> None:
    survey = variant(tmp_path, old, new, count=-1)
    before, after = fingerprint_of(load_schema(SCHEMA)), fingerprint_of(survey)
    for qid, identity in before.questions:
        changed = after.question(qid)
        assert changed is not None and changed.digest == identity.digest, qid
    assert after.sides_dict() == before.sides_dict()


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("top_box: [Extremely customer-centric]", "top_box: 2"),
        ("Not customer-centric, Somewhat", "Not at all customer-centric, Somewhat"),
    ],
)
def test_levels_and_top_box_change_the_digest(tmp_path: Path, old: str, new: str) -> None:
    before = fingerprint_of(load_schema(SCHEMA)).question("centricity")
    after = fingerprint_of(variant(tmp_path, old, new)).question("centricity")
    assert before is not None and after is not None
    assert after.digest != before.digest


@pytest.mark.parametrize(
    ("old", "new", "named"),
    [
        ("top_box: [Extremely customer-centric]", "top_box: 2", "question 'centricity': top_box"),
        ("top_box: 2 ", "top_box: 3 ", "question 'improving': top_box"),
        (
            "Not aligned, Somewhat aligned",
            "Somewhat aligned, Not aligned",
            "question 'alignment': levels",
        ),
        ("vendor: [Vendor]", "vendor: [Vendor, Partner]", "sides.vendor"),
    ],
)
def test_a_baseline_defined_differently_is_refused_naming_the_difference(
    tmp_path: Path, earlier: Report, old: str, new: str, named: str
) -> None:
    survey = variant(tmp_path, old, new)
    path = written(tmp_path, earlier)
    with pytest.raises(GapscanError) as info:
        apply_baseline(analysed(survey, 3), survey, path)
    (problem,) = info.value.problems
    assert problem.file == str(path)
    assert problem.message.startswith(f"{named} differs from this run's schema: baseline ")
    assert before_and_after_are_shown(problem.message)


def before_and_after_are_shown(message: str) -> bool:
    return ", this run " in message.split("baseline ", 1)[1]


def test_only_the_questions_both_reports_hold_are_compared(tmp_path: Path, earlier: Report) -> None:
    report = copy.deepcopy(earlier)
    report["results"] = [r for r in report["results"] if r["question"] != "alignment"]
    report["fingerprint"]["questions"]["alignment"]["top_box"] = ["Well aligned"]
    survey = load_schema(SCHEMA)
    changed = apply_baseline(analysed(survey, 3), survey, written(tmp_path, report))
    compared = {r.question for r in changed.results if r.change is not None}
    assert compared == {"centricity", "improving"}


def test_a_baseline_sharing_no_question_is_an_error(tmp_path: Path, earlier: Report) -> None:
    report = copy.deepcopy(earlier)
    for r in report["results"]:
        r["question"] = "old_" + r["question"]
    fingerprint = report["fingerprint"]["questions"]
    report["fingerprint"]["questions"] = {"old_" + k: v for k, v in fingerprint.items()}
    survey = load_schema(SCHEMA)
    with pytest.raises(GapscanError) as info:
        apply_baseline(analysed(survey, 3), survey, written(tmp_path, report))
    (problem,) = info.value.problems
    assert problem.message == (
        "the baseline shares no question with this run (baseline: old_alignment, "
        "old_centricity, old_improving; this run: centricity, improving, alignment)"
    )


NUMERIC = """\
survey: Sliders
sides: {column: side, vendor: [V], customer: [C]}
questions:
  - {id: s, type: numeric, column: s, range: [0, 10], top_box: {min: 4}}
analysis: {min_n: 2}
rules:
  - {metric: gap_change, max: 0.5}
"""


def test_a_numeric_questions_baseline_is_compared_by_its_range_and_top_box(
    tmp_path: Path,
) -> None:
    """A numeric question has no levels of its own (they are its values): its
    fingerprint is its range and top box."""
    from typer.testing import CliRunner

    from gapscan.cli import app

    (tmp_path / "d.csv").write_text("side,s\nV,1\nV,2\nV,5\nC,3\nC,3\nC,4\nC,5\n", "utf-8")
    schema = tmp_path / "n.yaml"
    schema.write_text(NUMERIC, "utf-8")
    runner = CliRunner()

    def run(*args: str) -> tuple[int, str]:
        result = runner.invoke(app, ["analyze", str(schema), str(tmp_path / "d.csv"), *args])
        return result.exit_code, result.stdout + result.stderr

    base = str(tmp_path / "base.json")
    assert run("--format", "json", "--out", base, "--no-rules")[0] == 0
    code, out = run("--baseline", base, "--format", "json")
    assert code == 0, out
    assert json.loads(out)["rules"][0]["checked"] == 1
    schema.write_text(NUMERIC.replace("min: 4", "min: 5"), "utf-8")
    code, out = run("--baseline", base)
    assert code == 2
    assert "question 's': numeric differs" in out and "'min': 4.0" in out and "'min': 5.0" in out
