"""axe-core in a Selenium browser: register once, run with runOnly tags, slim results.

The axe-core script is the copy bundled with axe-selenium-python 3.0.0 (axe-core 4.10.2); the
version in every result is the one ``axe.version`` reports in the page, and a page that ships
its own, different ``axe`` global gets ours injected over it.

How axe gets into a page:

* local Chromium: registered once per browser with CDP
  ``Page.addScriptToEvaluateOnNewDocument``, so it is evaluated in every new document before the
  page's own scripts, including same-process (same-site) frames;
* remote WebDriver (a Grid, no CDP) or when registration is missing: injected with
  ``execute_script`` after load (the axe-selenium-python way).

Either way, before each run :func:`ensure_axe` walks the page's ``iframe``/``frame`` elements
through WebDriver and injects axe where it is missing (cross-site frames run in their own
process, which CDP registration does not reach). Every copy is configured with
``allowedOrigins: ['<unsafe_all_origins>']``, so ``axe.run`` in the top document collects
results from cross-origin frames too, with targets like ``["iframe", "#x"]`` (the
axe-selenium-python wrapper injects into the top frame only and loses them).

Limits: frames deeper than ``max_frame_depth`` or beyond ``max_frames``, frames inserted after
the walk, sandboxed frames without ``allow-scripts``, and closed shadow roots are not tested;
``object``/``embed`` documents are not walked. These are automated WCAG 2.x checks: axe finds
only part of the barriers a manual audit finds, and has no WCAG 1.0 rules.

A rule that throws (e.g. axe-core 4.10.2 cannot parse CSS Color 4 ``oklch(... none ...)``
values that Chromium 156 computes, which stops color-contrast for the whole page) comes back
in ``incomplete`` with an ``error`` and no nodes; :meth:`AxeResult.errored_rules` lists them.
Set ``POAUDIT_AXE_JS`` to a newer ``axe.min.js`` to pin another axe-core.

Options go to axe as ``JSON.parse(json.dumps(options))`` (never pasted as Python text), and
every failure comes back as :class:`AxeError` instead of a 60 s script timeout.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from selenium.common.exceptions import (
    JavascriptException,
    NoSuchFrameException,
    StaleElementReferenceException,
    WebDriverException,
)
from selenium.webdriver.common.by import By

from probes.browser.driver import Browser

__all__ = [
    "ALL_TAGS",
    "DEFAULT_TAGS",
    "WCAG22_TAGS",
    "AxeError",
    "AxeOptions",
    "AxeResult",
    "axe_core_version",
    "axe_source",
    "ensure_axe",
    "prepare_browser",
    "run_axe",
    "wcag_criteria",
]

#: WCAG 2.1 A and AA (tags are not cumulative: list every level you want).
DEFAULT_TAGS: tuple[str, ...] = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
#: WCAG 2.2 AA: adds wcag22aa (turns on target-size).
WCAG22_TAGS: tuple[str, ...] = (*DEFAULT_TAGS, "wcag22aa")
#: Everything GDS ran in its 2017-18 audit, plus the later WCAG 2.1/2.2 tags.
ALL_TAGS: tuple[str, ...] = (
    *WCAG22_TAGS,
    "section508",
    "best-practice",
    "experimental",
)

_CONFIGURE_JS = "axe.configure({allowedOrigins: ['<unsafe_all_origins>']});"


class AxeError(RuntimeError):
    """axe-core could not be loaded or ``axe.run`` rejected (the page, not the browser)."""


@cache
def axe_source() -> str:
    """The axe-core script: axe-selenium-python's bundled copy, or ``$POAUDIT_AXE_JS``."""
    override = os.environ.get("POAUDIT_AXE_JS")
    if override:
        return Path(override).read_text(encoding="utf-8")
    path = resources.files("axe_selenium_python") / "node_modules" / "axe-core" / "axe.min.js"
    return path.read_text(encoding="utf-8")


@cache
def axe_core_version() -> str:
    """The bundled axe-core version, from the script's banner (e.g. ``"4.10.2"``)."""
    match = re.search(r"axe v(\d+\.\d+\.\d+\S*)", axe_source()[:200])
    if not match:
        raise AxeError("cannot read the axe-core version from the bundled script")
    return match.group(1)


@cache
def _guarded_source() -> str:
    """axe plus its configuration, evaluated only where no axe of our version exists yet."""
    return (
        f"if (!(window.axe && window.axe.version === {json.dumps(axe_core_version())})) {{\n"
        f"{axe_source()}\n}}\ntry {{ {_CONFIGURE_JS} }} catch (e) {{}}\n"
    )


