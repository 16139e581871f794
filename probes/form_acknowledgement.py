"""form-acknowledgement (R28, R29): submit the listed forms, read the acknowledgements.

What it looks for. Active and off by default: only the forms the site profile lists under
``forms`` (matched to the crawl's ``form-inventory`` by their exact resolved action URL) are
submitted, each up to its ``max_submissions`` (two by default) with the profile's payload and
its test marker; CAPTCHA, login and payment forms are refused even when listed (see
:mod:`probes.active.submit`). For each form it captures the acknowledgement page and, when the
profile names a mailbox, the acknowledgement email (loopback SMTP sink in tests, IMAP for real
use); it extracts reference numbers from both (:mod:`probes.active.reference`), checks that two
submissions got two different numbers, and looks the number up on the tracking page the
profile names (compared with a lookup of a made-up number, so a page that only echoes what was
typed does not count). Every submission is logged in the store at once (a ``submission``
finding with time, action and payload) so the council can find and delete it.

Why the outcomes ask for it. R28: "All email and web form acknowledgements to include unique
reference number allocated to allow tracking of enquiry and service response." The notes:
"every communication must be logged … and then a unique reference number issued"; "An email
notification must be sent to the customer, notifying them of the unique reference number.
This acknowledgement may be automatic."; customers "using the reference number, be able to
track the progress of their communication". Checklist: "All communications acknowledged" /
"All communications logged & number issued" / "Email notifications sent" / "Ability to track
progress." R29: "100% of email enquiries from the public responded to within one working
day"; "councils must acknowledge all email enquiries within one working day … Automated email
responses are acceptable"; checklist: "R28 complete" / "Corporate standard for email response
within one day." — the time from submission to the acknowledgement email is measured.

Example that passes: the page says "Your reference number is SCC-001234", the email repeats
it, a second submission gets SCC-001235 and the tracking page shows SCC-001234's status.
Example that fails: "Thank you for contacting us" with no number anywhere, or the same number
on every submission.

Known limits. A sample, not "all communications": only listed forms, at most five
submissions each. Email waits are bounded (``email_wait_seconds``): a later email is reported
as not received in time (a ``warning``, not a ``fail``). Logging in a CRM, response times
"logged and monitored corporately" and published tables are not observable here (R29's
tables are the ``response-standards`` probe's). Forms that need JavaScript, a multi-page
wizard or a file upload are not supported.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx

from poaudit.findings import Finding, Kind
from poaudit.profile import AllowedForm, Profile
from poaudit.store import Store
from probes.active.mailbox import MailboxError, MailboxReader, MailMessage, reader_for
from probes.active.mailbox import wait_for_message as _wait_for_message
from probes.active.reference import PatternError, ReferenceExtractor, RefMatch
from probes.active.submit import (
    InventoryForm,
    Prepared,
    Refusal,
    Resolver,
    Submission,
    SubmissionRefused,
    Submitter,
    main_text,
)
from probes.base import Page, ProbeMeta
from probes.form_inventory import extract_forms

__all__ = ["CASES", "META", "OPTIONS", "run"]

log = logging.getLogger(__name__)

META = ProbeMeta(
    id="form-acknowledgement",
    code="PO281",
    outcomes=("R28", "R29"),
    scope=("site",),
    stage="active",
    tags=("forms", "active", "opt-in", "r28", "r29"),
    status="preview",
    title="Submit listed forms; check acknowledgements carry a unique, trackable reference",
)

# Options read from profile.probe_options["form-acknowledgement"]; anything else is ignored
# and named in the summary (it can never widen what is submitted).
OPTIONS: dict[str, str] = {
    "reference_patterns": "extra regexes for reference numbers (group 'ref')",
    "replace_default_patterns": "use only reference_patterns",
    "email_wait_seconds": "how long to wait for each acknowledgement email (default 300)",
    "submit_interval_seconds": "pause between requests (default 1/requests_per_second)",
    "not_found_phrases": "extra regexes a tracking page uses for an unknown reference",
    "max_evidence_chars": "how much acknowledgement text and email to keep (default 2000)",
}
CASES = (
    "unique-reference",  # a number on the page, a new one each time
    "email-only-reference",  # a number only in the email, a new one each time
    "reused-reference",  # the same number on every submission
    "reference-unchecked",  # a number, but uniqueness could not be checked (one submission)
    "no-reference",  # acknowledged, no number on the page or in the email
    "no-reference-on-page",  # no number on the page; no mailbox to read the email
    "not-acknowledged",  # neither an acknowledgement page nor an email
    "not-assessed",  # submissions failed or the form rejected the payload
    "refused",  # listed but not submitted (CAPTCHA, login, payment, not found, ...)
)
DEFAULT_EMAIL_WAIT = 300.0
WORKING_DAY_SECONDS = 24 * 3600
_ACK_WORDS = re.compile(
    r"\bthank(s| you)\b|\breceived\b|\backnowledg|\bsubmitted\b|\bwe will\b|\bwe'll\b|"
    r"\breference\b|\bconfirm", re.I)
_REJECTED = re.compile(
    r"please (complete|correct|fill in|enter)|required fields?\b|\bis required\b|there (was|"
    r"were) (a )?problems?|\berrors? (in|on) (the|your) form|\binvalid\b", re.I)
_NOT_FOUND = re.compile(
    r"could ?n[o']t find|can ?n[o']t find|cannot find|unable to find|no (enquiry|enquiries|"
    r"record|records|result|results|match|matches|case|report|request)( was| were)? found|"
    r"\bnot found\b|\bno match|not (a )?(valid|recognised|recognized)|invalid reference|"
    r"does not exist|doesn't exist|no such", re.I)


@dataclass
class _Tried:
    """One submission with what came back on the page and by email."""

    sub: Submission
    email: MailMessage | None = None
    page_refs: list[RefMatch] = field(default_factory=list)
    email_refs: list[RefMatch] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.sub.error is None and self.sub.status is not None and (
            200 <= self.sub.status < 400)

    @property
    def ref(self) -> str | None:
        refs = self.page_refs or self.email_refs
        return refs[0].value if refs else None

    @property
    def elapsed(self) -> float | None:
        if self.email is None:
            return None
        return round((self.email.received_at - self.sub.submitted_at).total_seconds(), 3)


@dataclass
class _MailState:
    """Run-wide mail state: the reader, the emails already attributed, and every reference
    and marker seen so far."""

    reader: MailboxReader | None = None
    address: str | None = None
    error: str | None = None  # why the mailbox cannot be read
    claimed: set[str] = field(default_factory=set)
    refs: dict[str, str] = field(default_factory=dict)  # reference -> form action
    markers: set[str] = field(default_factory=set)
    errors: list[str] = field(default_factory=list)

    def foreign(self, action: str, marker: str) -> set[str]:
        """Texts that mark an email as another submission's."""
        return {r for r, a in self.refs.items() if a != action} | (self.markers - {marker})

    def add(self, t: _Tried) -> None:
        self.markers.add(t.sub.marker_value)
        for m in t.page_refs + t.email_refs:
            self.refs.setdefault(m.value, t.sub.action)
        if t.email is not None:
            self.claimed.add(t.email.uid)


