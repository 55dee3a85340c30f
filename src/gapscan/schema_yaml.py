"""Read a schema's YAML safely: YAML 1.2 booleans, limits on size and expansion, every
key repeated in one mapping reported, and each key path's line kept for messages."""

from __future__ import annotations

import re
import typing
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from gapscan.errors import GapscanError, Problem

MAX_SCHEMA_BYTES = 2_000_000
MAX_SCHEMA_NODES = 200_000

Loc = tuple[str | int, ...]  # a key path: ("questions", 2, "scale")


class AddProblem(typing.Protocol):
    """Records a problem at a key path of the schema (its line is looked up)."""

    def __call__(
        self, message: str, loc: Loc, hint: str | None = None, code: str | None = None
    ) -> None: ...


class _Loader(yaml.SafeLoader):
    """Safe YAML with YAML 1.2 booleans: only true/false, so levels like Yes/No stay text.

    A key repeated in one mapping is recorded as a problem while the mapping is
    composed (PyYAML would silently keep the last one), at every depth.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.repeated: list[Problem] = []

    def compose_mapping_node(self, anchor: Any) -> yaml.MappingNode:  # the stub's type is wrong
        node = super().compose_mapping_node(anchor)
        first: dict[object, int] = {}
        for key, _ in node.value:
            if not isinstance(key, yaml.ScalarNode) or key.tag == _MERGE:
                continue
            identity = (key.tag, key.value)
            line = key.start_mark.line + 1
            if identity in first:
                where = (
                    "on the same line" if first[identity] == line else f"at line {first[identity]}"
                )
                self.repeated.append(
                    Problem(
                        f"key '{key.value}' repeated (first {where})",
                        line=line,
                        hint="keep one",
                        code="duplicate-key",
                    )
                )
            first.setdefault(identity, line)
        return node


_MERGE = "tag:yaml.org,2002:merge"


_BOOL = "tag:yaml.org,2002:bool"
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != _BOOL]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def read_yaml(path: Path) -> tuple[Any, dict[Loc, int]]:
    """Parse YAML safely, returning the data and a map from each key path to its line."""
    name = str(path)
    try:
        size = path.stat().st_size
    except (ValueError, UnicodeError):
        raise GapscanError.single("the schema's file name is not valid", file=repr(name)) from None
    except FileNotFoundError:
        raise GapscanError.single(
            "schema file not found", file=name, hint="check the path"
        ) from None
    except OSError as exc:
        raise GapscanError.single(f"cannot read schema: {exc.strerror}", file=name) from None
    if path.is_dir():
        raise GapscanError.single("schema path is a directory, not a YAML file", file=name)
    if not path.is_file():
        raise GapscanError.single(
            "the schema is not a regular file (a device or a pipe?)", file=name
        )
    if size > MAX_SCHEMA_BYTES:
        raise GapscanError.single(
            f"schema is {size:,} bytes; a survey schema is at most {MAX_SCHEMA_BYTES:,}",
            file=name,
            hint="is this the right file?",
        )
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise GapscanError.single(
            f"schema is not UTF-8 text (byte {exc.start})",
            file=name,
            hint="save the schema as UTF-8 YAML",
        ) from None
    return parse_yaml(text, name)


def parse_yaml(text: str, name: str) -> tuple[Any, dict[Loc, int]]:
    """Parse a schema's YAML text (``name`` says where it is from, in messages)."""
    if len(text.encode("utf-8", errors="replace")) > MAX_SCHEMA_BYTES:
        raise GapscanError.single(
            f"schema is over {MAX_SCHEMA_BYTES:,} bytes, the most a survey schema has",
            file=name,
        )
    try:
        loader = _Loader(text)
    except yaml.YAMLError as exc:  # a character YAML does not allow, found on reading
        position = getattr(exc, "position", None)
        line = text.count("\n", 0, position) + 1 if isinstance(position, int) else None
        raise GapscanError.single(
            f"invalid YAML: {exc}".splitlines()[0],
            file=name,
            line=line,
            hint="save the schema as plain text",
        ) from None
    try:
        node = loader.get_single_node()
        if node is None:
            raise GapscanError.single(
                "schema is empty", file=name, hint="see the README's schema reference"
            )
        if loader.repeated:
            raise GapscanError(replace(p, file=name) for p in loader.repeated)
        lines: dict[Loc, int] = {}
        try:
            _walk(node, (), lines, [0])
        except GapscanError as exc:
            raise GapscanError(replace(p, file=name) for p in exc.problems) from None
        data = loader.construct_document(node)
    except GapscanError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise GapscanError.single(
            f"invalid YAML: {exc.problem or exc.context}", file=name, line=line
        ) from None
    except yaml.YAMLError as exc:
        raise GapscanError.single(f"invalid YAML: {exc}", file=name) from None
    except RecursionError:
        raise GapscanError.single("schema is nested too deeply", file=name) from None
    except Exception as exc:  # an explicit tag on a value it cannot take, e.g. "!!bool x"
        raise GapscanError.single(
            f"invalid YAML value ({type(exc).__name__}: {exc})",
            file=name,
            hint="remove explicit tags such as !!bool or !!int",
        ) from None
    finally:
        loader.dispose()
    return data, lines


def _walk(node: yaml.Node, loc: Loc, lines: dict[Loc, int], seen: list[int]) -> None:
    seen[0] += 1
    if seen[0] > MAX_SCHEMA_NODES:
        raise GapscanError.single(
            f"schema has more than {MAX_SCHEMA_NODES:,} YAML nodes (aliases included)",
            line=node.start_mark.line + 1,
            hint="a survey schema does not need aliases that expand this far",
        )
    lines.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = (*loc, str(key.value))
            lines.setdefault(child, key.start_mark.line + 1)
            _walk(value, child, lines, seen)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*loc, index), lines, seen)


def line_of(lines: dict[Loc, int], loc: Loc) -> int | None:
    for end in range(len(loc), -1, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return None
