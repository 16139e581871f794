"""Partner reports: rows per partner, first seen broken from history, the CSV round trip
(fill in new_url, import into the link fixes file) and sending to a local SMTP sink."""

from __future__ import annotations

import csv
import io
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

import reports
from poaudit.profile import Smtp
from reports import AnswersError, MailError, PartnerReport
from tests.reports.conftest import (
    BROKEN,
    FORMULA,
    SHALLOW,
    SOFT,
    T0,
    T1,
    WORKING,
    Scored,
)
from tests.smtp_capture import Capture, smtp_capture

COUNTY_NAME = "Suffolk County Council"


@pytest.fixture
def partner(scored: Scored) -> PartnerReport:
    found = reports.build_partner_reports(scored.store, scored.run_id, scored.profile)
    assert [r.partner for r in found] == [COUNTY_NAME]
    return found[0]


def test_rows_cover_broken_shallow_and_soft_404_of_the_partner_only(
        partner: PartnerReport) -> None:
    assert partner.targets == [SHALLOW, BROKEN, SOFT]
    assert WORKING not in partner.targets
    assert all(r.partner == COUNTY_NAME for r in partner.rows)
    # one row per linking page: BROKEN is linked from the A-Z and the libraries page
    assert sorted(r.linking_page for r in partner.rows if r.target == BROKEN) == [
        "http://127.0.0.1:8200/a-z/l", "http://127.0.0.1:8200/libraries"]


def test_first_seen_broken_comes_from_earlier_runs(partner: PartnerReport) -> None:
    first = {r.target: r.first_seen_broken for r in partner.rows}
    assert first[BROKEN] == T0  # broken in both earlier runs
    assert first[SOFT] == T1  # fine in the first run, failing since the second


def test_first_seen_is_this_run_without_history(scored: Scored, tmp_path: Path) -> None:
    ctx = reports.collect(scored.store, scored.run_id, scored.profile, tmp_path)
    ctx.store = None
    found = reports.partner_reports(ctx)[0]
    assert {r.first_seen_broken for r in found.rows} == {c.checked_at for c in ctx.link_checks}


def test_email_body_and_subject(partner: PartnerReport) -> None:
    assert partner.subject == (f"Deep links from Mid Suffolk District Council to {COUNTY_NAME}:"
                               " 3 page address(es) need updating")
    assert "\n" not in partner.subject
    body = partner.body
    for target in partner.targets:
        assert target in body
    assert "First seen broken: 2005-10-01 02:00 UTC" in body
    assert 'empty "new_url" column' in body


def test_csv_has_an_empty_new_url_column_and_guarded_cells(partner: PartnerReport) -> None:
    rows = list(csv.DictReader(io.StringIO(partner.csv_text)))
    assert rows and all(r["new_url"] == "" for r in rows)
    shallow = next(r for r in rows if r["target"] == SHALLOW)
    assert shallow["link_text"] == "'" + FORMULA
    assert shallow["first_seen_broken"] == "2005-10-01"


def fill(csv_text: str, answers: dict[str, str]) -> str:
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    for row in rows:
        row["new_url"] = answers.get(row["target"], "")
        writer.writerow(row)
    return out.getvalue()


def test_partner_answers_round_trip_into_the_link_fixes_file(
        partner: PartnerReport, tmp_path: Path) -> None:
    new = "http://127.0.0.1:8100/libraries/catalogue/"
    answers = tmp_path / "answers.csv"
    # Excel saves with a BOM; the formula guard on a cell must not reach the fixes file
    answers.write_text("\ufeff" + fill(partner.csv_text, {BROKEN: new}), encoding="utf-8")
    fixes_file = tmp_path / "link-fixes.yaml"
    applied = reports.import_partner_answers(answers, fixes_file)
    assert [(f.old_url, f.new_url, f.partner) for f in applied] == [(BROKEN, new, COUNTY_NAME)]
    assert applied[0].linking_pages == ("http://127.0.0.1:8200/a-z/l",
                                        "http://127.0.0.1:8200/libraries")
    data = yaml.safe_load(fixes_file.read_text(encoding="utf-8"))
    assert data["fixes"][0]["old_url"] == BROKEN and data["fixes"][0]["new_url"] == new
    # importing the same answers again changes nothing
    assert reports.import_partner_answers(answers, fixes_file) == []
    # a later answer for another target is merged, the first one kept
    later = tmp_path / "later.csv"
    later.write_text(fill(partner.csv_text, {SOFT: "https://x.example/roadworks"}), "utf-8")
    assert len(reports.import_partner_answers(later, fixes_file)) == 1
    merged = yaml.safe_load(fixes_file.read_text(encoding="utf-8"))["fixes"]
    assert {f["old_url"] for f in merged} == {BROKEN, SOFT}


