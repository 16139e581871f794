"""Corpus scoring and speed benchmarks for the browser stage (accessibility-axe, G20).

Everything is served on 127.0.0.1 and the browsers are kept on loopback.

    python bench/axe_bench.py gds          # GDS audit corpus: default AA tags and all tags
    python bench/axe_bench.py integration  # axe-core's own rule fixtures: target agreement
    python bench/axe_bench.py peers        # 300 generated pages: poaudit vs @axe-core/cli

``gds`` counts as GDS counted: a case is found when axe reports a violation on any of its
barrier pages. Violations that the empty template page (tests/_baseline.html) also has, same
rule and same target, are template noise and do not count. ``peers`` needs @axe-core/cli in
``--peer-dir`` (installed with ``PUPPETEER_SKIP_DOWNLOAD=1 CHROMEDRIVER_SKIP_DOWNLOAD=true
npm install @axe-core/cli`` outside the repo); it is given poaudit's axe-core copy
(``--axe-source``) so both run the same engine on the same Chromium.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from probes.browser.axe import (  # noqa: E402
    ALL_TAGS,
    DEFAULT_TAGS,
    WCAG22_TAGS,
    AxeOptions,
    axe_core_version,
)
from probes.browser.driver import LOOPBACK_ONLY_ARGS, BrowserConfig  # noqa: E402
from probes.browser.pool import BrowserPool, PageResult, PoolConfig  # noqa: E402

#: Exactly the tags GDS ran in 2017-18 (tools-info.md); ALL_TAGS adds WCAG 2.1/2.2 AA.
GDS_TAGS: tuple[str, ...] = ("wcag2a", "wcag2aa", "section508", "best-practice", "experimental")

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"

#: Rules whose results on a wrapped fixture depend on the wrapper page (see the corpus note).
PAGE_LEVEL_RULES = frozenset({
    "document-title", "html-has-lang", "html-lang-valid", "html-xml-lang-mismatch",
    "valid-lang-page", "region", "bypass", "page-has-heading-one", "duplicate-id",
    "duplicate-id-active", "duplicate-id-aria", "heading-order", "identical-links-same-purpose",
    "skip-link", "meta-refresh-no-exceptions",
})
_WRAPPER_HTML = ("<html", "<body", '<div id="fixture"', "<head", "<title")


def corpora_dir() -> Path:
    """../shared/corpora beside the checkout (or ``$POAUDIT_CORPORA``)."""
    env = os.environ.get("POAUDIT_CORPORA")
    return Path(env) if env else ROOT.parent / "shared" / "corpora"


# --------------------------------------------------------------------------------------------
# A static server on loopback, with a page that never finishes loading
# --------------------------------------------------------------------------------------------
class _Handler(SimpleHTTPRequestHandler):
    mounts: Mapping[str, Path] = {}
    release: threading.Event = threading.Event()

    def translate_path(self, path: str) -> str:
        clean = unquote(urlsplit(path).path)
        for prefix, root in sorted(self.mounts.items(), key=lambda kv: -len(kv[0])):
            if clean == prefix or clean.startswith(prefix.rstrip("/") + "/"):
                rest = clean[len(prefix.rstrip("/")):].lstrip("/")
                target = (root / rest).resolve()
                if target == root.resolve() or root.resolve() in target.parents:
                    return str(target)
        return str(Path(tempfile.gettempdir()) / "poaudit-no-such-file")

    def do_GET(self) -> None:
        if urlsplit(self.path).path.startswith("/hang"):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(b"<!DOCTYPE html><html lang='en'><head><title>Never loads</title>"
                             b"</head><body><p>Loading")
            self.wfile.flush()
            self.release.wait(600)
            return
        super().do_GET()

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def handle(self) -> None:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            super().handle()


class LoopbackServer:
    """Serve folders on 127.0.0.1 (``mounts``: URL prefix -> folder); ``/hang`` never ends."""

    def __init__(self, mounts: Mapping[str, Path]) -> None:
        self.release = threading.Event()
        handler = type("Handler", (_Handler,), {"mounts": dict(mounts), "release": self.release})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory="/"))
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, path: str) -> str:
        """Absolute URL for a path under a mount (quoted)."""
        return self.base + quote("/" + path.lstrip("/"), safe="/?&=%:")

    def close(self) -> None:
        """Free hanging requests and stop."""
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> LoopbackServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def loopback_pool(size: int = 2, page_timeout: float = 20.0, **kw: Any) -> BrowserPool:
    """A pool whose browsers cannot leave loopback."""
    return BrowserPool(PoolConfig(size=size, page_timeout=page_timeout,
                                  browser=BrowserConfig(extra_args=LOOPBACK_ONLY_ARGS), **kw))


def run_pages(pool: BrowserPool, urls: Sequence[str], tags: Sequence[str]) -> dict[str, PageResult]:
    """url -> result."""
    return {r.url: r for r in pool.run(urls, AxeOptions(tags=tuple(tags)))}


# --------------------------------------------------------------------------------------------
# GDS accessibility tool audit (142 cases)
# --------------------------------------------------------------------------------------------
def gds_cases() -> list[dict[str, Any]]:
    """The cases of a11y-audit-expected.json."""
    data = json.loads((corpora_dir() / "a11y-audit-expected.json").read_text(encoding="utf-8"))
    return list(data["cases"])


@dataclass
class GdsScore:
    """poaudit's result on the GDS corpus for one tag set."""

    tags: tuple[str, ...]
    n: int
    found: list[str]
    gds_found: list[str]
    rules: dict[str, list[str]]  # case -> violated rules (after baseline subtraction)
    review: dict[str, list[str]]  # case -> rules needing review (not counted)
    not_assessed: dict[str, str] = field(default_factory=dict)
    raw_found: int = 0  # without baseline subtraction
    baseline_rules: list[str] = field(default_factory=list)

    @property
    def only_poaudit(self) -> list[str]:
        return sorted(set(self.found) - set(self.gds_found))

    @property
    def only_gds(self) -> list[str]:
        return sorted(set(self.gds_found) - set(self.found))

    def as_dict(self) -> dict[str, Any]:
        return {"tags": list(self.tags), "n": self.n, "found": len(self.found),
                "gds_found": len(self.gds_found), "raw_found": self.raw_found,
                "only_poaudit": self.only_poaudit, "only_gds": self.only_gds,
                "rules": self.rules, "review": self.review, "not_assessed": self.not_assessed,
                "baseline_rules": self.baseline_rules}