@dataclass
class _Settings:
    extractor: ReferenceExtractor
    email_wait: float
    interval: float | None
    not_found: re.Pattern[str]
    evidence_chars: int
    ignored: list[str]


def _settings(options: Mapping[str, Any]) -> _Settings:
    extra = options.get("not_found_phrases") or []
    phrases = [_NOT_FOUND.pattern, *[str(x) for x in extra]]
    interval = options.get("submit_interval_seconds")
    return _Settings(
        extractor=ReferenceExtractor.from_options(options),
        email_wait=float(options.get("email_wait_seconds", DEFAULT_EMAIL_WAIT)),
        interval=float(interval) if interval is not None else None,
        not_found=re.compile("|".join(f"(?:{p})" for p in phrases), re.I),
        evidence_chars=int(options.get("max_evidence_chars", 2000)),
        ignored=sorted(k for k in options if k not in OPTIONS),
    )


def _finding(kind: Kind, message: str, page: str | None, outcomes: Sequence[str] = ("R28",),
             **detail: Any) -> Finding:
    return Finding(probe_id=META.id, outcomes=tuple(outcomes), kind=kind, message=message,
                   page_url=page, detail=detail)


def run(
    profile: Profile, store: Store, run_id: int, *, mailbox: MailboxReader | None = None,
    transport: httpx.BaseTransport | None = None, resolve: Resolver | None = None,
) -> list[Finding]:
    """Submit the profile's listed forms and report R28/R29 findings for run ``run_id``.

    Reads the crawl's forms from the store's ``form-inventory`` findings; writes every finding
    it makes to the store itself (each submission log the moment the submission is made) and
    returns them all, so callers must not store them again. ``mailbox``: the reader for
    acknowledgement emails (the caller's :class:`~probes.active.mailbox.SmtpSink` when the
    profile's mailbox is ``smtp-sink``; IMAP is opened from the profile otherwise).
    ``transport`` and ``resolve`` are for tests (an httpx mock transport, a DNS stand-in).
    """
    out: list[Finding] = []

    def emit(*findings: Finding) -> None:
        store.add_findings(run_id, findings)
        out.extend(findings)

    options = profile.probe_options.get(META.id, {})
    if META.id in profile.probes_disabled:
        emit(_summary(Kind.NOT_ASSESSED, "The form acknowledgement check is disabled in the "
                      "site profile.", reason="disabled"))
        return out
    inventory = [f for f in (InventoryForm.from_finding(x)
                             for x in store.findings(run_id, "form-inventory")) if f]
    untested = sorted({f.action for f in inventory if f.category in ("enquiry", "report-it")}
                      - {f.action for f in profile.forms})
    lookups = sorted({f.action for f in inventory if f.lookup == "tracking"})
    if not profile.forms:
        emit(_summary(Kind.NOT_ASSESSED, "No form is listed in the site profile, so none was "
                      "submitted: R28 acknowledgements were not tested (the check is opt-in).",
                      reason="no-forms-listed", untested_enquiry_forms=untested,
                      inventory_forms=len(inventory), tracking_lookups=lookups))
        return out
    try:
        settings = _settings(options)
    except (PatternError, ValueError, TypeError) as exc:
        emit(_summary(Kind.NOT_ASSESSED, f"The form acknowledgement options are invalid: {exc}",
                      reason="bad-options"))
        return out
    mail = _MailState()
    if profile.mailbox is not None:  # without an address, no email can be attributed
        try:
            mail.reader = reader_for(profile.mailbox, mailbox)
        except MailboxError as exc:
            mail.error = str(exc)
        if mail.reader is None and mail.error is None:
            mail.error = ("the profile's mailbox is an SMTP sink, but no running sink was "
                          "handed to the probe")
        mail.address = profile.mailbox.address
    already: dict[str, int] = {}
    for f in store.findings(run_id, META.id):
        if f.detail.get("check") == "submission":
            action = str(f.detail.get("action"))
            already[action] = already.get(action, 0) + 1
    cases: dict[str, int] = {}
    seen: set[str] = set()
    kwargs: dict[str, Any] = {"transport": transport, "interval": settings.interval}
    if resolve is not None:
        kwargs["resolve"] = resolve
    with Submitter(profile, run_id=run_id, already=already, **kwargs) as submitter:
        for allowed in profile.forms:
            if allowed.action in seen:
                continue  # listed twice: the first entry rules, the budget is per action
            seen.add(allowed.action)
            try:
                case = _one_form(allowed, inventory, submitter, settings, mail, run_id, emit)
            except Exception as exc:  # one broken form must not cost the others
                log.warning("form-acknowledgement failed on %s: %s", allowed.action, exc)
                emit(_finding(Kind.NOT_ASSESSED, "The check could not run on this form "
                              f"({type(exc).__name__}: {exc}).", allowed.page, check="error",
                              action=allowed.action, error=repr(exc)[:500]))
                case = "not-assessed"
            if case is not None:
                cases[case] = cases.get(case, 0) + 1
    submitted = sum(1 for f in out if f.detail.get("check") == "submission")
    refusals: dict[str, int] = {}
    for f in out:
        if f.detail.get("check") == "refused":
            reason = str(f.detail.get("reason"))
            refusals[reason] = refusals.get(reason, 0) + 1
    emit(_summary(
        Kind.INFO if submitted else Kind.NOT_ASSESSED,
        f"{submitted} test submissions to {len(seen)} listed forms; "
        + (", ".join(f"{n} {c}" for c, n in sorted(cases.items())) or "no results"),
        reason=None if submitted else "nothing-submitted", forms_listed=len(seen),
        submissions=submitted, cases=cases, refusals=refusals,
        mailbox=profile.mailbox.kind if profile.mailbox else None,
        mailbox_read=mail.reader is not None,
        mailbox_error=mail.error or (mail.errors[-1] if mail.errors else None),
        email_wait_seconds=settings.email_wait, ignored_options=settings.ignored,
        untested_enquiry_forms=untested, inventory_forms=len(inventory),
        tracking_lookups=lookups))
    return out