@dataclass(frozen=True, slots=True)
class AxeOptions:
    """What to run: runOnly tags, optional rule switches, frames on or off."""

    tags: tuple[str, ...] = DEFAULT_TAGS
    rules: Mapping[str, bool] = field(default_factory=dict)
    iframes: bool = True

    def to_axe(self, timeout_s: float = 30.0) -> dict[str, Any]:
        """The options object for ``axe.run`` (JSON-ready)."""
        opts: dict[str, Any] = {
            "runOnly": {"type": "tag", "values": list(self.tags)},
            # passes/inapplicable keep their rule list but only one node each: less to ship.
            "resultTypes": ["violations", "incomplete"],
            "iframes": self.iframes,
            "frameWaitTime": max(1000, int(timeout_s * 1000 / 2)),
            "performanceTimer": False,
        }
        if self.rules:
            opts["rules"] = {rid: {"enabled": bool(on)} for rid, on in sorted(self.rules.items())}
        return opts

    def key(self) -> str:
        """A stable string naming these options (dedupe caches are keyed by it)."""
        return json.dumps(
            {"tags": list(self.tags), "rules": dict(sorted(self.rules.items())),
             "iframes": self.iframes, "axe": axe_core_version()},
            sort_keys=True,
        )


@dataclass(slots=True)
class AxeResult:
    """The slimmed result of one ``axe.run``: violations and incomplete kept apart."""

    url: str
    axe_version: str
    tags: tuple[str, ...]
    violations: list[dict[str, Any]]
    incomplete: list[dict[str, Any]]
    passes: list[str]
    inapplicable: list[str]
    timestamp: str = ""
    elapsed_ms: float = 0.0
    how_loaded: str = "cdp"  # "cdp" (registered once) or "injected"
    frames_injected: int = 0

    @classmethod
    def from_js(
        cls, raw: Mapping[str, Any], tags: Iterable[str], elapsed_ms: float, how: str, frames: int
    ) -> AxeResult:
        """Build from the object :data:`_RUN_JS` returns."""
        engine = raw.get("testEngine") or {}
        return cls(
            url=str(raw.get("url", "")),
            axe_version=str(engine.get("version", "")),
            tags=tuple(tags),
            violations=list(raw.get("violations") or []),
            incomplete=list(raw.get("incomplete") or []),
            passes=[str(r) for r in raw.get("passes") or []],
            inapplicable=[str(r) for r in raw.get("inapplicable") or []],
            timestamp=str(raw.get("timestamp", "")),
            elapsed_ms=elapsed_ms,
            how_loaded=how,
            frames_injected=frames,
        )

    def violation_ids(self) -> list[str]:
        """Rule ids with at least one violation, sorted."""
        return sorted(str(v["id"]) for v in self.violations)

    def incomplete_ids(self) -> list[str]:
        """Rule ids that need review (rules that errored excluded), sorted."""
        return sorted(str(v["id"]) for v in self.incomplete if not v.get("error"))

    def errored_rules(self) -> dict[str, str]:
        """Rules that threw on this page (axe lists them as incomplete, with no nodes)."""
        return {str(v["id"]): str(v["error"]) for v in self.incomplete if v.get("error")}

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "url": self.url, "axe_version": self.axe_version, "tags": list(self.tags),
            "violations": self.violations, "incomplete": self.incomplete,
            "passes": self.passes, "inapplicable": self.inapplicable,
            "timestamp": self.timestamp, "elapsed_ms": self.elapsed_ms,
            "how_loaded": self.how_loaded, "frames_injected": self.frames_injected,
        }


# Runs axe and returns a slim, JSON-safe copy of the result; never throws, never hangs on a
# rejected promise (the axe-selenium-python template does both).
_RUN_JS = r"""
var done = arguments[arguments.length - 1];
var want = arguments[1];
try {
  if (typeof window.axe === 'undefined' || typeof window.axe.run !== 'function') {
    done({status: 'missing'}); return;
  }
  if (window.axe.version !== want) {
    done({status: 'mismatch', version: String(window.axe.version)}); return;
  }
  var options = JSON.parse(arguments[0]);
  var maxHtml = arguments[2];
  var node = function (n) {
    var html = String(n.html || '');
    return {target: n.target, html: html.length > maxHtml ? html.slice(0, maxHtml) + '…' : html,
            impact: n.impact || null, failureSummary: n.failureSummary || ''};
  };
  var rule = function (r) {
    return {id: r.id, impact: r.impact || null, tags: r.tags, description: r.description,
            help: r.help, helpUrl: r.helpUrl, nodes: r.nodes.map(node),
            error: r.error ? String(r.error.message || r.error) : null};
  };
  window.axe.run(document, options).then(function (r) {
    done({status: 'ok', result: {
      violations: r.violations.map(rule), incomplete: r.incomplete.map(rule),
      passes: r.passes.map(function (x) { return x.id; }),
      inapplicable: r.inapplicable.map(function (x) { return x.id; }),
      testEngine: r.testEngine, url: r.url, timestamp: r.timestamp}});
  }, function (e) {
    done({status: 'error', message: String((e && (e.stack || e.message)) || e)});
  });
} catch (e) {
  done({status: 'error', message: String((e && (e.stack || e.message)) || e)});
}
"""

