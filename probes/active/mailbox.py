"""Where acknowledgement emails are read: a loopback SMTP sink (tests) or an IMAP mailbox.

:class:`SmtpSink` is an aiosmtpd server on 127.0.0.1 that the caller starts and stops (a
context manager); the demo area's ``serve(area, smtp=sink.address)`` sends its
acknowledgements there. :class:`ImapReader` reads a real mailbox with :mod:`imaplib` (TLS by
default; the password comes from the environment variable the profile names, never from the
profile itself). Both give :class:`MailMessage` records with the time each message arrived,
which is what R29's "acknowledge … within one working day" is timed with.
"""

from __future__ import annotations

import asyncio
import contextlib
import email
import email.policy
import imaplib
import ipaddress
import os
import re
import socket
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage, Message
from email.utils import getaddresses
from types import TracebackType
from typing import Any, Protocol

import lxml.html
from aiosmtpd.smtp import SMTP

from poaudit.profile import Mailbox

__all__ = [
    "ImapReader",
    "MailMessage",
    "MailboxError",
    "MailboxReader",
    "SmtpSink",
    "reader_for",
    "wait_for_message",
]

MAX_BODY = 20_000


class MailboxError(RuntimeError):
    """The mailbox could not be read (connection, login, missing password)."""


@dataclass(frozen=True, slots=True)
class MailMessage:
    """One received message, decoded: headers of interest, plain text and arrival time."""

    uid: str
    received_at: datetime  # UTC, when the message reached the mailbox
    sender: str
    recipients: tuple[str, ...]  # envelope recipients (sink) or To/Cc addresses (IMAP)
    subject: str
    from_header: str
    to_header: str
    date_header: str
    text: str  # text/plain part, else the HTML part as text
    size: int = 0
    headers: dict[str, str] = field(default_factory=dict)

    def addressed_to(self, address: str) -> bool:
        address = address.strip().lower()
        return any(r.strip().lower() == address for r in self.recipients)

    def as_evidence(self, limit: int = 2000) -> dict[str, Any]:
        """What a finding keeps of the email (text truncated to ``limit`` characters)."""
        return {
            "subject": self.subject, "from": self.from_header, "to": self.to_header,
            "date": self.date_header, "received_at": self.received_at.isoformat(),
            "text": self.text[:limit], "truncated": len(self.text) > limit,
        }


def parse_message(raw: bytes, *, uid: str, received_at: datetime,
                  recipients: Iterable[str] = ()) -> MailMessage:
    """A :class:`MailMessage` from RFC 5322 bytes."""
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    to = [addr for _, addr in getaddresses([str(msg.get("To", "")), str(msg.get("Cc", ""))])
          if addr]
    rcpts = tuple(recipients) or tuple(to)
    return MailMessage(
        uid=uid, received_at=received_at, sender=str(msg.get("From", "")), recipients=rcpts,
        subject=" ".join(str(msg.get("Subject", "")).split()),
        from_header=str(msg.get("From", "")), to_header=str(msg.get("To", "")),
        date_header=str(msg.get("Date", "")), text=_body_text(msg)[:MAX_BODY], size=len(raw),
        headers={k: str(v) for k, v in msg.items() if k.lower() in (
            "message-id", "auto-submitted", "x-auto-response-suppress", "reply-to")},
    )


def _body_text(msg: Message) -> str:
    plain: str | None = None
    html: str | None = None
    parts = msg.walk() if msg.is_multipart() else [msg]
    for part in parts:
        if part.is_multipart() or part.get_content_disposition() == "attachment":
            continue
        ctype = part.get_content_type()
        if ctype not in ("text/plain", "text/html"):
            continue
        try:
            content = (part.get_content() if isinstance(part, EmailMessage)
                       else part.get_payload(decode=True))
        except (LookupError, ValueError):
            continue
        if isinstance(content, bytes):
            content = content.decode(part.get_content_charset() or "utf-8", "replace")
        if not isinstance(content, str):
            continue
        if ctype == "text/plain" and plain is None:
            plain = content
        elif ctype == "text/html" and html is None:
            html = content
    if plain is not None:
        return plain.strip()
    if html:
        try:
            return " ".join(lxml.html.document_fromstring(html).text_content().split())
        except (ValueError, lxml.etree.ParserError):
            return re.sub(r"<[^>]+>", " ", html)
    return ""


