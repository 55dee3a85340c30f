"""Fuzz the data: mutated copies of the bundled export never crash gapscan.

Everything starts from ``surveys/cmo-affinity.csv`` (900 respondents) read by the
bundled schema, in three formats:

* CSV, mutated as bytes (bits flipped, bytes inserted and deleted, truncation, BOMs,
  UTF-16 / cp1252 bytes, NULs, magic numbers of other formats) and as a table
  (columns removed, renamed, repeated; answers replaced by unknown labels; blank and
  ragged rows; very long cells; random rows; a survey tool's extra header rows), then
  written in another dialect (delimiter, quoting, line ends) and encoding;
* XLSX written with openpyxl from the mutated table, with cells of other types
  (numbers, dates, booleans, formulas), then damaged as a zip file or in one of its
  XML parts;
* Parquet written with pyarrow from the mutated table, with columns of other types
  (integers, floats, booleans, binary, lists, structs...), then damaged as bytes.

Each mutated file runs ``gapscan analyze SCHEMA DATA --format json --out OUT`` and
``gapscan validate SCHEMA DATA --format json``, and the contract of ``conftest.py``
is checked on both.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import tempfile
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import event, example, given
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from tests.fuzz.conftest import (
    CSV_BYTES,
    SCHEMA_TEXT,
    check_analyze,
    check_validate,
    count_case,
    fuzz_settings,
)

CSV_BYTE_EXAMPLES = 350
CSV_TABLE_EXAMPLES = 400
XLSX_EXAMPLES = 120
PARQUET_EXAMPLES = 200

BASE_ROWS: list[list[str]] = list(csv.reader(io.StringIO(CSV_BYTES.decode("utf-8"))))
HEADER = BASE_ROWS[0]
LABELS = sorted({cell for row in BASE_ROWS[1:] for cell in row[1:]})  # all but the ids

SCHEMAS = {
    "plain": SCHEMA_TEXT,
    "paired": SCHEMA_TEXT + "pair_by: region\n",  # regions as accounts: many-to-one pairs
}
RUNS = st.sampled_from(
    [
        ("plain", ()),
        ("plain", ()),
        ("plain", ("--no-rules",)),
        ("plain", ("--by", "region")),
        ("plain", ("--by", "alignment")),
        ("plain", ("--export-format", "plain")),
        ("plain", ("--export-format", "qualtrics")),
        ("plain", ("--export-format", "surveymonkey")),
        ("plain", ("--export-format", "googleforms")),
        ("plain", ("--export-format", "limesurvey")),
        ("paired", ("--paired",)),
        ("paired", ("--paired", "--show-accounts", "2")),
    ]
)

# ------------------------------------------------------------------------ vocabulary

index = st.integers(min_value=0, max_value=1 << 20)  # taken modulo the current size
random_text = st.text(max_size=24)
cell_value = st.one_of(
    st.sampled_from(LABELS),
    st.sampled_from(
        [
            "",
            " ",
            "\t",
            "Don't know",
            "Don’t know",
            "N/A",
            "NA",
            "null",
            "None",
            "nan",
            "vendor",
            " VENDOR ",
            "Agree ",
            "AGREE",
            "Extremely  customer-centric",
            "Extremely customer‑centric",  # a non-breaking hyphen
            "Ｖｅｎｄｏｒ",
            "Vendor\x00",
            "Vendor\r\nCustomer",
            '"Vendor"',
            "=1+1",
            "{'ImportId': 'QID1'}",
            '{"ImportId":"QID1"}',
            "Response",
            "Open-Ended Response",
            "4/22/2016 19:57:50",
            "1",
            "5",
            "5.0",
            "-1",
            "1e400",
            "\ufeffVendor",
            "\u202eVendor",
            "V0001",
        ]
    ),
    random_text,
    st.integers().map(str),
    st.floats().map(str),
)
header_name = st.one_of(st.sampled_from(HEADER), cell_value)
row_op = st.one_of(
    st.tuples(st.just("drop_column"), index),
    st.tuples(st.just("rename_column"), index, header_name),
    st.tuples(st.just("swap_columns"), index, index),
    st.tuples(st.just("duplicate_column"), index),
    st.tuples(
        st.just("set_cells"), index, index, st.integers(1, 60), st.integers(1, 900), cell_value
    ),
    st.tuples(st.just("relabel"), index, cell_value),
    st.tuples(
        st.just("append_rows"), st.lists(st.lists(cell_value, max_size=9), min_size=1, max_size=4)
    ),
    st.tuples(st.just("delete_rows"), index, st.integers(1, 900)),
    st.tuples(
        st.just("blank_rows"),
        index,
        st.integers(1, 4),
        st.sampled_from(["none", "cells", "spaces"]),
    ),
    st.tuples(
        st.just("long_cell"),
        index,
        index,
        st.integers(1_000, 200_000),
        st.sampled_from('x ,;"\n\té'),
    ),
    st.tuples(st.just("ragged"), index, st.integers(-6, 6)),
    st.tuples(st.just("keep_side"), st.sampled_from(["Vendor", "Customer"])),
    st.tuples(st.just("drop_header")),
    st.tuples(st.just("header_only")),
    st.tuples(st.just("qualtrics"), st.booleans()),
    st.tuples(st.just("qualtrics_legacy")),
    st.tuples(st.just("surveymonkey"), index),
    st.tuples(st.just("googleforms"), st.sampled_from(["4/22/2016 19:57:50", "yesterday", ""])),
    st.tuples(st.just("limesurvey")),
    st.tuples(
        st.just("status"),
        st.sampled_from(["Status", "DistributionChannel", "Finished"]),
        st.lists(
            st.sampled_from(
                [
                    "IP Address",
                    "Survey Preview",
                    "Spam",
                    "preview",
                    "test",
                    "9",
                    "1",
                    "0",
                    "false",
                    "true",
                    "",
                ]
            )
            | random_text,
            min_size=1,
            max_size=5,
        ),
    ),
)
byte_snippet = st.one_of(
    st.binary(min_size=1, max_size=16),
    st.sampled_from(
        [
            b"\x00",
            b"\x00\x00\x00\x00",
            b"\xef\xbb\xbf",
            b"\xff\xfe",
            b"\xfe\xff",
            b"\xff\xfe\x00\x00",
            b"\xe9",
            b"\x92",
            b"\x93\x94",
            "é".encode(),
            "’".encode(),
            "é".encode("utf-16-le"),
            b"\xc3",
            b"\xed\xa0\x80",
            b"\r",
            b"\r\n",
            b"\n",
            b"\n\n\n",
            b'"',
            b'""',
            b'"\n',
            b",",
            b";",
            b"\t",
            b"|",
            b"\x1a",
            b"\x0c",
            b"PAR1",
            b"PK\x03\x04",
        ]
    ),
)
byte_op = st.one_of(
    st.tuples(st.just("flip"), index, st.integers(1, 255)),
    st.tuples(st.just("insert"), index, byte_snippet),
    st.tuples(st.just("delete"), index, st.integers(1, 4096)),
    st.tuples(st.just("truncate"), index),
    st.tuples(
        st.just("replace_all"),
        st.sampled_from(
            [
                (b",", b";"),
                (b",", b"\t"),
                (b",", b"|"),
                (b",", b" "),
                (b",", b", "),
                (b"\n", b"\r\n"),
                (b"\n", b"\r"),
                (b"\n", b"\n\n"),
                (b"'", b"\x92"),
                (b"'", "’".encode()),
                (b"e", b"\xe9"),
                (b"e", "é".encode()),
                (b"Vendor", b"Vendor "),
                (b"Customer", b"\x00"),
                (b"a", b"\x00a"),
            ]
        ),
    ),
    st.tuples(st.just("prefix"), byte_snippet),
    st.tuples(st.just("suffix"), byte_snippet),
)
dialect = st.tuples(
    st.sampled_from([",", ";", "\t", "|", " ", ":"]),
    st.sampled_from(["minimal", "all", "nonnumeric", "none"]),
    st.sampled_from(["\n", "\r\n", "\r"]),
)
encoding = st.sampled_from(
    [
        "utf-8",
        "utf-8",
        "utf-8-sig",
        "utf-16",
        "utf-16-le",
        "utf-16-be",
        "utf-32",
        "cp1252",
        "latin-1",
    ]
)

# ----------------------------------------------------------------- table mutations


def _data_rows(rows: list[list[str]]) -> range:
    return range(1, len(rows))


def apply_row_op(rows: list[list[Any]], op: tuple[Any, ...]) -> list[list[Any]]:
    """One mutation of the table (header row first); returns the new rows."""
    kind, *args = op
    width = len(rows[0]) if rows else 0
    body = _data_rows(rows)
    if kind == "drop_column" and width:
        j = args[0] % width
        return [r[:j] + r[j + 1 :] for r in rows]
    if kind == "rename_column" and width:
        rows[0][args[0] % width] = args[1]
    elif kind == "swap_columns" and width:
        i, j = args[0] % width, args[1] % width
        for r in rows:
            if i < len(r) and j < len(r):
                r[i], r[j] = r[j], r[i]
    elif kind == "duplicate_column" and width:
        j = args[0] % width
        return [[*r, r[j]] if j < len(r) else r for r in rows]
    elif kind == "set_cells" and width and len(body):
        j, start, step, count, value = args[0] % width, args[1] % len(body), *args[2:]
        for i in list(body)[start::step][:count]:
            if j < len(rows[i]):
                rows[i][j] = value
    elif kind == "relabel":
        old = args[0] if isinstance(args[0], str) else LABELS[args[0] % len(LABELS)]
        return [rows[0], *([args[1] if c == old else c for c in r] for r in rows[1:])]
    elif kind == "append_rows":
        return [*rows, *(list(r) for r in args[0])]
    elif kind == "delete_rows" and len(body):
        start = 1 + args[0] % len(body)
        return rows[:start] + rows[start + args[1] :]
    elif kind == "blank_rows":
        at = 1 + args[0] % len(rows) if rows else 0
        blank: list[Any] = {"none": [], "cells": [""] * width, "spaces": ["  "] * width}[args[2]]
        return rows[:at] + [list(blank) for _ in range(args[1])] + rows[at:]
    elif kind == "long_cell" and rows and width:
        i, j = args[0] % len(rows), args[1] % width
        if j < len(rows[i]):
            rows[i][j] = args[3] * args[2]
    elif kind == "ragged" and rows:
        i = args[0] % len(rows)
        delta = args[1]
        rows[i] = rows[i][:delta] if delta < 0 else rows[i] + ["extra"] * delta
    elif kind == "keep_side":
        return [rows[0], *(r for r in rows[1:] if len(r) > 1 and r[1] == args[0])]
    elif kind == "drop_header":
        return rows[1:]
    elif kind == "header_only":
        return rows[:1]
    elif kind == "qualtrics" and rows:
        ids = (
            [f'{{"ImportId":"QID{j}"}}' for j in range(width)]
            if args[0]
            else [f"{{'ImportId': 'QID{j}'}}" for j in range(width)]
        )
        return [rows[0], [f"Question {c}" for c in rows[0]], ids, *rows[1:]]
    elif kind == "qualtrics_legacy" and rows:
        return [[f"V{j + 1}" for j in range(width)], list(rows[0]), *rows[1:]]
    elif kind == "surveymonkey" and rows and width:
        second = [""] * width
        second[args[0] % width] = "Response"
        return [rows[0], second, *rows[1:]]
    elif kind == "googleforms":
        return [["Timestamp", *rows[0]], *([args[0], *r] for r in rows[1:])] if rows else rows
    elif kind == "limesurvey" and rows:
        rows[0] = [f"{c} [{c}]" if j > 1 else c for j, c in enumerate(rows[0])]
    elif kind == "status" and rows:
        name, values = args
        return [[*rows[0], name], *([*r, values[k % len(values)]] for k, r in enumerate(rows[1:]))]
    return rows


def apply_byte_op(data: bytes, op: tuple[Any, ...]) -> bytes:
    kind, *args = op
    if kind == "flip":
        if not data:
            return data
        at = args[0] % len(data)
        return data[:at] + bytes([data[at] ^ args[1]]) + data[at + 1 :]
    if kind == "insert":
        at = args[0] % (len(data) + 1)
        return data[:at] + args[1] + data[at:]
    if kind == "delete":
        at = args[0] % (len(data) + 1)
        return data[:at] + data[at + args[1] :]
    if kind == "truncate":
        return data[: args[0] % (len(data) + 1)]
    if kind == "replace_all":
        old, new = args[0]
        return data.replace(old, new)
    if kind == "prefix":
        return args[0] + data
    if kind == "suffix":
        return data + args[0]
    raise AssertionError(kind)


def to_csv(rows: list[list[Any]], dialect: tuple[str, str, str]) -> str:
    delimiter, quoting, terminator = dialect
    buffer = io.StringIO(newline="")
    writer = csv.writer(
        buffer,
        delimiter=delimiter,
        lineterminator=terminator,
        quoting={
            "minimal": csv.QUOTE_MINIMAL,
            "all": csv.QUOTE_ALL,
            "nonnumeric": csv.QUOTE_NONNUMERIC,
            "none": csv.QUOTE_NONE,
        }[quoting],
        escapechar="\\",
    )
    # a record of one empty field is a blank line (QUOTE_NONE cannot write it otherwise)
    writer.writerows([[str(c) for c in r] if r != [""] else [] for r in rows])
    return buffer.getvalue()


# ------------------------------------------------------------------------------ XLSX

CELL_KINDS = [
    "int",
    "float",
    "half",
    "nan",
    "inf",
    "bool",
    "datetime",
    "date",
    "none",
    "formula",
    "error_formula",
    "long",
]
xlsx_op = st.one_of(
    st.tuples(st.just("retype"), index, st.sampled_from(CELL_KINDS)),
    st.tuples(st.just("empty_first_sheet")),
    st.tuples(st.just("header_gap")),
)
zip_op = st.one_of(
    st.tuples(st.just("bytes"), byte_op),
    st.tuples(st.just("member"), index, byte_op),
    st.tuples(st.just("member_data"), index, index, st.integers(1, 255)),
    st.tuples(st.just("drop_member"), index),
    st.tuples(st.just("stored")),
)


def _retype(value: Any, kind: str, k: int) -> Any:
    return {
        "int": k % 7,
        "float": float(k % 7),
        "half": k % 7 + 0.5,
        "nan": math.nan,
        "inf": math.inf,
        "bool": bool(k % 2),
        "datetime": dt.datetime(2024, 1, 1 + k % 28, 10, 30),
        "date": dt.date(2024, 1, 1 + k % 28),
        "none": None,
        "formula": f'=LEN("{k}")',
        "error_formula": "=1/0",
        "long": "x" * 40_000,
    }[kind]


def apply_xlsx_op(rows: list[list[Any]], op: tuple[Any, ...]) -> list[list[Any]]:
    kind, *args = op
    if kind == "retype" and rows and rows[0]:
        j = args[0] % len(rows[0])
        for k, r in enumerate(rows[1:]):
            if j < len(r):
                r[j] = _retype(r[j], args[1], k)
    elif kind == "header_gap":
        return [[], *rows]
    return rows


def to_xlsx(rows: list[list[Any]], empty_first_sheet: bool) -> bytes:
    workbook = Workbook(write_only=True)
    if empty_first_sheet:
        workbook.create_sheet("Empty")
    sheet = workbook.create_sheet("Responses")
    for row in rows:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", c) if isinstance(c, str) else c for c in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _pick(names: list[str], member: int | str) -> int:
    """A zip member by position (modulo), or by name (pinned examples)."""
    if isinstance(member, str):
        return names.index(member)
    return member % len(names)


def _flip_member_data(data: bytes, member: int | str, offset: int, mask: int) -> bytes:
    """Flip a byte inside one member's stored (compressed) data, the zip left intact."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = [i for i in archive.infolist() if i.compress_size]
    except (zipfile.BadZipFile, ValueError):
        return data
    if not infos:
        return data
    info = infos[_pick([i.filename for i in infos], member)]
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    at = start + offset % info.compress_size
    if at >= len(data):
        return data
    return data[:at] + bytes([data[at] ^ mask]) + data[at + 1 :]


