"""The query that builds the count table inside a SQL engine (``gapscan sql``).

The count table is the seam between reading and statistics (``gapscan.counts``): one
row per question x side x segment values (x cluster x stratum) x answer, with ``n`` and,
when weighted, ``sum_w`` and ``sum_w2``. A warehouse or Spark job that runs this query
does the pass over the respondents; ``gapscan analyze --counts`` reads its result.

The query is one sqlglot expression tree, written once and transpiled to each engine's
dialect; identifiers and literals are quoted by sqlglot. Its shape::

    WITH gapscan_rows AS (          -- one scan: each needed cell trimmed and lower-cased,
      SELECT ... FROM table         -- blank cells as NULL; filters:, sides.ignore and
      WHERE ...                     -- rows blank in every needed cell left out
    ), gapscan_answers AS (         -- each row once per question (a small CROSS JOIN)
      SELECT ..., CASE question WHEN ... END AS gapscan_answer FROM gapscan_rows
      CROSS JOIN (VALUES ('q1'), ...) AS gapscan_questions(...)
    )
    SELECT question, side, <segments>, [cluster, stratum,] answer, n[, sum_w, sum_w2]
    FROM gapscan_answers GROUP BY ... ORDER BY ...

One scan with a cross join, rather than a UNION ALL of one SELECT per question, because
engines scan the table once per branch of a UNION ALL (40 questions: 40 scans of the
export in DuckDB and Spark), while the cross join multiplies rows only inside the
aggregation's pipeline.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gapscan.errors import GapscanError, ProblemCollector
from gapscan.survey import CUSTOMER, VENDOR, Filter, Survey, fold

if TYPE_CHECKING:
    from sqlglot import exp

DIALECTS = ("duckdb", "spark", "bigquery", "snowflake", "postgres", "trino")
# What TRIM removes: the spaces, tabs and no-break spaces a spreadsheet or survey tool
# leaves around a cell (Python's str.strip, applied again on reading, removes more; line
# breaks are left to it so that the printed query keeps its lines).
WHITESPACE = " \t\xa0"
ROWS, ANSWERS, QUESTIONS = "gapscan_rows", "gapscan_answers", "gapscan_questions"
QUESTION, SIDE = "gapscan_question", "gapscan_side"
ANSWER, WEIGHT = "gapscan_answer", "gapscan_weight"
CLUSTER, STRATUM = "gapscan_cluster", "gapscan_stratum"
FIXED_COLUMNS = ("question", "side", "cluster", "stratum", "answer", "n", "sum_w", "sum_w2")


@dataclass(frozen=True)
class CountTableColumns:
    """The columns the query produces, in order, and what each holds."""

    segments: tuple[str, ...]
    cluster: bool
    stratum: bool
    weighted: bool

    @property
    def names(self) -> tuple[str, ...]:
        design = ("cluster",) * self.cluster + ("stratum",) * self.stratum
        weights = ("sum_w", "sum_w2") if self.weighted else ()
        return ("question", "side", *self.segments, *design, "answer", "n", *weights)


def count_table_columns(survey: Survey, segments: Sequence[str] | None = None) -> CountTableColumns:
    """The count table's columns for ``survey`` broken down by ``segments`` (default:
    the schema's); raises ``GapscanError`` when the survey cannot be counted in SQL."""
    chosen = tuple(dict.fromkeys(survey.segments if segments is None else segments))
    out = ProblemCollector()
    where = str(survey.path)
    if survey.sides.column is None:
        out.add(
            "gapscan sql needs 'sides.column': the query reads one table holding both sides",
            file=where,
            hint="add sides: {column: ..., vendor: [...], customer: [...]} to the schema, "
            "or put both sides in one table with a column naming each row's side",
        )
    for name in chosen:
        if name in FIXED_COLUMNS or name.startswith("gapscan_"):
            out.add(
                f"segment '{name}' has the name of a column of the count table",
                file=where,
                hint="rename the column in the table (or a view over it) and in the schema",
                code="duplicate-segment",
            )
        elif name == survey.sides.column:
            out.add(
                f"segment '{name}' is the sides column",
                file=where,
                hint="the side is a column of the count table already: break down by another",
                code="duplicate-segment",
            )
    out.raise_if_any()
    design = survey.design
    return CountTableColumns(
        segments=chosen,
        cluster=design is not None and design.cluster is not None,
        stratum=design is not None and design.strata is not None,
        weighted=design is not None and design.weight is not None,
    )


