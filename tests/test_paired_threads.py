"""Paired questions are analysed a core at a time: the same report as one by one, in
the questions' order; a Ctrl-C stops the questions not yet begun."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from gapscan import paired_analysis, paired_states
from gapscan.analysis import AnalysisOptions, analyze
from gapscan.render.json import render
from gapscan.responses import load_responses
from gapscan.schema import load_schema
from gapscan.survey import Mode, Question
from tests.conftest import AGREE5, schema_text
from tests.test_pairing import write_csv


def _report(tmp_path: Path) -> str:
    questions = tuple(f"q{i}" for i in range(1, 9))
    rows = [
        {
            "side": "Vendor" if i % 3 else "Customer",
            "account": f"A{i % 37}",
            "region": "EMEA" if i % 37 < 20 else "APAC",
            **{q: AGREE5[(i * (j + 2) + j) % 5] for j, q in enumerate(questions)},
        }
        for i in range(400)
    ]
    data = write_csv(tmp_path / "data.csv", rows)
    text = schema_text(
        questions=questions, segments=("region",), min_n=1, extra="pair_by: account\n"
    )
    (tmp_path / "survey.yaml").write_text(text, encoding="utf-8")
    survey = load_schema(tmp_path / "survey.yaml")
    responses = load_responses(survey, [data], paired=True)
    options = AnalysisOptions(mode=Mode.PAIRED, show_accounts=5)
    return render(analyze(survey, responses, options))


@pytest.mark.parametrize("pairs", ["arrays", "states"])
def test_questions_analysed_at_once_give_the_report_of_one_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pairs: str
) -> None:
    """Questions whose pairs are combined as arrays go a core at a time (here every
    question's, as if its states did not fit; or only made to run so)."""
    if pairs == "arrays":
        monkeypatch.setattr(paired_analysis, "question_states", lambda *args: None)
    monkeypatch.setattr(paired_analysis, "codes_fit", lambda k, respondents: False)
    monkeypatch.setattr(paired_analysis, "_cores", lambda: 1)
    alone = _report(tmp_path)
    names: set[str] = set()
    result = paired_analysis._result  # every view's result, however its pairs are counted

    def noted(*args: object, **kwargs: object) -> object:
        names.add(threading.current_thread().name)
        return result(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(paired_analysis, "_result", noted)
    monkeypatch.setattr(paired_analysis, "_cores", lambda: 2)
    assert _report(tmp_path) == alone
    assert names and all(name.startswith("gapscan-paired") for name in names)


@pytest.mark.parametrize("states", ["few", "many"])
def test_questions_counted_from_few_states_run_one_after_another(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, states: str
) -> None:
    """Few states: short questions, mostly the interpreter's work (two threads were
    slower). Many (here made to count as many): sorts of every account side, a core
    at a time, and the same report."""
    alone = _report(tmp_path)
    if states == "many":
        monkeypatch.setattr(paired_states, "DENSE_CODES", 0)
    monkeypatch.setattr(paired_analysis, "_cores", lambda: 2)
    names: set[str] = set()
    result = paired_analysis._result

    def noted(*args: object, **kwargs: object) -> object:
        names.add(threading.current_thread().name)
        return result(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(paired_analysis, "_result", noted)
    assert _report(tmp_path) == alone
    if states == "few":
        assert names == {threading.current_thread().name}
    else:
        assert names and all(name.startswith("gapscan-paired") for name in names)


def test_a_ctrl_c_in_one_question_stops_the_questions_not_begun(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(paired_analysis, "_cores", lambda: 2)
    begun: list[int] = []

    def work(q: Question) -> list[object]:
        begun.append(1)
        if len(begun) == 1:
            raise KeyboardInterrupt
        time.sleep(0.01)
        return []

    questions = tuple(object() for _ in range(200))
    with pytest.raises(KeyboardInterrupt):
        paired_analysis._each(work, questions)  # type: ignore[arg-type]
    assert len(begun) < 20
