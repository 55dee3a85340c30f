"""``gapscan --help`` stays fast: it does not import the numerical stack."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("pandas", "scipy", "statsmodels", "pyreadstat")  # never needed to print help
AVOIDABLE = ("numpy", "pyarrow")  # better not, but not required
# Loaded only by the commands that need them: never for `gapscan --help` or --version.
LAZY = ("numpy", "pyarrow", "yaml", "pydantic", "pydantic_core", "matplotlib", "secrets")
# Subcommand help goes through typer's parameter coercion, which imports pydantic.
LAZY_IN_COMMAND_HELP = ("numpy", "pyarrow", "yaml", "matplotlib")
REPO = Path(__file__).resolve().parents[2]

# Run the console entry point with the given arguments, then print the imported modules.
WRAPPER = """\
import atexit, gc, json, sys
sys.argv = ["gapscan", *json.loads(sys.argv[1])]

def report():  # an exit handler: main() ends the process once they have run
    sys.stdout.flush()
    payload = {"modules": sorted(sys.modules), "gc": gc.isenabled()}
    sys.stderr.write("\\n@@MODULES@@" + json.dumps(payload))
    sys.stderr.flush()

atexit.register(report)
from gapscan.cli import main
main()
"""


def run_wrapped(*args: str) -> tuple[dict[str, object], str]:
    """The console entry point's exit code, imported modules and garbage collector
    state after running it with ``args``, and its standard output."""
    proc = subprocess.run(
        [sys.executable, "-c", WRAPPER, json.dumps(list(args))],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
    )
    assert "@@MODULES@@" in proc.stderr, proc.stderr
    before, _, payload = proc.stderr.rpartition("@@MODULES@@")
    assert "Traceback" not in before, before
    data: dict[str, object] = json.loads(payload)
    data["code"] = proc.returncode
    return data, proc.stdout


def modules_after(*args: str) -> tuple[int, set[str], str]:
    data, stdout = run_wrapped(*args)
    modules = data["modules"]
    assert isinstance(modules, list) and isinstance(data["code"], int | None)
    return data["code"] or 0, {m.split(".")[0] for m in modules}, stdout


def heavy_imports(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return [name for name in names if name in modules]


@pytest.mark.parametrize(
    "args",
    [("--help",), ("analyze", "--help"), ("--version",), ("--show-completion", "bash")],
    ids=["help", "analyze-help", "version", "completion"],
)
def test_help_does_not_import_the_numerical_stack(args: tuple[str, ...]) -> None:
    code, modules, stdout = modules_after(*args)
    assert code in (0, None)
    assert stdout.strip()
    assert heavy_imports(modules, HEAVY) == []
    avoidable = heavy_imports(modules, AVOIDABLE)
    if avoidable:  # reported, not failed
        print(f"gapscan {' '.join(args)} imports {', '.join(avoidable)}")


@pytest.mark.parametrize(
    "args",
    [("--help",), ("--version",), ("-V",)],
    ids=["help", "version", "V"],
)
def test_top_level_help_imports_nothing_a_command_loads_lazily(args: tuple[str, ...]) -> None:
    code, modules, stdout = modules_after(*args)
    assert code == 0 and stdout.strip()
    assert heavy_imports(modules, LAZY) == []


# typer's help renderer: it imports rich's markdown (markdown_it) and traceback
# (pygments) modules at its top, about a fifth of the time `gapscan --help` took
TYPER_RENDERER = ("typer.rich_utils", "rich.markdown", "rich.traceback", "markdown_it", "pygments")


@pytest.mark.parametrize("args", [("--help",), ("analyze", "--help"), ("sql",)])
def test_help_is_drawn_without_typers_renderer(args: tuple[str, ...]) -> None:
    data, stdout = run_wrapped(*args)
    modules = data["modules"]
    assert isinstance(modules, list)
    assert "Usage: gapscan" in stdout and "╭─ Options" in stdout
    assert [m for m in TYPER_RENDERER if m in modules] == []


@pytest.mark.parametrize("command", ["analyze", "validate", "trend", "init", "weights"])
def test_command_help_loads_no_data_or_schema_libraries(command: str) -> None:
    code, modules, stdout = modules_after(command, "--help")
    assert code == 0 and "Usage" in stdout
    assert heavy_imports(modules, LAZY_IN_COMMAND_HELP) == []


def test_validate_of_a_small_example_loads_no_statistics_or_chart_library() -> None:
    code, modules, stdout = modules_after("validate", "surveys/account-pulse.yaml")
    assert code == 0 and "valid" in stdout
    assert "numpy" in modules and "pyarrow" in modules  # the log is what we think it is
    assert heavy_imports(modules, (*HEAVY, "matplotlib")) == []


@pytest.mark.parametrize(
    "args", [("--help",), ("validate", "surveys/account-pulse.yaml")], ids=["help", "validate"]
)
def test_the_garbage_collector_is_back_on_once_the_app_is_imported(args: tuple[str, ...]) -> None:
    # start-up imports the app with the collector off (then freezes what it made)
    data, _ = run_wrapped(*args)
    assert data["code"] in (0, None)
    assert data["gc"] is True


def test_a_report_written_as_json_imports_no_terminal_renderer(tmp_path: Path) -> None:
    """Each renderer is imported when it is used: a JSON report loads neither the
    console's tables (nor rich, which they draw with) nor the markdown renderer."""
    out = tmp_path / "r.json"
    data, _ = run_wrapped(
        "analyze", "surveys/cmo-affinity.yaml", "--format", "json", "--out", str(out)
    )
    modules = data["modules"]
    assert data["code"] in (0, 1) and isinstance(modules, list)
    assert "gapscan.render.json" in modules  # the log is what we think it is
    loaded = {m for m in modules if m.split(".")[0] == "rich" or m.startswith("gapscan.render.")}
    assert not loaded & {"rich", "gapscan.render.console", "gapscan.render.markdown"}
    assert out.stat().st_size > 0


