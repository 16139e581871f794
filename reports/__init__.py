"""Report stage: the HTML report, JSON, CSV, JUnit, the IEG pack and partner reports.

    >>> paths = write_reports(store, run_id, profile, Path("out"), ieg=True, partners=True)
    ...                                                         # doctest: +SKIP

Reports read stored results and never compute a status. Each format is one
:class:`Reporter` (begin, result per outcome, end). Crawled content is hostile: every template
autoescapes and only http(s)/mailto URLs become links.
"""

from __future__ import annotations

from pathlib import Path

from poaudit.profile import Profile
from poaudit.store import Store
from reports._answers import AnswersError, LinkFix, import_partner_answers, read_partner_answers
from reports._base import Reporter, run_reporters
from reports._context import OutcomeView, ReportContext, ReportError, collect
from reports._csv import CsvReporter
from reports._html import HtmlReporter
from reports._ieg import IegReporter
from reports._jinja import safe_href
from reports._json import SCHEMA_VERSION, JsonReporter
from reports._junit import JunitReporter
from reports._mail import MailError, SentReport, send_partner_reports
from reports._partners import PartnerReport, PartnerReporter, partner_reports

__all__ = [
    "SCHEMA_VERSION",
    "AnswersError",
    "CsvReporter",
    "HtmlReporter",
    "IegReporter",
    "JsonReporter",
    "JunitReporter",
    "LinkFix",
    "MailError",
    "OutcomeView",
    "PartnerReport",
    "PartnerReporter",
    "ReportContext",
    "ReportError",
    "Reporter",
    "SentReport",
    "build_partner_reports",
    "collect",
    "import_partner_answers",
    "partner_reports",
    "read_partner_answers",
    "run_reporters",
    "safe_href",
    "send_partner_reports",
    "write_reports",
]


def write_reports(
    store: Store,
    run_id: int,
    profile: Profile,
    out_dir: Path,
    *,
    ieg: bool = False,
    partners: bool = False,
) -> dict[str, Path]:
    """Write the run's reports under ``out_dir``; the files by kind (``html``, ``json``,
    ``outcomes-csv``, ``findings-csv``, ``junit``, ``ieg-html``, ``ieg-csv``,
    ``partner:<slug>:html|csv|email``). :class:`ReportError` if the run was never scored."""
    ctx = collect(store, run_id, profile, Path(out_dir))
    reporters: list[Reporter] = [HtmlReporter(), JsonReporter(), CsvReporter(), JunitReporter()]
    if ieg:
        reporters.append(IegReporter())
    if partners:
        reporters.append(PartnerReporter())
    return run_reporters(ctx, reporters)


def build_partner_reports(store: Store, run_id: int, profile: Profile) -> list[PartnerReport]:
    """The partner reports of a scored run, in memory (for :func:`send_partner_reports`)."""
    return partner_reports(collect(store, run_id, profile, Path(".")))