def _one_form(allowed: AllowedForm, inventory: list[InventoryForm], submitter: Submitter,
              settings: _Settings, mail: _MailState, run_id: int,
              emit: Callable[..., None]) -> str | None:
    """Check, submit and assess one listed form; its case (``None``: nothing to count)."""
    prepared = submitter.prepare(allowed, inventory)
    if isinstance(prepared, Refusal):
        emit(_refused(prepared))
        return "refused"
    n = submitter.remaining(allowed.action)
    if n <= 0:
        emit(_refused(Refusal(allowed.action, prepared.page_url, "budget-spent",
                              "Not submitted again: this run already used the form's "
                              f"max_submissions ({allowed.max_submissions}).")))
        return None
    tried: list[_Tried] = []
    for k in range(1, n + 1):
        result = submitter.submit(prepared, k, n)
        if isinstance(result, Refusal):
            emit(_refused(result))
            break
        emit(_finding(
            Kind.INFO, f"Test submission {k} of {n} to {allowed.action} at "
            f"{result.submitted_at:%Y-%m-%d %H:%M:%S} UTC (marked "
            f"{allowed.test_marker_field!r}); the council may delete it.",
            prepared.page_url, outcomes=(), **result.log(run_id)))
        t = _Tried(result)
        if t.ok:
            t.page_refs = settings.extractor.find(result.text)
        failed = not t.ok or _rejected(t, allowed.action)
        if mail.reader is not None and mail.address and not failed:
            t.email = _wait_email(mail.reader, mail.address, t, mail, settings)
            if t.email is not None:
                t.email_refs = settings.extractor.find(f"{t.email.subject}\n{t.email.text}")
        mail.add(t)
        tried.append(t)
        if failed:
            break  # the same payload would fail again: spend no more submissions
    if not tried:
        return None
    findings, case = _assess(allowed, prepared, tried, mail, submitter, settings, run_id)
    emit(*findings)
    return case


