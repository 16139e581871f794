"""``python -m demoarea serve``: prints the base URLs, serves, stops cleanly on SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import yaml

from demoarea import Area, serve

ROOT = Path(__file__).resolve().parents[2]


def test_cli_serves_and_writes_manifest_and_profiles(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "demoarea", "serve", "--seed", "3", "--pages", "50",
         "--manifest", str(tmp_path / "m.json"), "--profiles", str(tmp_path / "profiles")],
        cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("built in"):
                break
        urls = {line.split()[0]: line.split()[2] for line in lines if "http://" in line}
        assert set(urls) == {"suffolk", "mid-suffolk", "babergh", "peterborough"}
        assert httpx.get(urls["babergh"], timeout=5).status_code == 200
        manifest = json.loads((tmp_path / "m.json").read_text())
        assert any(e["kind"] == "atoz" for e in manifest)
        profile = yaml.safe_load((tmp_path / "profiles" / "suffolk.yaml").read_text())
        assert profile["start_urls"] == [urls["suffolk"]]
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0


def _free_base(n: int) -> int | None:
    for base in range(47000, 60000, 97):
        socks = []
        try:
            for i in range(n):
                s = socket.socket()
                socks.append(s)
                s.bind(("127.0.0.1", base + i))
            return base
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    return None


def test_port_base(area: Area) -> None:
    base = _free_base(len(area.sites) + 2)
    if base is None:
        pytest.skip("no free port range")
    with serve(area, port_base=base) as running:
        assert [h.split(":")[1] for h in running.hosts.values()] == [
            str(base + i) for i in range(len(area.sites))]
        assert os.path.exists(f"/proc/{running.pid}")
