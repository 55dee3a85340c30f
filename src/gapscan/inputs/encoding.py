"""A text file's encoding, decided on the whole file rather than on a sample.

The reader sniffs the encoding from the first megabyte. These functions settle it
for the rest: they run only when the sample cannot be the whole story (pyarrow found
bytes that are not UTF-8 further on, or the sample was not UTF-8), and they stream
the file in blocks, so a large file is never held in memory.

A file that holds UTF-8 text and also bytes that are not UTF-8 mixes encodings:
decoding it either way turns some of its text into something else (``Montréal``
read as ``MontrÃ©al``). That is refused, naming the line of the first byte that is
not UTF-8. A file whose only non-ASCII bytes are not UTF-8 is Windows-1252 text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from gapscan.errors import GapscanError
from gapscan.inputs.stored import Stored, plain

BLOCK = 1 << 22
# A multi-byte UTF-8 character: a lead byte and its continuation bytes.
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
# Bytes classified in one C pass: "L" a UTF-8 lead byte, "c" a continuation byte,
# "u" a byte that cp1252 leaves undefined, "." anything else.
_CLASSES = bytes(
    ord("u")
    if b in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
    else ord("c")
    if 0x80 <= b <= 0xBF
    else ord("L")
    if 0xC2 <= b <= 0xF4
    else ord(".")
    for b in range(256)
)


def _utf8_sequence(data: bytes) -> int | None:
    """Where the first multi-byte UTF-8 character in ``data`` starts."""
    classes = data.translate(_CLASSES)
    position = classes.find(b"Lc")
    while position >= 0:
        if _UTF8_SEQUENCE.match(data, position):
            return position
        position = classes.find(b"Lc", position + 1)
    return None


def _cp1252_undefined(data: bytes) -> int | None:
    position = data.translate(_CLASSES).find(b"u")
    return position if position >= 0 else None


@dataclass(frozen=True)
class InvalidUtf8:
    """The first byte of a file that is not UTF-8, and whether UTF-8 text came before."""

    offset: int
    byte: int
    utf8_before: bool


def first_invalid_utf8(path: Path | Stored) -> InvalidUtf8 | None:
    """Where the file stops being UTF-8, or None when all of it is."""
    offset = 0  # of ``carry``'s first byte in the file
    carry = b""
    utf8_before = False
    with plain(path).open() as fh:
        while block := fh.read(BLOCK):
            data = carry + block
            try:
                data.decode("utf-8")
                good = len(data)
            except UnicodeDecodeError as exc:
                good = exc.start
                if exc.end < len(data) or exc.reason != "unexpected end of data":
                    utf8_before = utf8_before or not data[:good].isascii()
                    return InvalidUtf8(offset + good, data[good], utf8_before)
            utf8_before = utf8_before or not data[:good].isascii()
            carry = data[good:]  # a character cut by the block's end
            offset += good
    if carry:
        return InvalidUtf8(offset, carry[0], utf8_before)
    return None


def search(path: Path | Stored, find: Callable[[bytes], int | None], start: int) -> int | None:
    """The offset of the first match of ``find`` (a short byte pattern) at or after
    ``start``; ASCII blocks are skipped unlooked."""
    overlap = 8  # longer than any match of the patterns above
    with plain(path).open() as fh:
        _skip(fh, start)
        position, tail = start, b""
        while block := fh.read(BLOCK):
            data = tail + block
            if not data.isascii():
                found = find(data)
                if found is not None:
                    return position - len(tail) + found
            tail = data[-overlap:]
            position += len(block)
    return None


def _skip(fh: BinaryIO, count: int) -> None:
    """Read past ``count`` bytes (a decompressing stream cannot seek)."""
    while count > 0 and (block := fh.read(min(BLOCK, count))):
        count -= len(block)


def line_at(path: Path | Stored, offset: int) -> int:
    """The physical line (1-based) holding the byte at ``offset``; a line ends at
    ``\\n``, ``\\r\\n`` or a lone ``\\r``, inside quoted fields as well."""
    breaks, previous = 0, b""
    with plain(path).open() as fh:
        remaining = offset
        while remaining > 0 and (block := fh.read(min(BLOCK, remaining))):
            breaks += block.count(b"\n") + block.count(b"\r") - block.count(b"\r\n")
            if previous == b"\r" and block[:1] == b"\n":
                breaks -= 1  # a \r\n split across two blocks
            previous = block[-1:]
            remaining -= len(block)
    return breaks + 1


def settle(path: Path | Stored) -> str:
    """The encoding of a file that is not all UTF-8: ``cp1252`` when that is the only
    reading of its bytes; otherwise a GapscanError naming the line."""
    invalid = first_invalid_utf8(path)
    if invalid is None:
        return "utf-8"
    name = plain(path).name
    if invalid.utf8_before or search(path, _utf8_sequence, invalid.offset) is not None:
        line = line_at(path, invalid.offset)
        raise GapscanError.single(
            f"byte 0x{invalid.byte:02x} at line {line} is not UTF-8",
            file=name,
            line=line,
            hint="the file mixes encodings: re-export it as UTF-8",
            code="mixed-encoding",
        )
    undefined = search(path, _cp1252_undefined, invalid.offset)
    if undefined is not None:
        line = line_at(path, undefined)
        with plain(path).open() as fh:
            _skip(fh, undefined)
            byte = fh.read(1)[0]
        raise GapscanError.single(
            f"byte 0x{byte:02x} at line {line} is neither UTF-8 nor Windows-1252 text",
            file=name,
            line=line,
            hint="re-export the file as UTF-8",
            code="mixed-encoding",
        )
    return "cp1252"
