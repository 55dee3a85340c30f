"""What a count table must hold before it is folded: the schema's columns, whole
non-negative counts, known questions, positive weight sums; and what a count table
cannot give (an fpc, a filter to apply, pairing)."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence

import numpy as np

from gapscan.count_file import Cell, CountFile
from gapscan.errors import GapscanError, ProblemCollector
from gapscan.survey import CUSTOMER, VENDOR, Survey, fold

MAX_SHOWN = 5


def design_columns(survey: Survey) -> list[str]:
    """The design's columns a count table carries: ``stratum``, ``cluster``."""
    design = survey.design
    if design is None:
        return []
    return [name for name, c in (("stratum", design.strata), ("cluster", design.cluster)) if c]


def refuse_unsupported(survey: Survey, paired: bool = False) -> None:
    """Pairing, an fpc, a command-line filter and a filtered design need the
    respondents' rows."""
    out = ProblemCollector()
    schema = str(survey.path)
    if paired:
        out.add(
            "paired analysis needs each respondent's account: a count table has none",
            file=schema,
            hint="analyse the respondent-level data for a paired report; for the count "
            "table, drop --paired and the schema's analysis.mode: paired",
            code="counts-unsupported",
        )
    design = survey.design
    if design is not None and design.fpc is not None:
        out.add(
            "an fpc cannot come from a count table: it is checked and applied per PSU of "
            "each respondent row",
            file=schema,
            hint="analyse the respondent-level data for a finite-population design, or "
            "drop design.fpc",
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


def check_columns(survey: Survey, table: CountFile, chosen: Sequence[str]) -> None:
    """The table's columns: the fixed ones, the chosen segments, the design's; other
    segments of the schema may be there (they are summed over), nothing else."""
    weighted = survey.design is not None and survey.design.weight is not None
    needed = ["question", "side", *chosen, *design_columns(survey), "answer", "n"]
    needed += ["sum_w", "sum_w2"] if weighted else []
    allowed = set(needed) | set(survey.segments)
    allowed |= {"sum_w", "sum_w2"} if survey.design is not None else set()
    missing = [c for c in needed if c not in table.columns]
    repeated = [c for c, k in Counter(table.header).items() if k > 1]
    extra = [c for c in table.columns if c not in allowed]
    out = ProblemCollector()
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
    """The ``n`` column: whole numbers of respondents, at least 0."""
    values = np.zeros(table.rows, dtype=np.int64)
    bad: dict[str, list[int]] = defaultdict(list)
    for i, cell in enumerate(table.columns[column]):
        number = _number(cell)
        if number is None or number < 0 or not number.is_integer() or number > 2**53:
            bad[cell or ""].append(table.lines[i])
        else:
            values[i] = int(number)
    _refuse(table, column, bad, "is not a whole number of respondents (0 or more)", out)
    return values


def sums_of_weights(
    survey: Survey, table: CountFile, n: np.ndarray, out: ProblemCollector
) -> tuple[np.ndarray, np.ndarray] | None:
    """``sum_w`` and ``sum_w2`` (Σ w and Σ w² per row): positive where respondents
    answered; without a weight column, each respondent weighs 1."""
    if survey.design is None:
        return None
    if "sum_w" not in table.columns:
        return n.astype(np.float64), n.astype(np.float64)
    answered = np.asarray([a is not None for a in table.columns["answer"]]) & (n > 0)
    sums = []
    for column in ("sum_w", "sum_w2"):
        values = np.zeros(table.rows)
        missing: dict[str, list[int]] = defaultdict(list)
        bad: dict[str, list[int]] = defaultdict(list)
        for i, cell in enumerate(table.columns[column]):
            number = _number(cell)
            if number is not None and number > 0:
                values[i] = number
            elif cell is None and answered[i]:
                missing[""].append(table.lines[i])
            elif answered[i] or (cell is not None and (number is None or number < 0)):
                bad[cell or ""].append(table.lines[i])
        _refuse(
            table, column, missing, "is blank where respondents answered", out, "missing-weight"
        )
        _refuse(table, column, bad, "is not a positive number", out, "invalid-weight")
        sums.append(values)
    return sums[0], sums[1]


def question_index(survey: Survey, table: CountFile, out: ProblemCollector) -> np.ndarray:
    """Each row's question (its index in the schema); an unknown id is reported."""
    index = {q.id: i for i, q in enumerate(survey.questions)}
    codes = np.full(table.rows, -1, dtype=np.int64)
    bad: dict[str, list[int]] = defaultdict(list)
    for i, cell in enumerate(table.columns["question"]):
        key = (cell or "").strip()
        if key in index:
            codes[i] = index[key]
        else:
            bad[cell or ""].append(table.lines[i])
    if bad:
        known = ", ".join(f"'{q.id}'" for q in survey.questions[:MAX_SHOWN])
        known += ", ..." if len(survey.questions) > MAX_SHOWN else ""
        _refuse(
            table,
            "question",
            bad,
            "is not a question id of the schema",
            out,
            "unknown-question",
            f"the schema's questions are {known}",
        )
    return codes


def _number(cell: Cell) -> float | None:
    if cell is None:
        return None
    try:
        number = float(cell.strip())
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _refuse(
    table: CountFile,
    column: str,
    bad: dict[str, list[int]],
    what: str,
    out: ProblemCollector,
    code: str = "invalid-count",
    hint: str | None = None,
) -> None:
    if not bad:
        return
    parts = []
    for value, lines in list(bad.items())[:MAX_SHOWN]:
        shown = ", ".join(map(str, lines[:MAX_SHOWN])) + (", ..." if len(lines) > MAX_SHOWN else "")
        text = repr(value) if value.strip() else "blank"
        parts.append(f"{text} (line{'s' if len(lines) > 1 else ''} {shown})")
    if len(bad) > MAX_SHOWN:
        parts.append(f"and {len(bad) - MAX_SHOWN} more values")
    out.add(
        f"column '{column}' {what}: " + "; ".join(parts),
        file=table.name,
        line=min(min(lines) for lines in bad.values()),
        hint=hint or f"write {column} as a number on every row",
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
    group_columns = [c for c in survey.segments if c in table.columns]
    group_columns += design_columns(survey)
    totals: dict[tuple[str, ...], Counter[int]] = defaultdict(Counter)
    first_line: dict[tuple[tuple[str, ...], int], int] = {}
    for r in np.flatnonzero(keep):
        key = (str(side[r]), *(fold(table.columns[c][r] or "") for c in group_columns))
        q = int(question[r])
        totals[key][q] += int(n[r])
        first_line.setdefault((key, q), table.lines[r])
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
    bad = []
    for key, per_question in totals.items():
        counts = [per_question[i] for i in range(len(survey.questions))]
        if len(set(counts)) > 1:
            bad.append((key, counts))
    if not bad:
        return
    _different(survey, table, group_columns, bad, first_line, out)


def _different(
    survey: Survey,
    table: CountFile,
    group_columns: list[str],
    bad: list[tuple[tuple[str, ...], list[int]]],
    first_line: dict[tuple[tuple[str, ...], int], int],
    out: ProblemCollector,
) -> None:
    """The first group whose questions count different respondents, at the first row
    of a question that differs from the most common count."""
    key, counts = bad[0]
    usual = Counter(counts).most_common(1)[0][0]
    odd = next(i for i, c in enumerate(counts) if c != usual)
    side = {VENDOR: "vendor", CUSTOMER: "customer"}[int(key[0])]
    where = ", ".join(f"{c} = '{v}'" for c, v in zip(group_columns, key[1:], strict=True))
    shown = ", ".join(f"'{q.id}' {c:,}" for q, c in zip(survey.questions, counts, strict=True))
    shown = f"respondents per question {shown}"
    more = f" (and {len(bad) - 1:,} more groups)" if len(bad) > 1 else ""
    out.add(
        f"the questions count different respondents on the {side} side"
        + (f" where {where}" if where else "")
        + f": {shown}{more}",
        file=table.name,
        line=first_line.get((key, odd)),
        hint="each question's rows, null answers included, must count every respondent "
        "once: keep the rows of respondents who left a question blank",
        code="inconsistent-counts",
    )