_HAS_AXE_JS = "return !!(window.axe && window.axe.run && window.axe.version === arguments[0]);"


def prepare_browser(browser: Browser) -> bool:
    """Register axe once for every new document (CDP); False when only injection is possible."""
    if browser.axe_registered:
        return True
    cdp = getattr(browser.driver, "execute_cdp_cmd", None)
    if browser.is_remote or cdp is None:
        return False
    try:
        cdp("Page.addScriptToEvaluateOnNewDocument", {"source": _guarded_source()})
    except WebDriverException:
        return False
    browser.axe_registered = True
    return True


def ensure_axe(
    browser: Browser,
    *,
    top: bool = True,
    frames: bool = True,
    max_frame_depth: int = 4,
    max_frames: int = 30,
) -> int:
    """Make sure axe (our version) is in the top document and its frames; returns injections."""
    driver = browser.driver
    version = axe_core_version()
    count = 0
    driver.switch_to.default_content()
    if top and not driver.execute_script(_HAS_AXE_JS, version):
        driver.execute_script(_guarded_source())
        count += 1
    if frames:
        budget = [max_frames]
        count += _inject_frames(browser, version, 1, max_frame_depth, budget)
        driver.switch_to.default_content()
    return count


def _inject_frames(browser: Browser, version: str, depth: int, max_depth: int,
                   budget: list[int]) -> int:
    driver = browser.driver
    count = 0
    for el in driver.find_elements(By.CSS_SELECTOR, "iframe, frame"):
        if budget[0] <= 0:
            break
        budget[0] -= 1
        try:
            driver.switch_to.frame(el)
        except (NoSuchFrameException, StaleElementReferenceException):
            continue
        try:
            if not driver.execute_script(_HAS_AXE_JS, version):
                driver.execute_script(_guarded_source())
                count += 1
            if depth < max_depth:
                count += _inject_frames(browser, version, depth + 1, max_depth, budget)
        except JavascriptException:
            pass  # e.g. a sandboxed frame without allow-scripts: axe skips it after pingWaitTime
        finally:
            driver.switch_to.parent_frame()
    return count


def run_axe(
    browser: Browser,
    options: AxeOptions | None = None,
    *,
    timeout_s: float = 30.0,
    frames_need_axe: bool = True,
    max_html: int = 500,
) -> AxeResult:
    """Run axe on the loaded page. Raises :class:`AxeError` when axe fails on the page.

    ``frames_need_axe=False`` (the caller knows every frame already has axe, e.g. from
    :func:`probes.browser.pool.fingerprint`) skips the WebDriver walk through frames.
    WebDriver errors (timeouts, a crashed browser) propagate unchanged for the caller to
    classify.
    """
    options = options or AxeOptions()
    driver = browser.driver
    version = axe_core_version()
    registered = browser.axe_registered
    prepare_browser(browser)  # for the next pages; this one is already loaded
    walk = frames_need_axe and options.iframes
    injected = ensure_axe(browser, top=not registered, frames=walk) if walk or not registered else 0
    how = "cdp" if registered and injected == 0 else "injected"
    payload = json.dumps(options.to_axe(timeout_s))
    for _ in range(2):
        start = time.perf_counter()
        answer = driver.execute_async_script(_RUN_JS, payload, version, max_html)
        elapsed = (time.perf_counter() - start) * 1000
        if not isinstance(answer, dict):
            raise AxeError(f"axe returned {type(answer).__name__}, not a result")
        status = answer.get("status")
        if status == "ok":
            return AxeResult.from_js(answer["result"], options.tags, elapsed, how, injected)
        if status in ("missing", "mismatch"):
            driver.execute_script(_guarded_source() if status == "missing"
                                  else axe_source() + "\n" + _CONFIGURE_JS)
            how = "injected"
            continue
        raise AxeError(f"axe.run failed: {answer.get('message', answer)}")
    raise AxeError("axe-core could not be loaded into the page")


_SC_TAG = re.compile(r"^wcag(\d)(\d)(\d+)$")


def wcag_criteria(tags: Iterable[str]) -> list[str]:
    """WCAG success criteria named by axe tags: ``wcag111`` -> ``1.1.1``, ``wcag1412`` -> 1.4.12."""
    out: list[str] = []
    for tag in tags:
        m = _SC_TAG.match(tag)
        if m:
            sc = f"{m.group(1)}.{m.group(2)}.{m.group(3)}"
            if sc not in out:
                out.append(sc)
    return out
