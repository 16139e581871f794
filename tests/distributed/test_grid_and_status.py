"""The browser stage on a Selenium Grid (a fake one: no Grid can run here), ``poaudit status``
and the distributed ``poaudit audit --redis`` from the command line."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from typer.testing import CliRunner

from crawler.distributed import RunKeys, active_runs, cleanup, connect, seed
from demoarea import RunningArea
from poaudit.audit import AXE_ID, run_browser_stage
from poaudit.cli import app
from poaudit.store import Store
from poaudit.store.records import PageRecord
from poaudit.worker import with_grid
from tests.distributed.conftest import area_profile


class _FakeGrid(BaseHTTPRequestHandler):
    """Answers every new-session request as a Grid with no free node would."""

    seen: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)) or 0)
        _FakeGrid.seen.append({"path": self.path, "body": json.loads(body or b"{}")})
        reply = json.dumps({"value": {"error": "session not created",
                                      "message": "fake grid: no free slot", "stacktrace": ""}})
        self.send_response(500)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(reply.encode())

    def log_message(self, *args: Any) -> None:
        return None


@pytest.fixture
def fake_grid() -> Iterator[str]:
    _FakeGrid.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeGrid)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_browser_stage_sends_sessions_to_the_grid(running: RunningArea, fake_grid: str,
                                                  tmp_path: Path) -> None:
    profile = with_grid(area_profile(running, "mid-suffolk"), fake_grid)
    assert profile.probe_options[AXE_ID]["remote_url"] == fake_grid
    store = Store(f"sqlite:///{tmp_path / 's.sqlite'}")
    run_id = store.start_run(profile.name, profile.council)
    url = running.base_url("mid-suffolk")
    store.add_pages(run_id, [PageRecord(url=url, status=200, final_url=url,
                                        content_type="text/html")])
    run_browser_stage(store, run_id, profile)
    findings = store.findings(run_id, probe_id=AXE_ID)
    store.close()
    assert _FakeGrid.seen and _FakeGrid.seen[0]["path"] == "/session"
    caps = _FakeGrid.seen[0]["body"]["capabilities"]["alwaysMatch"]
    assert caps["browserName"] == "chrome" and "--headless" in " ".join(
        caps["goog:chromeOptions"]["args"])
    assert "binary" not in caps["goog:chromeOptions"]  # the node's own Chromium
    assert findings and all(f.kind == "not assessed" for f in findings)
    assert any(fake_grid in f.message or fake_grid in json.dumps(f.detail) for f in findings)


def test_status_shows_a_seeded_run(running: RunningArea, rurl: str) -> None:
    profile = area_profile(running, "babergh")
    r = connect(rurl)
    run_id = 990_001
    seed(r, profile, run_id, "postgresql://unused/db")
    try:
        assert run_id in active_runs(r)
        result = CliRunner().invoke(app, ["status", "--redis", rurl, "--run", str(run_id),
                                          "--json"])
        assert result.exit_code == 0, result.output
        (status,) = json.loads(result.output)
        assert status["queued"] == 1 and status["in_flight"] == 0 and not status["done"]
        assert status["site"] == profile.name
        table = CliRunner().invoke(app, ["status", "--redis", rurl])
        assert "Distributed runs" in table.output and str(run_id) in table.output
    finally:
        cleanup(r, run_id)
    assert not list(r.scan_iter(match=RunKeys(run_id).prefix + "*"))
    assert run_id not in active_runs(r)


@pytest.mark.postgres
def test_cli_audit_with_redis_and_two_local_workers(running: RunningArea, rurl: str, pg: str,
                                                    tmp_path: Path) -> None:
    profile_file = tmp_path / "babergh.json"
    data = area_profile(running, "babergh").model_dump(mode="json")
    profile_file.write_text(json.dumps(data))
    result = CliRunner().invoke(app, ["audit", str(profile_file), "--store", pg, "--redis", rurl,
                                      "--workers", "2", "--no-browser",
                                      "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    match = re.search(r"run (\d+): (\d+) pages", result.output)
    assert match, result.output
    store = Store(pg)
    try:
        run = store.get_run(int(match.group(1)))
        assert run.status == "finished" and run.stats["distributed"]
        assert run.stats["pages"] == len(store.pages(run.id)) > 30
        assert store.outcome_results(run.id)
    finally:
        store.close()
    assert not list(connect(rurl).scan_iter(match=f"poaudit:run:{run.id}:*"))


def test_workers_spread_over_runs_capped_per_site(running: RunningArea, rurl: str) -> None:
    from poaudit.worker import _next_run

    r = connect(rurl)
    first, second = 990_011, 990_012
    for run_id in (first, second):
        seed(r, area_profile(running, "babergh"), run_id, "postgresql://unused/db",
             max_workers=1)
    try:
        assert _next_run(rurl, set()) == first
        keys = RunKeys(first)
        r.sadd(keys.workers, "busy")
        r.set(keys.hb("busy"), "1", px=5000)  # a live worker holds the first site
        assert _next_run(rurl, set()) == second
        r.delete(keys.hb("busy"))  # it died: there is room again
        assert _next_run(rurl, set()) == first
    finally:
        cleanup(r, first)
        cleanup(r, second)


@pytest.mark.postgres
def test_a_dead_coordinator_is_resumed_from_redis(running: RunningArea, rurl: str, pg: str,
                                                  tmp_path: Path) -> None:
    from poaudit.worker import distributed_audit
    from tests.distributed.conftest import start_worker

    profile = area_profile(running, "babergh")
    store = Store(pg)
    run_id = store.start_run(profile.name, profile.council)
    seed(connect(rurl), profile, run_id, pg)  # as the coordinator did before it died
    worker = start_worker(rurl, pg, run_id, "lone")
    _out, errors = worker.communicate(timeout=120)  # the worker finishes the crawl alone
    assert worker.returncode == 0, errors.decode()[-2000:]
    result = distributed_audit(profile, pg, tmp_path / "out", rurl, resume_run=run_id,
                               browser=False)
    assert result.run_id == run_id and result.statuses
    run = store.get_run(run_id)
    assert run.status == "finished" and run.stats["pages"] == len(store.pages(run_id)) > 30
    assert store.findings(run_id, probe_id="crawl-limits")
    store.close()
    assert not list(connect(rurl).scan_iter(match=f"poaudit:run:{run_id}:*"))
    with pytest.raises(LookupError, match="no distributed state"):
        distributed_audit(profile, pg, tmp_path / "again", rurl, resume_run=run_id)
