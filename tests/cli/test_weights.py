"""``gapscan weights``: one weight per respondent, written through the run's outputs;
unreachable targets exit 2 with the reason and write nothing.

R figure: survey package, tests/rakecheck.Rout.save, ``svymean(~api00, dclus1r)`` =
641.23 for ``dclus1r <- rake(dclus1, list(~stype,~sch.wide), list(pop.types,
pop.schwide))`` on apiclus1 (whose ``pw`` is one constant, so raking from 1 as
gapscan does here gives R's weights up to scale); and tests/api.Rout.save,
``svymean(~api00, dclus1p)`` = 642.31 for ``dclus1p <- postStratify(dclus1, ~stype,
pop.types)``."""

from __future__ import annotations

import csv
import io
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from gapscan.cli import app

runner = CliRunner()
APICLUS1 = Path("/work/shared/external/r-survey-api/apiclus1.csv")

API_SCHEMA = """\
survey: api raking
respondent_id: snum
scales:
  stype: {levels: [E, M, H], top_box: [E]}
questions:
  - {id: stype, scale: stype, column: stype}
weighting:
  rake:
    stype: {E: 4421, H: 755, M: 1018}
    sch.wide: {"No": 1072, "Yes": 5122}
  sides: [customer]
"""

PANEL_SCHEMA = """\
survey: panel
sides: {column: side, vendor: [Vendor], customer: [Customer]}
scales:
  yn: {levels: ["no", "yes"], top_box: ["yes"]}
questions:
  - {id: q, scale: yn, column: q}
weighting:
  rake:
    region: {EMEA: 0.5, APAC: 0.5}
    tier: {SMB: 0.7, Enterprise: 0.3}
"""

PANEL = """\
side,region,tier,q
Vendor,EMEA,SMB,yes
Vendor,APAC,Enterprise,no
Vendor,EMEA,Enterprise,yes
Vendor,APAC,SMB,no
Customer,EMEA,SMB,yes
Customer,EMEA,Enterprise,no
Customer,EMEA,Enterprise,no
Customer,EMEA,Enterprise,yes
Customer,APAC,SMB,yes
Customer,APAC,Enterprise,no
"""


def _write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def api(tmp_path: Path) -> tuple[Path, Path]:
    if not APICLUS1.exists():
        pytest.skip("the api data is not here")
    vendor = tmp_path / "vendor.csv"
    lines = APICLUS1.read_text(encoding="utf-8").splitlines(keepends=True)
    vendor.write_text("".join(lines[:6]), encoding="utf-8")
    return _write(tmp_path / "api.yaml", API_SCHEMA), vendor


def _run_api(schema: Path, vendor: Path, *extra: str) -> tuple[int, str, str]:
    args = ["weights", str(schema), "--vendor", str(vendor), "--customer", str(APICLUS1)]
    result = runner.invoke(app, [*args, *extra])
    return result.exit_code, result.stdout, result.stderr


def test_raked_api_weights_give_rs_mean(api: tuple[Path, Path], tmp_path: Path) -> None:
    schema, vendor = api
    out = tmp_path / "weights.csv"
    code, stdout, stderr = _run_api(schema, vendor, "--out", str(out))
    assert code == 0, stderr
    assert stdout == ""
    rows = _rows(out.read_text(encoding="utf-8"))
    assert list(rows[0]) == ["respondent_id", "side", "weight"]
    customer = {r["respondent_id"]: float(r["weight"]) for r in rows if r["side"] == "customer"}
    assert [float(r["weight"]) for r in rows if r["side"] == "vendor"] == [1.0] * 5
    frame = pd.read_csv(APICLUS1, index_col=0, na_values="NA")
    w = frame["snum"].astype(str).map(customer).to_numpy()
    assert len(customer) == len(frame) == 183
    assert np.mean(w) == pytest.approx(1.0, abs=1e-12)
    # R: svymean(~api00, dclus1r) -> 641.23 (rakecheck.Rout.save)
    assert round(float(np.average(frame["api00"], weights=w)), 2) == 641.23
    assert "weights: customer: 183 respondents" in stderr
    assert "iteration(s), largest margin error" in stderr and "weighting efficiency" in stderr


def test_post_stratified_api_weights_give_rs_mean(api: tuple[Path, Path], tmp_path: Path) -> None:
    schema, vendor = api
    text = API_SCHEMA.replace("  rake:", "  post_stratify:")
    _write(schema, text.replace('    sch.wide: {"No": 1072, "Yes": 5122}\n', ""))
    code, stdout, stderr = _run_api(schema, vendor)
    assert code == 0, stderr
    customer = {r["respondent_id"]: float(r["weight"]) for r in _rows(stdout)[5:]}
    frame = pd.read_csv(APICLUS1, index_col=0, na_values="NA")
    w = frame["snum"].astype(str).map(customer).to_numpy()
    # R: svymean(~api00, dclus1p) -> 642.31 (api.Rout.save)
    assert round(float(np.average(frame["api00"], weights=w)), 2) == 642.31
    assert "weights: customer: 183 respondents, 1 iteration(s)" in stderr


