"""``--format json``: the stable, documented object (see the README)."""

from __future__ import annotations

import json

from gapscan.report import GapReport, TrendReport


def render(report: GapReport | TrendReport) -> str:
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
