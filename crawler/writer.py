"""Batched, resumable store writes, off the crawl's reactor thread.

Pages, their links and their probe findings are written in batches by one writer thread, in
the order findings -> links -> pages: the page rows are the commit marker. After a crash the
pages table says which URLs are done; links or findings written for pages that never made it
are recognised (``ResumeState``) and not written twice. After each batch the writer appends
the batch's page facts to ``facts.jsonl`` and then replaces ``checkpoint.pickle`` (probe
state and the journal length it matches), so a resumed crawl knows exactly which stored pages
still need their probe state rebuilt. Probe state taken from an analysis process arrives as a
future (queued behind the pages sent before it); the writer thread waits for it, not the
reactor. Pages the analyser had taken in but the writer had not yet received when the state
was asked for are listed in the checkpoint (``absorbed``): their state is in it, their rows are
not.

With ``process=True`` (big crawls, beside the analysis process) the database writes, journal
and checkpoint happen in a writer process of their own: the writer thread only pickles each
batch across and waits, so the reactor no longer shares the interpreter lock with SQLAlchemy
for a sixth of its time. Batches are written in the same order either way.
"""

from __future__ import annotations

import contextlib
import json
import logging
import multiprocessing
import os
import pickle
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crawler.items import PageItem, unseal
from poaudit.findings import Finding
from poaudit.store import Store
from poaudit.store.records import LinkRecord, PageRecord

if TYPE_CHECKING:
    from crawler.analyse import Snapshot

__all__ = ["BatchWriter", "Checkpoint", "read_checkpoint"]

log = logging.getLogger(__name__)
CHECKPOINT = "checkpoint.pickle"
JOURNAL = "facts.jsonl"


@dataclass
class Checkpoint:
    """Probe state as of a journal length (what a resumed crawl restores)."""

    run_id: int
    journal_bytes: int = 0
    probe_state: bytes | None = None  # pickled Context.state
    pages_seen: int = 0
    written_pages: int = 0
    absorbed: tuple[str, ...] = ()  # pages in probe_state whose rows were not yet written


@dataclass
class _Batch:
    pages: list[PageRecord] = field(default_factory=list)
    links: list[LinkRecord] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    facts: list[dict[str, Any]] = field(default_factory=list)
    state: Snapshot | Future[Snapshot] | None = None
    sealed: list[bytes] = field(default_factory=list)  # findings pickled by the analysis

    def all_findings(self) -> list[Finding]:
        return [*self.findings, *(f for blob in self.sealed for f in unseal(blob))]


@dataclass
class _Written:
    pages: int = 0
    links: int = 0
    findings: int = 0


