"""Shared CLI plumbing: report errors without tracebacks, and write a run's outputs
as one set that never overwrites what the run reads (see gapscan.outputs)."""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import typer

from gapscan.errors import GapscanError, ProblemCollector
from gapscan.outputs import OutputError, OutputSet

EXIT_BAD_INPUT = 2
STEP_SUMMARY = "GITHUB_STEP_SUMMARY"
OVERWRITES_INPUT = "output-overwrites-input"
# The formats a person reads: their runs write the step summary unless told not to. A
# JSON or CSV run is a record for a program (a job often writes one beside the report
# it shows), so the summary holds the report once per job.
SUMMARY_FORMATS = frozenset({"table", "markdown", "html"})


@contextlib.contextmanager
def reporting_errors() -> Iterator[None]:
    """Turn bad input into ``error: FILE:LINE: ...`` lines on stderr and exit code 2."""
    from gapscan.inputs.stored import remove_spooled

    try:
        yield
    except GapscanError as exc:
        for problem in sorted(exc.problems, key=lambda p: (p.file or "", p.line or 0)):
            echo_error(f"error: {problem}")
        if len(exc.problems) > 1:
            echo_error(f"{len(exc.problems)} problems found.")
        raise typer.Exit(EXIT_BAD_INPUT) from None
    finally:
        remove_spooled()  # standard input's copy, if the run made one


def echo_error(text: str) -> None:
    """A line on stderr, whatever characters the input smuggled into it: control
    characters shown as escapes, unencodable ones escaped."""
    from gapscan.text import visible

    typer.echo(visible(text).encode("utf-8", "backslashreplace").decode("utf-8"), err=True)


def is_stdout(path: Path | None) -> bool:
    return path is None or str(path) == "-"


def write_stdout(text: str) -> None:
    """Write to standard output; characters that cannot be encoded are escaped."""
    data = text.encode("utf-8", "backslashreplace")
    stream = getattr(sys.stdout, "buffer", None)
    try:
        if stream is not None:
            sys.stdout.flush()
            stream.write(data)
            stream.flush()
        else:
            sys.stdout.write(data.decode("utf-8"))
            sys.stdout.flush()
    except BrokenPipeError:
        stdout_closed()
    except OSError as exc:
        raise GapscanError.single(
            f"cannot write to standard output: {exc.strerror or exc}", file="<stdout>"
        ) from None


