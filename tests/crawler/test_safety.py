"""Link checks never reach internal addresses, checked before the request and at connect."""

from __future__ import annotations

import asyncio
import http.server
from collections.abc import Iterator

import httpx
import pytest

from crawler.linkcheck import CheckOptions, LinkChecker, LinkTarget, check_links
from crawler.safety import AddressPolicy, GuardedBackend, Refused, classify_address
from tests.crawler.conftest import serve_handler


@pytest.mark.parametrize(("address", "why"), [
    ("127.0.0.1", "loopback"), ("::1", "loopback"), ("::ffff:127.0.0.1", "loopback"),
    ("10.0.0.5", "private"), ("172.16.3.4", "private"), ("192.168.1.1", "private"),
    ("169.254.169.254", "cloud-metadata"), ("fd00:ec2::254", "cloud-metadata"),
    ("169.254.10.10", "link-local"), ("fe80::1", "link-local"), ("100.64.0.1", "private"),
    ("0.0.0.0", "unspecified"), ("224.0.0.1", "multicast"), ("192.0.2.1", "private"),
    ("93.184.216.34", None), ("2a00:1450:4009::200e", None),
])
def test_classify_address(address: str, why: str | None) -> None:
    got = classify_address(address)
    assert (got is None) == (why is None)
    if why in ("loopback", "cloud-metadata", "link-local", "unspecified", "multicast"):
        assert got == why


def test_every_resolved_address_must_pass() -> None:
    async def mixed(host: str, port: int) -> list[str]:
        return ["93.184.216.34", "10.0.0.1"]  # DNS may hand out an internal one next time

    with pytest.raises(Refused):
        asyncio.run(AddressPolicy(resolver=mixed).resolve("council.example", 80))


def test_allow_list_of_private_hosts() -> None:
    policy = AddressPolicy(True, ["127.0.0.1:8080", "intranet"])
    assert policy.check("127.0.0.1", 8080, ["127.0.0.1"]) == ["127.0.0.1"]
    assert policy.check("intranet", 80, ["10.0.0.1"]) == ["10.0.0.1"]
    with pytest.raises(Refused):
        policy.check("127.0.0.1", 9090, ["127.0.0.1"])
    assert AddressPolicy(True).check("localhost", 1, ["127.0.0.1"]) == ["127.0.0.1"]


class _Counting(http.server.BaseHTTPRequestHandler):
    hits = 0

    def do_GET(self) -> None:
        type(self).hits += 1
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(b"<title>intranet</title>")

    def log_message(self, *args: object) -> None:
        return None


@pytest.fixture()
def intranet() -> Iterator[str]:
    _Counting.hits = 0
    with serve_handler(_Counting) as host:
        yield f"http://{host}/"


def test_loopback_links_are_not_checked_by_default(intranet: str) -> None:
    by_name = intranet.replace("127.0.0.1", "localhost")
    records = check_links([LinkTarget(intranet), LinkTarget(by_name)], CheckOptions(timeout=2))
    assert [r.verdict for r in records] == ["not-checked", "not-checked"]
    assert all(r.evidence["headline"] == "private-address" for r in records)
    assert "127.0.0.1" in records[1].summary
    assert _Counting.hits == 0
    allowed = check_links([LinkTarget(intranet)],
                          CheckOptions(timeout=2, policy=AddressPolicy(True)))
    assert allowed[0].verdict == "ok" and _Counting.hits >= 1


def test_connect_time_check_stops_dns_rebinding(intranet: str) -> None:
    port = int(intranet.rsplit(":", 1)[1].strip("/"))
    answers = iter([["93.184.216.34"], ["127.0.0.1"]])  # checked once, then rebound

    async def rebinding(host: str, port: int) -> list[str]:
        return next(answers, ["127.0.0.1"])

    policy = AddressPolicy(resolver=rebinding)
    opts = CheckOptions(timeout=2, policy=policy)

    async def go() -> str:
        checker = LinkChecker(opts)
        assert isinstance(checker.client._transport._pool._network_backend,  # type: ignore[attr-defined]
                          GuardedBackend)
        try:
            record = await checker.check(LinkTarget(f"http://rebind.example:{port}/"))
        finally:
            await checker.aclose()
        return record.evidence["headline"]

    assert asyncio.run(go()) == "private-address"
    assert _Counting.hits == 0


def test_guarded_backend_refuses_unix_sockets() -> None:
    backend = GuardedBackend(httpx.AsyncHTTPTransport()._pool._network_backend,  # type: ignore[attr-defined]
                             AddressPolicy())
    with pytest.raises(Exception, match="unix"):
        asyncio.run(backend.connect_unix_socket("/var/run/docker.sock"))