def apply_zip_op(data: bytes, op: tuple[Any, ...]) -> bytes:
    kind, *args = op
    if kind == "bytes":
        return apply_byte_op(data, args[0])
    if kind == "member_data":
        return _flip_member_data(data, *args)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as source:
            members = [(info.filename, source.read(info)) for info in source.infolist()]
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError):
        return data  # an earlier operation broke the zip: nothing to open any more
    if not members:
        return data
    method = zipfile.ZIP_DEFLATED
    names = [name for name, _ in members]
    if kind == "member":
        i = _pick(names, args[0])
        members[i] = (members[i][0], apply_byte_op(members[i][1], args[1]))
    elif kind == "drop_member":
        del members[_pick(names, args[0])]
    elif kind == "stored":
        method = zipfile.ZIP_STORED
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as target:
        for name, content in members:
            target.writestr(name, content)
    return buffer.getvalue()


# --------------------------------------------------------------------------- Parquet

COLUMN_KINDS = [
    "string",
    "large_string",
    "dictionary",
    "binary",
    "binary_invalid",
    "int_codes",
    "int_nulls",
    "float_codes",
    "float_half",
    "float_nan",
    "bool",
    "null",
    "timestamp",
    "date",
    "list",
    "struct",
    "decimal",
]
parquet_op = st.tuples(st.just("retype"), index, st.sampled_from(COLUMN_KINDS))
writer_options = st.fixed_dictionaries(
    {
        "compression": st.sampled_from(["none", "snappy", "zstd", "gzip"]),
        "row_group_size": st.sampled_from([None, 1, 7, 100]),
        "use_dictionary": st.booleans(),
        "data_page_version": st.sampled_from(["1.0", "2.0"]),
    }
)


