"""What a count table must hold before it is folded: the schema's columns, whole
non-negative counts, known questions, positive weight sums; and what a count table
cannot give (an fpc, a filter to apply)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np

from gapscan.count_file import Column, CountFile
from gapscan.errors import GapscanError, ProblemCollector
from gapscan.survey import SIDE_NAMES, Survey, fold

MAX_SHOWN = 5


def design_columns(survey: Survey) -> list[str]:
    """The design's columns a count table carries: ``stratum``, ``cluster``."""
    design = survey.design
    if design is None:
        return []
    return [name for name, c in (("stratum", design.strata), ("cluster", design.cluster)) if c]


def refuse_unsupported(survey: Survey, paired: bool = False) -> None:
    """An fpc, weighting:, a command-line filter and a filtered design need the
    respondents' rows; pairing needs the schema's pair_by (and its per-account table)."""
    out = ProblemCollector()
    schema = str(survey.path)
    if paired and survey.pair_by is None:
        out.add(
            "paired analysis needs 'pair_by' in the schema",
            file=schema,
            hint="add pair_by: ACCOUNT_COLUMN (the column gapscan sql --paired counted by)",
        )
    design = survey.design
    if design is not None and design.fpc is not None:
        out.add(
            "a count table carries no fpc: the design's population sizes (design.fpc) "
            "can be neither checked nor applied",
            file=schema,
            hint="analyse the respondent-level data for a finite-population design, or "
            "drop design.fpc",
            code="counts-unsupported",
        )
    if survey.weighting is not None:
        out.add(
            "weighting: makes a weight for each respondent: a count table holds none to "
            "rake or post-stratify",
            file=schema,
            hint="analyse the respondent-level data, or write the weights with gapscan "
            "weights, add them as a column and make the count table with weight: naming it",
            code="counts-unsupported",
        )
    by_option = [f for f in survey.filters if f.origin != "schema"]
    if by_option:
        out.add(
            "--where/--where-not cannot filter a count table: it holds no rows of respondents",
            file=schema,
            hint="filter when the count table is made (gapscan sql applies the schema's filters:)",
            code="counts-unsupported",
        )
    elif design is not None and survey.filters:
        out.add(
            "a design keeps the rows that filters: leave out (their PSUs and strata); a "
            "count table made with the filters applied has lost them",
            file=schema,
            hint="analyse the respondent-level data, or make the count table without "
            "filters: and analyse it with a schema without them",
            code="counts-unsupported",
        )
    out.raise_if_any()


def check_columns(
    survey: Survey, table: CountFile, chosen: Sequence[str], *, paired: bool = False
) -> None:
    """The table's columns: the fixed ones, the chosen segments, the design's, and
    ``account`` for a paired run; other segments of the schema may be there (they are
    summed over), and ``account`` when the schema has pair_by, nothing else."""
    weighted = survey.design is not None and survey.design.weight is not None
    needed = ["question", "side", *["account"] * paired, *chosen, *design_columns(survey)]
    needed += ["answer", "n", *["sum_w", "sum_w2"] * weighted]
    allowed = set(needed) | set(survey.segments)
    allowed |= {"account"} if survey.pair_by is not None else set()
    allowed |= {"sum_w", "sum_w2"} if survey.design is not None else set()
    missing = [c for c in needed if c not in table.columns]
    repeated = [c for c, k in Counter(table.header).items() if k > 1]
    extra = [c for c in table.columns if c not in allowed]
    out = ProblemCollector()
    if "account" in missing:
        missing.remove("account")
        out.add(
            "a paired run reads a per-account count table: the file has no column 'account'",
            file=table.name,
            line=1,
            hint="make the table with gapscan sql SCHEMA --table NAME --paired, or analyse "
            "this one without --paired (and without the schema's analysis.mode: paired)",
            code="missing-column",
        )
    if missing:
        out.add(
            f"{len(missing)} column(s) the count table needs are not in the file: "
            + ", ".join(f"'{c}'" for c in missing),
            file=table.name,
            line=1,
            hint="a count table has question, side, a column per segment analysed, "
            "stratum/cluster for a design, answer, n, and sum_w, sum_w2 when weighted",
            code="missing-column",
        )
    if extra or repeated:
        what = [f"'{c}'" for c in extra] + [f"'{c}' (more than once)" for c in repeated]
        out.add(
            f"{len(what)} column(s) a count table for this schema does not have: "
            + ", ".join(what),
            file=table.name,
            line=1,
            hint="remove them, or name them in the schema: a segment as in segments:, "
            "stratum and cluster under design:",
            code="unexpected-column",
        )
    out.raise_if_any()


