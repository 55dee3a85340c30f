"""``gapscan init`` over every real export in shared/external: what it drafts per file
(its side column, scales and questions) or why it refuses, kept in
``tests/data/init-drafts.json`` so that a regression shows as a diff; and ``gapscan
validate`` accepts each draft, after at most naming the side column.

After an intended change to what ``init`` drafts, regenerate the record from the
repository root and review the diff before committing it:

    python -m tests.cli.test_init_external
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from gapscan.cli import app
from tests.conftest import EXTERNAL, ROOT

RECORD = ROOT / "tests" / "data" / "init-drafts.json"

# Every data file in shared/external, and the options `init` is given for it: the side
# column, for files whose sides `init` cannot tell by itself. Files without a natural
# pair of groups use a column that splits the respondents, as a demonstration.
SIDE = "--side-column"
VENDOR, CUSTOMER = "--vendor-values", "--customer-values"
EXPORTS: dict[str, tuple[str, ...]] = {
    "carpentries/2020_carpentryconhome_raw.csv": (SIDE, "time_zone"),
    "carpentries/longterm_October2017.csv": (
        SIDE, "Position", VENDOR, "Faculty", CUSTOMER, "Graduate Student",
    ),
    "googleforms-autistica-turing/Autistica_Turing Citizen Science Platform (Responses)"
    " - Form Responses 1(3).csv": (),
    "googleforms-jupyter-edu-2016/responses.csv": (),
    "likert-pkg/MathAnxietyGender.csv": (SIDE, "Group"),
    "likert-pkg/gap.csv": (SIDE, "Advising", VENDOR, "7", CUSTOMER, "6"),
    "likert-pkg/mass.csv": (SIDE, "Gender"),
    "limesurvey-informal-models/results-survey-translated.csv": (
        SIDE, "What is your professional background? [Informatics]",
    ),
    "limesurvey-informal-models/results-survey.csv": (
        SIDE, "Welchen fachlichen Hintergrund haben Sie? [Informatik]",
    ),
    "limesurvey-scicom-wiki/results-survey.csv": (
        SIDE, "Wissenschaftliche und informative Videos und Podcasts interessiert mich als ..."
        " [Zuschauer]", VENDOR, "Sehr interessant", CUSTOMER, "Interessant",
    ),
    "qualtrics-QualtricsTools/Long_Exhaustive_Sample_Survey.csv": (SIDE, "Q40#2_1"),
    "qualtrics-QualtricsTools/Matrix_Single_Answer_Testing.csv": (SIDE, "Q11_1"),
    "qualtrics-QualtricsTools/No_Basis_for_Evaluation (Insights).csv": (
        SIDE, "Q3_3", VENDOR, "2", CUSTOMER, "3",
    ),
    "qualtrics-QualtricsTools/No_Basis_for_Evaluation (Legacy).csv": (
        SIDE, "Q3_3", VENDOR, "2", CUSTOMER, "3",
    ),
    "qualtrics-QualtricsTools/Sample_Survey.csv": (SIDE, "q2_favorite"),
    "qualtrics-QualtricsTools/SidebySide_Questions (Insights).csv": (SIDE, "Q1#1_1"),
    "qualtrics-QualtricsTools/SidebySide_Questions (Legacy).csv": (SIDE, "Q1#1_1"),
    "qualtrics-QualtricsTools/Single_Answer_MC_Questions (Insights).csv": (SIDE, "Q2"),
    "qualtrics-QualtricsTools/Single_Answer_MC_Questions.csv": (SIDE, "Q2"),
    "qualtrics-QualtricsTools/Single_Answer_Matrix_Questions (Insights).csv": (SIDE, "Q2_1"),
    "qualtrics-QualtricsTools/Single_Answer_Matrix_Questions.csv": (SIDE, "Q2_1"),
    "qualtrics-impressive-climate/qualtrics.csv": (
        SIDE, "condition", VENDOR, "impressive", CUSTOMER, "control",
    ),
    "qualtrics-qualtRics/sample.csv": (),
    "qualtrics-qualtRics/sample_legacy.csv": (),
    "r-survey-api/apiclus1.csv": (SIDE, "sch.wide"),
    "r-survey-api/apisrs.csv": (SIDE, "sch.wide"),
    "r-survey-api/apistrat.csv": (SIDE, "sch.wide"),
    "rdatasets/Arthritis.csv": (SIDE, "Treatment"),
    "rdatasets/housing.csv": (SIDE, "Cont"),
    "spss-survival-manual/survey.sav": (SIDE, "sex"),
    "surveymonkey-ohbm-2022/public_survey_data.csv": (
        SIDE, "Are you a member of OHBM?", VENDOR, "Yes", CUSTOMER, "No",
    ),
}  # fmt: skip
# data files that are not exports of responses (definitions, level lists, R's files)
NOT_DATA = {
    "likert-pkg/MathAnxietyGender.rda",
    "likert-pkg/gap.rda",
    "likert-pkg/mass.rda",
    "qualtrics-QualtricsTools/Single_Answer_Matrix_Questions.qsf",
    "surveymonkey-ohbm-2022/levels.json",
}

runner = CliRunner()


def draft(name: str, out_dir: Path) -> tuple[Path | None, dict[str, object]]:
    """Run ``gapscan init`` on one export: the schema written (None when refused) and
    the record of what was drafted (or of the refusal)."""
    schema = out_dir / "drafted.yaml"
    result = runner.invoke(
        app, ["init", str(EXTERNAL / name), *EXPORTS[name], "--out", str(schema)]
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    if result.exit_code != 0:
        assert result.exit_code == 2 and result.stderr.startswith("error: "), result.stderr
        reason = result.stderr.strip().replace(str(EXTERNAL / name), "FILE")
        return None, {"refused": reason}
    drafted = summary(schema.read_text(encoding="utf-8"))
    drafted["validate"] = validate_errors(schema)
    return schema, drafted


def validate_errors(schema: Path) -> list[str]:
    """The codes and messages of the errors ``gapscan validate`` finds in a draft."""
    result = runner.invoke(app, ["validate", str(schema), "--format", "json"])
    report = json.loads(result.stdout)
    return [f"{f['code']}: {f['message']}" for f in report["findings"] if f["severity"] == "error"]


def summary(text: str) -> dict[str, object]:
    """What a drafted schema says, in a form that reads well as a diff."""
    data = yaml.safe_load(text)
    scales = {
        name: " < ".join(spec["levels"])
        + f" | top_box {spec['top_box']}"
        + (f" | missing {spec['missing']}" if spec.get("missing") else "")
        + (" | ORDER TO CHECK" if _order_unsure(text, name) else "")
        for name, spec in (data.get("scales") or {}).items()
    }
    questions = [
        f"{q['id']}: {q.get('scale') or q.get('type')} <- {q['column']}"
        for q in data.get("questions") or []
    ]
    return {"sides": data.get("sides"), "scales": scales, "questions": questions}


def _order_unsure(text: str, scale: str) -> bool:
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith(f"  {scale}:")), None)
    return start is not None and "order" in lines[start].partition("#")[2].lower()


def records(out_dir: Path) -> dict[str, dict[str, object]]:
    found: dict[str, dict[str, object]] = {}
    for name in sorted(EXPORTS):
        folder = out_dir / str(len(found))
        folder.mkdir()
        found[name] = draft(name, folder)[1]
    return found


if not EXTERNAL.is_dir():
    pytest.skip("shared/external is not beside the repository", allow_module_level=True)


def test_every_data_file_is_listed() -> None:
    found = {
        p.relative_to(EXTERNAL).as_posix()
        for p in EXTERNAL.rglob("*")
        if p.is_file() and p.name != "SOURCES.md"
    }
    assert found == set(EXPORTS) | NOT_DATA


@pytest.fixture(scope="module")
def recorded() -> dict[str, dict[str, object]]:
    kept: dict[str, dict[str, object]] = json.loads(RECORD.read_text(encoding="utf-8"))
    return kept


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_draft_matches_the_record(
    name: str, tmp_path: Path, recorded: dict[str, dict[str, object]]
) -> None:
    _, now = draft(name, tmp_path)
    assert now == recorded.get(name), "regenerate: python -m tests.cli.test_init_external"


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_validate_accepts_each_draft(name: str, tmp_path: Path) -> None:
    schema, drafted = draft(name, tmp_path)
    if schema is None:
        pytest.skip("refused by init (its reason is in the record)")
    assert drafted["validate"] == []


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        RECORD.write_text(
            json.dumps(records(Path(tmp)), indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    sys.stdout.write(f"wrote {RECORD.relative_to(ROOT)}\n")
