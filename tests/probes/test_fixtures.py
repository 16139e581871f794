"""Every probe fixture under tests/probes/<probe-id>/ against its exhaustive expectations.

Layout (axe-core's ``test/integration/rules/<rule>/<rule>.{html,json}``, made per case)::

    tests/probes/<probe-id>/
        _context.json          optional defaults for every case of this probe (see below)
        <case>.html            a page case: this one page, then the probe's finalize()
        <case>.site.json       a site case: several pages, link verdicts, a context
        <case>.expected.json   every finding the probe emits for the case, in order

A case passes only when the probe emits exactly the expected findings: a finding that is not
listed fails, a listed one that is missing fails (``probe_id`` is left out: the directory
names it). Regenerate the expectations after a deliberate change with
``python scripts/update_probe_expectations.py [probe-id …]`` and review ``git diff``.

``_context.json`` and ``<case>.site.json`` share one shape; a case's keys override the
directory's::

    {"description": "what the case shows",
     "context": {"council": "...", "tier": "district", "site_hosts": ["www.x.gov.uk"],
                 "partner_hosts": {"www.y.gov.uk": "Y County Council"},
                 "options": {"<probe-id>": {...}}},
     "page": {"url": "http://www.x.gov.uk/{case}", "depth": 1},   # page cases: defaults
     "pages": [{"url": "...", "file": "a.html" | "html": "<html>…", "depth": 0,
                "status": 200, "final_url": "...", "headers": {...}}],   # site cases
     "link_verdicts": {"http://…": {"verdict": "broken", "status": 404}}}

A page case may set its own page fields in a leading comment:
``<!-- fixture: {"url": "http://www.x.gov.uk/a-z/", "depth": 0} -->``. ``site_hosts``
defaults to the hosts of the case's pages. Files whose name starts with ``_`` or that a site
case lists under ``pages`` are not cases of their own.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from poaudit.findings import Finding, Kind
from probes.base import Context, Page, host_of
from probes.registry import html_probes, registry
from probes.runner import ProbeRunner

FIXTURES = Path(__file__).resolve().parent
PAGE_SUFFIX = ".html"
SITE_SUFFIX = ".site.json"
EXPECTED_SUFFIX = ".expected.json"
CONTEXT_FILE = "_context.json"
DEFAULT_URL = "http://www.example.gov.uk/{case}.html"
_FRONT = re.compile(r"<!--\s*fixture:\s*(\{.*?\})\s*-->", re.S)


@dataclass(frozen=True)
class Case:
    """One fixture: a probe id, a name and the input file."""

    probe_id: str
    name: str
    source: Path

    @property
    def id(self) -> str:
        return f"{self.probe_id}/{self.name}"

    @property
    def expected_path(self) -> Path:
        return self.source.parent / f"{self.name}{EXPECTED_SUFFIX}"

    @property
    def is_site(self) -> bool:
        return self.source.name.endswith(SITE_SUFFIX)


def probe_dirs() -> list[Path]:
    """Every directory under tests/probes/ (each named after a probe id)."""
    return sorted(p for p in FIXTURES.iterdir() if p.is_dir() and not p.name.startswith((
        "_", ".")))


def _listed_pages(directory: Path) -> set[str]:
    listed: set[str] = set()
    for site in directory.glob(f"*{SITE_SUFFIX}"):
        for spec in _read_json(site).get("pages", []):
            if isinstance(spec, Mapping) and "file" in spec:
                listed.add(str(spec["file"]))
    return listed


def cases(probe_ids: Iterable[str] | None = None) -> list[Case]:
    """The fixture cases (of ``probe_ids`` only, when given), sorted."""
    wanted = set(probe_ids) if probe_ids else None
    out: list[Case] = []
    for directory in probe_dirs():
        if wanted is not None and directory.name not in wanted:
            continue
        listed = _listed_pages(directory)
        for path in sorted(directory.iterdir()):
            name = path.name
            if name.startswith("_") or name in listed:
                continue
            if name.endswith(SITE_SUFFIX):
                out.append(Case(directory.name, name[: -len(SITE_SUFFIX)], path))
            elif name.endswith(PAGE_SUFFIX):
                out.append(Case(directory.name, name[: -len(PAGE_SUFFIX)], path))
    return out


def _read_json(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a JSON object")
    return data


def _merged(defaults: Mapping[str, Any], case: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(defaults)
    for key, value in case.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = {**out[key], **value}
        else:
            out[key] = value
    return out


def _page(spec: Mapping[str, Any], html: str, site_hosts: frozenset[str]) -> Page:
    url = str(spec["url"])
    return Page(
        url=url,
        final_url=str(spec.get("final_url") or url),
        status=int(spec.get("status", 200)),
        text=html,
        headers={str(k).lower(): str(v) for k, v in (spec.get("headers") or {}).items()},
        content_type=str(spec.get("content_type", "text/html")),
        depth=int(spec.get("depth", 1)),
        site_hosts=site_hosts,
    )


def load(case: Case) -> tuple[Context, list[Page]]:
    """The case's context and pages, ready for the runner."""
    directory = case.source.parent
    defaults = _read_json(directory / CONTEXT_FILE) if (directory / CONTEXT_FILE).exists() \
        else {}
    specs: list[tuple[dict[str, Any], str]] = []
    if case.is_site:
        conf = _merged(defaults, _read_json(case.source))
        for raw in conf.get("pages", []):
            spec = dict(raw)
            if "file" in spec:
                html = (directory / str(spec["file"])).read_text(
                    encoding=str(spec.get("encoding", "utf-8")))
            else:
                html = str(spec.get("html", ""))
            specs.append((spec, html))
    else:
        conf = dict(defaults)
        html = case.source.read_text(encoding="utf-8")
        spec = {"url": DEFAULT_URL, **(conf.get("page") or {})}
        front = _FRONT.search(html[:4000])
        if front:
            spec.update(json.loads(front.group(1)))
        spec["url"] = str(spec["url"]).replace("{case}", case.name)
        specs.append((spec, html))
    ctx_conf: dict[str, Any] = dict(conf.get("context") or {})
    hosts = frozenset(ctx_conf.get("site_hosts") or {host_of(str(s["url"])) for s, _ in specs})
    ctx = Context(
        council=str(ctx_conf.get("council", "")),
        tier=str(ctx_conf.get("tier", "unitary")),
        site_hosts=hosts,
        partner_hosts=dict(ctx_conf.get("partner_hosts") or {}),
        options=dict(ctx_conf.get("options") or {}),
        link_verdicts=dict(conf.get("link_verdicts") or {}),
    )
    return ctx, [_page(spec, html, hosts) for spec, html in specs]


