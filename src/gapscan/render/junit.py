"""``--junit PATH``: each rule x question as a JUnit test case, a breach a failure, so
CI dashboards show breaches as failed tests. User text goes through
:func:`gapscan.text.visible`: it holds no character XML 1.0 forbids, so the file always
parses (ElementTree escapes ``&``, ``<`` and quotes)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

from gapscan.render import _format as fmt
from gapscan.report import RuleOutcome
from gapscan.text import visible


def render(rules: Sequence[RuleOutcome], questions: Sequence[str], suite: str) -> str:
    """One ``<testcase>`` per rule and question it covers: a ``<failure>`` per breach,
    ``<skipped>`` when nothing was checked (suppressed, or no baseline)."""
    cases: list[ET.Element] = []
    failures = skipped = 0
    for outcome in rules:
        rule = outcome.rule
        for question in questions:
            if not rule.applies_to(question):
                continue
            case = ET.Element(
                "testcase",
                classname=f"gapscan.{rule.metric.value}",
                name=visible(f"{rule.name} [{question}]"),
            )
            breaches = [b for b in outcome.breaches if b.question == question]
            for b in breaches:
                where = f" in {visible(fmt.segment_title(b.segment))}" if b.segment else ""
                detail = fmt.breach_text(visible(b.question), b.value, b.bound, b.limit, b.metric)
                failure = ET.SubElement(case, "failure", message=f"{detail}{where}", type="breach")
                failure.text = (
                    f"rule '{visible(rule.name)}' breached: {detail}{where}, {fmt.breach_p(b)}"
                )
            failures += bool(breaches)
            if (
                not breaches
                and outcome.checked_questions is not None
                and question not in outcome.checked_questions
            ):
                ET.SubElement(
                    case, "skipped", message="not checked: suppressed, or no value for this metric"
                )
                skipped += 1
            cases.append(case)
    root = ET.Element("testsuites", name="gapscan", tests=str(len(cases)), failures=str(failures))
    suite_el = ET.SubElement(
        root,
        "testsuite",
        name=visible(suite),
        tests=str(len(cases)),
        failures=str(failures),
        errors="0",
        skipped=str(skipped),
    )
    suite_el.extend(cases)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
