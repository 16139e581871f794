"""One way to explain a pydantic validation error: the file, the key and what is wrong.

Profiles and the outcome catalogue both use it, so a user sees the same shape of message
whichever YAML file is wrong.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError


def location(loc: tuple[int | str, ...], data: Any) -> str:
    """``('outcomes', 3, 'observable')`` -> ``outcomes[3] (R2).observable``.

    A list item that carries a ``code`` or ``id`` is named by it, so the reader need not count.
    """
    out = ""
    node = data
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
            node = node[part] if isinstance(node, list) and part < len(node) else None
            if isinstance(node, dict) and isinstance(node.get("code") or node.get("id"), str):
                out += f" ({node.get('code') or node.get('id')})"
        else:
            out += f".{part}" if out else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out or "(top level)"


def explain(exc: ValidationError, data: Any, source: str, title: str, unknown_hint: str) -> str:
    """The message for ``exc``: ``source: title`` then one indented line per problem."""
    lines = [f"{source}: {title}"]
    for err in exc.errors():
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = f"unknown key ({unknown_hint})"
        elif err["type"] == "missing":
            msg = "Field required: this key must be given"
        lines.extend(f"  {location(tuple(err['loc']), data)}: {line}" for line in msg.splitlines())
    return "\n".join(lines)
