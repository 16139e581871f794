"""Site profile validation: good profiles load, bad ones name the file, the key and the fault."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from poaudit.profile import ProfileError, load_profile, parse_profile, profile_for_url

GOOD = {
    "name": "mid-suffolk",
    "council": "Mid Suffolk District Council",
    "tier": "district",
    "start_urls": ["http://www.midsuffolk.gov.uk/"],
    "partners": [
        {"name": "Suffolk County Council", "hosts": ["WWW.Suffolk.gov.uk"], "relation": "county"}
    ],
    "attestations": {"R4": {"officer": "A. Officer", "date": "2005-11-30"}},
}


def test_good_profile_defaults(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(GOOD))
    p = load_profile(path)
    assert p.allowed_hosts == ["www.midsuffolk.gov.uk"]
    assert p.partner_hosts["www.suffolk.gov.uk"].relation == "county"
    assert p.crawl.obey_robots_txt and p.forms == [] and p.crawl.requests_per_second <= 2
    assert p.axe_tags == ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _error(data: object, tmp_path: Path) -> str:
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(ProfileError) as exc:
        load_profile(path)
    return str(exc.value)


@pytest.mark.parametrize(
    ("change", "key", "why"),
    [
        ({"tier": "parish"}, "tier", "'county', 'district' or 'unitary'"),
        ({"start_urls": ["not a url"]}, "start_urls[0]", "URL"),
        ({"crawl": {"max_pages": 0}}, "crawl.max_pages", "greater than or equal to 1"),
        ({"crawl": {"exclude": ["(unclosed"]}}, "crawl.exclude", "not a valid regular expression"),
        ({"crawl": {"max_page": 5}}, "crawl.max_page", "unknown key"),
        (
            {"attestations": {"R99": {"officer": "x", "date": "2005-01-01"}}},
            "attestations",
            "not an outcome code",
        ),
        (
            {"attestations": {"R4": {"officer": "x", "date": "yesterday"}}},
            "attestations.R4.date",
            "date",
        ),
        ({"allowed_hosts": ["elsewhere.gov.uk"]}, "(top level)", "not on an allowed host"),
        ({"partners": [{"name": "X", "hosts": []}]}, "partners[0].hosts", "at least 1"),
        ({"forms": [{"action": "http://x/f"}]}, "forms[0].payload", "Field required"),
    ],
)
def test_bad_profile_names_file_key_and_reason(change, key, why, tmp_path: Path) -> None:
    msg = _error({**GOOD, **change}, tmp_path)
    assert str(tmp_path / "bad.yaml") in msg
    assert f"  {key}: " in msg or f"  {key}." in msg, msg
    assert why in msg, msg


def test_not_yaml_or_not_mapping(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("name: [unclosed")
    with pytest.raises(ProfileError, match="not valid YAML"):
        load_profile(path)
    with pytest.raises(ProfileError, match="must be a mapping"):
        parse_profile(["a"], "list.yaml")
    with pytest.raises(ProfileError, match="cannot read profile"):
        load_profile(tmp_path / "missing.yaml")


def test_profile_for_url() -> None:
    p = profile_for_url("http://127.0.0.1:8101/index.html")
    assert p.allowed_hosts == ["127.0.0.1:8101"] and p.name == "127-0-0-1-8101"
