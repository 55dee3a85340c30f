"""Read exactly what the file holds, or say why not: mixed encodings, XLSX formulas
without saved values, ragged rows, a "(blank)" segment value, lone-CR line ends,
Excel's ``sep=`` line and compressed files, each through the reader and through
``gapscan analyze`` (exit code 2 and a message naming the file and line, or the
correct read; no traceback; the inputs unchanged; nothing written)."""

from __future__ import annotations

import bz2
import gzip
import hashlib
import io
import json
import lzma
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from gapscan.cli import app
from gapscan.errors import GapscanError
from gapscan.inputs.csv_sniff import SAMPLE_BYTES
from gapscan.inputs.source import open_source

SCHEMA = """\
survey: Reading test
sides: {column: side, vendor: [Vendor], customer: [Customer]}
segments: [city]
scales:
  agree:
    levels: [Disagree, Agree]
    top_box: 1
questions:
  - id: q1
    scale: agree
    column: q1
analysis: {min_n: 1}
"""


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "survey.yaml").write_text(SCHEMA, encoding="utf-8")
    yield tmp_path


def digest(directory: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in directory.iterdir()}


def analyze(directory: Path, data: Path) -> tuple[int, str, str]:
    """``gapscan analyze survey.yaml DATA --format json --out report.json``."""
    args = ["analyze", "survey.yaml", str(data), "--format", "json", "--out", "report.json"]
    result = CliRunner().invoke(app, args)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"uncaught {result.exception!r}") from result.exception
    return result.exit_code, result.stdout, result.stderr


def analyze_bad(directory: Path, data: Path) -> str:
    """Run on bad input: exit 2, one-line errors, no traceback, nothing written, the
    inputs unchanged. Returns the first error line."""
    before = digest(directory)
    code, stdout, stderr = analyze(directory, data)
    assert code == 2, f"exit {code}: {stdout}{stderr}"
    assert stderr.startswith("error: "), stderr
    assert "Traceback" not in stdout + stderr
    assert digest(directory) == before
    return stderr.splitlines()[0]


def analyze_good(directory: Path, data: Path) -> Any:
    """Run on good input; the JSON report."""
    code, _, stderr = analyze(directory, data)
    assert code in (0, 1), f"exit {code}: {stderr}"
    return json.loads((directory / "report.json").read_text("utf-8"))


def reader_error(path: Path) -> GapscanError:
    with pytest.raises(GapscanError) as info:
        source = open_source(path)
        source.read(source.columns)
    return info.value


def line_of(data: bytes, needle: bytes) -> int:
    """The physical line (``\\n``-separated) where ``needle`` first occurs."""
    return data[: data.index(needle)].count(b"\n") + 1


# ------------------------------------------------------------------- mixed encodings


def utf8_then_cp1252(path: Path) -> bytes:
    """More than the sniffed megabyte of UTF-8 rows ('Montréal'; one quoted comment
    over two lines), then a row whose 'Montréal' is cp1252."""
    rows = [b"id,side,q1,city,comment\n", b'0,Vendor,Agree,Montr\xc3\xa9al,"two\nlines"\n']
    size, i = 0, 1
    while size <= SAMPLE_BYTES:
        side = b"Vendor" if i % 2 else b"Customer"
        row = b"%d,%s,Agree,Montr\xc3\xa9al,\n" % (i, side)
        rows.append(row)
        size += len(row)
        i += 1
    rows += [b"%d,Customer,Agree,Montr\xe9al,\n" % i, b"%d,Vendor,Disagree,Paris,\n" % (i + 1)]
    data = b"".join(rows)
    path.write_bytes(data)
    return data


def test_mixed_encodings_past_the_sample_name_the_line(workdir: Path) -> None:
    data = utf8_then_cp1252(workdir / "mixed.csv")
    line = line_of(data, b"Montr\xe9al")
    assert line > 30_000 and len(data) > SAMPLE_BYTES
    error = reader_error(workdir / "mixed.csv")
    assert [(p.line, p.code) for p in error.problems] == [(line, "mixed-encoding")]
    first = analyze_bad(workdir, workdir / "mixed.csv")
    assert first == (
        f"error: {workdir / 'mixed.csv'}:{line}: byte 0xe9 at line {line} is not UTF-8 "
        "(the file mixes encodings: re-export it as UTF-8)"
    )


