"""Hostile input, arguments and environment: bounded, clear, and no partial output.

Huge or malicious files (a YAML alias bomb, deeply nested YAML, a 2 GB line, a header
of a million columns) must end quickly (under ``LIMIT`` seconds) with a clear error;
files that are not tables, truncated workbooks and mixed encodings must give an error
naming the file (or a documented successful reading); odd paths (a missing or
unwritable output directory, a directory, a FIFO, ``/dev/null``) and bad arguments
must end with exit code 2 and an ``error:`` line, without a traceback, without
hanging and without leaving a report behind; an unwritable ``GITHUB_STEP_SUMMARY``
either fails the run that way or is reported while the run succeeds.

Most cases run in-process; the few that could hang the test run itself (a FIFO, an
endless device) or that depend on the real console script run in a subprocess with
a timeout.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from hypothesis import event, example, given
from hypothesis import strategies as st
from openpyxl import Workbook

from gapscan import schema_yaml
from gapscan.inputs import csv_sniff
from tests.fuzz.conftest import (
    CSV_BYTES,
    DATA_NAME,
    SCHEMA_TEXT,
    Outcome,
    assert_error_lines,
    assert_no_crash,
    check_analyze,
    check_validate,
    count_case,
    fuzz_settings,
    invoke,
    listing,
)

LIMIT = 10.0  # seconds: "huge or hostile input is bounded"
SUBPROCESS_TIMEOUT = LIMIT + 3  # start-up included; a hang fails the test after this long
ARGUMENT_EXAMPLES = 300
POSIX = os.name == "posix"
ROOT_USER = POSIX and os.geteuid() == 0


@pytest.fixture
def workdir() -> Iterator[Path]:
    """A directory holding the bundled schema and data."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp)
        (path / "survey.yaml").write_text(SCHEMA_TEXT, encoding="utf-8")
        (path / DATA_NAME).write_bytes(CSV_BYTES)
        yield path


def bad_run(
    args: Sequence[str | Path],
    *,
    workdir: Path,
    names: Sequence[str | Path],
    env: dict[str, str | None] | None = None,
) -> Outcome:
    """analyze --format json --out, expecting bad input: exit 2, error lines naming one
    of ``names``, nothing written, all within ``LIMIT`` seconds."""
    out = workdir / "report.json"
    start = time.monotonic()
    outcome = check_analyze(args, workdir=workdir, out=out, files=[*names, out], env=env)
    elapsed = time.monotonic() - start
    assert outcome.code == 2, f"exit {outcome.code}: {outcome.stderr[:2000]}"
    assert elapsed < LIMIT, f"took {elapsed:.1f} s"
    return outcome


def bad_validate(args: Sequence[str | Path], *, names: Sequence[str | Path]) -> None:
    start = time.monotonic()
    outcome = check_validate(args, files=names)
    assert outcome.code == 2
    assert time.monotonic() - start < LIMIT


def run_console(
    args: Sequence[str | os.PathLike[str] | bytes],
    *,
    cwd: Path,
    memory_limit: int | None = None,
    stdout: int | None = subprocess.PIPE,
    env: dict[str, str] | None = None,
) -> tuple[subprocess.CompletedProcess[bytes], float]:
    """Run the real console script (``python -m gapscan``) with a timeout: a hang
    fails the test instead of blocking the run."""

    def limit() -> None:
        import resource  # POSIX only, like the tests that limit memory

        if memory_limit is not None:
            resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))

    start = time.monotonic()
    try:
        process = subprocess.run(
            [sys.executable, "-m", "gapscan", *args],
            cwd=cwd,
            stdout=stdout,
            stderr=subprocess.PIPE,
            timeout=SUBPROCESS_TIMEOUT,
            preexec_fn=limit if memory_limit is not None else None,
            env={**os.environ, **(env or {})},
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"gapscan {args} did not end within {SUBPROCESS_TIMEOUT:.0f} s (it hangs)")
    return process, time.monotonic() - start


def assert_console_error(process: subprocess.CompletedProcess[bytes], name: str) -> str:
    stderr = process.stderr.decode("utf-8", errors="replace")
    stdout = (process.stdout or b"").decode("utf-8", errors="replace")
    assert "Traceback" not in stderr + stdout, stderr
    assert "internal error" not in stderr, stderr
    assert process.returncode == 2, f"exit {process.returncode}: {stderr}"
    assert_error_lines(stderr, [name])
    return stderr


