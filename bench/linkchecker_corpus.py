"""poaudit's link checker against LinkChecker's own test data (expected verdicts per URL).

    python bench/linkchecker_corpus.py [--corpus DIR] [--json OUT]

Serves the corpus (``../shared/corpora/linkchecker``) on 127.0.0.1 as its
``linkchecker-expected.json`` says (``how_to_use``), takes every entry that is scorable offline
(not network-dependent, no LinkChecker test server), turns it into the absolute URL
LinkChecker checked (its cache key with the placeholders filled in; for entries with no cache
key, the URL as written, resolved against its page the way poaudit resolves links), checks all
of them with poaudit's link checker and compares: LinkChecker's ``valid``/``error`` against
poaudit's verdict (``broken``, ``timeout`` and ``connection-error`` — and ``soft-404`` — count
as error; everything else, including ``fragment-missing``, which LinkChecker reports as a
warning on a valid URL, as valid). LinkChecker's missing-anchor warnings are scored against
poaudit's ``fragment-missing`` separately. Every disagreement is listed with its reason.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import socket
import sys
import threading
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "linkchecker"
DATADIR = "tests/checker/data"
ERROR_VERDICTS = frozenset({"broken", "timeout", "connection-error", "soft-404"})

# Why poaudit and LinkChecker disagree, by (result file, URL as written). Filled in by reading
# each disagreement; an entry missing here is printed as "unexplained".
REASONS: dict[tuple[str, str], str] = {
    ("dir.result", "file://%(curdir)s/%(datadir)s/dir/"):
        "LinkChecker's test harness creates dir/ (a file with a non-ASCII name) at run time; "
        "it is not in the corpus, so over HTTP the directory is a 404.",
    ("dir.result", "%%C3%%AD%%C2%%BB%%C2%%AD%%C2%%AF%%C2%%BF.dat"):
        "The file inside dir/ is created by LinkChecker's test harness and is not in the "
        "corpus (404 over HTTP).",
    ("udir.result", "file://%(curdir)s/%(datadir)s/udir/"):
        "As dir/: created by LinkChecker's test harness at run time, absent from the corpus.",
    ("udir.result", "%%C3%%AD%%C2%%BB%%C2%%AD%%C2%%AF%%C2%%BF.dat"):
        "As dir/: the file is created by LinkChecker's test harness, absent from the corpus.",
    ("file.php.result", "test_<?php echo $module ?>"):
        "LinkChecker skips URLs containing PHP processing instructions as template code and "
        "calls them valid; poaudit checks the address, which the server answers with 404 — a "
        "visitor clicking it gets the same 404.",
    ("file.php.result", "test_<? echo $module ?>"):
        "As above: LinkChecker ignores '<? ... ?>' template code; over HTTP it is a 404.",
    ("http_slash.html.result", "http:"):
        "'http:' resolves, as browsers resolve it (WHATWG URL), to the page itself, which "
        "works; LinkChecker rejects it as a URL with no host. poaudit judges what a visitor's "
        "click does.",
    ("http_slash.html.result", "http:/"):
        "'http:/' resolves (WHATWG, as in browsers) to the server's root, which works; "
        "LinkChecker rejects the missing '//'.",
    ("http_slash.html.result", "http://"):
        "A real poaudit miss: browsers (WHATWG) reject 'http://' as a URL with an empty host, "
        "as LinkChecker does, but Python's urljoin — used by the shared link extraction, "
        "probes.base.Page.links — resolves it to the page itself, which works.",
}


def _serve(root: Path) -> tuple[http.server.ThreadingHTTPServer, int]:
    handler = functools.partial(_Quiet, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, int(server.server_address[1])


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        return None


def _fill(text: str, port: int) -> str:
    out = text.replace("file://%(curdir)s/", f"http://127.0.0.1:{port}/")
    out = out.replace("localhost:%(port)d", f"127.0.0.1:{port}")
    out = out.replace("%(port)d", str(port)).replace("%(datadir)s", DATADIR)
    return out.replace("%%", "%")


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def scorable(expected: dict[str, Any], port: int) -> list[dict[str, Any]]:
    """The offline-scorable entries, each with the absolute URL poaudit checks."""
    out = []
    for name, spec in sorted(expected["files"].items()):
        entries = spec["entries"]
        page = _fill(entries[0]["cache_key"] or entries[0]["url"], port)
        for i, entry in enumerate(entries):
            if entry["network_dependent"] or entry["needs_linkchecker_test_server"]:
                continue
            key = entry["cache_key"]
            raw = _fill(entry["url"], port)
            if key and key != "None":
                url = _fill(key, port)
            else:  # resolved as poaudit resolves links; unparsable ones stay as written
                try:
                    url = urljoin(page, raw)
                except ValueError:
                    url = raw
            out.append({"file": name, "index": i, "written": entry["url"], "url": url,
                        "page": page, "fixture": spec["fixture"], "linkchecker":
                        entry["verdict"], "warnings": entry["warnings"]})
    return out


def _extracted(entries: list[dict[str, Any]]) -> None:
    """Mark whether poaudit's link extraction finds each entry's URL on its page."""
    import httpx

    from crawler.decode import decode_html
    from probes.base import Page

    pages: dict[str, set[str]] = {}
    for entry in entries:
        page_url = entry["page"]
        if page_url not in pages:
            found: set[str] = set()
            try:
                response = httpx.get(page_url, timeout=5)
                ctype = response.headers.get("content-type", "")
                if "html" in ctype:
                    text = decode_html(response.content, ctype).text
                    page = Page(page_url, page_url, response.status_code, text)
                    found = {link.url + (f"#{link.fragment}" if link.fragment else "")
                             for link in page.links}
            except httpx.HTTPError:
                pass
            pages[page_url] = found
        entry["extracted"] = entry["url"] == page_url or entry["url"] in pages[page_url]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()

    from crawler import AddressPolicy, CheckOptions, LinkTarget, check_links

    expected = json.loads((args.corpus / "linkchecker-expected.json").read_text("utf-8"))
    server, port = _serve(args.corpus)
    if not _port_free(8001):
        print("warning: something listens on 127.0.0.1:8001; the corpus expects it closed")
    try:
        entries = scorable(expected, port)
        _extracted(entries)
        options = CheckOptions(user_agent="poaudit-corpus", timeout=5.0, per_host=4,
                               policy=AddressPolicy(allow_private=True))
        records = check_links([LinkTarget(e["url"]) for e in entries], options)
    finally:
        server.shutdown()
        server.server_close()
    disagreements = []
    agree = 0
    anchor_total = anchor_agree = 0
    for entry, record in zip(entries, records, strict=True):
        ours = "error" if record.verdict in ERROR_VERDICTS else "valid"
        entry.update(poaudit=record.verdict, headline=record.evidence.get("headline"),
                     summary=record.summary)
        anchor_warning = any(w.startswith("Anchor ") for w in entry["warnings"])
        if anchor_warning or record.verdict == "fragment-missing":
            anchor_total += 1
            anchor_agree += anchor_warning == (record.verdict == "fragment-missing")
        if ours == entry["linkchecker"]:
            agree += 1
            continue
        reason = REASONS.get((entry["file"], entry["written"]), "unexplained")
        disagreements.append({**entry, "poaudit_as": ours, "reason": reason})
    total = len(entries)
    summary = {"scored": total, "agree": agree, "agreement": round(agree / total, 3),
               "disagreements": len(disagreements),
               "unexplained": sum(d["reason"] == "unexplained" for d in disagreements),
               "anchor_warnings": {"scored": anchor_total, "agree": anchor_agree},
               "not_extracted_by_poaudit": sum(not e["extracted"] for e in entries)}
    print(f"LinkChecker corpus: {agree}/{total} offline-scorable verdicts agree "
          f"({summary['agreement']:.1%}); missing-anchor warnings {anchor_agree}/{anchor_total}")
    for d in disagreements:
        print(f"- {d['file']}: {d['written']!r} -> {d['url']}\n"
              f"    LinkChecker {d['linkchecker']}, poaudit {d['poaudit']} ({d['headline']}): "
              f"{d['summary']}\n    why: {d['reason']}")
    missing = [e for e in entries if not e["extracted"]]
    if missing:
        print(f"{len(missing)} scored URLs are not among the links poaudit extracts from their "
              "page (poaudit follows <a>, <area>, <iframe>, <frame> and meta refresh targets "
              "on HTML pages; LinkChecker also reads <img>, CSS url(), <object>, bookmarks "
              "files, sitemaps, ...): they were checked directly.")
    print(json.dumps(summary))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"summary": summary, "disagreements": disagreements,
                                         "entries": entries}, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
