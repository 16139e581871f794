"""Site profiles: what to audit and how politely (YAML, validated with pydantic).

A profile names the council and its tier, where the crawl starts and which hosts belong to the
site, the partner councils in a two-tier area (for deep links), crawl limits, which forms may
be submitted (none by default) and attestations for outcomes no crawler can see. Bad config
fails with :class:`ProfileError`, whose message names the file, the key and what is wrong.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    ValidationError,
    field_validator,
    model_validator,
)

from poaudit.validation import explain

Tier = Literal["county", "district", "unitary"]
_OUTCOME_CODE = re.compile(r"^(R([1-9]|1\d|2[0-9])|G([1-9]|1\d|2[0-5])|E([1-9]|1[0-9]))$")
DEFAULT_CONTACT = "https://github.com/poaudit/poaudit#polite-crawling"


class ProfileError(ValueError):
    """A profile could not be read or is invalid; ``str()`` is the message for the user."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Partner(_Strict):
    """A council the audited council must deep-link to (or may be linked from)."""

    name: str
    hosts: list[str] = Field(min_length=1)
    relation: Literal["county", "district", "unitary", "neighbour", "other"] = "other"
    email: list[str] = Field(
        default_factory=list, description="where partner deep-link reports are sent (--send)"
    )

    @field_validator("hosts")
    @classmethod
    def _hosts(cls, value: list[str]) -> list[str]:
        return [_host(h) for h in value]


class CrawlLimits(_Strict):
    """How much to fetch and how fast. Defaults are polite for a live council site."""

    max_pages: int = Field(5000, ge=1, le=2_000_000)
    max_depth: int = Field(12, ge=0, le=100)
    max_page_bytes: int = Field(5_000_000, ge=1024)
    requests_per_second: float = Field(2.0, gt=0, le=1000)
    concurrency_per_host: int = Field(2, ge=1, le=64)
    timeout_seconds: float = Field(20.0, gt=0, le=300)
    max_redirects: int = Field(10, ge=0, le=30)
    obey_robots_txt: bool = True
    include: list[str] = Field(default_factory=list, description="URL regexes to keep")
    exclude: list[str] = Field(default_factory=list, description="URL regexes to skip")
    allow_private_addresses: bool = Field(
        False, description="let link checks reach loopback/private hosts (tests only)"
    )
    analysis: Literal["auto", "inline", "process"] = Field(
        "auto", description="where pages are parsed and probed: 'process' (one child process, "
        "beside the fetching), 'inline' (on the crawl's own thread), 'auto' (process when a "
        "second core is available and max_pages >= 1000)"
    )

    @field_validator("include", "exclude")
    @classmethod
    def _regexes(cls, value: list[str]) -> list[str]:
        for pattern in value:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"{pattern!r} is not a valid regular expression: {exc}") from exc
        return value


class AllowedForm(_Strict):
    """A form the council has agreed may be submitted by the R28 acknowledgement probe."""

    action: str = Field(description="the form's action URL, exactly as resolved on the page")
    page: str | None = Field(None, description="URL of the page carrying the form")
    payload: dict[str, str] = Field(description="field values to submit")
    test_marker_field: str = Field(description="field that marks the submission as a test")
    test_marker_value: str = "POAUDIT TEST SUBMISSION - please delete"
    max_submissions: int = Field(2, ge=1, le=5)
    tracking_url: str | None = Field(None, description="page that looks enquiries up by ref")


class Mailbox(_Strict):
    """Where acknowledgement emails arrive: a local SMTP sink in tests, IMAP for real use."""

    kind: Literal["smtp-sink", "imap"]
    host: str = "127.0.0.1"
    port: int = Field(ge=1, le=65535)
    username: str | None = None
    password_env: str | None = Field(None, description="environment variable with the password")
    address: str = Field(description="the address typed into forms")


class Attestation(_Strict):
    """Evidence an officer vouches for, for outcomes a crawler cannot observe."""

    officer: str
    date: date
    document_url: HttpUrl | None = None
    note: str = ""


class Smtp(_Strict):
    """Mail settings for sending partner reports (``poaudit report --partners --send``)."""

    host: str
    port: int = Field(25, ge=1, le=65535)
    sender: str
    starttls: bool = False
    username: str | None = None
    password_env: str | None = None


