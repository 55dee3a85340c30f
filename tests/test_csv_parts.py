"""A large plain CSV file read as two byte ranges at once gives the rows of the file read
in order (in another order); a split that falls inside a quoted value is refused."""

from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gapscan.inputs import csv_batches, csv_parts
from gapscan.inputs.source import open_source
from gapscan.inputs.source_batches import Unordered

NAMES = ["id", "answer", "note"]


def _rows(path: Path, *, ordered: bool) -> Counter[tuple[str, ...]]:
    source = open_source(path)
    found: Counter[tuple[str, ...]] = Counter()
    for batch in source.batches(NAMES, ordered=ordered):
        columns = [batch.column(n).to_pylist() for n in NAMES]
        found.update(zip(*columns, strict=True))
    return found


def _write(path: Path, notes: list[str]) -> None:
    lines = ["id,answer,note"] + [f"R{i},Ja ✓,{note}" for i, note in enumerate(notes)]
    path.write_bytes(("\n".join(lines) + "\n").encode("utf-8"))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    notes=st.lists(st.sampled_from(["", "süß", "日本語", "plain", "a b"]), min_size=1, max_size=80),
    block=st.sampled_from([64, 1 << 20]),
)
def test_the_two_ranges_hold_the_rows_of_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, notes: list[str], block: int
) -> None:
    monkeypatch.setattr(csv_parts, "MIN_SIZE", 0)
    monkeypatch.setattr(csv_batches, "BLOCK_SIZE", block)
    path = tmp_path / "d.csv"
    _write(path, notes)
    assert _rows(path, ordered=False) == _rows(path, ordered=True)
    assert sum(_rows(path, ordered=False).values()) == len(notes)


def test_a_file_is_split_only_where_a_record_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(csv_parts, "MIN_SIZE", 0)
    path = tmp_path / "d.csv"
    _write(path, ["x"] * 50)
    source = open_source(path)
    dialect = csv_batches.Dialect(source.stored, "utf-8", ",", 1, 3)
    assert csv_parts.splittable(dialect)
    middle = csv_parts._middle(str(path), path.stat().st_size)
    assert middle is not None
    assert path.read_bytes()[middle - 1 : middle] == b"\n"
    assert path.read_bytes()[middle:].startswith(b"R")


def test_a_split_inside_a_quoted_value_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(csv_parts, "MIN_SIZE", 0)
    path = tmp_path / "d.csv"
    # one long quoted note across the middle of the file, its lines shaped like records
    inside = "\n".join(f"R{i},Ja,x" for i in range(40))
    path.write_text(f'id,answer,note\nR0,Ja,"{inside}"\nR1,Nein,y\n', encoding="utf-8")
    with pytest.raises(Unordered):
        _rows(path, ordered=False)
    assert sum(_rows(path, ordered=True).values()) == 2


def test_small_or_compressed_files_are_read_in_order(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    _write(path, ["x"] * 5)
    source = open_source(path)
    dialect = csv_batches.Dialect(source.stored, "utf-8", ",", 1, 3)
    assert not csv_parts.splittable(dialect)  # under MIN_SIZE


def test_a_reading_thread_that_cannot_hand_over_its_end_stops_the_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reading thread that ends without handing over its last item (here: queueing
    its "done", and then the error that raised, fail) makes the read fail, instead of
    leaving it waiting for ever."""
    monkeypatch.setattr(csv_parts, "MIN_SIZE", 0)
    path = tmp_path / "d.csv"
    _write(path, ["x"] * 50)
    put = csv_parts._put

    def failing(batches: object, item: object, stop: object) -> bool:
        if item is csv_parts._DONE or isinstance(item, BaseException):
            raise MemoryError("no room to queue the end")
        return put(batches, item, stop)  # type: ignore[arg-type]

    monkeypatch.setattr(csv_parts, "_put", failing)
    monkeypatch.setattr(threading, "excepthook", lambda args: None)  # the thread's own end
    source = open_source(path)
    with pytest.raises(csv_parts.ReaderLost):
        list(source.batches(NAMES, ordered=False))
