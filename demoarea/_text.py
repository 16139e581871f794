"""Deterministic randomness and the words council pages are made of.

``rng_for(*parts)`` gives a ``random.Random`` seeded from a stable hash (never Python's salted
``hash``), so the same seed, site and path give the same bytes in every process.
"""

from __future__ import annotations

import random
import re
import zlib
from datetime import date

_SLUG = re.compile(r"[^a-z0-9]+")


def stable_hash(*parts: object) -> int:
    return zlib.crc32("\x1f".join(str(p) for p in parts).encode("utf-8"))


def rng_for(*parts: object) -> random.Random:
    return random.Random(stable_hash(*parts) * 2654435761 + len(parts))


def slugify(text: str) -> str:
    return _SLUG.sub("-", text.lower().replace("&", "and").replace("'", "")).strip("-") or "page"


def esc(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


def long_date(d: date) -> str:
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def add_months(d: date, months: int) -> date:
    index = d.year * 12 + d.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


FIRST_NAMES = (
    "Anne", "Brian", "Carol", "David", "Elizabeth", "Frank", "Gillian", "Harry", "Irene",
    "John", "Kathleen", "Leonard", "Margaret", "Nigel", "Olive", "Peter", "Rosemary", "Stephen",
    "Teresa", "Valerie", "William", "Alan", "Barbara", "Colin", "Diana", "Eric", "Fiona",
    "Graham", "Helen", "Ian", "Julia", "Keith", "Linda", "Michael", "Norma", "Philip", "Rachel",
    "Simon", "Timothy", "Wendy",
)
SURNAMES = (
    "Ashby", "Barker", "Catchpole", "Dunnett", "Edwards", "Fulcher", "Goldsmith", "Hammond",
    "Ingram", "Jermy", "Kemball", "Last", "Mayhew", "Nunn", "Orriss", "Pettit", "Quinton",
    "Rolfe", "Sparrow", "Thurlow", "Upson", "Vincent", "Woolnough", "Youngs", "Abbott",
    "Baldry", "Cattermole", "Double", "Everett", "Frost", "Garrod", "Howlett", "Jolly",
    "Kerridge", "Lockwood", "Mann", "Norman", "Osborne", "Plummer", "Rackham",
)
PARTIES = ("Conservative", "Liberal Democrat", "Labour", "Green", "Independent")

BOOK_WORDS = (
    "Harvest", "River", "Winter", "Garden", "Shadow", "Lantern", "Orchard", "Marsh", "Coast",
    "Letters", "Hidden", "Silent", "Forgotten", "Village", "Summer", "Journey", "Stone",
    "Church", "Heath", "Meadow", "Windmill", "Estuary", "Railway", "Market", "Lighthouse",
)
BOOK_FORMS = ("The {a} {b}", "{a} and {b}", "A {a} of {b}", "{a} at {b}", "The {a}'s {b}")
AUTHORS_FIRST = ("Ruth", "George", "Edith", "Ronald", "Dorothy", "Arthur", "Mary", "Henry")

NEWS_TOPICS = (
    ("New recycling bins for {place}", "Environment"),
    ("Council tax bills explained", "Council, government and democracy"),
    ("Have your say on the {place} town plan", "Council, government and democracy"),
    ("Road resurfacing on the {road} starts next week", "Transport and streets"),
    ("{place} library reopens after refurbishment", "Leisure and culture"),
    ("Awards for {place} community groups", "Community and living"),
    ("Winter gritting routes published", "Transport and streets"),
    ("Free advice sessions for small businesses in {place}", "Business"),
    ("Council website now available 24 hours a day", "Council, government and democracy"),
    ("Summer reading challenge at {place} library", "Leisure and culture"),
    ("Planning committee approves {place} housing scheme", "Environment"),
    ("Changes to bin collections over the bank holiday", "Environment"),
    ("New play area opens in {place}", "Leisure and culture"),
    ("Older people's forum meets in {place}", "Health and social care"),
    ("Apply now for school places", "Education and learning"),
)
ROADS = ("A14", "A140", "A1120", "B1113", "A134", "A1071", "A47", "A15", "B1078")

_SENTENCES = (
    "{council} provides information and advice about {topic} for residents and businesses "
    "in {place} and the surrounding villages.",
    "If you need help with {topic}, please contact our Customer Services team on {phone}.",
    "You can also visit one of our customer service centres, where staff will be happy to help.",
    "Our offices are open Monday to Thursday 8.45am to 5pm and Friday 8.45am to 4.30pm.",
    "Information on this page is available in large print, Braille, audio tape and other "
    "languages on request.",
    "We aim to deal with all requests about {topic} within ten working days.",
    "Please have your reference number ready when you contact us, so that we can find your "
    "details quickly.",
    "Some services are provided by other organisations; where this is the case we link "
    "directly to the relevant page on their website.",
    "The council reviews its policy on {topic} every year, and the current policy was "
    "approved by the Executive Committee.",
    "There is no charge for this service, although some specialist requests may incur a fee.",
    "Forms can be downloaded from this website, or we can post a copy to you.",
    "Many of our services can now be requested online, 24 hours a day, seven days a week.",
    "If you are not satisfied with the service you have received, you can use our comments, "
    "compliments and complaints procedure.",
    "Details of how we use personal information are given in our data protection notice.",
    "You may find the answer to your question in our frequently asked questions about {topic}.",
    "We work closely with parish and town councils, the police and voluntary organisations.",
    "Councillors for {place} hold regular surgeries where you can raise any concerns.",
    "Leaflets about {topic} are available from libraries and council offices.",
)


def sentences(rng: random.Random, n: int, **values: str) -> list[str]:
    picks = rng.sample(range(len(_SENTENCES)), k=min(n, len(_SENTENCES)))
    return [_SENTENCES[i].format(**values) for i in picks]


def person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"


def book_title(rng: random.Random) -> tuple[str, str]:
    a, b = rng.sample(BOOK_WORDS, 2)
    title = rng.choice(BOOK_FORMS).format(a=a, b=b)
    author = f"{rng.choice(AUTHORS_FIRST)} {rng.choice(SURNAMES)}"
    return title, author


# Availability statements (R25): real wordings in their variety (reference/standards.md 4.3).
AVAILABILITY_WORDINGS = (
    "Website availability for the last 12 months was {pct}%.",
    "Our website was available {pct}% of the time over the last 12 months.",
    "Over the past twelve months the council's website has been available for {pct}% of "
    "the time.",
)
AVAILABILITY_COMMITMENTS = (
    "Whilst we aim for 100% availability, we have a commitment to make our web services "
    "available for {target}% of the time.",
    "The council currently aims for {target}% server availability.",
    "We are committed to keeping this website available at least {target}% of the time, "
    "excluding planned maintenance.",
)
# R29 response standards.
ACK_WORDINGS = (
    "We will acknowledge your email within one working day.",
    "All emails sent to the council will be acknowledged within 1 working day of receipt.",
    "You will receive an acknowledgement of your email within 24 hours (one working day).",
)
REPLY_WORDINGS = (
    "We aim to give a full reply within {days} working days.",
    "A full response will be sent within {days} working days; if this is not possible we will "
    "tell you why and when you can expect a reply.",
)