def _summary(kind: Kind, message: str, **detail: Any) -> Finding:
    return _finding(kind, message, None, outcomes=META.outcomes, check="summary", **detail)


def _refused(r: Refusal) -> Finding:
    return _finding(Kind.NOT_ASSESSED, r.message, r.page_url, check="refused", action=r.action,
                    reason=r.reason, case="refused", **r.detail)


def _wait_email(reader: MailboxReader, address: str, t: _Tried, mail: _MailState,
                settings: _Settings) -> MailMessage | None:
    """The acknowledgement email for one submission (emails arrive in submission order; one
    quoting another submission's reference or marker is never attributed to this one)."""
    page_ref = t.page_refs[0].value if t.page_refs else None
    marker = t.sub.marker_value

    def prefer(m: MailMessage) -> bool:
        body = f"{m.subject}\n{m.text}"
        return (page_ref is not None and page_ref in body) or marker in body

    def accept(m: MailMessage) -> bool:
        body = f"{m.subject}\n{m.text}"
        if prefer(m):
            return True
        return not any(other in body for other in mail.foreign(t.sub.action, marker))

    try:
        return _wait_for_message(
            reader, to=address, since=t.sub.submitted_at, timeout=settings.email_wait,
            exclude=mail.claimed, prefer=prefer, accept=accept,
            poll_interval=float(getattr(reader, "poll_interval", 1.0)))
    except MailboxError as exc:
        mail.errors.append(str(exc))
        return None


