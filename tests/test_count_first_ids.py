"""Count-first reading with repeated respondent ids resolved by the schema
(``duplicate_ids: keep-first`` or ``keep-last``): the first pass records each kept
row's id hash, side and place, the held path's id check decides which rows go, and a
second pass counts without them. The count table, the inputs' summaries (duplicates
dropped included), the warnings and the report equal the held path's, whatever the
files, batches, sides and designs; a run the check refuses is left to the held path."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from gapscan import columns, count_first
from gapscan.analysis import AnalysisOptions, analyze, analyze_loaded, load_data
from gapscan.count_first import stream_tally
from gapscan.inputs import csv_batches, csv_chunks, csv_parts
from gapscan.render.json import render as render_json
from gapscan.responses import load_responses
from gapscan.schema import load_schema
from gapscan.stream_identity import FileRecord
from gapscan.survey import Survey
from gapscan.tally import tally_of
from tests.test_count_first import assert_same
from tests.test_count_first_design import assert_same_design

SCHEMA = """\
survey: repeated ids
sides: {column: side, vendor: [Vendor], customer: [Customer], ignore: [Partner]}
respondent_id: rid
duplicate_ids: keep-first
segments: [region]
scales:
  agree: {levels: [No, Maybe, Yes], top_box: [Yes], missing: ["Don't know"]}
questions:
  - {id: q1, scale: agree, column: q1}
  - {id: q2, scale: agree, column: q2}
"""
WEIGHTED = "weight: w\ndesign: {strata: stratum}\n"
HEADER = ["rid", "side", "region", "stratum", "w", "q1", "q2"]
IDS = ["A1", " A1", "a1", "B2", "C3", "", "D4", "E5", "F6"]  # " A1" trims to "A1"
ANSWERS = ["No", "maybe", " Yes", "Don't know", ""]


def _row() -> st.SearchStrategy[list[str]]:
    return st.tuples(
        st.sampled_from(IDS + [f"U{i}" for i in range(30)]),
        st.sampled_from(["Vendor", "Customer", "customer", "Partner"]),
        st.sampled_from(["North", "north ", "Süd", ""]),
        st.sampled_from(["Small", "Large"]),
        st.sampled_from(["1", "0.5", "2.25", "3.125"]),
        st.sampled_from(ANSWERS),
        st.sampled_from(ANSWERS),
    ).map(list)


def _write(path: Path, rows: list[list[str]]) -> None:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\n").writerows([HEADER, *rows])
    path.write_bytes(buffer.getvalue().encode("utf-8"))


def _survey(tmp_path: Path, resolve: str, weighted: bool = False) -> Survey:
    schema = tmp_path / "s.yaml"
    text = SCHEMA.replace("keep-first", resolve)
    schema.write_text(text + (WEIGHTED if weighted else ""), encoding="utf-8")
    return load_schema(schema)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    files=st.lists(st.lists(_row(), min_size=4, max_size=40), min_size=1, max_size=3),
    resolve=st.sampled_from(["keep-first", "keep-last"]),
    block=st.sampled_from([64, 200, 1 << 20]),
    group=st.sampled_from([1, 5, 1 << 16]),
    by_region=st.booleans(),
    weighted=st.booleans(),
    chunk=st.sampled_from([None, 97, 400]),  # None: one reader; else chunks two at a time
)
def test_repeated_ids_are_resolved_as_on_the_held_path(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    files: list[list[list[str]]],
    resolve: str,
    block: int,
    group: int,
    by_region: bool,
    weighted: bool,
    chunk: int | None,
) -> None:
    monkeypatch.setattr(csv_batches, "BLOCK_SIZE", block)
    monkeypatch.setattr(count_first, "GROUP_ROWS", group)
    monkeypatch.setattr(columns, "BLOCK_ROWS", 7)  # the id hashes kept in many blocks
    if chunk is not None:
        monkeypatch.setattr(csv_parts, "MIN_SIZE", 0)
        monkeypatch.setattr(csv_chunks, "CHUNK", chunk)
    survey = _survey(tmp_path, resolve, weighted)
    paths = []
    for i, rows in enumerate(files):
        paths.append(tmp_path / f"d{i}.csv")
        _write(paths[-1], rows)
    segments = ("region",) if by_region else ()
    try:
        held = tally_of(survey, load_responses(survey, paths, segments=segments))
    except Exception:  # a side with no responses, a stratum of one PSU: the held path says
        event("the held path refuses the data")
        assert stream_tally(survey, paths, segments=segments) is None
        return
    dropped = sum(i.duplicates_dropped for i in held.inputs)
    event("rows dropped" if dropped else "no row dropped")
    event("a warning" if held.warnings else "no warning")
    streamed = stream_tally(survey, paths, segments=segments)
    if weighted:
        assert_same_design(survey, streamed, held)
    else:
        assert_same(streamed, held)


def test_a_run_with_duplicates_reads_its_files_twice_and_reports_as_held(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(count_first, "GROUP_ROWS", 8)
    survey = _survey(tmp_path, "keep-last")
    sides = ["Vendor", "Customer", "Customer", "Customer"]
    rows = [
        [f"R{i % 70}", sides[i % 4], ["North", "Süd"][i % 2], "Small", "1", ANSWERS[i % 5], "Yes"]
        for i in range(100)
    ]
    path = tmp_path / "d.csv"
    _write(path, rows)
    opened = []
    original = count_first.open_source

    def counting(*args: object, **kwargs: object) -> object:
        opened.append(args[0])
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(count_first, "open_source", counting)
    options = AnalysisOptions(segments=("region",))
    loaded = load_data(survey, [path], options=options)
    assert loaded[1] is None, "the run streams"
    # the first pass; the id check, reading the repeated ids as written; a second pass
    # without the 30 duplicates
    assert len(opened) == 3
    assert loaded[0].inputs[0].duplicates_dropped == 30
    streamed = analyze_loaded(survey, loaded, options)
    held = analyze(survey, load_responses(survey, [path], segments=("region",)), options)
    assert render_json(streamed) == render_json(held)


def test_ids_on_both_sides_in_two_files_are_a_warning_as_held(tmp_path: Path) -> None:
    survey = _survey(tmp_path, "keep-first")
    vendor, customer = tmp_path / "v.csv", tmp_path / "c.csv"
    _write(vendor, [[f"R{i}", "Vendor", "North", "Small", "1", "Yes", "No"] for i in range(6)])
    _write(customer, [[f"R{i}", "Customer", "Süd", "Small", "1", "No", "No"] for i in range(6)])
    held = tally_of(survey, load_responses(survey, [vendor, customer]))
    assert held.warnings and "both sides" in str(held.warnings[0])
    assert_same(stream_tally(survey, [vendor, customer]), held)


def test_a_file_record_finds_the_file_rows_of_kept_rows() -> None:
    import numpy as np

    record = FileRecord("f.csv", lambda: None)  # type: ignore[arg-type, return-value]
    hashes = np.arange(1, 14, dtype=np.uint64)
    record.add(np.array([False, True, False, False]), np.array([0, 1, 1]), hashes[:3])
    record.add(np.array([True, True, False]), np.array([0]), hashes[3:4])
    record.add(np.array([False] * 9), np.zeros(9, dtype=np.int8), hashes[4:])
    kept = np.array([4, 0, 3, 2, 11])
    assert record.file_rows(kept).tolist() == [7, 0, 6, 3, 14]
    ids = record.file_ids("rid")
    assert np.concatenate(ids.hashes).tolist() == hashes.tolist()
    assert ids.side.tolist() == [0, 1, 1, 0] + [0] * 9
