"""``--format csv``: one row per result (question x segment), breaches named per row.

Numbers are written as numbers; every text cell goes through
:func:`gapscan.text.csv_cell`, so no cell a spreadsheet opens runs as a formula."""

from __future__ import annotations

import csv
import io

from gapscan.report import GapReport, GapResult, TrendReport
from gapscan.text import csv_cell

# Net Promoter Score (empty for other questions): per side, then the gap.
NPS_COLUMNS = [
    *(
        f"{side}_{field}"
        for side in ("vendor", "customer")
        for field in ("nps", "nps_ci_low", "nps_ci_high", "promoters", "passives", "detractors")
    ),
    "nps_gap",
    "nps_gap_ci_low",
    "nps_gap_ci_high",
    "nps_p_value",
    "nps_p_adjusted",
    "nps_significant",
]

COLUMNS = [
    "question",
    "question_text",
    "segment",
    "mode",
    "suppressed",
    "vendor_n",
    "vendor_top_box",
    "vendor_mean",
    "customer_n",
    "customer_top_box",
    "customer_mean",
    "gap",
    "ci_low",
    "ci_high",
    "test",
    "statistic",
    "p_value",
    "p_adjusted",
    "significant",
    "effect_size",
    "mean_gap",
    "mean_test",
    "mean_statistic",
    "mean_p_value",
    "mean_p_adjusted",
    "mean_significant",
    "mean_effect_size",
    "mean_df",
    "mean_gap_ci_low",
    "mean_gap_ci_high",
    "rank_p_value",
    "change",
    "change_ci_low",
    "change_ci_high",
    "change_p_value",
    "n_pairs",
    "pairing",
    "vendor_higher",
    "same",
    "customer_higher",
    "kappa",
    "kappa_ci_low",
    "kappa_ci_high",
    "median_difference",
    "median_ci_low",
    "median_ci_high",
    "unmatched_vendor_accounts",
    "unmatched_customer_accounts",
    *NPS_COLUMNS,
    "breaches",
]


DISTRIBUTION_FIELDS = ("name", "statistic", "ndf", "ddf", "p_value")
# A weighted run's columns, before ``breaches`` (absent from unweighted reports).
DESIGN_COLUMNS = [
    *(
        f"{side}_{field}"
        for side in ("vendor", "customer")
        for field in ("n_eff", "weight_sum", "top_box_se", "mean_se", "deff", "mean_deff")
    ),
    "gap_se",
    "df",
    "mean_gap_se",
    *(f"distribution_test_{field}" for field in DISTRIBUTION_FIELDS),
]


def render(report: GapReport) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    weighted = report.settings.design is not None
    writer.writerow([*COLUMNS[:-1], *DESIGN_COLUMNS, COLUMNS[-1]] if weighted else COLUMNS)
    for r in report.results:
        row = _row(report, r)
        if weighted:
            row = [*row[:-1], *_design_cells(r), row[-1]]
        writer.writerow([_cell(v) for v in row])
    return buffer.getvalue()


def _design_cells(r: GapResult) -> list[object]:
    cells: list[object] = []
    for side in (r.vendor.design, r.customer.design):
        if side is None:
            cells += [None] * 6
        else:
            cells += [side.n_eff, side.weight_sum, side.top_box_se, side.mean_se]
            cells += [side.deff, side.mean_deff]
    g = r.design
    cells += [g.gap_se, g.df, g.mean_gap_se] if g is not None else [None] * 3
    test = None if g is None or g.distribution_test is None else g.distribution_test.to_dict()
    return [*cells, *(None if test is None else test[f] for f in DISTRIBUTION_FIELDS)]


