"""Drafting from an SPSS or Stata file's own metadata (:mod:`gapscan.inputs.spss`):
nothing about these columns is guessed from their answers.

- A variable with value labels is a scale when its labels read as a known ordered
  scale (in any language :mod:`gapscan.draft_scales` knows) or SPSS marks it ordinal.
  Its levels are the labels in code order (YES = 1, NO = 2 gives ``[YES, NO]``); the
  top box is chosen by what the labels mean (``[YES]``), and the user-missing labels
  are the scale's ``missing``. Other labelled variables (nominal: sex, region) are
  left to the usual segment rules.
- A numeric variable without value labels is a numeric question, its user-missing
  values its ``missing``.
"""

from __future__ import annotations

from collections import Counter

from gapscan.draft_scales import DraftScale, default_top_box, is_missing, match_scale, slug
from gapscan.inputs.spss import Variable
from gapscan.survey import fold


def labelled_scale(variable: Variable) -> DraftScale | None:
    """The scale of a labelled variable, levels in code order; None when its labels
    are not an ordered scale (a nominal variable)."""
    levels = [level for level in variable.levels if not is_missing(level)]
    missing = list(variable.missing)
    missing += [level for level in variable.levels if level not in levels]
    if len(levels) < 2 or len({fold(level) for level in levels}) != len(levels):
        return None
    known = match_scale(Counter(levels))
    if known is None and variable.measure != "ordinal":
        return None
    if known is None:
        name = slug(variable.name)
        scale = DraftScale(name, levels, default_top_box(name, levels), missing)
        scale.note = "ordinal in the file, levels as coded: is it a rating? Check the top box"
        return scale
    scale = DraftScale(known.name, levels, _top_box(known, levels), missing)
    if [fold(level) for level in reversed(levels)] == [fold(level) for level in known.levels]:
        scale.note = "levels as the file codes them: the favourable end first"
    return scale


def _top_box(known: DraftScale, levels: list[str]) -> int | list[str]:
    """The known scale's favourable levels, as the file's code order has them: the
    top N when the file orders the scale as the known scale does, else by label."""
    ordered = [fold(level) for level in known.levels]
    top = known.top_box
    favourable = ordered[-top:] if isinstance(top, int) else [fold(t) for t in top]
    in_file = [level for level in levels if fold(level) in favourable]
    if [fold(level) for level in levels] == ordered and isinstance(top, int):
        return top
    return in_file
