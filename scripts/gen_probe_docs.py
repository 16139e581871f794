"""Generate docs/probes.md from the probe registry (like axe-core's rule-descriptions.md).

``python scripts/gen_probe_docs.py`` rewrites the file; ``--check`` exits 1 when it is stale
(CI runs the check through tests/test_probe_docs.py).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from probes.registry import registry  # noqa: E402

TARGET = ROOT / "docs" / "probes.md"


def render() -> str:
    """The whole document, deterministic for a given registry."""
    probes = sorted(registry().values(), key=lambda p: p.meta.code)
    lines = [
        "# Probes",
        "",
        "Generated from the probe registry by `scripts/gen_probe_docs.py`; do not edit by hand.",
        "",
        "| code | id | outcomes | stage | scope | status |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for p in probes:
        m = p.meta
        lines.append(
            f"| {m.code} | [`{m.id}`](#{m.id}) | {', '.join(m.outcomes)} | {m.stage} | "
            f"{', '.join(m.scope)} | {m.status} |"
        )
    for p in probes:
        m = p.meta
        lines += ["", f"## {m.id}", "", f"`{m.code}` · outcomes {', '.join(m.outcomes)} · "
                  f"stage {m.stage} · module `{p.module}`", "", p.doc or "(no docstring)"]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 if docs/probes.md is stale")
    args = parser.parse_args()
    text = render()
    if args.check:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != text:
            print("docs/probes.md is stale: run `make docs`", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)} ({len(registry())} probes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
