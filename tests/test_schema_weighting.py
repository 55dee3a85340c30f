"""The schema's ``weighting:``: the valid shape, and each problem with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from gapscan.schema import load_schema
from gapscan.survey import CUSTOMER, VENDOR
from gapscan.weighting import POST_STRATIFY, RAKE
from tests.test_schema import SMALL, line_of, problems_of, the_problem, write

RAKED = """\
weighting:
  rake:
    region: {EMEA: 0.40, APAC: 0.25, Americas: 0.35}
    tier: {Enterprise: 0.2, Mid-market: 0.5, SMB: 0.3}
  trim: {lower: 0.3, upper: 3.0}
  sides: [customer]
"""


def test_the_issue_example_loads(tmp_path: Path) -> None:
    spec = load_schema(write(tmp_path, SMALL + RAKED)).weighting
    assert spec is not None
    assert spec.method == RAKE and spec.sides == (CUSTOMER,)
    assert [m.variable for m in spec.margins] == ["region", "tier"]
    assert spec.margins[0].levels == ("EMEA", "APAC", "Americas")
    assert spec.margins[0].targets == (0.40, 0.25, 0.35)
    assert (spec.lower, spec.upper) == (0.3, 3.0)


def test_post_stratify_with_counts_and_both_sides_by_default(tmp_path: Path) -> None:
    text = SMALL + "weighting:\n  post_stratify:\n    stype: {E: 4421, H: 755, M: 1018}\n"
    spec = load_schema(write(tmp_path, text)).weighting
    assert spec is not None
    assert spec.method == POST_STRATIFY and spec.sides == (VENDOR, CUSTOMER)
    assert spec.margins[0].total == 6194
    assert (spec.lower, spec.upper) == (None, None)


def test_no_weighting_is_none(tmp_path: Path) -> None:
    assert load_schema(write(tmp_path, SMALL)).weighting is None


@pytest.mark.parametrize(
    ("old", "new", "fragments", "at"),
    [
        (", Americas: 0.35", "", ("region: the shares sum to 0.65, not 1",), "region:"),
        ("APAC: 0.25", "APAC: -0.25", ("the target of APAC is -0.25", "above 0"), "region:"),
        (
            "Enterprise: 0.2",
            "Enterprise: 200",
            ("tier sum to 200.8, those of region to 1",),
            "tier:",
        ),
        ("lower: 0.3", "lower: 1.5", ("trim.lower is 1.5", "below 1"), "trim:"),
        ("upper: 3.0", "upper: 0.5", ("trim.upper is 0.5", "above 1"), "trim:"),
        ("trim: {lower: 0.3, upper: 3.0}", "trim: {}", ("gives no bound",), "trim:"),
        ("sides: [customer]", "side: [customer]", ("unknown key 'side'", "'sides'"), "side:"),
        ("sides: [customer]", "sides: [customer, customer]", ("at most once",), "sides:"),
        ("  rake:", "  post_stratify: {a: {x: 1}}\n  rake:", ("either 'rake' or",), "weighting:"),
    ],
)
def test_weighting_problems(
    tmp_path: Path, old: str, new: str, fragments: tuple[str, ...], at: str
) -> None:
    assert old in RAKED
    path = write(tmp_path, SMALL + RAKED.replace(old, new))
    problem = the_problem(problems_of(path), *fragments)
    assert problem.line == line_of(path, at)


def test_post_stratify_takes_one_variable(tmp_path: Path) -> None:
    path = write(tmp_path, SMALL + RAKED.replace("rake:", "post_stratify:"))
    problem = the_problem(problems_of(path), "post_stratify takes one variable, not 2")
    assert problem.line == line_of(path, "post_stratify:")