def _column(values: list[Any], kind: str) -> pa.Array:
    codes = {v: i for i, v in enumerate(dict.fromkeys(values))}
    if kind == "string":
        return pa.array(values, pa.string())
    if kind == "large_string":
        return pa.array(values, pa.large_string())
    if kind == "dictionary":
        return pa.array(values, pa.string()).dictionary_encode()
    if kind == "binary":
        return pa.array([None if v is None else v.encode() for v in values], pa.binary())
    if kind == "binary_invalid":
        return pa.array([None if v is None else b"\xff" + v.encode() for v in values], pa.binary())
    if kind == "int_codes":
        return pa.array([codes[v] for v in values], pa.int64())
    if kind == "int_nulls":
        return pa.array([None if i % 3 else codes[v] for i, v in enumerate(values)], pa.int32())
    if kind == "float_codes":
        return pa.array([float(codes[v]) for v in values], pa.float64())
    if kind == "float_half":
        return pa.array([codes[v] + 0.5 for v in values], pa.float32())
    if kind == "float_nan":
        return pa.array([math.nan if i % 2 else 1.0 for i in range(len(values))], pa.float64())
    if kind == "bool":
        return pa.array([codes[v] % 2 == 0 for v in values], pa.bool_())
    if kind == "null":
        return pa.nulls(len(values))
    if kind == "timestamp":
        return pa.array(
            [dt.datetime(2024, 1, 1 + codes[v] % 28) for v in values], pa.timestamp("ms")
        )
    if kind == "date":
        return pa.array([dt.date(2024, 1, 1 + codes[v] % 28) for v in values], pa.date32())
    if kind == "list":
        return pa.array([[v, v] for v in values], pa.list_(pa.string()))
    if kind == "struct":
        return pa.array([{"label": v} for v in values], pa.struct([("label", pa.string())]))
    if kind == "decimal":
        return pa.array([codes[v] for v in values], pa.decimal128(10, 2))
    raise AssertionError(kind)