def integers(table: CountFile, column: str, out: ProblemCollector) -> np.ndarray:
    """The ``n`` column: whole numbers of respondents, at least 0 (a number such as
    ``2.0`` is one)."""
    data = table.columns[column]
    numbers = [_number(v) for v in data.values] + [None]
    whole = [x is not None and x >= 0 and x.is_integer() and x <= 2**53 for x in numbers]
    per_value = np.asarray(
        [int(x) if ok and x is not None else 0 for x, ok in zip(numbers, whole, strict=True)]
    )
    _refuse(
        table, data, ~data.table(whole), "is not a whole number of respondents (0 or more)", out
    )
    return np.asarray(per_value[data.indices], dtype=np.int64)


def sums_of_weights(
    survey: Survey, table: CountFile, n: np.ndarray, out: ProblemCollector
) -> tuple[np.ndarray, np.ndarray] | None:
    """``sum_w`` and ``sum_w2`` (Σ w and Σ w² per row): positive where respondents
    answered; without a weight column, each respondent weighs 1."""
    if survey.design is None:
        return None
    if "sum_w" not in table.columns:
        return n.astype(np.float64), n.astype(np.float64)
    answer = table.columns["answer"]
    answered = (answer.indices != answer.null) & (n > 0)
    sums = []
    for column in ("sum_w", "sum_w2"):
        data = table.columns[column]
        numbers = [_number(v) for v in data.values]
        positive = data.table([x is not None and x > 0 for x in numbers] + [False])
        negative = data.table([x is None or x < 0 for x in numbers] + [False])
        blank = data.indices == data.null
        where = "is blank where respondents answered"
        _refuse(table, data, blank & answered, where, out, "missing-weight")
        bad = (~positive & ~blank & answered) | negative
        _refuse(table, data, bad, "is not a positive number", out, "invalid-weight")
        values = np.asarray([x if x is not None and x > 0 else 0.0 for x in numbers] + [0.0])
        sums.append(np.asarray(values[data.indices], dtype=np.float64))
    return sums[0], sums[1]


def question_index(survey: Survey, table: CountFile, out: ProblemCollector) -> np.ndarray:
    """Each row's question (its index in the schema); an unknown id is reported."""
    index = {q.id: i for i, q in enumerate(survey.questions)}
    data = table.columns["question"]
    codes = data.table([index.get(v.strip(), -1) for v in data.values] + [-1]).astype(np.int64)
    known = ", ".join(f"'{q.id}'" for q in survey.questions[:MAX_SHOWN])
    known += ", ..." if len(survey.questions) > MAX_SHOWN else ""
    _refuse(
        table,
        data,
        codes < 0,
        "is not a question id of the schema",
        out,
        "unknown-question",
        f"the schema's questions are {known}",
    )
    return codes


def _number(cell: str | None) -> float | None:
    if cell is None:
        return None
    try:
        number = float(cell.strip())
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _refuse(
    table: CountFile,
    data: Column,
    bad: np.ndarray,
    what: str,
    out: ProblemCollector,
    code: str = "invalid-count",
    hint: str | None = None,
) -> None:
    """One problem naming the bad values of a column with their first lines."""
    if not bad.any():
        return
    rows = np.flatnonzero(bad)
    distinct = list(dict.fromkeys(data.indices[rows].tolist()))
    parts = []
    for index in distinct[:MAX_SHOWN]:
        found = rows[data.indices[rows] == index]
        lines = [table.line(int(r)) for r in found[:MAX_SHOWN]]
        shown = ", ".join(map(str, lines)) + (", ..." if found.size > MAX_SHOWN else "")
        value = data.values[index] if index < data.null else ""
        text = repr(value) if value.strip() else "blank"
        parts.append(f"{text} (line{'s' if found.size > 1 else ''} {shown})")
    if len(distinct) > MAX_SHOWN:
        parts.append(f"and {len(distinct) - MAX_SHOWN} more values")
    name = next(c for c, d in table.columns.items() if d is data)
    out.add(
        f"column '{name}' {what}: " + "; ".join(parts),
        file=table.name,
        line=table.line(int(rows[0])),
        hint=hint or f"write {name} as a number on every row",
        code=code,
    )


