"""Corpora written outside poaudit: axe-core's own fixtures and GDS's tool audit."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.axe_bench import LoopbackServer, score_gds, score_integration
from probes.browser.axe import ALL_TAGS, DEFAULT_TAGS, axe_core_version
from probes.browser.pool import BrowserPool

pytestmark = pytest.mark.browser

#: Measured with axe-core 4.10.2 on Chromium 156 (bench/axe_bench.py integration): 512 targets
#: matched, 15 missed, 15 extra. The differences are axe-core 4.10.2 vs the 4.11.4 expectations
#: (with axe-core 4.13 the same pipeline scores 0.972) and layout (target-size).
INTEGRATION_AGREEMENT = 0.945
MARGIN = 0.02

# A representative GDS subset: found by both, by GDS only (rules removed or made best-practice
# since 2018), by poaudit only (incidental faults on linked example pages), and by neither.
GDS_SUBSET = {
    "images-image-with-no-alt-attribute": (True, True),
    "forms-form-element-has-no-label": (True, True),
    "language-of-content-html-element-is-missing-a-lang-attribute": (True, True),
    "colour-and-contrast-small-text-does-not-have-a-contrast-ratio-of-at-least-45-1-so-does-"
    "not-meet-aa": (True, True),
    "links-blank-link-text": (True, True),
    "frames-iframe-is-missing-a-title-attribute": (True, True),
    "lists-li-element-with-no-parent": (True, True),
    "html-invalid-aria-role-names": (True, True),
    "tables-table-has-no-table-headings": (False, True),
    "headings-empty-heading": (False, True),
    "keyboard-access-tabindex-greater-than-0": (False, True),
    "forms-placeholder-no-label": (False, False),
    "html-duplicate-id": (False, False),
    "tables-table-that-only-has-th-elements-in-it": (False, False),
    "headings-missing-h1": (True, True),
    "content-content-identified-by-location": (False, False),
    "tables-table-with-some-empty-cells": (False, False),
    "page-title-inappropriate-page-title": (False, True),
}


def test_axe_core_integration_agreement(corpora: Path, pool: BrowserPool,
                                        server: LoopbackServer) -> None:
    if axe_core_version() != "4.10.2":
        pytest.skip("the measured figure is for the bundled axe-core 4.10.2")
    score = score_integration(pool, server)
    assert not score.not_assessed
    assert score.fixtures >= 60
    assert score.agreement >= INTEGRATION_AGREEMENT - MARGIN, score.differences


@pytest.mark.parametrize(("tags", "col"), [(DEFAULT_TAGS, 0), (ALL_TAGS, 1)],
                         ids=["default-AA", "all-tags"])
def test_gds_subset(corpora: Path, pool: BrowserPool, server: LoopbackServer,
                    tags: tuple[str, ...], col: int) -> None:
    score = score_gds(pool, server, tags, case_ids=set(GDS_SUBSET))
    assert score.n == len(GDS_SUBSET) and not score.not_assessed
    expected = {cid for cid, found in GDS_SUBSET.items() if found[col]}
    assert set(score.found) == expected
    if col == 1:
        assert score.baseline_rules == ["region"]  # h1 outside landmarks in GDS's template
