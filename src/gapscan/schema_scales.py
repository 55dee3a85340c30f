"""A schema's ``scales:`` built into :class:`~gapscan.survey.Scale` objects: levels
(blank or repeated ones are problems), ``top_box`` (a count or the favourable labels),
``missing``, ``scores`` and ``nps``."""

from __future__ import annotations

import difflib
import math
from dataclasses import replace

from gapscan.schema_models import ScaleModel
from gapscan.schema_nps import check_nps_scale, nps_spec
from gapscan.schema_yaml import AddProblem, Loc
from gapscan.survey import NpsSpec, Scale, fold


def build_scale(name: str, spec: ScaleModel, add: AddProblem) -> Scale | None:
    loc: Loc = ("scales", name)
    levels = tuple(str(level).strip() for level in spec.levels)
    folded = [fold(level) for level in levels]
    ok = True
    for i, level in enumerate(folded):
        if not level:
            add(f"scale '{name}': level {i + 1} is blank", (*loc, "levels", i), None)
            ok = False
        elif folded.index(level) != i:
            add(f"scale '{name}': level '{levels[i]}' is listed twice", (*loc, "levels", i), None)
            ok = False
    missing = tuple(str(m).strip() for m in spec.missing)
    for i, m in enumerate(missing):
        if fold(m) in folded:
            add(
                f"scale '{name}': '{m}' is both a level and a missing answer",
                (*loc, "missing", i),
                "remove it from one of the two lists",
            )
            ok = False
    top = _top_box(name, spec.top_box, levels, folded, loc, add)
    scores = _scores(name, spec.scores, len(levels), loc, add)
    nps = nps_spec(f"scale '{name}'", spec.nps, loc, add)
    if top is None or scores is None or nps is False or not ok:
        return None
    scale = Scale(name=name, levels=levels, top_box=top, missing=missing, scores=scores)
    if isinstance(nps, NpsSpec):
        if not check_nps_scale(f"scale '{name}'", name, scale.scores, (*loc, "nps"), add):
            return None
        scale = replace(scale, nps=nps)
    return scale


def _scores(
    name: str, spec: list[int | float] | None, k: int, loc: Loc, add: AddProblem
) -> tuple[float, ...] | None:
    """The schema's ``scores:``, one finite number per level (empty: the default)."""
    if spec is None:
        return ()
    if len(spec) != k:
        add(
            f"scale '{name}': {len(spec)} scores for {k} levels",
            (*loc, "scores"),
            "give one score per level, in the order of the levels",
        )
        return None
    scores = tuple(float(x) for x in spec)
    for i, x in enumerate(scores):
        if not math.isfinite(x):
            add(f"scale '{name}': score {spec[i]} is not a finite number", (*loc, "scores", i))
            return None
    return scores


def _top_box(
    name: str,
    spec: list[str | int] | int,
    levels: tuple[str, ...],
    folded: list[str],
    loc: Loc,
    add: AddProblem,
) -> frozenset[int] | None:
    k = len(levels)
    if isinstance(spec, int):
        if not 1 <= spec < k:
            add(
                f"scale '{name}': top_box {spec} is out of range for {k} levels",
                (*loc, "top_box"),
                f"give a count from 1 to {k - 1}, or the favourable labels",
            )
            return None
        return frozenset(range(k - spec, k))
    codes: set[int] = set()
    for i, label in enumerate(spec):
        key = fold(str(label))
        if key not in folded:
            close = difflib.get_close_matches(str(label), levels, n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'?" if close else "top-box labels must be levels"
            add(
                f"scale '{name}': top_box label '{label}' is not one of its levels",
                (*loc, "top_box", i),
                hint,
            )
            return None
        codes.add(folded.index(key))
    if not codes or len(codes) == k:
        add(
            f"scale '{name}': top_box must name some but not all of its {k} levels",
            (*loc, "top_box"),
            None,
        )
        return None
    return frozenset(codes)
