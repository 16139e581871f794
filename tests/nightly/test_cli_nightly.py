"""``poaudit nightly``: exit 2 naming the file and key on a bad nightly file; exit 1 only on a
configured regression (the audit itself is replaced by a stub that stores a scored run)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

import poaudit.audit
from poaudit.cli import app
from poaudit.store import OutcomeRecord, Store

runner = CliRunner()
PROFILE = {"name": "demo", "council": "Mid Suffolk District Council", "tier": "district",
           "start_urls": ["http://127.0.0.1:9/"]}


def test_bad_nightly_file_exits_2_naming_file_and_key(tmp_path: Path) -> None:
    path = tmp_path / "sites.yaml"
    path.write_text(yaml.safe_dump({"sites": [PROFILE], "retention": 3}), encoding="utf-8")
    result = runner.invoke(app, ["nightly", str(path)], env={"COLUMNS": "300"})
    assert result.exit_code == 2
    assert "sites.yaml" in result.output and "retention" in result.output


def test_exit_1_only_on_a_configured_regression(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    statuses = iter(["met", "met", "not met"])

    class Done:
        def __init__(self, run_id: int) -> None:
            self.run_id = run_id
            self.reports: dict[str, Path] = {}

    def fake_audit(profile: Any, url: str, out: Path, **kw: Any) -> Done:
        store = Store(url)
        run = store.start_run(profile.name, profile.council)
        store.replace_outcome_results(run, [OutcomeRecord("R3", next(statuses), "t")])
        store.finish_run(run, "finished")
        return Done(run)

    monkeypatch.setattr(poaudit.audit, "audit", fake_audit)
    path = tmp_path / "sites.yaml"
    path.write_text(yaml.safe_dump({"sites": [PROFILE], "store": "sqlite:///n.sqlite",
                                    "fail_on": {"status_drops": ["met"]}}), encoding="utf-8")
    codes = [runner.invoke(app, ["nightly", str(path), "--no-browser"],
                           env={"COLUMNS": "300"}).exit_code for _ in range(3)]
    assert codes == [0, 0, 1]
