"""gapscan: measure the perception gap between vendors and their customers.

The library's front doors are :func:`gapscan.analyze` (a loaded schema and coded
responses in, a :class:`~gapscan.report.GapReport` out),
:func:`gapscan.analyze_files` (paths in), and :func:`gapscan.analyze_frame` (data
frames in, for notebooks). Heavy modules load on first use, so that
``import gapscan`` and ``gapscan --help`` stay fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from gapscan.analysis import AnalysisOptions, analyze, analyze_files
    from gapscan.errors import GapscanError
    from gapscan.notebook import analyze_frame
    from gapscan.report import GapReport
    from gapscan.responses import load_responses
    from gapscan.schema import load_schema

_LAZY = {
    "AnalysisOptions": "gapscan.analysis",
    "analyze": "gapscan.analysis",
    "analyze_files": "gapscan.analysis",
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
    "analyze_files",
    "analyze_frame",
    "load_responses",
    "load_schema",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'gapscan' has no attribute {name!r}")
