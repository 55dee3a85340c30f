"""Compressed exports (gzip, bzip2, zstd, xz, a zip of one export) and standard input
(``-``): read as the plain CSV is, known by their bytes whatever their name, with the
same line numbers in errors; what cannot be read inside a container is refused with a
reason (exit code 2, no traceback, nothing written)."""

from __future__ import annotations

import bz2
import gzip
import io
import json
import lzma
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from typer.testing import CliRunner

from gapscan.cli import app
from gapscan.errors import GapscanError
from gapscan.inputs.source import open_source
from tests.cli.outputs_support import subprocess_env
from tests.test_reading_integrity import SCHEMA, analyze_bad, analyze_good, workdir

__all__ = ["workdir"]

SURVEYS = Path(__file__).parents[1] / "surveys"


def zipped(content: bytes, name: str = "export.csv", *others: tuple[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, content)
        for other, data in others:
            archive.writestr(other, data)
    return buffer.getvalue()


COMPRESS: dict[str, Callable[[bytes], bytes]] = {
    "gzip": lambda data: gzip.compress(data, mtime=0),
    "bzip2": bz2.compress,
    "zstd": lambda data: pa.compress(data, "zstd", asbytes=True),
    "xz": lzma.compress,
    "zip": zipped,
}
KINDS = sorted(COMPRESS)


def report(schema: Path, data: Path | str, *extra: str, stdin: bytes | None = None) -> Any:
    args = ["analyze", str(schema), str(data), "--format", "json", *extra]
    result = CliRunner().invoke(app, args, input=stdin)
    assert result.exit_code in (0, 1), result.stderr
    return json.loads(result.stdout)


def without_inputs(document: Any) -> Any:
    assert document.pop("inputs")
    return document


# ------------------------------------------------------------------ bundled examples


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    "survey", ["cmo-affinity", "account-pulse", "partner-nps", "weighted-pulse"]
)
def test_every_compression_gives_the_plain_report(tmp_path: Path, survey: str, kind: str) -> None:
    """Named like the plain file (a gzip called .csv): the bytes say what it is."""
    plain = SURVEYS / f"{survey}.csv"
    packed = tmp_path / f"{survey}.csv"
    packed.write_bytes(COMPRESS[kind](plain.read_bytes()))
    expected = report(SURVEYS / f"{survey}.yaml", plain)
    got = report(SURVEYS / f"{survey}.yaml", packed)
    assert got["inputs"][0]["path"] == str(packed)
    assert got["inputs"][0]["rows"] == expected["inputs"][0]["rows"]
    assert json.dumps(without_inputs(got)) == json.dumps(without_inputs(expected))


def test_a_survey_tool_layout_is_sniffed_inside(tmp_path: Path) -> None:
    """Qualtrics' three header rows are recognised from the decompressed head."""
    plain = SURVEYS / "qualtrics-export.csv"
    packed = tmp_path / "export.csv.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    source, inner = open_source(plain), open_source(packed)
    assert inner.layout.tool == source.layout.tool != "plain"
    assert inner.columns == source.columns
    assert inner.read(inner.columns).to_pydict() == source.read(source.columns).to_pydict()


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", ["data.csv", "data.xlsx", "data"])
def test_compressed_files_are_read_by_their_bytes(workdir: Path, kind: str, name: str) -> None:
    data = b"id;side;q1;city\r\n1;Vendor;Agree;Paris\r\n2;Customer;Disagree;Lyon\r\n"
    path = workdir / name
    path.write_bytes(COMPRESS[kind](data))
    source = open_source(path)
    assert (source.format, source.delimiter) == ("csv", ";")
    assert source.read(["q1", "city"]).to_pydict() == {
        "q1": ["Agree", "Disagree"],
        "city": ["Paris", "Lyon"],
    }
    assert analyze_good(workdir, path)["inputs"][0]["rows"] == 2


# ---------------------------------------------------------------------- line numbers


def rows_with_a_bad_answer(count: int) -> tuple[bytes, int]:
    """Rows with a comment over two quoted lines each, a bad answer near the end;
    the line the bad answer's record starts on."""
    rows = [b"id,side,q1,city,comment"]
    for i in range(count):
        answer = b"Agre" if i == count - 3 else b"Agree"
        side = b"Vendor" if i % 2 else b"Customer"
        rows.append(b'%d,%s,%s,Paris,"line one\nline two"' % (i, side, answer))
    bad = 2 + 2 * (count - 3)
    return b"\n".join(rows) + b"\n", bad


