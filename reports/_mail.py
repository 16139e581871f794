"""Sending partner reports by email (smtplib), with the profile's SMTP settings.

Each partner gets one message: the plain-text body, and the CSV (to fill in) and HTML pages
attached. Header values are single-line (crawled or configured text cannot inject headers).
"""

from __future__ import annotations

import os
import smtplib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid

from poaudit.profile import Smtp
from reports._partners import PartnerReport

__all__ = ["MailError", "SentReport", "build_message", "send_partner_reports"]


class MailError(RuntimeError):
    """The reports could not be sent (no SMTP settings, server refused, ...)."""


@dataclass(frozen=True)
class SentReport:
    """What happened to one partner's report."""

    partner: str
    to: tuple[str, ...]
    sent: bool
    detail: str  # the Message-ID when sent, else why not


def _line(text: str) -> str:
    return " ".join(text.split())


def build_message(report: PartnerReport, smtp: Smtp, to: Sequence[str]) -> EmailMessage:
    """The email for one partner (body + CSV and HTML attachments)."""
    msg = EmailMessage()
    msg["From"] = _line(smtp.sender)
    msg["To"] = ", ".join(_line(a) for a in to)
    msg["Subject"] = _line(report.subject)
    domain = smtp.sender.rpartition("@")[2] or None
    msg["Message-ID"] = make_msgid("poaudit", domain=_line(domain) if domain else None)
    msg.set_content(report.body)
    msg.add_attachment(report.csv_text.encode("utf-8"), maintype="text", subtype="csv",
                       filename=f"{report.slug}-deep-links.csv")
    msg.add_attachment(report.html_text.encode("utf-8"), maintype="text", subtype="html",
                       filename=f"{report.slug}-deep-links.html")
    return msg


def _recipients(value: str | Sequence[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else list(value)
    return tuple(_line(a) for a in items if a and "@" in a)


def send_partner_reports(
    reports: Sequence[PartnerReport],
    smtp: Smtp | None,
    recipients: Mapping[str, str | Sequence[str]],
    *,
    password: str | None = None,
    timeout: float = 30.0,
) -> list[SentReport]:
    """Mail each report to its partner's address(es) in ``recipients`` (by partner name).

    A partner with no address is skipped (reported, not raised); one SMTP connection is used.
    """
    if smtp is None:
        raise MailError("the site profile has no 'smtp' settings: cannot send partner reports")
    if password is None and smtp.password_env:
        password = os.environ.get(smtp.password_env)
        if password is None:
            raise MailError(f"SMTP password variable {smtp.password_env} is not set")
    plan = [(r, _recipients(recipients.get(r.partner))) for r in reports]
    results = [SentReport(r.partner, (), False, "no email address for this partner")
               for r, to in plan if not to]
    todo = [(r, to) for r, to in plan if to]
    if not todo:
        return results
    try:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=timeout) as server:
            if smtp.starttls:
                server.starttls()
            if smtp.username:
                server.login(smtp.username, password or "")
            for report, to in todo:
                msg = build_message(report, smtp, to)
                server.send_message(msg)
                results.append(SentReport(report.partner, to, True, str(msg["Message-ID"])))
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(f"cannot send through {smtp.host}:{smtp.port}: {exc}") from exc
    return results
