"""Write a run's files all together or not at all: the output set.

Every file a run writes (report, JUnit, charts) is *staged* first, and the whole
set is *committed* at the end:

- Staging writes the complete content into an anonymous file (``O_TMPFILE``) in
  the target's own directory, then fsyncs it. The file has no name yet: if the
  process dies now, even by ``kill -9``, the kernel frees it and nothing is left
  behind. A full disk, a read-only folder or a missing permission shows up here,
  before any file of the run is visible. Where the file system (or the platform)
  refuses ``O_TMPFILE``, a named temporary ``.NAME.XXXXXXXX.tmp`` in the same
  directory is used instead; it is removed on any failure or interrupt, and only
  a ``kill -9`` during staging can leave it behind.
- Committing first gives every staged file a temporary name in its directory
  (``linkat`` of the anonymous inode; this can still fail, and then nothing has
  been replaced), then renames each over its target. The previous version of each
  target but the last is kept as a hard link until every rename has succeeded, so
  a failed rename puts the earlier ones back. SIGINT and SIGTERM are blocked for
  the few system calls of a commit, so Ctrl-C lands before it (nothing replaced)
  or after it (everything replaced). Only ``kill -9`` inside that window can leave
  a temporary name behind.
- A directory that does not exist yet (``--charts new/``) is created only at commit
  time; until then its files wait in the nearest directory that exists.
- Discarding (any failure, or an interrupt, before the commit) closes the anonymous
  files, removes named temporaries and the directories the set created.

Files are created with mode ``0o666 & ~umask``, like any other program's output.
An existing target that is not a regular file (``/dev/null``, a FIFO) is written in
place at commit time instead: it is never replaced by a file.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from gapscan import interrupts

_MODE = 0o666  # the umask takes away what the user does not want
_AT_FDCWD = -100
_AT_EMPTY_PATH = 0x1000
_CHUNK = 1 << 20


class OutputError(OSError):
    """An output could not be written: ``filename`` is the target, ``strerror`` why."""


@dataclass
class _Staged:
    target: Path
    data: bytes
    fd: int | None = None  # an anonymous file, not linked yet
    temp: Path | None = None  # a named temporary (in the target's directory or above)
    backup: Path | None = None  # the previous version, until the commit is complete
    in_place: bool = False  # a device or a FIFO: written at commit time
    replaced: bool = False


class OutputSet:
    """Stage files with :meth:`stage`, then :meth:`commit` them together. Leaving
    the ``with`` block without a commit (an error, Ctrl-C) discards what was staged."""

    def __init__(self, *, make_parents: bool = False) -> None:
        self._staged: list[_Staged] = []
        self._created: list[Path] = []
        self._make_parents = make_parents

    def __enter__(self) -> OutputSet:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.discard()

    def stage(self, target: Path, data: bytes) -> None:
        """Write ``data`` for ``target`` without making it visible; raises OutputError."""
        item = _Staged(Path(target), data)
        self._staged.append(item)
        try:
            mode = _mode_of(item.target)
            if mode is not None and not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
                item.in_place = True
                return
            # A directory to create is created at commit time; until then the file
            # waits in the nearest directory that exists (the same file system).
            home = item.target.parent
            if self._make_parents:
                home = _existing_ancestor(home)
            item.fd = _anonymous_file(home)
            if item.fd is None:
                item.temp, item.fd = _named_temporary(home, item.target.name)
            _write_all(item.fd, data)
            os.fsync(item.fd)
        except OSError as exc:
            raise _error(item.target, exc) from None

    def commit(self) -> None:
        """Move every staged file into place; on failure none of them is changed. A
        Ctrl-C that Python could not raise when it came stops the run here."""
        interrupts.check()
        with _signals_blocked():
            current = None
            try:
                for item in self._staged:
                    current = item
                    if not item.in_place:
                        self._create_directories(item.target.parent)
                    _name(item)
                last = self._staged[-1] if self._staged else None
                for item in self._staged:
                    current = item
                    _replace(item, keep_backup=item is not last)
            except BaseException as exc:
                self._roll_back()
                if isinstance(exc, OSError) and current is not None:
                    raise _error(current.target, exc) from None
                raise
            for item in self._staged:
                _remove(item.backup)
                item.backup = None
            _sync_directories({item.target.parent for item in self._staged})
            self._staged.clear()
            self._created.clear()

    def discard(self) -> None:
        """Remove everything staged and not committed (safe to call twice)."""
        with _signals_blocked():
            for item in self._staged:
                if item.fd is not None:
                    with contextlib.suppress(OSError):
                        os.close(item.fd)
                    item.fd = None
                _remove(item.temp)
                _remove(item.backup)
            self._staged.clear()
            for directory in reversed(self._created):
                with contextlib.suppress(OSError):
                    directory.rmdir()
            self._created.clear()

    def _roll_back(self) -> None:
        for item in reversed(self._staged):
            if not item.replaced or item.in_place:
                continue
            with contextlib.suppress(OSError):
                if item.backup is not None:
                    os.replace(item.backup, item.target)
                    item.backup = None
                else:
                    os.unlink(item.target)

    def _create_directories(self, directory: Path) -> None:
        missing: list[Path] = []
        while not directory.exists() and directory != directory.parent:
            missing.append(directory)
            directory = directory.parent
        for path in reversed(missing):
            path.mkdir()
            self._created.append(path)


def write_files(files: Iterable[tuple[Path, bytes]], *, make_parents: bool = True) -> None:
    """Write several files all together or not at all (see the module's docstring)."""
    with OutputSet(make_parents=make_parents) as outputs:
        for target, data in files:
            outputs.stage(target, data)
        outputs.commit()


def _error(target: Path, exc: OSError) -> OutputError:
    return OutputError(exc.errno, exc.strerror or str(exc), str(target))


def _mode_of(path: Path) -> int | None:
    try:
        return path.stat().st_mode
    except OSError:
        return None


def _anonymous_file(directory: Path) -> int | None:
    flag = getattr(os, "O_TMPFILE", None)
    if flag is None:
        return None
    try:
        return os.open(directory, flag | os.O_WRONLY | os.O_CLOEXEC, _MODE)
    except OSError:
        return None  # not supported here: a named temporary says what is wrong, if anything


def _existing_ancestor(directory: Path) -> Path:
    while not directory.exists() and directory != directory.parent:
        directory = directory.parent
    return directory


def _temporary_name(directory: Path, name: str) -> Path:
    import secrets  # here, not at the top: it imports hashlib, which --help never needs

    return directory / f".{name[:80]}.{secrets.token_hex(4)}.tmp"


def _named_temporary(directory: Path, name: str) -> tuple[Path, int]:
    for _ in range(100):
        temp = _temporary_name(directory, name)
        try:
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC
            return temp, os.open(temp, flags, _MODE)
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "cannot find a free temporary name", str(directory))


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view[:_CHUNK])
        view = view[written:]


