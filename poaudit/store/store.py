"""Store: the one way stages read and write runs, pages, links, findings and outcome results."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, delete, event, insert, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session

from poaudit import __version__
from poaudit.findings import Finding
from poaudit.store import models as m
from poaudit.store.records import (
    LinkCheckRecord,
    LinkRecord,
    OutcomeRecord,
    PageRecord,
    RunRecord,
)

DEFAULT_URL = "sqlite:///poaudit.sqlite"
_MIGRATIONS = Path(__file__).with_name("migrations")
_BATCH = 1000
# Alembic's command API keeps its context in module globals: one migration at a time per
# process (nightly runs open stores from several threads).
_MIGRATE_LOCK = threading.Lock()
R = TypeVar("R")


class StoreError(RuntimeError):
    """The store could not be opened or a run does not exist (a clear message, no traceback)."""


def normalise_url(url: str) -> str:
    """Accept a bare path as a SQLite file and ``postgresql://`` as psycopg 3."""
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser()}"
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _now() -> datetime:
    return datetime.now(UTC)


def _record(cls: type[R], row: Any) -> R:
    return cls(**{n: getattr(row, n) for n in _field_names(cls)})


_FIELDS: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return names


def as_row(record: Any) -> dict[str, Any]:
    """A record's fields as an insert row: shallow (``dataclasses.asdict`` deep-copies every
    list and dict, which costs the crawl about a sixth of its writer time at 50 links a page)."""
    return {name: getattr(record, name) for name in _field_names(type(record))}