def to_parquet(rows: list[list[str]], kinds: dict[int, str], options: dict[str, Any]) -> bytes:
    header = rows[0] if rows else []
    body = rows[1:]
    arrays = []
    for j in range(len(header)):
        values = [r[j] if j < len(r) else None for r in body]
        arrays.append(_column(values, kinds.get(j, "string")))
    table = pa.table(arrays, names=[str(h) for h in header]) if header else pa.table({})
    buffer = io.BytesIO()
    pq.write_table(table, buffer, **options)
    return buffer.getvalue()


# ------------------------------------------------------------------------------ runs


def check_data(data: bytes, suffix: str, run: tuple[str, tuple[str, ...]]) -> None:
    """Write the data file next to the bundled schema; analyze and validate must keep
    the contract."""
    count_case()
    schema_name, options = run
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        schema = workdir / "survey.yaml"
        path = workdir / f"responses{suffix}"
        out = workdir / "report.json"
        schema.write_text(SCHEMAS[schema_name], encoding="utf-8")
        path.write_bytes(data)
        files = [schema, path, out]
        outcome = check_analyze([schema, path, *options], workdir=workdir, out=out, files=files)
        event(f"analyze exit {outcome.code}")
        check_validate([schema, path], files=files)


def fresh_rows(stride: int = 1) -> list[list[Any]]:
    """The bundled table; with ``stride``, its header and every stride-th respondent."""
    return [list(BASE_ROWS[0]), *(list(r) for r in BASE_ROWS[1::stride])]


