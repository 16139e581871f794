"""Partner reports: each partner council's broken, shallow and soft-404 deep-link targets.

Per partner that owns such targets: an HTML page, a CSV with an empty ``new_url`` column the
partner fills in and sends back (see :mod:`reports._answers`), and a plain-text email body.
Each row names the linking page, the target, the verdict, its evidence and when the target was
first seen broken (from earlier runs of the same site in the store, when there are any).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from poaudit.store import LinkCheckRecord
from reports._base import Reporter
from reports._cells import cell
from reports._context import ReportContext
from reports._jinja import environment, text_environment

__all__ = [
    "PARTNER_COLUMNS",
    "PARTNER_VERDICTS",
    "PartnerReport",
    "PartnerReporter",
    "PartnerRow",
    "first_seen_broken",
    "partner_reports",
]

PARTNER_VERDICTS = ("broken", "shallow", "soft-404")
PARTNER_COLUMNS = (
    "partner", "linking_page", "link_text", "target", "verdict", "status", "evidence",
    "first_seen_broken", "suggested_fix", "new_url",
)
MAX_HISTORY = 400  # earlier runs looked at for "first seen broken"


@dataclass(frozen=True)
class PartnerRow:
    """One linking page -> one failing target owned by the partner."""

    partner: str
    linking_page: str
    link_text: str
    target: str
    verdict: str
    status: int | None
    evidence: str
    first_seen_broken: datetime | None
    suggested_fix: str

    def as_csv(self) -> list[str]:
        first = self.first_seen_broken.date().isoformat() if self.first_seen_broken else ""
        values = (self.partner, self.linking_page, self.link_text, self.target, self.verdict,
                  self.status, self.evidence, first, self.suggested_fix, "")
        return [cell(v) for v in values]


@dataclass
class PartnerReport:
    """Everything sent to one partner council (content in memory, files once written)."""

    partner: str
    slug: str
    council: str
    rows: list[PartnerRow]
    subject: str = ""
    body: str = ""
    csv_text: str = ""
    html_text: str = ""
    files: dict[str, Path] = field(default_factory=dict)

    @property
    def targets(self) -> list[str]:
        return list(dict.fromkeys(r.target for r in self.rows))


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "partner"


def _host(url: str) -> str:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    return f"{host}:{port}" if port else host


def _owner(check: LinkCheckRecord, ctx: ReportContext) -> str | None:
    by_host = ctx.profile.partner_hosts.get(_host(check.url))
    if by_host is not None:
        return by_host.name
    if check.owner:
        return check.owner
    owners = {link.owner for link in ctx.linking_pages(check.url) if link.owner}
    return sorted(owners)[0] if owners else None


def _evidence(check: LinkCheckRecord) -> str:
    parts = [check.summary] if check.summary else []
    if check.final_url and check.final_url != check.url:
        parts.append(f"ends at {check.final_url}")
    for key, value in list(check.evidence.items())[:4]:
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            parts.append(f"{key}: {str(value)[:120]}")
    return "; ".join(parts) or check.verdict


def first_seen_broken(ctx: ReportContext, urls: list[str]) -> dict[str, datetime | None]:
    """When each URL's current failing streak began (earlier runs of the site, newest first;
    a run that did not check the URL neither breaks nor extends the streak)."""
    current = {c.url: c.checked_at or ctx.run.started_at for c in ctx.link_checks}
    seen: dict[str, datetime | None] = {u: current.get(u, ctx.run.started_at) for u in urls}
    if ctx.store is None or not urls:
        return seen
    open_ = set(urls)
    earlier = [r for r in ctx.store.runs(site=ctx.run.site) if r.id < ctx.run.id]
    for run in earlier[:MAX_HISTORY]:
        if not open_:
            break
        checks = {c.url: c for c in ctx.store.link_checks(run.id)}
        for url in list(open_):
            check = checks.get(url)
            if check is None:
                continue
            if check.verdict in PARTNER_VERDICTS:
                seen[url] = check.checked_at or run.started_at
            else:
                open_.discard(url)
    return seen


def _rows(ctx: ReportContext) -> dict[str, list[PartnerRow]]:
    failing = [c for c in ctx.link_checks if c.verdict in PARTNER_VERDICTS]
    first = first_seen_broken(ctx, [c.url for c in failing])
    by_partner: dict[str, list[PartnerRow]] = {}
    for check in failing:
        owner = _owner(check, ctx)
        if owner is None or owner == ctx.profile.council:
            continue  # the council's own faults are in its own report, not a partner's
        links = ctx.linking_pages(check.url) or []
        sources = sorted({(link.source_url, " ".join(link.anchor_text.split())) for link in links})
        for source, text in sources or [("", "")]:
            by_partner.setdefault(owner, []).append(PartnerRow(
                partner=owner, linking_page=source, link_text=text, target=check.url,
                verdict=check.verdict, status=check.status, evidence=_evidence(check),
                first_seen_broken=first.get(check.url), suggested_fix=check.fix,
            ))
    return by_partner


def _csv(rows: list[PartnerRow]) -> str:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf)
    writer.writerow(PARTNER_COLUMNS)
    for row in rows:
        writer.writerow(row.as_csv())
    return buf.getvalue()


def partner_reports(ctx: ReportContext) -> list[PartnerReport]:
    """One report per partner council owning failing deep-link targets (content only)."""
    out = []
    for partner, rows in sorted(_rows(ctx).items()):
        rows.sort(key=lambda r: (r.target, r.linking_page))
        report = PartnerReport(partner, _slug(partner), ctx.profile.council, rows)
        values = {"ctx": ctx, "report": report}
        report.subject = " ".join(text_environment().get_template(
            "partner-subject.txt.j2").render(**values).split())
        report.body = text_environment().get_template("partner-email.txt.j2").render(**values)
        report.html_text = environment().get_template("partner.html.j2").render(**values)
        report.csv_text = _csv(rows)
        out.append(report)
    return out


class PartnerReporter(Reporter):
    """``<site>-run<id>-partners/<partner>/deep-links.{html,csv}`` and ``email.txt``."""

    name = "partners"

    def begin(self, ctx: ReportContext) -> None:
        super().begin(ctx)
        self.reports: list[PartnerReport] = []

    def end(self) -> dict[str, Path]:
        self.reports = partner_reports(self.ctx)
        written: dict[str, Path] = {}
        root = self.ctx.out_dir / f"{self.ctx.stem}-partners"
        for report in self.reports:
            folder = root / report.slug
            folder.mkdir(parents=True, exist_ok=True)
            files = {
                "html": (folder / "deep-links.html", report.html_text),
                "csv": (folder / "deep-links.csv", report.csv_text),
                "email": (folder / "email.txt", f"Subject: {report.subject}\n\n{report.body}"),
            }
            for kind, (path, text) in files.items():
                path.write_text(text, encoding="utf-8", newline="")
                report.files[kind] = path
                written[f"partner:{report.slug}:{kind}"] = path
        return written
