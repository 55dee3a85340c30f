"""A numeric question in the schema: ``type: numeric``, ``range:`` and ``top_box: {min, max}``."""

from __future__ import annotations

import math
from typing import Any, Literal

from gapscan.schema_yaml import AddProblem, Loc
from gapscan.survey import Numeric, Scale

NUMERIC_SCALE = "numeric"  # the scale name a numeric question reports


def numeric_scale(spec: Any, loc: Loc, add: AddProblem) -> Scale | Literal[False] | None:
    """The scale of a ``type: numeric`` question; None for a question on a scale; False
    when the question's numeric settings are wrong (the problems are added)."""
    qid = spec.id
    if spec.type != "numeric":
        for key in ("range", "top_box", "missing"):
            if getattr(spec, key) is not None:
                add(
                    f"question '{qid}': '{key}' is for numeric questions",
                    (*loc, key),
                    "list them under the scale's missing"
                    if key == "missing"
                    else "add type: numeric (and remove scale:), or give the scale a top_box",
                )
                return False
        return None
    ok = True
    if spec.scale is not None:
        add(
            f"question '{qid}' has both 'type: numeric' and a scale",
            (*loc, "scale"),
            "remove scale: (a numeric question's levels are its values)",
        )
        ok = False
    low, high = (float(spec.range[0]), float(spec.range[1])) if spec.range else (None, None)
    if low is not None and high is not None and not (math.isfinite(low + high) and low < high):
        add(
            f"question '{qid}': range {spec.range} is not [low, high] with low < high",
            (*loc, "range"),
        )
        ok = False
    top = spec.top_box
    top_min = None if top is None or top.min is None else float(top.min)
    top_max = None if top is None or top.max is None else float(top.max)
    if top is not None and top_min is None and top_max is None:
        add(f"question '{qid}': top_box needs min, max or both", (*loc, "top_box"))
        ok = False
    if top_min is not None and top_max is not None and top_min > top_max:
        add(
            f"question '{qid}': top_box min {top_min:g} is above max {top_max:g}", (*loc, "top_box")
        )
        ok = False
    if not ok:
        return False
    numeric = Numeric(low, high, top_min, top_max)
    missing = tuple(str(m).strip() for m in spec.missing or ())
    return Scale(NUMERIC_SCALE, (), frozenset(), missing=missing, numeric=numeric)
