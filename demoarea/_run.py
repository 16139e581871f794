"""Start the area's server process on loopback and talk to it.

``serve(area)`` binds one listening socket per site (plus the national-portal stand-in and the
canary), reserves a port with nothing listening (connection refused), starts
``python -m demoarea._server`` with the sockets inherited, waits until it answers HTTP and
returns a :class:`RunningArea`. Use it as a context manager; the server also stops when the
parent process dies (its stdin closes), so a failed or killed test leaves no orphan.
"""

from __future__ import annotations

import json
import os
import pickle
import select
import socket
import struct
import subprocess
import sys
import threading
import time
import weakref
from pathlib import Path
from types import TracebackType
from typing import Any

from ._model import CANARY, CANARY_IP, DEAD, PORTAL, Area, JsonDict

LOOPBACK = "127.0.0.1"
_PROJECT_ROOT = str(Path(__file__).resolve().parent.parent)


class ServerError(RuntimeError):
    """The server process did not start or stopped answering."""


def _listen(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((LOOPBACK, port))
    except OSError:
        sock.close()
        raise
    sock.listen(1024)
    return sock


def _reserve_refusing_port() -> socket.socket:
    """A bound socket that never listens: connecting to its port is refused (on Linux and
    macOS), and no other process can take the port while we hold it."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind((LOOPBACK, 0))
    return sock


def _stop(proc: subprocess.Popen[bytes], keep: list[socket.socket]) -> None:
    if proc.poll() is None:
        try:
            if proc.stdin is not None:
                proc.stdin.close()
        except OSError:
            pass
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.terminate()
            try:
                proc.wait(timeout=3)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    for stream in (proc.stdin, proc.stdout):
        try:
            if stream is not None:
                stream.close()
        except OSError:
            pass
    for sock in keep:
        sock.close()


class RunningArea:
    """A served area. ``hosts`` maps each site key to its ``127.0.0.1:PORT`` host."""

    def __init__(self, area: Area, *, smtp: tuple[str, int] | None = None,
                 port_base: int | None = None, startup_timeout: float = 30.0) -> None:
        self.area = area
        self.smtp = smtp
        listeners: dict[str, socket.socket] = {}
        keys = [*area.sites, PORTAL, CANARY]
        try:
            for i, key in enumerate(keys):
                listeners[key] = _listen(port_base + i if port_base else 0)
            dead = _reserve_refusing_port()
        except OSError:
            for sock in listeners.values():
                sock.close()
            raise
        ports = {k: s.getsockname()[1] for k, s in listeners.items()}
        self.all_hosts: dict[str, str] = {k: f"{LOOPBACK}:{p}" for k, p in ports.items()}
        self.all_hosts[CANARY] = f"localhost:{ports[CANARY]}"
        self.all_hosts[CANARY_IP] = f"{LOOPBACK}:{ports[CANARY]}"
        self.all_hosts[DEAD] = f"{LOOPBACK}:{dead.getsockname()[1]}"
        self.hosts: dict[str, str] = {k: self.all_hosts[k] for k in area.sites}
        self._lock = threading.Lock()
        fds = {k: s.fileno() for k, s in listeners.items()}
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (_PROJECT_ROOT, env.get("PYTHONPATH", "")) if p)
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "demoarea._server"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, pass_fds=tuple(fds.values()),
            env=env, cwd=_PROJECT_ROOT,
        )
        for sock in listeners.values():
            sock.close()  # the child holds them now
        self._finalizer = weakref.finalize(self, _stop, self._proc, [dead])
        try:
            config = pickle.dumps({"area": area, "hosts": self.all_hosts, "fds": fds,
                                   "smtp": smtp}, protocol=pickle.HIGHEST_PROTOCOL)
            assert self._proc.stdin is not None
            self._proc.stdin.write(struct.pack("!Q", len(config)) + config)
            self._proc.stdin.flush()
            line = self._readline(startup_timeout)
            if line != "READY":
                raise ServerError(f"server process did not start (said {line!r})")
            self._wait_answers(startup_timeout)
        except BaseException:
            self.stop()
            raise

    # ------------------------------------------------------------------ lifecycle
    @property
    def pid(self) -> int:
        return self._proc.pid

    @property
    def running(self) -> bool:
        return self._proc.poll() is None

    def stop(self) -> None:
        """Stop the server process (idempotent)."""
        self._finalizer()

    def __enter__(self) -> RunningArea:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def _readline(self, timeout: float) -> str:
        assert self._proc.stdout is not None
        fd = self._proc.stdout.fileno()
        deadline = time.monotonic() + timeout
        data = b""
        while not data.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0:
                raise ServerError("server process did not answer in time")
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(fd, 1 << 16) if not data else os.read(fd, 1 << 20)
            if not chunk:
                raise ServerError(f"server process exited (code {self._proc.poll()})")
            data += chunk
        return data.decode().strip()

    def _wait_answers(self, timeout: float) -> None:
        host, port = self.hosts[next(iter(self.hosts))].split(":")
        deadline = time.monotonic() + timeout
        while True:
            try:
                with socket.create_connection((host, int(port)), timeout=2) as conn:
                    conn.sendall(b"HEAD /robots.txt HTTP/1.1\r\nHost: x\r\n"
                                 b"X-Demoarea-Probe: 1\r\nConnection: close\r\n\r\n")
                    if conn.recv(12).startswith(b"HTTP/1.1"):
                        return
            except OSError:
                pass
            if time.monotonic() > deadline or not self.running:
                raise ServerError("server does not answer HTTP")
            time.sleep(0.02)

    def _call(self, command: str) -> Any:
        with self._lock:
            if not self.running or self._proc.stdin is None:
                raise ServerError("server is not running")
            self._proc.stdin.write(command.encode() + b"\n")
            self._proc.stdin.flush()
            return json.loads(self._readline(10))

    # ------------------------------------------------------------------ what tests use
    def base_url(self, site_key: str) -> str:
        return f"http://{self.all_hosts[site_key]}/"

    def url(self, site_key: str, target: str) -> str:
        return f"http://{self.all_hosts[site_key]}{target}"

    def manifest(self) -> list[JsonDict]:
        """Every planted feature and fault, with absolute URLs on the real ports."""
        return self.area.manifest(self.all_hosts)

    def hits(self) -> dict[tuple[str, str, str], int]:
        """Requests served so far: (site key, method, request target) -> count."""
        return {(s, m, t): n for s, m, t, n in self._call("hits")}

    def outbox(self) -> list[JsonDict]:
        """Acknowledgement emails generated (also sent to ``smtp`` when configured)."""
        result: list[JsonDict] = self._call("outbox")
        return result

    def enquiries(self) -> dict[str, JsonDict]:
        result: dict[str, JsonDict] = self._call("enquiries")
        return result

    def profile(self, site_key: str, *, mailbox_address: str = "poaudit-test@example.org"
                ) -> JsonDict:
        """A poaudit site profile (see ``poaudit.profile.Profile``) for auditing one site."""
        site = self.area.sites[site_key]
        base = self.base_url(site_key)
        partners = [{"name": self.area.sites[p].name, "hosts": [self.hosts[p]],
                     "relation": self.area.sites[p].tier} for p in site.partners]
        forms = []
        for spec in site.forms.values():
            if spec.ref_mode == "payment":
                continue
            payload = {}
            for name, _label, kind, _required in spec.fields:
                payload[name] = ("" if name == spec.marker_field else
                                 mailbox_address if kind == "email" else "Test")
            forms.append({
                "action": self.url(site_key, spec.action),
                "page": self.url(site_key, spec.page),
                "payload": payload,
                "test_marker_field": spec.marker_field,
                "max_submissions": 2,
                "tracking_url": self.url(site_key, spec.tracking) if spec.tracking else None,
            })
        profile: JsonDict = {
            "name": site_key,
            "council": site.name,
            "tier": site.tier,
            "start_urls": [base],
            "allowed_hosts": [self.hosts[site_key]],
            "partners": partners,
            "crawl": {
                "max_pages": int(self.area.pages_per_site * 1.5) + 200,
                "max_depth": 12,
                "requests_per_second": 1000.0,
                "concurrency_per_host": 8,
                "timeout_seconds": min(3.0, self.area.stall_seconds / 2),
                "max_redirects": 10,
                "obey_robots_txt": True,
                "allow_private_addresses": True,
            },
            "forms": forms,
            # The area is dated (its diary, statistics and availability figures are of its
            # year): recency is judged as of that date, as an auditor of the time would.
            "as_of": self.area.as_of.isoformat(),
            # Loopback is allowed only for the area's own hosts: the planted private-address
            # links (the canary) must still be refused, as on a real site.
            "probe_options": {"link-check": {"private_hosts": [
                h for k, h in self.all_hosts.items() if k not in (CANARY, CANARY_IP)]}},
        }
        if self.smtp is not None:
            profile["mailbox"] = {"kind": "smtp-sink", "host": self.smtp[0],
                                  "port": self.smtp[1], "address": mailbox_address}
        return profile


def serve(area: Area, *, smtp: tuple[str, int] | None = None, port_base: int | None = None,
          startup_timeout: float = 30.0) -> RunningArea:
    """Serve ``area`` on 127.0.0.1 in a separate process; returns once it answers HTTP.

    ``smtp``: where acknowledgement emails go (a local sink); without it they are only
    recorded (:meth:`RunningArea.outbox`). ``port_base``: bind sites to consecutive ports
    from here (default: free ports chosen by the OS).
    """
    return RunningArea(area, smtp=smtp, port_base=port_base, startup_timeout=startup_timeout)