@pytest.mark.parametrize("kind", KINDS)
def test_an_error_inside_names_the_line(workdir: Path, kind: str) -> None:
    """Past the sniffed megabyte, through quoted line breaks: the second pass
    decompresses again and counts the same lines as in the plain file."""
    data, line = rows_with_a_bad_answer(40_000)
    assert len(data) > 1 << 20
    plain, packed = workdir / "plain.csv", workdir / "packed.csv"
    plain.write_bytes(data)
    packed.write_bytes(COMPRESS[kind](data))
    assert analyze_bad(workdir, plain).startswith(f"error: {plain}:{line}: ")
    first = analyze_bad(workdir, packed)
    assert first.startswith(f"error: {packed}:{line}: "), first
    assert "'Agre' x1" in first


@pytest.mark.parametrize("kind", ["gzip", "zip"])
def test_a_ragged_row_inside_names_its_line(workdir: Path, kind: str) -> None:
    data = b"id,side,q1,city\n1,Vendor,Agree,Paris\n2,Customer,Agree,Lyon,extra\n"
    path = workdir / "data.csv"
    path.write_bytes(COMPRESS[kind](data))
    assert analyze_bad(workdir, path).startswith(f"error: {path}:3: 1 row does not have")


def test_the_encoding_is_settled_on_the_decompressed_file(workdir: Path) -> None:
    """cp1252 past the sniffed sample reads as cp1252; UTF-8 mixed with it is refused
    naming the line, as for a plain file."""
    head = b"id,side,q1,city\n" + b"1,Vendor,Agree,Paris\n" * 60_000
    cp1252 = head + "2,Customer,Agree,Montréal\n".encode("cp1252")
    path = workdir / "data.csv"
    path.write_bytes(gzip.compress(cp1252))
    assert open_source(path).read(["city"]).column(0).to_pylist()[-1] == "Montréal"
    mixed = head.replace(b"Paris", "Montréal".encode(), 1) + "2,Customer,Agree,Montréal\n".encode(
        "cp1252"
    )
    path.write_bytes(gzip.compress(mixed))
    first = analyze_bad(workdir, path)
    assert first.startswith(f"error: {path}:60002: byte 0xe9 at line 60002 is not UTF-8"), first


# ------------------------------------------------------------------------- refused


def big_csv() -> bytes:
    return b"id,side,q1,city\n" + b"".join(
        b"%d,%s,Agree,Paris\n" % (i, b"Vendor" if i % 2 else b"Customer") for i in range(200_000)
    )


@pytest.mark.parametrize("kind", ["gzip", "bzip2", "zstd", "xz"])
@pytest.mark.parametrize("cut", ["in the head", "past the head"])
def test_a_truncated_file_is_a_clear_error(workdir: Path, kind: str, cut: str) -> None:
    data = big_csv()
    packed = COMPRESS[kind](data)
    keep = 200 if cut == "in the head" else len(packed) - 50
    if cut == "past the head":
        assert len(data) > 2 << 20  # the cut is met while parsing, not while sniffing
    path = workdir / "data.csv"
    path.write_bytes(packed[:keep])
    first = analyze_bad(workdir, path)
    assert first.startswith(f"error: {path}: the {kind}-compressed data is damaged or cut short"), (
        first
    )
    assert reader_code(path) == "compressed-file"


def test_a_corrupt_gzip_is_a_clear_error(workdir: Path) -> None:
    packed = bytearray(gzip.compress(big_csv()))
    packed[len(packed) // 2] ^= 0xFF
    path = workdir / "data.csv.gz"
    path.write_bytes(bytes(packed))
    assert "the gzip-compressed data is damaged" in analyze_bad(workdir, path)


def reader_code(path: Path) -> str | None:
    with pytest.raises(GapscanError) as info:
        source = open_source(path)
        source.read(source.columns)
    return info.value.problems[0].code


CSV = b"id,side,q1,city\n1,Vendor,Agree,Paris\n2,Customer,Agree,Lyon\n"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (zipped(CSV, "a.csv", ("b.csv", CSV)), "this zip archive holds 2 files (a.csv, b.csv)"),
        (zipped(zipped(CSV), "inner.zip"), "holds another archive or an XLSX workbook"),
        (zipped(b"PAR1" + b"\x00" * 20, "export.parquet"), "holds a Parquet file"),
        (gzip.compress(gzip.compress(CSV)), "holds another archive"),
        (gzip.compress(b"RDX3\n\x00\x00\x00\x03"), "gzip-compressed file holds binary data"),
        (bz2.compress(b""), "holds nothing (it is empty)"),
    ],
    ids=["two-members", "zip-in-zip", "parquet-in-zip", "gzip-in-gzip", "binary", "empty"],
)
def test_what_cannot_be_read_inside_is_refused(workdir: Path, data: bytes, reason: str) -> None:
    path = workdir / "data.csv"
    path.write_bytes(data)
    assert reader_code(path) == "compressed-file"
    first = analyze_bad(workdir, path)
    assert first.startswith(f"error: {path}: "), first
    assert reason in first


