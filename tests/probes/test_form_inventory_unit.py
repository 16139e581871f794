"""form-inventory reports each distinct form once, on the same page whatever the crawl order
(a nightly diff must not see a form 'move' because pages were fetched in another order)."""

from __future__ import annotations

from itertools import permutations

from probes import form_inventory
from probes.base import Context, Page

SEARCH = ('<form action="/search" method="get"><label for="q">Search</label>'
          '<input id="q" name="q"></form>')
CONTACT = ('<h2>Contact us</h2><form method="post" action="/contact/send"><label for="e">'
           'Your email</label><input id="e" name="email" type="email">'
           '<textarea name="enquiry"></textarea></form>')
PAGES = {
    "http://www.example.gov.uk/services/bins/collections.htm": SEARCH,
    "http://www.example.gov.uk/": SEARCH,
    "http://www.example.gov.uk/contact/": SEARCH + CONTACT + CONTACT,
}


def _run(order: tuple[str, ...]) -> list[tuple[str, str | None, str]]:
    ctx = Context(council="Example Council", tier="unitary",
                  site_hosts=frozenset({"www.example.gov.uk"}))
    out = []
    for url in order:
        assert not list(form_inventory.evaluate(Page(url, url, 200, PAGES[url]), ctx))
    for f in form_inventory.finalize(ctx):
        out.append((f.kind.value, f.page_url, f.message))
    return out


def test_each_form_once_on_the_shortest_url_whatever_the_order() -> None:
    runs = [_run(order) for order in permutations(PAGES)]
    assert all(run == runs[0] for run in runs)
    forms = [(page, message) for _, page, message in runs[0] if page is not None]
    assert forms == [
        ("http://www.example.gov.uk/", "Search form (GET to http://www.example.gov.uk/search)"),
        ("http://www.example.gov.uk/contact/",
         "Enquiry/contact form (POST to http://www.example.gov.uk/contact/send)"),
    ]
    summary = runs[0][-1][2]
    assert summary.startswith("2 distinct forms on 3 pages")
