"""Reading in batches: every format streams a bounded number of rows at a time, and the
batches together are the file, whatever falls on a batch boundary."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gapscan.inputs import csv_batches, parquet, xlsx
from gapscan.inputs.source import open_source

HEADER = ["id", "side", "q1"]


def _columns(batches: list[pa.RecordBatch]) -> dict[str, list[str]]:
    return pa.Table.from_batches(batches).to_pydict()


def _expected(rows: list[list[str]]) -> dict[str, list[str]]:
    return {name: [row[i] for row in rows] for i, name in enumerate(HEADER)}


def _write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> None:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\n").writerows([HEADER, *rows])
    path.write_bytes(buffer.getvalue().encode(encoding))


def test_a_csv_larger_than_a_block_comes_in_several_batches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(csv_batches, "BLOCK_SIZE", 1024)
    monkeypatch.setattr(csv_batches, "GROUP_ROWS", 1)  # each block a batch of its own
    rows = [[str(i), "Vendor" if i % 3 else "Customer", f"réponse {i % 7}"] for i in range(2000)]
    path = tmp_path / "big.csv"
    _write_csv(path, rows)
    batches = list(open_source(path).batches(HEADER))
    assert len(batches) > 10
    assert max(b.num_rows for b in batches) < 200  # bounded by the block's bytes
    assert all(pa.types.is_dictionary(b.schema.field(0).type) for b in batches)
    assert _columns(batches) == _expected(rows)


def test_blocks_are_joined_into_batches_each_with_one_dictionary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reader's small blocks arrive joined: at least GROUP_ROWS rows a batch (the
    last may have fewer), each text column one dictionary of distinct UTF-8 values,
    and a ``plain`` column (an id: as many values as rows) as plain text."""
    monkeypatch.setattr(csv_batches, "BLOCK_SIZE", 1024)
    monkeypatch.setattr(csv_batches, "GROUP_ROWS", 500)
    rows = [[str(i), "Vendor" if i % 3 else "Customer", f"réponse {i % 7}"] for i in range(2000)]
    path = tmp_path / "big.csv"
    _write_csv(path, rows)
    batches = list(open_source(path).batches(HEADER, plain=["id"]))
    assert 1 < len(batches) <= 4
    assert all(b.num_rows >= 500 for b in batches[:-1])
    for batch in batches:
        assert pa.types.is_string(batch.schema.field("id").type)
        for name in ("side", "q1"):
            kind = batch.schema.field(name).type
            assert pa.types.is_dictionary(kind) and pa.types.is_string(kind.value_type)
            values = batch.column(name).dictionary.to_pylist()
            assert len(set(values)) == len(values)
    assert _columns(batches) == _expected(rows)


def test_a_quoted_line_break_late_in_the_file_restarts_without_repeating_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The fast parse fails only when it reaches the line break, after many batches;
    # the rows already given must not be given twice.
    monkeypatch.setattr(csv_batches, "BLOCK_SIZE", 512)
    rows = [[str(i), "Vendor", "ok"] for i in range(500)]
    rows[450][2] = "two\nlines"
    path = tmp_path / "late.csv"
    _write_csv(path, rows)
    assert _columns(list(open_source(path).batches(HEADER))) == _expected(rows)


def test_cp1252_met_after_the_first_batches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(csv_batches, "BLOCK_SIZE", 1 << 16)
    rows = [[str(i), "Vendor", "plain answer"] for i in range(80_000)]  # 1.8 MB
    rows[79_000][2] = "Très"
    path = tmp_path / "cp1252.csv"
    _write_csv(path, rows, encoding="cp1252")
    source = open_source(path)
    assert source.encoding == "utf-8"  # the first megabyte is ASCII
    assert _columns(list(source.batches(HEADER))) == _expected(rows)
    assert source.encoding == "cp1252"


