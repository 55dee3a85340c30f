"""What a data file is, by its first bytes, whatever its name says."""

from __future__ import annotations

import zipfile
from pathlib import Path

from gapscan.errors import GapscanError
from gapscan.inputs.stored import NAMES, Stored, compression, read_head

READABLE = "gapscan reads CSV (also compressed or in a zip), XLSX or Parquet"

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls (and other Office 97 files)
_ODS = b"application/vnd.oasis.opendocument.spreadsheet"


def identify(path: Path, head: bytes, *, name: str | None = None) -> str:
    """``parquet``, ``xlsx`` or ``csv`` (anything else is read as text and judged
    there); a clear error for compressed files (see :func:`unwrap`, which reads them)
    and other containers."""
    name = name or str(path)
    kind = compression(head)
    if kind is not None:
        raise GapscanError.single(
            f"this is {_a(kind)} {NAMES[kind]}-compressed file; a count table is read uncompressed",
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
        return _zip_kind(path, name)
    return "csv"


def _a(kind: str) -> str:
    return "an" if kind == "xz" else "a"


def unwrap(stored: Stored, head: bytes, sample: int) -> tuple[Stored, bytes]:
    """A compressed file or a zip archive of one export, known by its first bytes, as
    the file inside it (and that file's first ``sample`` bytes); anything else as it
    is. What cannot be read inside (several files, a workbook, binary data, another
    archive) is an error saying what it holds."""
    kind = compression(head)
    member = None
    if kind is None and head.startswith(b"PK\x03\x04"):
        if _zip_kind(stored.path, stored.name) == "xlsx":
            return stored, head
        kind, member = "zip", _one_member(stored)
    if kind is None:
        return stored, head
    inner = Stored(stored.path, stored.name, kind, member)
    head = read_head(inner, sample)
    what = _not_csv(head)
    if what is not None:
        container = f"zip archive's file {member}" if member else f"{NAMES[kind]}-compressed file"
        raise GapscanError.single(
            f"this {container} holds {what}, not a CSV export; {READABLE}",
            file=stored.name,
            hint="give the export itself",
            code="compressed-file",
        )
    return inner, head


def _not_csv(head: bytes) -> str | None:
    if not head.strip():
        return "nothing (it is empty)"
    if compression(head) is not None or head.startswith(b"PK\x03\x04"):
        return "another archive or an XLSX workbook"
    if head.startswith(b"PAR1"):
        return "a Parquet file"
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "binary data"
    return None


def _one_member(stored: Stored) -> str:
    try:
        with zipfile.ZipFile(stored.path) as archive:
            names = [
                info.filename
                for info in archive.infolist()
                if not info.is_dir() and not info.filename.startswith("__MACOSX/")
            ]
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise GapscanError.single(
            f"this zip archive is damaged: {exc}", file=stored.name, code="compressed-file"
        ) from None
    if len(names) == 1:
        return names[0]
    listed = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    raise GapscanError.single(
        f"this zip archive holds {len(names)} files"
        + (f" ({listed})" if names else "")
        + "; gapscan reads a zip holding exactly one export",
        file=stored.name,
        hint="unzip it and give each export as its own file",
        code="compressed-file",
    )


def _zip_kind(path: Path, name: str) -> str:
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
            file=name,
            hint="save it as .xlsx or CSV from the spreadsheet program",
        )
    return "zip"