def stdout_closed() -> None:
    """The reader of standard output has gone (``gapscan ... | head -1``): not an
    error. What is left to print goes nowhere, so that neither this run nor the
    interpreter's last flush complains, and the run ends with its own exit code."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def wants_summary(output_format: str, step_summary: bool | None) -> bool:
    """Whether a run in ``output_format`` appends to the step summary:
    ``--step-summary``/``--no-step-summary`` if given, else by :data:`SUMMARY_FORMATS`."""
    if step_summary is not None:
        return step_summary
    return str(output_format) in SUMMARY_FORMATS


# -- what a run reads ---------------------------------------------------------


Identity = tuple[int, int]


@dataclass(frozen=True)
class Input:
    path: str  # as given
    kind: str  # "the schema", "the data file", ...
    real: str
    identity: Identity | None


def _real(path: str | Path) -> str:
    try:
        return os.path.realpath(path)
    except (OSError, ValueError):
        return os.path.abspath(path)


def _identity(path: str | Path) -> tuple[Identity | None, int | None]:
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None, None
    return (st.st_dev, st.st_ino), st.st_mode


class Inputs:
    """The files a run reads, known by resolved path and by (device, inode), so that
    ``./x``, an absolute path, a symlink or a hard link all name the same input."""

    def __init__(self) -> None:
        self.items: list[Input] = []
        self.stdin: str | None = None  # what standard input is read as

    def add(self, paths: Iterable[str | Path], kind: str) -> Inputs:
        for path in paths:
            if str(path) == "-":  # standard input: nothing a run writes can overwrite it
                self._stdin(kind)
                continue
            identity, mode = _identity(path)
            if mode is not None and not stat.S_ISREG(mode):
                continue  # a device or a pipe: writing to it destroys nothing
            self.items.append(Input(str(path), kind, _real(path), identity))
        return self

    def _stdin(self, kind: str) -> None:
        if self.stdin is not None:
            raise GapscanError.single(
                "standard input ('-') is given twice: it can be read only once",
                file="-",
                hint="give the other data by its file name",
            )
        self.stdin = kind

    def read_at(self, path: str | Path) -> Input | None:
        """The input that writing ``path`` would overwrite, if any."""
        real = _real(path)
        identity, _ = _identity(path)
        for item in self.items:
            if item.real == real or (identity is not None and item.identity == identity):
                return item
        return None


def run_inputs(
    schema: Path | None,
    data: Iterable[Path] | None = None,
    *,
    vendor: Iterable[Path] | None = None,
    customer: Iterable[Path] | None = None,
    schema_data: Iterable[Path] = (),
    baseline: Path | None = None,
) -> Inputs:
    """The schema, the data files (those named, else the schema's ``data:``), the baseline."""
    inputs = Inputs().add([schema] if schema is not None else [], "the schema")
    named = [*(data or []), *(vendor or []), *(customer or [])]
    inputs.add(named or schema_data, "the data file")
    return inputs.add([baseline] if baseline is not None else [], "the baseline")


# -- what a run writes --------------------------------------------------------


class RunOutputs:
    """The files of one run: each checked against the run's inputs and the other
    outputs before anything is written (:meth:`check`), then staged, then committed
    together; the CI step summary is appended last, after the commit."""

    def __init__(self, inputs: Inputs) -> None:
        self.inputs = inputs
        self._problems = ProblemCollector()
        self._targets: list[tuple[Path, str, str]] = []  # path, option, what it is
        self._set = OutputSet(make_parents=True)

    def plan(self, path: Path | None, option: str, what: str) -> None:
        """A file this run will write (nothing when it goes to standard output)."""
        if path is None or is_stdout(path):
            return
        if path.is_dir():
            self._problems.add("this is a directory, not a file to write", file=str(path))
        elif not (path.parent if str(path.parent) else Path(".")).is_dir():
            self._problems.add(
                "the output directory does not exist", file=str(path), hint="create it"
            )
        self._check_target(path, option, what)

    def plan_directory(self, directory: Path, paths: list[Path], option: str, what: str) -> None:
        """Files written into ``directory``, which is created if missing."""
        if directory.exists() and not directory.is_dir():
            self._problems.add(f"{option} names a file, not a directory", file=str(directory))
        elif any(_same(directory, target) for target, _, _ in self._targets):
            self._problems.add(
                f"{option} and a report file name the same path", file=str(directory)
            )
        for path in paths:
            self._check_target(path, option, what)

    def plan_summary(self) -> None:
        target = os.environ.get(STEP_SUMMARY)
        if not target:
            return
        item = self.inputs.read_at(target)
        if item is not None:
            self._problems.add(
                f"{STEP_SUMMARY} would append to {item.kind} this run reads{_named(item, target)}",
                file=target,
                hint=f"point {STEP_SUMMARY} elsewhere",
                code=OVERWRITES_INPUT,
            )
        for path, option, _ in self._targets:
            if _same(path, Path(target)):
                self._problems.add(f"{STEP_SUMMARY} and {option} name the same file", file=target)

    def check(self) -> None:
        """Refuse, before anything is written, every output that must not be written."""
        self._problems.raise_if_any()

    def _check_target(self, path: Path, option: str, what: str) -> None:
        item = self.inputs.read_at(path)
        if item is not None:
            self._problems.add(
                f"{option} would overwrite {item.kind} this run reads{_named(item, str(path))}",
                file=str(path),
                hint=f"write the {what} elsewhere",
                code=OVERWRITES_INPUT,
            )
        for other, other_option, _ in self._targets:
            if _same(other, path):
                self._problems.add(
                    f"{other_option} and {option} name the same file", file=str(path)
                )
        self._targets.append((path, option, what))

    def __enter__(self) -> RunOutputs:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._set.discard()

    def write(self, path: Path | None, text: str) -> None:
        """Text to standard output now, or to a file staged until :meth:`commit`."""
        if path is None or is_stdout(path):
            write_stdout(text)
        else:
            self.stage(path, text.encode("utf-8", "backslashreplace"))

    def stage(self, path: Path, data: bytes) -> None:
        try:
            self._set.stage(path, data)
        except OutputError as exc:
            raise self._problem(exc) from None

    def commit(self) -> None:
        try:
            self._set.commit()
        except OutputError as exc:
            raise self._problem(exc) from None

    def _problem(self, exc: OutputError) -> GapscanError:
        target = str(exc.filename)
        what = next((w for p, _, w in self._targets if str(p) == target), "file")
        return GapscanError.single(f"cannot write the {what}: {exc.strerror}", file=target)

    def append_summary(self, markdown: Callable[[], str]) -> None:
        """In GitHub Actions, add the markdown report to the job's summary page (rendered
        only there). GitHub owns that file: it is appended to, after everything else."""
        target = os.environ.get(STEP_SUMMARY)
        if not target:
            return
        try:
            with open(target, "a", encoding="utf-8") as fh:
                fh.write(markdown() + "\n")
        except OSError as exc:  # the report itself is written: a summary is a courtesy
            echo_error(f"warning: {target}: cannot append to the step summary: {exc.strerror}")


def _same(a: Path, b: Path) -> bool:
    if _real(a) == _real(b):
        return True
    first, _ = _identity(a)
    return first is not None and first == _identity(b)[0]


def _named(item: Input, spelled: str) -> str:
    return "" if item.path == spelled else f", {item.path}"


def write_text(text: str, out: Path | None, inputs: Inputs, *, what: str = "report") -> None:
    """One output, to standard output or to a file, never onto an input."""
    with RunOutputs(inputs) as outputs:
        outputs.plan(out, "--out", what)
        outputs.check()
        outputs.write(out, text)
        outputs.commit()
