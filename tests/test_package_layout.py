"""The shape of the package (DESIGN.md): modules under about 400 lines, and data moving
one way, the readers of exports and of the schema below everything that uses them."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "gapscan"
MAX_LINES = 400

# Larger for now, each for a reason; a module listed here that shrinks below the limit
# must leave the list (test_oversized_modules_are_still_oversized).
OVERSIZED = {
    "report.py": "the result objects and their to_dict(): to be split on its own",
    "render/markdown.py": "every section of the report: the trend report to move out",
}

TOOL_MODULES = (
    "layout",
    "blocks",
    "qualtrics",
    "surveymonkey",
    "googleforms",
    "limesurvey",
    "plain",
    "tools",
)
# what the readers of exports and of the schema must not import: the later stages
LATER_STAGES = (
    "gapscan.responses",
    "gapscan.counts",
    "gapscan.analysis",
    "gapscan.report",
    "gapscan.render",
    "gapscan.cli",
    "gapscan.rules",
    "gapscan.stats",
)


def _modules() -> dict[str, Path]:
    return {path.relative_to(PACKAGE).as_posix(): path for path in PACKAGE.rglob("*.py")}


def _lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def _imports(path: Path) -> set[str]:
    """Every module the file imports, at the top or inside functions."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def test_no_module_is_over_the_limit() -> None:
    over = {
        name: lines
        for name, path in _modules().items()
        if (lines := _lines(path)) > MAX_LINES and name not in OVERSIZED
    }
    assert over == {}, f"split these modules (at most {MAX_LINES} lines): {over}"


@pytest.mark.parametrize("name", sorted(OVERSIZED))
def test_oversized_modules_are_still_oversized(name: str) -> None:
    path = _modules().get(name)
    assert path is not None, f"{name} is gone: remove it from OVERSIZED"
    assert _lines(path) > MAX_LINES, f"{name} is within the limit now: remove it from OVERSIZED"


def test_survey_tool_layouts_use_the_standard_library_and_each_other_only() -> None:
    """Recognising a tool's layout reads no file and needs nothing heavy: a new tool is
    a module beside these and a line in inputs/tools.py."""
    allowed = {f"gapscan.inputs.{name}" for name in TOOL_MODULES} | {"gapscan.inputs"}
    for name in TOOL_MODULES:
        path = PACKAGE / "inputs" / f"{name}.py"
        for module in _imports(path):
            top = module.split(".")[0]
            if top == "gapscan":
                assert module in allowed or module.rsplit(".", 1)[0] in allowed, (name, module)
            else:
                assert top in sys.stdlib_module_names, (name, module)


@pytest.mark.parametrize(
    "name",
    sorted(n for n in _modules() if n.startswith(("inputs/", "schema")) or n == "survey.py"),
)
def test_readers_do_not_import_later_stages(name: str) -> None:
    later = {
        module
        for module in _imports(_modules()[name])
        if any(module == stage or module.startswith(f"{stage}.") for stage in LATER_STAGES)
    }
    assert later == set(), f"{name} imports a later stage of the flow: {later}"
