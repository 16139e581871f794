"""Partner answers: read a partner's filled-in deep-links.csv and apply it to the link fixes.

The link fixes file is the site's list of deep-link targets to replace (YAML, documented in
docs/report-schema.md): one entry per old URL with the new URL, who answered, which of our
pages link to it and when it was imported. Importing is all or nothing: a row whose new URL is
not an http(s) address stops the import with the row named, and nothing is written.
"""

from __future__ import annotations

import csv
import os
import tempfile
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from reports._cells import uncell
from reports._jinja import safe_href

__all__ = ["AnswersError", "LinkFix", "import_partner_answers", "read_partner_answers"]

REQUIRED = ("target", "new_url")


class AnswersError(ValueError):
    """The answers file or the fixes file cannot be used; ``str()`` names the file and row."""


@dataclass(frozen=True)
class LinkFix:
    """Replace ``old_url`` by ``new_url`` wherever the site links to it."""

    old_url: str
    new_url: str
    partner: str = ""
    linking_pages: tuple[str, ...] = ()
    source: str = ""
    imported_at: str = ""

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["linking_pages"] = list(self.linking_pages)
        return data


def read_partner_answers(path: Path) -> list[LinkFix]:
    """The fixes a filled-in partner CSV asks for (rows with an empty new URL are skipped)."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise AnswersError(f"{path}: cannot read partner answers: {exc}") from None
    reader = csv.DictReader(text.splitlines())
    columns = [c.strip().lower() for c in reader.fieldnames or []]
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise AnswersError(f"{path}: missing column(s) {', '.join(missing)} "
                           f"(expected the deep-links.csv poaudit sent)")
    now = datetime.now(UTC).isoformat(timespec="seconds")
    fixes: dict[str, LinkFix] = {}
    problems: list[str] = []
    for number, raw in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): uncell(v or "") for k, v in raw.items()}
        old, new = row.get("target", ""), row.get("new_url", "")
        if not new:
            continue
        if not safe_href(old) or not safe_href(new) or new.lower().startswith("mailto:"):
            problems.append(f"  row {number}: new_url {new!r} for {old!r} is not an http(s) URL")
            continue
        before = fixes.get(old)
        pages = (*before.linking_pages, row.get("linking_page", "")) if before else (
            row.get("linking_page", ""),)
        fixes[old] = LinkFix(old, new, row.get("partner", ""),
                             tuple(dict.fromkeys(p for p in pages if p)), Path(path).name, now)
    if problems:
        raise AnswersError("\n".join([f"{path}: rows that cannot be applied:", *problems]))
    return list(fixes.values())


def _load(fixes_file: Path) -> dict[str, dict[str, Any]]:
    if not fixes_file.exists():
        return {}
    try:
        data = yaml.safe_load(fixes_file.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise AnswersError(f"{fixes_file}: cannot read link fixes: {exc}") from None
    entries = data.get("fixes") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise AnswersError(f"{fixes_file}: expected a mapping with a 'fixes' list")
    return {str(e["old_url"]): dict(e) for e in entries if isinstance(e, dict) and "old_url" in e}


def import_partner_answers(answers: Path, fixes_file: Path) -> list[LinkFix]:
    """Apply a partner's answers to ``fixes_file`` (created if missing); the fixes that are new
    or changed. Re-importing the same answers changes nothing and returns []."""
    fixes_file = Path(fixes_file)
    current = _load(fixes_file)
    applied = []
    for fix in read_partner_answers(Path(answers)):
        before = current.get(fix.old_url)
        if before is not None and before.get("new_url") == fix.new_url:
            continue
        current[fix.old_url] = fix.as_dict()
        applied.append(fix)
    if not applied:
        return []
    header = ("# poaudit link fixes: deep-link targets to replace, from partner answers\n"
              "# (poaudit partners import FILE). Schema: docs/report-schema.md.\n")
    text = header + yaml.safe_dump({"fixes": sorted(current.values(),
                                                    key=lambda e: str(e["old_url"]))},
                                   sort_keys=False, allow_unicode=True)
    fixes_file.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".link-fixes-", dir=fixes_file.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, fixes_file)
    return applied