# ------------------------------------------------------------------- bounded: YAML


def alias_bomb(levels: int = 10, fan_out: int = 9) -> str:
    """The 'billion laughs': each level lists the previous one ``fan_out`` times, so
    the last expands to 9**10 (3.5 billion) scalars from a file of about 300 bytes."""
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        lines.append(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * fan_out) + "]")
    lines.append("survey: bomb")
    lines.append(f"questions: *l{levels - 1}")
    return "\n".join(lines) + "\n"


def test_yaml_alias_bomb_is_refused_quickly(workdir: Path) -> None:
    bomb = workdir / "bomb.yaml"
    bomb.write_text(alias_bomb(), encoding="utf-8")
    assert bomb.stat().st_size < 1000
    outcome = bad_run([bomb, workdir / DATA_NAME], workdir=workdir, names=[bomb])
    assert "nodes" in outcome.stderr or "alias" in outcome.stderr, outcome.stderr
    bad_validate([bomb, workdir / DATA_NAME], names=[bomb])


def test_yaml_alias_bomb_of_mappings_is_refused_quickly(workdir: Path) -> None:
    """The same with merge keys (``<<: *a``), which copy mappings instead of lists."""
    lines = ["a0: &a0 {k0: lol, k1: lol, k2: lol, k3: lol, k4: lol, k5: lol, k6: lol}"]
    for i in range(1, 10):
        keys = ", ".join(f"k{j}: *a{i - 1}" for j in range(9))
        lines.append(f"a{i}: &a{i} {{<<: *a{i - 1}, {keys}}}")
    bomb = workdir / "merge-bomb.yaml"
    bomb.write_text("\n".join(lines) + "\nsurvey: bomb\n", encoding="utf-8")
    bad_run([bomb, workdir / DATA_NAME], workdir=workdir, names=[bomb])


