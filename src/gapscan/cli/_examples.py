"""The examples that end each command's ``--help``: real commands, run from the root of
gapscan's repository on its bundled ``surveys/`` files (tests/cli/test_help.py runs
every one of them). This module is imported for any command line: plain strings only."""

from __future__ import annotations

# command ("" for gapscan itself) -> (what it shows, the command line; a line ending
# in a backslash goes on on the next)
EXAMPLES: dict[str, list[tuple[str, str]]] = {
    "": [
        (
            "draft a schema from a survey tool's export, then check it",
            "gapscan init surveys/qualtrics-export.csv --out survey.yaml\n"
            "gapscan validate survey.yaml",
        ),
        (
            "the gaps of a bundled example, in the terminal",
            "gapscan analyze surveys/cmo-affinity.yaml",
        ),
    ],
    "analyze": [
        (
            "every question's gap, overall and per region",
            "gapscan analyze surveys/cmo-affinity.yaml --by region",
        ),
        (
            "a markdown report, its charts in charts/",
            "gapscan analyze surveys/cmo-affinity.yaml --format markdown --out report.md",
        ),
        (
            "this quarter against last quarter's JSON report (exit 1: a rule breached)",
            "gapscan analyze surveys/cmo-affinity.yaml surveys/waves/affinity-2026Q3.csv \\\n"
            "    --baseline reports/2026Q2.json",
        ),
    ],
    "trend": [
        (
            "each gap across the three bundled quarters, and its change",
            "gapscan trend surveys/cmo-affinity.yaml surveys/waves/*.csv",
        ),
        (
            "the same as a markdown report with its trend chart",
            "gapscan trend surveys/cmo-affinity.yaml surveys/waves/*.csv \\\n"
            "    --format markdown --out trend.md",
        ),
    ],
    "validate": [
        (
            "every problem of a schema and its data, at once",
            "gapscan validate surveys/cmo-affinity.yaml",
        ),
        (
            "another data file, warnings counted as errors",
            "gapscan validate surveys/cmo-affinity.yaml surveys/waves/affinity-2026Q3.csv \\\n"
            "    --strict",
        ),
        (
            "the same as JSON, each problem with its code",
            "gapscan validate surveys/cmo-affinity.yaml --format json",
        ),
    ],
    "init": [
        (
            "draft a schema from a Qualtrics export",
            "gapscan init surveys/qualtrics-export.csv --out survey.yaml",
        ),
        (
            "name the column that tells vendors from customers",
            "gapscan init surveys/cmo-affinity.csv --side-column respondent_type \\\n"
            "    --out sides.yaml",
        ),
    ],
    "columns": [
        (
            "an export's columns, as a schema names them",
            "gapscan columns surveys/qualtrics-export.csv",
        ),
        ("the same as JSON", "gapscan columns surveys/cmo-affinity.csv --format json"),
    ],
    "weights": [
        (
            "a weight per respondent, by the schema's weighting:",
            "gapscan weights surveys/weighted-poststrat.yaml --out weights.csv",
        ),
        ("the same to standard output", "gapscan weights surveys/weighted-poststrat.yaml"),
    ],
    "sql": [
        ("the count query, for DuckDB", "gapscan sql surveys/cmo-affinity.yaml --table responses"),
        (
            "for BigQuery, per region",
            "gapscan sql surveys/cmo-affinity.yaml --table survey.responses \\\n"
            "    --dialect bigquery --by region",
        ),
    ],
}


def epilog(command: str, before: str = "") -> str:
    """The end of ``gapscan COMMAND --help``: ``before``, then the examples (in rich
    markup: a ``[`` is escaped)."""
    lines = ["Examples (from gapscan's repository):", ""]
    for what, line in EXAMPLES[command]:
        lines.append(f"# {what}")
        lines += line.splitlines()
    text = "\n".join(lines).replace("[", "\\[")
    return f"{before}\n\n{text}" if before else text
