"""config/scoring.yaml: shape, fit with the catalogue, and the recorded scoring version."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

import scoring
from poaudit.catalogue import load_catalogue
from scoring import RulesError, load_rules, parse_rules
from scoring._messages import advice, message, status_label, status_meaning
from scoring._rules import Rules

REPO = Path(__file__).resolve().parents[2]
RULES = REPO / "config" / "scoring.yaml"


@pytest.fixture
def data() -> dict[str, Any]:
    loaded = yaml.safe_load(RULES.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return copy.deepcopy(loaded)


def test_shipped_rules_cover_all_73_outcomes() -> None:
    rules = load_rules()
    assert set(rules.outcomes) == set(load_catalogue().codes)
    assert len(rules.outcomes) == 73


def test_public_api() -> None:
    assert set(scoring.__all__) == {n for n in dir(scoring) if not n.startswith("_")} - {
        "annotations"
    }


def test_version_records_rules_version_and_digest() -> None:
    rules = load_rules()
    version, digest = scoring.SCORING_VERSION.split("+")
    assert version == str(rules.version) and len(digest) == 8
    assert len(scoring.SCORING_VERSION) <= 40  # fits the store's column


def test_an_edit_changes_the_recorded_version(tmp_path: Path) -> None:
    edited = tmp_path / "scoring.yaml"
    edited.write_text(RULES.read_text(encoding="utf-8") + "\n# an edit\n", encoding="utf-8")
    assert load_rules(edited).version_id != load_rules().version_id


def test_missing_outcome_is_an_error(data: dict[str, Any]) -> None:
    del data["outcomes"]["R5"]
    with pytest.raises(RulesError, match="R5 has no rule"):
        parse_rules(data, "test.yaml")


def test_probe_not_evidencing_the_outcome_is_an_error(data: dict[str, Any]) -> None:
    data["outcomes"]["R5"]["require"] = [{"probe": "az-index"}]
    with pytest.raises(RulesError, match="'az-index' is not one of R5's probes"):
        parse_rules(data, "test.yaml")


def test_unused_catalogue_probe_is_an_error(data: dict[str, Any]) -> None:
    data["outcomes"]["R7"]["supporting"] = ["form-inventory"]
    with pytest.raises(RulesError, match="catalogue probe 'deep-links' is not used"):
        parse_rules(data, "test.yaml")


def test_unknown_key_names_the_place(data: dict[str, Any]) -> None:
    data["outcomes"]["R5"]["require"][0]["combin"] = "all"
    with pytest.raises(RulesError, match=r"outcomes\.R5\.require\.0\.combin: unknown key"):
        parse_rules(data, "test.yaml")


def test_checklist_item_out_of_range(data: dict[str, Any]) -> None:
    data["outcomes"]["R1"]["attest"] = [9]
    with pytest.raises(RulesError, match="checklist item 9 does not exist"):
        parse_rules(data, "test.yaml")


def test_partly_observable_must_say_what_to_attest(data: dict[str, Any]) -> None:
    data["outcomes"]["R1"].pop("attest")
    with pytest.raises(RulesError, match="partly observable"):
        parse_rules(data, "test.yaml")


def test_provider_lgsl_needs_a_tier_in_the_data(data: dict[str, Any]) -> None:
    data["outcomes"]["R1"]["provider_lgsl"] = [439]  # library catalogue: no providing tier
    with pytest.raises(RulesError, match="LGSL 439 has no providing tier"):
        parse_rules(data, "test.yaml")


def test_tier_rules_follow_the_notes_exemptions() -> None:
    rules: Rules = load_rules()
    assert rules.rule("R1").providers() == {"county", "unitary"}
    assert rules.rule("R17").providers() == {"district", "unitary"}
    exempt = {c for c, r in rules.outcomes.items()
              if r.non_provider is not None and r.non_provider.rule == "exempt"}
    assert exempt == {"E1", "G15", "R19"}


def test_every_status_has_a_label_a_meaning_and_advice() -> None:
    for status in scoring.Status:
        assert status_label(status) and status_meaning(status)
    assert advice("R1", "not met").startswith("Publish an online school admissions")
    assert advice("R1", "met") == ""
    assert "attest" in advice("R20", "needs attestation")


def test_messages_leave_unknown_placeholders_visible() -> None:
    assert "{label}" in message("reasons", "probe_pass", message="x")
