"""Weights made by ``weighting:`` in a design without a cluster: the variances from sums
per stratum and weighting cell (``gapscan.stats.calibration``: Σ w psw per cell of the
count table, Σ psw and Σ psw² per stratum and weighting cell) equal those from every
respondent's residual, the cells by PSU (every respondent one), which
``tests/cli/test_calibrated_variance.py`` holds to R's algorithm written out."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from gapscan import counts
from gapscan.analysis import analyze_files
from gapscan.counts import DesignCells
from gapscan.errors import GapscanError
from gapscan.render.json import render as render_json
from tests.cli.test_counts import assert_close
from tests.cli.test_weighted_analyze import HEAD as HEADS
from tests.cli.test_weighted_analyze import WEIGHTING
from tests.cli.test_weighted_analyze import _panel as weighted_panel

HEAD = HEADS.replace("segments: [size]", "segments: [size, tier]")
RAKE = WEIGHTING
POST_STRATIFY = """\
weighting:
  post_stratify:
    region: {EMEA: 450, APAC: 250, Americas: 300}
"""
DESIGNS = {
    "none": "",
    "strata": "design: {strata: size}\n",
    "strata, fpc": "design: {strata: size, fpc: population}\n",
    "base weights": "weight: w\n",
    "base weights, strata": "weight: w\ndesign: {strata: size}\n",
}
EXTRAS = {
    "": "",
    "trimmed": "  trim: {lower: 0.3, upper: 2.5}\n",
    "customers": "  sides: [customer]\n",
}


def _panel(n: int, seed: int) -> str:
    """The weighted tests' panel (off its targets, answers depending on region and
    tier), with a population per stratum (``size``) and base weights ``w``."""
    rng = np.random.default_rng(seed)
    rows = list(csv.reader(io.StringIO(weighted_panel(n, seed))))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*rows[0], "population", "w"])
    size = rows[0].index("size")
    for row in rows[1:]:
        population = {"small": "5000", "large": "0.3"}[row[size]]
        writer.writerow([*row, population, f"{rng.lognormal(0, 0.4):.4f}"])
    return out.getvalue()


def _by_psu(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The calibrated cells by PSU from now on; how many were made that way."""
    real = counts._calibrated_cells
    made: list[int] = []

    def by_psu(*args: Any) -> DesignCells:
        cells = real(*args, grouped=False)
        made.append(cells.n.size)
        return cells

    monkeypatch.setattr(counts, "_calibrated_cells", by_psu)
    return made


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    n=st.integers(60, 400),
    seed=st.integers(0, 10_000),
    method=st.sampled_from(["rake", "post_stratify"]),
    design=st.sampled_from(sorted(DESIGNS)),
    extra=st.sampled_from(sorted(EXTRAS)),
)
def test_grouped_residuals_are_those_of_every_respondent(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    n: int,
    seed: int,
    method: str,
    design: str,
    extra: str,
) -> None:
    data = tmp_path / "panel.csv"
    data.write_text(_panel(n, seed), encoding="utf-8")
    schema = tmp_path / "s.yaml"
    weighting = RAKE if method == "rake" else POST_STRATIFY
    schema.write_text(HEAD + DESIGNS[design] + weighting + EXTRAS[extra], encoding="utf-8")
    try:
        grouped = json.loads(render_json(analyze_files(schema, [data])))
    except GapscanError as error:  # trimming on small skewed samples: no weights at all
        event("the weighting failed (the same on both paths)")
        with monkeypatch.context() as patch:
            _by_psu(patch)
            with pytest.raises(GapscanError) as again:
                analyze_files(schema, [data])
        assert str(again.value) == str(error)
        return
    event("compared")
    with monkeypatch.context() as patch:
        made = _by_psu(patch)
        by_psu = json.loads(render_json(analyze_files(schema, [data])))
    assert made  # the cells were made by PSU the second time
    checked = [r for r in grouped["results"] if not r["suppressed"]]
    assert checked and all(r["vendor"]["mean_se"] > 0 for r in checked)
    assert_close(grouped, by_psu, rel=1e-9, tiny=1e-12)


def test_grouped_cells_are_few(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # by stratum and weighting cell, not by respondent: the cells do not grow with them
    data = tmp_path / "panel.csv"
    data.write_text(_panel(3000, 1), encoding="utf-8")
    schema = tmp_path / "s.yaml"
    schema.write_text(HEAD + DESIGNS["strata"] + RAKE, encoding="utf-8")
    real = counts._calibrated_cells
    sizes: list[int] = []

    def counted(*args: Any) -> DesignCells:
        cells = real(*args)
        sizes.append(cells.n.size)
        assert cells.grouped and cells.weight_psw_sum is not None
        return cells

    monkeypatch.setattr(counts, "_calibrated_cells", counted)
    analyze_files(schema, [data])
    # segment x side x stratum x weighting cell x level: at most 3 x 2 x 2 x 6 x 5
    assert sizes and max(sizes) <= 360