def count_query(
    survey: Survey, table: str, dialect: str, *, segments: Sequence[str] | None = None
) -> str:
    """The one statement that produces the count table of ``survey`` from ``table`` (a
    name, qualified or not: ``proj.dataset.responses``) in ``dialect``."""
    if dialect not in DIALECTS:
        raise GapscanError.single(
            f"unknown SQL dialect '{dialect}'", hint="use one of " + ", ".join(DIALECTS)
        )
    tree = count_tree(survey, _table(table, dialect), segments)
    # no terminating semicolon: spark.sql() and DB-API cursors refuse one, shells need none
    return tree.sql(dialect=dialect, pretty=True)


def _table(name: str, dialect: str) -> exp.Table:
    from sqlglot import exp
    from sqlglot.errors import SqlglotError

    if not name.strip():
        raise GapscanError.single("--table is empty", hint="name the table: --table proj.ds.t")
    try:
        return exp.to_table(name.strip(), dialect=dialect)
    except SqlglotError as exc:
        raise GapscanError.single(
            f"table name {name!r} cannot be read as a {dialect} table name ({exc})",
            hint="quote the parts of the name as the engine does, e.g. `my-project`.ds.t",
        ) from None


def count_tree(
    survey: Survey, table: exp.Table, segments: Sequence[str] | None = None
) -> exp.Select:
    """The count query as one sqlglot expression, before it is written in a dialect."""
    from sqlglot import exp

    columns = count_table_columns(survey, segments)
    rows = _rows(survey, table, columns)
    answers = _answers(survey, columns)
    out: list[exp.Expr] = [
        _ref(QUESTION).as_("question", quoted=True),
        _ref(SIDE).as_("side", quoted=True),
        *(_ref(_segment(i)).as_(name, quoted=True) for i, name in enumerate(columns.segments)),
    ]
    keys = [QUESTION, SIDE, *(_segment(i) for i in range(len(columns.segments)))]
    if columns.cluster:
        out.append(_ref(CLUSTER).as_("cluster", quoted=True))
        keys.append(CLUSTER)
    if columns.stratum:
        out.append(_ref(STRATUM).as_("stratum", quoted=True))
        keys.append(STRATUM)
    out.append(_ref(ANSWER).as_("answer", quoted=True))
    keys.append(ANSWER)
    out.append(exp.Count(this=exp.Star()).as_("n", quoted=True))
    if columns.weighted:
        out += _weight_sums()
    query = exp.select(*out).from_(exp.to_table(ANSWERS)).group_by(*(_ref(k) for k in keys))
    names = columns.names[: len(keys)]  # the output's key columns, by their names
    query = query.order_by(*(exp.Ordered(this=_ref(k), nulls_first=False) for k in names))
    return query.with_(ROWS, as_=rows).with_(ANSWERS, as_=answers)


def _weight_sums() -> list[exp.Expr]:
    """Σw and Σw² over a cell, NULL when a weight in it is blank (so that the reader
    reports it rather than adding the cell up without those respondents)."""
    from sqlglot import exp

    def complete(total: exp.Expr) -> exp.Expr:
        every = exp.EQ(this=exp.Count(this=_ref(WEIGHT)), expression=exp.Count(this=exp.Star()))
        return exp.Case().when(every, total)

    w = _ref(WEIGHT)
    return [
        complete(exp.Sum(this=w)).as_("sum_w", quoted=True),
        complete(exp.Sum(this=exp.Mul(this=w, expression=_ref(WEIGHT)))).as_("sum_w2", quoted=True),
    ]


def _segment(i: int) -> str:
    return f"gapscan_segment_{i}"


def _answer_column(j: int) -> str:
    return f"gapscan_column_{j}"


def _ref(name: str) -> exp.Column:
    from sqlglot import exp

    return exp.column(name, quoted=True)


def _source(name: str) -> exp.Column:
    """A column of the user's table, by its exact name."""
    from sqlglot import exp

    return exp.column(name, quoted=True)


def _folded(name: str) -> exp.Expr:
    """A cell as text, trimmed and lower-cased; NULL when blank."""
    from sqlglot import exp

    text = exp.cast(_source(name), exp.DataType.build("text"))
    trimmed = exp.Trim(this=text, expression=exp.Literal.string(WHITESPACE))
    return exp.Nullif(this=exp.Lower(this=trimmed), expression=exp.Literal.string(""))


def _answer_columns(survey: Survey) -> list[str]:
    """Every column holding answers, each once, in the schema's order."""
    named = [q.column(s) for q in survey.questions for s in (VENDOR, CUSTOMER)]
    return list(dict.fromkeys(named))