def refuse_empty(table: CountFile) -> None:
    if table.rows == 0:
        raise GapscanError.single(
            "the count table has a header and no rows",
            file=table.name,
            line=1,
            hint="write the count table again, with its rows",
            code="empty-file",
        )


def check_respondents(
    survey: Survey,
    table: CountFile,
    coded: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    out: ProblemCollector,
) -> None:
    """Every question counts the same respondents in each side x segments (x design)
    group: its rows, null answers included, hold each respondent once. ``coded``: each
    row's question index, side, n, and whether it is analysed."""
    question, side, n, keep = coded
    absent = [q for i, q in enumerate(survey.questions) if not (keep & (question == i)).any()]
    if absent:
        out.add(
            "question(s) without rows in the count table: "
            + ", ".join(f"'{q.id}'" for q in absent),
            file=table.name,
            hint="write every question's rows, null answers included",
            code="inconsistent-counts",
        )
        return
    group_columns = ["account"] if "account" in table.columns else []
    group_columns += [c for c in survey.segments if c in table.columns]
    group_columns += design_columns(survey)
    group = side.astype(np.int64)
    for column in group_columns:
        keys, codes = folded(table.columns[column])
        group = group * (len(keys) + 1) + codes
    rows = np.flatnonzero(keep)
    groups, inverse = np.unique(group[rows], return_inverse=True)
    q_count = len(survey.questions)
    totals = np.bincount(
        inverse * q_count + question[rows], weights=n[rows], minlength=groups.size * q_count
    ).reshape(groups.size, q_count)
    bad = np.flatnonzero(totals.min(axis=1) != totals.max(axis=1))
    if bad.size:
        coded_rows = (rows, inverse, np.stack([question, side]))
        _different(survey, table, group_columns, coded_rows, totals, bad, out)


def folded(data: Column) -> tuple[list[str], np.ndarray]:
    """A column grouped by trimmed, case-folded value: the distinct keys (sorted; a
    null is ""), and each row's key index."""
    keys_of = [fold(v) for v in data.values] + [""]
    keys = sorted(set(keys_of))
    position = {k: i for i, k in enumerate(keys)}
    return keys, np.asarray([position[k] for k in keys_of], dtype=np.int64)[data.indices]


def _different(
    survey: Survey,
    table: CountFile,
    group_columns: list[str],
    coded: tuple[np.ndarray, np.ndarray, np.ndarray],
    totals: np.ndarray,
    bad: np.ndarray,
    out: ProblemCollector,
) -> None:
    """The first group whose questions count different respondents, at the first row
    of a question that differs from the most common count. ``coded``: the analysed
    rows, each one's group, and each row's question and side."""
    rows, inverse, (question, side) = coded[0], coded[1], coded[2]
    counts = [int(c) for c in totals[bad[0]]]
    usual = Counter(counts).most_common(1)[0][0]
    odd = next(i for i, c in enumerate(counts) if c != usual)
    members = rows[inverse == bad[0]]
    at = members[question[members] == odd]
    first = int(members[0])
    where = ", ".join(f"{c} = '{table.columns[c].text(first) or ''}'" for c in group_columns)
    shown = ", ".join(f"'{q.id}' {c:,}" for q, c in zip(survey.questions, counts, strict=True))
    more = f" (and {bad.size - 1:,} more groups)" if bad.size > 1 else ""
    out.add(
        f"the questions count different respondents on the "
        f"{SIDE_NAMES[int(side[first])]} side"
        + (f" where {where}" if where else "")
        + f": respondents per question {shown}{more}",
        file=table.name,
        line=table.line(int(at[0])) if at.size else None,
        hint="each question's rows, null answers included, must count every respondent "
        "once: keep the rows of respondents who left a question blank",
        code="inconsistent-counts",
    )
