"""The benchmark's weighted data: the same survey plus a weight and two cluster columns,
an account and its site."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pyarrow.csv as pv

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "bench.py"


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gapscan_bench", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_weighted_data_adds_three_columns_and_keeps_the_rest(tmp_path: Path) -> None:
    bench = _bench()
    _, plain = bench.generate(3000, 7, tmp_path)
    _, weighted = bench.generate(3000, 7, tmp_path, weighted=True)
    a, b = pv.read_csv(plain), pv.read_csv(weighted)
    assert b.column_names == [*a.column_names, "account", "weight", "site"]
    assert b.select(a.column_names).equals(a)
    weight = b["weight"].to_numpy()
    assert np.all(weight > 0) and np.std(weight) > 0.1
    accounts = set(b["account"].to_pylist())
    assert 1000 < len(accounts) <= bench.ACCOUNTS
    rows = list(zip(b["account"].to_pylist(), b["site"].to_pylist(), strict=True))
    assert all(site == f"site-{int(acct[5:]) % bench.SITES:03d}" for acct, site in rows)
    assert 300 < len({site for _, site in rows}) <= bench.SITES  # an account in one site


def test_write_results_keeps_the_hand_measured_section() -> None:
    bench = _bench()
    previous = f"# old\n\n| old table |\n\n{bench.KEPT}: by hand\n\nfigures\n"
    assert bench.results_text("# new\n\n| new |\n", previous) == (
        f"# new\n\n| new |\n\n{bench.KEPT}: by hand\n\nfigures\n"
    )
    assert bench.results_text("# new\n", "# old\n") == "# new\n"
