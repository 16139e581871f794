"""The loopback SMTP sink and the IMAP reader (against a fake IMAP client)."""

from __future__ import annotations

import imaplib
import smtplib
import threading
import time
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

import pytest

from poaudit.profile import Mailbox
from probes.active.mailbox import (
    ImapReader,
    MailboxError,
    SmtpSink,
    parse_message,
    reader_for,
    wait_for_message,
)


def _mail(to: str, subject: str, body: str, html: str | None = None) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "Customer Services <customer.services@suffolk.gov.uk>"
    msg["To"] = to
    msg["Subject"] = subject
    msg.set_content(body)
    if html is not None:
        msg.add_alternative(html, subtype="html")
    return msg


def test_sink_keeps_messages_with_arrival_time() -> None:
    with SmtpSink() as sink:
        host, port = sink.address
        assert host == "127.0.0.1" and port > 0
        before = datetime.now(UTC)
        with smtplib.SMTP(host, port, timeout=5) as client:
            client.send_message(_mail("a@example.org", "Your enquiry - reference SCC-001",
                                      "Your reference number is SCC-001."))
            client.send_message(_mail("b@example.org", "Other", "For someone else"))
        got = sink.fetch(to="a@example.org", since=before)
        assert len(got) == 1
        assert got[0].subject == "Your enquiry - reference SCC-001"
        assert "SCC-001" in got[0].text and got[0].received_at >= before
        assert sink.fetch(to="a@example.org", since=datetime.now(UTC) + timedelta(seconds=5)) == []
    assert sink.messages()  # kept after stop


def test_sink_refuses_non_loopback() -> None:
    with pytest.raises(MailboxError, match="loopback"):
        SmtpSink(host="0.0.0.0")


def test_wait_for_message_waits_excludes_and_prefers() -> None:
    with SmtpSink() as sink:
        since = datetime.now(UTC)

        def later() -> None:
            time.sleep(0.3)
            with smtplib.SMTP(*sink.address, timeout=5) as client:
                client.send_message(_mail("a@example.org", "first", "no number"))
                client.send_message(_mail("a@example.org", "second", "Ref: X-123"))

        threading.Thread(target=later).start()
        first = wait_for_message(sink, to="a@example.org", since=since, timeout=5,
                                 poll_interval=0.05)
        assert first is not None and first.subject == "first"
        time.sleep(0.2)
        pref = wait_for_message(sink, to="a@example.org", since=since, timeout=1,
                                prefer=lambda m: "X-123" in m.text)
        assert pref is not None and pref.subject == "second"
        rest = wait_for_message(sink, to="a@example.org", since=since, timeout=0.2,
                                exclude={first.uid, pref.uid})
        assert rest is None
        rejected = wait_for_message(sink, to="a@example.org", since=since, timeout=0.2,
                                    exclude={first.uid}, accept=lambda m: "X-123" not in m.text)
        assert rejected is None


def test_html_only_email_is_read_as_text() -> None:
    msg = EmailMessage()
    msg["To"] = "a@example.org"
    msg["Subject"] = "Thanks"
    msg.set_content("<p>Your reference number is <b>PCC-2005-00001</b>.</p>", subtype="html")
    parsed = parse_message(bytes(msg), uid="1", received_at=datetime.now(UTC))
    assert parsed.text == "Your reference number is PCC-2005-00001."
    assert parsed.recipients == ("a@example.org",)


class _FakeImap:
    """Just enough of imaplib.IMAP4 for ImapReader, recording what it was asked."""

    def __init__(self, messages: list[tuple[bytes, bytes]]) -> None:
        self.messages = messages
        self.calls: list[tuple[Any, ...]] = []

    def login(self, user: str, password: str) -> tuple[str, list[bytes]]:
        self.calls.append(("login", user, password))
        return "OK", [b"logged in"]

    def select(self, folder: str, readonly: bool = False) -> tuple[str, list[bytes]]:
        self.calls.append(("select", folder, readonly))
        return "OK", [b"2"]

    def uid(self, command: str, *args: str) -> tuple[str, list[Any]]:
        self.calls.append(("uid", command, *args))
        if command == "SEARCH":
            return "OK", [b" ".join(str(i + 1).encode() for i in range(len(self.messages)))]
        head, raw = self.messages[int(args[0]) - 1]
        return "OK", [(head, raw), b")"]

    def logout(self) -> tuple[str, list[bytes]]:
        self.calls.append(("logout",))
        return "BYE", [b""]


def test_imap_reader_searches_read_only_and_parses(monkeypatch: pytest.MonkeyPatch) -> None:
    now = datetime.now(UTC)
    stamp = imaplib.Time2Internaldate(now.timestamp()).encode()
    old = imaplib.Time2Internaldate((now - timedelta(days=2)).timestamp()).encode()
    msgs = [
        (b'1 (UID 1 INTERNALDATE ' + stamp + b' RFC822 {100}',
         bytes(_mail("test@council.example", "Your reference SCC-9", "Ref: SCC-9"))),
        (b'2 (UID 2 INTERNALDATE ' + old + b' RFC822 {100}',
         bytes(_mail("test@council.example", "Old", "Ref: SCC-1"))),
    ]
    fake = _FakeImap(msgs)
    monkeypatch.setenv("POAUDIT_TEST_IMAP", "s3cret")
    box = Mailbox(kind="imap", host="imap.example.org", port=993, username="auditor",
                  password_env="POAUDIT_TEST_IMAP", address="test@council.example")
    reader = ImapReader.from_profile(box, connect=lambda: fake)  # type: ignore[arg-type,return-value]
    got = reader.fetch(to="test@council.example", since=now - timedelta(minutes=1))
    assert [m.subject for m in got] == ["Your reference SCC-9"]
    assert ("login", "auditor", "s3cret") in fake.calls
    assert ("select", '"INBOX"', True) in fake.calls
    search = next(c for c in fake.calls if c[:2] == ("uid", "SEARCH"))
    assert search[2] == "SINCE" and search[4:] == ("TO", '"test@council.example"')
    assert fake.calls[-1] == ("logout",)


def test_imap_password_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("POAUDIT_NO_SUCH_VAR", raising=False)
    box = Mailbox(kind="imap", host="imap.example.org", port=993, password_env=
                  "POAUDIT_NO_SUCH_VAR", address="t@example.org")
    with pytest.raises(MailboxError, match="POAUDIT_NO_SUCH_VAR"):
        reader_for(box)
    sink_box = Mailbox(kind="smtp-sink", port=2525, address="t@example.org")
    assert reader_for(sink_box) is None  # the caller must hand its sink over
    assert reader_for(None) is None
