"""Shared CLI plumbing: report errors without tracebacks, write files atomically."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import typer

from gapscan.errors import GapscanError

EXIT_BAD_INPUT = 2


@contextlib.contextmanager
def reporting_errors() -> Iterator[None]:
    """Turn bad input into ``error: FILE:LINE: ...`` lines on stderr and exit code 2."""
    try:
        yield
    except GapscanError as exc:
        for problem in sorted(exc.problems, key=lambda p: (p.file or "", p.line or 0)):
            echo_error(f"error: {problem}")
        if len(exc.problems) > 1:
            echo_error(f"{len(exc.problems)} problems found.")
        raise typer.Exit(EXIT_BAD_INPUT) from None


def echo_error(text: str) -> None:
    """A line on stderr, whatever characters the input smuggled into it."""
    typer.echo(text.encode("utf-8", "backslashreplace").decode("utf-8"), err=True)


def write_text(text: str, out: Path | None) -> None:
    """Write to stdout (also for ``-``), or to ``out`` atomically: a temporary file
    moved into place. Characters that cannot be encoded are written escaped."""
    data = text.encode("utf-8", "backslashreplace")
    if out is None or str(out) == "-":
        stream = getattr(sys.stdout, "buffer", None)
        try:
            if stream is not None:
                sys.stdout.flush()
                stream.write(data)
                stream.flush()
            else:
                sys.stdout.write(data.decode("utf-8"))
                sys.stdout.flush()
        except OSError as exc:
            raise GapscanError.single(
                f"cannot write to standard output: {exc.strerror or exc}", file="<stdout>"
            ) from None
        return
    if out.exists() and not out.is_file() and not out.is_dir():
        _write_in_place(data, out)  # a device or a pipe: never replace it with a file
        return
    directory = out.parent if str(out.parent) else Path(".")
    if not directory.is_dir():
        raise GapscanError.single(
            "the output directory does not exist", file=str(out), hint="create it first"
        )
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise GapscanError.single(f"cannot write here: {exc.strerror}", file=str(out)) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, out)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise GapscanError.single(
            f"cannot write the report: {exc.strerror}", file=str(out)
        ) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _write_in_place(data: bytes, out: Path) -> None:
    try:
        with out.open("wb") as fh:
            fh.write(data)
    except OSError as exc:
        raise GapscanError.single(f"cannot write: {exc.strerror}", file=str(out)) from None