def test_a_command_imports_its_modules_without_collecting() -> None:
    """``analyze`` imports the analysis (numpy, pyarrow, the schema, the statistics)
    with the cyclic garbage collector off, as start-up imports the app: no collection
    runs while ``gapscan.analysis`` is being imported; what it made is frozen, and the
    collector is on again afterwards (it does collect during the run)."""
    probe = """\
import atexit, gc, json, sys
sys.argv = ["gapscan", "analyze", "surveys/cmo-affinity.yaml", "--format", "json"]
seen = {"during": 0, "after": 0}
def watch(phase, info):
    module = sys.modules.get("gapscan.analysis")
    if phase == "start" and module is not None:
        importing = getattr(module.__spec__, "_initializing", False)
        seen["during" if importing else "after"] += 1
gc.callbacks.append(watch)
def report():
    gc.collect()  # one collection at least, once everything is imported
    seen.update(frozen=gc.get_freeze_count(), enabled=gc.isenabled())
    sys.stderr.write("@@" + json.dumps(seen))
atexit.register(report)
from gapscan.cli import main
main()
"""
    proc = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, cwd=REPO
    )
    assert proc.returncode in (0, 1), proc.stderr
    seen = json.loads(proc.stderr.rpartition("@@")[2])
    assert seen["after"] >= 1  # the watch sees collections
    assert seen["during"] == 0
    assert seen["enabled"] is True and seen["frozen"] > 0


def test_help_under_importtime() -> None:
    """Cross-check with the interpreter's own import log, through ``python -m gapscan``."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "gapscan", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert "analyze" in proc.stdout
    imported = {
        line.rsplit("|", 1)[-1].strip().split(".")[0]
        for line in proc.stderr.splitlines()
        if line.startswith("import time:")
    }
    assert "gapscan" in imported  # the log is what we think it is
    assert heavy_imports(imported, HEAVY) == []


def test_console_script_is_installed() -> None:
    script = shutil.which("gapscan", path=str(Path(sys.executable).parent))
    assert script is not None, "no 'gapscan' console script next to the interpreter"
    proc = subprocess.run([script, "--help"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "analyze" in proc.stdout


NOTEBOOK = """\
import sys
import pyarrow.csv as pacsv
import gapscan
table = pacsv.read_csv("surveys/cmo-affinity.csv")
report = gapscan.analyze_frame(table, "surveys/cmo-affinity.yaml")
report.to_dict(), report.to_markdown(), report._repr_html_()
print("before", "pandas" in sys.modules)
report.to_frame()
print("after", "pandas" in sys.modules)
"""


def test_pandas_is_imported_only_for_a_report_frame() -> None:
    """A pyarrow Table analysed, its report as JSON, markdown and HTML: no pandas;
    ``to_frame()`` imports it."""
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run(
        [sys.executable, "-c", NOTEBOOK], capture_output=True, text=True, timeout=120, cwd=root
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["before", "False", "after", "True"]
