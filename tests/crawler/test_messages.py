"""The keyed messages: complete, consistent, and the headline follows the priority order."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from crawler.messages import VERDICTS, describe, problem_keys, verdict_of

PLACEHOLDERS = {"url", "status", "final_url", "host", "hop_count", "fragment", "error",
                "address", "cycle", "retry_after_text", "reason", "scheme", "timeout",
                "max_redirects"}


def test_every_problem_has_verdict_title_summaries_and_fix() -> None:
    data = yaml.safe_load(Path("crawler/messages.yaml").read_text("utf-8"))
    assert list(data["problems"]) and set(data["priority"]) == set(data["problems"])
    for key, entry in data["problems"].items():
        assert entry["verdict"] in VERDICTS, key
        assert entry["title"] and entry["fix"], key
        assert set(entry["summary"]) == {"direct", "redirect"}, key
        for text in (*entry["summary"].values(), entry["fix"]):
            assert set(re.findall(r"{(\w+)}", text)) <= PLACEHOLDERS, (key, text)


def test_headline_is_the_highest_priority_problem() -> None:
    keys = problem_keys()
    assert keys.index("page-not-found") < keys.index("redirected")
    message = describe(["redirected", "fragment-missing"],
                       {"final_url": "http://x/", "fragment": "top2", "hop_count": 1})
    assert message.key == "fragment-missing" and message.verdict == "fragment-missing"
    redirect = describe(["redirected"], {"final_url": "http://x/new", "hop_count": 2},
                        redirected=True)
    assert redirect.verdict == "redirected" and redirect.fix == "Link directly to: http://x/new"
    assert describe([], {"status": 200}).verdict == "ok"
    assert verdict_of("rate-limited") == "caution" and verdict_of("tls-error") == "caution"


def test_missing_facts_do_not_break_a_message() -> None:
    assert "?" in describe(["page-not-found"], {}).summary
