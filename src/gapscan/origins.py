"""Where each respondent came from: its input file, its line there and its id as
written, kept when asked (``load_responses(origins=True)``) for per-respondent output
such as ``gapscan weights``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from gapscan.inputs.source import Source

RowOrigins = tuple[np.ndarray, list[str] | None]  # one file's kept rows: lines, ids


@dataclass(frozen=True)
class Origins:
    """Per respondent: the input (an index into ``Responses.inputs``), its line there
    (as :class:`~gapscan.errors.Problem` counts lines) and its respondent id as
    written (None without ``respondent_id``)."""

    file: np.ndarray
    line: np.ndarray
    ids: tuple[str, ...] | None = None


def row_origins(
    source: Source,
    id_column: tuple[list[str], np.ndarray] | None,
    kept: Callable[[np.ndarray], np.ndarray],
    n: int,
) -> RowOrigins:
    """Each of the ``n`` kept rows' line in the file and its id (``id_column``: the id
    column as distinct values and each kept row's index, past the end for a null)."""
    rows = kept(np.arange(n))
    lines = np.asarray([source.row_number(int(r)) for r in rows], dtype=np.int64)
    if id_column is None:
        return lines, None
    values, indices = id_column
    text = [*values, ""]
    return lines, [text[int(i)] for i in indices]


def drop_origins(origins: RowOrigins, keep: np.ndarray) -> RowOrigins:
    lines, ids = origins
    kept_ids = None if ids is None else [t for t, k in zip(ids, keep, strict=True) if k]
    return lines[keep], kept_ids


def combine_origins(files: Sequence[tuple[int, RowOrigins | None]]) -> Origins | None:
    """The files' origins, in order (``files``: each file's respondents and origins)."""
    if not files or any(origins is None for _, origins in files):
        return None
    parts = [origins for _, origins in files if origins is not None]
    index = [np.full(size, i, dtype=np.int32) for i, (size, _) in enumerate(files)]
    ids = None
    if all(texts is not None for _, texts in parts):
        ids = tuple(t for _, texts in parts for t in texts or ())
    return Origins(np.concatenate(index), np.concatenate([lines for lines, _ in parts]), ids)
