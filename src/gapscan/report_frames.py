"""Reports as data frames and HTML, for notebooks: the JSON report's results as one
tidy row per question x segment (nested fields flattened with underscores), the
answer distributions as one row per level and side, and an HTML table for Jupyter.
pandas is imported here only, when a frame is asked for."""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from gapscan.report import GapReport, TrendReport

if TYPE_CHECKING:
    import pandas as pd

SIDES = ("vendor", "customer")


def flatten(fields: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested dicts as one level, their keys joined with underscores ("vendor_n");
    the distributions are left out (see :func:`distribution_frame`)."""
    flat: dict[str, Any] = {}
    for key, value in fields.items():
        name = f"{prefix}{key}"
        if key == "distribution" and isinstance(value, list):
            continue
        if isinstance(value, dict):
            flat |= flatten(value, f"{name}_")
        else:
            flat[name] = value
    return flat


def _frame(rows: list[dict[str, Any]], first: Iterable[str]) -> pd.DataFrame:
    """Rows as a frame: the ``first`` columns, then the segments', then the others in
    the order they first appear (a column a row lacks is None there)."""
    import pandas as pd

    order: dict[str, None] = dict.fromkeys(first)
    segments = {k: None for row in rows for k in row if k.startswith("segment_")}
    order |= segments
    order |= {k: None for row in rows for k in row}
    columns = list(order)
    return pd.DataFrame([[row.get(c) for c in columns] for row in rows], columns=columns)


def results_frame(report: GapReport) -> pd.DataFrame:
    """One row per question x segment, in report order, the JSON result's fields as
    columns: ``question``, ``segment_region``, ``vendor_n``, ``vendor_top_box``, ...,
    ``gap``, ``p_adjusted``. The whole sample's rows have no segment values."""
    rows = [flatten(r) for r in report.to_dict()["results"]]
    return _frame(rows, ("question", "question_text"))


def distribution_frame(report: GapReport) -> pd.DataFrame:
    """One row per question x segment x side x level (suppressed sides have none):
    ``question``, ``segment_*``, ``side``, ``level``, ``score``, ``n``, ``share``."""
    rows: list[dict[str, Any]] = []
    for result in report.to_dict()["results"]:
        where = flatten({"segment": result["segment"]})
        for side in SIDES:
            for level in result[side].get("distribution", []):
                rows.append({"question": result["question"], **where, "side": side, **level})
    first = ("question", "side", "level", "score", "n", "share")
    frame = _frame(rows, first[:1])
    return frame[[c for c in frame.columns if c not in first[1:]] + list(first[1:])]


def trend_frame(trend: TrendReport) -> pd.DataFrame:
    """One row per question x wave (oldest first), the JSON wave fields as columns."""
    rows = []
    for question in trend.to_dict()["questions"]:
        for point in question["waves"]:
            rows.append(
                {
                    "question": question["question"],
                    "question_text": question["question_text"],
                    **flatten(point),
                }
            )
    return _frame(rows, ("question", "question_text", "wave"))


# ---------------------------------------------------------------------------- HTML


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def _points(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:+.1f}"


def _p(value: float | None) -> str:
    if value is None:
        return "–"
    return "&lt;0.001" if value < 0.001 else f"{value:.3f}"


def _row(cells: list[str], tag: str = "td") -> str:
    return "<tr>" + "".join(f"<{tag}>{cell}</{tag}>" for cell in cells) + "</tr>"


def report_html(report: GapReport) -> str:
    """The report's results as an HTML table: every text from the schema or the data
    escaped; numbers as the markdown report rounds them."""
    from gapscan.render import _format as fmt

    e = html.escape
    settings = report.settings
    vendor, customer = fmt.side_headers(settings, e)
    header = ["Question", "Segment", vendor, customer, "Gap (pp)", "CI (pp)"]
    header += [f"p ({e(settings.correction)})", "Mean gap", "n (V/C)"]
    body = []
    for r in report.results:
        cells = [e(r.question_text), e(r.segment_label)]
        if r.suppressed:
            cells += ["–", "–", "suppressed", "", "", ""]
        else:
            low, high = r.ci_low, r.ci_high
            ci = "–" if low is None or high is None else f"{_points(low)}, {_points(high)}"
            mean = "–" if r.mean_gap is None else f"{r.mean_gap:+.2f}"
            cells += [_percent(r.vendor.top_box), _percent(r.customer.top_box)]
            cells += [_points(r.gap), ci, _p(r.p_adjusted), mean]
        cells.append(f"{r.vendor.n}/{r.customer.n}")
        body.append(_row(cells))
    who = fmt.respondents(settings, report.n_vendor, report.n_customer, e)
    caption = f"{e(report.survey)}: {who} respondents"
    return (
        f'<table class="gapscan"><caption>{caption}</caption><thead>{_row(header, "th")}'
        f"</thead><tbody>{''.join(body)}</tbody></table>"
    )
