"""Segment labels: values grouped trimmed and case-folded, each group shown by its
canonical spelling (the most frequent among the analysed respondents, ties broken by
sort order), whichever spelling comes first in the files."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from gapscan.labels import canonical, combine_spellings
from gapscan.responses import load_responses
from gapscan.schema import load_schema
from tests.conftest import schema_text


def _write(path: Path, regions: list[str], side: str = "Vendor") -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["side", "region", "q1"])
        for i, region in enumerate(regions):
            writer.writerow([side if i % 2 else "Customer", region, "Agree"])
    return path


def _segment(tmp_path: Path, *files: list[str]) -> tuple[tuple[str, ...], list[int]]:
    schema = tmp_path / "s.yaml"
    schema.write_text(schema_text(questions=("q1",), segments=("region",)), encoding="utf-8")
    paths = [_write(tmp_path / f"d{i}.csv", regions) for i, regions in enumerate(files)]
    responses = load_responses(load_schema(schema), paths)
    segment = responses.segments[0]
    return segment.labels, np.bincount(segment.codes, minlength=len(segment.labels)).tolist()


def test_the_most_frequent_spelling_is_shown_not_the_first(tmp_path: Path) -> None:
    labels, counts = _segment(tmp_path, ["north", " NORTH", "North", "North ", "South"])
    assert labels == ("North", "South")
    assert counts == [4, 1]


def test_a_tie_is_broken_by_sort_order(tmp_path: Path) -> None:
    labels, _ = _segment(tmp_path, ["east", "East", "east", "East"])
    assert labels == ("East",)  # "E" sorts before "e"


def test_spellings_are_counted_across_files(tmp_path: Path) -> None:
    # the first file alone would show "west"; the second makes "WEST" the most frequent
    labels, counts = _segment(tmp_path, ["west", "west", "WEST"], ["WEST", "WEST", "x"])
    assert labels == ("WEST", "x")
    assert counts == [5, 1]


def test_rows_not_analysed_do_not_vote(tmp_path: Path) -> None:
    # rows a filter leaves out: their spelling does not count
    schema = tmp_path / "s.yaml"
    text = schema_text(
        questions=("q1",),
        segments=("region",),
        extra="filters:\n  - {column: wave, drop: [pilot]}\n",
    )
    schema.write_text(text, encoding="utf-8")
    path = tmp_path / "d.csv"
    path.write_text(
        "side,region,q1,wave\nVendor,Paris,Agree,1\nCustomer,paris,,1\nCustomer,paris,Agree,1\n"
        "Vendor,PARIS,Agree,pilot\nVendor,PARIS,Agree,pilot\nVendor,PARIS,Agree,pilot\n",
        encoding="utf-8",
    )
    responses = load_responses(load_schema(schema), [path])
    assert responses.segments[0].labels == ("paris",)  # 2 votes; the pilot rows had none


@given(
    st.lists(
        st.lists(st.sampled_from(["a", "A", " a", "b", "B", "ß", "SS", ""]), max_size=12),
        min_size=1,
        max_size=3,
    )
)
def test_combined_spellings_follow_the_definition(files: list[list[str]]) -> None:
    parts = []
    for values in files:
        labels = sorted({v.strip() for v in values})
        codes = np.asarray([labels.index(v.strip()) for v in values], dtype=np.int32)
        parts.append((labels, codes))
    shown, codes = combine_spellings(parts)
    every = [v.strip() for values in files for v in values]
    assert codes.size == len(every)
    for value, code in zip(every, codes.tolist(), strict=True):
        group = [v for v in every if v.casefold() == value.casefold()]
        counts = {v: group.count(v) for v in group}
        expected = "" if not value else max(sorted(counts), key=lambda v: counts[v])
        assert shown[code] == expected


def test_canonical_prefers_count_then_sort_order() -> None:
    assert canonical({"b": 2, "a": 2, "c": 3}) == "c"
    assert canonical({"b": 2, "a": 2}) == "a"
