"""Filters (``filters:``, ``--where``, ``--where-not``), ``sides.ignore`` and
``sides.labels``: parsing, the rows they choose, and what the schema refuses."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gapscan.analysis import analyze
from gapscan.errors import GapscanError
from gapscan.responses import load_responses
from gapscan.schema import load_schema
from gapscan.subsets import apply_filters, command_line_filters, parse_where
from gapscan.survey import Filter
from tests.conftest import AGREE5, schema_text

# ------------------------------------------------------------------ --where parsing


def test_where_keeps_each_comma_separated_value_trimmed() -> None:
    f = parse_where("condition = control, impressive ", keep=True)
    assert (f.column, f.keep, f.values, f.origin) == (
        "condition",
        True,
        ("control", "impressive"),
        "command line",
    )


def test_where_value_holding_a_comma_is_quoted_as_in_csv() -> None:
    f = parse_where('region="North, East",West', keep=False)
    assert f.values == ("North, East", "West")
    assert not f.keep


def test_where_splits_at_the_first_equals_sign() -> None:
    assert parse_where("formula=a=b", keep=True).values == ("a=b",)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("condition", "expected COLUMN=VALUE"),
        ("=control", "expected COLUMN=VALUE"),
        ("condition=", "a value is empty"),
        ("condition=a,,b", "a value is empty"),
        ('condition="a,b', "unexpected end of data"),
    ],
)
def test_malformed_where_is_refused(text: str, expected: str) -> None:
    with pytest.raises(GapscanError) as info:
        parse_where(text, keep=True)
    assert expected in str(info.value)
    assert str(info.value).startswith(f"--where {text!r}")


def test_command_line_filters_are_the_keeps_then_the_drops() -> None:
    filters = command_line_filters(["a=1"], ["b=2", "c=3"])
    assert [(f.column, f.keep) for f in filters] == [("a", True), ("b", False), ("c", False)]


# ------------------------------------------------------------------ applying filters


def _column(cells: list[str | None]) -> tuple[list[str], np.ndarray]:
    """A column in the dictionary form gapscan reads (a null cell: index len(values))."""
    values = sorted({c for c in cells if c is not None})
    index = {v: i for i, v in enumerate(values)}
    return values, np.array([index[c] if c is not None else len(values) for c in cells])


def test_filters_apply_in_order_and_count_only_what_each_removes() -> None:
    columns = {
        "condition": _column(["control", " Control ", "random", "impressive", None]),
        "wave": _column(["1", "2", "1", "1", "1"]),
    }
    filters = [
        Filter("condition", True, ("CONTROL", "impressive")),
        Filter("wave", False, ("1",)),
    ]
    done = apply_filters(filters, columns, 5)
    assert done.drop.tolist() == [True, False, True, True, True]
    # the first removes 'random' and the null cell; the second the two wave-1 rows left
    assert done.removed == (2, 2)
    assert done.matched == (frozenset({"control", "impressive"}), frozenset({"1"}))


def test_a_filter_on_blank_cells_matches_null_cells() -> None:
    done = apply_filters([Filter("c", False, ("",))], {"c": _column(["a", None, " "])}, 3)
    assert done.drop.tolist() == [False, True, True]


# ------------------------------------------------------------------ the schema


def _load(tmp_path: Path, text: str) -> Any:
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    return load_schema(path)


def test_schema_filters_ignore_and_labels_are_read(tmp_path: Path) -> None:
    survey = _load(
        tmp_path,
        schema_text(
            extra="filters:\n  - {column: region, keep: [EMEA, 2]}\n"
            "  - {column: wave, drop: [pilot]}\n"
        ).replace(
            "sides: {column: side, vendor: [Vendor], customer: [Customer]}",
            "sides: {column: side, vendor: [Vendor], customer: [Customer], ignore: [Partner], "
            "labels: {vendor: Account team, customer: Customers}}",
        ),
    )
    assert [(f.column, f.keep, f.values, f.line) for f in survey.filters] == [
        ("region", True, ("EMEA", "2"), 4),  # line 3 is "filters:"
        ("wave", False, ("pilot",), 5),
    ]
    assert survey.sides.ignore == ("Partner",)
    assert survey.sides.labels == ("Account team", "Customers")


@pytest.mark.parametrize(
    ("sides", "filters", "message"),
    [
        ("{column: side, vendor: [V], customer: [C], ignore: [v]}", "", "also listed for a side"),
        ("{vendor: [V], customer: [C], ignore: [X]}", "", "sides.ignore needs sides.column"),
        (
            "{column: side, vendor: [V], customer: [C], labels: {vendor: Team, customer: team}}",
            "",
            "both sides are called 'Team'",
        ),
        (
            "{column: side, vendor: [V], customer: [C], labels: {vendor: ' '}}",
            "",
            "sides.labels.vendor is blank",
        ),
        (
            "{column: side, vendor: [V], customer: [C]}",
            "filters:\n  - {column: c, keep: [a], drop: [b]}\n",
            "filter 1 needs exactly one of 'keep' or 'drop'",
        ),
        (
            "{column: side, vendor: [V], customer: [C]}",
            "filters:\n  - {column: c, keep: []}\n",
            "filter 1 lists no values",
        ),
        (
            "{column: side, vendor: [V], customer: [C]}",
            "filters:\n  - {column: c, kepp: [a]}\n",
            "unknown key 'kepp'",
        ),
    ],
)
def test_schema_refuses_ambiguous_subsets(
    tmp_path: Path, sides: str, filters: str, message: str
) -> None:
    text = schema_text(extra=filters).replace(
        "sides: {column: side, vendor: [Vendor], customer: [Customer]}", f"sides: {sides}"
    )
    with pytest.raises(GapscanError) as info:
        _load(tmp_path, text)
    assert message in str(info.value)
    assert all(p.line is not None for p in info.value.problems)


# ------------------------------------------------------ filtering = pre-filtered file

ROW = st.tuples(
    st.sampled_from(["Vendor", "Customer", " customer", "Partner"]),
    st.sampled_from(["EMEA", "emea ", "APAC", "NA", ""]),
    st.sampled_from(["1", "2", "3"]),
    st.sampled_from([*AGREE5, AGREE5[-1], ""]),
)
FILTER = st.one_of(
    st.tuples(
        st.just("region"),
        st.booleans(),
        st.lists(st.sampled_from(["EMEA", "APAC", "NA"]), min_size=1, max_size=2),
    ),
    st.tuples(
        st.just("wave"),
        st.booleans(),
        st.lists(st.sampled_from(["1", "2", "3"]), min_size=1, max_size=2),
    ),
)


def _write(path: Path, rows: list[tuple[str, str, str, str]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["side", "region", "wave", "q1"])
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def _passes(row: tuple[str, str, str, str], filters: list[tuple[str, bool, list[str]]]) -> bool:
    """Whether a row passes every filter (written here without gapscan's code)."""
    cells = {"region": row[1], "wave": row[2]}
    for column, keep, values in filters:
        hit = cells[column].strip().casefold() in {v.casefold() for v in values}
        if hit != keep:
            return False
    return True


def _results(report: Any) -> list[Any]:
    return [r.to_dict() for r in report.results]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ROW, min_size=6, max_size=60), st.lists(FILTER, max_size=2))
