"""The command line: catalogue listing, profiles, exit codes for configuration errors."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from typer.testing import CliRunner

from poaudit.cli import app
from poaudit.profile import load_profile

runner = CliRunner()


def test_outcomes_json_lists_all_73() -> None:
    result = runner.invoke(app, ["outcomes", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == 73
    assert {r["class"] for r in rows} == {"required", "good practice", "enhanced"}
    assert {r["observable"] for r in rows} == {"fully", "partly", "not at all"}
    r3 = next(r for r in rows if r["code"] == "R3")
    assert r3["area"] == 2 and "az-index" in r3["probes"]


def test_outcomes_table() -> None:
    result = runner.invoke(app, ["outcomes"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "E19" in result.stdout and "R29" in result.stdout


def test_profile_new_from_councils_list(tmp_path: Path) -> None:
    target = tmp_path / "ms.yaml"
    result = runner.invoke(app, ["profile", "new", "--council", "Mid Suffolk", "-o", str(target)])
    assert result.exit_code == 0, result.output
    prof = load_profile(target)
    assert prof.tier == "district" and prof.council == "Mid Suffolk District Council"
    assert [p.name for p in prof.partners] == ["Suffolk County Council"]
    assert prof.forms == []  # nothing may be submitted unless an officer adds it


def test_profile_new_for_a_county_lists_its_districts() -> None:
    result = runner.invoke(app, ["profile", "new", "--council", "Suffolk County Council"])
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(result.stdout)
    assert data["tier"] == "county"
    assert "Mid Suffolk District Council" in {p["name"] for p in data["partners"]}


def test_unknown_council_is_usage_error() -> None:
    result = runner.invoke(app, ["profile", "new", "--council", "Nowhere at all"])
    assert result.exit_code == 2
    assert "Nowhere at all" in result.stderr


def test_bad_profile_exits_2_naming_file_and_key(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\ncouncil: X\ntier: parish\nstart_urls: [http://127.0.0.1:9/]\n")
    result = runner.invoke(app, ["profile", "check", str(bad)])
    assert result.exit_code == 2
    assert "bad.yaml" in result.stderr and "tier" in result.stderr
    result = runner.invoke(app, ["audit", str(bad), "--no-browser"])
    assert result.exit_code == 2 and "tier" in result.stderr


def test_fail_on_rejects_unknown_status(tmp_path: Path) -> None:
    result = runner.invoke(app, ["audit", "http://127.0.0.1:9/", "--fail-on", "nope"])
    assert result.exit_code == 2


def test_runs_on_empty_store(tmp_path: Path) -> None:
    result = runner.invoke(app, ["runs", "--store", f"sqlite:///{tmp_path / 's.sqlite'}"])
    assert result.exit_code == 0 and "Runs" in result.stdout
