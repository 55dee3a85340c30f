"""A large plain CSV file read as two byte ranges at once gives the rows of the file read
in order (in another order); a split that falls inside a quoted value is refused."""

from __future__ import annotations

import csv
import threading
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gapscan.analysis import AnalysisOptions, analyze
from gapscan.columns import Read, read_columns, read_parts
from gapscan.inputs import csv_batches, csv_parts
from gapscan.inputs.source import open_source
from gapscan.inputs.source_batches import Unordered
from gapscan.render.json import render
from gapscan.responses import load_responses
from gapscan.schema import load_schema
from gapscan.survey import Mode
from tests.conftest import AGREE5, schema_text

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


def _compact(read: Read) -> tuple[object, ...]:
    columns = {name: (values, indices.tolist()) for name, (values, indices) in read.columns.items()}
    hashes = {name: h.tolist() for name, h in read.hashes.items()}
    return columns, hashes, read.rows


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    notes=st.lists(
        st.sampled_from(["", "süß", "日本語", "plain", "a b", '"two\nlines"', '"a, b"']),
        min_size=2,
        max_size=80,
    ),
    block=st.sampled_from([64, 1 << 20]),
)
def test_a_file_read_in_two_parts_is_joined_as_the_file_read_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, notes: list[str], block: int
) -> None:
    """Each part's rows and values (in the order they first appear) joined in the order
    of the parts are those of the file read in order, multi-line quoted values and
    multi-byte characters included; when the split falls inside a quoted value the
    read in parts is refused, never joined wrongly."""
    monkeypatch.setattr(csv_parts, "MIN_SIZE", 0)
    monkeypatch.setattr(csv_batches, "BLOCK_SIZE", block)
    path = tmp_path / "d.csv"
    _write(path, notes)
    in_order = read_columns(open_source(path).batches(NAMES, plain=["id"]), NAMES[1:], ["id"])
    try:
        joined = read_parts(open_source(path).parts(NAMES, plain=["id"]), NAMES[1:], ["id"])
    except Unordered:
        middle = csv_parts._middle(str(path), path.stat().st_size)
        assert middle is not None
        assert path.read_bytes()[:middle].count(b'"') % 2 == 1  # refused only inside quotes
        return
    assert _compact(joined) == _compact(in_order)
    assert in_order.rows == len(notes)


def test_a_large_file_is_read_in_two_parts_numbered_in_file_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(csv_parts, "MIN_SIZE", 0)
    monkeypatch.setattr(csv_batches, "BLOCK_SIZE", 64)
    path = tmp_path / "d.csv"
    _write(path, [f"note {i}" for i in range(200)])
    tagged = list(open_source(path).parts(NAMES))
    parts = [part for part, _ in tagged]
    assert set(parts) == {0, 1}
    ids = {p: [i for n, b in tagged if n == p for i in b.column("id").to_pylist()] for p in (0, 1)}
    assert ids[0] + ids[1] == [f"R{i}" for i in range(200)]  # part 0 first, each in order


def _paired_rows(note: str) -> list[dict[str, str]]:
    rows = []
    for i in range(300):
        side = "Vendor" if i % 2 == 0 else "Customer"
        answers = {"q1": AGREE5[(i * 7) % 5], "q2": AGREE5[(i // 2 + i % 3) % 5]}
        rows.append({"side": side, "account": f"Acct {i // 2:03d}", **answers, "note": ""})
    rows[140]["note"] = note
    return rows


@pytest.mark.parametrize("note", ["short", "\n".join(f"Vendor,Acct {i},x,y," for i in range(300))])
def test_a_held_read_in_two_parts_gives_the_report_of_the_file_read_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, note: str
) -> None:
    """A paired run holds its rows: a large file is read as two ranges and joined in
    file order, or, when the split falls inside a quoted value (the long note, whose
    lines look like records), read again in order: the same report either way."""
    data = tmp_path / "data.csv"
    with data.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=["side", "account", "q1", "q2", "note"])
        writer.writeheader()
        writer.writerows(_paired_rows(note))
    schema = tmp_path / "survey.yaml"
    schema.write_text(schema_text(min_n=1, extra="pair_by: account\n"), encoding="utf-8")
    survey = load_schema(schema)
    options = AnalysisOptions(mode=Mode.PAIRED)

    def report(parts_from: int) -> str:
        monkeypatch.setattr(csv_parts, "MIN_SIZE", parts_from)
        responses = load_responses(survey, [data], paired=True)
        return render(analyze(survey, responses, options))

    in_order = report(1 << 40)
    merged: list[int] = []
    real = csv_parts._merged

    def counted(*args: object, **kwargs: object) -> object:
        merged.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(csv_parts, "_merged", counted)
    assert report(0) == in_order
    assert merged  # the file was read in two parts (and, for the long note, again in order)
    middle = csv_parts._middle(str(data), data.stat().st_size)
    assert middle is not None
    inside = data.read_bytes()[:middle].count(b'"') % 2 == 1
    assert inside == (len(note) > 10)
