"""``--format json``: the stable, documented object (see the README)."""

from __future__ import annotations

from gapscan.report import GapReport, TrendReport
from gapscan.text import json_dumps


def render(report: GapReport | TrendReport) -> str:
    return json_dumps(report.to_dict()) + "\n"
