"""Machine outputs keep the keys and columns docs/report-schema.md documents; JUnit parses."""

from __future__ import annotations

import csv
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

import reports
from poaudit.catalogue import load_catalogue
from reports._csv import FINDING_COLUMNS, OUTCOME_COLUMNS
from reports._ieg import IEG_COLUMNS
from reports._partners import PARTNER_COLUMNS
from scoring import EVIDENCE_KEYS, Status
from tests.reports.conftest import Scored

DOC = Path(__file__).resolve().parents[2] / "docs" / "report-schema.md"
FREE_FORM = {"data", "detail", "by_status"}  # objects whose keys are not fixed by the schema


def documented(marker: str) -> str:
    text = DOC.read_text(encoding="utf-8")
    match = re.search(rf"<!-- schema:{marker} -->\s*```\w+\n(.*?)```", text, re.S)
    assert match, f"docs/report-schema.md has no schema:{marker} block"
    return match.group(1)


def same_keys(doc: Any, real: Any, where: str = "$") -> None:
    """Every object in ``real`` has exactly the documented keys (lists: first item)."""
    if isinstance(doc, dict):
        assert isinstance(real, dict), where
        if where.rsplit(".", 1)[-1] in FREE_FORM:
            return
        assert set(real) == set(doc), f"{where}: {sorted(set(real) ^ set(doc))}"
        for key in doc:
            if real[key] is not None and doc[key] is not None:
                same_keys(doc[key], real[key], f"{where}.{key}")
    elif isinstance(doc, list) and doc and real:
        for i, item in enumerate(real):
            same_keys(doc[0], item, f"{where}[{i}]")


@pytest.fixture
def written(scored: Scored, tmp_path: Path) -> dict[str, Path]:
    return reports.write_reports(scored.store, scored.run_id, scored.profile, tmp_path,
                                 ieg=True, partners=True)


def test_write_reports_kinds(written: dict[str, Path], scored: Scored) -> None:
    stem = f"{scored.profile.name}-run{scored.run_id}"
    assert written["html"].name == f"{stem}.html"
    assert {"html", "json", "outcomes-csv", "findings-csv", "junit", "ieg-html", "ieg-csv",
            "partner:suffolk-county-council:csv"} <= set(written)
    assert all(p.is_file() for p in written.values())


def test_json_matches_the_documented_schema(written: dict[str, Path]) -> None:
    doc = json.loads(documented("json"))
    real = json.loads(written["json"].read_text(encoding="utf-8"))
    same_keys(doc, real)
    assert real["schema_version"] == reports.SCHEMA_VERSION == doc["schema_version"]
    assert [o["code"] for o in real["outcomes"]] == list(load_catalogue().codes)
    assert set(real["summary"]["by_status"]) == {s.value for s in Status}
    assert sum(real["summary"]["by_status"].values()) == 73
    for o in real["outcomes"]:
        for e in o["evidence"]:
            assert tuple(e) == EVIDENCE_KEYS
    by_code = {o["code"]: o for o in real["outcomes"]}
    # a district meets R1 by its deep link: the county answers for the checklist
    assert by_code["R1"]["status"] == "met via partner deep link"
    assert {c["how"] for c in by_code["R1"]["checklist"]} == {"partner"}
    assert [c["how"] for c in by_code["R20"]["checklist"]] == ["attest"] * 3
    assert by_code["R5"]["checklist"][0]["how"] == "observe"


def test_csv_headers_match_the_docs(written: dict[str, Path]) -> None:
    files = {"outcomes-csv": OUTCOME_COLUMNS, "findings-csv": FINDING_COLUMNS,
             "ieg-csv": IEG_COLUMNS, "partner-csv": PARTNER_COLUMNS}
    for marker, columns in files.items():
        assert documented(marker).strip().split(",") == list(columns), marker
    partner = written["partner:suffolk-county-council:csv"]
    for kind, path in (("outcomes-csv", written["outcomes-csv"]),
                       ("findings-csv", written["findings-csv"]),
                       ("ieg-csv", written["ieg-csv"]), ("partner-csv", partner)):
        with path.open(encoding="utf-8", newline="") as fh:
            header = next(csv.reader(fh))
        assert header == list(files[kind]), kind