def _name(item: _Staged) -> None:
    """Give a staged anonymous file a temporary name next to its target."""
    if item.in_place or item.fd is None:
        return
    if item.temp is None:
        temp = _temporary_name(item.target.parent, item.target.name)
        if not _link_anonymous(item.fd, temp):
            # The inode cannot be named here: write the content again under a name.
            temp, fd = _named_temporary(item.target.parent, item.target.name)
            item.temp = temp
            try:
                _write_all(fd, item.data)
                os.fsync(fd)
            finally:
                os.close(fd)
        item.temp = temp
    os.close(item.fd)
    item.fd = None


def _link_anonymous(fd: int, temp: Path) -> bool:
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        name = os.fsencode(temp)
        if libc.linkat(fd, b"", _AT_FDCWD, name, _AT_EMPTY_PATH) == 0:
            return True
    except (OSError, AttributeError):
        pass
    try:
        os.link(f"/proc/self/fd/{fd}", temp, follow_symlinks=True)
        return True
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS):
            raise
        return False


def _replace(item: _Staged, *, keep_backup: bool) -> None:
    if item.in_place:
        with item.target.open("wb") as fh:
            fh.write(item.data)
        item.replaced = True
        return
    assert item.temp is not None
    if keep_backup and stat.S_ISREG(_mode_of(item.target) or 0):
        backup = _temporary_name(item.target.parent, item.target.name)
        with contextlib.suppress(OSError):  # no hard links here: no way back, but go on
            os.link(item.target, backup, follow_symlinks=False)
            item.backup = backup
    os.replace(item.temp, item.target)
    item.temp = None
    item.replaced = True


def _remove(path: Path | None) -> None:
    if path is not None:
        with contextlib.suppress(OSError):
            os.unlink(path)


def _sync_directories(directories: set[Path]) -> None:
    for directory in directories:
        with contextlib.suppress(OSError):
            fd = os.open(directory, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)


@contextlib.contextmanager
def _signals_blocked() -> Iterator[None]:
    signals = {signal.SIGINT, signal.SIGTERM}
    try:
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, signals)
    except (AttributeError, ValueError, OSError):
        previous = None
    try:
        yield
    finally:
        if previous is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)
