"""JUnit XML for CI pipelines: one testcase per outcome.

not met and partly met are failures; not assessed, needs attestation and not applicable are
skipped (with the reason); met and met via partner deep link pass.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from reports._base import Reporter
from reports._cells import xml_text
from reports._context import OutcomeView, ReportContext

__all__ = ["FAILURES", "SKIPS", "JunitReporter"]

FAILURES = ("not met", "partly met")
SKIPS = ("not assessed", "needs attestation", "not applicable")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def _details(view: OutcomeView) -> str:
    lines = [f"{view.code}: {view.label} (confidence {view.record.confidence or 'n/a'})"]
    lines += [f"- {r}" for r in view.record.reasons]
    urls = [e["url"] for e in view.record.evidence if isinstance(e.get("url"), str)]
    lines += [f"  evidence: {u}" for u in list(dict.fromkeys(urls))[:10]]
    if view.fix:
        lines.append(f"What to do: {view.fix}")
    return xml_text("\n".join(lines))


class JunitReporter(Reporter):
    """``<site>-run<id>-junit.xml``."""

    name = "junit"

    def begin(self, ctx: ReportContext) -> None:
        super().begin(ctx)
        self.suite = ET.Element("testsuite", {
            "name": xml_text(f"Priority Outcomes: {ctx.profile.council}"),
            "timestamp": ctx.run.started_at.isoformat(),
        })
        ET.SubElement(ET.SubElement(self.suite, "properties"), "property", {
            "name": "scoring_version", "value": ", ".join(ctx.scoring_versions)})
        self.counts = {"tests": 0, "failures": 0, "skipped": 0}

    def result(self, view: OutcomeView) -> None:
        self.counts["tests"] += 1
        case = ET.SubElement(self.suite, "testcase", {
            "classname": f"poaudit.area{view.outcome.area:02d}_{_slug(view.outcome.area_name)}",
            "name": xml_text(f"{view.code} {view.outcome.text[:100]}"),
            "time": "0",
        })
        if view.status in FAILURES:
            self.counts["failures"] += 1
            node = ET.SubElement(case, "failure", {"message": xml_text(view.label),
                                                   "type": view.status})
            node.text = _details(view)
        elif view.status in SKIPS:
            self.counts["skipped"] += 1
            reason = view.record.reasons[0] if view.record.reasons else view.label
            ET.SubElement(case, "skipped", {"message": xml_text(f"{view.label}: {reason}")})
        ET.SubElement(case, "system-out").text = _details(view)

    def end(self) -> dict[str, Path]:
        for key, value in self.counts.items():
            self.suite.set(key, str(value))
        self.suite.set("errors", "0")
        root = ET.Element("testsuites", {"name": "poaudit", **{
            k: str(v) for k, v in self.counts.items()}})
        root.append(self.suite)
        ET.indent(root)
        path = self.path("-junit.xml")
        ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
        return {"junit": path}