def _assess(allowed: AllowedForm, prepared: Prepared, tried: list[_Tried], mail: _MailState,
            submitter: Submitter, settings: _Settings, run_id: int
            ) -> tuple[list[Finding], str]:
    """The per-form findings (one per R28/R29 checklist line observed) and its case."""
    has_mailbox, mailbox_error, address = mail.reader is not None, mail.error, mail.address
    page = prepared.page_url
    action = allowed.action
    limit = settings.evidence_chars
    ok = [t for t in tried if t.ok]
    emails = [t for t in tried if t.email is not None]
    rejected = [t for t in ok if t.email is None and _rejected(t, action)]
    in_payload = None if address is None else address in allowed.payload.values()
    base: dict[str, Any] = {"action": action, "form_page": page,
                            "category": prepared.live.category,
                            "mailbox_address_in_payload": in_payload}
    evidence = _evidence(tried, limit)
    out: list[Finding] = []

    # All communications acknowledged
    if not ok and not emails:
        errors = [t.sub.error or f"HTTP {t.sub.status}" for t in tried]
        out.append(_finding(Kind.NOT_ASSESSED, "The test submissions failed: "
                            + "; ".join(errors), page, check="acknowledged",
                            reason="submission-failed", **base, **evidence))
        return [*out, _form(Kind.NOT_ASSESSED, "not-assessed", page, base, evidence, tried)], \
            "not-assessed"
    if rejected and len(rejected) == len(ok) and not emails:
        out.append(_finding(Kind.NOT_ASSESSED, "The form rejected the test payload (it asked "
                            "for fields to be completed or corrected): fix the profile's "
                            "payload for this form.", page, check="acknowledged",
                            reason="rejected-by-form", **base, **evidence))
        return [*out, _form(Kind.NOT_ASSESSED, "not-assessed", page, base, evidence, tried)], \
            "not-assessed"
    acked_page = [t for t in ok if _ACK_WORDS.search(t.sub.text)]
    acknowledged = len({id(t) for t in acked_page + emails}) == len(tried)
    if acknowledged:
        how = ("page and email" if acked_page and emails else "email" if emails else "page")
        out.append(_finding(Kind.PASS, f"Each test submission was acknowledged ({how}).", page,
                            check="acknowledged", channel=how, **base, **evidence))
    elif acked_page or emails:
        out.append(_finding(Kind.WARNING, f"Only {len({id(t) for t in acked_page + emails})} of "
                            f"{len(tried)} test submissions were acknowledged.", page,
                            check="acknowledged", **base, **evidence))
    else:
        out.append(_finding(Kind.FAIL, "No acknowledgement: neither the page after submitting "
                            "nor an email acknowledged the test submissions.", page,
                            check="acknowledged", **base, **evidence))

    # All communications logged & number issued
    page_refs = [t.page_refs[0].value for t in tried if t.page_refs]
    email_refs = [t.email_refs[0].value for t in tried if t.email_refs]
    refs = [t.ref for t in tried if t.ref]
    where = "+".join(w for w, r in (("page", page_refs), ("email", email_refs)) if r) or "none"
    ref_detail = {"page_references": page_refs, "email_references": email_refs,
                  "references": refs, "where": where,
                  "patterns": sorted({m.pattern for t in tried
                                      for m in (t.page_refs + t.email_refs)[:1]})}
    all_emails = len(emails) == len(tried)
    if refs and len(refs) == len(tried):
        out.append(_finding(Kind.PASS, f"A reference number was given ({where}): "
                            + ", ".join(refs), page, check="reference", **base, **ref_detail,
                            **evidence))
    elif refs:
        out.append(_finding(Kind.WARNING, f"Only {len(refs)} of {len(tried)} acknowledgements "
                            f"gave a reference number ({where}).", page, check="reference",
                            **base, **ref_detail, **evidence))
    elif not has_mailbox:
        out.append(_finding(Kind.NOT_ASSESSED, "No reference number on the acknowledgement "
                            "page; no mailbox is configured to read the acknowledgement email "
                            "(it may carry one).", page, check="reference",
                            reason=("mailbox-error" if mailbox_error else "no-mailbox"),
                            **base, **ref_detail, **evidence))
    elif all_emails:
        out.append(_finding(Kind.FAIL, "No reference number on the acknowledgement page or in "
                            "the acknowledgement email.", page, check="reference", **base,
                            **ref_detail, **evidence))
    else:
        out.append(_finding(Kind.WARNING, "No reference number on the acknowledgement page, "
                            f"and no email arrived within {settings.email_wait:g} s.", page,
                            check="reference", **base, **ref_detail, **evidence))

    # unique number per communication
    distinct = sorted(set(refs))
    if len(refs) >= 2 and len(distinct) == len(refs):
        unique: bool | None = True
        out.append(_finding(Kind.PASS, f"Each submission got its own reference ({', '.join(refs)}"
                            ").", page, check="unique-reference", references=refs, **base))
    elif len(refs) >= 2:
        unique = False
        out.append(_finding(Kind.FAIL, f"The same reference was given to different submissions "
                            f"({', '.join(refs)}): it is not unique.", page,
                            check="unique-reference", references=refs, **base))
    else:
        unique = None
        out.append(_finding(Kind.NOT_ASSESSED, "Uniqueness not checked: it needs two "
                            "submissions that both got a reference.", page,
                            check="unique-reference", references=refs,
                            reason=("one-submission" if len(tried) < 2 else "too-few-references"),
                            **base))

    # Email notifications sent (R28) and acknowledged within one working day (R29)
    timing = {"elapsed_seconds": [t.elapsed for t in tried], "email_wait_seconds":
              settings.email_wait, "page_response_ms": [t.sub.elapsed_ms for t in tried]}
    if not has_mailbox:
        reason = "mailbox-error" if mailbox_error else "no-mailbox"
        msg = ("No mailbox configured: acknowledgement emails were not read." if not
               mailbox_error else f"The mailbox could not be read: {mailbox_error}")
        for check, outcomes in (("email-acknowledgement", ("R28",)),
                                ("acknowledgement-time", ("R29",))):
            out.append(_finding(Kind.NOT_ASSESSED, msg, page, outcomes, check=check,
                                reason=reason, mailbox_error=mailbox_error, **base))
    else:
        received = [t for t in tried if t.email is not None]
        with_ref = [t for t in received if t.email_refs]
        email_ev = {"emails": [t.email.as_evidence(limit) for t in received if t.email]}
        if all_emails:
            note = ("" if len(with_ref) == len(received)
                    else " (without a reference number)" if not with_ref
                    else f" ({len(with_ref)} with a reference number)")
            out.append(_finding(Kind.PASS, f"An acknowledgement email arrived for each "
                                f"submission{note}.", page, ("R28",),
                                check="email-acknowledgement", emails_received=len(received),
                                emails_with_reference=len(with_ref), **base, **email_ev))
        else:
            hint = ("" if in_payload else " The payload does not give the mailbox address "
                    f"{address}: check the profile.")
            out.append(_finding(Kind.WARNING, f"{len(received)} of {len(tried)} acknowledgement "
                                f"emails arrived within {settings.email_wait:g} s.{hint}", page,
                                ("R28",), check="email-acknowledgement",
                                emails_received=len(received),
                                emails_with_reference=len(with_ref), **base, **email_ev))
        slowest = max((t.elapsed or 0.0) for t in received) if received else None
        within = slowest is not None and slowest <= WORKING_DAY_SECONDS
        if all_emails and within:
            out.append(_finding(Kind.PASS, f"Acknowledged by email within {_human(slowest)} "
                                "(R29 asks for one working day).", page, ("R29",),
                                check="acknowledgement-time", slowest_seconds=slowest,
                                within_one_working_day=True, **timing, **base))
        else:
            out.append(_finding(Kind.WARNING, f"No acknowledgement email within "
                                f"{settings.email_wait:g} s for {len(tried) - len(received)} of "
                                f"{len(tried)} submissions (R29 allows one working day; check "
                                "the mailbox later).", page, ("R29",),
                                check="acknowledgement-time", slowest_seconds=slowest,
                                within_one_working_day=None, **timing, **base))

    # Ability to track progress
    trackable = _tracking(allowed, refs, submitter, settings, run_id, page, base, out)

    case = _case(tried, refs, page_refs, email_refs, unique, acknowledged or bool(
        acked_page or emails), has_mailbox)
    detail = {**ref_detail, "unique": unique, "trackable": trackable,
              "emails_received": len(emails), **timing}
    # The form's verdict (what scoring combines): pass for a new number each time, a warning
    # when the named tracking page cannot find it (tracking by phone is also allowed), fail
    # for a reused or missing number, info when it could not be decided.
    kind = Kind.PASS if case in ("unique-reference", "email-only-reference") else (
        Kind.FAIL if case in ("reused-reference", "no-reference", "not-acknowledged")
        else Kind.INFO)
    if kind is Kind.PASS and trackable is False:
        kind = Kind.WARNING
    out.append(_form(kind, case, page, {**base, **detail}, evidence, tried))
    return out, case


