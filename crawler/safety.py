"""Never let a link on a web page make poaudit talk to an internal address.

A page can link to ``http://169.254.169.254/`` (cloud metadata), ``http://localhost:8080/``
or a name that resolves to ``10.0.0.5``; checking such a link from inside a council network
would probe that network. Every link-check connection therefore resolves the host first and
refuses any address that is not globally routable (loopback, private, link-local — which
covers the metadata address —, shared, reserved, multicast), including IPv4 mapped into IPv6.
The check runs twice: before each request (to give a clear ``not-checked`` verdict) and again
at connect time inside the HTTP client (so DNS that changes between the two cannot slip
through). Profiles may allow private addresses (``crawl.allow_private_addresses``), optionally
only for named hosts (``probe_options: {link-check: {private_hosts: [...]}}``).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import httpcore

__all__ = ["AddressPolicy", "GuardedBackend", "Refused", "classify_address", "guard_transport"]

METADATA = frozenset({"169.254.169.254", "fd00:ec2::254", "100.100.100.200", "169.254.170.2"})


class Refused(Exception):
    """A host resolved to an address the policy does not allow."""

    def __init__(self, host: str, address: str, why: str) -> None:
        super().__init__(f"poaudit refused {host}: {address} is a {why} address")
        self.host = host
        self.address = address
        self.why = why


def classify_address(address: str) -> str | None:
    """Why an IP address must not be contacted (``loopback``, ``private``, ...), or None."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return "unparsable"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if str(ip) in METADATA:
        return "cloud-metadata"
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.is_multicast:
        return "multicast"
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_private:
        return "private"
    if not ip.is_global:
        return "reserved"
    return None


Resolver = Callable[[str, int], Awaitable[list[str]]]


async def _system_resolver(host: str, port: int) -> list[str]:
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class AddressPolicy:
    """Which resolved addresses link checks may connect to.

    ``resolver`` (host, port) -> addresses defaults to the system resolver; tests pass their
    own so that no name is ever looked up on the network.
    """

    def __init__(self, allow_private: bool = False,
                 private_hosts: Iterable[str] | None = None,
                 resolver: Resolver | None = None) -> None:
        self.allow_private = allow_private
        self.private_hosts = None if private_hosts is None else frozenset(
            h.lower() for h in private_hosts)
        self.resolver = resolver or _system_resolver

    def _allowed_private(self, host: str, port: int | None) -> bool:
        if not self.allow_private:
            return False
        if self.private_hosts is None:
            return True
        name = host.lower().strip("[]")
        return name in self.private_hosts or f"{name}:{port}" in self.private_hosts

    def check(self, host: str, port: int | None, addresses: Iterable[str]) -> list[str]:
        """The allowed addresses for ``host``; raises :class:`Refused` if any is internal."""
        out = []
        for address in addresses:
            why = classify_address(address)
            if why is not None and not self._allowed_private(host, port):
                raise Refused(host, address, why)
            out.append(address)
        return out

    async def resolve(self, host: str, port: int) -> list[str]:
        """Resolve ``host`` and vet every address (all must pass: DNS may rotate)."""
        name = host.strip("[]")
        try:
            ipaddress.ip_address(name.split("%", 1)[0])
            addresses = [name]
        except ValueError:
            addresses = await self.resolver(name, port)
            if not addresses:
                raise socket.gaierror(f"no address for {name}") from None
        return self.check(name, port, addresses)


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """An httpcore network backend that vets the address it actually connects to."""

    def __init__(self, inner: httpcore.AsyncNetworkBackend, policy: AddressPolicy) -> None:
        self.inner = inner
        self.policy = policy

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                          local_address: str | None = None,
                          socket_options: Iterable[Any] | None = None
                          ) -> httpcore.AsyncNetworkStream:
        try:
            addresses = await self.policy.resolve(host, port)
        except Refused as exc:
            raise httpcore.ConnectError(str(exc)) from exc
        except OSError as exc:
            raise httpcore.ConnectError(f"name resolution failed for {host}: {exc}") from exc
        last: Exception | None = None
        for address in addresses:
            try:
                return await self.inner.connect_tcp(address, port, timeout=timeout,
                                                    local_address=local_address,
                                                    socket_options=socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None
        raise last

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: Iterable[Any] | None = None
                                  ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("poaudit does not connect to unix sockets")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


def guard_transport(transport: Any, policy: AddressPolicy) -> bool:
    """Install :class:`GuardedBackend` in an ``httpx.AsyncHTTPTransport``; False if unable."""
    pool = getattr(transport, "_pool", None)
    inner = getattr(pool, "_network_backend", None)
    if inner is None:
        return False
    pool._network_backend = GuardedBackend(inner, policy)  # type: ignore[union-attr]
    return True