class MailboxReader(Protocol):
    """Anything that lists the messages for an address that arrived since a time."""

    def fetch(self, *, to: str, since: datetime) -> list[MailMessage]: ...


def wait_for_message(
    reader: MailboxReader, *, to: str, since: datetime, timeout: float,
    exclude: Iterable[str] = (), poll_interval: float = 0.25,
    prefer: Callable[[MailMessage], bool] | None = None,
    accept: Callable[[MailMessage], bool] | None = None,
) -> MailMessage | None:
    """The first new message for ``to`` that arrived at or after ``since``, waiting up to
    ``timeout`` seconds. ``exclude`` holds uids already attributed to other submissions,
    ``accept`` rejects messages that belong elsewhere (e.g. quoting another submission's
    reference), and a message for which ``prefer`` is true wins over earlier ones."""
    skip = set(exclude)
    deadline = time.monotonic() + timeout
    while True:
        found = [m for m in reader.fetch(to=to, since=since)
                 if m.uid not in skip and (accept is None or accept(m))]
        found.sort(key=lambda m: m.received_at)
        if found:
            if prefer is not None:
                preferred = [m for m in found if prefer(m)]
                if preferred:
                    return preferred[0]
            return found[0]
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        time.sleep(min(poll_interval, left))


# ---------------------------------------------------------------------------------- SMTP sink
class _Handler:
    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content
        data = raw if isinstance(raw, bytes) else str(raw).encode("utf-8")
        self.sink._received(data, list(envelope.rcpt_tos), str(envelope.mail_from or ""))
        return "250 Message accepted for delivery"


class SmtpSink:
    """An SMTP server on loopback that keeps every message it receives (for tests).

    ``with SmtpSink() as sink: serve(area, smtp=sink.address)``. Binds 127.0.0.1 on a free
    port (or ``port``); refuses to listen on anything but a loopback address.
    """

    poll_interval = 0.05  # seconds between looks while waiting for a message

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        if not ipaddress.ip_address(host).is_loopback:
            raise MailboxError(f"the SMTP sink only listens on loopback, not {host}")
        self.host = host
        self._port = port
        self._messages: list[MailMessage] = []
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.base_events.Server | None = None
        self._thread: threading.Thread | None = None
        self._sock: socket.socket | None = None

    @property
    def address(self) -> tuple[str, int]:
        """``(host, port)`` to give the system that sends the emails."""
        if self._sock is None:
            raise MailboxError("the SMTP sink is not started")
        port: int = self._sock.getsockname()[1]
        return self.host, port

    @property
    def port(self) -> int:
        return self.address[1]

    def start(self) -> SmtpSink:
        if self._thread is not None:
            return self
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self._port))
        sock.listen(64)
        self._sock = sock
        loop = asyncio.new_event_loop()
        self._loop = loop
        ready = threading.Event()
        failure: list[BaseException] = []

        def serve() -> None:
            asyncio.set_event_loop(loop)
            try:
                self._server = loop.run_until_complete(loop.create_server(
                    lambda: SMTP(_Handler(self), hostname="poaudit-sink", loop=loop),
                    sock=sock))
            except BaseException as exc:  # reported to the caller of start()
                failure.append(exc)
                ready.set()
                return
            ready.set()
            loop.run_forever()
            self._server.close()
            loop.run_until_complete(self._server.wait_closed())
            loop.close()

        self._thread = threading.Thread(target=serve, name="poaudit-smtp-sink", daemon=True)
        self._thread.start()
        ready.wait(10)
        if failure:
            self._thread = None
            sock.close()
            raise MailboxError(f"the SMTP sink could not start: {failure[0]}")
        return self

    def stop(self) -> None:
        if self._thread is None or self._loop is None:
            return
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._thread = None
        if self._sock is not None:
            self._sock.close()

    def __enter__(self) -> SmtpSink:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def _received(self, raw: bytes, rcpts: list[str], mail_from: str) -> None:
        with self._lock:
            uid = f"sink-{len(self._messages) + 1}"
            self._messages.append(parse_message(
                raw, uid=uid, received_at=datetime.now(UTC), recipients=rcpts))

    def messages(self) -> list[MailMessage]:
        with self._lock:
            return list(self._messages)

    def fetch(self, *, to: str, since: datetime) -> list[MailMessage]:
        return [m for m in self.messages() if m.addressed_to(to) and m.received_at >= since]