@pytest.mark.parametrize("bad", ["javascript:alert(1)", "mailto:x@y.z", "not a url",
                                 "=HYPERLINK(\"http://evil\")"])
def test_a_bad_new_url_stops_the_import_and_writes_nothing(
        partner: PartnerReport, tmp_path: Path, bad: str) -> None:
    answers = tmp_path / "answers.csv"
    answers.write_text(fill(partner.csv_text, {BROKEN: bad, SOFT: "http://ok.example/"}),
                       encoding="utf-8")
    fixes_file = tmp_path / "link-fixes.yaml"
    with pytest.raises(AnswersError, match=r"row \d+: new_url"):
        reports.import_partner_answers(answers, fixes_file)
    assert not fixes_file.exists()


def test_answers_without_the_columns_are_refused(tmp_path: Path) -> None:
    answers = tmp_path / "answers.csv"
    answers.write_text("url,replacement\nhttp://a/,http://b/\n", encoding="utf-8")
    with pytest.raises(AnswersError, match="missing column"):
        reports.read_partner_answers(answers)


def test_partner_files_are_written(scored: Scored, tmp_path: Path) -> None:
    paths = reports.write_reports(scored.store, scored.run_id, scored.profile, tmp_path,
                                  partners=True)
    email = paths["partner:suffolk-county-council:email"].read_text(encoding="utf-8")
    assert email.startswith("Subject: Deep links from Mid Suffolk")
    assert paths["partner:suffolk-county-council:csv"].parent.name == "suffolk-county-council"


# -- sending -------------------------------------------------------------------------------


@pytest.fixture
def sink() -> Iterator[tuple[Capture, int]]:
    with smtp_capture() as captured:
        yield captured


def test_send_partner_reports_to_a_local_sink(partner: PartnerReport,
                                              sink: tuple[Capture, int]) -> None:
    handler, port = sink
    smtp = Smtp(host="127.0.0.1", port=port, sender="web@midsuffolk.example.gov.uk")
    other = PartnerReport("Babergh District Council", "babergh", "Mid Suffolk", [])
    sent = reports.send_partner_reports(
        [partner, other], smtp, {COUNTY_NAME: ["links@suffolk.example.gov.uk"]})
    by_partner = {s.partner: s for s in sent}
    assert by_partner[COUNTY_NAME].sent and by_partner[COUNTY_NAME].detail.startswith("<")
    assert not by_partner["Babergh District Council"].sent
    assert len(handler.messages) == 1
    msg = handler.messages[0]
    assert handler.envelopes[0] == ("web@midsuffolk.example.gov.uk",
                                    ["links@suffolk.example.gov.uk"])
    assert msg["Subject"] == partner.subject
    body = msg.get_body(("plain",))
    assert body is not None and BROKEN in body.get_content()
    names = sorted(a.get_filename() or "" for a in msg.iter_attachments())
    assert names == ["suffolk-county-council-deep-links.csv",
                     "suffolk-county-council-deep-links.html"]
    csv_part = next(a for a in msg.iter_attachments() if a.get_content_type() == "text/csv")
    assert csv_part.get_content().replace("\r\n", "\n") == partner.csv_text.replace("\r\n", "\n")


def test_header_injection_is_neutralised(partner: PartnerReport,
                                         sink: tuple[Capture, int]) -> None:
    handler, port = sink
    partner.subject = "Broken links\r\nBcc: victim@example.org"
    smtp = Smtp(host="127.0.0.1", port=port, sender="web@x.example")
    reports.send_partner_reports([partner], smtp, {COUNTY_NAME: "a@b.example"})
    msg = handler.messages[0]
    assert msg["Bcc"] is None
    assert handler.envelopes[0][1] == ["a@b.example"]


def test_sending_needs_smtp_settings_and_a_reachable_server(partner: PartnerReport) -> None:
    with pytest.raises(MailError, match="no 'smtp' settings"):
        reports.send_partner_reports([partner], None, {COUNTY_NAME: "a@b.example"})
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    smtp = Smtp(host="127.0.0.1", port=closed, sender="web@x.example")
    with pytest.raises(MailError, match="cannot send"):
        reports.send_partner_reports([partner], smtp, {COUNTY_NAME: "a@b.example"}, timeout=5)


def test_the_councils_own_faults_are_not_sent_to_it_as_a_partner(scored: Scored) -> None:
    from poaudit.store import LinkCheckRecord

    own = "http://127.0.0.1:8200/gone"
    scored.store.add_link_checks(scored.run_id, [LinkCheckRecord(
        own, "broken", 404, owner=scored.profile.council, summary="Not found")])
    found = reports.build_partner_reports(scored.store, scored.run_id, scored.profile)
    assert [r.partner for r in found] == [COUNTY_NAME]
    assert own not in found[0].targets