def test_a_zip_with_macos_metadata_is_one_export(workdir: Path) -> None:
    path = workdir / "data.zip"
    path.write_bytes(zipped(CSV, "export.csv", ("__MACOSX/._export.csv", b"\x00\x05\x16\x07")))
    assert open_source(path).read(["side"]).column(0).to_pylist() == ["Vendor", "Customer"]


# ------------------------------------------------------------------- standard input


def run(args: list[str], cwd: Path, stdin: bytes, tmp: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gapscan", *args],
        input=stdin.decode("latin-1"),
        encoding="latin-1",
        capture_output=True,
        timeout=120,
        cwd=cwd,
        env=subprocess_env(TMPDIR=str(tmp)),
    )


@pytest.fixture
def spool(tmp_path: Path) -> Path:
    """The temporary directory the process spools standard input to."""
    directory = tmp_path / "tmp"
    directory.mkdir()
    return directory


@pytest.mark.parametrize("kind", ["plain", "gzip", "zstd"])
def test_standard_input_through_the_real_cli(workdir: Path, spool: Path, kind: str) -> None:
    data = (SURVEYS / "cmo-affinity.csv").read_bytes()
    piped = data if kind == "plain" else COMPRESS[kind](data)
    schema = str(SURVEYS / "cmo-affinity.yaml")
    before = sorted(p.name for p in workdir.iterdir())
    done = run(["analyze", schema, "-", "--format", "json"], workdir, piped, spool)
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout)
    assert got["inputs"][0]["path"] == "-"
    expected = report(SURVEYS / "cmo-affinity.yaml", SURVEYS / "cmo-affinity.csv")
    assert json.dumps(without_inputs(got)) == json.dumps(without_inputs(expected))
    assert list(spool.iterdir()) == []  # the spooled copy is gone
    assert sorted(p.name for p in workdir.iterdir()) == before  # nothing beside the inputs


def test_an_error_on_standard_input_names_its_line(workdir: Path, spool: Path) -> None:
    data, line = rows_with_a_bad_answer(50)
    done = run(["analyze", "survey.yaml", "-"], workdir, gzip.compress(data), spool)
    assert done.returncode == 2
    assert done.stderr.startswith(f"error: <stdin>:{line}: column 'q1'"), done.stderr
    assert "Traceback" not in done.stderr
    assert list(spool.iterdir()) == []


def test_standard_input_as_one_side(workdir: Path, spool: Path) -> None:
    (workdir / "survey.yaml").write_text(
        SCHEMA.replace("sides: {column: side, vendor: [Vendor], customer: [Customer]}", ""),
        "utf-8",
    )
    vendor = b"id,q1,city\n1,Agree,Paris\n2,Disagree,Lyon\n"
    (workdir / "customer.csv").write_bytes(b"id,q1,city\n3,Agree,Paris\n")
    args = ["analyze", "survey.yaml", "--vendor", "-", "--customer", "customer.csv"]
    done = run([*args, "--format", "json"], workdir, bz2.compress(vendor), spool)
    assert done.returncode == 0, done.stderr
    inputs = json.loads(done.stdout)["inputs"]
    assert [(i["path"], i["side"], i["rows"]) for i in inputs] == [
        ("-", "vendor", 2),
        ("customer.csv", "customer", 1),
    ]


@pytest.mark.parametrize(
    "args",
    [["-", "-"], ["--vendor", "-", "--customer", "-"]],
    ids=["data-twice", "both-sides"],
)
def test_standard_input_given_twice_is_refused(workdir: Path, spool: Path, args: list[str]) -> None:
    done = run(["analyze", "survey.yaml", *args], workdir, CSV, spool)
    assert done.returncode == 2
    assert done.stderr == (
        "error: -: standard input ('-') is given twice: it can be read only once "
        "(give the other data by its file name)\n"
    )


