"""The schema's ``sides:`` (its ignored values and labels) and ``filters:``, built into
:class:`~gapscan.survey.Sides` and :class:`~gapscan.survey.Filter` objects."""

from __future__ import annotations

from collections.abc import Callable

from gapscan.schema_models import FilterModel, SideLabelsModel, SidesModel
from gapscan.schema_yaml import AddProblem, Loc
from gapscan.survey import DEFAULT_SIDE_LABELS, Filter, Sides, fold


def build_sides(spec: SidesModel | None, add: AddProblem) -> Sides:
    if spec is None:
        return Sides(column=None)
    ignore = tuple(str(v).strip() for v in spec.ignore)
    if spec.column is not None:
        for side in ("vendor", "customer"):
            if not getattr(spec, side):
                add(f"sides.{side} lists no values", ("sides",), f"e.g. {side}: [{side.title()}]")
        overlap = {fold(v) for v in spec.vendor} & {fold(c) for c in spec.customer}
        if overlap:
            add(
                "sides: " + ", ".join(sorted(overlap)) + " is listed for both sides",
                ("sides",),
                None,
            )
        listed = {fold(v) for v in (*spec.vendor, *spec.customer)}
        for i, value in enumerate(ignore):
            if fold(value) in listed:
                add(
                    f"sides.ignore: '{value}' is also listed for a side",
                    ("sides", "ignore", i),
                    "a value belongs to the vendor side, the customer side or neither",
                )
    elif ignore:
        add("sides.ignore needs sides.column", ("sides", "ignore"), "add sides.column: COLUMN")
    return Sides(
        column=spec.column,
        vendor=tuple(spec.vendor),
        customer=tuple(spec.customer),
        ignore=ignore,
        labels=_side_labels(spec.labels, add),
    )


def _side_labels(spec: SideLabelsModel | None, add: AddProblem) -> tuple[str, str]:
    if spec is None:
        return DEFAULT_SIDE_LABELS
    labels = (spec.vendor.strip(), spec.customer.strip())
    for side, label in zip(("vendor", "customer"), labels, strict=True):
        if not label:
            add(f"sides.labels.{side} is blank", ("sides", "labels", side), "name the side")
    if labels[0] and fold(labels[0]) == fold(labels[1]):
        add(
            f"sides.labels: both sides are called '{labels[0]}'",
            ("sides", "labels"),
            "give each side its own name",
        )
    return labels


def build_filters(
    specs: list[FilterModel | None], add: AddProblem, line: Callable[[Loc], int | None]
) -> list[Filter]:
    """The schema's ``filters:``, each keeping or dropping rows by one column's values."""
    filters: list[Filter] = []
    for i, spec in enumerate(specs):
        loc: Loc = ("filters", i)
        if spec is None:
            continue
        if (spec.keep is None) == (spec.drop is None):
            add(
                f"filter {i + 1} needs exactly one of 'keep' or 'drop'",
                loc,
                "e.g. {column: condition, keep: [control, impressive]}",
            )
            continue
        values = tuple(
            str(v).strip() for v in (spec.keep if spec.keep is not None else spec.drop or [])
        )
        if not values:
            add(f"filter {i + 1} lists no values", loc, "list the values to keep or drop")
            continue
        filters.append(Filter(spec.column, spec.keep is not None, values, line=line(loc)))
    return filters
