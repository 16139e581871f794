"""A Redis server for tests and benchmarks: the machine's own (127.0.0.1:6379) if it answers,
else a throwaway ``redis-server --save ''`` on a free loopback port. Each user gets its own
database number or key prefix; callers clean their keys (see :func:`crawler.distributed.cleanup`).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager

import redis

URL_ENV = "POAUDIT_TEST_REDIS"  # e.g. redis://127.0.0.1:6379/0
DEFAULT_URL = "redis://127.0.0.1:6379/0"


def _answers(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except (redis.RedisError, OSError):
        return False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _own_server() -> Iterator[str]:
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server not found: apt-get install redis-server")
    port = _free_port()
    workdir = tempfile.mkdtemp(prefix="poaudit-redis-")
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--save", "", "--appendonly", "no",
         "--bind", "127.0.0.1", "--dir", workdir],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        deadline = time.monotonic() + 10
        while not _answers(url):
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.05)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


@contextmanager
def redis_url() -> Iterator[str]:
    """A Redis URL on loopback: $POAUDIT_TEST_REDIS, the machine's own, or a fresh server."""
    for url in filter(None, [os.environ.get(URL_ENV, ""), DEFAULT_URL]):
        if _answers(url):
            yield url
            return
    with _own_server() as url:
        yield url
