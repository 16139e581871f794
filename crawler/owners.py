"""Partner attribution: which council owns a link's host.

The profile's partners come first (they name hosts exactly, ports included, and are what the
officer configured); then the 2004/05 councils list, so a link to a council that is not a
configured partner is still attributed and can be reported to it.
"""

from __future__ import annotations

from poaudit.councils import council_for_host
from poaudit.profile import Profile


class Owners(dict[str, str | None]):
    """``owners[host]`` -> council name or None, looked up once per host."""

    def __init__(self, profile: Profile) -> None:
        super().__init__()
        self._partners = {host: p.name for host, p in profile.partner_hosts.items()}
        self._site = frozenset(profile.allowed_hosts)

    def __missing__(self, host: str) -> str | None:
        owner = self._partners.get(host)
        if owner is None and host not in self._site:
            council = council_for_host(host.split(":", 1)[0]) if host else None
            owner = council.name if council is not None else None
        self[host] = owner
        return owner

    def get(self, host: str, default: str | None = None) -> str | None:  # type: ignore[override]
        """Like ``owners[host]`` (``dict.get`` would bypass the lookup)."""
        return self[host] if host else default

    @property
    def partner_hosts(self) -> dict[str, str]:
        """Host -> partner council name, from the profile only (for the probe Context)."""
        return dict(self._partners)