def _plain(value: Any) -> Any:
    """JSON-ready: tuples and sets to lists (sets sorted), keys as strings."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, set | frozenset):
        return sorted((_plain(v) for v in value), key=repr)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def as_expected(finding: Finding) -> dict[str, Any]:
    """A finding as written in ``<case>.expected.json`` (without the probe id)."""
    data = finding.as_dict()
    data.pop("probe_id")
    plain: dict[str, Any] = _plain(data)
    return plain


def run(case: Case) -> list[dict[str, Any]]:
    """Run the case's probe over its pages, then finalize; the findings as expectation data.

    Runs through the real :class:`ProbeRunner` with every other probe disabled. A probe that
    raises is an error here (the runner would turn it into a ``not assessed`` finding)."""
    if case.probe_id not in registry():
        raise LookupError(f"tests/probes/{case.probe_id}/ names no registered probe")
    ctx, pages = load(case)
    others = [p.meta.id for p in html_probes() if p.meta.id != case.probe_id]
    runner = ProbeRunner(ctx, disabled=others)
    findings: list[Finding] = []
    for page in pages:
        findings.extend(runner.on_page(page))
    findings.extend(runner.finalize())
    if runner.errors:
        failed = [f for f in findings if f.kind is Kind.NOT_ASSESSED and "error" in f.detail]
        raise AssertionError(f"{case.id}: the probe raised:\n" + "\n".join(
            f"{f.page_url}: {f.detail.get('trace', f.detail['error'])}" for f in failed))
    return [as_expected(f) for f in findings]


def dump(findings: list[dict[str, Any]]) -> str:
    """The text of an expectations file (stable, diff-friendly)."""
    return json.dumps({"findings": findings}, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def read_expected(case: Case) -> list[dict[str, Any]]:
    data = _read_json(case.expected_path)
    findings = data.get("findings")
    if not isinstance(findings, list):
        raise ValueError(f"{case.expected_path}: no 'findings' list")
    return findings


def _key(item: Mapping[str, Any]) -> str:
    return json.dumps(item, sort_keys=True, ensure_ascii=False)


def _params() -> Iterator[Any]:
    for case in cases():
        yield pytest.param(case, id=case.id)


@pytest.mark.parametrize("case", list(_params()))
def test_fixture(case: Case) -> None:
    assert case.expected_path.exists(), (
        f"{case.id}: no {case.expected_path.name}; write it with "
        f"`python scripts/update_probe_expectations.py {case.probe_id}` and review it")
    actual = run(case)
    expected = read_expected(case)
    want = [_key(f) for f in expected]
    got = [_key(f) for f in actual]
    unexpected = [a for a, k in zip(actual, got, strict=True) if k not in want]
    missing = [e for e, k in zip(expected, want, strict=True) if k not in got]
    report = "".join(
        f"\n{label} ({len(items)}):\n" + "\n".join(json.dumps(i, indent=1, ensure_ascii=False)
                                                   for i in items)
        for label, items in (("not expected", unexpected), ("expected, missing", missing))
        if items)
    assert not unexpected and not missing, f"{case.id}: findings differ{report}"
    assert sorted(got) == sorted(want), f"{case.id}: a finding is repeated a different number " \
                                        "of times than expected"


@pytest.mark.parametrize("directory", probe_dirs(), ids=lambda p: p.name)
def test_fixture_directory(directory: Path) -> None:
    """Each fixture directory names a registered HTML probe, has cases, and no stray files."""
    assert directory.name in {p.meta.id for p in html_probes()}, (
        f"tests/probes/{directory.name}/ does not name a registered HTML probe")
    found = cases([directory.name])
    assert found, f"tests/probes/{directory.name}/ has no cases"
    names = {c.name for c in found}
    stray = sorted(p.name for p in directory.glob(f"*{EXPECTED_SUFFIX}")
                   if p.name[: -len(EXPECTED_SUFFIX)] not in names)
    assert not stray, f"expectations without a case: {stray}"
