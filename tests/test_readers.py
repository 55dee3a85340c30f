"""Reading data files: CSV dialects and encodings, XLSX, Parquet, real exports, bad files."""

from __future__ import annotations

import csv
import io
import random
from collections import Counter
from pathlib import Path

import pytest

from gapscan.errors import GapscanError
from gapscan.inputs.csv_sniff import SAMPLE_BYTES
from gapscan.inputs.source import open_source

EXTERNAL = Path("/work/shared/external")

HEADER = ["id", "side", "q1"]
ROWS = [
    ["1", "Vendor", "Très satisfait"],
    ["2", "Customer", "Plutôt satisfait"],
    ["3", "Customer", "Pas du tout satisfait"],
]
EXPECTED = {
    "id": ["1", "2", "3"],
    "side": ["Vendor", "Customer", "Customer"],
    "q1": ["Très satisfait", "Plutôt satisfait", "Pas du tout satisfait"],
}


def table_text(delimiter: str = ",", newline: str = "\n") -> str:
    return newline.join(delimiter.join(r) for r in [HEADER, *ROWS]) + newline


def read_all(path: Path, columns: list[str] | None = None) -> dict[str, list[str | None]]:
    source = open_source(path)
    table = source.read(columns or source.columns)
    return table.to_pydict()


def error_of(path: Path, columns: list[str] | None = None) -> GapscanError:
    """Open (and read) ``path``, which must fail with a GapscanError naming the file."""
    with pytest.raises(GapscanError) as info:
        source = open_source(path)
        source.read(columns or source.columns)
    error = info.value
    assert any(p.file == str(path) for p in error.problems), str(error)
    assert str(path) in str(error)
    return error


# ----------------------------------------------------------------------------- CSV


@pytest.mark.parametrize(
    "delimiter", [",", ";", "\t", "|"], ids=["comma", "semicolon", "tab", "pipe"]
)
def test_csv_delimiters(tmp_path: Path, delimiter: str) -> None:
    path = tmp_path / "data.csv"
    path.write_text(table_text(delimiter), encoding="utf-8")
    source = open_source(path)
    assert source.format == "csv"
    assert source.delimiter == delimiter
    assert source.columns == HEADER
    assert source.read(HEADER).to_pydict() == EXPECTED


def test_crlf_line_ends(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(table_text(",", "\r\n").encode("utf-8"))
    assert read_all(path) == EXPECTED


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [
        ("utf-8", ","),
        ("utf-8-sig", ","),
        ("utf-8-sig", ";"),
        ("utf-16", "\t"),  # what spreadsheets save as "Unicode text"
        ("utf-16", ","),
        ("cp1252", ","),
        ("cp1252", ";"),
    ],
)
def test_csv_encodings(tmp_path: Path, encoding: str, delimiter: str) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(table_text(delimiter, "\r\n").encode(encoding))
    source = open_source(path)
    assert source.columns == HEADER  # no BOM glued to the first name
    assert source.delimiter == delimiter
    assert source.read(HEADER).to_pydict() == EXPECTED


