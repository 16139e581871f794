"""Regenerate the expected findings of the probe fixtures (tests/probes/<probe-id>/).

    python scripts/update_probe_expectations.py                 # every probe's fixtures
    python scripts/update_probe_expectations.py az-index        # one probe's
    python scripts/update_probe_expectations.py az-index/broken-entries   # one case
    python scripts/update_probe_expectations.py --check         # exit 1 if any is stale

It runs each case exactly as tests/probes/test_fixtures.py does and rewrites
``<case>.expected.json``; review the result as a diff (``git diff -- tests/probes``) before
committing, as with pylint's ``--update-functional-output`` or ruff's snapshots.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.probes.test_fixtures import Case, cases, dump, run  # noqa: E402


def _select(targets: list[str]) -> list[Case]:
    if not targets:
        return cases()
    probe_ids = {t.split("/", 1)[0] for t in targets}
    chosen = [c for c in cases(probe_ids) if c.probe_id in targets or c.id in targets]
    unknown = [t for t in targets if not any(c.probe_id == t or c.id == t for c in chosen)]
    if unknown:
        raise SystemExit(f"no fixture cases for: {', '.join(unknown)}")
    return chosen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("targets", nargs="*", help="probe ids or <probe-id>/<case> names")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 when an expectation file is missing or stale")
    args = parser.parse_args(argv)
    counts = {"new": 0, "updated": 0, "unchanged": 0}
    stale: list[str] = []
    for case in _select(args.targets):
        text = dump(run(case))
        path = case.expected_path
        old = path.read_text(encoding="utf-8") if path.exists() else None
        if old == text:
            counts["unchanged"] += 1
            continue
        status = "new" if old is None else "updated"
        counts[status] += 1
        stale.append(case.id)
        print(f"{status:>9}  {path.relative_to(ROOT)}")
        if not args.check:
            path.write_text(text, encoding="utf-8")
    summary = ", ".join(f"{n} {k}" for k, n in counts.items())
    if args.check:
        print(f"{summary}: {'stale: ' + ', '.join(stale) if stale else 'all current'}")
        return 1 if stale else 0
    print(f"{summary}. Review with: git diff -- tests/probes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
