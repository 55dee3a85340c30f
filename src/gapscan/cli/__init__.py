"""The command line. This module stays tiny: the console script imports it, and
Ctrl-C must end cleanly even while the app itself is still being imported."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gapscan.cli._app import app

__all__ = ["app", "main"]

EXIT_INTERRUPTED = 130


def main() -> None:
    """The console script. Bad input exits 2 with a message; so does anything
    unexpected, reported as an internal error without a traceback. Ctrl-C, at any
    moment from the first import on, prints ``interrupted`` and exits 130. A closed
    standard output (``gapscan ... | head -1``) is not an error: the run ends with the
    exit code it would have had."""
    from gapscan import interrupts

    interrupts.install()
    try:
        code = _run()
    except KeyboardInterrupt:
        code = _interrupted()
    _finish(code)


def _run() -> int:
    import sys

    from gapscan import interrupts

    try:
        typer_app = _import_app()
        interrupts.check()  # a Ctrl-C Python could not raise while importing
        typer_app()
    except SystemExit as exc:
        code = _code(exc.code)
        # typer turns a KeyboardInterrupt inside a command into exit 130, silently
        interrupted = code == EXIT_INTERRUPTED or interrupts.pending()
        return _interrupted() if interrupted else code
    except KeyboardInterrupt:
        return _interrupted()
    except MemoryError:
        sys.stderr.write("error: out of memory: the input is too large for this machine\n")
        return 2
    except Exception as exc:  # the last line of defence
        from gapscan.cli._output import echo_error

        echo_error(
            f"error: internal error ({type(exc).__name__}: {exc}). This is a bug in gapscan: "
            "please report it with the command and input that caused it."
        )
        return 2
    return 0


def _import_app() -> Any:
    """The typer app, imported without the cyclic garbage collector (see
    :func:`uncollected`: together about a tenth of the CPU time of a small
    `gapscan validate`)."""
    with uncollected():
        from gapscan.cli._app import app as typer_app
    return typer_app


@contextmanager
def uncollected() -> Iterator[None]:
    """Import without the cyclic garbage collector: the objects made by importing live
    as long as the process, so collecting while importing only costs time, and frozen
    afterwards they are not traversed again by later collections. A command uses it
    for the modules it imports itself (``analyze``'s: about 80 collections, 11 ms)."""
    import gc

    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


def _code(code: Any) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    return 1


def _interrupted() -> int:
    import os

    _ignore_interrupts()
    os.write(2, b"interrupted\n")
    return EXIT_INTERRUPTED


def _ignore_interrupts() -> None:
    import contextlib
    import signal

    with contextlib.suppress(ValueError, OSError):  # not the main thread
        signal.signal(signal.SIGINT, signal.SIG_IGN)


def _finish(code: int) -> None:
    """Flush, run the exit handlers (standard input's spooled copy is removed there),
    then end the process at once, without the interpreter's shutdown: native libraries'
    worker threads still alive at that point (pyarrow's readers) could otherwise abort
    it from a C++ destructor after the run's output is complete. A second Ctrl-C meanwhile
    is ignored. Every file gapscan writes is closed (and renamed into place) before."""
    import atexit
    import os
    import sys

    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BrokenPipeError:
            from gapscan.cli._output import stdout_closed

            stdout_closed()
        except (OSError, ValueError):
            pass
    _ignore_interrupts()
    atexit._run_exitfuncs()
    os._exit(code)


def __getattr__(name: str) -> Any:
    if name == "app":
        from gapscan.cli._app import app

        return app
    raise AttributeError(f"module 'gapscan.cli' has no attribute {name!r}")
