"""The scorer's wording (``scoring/messages.yaml``): status labels, reasons and fixes."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any

import yaml

__all__ = ["advice", "message", "status_label", "status_meaning"]


class _Blank(dict[str, Any]):
    """Leaves an unknown placeholder visible instead of raising (a wording bug, not a crash)."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@cache
def _messages() -> dict[str, Any]:
    text = (files("scoring") / "messages.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise ValueError("scoring/messages.yaml must be a mapping")
    return data


def message(group: str, key: str, **values: Any) -> str:
    """The ``group.key`` message with ``values`` filled in (whitespace collapsed)."""
    template = str(_messages()[group][key])
    return " ".join(template.format_map(_Blank(values)).split())


def status_label(status: str) -> str:
    """``"needs attestation"`` -> ``"Needs attestation"``."""
    entry = _messages()["status"].get(status)
    return str(entry["label"]) if entry else status


def status_meaning(status: str) -> str:
    """One sentence saying what a status means."""
    entry = _messages()["status"].get(status)
    return " ".join(str(entry["meaning"]).split()) if entry else ""


def advice(code: str, status: str) -> str:
    """What to do next about ``code`` given its ``status`` ("" when nothing is asked)."""
    fix = _messages()["fix"]
    if status in ("met", "not applicable"):
        return ""
    generic = " ".join(str(fix["generic"].get(status, "")).split())
    if status in ("not met", "partly met"):
        specific = fix["outcomes"].get(code)
        return " ".join(str(specific).split()) if specific else generic
    return generic