def _targets(res: PageResult) -> set[tuple[str, str]]:
    assert res.axe is not None
    return {(str(v["id"]), json.dumps(n["target"])) for v in res.axe.violations for n in v["nodes"]}


def score_gds(pool: BrowserPool, server: LoopbackServer, tags: Sequence[str],
              case_ids: Iterable[str] | None = None, mount: str = "gds") -> GdsScore:
    """Run the GDS cases (all, or ``case_ids``) and count them as GDS did."""
    cases = gds_cases()
    if case_ids is not None:
        wanted = set(case_ids)
        cases = [c for c in cases if c["id"] in wanted]
    pages = sorted({p for c in cases for p in c["barrier_on_pages"]} | {"tests/_baseline.html"})
    urls = {p: server.url(f"{mount}/{p}") for p in pages}
    results = run_pages(pool, list(urls.values()), tags)
    base = results[urls["tests/_baseline.html"]]
    if not base.assessed:
        raise RuntimeError(f"baseline page not assessed: {base.error}")
    noise = _targets(base)
    score = GdsScore(tuple(tags), len(cases), [], sorted(c["id"] for c in cases
                                                         if c["gds_axe_detected"]), {}, {},
                     baseline_rules=sorted({r for r, _ in noise}))
    for case in cases:
        rules: set[str] = set()
        review: set[str] = set()
        raw = False
        for page in case["barrier_on_pages"]:
            res = results[urls[page]]
            if not res.assessed or res.axe is None:
                score.not_assessed[case["id"]] = res.error or "not assessed"
                continue
            raw = raw or bool(res.axe.violations)
            rules |= {r for r, _ in _targets(res) - noise}
            review |= set(res.axe.incomplete_ids())
        score.raw_found += raw
        if rules:
            score.found.append(case["id"])
            score.rules[case["id"]] = sorted(rules)
        if review:
            score.review[case["id"]] = sorted(review)
    return score


