"""What ``gapscan init`` drafts from the hard parts of real exports: repeated header
names, scales in other languages, answer sets it cannot order, the side column and
look-alike characters."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from gapscan.cli import app
from gapscan.readers import open_source
from tests.conftest import EXTERNAL

runner = CliRunner()
needs_external = pytest.mark.skipif(
    not EXTERNAL.is_dir(), reason="shared/external is not beside the repository"
)
AGREE = ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"]


def run(*args: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    return result.exit_code, result.stdout, result.stderr


def init(tmp_path: Path, *args: str | Path) -> tuple[dict[str, object], str]:
    schema = tmp_path / "drafted.yaml"
    code, _, err = run("init", *args, "--out", schema, "--force")
    assert code == 0, err
    text = schema.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert isinstance(data, dict)
    return data, text


def questions(drafted: dict[str, object]) -> list[dict[str, object]]:
    found = drafted["questions"]
    assert isinstance(found, list)
    return found


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


# ------------------------------------------------------------ repeated header names


@needs_external
def test_repeated_names_are_drafted_by_position(tmp_path: Path) -> None:
    """The legacy Qualtrics export repeats 'question_one' three times; each copy is
    drafted under the name the readers give it, and reads that copy's answers."""
    export = EXTERNAL / "qualtrics-QualtricsTools" / "Single_Answer_Matrix_Questions.csv"
    drafted, _ = init(tmp_path, export)
    columns = [str(q["column"]) for q in questions(drafted)]
    assert [c for c in columns if c.startswith("question_one")] == [
        "question_one (1)",
        "question_one (2)",
        "question_one (3)",
    ]
    with export.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    positions = [i for i, name in enumerate(rows[0]) if name == "question_one"]
    source = open_source(export)
    for copy, position in enumerate(positions, start=1):
        read = source.read([f"question_one ({copy})"]).column(0).to_pylist()
        assert read == [row[position] for row in rows[2:]]


def test_repeated_names_are_drafted_by_import_id(tmp_path: Path) -> None:
    """A current Qualtrics export whose header repeats a name: its copies are drafted
    by their ImportIds, and the draft analyses."""
    header = ["ResponseId", "Q1", "Q1", "side"]
    texts = ["Response ID", "Ease of use", "Value for money", "Side"]
    ids = [json.dumps({"ImportId": i}) for i in ("_recordId", "QID1", "QID2", "QID9")]
    body = [
        [f"R_{i}", AGREE[i % 5], AGREE[(i * 3) % 5], ("Vendor", "Customer")[i % 2]]
        for i in range(40)
    ]
    export = write_csv(tmp_path / "export.csv", [header, texts, ids, *body])
    drafted, _ = init(tmp_path, export)
    assert [(q["column"], q["text"]) for q in questions(drafted)] == [
        ("QID1", "Ease of use"),
        ("QID2", "Value for money"),
    ]
    code, out, err = run("analyze", tmp_path / "drafted.yaml", "--format", "json")
    assert code == 0, err
    results = json.loads(out)["results"]
    assert [r["vendor"]["n"] + r["customer"]["n"] for r in results] == [40, 40]
