"""gapscan from Python without files: :func:`analyze_frame` analyses data frames in
memory (pandas, polars, pyarrow) against a schema given as a file, as YAML text, as a
dict or as a loaded :class:`~gapscan.survey.Survey`. The frames are read as a CSV file
of the same cells would be, so that the report is the one ``gapscan analyze`` writes."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from gapscan.analysis import AnalysisOptions, analyze
from gapscan.errors import GapscanError
from gapscan.inputs.frame import Frame, frame_of
from gapscan.report import GapReport
from gapscan.responses import load_responses
from gapscan.schema import build_schema, load_schema
from gapscan.schema_yaml import parse_yaml
from gapscan.survey import Mode, Survey

TEXT_SCHEMA = "<schema>"  # the name of a schema given as YAML text or as a dict

__all__ = ["TEXT_SCHEMA", "analyze_frame", "survey_of"]


def survey_of(schema: Survey | Path | str | Mapping[str, object]) -> Survey:
    """A schema as given to :func:`analyze_frame`, loaded: a ``Survey`` as it is; a
    path, or a string naming an existing file, read from the file; any other string
    parsed as YAML; a dict validated as the YAML's mapping would be."""
    if isinstance(schema, Survey):
        return schema
    if isinstance(schema, Path):
        return load_schema(schema)
    if isinstance(schema, str):
        if "\n" not in schema and _is_file(schema):
            return load_schema(schema)
        data, lines = parse_yaml(schema, TEXT_SCHEMA)
        return _built(data, lines)
    if isinstance(schema, Mapping):
        return _built(dict(schema), {})
    raise GapscanError.single(
        f"the schema is a {type(schema).__qualname__}",
        file=TEXT_SCHEMA,
        hint="give a Survey, the path of a schema file, its YAML text or a dict",
    )


def _is_file(text: str) -> bool:
    try:
        return Path(text).is_file()
    except (OSError, ValueError):
        return False


def _built(data: object, lines: dict[tuple[str | int, ...], int]) -> Survey:
    return build_schema(data, lines, Path(TEXT_SCHEMA))


def analyze_frame(
    df: object = None,
    schema: Survey | Path | str | Mapping[str, object] | None = None,
    *,
    vendor: object = None,
    customer: object = None,
    options: AnalysisOptions | None = None,
) -> GapReport:
    """Analyse data frames as ``gapscan analyze`` analyses files.

    ``df`` holds both sides (the schema's ``sides.column``); or give one frame per
    side as ``vendor=`` and ``customer=`` (``df`` then None). A frame is a pandas or
    polars DataFrame or a pyarrow Table. Problems are raised as ``GapscanError`` with
    the messages the command line shows; a frame's rows are counted as ``df.iloc``
    counts them (from 0), and its name in messages is ``<frame>`` (``<vendor frame>``,
    ``<customer frame>``). The report's ``inputs`` name those, with format ``frame``.
    """
    if schema is None:
        raise GapscanError.single(
            "no schema given", hint="analyze_frame(df, schema): a schema file, YAML or a dict"
        )
    survey = survey_of(schema)
    options = options or AnalysisOptions()
    if df is None and vendor is None and customer is None:
        raise GapscanError.single(
            "no data given", hint="give a data frame, or vendor= and customer= frames"
        )
    if df is not None and (vendor is not None or customer is not None):
        raise GapscanError.single(
            "give either one frame holding both sides, or vendor= and customer= frames",
            hint="a frame with both sides needs the schema's sides.column",
        )
    if df is None and (vendor is None or customer is None):
        missing = "customer" if vendor is not None else "vendor"
        raise GapscanError.single(
            f"no {missing} frame given", hint="give both vendor= and customer= frames"
        )
    data: list[Frame] = [] if df is None else [frame_of(df, "<frame>")]
    vendors = [] if vendor is None else [frame_of(vendor, "<vendor frame>")]
    customers = [] if customer is None else [frame_of(customer, "<customer frame>")]
    responses = load_responses(
        survey,
        data,
        vendor=vendors,
        customer=customers,
        segments=options.segments,
        paired=options.resolved_mode(survey) is Mode.PAIRED,
    )
    return analyze(survey, responses, options)