def print_gds(score: GdsScore, cases: Mapping[str, Mapping[str, Any]]) -> None:
    """Counts and the differences from GDS's axe column."""
    print(f"\n== GDS corpus, tags {', '.join(score.tags)} (axe-core {axe_core_version()})")
    print(f"poaudit finds {len(score.found)}/{score.n} (GDS's axe: {len(score.gds_found)}/"
          f"{score.n}); without baseline subtraction {score.raw_found}/{score.n}; "
          f"both {len(set(score.found) & set(score.gds_found))}")
    print(f"baseline (empty template) violations subtracted: {score.baseline_rules or 'none'}")
    if score.not_assessed:
        print(f"not assessed: {score.not_assessed}")
    print(f"-- found by poaudit, not by GDS's axe ({len(score.only_poaudit)}):")
    for cid in score.only_poaudit:
        print(f"  + {cid}: {', '.join(score.rules[cid])} (GDS axe: {cases[cid]['gds_axe_result']})")
    print(f"-- found by GDS's axe, not by poaudit ({len(score.only_gds)}):")
    for cid in score.only_gds:
        review = score.review.get(cid)
        extra = f"; needs review: {', '.join(review)}" if review else ""
        print(f"  - {cid}: GDS {cases[cid]['gds_axe_result']}{extra}")


# --------------------------------------------------------------------------------------------
# axe-core integration fixtures
# --------------------------------------------------------------------------------------------
@dataclass
class IntegrationScore:
    """Agreement with axe-core's own expected violation targets (inside #fixture)."""

    fixtures: int = 0
    exact: int = 0
    matched: int = 0
    missed: int = 0
    extra: int = 0
    not_run: list[str] = field(default_factory=list)
    not_assessed: list[str] = field(default_factory=list)
    errored: dict[str, str] = field(default_factory=dict)  # rule threw on the page
    differences: dict[str, dict[str, list[Any]]] = field(default_factory=dict)
    review_matched: int = 0
    review_expected: int = 0

    @property
    def agreement(self) -> float:
        """Node-level agreement: matched / (matched + missed + extra)."""
        total = self.matched + self.missed + self.extra
        return self.matched / total if total else 1.0

    def as_dict(self) -> dict[str, Any]:
        return {"fixtures": self.fixtures, "exact": self.exact, "matched": self.matched,
                "missed": self.missed, "extra": self.extra, "agreement": self.agreement,
                "not_run": self.not_run, "not_assessed": self.not_assessed,
                "errored": self.errored, "differences": self.differences,
                "review_matched": self.review_matched, "review_expected": self.review_expected}


def integration_fixtures() -> list[dict[str, Any]]:
    """The WCAG A/AA fixtures, page-level rules left out (see the corpus note)."""
    path = corpora_dir() / "axe-core-integration" / "axe-integration-expected.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    return [f for f in data["fixtures"]
            if f["wcag_A_AA_rule"] and f["rule"] not in PAGE_LEVEL_RULES]


def _in_fixture(node: Mapping[str, Any]) -> bool:
    """False for the wrapper's own elements (html, head, body, #fixture) in the top document."""
    target = node.get("target") or []
    if len(target) > 1:
        return True  # inside a frame of the fixture
    return not str(node.get("html", "")).startswith(_WRAPPER_HTML)


