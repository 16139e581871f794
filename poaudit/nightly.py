"""``poaudit nightly SITES.yaml``: audit several sites into one store, compare each with its
previous run, and fail only on the regressions the file names.

Sites whose hosts overlap run one after another (each crawl is polite to its hosts); other
sites run concurrently. A lock per site (a file lock beside a SQLite store, a PostgreSQL
advisory lock otherwise) stops two nightly runs of the same site overlapping. Transient link
failures are held back until they persist (:func:`poaudit.history.apply_persistence`); old
runs beyond ``retention_runs`` are deleted after each site's run.

Exit codes (``NightlyResult.exit_code``): 0 no configured regression; 1 a configured
regression; 2 configuration error (raised as :class:`NightlyConfigError`); 3 another nightly
run holds a site's lock, or a site's audit failed.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from poaudit.history import DEFAULT_PERSISTENCE_NIGHTS, RunDiff, prune
from poaudit.profile import Profile, ProfileError, load_profile, parse_profile
from poaudit.store import Store, normalise_url

__all__ = [
    "EXIT_FAILED",
    "EXIT_OK",
    "EXIT_REGRESSION",
    "FailOn",
    "LockHeld",
    "NightlyConfig",
    "NightlyConfigError",
    "NightlyResult",
    "SiteResult",
    "load_nightly",
    "regressions",
    "run_nightly",
    "site_lock",
]

log = logging.getLogger(__name__)
EXIT_OK, EXIT_REGRESSION, EXIT_CONFIG, EXIT_FAILED = 0, 1, 2, 3
STATUSES = ("met", "partly met", "not met", "met via partner deep link", "not applicable",
            "needs attestation", "not assessed")


class NightlyConfigError(ValueError):
    """The nightly file is wrong; ``str()`` names the file and the key."""


class LockHeld(RuntimeError):
    """Another nightly run holds the lock of a site."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FailOn(_Strict):
    """Which changes since the previous run make the nightly run exit 1."""

    new_broken_links: bool = False
    new_accessibility_violations: bool = False
    status_drops: list[str] = Field(default_factory=list)
    metadata_drop_pct: float | None = None

    @field_validator("status_drops")
    @classmethod
    def _known(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - set(STATUSES))
        if unknown:
            raise ValueError(f"unknown status {unknown}; choose from {', '.join(STATUSES)}")
        return value


class NightlyConfig(_Strict):
    """The nightly file: where results go, which sites, and what counts as a regression."""

    store: str = "sqlite:///poaudit.sqlite"
    out_dir: Path = Path("nightly-reports")
    sites: list[Any] = Field(min_length=1)
    fail_on: FailOn = Field(default_factory=FailOn)
    persistence_nights: int = Field(DEFAULT_PERSISTENCE_NIGHTS, ge=1)
    retention_runs: int | None = Field(60, ge=1)
    concurrency: int = Field(4, ge=1)
    browser: bool = True
    incremental: bool = True
    lock_dir: Path | None = None


@dataclass
class SiteResult:
    """One site's audit in a nightly run."""

    site: str
    run_id: int | None = None
    diff: RunDiff | None = None
    regressions: list[str] = field(default_factory=list)
    error: str | None = None
    pruned: list[int] = field(default_factory=list)
    reports: dict[str, Path] = field(default_factory=dict)


@dataclass
class NightlyResult:
    sites: list[SiteResult]

    @property
    def exit_code(self) -> int:
        if any(s.error for s in self.sites):
            return EXIT_FAILED
        return EXIT_REGRESSION if any(s.regressions for s in self.sites) else EXIT_OK


def _where(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(p) for p in loc) or "(top level)"