XLSX_STRIDE = 6  # 150 respondents: reading a workbook is slow, and both sides remain


def test_the_unmutated_data_runs() -> None:
    """The starting points are valid, so each failure below is the mutation's doing."""
    xlsx = to_xlsx(fresh_rows(), empty_first_sheet=False)
    parquet = to_parquet(fresh_rows(), {}, {"compression": "snappy"})
    for data, suffix in ((CSV_BYTES, ".csv"), (xlsx, ".xlsx"), (parquet, ".parquet")):
        with tempfile.TemporaryDirectory() as tmp:
            workdir = Path(tmp)
            schema = workdir / "survey.yaml"
            path = workdir / f"responses{suffix}"
            out = workdir / "report.json"
            schema.write_text(SCHEMA_TEXT, encoding="utf-8")
            path.write_bytes(data)
            files = [schema, path, out]
            outcome = check_analyze([schema, path], workdir=workdir, out=out, files=files)
            assert outcome.code == 0, outcome.stderr
            assert check_validate([schema, path], files=files).code == 0


# Failures found by this test, pinned:
# a text file that starts with the zip magic number goes to openpyxl, which refuses
# the '.csv' extension with InvalidFileException (not caught)
@example(ops=[("prefix", b"PK\x03\x04")], run=("plain", ()))
# one quote at the start makes the whole file one header cell holding line breaks; the
# 'closest:' suggestion quotes it raw, so the error message spans many lines
@example(ops=[("prefix", b'"')], run=("plain", ()))
@fuzz_settings(CSV_BYTE_EXAMPLES)
@given(ops=st.lists(byte_op, min_size=1, max_size=4), run=RUNS)
def test_fuzz_csv_bytes(ops: list[tuple[Any, ...]], run: tuple[str, tuple[str, ...]]) -> None:
    data = CSV_BYTES
    for op in ops:
        data = apply_byte_op(data, op)
    check_data(data, ".csv", run)