def score_integration(pool: BrowserPool, server: LoopbackServer,
                      tags: Sequence[str] = WCAG22_TAGS, mount: str = "axe",
                      rules: Iterable[str] | None = None) -> IntegrationScore:
    """Run every WCAG A/AA fixture page once and compare that rule's violation targets."""
    fixtures = integration_fixtures()
    if rules is not None:
        wanted = set(rules)
        fixtures = [f for f in fixtures if f["rule"] in wanted]
    urls = {f["served_page"]: server.url(f"{mount}/{f['served_page']}") for f in fixtures}
    results = run_pages(pool, sorted(set(urls.values())), tags)
    score = IntegrationScore()
    for f in fixtures:
        name = f"{f['rule']}@{f['served_page'].split('/')[-1]}"
        res = results[urls[f["served_page"]]]
        if not res.assessed or res.axe is None:
            score.not_assessed.append(name)
            continue
        a = res.axe
        ran = {*a.passes, *a.inapplicable, *(str(v["id"]) for v in a.violations),
               *(str(v["id"]) for v in a.incomplete)}
        if f["rule"] in a.errored_rules():
            score.errored[name] = a.errored_rules()[f["rule"]]
        if f["rule"] not in ran:
            score.not_run.append(name)  # experimental/deprecated: not in poaudit's tag set
            continue
        score.fixtures += 1
        expected = {json.dumps(t) for t in f["expected_violations"]}
        got = {json.dumps(n["target"]) for v in a.violations if v["id"] == f["rule"]
               for n in v["nodes"] if _in_fixture(n)}
        score.matched += len(expected & got)
        score.missed += len(expected - got)
        score.extra += len(got - expected)
        if expected == got:
            score.exact += 1
        else:
            score.differences[name] = {"missed": sorted(expected - got),
                                       "extra": sorted(got - expected)}
        exp_review = {json.dumps(t) for t in f["expected_incomplete"]}
        got_review = {json.dumps(n["target"]) for v in a.incomplete if v["id"] == f["rule"]
                      for n in v["nodes"] if _in_fixture(n)}
        score.review_expected += len(exp_review)
        score.review_matched += len(exp_review & got_review)
    return score


def print_integration(score: IntegrationScore) -> None:
    """Agreement figures and every fixture that differs."""
    print(f"\n== axe-core integration fixtures (WCAG A/AA rules, page-level rules excluded), "
          f"axe-core {axe_core_version()}")
    print(f"fixtures compared {score.fixtures}, exact {score.exact}; violation targets matched "
          f"{score.matched}, missed {score.missed}, extra {score.extra}: agreement "
          f"{score.agreement:.3f}")
    print(f"needs-review targets matched {score.review_matched}/{score.review_expected} "
          "(kept apart, not in the agreement)")
    print(f"not run by the tag set (experimental/deprecated): {score.not_run}")
    if score.not_assessed:
        print(f"not assessed: {score.not_assessed}")
    for name, err in sorted(score.errored.items()):
        print(f"  rule errored (counted as missed): {name}: {err}")
    for name, diff in sorted(score.differences.items()):
        print(f"  {name}: missed {diff['missed']} extra {diff['extra']}")


