"""leisure-booking (R13): real-time online booking of sports, leisure and cultural facilities.

What it looks for. Sport and leisure pages ("leisure centres", "sports centres", "sports
halls", "swimming pools", "sports facilities", "box office", "theatre"; e-GMS subjects "Sports
facilities", "Sports"; the outcome's LGSL refs), then online booking: a booking form on such a
page (a date or time and an activity, facility, court or session), or a link to a booking
system (its URL: online booking, ticketing, box office systems; or "Book online", "Book now",
"Buy tickets" leaving the site, which covers contracted-out operators). Optional: real-time
availability mentioned. Text that only says facilities can be booked online is reported in
``elements_claimed``. One site finding.

Why the outcome asks for it. R13: "Online facilities to be available to allow booking of sports
and leisure facilities, including both direct and contracted-out operations." The notes: "all
councils must provide transactional real-time booking of all sports and leisure facilities on
the council website ... Where transactional booking facilities are operated by third parties,
councils must deep-link to the third party websites." Checklist: "Real-time transactional
booking facilities on council website or via deep links" / "Back office access to booking
status". The exemptions make it apply to "all councils operating either in-house or
contracted-out sports, leisure and/or cultural services" (every tier, from the data).

Example that passes: "Riverside Leisure Centre" with a link "Book online" to
``https://bookings.example-leisure.co.uk/``.

Example that fails: "Sports halls and pitches" with prices and "To book, telephone the centre"
(near-miss: booking by phone is not online booking).

Known limits. Whether the booking is real-time and covers *all* facilities cannot be told from
the link; back-office access is not observable. Booking systems reached only by script are
missed.
"""

from __future__ import annotations

from probes._presence import (
    Check,
    Element,
    FormRule,
    LinkRule,
    PresenceProbe,
    Spec,
    TextRule,
)
from probes.base import ProbeMeta

META = ProbeMeta(
    id="leisure-booking",
    code="PO316",
    outcomes=("R13",),
    scope=("page", "site"),
    tags=("presence", "leisure", "booking"),
    title="Real-time online booking of sports and leisure facilities",
)

SPEC = Spec(
    service="sports and leisure booking",
    terms=(
        "leisure centre", "leisure centres", "sports centre", "sports centres", "sports hall",
        "sports halls", "swimming pool", "swimming pools", "swimming", "leisure",
        "sport and leisure", "sports and leisure", "sports facilities", "sports pitches",
        "tennis courts", "golf course", "theatre", "box office", "book sports",
        "leisure facilities", "leisure bookings", "sports bookings",
    ),
    exclude=("leisure and culture", "leisure time"),
    subjects=("Sports facilities", "Sports", "Sports and games"),
    lgsl_identity=True,
    elements=(
        Element(
            "online_booking", "online booking",
            forms=FormRule(
                fields=(("date", "time", "session", "start time", "day"),
                        ("activity", "facility", "court", "pitch", "venue", "centre", "class",
                         "sport", "hall")),
                context=("book", "booking", "bookings", "reserve"),
            ),
            links=LinkRule(
                text=("book online", "online booking", "online bookings", "book now",
                      "make a booking", "buy tickets", "book tickets", "book a court",
                      "book a pitch", "book a session", "check availability and book"),
                url=("onlinebooking", "online-booking", "webbooking", "bookingsonline",
                     "bookings.", "booking.", "ticketing", "boxoffice", "spektrix",
                     "ticketsolve", "gladstonego", "legendonline", "leisurecloud"),
            ),
            claims=("book online", "online in real time", "booking online",
                    "online booking", "book courts online", "book sports halls"),
        ),
        Element(
            "real_time", "real-time availability",
            text=TextRule(groups=(("real time", "live availability", "check availability",
                                   "instant confirmation", "availability"),)),
        ),
    ),
    checks=(Check("R13", required=("online_booking",), optional=("real_time",)),),
)

PROBE = PresenceProbe(META, SPEC)
evaluate = PROBE.evaluate
finalize = PROBE.finalize