# ---------------------------------------------------------------------------------- IMAP
IMAP_SKEW = timedelta(minutes=2)  # tolerated clock difference between us and the server


class ImapReader:
    """Reads acknowledgements from a real mailbox over IMAP (read-only, TLS by default).

    ``connect`` builds the client (tests pass a fake); the default opens
    ``imaplib.IMAP4_SSL(host, port)`` (plain ``IMAP4`` when ``ssl`` is false, e.g. a loopback
    test server).
    """

    poll_interval = 15.0  # each look is a new connection: do not hammer the server

    def __init__(self, host: str, port: int, username: str, password: str, *,
                 folder: str = "INBOX", ssl: bool = True, timeout: float = 30.0,
                 connect: Callable[[], imaplib.IMAP4] | None = None) -> None:
        self.host, self.port, self.username = host, port, username
        self._password = password
        self.folder = folder
        self.ssl = ssl
        self.timeout = timeout
        self._connect = connect

    @classmethod
    def from_profile(cls, box: Mailbox, **kwargs: Any) -> ImapReader:
        """From a profile's ``mailbox`` (kind ``imap``); the password from ``password_env``."""
        if box.kind != "imap":
            raise MailboxError(f"mailbox kind {box.kind!r} is not imap")
        if not box.password_env:
            raise MailboxError("mailbox.password_env is not set: name the environment "
                               "variable that holds the IMAP password")
        password = os.environ.get(box.password_env)
        if password is None:
            raise MailboxError(f"environment variable {box.password_env} is not set")
        return cls(box.host, box.port, box.username or box.address, password, **kwargs)

    def _client(self) -> imaplib.IMAP4:
        if self._connect is not None:
            return self._connect()
        if self.ssl:
            return imaplib.IMAP4_SSL(self.host, self.port, timeout=self.timeout)
        return imaplib.IMAP4(self.host, self.port, timeout=self.timeout)

    def fetch(self, *, to: str, since: datetime) -> list[MailMessage]:
        since_utc = since.astimezone(UTC)
        day = (since_utc - IMAP_SKEW).strftime("%d-%b-%Y")
        try:
            client = self._client()
        except (OSError, imaplib.IMAP4.error) as exc:
            raise MailboxError(f"cannot connect to {self.host}:{self.port}: {exc}") from exc
        out: list[MailMessage] = []
        try:
            client.login(self.username, self._password)
            status, _ = client.select(_quote(self.folder), readonly=True)
            if status != "OK":
                raise MailboxError(f"cannot open folder {self.folder!r}")
            status, data = client.uid("SEARCH", "SINCE", day, "TO", _quote(to))
            if status != "OK":
                raise MailboxError(f"IMAP search failed: {data!r}")
            uids = (data[0] or b"").split() if data else []
            for uid in uids:
                status, parts = client.uid("FETCH", uid.decode(), "(INTERNALDATE RFC822)")
                if status != "OK":
                    continue
                message = _fetched(parts, uid.decode())
                if message is not None and message.received_at >= since_utc - IMAP_SKEW:
                    out.append(message)
        except imaplib.IMAP4.error as exc:
            raise MailboxError(f"IMAP error on {self.host}: {exc}") from exc
        finally:
            with contextlib.suppress(OSError, imaplib.IMAP4.error):
                client.logout()
        return [m for m in out if m.addressed_to(to) or not m.recipients]


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _fetched(parts: list[Any], uid: str) -> MailMessage | None:
    for part in parts:
        if not isinstance(part, tuple) or len(part) < 2:
            continue
        head, raw = part[0], part[1]
        if not isinstance(raw, bytes):
            continue
        parsed = imaplib.Internaldate2tuple(head if isinstance(head, bytes) else b"")
        received = (datetime.fromtimestamp(time.mktime(parsed), UTC) if parsed
                    else datetime.now(UTC))
        return parse_message(raw, uid=f"imap-{uid}", received_at=received)
    return None


def reader_for(box: Mailbox | None, sink: MailboxReader | None = None) -> MailboxReader | None:
    """The reader for a profile's mailbox: the caller's sink for ``smtp-sink``, IMAP for
    ``imap``; ``None`` when the profile names no mailbox or a sink was not handed over."""
    if sink is not None:
        return sink
    if box is None or box.kind == "smtp-sink":
        return None
    return ImapReader.from_profile(box)
