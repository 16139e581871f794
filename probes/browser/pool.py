"""A pool of browsers that audits pages from a queue, with timeouts, retries and dedupe.

* ``size`` browsers (default: CPU count, capped by memory at about 0.6 GiB per browser), one
  worker thread each; pages are handed out from a queue as workers free up.
* Per-page timeout: the page load and the axe run share one budget (``page_timeout``). A
  watchdog kills the browser's whole process group if a WebDriver call outlives it by
  ``kill_grace`` seconds, so a hung browser cannot block the pool.
* A browser that crashes, hangs or times out is killed and replaced, and its page is retried
  once on the fresh browser; a page that fails again is reported ``not assessed`` with the
  reasons. Page-level errors (``net::ERR_*``, axe rejecting) are retried once too.
* Memory stays bounded: each browser is recycled after ``recycle_after`` pages, and the dedupe
  cache is an LRU of ``dedupe_cache_size`` results.
* Dedupe: after load, the rendered DOM is fingerprinted (``documentElement.outerHTML``, open
  shadow roots, same-origin frame documents, CSSOM of inline and constructed stylesheets,
  stylesheet URLs, and the base URL's directory, which fixes what relative URLs resolve to) and
  hashed with SHA-256. An axe result is reused only for an identical hash under the same axe
  options. Pages with cross-origin frames (content not visible to the fingerprint) are never
  deduplicated.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import queue
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from selenium.common.exceptions import (
    JavascriptException,
    TimeoutException,
    WebDriverException,
)

from probes.browser.axe import (
    AxeError,
    AxeOptions,
    AxeResult,
    axe_core_version,
    prepare_browser,
    run_axe,
)
from probes.browser.driver import Browser, BrowserConfig, BrowserStartError, start_browser

__all__ = [
    "BrowserPool",
    "PageResult",
    "PoolConfig",
    "PoolStats",
    "default_pool_size",
    "fingerprint",
]

Status = Literal["ok", "not assessed"]

# Serialises what axe sees: DOM, shadow roots, same-origin frames, CSSOM, base directory.
_FINGERPRINT_JS = r"""
var want = arguments[0];
var parts = [], crossOrigin = 0, frames = 0, noAxe = 0;
function sheets(list) {
  for (var i = 0; i < list.length; i++) {
    var s = list[i];
    parts.push('\u0001sheet ' + (s.href || '') + ' ' + (s.media ? s.media.mediaText : '')
               + ' ' + (s.disabled ? 'off' : 'on'));
    try {
      var r = s.cssRules;
      if (s.href) { parts.push(String(r.length)); }
      else {
        var t = [];
        for (var j = 0; j < r.length; j++) t.push(r[j].cssText);
        parts.push(t.join('\n'));
      }
    } catch (e) { parts.push('\u0001opaque'); }
  }
}
function walk(root, depth) {
  var els = root.querySelectorAll('*');
  for (var i = 0; i < els.length; i++) {
    var el = els[i];
    if (el.shadowRoot) {
      parts.push('\u0001shadow ' + i); parts.push(el.shadowRoot.innerHTML);
      sheets(el.shadowRoot.adoptedStyleSheets || []); walk(el.shadowRoot, depth);
    }
    var tag = el.localName;
    if (tag === 'iframe' || tag === 'frame') {
      frames++;
      var d = null;
      try { d = el.contentDocument; } catch (e) { d = null; }
      if (d && d.documentElement && depth < 6) {
        var w = d.defaultView;
        if (!(w && w.axe && w.axe.version === want)) noAxe++;
        parts.push('\u0001frame ' + i); doc(d, depth + 1);
      }
      else { crossOrigin++; noAxe++; parts.push('\u0001xframe ' + el.src); }
    }
  }
}
function doc(d, depth) {
  parts.push(d.documentElement ? d.documentElement.outerHTML : '');
  var base = String(d.baseURI || d.URL).replace(/[?#].*$/, '').replace(/[^\/]*$/, '');
  parts.push('\u0001base ' + base);
  sheets(d.styleSheets); sheets(d.adoptedStyleSheets || []);
  walk(d, depth);
}
doc(document, 0);
var nav = (performance.getEntriesByType('navigation') || [])[0] || {};
return {text: parts.join('\u0000'), crossOrigin: crossOrigin, frames: frames, noAxe: noAxe,
        url: document.URL, contentType: document.contentType,
        httpStatus: nav.responseStatus || null};
"""


def default_pool_size() -> int:
    """CPU count, capped so browsers (about 0.6 GiB each) fit in half the memory."""
    cpus = os.cpu_count() or 1
    try:
        mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError, AttributeError):
        return max(1, cpus)
    return max(1, min(cpus, int(mem_gib / 2 / 0.6)))


@dataclass(frozen=True, slots=True)
class PoolConfig:
    """Pool settings. ``browser.remote_url`` swaps local Chromium for a Grid."""

    size: int = field(default_factory=default_pool_size)
    page_timeout: float = 30.0
    retries: int = 1
    recycle_after: int = 200
    dedupe: bool = True
    dedupe_cache_size: int = 5000
    kill_grace: float = 5.0
    max_html: int = 500
    browser: BrowserConfig = field(default_factory=BrowserConfig)


@dataclass(slots=True)
class PageResult:
    """The outcome for one page: an axe result, or ``not assessed`` with the reasons."""

    url: str
    index: int
    status: Status
    axe: AxeResult | None = None
    error: str | None = None
    attempts: int = 1
    dom_hash: str | None = None
    reused_from: str | None = None
    final_url: str | None = None
    http_status: int | None = None
    elapsed_s: float = 0.0

    @property
    def assessed(self) -> bool:
        """True when axe ran (or its result was reused for an identical DOM)."""
        return self.status == "ok" and self.axe is not None


@dataclass(slots=True)
class PoolStats:
    """Counters for one pool (all runs)."""

    pages: int = 0
    assessed: int = 0
    not_assessed: int = 0
    reused: int = 0
    retries: int = 0
    browsers_started: int = 0
    browsers_killed: int = 0
    browsers_recycled: int = 0


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What :func:`fingerprint` learns about a loaded page."""

    dom_hash: str | None  # None when the page cannot be deduplicated safely
    final_url: str
    content_type: str
    http_status: int | None
    frames: int
    frames_without_axe: int = 0  # cross-origin frames count here too


def fingerprint(browser: Browser) -> Fingerprint:
    """Hash the rendered DOM (see module docstring); ``dom_hash`` None if it cannot be trusted."""
    raw = browser.driver.execute_script(_FINGERPRINT_JS, axe_core_version())
    text = str(raw.get("text", ""))
    cross = int(raw.get("crossOrigin") or 0)
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    status = raw.get("httpStatus")
    return Fingerprint(
        dom_hash=None if cross else digest,
        final_url=str(raw.get("url", "")),
        content_type=str(raw.get("contentType", "")),
        http_status=int(status) if status else None,
        frames=int(raw.get("frames") or 0),
        frames_without_axe=int(raw.get("noAxe") or 0),
    )


class _Failure(Exception):
    """One failed attempt; ``broken`` means the browser must be replaced."""

    def __init__(self, reason: str, *, broken: bool, retry: bool = True) -> None:
        super().__init__(reason)
        self.reason = reason
        self.broken = broken
        self.retry = retry


class _Reuse:
    """The dedupe cache: LRU of results by (options, DOM hash), with in-flight waiting."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.lock = threading.Lock()
        self.done: OrderedDict[tuple[str, str], tuple[str, AxeResult]] = OrderedDict()
        self.pending: dict[tuple[str, str], threading.Event] = {}

    def claim(self, key: tuple[str, str], wait_s: float) -> tuple[str, AxeResult] | None:
        """A cached result, or None after marking ``key`` as being computed by the caller."""
        while True:
            with self.lock:
                hit = self.done.get(key)
                if hit is not None:
                    self.done.move_to_end(key)
                    return hit
                event = self.pending.get(key)
                if event is None:
                    self.pending[key] = threading.Event()
                    return None
            if not event.wait(wait_s):
                return None  # the other worker is slow: compute it ourselves

    def release(self, key: tuple[str, str], url: str, result: AxeResult | None) -> None:
        """Store ``result`` (None: the computation failed) and wake waiters."""
        with self.lock:
            if result is not None:
                self.done[key] = (url, result)
                self.done.move_to_end(key)
                while len(self.done) > self.size:
                    self.done.popitem(last=False)
            event = self.pending.pop(key, None)
        if event is not None:
            event.set()


class _Worker:
    """One thread's browser slot."""

    def __init__(self) -> None:
        self.browser: Browser | None = None


_STOP = object()


class BrowserPool:
    """N browsers auditing pages from a queue. Use as a context manager; reuse across runs."""

    def __init__(self, config: PoolConfig | None = None) -> None:
        self.config = config or PoolConfig()
        if self.config.size < 1:
            raise ValueError("pool size must be at least 1")
        self.stats = PoolStats()
        self._idle: list[Browser] = []
        self._lock = threading.Lock()
        self._reuse = _Reuse(self.config.dedupe_cache_size)
        self._closed = False

    # -- lifecycle -------------------------------------------------------------------------
    def __enter__(self) -> BrowserPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Quit every idle browser (browsers in use are quit by their workers)."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for b in idle:
            b.quit()

    def warm_up(self) -> None:
        """Start all browsers now (so timing excludes start-up)."""
        started: list[Browser] = []

        def start() -> None:
            with contextlib.suppress(BrowserStartError):  # workers retry and record it
                started.append(self._new_browser())

        missing = self.config.size - len(self._idle)
        threads = [threading.Thread(target=start) for _ in range(missing)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        with self._lock:
            self._idle.extend(started)

    # -- running ---------------------------------------------------------------------------
    def run(self, urls: Iterable[str], options: AxeOptions | None = None) -> Iterator[PageResult]:
        """Audit ``urls``; yields one :class:`PageResult` per URL, in completion order."""
        if self._closed:
            raise RuntimeError("pool is closed")
        options = options or AxeOptions()
        tasks: queue.Queue[Any] = queue.Queue(maxsize=self.config.size * 4)
        results: queue.Queue[Any] = queue.Queue()
        stop = threading.Event()
        n = self.config.size

        def put(item: Any) -> bool:
            while not stop.is_set():
                try:
                    tasks.put(item, timeout=0.2)
                    return True
                except queue.Full:
                    continue
            return False

        feed_error: list[BaseException] = []

        def feed() -> None:
            try:
                for i, url in enumerate(urls):
                    if not put((i, url)):
                        return
            except BaseException as exc:  # re-raised in the caller's thread below
                feed_error.append(exc)
            finally:
                for _ in range(n):
                    put(_STOP)

        workers = [threading.Thread(target=self._work, args=(tasks, results, options, stop),
                                    name=f"poaudit-browser-{k}", daemon=True) for k in range(n)]
        feeder = threading.Thread(target=feed, name="poaudit-feeder", daemon=True)
        feeder.start()
        for w in workers:
            w.start()
        finished = 0
        try:
            while finished < n:
                item = results.get()
                if item is _STOP:
                    finished += 1
                    continue
                yield item
            if feed_error:
                raise feed_error[0]
        finally:
            stop.set()
            with contextlib.suppress(queue.Empty):
                while True:
                    tasks.get_nowait()
            for _ in range(n):
                with contextlib.suppress(queue.Full):
                    tasks.put_nowait(_STOP)
            for w in workers:
                w.join()

    def _work(self, tasks: queue.Queue[Any], results: queue.Queue[Any], options: AxeOptions,
              stop: threading.Event) -> None:
        slot = _Worker()
        try:
            while True:
                item = tasks.get()
                if item is _STOP or stop.is_set():
                    break
                index, url = item
                try:
                    result = self._audit(slot, index, url, options)
                except Exception as exc:  # a bug must not stop the pool
                    result = PageResult(url, index, "not assessed",
                                        error=f"internal error: {exc!r}")
                with self._lock:
                    self.stats.pages += 1
                    if result.assessed:
                        self.stats.assessed += 1
                    else:
                        self.stats.not_assessed += 1
                results.put(result)
        finally:
            if slot.browser is not None:
                with self._lock:
                    keep = not self._closed
                    if keep:
                        self._idle.append(slot.browser)
                if not keep:
                    slot.browser.quit()
            results.put(_STOP)

    def _new_browser(self) -> Browser:
        browser = start_browser(replace(self.config.browser,
                                        page_load_timeout=self.config.page_timeout,
                                        script_timeout=self.config.page_timeout))
        prepare_browser(browser)
        with self._lock:
            self.stats.browsers_started += 1
        return browser

    def _browser_for(self, slot: _Worker) -> Browser:
        b = slot.browser
        if b is not None and b.pages_done >= self.config.recycle_after:
            b.quit()
            slot.browser = b = None
            with self._lock:
                self.stats.browsers_recycled += 1
        if b is None:
            with self._lock:
                b = self._idle.pop() if self._idle else None
            b = b if b is not None else self._new_browser()
            slot.browser = b
        return b

    def _discard(self, slot: _Worker) -> None:
        if slot.browser is not None:
            slot.browser.kill()
            slot.browser.quit()
            slot.browser = None
            with self._lock:
                self.stats.browsers_killed += 1

    def _audit(self, slot: _Worker, index: int, url: str, options: AxeOptions) -> PageResult:
        reasons: list[str] = []
        attempts = 0
        start = time.monotonic()
        while attempts <= self.config.retries:
            attempts += 1
            if attempts > 1:
                with self._lock:
                    self.stats.retries += 1
            try:
                browser = self._browser_for(slot)
            except BrowserStartError as exc:
                reasons.append(str(exc))
                continue
            try:
                result = self._attempt(browser, index, url, options)
            except _Failure as f:
                reasons.append(f"attempt {attempts}: {f.reason}")
                if f.broken:
                    self._discard(slot)
                if not f.retry:
                    break
                continue
            result.attempts = attempts
            result.elapsed_s = time.monotonic() - start
            return result
        return PageResult(url, index, "not assessed", error="; ".join(reasons), attempts=attempts,
                          elapsed_s=time.monotonic() - start)

    def _attempt(self, browser: Browser, index: int, url: str, options: AxeOptions) -> PageResult:
        cfg = self.config
        deadline = time.monotonic() + cfg.page_timeout
        watchdog = threading.Timer(cfg.page_timeout + cfg.kill_grace, browser.kill)
        watchdog.daemon = True
        watchdog.start()
        key: tuple[str, str] | None = None
        result: AxeResult | None = None
        hung = f"browser hung: killed after {cfg.page_timeout + cfg.kill_grace:g} s"
        try:
            browser.pages_done += 1
            browser.driver.get(url)
            fp = fingerprint(browser)
            if fp.final_url.startswith("chrome-error://"):
                code = browser.driver.execute_script(
                    "var m = (document.body ? document.body.innerText : '')"
                    ".match(/ERR_[A-Z_]+/); return m ? m[0] : '';")
                raise _Failure(f"the page did not load (browser error page {code or '?'})",
                               broken=False)
            if "html" not in fp.content_type:
                raise _Failure(f"not an HTML page ({fp.content_type})", broken=False, retry=False)
            page = PageResult(url, index, "ok", dom_hash=fp.dom_hash, final_url=fp.final_url,
                              http_status=fp.http_status)
            if cfg.dedupe and fp.dom_hash is not None:
                key = (options.key(), fp.dom_hash)
                hit = self._reuse.claim(key, max(0.5, deadline - time.monotonic()))
                if hit is not None:
                    key = None
                    first_url, cached = hit
                    page.axe = replace(cached, url=fp.final_url)
                    page.reused_from = first_url
                    with self._lock:
                        self.stats.reused += 1
                    return page
            remaining = max(1.0, deadline - time.monotonic())
            browser.driver.set_script_timeout(remaining)
            result = run_axe(browser, options, timeout_s=remaining,
                             frames_need_axe=fp.frames_without_axe > 0, max_html=cfg.max_html)
            page.axe = result
            return page
        except _Failure:
            raise
        except TimeoutException as exc:
            raise _Failure(f"timed out after {cfg.page_timeout:g} s ({_short(exc)})",
                           broken=True) from exc
        except AxeError as exc:
            raise _Failure(str(exc), broken=False) from exc
        except JavascriptException as exc:  # e.g. the page navigated away during the run
            raise _Failure(f"script error: {_short(exc)}", broken=False) from exc
        except WebDriverException as exc:
            if browser.killed.is_set():
                raise _Failure(hung, broken=True) from exc
            msg = _short(exc)
            raise _Failure(msg, broken="net::ERR_" not in msg) from exc
        except Exception as exc:
            if browser.killed.is_set():
                raise _Failure(hung, broken=True) from exc
            raise _Failure(f"browser failure: {exc!r}", broken=True) from exc
        finally:
            watchdog.cancel()
            if key is not None:
                self._reuse.release(key, url, result)


def _short(exc: BaseException) -> str:
    msg = getattr(exc, "msg", None) or str(exc)
    return " ".join(str(msg).split())[:300]
