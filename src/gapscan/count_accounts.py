"""``gapscan analyze --counts FILE --paired``: a per-account count table (``gapscan sql
--paired``) read into the ``Responses`` paired analysis works from.

The table is the count table with one column more, ``account``: the account key (the
schema's ``pair_by``) as written, trimmed; null for a respondent without one. One row
per question x side x account x segment values x raw answer, with ``n``. That is
exactly what pairing needs, and no less: per account, side and question the answers
themselves (a median of several contacts, the levels of a one-to-one pair for kappa,
the distribution of the paired accounts' answers), not only a count and a score sum.

Paired analysis reads no respondent across questions (each question pairs its own
answers; accounts and their segments are counted over the respondents of any one
question), so the table's rows are laid out as respondents: each group of one side,
account and segment values holds the respondents its first question counts, and each
question's answers are given to them in level order. Keys are grouped and shown by the
direct path's rule (``gapscan.labels.account_keys``), so the accounts, their order and
the report are the direct path's.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from gapscan.answer_coding import code_dtype
from gapscan.count_table import CountRows, read_count_rows
from gapscan.labels import account_keys
from gapscan.responses import Responses, Segment
from gapscan.survey import CUSTOMER, VENDOR, Survey, fold
from gapscan.tally import Tally


def read_paired_counts(
    survey: Survey, path: str | Path, segments: Sequence[str] | None = None
) -> tuple[Tally, Responses]:
    """The per-account count table in ``path``: its ``Tally`` (the accounts summed
    over) and the ``Responses`` its rows stand for; every problem raised at once."""
    counted = read_count_rows(survey, path, segments, paired=True)
    return counted.tally, _responses(survey, counted)


def _responses(survey: Survey, counted: CountRows) -> Responses:
    rows = counted.rows
    kept = np.flatnonzero(rows.keep)
    labels, account = _accounts(counted, kept)
    columns = [rows.side[kept], account[kept] + 1]
    columns += [codes[kept] for _, codes in counted.segment_codes.values()]
    groups, group = np.unique(np.stack(columns, axis=1), axis=0, return_inverse=True)
    group = group.reshape(-1)
    first = rows.question[kept] == 0
    size = np.bincount(group[first], weights=rows.n[kept][first], minlength=len(groups))
    size = size.astype(np.int64)
    people = np.repeat(groups, size, axis=0)  # one row per respondent
    answers = {}
    for i, q in enumerate(survey.with_numbers(counted.tally.numbers).questions):
        of_question = rows.question[kept] == i
        at = kept[of_question]
        order = np.lexsort((rows.level[at], group[of_question]))
        level = np.repeat(rows.level[at][order], rows.n[at][order])
        answers[q.id] = level.astype(code_dtype(q.scale.k))
    segment_list = tuple(
        Segment(column, shown, people[:, 2 + j].astype(np.int32))
        for j, (column, (shown, _)) in enumerate(counted.segment_codes.items())
    )
    tally = counted.tally
    return Responses(
        inputs=tally.inputs,
        side=people[:, 0].astype(np.int8),
        answers=answers,
        segments=segment_list,
        pair_keys=(people[:, 1] - 1).astype(np.int32),
        pair_labels=labels,
        numbers=tally.numbers,
    )


def _accounts(counted: CountRows, kept: np.ndarray) -> tuple[tuple[str, ...], np.ndarray]:
    """The accounts (their labels, in order) and each row's account (-1: no key),
    from the spellings' respondents on each side (counted on the first question)."""
    rows = counted.rows
    data = rows.table.columns["account"]
    first = kept[rows.question[kept] == 0]
    per_side = [
        np.bincount(
            data.indices[first[rows.side[first] == s]],
            weights=rows.n[first[rows.side[first] == s]],
            minlength=data.null + 1,
        ).astype(np.int64)
        for s in (VENDOR, CUSTOMER)
    ]
    spelled = [value.strip() for value in data.values]
    named = [j for j, value in enumerate(spelled) if fold(value)]
    used = [j for j in named if per_side[VENDOR][j] + per_side[CUSTOMER][j] > 0]
    labels, index = account_keys(
        [spelled[j] for j in used],
        [int(per_side[VENDOR][j]) for j in used],
        [int(per_side[CUSTOMER][j]) for j in used],
    )
    lookup = np.full(data.null + 1, -1, dtype=np.int64)
    lookup[used] = index
    return labels, lookup[data.indices]