def _rejected(t: _Tried, action: str) -> bool:
    """The answer asks for fields to be completed or corrected (the payload was refused)."""
    return (t.ok and not t.page_refs and bool(_REJECTED.search(t.sub.text))
            and (action in t.sub.form_actions or not _ACK_WORDS.search(t.sub.text)))


def _tracking(allowed: AllowedForm, refs: list[str], submitter: Submitter, settings: _Settings,
              run_id: int, page: str, base: dict[str, Any], out: list[Finding]) -> bool | None:
    if not allowed.tracking_url:
        out.append(_finding(Kind.NOT_ASSESSED, "No tracking page is named for this form in the "
                            "site profile (tracking may be by phone).", page, check="tracking",
                            reason="no-tracking-url", **base))
        return None
    if not refs:
        out.append(_finding(Kind.NOT_ASSESSED, "Tracking not checked: no reference number to "
                            "look up.", page, check="tracking", reason="no-reference",
                            tracking_url=allowed.tracking_url, **base))
        return None
    ref = refs[-1]
    bogus = f"ZZ{run_id % 1000:03d}-0000000"
    try:
        found, seen = _lookup(submitter, allowed.tracking_url, ref)
        _, unknown = _lookup(submitter, allowed.tracking_url, bogus)
    except (httpx.HTTPError, SubmissionRefused, LookupError) as exc:
        out.append(_finding(Kind.NOT_ASSESSED, f"The tracking page could not be used: {exc}",
                            page, check="tracking", reason="lookup-failed",
                            tracking_url=allowed.tracking_url, reference=ref, **base))
        return None
    echoed = " ".join(seen.replace(ref, "<REF>").split()) == " ".join(
        unknown.replace(bogus, "<REF>").split())
    ok = found and ref in seen and not echoed and not settings.not_found.search(seen)
    detail = {"tracking_url": allowed.tracking_url, "reference": ref,
              "lookup_text": seen[:settings.evidence_chars],
              "unknown_reference_text": unknown[:settings.evidence_chars]}
    if ok:
        out.append(_finding(Kind.PASS, f"The tracking page finds the enquiry by its reference "
                            f"{ref}.", page, check="tracking", **base, **detail))
    else:
        why = ("answers as for an unknown reference" if echoed or settings.not_found.search(seen)
               else "does not show it")
        out.append(_finding(Kind.FAIL, f"The tracking page {why} when given the reference "
                            f"{ref}.", page, check="tracking", **base, **detail))
    return ok