def _chunks(rows: Iterable[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= _BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


class Store:
    """A database of audit runs. Opening it applies any pending migrations."""

    def __init__(self, url: str = DEFAULT_URL) -> None:
        self.url = normalise_url(url)
        try:
            parsed = make_url(self.url)
        except ArgumentError as exc:
            raise StoreError(f"store URL {url!r} is not a database URL: {exc}") from exc
        kwargs: dict[str, Any] = {"future": True}
        if parsed.get_backend_name() == "sqlite":
            kwargs["connect_args"] = {"timeout": 30}
            if parsed.database and parsed.database != ":memory:":
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        else:
            kwargs["pool_pre_ping"] = True
        try:
            self.engine: Engine = create_engine(self.url, **kwargs)
        except (NoSuchModuleError, ArgumentError) as exc:
            raise StoreError(
                f"store URL {url!r} is not a database URL poaudit supports "
                "(sqlite:///FILE or postgresql://...)"
            ) from exc
        if parsed.get_backend_name() == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        try:
            self.migrate()
        except OperationalError as exc:
            raise StoreError(f"cannot open store {parsed!r}: {exc.orig}") from exc

    def migrate(self) -> None:
        """Bring the schema to the newest migration (idempotent)."""
        cfg = Config()
        cfg.set_main_option("script_location", str(_MIGRATIONS))
        with _MIGRATE_LOCK, self.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")

    def close(self) -> None:
        self.engine.dispose()

    # -- runs -------------------------------------------------------------------------------
    def start_run(
        self,
        site: str,
        council: str,
        profile: dict[str, Any] | None = None,
        scoring_version: str = "",
    ) -> int:
        """Record the start of a run and return its id."""
        with Session(self.engine) as s, s.begin():
            run = m.Run(
                site=site,
                council=council,
                status="running",
                started_at=_now(),
                tool_version=__version__,
                scoring_version=scoring_version,
                profile=profile or {},
                stats={},
            )
            s.add(run)
            s.flush()
            return int(run.id)

    def finish_run(self, run_id: int, status: str, stats: dict[str, Any] | None = None) -> None:
        """Mark a run finished (or failed/interrupted) and keep its summary figures."""
        values: dict[str, Any] = {"status": status, "finished_at": _now()}
        if stats is not None:
            values["stats"] = stats
        with self.engine.begin() as conn:
            conn.execute(update(m.Run).where(m.Run.id == run_id).values(**values))

    def reopen_run(self, run_id: int) -> None:
        """Mark an interrupted run as running again (``audit --resume``)."""
        self.get_run(run_id)
        with self.engine.begin() as conn:
            conn.execute(
                update(m.Run).where(m.Run.id == run_id).values(status="running", finished_at=None)
            )

    def get_run(self, run_id: int) -> RunRecord:
        with Session(self.engine) as s:
            row = s.get(m.Run, run_id)
            if row is None:
                raise StoreError(f"no run {run_id} in {make_url(self.url)!r}")
            return _record(RunRecord, row)

    def runs(self, site: str | None = None, limit: int | None = None) -> list[RunRecord]:
        """Runs, newest first, optionally for one site."""
        q = select(m.Run).order_by(m.Run.id.desc())
        if site is not None:
            q = q.where(m.Run.site == site)
        if limit is not None:
            q = q.limit(limit)
        with Session(self.engine) as s:
            return [_record(RunRecord, r) for r in s.scalars(q)]

    def previous_run(self, run_id: int) -> RunRecord | None:
        """The newest finished run of the same site before ``run_id``."""
        run = self.get_run(run_id)
        q = (
            select(m.Run)
            .where(m.Run.site == run.site, m.Run.id < run_id, m.Run.status == "finished")
            .order_by(m.Run.id.desc())
            .limit(1)
        )
        with Session(self.engine) as s:
            row = s.scalars(q).first()
            return _record(RunRecord, row) if row is not None else None

    def delete_run(self, run_id: int) -> None:
        with self.engine.begin() as conn:
            for table in (m.OutcomeResult, m.FindingRow, m.LinkCheck, m.Link, m.Page):
                conn.execute(delete(table).where(table.run_id == run_id))
            conn.execute(delete(m.Run).where(m.Run.id == run_id))

    # -- writes -----------------------------------------------------------------------------
    def _insert(self, model: Any, run_id: int, rows: Iterable[dict[str, Any]]) -> int:
        n = 0
        with self.engine.begin() as conn:
            for batch in _chunks(rows):
                for row in batch:
                    row["run_id"] = run_id
                conn.execute(insert(model), batch)
                n += len(batch)
        return n

    def add_pages(self, run_id: int, pages: Iterable[PageRecord]) -> int:
        return self._insert(m.Page, run_id, (as_row(p) for p in pages))

    def add_links(self, run_id: int, links: Iterable[LinkRecord]) -> int:
        return self._insert(m.Link, run_id, (as_row(x) for x in links))

    def add_link_checks(self, run_id: int, checks: Iterable[LinkCheckRecord]) -> int:
        return self._insert(m.LinkCheck, run_id, (as_row(c) for c in checks))

    def update_link_checks(self, run_id: int, checks: Iterable[LinkCheckRecord]) -> int:
        """Rewrite the verdict, summary and evidence of checks already stored for the run
        (matched by URL); used by the nightly persistence step."""
        n = 0
        with self.engine.begin() as conn:
            for c in checks:
                conn.execute(
                    update(m.LinkCheck)
                    .where(m.LinkCheck.run_id == run_id, m.LinkCheck.url == c.url)
                    .values(verdict=c.verdict, summary=c.summary, evidence=c.evidence)
                )
                n += 1
        return n

    def add_findings(self, run_id: int, findings: Iterable[Finding]) -> int:
        return self._insert(m.FindingRow, run_id, (f.as_dict() for f in findings))

    def replace_outcome_results(self, run_id: int, results: Sequence[OutcomeRecord]) -> int:
        """Store a scoring of the run, replacing any earlier one (re-scoring is allowed)."""
        with self.engine.begin() as conn:
            conn.execute(delete(m.OutcomeResult).where(m.OutcomeResult.run_id == run_id))
        return self._insert(m.OutcomeResult, run_id, (as_row(r) for r in results))

    # -- reads ------------------------------------------------------------------------------
    def _rows(self, cls: type[R], model: Any, run_id: int) -> list[R]:
        """A run's rows of ``model`` as ``cls`` records, in insertion order, read as plain
        column tuples: building ORM objects first cost ~25 us a row (a million link rows on
        a 20,000-page site)."""
        columns = [getattr(model, name) for name in _field_names(cls)]
        q = select(*columns).where(model.run_id == run_id).order_by(model.id)
        with self.engine.connect() as conn:
            return [cls(*row) for row in conn.execute(q)]

    def pages(self, run_id: int) -> list[PageRecord]:
        return self._rows(PageRecord, m.Page, run_id)

    def page_urls(self, run_id: int) -> set[str]:
        with Session(self.engine) as s:
            return set(s.scalars(select(m.Page.url).where(m.Page.run_id == run_id)))

    def links(self, run_id: int) -> list[LinkRecord]:
        return self._rows(LinkRecord, m.Link, run_id)

    def link_checks(self, run_id: int) -> list[LinkCheckRecord]:
        return self._rows(LinkCheckRecord, m.LinkCheck, run_id)

    def findings(self, run_id: int, probe_id: str | None = None) -> list[Finding]:
        row = m.FindingRow
        keys = ("probe_id", "outcomes", "kind", "message", "page_url", "detail")
        q = select(*(getattr(row, k) for k in keys)).where(row.run_id == run_id)
        if probe_id is not None:
            q = q.where(row.probe_id == probe_id)
        with self.engine.connect() as conn:
            return [Finding.from_dict(dict(zip(keys, r, strict=True)))
                    for r in conn.execute(q.order_by(row.id))]

    def outcome_results(self, run_id: int) -> list[OutcomeRecord]:
        return self._rows(OutcomeRecord, m.OutcomeResult, run_id)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()
