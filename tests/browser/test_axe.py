"""axe-core in the browser: exact rule ids on known pages, incomplete kept apart, frames, Grid."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.axe_bench import LoopbackServer
from poaudit.findings import Kind
from probes import accessibility_axe
from probes.browser.axe import DEFAULT_TAGS, AxeOptions, axe_core_version
from probes.browser.driver import LOOPBACK_ONLY_ARGS, BrowserConfig
from probes.browser.pool import BrowserPool, PageResult, PoolConfig

pytestmark = pytest.mark.browser

FAULTS = {"button-name", "color-contrast", "html-has-lang", "image-alt", "label", "link-name",
          "list"}


def one(pool: BrowserPool, url: str, options: AxeOptions | None = None) -> PageResult:
    (result,) = list(pool.run([url], options))
    assert result.assessed, result.error
    return result


def test_known_faults_give_exactly_the_expected_rules(pool: BrowserPool,
                                                       server: LoopbackServer) -> None:
    res = one(pool, server.url("fixtures/faults.html"))
    assert res.axe is not None
    assert set(res.axe.violation_ids()) == FAULTS
    targets = {v["id"]: [n["target"] for n in v["nodes"]] for v in res.axe.violations}
    assert targets["image-alt"] == [["#logo"]]
    assert targets["label"] == [["#postcode"]]
    assert res.axe.axe_version == axe_core_version() == "4.10.2"
    assert res.axe.tags == DEFAULT_TAGS
    assert res.axe.how_loaded == "cdp"  # registered once per browser, not injected per page


def test_clean_page_has_no_violations(pool: BrowserPool, server: LoopbackServer) -> None:
    res = one(pool, server.url("fixtures/clean.html"))
    assert res.axe is not None
    assert res.axe.violations == []
    assert len(res.axe.passes) > 10
    findings = accessibility_axe.findings_for(res)
    assert [f.kind for f in findings] == [Kind.PASS]
    assert findings[0].message.startswith("No automated failures found")
    assert "compliant" not in findings[0].message.lower()


def test_incomplete_is_kept_apart_from_violations(pool: BrowserPool,
                                                   server: LoopbackServer) -> None:
    res = one(pool, server.url("fixtures/review.html"))
    assert res.axe is not None
    assert res.axe.violations == []
    assert res.axe.incomplete_ids() == ["color-contrast"]
    kinds = [f.kind for f in accessibility_axe.findings_for(res)]
    assert Kind.FAIL not in kinds
    assert kinds.count(Kind.WARNING) == 1 and kinds[-1] is Kind.PASS


def test_same_origin_frames_are_tested(pool: BrowserPool, server: LoopbackServer) -> None:
    res = one(pool, server.url("fixtures/frames.html"))
    assert res.axe is not None
    assert [n["target"] for v in res.axe.violations for n in v["nodes"]] == [["#map", "#map-image"]]


def test_cross_origin_frames_are_tested(pool: BrowserPool, server: LoopbackServer,
                                        scratch: Path) -> None:
    # 127.0.0.1 and localhost are different sites: the frame runs out of process, where CDP
    # registration does not reach; ensure_axe injects axe through WebDriver.
    port = server.base.rsplit(":", 1)[1]
    (scratch / "xframe.html").write_text(
        "<!DOCTYPE html><html lang='en'><head><title>x</title></head><body><main><h1>x</h1>"
        f"<iframe title='other' src='http://localhost:{port}/fixtures/framed.html'></iframe>"
        "</main></body></html>", encoding="utf-8")
    res = one(pool, server.url("scratch/xframe.html"))
    assert res.axe is not None
    assert res.axe.frames_injected >= 1
    assert ["iframe", "#map-image"] in [n["target"] for v in res.axe.violations
                                        for n in v["nodes"]]
    assert res.dom_hash is None  # frame content not visible: never deduplicated


def test_run_yields_findings_per_page(pool: BrowserPool, server: LoopbackServer) -> None:
    urls = [server.url("fixtures/faults.html"), server.url("fixtures/clean.html")]
    findings = list(accessibility_axe.run(urls, {"pool": pool}))
    fails = [f for f in findings if f.kind is Kind.FAIL]
    assert {f.detail["rule"] for f in fails} == FAULTS
    assert all(f.outcomes == ("G20",) and f.probe_id == "accessibility-axe" for f in findings)
    img = next(f for f in fails if f.detail["rule"] == "image-alt")
    assert img.detail["wcag"] == ["1.1.1"]
    assert img.detail["nodes"][0]["html"].startswith('<img id="logo"')
    assert img.detail["axe_version"] == "4.10.2"
    summaries = [f for f in findings if f.detail.get("summary")]
    assert {f.page_url: f.kind for f in summaries} == {urls[0]: Kind.INFO, urls[1]: Kind.PASS}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def grid() -> Iterator[str]:
    """A W3C WebDriver endpoint on loopback (chromedriver standing in for a Selenium Grid)."""
    port = _free_port()
    proc = subprocess.Popen(["/usr/bin/chromedriver", f"--port={port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(50):
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.kill()
        proc.wait()


def test_remote_webdriver_replaces_local_browsers(server: LoopbackServer, grid: str) -> None:
    cfg = PoolConfig(size=1, page_timeout=20,
                     browser=BrowserConfig(remote_url=grid, extra_args=LOOPBACK_ONLY_ARGS))
    with BrowserPool(cfg) as remote:
        (res,) = list(remote.run([server.url("fixtures/faults.html")]))
    assert res.axe is not None, res.error
    assert set(res.axe.violation_ids()) == FAULTS
    assert res.axe.how_loaded == "injected"  # no CDP on a remote session
