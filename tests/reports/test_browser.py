"""The reports in headless Chromium: nothing planted executes, the pages pass axe's WCAG 2.x
A/AA checks, and they are readable at desktop and phone widths (screenshots saved).

Screenshots go to ``$POAUDIT_SCREENSHOTS`` when set (CI keeps them), else the test's tmp dir.
Skipped, with the reason, when Debian's chromium and chromium-driver are missing.
"""

from __future__ import annotations

import base64
import functools
import os
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

import reports
from tests.reports.conftest import Scored

HAVE_BROWSER = os.access("/usr/bin/chromium", os.X_OK) and os.access("/usr/bin/chromedriver",
                                                                       os.X_OK)
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not HAVE_BROWSER, reason="Debian chromium and chromium-driver are not "
                       "installed (/usr/bin/chromium)"),
]
WIDTHS = {"desktop": 1280, "phone": 390}
TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
CANARY = """
window.__executed = [];
for (const name of ['alert', 'confirm', 'prompt']) {
  window[name] = (m) => { window.__executed.push(name + ':' + String(m)); };
}
"""
ACTIVE = """
const all = [...document.querySelectorAll('*')];
return {
  executed: window.__executed || [],
  scripts: document.scripts.length,
  // the report's own trend charts (svg.trend: numbers only, built by reports._trends) aside
  active: document.querySelectorAll('img, svg:not(.trend), iframe, object, embed, form').length,
  handlers: all.filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length,
  js_links: [...document.links].filter(a => !/^(https?:|mailto:)/.test(a.href)).length,
  overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
  height: document.documentElement.scrollHeight,
};
"""


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def served(scored: Scored, tmp_path: Path) -> Iterator[tuple[str, dict[str, Path]]]:
    out = tmp_path / "out"
    paths = reports.write_reports(scored.store, scored.run_id, scored.profile, out,
                                  ieg=True, partners=True)
    handler = functools.partial(_Quiet, directory=str(out))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        pages = {k: p for k, p in paths.items() if p.suffix == ".html"}
        yield f"http://127.0.0.1:{httpd.server_address[1]}", {
            k: p.relative_to(out) for k, p in pages.items()}
    finally:
        httpd.shutdown()
        httpd.server_close()


def _shots_dir(tmp_path: Path) -> Path:
    where = os.environ.get("POAUDIT_SCREENSHOTS")
    path = Path(where) if where else tmp_path / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


def test_reports_in_chromium(served: tuple[str, dict[str, Path]], tmp_path: Path) -> None:
    from probes.browser.axe import AxeOptions, run_axe
    from probes.browser.driver import LOOPBACK_ONLY_ARGS, BrowserConfig, start_browser

    base, pages = served
    shots = _shots_dir(tmp_path)
    problems: list[str] = []
    for device, width in WIDTHS.items():
        config = BrowserConfig(window_size=(max(width, 800), 900), extra_args=LOOPBACK_ONLY_ARGS)
        with start_browser(config) as browser:
            d = browser.driver
            d.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": CANARY})
            d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
                "width": width, "height": 900, "deviceScaleFactor": 1,
                "mobile": width < 600})
            for kind, rel in pages.items():
                d.get(f"{base}/{rel.as_posix()}")
                state = d.execute_script(ACTIVE)
                where = f"{kind} at {device} width"
                assert state["executed"] == [], f"{where}: planted script ran"
                assert state["scripts"] == 0 and state["active"] == 0, where
                assert state["handlers"] == 0 and state["js_links"] == 0, where
                assert state["overflow"] <= 0, f"{where}: wider than the screen"
                shot = d.execute_cdp_cmd("Page.captureScreenshot", {
                    "format": "png", "captureBeyondViewport": True,
                    "clip": {"x": 0, "y": 0, "width": width,
                             "height": min(int(state["height"]), 16000), "scale": 1}})
                name = kind.replace(":", "-") + f"-{device}.png"
                (shots / name).write_bytes(base64.b64decode(shot["data"]))
                result = run_axe(browser, AxeOptions(tags=TAGS))
                problems += [f"{where}: {v['id']} ({len(v['nodes'])}): {v['help']}"
                             for v in result.violations]
    assert not problems, "\n".join(problems)
    assert len(list(shots.glob("*.png"))) == len(pages) * len(WIDTHS)
