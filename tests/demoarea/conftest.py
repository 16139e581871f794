"""Fixtures: one generated area (default size) and one server for the whole session."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from demoarea import Area, RunningArea, build_area, serve

STALL_SECONDS = 1.0


@pytest.fixture(scope="session")
def area() -> Area:
    return build_area(stall_seconds=STALL_SECONDS)


@pytest.fixture(scope="session")
def running(area: Area) -> Iterator[RunningArea]:
    with serve(area) as r:
        yield r


@pytest.fixture(scope="session")
def manifest(running: RunningArea) -> list[dict[str, Any]]:
    return running.manifest()


def of_kind(manifest: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    found = [e for e in manifest if e["kind"] == kind]
    assert found, f"no {kind} in the manifest"
    return found
