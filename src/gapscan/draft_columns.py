"""An export's columns as ``gapscan init`` and ``gapscan columns`` see them: the name a
schema uses for each (:func:`reference`), its question text and ImportId, and its
answers with their counts."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from gapscan.errors import GapscanError
from gapscan.inputs.qualtrics import excluded_rows
from gapscan.inputs.source import Source, missing_column_message, open_source
from gapscan.inputs.spss import Variable

if TYPE_CHECKING:
    import pyarrow as pa

MAX_EXAMPLES = 3


@dataclass
class DraftColumn:
    """One column: the name a schema gives it, and its answers over every file read."""

    name: str
    text: str
    values: Counter[str] = field(default_factory=Counter)
    blank: int = 0  # cells left blank
    index: int = 0  # 1-based, in the first file holding it
    import_id: str | None = None
    metadata: bool = False  # the survey tool's own column (dates, ids, status)
    variable: Variable | None = None  # an SPSS or Stata file's metadata for the column

    @property
    def examples(self) -> list[str]:
        """The most common answers, most common first."""
        return [value for value, _ in self.values.most_common(MAX_EXAMPLES)]


def reference(source: Source, column: str) -> str:
    """How the schema names a column: by its name, or, when the header repeats the
    name, by its ImportId (when that is unique) or as 'name (1)', 'name (2)'..."""
    copy = re.fullmatch(r"(.*) \((\d+)\)", column)
    is_copy = copy is not None and source.repeats(copy.group(1)) >= int(copy.group(2))
    if not is_copy and source.repeats(column) <= 1:
        return column
    layout = source.layout
    import_id = layout.import_ids[layout.columns.index(column)]
    if import_id and layout.import_ids.count(import_id) == 1 and import_id not in layout.columns:
        return import_id
    return column if is_copy else f"{column} (1)"


def resolve(source: Source, name: str) -> str:
    """The schema's name for the column a user named (by its name, a copy's 'name (1)',
    its ImportId or its question text); an error naming the choices if there is none."""
    position = source.find(name)
    if position is None:
        raise GapscanError.single(
            missing_column_message(source, name),
            file=source.name,
            hint=f"gapscan columns {source.name} lists the columns and their names",
        )
    return reference(source, source.columns[position])


def read_columns(
    files: Sequence[Path],
    export_format: str | None = None,
    sheet: str | None = None,
    *,
    responses_only: bool = True,
) -> dict[str, DraftColumn]:
    """Every named column of the files, by the schema's name for it, in file order;
    with ``responses_only``, the answers of survey previews and tests are left out."""
    columns: dict[str, DraftColumn] = {}
    for path in files:
        source = open_source(path, export_format=export_format, sheet=sheet)
        layout = source.layout
        refs = {reference(source, c): (i, c) for i, c in enumerate(source.columns) if c.strip()}
        for name, (index, header) in refs.items():
            text = layout.texts[index] if layout.texts[index] != header else ""
            column = columns.setdefault(name, DraftColumn(name, text, index=index + 1))
            column.import_id = column.import_id or layout.import_ids[index]
            column.metadata = header in layout.metadata
            column.variable = column.variable or source.variables.get(header)
        rows, left_out = 0, Counter[str]()
        for batch in source.batches(list(refs)):  # bounded memory: counted batch by batch
            drop = _not_responses(source, batch, refs, left_out) if responses_only else set()
            rows += batch.num_rows
            for name in refs:
                _count(columns[name], batch.column(name).to_pylist(), drop)
        if rows and sum(left_out.values()) == rows:
            _nothing_to_draft(source, left_out)
    return columns


def _count(column: DraftColumn, values: list[str | None], drop: set[int]) -> None:
    for row, value in enumerate(values):
        if row in drop:
            continue
        if value is None or not value.strip():
            column.blank += 1
        else:
            column.values[value.strip()] += 1


def _not_responses(
    source: Source, batch: pa.RecordBatch, refs: dict[str, tuple[int, str]], left_out: Counter[str]
) -> set[int]:
    """The rows of a batch a survey tool marks as previews, tests or spam (not answers
    to draft from), counted by reason into ``left_out``."""
    status = next((r for r, (_, h) in refs.items() if h == source.layout.status_column), None)
    if status is None:
        return set()
    values = [v or "" for v in batch.column(status).to_pylist()]
    reasons = excluded_rows(source.layout, values, None)
    drop: set[int] = set()
    for why in ("preview", "test", "spam"):
        left_out[why] += len(reasons[why])
        drop.update(reasons[why])
    return drop


def _nothing_to_draft(source: Source, left_out: Counter[str]) -> None:
    """Every row was a preview, test or spam: an error naming how many of each."""
    counts = ", ".join(f"{n} {why}" for why, n in left_out.items() if n)
    raise GapscanError.single(
        f"every response is a survey preview, test or spam ({counts}), which gapscan "
        "leaves out: nothing to draft from",
        file=source.name,
        hint="export the survey's real responses",
    )


def column_records(columns: dict[str, DraftColumn]) -> list[dict[str, object]]:
    """What ``gapscan columns --format json`` prints: a record per column."""
    return [
        {
            "index": c.index,
            "name": c.name,
            "text": c.text,
            "import_id": c.import_id,
            "distinct": len(c.values),
            "blank": c.blank,
            "examples": c.examples,
        }
        for c in columns.values()
    ]


def column_lines(columns: dict[str, DraftColumn]) -> list[str]:
    """The columns as ``csvcut -n`` lists them, each with its counts and examples, and
    its question text and ImportId (when the export has them) on a second line."""
    width = len(str(max((c.index for c in columns.values()), default=1)))
    lines = []
    for c in columns.values():
        examples = ", ".join(_short(e) for e in c.examples)
        counts = f"{len(c.values)} distinct, {c.blank} blank"
        counts += f": {examples}" if examples else ""
        lines.append(f"{c.index:>{width + 2}}: {c.name}  ({counts})")
        extra = [f"text: {_short(c.text, 90)}"] if c.text else []
        extra += [f"import id: {c.import_id}"] if c.import_id else []
        if extra:
            lines.append(" " * (width + 4) + "  ".join(extra))
    return lines


def _short(text: str, limit: int = 30) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