@fuzz_settings(CSV_TABLE_EXAMPLES)
@given(
    ops=st.lists(row_op, max_size=4),
    dialect=dialect,
    encoding=encoding,
    byte_ops=st.lists(byte_op, max_size=2),
    run=RUNS,
)
def test_fuzz_csv_table(
    ops: list[tuple[Any, ...]],
    dialect: tuple[str, str, str],
    encoding: str,
    byte_ops: list[tuple[Any, ...]],
    run: tuple[str, tuple[str, ...]],
) -> None:
    rows = fresh_rows()
    for op in ops:
        rows = apply_row_op(rows, op)
    data = to_csv(rows, dialect).encode(encoding, errors="replace")
    for op in byte_ops:
        data = apply_byte_op(data, op)
    check_data(data, ".csv", run)


# Failures found by this test, pinned (members named, not numbered):
# malformed XML in a part of the workbook: xml.etree.ElementTree.ParseError escapes
@example(
    ops=[], zip_ops=[("member", "xl/worksheets/sheet1.xml", ("truncate", 10))], run=("plain", ())
)
# corrupt deflate data in a part: zlib.error escapes
@example(
    ops=[], zip_ops=[("member_data", "xl/worksheets/sheet1.xml", 100, 0x55)], run=("plain", ())
)
# the only worksheet's part missing: IndexError on workbook.worksheets[0]
@example(ops=[], zip_ops=[("drop_member", "xl/worksheets/sheet1.xml")], run=("plain", ()))
@fuzz_settings(XLSX_EXAMPLES)
@given(
    ops=st.lists(st.one_of(row_op, xlsx_op), max_size=4),
    zip_ops=st.lists(zip_op, max_size=2),
    run=RUNS,
)
def test_fuzz_xlsx(
    ops: list[tuple[Any, ...]], zip_ops: list[tuple[Any, ...]], run: tuple[str, tuple[str, ...]]
) -> None:
    rows = fresh_rows(XLSX_STRIDE)
    for op in ops:
        rows = (
            apply_xlsx_op(rows, op) if op[0] in ("retype", "header_gap") else apply_row_op(rows, op)
        )
    data = to_xlsx(rows, empty_first_sheet=("empty_first_sheet",) in ops)
    for op in zip_ops:
        data = apply_zip_op(data, op)
    check_data(data, ".xlsx", run)


