"""A large plain CSV file read in chunks, two at a time, gives the rows of the file read
in order, in the same order, whatever the chunk size (cuts between the bytes of one
character, next to quoted line breaks); a cut that falls inside a quoted value is
refused (``Unordered``) and the file can then be read in order; the threads read no
more than a few chunks ahead."""

from __future__ import annotations

import csv
import io
import itertools
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gapscan.inputs import csv_batches, csv_chunks, csv_parts
from gapscan.inputs.source import open_source
from gapscan.inputs.source_batches import Unordered

NAMES = ["id", "answer", "note"]


def _rows(path: Path, *, at_once: bool) -> list[tuple[str, ...]]:
    source = open_source(path)
    found: list[tuple[str, ...]] = []
    for batch in source.batches(NAMES, ordered=True, at_once=at_once):
        columns = [batch.column(n).to_pylist() for n in NAMES]
        found += list(zip(*columns, strict=True))
    return found


def _write(path: Path, notes: list[str]) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows([NAMES, *([f"R{i}", "Ja ✓", note] for i, note in enumerate(notes))])
    path.write_bytes(buffer.getvalue().encode("utf-8"))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    notes=st.lists(st.sampled_from(["", "süß", "日本語", "plain", "a b"]), min_size=1, max_size=80),
    chunk=st.integers(1, 400),
    block=st.sampled_from([64, 1 << 20]),
)
def test_the_chunks_hold_the_rows_of_the_file_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, notes: list[str], chunk: int, block: int
) -> None:
    monkeypatch.setattr(csv_parts, "MIN_SIZE", 0)
    monkeypatch.setattr(csv_chunks, "CHUNK", chunk)
    monkeypatch.setattr(csv_batches, "BLOCK_SIZE", block)
    path = tmp_path / "d.csv"
    _write(path, notes)
    assert _rows(path, at_once=True) == _rows(path, at_once=False)
    assert len(_rows(path, at_once=True)) == len(notes)


def test_cuts_follow_line_breaks(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    _write(path, ["x" * (i % 7) for i in range(200)])
    data = path.read_bytes()
    cuts = csv_chunks._cuts(str(path), len(data), 100)
    assert cuts[0] == 0 and cuts[-1] == len(data) and len(cuts) > 10
    assert cuts == sorted(set(cuts))
    assert all(data[c - 1 : c] == b"\n" for c in cuts[1:-1])
    assert all(b - a >= 100 for a, b in itertools.pairwise(cuts[:-1]))


def test_a_cut_inside_a_quoted_value_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(csv_parts, "MIN_SIZE", 0)
    monkeypatch.setattr(csv_chunks, "CHUNK", 200)
    path = tmp_path / "d.csv"
    notes = ["plain"] * 5 + ["line\n" * 80 + "end"] + ["plain"] * 5  # a cut in its breaks
    _write(path, notes)
    with pytest.raises(Unordered):
        _rows(path, at_once=True)
    assert len(_rows(path, at_once=False)) == len(notes)


def test_the_threads_read_at_most_a_few_chunks_ahead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(csv_parts, "MIN_SIZE", 0)
    monkeypatch.setattr(csv_chunks, "CHUNK", 64)
    path = tmp_path / "d.csv"
    _write(path, ["plain"] * 400)
    opened: list[int] = []
    original = csv_chunks._Range

    class Counted(original):  # type: ignore[misc, valid-type]
        def __init__(self, *args: object) -> None:
            super().__init__(*args)
            opened.append(1)

    monkeypatch.setattr(csv_chunks, "_Range", Counted)
    source = open_source(path)
    batches = source.batches(NAMES, ordered=True, at_once=True)
    next(batches)  # the first chunk's first batch, and nothing taken after it
    time.sleep(0.5)  # time for the threads to read ahead as far as they may
    assert len(opened) <= csv_chunks.AHEAD
    rest = sum(b.num_rows for b in batches)
    assert len(opened) > 10 and rest > 0
