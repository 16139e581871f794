"""Keyed plain-English messages for link problems (the text lives in ``messages.yaml``).

A check finds problem *keys* (``page-not-found``, ``shallow-home``, ...); this module turns
them into a verdict, a headline summary and a suggested fix, choosing the headline by the
priority order in the YAML so that code never hard-codes wording or precedence.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

__all__ = ["VERDICTS", "Message", "describe", "problem_keys", "verdict_of"]

VERDICTS = (
    "ok",
    "redirected",
    "broken",
    "timeout",
    "connection-error",
    "caution",
    "soft-404",
    "shallow",
    "fragment-missing",
    "not-checked",
)


@dataclass(frozen=True, slots=True)
class Message:
    """The headline of a link check: verdict, problem key, title, summary and fix."""

    verdict: str
    key: str
    title: str
    summary: str
    fix: str


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "?"


@cache
def _catalogue() -> tuple[tuple[str, ...], dict[str, dict[str, Any]]]:
    data = yaml.safe_load(Path(__file__).with_name("messages.yaml").read_text("utf-8"))
    priority = tuple(data["priority"])
    problems: dict[str, dict[str, Any]] = data["problems"]
    missing = set(priority) ^ set(problems)
    if missing:
        raise RuntimeError(f"messages.yaml: priority and problems differ on {sorted(missing)}")
    for key, entry in problems.items():
        if entry["verdict"] not in VERDICTS:
            raise RuntimeError(f"messages.yaml: {key} has unknown verdict {entry['verdict']!r}")
    return priority, problems


def problem_keys() -> tuple[str, ...]:
    """Every problem key, in headline priority order."""
    return _catalogue()[0]


def verdict_of(key: str) -> str:
    return str(_catalogue()[1][key]["verdict"])


def describe(problems: Sequence[str], facts: Mapping[str, Any],
             redirected: bool = False) -> Message:
    """The headline message for a link with ``problems`` (``["ok"]`` when there are none)."""
    priority, catalogue = _catalogue()
    keys = [k for k in priority if k in problems] or ["ok"]
    unknown = set(problems) - set(priority)
    if unknown:
        raise KeyError(f"unknown link problem(s) {sorted(unknown)}")
    key = keys[0]
    entry = catalogue[key]
    values = _Blank(facts)
    summary = entry["summary"]["redirect" if redirected else "direct"].format_map(values)
    return Message(
        verdict=str(entry["verdict"]),
        key=key,
        title=str(entry["title"]),
        summary=summary,
        fix=str(entry["fix"]).format_map(values),
    )
