"""Reference-number extraction: real acknowledgement wordings match, near-misses do not."""

from __future__ import annotations

import pytest

from probes.active.reference import PatternError, ReferenceExtractor

MATCHES = [
    # FixMyStreet council templates (standards.md §4.4)
    ("The report's reference number is 123456. Please quote this if you need to contact the "
     "council about this report.", "123456"),
    ("Your reference number is 4412097.", "4412097"),
    # the demo area's pages, emails and subject lines
    ("Thank you. We have received your enquiry. Your reference number is MSDC/05/01234. "
     "Please quote this number if you contact us about this enquiry.", "MSDC/05/01234"),
    ("Your enquiry to Suffolk County Council - reference SCC-001406", "SCC-001406"),
    # other common forms
    ("Ref: ABC123.", "ABC123"),
    ("Our ref: BDC0027620", "BDC0027620"),
    ("reference: 2005/0042", "2005/0042"),
    ("Reference No: PCC-2005-00417", "PCC-2005-00417"),
    ("Please quote 778812 in all correspondence.", "778812"),
    ("Please quote reference CS/1234 when you call.", "CS/1234"),
    ("Your case number is C-1234.", "C-1234"),
    ("Case number 99812 has been created.", "99812"),
    ("Your enquiry has been given the reference number ENQ40021.", "ENQ40021"),
    ("Service request number: SR-000123", "SR-000123"),
]

NEAR_MISSES = [
    "Enter the reference number from your acknowledgement to see the progress of your enquiry.",
    "Please quote your reference number when calling 01449 724500.",
    "Please quote this number if you contact us about this enquiry.",
    "This email will include a unique reference number which should be quoted in all "
    "correspondence.",  # Planning Portal: says a number will come, gives none
    "Transaction ID: TXN00012345",  # a payment receipt, not an enquiry reference
    "Thank you for contacting us. Your enquiry has been passed to the relevant department, "
    "who will reply within 10 working days.",
    "Call us on 01473 583000 quoting your account number.",
]


@pytest.mark.parametrize(("text", "ref"), MATCHES)
def test_real_wordings_give_the_reference(text: str, ref: str) -> None:
    found = ReferenceExtractor().find(text)
    assert found and found[0].value == ref, found


@pytest.mark.parametrize("text", NEAR_MISSES)
def test_near_misses_give_nothing(text: str) -> None:
    assert ReferenceExtractor().find(text) == []


def test_profile_patterns_extend_or_replace() -> None:
    text = "Transaction ID: TXN00012345. Ticket #A-77 logged."
    extra = ReferenceExtractor.from_options({"reference_patterns": [r"ticket #(?P<ref>[A-Z]-\d+)"]})
    assert [m.value for m in extra.find(text)] == ["A-77"]
    assert extra.find(text)[0].pattern == "profile-1"
    only = ReferenceExtractor.from_options({
        "reference_patterns": r"Transaction ID: (TXN\d+)", "replace_default_patterns": True})
    assert [m.value for m in only.find("Your reference number is 123456. " + text)] == [
        "TXN00012345"]


def test_invalid_pattern_is_named() -> None:
    with pytest.raises(PatternError, match=r"\(unclosed"):
        ReferenceExtractor(["(unclosed"])


def test_order_snippet_and_duplicates() -> None:
    text = "Ref: AB-100. Your reference number is AB-100. Case number 555."
    found = ReferenceExtractor().find(text)
    assert [m.value for m in found] == ["AB-100", "555"]
    assert "Ref: AB-100" in found[0].snippet
    assert ReferenceExtractor().first(["nothing here", text]) == found[0]
