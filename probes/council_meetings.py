"""council-meetings (R5): agendas, reports and minutes of meetings, and a current diary.

What it looks for. Democracy pages (meetings diary or calendar, committee meetings, agendas,
minutes; ModernGov URLs such as ``mgCommitteeDetails.aspx``, ``ieListDocuments.aspx``,
``mgCalendarMonthView.aspx``; e-GMS subject "Public meetings" or LGSL 354, 719, 366), then
three things: links to (or pages of) agendas and reports, links to (or pages of) minutes, and
a meetings diary that is current: a democracy page listing at least two meeting dates, one of
them between "today" and 400 days ahead. A diary listing only past meetings is reported in
``stale`` with its latest date and age. "Today" is the ``today`` option (ISO date) so that
tests and re-runs are deterministic; otherwise the clock. One site finding.

Why the outcome asks for it. R5: "Online facilities to be available to allow public access to
reports, minutes and agendas from past council meetings, including future meetings diary
updated daily". The notes: "The meetings diary should be a simple list of dates and times of
meetings (probably with links to agendas as appropriate) kept up to date – with daily updates
if required." Checklist: "Meetings and agendas system" / "Meetings diary".

Example that passes: a "Meetings diary" table with "27 November 2005 – Executive Committee"
(after today) and "12 October 2005", with "Minutes" and "Agenda" links on committee pages.

Example that fails: a "Council meetings" page that says "Please telephone Democratic
Services for dates", with no dates, agendas or minutes.

Known limits. "Updated daily" cannot be seen from one crawl; a forward date is taken as
evidence that the diary is kept current (nightly runs show whether it moves). Dates are read
from the text (``14 November 2005``, ``14/11/2005``, ``2005-11-14``); dates after "last
updated" are not meeting dates. Agendas and minutes published only as PDFs are seen as links.
Whether private reports are kept off the site is not observable.
"""

from __future__ import annotations

from probes._presence import (
    Check,
    DateRule,
    Element,
    LinkRule,
    PageRule,
    PresenceProbe,
    Spec,
    TextRule,
)
from probes.base import ProbeMeta

META = ProbeMeta(
    id="council-meetings",
    code="PO302",
    outcomes=("R5",),
    scope=("page", "site"),
    tags=("presence", "democracy", "recency"),
    title="Agendas, reports and minutes of meetings, and a current meetings diary",
)

SPEC = Spec(
    service="council meetings",
    terms=(
        "meetings diary", "diary of meetings", "calendar of meetings", "meetings calendar",
        "committee calendar", "forthcoming meetings", "council meetings", "committee meetings",
        "meetings", "meeting", "agendas", "agenda", "minutes", "agendas and minutes",
        "agendas reports and minutes", "committee", "committees", "meeting dates",
        "council and committee meetings", "democratic services",
    ),
    exclude=("minutes walk", "minutes drive"),
    url_terms=("mgcalendar", "ielistdocuments", "ielistmeetings", "mgcommitteedetails",
               "mgmeeting", "committee_info", "meeting_info"),
    subjects=("Public meetings",),
    lgsl_identity=True,
    elements=(
        Element(
            "agendas", "agendas and reports of meetings",
            links=LinkRule(text=("agenda", "agendas", "agenda and reports", "reports pack",
                                 "agenda for this meeting", "agenda item", "agenda items",
                                 "committee reports"), internal=True, prefix=True),
            page=PageRule(title_prefixes=("agenda",), url=("ielistdocuments",)),
            text=TextRule(groups=(("agenda",), ("apologies for absence",
                                                "declarations of interest",
                                                "minutes of the previous meeting"))),
        ),
        Element(
            "minutes", "minutes of past meetings",
            links=LinkRule(text=("minutes", "minutes of this meeting", "printed minutes",
                                 "draft minutes", "signed minutes"), internal=True, prefix=True),
            page=PageRule(title_prefixes=("minutes", "minutes of", "draft minutes")),
        ),
        Element(
            "diary", "a current meetings diary",
            dates=DateRule(mode="forward", min_dates=2),
        ),
    ),
    checks=(Check("R5", required=("agendas", "minutes", "diary")),),
)

PROBE = PresenceProbe(META, SPEC)
evaluate = PROBE.evaluate
finalize = PROBE.finalize
