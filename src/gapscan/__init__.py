"""gapscan: measure the perception gap between vendors and their customers.

The library's front doors are :func:`gapscan.analyze` (a loaded schema and coded
responses in, a :class:`~gapscan.report.GapReport` out),
:func:`gapscan.analyze_files` (paths in), :func:`gapscan.analyze_frame` (data frames
in, for notebooks) and :func:`gapscan.analyze_counts` (a count table made elsewhere,
read by :func:`gapscan.read_counts`). Heavy modules load on first use, so that
``import gapscan`` and ``gapscan --help`` stay fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from gapscan.analysis import AnalysisOptions, analyze, analyze_counts, analyze_files
    from gapscan.count_table import read_counts
    from gapscan.errors import GapscanError
    from gapscan.notebook import analyze_frame
    from gapscan.report import GapReport
    from gapscan.responses import load_responses
    from gapscan.schema import load_schema

_LAZY = {
    "AnalysisOptions": "gapscan.analysis",
    "analyze": "gapscan.analysis",
    "analyze_files": "gapscan.analysis",
    "analyze_counts": "gapscan.analysis",
    "read_counts": "gapscan.count_table",
    "analyze_frame": "gapscan.notebook",
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
    "analyze_frame",
    "load_responses",
    "load_schema",
    "read_counts",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'gapscan' has no attribute {name!r}")
