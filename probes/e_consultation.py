"""e-consultation (G3, R15): consultations that take responses online, and their results.

What it looks for. Consultation pages ("consultation", "have your say", "current
consultations", "surveys", "questionnaire"), then: a way to respond online (a form with a
comments or question field on a consultation page, or a link to an online survey system);
for R15 also a consultation about traffic management (traffic calming, controlled parking
zones, speed limits, road safety schemes) and published results ("results", "you said, we
did", "summary of responses"). One site finding per outcome. Text that only says responses
can be made online ("respond online") without a form or survey link is reported in
``elements_claimed``.

Why the outcomes ask for it. G3: "Citizen participation and response to forthcoming
consultations and decisions on matters of public interest (e-consultation), including facility
for citizens to sign up for email and/or SMS text alerts on nominated topics"; "councils will
have to operate online facilities to allow an electronic response to a formal consultation
procedure." Checklist: "Citizen consultation system on website" / "Email / text notification"
(the second is the ``email-alerts`` probe). R15: "Public e-consultation facilities for new
proposals on traffic management (e.g. controlled parking zones (CPZs), traffic calming
schemes), including publication of consultation survey results." Checklist: "Online survey /
consultation" / "Results published online". R15's exemption: "Councils that are not involved
in traffic management or parking schemes will need to link to the content of the local
authority that is" (LGSL 546 and 493 are county/unitary services): a deep link to the
partner's consultation page passes ``via_partner``.

Example that passes (R15): "Proposed 20mph zone, Stowmarket: have your say" with a
questionnaire form (radio buttons, a comments box) and a link "Results of the 2004 traffic
calming consultation".

Example that fails: a news item "Consultation on the budget closes Friday" with a postal
address for replies (near-miss: a consultation mentioned is not an online response facility).

Known limits. Whether the council acts on responses is not observable. Surveys hosted by a
third party are seen as the link to them. Results are recognised by words, not by reading
them.
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
    id="e-consultation",
    code="PO304",
    outcomes=("G3", "R15"),
    scope=("page", "site"),
    tags=("presence", "democracy", "transport"),
    title="Consultations with online responses (traffic schemes included) and results",
)

TRAFFIC = (
    "traffic", "parking zone", "parking zones", "controlled parking", "traffic calming",
    "speed limit", "speed limits", "road safety", "cpz", "traffic management", "20mph",
    "residents parking", "highway scheme", "highways scheme", "traffic scheme",
    "traffic schemes", "one way", "bus lane", "cycle route",
)

SPEC = Spec(
    service="e-consultation",
    terms=(
        "consultation", "consultations", "current consultations", "have your say",
        "e consultation", "consultation finder", "public consultation", "surveys",
        "online survey", "questionnaire", "citizens panel", "get involved", "your views",
        "consultation results",
    ),
    exclude=("consultation period for planning", "consultant", "consultants"),
    elements=(
        Element(
            "online_response", "a way to respond online",
            forms=FormRule(
                fields=(("comment", "comments", "your views", "response", "question",
                         "answer", "agree", "disagree", "opinion", "views", "q1", "feedback"),),
                context=("consultation", "survey", "questionnaire", "have your say",
                         "your views"),
            ),
            links=LinkRule(
                text=("respond online", "respond to this consultation", "take part",
                      "complete the survey", "complete the questionnaire", "online survey",
                      "online questionnaire", "have your say online", "comment online",
                      "submit your comments", "give your views", "start the survey",
                      "fill in the survey", "take the survey"),
                url=("surveymonkey", "snapsurveys", "citizenspace", "consultationfinder",
                     "objective.co.uk", "limehouse", "questionnaire", "survey.", "/survey"),
            ),
            claims=("respond online", "respond to online", "comment online",
                    "take part online", "respond via the website", "online response form"),
        ),
        Element(
            "traffic_consultation", "a consultation on a traffic management scheme",
            text=TextRule(groups=(TRAFFIC,)),
            links=LinkRule(text=TRAFFIC, internal=True),
        ),
        Element(
            "results_published", "published consultation results",
            text=TextRule(groups=(("results", "consultation results", "what you told us",
                                   "you said we did", "findings", "summary of responses",
                                   "responses received", "outcome of the consultation",
                                   "report on the consultation", "feedback report"),)),
            links=LinkRule(text=("results", "consultation results", "survey results",
                                 "you said we did", "summary of responses", "what you told us",
                                 "findings"), internal=True),
        ),
    ),
    checks=(
        Check("G3", required=("online_response",), optional=("results_published",),
              tier_lgsl=()),
        Check("R15", required=("online_response", "traffic_consultation",
                               "results_published")),
    ),
)

PROBE = PresenceProbe(META, SPEC)
evaluate = PROBE.evaluate
finalize = PROBE.finalize