def _row(report: GapReport, r: GapResult) -> list[object]:
    breached = sorted(
        {b.rule for b in report.breaches if b.question == r.question and b.segment == r.segment}
    )
    return [
        r.question,
        r.question_text,
        "; ".join(f"{c}={v}" for c, v in r.segment),
        r.mode,
        r.suppressed,
        r.vendor.n,
        r.vendor.top_box,
        r.vendor.mean,
        r.customer.n,
        r.customer.top_box,
        r.customer.mean,
        r.gap,
        r.ci_low,
        r.ci_high,
        r.test,
        r.statistic,
        r.p_value,
        r.p_adjusted,
        r.significant,
        r.effect_size,
        r.mean_gap,
        r.mean_test,
        r.mean_statistic,
        r.mean_p_value,
        r.mean_p_adjusted,
        r.mean_significant,
        r.mean_effect_size,
        r.mean_df,
        r.mean_gap_ci_low,
        r.mean_gap_ci_high,
        r.rank_p_value,
        *(
            (r.change.change, r.change.ci_low, r.change.ci_high, r.change.p_value)
            if r.change
            else (None, None, None, None)
        ),
        *_paired_cells(r),
        *_nps_cells(r),
        "; ".join(breached),
    ]


def _nps_cells(r: GapResult) -> list[object]:
    cells: list[object] = []
    for side in (r.vendor.nps, r.customer.nps):
        if side is None:
            cells += [None] * 6
        else:
            cells += [side.nps, side.ci_low, side.ci_high]
            cells += [side.promoters, side.passives, side.detractors]
    g = r.nps
    if g is None:
        return [*cells, *([None] * 6)]
    return [*cells, g.gap, g.ci_low, g.ci_high, g.p_value, g.p_adjusted, g.significant]


def _paired_cells(r: GapResult) -> list[object]:
    p = r.paired
    if p is None:
        return [None] * 13
    return [
        p.n_pairs,
        p.pairing,
        p.vendor_higher,
        p.same,
        p.customer_higher,
        p.kappa,
        p.kappa_ci_low,
        p.kappa_ci_high,
        p.median_difference,
        p.median_ci_low,
        p.median_ci_high,
        *p.unmatched_accounts,
    ]


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value) if value == value and abs(value) != float("inf") else ""
    if isinstance(value, int):
        return str(value)
    return csv_cell(str(value))


TREND_COLUMNS = [
    "question",
    "wave",
    "suppressed",
    "vendor_n",
    "vendor_top_box",
    "customer_n",
    "customer_top_box",
    "gap",
    "ci_low",
    "ci_high",
    "p_adjusted",
    "significant",
    "change",
    "change_ci_low",
    "change_ci_high",
    "change_p_value",
    "change_significant",
]


def render_trend(trend: TrendReport) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(TREND_COLUMNS)
    for p in trend.points:
        r, c = p.result, p.change
        row: list[object] = [
            r.question,
            p.wave,
            r.suppressed,
            r.vendor.n,
            r.vendor.top_box,
            r.customer.n,
            r.customer.top_box,
            r.gap,
            r.ci_low,
            r.ci_high,
            r.p_adjusted,
            r.significant,
        ]
        row += [c.change, c.ci_low, c.ci_high, c.p_value, c.significant] if c else [None] * 5
        writer.writerow([_cell(v) for v in row])
    return buffer.getvalue()


DISTRIBUTION_COLUMNS = [
    "question",
    "question_text",
    "segment",
    "mode",
    "side",
    "level_order",
    "level",
    "score",
    "top_box",
    "n",
    "share",
]


def render_distribution(report: GapReport) -> str:
    """``--format csv --distribution``: the long form, one row per question x view x
    side x level (every level, zero counts included; suppressed results have none)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(DISTRIBUTION_COLUMNS)
    for r in report.results:
        segment = "; ".join(f"{c}={v}" for c, v in r.segment)
        for side_name, side in (("vendor", r.vendor), ("customer", r.customer)):
            for order, level in enumerate(side.distribution, start=1):
                row: list[object] = [
                    r.question,
                    r.question_text,
                    segment,
                    r.mode,
                    side_name,
                    order,
                    level.level,
                    level.score,
                    level.level in r.top_box_labels,
                    level.n,
                    level.share,
                ]
                writer.writerow([_cell(v) for v in row])
    return buffer.getvalue()
