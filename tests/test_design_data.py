"""Reading the sampling design: weights, clusters, strata and fpc from the data."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from gapscan.responses import Responses, load_responses
from gapscan.schema import load_schema
from gapscan.survey import Survey
from tests.cli.test_agreement import WEIGHTED_CSV, WEIGHTED_SCHEMA
from tests.cli.test_bad_input import error_lines, run, run_bad, workdir, write

__all__ = ["workdir"]

API = Path("/work/shared/external/r-survey-api")


def api_copy(directory: Path, name: str) -> Path:
    """The api file with a named first column (R's row names)."""
    with (API / f"{name}.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    rows[0][0] = "row"
    path = directory / f"{name}.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def api_schema(directory: Path, sides: str, design: str) -> Path:
    return write(
        directory / "api.yaml",
        f"survey: api\nsides: {sides}\n{design}"
        "scales:\n  stype: {levels: [H, M, E], top_box: 1}\n"
        "questions:\n  - {id: stype, scale: stype, column: stype}\n",
    )


COMP_IMP = '{column: comp.imp, vendor: ["Yes"], customer: ["No"]}'


def test_cluster_design_of_apiclus1(workdir: Path) -> None:
    data = api_copy(workdir, "apiclus1")
    schema = api_schema(workdir, COMP_IMP, "weight: pw\ndesign: {cluster: dnum, fpc: fpc}\n")
    responses = load_responses(load_schema(schema), [data])
    design = responses.design
    assert design is not None
    assert design.design.psus == 15 and design.design.degf == 14  # 15 districts sampled
    assert design.psu_fpc is not None and set(design.psu_fpc) == {757.0}
    with data.open(encoding="utf-8") as f:
        pw = [float(r["pw"]) for r in csv.DictReader(f)]
    assert design.weight.tolist() == pw


@pytest.mark.parametrize(("name", "strata"), [("apisrs", ""), ("apistrat", "strata: stype, ")])
def test_weights_from_the_fpc(workdir: Path, name: str, strata: str) -> None:
    """fpc without weight: N_h / n_h, as svydesign derives them (apisrs: 6194/200 = 30.97,
    apistrat: the file's pw, population / sampled per school type)."""
    data = api_copy(workdir, name)
    schema = api_schema(workdir, COMP_IMP, f"design: {{{strata}fpc: fpc}}\n")
    design = load_responses(load_schema(schema), [data]).design
    assert design is not None
    with data.open(encoding="utf-8") as f:
        pw = np.array([float(r["pw"]) for r in csv.DictReader(f)])
    assert np.allclose(design.weight, pw, rtol=1e-6)
    assert design.design.degf == 200 - (3 if strata else 1)


def test_left_out_rows_keep_their_clusters(workdir: Path) -> None:
    """sides.ignore drops the elementary schools from both sides, but the three
    districts that sampled only elementary schools stay PSUs of the design."""
    data = api_copy(workdir, "apiclus1")
    sides = "{column: stype, vendor: [H], customer: [M], ignore: [E]}"
    schema = api_schema(workdir, sides, "weight: pw\ndesign: {cluster: dnum}\n")
    responses = load_responses(load_schema(schema), [data])
    assert responses.design is not None
    assert responses.side.shape[0] == 183 - 144  # only the middle and high schools
    assert responses.design.design.psus == 15
    assert len(set(responses.design.psu.tolist())) == 12


def _two_files(workdir: Path, design: str, edit: tuple[str, str]) -> tuple[Survey, Responses]:
    """The weighted rows in a vendor and a customer file (``edit`` made to the customer
    rows), with ``design``; the survey and what it reads."""
    schema = write(
        workdir / "s.yaml",
        WEIGHTED_SCHEMA.replace("  column: side\n", "").replace(
            "sides:\n", "sides:\n  column: side\n"
        )
        + design,
    )
    lines = WEIGHTED_CSV.splitlines()
    write(workdir / "v.csv", "\n".join([lines[0], *[x for x in lines[1:] if "Vendor" in x]]))
    customer = [x.replace(*edit) for x in lines[1:] if "Customer" in x]
    write(workdir / "c.csv", "\n".join([lines[0], *customer]))
    survey = load_schema(schema)
    return survey, load_responses(survey, vendor=[workdir / "v.csv"], customer=[workdir / "c.csv"])


def test_one_account_is_one_cluster_across_files(workdir: Path) -> None:
    _, responses = _two_files(workdir, "design: {cluster: account}\n", (",A,", ", a ,"))
    assert responses.design is not None
    assert responses.design.design.psus == 4  # A (both sides, ' a ' folded), B, C, D
    assert responses.design.weight.tolist() == [1.5, 2.0, 1.0, 0.5, 1.0, 1.0]


def test_without_a_cluster_each_respondent_of_each_file_is_a_psu(workdir: Path) -> None:
    design = "design: {strata: region, fpc: pop}\n"
    survey, split = _two_files(workdir, design, (",south,", ", South ,"))
    write(workdir / "all.csv", WEIGHTED_CSV)
    whole = load_responses(survey, [workdir / "all.csv"])
    # rows 1, 3, 5 then 2, 4, 6; rows 1 to 6: north for rows 1-3, south for 4-6
    for responses, strata in ((split, [0, 0, 1, 0, 1, 1]), (whole, [0, 0, 0, 1, 1, 1])):
        design = responses.design
        assert design is not None
        assert design.stratum_labels == ("north", "south")  # ' South ' folded
        assert design.design.psus == 6 and sorted(design.psu.tolist()) == list(range(6))
        assert design.psu_stratum[design.psu].tolist() == strata
        assert design.psu_fpc is not None  # each stratum's population kept
        assert design.psu_fpc[design.psu].tolist() == [(10.0, 12.0)[h] for h in strata]
        # the files' PSUs one after another, each file's in order of stratum and row
        assert design.psu.tolist() == [0, 1, 2, 3, 4, 5]


BAD_WEIGHTS = {
    # case: (replace in WEIGHTED_CSV, fragments of the error line)
    "negative": ((",0.5,", ",-0.5,"), ["data.csv:3:", "zero or negative weight", "row 3"]),
    "zero": ((",0.5,", ",0,"), ["data.csv:3:", "zero or negative weight", "row 3"]),
    "text": ((",2,B", ",two,B"), ["data.csv:4:", "not a number", "row 4"]),
    "blank": ((",1,C,", ",,C,"), ["data.csv:5:", "weight column 'w' is blank", "row 5"]),
}


@pytest.mark.parametrize("case", sorted(BAD_WEIGHTS))
def test_bad_weights_name_their_rows(workdir: Path, case: str) -> None:
    (old, new), fragments = BAD_WEIGHTS[case]
    write(workdir / "survey.yaml", WEIGHTED_SCHEMA)
    write(workdir / "data.csv", WEIGHTED_CSV.replace(old, new))
    lines = error_lines(run_bad(workdir, "analyze", "survey.yaml", "data.csv"))
    assert len(lines) == 1
    for fragment in fragments:
        assert fragment in lines[0], lines


def test_every_bad_weight_at_once(workdir: Path) -> None:
    write(workdir / "survey.yaml", WEIGHTED_SCHEMA)
    bad = WEIGHTED_CSV.replace(",0.5,", ",-1,").replace(",1,D,", ",0,D,").replace(",2,B", ",x,B")
    write(workdir / "data.csv", bad)
    lines = error_lines(run_bad(workdir, "analyze", "survey.yaml", "data.csv"))
    assert len(lines) == 2, lines
    assert any("zero or negative weight: rows 3, 6, 7 (" in line for line in lines), lines
    assert any("not a number: row 4 (" in line for line in lines), lines


def test_a_respondent_who_answered_nothing_needs_no_weight(workdir: Path) -> None:
    write(workdir / "survey.yaml", WEIGHTED_SCHEMA)
    write(workdir / "data.csv", WEIGHTED_CSV + "7,Customer,,,,E,south,12\n")
    responses = load_responses(load_schema(workdir / "survey.yaml"), [workdir / "data.csv"])
    assert responses.design is not None
    assert responses.design.weight.tolist()[-1] == 0.0


def test_weight_and_cluster_from_the_command_line(workdir: Path) -> None:
    write(workdir / "survey.yaml", WEIGHTED_SCHEMA.replace("weight: w\n", ""))
    write(workdir / "data.csv", WEIGHTED_CSV.replace(",0.5,A", ",-2,A").replace(",B,", ",,"))
    args = ("analyze", "survey.yaml", "data.csv", "--weight", "w", "--cluster", "account")
    lines = error_lines(run_bad(workdir, *args))
    assert any("weight column 'w' holds a zero or negative weight: row 3" in x for x in lines)
    assert any("design column 'account' is blank: row 4" in x for x in lines), lines


def test_paired_analysis_with_weights_is_refused(workdir: Path) -> None:
    write(workdir / "survey.yaml", WEIGHTED_SCHEMA + "pair_by: account\n")
    write(workdir / "data.csv", WEIGHTED_CSV)
    stderr = run_bad(workdir, "analyze", "survey.yaml", "data.csv", "--paired")
    assert "not to paired analysis" in stderr


def test_validate_reads_the_command_line_design_too(workdir: Path) -> None:
    """validate and analyze agree on --weight/--cluster: the same problems, the same rows."""
    write(workdir / "survey.yaml", WEIGHTED_SCHEMA.replace("weight: w\n", ""))
    write(workdir / "data.csv", WEIGHTED_CSV.replace(",0.5,A", ",-2,A").replace(",B,", ",,"))
    args = ("survey.yaml", "data.csv", "--weight", "w", "--cluster", "account")
    code, stdout, _ = run("validate", *args, "--format", "json")
    assert code == 2
    codes = sorted(f["code"] for f in json.loads(stdout)["findings"])
    assert codes == ["invalid-weight", "missing-design-value"]
    code, _, _ = run("validate", "survey.yaml", "data.csv", "--format", "json")
    assert code == 0  # without the options the schema names no design
