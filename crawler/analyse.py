"""Per-page analysis: the one lxml parse, the HTML probes, the links to follow, page facts.

This is the CPU work of a crawl. The spider hands each decoded HTML page to an *analyser* and
gets back an :class:`Analysis`; where the work runs is the analyser's business:

* :class:`InlineAnalyser` runs it on the reactor thread (distributed workers, where each
  worker is one core's worth already; single-core machines; ``crawl.analysis: inline``);
* :class:`ProcessAnalyser` runs it in one child process, so that while the probes work on one
  page the reactor is already fetching and scheduling the next ones (``crawl.analysis:
  process``, the default on a machine with two or more cores). One process and a FIFO queue:
  the probes see pages in the order they were fetched and probe state stays one object, which
  the writer checkpoints through :meth:`ProcessAnalyser.snapshot`.

A checkpoint taken while pages are in flight holds their probe state although their rows are not
stored yet. The checkpoint lists them (``absorbed``); a resumed crawl analyses those pages again
*without* adding them to probe state a second time (``PageInput.absorb = False``), so nothing is
lost and nothing is counted twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import pickle
import threading
from collections.abc import Iterable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from typing import Any, Literal, Protocol

from crawler.assess import (
    NOT_FOUND,
    Baseline,
    Observed,
    anchors_of,
    soft404_reason,
    summarise_html,
)
from crawler.items import seal, unseal
from crawler.owners import Owners
from crawler.probestate import dump_state, load_state
from poaudit.findings import Finding
from poaudit.profile import Profile
from probes.base import Context, Page, host_of
from probes.runner import ProbeRunner

__all__ = [
    "FOLLOW_TAGS",
    "Analyser",
    "Analysis",
    "AnalysisFailed",
    "Analyst",
    "InlineAnalyser",
    "PageInput",
    "ProcessAnalyser",
    "Snapshot",
    "choose_mode",
    "probe_context",
]

log = logging.getLogger(__name__)

FOLLOW_TAGS = frozenset({"a", "area", "iframe", "frame", "meta"})
Snapshot = tuple[bytes | None, int, tuple[str, ...]]
"""(pickled probe state or None, pages seen, URLs in that state whose rows are not stored)"""
Mode = Literal["auto", "inline", "process"]


class AnalysisFailed(RuntimeError):
    """The analysis process died (its probe state is gone): the crawl must stop and resume."""


@dataclass(frozen=True, slots=True)
class PageInput:
    """What the spider knows of a fetched HTML page (picklable: it may cross processes)."""

    url: str
    status: int
    text: str
    headers: Mapping[str, str]
    content_type: str
    encoding: str
    depth: int
    # the host's "no such page" baseline, for soft 404s (the analysis process is sent each
    # host's once, not with every page: its shingles run to thousands of numbers)
    not_found: Observed | None = None
    absorb: bool = True  # False: probe state already holds this page (see module docstring)


@dataclass(slots=True)
class Analysis:
    """What the crawl needs back: title, probe findings, followable links and page facts."""

    title: str
    findings: list[Finding]
    links: list[tuple[str, str, str]]  # (url, fragment, text) of links the crawl follows
    anchors: frozenset[str]
    soft404: str | None
    # From the analysis process the findings come pickled: the crawl process only forwards
    # them to the store writer, and unpickling them there cost it 0.06 ms a page.
    sealed: bytes = b""

    def all_findings(self) -> list[Finding]:
        """The findings, sealed or not."""
        return [*self.findings, *unseal(self.sealed)]


def _soft404(page: Page, not_found: Observed | None) -> str | None:
    """Why this 200 page is really a 'not found' page (against the host's baseline), or None.
    Only pages whose title or heading look like one pay for the full comparison."""
    tree = page.tree
    h1 = tree.find(".//h1")
    heading = " ".join(h1.text_content().split()) if h1 is not None else ""
    title = page.title
    suspicious = bool(NOT_FOUND.search(title) or NOT_FOUND.search(heading))
    if not_found is not None and not suspicious:
        suspicious = bool((title and title == not_found.title)
                          or (heading and heading == not_found.h1))
    if not suspicious:
        return None
    obs = Observed(url=page.url, status=page.status, final_url=page.url, is_html=True)
    summarise_html(obs, tree, "")
    return soft404_reason(obs, Baseline(not_found=not_found))


class Analyst:
    """Does the analysis, in whichever process holds it: owns the probe context and runner."""

    def __init__(self, ctx: Context, runner: ProbeRunner) -> None:
        self.ctx = ctx
        self.runner = runner
        self.baselines: dict[str, Observed | None] = {}  # host -> not-found baseline

    def analyse(self, item: PageInput) -> Analysis:
        ctx = self.ctx
        page = Page(url=item.url, final_url=item.url, status=item.status, text=item.text,
                    headers=item.headers, content_type=item.content_type,
                    encoding=item.encoding, depth=item.depth, site_hosts=ctx.site_hosts)
        if item.absorb:
            findings = self.runner.on_page(page)
        else:  # probe state already holds this page: run the probes on a scratch copy
            saved, seen = ctx.state, ctx.pages_seen
            ctx.state = load_state(dump_state(saved))
            try:
                findings = self.runner.on_page(page)
            finally:
                ctx.state, ctx.pages_seen = saved, seen
        links = [(link.url, link.fragment, link.text) for link in page.links
                 if link.tag in FOLLOW_TAGS]
        anchors = anchors_of(page.tree)
        not_found = item.not_found if item.not_found is not None else self.baselines.get(
            page.host)
        return Analysis(page.title, findings, links, anchors, _soft404(page, not_found))

    def snapshot(self, inflight: tuple[str, ...] = ()) -> Snapshot:
        """Probe state for a checkpoint; None when a probe keeps unpicklable state (a resumed
        crawl then replays every stored page)."""
        try:
            return dump_state(self.ctx.state), self.ctx.pages_seen, inflight
        except Exception as exc:
            log.warning("probe state cannot be checkpointed (%s)", exc)
            return None, self.ctx.pages_seen, inflight

    def finalize(self, verdicts: Mapping[str, Mapping[str, Any]]) -> list[Finding]:
        """Site-level findings, given the run's link verdicts."""
        self.ctx.link_verdicts = verdicts
        return self.runner.finalize()


class Analyser(Protocol):
    """What the spider and the crawl phases use (see the module docstring)."""

    async def analyse(self, item: PageInput) -> Analysis: ...

    def snapshot(self, inflight: tuple[str, ...]) -> Snapshot | Future[Snapshot]: ...

    def finalize(self, verdicts: Mapping[str, Mapping[str, Any]]) -> list[Finding]: ...

    def close(self) -> None: ...


class InlineAnalyser:
    """Analysis on the calling (reactor) thread."""

    def __init__(self, analyst: Analyst) -> None:
        self.analyst = analyst

    @property
    def runner(self) -> ProbeRunner:
        return self.analyst.runner

    async def analyse(self, item: PageInput) -> Analysis:
        return self.analyst.analyse(item)

    def snapshot(self, inflight: tuple[str, ...]) -> Snapshot:
        return self.analyst.snapshot(inflight)

    def finalize(self, verdicts: Mapping[str, Mapping[str, Any]]) -> list[Finding]:
        return self.analyst.finalize(verdicts)

    def close(self) -> None:
        return None


# -- the analysis process -----------------------------------------------------------------------
# One pipe, no executor: the crawl thread pickles each request and writes it to the pipe itself,
# and one receiver thread reads the answers and hands them to the asyncio loop in bursts. A
# ProcessPoolExecutor costs the crawl thread four times as much per page (a work item, a
# threading.Condition per future, a wake-up of its manager thread and a queue feeder thread):
# 0.115 against 0.027 ms of the crawl process's CPU a page, measured on real pages.
_ANALYSE, _BASELINE, _SNAPSHOT, _FINALIZE, _STOP = range(5)
_PICKLE = pickle.HIGHEST_PROTOCOL


def _serve(conn: Connection, profile_data: dict[str, Any], disabled: list[str],
           state: bytes | None, pages_seen: int) -> None:
    """The analysis process: answer requests in the order they came (FIFO), until told to
    stop or the crawl process goes away."""
    from poaudit.children import die_with_parent
    from poaudit.profile import parse_profile

    die_with_parent()
    profile = parse_profile(profile_data, "<crawl profile>")
    ctx = probe_context(profile)
    if state is not None:
        ctx.state.update(load_state(state))
        ctx.pages_seen = pages_seen
    analyst = Analyst(ctx, ProbeRunner(ctx, {*disabled, *profile.probes_disabled}))
    while True:
        try:
            seq, op, args = pickle.loads(conn.recv_bytes())
        except (EOFError, OSError):
            return
        if op == _STOP:
            return
        if op == _BASELINE:  # no answer: the pages after it in the pipe are what it is for
            analyst.baselines[args[0]] = args[1]
            continue
        try:
            if op == _ANALYSE:
                value: Any = analyst.analyse(args)
                value.sealed, value.findings = seal(value.findings), []
            elif op == _SNAPSHOT:
                value = analyst.snapshot(args)
            else:
                value = analyst.finalize(args)
            answer = pickle.dumps((seq, True, value), _PICKLE)
        except Exception as exc:  # the caller gets it raised, as a call on its own thread would
            log.exception("page analysis failed")
            try:
                answer = pickle.dumps((seq, False, exc), _PICKLE)
            except Exception:
                answer = pickle.dumps((seq, False, RuntimeError(repr(exc)[:2000])), _PICKLE)
        try:
            conn.send_bytes(answer)
        except OSError:
            return


_Waiter = asyncio.Future[Any] | Future[Any]


class ProcessAnalyser:
    """Analysis in one child process (spawned: no reactor, no threads inherited)."""

    def __init__(self, profile_data: dict[str, Any], disabled: Iterable[str],
                 state: bytes | None = None, pages_seen: int = 0) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._conn, child = ctx.Pipe()
        self._proc = ctx.Process(target=_serve, name="poaudit-analysis", daemon=True,
                                 args=(child, profile_data, list(disabled), state, pages_seen))
        self._proc.start()
        child.close()
        self._lock = threading.Lock()  # the waiters (see _send)
        self._send_lock = threading.Lock()  # the crawl thread and the writer thread both send
        self._pending: dict[int, _Waiter] = {}
        self._seq = 0
        self._dead: str | None = None
        self._closing = False
        self._baselines: dict[str, Observed | None] = {}  # as last sent, per host
        self._receiver = threading.Thread(target=self._receive, name="poaudit-analysis-rx",
                                          daemon=True)
        self._receiver.start()

    @property
    def pid(self) -> int | None:
        return self._proc.pid

    # -- sending (any thread) --------------------------------------------------------------
    def _send(self, op: int, args: Any, waiter: _Waiter | None) -> None:
        """Register ``waiter`` and write the request. Two locks: ``_lock`` guards the waiters
        and is never held while blocking, so the receiver can always drain the answers;
        ``_send_lock`` keeps two threads' requests from interleaving on the pipe. (With one
        lock held across a send into a full pipe, the receiver waited for it while the
        analysis process waited for the receiver to read its answers: a deadlock.)"""
        with self._lock:
            if self._dead is not None:
                raise AnalysisFailed(self._dead)
            self._seq += 1
            seq = self._seq
            if waiter is not None:
                self._pending[seq] = waiter
        data = pickle.dumps((seq, op, args), _PICKLE)
        try:
            with self._send_lock:
                self._conn.send_bytes(data)
        except (OSError, ValueError) as exc:
            with self._lock:
                self._pending.pop(seq, None)
            self._die(f"the page analysis process died ({exc})")
            raise AnalysisFailed(self._dead or "the page analysis process died") from exc

    # -- receiving (the receiver thread) ----------------------------------------------------
    def _receive(self) -> None:
        conn = self._conn
        while True:
            try:
                got = [conn.recv_bytes()]
                while conn.poll():  # a burst: one wake-up of the loop for all of it
                    got.append(conn.recv_bytes())
            except (EOFError, OSError):
                self._proc.join(timeout=5)
                code = self._proc.exitcode
                self._die("the page analysis process died" + (
                    f" (exit code {code})" if code else ""))
                return
            answers: list[tuple[_Waiter, bool, Any]] = []
            for data in got:
                seq, ok, value = pickle.loads(data)
                with self._lock:
                    waiter = self._pending.pop(seq, None)
                if waiter is not None:
                    answers.append((waiter, ok, value))
            _answer(answers)

    def _die(self, reason: str) -> None:
        """The process is gone: every caller waiting, and every later one, gets the error."""
        with self._lock:
            if self._dead is None:
                self._dead = reason
            waiting, self._pending = self._pending, {}
        if not self._closing:
            log.error("%s", reason)
        _answer([(waiter, False, AnalysisFailed(reason)) for waiter in waiting.values()])

    # -- the Analyser protocol ----------------------------------------------------------------
    async def analyse(self, item: PageInput) -> Analysis:
        if item.not_found is not None:
            host = host_of(item.url)
            if self._baselines.get(host) is not item.not_found:  # FIFO: before the page
                self._send(_BASELINE, (host, item.not_found), None)
                self._baselines[host] = item.not_found
            item = replace(item, not_found=None)
        waiter: asyncio.Future[Analysis] = asyncio.get_running_loop().create_future()
        self._send(_ANALYSE, item, waiter)
        return await waiter

    def snapshot(self, inflight: tuple[str, ...]) -> Future[Snapshot]:
        """Queued behind every page submitted so far (FIFO); the writer thread waits for it
        (a dead process gives a failed future: the checkpoint then has no probe state, and a
        resumed crawl replays the stored pages)."""
        waiter: Future[Snapshot] = Future()
        try:
            self._send(_SNAPSHOT, inflight, waiter)
        except AnalysisFailed as exc:
            waiter.set_exception(exc)
        return waiter

    def finalize(self, verdicts: Mapping[str, Mapping[str, Any]]) -> list[Finding]:
        waiter: Future[list[Finding]] = Future()
        self._send(_FINALIZE, dict(verdicts), waiter)
        return waiter.result()

    def close(self) -> None:
        """Ask the process to stop; kill it if it does not within 30 s."""
        self._closing = True
        if self._send_lock.acquire(timeout=10):  # another thread stuck sending: just kill
            try:
                with contextlib.suppress(OSError, ValueError):
                    self._conn.send_bytes(pickle.dumps((0, _STOP, None), _PICKLE))
            finally:
                self._send_lock.release()
        self._proc.join(timeout=30)
        if self._proc.is_alive():
            self._proc.kill()
            self._proc.join()
        self._receiver.join(timeout=5)
        self._conn.close()


def _answer(answers: list[tuple[_Waiter, bool, Any]]) -> None:
    """Resolve waiters from any thread: a thread's future at once, an asyncio future on its
    own loop (one wake-up of each loop for all of its answers)."""
    by_loop: dict[asyncio.AbstractEventLoop, list[tuple[asyncio.Future[Any], bool, Any]]] = {}
    for waiter, ok, value in answers:
        if isinstance(waiter, Future):
            (waiter.set_result if ok else waiter.set_exception)(value)
        else:
            by_loop.setdefault(waiter.get_loop(), []).append((waiter, ok, value))
    for loop, theirs in by_loop.items():
        with contextlib.suppress(RuntimeError):  # that loop is closed: nobody waits
            loop.call_soon_threadsafe(_deliver, theirs)


def _deliver(answers: list[tuple[asyncio.Future[Any], bool, Any]]) -> None:
    for waiter, ok, value in answers:
        if not waiter.done():
            (waiter.set_result if ok else waiter.set_exception)(value)


PROCESS_MIN_PAGES = 1000
"""``auto`` starts an analysis process only for crawls allowed this many pages or more: the
process costs about a second to start (a fresh interpreter importing the probes), the probes
about 1.4 ms a page, so smaller crawls finish sooner inline."""


def choose_mode(mode: Mode, probes: bool = True,
                max_pages: int = PROCESS_MIN_PAGES) -> Literal["inline", "process"]:
    """``auto``: a process of its own when there are probes to run, the crawl may be big
    enough to repay starting it, and this process may use a second core (with no probes,
    parsing for links alone is cheaper than sending the page to another process)."""
    if mode != "auto":
        return mode
    if not probes or max_pages < PROCESS_MIN_PAGES:
        return "inline"
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return "process" if cores >= 2 else "inline"


def probe_context(profile: Profile) -> Context:
    """The probes' context for a profile (the same in the crawl and the analysis process)."""
    owners = Owners(profile)
    return Context(council=profile.council, tier=profile.tier,
                   site_hosts=frozenset(profile.allowed_hosts),
                   partner_hosts=owners.partner_hosts, options=profile.probe_options,
                   today=profile.as_of.isoformat() if profile.as_of else None)
