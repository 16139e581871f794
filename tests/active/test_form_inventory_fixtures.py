"""form-inventory fixtures: ``tests/probes/form-inventory/<case>.html`` + ``.expected.json``.

The expectation is exhaustive (axe-core's integration fixtures): every finding ``evaluate``
gives for the page, as ``Finding.as_dict()``, in order; anything extra or missing fails. The
JSON also names the page URL, the site's hosts and its partners' hosts. Regenerate after a
deliberate change and review the diff:

    POAUDIT_UPDATE_FIXTURES=1 .venv/bin/pytest tests/active/test_form_inventory_fixtures.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from probes import form_inventory
from probes.base import Context, Page

HERE = Path(__file__).resolve().parents[1] / "probes" / "form-inventory"
CASES = sorted(p.stem for p in HERE.glob("*.html"))
UPDATE = os.environ.get("POAUDIT_UPDATE_FIXTURES") == "1"


def _run(case: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    spec = json.loads((HERE / f"{case}.expected.json").read_text(encoding="utf-8"))
    hosts = frozenset(spec["site_hosts"])
    ctx = Context(site_hosts=hosts, partner_hosts=spec.get("partner_hosts", {}))
    html = (HERE / f"{case}.html").read_text(encoding="utf-8")
    page = Page(spec["url"], spec["url"], 200, html, site_hosts=hosts)
    found = [f.as_dict() for f in form_inventory.evaluate(page, ctx)]
    return spec, json.loads(json.dumps(found))


@pytest.mark.parametrize("case", CASES)
def test_fixture(case: str) -> None:
    spec, found = _run(case)
    if UPDATE:
        spec["findings"] = found
        text = json.dumps(spec, indent=2, ensure_ascii=False) + "\n"
        (HERE / f"{case}.expected.json").write_text(text, encoding="utf-8")
    assert found == spec["findings"]


def test_every_fixture_has_expectations() -> None:
    assert CASES
    for case in CASES:
        assert (HERE / f"{case}.expected.json").exists(), case


@pytest.mark.parametrize("case", CASES)
def test_quick_fingerprint_matches_the_full_one(case: str) -> None:
    html = (HERE / f"{case}.html").read_text(encoding="utf-8")
    page = Page("http://www.example.gov.uk/x", "http://www.example.gov.uk/x", 200, html)
    full = [f.fingerprint for f in form_inventory.extract_forms(page)]
    quick = [form_inventory._quick_fingerprint(page, el) for el in page.tree.iter("form")]
    assert quick == full
    assert form_inventory.extract_forms(page, skip=frozenset(quick)) == []


def test_repeats_are_counted_not_reported() -> None:
    html = (HERE / "contact-jadu.html").read_text(encoding="utf-8")
    other = html.replace("/site/scripts/xforms_submit.php", "/other.php")
    ctx = Context(site_hosts=frozenset({"www.midsuffolk.gov.uk"}))
    a, b = "http://www.midsuffolk.gov.uk/a", "http://www.midsuffolk.gov.uk/b"
    first = list(form_inventory.evaluate(Page(a, a, 200, html), ctx))
    again = list(form_inventory.evaluate(Page(b, b, 200, other), ctx))
    assert len(first) == 2 and len(again) == 1 and again[0].detail["category"] == "enquiry"
    summary = next(iter(form_inventory.finalize(ctx)))
    assert summary.detail["sightings"] == 4 and summary.detail["forms"] == 3
    search = next(f for f in summary.detail["form_list"] if f["category"] == "search")
    assert search["pages"] == 2
    assert summary.detail["by_category"]["enquiry"] == 2
