"""The registry, the catalogue and the generated probe docs agree."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from poaudit.catalogue import load_catalogue
from probes.registry import registry

ROOT = Path(__file__).resolve().parents[1]


def _gen():
    path = ROOT / "scripts/gen_probe_docs.py"
    spec = importlib.util.spec_from_file_location("gen_probe_docs", path)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_probe_docs_are_current() -> None:
    assert (ROOT / "docs/probes.md").read_text(encoding="utf-8") == _gen().render(), (
        "docs/probes.md is stale: run `make docs`"
    )


def test_every_registered_probe_is_in_the_catalogue() -> None:
    declared = {p.id for p in load_catalogue().probe_ids}
    extra = {"crawl-traps"}  # crawler findings, not outcome evidence of their own
    for probe_id, probe in registry().items():
        assert probe_id in declared | extra, f"{probe_id} is not declared in config/outcomes.yaml"
        assert probe.doc, f"{probe_id} has no docstring"
        assert probe.meta.outcomes or probe_id in extra


def test_probe_outcomes_match_catalogue() -> None:
    cat = load_catalogue()
    for probe_id, probe in registry().items():
        for code in probe.meta.outcomes:
            assert probe_id in cat.get(code).probes, f"{code} does not list {probe_id}"
