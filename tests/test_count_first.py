"""Count-first reading: the count table counted batch by batch equals the count table of
the held responses, whatever the batches, files, segments, numeric questions, filters
and ignored sides; a run that is not clean is left to the held path."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gapscan import columns, count_first
from gapscan.count_first import can_stream, stream_tally
from gapscan.inputs import csv_batches, csv_parts
from gapscan.responses import load_responses
from gapscan.schema import load_schema
from gapscan.subsets import command_line_filters
from gapscan.survey import Survey
from gapscan.tally import Tally, tally_of

SCHEMA = """\
survey: streamed
sides: {column: side, vendor: [Vendor], customer: [Customer], ignore: [Partner]}
respondent_id: rid
segments: [region]
scales:
  agree: {levels: [No, Maybe, Yes], top_box: [Yes], missing: ["Don't know"]}
questions:
  - {id: q1, scale: agree, column: q1}
  - {id: q2, scale: agree, column: q2}
  - {id: score, type: numeric, range: [0, 10], column: score}
"""
NUMERIC_QUESTION = "  - {id: score, type: numeric, range: [0, 10], column: score}\n"
HEADER = ["rid", "side", "region", "q1", "q2", "score"]
ANSWERS = ["No", "maybe", " Yes", "Don't know", "", "YES"]
REGIONS = ["North", "north ", "Süd", "East\nWest", "", "Ost"]


def _row() -> st.SearchStrategy[list[str]]:
    return st.tuples(
        st.sampled_from(["Vendor", "Customer", "customer", "Partner"]),
        st.sampled_from(REGIONS),
        st.sampled_from(ANSWERS),
        st.sampled_from(ANSWERS),
        st.sampled_from(["", "0", "2.5", "7", "10", "3"]),
    ).map(list)


def _write(path: Path, rows: list[list[str]], start: int) -> None:
    buffer = io.StringIO(newline="")
    lines = [[f"R{start + i}", *row] for i, row in enumerate(rows)]
    csv.writer(buffer, lineterminator="\n").writerows([HEADER, *lines])
    path.write_bytes(buffer.getvalue().encode("utf-8"))


def assert_same(streamed: Tally | None, held: Tally) -> None:
    assert streamed is not None
    assert (streamed.n_vendor, streamed.n_customer) == (held.n_vendor, held.n_customer)
    assert streamed.inputs == held.inputs
    assert streamed.numbers == held.numbers
    assert streamed.filtered == held.filtered
    assert streamed.warnings == held.warnings
    assert [s.labels for s in streamed.segments] == [s.labels for s in held.segments]
    for a, b in zip(streamed.segments, held.segments, strict=True):
        assert a.column == b.column
        np.testing.assert_array_equal(a.respondents, b.respondents)
    assert streamed.counts.keys() == held.counts.keys()
    for qid, counts in held.counts.items():
        np.testing.assert_array_equal(streamed.counts[qid].overall, counts.overall)
        assert streamed.counts[qid].by_segment.keys() == counts.by_segment.keys()
        for column, table in counts.by_segment.items():
            np.testing.assert_array_equal(streamed.counts[qid].by_segment[column], table)


def _survey(
    tmp_path: Path, keep: Sequence[str] = (), drop: Sequence[str] = (), numeric: bool = True
) -> Survey:
    schema = tmp_path / "s.yaml"
    text = SCHEMA if numeric else SCHEMA.replace(NUMERIC_QUESTION, "")
    assert text != SCHEMA or numeric
    schema.write_text(text, encoding="utf-8")
    survey = load_schema(schema)
    return replace(survey, filters=survey.filters + command_line_filters(list(keep), list(drop)))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    files=st.lists(st.lists(_row(), min_size=1, max_size=60), min_size=1, max_size=3),
    block=st.sampled_from([64, 200, 1024, 1 << 20]),
    group=st.sampled_from([1, 7, 1 << 16]),
    joined=st.sampled_from([1, 9, 1 << 15]),  # the reader's blocks joined into batches
    by_region=st.booleans(),
    where=st.sampled_from(
        [([], []), (["region=North,Ost,Süd"], []), ([], ["region=Ost, Nowhere"])]
    ),
    numeric=st.booleans(),  # without one, the answers are counted by their distinct values
    split=st.booleans(),  # a file read as two ranges at once
)
def test_the_streamed_count_table_is_the_held_one(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    files: list[list[list[str]]],
    block: int,
    group: int,
    joined: int,
    by_region: bool,
    where: tuple[list[str], list[str]],
    numeric: bool,
    split: bool,
) -> None:
    monkeypatch.setattr(csv_batches, "BLOCK_SIZE", block)
    monkeypatch.setattr(count_first, "GROUP_ROWS", group)  # rows coded together
    monkeypatch.setattr(csv_batches, "GROUP_ROWS", joined)
    monkeypatch.setattr(csv_parts, "MIN_SIZE", 0 if split else 1 << 40)
    survey = _survey(tmp_path, *where, numeric=numeric)
    paths = []
    for i, rows in enumerate(files):
        paths.append(tmp_path / f"d{i}.csv")
        _write(paths[-1], rows, start=1000 * i)
    segments = ("region",) if by_region else ()
    try:
        held = tally_of(survey, load_responses(survey, paths, segments=segments))
    except Exception:  # no responses left, a side missing...: the held path reports it
        assert stream_tally(survey, paths, segments=segments) is None
        return
    assert_same(stream_tally(survey, paths, segments=segments), held)


def test_a_file_read_in_many_batches_is_counted_across_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(csv_batches, "BLOCK_SIZE", 256)
    monkeypatch.setattr(csv_batches, "GROUP_ROWS", 1)  # each block a batch of its own
    monkeypatch.setattr(count_first, "GROUP_ROWS", 10)
    survey = _survey(tmp_path)
    rows = [
        [["Vendor", "Customer"][i % 2], REGIONS[i % 6], ANSWERS[i % 4], ANSWERS[i % 5], str(i % 11)]
        for i in range(500)
    ]
    path = tmp_path / "big.csv"
    _write(path, rows, start=0)
    assert len(list(load_schema_source_batches(path))) > 5
    held = tally_of(survey, load_responses(survey, [path], segments=("region",)))
    assert_same(stream_tally(survey, [path], segments=("region",)), held)


def load_schema_source_batches(path: Path) -> list[object]:
    from gapscan.inputs.source import open_source

    return list(open_source(path).batches(HEADER))


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (lambda rows: rows.__setitem__(3, ["Vendor", "North", "Perhaps", "", ""]), "unknown"),
        (lambda rows: rows.__setitem__(4, ["Robot", "North", "No", "", ""]), "side"),
        (lambda rows: rows.__setitem__(5, ["Vendor", "North", "No", "", "11"]), "range"),
    ],
)
def test_a_run_with_a_data_problem_is_left_to_the_held_path(
    tmp_path: Path, change: object, why: str
) -> None:
    survey = _survey(tmp_path)
    rows = [["Vendor", "North", "No", "Yes", "3"], ["Customer", "Ost", "Yes", "No", "4"]] * 5
    change(rows)  # type: ignore[operator]
    path = tmp_path / "d.csv"
    _write(path, rows, start=0)
    assert stream_tally(survey, [path]) is None


def test_a_repeated_id_is_left_to_the_held_path(tmp_path: Path) -> None:
    survey = _survey(tmp_path)
    rows = [["Vendor", "North", "No", "Yes", "3"], ["Customer", "Ost", "Yes", "No", "4"]]
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    _write(first, rows, start=0)
    _write(second, [["Customer", "Ost", "No", "No", "1"]], start=1)  # R1 again
    assert stream_tally(survey, [first]) is not None
    assert stream_tally(survey, [first, second]) is None


def test_runs_that_need_rows_after_coding_do_not_stream(tmp_path: Path) -> None:
    survey = _survey(tmp_path)
    assert can_stream(survey, paired=False)
    assert not can_stream(survey, paired=True)
    assert not can_stream(survey, paired=False, origins=True)
    # repeated ids resolved by the schema: streamed when the ids are named
    assert can_stream(replace(survey, duplicate_ids="keep-first"), paired=False)
    no_ids = replace(survey, duplicate_ids="keep-last", respondent_id=None)
    assert not can_stream(no_ids, paired=False)  # the held path says what is wrong


def test_blank_ids_are_not_repeated_ids(tmp_path: Path) -> None:
    survey = _survey(tmp_path)
    rows = [["Vendor", "North", "No", "Yes", "3"], ["Customer", "Ost", "Yes", "No", "4"]] * 3
    path = tmp_path / "d.csv"
    _write(path, rows, start=0)
    text = path.read_text(encoding="utf-8").replace("R1,", ",").replace("R2,", " ,")
    path.write_text(text, encoding="utf-8")
    held = tally_of(survey, load_responses(survey, [path]))
    assert_same(stream_tally(survey, [path]), held)


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    hashes=st.lists(
        st.one_of(st.just(0), st.integers(1, 40), st.integers(0, 2**64 - 1)), max_size=40
    ),
    block=st.sampled_from([1, 3, 8, 1 << 20]),
)
def test_a_repeated_id_hash_is_found_in_any_block(
    monkeypatch: pytest.MonkeyPatch, hashes: list[int], block: int
) -> None:
    monkeypatch.setattr(columns, "BLOCK_ROWS", block)
    ids = columns.Blocks(np.dtype(np.uint64))
    for start in range(0, len(hashes), 5):  # batches of 5
        ids.append(np.asarray(hashes[start : start + 5], dtype=np.uint64))
    named = [h for h in hashes if h != 0]  # 0: a blank id
    assert count_first._any_repeated(ids) == (len(set(named)) < len(named))


def test_a_file_split_inside_a_quoted_value_is_streamed_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(csv_parts, "MIN_SIZE", 0)  # every file read as two ranges first
    survey = _survey(tmp_path, numeric=False)
    note = "East\n" * 30 + "West"  # a quoted region across the middle of the file
    rows = [["Vendor", "North", "No", "Yes", ""], ["Customer", note, "Yes", "No", ""]]
    rows += [["Customer", "Ost", "No", "No", ""]]
    path = tmp_path / "d.csv"
    _write(path, rows, start=0)
    text = path.read_bytes()
    assert text.index(b"East") < len(text) // 2 < text.index(b"West")
    held = tally_of(survey, load_responses(survey, [path], segments=("region",)))
    assert_same(stream_tally(survey, [path], segments=("region",)), held)
