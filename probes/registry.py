"""The probe registry: every probe module under ``probes/`` that has a ``META``.

Ids and codes live in one place and are never reused (ruff's codes.rs, pylint's retired
message ids): ``RETIRED`` keeps the ids and codes of deleted probes so nobody reuses them.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from functools import cache
from types import ModuleType

import probes
from probes.base import PageFn, ProbeMeta, SiteFn

RETIRED: dict[str, str] = {}  # id -> code of probes that existed once


@dataclass(frozen=True)
class Probe:
    """A registered probe: its metadata, docs and entry points."""

    meta: ProbeMeta
    doc: str
    module: str
    evaluate: PageFn | None
    finalize: SiteFn | None


def _probe_from(module: ModuleType) -> Probe | None:
    meta = getattr(module, "META", None)
    if not isinstance(meta, ProbeMeta):
        return None
    return Probe(
        meta=meta,
        doc=(module.__doc__ or "").strip(),
        module=module.__name__,
        evaluate=getattr(module, "evaluate", None),
        finalize=getattr(module, "finalize", None),
    )


@cache
def registry() -> dict[str, Probe]:
    """All probes by id, found by importing the modules of the ``probes`` package."""
    found: dict[str, Probe] = {}
    codes: dict[str, str] = {}
    for info in sorted(pkgutil.iter_modules(probes.__path__), key=lambda i: i.name):
        if info.ispkg or info.name in {"base", "registry", "runner"} or info.name.startswith("_"):
            continue
        probe = _probe_from(importlib.import_module(f"probes.{info.name}"))
        if probe is None:
            continue
        meta = probe.meta
        if meta.id in found or meta.code in codes:
            raise RuntimeError(f"probe id {meta.id!r} or code {meta.code!r} is registered twice")
        if meta.id in RETIRED or meta.code in RETIRED.values():
            raise RuntimeError(f"probe {meta.id!r}/{meta.code} reuses a retired id or code")
        if meta.stage == "html" and probe.evaluate is None and probe.finalize is None:
            raise RuntimeError(f"probe {meta.id!r} has neither evaluate() nor finalize()")
        found[meta.id] = probe
        codes[meta.code] = meta.id
    return found


def html_probes(disabled: frozenset[str] = frozenset()) -> list[Probe]:
    """The enabled probes that run on parsed HTML during (and at the end of) the crawl."""
    return [p for p in registry().values() if p.meta.stage == "html" and p.meta.id not in disabled]
