"""Count-first reading of a design: the count table counted batch by batch, with its
design cells (Σ w, Σ w² per segment x side x stratum x level; per PSU with a cluster)
and its design known by the strata's sizes (by its PSUs with a cluster), equals the
held one and gives the same report, whatever the batches, files, strata, clusters,
fpc, filters and ignored sides; a design that is not clean, or that streaming cannot
count, is left to the held path."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from gapscan import count_first, stream_counts, stream_design
from gapscan.analysis import AnalysisOptions, analyze, analyze_loaded, load_data
from gapscan.count_first import can_stream, stream_tally
from gapscan.counts import DesignCells
from gapscan.inputs import csv_batches, csv_chunks, csv_parts
from gapscan.render.json import render as render_json
from gapscan.responses import load_responses
from gapscan.schema import load_schema
from gapscan.subsets import command_line_filters
from gapscan.survey import Survey
from gapscan.tally import Tally, tally_of
from tests.test_count_first import assert_same

SCHEMA = """\
survey: streamed design
sides: {column: side, vendor: [Vendor], customer: [Customer], ignore: [Partner]}
respondent_id: rid
segments: [region]
weight: w
design: {strata: stratum, fpc: population}
scales:
  agree: {levels: [No, Maybe, Yes], top_box: [Yes], missing: ["Don't know"]}
questions:
  - {id: q1, scale: agree, column: q1}
  - {id: q2, scale: agree, column: q2}
  - {id: score, type: numeric, range: [0, 10], column: score}