def test_cp1252_sample_then_utf8_is_refused(workdir: Path) -> None:
    """The sample is not UTF-8 (so it reads as cp1252), but UTF-8 text follows past
    it: the whole file decides, and it mixes encodings."""
    rows = [b"id,side,q1,city\n", b"1,Vendor,Agree,Montr\xe9al\n"]
    rows += [b"%d,Customer,Agree,Paris\n" % i for i in range(2, 80_000)]
    rows.append(b"80000,Customer,Agree,Montr\xc3\xa9al\n")
    path = workdir / "mixed.csv"
    path.write_bytes(b"".join(rows))
    first = analyze_bad(workdir, path)
    assert first.startswith(f"error: {path}:2: byte 0xe9 at line 2 is not UTF-8 ("), first


def test_cp1252_past_an_ascii_sample_reads_consistently(workdir: Path) -> None:
    """Nothing in the file is UTF-8 beyond ASCII: it is one encoding (cp1252), read
    as such, and its only city is spelled one way."""
    rows = [b"id,side,q1,city\n"]
    rows += [
        b"%d,%s,Agree,Paris\n" % (i, b"Vendor" if i % 2 else b"Customer") for i in range(70_000)
    ]
    rows += [b"70000,Customer,Agree,Montr\xe9al\n", b"70001,Vendor,Agree,Montr\xe9al\n"]
    path = workdir / "cp1252.csv"
    path.write_bytes(b"".join(rows))
    assert path.stat().st_size > SAMPLE_BYTES
    report = analyze_good(workdir, path)
    cities = {r["segment"].get("city") for r in report["results"]} - {None}
    assert cities == {"Paris", "Montréal"}


def test_bytes_that_no_encoding_reads_name_the_line(workdir: Path) -> None:
    path = workdir / "odd.csv"
    data = b"id,side,q1,city\n1,Vendor,Agree,Montr\xe9al\n2,Customer,Agree,Lyon\x81\n"
    path.write_bytes(data)
    first = analyze_bad(workdir, path)
    assert first.startswith(f"error: {path}:3: byte 0x81 at line 3 is neither UTF-8 nor"), first


# ------------------------------------------------------------------------------ XLSX


def workbook_with_formulas(path: Path, *, formula_column: int = 3) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Answers"
    sheet.append(["id", "side", "q1", "city", "score"])
    for i in range(1, 7):
        sheet.append([i, "Vendor" if i % 2 else "Customer", "Agree", "Paris", 1])
    column = "ABCDE"[formula_column - 1]
    for row in (4, 6):  # openpyxl saves a formula without a value
        sheet[f"{column}{row}"] = '=IF(A1>0,"Agree","Disagree")'
    book.save(path)


def test_xlsx_formulas_without_values_are_named(workdir: Path) -> None:
    path = workdir / "answers.xlsx"
    workbook_with_formulas(path)
    error = reader_error(path)
    assert [(p.line, p.code) for p in error.problems] == [(4, "uncached-formula")]
    assert "Answers!C4, Answers!C6" in str(error)
    first = analyze_bad(workdir, path)
    assert first.startswith(
        f"error: {path}:4: 2 cells hold a formula without a saved value, which would read "
        "as blank: Answers!C4, Answers!C6 ("
    ), first


def test_xlsx_formulas_in_a_column_not_read_do_not_matter(workdir: Path) -> None:
    path = workdir / "answers.xlsx"
    workbook_with_formulas(path, formula_column=5)  # 'score': not in the schema
    report = analyze_good(workdir, path)
    assert report["inputs"][0]["rows"] == 6


