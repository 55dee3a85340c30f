"""gapscan: measure the perception gap between vendors and their customers.

The library's front door is :func:`gapscan.analyze` (a loaded schema and coded
responses in, a :class:`~gapscan.report.GapReport` out) and
:func:`gapscan.analyze_files` (paths in); :func:`gapscan.analyze_counts` takes a
count table made elsewhere (:func:`gapscan.read_counts`). Heavy modules load on first use, so that
``import gapscan`` and ``gapscan --help`` stay fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from gapscan.analysis import AnalysisOptions, analyze, analyze_counts, analyze_files
    from gapscan.count_table import read_counts
    from gapscan.errors import GapscanError
    from gapscan.report import GapReport
    from gapscan.responses import load_responses
    from gapscan.schema import load_schema

_LAZY = {
    "AnalysisOptions": "gapscan.analysis",
    "analyze": "gapscan.analysis",
    "analyze_files": "gapscan.analysis",
    "analyze_counts": "gapscan.analysis",
    "read_counts": "gapscan.count_table",
    "GapscanError": "gapscan.errors",
    "GapReport": "gapscan.report",
    "load_responses": "gapscan.responses",
    "load_schema": "gapscan.schema",
}

__all__ = [
    "AnalysisOptions",
    "GapReport",
    "GapscanError",
    "__version__",
    "analyze",
    "analyze_counts",
    "analyze_files",
    "load_responses",
    "load_schema",
    "read_counts",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'gapscan' has no attribute {name!r}")
