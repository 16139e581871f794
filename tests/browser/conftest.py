"""Browser-stage fixtures: a loopback server for fixtures and corpora, a shared 2-browser pool.

Every browser test is marked ``browser`` and skipped (with the reason) when Debian's chromium
or chromium-driver is missing. Browsers are kept on loopback (LOOPBACK_ONLY_ARGS).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.axe_bench import LoopbackServer, corpora_dir, loopback_pool
from probes.browser.pool import BrowserPool

FIXTURES = Path(__file__).parent / "fixtures"
HAVE_BROWSER = os.access("/usr/bin/chromium", os.X_OK) and os.access("/usr/bin/chromedriver",
                                                                       os.X_OK)
NO_BROWSER = "Debian chromium and chromium-driver are not installed (/usr/bin/chromium)"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if HAVE_BROWSER:
        return
    for item in items:
        if item.get_closest_marker("browser") is not None:
            item.add_marker(pytest.mark.skip(reason=NO_BROWSER))


@pytest.fixture(scope="session")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A served folder tests may write pages into (URL prefix /scratch)."""
    return tmp_path_factory.mktemp("served")


@pytest.fixture(scope="session")
def server(scratch: Path) -> Iterator[LoopbackServer]:
    c = corpora_dir()
    with LoopbackServer({
        "/fixtures": FIXTURES,
        "/scratch": scratch,
        "/gds": c / "gds-accessibility-tool-audit",
        "/axe": c / "axe-core-integration",
        "/integration": c / "axe-core-integration" / "integration",
    }) as s:
        yield s


@pytest.fixture(scope="session")
def pool() -> Iterator[BrowserPool]:
    """Two loopback-only browsers shared by the tests that do not test the pool itself."""
    if not HAVE_BROWSER:
        pytest.skip(NO_BROWSER)
    with loopback_pool(size=2, page_timeout=20) as p:
        yield p


@pytest.fixture
def corpora() -> Path:
    c = corpora_dir()
    if not (c / "a11y-audit-expected.json").exists():
        pytest.skip(f"shared corpora not found at {c}")
    return c