def test_outcomes_csv_has_one_row_per_outcome_and_guards_formulas(
        written: dict[str, Path]) -> None:
    with written["outcomes-csv"].open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["code"] for r in rows] == list(load_catalogue().codes)
    g3 = next(r for r in rows if r["code"] == "G3")
    assert "=HYPERLINK" in g3["reasons"] and not g3["reasons"].startswith("=")
    with written["findings-csv"].open(encoding="utf-8", newline="") as fh:
        findings = list(csv.DictReader(fh))
    formula = next(r for r in findings if "HYPERLINK" in r["message"])
    assert formula["message"].startswith("'=")
    assert all(json.loads(r["detail"]) is not None for r in findings)


def test_junit_parses_with_one_testcase_per_outcome(written: dict[str, Path],
                                                    scored: Scored) -> None:
    root = ET.parse(written["junit"]).getroot()
    assert root.tag == "testsuites"
    cases = root.findall("./testsuite/testcase")
    assert [c.get("name", "").split()[0] for c in cases] == list(load_catalogue().codes)
    statuses = {r.code: r.status for r in scored.store.outcome_results(scored.run_id)}
    for case in cases:
        code = case.get("name", "").split()[0]
        failed = case.find("failure") is not None
        skipped = case.find("skipped") is not None
        assert failed == (statuses[code] in ("not met", "partly met")), code
        assert skipped == (statuses[code] in ("not assessed", "needs attestation",
                                               "not applicable")), code
    suite = root.find("testsuite")
    assert suite is not None
    assert suite.get("tests") == "73"
    assert int(suite.get("failures", "0")) == sum(
        s in ("not met", "partly met") for s in statuses.values())
    text = written["junit"].read_text(encoding="utf-8")
    assert "\x00" not in text and "\x1b" not in text


def test_ieg_pack_lists_what_must_be_attested(written: dict[str, Path]) -> None:
    with written["ieg-csv"].open(encoding="utf-8", newline="") as fh:
        rows = {r["code"]: r for r in csv.DictReader(fh)}
    assert list(rows) == list(load_catalogue().codes)  # the notes' order
    assert rows["R4"]["to_attest"] == "Sharing of secure information relating to crime reduction"
    assert rows["R20"]["to_attest"] == "" and rows["R20"]["attested_by"].startswith("A. Officer")
    assert rows["R19"]["status"] == "not applicable" and rows["R19"]["to_attest"] == ""
    html = written["ieg-html"].read_text(encoding="utf-8")
    assert "What must still be attested by hand" in html
    assert html.index('id="attest-R4"') < html.index('id="attest-R21"')
    assert 'id="attest-R20"' not in html


def test_unscored_run_is_a_clear_error(scored: Scored, tmp_path: Path) -> None:
    run = scored.store.start_run("x", "X Council")
    with pytest.raises(reports.ReportError, match="has not been scored"):
        reports.write_reports(scored.store, run, scored.profile, tmp_path)


def test_reporters_share_one_lifecycle(scored: Scored, tmp_path: Path) -> None:
    calls: list[str] = []

    class Probe(reports.Reporter):
        def begin(self, ctx: reports.ReportContext) -> None:
            super().begin(ctx)
            calls.append("begin")

        def result(self, view: reports.OutcomeView) -> None:
            calls.append(view.code)

        def end(self) -> dict[str, Path]:
            calls.append("end")
            return {}

    ctx = reports.collect(scored.store, scored.run_id, scored.profile, tmp_path)
    reports.run_reporters(ctx, [Probe()])
    assert calls == ["begin", *load_catalogue().codes, "end"]


def test_public_api() -> None:
    public = {n for n in dir(reports) if not n.startswith("_")} - {"annotations", "Path",
                                                                   "Profile", "Store"}
    assert set(reports.__all__) == public