# --------------------------------------------------------------------------------------------
# Generated pages and the @axe-core/cli peer
# --------------------------------------------------------------------------------------------
_SNIPPETS = (
    '<img src="logo{i}.png">',
    '<img src="photo{i}.png" alt="Photo {i} of the council offices">',
    '<form action="/search"><input type="text" name="q{i}"><button>Search</button></form>',
    '<form action="/s"><label for="q{i}">Search</label><input id="q{i}" name="q"></form>',
    '<p style="color:#999;background:#fff">Small print {i}: terms apply.</p>',
    '<a href="/empty{i}"></a>',
    '<button></button>',
    '<ul><li>Bins</li><li>Council Tax</li><div>Parking {i}</div></ul>',
    '<table><tr><th>Ward</th><th>Councillor</th></tr><tr><td>North</td><td>Cllr {i}</td></tr>'
    '</table>',
    '<iframe src="frame.html"></iframe>',
    '<div role="button">Pay {i}</div>',
    '<input type="checkbox" id="c{i}"><label for="c{i}">Email me</label>',
    '<select name="ward{i}"><option>North</option></select>',
    '<a href="/page{i}">Read more about service {i}</a>',
    '<span aria-hidden="true"><a href="/h{i}">Hidden link</a></span>',
    '<dl><dt>Opening</dt><dd>9-5</dd><p>oops {i}</p></dl>',
)


def generate_pages(folder: Path, n: int = 300, seed: int = 2004) -> list[str]:
    """Write ``n`` distinct council-like pages with varied faults; returns file names."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "frame.html").write_text(
        "<!DOCTYPE html><html lang='en'><head><title>Frame</title></head><body>"
        "<p>Embedded</p><img src='x.png'></body></html>", encoding="utf-8")
    nav = "".join(f'<li><a href="/service{k}">Service {k}</a></li>' for k in range(25))
    names = []
    for i in range(n):
        parts = [s.format(i=i) for s in rng.sample(_SNIPPETS, rng.randint(3, 9))]
        lang = ' lang="en"' if rng.random() > 0.2 else ""
        title = f"<title>Page {i} - Anytown Council</title>" if rng.random() > 0.1 else ""
        paras = "".join(f"<p>Paragraph {k} about council service {i}. " + "Lorem ipsum " * 8 +
                        "</p>" for k in range(rng.randint(2, 8)))
        html = (f"<!DOCTYPE html><html{lang}><head><meta charset='utf-8'>{title}</head><body>"
                f"<header><nav><ul>{nav}</ul></nav></header><main><h1>Service {i}</h1>{paras}"
                f"{''.join(parts)}</main><footer><p>Anytown Council {i}</p></footer></body></html>")
        name = f"page{i:04d}.html"
        (folder / name).write_text(html, encoding="utf-8")
        names.append(name)
    return names


def run_peer(urls: Sequence[str], tags: Sequence[str], peer_dir: Path,
             out_dir: Path) -> tuple[float, dict[str, list[str]]]:
    """Run @axe-core/cli on ``urls`` (space-separated), same Chromium and axe-core copy."""
    cli = peer_dir / "node_modules" / ".bin" / "axe"
    from importlib import resources
    axe_js = resources.files("axe_selenium_python") / "node_modules" / "axe-core" / "axe.min.js"
    cmd = [str(cli), *urls, "--tags", ",".join(tags), "--axe-source", str(axe_js),
           "--chrome-path", CHROMIUM, "--chromedriver-path", CHROMEDRIVER,
           "--chrome-options", "no-sandbox,disable-gpu,disable-dev-shm-usage,disable-quic,"
           "no-first-run,disable-background-networking,disable-component-update,disable-sync",
           "--save", "peer.json", "--dir", str(out_dir), "--no-reporter"]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=1800,
                          env={**os.environ, "PUPPETEER_SKIP_DOWNLOAD": "1"})
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"@axe-core/cli failed ({proc.returncode}): {proc.stderr[-2000:]}")
    data = json.loads((out_dir / "peer.json").read_text(encoding="utf-8"))
    rules = {str(page["url"]): sorted(v["id"] for v in page["violations"]) for page in data}
    return elapsed, rules


def run_poaudit(urls: Sequence[str], tags: Sequence[str], size: int
                ) -> tuple[float, dict[str, list[str]], BrowserPool]:
    """Time poaudit's pool on ``urls`` (browser start-up included, as for the peer)."""
    start = time.perf_counter()
    pool = loopback_pool(size=size, dedupe=False)
    with pool:
        results = run_pages(pool, urls, tags)
    elapsed = time.perf_counter() - start
    rules = {u: (r.axe.violation_ids() if r.axe else ["<not assessed>"])
             for u, r in results.items()}
    return elapsed, rules, pool


