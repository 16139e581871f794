"""The area's HTTP server: one asyncio process, one listening socket per site.

A minimal HTTP/1.1 server (keep-alive, pipelining, Content-Length bodies, HEAD) over
pre-rendered, cached response bytes, fast enough for crawl benchmarks on a small machine.

Run by :func:`demoarea.serve` as ``python -m demoarea._server``: the parent binds the sockets
(so it knows the ports before the child starts), passes them as inherited file descriptors and
writes the configuration, pickled and length-prefixed, to the child's stdin. The child answers
``READY`` on stdout, then serves until its stdin closes (the parent exited or asked it to stop),
so it never outlives its parent. One-line JSON commands on stdin (``hits``, ``outbox``,
``enquiries``) are answered with one JSON line on stdout.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import pickle
import signal
import socket
import struct
import sys
from collections.abc import Awaitable, Callable
from typing import Any

from ._app import App
from ._render import REASONS, Response

MAX_HEAD = 64 * 1024
MAX_BODY = 1024 * 1024
_TASKS: set[asyncio.Future[None]] = set()


def serialise(resp: Response, head_only: bool, close: bool) -> bytes:
    reason = REASONS.get(resp.status, "Unknown")
    lines = [f"HTTP/1.1 {resp.status} {reason}\r\n", "Server: Apache/2.0.54 (demoarea)\r\n"]
    for name, value in resp.headers:
        lines.append(f"{name}: {value}\r\n")
    lines.append(f"Content-Length: {len(resp.body)}\r\n")
    if close:
        lines.append("Connection: close\r\n")
    lines.append("\r\n")
    head = "".join(lines).encode("latin-1")
    return head if head_only else head + resp.body


class HttpProtocol(asyncio.Protocol):
    __slots__ = ("_buf", "_busy", "_closed", "_transport", "_wire", "app", "site")

    def __init__(self, app: App, site: str) -> None:
        self.app = app
        self.site = site
        self._wire = app.wire
        self._buf = b""
        self._busy = False
        self._closed = False
        self._transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport

    def connection_lost(self, exc: Exception | None) -> None:
        self._closed = True

    def data_received(self, data: bytes) -> None:
        self._buf += data
        if not self._busy:
            self._process()

    def _error(self, status: int) -> None:
        assert self._transport is not None
        self._transport.write(serialise(Response(status, (), b""), False, True))
        self._transport.close()
        self._buf = b""

    def _process(self) -> None:
        transport = self._transport
        assert transport is not None
        while self._buf and not self._busy and not self._closed:
            end = self._buf.find(b"\r\n\r\n")
            if end < 0:
                if len(self._buf) > MAX_HEAD:
                    self._error(431)
                return
            head = self._buf[:end].decode("latin-1")
            lines = head.split("\r\n")
            parts = lines[0].split(" ")
            if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
                self._error(400)
                return
            method, target, version = parts
            headers: dict[str, str] = {}
            for line in lines[1:]:
                name, sep, value = line.partition(":")
                if sep:
                    headers[name.strip().lower()] = value.strip()
            if "chunked" in headers.get("transfer-encoding", "").lower():
                self._error(411)
                return
            try:
                length = int(headers.get("content-length", "0"))
            except ValueError:
                self._error(400)
                return
            if length > MAX_BODY:
                self._error(413)
                return
            total = end + 4 + length
            if len(self._buf) < total:
                return
            body = self._buf[end + 4:total]
            self._buf = self._buf[total:]
            conn = headers.get("connection", "").lower()
            close = conn == "close" or (version == "HTTP/1.0" and conn != "keep-alive")
            head_only = method == "HEAD"
            if not target.startswith("/"):  # absolute-form request target
                target = "/" + target.split("://", 1)[-1].partition("/")[2]
            if method in ("GET", "HEAD") and not close and "if-modified-since" not in headers:
                wired = self._wire.get((self.site, target))
                if wired is not None:
                    self.app.hits[(self.site, method, target)] += 1
                    transport.write(wired if not head_only else wired[:wired.index(
                        b"\r\n\r\n") + 4])
                    continue
            try:
                result = self.app.handle(self.site, method, target, headers, body)
            except Exception:
                import traceback

                traceback.print_exc()
                result = Response(500, (("Content-Type", "text/plain"),), b"internal error")
            if isinstance(result, Response):
                self._reply(result, head_only, close, method, target)
                if close:
                    return
            else:
                self._busy = True
                task = asyncio.ensure_future(self._later(result, head_only, close))
                _TASKS.add(task)
                task.add_done_callback(_TASKS.discard)
                return

    def _reply(self, resp: Response, head_only: bool, close: bool, method: str,
               target: str) -> None:
        transport = self._transport
        assert transport is not None
        data = serialise(resp, head_only, close)
        if (not close and not head_only and method == "GET" and resp.status == 200
                and self.app.is_static(self.site, target)):
            self.app.keep(self.site, target, data)
        transport.write(data)
        if close:
            transport.close()

    async def _later(self, result: Awaitable[Response], head_only: bool, close: bool) -> None:
        try:
            resp = await result
        except Exception:
            resp = Response(500, (("Content-Type", "text/plain"),), b"internal error")
        if self._closed:
            return
        self._reply(resp, head_only, close, "POST", "")
        self._busy = False
        if not close:
            self._process()


def _read_exact(fd: int, n: int) -> bytes:
    chunks = []
    while n:
        data = os.read(fd, n)
        if not data:
            raise EOFError
        chunks.append(data)
        n -= len(data)
    return b"".join(chunks)


class _Control(asyncio.Protocol):
    def __init__(self, app: App, stop: asyncio.Event) -> None:
        self.app = app
        self.stop = stop
        self.buf = b""

    def data_received(self, data: bytes) -> None:
        self.buf += data
        while b"\n" in self.buf:
            line, self.buf = self.buf.split(b"\n", 1)
            cmd = line.decode().strip()
            os.write(1, (json.dumps(self.answer(cmd)) + "\n").encode())

    def answer(self, cmd: str) -> Any:
        if cmd == "hits":
            return [[s, m, t, n] for (s, m, t), n in self.app.hits.items()]
        if cmd == "outbox":
            return self.app.outbox
        if cmd == "enquiries":
            return self.app.enquiries
        if cmd == "ping":
            return "pong"
        return {"error": f"unknown command {cmd!r}"}

    def eof_received(self) -> bool | None:
        self.stop.set()
        return None

    def connection_lost(self, exc: Exception | None) -> None:
        self.stop.set()


def _factory(app: App, site: str) -> Callable[[], HttpProtocol]:
    return lambda: HttpProtocol(app, site)


async def _main(config: dict[str, Any]) -> None:
    loop = asyncio.get_running_loop()
    app = App(config["area"], config["hosts"], smtp=config.get("smtp"))
    servers = []
    for site, fd in config["fds"].items():
        sock = socket.socket(fileno=fd)
        sock.setblocking(False)
        servers.append(await loop.create_server(_factory(app, site), sock=sock, backlog=1024))
    stop = asyncio.Event()
    if config.get("watch_stdin", True):
        await loop.connect_read_pipe(lambda: _Control(app, stop), os.fdopen(0, "rb", 0))
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    os.write(1, b"READY\n")
    await stop.wait()
    for server in servers:
        server.close()


def main() -> None:
    length = struct.unpack("!Q", _read_exact(0, 8))[0]
    config = pickle.loads(_read_exact(0, length))
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_main(config))
    sys.exit(0)


if __name__ == "__main__":
    main()
