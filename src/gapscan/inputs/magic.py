"""What a data file is, by its first bytes, whatever its name says."""

from __future__ import annotations

import zipfile
from pathlib import Path

from gapscan.errors import GapscanError

READABLE = "gapscan reads uncompressed CSV, XLSX or Parquet"

# (magic bytes at offset 0, the compression's name)
_COMPRESSED = (
    (b"\x1f\x8b", "gzip"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
)
_BZIP2_BLOCK = b"1AY&SY"  # the first block's magic, after "BZh" and the level digit
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls (and other Office 97 files)
_ODS = b"application/vnd.oasis.opendocument.spreadsheet"


def identify(path: Path, head: bytes) -> str:
    """``parquet``, ``xlsx`` or ``csv`` (anything else is read as text and judged
    there); a clear error for compressed files and other containers."""
    name = str(path)
    compression = _compression(head)
    if compression is not None:
        raise GapscanError.single(
            f"this is {'an' if compression[0] in 'x' else 'a'} {compression}-compressed "
            f"file; {READABLE}",
            file=name,
            hint="decompress it first",
            code="compressed-file",
        )
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(_OLE2):
        raise GapscanError.single(
            f"this is a legacy Excel (.xls) or other Office 97 file; {READABLE}",
            file=name,
            hint="save it as .xlsx or CSV from the spreadsheet program",
        )
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(path)
    return "csv"


def _compression(head: bytes) -> str | None:
    for magic, kind in _COMPRESSED:
        if head.startswith(magic):
            return kind
    if head[:3] == b"BZh" and head[3:4].isdigit() and head[4:10] == _BZIP2_BLOCK:
        return "bzip2"
    return None


def _zip_kind(path: Path) -> str:
    """A zip archive is an XLSX workbook when it holds the workbook's parts; a zip that
    cannot be listed is left to the XLSX reader, which reports it as damaged."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return "xlsx"
    if "[Content_Types].xml" in names or any(n.startswith("xl/") for n in names):
        return "xlsx"
    if mimetype.startswith(_ODS):
        raise GapscanError.single(
            f"this is an OpenDocument spreadsheet (.ods); {READABLE}",
            file=str(path),
            hint="save it as .xlsx or CSV from the spreadsheet program",
        )
    raise GapscanError.single(
        f"this is a zip-compressed archive, not an XLSX workbook; {READABLE}",
        file=str(path),
        hint="unzip it first and give the export inside",
        code="compressed-file",
    )