# Failures found by this test, pinned:
# a column name that is not UTF-8: UnicodeDecodeError from pyarrow's schema (not caught)
@example(
    ops=[("rename_column", 2, "région")],
    options={"compression": "none"},
    byte_ops=[("replace_all", (b"r\xc3\xa9gion", b"r\xe9\xe9gion"))],
    run=("plain", ()),
)
# string values that are not UTF-8: UnicodeDecodeError while coding the answers
@example(
    ops=[("relabel", "APAC", "Vendé")],
    options={"compression": "none"},
    byte_ops=[("replace_all", (b"Vend\xc3\xa9", b"Vend\xe9\xe9"))],
    run=("plain", ()),
)
# a damaged page header: pyarrow's message holds line breaks and is printed raw, so the
# error spans several lines
@example(ops=[], options={"compression": "none"}, byte_ops=[("flip", 4, 1)], run=("plain", ()))
@fuzz_settings(PARQUET_EXAMPLES)
@given(
    ops=st.lists(st.one_of(row_op, parquet_op), max_size=4),
    options=writer_options,
    byte_ops=st.lists(byte_op, max_size=2),
    run=RUNS,
)
def test_fuzz_parquet(
    ops: list[tuple[Any, ...]],
    options: dict[str, Any],
    byte_ops: list[tuple[Any, ...]],
    run: tuple[str, tuple[str, ...]],
) -> None:
    rows = fresh_rows()
    kinds: dict[int, str] = {}
    for op in ops:
        if op[0] == "retype":
            kinds[op[1] % max(len(rows[0]) if rows else 1, 1)] = op[2]
        else:
            rows = apply_row_op(rows, op)
    data = to_parquet(rows, kinds, options)
    for op in byte_ops:
        data = apply_byte_op(data, op)
    check_data(data, ".parquet", run)