def _lookup(submitter: Submitter, tracking_url: str, ref: str) -> tuple[bool, str]:
    """Look ``ref`` up on the tracking page: ``(response was 200, visible text)``."""
    if "{ref}" in tracking_url:
        resp = submitter.get(tracking_url.replace("{ref}", quote(ref, safe="")))
    else:
        first = submitter.get(tracking_url)
        page = Page(tracking_url, str(first.url), first.status_code, first.text)
        forms = [f for f in extract_forms(page) if f.method == "GET" and any(
            fld.type in ("text", "search", "number", "") for fld in f.fields)]
        if not forms:
            raise LookupError("no GET form to type a reference into on the tracking page")
        forms.sort(key=lambda f: (f.lookup != "tracking", f.category != "search"))
        form = forms[0]
        texts = [fld for fld in form.fields if fld.type in ("text", "search", "number", "")]
        texts.sort(key=lambda fld: not re.search(r"ref|case|enquiry|track|number",
                                                 f"{fld.name} {fld.label}", re.I))
        params = dict(form.hidden)
        params[texts[0].name] = ref
        resp = submitter.get(form.action, params)
    page = Page(str(resp.url), str(resp.url), resp.status_code, resp.text)
    return resp.status_code == 200, main_text(page)


def _case(tried: list[_Tried], refs: list[str], page_refs: list[str], email_refs: list[str],
          unique: bool | None, acknowledged: bool, has_mailbox: bool) -> str:
    if not refs:
        if not acknowledged:
            return "not-acknowledged"
        return "no-reference" if has_mailbox else "no-reference-on-page"
    if unique is False:
        return "reused-reference"
    if unique is None:
        return "reference-unchecked"
    return "unique-reference" if page_refs else "email-only-reference"


