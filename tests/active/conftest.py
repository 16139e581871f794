"""Fixtures: the demo area served on loopback (with and without an SMTP sink) and a store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from demoarea import Area, RunningArea, build_area, serve
from poaudit.store import Store
from probes.active.mailbox import SmtpSink


@pytest.fixture(scope="session")
def area() -> Area:
    return build_area(pages_per_site=60, stall_seconds=1.0)


@pytest.fixture(scope="module")
def sink() -> Iterator[SmtpSink]:
    with SmtpSink() as s:
        yield s


@pytest.fixture(scope="module")
def mailed(area: Area, sink: SmtpSink) -> Iterator[RunningArea]:
    """The area sending its acknowledgement emails to ``sink``."""
    with serve(area, smtp=sink.address) as running:
        yield running


@pytest.fixture
def fresh(area: Area) -> Iterator[RunningArea]:
    """A server of its own, so its hit log and enquiries show only this test's requests."""
    with serve(area) as running:
        yield running


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Store]:
    s = Store(f"sqlite:///{tmp_path / 'store.sqlite'}")
    yield s
    s.close()
