"""Columns of many distinct values (account keys, comments) are read with their
batches' dictionaries encoded once at the end, and account keys are trimmed, folded
and sorted over Arrow arrays: the same values, codes, keys and accounts as reading
them one by one."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gapscan import columns, folding, labels
from gapscan.columns import Column, ColumnBuilder
from gapscan.survey import CUSTOMER, VENDOR, fold

# Text as a file may hold it: any character but a lone surrogate (no UTF-8 has one),
# look-alikes, white space of every kind and ASCII control characters likely.
TEXT = st.text(
    alphabet=st.one_of(
        st.characters(blacklist_categories=("Cs",)),
        st.sampled_from(" \t\n\x0b\x0c\r\x1c\x1f\x85\xa0\u2003\u200b\u2019`aAbB"),
    ),
    max_size=8,
)
BATCHES = st.lists(st.lists(st.one_of(st.none(), TEXT), max_size=30), max_size=6)


def _built(batches: list[list[str | None]], keylike: int, typed: bool = False) -> Column:
    builder = ColumnBuilder()
    original = columns.KEYLIKE
    columns.KEYLIKE = keylike
    try:
        for batch in batches:
            array = pa.array(batch, type=pa.string()).dictionary_encode()
            if typed:  # a dictionary of another type (a Parquet integer column)
                array = pa.array([None if v is None else len(v) for v in batch]).dictionary_encode()
            builder.add(array)
        return builder.finish()
    finally:
        columns.KEYLIKE = original


@settings(max_examples=200, deadline=None)
@given(BATCHES, st.booleans())
def test_a_deferred_column_is_the_column_read_value_by_value(
    batches: list[list[str | None]], typed: bool
) -> None:
    one_by_one = _built(batches, keylike=sys.maxsize, typed=typed)
    deferred = _built(batches, keylike=0, typed=typed)
    assert deferred[0] == one_by_one[0]
    assert deferred[1].dtype == one_by_one[1].dtype
    assert deferred[1].tolist() == one_by_one[1].tolist()


def test_a_column_is_deferred_once_a_batch_holds_many_distinct_values() -> None:
    """The first batches' few values go one by one; a batch of many distinct values
    turns the column to deferred, and what came before is kept (a null included)."""
    builder = ColumnBuilder()
    rows: list[str | None] = ["a", None, "b", "a"]
    builder.add(pa.array(rows).dictionary_encode())
    assert builder.pending is None
    many = [f"k{i}" for i in range(columns.KEYLIKE + 1)] + ["a"]
    builder.add(pa.array(many).dictionary_encode())
    assert builder.pending is not None
    rows += many
    values, indices = builder.finish()
    assert values == ["a", "b", *many[:-1]]
    assert [None if i == len(values) else values[i] for i in indices.tolist()] == rows


@settings(max_examples=100, deadline=None)
@given(st.lists(BATCHES, min_size=1, max_size=3), st.integers(0, 3))
def test_parts_joined_are_the_column_read_in_order(
    parts: list[list[list[str | None]]], keylike: int
) -> None:
    """:func:`columns.read_parts`: parts read apart and joined, some of them deferred,
    are the whole file read in order."""
    tagged = [
        (part, pa.record_batch({"c": pa.array(batch, type=pa.string())}))
        for part, batches in enumerate(parts)
        for batch in batches
        if batch
    ]
    original = columns.KEYLIKE
    try:
        columns.KEYLIKE = keylike
        joined = columns.read_parts(tagged, ["c"]).columns["c"]
        columns.KEYLIKE = sys.maxsize
        whole = columns.read_columns([b for _, b in tagged], ["c"]).columns["c"]
    finally:
        columns.KEYLIKE = original
    assert joined[0] == whole[0]
    assert joined[1].tolist() == whole[1].tolist()


def test_stripped_trims_what_str_strip_trims() -> None:
    spaces = "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace())
    assert sorted(spaces) == sorted(folding.WHITESPACE)
    texts = [f"{s}a{s}b{s}" for s in spaces] + [spaces, "", "\u200bx\u200b"]
    assert folding.stripped(pa.array(texts)).to_pylist() == [t.strip() for t in texts]


def _pair_keys_one_by_one(
    by_side: dict[int, Column], side_codes: np.ndarray
) -> tuple[list[str], np.ndarray]:
    """The rule of :func:`labels.code_pair_keys`, value by value: each side's values
    in use, trimmed, in the order of the values; a spelling that folds to nothing is
    no key; one spelling is one key across the sides."""
    keys_of: list[str] = []
    position: dict[str, int] = {}
    keys = np.full(side_codes.shape, -1, dtype=np.int32)
    for s, (values, indices) in by_side.items():
        rows = side_codes == s
        used = set(indices[rows].tolist())
        table = []
        for i, value in enumerate(values):
            spelling = value.strip()
            if not fold(spelling):
                table.append(-1)
                continue
            if i in used and spelling not in position:
                position[spelling] = len(keys_of)
                keys_of.append(spelling)
            table.append(position.get(spelling, -1))
        keys[rows] = np.asarray([*table, -1], dtype=np.int32)[indices[rows]]
    return keys_of, keys


class _PairBy:
    def __init__(self, same: bool) -> None:
        self.same = same

    def column(self, side: int) -> str:
        return "account" if self.same or side == VENDOR else "customer_account"


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from([VENDOR, CUSTOMER]), st.one_of(st.none(), TEXT))),
    st.booleans(),
)
def test_pair_keys_are_those_read_one_by_one(
    rows: list[tuple[int, str | None]], same: bool
) -> None:
    side_codes = np.asarray([s for s, _ in rows], dtype=np.int8)
    keys = [k for _, k in rows]
    column = _built([keys], keylike=sys.maxsize)
    # with two key columns, each side's rows give theirs, the other side's are empty
    other = _built([[k if s == CUSTOMER else None for s, k in rows]], keylike=sys.maxsize)
    cols = {"account": column, "customer_account": other}
    pair_by = _PairBy(same)
    by_side = {s: cols[pair_by.column(s)] for s in (VENDOR, CUSTOMER)}
    expected_labels, expected = _pair_keys_one_by_one(by_side, side_codes)
    got_labels, got = labels.code_pair_keys(pair_by, cols, side_codes, (VENDOR, CUSTOMER))  # type: ignore[arg-type]
    assert got_labels == expected_labels
    assert got.tolist() == expected.tolist()


@pytest.mark.parametrize("value", ["", "\u200b", "\u00ad\u200b"])
def test_a_key_that_folds_to_nothing_is_no_key(value: str) -> None:
    column = _built([[value, "acme"]], keylike=sys.maxsize)
    side_codes = np.asarray([VENDOR, CUSTOMER], dtype=np.int8)
    got_labels, keys = labels.code_pair_keys(
        _PairBy(True),  # type: ignore[arg-type]
        {"account": column},
        side_codes,
        (VENDOR, CUSTOMER),
    )
    assert got_labels == ["acme"]
    assert keys.tolist() == [-1, 0]


def test_a_paired_run_of_many_accounts_imports_no_pandas(tmp_path: Path) -> None:
    """Account keys deferred, trimmed, folded and sorted in Arrow: no conversion that
    makes pyarrow import pandas (half a second, 40 MB)."""
    import subprocess

    from tests.conftest import schema_text

    rows = ["side,account,q1,q2"]
    for i in range(4 * columns.KEYLIKE):
        rows.append(f"{'Vendor' if i % 2 else 'Customer'}, Acct {i // 2:05d} ,Agree,Disagree")
    (tmp_path / "d.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    schema = tmp_path / "s.yaml"
    schema.write_text(schema_text(extra="pair_by: account\n"), encoding="utf-8")
    code = (
        "import sys\n"
        "from gapscan.schema import load_schema\n"
        "from gapscan.responses import load_responses\n"
        f"r = load_responses(load_schema({str(schema)!r}), [{str(tmp_path / 'd.csv')!r}],"
        " paired=True)\n"
        f"assert len(r.pair_labels) == {2 * columns.KEYLIKE}, len(r.pair_labels)\n"
        "assert r.pair_labels[0] == 'Acct 00000', r.pair_labels[0]\n"
        "assert 'pandas' not in sys.modules, 'pandas imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parents[1])