"""
HEADER = ["rid", "side", "region", "stratum", "population", "w", "q1", "q2", "score", "c"]
ANSWERS = ["No", "maybe", " Yes", "Don't know", "", "YES"]
REGIONS = ["North", "north ", "Süd", "East\nWest", "", "Ost"]
STRATA = {"Small": "400", " small": "400", "Mid": "0.25", "Large": "900"}  # one fpc each
WEIGHTS = ["1", "0.5", "2.25", "3.125", "1e1", "7"]
CLUSTERS = ["A", "a ", "B", "Ç", "D", "e", "E"]  # "A" and "a " one cluster, "e" and "E"


def _row() -> st.SearchStrategy[list[str]]:
    return st.tuples(
        st.sampled_from(["Vendor", "Customer", "customer", "Partner"]),
        st.sampled_from(REGIONS),
        st.sampled_from(sorted(STRATA)),
        st.sampled_from(WEIGHTS),
        st.sampled_from(ANSWERS),
        st.sampled_from(ANSWERS),
        st.sampled_from(["", "0", "2.5", "7", "10", "3"]),
        st.sampled_from(CLUSTERS),
    ).map(lambda r: [r[0], r[1], r[2], STRATA[r[2]], *r[3:]])


def _write(path: Path, rows: list[list[str]], start: int) -> None:
    buffer = io.StringIO(newline="")
    lines = [[f"R{start + i}", *row] for i, row in enumerate(rows)]
    csv.writer(buffer, lineterminator="\n").writerows([HEADER, *lines])
    path.write_bytes(buffer.getvalue().encode("utf-8"))


def _survey(tmp_path: Path, text: str = SCHEMA, keep: tuple[str, ...] = ()) -> Survey:
    schema = tmp_path / "s.yaml"
    schema.write_text(text, encoding="utf-8")
    survey = load_schema(schema)
    return replace(survey, filters=survey.filters + command_line_filters(list(keep), []))


def _same_cells(streamed: DesignCells | None, held: DesignCells | None) -> None:
    assert streamed is not None and held is not None
    assert streamed.grouped == held.grouped
    for name in ("segment", "side", "stratum", "psu", "level", "n"):
        np.testing.assert_array_equal(getattr(streamed, name), getattr(held, name), err_msg=name)
    # each batch's weights added onto the sums so far, in row order: the same bits
    assert streamed.weight_sum.tobytes() == held.weight_sum.tobytes()
    assert streamed.weight_sq_sum.tobytes() == held.weight_sq_sum.tobytes()


def assert_same_design(survey: Survey, streamed: Tally | None, held: Tally) -> None:
    assert_same(streamed, held)
    assert streamed is not None and streamed.design is not None and held.design is not None
    mine, theirs = streamed.design, held.design
    assert mine.stratum_labels == theirs.stratum_labels
    assert (mine.design.psus, mine.design.degf) == (theirs.design.psus, theirs.design.degf)
    np.testing.assert_array_equal(mine.design.layout.n_h, theirs.design.layout.n_h)
    assert mine.design.stratum_factor.tobytes() == theirs.design.stratum_factor.tobytes()
    assert (mine.psu_fpc is None) == (theirs.psu_fpc is None)
    if theirs.spec.cluster is not None:  # the PSUs numbered as the held path numbers them
        assert mine.stratum_sizes is None
        np.testing.assert_array_equal(mine.psu_stratum, theirs.psu_stratum)
        if theirs.psu_fpc is not None:
            assert mine.psu_fpc is not None
            assert mine.psu_fpc.tobytes() == theirs.psu_fpc.tobytes()
    for q in survey.with_numbers(held.numbers).questions:
        cells = held.with_cells(q)
        counted = streamed.with_cells(q)
        _same_cells(counted.design_overall, cells.design_overall)
        assert counted.design_by_segment.keys() == cells.design_by_segment.keys()
        for column, table in cells.design_by_segment.items():
            _same_cells(counted.design_by_segment[column], table)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    files=st.lists(st.lists(_row(), min_size=10, max_size=60), min_size=1, max_size=3),
    block=st.sampled_from([64, 200, 1 << 20]),
    group=st.sampled_from([1, 7, 1 << 16]),
    by_region=st.booleans(),
    keep=st.sampled_from([(), ("region=North,Ost,Süd",)]),
    split=st.booleans(),  # a file read by two readers at once: in chunks, in order
    chunk=st.sampled_from([97, 400, 1 << 24]),
    design=st.sampled_from(
        [
            "design: {strata: stratum, fpc: population}",
            "design: {strata: stratum}",
            "design: {fpc: population}",
            "design: {}",
            "design: {strata: stratum, cluster: c, fpc: population}",
            "design: {strata: stratum, cluster: c}",
            "design: {cluster: c}",
        ]
    ),
    weighted=st.booleans(),
)
def test_the_streamed_design_cells_are_the_held_ones(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    files: list[list[list[str]]],
    block: int,
    group: int,
    by_region: bool,
    keep: tuple[str, ...],
    split: bool,
    chunk: int,
    design: str,
    weighted: bool,
) -> None:
    monkeypatch.setattr(csv_batches, "BLOCK_SIZE", block)
    monkeypatch.setattr(count_first, "GROUP_ROWS", group)
    monkeypatch.setattr(csv_parts, "MIN_SIZE", 0 if split else 1 << 40)
    monkeypatch.setattr(csv_chunks, "CHUNK", chunk)
    text = SCHEMA.replace("design: {strata: stratum, fpc: population}", design)
    if not weighted:
        text = text.replace("weight: w\n", "")
    survey = _survey(tmp_path, text, keep)
    assume(survey.design is not None)  # "design: {}" without a weight is no design
    paths = []
    for i, rows in enumerate(files):
        paths.append(tmp_path / f"d{i}.csv")
        _write(paths[-1], rows, start=1000 * i)
    segments = ("region",) if by_region else ()
    if not can_stream(survey, paired=False):  # weights from the fpc need every stratum first
        assert not weighted and "fpc" in design
        return
    try:
        held = tally_of(survey, load_responses(survey, paths, segments=segments))
    except Exception:  # a stratum of one PSU, a side missing...: the held path reports it
        event("the held path refuses the data")
        assert stream_tally(survey, paths, segments=segments) is None
        return
    event("compared, clustered" if "cluster" in design else "compared")
    assert_same_design(survey, stream_tally(survey, paths, segments=segments), held)


def _rows(count: int) -> list[list[str]]:
    sides = ["Vendor", "Customer", "customer", "Partner"]
    strata = sorted(STRATA)
    return [
        [
            sides[i % 4],
            REGIONS[i % 6],
            strata[i % 4],
            STRATA[strata[i % 4]],
            WEIGHTS[i % 6],
            ANSWERS[i % 5],
            ANSWERS[(i // 2) % 6],
            str(i % 11),
            CLUSTERS[(i // 3) % 7],
        ]
        for i in range(count)
    ]


@pytest.mark.parametrize(
    "schema",
    [
        SCHEMA,
        SCHEMA.replace("weight: w\n", "").replace(", fpc: population", ""),
        SCHEMA.replace("strata: stratum,", "strata: stratum, cluster: c,"),
        SCHEMA.replace("{strata: stratum, fpc: population}", "{cluster: c}"),
    ],
    ids=["weights-strata-fpc", "strata-only", "clusters-strata-fpc", "clusters-only"],
)
def test_a_streamed_design_gives_the_held_report_byte_for_byte(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, schema: str
) -> None:
    monkeypatch.setattr(csv_batches, "BLOCK_SIZE", 256)
    monkeypatch.setattr(csv_batches, "GROUP_ROWS", 1)
    monkeypatch.setattr(count_first, "GROUP_ROWS", 10)  # about 50 batches
    survey = _survey(tmp_path, schema)
    path = tmp_path / "d.csv"
    _write(path, _rows(600), start=0)
    options = AnalysisOptions(segments=("region",))
    loaded = load_data(survey, [path], options=options)
    assert loaded[1] is None, "the run streams"
    assert loaded[0].design is not None
    clustered = loaded[0].design.spec.cluster is not None
    assert (loaded[0].design.stratum_sizes is None) == clustered
    streamed = analyze_loaded(survey, loaded, options)
    held = analyze(survey, load_responses(survey, [path], segments=("region",)), options)
    assert any(r.design is not None for r in streamed.results)
    assert render_json(streamed) == render_json(held)


@pytest.mark.parametrize(
    ("column", "value", "why"),
    [
        ("w", "", "a blank weight"),
        ("w", "-1", "a negative weight"),
        ("w", "heavy", "a weight that is not a number"),
        ("stratum", " ", "a blank stratum"),
        ("population", "401", "an fpc that varies within its stratum"),
        ("population", "2", "a population below its stratum's PSUs"),
    ],
)
def test_a_design_problem_is_left_to_the_held_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, column: str, value: str, why: str
) -> None:
    monkeypatch.setattr(count_first, "GROUP_ROWS", 16)  # the problem in a later batch
    survey = _survey(tmp_path)
    rows = _rows(80)
    line = 71  # a Small stratum row, answered, in the fifth batch
    assert rows[line][2] == "Small" and rows[line][5].strip(), why
    rows[line][0] = "Vendor"  # a respondent analysed (Partner is ignored)
    rows[line][HEADER.index(column) - 1] = value
    if value == "2":  # every Small row: a population of 2 for its 20 respondents
        for row in rows:
            if row[2] == "Small":
                row[3] = "2"
    path = tmp_path / "d.csv"
    _write(path, rows, start=0)
    assert stream_tally(survey, [path]) is None, why
    with pytest.raises(Exception):  # noqa: B017 (the held path says what and where)
        load_responses(survey, [path])


def test_a_stratum_of_one_psu_is_left_to_the_held_path(tmp_path: Path) -> None:
    survey = _survey(tmp_path)
    rows = [*_rows(40), ["Vendor", "North", "Lone", "50", "1", "No", "Yes", "3", "A"]]
    path = tmp_path / "d.csv"
    _write(path, rows, start=0)
    assert stream_tally(survey, [path]) is None
    with pytest.raises(Exception, match="single PSU"):
        load_responses(survey, [path])


@pytest.mark.parametrize("clustered", [False, True])
def test_design_cells_beyond_the_budget_are_left_to_the_held_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clustered: bool
) -> None:
    text = (
        SCHEMA.replace("strata: stratum,", "strata: stratum, cluster: c,") if clustered else SCHEMA
    )
    survey = _survey(tmp_path, text)
    path = tmp_path / "d.csv"
    rows = _rows(600)
    if clustered:  # a cluster of its own for every third row: many PSUs
        for i, row in enumerate(rows):
            row[-1] = f"C{i // 3}"
    _write(path, rows, start=0)
    made: list[stream_design.Sums] = []
    init = stream_design.Sums.__init__

    def kept(self: stream_design.Sums, levels: int) -> None:
        init(self, levels)
        made.append(self)

    monkeypatch.setattr(stream_design.Sums, "__init__", kept)
    assert stream_tally(survey, [path], segments=("region",)) is not None
    needed = sum(sums.size for sums in made)
    budget = needed // 3
    monkeypatch.setattr(count_first, "GROUP_ROWS", 64)  # the budget outgrown part-way
    monkeypatch.setattr(stream_counts, "CELL_BUDGET", budget)
    made.clear()
    assert stream_tally(survey, [path], segments=("region",)) is None
    # found before the cells were grown: no more than the budget was ever made
    assert 0 < sum(sums.size for sums in made) <= budget


def test_which_designs_stream(tmp_path: Path) -> None:
    survey = _survey(tmp_path)
    assert survey.design is not None
    assert can_stream(survey, paired=False)
    assert not can_stream(survey, paired=True)
    clustered = replace(survey.design, cluster="c")
    assert can_stream(replace(survey, design=clustered), paired=False)
    derived = replace(survey.design, weight=None)  # weights N_h / n_h from the fpc
    for design in (derived, replace(clustered, weight=None)):
        assert not can_stream(replace(survey, design=design), paired=False)
        assert can_stream(replace(survey, design=replace(design, fpc=None)), paired=False)