def bench_peers(n: int, peer_dir: Path, tags: Sequence[str] = DEFAULT_TAGS) -> dict[str, Any]:
    """300 generated pages: poaudit with 1 and 2 browsers vs @axe-core/cli."""
    tmp = Path(tempfile.mkdtemp(prefix="poaudit-bench-"))
    try:
        names = generate_pages(tmp / "site", n)
        with LoopbackServer({"/site": tmp / "site"}) as server:
            urls = [server.url(f"site/{name}") for name in names]
            out: dict[str, Any] = {"pages": n, "tags": list(tags), "axe": axe_core_version()}
            ours: dict[str, list[str]] = {}
            for size in (1, 2):
                elapsed, ours, pool = run_poaudit(urls, tags, size)
                out[f"poaudit_{size}"] = {"seconds": round(elapsed, 2),
                                          "pages_per_s": round(n / elapsed, 2),
                                          "not_assessed": pool.stats.not_assessed}
                print(f"poaudit, {size} browser(s): {elapsed:.1f} s, {n / elapsed:.2f} pages/s")
            if (peer_dir / "node_modules" / ".bin" / "axe").exists():
                elapsed, theirs = run_peer(urls, tags, peer_dir, tmp)
                out["peer"] = {"name": "@axe-core/cli", "seconds": round(elapsed, 2),
                               "pages_per_s": round(n / elapsed, 2)}
                print(f"@axe-core/cli: {elapsed:.1f} s, {n / elapsed:.2f} pages/s")
                diff = {u: {"poaudit": ours.get(u), "peer": theirs.get(u)} for u in urls
                        if ours.get(u) != theirs.get(u)}
                out["equal_findings"] = not diff
                out["differences"] = diff
                out["ratio_2_browsers_vs_peer"] = round(
                    out["poaudit_2"]["pages_per_s"] / out["peer"]["pages_per_s"], 2)
                print(f"same violated rule ids on every page: {not diff} "
                      f"({len(diff)} pages differ); ratio (2 browsers / peer): "
                      f"{out['ratio_2_browsers_vs_peer']}x")
                for u, d in list(diff.items())[:10]:
                    print(f"  {u}: {d}")
            else:
                print(f"@axe-core/cli not found under {peer_dir}: peer skipped")
        return out
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# --------------------------------------------------------------------------------------------
def _corpus_server() -> LoopbackServer:
    c = corpora_dir()
    # the integration fixtures load their frames from /integration/rules/... (absolute paths)
    return LoopbackServer({"/gds": c / "gds-accessibility-tool-audit",
                           "/axe": c / "axe-core-integration",
                           "/integration": c / "axe-core-integration" / "integration"})


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("mode", choices=["gds", "integration", "peers"])
    ap.add_argument("--browsers", type=int, default=2)
    ap.add_argument("--pages", type=int, default=300)
    ap.add_argument("--peer-dir", type=Path, default=Path("/tmp/axe-peer"))
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args(argv)
    result: dict[str, Any] = {}
    if args.mode == "peers":
        result = bench_peers(args.pages, args.peer_dir)
    else:
        with _corpus_server() as server, loopback_pool(size=args.browsers) as pool:
            if args.mode == "gds":
                cases = {c["id"]: c for c in gds_cases()}
                for name, tags in (("default", DEFAULT_TAGS), ("all", ALL_TAGS),
                                   ("gds_tags", GDS_TAGS)):
                    score = score_gds(pool, server, tags)
                    print_gds(score, cases)
                    result[name] = score.as_dict()
            else:
                integ = score_integration(pool, server)
                print_integration(integ)
                result = integ.as_dict()
    if args.json:
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
