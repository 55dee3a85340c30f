"""Where an export's bytes are: a plain file, a compressed one (gzip, bzip2, zstd, xz),
the one member of a zip archive, or standard input spooled to a temporary file.

Every pass over a CSV file (sniffing, parsing, settling the encoding, finding line
numbers) opens it through :meth:`Stored.open`, which decompresses as it reads: memory
stays bounded whatever the file's size, and a second pass decompresses again.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, cast

from gapscan.errors import GapscanError

STDIN = "-"
STDIN_NAME = "<stdin>"
# (magic bytes at offset 0, the compression's name as pyarrow knows it)
_MAGIC = (
    (b"\x1f\x8b", "gzip"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
    (b"\xfd7zXZ\x00", "xz"),
)
# After "BZh" and the level digit: the first block's magic, or the end of the stream's
# (a compressed empty file).
_BZIP2_NEXT = (b"1AY&SY", b"\x17rE8P\x90")
NAMES = {"gzip": "gzip", "bz2": "bzip2", "zstd": "zstd", "xz": "xz", "zip": "zip"}


@dataclass(frozen=True)
class Stored:
    """A data file's bytes: ``path`` on disk (standard input: its spooled copy),
    ``name`` as errors show it, its ``compression`` (gzip | bz2 | zstd | xz | zip, None
    for none) and, in a zip archive, the ``member`` read."""

    path: Path
    name: str
    compression: str | None = None
    member: str | None = None

    @property
    def size(self) -> int:
        """The bytes a full read goes through (see :meth:`reading`)."""
        if self.compression == "zip":
            with zipfile.ZipFile(self.path) as archive:
                return archive.getinfo(self.member or "").file_size
        return self.path.stat().st_size

    def open(self) -> contextlib.AbstractContextManager[BinaryIO]:
        """The decompressed bytes, as a binary stream read from the start."""
        return _opened(self)

    @contextlib.contextmanager
    def reading(self) -> Iterator[tuple[BinaryIO, Callable[[], int]]]:
        """The decompressed stream and how far into :attr:`size` reading has got."""
        with self.path.open("rb") as raw:
            if self.compression == "zip":
                with self.open() as stream:
                    yield stream, stream.tell
            else:
                with _decompressed(raw, self.compression) as stream:
                    yield stream, raw.tell


def plain(path: Path | Stored) -> Stored:
    return path if isinstance(path, Stored) else Stored(path, str(path))


@contextlib.contextmanager
def _opened(stored: Stored) -> Iterator[BinaryIO]:
    """The decompressed stream; a read that fails (a stream damaged past the part already
    read: an error path's second pass meets what the first pass's threads had not yet)
    is the file's error, named as damaged."""
    try:
        if stored.compression == "zip":
            with zipfile.ZipFile(stored.path) as archive, archive.open(stored.member or "") as fh:
                yield cast(BinaryIO, fh)
            return
        with stored.path.open("rb") as raw, _decompressed(raw, stored.compression) as stream:
            yield stream
    except (OSError, EOFError) as exc:
        raise damaged(stored, exc) from None


@contextlib.contextmanager
def _decompressed(raw: BinaryIO, compression: str | None) -> Iterator[BinaryIO]:
    if compression is None:
        yield raw
    elif compression == "xz":
        import lzma

        with lzma.open(raw, "rb") as fh:
            yield cast(BinaryIO, fh)
    else:
        import pyarrow as pa

        with pa.CompressedInputStream(pa.PythonFile(raw, mode="r"), compression) as fh:
            yield cast(BinaryIO, fh)


def compression(head: bytes) -> str | None:
    """The compression the first bytes announce (zip included), whatever the name."""
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if head[:3] == b"BZh" and head[3:4].isdigit() and head[4:10] in _BZIP2_NEXT:
        return "bz2"
    return None


def read_head(stored: Stored, size: int) -> bytes:
    """The first ``size`` decompressed bytes (fewer in a shorter file); a damaged
    compressed file is an error naming its compression."""
    chunks: list[bytes] = []
    got = 0
    try:
        with stored.open() as fh:
            while got < size and (chunk := fh.read(size - got)):
                chunks.append(chunk)
                got += len(chunk)
    except (OSError, EOFError, ValueError, RuntimeError, NotImplementedError) as exc:
        raise damaged(stored, exc) from None
    return b"".join(chunks)


def damaged(stored: Stored, exc: BaseException) -> GapscanError:
    why = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    if stored.compression is None:
        return GapscanError.single(f"cannot read the file: {why}", file=stored.name)
    if stored.compression == "zip" and "encrypted" in why:
        return GapscanError.single(
            f"this zip archive's file {stored.member} is encrypted",
            file=stored.name,
            hint="unzip it with its password and give the export itself",
            code="compressed-file",
        )
    return GapscanError.single(
        f"the {NAMES.get(stored.compression or '', 'compressed')}-compressed data is "
        f"damaged or cut short: {why}",
        file=stored.name,
        hint="compress the export again, or give it uncompressed",
        code="compressed-file",
    )


# ------------------------------------------------------------------- standard input

_spooled: Path | None = None


def spooled_stdin() -> Path:
    """Standard input copied, once per run, to a file in the system's temporary
    directory (removed when the run ends): sniffing needs its head and an error's line
    numbers a second pass."""
    global _spooled
    if _spooled is None:
        if sys.stdin is None or sys.stdin.isatty():
            raise GapscanError.single(
                "standard input is a terminal, not data",
                file=STDIN_NAME,
                hint="pipe the export in: cat data.csv | gapscan analyze survey.yaml -",
            )
        handle, name = tempfile.mkstemp(prefix="gapscan-stdin-", suffix=".data")
        _spooled = Path(name)
        atexit.register(remove_spooled)
        with os.fdopen(handle, "wb") as fh:
            shutil.copyfileobj(sys.stdin.buffer, fh, 1 << 20)
    return _spooled


def on_disk(path: Path) -> Path:
    """The file holding ``path``'s bytes: standard input's spooled copy for ``-``."""
    return spooled_stdin() if str(path) == STDIN else path


def remove_spooled() -> None:
    global _spooled
    if _spooled is not None:
        with contextlib.suppress(OSError):
            _spooled.unlink()
        _spooled = None