def test_an_output_onto_an_input_is_refused(api: tuple[Path, Path]) -> None:
    schema, vendor = api
    before = vendor.read_bytes()
    code, stdout, stderr = _run_api(schema, vendor, "--out", str(vendor))
    assert code == 2
    assert f"error: {vendor}: --out would overwrite the data file this run reads" in stderr
    assert vendor.read_bytes() == before
    assert stdout == "" and "Traceback" not in stderr


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        (
            "M: 1018}",
            "M: 1000, X: 18}",
            "weighting the customer side: stype: target level(s) 'X' held by no respondent",
        ),
        (
            "stype: {E: 4421, H: 755, M: 1018}",
            "stype: {E: 4421, M: 1773}",
            "weighting the customer side: stype: 'H' in the data has no target",
        ),
    ],
)
def test_unreachable_targets_exit_2_with_the_reason(
    api: tuple[Path, Path], tmp_path: Path, old: str, new: str, reason: str
) -> None:
    schema, vendor = api
    assert old in API_SCHEMA
    _write(schema, API_SCHEMA.replace(old, new))
    out = tmp_path / "weights.csv"
    code, _, stderr = _run_api(schema, vendor, "--out", str(out))
    assert code == 2
    line = 1 + API_SCHEMA.splitlines().index("    stype: {E: 4421, H: 755, M: 1018}")
    assert f"error: {schema}:{line}: {reason}" in stderr
    assert not out.exists() and "Traceback" not in stderr


def test_each_side_is_raked_and_named_by_its_line(tmp_path: Path) -> None:
    schema = _write(tmp_path / "panel.yaml", PANEL_SCHEMA)
    data = _write(tmp_path / "panel.csv", PANEL)
    result = runner.invoke(app, ["weights", str(schema), str(data)])
    assert result.exit_code == 0, result.stderr
    rows = _rows(result.stdout)
    assert [r["respondent_id"] for r in rows] == [str(i) for i in range(2, 12)]
    panel = pd.read_csv(io.StringIO(PANEL))
    panel["w"] = [float(r["weight"]) for r in rows]
    for side, group in panel.groupby("side"):
        assert group["w"].mean() == pytest.approx(1.0, abs=1e-12), side
        share = group.groupby("region")["w"].sum() / group["w"].sum()
        assert share["EMEA"] == pytest.approx(0.5, rel=1e-6)
        tier = group.groupby("tier")["w"].sum() / group["w"].sum()
        assert tier["SMB"] == pytest.approx(0.7, rel=1e-6)
    assert "weights: vendor: 4 respondents" in result.stderr
    assert "weights: customer: 6 respondents" in result.stderr


def test_trimmed_weights_stay_within_the_bounds(tmp_path: Path) -> None:
    text = PANEL_SCHEMA + "  trim: {upper: 1.3}\n  sides: [customer]\n"
    schema = _write(tmp_path / "panel.yaml", text)
    data = _write(tmp_path / "panel.csv", PANEL)
    result = runner.invoke(app, ["weights", str(schema), str(data)])
    assert result.exit_code == 0, result.stderr
    weights = [float(r["weight"]) for r in _rows(result.stdout) if r["side"] == "customer"]
    assert max(weights) <= 1.3 + 1e-9
    assert sum(weights) == pytest.approx(6.0, rel=1e-12)
    assert "0 trimmed" not in result.stderr


def test_margins_that_contradict_the_data_do_not_converge(tmp_path: Path) -> None:
    """Every EMEA customer is SMB: EMEA at 50% and SMB at 90% cannot both hold."""
    text = PANEL_SCHEMA.replace("SMB: 0.7, Enterprise: 0.3", "SMB: 0.9, Enterprise: 0.1")
    schema = _write(tmp_path / "panel.yaml", text + "  sides: [customer]\n")
    confounded = "side,region,tier,q\n" + "Vendor,EMEA,SMB,yes\n"
    confounded += "Customer,EMEA,SMB,yes\nCustomer,APAC,Enterprise,no\n" * 3
    data = _write(tmp_path / "panel.csv", confounded)
    result = runner.invoke(app, ["weights", str(schema), str(data)])
    assert result.exit_code == 2
    line = 1 + text.splitlines().index("    region: {EMEA: 0.5, APAC: 0.5}")
    assert (
        f"error: {schema}:{line}: weighting the customer side: raking did not converge "
        "in 100 iterations: region" in result.stderr
    )


def test_a_schema_without_weighting_is_refused(tmp_path: Path) -> None:
    text = PANEL_SCHEMA[: PANEL_SCHEMA.index("weighting:")]
    schema = _write(tmp_path / "panel.yaml", text)
    data = _write(tmp_path / "panel.csv", PANEL)
    result = runner.invoke(app, ["weights", str(schema), str(data)])
    assert result.exit_code == 2
    assert f"error: {schema}: the schema has no 'weighting:'" in result.stderr