def test_filtering_then_analysing_equals_analysing_a_prefiltered_file(
    rows: list[tuple[str, str, str, str]], filters: list[tuple[str, bool, list[str]]]
) -> None:
    rows = [*rows, ("Vendor", "NA", "3", AGREE5[0]), ("Customer", "APAC", "2", AGREE5[4])]
    passed = [r for r in rows if _passes(r, filters)]
    kept = [r for r in passed if r[0] != "Partner"]
    n_vendor = sum(r[0] == "Vendor" for r in kept)  # " customer" is the customer side
    n_customer = len(kept) - n_vendor
    spec = "".join(
        f"  - {{column: {c}, {'keep' if k else 'drop'}: [{', '.join(v)}]}}\n" for c, k, v in filters
    )
    base = schema_text(questions=("q1",), min_n=1).replace(
        "customer: [Customer]}", "customer: [Customer], ignore: [partner]}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        (d / "filtered.yaml").write_text(
            base.replace("scales:", ("filters:\n" + spec if spec else "") + "scales:"), "utf-8"
        )
        (d / "plain.yaml").write_text(base, encoding="utf-8")
        _write(d / "all.csv", rows)
        _write(d / "kept.csv", kept)
        try:
            filtered = load_responses(load_schema(d / "filtered.yaml"), [d / "all.csv"])
        except GapscanError as exc:
            assert not kept or not n_vendor or not n_customer, exc
            return
        assert (filtered.n_vendor, filtered.n_customer) == (n_vendor, n_customer)
        summary = filtered.inputs[0]
        removed = sum(n for k, n in summary.excluded.items() if k.startswith("filter "))
        assert removed == len(rows) - len(passed)
        assert summary.excluded["ignored side"] == len(passed) - len(kept)
        assert sum(filtered.filtered) == removed
        if not (n_vendor and n_customer) or not any(r[3] for r in kept):
            return
        plain = load_responses(load_schema(d / "plain.yaml"), [d / "kept.csv"])
        try:
            expected = _results(analyze(load_schema(d / "plain.yaml"), plain))
        except GapscanError:
            with pytest.raises(GapscanError):
                analyze(load_schema(d / "filtered.yaml"), filtered)
            return
        assert _results(analyze(load_schema(d / "filtered.yaml"), filtered)) == expected