def test_read_only_the_named_columns_in_the_order_asked(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text(table_text(), encoding="utf-8")
    table = open_source(path).read(["q1", "id"])
    assert table.column_names == ["q1", "id"]
    assert table.to_pydict() == {"q1": EXPECTED["q1"], "id": EXPECTED["id"]}


def test_cp1252_label_deep_in_a_mostly_ascii_file(tmp_path: Path) -> None:
    """An accented label after the sniffed sample still decodes (cp1252 fallback)."""
    n = SAMPLE_BYTES // 12  # enough rows to pass the sniffed sample
    lines = ["id,q1"] + [f"{i},Satisfait" for i in range(n)] + [f"{n},Très satisfait"]
    path = tmp_path / "data.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode("cp1252"))
    assert path.stat().st_size > SAMPLE_BYTES
    values = read_all(path, ["q1"])["q1"]
    assert len(values) == n + 1
    assert values[-1] == "Très satisfait"


@pytest.mark.parametrize(
    "delimiter", [",", ";", "\t", "|"], ids=["comma", "semicolon", "tab", "pipe"]
)
def test_quoted_fields_with_delimiters_quotes_and_newlines(tmp_path: Path, delimiter: str) -> None:
    d = delimiter
    text = (
        f"id{d}side{d}comment\n"
        f'1{d}Vendor{d}"one{d} two"\n'
        f'2{d}Customer{d}"first line\nsecond line"\n'
        f'3{d}Customer{d}"she said ""fine"""\n'
        f"4{d}Vendor{d}plain\n"
    )
    path = tmp_path / "data.csv"
    path.write_text(text, encoding="utf-8")
    source = open_source(path)
    assert source.delimiter == delimiter
    assert source.columns == ["id", "side", "comment"]
    data = source.read(["id", "comment"]).to_pydict()
    assert data["id"] == ["1", "2", "3", "4"]
    assert data["comment"] == [f"one{d} two", "first line\nsecond line", 'she said "fine"', "plain"]


def test_trailing_delimiter_in_header(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text(
        "id,side,q1,\n1,Vendor,Très satisfait,\n2,Customer,Plutôt satisfait,\n"
        "3,Customer,Pas du tout satisfait,\n",
        encoding="utf-8",
    )
    source = open_source(path)
    # The unnamed last column is kept (as LimeSurvey grids put answers under blank
    # header cells) under a positional name, and the named columns read as usual.
    assert source.columns == [*HEADER, "column 4"]
    assert source.read(HEADER).to_pydict() == EXPECTED


def test_header_names_are_trimmed(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text(" id , side ,q1\n1,Vendor,a\n", encoding="utf-8")
    source = open_source(path)
    assert source.columns == HEADER
    assert source.read(["side"]).to_pydict() == {"side": ["Vendor"]}


def test_numbers_and_blanks_stay_text(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text("id,score\n007,5\n008,\n009,4.0\n", encoding="utf-8")
    assert read_all(path) == {"id": ["007", "008", "009"], "score": ["5", "", "4.0"]}


def test_file_larger_than_the_sniff_sample(tmp_path: Path) -> None:
    """A record cut by the end of the sniffed sample does not confuse the sniffer."""
    row = '{i};Vendor;"a long answer; with a delimiter\nand a newline"\n'
    n = SAMPLE_BYTES // 50  # enough rows to pass the sniffed sample
    text = "id;side;q1\n" + "".join(row.format(i=i) for i in range(n))
    path = tmp_path / "data.csv"
    path.write_text(text, encoding="utf-8")
    assert path.stat().st_size > SAMPLE_BYTES
    source = open_source(path)
    assert source.delimiter == ";"
    data = source.read(["id", "q1"]).to_pydict()
    assert len(data["id"]) == n
    assert data["id"][-1] == str(n - 1)
    assert set(data["q1"]) == {"a long answer; with a delimiter\nand a newline"}


def test_duplicate_column_names_are_an_error_when_read(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text("id,q1,q1\n1,a,b\n", encoding="utf-8")
    error = error_of(path, ["q1"])
    assert "q1" in str(error) and "2 times" in str(error)
    # each of them can still be named
    source = open_source(path)
    assert source.read(["q1 (1)", "q1 (2)"]).to_pydict() == {"q1 (1)": ["a"], "q1 (2)": ["b"]}


# ---------------------------------------------------------------------------- XLSX


def test_xlsx(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["id", "side", "q1", "score"])
    sheet.append([1, "Vendor", "Très satisfait", 5.0])
    sheet.append([2, "Customer", None, 3])
    sheet.append([3, "Customer", "Plutôt satisfait", 2.5])
    path = tmp_path / "data.xlsx"
    workbook.save(path)

    source = open_source(path)
    assert source.format == "xlsx"
    assert source.columns == ["id", "side", "q1", "score"]
    assert source.read(["id", "q1", "score"]).to_pydict() == {
        "id": ["1", "2", "3"],
        "q1": ["Très satisfait", "", "Plutôt satisfait"],
        "score": ["5", "3", "2.5"],  # 5.0 is the answer "5"
    }


def test_xlsx_reads_the_first_sheet(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    workbook.active.append(["q1"])
    workbook.active.append(["first"])
    other = workbook.create_sheet("Other")
    other.append(["other"])
    other.append(["second"])
    path = tmp_path / "data.xlsx"
    workbook.save(path)
    assert read_all(path) == {"q1": ["first"]}


# ------------------------------------------------------------------------- Parquet


def test_parquet(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    table = pa.table(
        {
            "id": pa.array([1, 2, 3], pa.int64()),
            "score": pa.array([5.0, 4.0, None], pa.float64()),
            "ratio": pa.array([1.5, 2.0, 3.0], pa.float64()),
            "q1": pa.array(["Très satisfait", None, "Plutôt satisfait"]),
            "side": pa.array(["Vendor", "Customer", "Customer"]).dictionary_encode(),
        }
    )
    path = tmp_path / "data.parquet"
    pq.write_table(table, path)

    source = open_source(path)
    assert source.format == "parquet"
    assert source.columns == ["id", "score", "ratio", "q1", "side"]
    data = source.read(["id", "score", "ratio", "q1", "side"]).to_pydict()
    assert data["id"] == ["1", "2", "3"]
    assert data["score"][:2] == ["5", "4"]  # whole floats are integers
    assert data["score"][2] in (None, "")
    assert data["ratio"] == ["1.5", "2.0", "3.0"] or data["ratio"] == ["1.5", "2", "3"]
    assert data["q1"][0] == "Très satisfait"
    assert data["q1"][1] in (None, "")
    assert data["side"] == ["Vendor", "Customer", "Customer"]


def test_parquet_ints_and_float_integers_read_alike(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "data.parquet"
    pq.write_table(
        pa.table({"a": pa.array([5, 1], pa.int32()), "b": pa.array([5.0, 1.0], pa.float32())}),
        path,
    )
    data = read_all(path)
    assert data == {"a": ["5", "1"], "b": ["5", "1"]}


# ------------------------------------------------------------------------ bad files


@pytest.mark.parametrize(
    "content", [b"", b"\n\n", b"   \r\n"], ids=["zero-bytes", "newlines", "blank"]
)
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(content)
    error = error_of(path)
    assert "empty" in str(error)


def test_binary_file(tmp_path: Path) -> None:
    rng = random.Random(20240601)
    content = bytes(rng.randrange(256) for _ in range(4096)) + b"\x00\x00\x00"
    path = tmp_path / "data.csv"
    path.write_bytes(content)
    error_of(path)


def test_binary_file_that_looks_like_an_image(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    error_of(path)


def test_truncated_xlsx(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    workbook.active.append(["id", "q1"])
    for i in range(50):
        workbook.active.append([i, "Très satisfait"])
    whole = tmp_path / "whole.xlsx"
    workbook.save(whole)
    data = whole.read_bytes()
    path = tmp_path / "data.xlsx"
    path.write_bytes(data[: len(data) // 2])
    error = error_of(path)
    assert "xlsx" in str(error).lower()


def test_truncated_parquet(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    whole = tmp_path / "whole.parquet"
    pq.write_table(pa.table({"id": list(range(100)), "q1": ["a"] * 100}), whole)
    data = whole.read_bytes()
    path = tmp_path / "data.parquet"
    path.write_bytes(data[: len(data) // 2])
    error_of(path, ["id"])


def test_directory(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    error = error_of(folder)
    assert "directory" in str(error)


def test_missing_file(tmp_path: Path) -> None:
    error = error_of(tmp_path / "nope.csv")
    assert "not found" in str(error)


# ---------------------------------------------------------------- real exports


def test_limesurvey_semicolon_bom_export() -> None:
    path = EXTERNAL / "limesurvey-informal-models" / "results-survey.csv"
    source = open_source(path)
    assert source.format == "csv"
    assert source.delimiter == ";"
    # two header rows: the question over its option labels (no BOM in the name)
    assert source.layout.tool == "limesurvey" and source.header_rows == 2
    assert source.columns[0] == "Welchen fachlichen Hintergrund haben Sie? [Maschinenbau]"
    assert len(source.columns) == 38


def test_limesurvey_values_decode_as_utf8() -> None:
    path = EXTERNAL / "limesurvey-informal-models" / "results-survey.csv"
    source = open_source(path)
    values = source.read([source.columns[0]]).column(0).to_pylist()
    assert len(values) == 45  # the responses, after the two header rows
    text = "".join(v or "" for v in values)
    assert "Ã" not in text  # no mojibake from a wrong decoding


def test_carpentries_long_term_survey() -> None:
    path = EXTERNAL / "carpentries" / "longterm_October2017.csv"
    source = open_source(path)
    assert source.delimiter == ","
    assert len(source.columns) == 75
    assert {"Country", "Position", "Skills-Advance-Career"} <= set(source.columns)
    table = source.read(["Position"])
    assert table.num_rows == 476
    counts = Counter(table.column("Position").to_pylist())
    assert counts["Graduate Student"] == 156
    assert counts["Postdoc"] == 89
    assert counts["Faculty"] == 56
    assert counts["Industry"] == 57


def test_rdatasets_arthritis() -> None:
    path = EXTERNAL / "rdatasets" / "Arthritis.csv"
    source = open_source(path)
    assert source.delimiter == ","
    assert source.columns == ["rownames", "ID", "Treatment", "Sex", "Age", "Improved"]
    data = source.read(["Treatment", "Improved"]).to_pydict()
    assert len(data["Treatment"]) == 84
    counts = Counter(zip(data["Treatment"], data["Improved"], strict=True))
    assert counts == {
        ("Treated", "None"): 13,
        ("Treated", "Some"): 7,
        ("Treated", "Marked"): 21,
        ("Placebo", "None"): 29,
        ("Placebo", "Some"): 7,
        ("Placebo", "Marked"): 7,
    }


def test_arthritis_resaved_as_utf16_tab_reads_the_same(tmp_path: Path) -> None:
    original = EXTERNAL / "rdatasets" / "Arthritis.csv"
    text = original.read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    path = tmp_path / "arthritis.txt"
    path.write_bytes("\r\n".join("\t".join(r) for r in rows).encode("utf-16"))
    columns = ["ID", "Treatment", "Improved"]
    assert read_all(path, columns) == read_all(original, columns)


# ----------------------------------------------------- the whole file's encoding


@pytest.mark.parametrize("block", [1, 2, 3, 5, 1 << 22])
def test_whole_file_scans_across_block_boundaries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block: int
) -> None:
    """Characters, \\r\\n pairs and patterns cut by a block's end are still seen whole:
    the same answers at every block size (1 byte: every boundary)."""
    from gapscan.inputs import encoding

    monkeypatch.setattr(encoding, "BLOCK", block)
    path = tmp_path / "data.csv"
    data = "a,b\r\nMontréal,€\rx\n\r\n".encode() + b"Lyon\xe9\n"
    path.write_bytes(data)
    invalid = encoding.first_invalid_utf8(path)
    assert invalid == encoding.InvalidUtf8(data.index(b"\xe9\n"), 0xE9, True)
    assert encoding.line_at(path, invalid.offset) == 5  # \r\n, \r, \n, \r\n end lines 1-4
    assert encoding.line_at(path, data.index("€".encode())) == 2
    assert encoding.search(path, encoding._utf8_sequence, 0) == data.index("é".encode())
    start = data.index(b"x")
    assert encoding.search(path, encoding._utf8_sequence, start) is None


def test_whole_file_utf8_cut_at_the_end(tmp_path: Path) -> None:
    """A file ending inside a character is not UTF-8 at that character."""
    from gapscan.inputs import encoding

    path = tmp_path / "data.csv"
    path.write_bytes("id,q1\n1,é".encode()[:-1])
    assert encoding.first_invalid_utf8(path) == encoding.InvalidUtf8(8, 0xC3, False)
    path.write_bytes("id,q1\n1,é\n".encode())
    assert encoding.first_invalid_utf8(path) is None
    assert encoding.settle(path) == "utf-8"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"id,q1\n1,Tr\xe8s\n2,\x80 \x93x\x94\n", "cp1252"),  # high bytes, none UTF-8
        (b"id,q1\n1,Tr\xe8s\n2,\xc3\xa9\n", 2),  # then UTF-8: mixed, the first bad byte
        (b"id,q1\n1,\xc3\xa9\n2,Tr\xe8s\n", 3),  # UTF-8 then not
        (b"id,q1\n1,Tr\xe8s\n2,\x9d\n", 3),  # a byte cp1252 does not define
    ],
    ids=["cp1252", "cp1252-then-utf8", "utf8-then-cp1252", "undefined"],
)
def test_whole_file_settles_the_encoding(tmp_path: Path, data: bytes, expected: str | int) -> None:
    from gapscan.inputs import encoding

    path = tmp_path / "data.csv"
    path.write_bytes(data)
    if isinstance(expected, str):
        assert encoding.settle(path) == expected
        return
    with pytest.raises(GapscanError) as info:
        encoding.settle(path)
    assert [(p.file, p.line) for p in info.value.problems] == [(str(path), expected)]
