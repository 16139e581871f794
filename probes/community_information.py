"""community-information (G2): a community directory, events and job vacancies that local
groups add to and update themselves.

What it looks for. Community pages ("community directory", "community groups", "voluntary
organisations", "clubs and societies", "community events", "what's on", "volunteering";
e-GMS subjects "Voluntary organisations", "Volunteering", "Sports clubs"), then the three
self-service systems the checklist names: groups (a form for a group to add or update its
entry, or an "Add your group" / "Update your entry" link), events (a form or "Add your event"
link) and community job vacancies (a form or "Advertise your vacancy" link). Text that only
says groups can add entries is reported in ``elements_claimed``. One site finding.

Why the outcome asks for it. G2: "Empowering and supporting local organisations, community
groups and clubs to create and maintain their own information online, including the
promotion of job vacancies and events". The notes: "the council will also need to ensure that
approved organisations have powers to create and maintain listings of forthcoming events and
current job vacancies on the system e.g. by using e-forms." Checklist: "Online system for
community groups" / "Online system for community job vacancies" / "Online system for community
events". The consultation's web check folded into G2: "Development of shared community
information databases linked to the delivery of services via community portals and or
contact centres".

Example that passes: "Community directory" with "Add your group", an events page "Submit an
event" form (event name, date, venue) and "Advertise your vacancy".

Example that fails: "What's on" listing the council's own events (near-miss: a council events
list is not groups maintaining their own listings).

Known limits. Whether the entries really are maintained by the groups (logins, approval) is
not observable; the council's own job vacancies are not community vacancies and are not
counted. A directory hosted by a partner portal is seen only as the link to it.
"""

from __future__ import annotations

from probes._presence import Check, Element, FormRule, LinkRule, PresenceProbe, Spec
from probes.base import ProbeMeta

META = ProbeMeta(
    id="community-information",
    code="PO321",
    outcomes=("G2",),
    scope=("page", "site"),
    tags=("presence", "community", "forms"),
    title="Community groups, events and job vacancies maintained by the groups themselves",
)

SPEC = Spec(
    service="community information",
    terms=(
        "community directory", "community groups", "community group", "community information",
        "voluntary organisations", "voluntary groups", "clubs and societies", "local groups",
        "clubs", "community events", "events diary", "whats on", "community noticeboard",
        "local organisations", "volunteering", "community and voluntary", "community jobs",
        "voluntary sector", "directory of groups", "events", "community job vacancies",
        "community vacancies", "voluntary sector vacancies", "volunteering opportunities",
    ),
    subjects=("Voluntary organisations", "Volunteering", "Sports clubs"),
    elements=(
        Element(
            "groups", "groups adding and updating their own entries",
            forms=FormRule(
                fields=(("organisation", "group name", "name of group", "club name",
                         "organisation name", "group", "club"),
                        ("contact", "email", "telephone", "description", "activities",
                         "address", "meeting place")),
                context=("group", "groups", "club", "organisation", "directory", "entry",
                         "listing"),
            ),
            links=LinkRule(text=("add your group", "add your organisation", "submit an entry",
                                 "add an entry", "update your entry", "register your group",
                                 "add your club", "list your group", "add a listing",
                                 "update your listing", "edit your entry"), internal=True),
            claims=("groups can add", "add and update their own", "update their own entries",
                    "add your own entries", "add your group"),
        ),
        Element(
            "events", "groups adding their own events",
            forms=FormRule(
                fields=(("event", "event name", "event title", "name of event"),
                        ("date", "venue", "time", "start")),
                context=("event", "events", "whats on"),
            ),
            links=LinkRule(text=("add your event", "submit an event", "submit your event",
                                 "add an event", "tell us about your event", "list your event",
                                 "publicise your event"), internal=True),
            claims=("add your event", "submit events", "add their events", "add their own events"),
        ),
        Element(
            "vacancies", "groups advertising their own job vacancies",
            forms=FormRule(
                fields=(("vacancy", "job title", "position", "role"),
                        ("closing date", "salary", "hours", "organisation")),
                context=("vacancy", "vacancies", "volunteer", "community"),
            ),
            links=LinkRule(text=("add your vacancy", "advertise your vacancy",
                                 "advertise a vacancy", "submit a vacancy", "post a vacancy",
                                 "list your vacancy"), internal=True),
            claims=("advertise vacancies", "advertise your vacancies", "promote job vacancies",
                    "add their vacancies"),
        ),
    ),
    checks=(Check("G2", required=("groups", "events", "vacancies")),),
)

PROBE = PresenceProbe(META, SPEC)
evaluate = PROBE.evaluate
finalize = PROBE.finalize