def test_xlsx_formulas_with_saved_values_read(workdir: Path) -> None:
    """The same workbook as a spreadsheet program saves it (each formula with its
    value): the values are read."""
    path = workdir / "answers.xlsx"
    workbook_with_formulas(path)
    buffer = io.BytesIO()
    with zipfile.ZipFile(path) as old, zipfile.ZipFile(buffer, "w") as new:
        for item in old.infolist():
            content = old.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                assert content.count(b"<v />") == 2
                content = content.replace(b'"><f>', b'" t="str"><f>')
                content = content.replace(b"<v />", b"<v>Disagree</v>")
            new.writestr(item, content)
    path.write_bytes(buffer.getvalue())
    table = open_source(path).read(["q1"])
    rows = ["Agree", "Agree", "Disagree", "Agree", "Disagree", "Agree"]  # rows 2-7
    assert table.column("q1").to_pylist() == rows


# ------------------------------------------------------------------------ ragged rows


@pytest.mark.parametrize(("row", "fields"), [(b"4,Vendor,Agree,Paris,x", 5), (b"4,Vendor", 2)])
def test_ragged_rows_name_the_line_and_the_field_counts(
    workdir: Path, row: bytes, fields: int
) -> None:
    data = (
        b'id,side,q1,city\n1,Vendor,Agree,"Paris\nnord"\n2,Customer,Agree,Lyon\n\n'
        b"3,Customer,Disagree,Lyon\n" + row + b"\n5,Vendor,Agree,Paris\n"
    )
    path = workdir / "ragged.csv"
    path.write_bytes(data)
    line = line_of(data, row)
    assert line == 7
    error = reader_error(path)
    assert [(p.line, p.code) for p in error.problems] == [(line, "ragged-row")]
    first = analyze_bad(workdir, path)
    assert first.startswith(
        f"error: {path}:{line}: 1 row does not have the header's 4 fields: "
        f"line {line} ({fields} fields) ("
    ), first


def test_many_ragged_rows_are_counted(workdir: Path) -> None:
    rows = [b"id,side,q1,city"] + [b"%d,Vendor,Agree,Paris,extra" % i for i in range(9)]
    path = workdir / "ragged.csv"
    path.write_bytes(b"\n".join(rows) + b"\n")
    message = str(reader_error(path))
    assert "9 rows do not have the header's 4 fields: line 2 (5 fields), " in message
    assert "line 6 (5 fields) and 4 more" in message


# ------------------------------------------------------------- a "(blank)" segment


def test_a_literal_placeholder_is_not_the_empty_segment(workdir: Path) -> None:
    rows = ["id,side,q1,city"]
    cities = ["(blank)", "", "  ", "(no value)", "Paris"]
    for i in range(20):
        rows.append(f"{i},{'Vendor' if i % 2 else 'Customer'},Agree,{cities[i % 5]}")
    path = workdir / "data.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    report = analyze_good(workdir, path)
    sizes: dict[str, int] = {}
    for result in report["results"]:
        if result["segment"] and result["question"] == "q1":
            sizes[result["segment"]["city"]] = result["vendor"]["n"] + result["customer"]["n"]
    assert sizes == {"(blank)": 4, "(no value)": 4, "Paris": 4, "": 8}
    console = CliRunner().invoke(app, ["analyze", "survey.yaml", str(path)])
    assert console.exit_code in (0, 1), console.stderr
    assert "city = (blank)" in console.stdout and "city (no value)" in console.stdout


# ------------------------------------------------------------ line ends and sep= line


def unknown_answer_line(stderr: str) -> str:
    return next(line for line in stderr.splitlines() if "Agre" in line)


@pytest.mark.parametrize("newline", [b"\r", b"\r\n", b"\n"], ids=["cr", "crlf", "lf"])
def test_line_ends_read_and_count(workdir: Path, newline: bytes) -> None:
    rows = [b"id,side,q1,city", b"1,Vendor,Agree,Paris", b"2,Customer,Disagree,Lyon"]
    rows += [b"3,Customer,Agre,Lyon", b"4,Vendor,Agree,Paris"]
    path = workdir / "data.csv"
    path.write_bytes(newline.join(rows) + newline)
    source = open_source(path)
    assert source.columns == ["id", "side", "q1", "city"]
    assert source.read(["q1"]).column("q1").to_pylist() == ["Agree", "Disagree", "Agre", "Agree"]
    first = analyze_bad(workdir, path)
    assert first.startswith(f"error: {path}:4: "), first
    assert "'Agre'" in first


