"""Count every respondent once: ids hold across all the files of a run."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gapscan import id_hash
from gapscan.errors import GapscanError, ProblemCollector
from gapscan.id_hash import NO_ID
from gapscan.identity import FileIds, check_ids, file_ids, same_content
from gapscan.responses import load_responses
from gapscan.schema import load_schema
from tests.cli.test_bad_input import SCHEMA, error_lines, run, run_bad, workdir, write
from tests.conftest import schema_text

__all__ = ["workdir"]

ONE_SIDE = "rid,q1,q2\n"


def side_file(path: Path, ids: list[str], answer: str = "Agree") -> Path:
    return write(path, ONE_SIDE + "".join(f"{i},{answer},{answer}\n" for i in ids))


def digests(directory: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.iterdir())
        if p.is_file() and not p.is_symlink()
    }


def fake_ids(path: str, ids: list[str], side: int) -> FileIds:
    return file_ids(path, ids, np.full(len(ids), side), lambda rows: [int(r) + 2 for r in rows])


# ------------------------------------------------------------------------ unit


def test_ids_are_trimmed_and_blank_ids_ignored() -> None:
    ids = fake_ids("a.csv", [" 7", "7 ", "", "  ", "8", "\u30007\x1c"], 0)
    hashes = ids.hashes.tolist()
    assert hashes[0] == hashes[1] == hashes[5] != hashes[4]  # str.strip()'s whitespace
    assert hashes[2] == hashes[3] == NO_ID
    assert NO_ID not in (hashes[0], hashes[4])


@pytest.mark.parametrize(
    ("resolve", "dropped"), [("keep-first", [[2], [0]]), ("keep-last", [[0, 2], []])]
)
def test_resolution_keeps_one_row_per_id_within_and_across_files(
    resolve: str, dropped: list[list[int]]
) -> None:
    a = fake_ids("a.csv", ["1", "2", "1"], 0)
    b = fake_ids("b.csv", ["1 ", "3"], 0)  # the same side: the same respondents
    out = ProblemCollector()
    resolution = check_ids([a, b], "rid", resolve, "s.yaml", out)
    assert not out.problems
    assert [d.tolist() for d in resolution.drop] == dropped


def test_an_id_on_both_sides_in_two_files_is_a_warning_not_a_duplicate() -> None:
    vendor = fake_ids("v.csv", ["1", "2"], 0)
    customer = fake_ids("c.csv", ["2", "3"], 1)
    out = ProblemCollector()
    resolution = check_ids([vendor, customer], "rid", "error", "s.yaml", out)
    assert not out.problems
    (warning,) = resolution.warnings
    assert warning.code == "id-on-both-sides"
    assert (warning.file, warning.line) == ("v.csv", 3)
    assert "'2' x2 (row 3, c.csv row 2)" in warning.message


def test_an_id_twice_in_one_file_is_a_duplicate_even_on_two_sides() -> None:
    both = file_ids("d.csv", ["5", "5"], np.asarray([0, 1]), lambda r: [int(x) + 2 for x in r])
    out = ProblemCollector()
    check_ids([both], "rid", "error", "s.yaml", out)
    (problem,) = out.problems
    assert problem.code == "duplicate-id" and problem.line == 2
    assert "'5' x2 (rows 2, 3)" in problem.message


def test_many_repeated_ids_are_counted_and_the_first_ones_shown() -> None:
    ids = [str(i) for i in range(40)]
    out = ProblemCollector()
    check_ids(
        [fake_ids("a.csv", ids, 0), fake_ids("b.csv", ids[::-1], 0)], "rid", "error", "s", out
    )
    (problem,) = out.problems
    assert "40 id(s) occur more than once" in problem.message
    assert problem.message.index("'0' x2") < problem.message.index("'9' x2")
    assert "and 30 more" in problem.message and "'10' x2" not in problem.message


def test_same_content_hashes_only_files_of_equal_size(tmp_path: Path) -> None:
    a = write(tmp_path / "a.csv", "x,y\n1,2\n")
    b = write(tmp_path / "b.csv", "x,y\n1,3\n")  # the same size, other bytes
    c = write(tmp_path / "c.csv", "x,y\n1,2\n")
    out = ProblemCollector()
    same_content([a, b, c], out)
    (problem,) = out.problems
    assert problem.file == str(c) and str(a) in problem.message
    assert problem.code == "duplicate-file"


# ---------------------------------------------------------------- command line


def test_the_same_file_twice_names_the_ids(workdir: Path) -> None:
    write(workdir / "survey.yaml", SCHEMA)
    side_file(workdir / "v.csv", ["1", "2"])
    side_file(workdir / "c.csv", ["11", "12"])
    before = digests(workdir)
    stderr = run_bad(
        workdir, "analyze", "survey.yaml", "--vendor", "v.csv", "--vendor", "v.csv",
        "--customer", "c.csv",
    )  # fmt: skip
    lines = error_lines(stderr)
    dup = next(e for e in lines if "occur more than once" in e)
    assert dup.startswith("error: v.csv:2: ")
    assert "2 id(s)" in dup and "'1' x2 (row 2, v.csv row 2)" in dup
    assert "duplicate_ids: keep-first" in dup  # the hint names the way out
    assert any(e.startswith("error: v.csv: this file is given twice") for e in lines), stderr
    assert digests(workdir) == before


def test_overlapping_exports_of_one_side(workdir: Path) -> None:
    write(workdir / "survey.yaml", SCHEMA)
    side_file(workdir / "v1.csv", ["1", "2", "3"])
    side_file(workdir / "v2.csv", ["4", "3", "2", "5"])
    side_file(workdir / "c.csv", ["11", "12"])
    stderr = run_bad(
        workdir, "analyze", "survey.yaml", "--vendor", "v1.csv", "--vendor", "v2.csv",
        "--customer", "c.csv",
    )  # fmt: skip
    (line,) = error_lines(stderr)
    assert line.startswith("error: v1.csv:3: ")
    assert "2 id(s)" in line
    assert "'2' x2 (row 3, v2.csv row 4)" in line and "'3' x2 (row 4, v2.csv row 3)" in line


def test_ids_that_differ_by_white_space_are_one_respondent(workdir: Path) -> None:
    write(workdir / "survey.yaml", SCHEMA)
    write(workdir / "data.csv", "rid,side,q1,q2\n7,Vendor,Agree,Agree\n 7 ,Customer,Agree,Agree\n")
    stderr = run_bad(workdir, "analyze", "survey.yaml", "data.csv")
    (line,) = error_lines(stderr)
    assert line.startswith("error: data.csv:2: ") and "'7' x2 (rows 2, 3)" in line


def test_the_same_id_on_the_vendor_and_the_customer_file_warns(workdir: Path) -> None:
    write(workdir / "survey.yaml", SCHEMA)
    side_file(workdir / "v.csv", ["1", "2", "3"])
    side_file(workdir / "c.csv", ["3", "1", "9"], "Disagree")
    code, stdout, stderr = run(
        "analyze", "survey.yaml", "--vendor", "v.csv", "--customer", "c.csv", "--format", "json"
    )
    assert code == 0, stderr
    (warning,) = stderr.splitlines()
    assert warning.startswith("warning: v.csv:2: ")
    assert "2 id(s) are on both sides" in warning
    assert "'1' x2 (row 2, c.csv row 3)" in warning and "'3' x2 (row 4, c.csv row 2)" in warning
    assert json.loads(stdout)["respondents"] == {"vendor": 3, "customer": 3}
    code, out, _ = run(
        "validate", "survey.yaml", "--vendor", "v.csv", "--customer", "c.csv", "--format", "json"
    )
    assert code == 0
    found = [f for f in json.loads(out)["findings"] if f["code"] == "id-on-both-sides"]
    assert [(f["severity"], f["file"], f["line"]) for f in found] == [("warning", "v.csv", 2)]


@pytest.mark.parametrize("spelling", ["./data.csv", "link.csv", "copy.csv", "hard.csv"])
def test_without_ids_a_file_given_twice_is_refused_by_content(workdir: Path, spelling: str) -> None:
    write(workdir / "survey.yaml", SCHEMA.replace("respondent_id: rid\n", ""))
    data = write(
        workdir / "data.csv", "rid,side,q1,q2\n1,Vendor,Agree,Agree\n2,Customer,Agree,Agree\n"
    )
    (workdir / "link.csv").symlink_to(data.name)
    os.link(data, workdir / "hard.csv")
    write(workdir / "copy.csv", data.read_text())
    stderr = run_bad(workdir, "analyze", "survey.yaml", "data.csv", spelling)
    (line,) = error_lines(stderr)
    if spelling == "./data.csv":  # the same name once normalised
        assert line.startswith("error: data.csv: this file is given twice"), line
    else:
        assert line.startswith(f"error: {spelling}: the same data as data.csv (identical content)")


def test_without_ids_files_of_equal_size_but_other_content_are_fine(workdir: Path) -> None:
    write(workdir / "survey.yaml", SCHEMA.replace("respondent_id: rid\n", ""))
    write(workdir / "a.csv", "rid,side,q1,q2\n1,Vendor,Agree,Agree\n2,Customer,Agree,Agree\n")
    write(workdir / "b.csv", "rid,side,q1,q2\n1,Vendor,Agree,Agree\n2,Customer,Agree,Neutra\n")
    stderr = run_bad(workdir, "analyze", "survey.yaml", "a.csv", "b.csv")
    assert "identical" not in stderr and "'Neutra'" in stderr  # read, not refused as a copy


@pytest.mark.parametrize(
    ("resolve", "kept_answer"), [("keep-first", "Agree"), ("keep-last", "Disagree")]
)
def test_duplicate_ids_in_the_schema_resolves_and_counts(
    workdir: Path, resolve: str, kept_answer: str
) -> None:
    write(workdir / "survey.yaml", SCHEMA + f"duplicate_ids: {resolve}\n")
    side_file(workdir / "v1.csv", ["1", "2", "3"])
    side_file(workdir / "v2.csv", ["3", " 2", "4"], "Disagree")
    side_file(workdir / "c.csv", ["11", "12"])
    args = ["survey.yaml", "--vendor", "v1.csv", "--vendor", "v2.csv", "--customer", "c.csv"]
    code, stdout, stderr = run("analyze", *args, "--format", "json")
    assert code == 0, stderr
    report = json.loads(stdout)
    dropped = {i["path"]: i["duplicates_dropped"] for i in report["inputs"]}
    assert dropped == (
        {"v1.csv": 0, "v2.csv": 2, "c.csv": 0}
        if resolve == "keep-first"
        else {"v1.csv": 2, "v2.csv": 0, "c.csv": 0}
    )
    assert report["respondents"] == {"vendor": 4, "customer": 2}
    survey = load_schema(workdir / "survey.yaml")
    responses = load_responses(survey, vendor=["v1.csv", "v2.csv"], customer=["c.csv"])
    vendor_q1 = responses.answers["q1"][responses.side == 0].tolist()
    agree = survey.scales[0].levels.index("Agree")
    assert vendor_q1.count(agree) == (3 if kept_answer == "Agree" else 1)  # ids 2 and 3
    code, stdout, _ = run("analyze", *args)
    dropped_from = "v2.csv" if resolve == "keep-first" else "v1.csv"
    assert f"{dropped_from}: 3 rows read, vendor side, 2 responses with a repeated id dropped" in (
        stdout
    )


def test_duplicate_ids_needs_a_respondent_id(workdir: Path) -> None:
    schema = SCHEMA.replace("respondent_id: rid\n", "") + "duplicate_ids: keep-first\n"
    write(workdir / "survey.yaml", schema)
    write(workdir / "data.csv", "rid,side,q1,q2\n1,Vendor,Agree,Agree\n")
    stderr = run_bad(workdir, "analyze", "survey.yaml", "data.csv")
    assert "error: survey.yaml: 'duplicate_ids: keep-first' needs 'respondent_id'" in stderr


def test_an_unknown_resolution_is_a_schema_error(workdir: Path) -> None:
    write(workdir / "survey.yaml", SCHEMA + "duplicate_ids: keep-some\n")
    write(workdir / "data.csv", "rid,side,q1,q2\n1,Vendor,Agree,Agree\n")
    stderr = run_bad(workdir, "analyze", "survey.yaml", "data.csv")
    assert "duplicate_ids" in stderr


def test_library_load_raises_with_every_problem(tmp_path: Path) -> None:
    schema = write(tmp_path / "s.yaml", SCHEMA)
    v = side_file(tmp_path / "v.csv", ["1", "1"])
    c = write(tmp_path / "c.csv", ONE_SIDE + "2,Agree,Agre\n")
    with pytest.raises(GapscanError) as caught:
        load_responses(load_schema(schema), vendor=[v], customer=[c])
    assert sorted(p.code or "" for p in caught.value.problems) == ["duplicate-id", "unknown-answer"]


# ------------------------------------------------------------- hash collisions


def _weak_hash(array: pa.Array) -> np.ndarray:
    """Every id of one length collides: only the exact check tells them apart."""
    return np.asarray([len(v or "") + 1 for v in array.to_pylist()], dtype=np.uint64)


def _survey_with_ids(tmp_path: Path, rids: list[str]) -> tuple[Path, Path]:
    schema = tmp_path / "s.yaml"
    schema.write_text(schema_text(questions=("q1",), extra="respondent_id: rid\n"), "utf-8")
    rows = "".join(
        f"{rid},{'Vendor' if i % 2 else 'Customer'},Agree\n" for i, rid in enumerate(rids)
    )
    data = tmp_path / "d.csv"
    data.write_text("rid,side,q1\n" + rows, encoding="utf-8")
    return schema, data


def test_a_hash_collision_of_two_ids_is_not_a_duplicate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(id_hash, "hash_strings", _weak_hash)
    schema, data = _survey_with_ids(tmp_path, ["ab", "cd", " ef", "gh ", "ij"])
    responses = load_responses(load_schema(schema), [data])
    assert responses.side.size == 5


def test_a_true_duplicate_among_colliding_hashes_is_reported_with_its_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(id_hash, "hash_strings", _weak_hash)
    schema, data = _survey_with_ids(tmp_path, ["ab", "xy", "cd", " xy", "ef", "zz", "zz"])
    with pytest.raises(GapscanError) as info:
        load_responses(load_schema(schema), [data])
    (problem,) = info.value.problems
    assert problem.code == "duplicate-id" and problem.line == 3
    assert "2 id(s) occur more than once" in problem.message
    assert "'xy' x2 (rows 3, 5)" in problem.message and "'zz' x2 (rows 7, 8)" in problem.message
    assert "'ab'" not in problem.message and "'cd'" not in problem.message


def test_keep_first_drops_only_true_duplicates_under_collisions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(id_hash, "hash_strings", _weak_hash)
    schema, data = _survey_with_ids(tmp_path, ["ab", "xy", "cd", "xy", "ef"])
    text = schema.read_text("utf-8") + "duplicate_ids: keep-first\n"
    schema.write_text(text, "utf-8")
    responses = load_responses(load_schema(schema), [data])
    assert responses.side.size == 4
    assert responses.inputs[0].duplicates_dropped == 1


def test_hashing_ids_imports_no_pandas() -> None:
    """pyarrow imports pandas for some conversions (half a second); hashing avoids them."""
    import subprocess
    import sys

    code = (
        "import io, sys, pyarrow as pa, pyarrow.csv as pv, pyarrow.compute as pc\n"
        "from gapscan.id_hash import NO_ID, hash_ids\n"
        "convert = pv.ConvertOptions(strings_can_be_null=True, column_types={'id': pa.string()})\n"
        "data = io.BytesIO(b'id,x\\n a,1\\n,2\\nb,3\\na ,4\\n')\n"
        "ids = pv.read_csv(data, convert_options=convert).column(0).chunk(0)\n"
        "assert 'pandas' not in sys.modules, 'the test itself imported pandas'\n"
        "plain, coded = hash_ids(ids), hash_ids(pc.dictionary_encode(ids))\n"
        "assert plain.tolist() == coded.tolist()\n"
        "assert plain[0] == plain[3] != plain[2] and plain[1] == NO_ID\n"
        "assert 'pandas' not in sys.modules, 'pandas imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


_ID_CHARS = st.sampled_from(list("aZ09-_ \t\x0b\x0c\x1c\x85\xa0\u2003\u3000é日"))


@settings(max_examples=200, deadline=None)
@given(ids=st.lists(st.text(alphabet=_ID_CHARS, max_size=8), min_size=1, max_size=40))
def test_an_id_hashes_as_its_stripped_text(ids: list[str]) -> None:
    """Ids are hashed as Python's str.strip() leaves them, whether or not the quick
    look at their first and last bytes finds anything to trim; blank ids are NO_ID."""
    hashes = id_hash.hash_ids(pa.array(ids, pa.string())).tolist()
    stripped = [i.strip() for i in ids]
    expected = id_hash.hash_strings(pa.array(stripped, pa.string())).tolist()
    assert hashes == [NO_ID if not s else h for s, h in zip(stripped, expected, strict=True)]


def test_distinct_ids_hash_apart() -> None:
    """Every byte and the length count: ids of every length up to 40 that differ in
    one byte anywhere, or only by a trailing NUL, get distinct hashes (the exact check
    after a repeated hash would still keep them apart, but each collision costs it)."""
    base = "R_0123456789abcdefghijklmnopqrstuvwxyzAB"
    ids = [base[:n] for n in range(41)]
    ids += [base[:n] + "\x00" for n in range(40)]
    ids += [base[:i] + "#" + base[i + 1 : n] for n in range(1, 41) for i in range(n)]
    ids += [f"R_{i:09d}" for i in range(50_000)]
    hashes = id_hash.hash_strings(pa.array(ids, pa.string()))
    assert len(set(ids)) == len(ids)
    assert np.unique(hashes).size == len(ids)
