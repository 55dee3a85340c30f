"""pydantic's validation errors as the schema's problems: each at its YAML line, an
unknown key with the nearest allowed one, a percentage given for a fraction with the
fraction it meant."""

from __future__ import annotations

import difflib
import types
import typing
from typing import Annotated, Any, Union

from pydantic import BaseModel, ValidationError

from gapscan.errors import ProblemCollector
from gapscan.schema_yaml import Loc, line_of

_M = typing.TypeVar("_M", bound=BaseModel)


def _model_at(root: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    """The pydantic model that validates the mapping at ``loc`` (for key suggestions)."""
    current: Any = root
    for part in loc:
        current = _unwrap(current)
        origin = typing.get_origin(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            if not isinstance(part, str) or part not in current.model_fields:
                return None
            current = current.model_fields[part].annotation
        elif origin is list and isinstance(part, int):
            current = typing.get_args(current)[0]
        elif origin is dict and isinstance(part, str):
            current = typing.get_args(current)[1]
        else:
            return None
    current = _unwrap(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(annotation: Any) -> Any:
    """Strip Annotated[...] and Optional/Union down to a model or container type."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            inner = [a for a in typing.get_args(annotation) if _is_container_or_model(a)]
            if not inner:
                return annotation
            annotation = inner[0]
        else:
            return annotation


def _is_container_or_model(annotation: Any) -> bool:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True
    return typing.get_origin(annotation) in (list, dict)


def validate(
    model: type[_M], data: Any, prefix: Loc, lines: dict[Loc, int], file: str, out: ProblemCollector
) -> _M | None:
    """Validate one part of the schema; on failure record its problems and return None."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        _pydantic_problems(exc, model, prefix, lines, file, out)
        return None


def _pydantic_problems(
    exc: ValidationError,
    root: type[BaseModel],
    prefix: Loc,
    lines: dict[Loc, int],
    file: str,
    out: ProblemCollector,
) -> None:
    for err in exc.errors():
        inner: Loc = tuple(p for p in err["loc"] if not _is_union_tag(p))
        loc = (*prefix, *inner)
        where = _dotted(loc[:-1]) if len(loc) > 1 else "the top level"
        kind = err["type"]
        line = line_of(lines, loc)
        if kind == "extra_forbidden":
            key = str(loc[-1])
            model = _model_at(root, inner[:-1])
            allowed = sorted(model.model_fields) if model else []
            close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'?" if close else None
            if hint is None and allowed:
                hint = "allowed keys: " + ", ".join(allowed)
            out.add(f"unknown key '{key}' in {where}", file=file, line=line, hint=hint)
        elif kind == "missing":
            out.add(
                f"missing required field '{loc[-1]}' in {where}",
                file=file,
                line=line_of(lines, loc[:-1]),
            )
        else:
            got = err.get("input")
            shown = f" (got {got!r})" if isinstance(got, str | int | float | bool) else ""
            hint = fraction_hint(got) if loc[-2:] in _FRACTIONS else None
            out.add(
                f"{_dotted(loc)}: {err['msg'].lower()}{shown}",
                file=file,
                line=line,
                hint=hint,
                code="percent-for-fraction" if hint else None,
            )


_FRACTIONS = {("analysis", "confidence"), ("analysis", "alpha")}


def fraction_hint(value: object) -> str | None:
    """'did you mean 0.95?' for a percentage given where a fraction is meant."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not 1 < abs(value) <= 100:
        return None
    fraction = value / 100
    shown = f"{fraction:.2f}"
    if float(shown) != fraction:
        shown = f"{fraction:.6g}"
    return f"did you mean {shown}?"


def _is_union_tag(part: str | int) -> bool:
    return isinstance(part, str) and (
        part in {"str", "int", "float", "bool", "list[str]", "list[str | int]"}
        or part.endswith("Model")
        or part.startswith(("list[", "dict["))
    )


def _dotted(loc: Loc) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "the top level"
