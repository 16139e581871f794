"""multimedia (G4): video or audio content published on the website.

What it looks for. Audio or video anywhere on the site: an embedded player (``<video>``,
``<audio>``, ``<object>``/``<embed>`` of a media type or a media file, an ``<iframe>`` from a
video host such as YouTube, Vimeo or a webcasting host), or a link to a media file (``.mp3``,
``.wma``, ``.ram``/``.rm``, ``.asx``, ``.wmv``, ``.mov``, ``.mp4``, ``.flv`` ...) or to a media
host; links such as "Watch the webcast" that leave the site also count. Multimedia pages
("webcasts", "video", "audio", "podcasts") are reported as service pages. Text that only
mentions webcasts is reported in ``elements_claimed``. One site finding.

Why the outcome asks for it. G4: "Establishment of multimedia resources on local policy
priorities accessible via public website (e.g. video & audio files)". The notes: "councils
will need to generate multimedia content - either in-house or using a contractor – and then
publish it on their website. Topics covered by such content will be up to councils to decide
– although local news and policy priority work is a promising place to start." Checklist:
"Multimedia content".

Example that passes: "Council meetings on webcast" with ``<a href="/media/budget-2005.wmv">
Watch the budget debate (Windows Media, 12MB)</a>``.

Example that fails: a page titled "Video" with a paragraph about a forthcoming DVD and no
player or file (near-miss: the word "video" is not video content).

Known limits. The topic of the content (local policy priorities) is not judged. Players
written by script after the page loads, and Flash files without a media type, are missed.
"""

from __future__ import annotations

from probes._presence import Check, Element, LinkRule, PresenceProbe, Spec
from probes.base import ProbeMeta

META = ProbeMeta(
    id="multimedia",
    code="PO306",
    outcomes=("G4",),
    scope=("page", "site"),
    tags=("presence", "democracy", "media"),
    title="Video or audio content on the website",
)

SPEC = Spec(
    service="multimedia",
    terms=(
        "webcast", "webcasts", "webcasting", "video", "videos", "audio", "podcast", "podcasts",
        "multimedia", "media centre", "council tv", "web tv", "listen again", "broadcasts",
        "video clips", "audio clips",
    ),
    exclude=("video surveillance", "video games", "audio description"),
    elements=(
        Element(
            "media", "audio or video content",
            media=True,
            links=LinkRule(
                text=("watch the webcast", "watch webcast", "watch live", "watch the video",
                      "watch video", "play video", "listen again", "listen to the interview",
                      "download the podcast", "download audio", "play audio",
                      "webcast archive", "watch online"),
                need_context=False,
            ),
            claims=("watch webcasts", "watch webcast", "listen to audio", "audio interviews",
                    "video clips", "watch the video", "podcast", "podcasts"),
        ),
    ),
    checks=(Check("G4", required=("media",)),),
)

PROBE = PresenceProbe(META, SPEC)
evaluate = PROBE.evaluate
finalize = PROBE.finalize