def load_nightly(path: Path) -> tuple[NightlyConfig, list[Profile]]:
    """Read and validate the nightly file and every profile it lists."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise NightlyConfigError(f"{path}: cannot read: {exc}") from None
    except yaml.YAMLError as exc:
        raise NightlyConfigError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise NightlyConfigError(f"{path}: expected a mapping with a 'sites' key")
    try:
        config = NightlyConfig.model_validate(data)
    except ValidationError as exc:
        lines = [f"{path}: invalid nightly configuration"]
        for err in exc.errors():
            msg = "unknown key" if err["type"] == "extra_forbidden" else err["msg"]
            lines.append(f"  {_where(err['loc'])}: {msg}")
        raise NightlyConfigError("\n".join(lines)) from None
    base = path.resolve().parent
    if not config.out_dir.is_absolute():
        config.out_dir = base / config.out_dir
    if config.store.startswith("sqlite:///") and not config.store.startswith("sqlite:////"):
        rel = config.store.removeprefix("sqlite:///")
        config.store = f"sqlite:///{(base / rel).resolve()}"
    profiles: list[Profile] = []
    for i, entry in enumerate(config.sites):
        where = f"{path}: sites.{i}"
        try:
            if isinstance(entry, str):
                profiles.append(load_profile(base / entry))
            elif isinstance(entry, dict) and set(entry) == {"profile"}:
                profiles.append(load_profile(base / str(entry["profile"])))
            elif isinstance(entry, dict):
                profiles.append(parse_profile(entry, where))
            else:
                raise NightlyConfigError(f"{where}: a profile file name or an inline profile")
        except ProfileError as exc:
            raise NightlyConfigError(f"{where}: {exc}") from None
    names = [p.name for p in profiles]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise NightlyConfigError(f"{path}: sites: the same site name twice: {', '.join(dupes)}")
    return config, profiles


# -- locks -------------------------------------------------------------------------------------

def _lock_key(site: str) -> int:
    digest = hashlib.sha256(f"poaudit-nightly:{site}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@contextlib.contextmanager
def site_lock(store: Store, site: str, lock_dir: Path | None = None) -> Iterator[None]:
    """Hold the nightly lock of ``site`` (non-blocking: :class:`LockHeld` when taken)."""
    if store.engine.dialect.name == "postgresql":
        from sqlalchemy import text

        with store.engine.connect() as conn:
            got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"),
                               {"k": _lock_key(site)}).scalar()
            conn.commit()
            if not got:
                raise LockHeld(f"another nightly run is auditing {site!r} (advisory lock)")
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _lock_key(site)})
                conn.commit()
        return
    if lock_dir is None:
        db = store.engine.url.database
        lock_dir = Path(db).resolve().parent if db and db != ":memory:" else Path(".")
    lock_dir.mkdir(parents=True, exist_ok=True)
    path = lock_dir / f".poaudit-nightly-{site}.lock"
    with path.open("a+") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LockHeld(f"another nightly run is auditing {site!r} (lock {path})") from None
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


# -- regressions -------------------------------------------------------------------------------

def regressions(diff: RunDiff | None, rules: FailOn) -> list[str]:
    """The configured regressions a diff shows, as sentences (empty: none)."""
    if diff is None:
        return []
    out: list[str] = []
    if rules.new_broken_links and diff.new_broken_links:
        out.append(f"{len(diff.new_broken_links)} new broken link(s): "
                   + ", ".join(c.url for c in diff.new_broken_links[:5]))
    if rules.new_accessibility_violations and diff.new_violations:
        out.append(f"{len(diff.new_violations)} new accessibility violation(s)")
    drops = [c for c in diff.status_changes if c.before in rules.status_drops]
    if drops:
        out.append("outcome status dropped: "
                   + ", ".join(f"{c.code} {c.before} -> {c.after}" for c in drops))
    change = diff.metadata.change_pct if diff.metadata else None
    if rules.metadata_drop_pct is not None and change is not None \
            and -change > rules.metadata_drop_pct:
        out.append(f"metadata coverage fell by {-change:g} points")
    return out


# -- the run -----------------------------------------------------------------------------------

Audit = Callable[..., Any]


def _groups(profiles: list[Profile]) -> list[list[Profile]]:
    """Sites sharing a host go in one group (run in turn); groups run concurrently."""
    groups: list[tuple[set[str], list[Profile]]] = []
    for p in profiles:
        hosts = set(p.allowed_hosts)
        joined = [g for g in groups if g[0] & hosts]
        merged_hosts, merged = set(hosts), [p]
        for g in joined:
            merged_hosts |= g[0]
            merged = g[1] + merged
            groups.remove(g)
        groups.append((merged_hosts, merged))
    return [g[1] for g in groups]


def _audit_site(profile: Profile, config: NightlyConfig, store: Store,
                audit_fn: Audit) -> SiteResult:
    from poaudit.history import diff_runs

    result = SiteResult(profile.name)
    try:
        with site_lock(store, profile.name, config.lock_dir):
            audited = audit_fn(profile, store.url, config.out_dir / profile.name,
                               browser=config.browser,
                               persistence_nights=config.persistence_nights,
                               incremental=config.incremental)
            result.run_id = audited.run_id
            result.reports = dict(audited.reports)
            result.diff = diff_runs(store, audited.run_id)
            result.regressions = regressions(result.diff, config.fail_on)
            if config.retention_runs:
                result.pruned = prune(store, profile.name, config.retention_runs)
    except LockHeld as exc:
        result.error = str(exc)
    except Exception as exc:  # one site's failure must not stop the others
        log.exception("nightly audit of %s failed", profile.name)
        result.error = f"{type(exc).__name__}: {exc}"
    return result


def run_nightly(config: NightlyConfig, profiles: list[Profile], *,
                audit_fn: Audit | None = None) -> NightlyResult:
    """Audit every site of the nightly file; see the module docstring for the exit codes."""
    if audit_fn is None:
        from poaudit.audit import audit

        audit_fn = audit
    run_audit: Audit = audit_fn
    store = Store(normalise_url(config.store))
    try:
        groups = _groups(profiles)

        def run_group(group: list[Profile]) -> list[SiteResult]:
            return [_audit_site(p, config, store, run_audit) for p in group]

        with ThreadPoolExecutor(max_workers=min(config.concurrency, len(groups))) as pool:
            done = list(pool.map(run_group, groups))
    finally:
        store.close()
    order = {p.name: i for i, p in enumerate(profiles)}
    results = sorted((r for group in done for r in group), key=lambda r: order[r.site])
    return NightlyResult(results)