def _evidence(tried: list[_Tried], limit: int) -> dict[str, Any]:
    first = next((t for t in tried if t.ok), tried[0])
    return {
        "acknowledgement_url": first.sub.final_url,
        "acknowledgement_status": first.sub.status,
        "acknowledgement_title": first.sub.title,
        "acknowledgement_text": first.sub.text[:limit],
        "acknowledgement_truncated": len(first.sub.text) > limit,
        "email": first.email.as_evidence(limit) if first.email else None,
    }


def _form(kind: Kind, case: str, page: str, base: dict[str, Any], evidence: dict[str, Any],
          tried: list[_Tried]) -> Finding:
    labels = {
        "unique-reference": "gives a new reference number on the page each time",
        "email-only-reference": "gives a new reference number, by email only",
        "reused-reference": "gives the same reference number every time",
        "reference-unchecked": "gives a reference number (uniqueness not checked)",
        "no-reference": "acknowledges without any reference number",
        "no-reference-on-page": "shows no reference number on the page (email not read)",
        "not-acknowledged": "does not acknowledge submissions",
        "not-assessed": "could not be assessed",
    }
    submissions = [{
        "sequence": t.sub.sequence, "submitted_at": t.sub.submitted_at.isoformat(),
        "status": t.sub.status, "final_url": t.sub.final_url, "error": t.sub.error,
        "page_reference": t.page_refs[0].value if t.page_refs else None,
        "email_reference": t.email_refs[0].value if t.email_refs else None,
        "email_received_at": t.email.received_at.isoformat() if t.email else None,
        "elapsed_seconds": t.elapsed,
    } for t in tried]
    return _finding(kind, f"The form at {base['action']} {labels[case]}.", page,
                    check="form", case=case, submissions=submissions, **base, **evidence)


def _human(seconds: float | None) -> str:
    if seconds is None:
        return "an unknown time"
    if seconds < 120:
        return f"{seconds:.1f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} minutes"
    return f"{seconds / 3600:.1f} hours"