def test_the_same_data_on_standard_input_and_by_name(workdir: Path, spool: Path) -> None:
    """The content check sees standard input's copy: the file given twice is named."""
    (workdir / "survey.yaml").write_text(SCHEMA + "duplicate_ids: error\n", "utf-8")
    (workdir / "data.csv").write_bytes(CSV)
    done = run(["analyze", "survey.yaml", "-", "data.csv"], workdir, CSV, spool)
    assert done.returncode == 2
    assert "the same data as - (identical content)" in done.stderr, done.stderr


def test_standard_input_is_read_as_csv_only(workdir: Path, spool: Path) -> None:
    done = run(["analyze", "survey.yaml", "-"], workdir, b"PAR1" + b"\x00" * 64, spool)
    assert done.returncode == 2
    assert done.stderr.startswith("error: <stdin>: standard input holds PARQUET data"), done.stderr
    assert os.listdir(spool) == []


def test_init_drafts_from_standard_input(workdir: Path, spool: Path) -> None:
    """The draft names no data file (standard input has no name) and validates with
    the export given again on standard input."""
    piped = gzip.compress((SURVEYS / "cmo-affinity.csv").read_bytes())
    done = run(["init", "-", "--out", "drafted.yaml"], workdir, piped, spool)
    assert done.returncode == 0, done.stderr
    draft = (workdir / "drafted.yaml").read_text("utf-8")
    assert "\ndata:" not in draft
    assert "# data: the export came on standard input" in draft
    assert 'survey: "Survey"' in draft
    checked = run(["validate", "drafted.yaml", "-"], workdir, piped, spool)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "drafted.yaml: valid: 0 error(s)" in checked.stdout
    assert list(spool.iterdir()) == []


def test_each_run_reads_its_own_standard_input(workdir: Path) -> None:
    """In one process (a notebook, a test runner): the spooled copy is removed as each
    run ends, so the next run reads its own standard input."""
    more = CSV + b"3,Customer,Disagree,Lyon\n"
    first = report(workdir / "survey.yaml", "-", stdin=gzip.compress(CSV))
    second = report(workdir / "survey.yaml", "-", stdin=more)
    assert [first["inputs"][0]["rows"], second["inputs"][0]["rows"]] == [2, 3]


def test_a_compressed_count_table_is_still_refused(tmp_path: Path) -> None:
    """Count tables are read uncompressed (only data files are decompressed)."""
    from tests.cli.test_agreement import COUNTS_CSV
    from tests.cli.test_bad_input import SCHEMA as COUNTS_SCHEMA

    (tmp_path / "survey.yaml").write_text(COUNTS_SCHEMA, "utf-8")
    table = tmp_path / "counts.csv"
    table.write_bytes(gzip.compress(COUNTS_CSV.encode()))
    args = ["analyze", str(tmp_path / "survey.yaml"), "--counts", str(table)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {table}: this is a gzip-compressed file; a count table is read "
        "uncompressed (decompress it first)\n"
    )


def test_an_encrypted_zip_is_named_as_such(workdir: Path) -> None:
    """The encryption flag set on the member (zipfile then asks for a password)."""
    data = bytearray(zipped(CSV))
    data[6] |= 0x01  # the local header's flags
    central = data.index(b"PK\x01\x02")
    data[central + 8] |= 0x01  # the central directory's flags
    path = workdir / "data.zip"
    path.write_bytes(bytes(data))
    assert reader_code(path) == "compressed-file"
    first = analyze_bad(workdir, path)
    assert first == (
        f"error: {path}: this zip archive's file export.csv is encrypted (unzip it with "
        "its password and give the export itself)"
    )


def test_an_error_paths_second_pass_over_a_corrupt_stream_is_a_clear_error(
    workdir: Path,
) -> None:
    """The records of a damaged gzip read again (for line numbers) meet the damage: the
    file's error, not an OSError (the first pass may have failed on the garbage first)."""
    from gapscan.errors import GapscanError
    from gapscan.inputs.records import Records, check_widths
    from gapscan.inputs.stored import Stored

    packed = bytearray(gzip.compress(big_csv()))
    packed[len(packed) // 2] ^= 0xFF
    path = workdir / "data.csv.gz"
    path.write_bytes(bytes(packed))
    records = Records(Stored(path, str(path), compression="gzip"), "utf-8", ",", 1)
    with pytest.raises(GapscanError, match="gzip-compressed data is damaged"):
        check_widths(records, 4)