@pytest.mark.parametrize(
    ("first_line", "delimiter"), [(b"sep=;", ";"), (b'"sep=|"', "|"), (b"sep=,", ",")]
)
def test_excel_sep_line(workdir: Path, first_line: bytes, delimiter: str) -> None:
    """The delimiter it names is used (even where another would split the header
    into more columns), the line is not a header, and line numbers still count it."""
    d = delimiter.encode()
    o = b"," if delimiter != "," else b";"
    rows = [first_line, d.join([b"id", b"side", b"q1", b"city" + o + b" area"])]
    rows += [d.join([b"1", b"Vendor", b"Agree", b"Paris" + o + b" nord"])]
    rows += [d.join([b"2", b"Customer", b"Agre", b"Lyon" + o + b" sud"])]
    path = workdir / "data.csv"
    path.write_bytes(b"\r\n".join(rows) + b"\r\n")
    source = open_source(path)
    assert source.delimiter == delimiter
    assert source.columns == ["id", "side", "q1", f"city{o.decode()} area"]
    assert source.read(["q1"]).column("q1").to_pylist() == ["Agree", "Agre"]
    assert source.row_number(1) == 4
    segment = f"'city{o.decode()} area'"
    (workdir / "survey.yaml").write_text(SCHEMA.replace("[city]", f"[{segment}]"), "utf-8")
    first = analyze_bad(workdir, path)
    assert first.startswith(f"error: {path}:4: "), first


# -------------------------------------------------------------------------- compressed

CSV = b"id,side,q1,city\n1,Vendor,Agree,Paris\n2,Customer,Agree,Lyon\n"


def zipped(content: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("data.csv", content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data",
    [gzip.compress(CSV), bz2.compress(CSV), lzma.compress(CSV), zipped(CSV)],
    ids=["gzip", "bzip2", "xz", "zip"],
)
@pytest.mark.parametrize("name", ["data.csv", "data.xlsx", "data"])
def test_compressed_files_are_read_by_their_bytes(workdir: Path, data: bytes, name: str) -> None:
    """Whatever the name says (see tests/test_compressed_input.py for every
    compression on the bundled examples)."""
    path = workdir / name
    path.write_bytes(data)
    source = open_source(path)
    assert source.read(["q1", "city"]).to_pydict() == {
        "q1": ["Agree", "Agree"],
        "city": ["Paris", "Lyon"],
    }
    assert analyze_good(workdir, path)["inputs"][0]["rows"] == 2


def two_members(content: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("data.csv", content)
        archive.writestr("more.csv", content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("reason", "data"),
    [
        ("the zstd-compressed data is damaged", b"\x28\xb5\x2f\xfd\x20\x3d\x01\x00" + CSV),
        ("this zip archive holds 2 files (data.csv, more.csv)", two_members(CSV)),
    ],
    ids=["zstd-magic-then-text", "zip-of-two"],
)
@pytest.mark.parametrize("name", ["data.csv", "data.xlsx", "data"])
def test_compressed_files_that_cannot_be_read_are_named_by_their_bytes(
    workdir: Path, reason: str, data: bytes, name: str
) -> None:
    path = workdir / name
    path.write_bytes(data)
    assert reader_error(path).problems[0].code == "compressed-file"
    first = analyze_bad(workdir, path)
    assert first.startswith(f"error: {path}: {reason}"), first


def test_a_header_starting_like_a_magic_number_is_text(workdir: Path) -> None:
    """'BZh' alone is not bzip2 (its block magic must follow)."""
    path = workdir / "data.csv"
    path.write_bytes(b"BZh9,side,q1,city\n1,Vendor,Agree,Paris\n")
    assert open_source(path).columns == ["BZh9", "side", "q1", "city"]
