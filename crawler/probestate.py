"""Checkpointing probe state (``Context.state``) without the per-page memos probes keep.

Probes memoise per-page work in ``ctx.state`` keyed by the current :class:`probes.base.Page`
(compared with ``is``). A Page holds an lxml tree, which cannot be pickled; those memos are
worthless after a restart anyway. They are written as a placeholder that loads as None, so a
memo check fails and the probe recomputes; everything else in the state round-trips.
"""

from __future__ import annotations

import io
import pickle
from typing import Any

from lxml import etree

from probes.base import Page

__all__ = ["dump_state", "load_state"]


class _StatePickler(pickle.Pickler):
    """Pickles probe state, leaving out per-page memos (a Page or lxml element unpickles as
    None: probes compare memo keys with ``is page``, so they simply recompute)."""

    def persistent_id(self, obj: Any) -> str | None:
        if isinstance(obj, Page | etree._Element):
            return "transient"
        return None


class _StateUnpickler(pickle.Unpickler):
    def persistent_load(self, pid: Any) -> None:
        return None


def dump_state(state: dict[str, Any]) -> bytes:
    """Pickle ``Context.state`` for a checkpoint."""
    buf = io.BytesIO()
    _StatePickler(buf, protocol=pickle.HIGHEST_PROTOCOL).dump(state)
    return buf.getvalue()


def load_state(data: bytes) -> dict[str, Any]:
    """Inverse of :func:`dump_state`."""
    state = _StateUnpickler(io.BytesIO(data)).load()
    if not isinstance(state, dict):
        raise TypeError("probe state is not a dict")
    return state