_CELL = st.text(
    alphabet=st.sampled_from(list('ab ,"\n\r;éß€日😀')), min_size=0, max_size=12
).filter(lambda s: "\r" not in s)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(st.tuples(_CELL, _CELL).map(list), min_size=1, max_size=120),
    block=st.integers(min_value=256, max_value=2048),
    joined=st.sampled_from([1, 5, 1 << 15]),
)
def test_batches_equal_the_file_across_block_boundaries(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    rows: list[list[str]],
    block: int,
    joined: int,
) -> None:
    """Quoted multi-line cells and multi-byte characters fall on block boundaries,
    and blocks are joined into batches of at least ``joined`` rows."""
    monkeypatch.setattr(csv_batches, "BLOCK_SIZE", block)
    monkeypatch.setattr(csv_batches, "GROUP_ROWS", joined)
    full = [[str(i), *row] for i, row in enumerate(rows)]
    path = tmp_path / "gen.csv"
    _write_csv(path, full)
    assert _columns(list(open_source(path).batches(HEADER))) == _expected(full)


def test_parquet_streams_row_groups_and_keeps_dictionaries(tmp_path: Path) -> None:
    n = 40_000
    table = pa.table(
        {
            "id": pa.array([f"R{i:09d}" for i in range(n)]),
            "side": pa.array(["Vendor", "Customer"] * (n // 2)),
            "q1": pa.array([5.0, 4.0, None, 2.0] * (n // 4)),
            "unused": pa.array(range(n)),
        }
    )
    path = tmp_path / "data.parquet"
    pq.write_table(table, path, row_group_size=12_000)
    batches = list(parquet.text_batches(path, ["side", "q1", "id"], [1, 2, 0], batch_rows=4000))
    assert len(batches) >= 10
    assert pa.types.is_dictionary(batches[0].schema.field("side").type)  # not decoded
    assert batches[0].schema.names == ["side", "q1", "id"]
    assert not pa.types.is_dictionary(batches[0].schema.field("id").type)  # all distinct
    got = _columns(batches)
    assert got["side"] == table.column("side").to_pylist()
    assert got["q1"][:4] == ["5", "4", None, "2"]
    assert got["id"] == table.column("id").to_pylist()


def test_parquet_reads_only_the_needed_columns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "data.parquet"
    pq.write_table(pa.table({"a": ["x", "y"], "b": ["1", "2"], "c": ["p", "q"]}), path)
    seen: list[object] = []
    original = pq.ParquetFile.iter_batches

    def spy(self: pq.ParquetFile, *args: object, **kwargs: object) -> object:
        seen.append(kwargs.get("columns"))
        return original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pq.ParquetFile, "iter_batches", spy)
    assert _columns(list(parquet.text_batches(path, ["c"], [2]))) == {"c": ["p", "q"]}
    assert seen == [["c"]]


def test_xlsx_streams_in_chunks_without_its_blank_tail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from openpyxl import Workbook

    monkeypatch.setattr(xlsx, "BATCH_ROWS", 7)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(HEADER)
    rows = [[str(i), "Vendor", "" if i % 5 == 0 else "yes"] for i in range(40)]
    rows[20] = ["", "", ""]  # a blank row inside the data stays
    for row in rows:
        sheet.append(row)
    for _ in range(12):
        sheet.append([None, None, None])
    path = tmp_path / "data.xlsx"
    workbook.save(path)
    source = open_source(path)
    assert len(source._sheet.rows if source._sheet else []) <= xlsx.SAMPLE_ROWS
    batches = list(source.batches(HEADER))
    assert len(batches) >= 5
    assert all(b.num_rows <= 7 + 1 for b in batches[:-1])
    assert _columns(batches) == _expected(rows)


# ------------------------------------------------- line numbers, on the error path


def test_line_index_gives_each_record_its_line(tmp_path: Path) -> None:
    path = tmp_path / "lines.csv"
    path.write_text(
        'id,side,q1\n1,Vendor,a\n2,Vendor,"two\nlines"\n\n3,Customer,b\n'
        '4,Customer,"three\nlong\nlines"\n5,Vendor,"quoted, one line"\n6,Vendor,c\n',
        encoding="utf-8",
    )
    source = open_source(path)
    assert [source.row_number(i) for i in range(6)] == [2, 3, 6, 7, 10, 11]
    assert source.row_number(6) == 8  # past the last record: counted as plain lines
    assert source._lines is not None
    # the offset changes at record 2 (after a two-line record and a blank line) and 4
    assert list(source._lines.starts) == [0, 2, 4]


def test_line_index_of_quoted_single_line_records_stays_one_entry(tmp_path: Path) -> None:
    rows = [[str(i), "Vendor", f"quoted, {i}"] for i in range(5000)]
    path = tmp_path / "quoted.csv"
    _write_csv(path, rows)
    source = open_source(path)
    assert source.row_number(4321) == 4323
    assert source._lines is not None and len(source._lines.starts) == 1


def test_a_blank_line_across_a_block_boundary_is_not_plain(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gapscan.inputs import records

    text = "id,side,q1\n" + "".join(f"{i},Vendor,a\n" for i in range(20))
    cut = text.index("\n", 50) + 1
    path = tmp_path / "blank.csv"
    path.write_text(text[:cut] + "\n" + text[cut:], encoding="utf-8")
    monkeypatch.setattr(records, "BLOCK", cut)  # the blank line's two breaks: two blocks
    assert not records.plain_lines(path, "utf-8")
    source = open_source(path)
    first_after = text[:cut].count("\n") - 1  # the data record after the blank line
    assert source.row_number(first_after) == first_after + 3


# ------------------------------------------- coded batch by batch = coded at once

_SEGMENT = st.sampled_from(["Nord", "nord ", "Île-de-France", "ÎLE-DE-FRANCE", "a\nb", "", "日本"])
_ANSWER = st.sampled_from(["Agree", " agree", "Disagree", "Neutral", "", "Strongly agree"])


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(
        st.tuples(st.booleans(), _SEGMENT, _ANSWER, _ANSWER, st.sampled_from(["", "x\ny", "é"])),
        min_size=1,
        max_size=80,
    ),
    block=st.integers(min_value=256, max_value=1024),
)
def test_responses_coded_in_small_batches_equal_one_batch(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    rows: list[tuple[bool, str, str, str, str]],
    block: int,
) -> None:
    from gapscan.responses import load_responses
    from gapscan.schema import load_schema
    from tests.conftest import schema_text

    schema = tmp_path / "s.yaml"
    text = schema_text(segments=("region",), extra="respondent_id: rid\n")
    schema.write_text(text, encoding="utf-8")
    data = tmp_path / "d.csv"
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["rid", "side", "region", "q1", "q2", "note"])
    for i, (vendor, region, q1, q2, note) in enumerate(rows):
        writer.writerow([f"r{i}é", "Vendor" if vendor else "Customer", region, q1, q2, note])
    data.write_text(buffer.getvalue(), encoding="utf-8")

    def load() -> tuple[object, ...]:
        r = load_responses(load_schema(schema), [data])
        segment = r.segments[0]
        answers = tuple(codes.tolist() for codes in r.answers.values())
        return r.side.tolist(), answers, segment.labels, segment.codes.tolist()

    monkeypatch.setattr(csv_batches, "BLOCK_SIZE", 1 << 24)
    whole = load()
    monkeypatch.setattr(csv_batches, "BLOCK_SIZE", block)
    assert load() == whole


def test_a_column_grows_over_blocks_and_widens_as_values_come(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from gapscan import columns

    monkeypatch.setattr(columns, "BLOCK_ROWS", 7)
    builder = columns.ColumnBuilder()
    rows: list[str | None] = []
    for start in range(0, 400, 25):  # 300 distinct values: int8 indices, then int16
        batch: list[str | None] = [f"v{(start + i) % 300}" for i in range(25)]
        batch[3] = None
        rows += batch
        builder.add(pa.array(batch).dictionary_encode())
    values, indices = builder.finish()
    assert indices.dtype == np.int16
    assert [None if i == len(values) else values[i] for i in indices.tolist()] == rows