NESTED = {
    "flow-sequences": lambda n: "[" * n + "]" * n,
    "flow-mappings": lambda n: "{a: " * n + "1" + "}" * n,
    "block-sequences": lambda n: "- " * n + "x\n",
    # one more space per level keeps the file under the 2 MB schema limit
    "block-mappings": lambda n: "".join(" " * i + "a:\n" for i in range(min(n, 1_500))),
    "mixed": lambda n: "survey: x\nscales:\n  s: " + "[{a: " * (n // 2) + "1" + "}]" * (n // 2),
}


@pytest.mark.parametrize("kind", sorted(NESTED))
def test_deeply_nested_yaml_is_refused_quickly(workdir: Path, kind: str) -> None:
    deep = workdir / "deep.yaml"
    deep.write_text(NESTED[kind](100_000), encoding="utf-8")
    assert deep.stat().st_size <= schema_yaml.MAX_SCHEMA_BYTES
    bad_run([deep, workdir / DATA_NAME], workdir=workdir, names=[deep])
    bad_validate([deep, workdir / DATA_NAME], names=[deep])


def test_oversized_schema_is_refused_without_reading_it(workdir: Path) -> None:
    """A 2 GB schema (sparse: no disk is used) is refused by its size."""
    big = workdir / "big.yaml"
    with big.open("wb") as fh:
        fh.write(b"survey: big\n")
        fh.truncate(2 * 1024**3)
    bad_run([big, workdir / DATA_NAME], workdir=workdir, names=[big])


# ------------------------------------------------------------------- bounded: data


def sparse_file(path: Path, start: bytes, size: int = 2 * 1024**3) -> Path:
    """``start``, then zeros up to ``size`` bytes, as a sparse file: the zeros take no
    disk space. Skips when the file system cannot make sparse files."""
    with path.open("wb") as fh:
        fh.write(start)
        fh.truncate(size)
    if path.stat().st_blocks * 512 > 64 * 1024**2:
        path.unlink()
        pytest.skip("this file system does not make sparse files")
    return path


def test_two_gigabyte_first_line(workdir: Path) -> None:
    """gapscan reads a data file's first ``csv_sniff.SAMPLE_BYTES`` (1 MB) to find its
    format and header, and refuses a file whose first line does not end within them.
    This file has no newline: text a little longer than the sample, then zeros up to
    2 GB (sparse). Its whole first 'line' is 2 GB long, and the sample holds text
    only, so it is the line-length guard, not the binary-data check, that answers."""
    start = b"respondent_id,respondent_type," + b"x" * (csv_sniff.SAMPLE_BYTES + 6 * 1024)
    huge = sparse_file(workdir / "huge.csv", start)
    outcome = bad_run([workdir / "survey.yaml", huge], workdir=workdir, names=[huge])
    assert f"{huge}:1: " in outcome.stderr, outcome.stderr
    bad_validate([workdir / "survey.yaml", huge], names=[huge])


def test_two_gigabyte_second_line(workdir: Path) -> None:
    """A valid header, then a data line of 2 GB: text past the sample (so the sample
    ends inside it and the header is read normally), then zeros (sparse). The reader
    must refuse it quickly, without reading 2 GB."""
    header = CSV_BYTES.split(b"\n", 1)[0] + b"\n"
    start = header + b"V0001,Vendor," + b"y" * (csv_sniff.SAMPLE_BYTES + 6 * 1024)
    huge = sparse_file(workdir / "huge.csv", start)
    bad_run([workdir / "survey.yaml", huge], workdir=workdir, names=[huge])
    bad_validate([workdir / "survey.yaml", huge], names=[huge])


def test_header_of_a_million_columns(workdir: Path) -> None:
    """1,000,000 short names (about 7 MB): longer than the header sample."""
    wide = workdir / "wide.csv"
    wide.write_text(",".join(f"c{i}" for i in range(1_000_000)) + "\n1\n", encoding="ascii")
    assert wide.stat().st_size > csv_sniff.SAMPLE_BYTES
    bad_run([workdir / "survey.yaml", wide], workdir=workdir, names=[wide])
    bad_validate([workdir / "survey.yaml", wide], names=[wide])


def test_header_of_too_many_columns_within_the_sample(workdir: Path) -> None:
    """More than ``csv_sniff.MAX_COLUMNS`` names that fit in the sample."""
    count = csv_sniff.MAX_COLUMNS + 5_000
    wide = workdir / "wide.csv"
    wide.write_text(",".join("c" for _ in range(count)) + "\n", encoding="ascii")
    assert wide.stat().st_size < csv_sniff.SAMPLE_BYTES
    outcome = bad_run([workdir / "survey.yaml", wide], workdir=workdir, names=[wide])
    assert f"{count:,}" in outcome.stderr, outcome.stderr


def test_data_row_of_a_million_cells(workdir: Path) -> None:
    """A normal header, then one row of 1,000,000 cells."""
    wide = workdir / "wide.csv"
    body = CSV_BYTES.split(b"\n", 3)
    wide.write_bytes(b"\n".join(body[:3]) + b"\n" + b",".join([b"Agree"] * 1_000_000) + b"\n")
    bad_run([workdir / "survey.yaml", wide], workdir=workdir, names=[wide])


# -------------------------------------------------------------- not a table at all

NOT_TEXT = {
    "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8,
    "gzip": b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + bytes(range(255, 0, -1)) * 8,
    "pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n\x00\x01\x02",
    "random": bytes((i * 7919 + 13) % 256 for i in range(70_000)),
    "parquet-magic-only": b"PAR1",
    "parquet-magics": b"PAR1" + b"\x00" * 100 + b"PAR1",
    "zip-magic-only": b"PK\x03\x04",
    "empty-zip": b"PK\x05\x06" + b"\x00" * 18,
}


@pytest.mark.parametrize("kind", sorted(NOT_TEXT))
def test_binary_file_as_data(workdir: Path, kind: str) -> None:
    path = workdir / f"responses.{kind}"
    path.write_bytes(NOT_TEXT[kind])
    bad_run([workdir / "survey.yaml", path], workdir=workdir, names=[path])
    bad_validate([workdir / "survey.yaml", path], names=[path])


@pytest.mark.parametrize("kind", sorted(NOT_TEXT))
def test_binary_file_as_schema(workdir: Path, kind: str) -> None:
    path = workdir / f"schema.{kind}"
    path.write_bytes(NOT_TEXT[kind])
    bad_run([path, workdir / DATA_NAME], workdir=workdir, names=[path])
    bad_validate([path, workdir / DATA_NAME], names=[path])


def test_the_python_interpreter_as_input(workdir: Path) -> None:
    """A real executable, as schema and as data."""
    executable = Path(sys.executable).resolve()
    bad_run([executable, workdir / DATA_NAME], workdir=workdir, names=[executable])
    bad_run([workdir / "survey.yaml", executable], workdir=workdir, names=[executable])


def test_a_schema_given_as_data(workdir: Path) -> None:
    """Text, but not a table of the schema's columns."""
    schema_file = workdir / "survey.yaml"
    bad_run([schema_file, schema_file], workdir=workdir, names=[schema_file])


def xlsx_bytes() -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Responses")
    for row in csv.reader(io.StringIO(CSV_BYTES.decode("utf-8"))):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("fraction", [0.0005, 0.1, 0.5, 0.9, 0.999])
def test_truncated_xlsx(workdir: Path, fraction: float) -> None:
    whole = xlsx_bytes()
    path = workdir / "responses.xlsx"
    path.write_bytes(whole[: max(4, int(len(whole) * fraction))])
    bad_run([workdir / "survey.yaml", path], workdir=workdir, names=[path])
    bad_validate([workdir / "survey.yaml", path], names=[path])


@pytest.mark.parametrize("name", ["responses.csv", "responses", "responses.xls", "responses.XLSX"])
def test_xlsx_under_another_name(workdir: Path, name: str) -> None:
    """gapscan recognises a workbook by its content (the zip magic number), so a
    workbook saved under another extension either reads (it is the same workbook) or
    gives an error naming the file; never an internal error."""
    path = workdir / name
    path.write_bytes(xlsx_bytes())
    out = workdir / "report.json"
    outcome = check_analyze(
        [workdir / "survey.yaml", path], workdir=workdir, out=out, files=[path, out]
    )
    assert outcome.code in (0, 2)


# ----------------------------------------------------------------- mixed encodings

ACCENT_SCHEMA = """\
survey: Accents
sides: {column: side, vendor: [Vendor], customer: [Customer]}
segments: [region]
scales:
  opinion:
    levels: [Pas du tout, Un peu, Très bien, Extrêmement bien]
    top_box: 1
questions:
  - id: q1
    scale: opinion
    column: q1
analysis: {min_n: 1}
"""


def mixed_file(path: Path, *, in_answers: bool) -> Path:
    """UTF-8 and cp1252 bytes in one file (its header is ASCII): the first rows say
    'Québec' (and, ``in_answers``, 'Très bien') in UTF-8, the last ones in cp1252."""
    rows = [b"side,region,q1"]
    for i in range(40):
        side = b"Vendor" if i % 2 else b"Customer"
        encoding = "utf-8" if i < 20 else "cp1252"
        region = "Québec".encode(encoding)
        answer = "Très bien" if in_answers else "Un peu"
        rows.append(side + b"," + region + b"," + answer.encode(encoding))
    path.write_bytes(b"\n".join(rows) + b"\n")
    return path


@pytest.mark.parametrize("in_answers", [True, False], ids=["answers", "segment"])
def test_mixed_encodings_are_an_error_naming_the_line(workdir: Path, in_answers: bool) -> None:
    """UTF-8 rows, then cp1252 rows: neither decoding reads the whole file as it was
    written ('Québec' would become 'QuÃ©bec' and form a segment of its own), so the
    run is refused, naming the line of the first byte that is not UTF-8 (row 21 of
    the data, line 22 of the file)."""
    schema_file = workdir / "accents.yaml"
    schema_file.write_text(ACCENT_SCHEMA, encoding="utf-8")
    data = mixed_file(workdir / "mixed.csv", in_answers=in_answers)
    outcome = bad_run([schema_file, data], workdir=workdir, names=[data])
    assert f"{data}:22: byte 0xe9 at line 22 is not UTF-8" in outcome.stderr, outcome.stderr
    assert "Ã" not in outcome.stderr


def test_mixed_encodings_past_the_sample(workdir: Path) -> None:
    """cp1252 bytes only after the first ``csv_sniff.SAMPLE_BYTES``: the sample says UTF-8,
    the full read finds otherwise. The run must still end in a success or an error
    naming the file."""
    header = CSV_BYTES.split(b"\n", 1)[0]
    rows = CSV_BYTES.split(b"\n")[1:-1]
    body = b""
    i = 0
    while len(body) < csv_sniff.SAMPLE_BYTES + 10_000:
        row = rows[i % len(rows)]
        body += row.replace(row.split(b",")[0], f"R{i}".encode()) + b"\n"
        i += 1
    tail = b"R-last,Customer,Am\xe9rique,Agree,Agree,Well aligned\n"
    tail = tail.replace(b"Agree,Agree,Well aligned", b"Very customer-centric,Agree,Well aligned")
    data = workdir / "late.csv"
    data.write_bytes(header + b"\n" + body + tail)
    out = workdir / "report.json"
    outcome = check_analyze(
        [workdir / "survey.yaml", data], workdir=workdir, out=out, files=[data, out]
    )
    assert outcome.code in (0, 1, 2)


# ----------------------------------------------------------------- paths and output


def test_out_in_a_missing_directory(workdir: Path) -> None:
    out = workdir / "missing" / "report.json"
    outcome = invoke(
        ["analyze", workdir / "survey.yaml", workdir / DATA_NAME, "--format", "json", "--out", out]
    )
    assert_no_crash(outcome)
    assert outcome.code == 2
    assert_error_lines(outcome.stderr, [out])
    assert not out.parent.exists()
    assert listing(workdir) == sorted(["survey.yaml", DATA_NAME])


@pytest.mark.skipif(not POSIX, reason="POSIX permissions")
@pytest.mark.skipif(ROOT_USER, reason="root can write to a read-only directory")
def test_out_in_a_read_only_directory(workdir: Path) -> None:
    locked = workdir / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        out = locked / "report.json"
        outcome = invoke(
            [
                "analyze",
                workdir / "survey.yaml",
                workdir / DATA_NAME,
                "--format",
                "json",
                "--out",
                out,
            ]
        )
        assert_no_crash(outcome)
        assert outcome.code == 2
        assert_error_lines(outcome.stderr, [out])
        assert listing(locked) == []
    finally:
        locked.chmod(0o755)


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc")
def test_out_where_nobody_can_write(workdir: Path) -> None:
    """/proc refuses new files even to root: an unwritable directory on any Linux."""
    out = Path("/proc/gapscan-report.json")
    outcome = invoke(
        ["analyze", workdir / "survey.yaml", workdir / DATA_NAME, "--format", "json", "--out", out]
    )
    assert_no_crash(outcome)
    assert outcome.code == 2
    assert_error_lines(outcome.stderr, [out])
    assert not out.exists()


def test_out_is_a_directory(workdir: Path) -> None:
    target = workdir / "reports"
    target.mkdir()
    (target / "keep.txt").write_text("keep", encoding="utf-8")
    outcome = invoke(
        [
            "analyze",
            workdir / "survey.yaml",
            workdir / DATA_NAME,
            "--format",
            "json",
            "--out",
            target,
        ]
    )
    assert_no_crash(outcome)
    assert outcome.code == 2
    assert_error_lines(outcome.stderr, [target])
    assert listing(target) == ["keep.txt"]
    assert listing(workdir) == sorted(["survey.yaml", DATA_NAME, "reports"]), "temporary file left"


def test_schema_path_is_a_directory(workdir: Path) -> None:
    bad_run([workdir, workdir / DATA_NAME], workdir=workdir, names=[workdir])
    bad_validate([workdir, workdir / DATA_NAME], names=[workdir])


def test_data_path_is_a_directory(workdir: Path) -> None:
    bad_run([workdir / "survey.yaml", workdir], workdir=workdir, names=[workdir])


def test_missing_files(workdir: Path) -> None:
    missing = workdir / "nope.yaml"
    bad_run([missing, workdir / DATA_NAME], workdir=workdir, names=[missing])
    missing_data = workdir / "nope.csv"
    bad_run([workdir / "survey.yaml", missing_data], workdir=workdir, names=[missing_data])


@pytest.mark.skipif(not POSIX, reason="symbolic links")
def test_symlink_loop(workdir: Path) -> None:
    loop = workdir / "loop"
    loop.symlink_to(loop)
    bad_run([loop, workdir / DATA_NAME], workdir=workdir, names=[loop])
    bad_run([workdir / "survey.yaml", loop], workdir=workdir, names=[loop])


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="needs /dev/null")
def test_dev_null_as_schema_and_as_data(workdir: Path) -> None:
    null = Path("/dev/null")
    bad_run([null, workdir / DATA_NAME], workdir=workdir, names=[null])
    bad_run([workdir / "survey.yaml", null], workdir=workdir, names=[null])
    bad_validate([null, workdir / DATA_NAME], names=[null])
    bad_validate([workdir / "survey.yaml", null], names=[null])


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs")
@pytest.mark.parametrize("role", ["data", "schema"])
def test_fifo_does_not_hang(workdir: Path, role: str) -> None:
    """A FIFO nobody writes to: opening it for reading blocks forever, so gapscan must
    not open it blindly (a subprocess with a timeout, so a hang fails the test)."""
    fifo = workdir / f"pipe.{'csv' if role == 'data' else 'yaml'}"
    os.mkfifo(fifo)
    args = [fifo, DATA_NAME] if role == "schema" else ["survey.yaml", fifo]
    process, elapsed = run_console(["analyze", *map(str, args)], cwd=workdir)
    assert_console_error(process, str(fifo))
    assert elapsed < LIMIT + 3  # interpreter start-up included


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_endless_device_as_schema(workdir: Path) -> None:
    """/dev/zero reports a size of 0 but never ends: the schema size limit must hold
    for what is read, not only for what stat() says. Run with 2 GB of address space so
    that a reader that does not stop fails fast instead of eating the machine."""
    process, elapsed = run_console(
        ["analyze", "/dev/zero", DATA_NAME], cwd=workdir, memory_limit=2 * 1024**3
    )
    assert_console_error(process, "/dev/zero")
    assert elapsed < LIMIT + 3
    # validate lists the same problem in its report (stdout), and exits 2
    process, elapsed = run_console(
        ["validate", "/dev/zero", DATA_NAME], cwd=workdir, memory_limit=2 * 1024**3
    )
    assert process.returncode == 2 and b"/dev/zero" in process.stdout
    assert b"Traceback" not in process.stderr and elapsed < LIMIT + 3


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_endless_device_as_data(workdir: Path) -> None:
    bad_run([workdir / "survey.yaml", "/dev/zero"], workdir=workdir, names=["/dev/zero"])


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_stdout_that_cannot_be_written(workdir: Path) -> None:
    """Standard output is a full disk: an error on stderr, not an internal error."""
    with open("/dev/full", "wb") as full:
        process, _ = run_console(
            ["analyze", "survey.yaml", DATA_NAME, "--format", "json"],
            cwd=workdir,
            stdout=full.fileno(),
        )
    stderr = process.stderr.decode("utf-8", errors="replace")
    assert "Traceback" not in stderr
    assert "internal error" not in stderr, stderr
    assert process.returncode == 2, stderr
    assert stderr.startswith("error: "), stderr


