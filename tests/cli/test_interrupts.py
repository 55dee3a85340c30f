"""A Ctrl-C that Python cannot raise where it lands (inside a weak reference's callback
in the import machinery, a ``__del__``) is not lost: the run still ends as
interrupted, exit 130, with nothing written and no "Exception ignored" noise."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from gapscan import interrupts
from gapscan.outputs import OutputSet
from tests.cli.outputs_support import SCHEMA, make_workdir, picture, subprocess_env


class _RaisesWhenCollected:
    def __del__(self) -> None:
        raise KeyboardInterrupt


def _swallow_an_interrupt() -> None:
    _RaisesWhenCollected()  # collected at once: Python can only report its exception


def test_a_swallowed_interrupt_is_recorded_and_raised_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "unraisablehook", sys.unraisablehook)
    monkeypatch.setattr(interrupts, "_swallowed", False)
    assert not interrupts.pending()
    interrupts.install()
    _swallow_an_interrupt()
    assert interrupts.pending()
    with pytest.raises(KeyboardInterrupt):
        interrupts.check()
    target = tmp_path / "report.md"
    with pytest.raises(KeyboardInterrupt), OutputSet() as outputs:
        outputs.stage(target, b"written after Ctrl-C")
        outputs.commit()
    assert list(tmp_path.iterdir()) == []


def test_other_unraisable_errors_are_still_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    reported: list[Any] = []
    monkeypatch.setattr(sys, "__unraisablehook__", reported.append)
    monkeypatch.setattr(sys, "unraisablehook", sys.unraisablehook)
    monkeypatch.setattr(interrupts, "_swallowed", False)
    interrupts.install()

    class Fails:
        def __del__(self) -> None:
            raise ValueError("not an interrupt")

    Fails()
    assert [r.exc_type for r in reported] == [ValueError]
    assert not interrupts.pending()


@pytest.mark.parametrize("where", ["importing", "committing"])
def test_a_run_whose_interrupt_was_swallowed_ends_interrupted(tmp_path: Path, where: str) -> None:
    """The real command line, with a Ctrl-C swallowed while the app is imported, or
    just before the report is moved into place: exit 130, ``interrupted`` only, and
    the folder as it was."""
    work = make_workdir(tmp_path / "work")
    driver = textwrap.dedent(
        f"""
        import sys
        import gapscan.cli
        import gapscan.outputs

        class RaisesWhenCollected:
            def __del__(self):
                raise KeyboardInterrupt

        def swallowed(original):
            def run(*args, **kwargs):
                RaisesWhenCollected()
                return original(*args, **kwargs)
            return run

        if {where!r} == "importing":
            gapscan.cli._import_app = swallowed(gapscan.cli._import_app)
        else:
            gapscan.outputs.OutputSet.commit = swallowed(gapscan.outputs.OutputSet.commit)
        sys.argv = ["gapscan", "analyze", {SCHEMA!r}, "--format", "json", "--out", "r.json"]
        gapscan.cli.main()
        """
    )
    before = picture(work)
    done = subprocess.run(
        [sys.executable, "-c", driver],
        cwd=work,
        env=subprocess_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 130, done.stderr
    assert done.stderr.strip() == "interrupted"
    assert picture(work) == before