def _rows(survey: Survey, table: exp.Table, columns: CountTableColumns) -> exp.Select:
    """One row per response row kept: the cells the count needs, folded."""
    from sqlglot import exp

    assert survey.sides.column is not None
    picked: list[exp.Expr] = [_folded(survey.sides.column).as_(SIDE, quoted=True)]
    picked += [_folded(c).as_(_segment(i), quoted=True) for i, c in enumerate(columns.segments)]
    design = survey.design
    if design is not None and design.cluster is not None:
        picked.append(_folded(design.cluster).as_(CLUSTER, quoted=True))
    if design is not None and design.strata is not None:
        picked.append(_folded(design.strata).as_(STRATUM, quoted=True))
    if design is not None and design.weight is not None:
        text = exp.Trim(
            this=exp.cast(_source(design.weight), exp.DataType.build("text")),
            expression=exp.Literal.string(WHITESPACE),
        )
        number = exp.Nullif(this=text, expression=exp.Literal.string(""))
        picked.append(exp.cast(number, exp.DataType.build("double")).as_(WEIGHT, quoted=True))
    picked += [
        _folded(c).as_(_answer_column(j), quoted=True)
        for j, c in enumerate(_answer_columns(survey))
    ]
    query = exp.select(*picked).from_(table)
    for condition in _conditions(survey, columns.segments):
        query = query.where(condition, append=True)
    return query


def _literal_values(values: Sequence[str]) -> list[exp.Expr]:
    """Values as the SQL folds them (LOWER), with Python's case-folding beside when it
    differs (``Straße``: ``straße`` and ``strasse``)."""
    from sqlglot import exp

    folded = dict.fromkeys(v for value in values for v in (value.strip().lower(), fold(value)))
    return [exp.Literal.string(v) for v in folded]


def _matches(column: str, values: Sequence[str]) -> exp.Expr:
    """The cell (a blank one reads as '') is one of ``values``."""
    from sqlglot import exp

    cell = exp.Coalesce(this=_folded(column), expressions=[exp.Literal.string("")])
    return exp.In(this=cell, expressions=_literal_values(values))


def _filter(f: Filter) -> exp.Expr:
    from sqlglot import exp

    hit = _matches(f.column, f.values)
    return hit if f.keep else exp.Not(this=exp.Paren(this=hit))


def _conditions(survey: Survey, segments: Sequence[str]) -> list[exp.Expr]:
    """What the direct path leaves out, in its order: rows the filters remove, rows
    whose side is listed under ``sides.ignore``, rows blank in every needed cell."""
    from sqlglot import exp

    assert survey.sides.column is not None
    conditions = [_filter(f) for f in survey.filters]
    if survey.sides.ignore:
        ignored = _matches(survey.sides.column, survey.sides.ignore)
        conditions.append(exp.Not(this=exp.Paren(this=ignored)))
    design = set(survey.design.columns()) if survey.design is not None else set()
    needed = [survey.sides.column]
    needed += [survey.respondent_id] if survey.respondent_id else []
    needed += [*segments, *(f.column for f in survey.filters), *_answer_columns(survey)]
    present = [
        exp.Not(this=exp.Is(this=_folded(c), expression=exp.Null()))
        for c in dict.fromkeys(needed)
        if c not in design
    ]
    if present:
        conditions.append(exp.Paren(this=exp.or_(*present)))
    return conditions


def _answers(survey: Survey, columns: CountTableColumns) -> exp.Select:
    """Each kept row once per question, with that question's answer."""
    from sqlglot import exp

    position = {c: j for j, c in enumerate(_answer_columns(survey))}
    vendor = _literal_values(survey.sides.vendor)
    customer = _literal_values(survey.sides.customer)
    choice = exp.Case(this=_ref(QUESTION))
    for q in survey.questions:
        v, c = position[q.vendor_column], position[q.customer_column]
        if v == c:
            answer: exp.Expr = _ref(_answer_column(v))
        else:  # a column per side: the row's side says which one holds its answer
            answer = (
                exp.Case()
                .when(exp.In(this=_ref(SIDE), expressions=vendor), _ref(_answer_column(v)))
                .when(exp.In(this=_ref(SIDE), expressions=customer), _ref(_answer_column(c)))
            )
        choice = choice.when(exp.Literal.string(q.id), answer)
    kept = [SIDE, *(_segment(i) for i in range(len(columns.segments)))]
    kept += [CLUSTER] * columns.cluster + [STRATUM] * columns.stratum
    kept += [WEIGHT] * columns.weighted
    questions = exp.Values(
        expressions=[exp.tuple_(exp.Literal.string(q.id)) for q in survey.questions],
        alias=exp.TableAlias(
            this=exp.to_identifier(QUESTIONS), columns=[exp.to_identifier(QUESTION, quoted=True)]
        ),
    )
    picked = [_ref(QUESTION), *(_ref(k) for k in kept)]
    return (
        exp.select(*picked, choice.as_(ANSWER, quoted=True))
        .from_(exp.to_table(ROWS))
        .join(questions, join_type="cross")
    )
