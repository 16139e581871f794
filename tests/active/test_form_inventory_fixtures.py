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
