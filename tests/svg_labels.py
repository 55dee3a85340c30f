"""The boxes of a chart's labels, read from its SVG file.

The charts draw text as paths: each label is a ``<g id="label-…">`` group holding
``<use>`` references to glyph outlines (``<path id="DejaVuSans-…" d="…">``, defined
once per file, wherever a glyph is first used). A label's box is the union of its
glyphs' outline boxes (the control points of each outline, which enclose its
curves), carried through every transform between the file's root and the glyph.
Only the glyphs count: a label's backing patch or leader line is not its text.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator

SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}href"

Matrix = tuple[float, float, float, float, float, float]  # a b c d e f, as SVG's matrix()
Box = tuple[float, float, float, float]  # x0, y0, x1, y1 (SVG user units: y down)
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_STEP = re.compile(r"(matrix|translate|scale|rotate)\s*\(([^)]*)\)")


def multiply(m: Matrix, n: Matrix) -> Matrix:
    """``m`` then ``n`` applied to a point in ``n``'s coordinates (m · n)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a * a2 + c * b2,
        b * a2 + d * b2,
        a * c2 + c * d2,
        b * c2 + d * d2,
        a * e2 + c * f2 + e,
        b * e2 + d * f2 + f,
    )


def parse_transform(text: str | None) -> Matrix:
    """An SVG ``transform`` attribute as one matrix."""
    import math

    out = IDENTITY
    for name, args in _STEP.findall(text or ""):
        v = [float(x) for x in _NUMBER.findall(args)]
        if name == "matrix":
            step: Matrix = (v[0], v[1], v[2], v[3], v[4], v[5])
        elif name == "translate":
            step = (1.0, 0.0, 0.0, 1.0, v[0], v[1] if len(v) > 1 else 0.0)
        elif name == "scale":
            step = (v[0], 0.0, 0.0, v[1] if len(v) > 1 else v[0], 0.0, 0.0)
        else:
            t = math.radians(v[0])
            step = (math.cos(t), math.sin(t), -math.sin(t), math.cos(t), 0.0, 0.0)
        out = multiply(out, step)
    return out


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


def _box_of(points: list[tuple[float, float]]) -> Box | None:
    if not points:
        return None
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def glyphs(root: ET.Element) -> dict[str, list[tuple[float, float]]]:
    """Each glyph's outline points (its own transform applied), by id."""
    out: dict[str, list[tuple[float, float]]] = {}
    for path in root.iter(f"{SVG}path"):
        gid = path.get("id")
        if gid is None:
            continue
        numbers = [float(x) for x in _NUMBER.findall(path.get("d", ""))]
        own = parse_transform(path.get("transform"))
        pairs = zip(numbers[0::2], numbers[1::2], strict=False)
        out[gid] = [_apply(own, x, y) for x, y in pairs]
    return out


def _walk(node: ET.Element, parent: Matrix) -> Iterator[tuple[ET.Element, Matrix]]:
    """Every element below ``node`` (itself included) with the matrix of its own
    coordinates (its ``transform`` applied)."""
    here = multiply(parent, parse_transform(node.get("transform")))
    yield node, here
    for child in node:
        yield from _walk(child, here)


def label_boxes(svg: bytes, prefix: str = "label-") -> dict[str, Box]:
    """The ink box of every group whose id starts with ``prefix``, by id."""
    root = ET.fromstring(svg)
    outlines = glyphs(root)
    boxes: dict[str, Box] = {}
    for node, m in _walk(root, IDENTITY):
        gid = node.get("id", "")
        if node.tag != f"{SVG}g" or not gid.startswith(prefix):
            continue
        points: list[tuple[float, float]] = []
        inside = (pair for child in node for pair in _walk(child, m))
        for inner, inner_m in inside:
            if inner.tag != f"{SVG}use":
                continue
            ref = (inner.get(XLINK) or "").lstrip("#")
            # a <use>'s x and y translate after its transform
            shift = (1.0, 0.0, 0.0, 1.0, float(inner.get("x", 0)), float(inner.get("y", 0)))
            full = multiply(inner_m, shift)
            points += [_apply(full, x, y) for x, y in outlines.get(ref, [])]
        box = _box_of(points)
        if box is not None:
            boxes[gid] = box
    return boxes


def overlapping(boxes: dict[str, Box], tolerance: float = 0.01) -> list[tuple[str, str]]:
    """Every pair of boxes that overlap by more than ``tolerance`` along both axes."""
    items = sorted(boxes.items())
    out: list[tuple[str, str]] = []
    for i, (name, (x0, y0, x1, y1)) in enumerate(items):
        for other, (u0, v0, u1, v1) in items[i + 1 :]:
            if min(x1, u1) - max(x0, u0) > tolerance and min(y1, v1) - max(y0, v0) > tolerance:
                out.append((name, other))
    return out


def svg_size(svg: bytes) -> tuple[float, float]:
    root = ET.fromstring(svg)
    return float(root.get("width", "0").rstrip("pt")), float(root.get("height", "0").rstrip("pt"))
