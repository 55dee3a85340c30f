"""``gapscan columns FILE [--format json]``: an export's columns the way ``csvcut -n``
lists them, with the name the schema and ``init --side-column`` accept for each."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from gapscan.cli import app
from gapscan.inputs.source import open_source
from tests.cli.test_init_external import EXPORTS
from tests.conftest import EXTERNAL, SURVEYS

runner = CliRunner()


def columns_json(path: Path) -> list[dict[str, object]]:
    result = runner.invoke(app, ["columns", str(path), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    records = json.loads(result.stdout)
    assert isinstance(records, list)
    return records


def test_counts_and_examples_match_the_file() -> None:
    path = SURVEYS / "cmo-affinity.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    records = columns_json(path)
    assert [r["name"] for r in records] == rows[0]
    for index, record in enumerate(records):
        cells = [row[index].strip() for row in rows[1:]]
        counts = Counter(c for c in cells if c)
        assert record["index"] == index + 1
        assert record["distinct"] == len(counts)
        assert record["blank"] == cells.count("")
        assert record["examples"] == [v for v, _ in counts.most_common(3)]
        assert set(record) == {
            "index", "name", "text", "import_id", "distinct", "blank", "examples",
        }  # fmt: skip


def test_table_lists_columns_like_csvcut() -> None:
    result = runner.invoke(app, ["columns", str(SURVEYS / "qualtrics-export.csv")])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("   1: StartDate  (")
    assert "  14: respondent_type  (2 distinct, 0 blank: Customer, Account team)" in lines
    assert (
        "      text: How far do you agree? - The vendor understands our business  import id: QID1_1"
    ) in lines


csvs = sorted(name for name in EXPORTS if name.endswith(".csv"))


@pytest.mark.skipif(not EXTERNAL.is_dir(), reason="shared/external is not beside the repository")
@pytest.mark.parametrize("name", csvs)
def test_every_printed_name_names_its_column(name: str) -> None:
    """In every real export, each printed name finds the column at the printed index,
    repeated header names included."""
    source = open_source(EXTERNAL / name)
    records = columns_json(EXTERNAL / name)
    names = [str(r["name"]) for r in records]
    assert len(set(names)) == len(names)
    for record in records:
        assert source.find(str(record["name"])) == int(str(record["index"])) - 1, record


def test_a_repeated_name_as_printed_is_accepted_as_side_column(tmp_path: Path) -> None:
    header = ["group", "group", "q1"]
    levels = ["Disagree", "Neutral", "Agree"]
    body = [[f"w{i % 2}", ("North", "South")[i % 2], levels[i % 3]] for i in range(30)]
    export = tmp_path / "export.csv"
    with export.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([header, *body])
    printed = [r["name"] for r in columns_json(export)]
    assert printed == ["group (1)", "group (2)", "q1"]
    schema = tmp_path / "s.yaml"
    result = runner.invoke(
        app, ["init", str(export), "--side-column", "group (2)", "--out", str(schema)]
    )
    assert result.exit_code == 0, result.stderr
    drafted = yaml.safe_load(schema.read_text(encoding="utf-8"))
    assert drafted["sides"]["column"] == "group (2)"
    result = runner.invoke(app, ["analyze", str(schema), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    (source,) = json.loads(result.stdout)["inputs"]
    assert (source["vendor"], source["customer"]) == (15, 15)


def test_a_missing_file_is_an_error_without_a_traceback(tmp_path: Path) -> None:
    result = runner.invoke(app, ["columns", str(tmp_path / "nope.csv")])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and "Traceback" not in result.stderr
    assert result.stdout == ""