def test_ids_name_the_file_when_there_are_several(tmp_path: Path) -> None:
    schema = _write(tmp_path / "panel.yaml", PANEL_SCHEMA)
    header, *lines = PANEL.splitlines(keepends=True)
    first = _write(tmp_path / "a.csv", header + "".join(lines[:6]))
    second = _write(tmp_path / "b.csv", header + "".join(lines[6:]))
    result = runner.invoke(app, ["weights", str(schema), str(first), str(second)])
    assert result.exit_code == 0, result.stderr
    ids = [r["respondent_id"] for r in _rows(result.stdout)]
    assert ids == [f"a.csv:{i}" for i in range(2, 8)] + [f"b.csv:{i}" for i in range(2, 6)]


@pytest.mark.parametrize(
    ("tier", "code"),
    [
        ("{SMB: 0.7, Gold: 0.3}", "unreachable-target"),
        ("{SMB: 0.9, Enterprise: 0.1}", "weighting-not-converged"),
    ],
)
def test_weighting_problems_carry_their_code(tmp_path: Path, tier: str, code: str) -> None:
    from gapscan.errors import GapscanError
    from gapscan.responses import load_responses
    from gapscan.schema import load_schema

    text = PANEL_SCHEMA.replace("{SMB: 0.7, Enterprise: 0.3}", tier) + "  sides: [customer]\n"
    survey = load_schema(_write(tmp_path / "panel.yaml", text))
    confounded = "side,region,tier,q\nVendor,EMEA,SMB,yes\n"
    confounded += "Customer,EMEA,SMB,yes\nCustomer,APAC,Enterprise,no\n" * 3
    data = _write(tmp_path / "panel.csv", confounded)
    with pytest.raises(GapscanError) as caught:  # loading the responses weights them
        load_responses(survey, [data])
    assert {p.code for p in caught.value.problems} == {code}


@pytest.mark.parametrize(
    ("target", "kind"),
    [
        ("panel.csv", "the data file"),  # the schema's data:, not named on the command line
        ("./panel.yaml", "the schema"),
        ("link.csv", "the data file"),
        ("hard.csv", "the data file"),
    ],
)
def test_weights_never_overwrite_an_input_however_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: str, kind: str
) -> None:
    import os

    monkeypatch.chdir(tmp_path)
    schema = _write(
        tmp_path / "panel.yaml", PANEL_SCHEMA.replace("weighting:", "data: [panel.csv]\nweighting:")
    )
    _write(tmp_path / "panel.csv", PANEL)
    (tmp_path / "link.csv").symlink_to("panel.csv")
    os.link(tmp_path / "panel.csv", tmp_path / "hard.csv")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    result = runner.invoke(app, ["weights", schema.name, "--out", target])
    assert result.exit_code == 2
    shown = str(Path(target))  # as pathlib spells it
    assert f"error: {shown}: --out would overwrite {kind} this run reads" in result.stderr
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before
    assert result.stdout == ""


def test_a_dropped_duplicate_gets_no_weight(tmp_path: Path) -> None:
    text = PANEL_SCHEMA.replace(
        "weighting:", "respondent_id: rid\nduplicate_ids: keep-last\nweighting:"
    )
    schema = _write(tmp_path / "panel.yaml", text)
    rows = PANEL.splitlines()
    body = [f"r{i}," + row for i, row in enumerate(rows[1:])]
    body.append("r5,Customer,APAC,Enterprise,no")  # r5 (EMEA) answered again from APAC
    data = _write(tmp_path / "panel.csv", "\n".join(["rid," + rows[0], *body]) + "\n")
    result = runner.invoke(app, ["weights", str(schema), str(data)])
    assert result.exit_code == 0, result.stderr
    written = _rows(result.stdout)
    assert [r["respondent_id"] for r in written] == [
        f"r{i}" for i in (0, 1, 2, 3, 4, 6, 7, 8, 9, 5)
    ]
    region = {"r5": "APAC"} | {f"r{i}": rows[1 + i].split(",")[1] for i in range(10) if i != 5}
    customer = [r for r in written if r["side"] == "customer"]
    emea = sum(float(r["weight"]) for r in customer if region[r["respondent_id"]] == "EMEA")
    assert emea / sum(float(r["weight"]) for r in customer) == pytest.approx(0.5, rel=1e-6)


def test_an_id_that_looks_like_a_formula_is_written_as_text(tmp_path: Path) -> None:
    from gapscan.text import csv_cell

    text = PANEL_SCHEMA.replace("weighting:", "respondent_id: rid\nweighting:")
    schema = _write(tmp_path / "panel.yaml", text)
    rows = PANEL.splitlines()
    ids = ["=1+1", *[f"r{i}" for i in range(1, 10)]]
    body = [f"{rid},{row}" for rid, row in zip(ids, rows[1:], strict=True)]
    data = _write(tmp_path / "panel.csv", "\n".join(["rid," + rows[0], *body]) + "\n")
    result = runner.invoke(app, ["weights", str(schema), str(data)])
    assert result.exit_code == 0, result.stderr
    first = _rows(result.stdout)[0]["respondent_id"]
    assert first == csv_cell("=1+1") != "=1+1"