@pytest.mark.skipif(sys.platform != "linux", reason="file names that are not UTF-8")
def test_file_name_that_is_not_utf8(workdir: Path) -> None:
    """A data file whose name is not valid UTF-8 (allowed on Linux): the report names
    it somehow, or the run says what is wrong; never an internal error."""
    name = b"responses-\xff.csv"
    try:
        with open(os.path.join(os.fsencode(workdir), name), "wb") as fh:
            fh.write(CSV_BYTES)
    except OSError:
        pytest.skip("the file system refuses names that are not UTF-8")
    process, _ = run_console(
        [b"analyze", b"survey.yaml", name, b"--format", b"json", b"--out", b"report.json"],
        cwd=workdir,
    )
    stderr = process.stderr.decode("utf-8", errors="replace")
    assert "Traceback" not in stderr
    assert "internal error" not in stderr, stderr
    assert process.returncode in (0, 1, 2), stderr
    if process.returncode == 2:
        assert stderr.startswith("error: "), stderr
        assert not (workdir / "report.json").exists()
    else:
        json.loads((workdir / "report.json").read_text(encoding="utf-8"))


# ------------------------------------------------------------------------ arguments


def test_no_arguments() -> None:
    outcome = invoke([])
    assert_no_crash(outcome)
    assert outcome.code in (0, 2)
    assert "Usage" in outcome.stdout + outcome.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["--bogus"],
        ["analyze", "--bogus"],
        ["analyze", "survey.yaml", "--format", "xml"],
        ["analyze", "survey.yaml", "--width", "abc"],
        ["analyze", "survey.yaml", "--show-accounts", "-1"],
        ["analyze", "survey.yaml", "--vendor", DATA_NAME],
        ["analyze", "survey.yaml", "--out"],
        ["validate", "--strict", "--strict", "--format", "yaml", "survey.yaml"],
        ["trend"],
        ["init"],
        ["frobnicate"],
        ["analyze", "survey.yaml", "--", "--format"],
    ],
)
def test_bad_usage(workdir: Path, args: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(workdir)
    outcome = invoke(args)
    assert_no_crash(outcome)
    assert outcome.code == 2, outcome.stdout + outcome.stderr
    assert listing(workdir) == sorted(["survey.yaml", DATA_NAME])


# --------------------------------------------------------------------- environment


@pytest.mark.parametrize("target", ["directory", "missing-directory", "under-a-file"])
def test_step_summary_that_cannot_be_written(workdir: Path, target: str) -> None:
    """GITHUB_STEP_SUMMARY names a path that cannot be appended to. Either the run
    fails (exit 2, an error naming that path, and no report left behind) or it
    succeeds without the summary (a complete report, and a message naming the path
    on stderr): never a failed run that leaves its report in place."""
    summary = {
        "directory": workdir,
        "missing-directory": workdir / "missing" / "summary.md",
        "under-a-file": workdir / DATA_NAME / "summary.md",
    }[target]
    out = workdir / "report.json"
    outcome = check_analyze(
        [workdir / "survey.yaml", workdir / DATA_NAME, "--step-summary"],
        workdir=workdir,
        out=out,
        files=[summary, out],
        env={"GITHUB_STEP_SUMMARY": str(summary)},
    )
    assert str(summary) in outcome.stderr, outcome.stderr
    if outcome.code != 2:
        assert outcome.code == 0
        assert not summary.is_file()


@pytest.mark.parametrize("columns", ["0", "-1", "abc", "1000000", ""])
def test_odd_terminal_width(workdir: Path, columns: str) -> None:
    outcome = invoke(
        ["analyze", workdir / "survey.yaml", workdir / DATA_NAME], env={"COLUMNS": columns}
    )
    assert_no_crash(outcome)
    assert outcome.code == 0, outcome.stderr


# -------------------------------------------------------- generated argument lists

INPUTS = ["survey.yaml", DATA_NAME, "nope.yaml", "sub", "empty.csv", "/dev/null", "", "-"]
OUTPUTS = ["report.out", "sub/report.out", "missing/report.out", "sub", "", "-"]
FLAGS = ["--paired", "--no-rules", "--no-charts", "--stamp", "--strict", "--force"]
FLAGS += ["--step-summary", "--no-step-summary"]
VALUES: dict[str, list[str]] = {
    "--out": OUTPUTS,
    "--junit": OUTPUTS,
    "--charts": OUTPUTS,
    "--baseline": ["baseline.json", "garbage.json", "survey.yaml", "nope.json", "sub"],
    "--vendor": INPUTS,
    "--customer": INPUTS,
    "--by": ["region", "centricity", "respondent_id", "nope", "", " ", "\x00", "é" * 200],
    "--show-accounts": ["0", "3", "-1", "abc", "99999999999999999999"],
    "--width": ["0", "1", "40", "-5", "abc", "99999999"],
    "--format": ["table", "markdown", "json", "csv", "xml", ""],
    "--export-format": ["qualtrics", "surveymonkey", "googleforms", "limesurvey", "plain", "spss"],
    "--sheet": ["Sheet1", "", "nope"],
    "--title": ["A title", "", "\x00", "x" * 500],
}
COMMANDS: dict[str, tuple[tuple[str, ...], list[str]]] = {
    "analyze": (
        ("survey.yaml", DATA_NAME),
        [
            "--vendor",
            "--customer",
            "--by",
            "--paired",
            "--show-accounts",
            "--format",
            "--export-format",
            "--sheet",
            "--out",
            "--baseline",
            "--charts",
            "--no-charts",
            "--junit",
            "--no-rules",
            "--stamp",
            "--width",
        ],
    ),
    "trend": (
        ("survey.yaml", DATA_NAME, DATA_NAME),
        [
            "--format",
            "--export-format",
            "--sheet",
            "--out",
            "--charts",
            "--no-charts",
            "--junit",
            "--no-rules",
        ],
    ),
    "validate": (
        ("survey.yaml", DATA_NAME),
        [
            "--vendor",
            "--customer",
            "--by",
            "--format",
            "--export-format",
            "--sheet",
            "--out",
            "--strict",
        ],
    ),
    "init": (
        (DATA_NAME,),
        ["--vendor", "--customer", "--export-format", "--sheet", "--out", "--title", "--force"],
    ),
}


@st.composite
def argument_lists(draw: st.DrawFn) -> list[str]:
    """A command, its usual inputs (or others), and a few of its options (now and then
    one of another command's), each with a value from that option's vocabulary."""
    command = draw(st.sampled_from(sorted(COMMANDS)))
    inputs, own = COMMANDS[command]
    if draw(st.integers(0, 4)) == 0:
        inputs = tuple(draw(st.lists(st.sampled_from(INPUTS), max_size=3)))
    args = [command, *inputs]
    foreign = sorted(VALUES) + FLAGS
    for _ in range(draw(st.integers(0, 4))):
        name = draw(st.sampled_from(own) if draw(st.integers(0, 5)) else st.sampled_from(foreign))
        args.append(name)
        if name in VALUES:
            args.append(draw(st.sampled_from(VALUES[name])))
    return args


environment = st.fixed_dictionaries(
    {
        "GITHUB_STEP_SUMMARY": st.sampled_from(
            [None, None, None, "summary.md", "sub", "missing/summary.md", ""]
        ),
        "COLUMNS": st.sampled_from([None, "0", "40", "abc"]),
    }
)


def snapshot(directory: Path) -> dict[str, bytes | None]:
    """Every file and directory under ``directory`` with its content."""
    return {
        str(p.relative_to(directory)): (p.read_bytes() if p.is_file() else None)
        for p in sorted(directory.rglob("*"))
    }


_BASELINE: list[str] = []


def baseline_report() -> str:
    """A JSON report of the bundled example, for --baseline (made once)."""
    if not _BASELINE:
        with tempfile.TemporaryDirectory() as tmp:
            directory = Path(tmp)
            (directory / "survey.yaml").write_text(SCHEMA_TEXT, encoding="utf-8")
            (directory / DATA_NAME).write_bytes(CSV_BYTES)
            outcome = invoke(["analyze", directory / "survey.yaml", "--format", "json"])
            assert outcome.code == 0, outcome.stderr
            _BASELINE.append(outcome.stdout)
    return _BASELINE[0]


# Failures found by this test, pinned: an output written after the report fails, so
# the run exits 2 with the report (or the charts) already in place
NO_ENV: dict[str, str | None] = {"GITHUB_STEP_SUMMARY": None, "COLUMNS": None}
REPORT = ["analyze", "survey.yaml", DATA_NAME, "--format", "json", "--out", "report.out"]


@example(args=[*REPORT, "--step-summary"], env={**NO_ENV, "GITHUB_STEP_SUMMARY": "sub"})
@example(args=[*REPORT, "--junit", "sub"], env=NO_ENV)
@example(
    args=[
        *("analyze", "survey.yaml", DATA_NAME, "--format", "markdown"),
        *("--charts", "sub/charts", "--out", "missing/report.md"),
    ],
    env=NO_ENV,
)
@fuzz_settings(ARGUMENT_EXAMPLES)
@given(args=argument_lists(), env=environment)
def test_fuzz_arguments(args: list[str], env: dict[str, str | None]) -> None:
    """Random argument lists and environments, run in a scratch directory holding the
    bundled schema and data: never a crash, and a failed run (exit 2) leaves every file
    as it was: no report, chart, JUnit file or step summary from a run that failed."""
    count_case()
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        (directory / "survey.yaml").write_text(SCHEMA_TEXT, encoding="utf-8")
        (directory / DATA_NAME).write_bytes(CSV_BYTES)
        (directory / "empty.csv").write_bytes(b"")
        (directory / "baseline.json").write_text(baseline_report(), encoding="utf-8")
        (directory / "garbage.json").write_text('{"results": [1, 2', encoding="utf-8")
        (directory / "sub").mkdir()
        before = snapshot(directory)
        previous = Path.cwd()
        os.chdir(directory)
        try:
            outcome = invoke(args, env=env)
        finally:
            os.chdir(previous)
        assert_no_crash(outcome)
        event(f"exit {outcome.code}")
        if outcome.code == 2:
            after = snapshot(directory)
            changed = sorted(
                name for name in {*before, *after} if before.get(name, 0) != after.get(name, 0)
            )
            if args[0] == "validate" and not outcome.stderr:
                # validate ran and its verdict is "problems found": its report (which
                # lists them) is its product, not a partial file
                written = {args[i + 1] for i, a in enumerate(args[:-1]) if a in ("--out", "-o")}
                changed = [name for name in changed if name not in written]
            assert not changed, (
                f"gapscan {args} failed (exit 2) but changed {changed}\n{outcome.stderr[:2000]}"
            )