class _Sink:
    """Writes one batch: rows (findings -> links -> pages: the page rows are the commit
    marker), then the journal, then the checkpoint. Runs in the writer thread or process."""

    def __init__(self, store: Store, run_id: int, jobdir: Path | None,
                 journal_bytes: int) -> None:
        self.store = store
        self.run_id = run_id
        self.jobdir = jobdir
        self.journal_bytes = journal_bytes
        self.written = _Written()

    def write(self, batch: _Batch) -> None:
        """``batch.state`` is a Snapshot or None here (a future is resolved before)."""
        written = self.written
        findings = batch.all_findings()
        if findings:
            written.findings += self.store.add_findings(self.run_id, findings)
        if batch.links:
            written.links += self.store.add_links(self.run_id, batch.links)
        if batch.pages:
            written.pages += self.store.add_pages(self.run_id, batch.pages)
        if self.jobdir is None:
            return
        data = "".join(json.dumps(f, separators=(",", ":")) + "\n" for f in batch.facts)
        raw = data.encode("utf-8")
        with (self.jobdir / JOURNAL).open("ab") as fh:
            fh.write(raw)
        self.journal_bytes += len(raw)
        snapshot = batch.state if isinstance(batch.state, tuple) else None
        state, pages_seen, absorbed = snapshot if snapshot is not None else (None, 0, ())
        checkpoint = Checkpoint(self.run_id, self.journal_bytes, state, pages_seen,
                                written.pages, absorbed)
        tmp = self.jobdir / (CHECKPOINT + ".tmp")
        tmp.write_bytes(pickle.dumps(checkpoint, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(tmp, self.jobdir / CHECKPOINT)


def _writer_process(conn: Any, store_url: str, run_id: int, jobdir: str | None,
                    journal_bytes: int) -> None:
    """The writer process: batches in, ``("ok", written)`` or ``("error", text)`` out."""
    from poaudit.children import die_with_parent

    die_with_parent()
    store = Store(store_url)
    sink = _Sink(store, run_id, Path(jobdir) if jobdir else None, journal_bytes)
    try:
        while True:
            packed = conn.recv()
            if packed is None:
                return
            try:
                sink.write(packed.unpack())
                conn.send(("ok", sink.written))
            except Exception as exc:
                log.exception("store write failed")
                conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        store.close()


@dataclass
class _Packed:
    """A batch as plain tuples for the pipe: pickling 20,000 slotted LinkRecords costs ~90 ms
    of interpreter time, their tuples ~12 ms."""

    pages: list[tuple[Any, ...]]
    links: list[tuple[Any, ...]]
    findings: list[Finding]
    facts: list[dict[str, Any]]
    state: Snapshot | None
    sealed: list[bytes]

    @classmethod
    def of(cls, batch: _Batch) -> _Packed:
        state = batch.state if isinstance(batch.state, tuple) else None
        return cls([_values(p) for p in batch.pages], [_values(x) for x in batch.links],
                   batch.findings, batch.facts, state, batch.sealed)

    def unpack(self) -> _Batch:
        return _Batch([PageRecord(*p) for p in self.pages],
                      [LinkRecord(*x) for x in self.links], self.findings, self.facts,
                      self.state, self.sealed)


def _values(record: Any) -> tuple[Any, ...]:
    return tuple(getattr(record, name) for name in record.__slots__)


def _resolved(state: Snapshot | Future[Snapshot] | None) -> Snapshot | None:
    if not isinstance(state, Future):
        return state
    try:
        return state.result()
    except Exception as exc:  # no state: a resumed crawl replays the stored pages
        log.warning("probe state could not be taken for the checkpoint: %s", exc)
        return None


def read_checkpoint(jobdir: Path, run_id: int) -> tuple[Checkpoint | None, list[dict[str, Any]]]:
    """The last checkpoint and the journal entries it covers (a torn tail is ignored)."""
    path = jobdir / CHECKPOINT
    if not path.exists():
        return None, []
    try:
        checkpoint = pickle.loads(path.read_bytes())
    except Exception as exc:  # a checkpoint we cannot read means: rebuild from the store
        log.warning("ignoring unreadable checkpoint %s: %s", path, exc)
        return None, []
    if not isinstance(checkpoint, Checkpoint) or checkpoint.run_id != run_id:
        return None, []
    facts: list[dict[str, Any]] = []
    journal = jobdir / JOURNAL
    if journal.exists():
        with journal.open("rb") as fh:
            data = fh.read(checkpoint.journal_bytes)
        for line in data.splitlines():
            if line.strip():
                facts.append(json.loads(line))
    return checkpoint, facts


class BatchWriter:
    """Collects items and writes them in batches on a thread; ``close()`` flushes and joins."""

    def __init__(self, store: Store, run_id: int, *, jobdir: Path | None = None,
                 batch_pages: int = 400, batch_seconds: float = 2.0,
                 skip_link_sources: set[str] | None = None,
                 skip_finding_pages: set[str] | None = None,
                 state: Callable[[tuple[str, ...]], Snapshot | Future[Snapshot]] | None = None,
                 inflight: set[str] | None = None, journal_bytes: int = 0,
                 process: bool = False) -> None:
        self.store = store
        self.run_id = run_id
        self.jobdir = jobdir
        self.batch_pages = batch_pages
        self.batch_seconds = batch_seconds
        self.skip_link_sources = skip_link_sources or set()
        self.skip_finding_pages = skip_finding_pages or set()
        self.state = state
        self.inflight = inflight if inflight is not None else set()
        self.written_pages = 0
        self.written_links = 0
        self.written_findings = 0
        self.error: BaseException | None = None
        self._batch = _Batch()
        self._last = time.monotonic()
        self._queue: queue.Queue[_Batch | None] = queue.Queue(maxsize=4)
        self._thread = threading.Thread(target=self._run, name="poaudit-writer", daemon=True)
        if jobdir is not None:
            jobdir.mkdir(parents=True, exist_ok=True)
            journal = jobdir / JOURNAL
            if journal.exists():  # drop a tail written after the last checkpoint
                with journal.open("r+b") as fh:
                    fh.truncate(journal_bytes)
        self._sink = _Sink(store, run_id, jobdir, journal_bytes)
        self._conn: Any = None
        self._proc: Any = None
        if process and ":memory:" not in store.url and store.url != "sqlite://":
            ctx = multiprocessing.get_context("spawn")
            self._conn, child = ctx.Pipe()
            self._proc = ctx.Process(
                target=_writer_process, name=f"poaudit-writer-{run_id}", daemon=True,
                args=(child, store.url, run_id, str(jobdir) if jobdir else None,
                      journal_bytes))
            self._proc.start()
            child.close()
        self._thread.start()

    def _failure(self) -> RuntimeError:
        return RuntimeError(f"the store writer failed ({self.error}); what it committed is "
                            "kept: resume the run to carry on")

    def add(self, item: PageItem) -> None:
        """Queue one page's records (written with the next batch)."""
        if self.error is not None:
            raise self._failure() from self.error
        self.inflight.discard(item.facts.url)
        batch = self._batch
        batch.facts.append(item.facts.to_json())
        if item.replay:  # stored before a crash: only its facts and probe state were lost
            return
        batch.pages.append(item.page)
        if item.page.url not in self.skip_link_sources:
            batch.links.extend(item.links)
        skip = self.skip_finding_pages
        batch.findings.extend(f for f in item.findings if f.page_url not in skip)
        if item.sealed:
            if skip:  # a resumed run: open them, to leave out what is already stored
                batch.findings.extend(f for f in unseal(item.sealed) if f.page_url not in skip)
            else:
                batch.sealed.append(item.sealed)
        if (len(batch.facts) >= self.batch_pages
                or time.monotonic() - self._last >= self.batch_seconds):
            self.flush()

    def add_findings(self, findings: list[Finding]) -> None:
        """Queue findings that belong to no page (written with the next batch)."""
        self._batch.findings.extend(findings)

    def flush(self) -> None:
        """Hand the current batch to the writer thread (blocks if it is 4 batches behind)."""
        batch, self._batch = self._batch, _Batch()
        self._last = time.monotonic()
        if not batch.facts and not batch.findings and not batch.sealed:
            return
        if self.state is not None:
            batch.state = self.state(tuple(self.inflight))
        self._queue.put(batch)

    def close(self) -> None:
        """Flush, wait for every batch to be written, re-raise a writer failure."""
        self.flush()
        self._queue.put(None)
        self._thread.join()
        if self._proc is not None:
            with contextlib.suppress(OSError):  # it died: the error is already recorded
                self._conn.send(None)
            self._proc.join(timeout=60)
            self._conn.close()
        if self.error is not None:
            raise self._failure() from self.error

    def _run(self) -> None:
        while True:
            batch = self._queue.get()
            if batch is None:
                return
            if self.error is not None:
                continue
            try:
                self._write(batch)
            except BaseException as exc:  # surfaced by add()/close() in the crawl thread
                log.exception("store write failed")
                self.error = exc

    def _write(self, batch: _Batch) -> None:
        batch.state = _resolved(batch.state)
        if self._conn is None:
            self._sink.write(batch)
            written = self._sink.written
        else:
            try:
                self._conn.send(_Packed.of(batch))
                kind, payload = self._conn.recv()
            except (EOFError, OSError) as exc:
                raise RuntimeError("the store writer process died") from exc
            if kind == "error":
                raise RuntimeError(f"the store writer process failed: {payload}")
            written = payload
        self.written_pages = written.pages
        self.written_links = written.links
        self.written_findings = written.findings