class Profile(_Strict):
    """Everything poaudit needs to know to audit one council's site."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", description="short id used in the store")
    council: str
    tier: Tier
    start_urls: list[HttpUrl] = Field(min_length=1)
    allowed_hosts: list[str] = Field(default_factory=list)
    partners: list[Partner] = Field(default_factory=list)
    crawl: CrawlLimits = Field(default_factory=CrawlLimits)  # type: ignore[arg-type]
    contact_url: str = DEFAULT_CONTACT
    forms: list[AllowedForm] = Field(default_factory=list)
    mailbox: Mailbox | None = None
    attestations: dict[str, Attestation] = Field(default_factory=dict)
    probes_disabled: list[str] = Field(default_factory=list)
    probe_options: dict[str, dict[str, Any]] = Field(default_factory=dict)
    smtp: Smtp | None = None
    link_fixes_file: str | None = Field(
        None, description="YAML file of partner-supplied new URLs (poaudit partners import)"
    )
    as_of: date | None = Field(
        None, description="judge recency (diaries, figures) as of this date; default: today"
    )
    volunteered: list[str] = Field(
        default_factory=list, description="enhanced (E) outcomes the council volunteered for"
    )
    axe_tags: list[str] = Field(
        default_factory=lambda: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
    )

    @field_validator("allowed_hosts")
    @classmethod
    def _allowed(cls, value: list[str]) -> list[str]:
        return [_host(h) for h in value]

    @field_validator("volunteered")
    @classmethod
    def _volunteered(cls, value: list[str]) -> list[str]:
        for code in value:
            if not (code.startswith("E") and _OUTCOME_CODE.match(code)):
                raise ValueError(f"{code!r} is not an enhanced outcome code (E1-E19)")
        return value

    @field_validator("attestations")
    @classmethod
    def _codes(cls, value: dict[str, Attestation]) -> dict[str, Attestation]:
        for code in value:
            if not _OUTCOME_CODE.match(code):
                raise ValueError(f"{code!r} is not an outcome code (R1-R29, G1-G25, E1-E19)")
        return value

    @model_validator(mode="after")
    def _hosts_cover_start(self) -> Profile:
        hosts = set(self.allowed_hosts)
        if not hosts:
            object.__setattr__(
                self, "allowed_hosts", sorted({_url_host(str(u)) for u in self.start_urls})
            )
            return self
        for url in self.start_urls:
            if _url_host(str(url)) not in hosts:
                raise ValueError(f"start URL {url} is not on an allowed host {sorted(hosts)}")
        return self

    @property
    def partner_hosts(self) -> dict[str, Partner]:
        """Host (lower case, with port if any) -> partner council that owns it."""
        return {h: p for p in self.partners for h in p.hosts}


def _host(value: str) -> str:
    value = value.strip().lower()
    if "://" in value:
        value = _url_host(value)
    if not value or "/" in value or " " in value:
        raise ValueError(f"{value!r} is not a host name (give e.g. www.midsuffolk.gov.uk)")
    return value


def _url_host(url: str) -> str:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return f"{host}:{parts.port}" if parts.port else host


def parse_profile(data: Any, source: str = "<profile>") -> Profile:
    """Validate a profile mapping; errors name ``source``, the key and the problem."""
    if not isinstance(data, dict):
        raise ProfileError(
            f"{source}: a profile must be a mapping of keys, got {type(data).__name__}"
        )
    try:
        return Profile.model_validate(data)
    except ValidationError as exc:
        raise ProfileError(
            explain(
                exc,
                data,
                source,
                "invalid site profile",
                "check the spelling; the keys are listed in README.md, 'Configuration'",
            )
        ) from None


def load_profile(path: Path) -> Profile:
    """Read and validate a profile YAML file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(f"{path}: cannot read profile: {exc}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ProfileError(f"{path}: not valid YAML: {exc}") from None
    return parse_profile(data, str(path))


def profile_for_url(url: str) -> Profile:
    """A default profile for ``poaudit audit https://...`` with no profile file."""
    host = _url_host(url)
    name = re.sub(r"[^a-z0-9]+", "-", host.removeprefix("www.")).strip("-") or "site"
    return parse_profile(
        {"name": name, "council": host, "tier": "unitary", "start_urls": [url]}, f"<url {url}>"
    )


def dump_profile(profile: Profile) -> str:
    """YAML text for a profile (used by ``poaudit profile new``)."""
    data = profile.model_dump(mode="json", exclude_defaults=False)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def starter_profile(query: str) -> Profile:
    """A starting profile for a real council, with partners derived from the councils list.

    A district gets its county as partner, a county its districts; hosts come from the
    councils list (today's homepages — check them: many 2004 councils have merged since).
    """
    from poaudit.councils import find_council, partners_of

    council = find_council(query)
    if not council.homepage_url:
        raise ProfileError(
            f"{council.name} has no known homepage (abolished in 2009?): write start_urls by hand"
        )
    partners = [
        {"name": p.name, "hosts": _host_variants(p.homepage_url), "relation": p.tier}
        for p in partners_of(council)
        if p.homepage_url
    ]
    name = re.sub(r"[^a-z0-9]+", "-", council.short_name.lower()).strip("-")
    return parse_profile(
        {
            "name": name,
            "council": council.name,
            "tier": council.tier,
            "start_urls": [council.homepage_url],
            "partners": partners,
        },
        f"<council {council.name}>",
    )


def _host_variants(url: str) -> list[str]:
    """A homepage's host with and without ``www.``: links use either."""
    host = _url_host(url)
    bare = host.removeprefix("www.")
    return sorted({host, bare, f"www.{bare}"})
