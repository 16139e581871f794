"""The outcome catalogue (config/outcomes.yaml) against the seed documents it was copied from.

Source checks read the flattened seed text in ``shared/seeds`` (beside the repository, or
``$POAUDIT_SEEDS_DIR``); they fail, rather than skip, when it is missing, so CI cannot pass
without actually comparing the catalogue with the notes.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from poaudit.catalogue import (
    Catalogue,
    CatalogueError,
    clear_cache,
    load_catalogue,
)

REPO = Path(__file__).resolve().parents[1]
CATALOGUE = REPO / "config" / "outcomes.yaml"
NOTES = "priority-outcomes-explanatory-notes-2004.txt"
CONSULTATION = "priority-outcomes-consultation-2004.txt"
ALL_CODES = (
    [f"R{n}" for n in range(1, 30)]
    + [f"G{n}" for n in range(1, 26)]
    + [f"E{n}" for n in range(1, 20)]
)
CODE = re.compile(r"\b([RGE])(\d{1,2})(?!\d)")


def _seeds_dir() -> Path:
    candidates = [REPO.parent / "shared" / "seeds", Path("/work/shared/seeds")]
    if os.environ.get("POAUDIT_SEEDS_DIR"):
        candidates.insert(0, Path(os.environ["POAUDIT_SEEDS_DIR"]))
    for c in candidates:
        if (c / NOTES).is_file():
            return c
    pytest.fail(
        f"seed documents not found in {[str(c) for c in candidates]}; set POAUDIT_SEEDS_DIR"
    )


def normalise(text: str) -> str:
    """Drop HTML tags and markdown emphasis, collapse whitespace (as the catalogue header says)."""
    text = re.sub(r"<[^>]+>", " ", text)
    text = text.replace("*", " ")
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def seed_lines() -> list[str]:
    return (_seeds_dir() / NOTES).read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def seed(seed_lines: list[str]) -> str:
    return normalise("\n".join(seed_lines))


@pytest.fixture(scope="module")
def consultation() -> str:
    return normalise((_seeds_dir() / CONSULTATION).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    """The YAML as plain data, so these checks do not depend on the pydantic models."""
    data = yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def outcomes(raw: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {o["code"]: o for o in raw["outcomes"]}


@pytest.fixture(scope="module")
def segments(seed: str, outcomes: dict[str, dict[str, Any]]) -> dict[str, str]:
    """Each outcome's part of the notes: from "<code> <text>" to the next outcome's start."""
    starts = {}
    for code, o in outcomes.items():
        head = f"{code} {normalise(o['text'])}"
        assert seed.count(head) == 1, f"{code}: text not found once right after its code"
        starts[code] = seed.index(head)
    order = sorted(starts, key=starts.__getitem__)
    end = seed.index("The Technology Component Perspective Customer Database")
    bounds = [*(starts[c] for c in order[1:]), end]
    return {c: seed[starts[c] : b] for c, b in zip(order, bounds, strict=True)}


def contents_list(lines: list[str]) -> dict[str, tuple[int, str]]:
    """Code -> (area number, area name) from the notes' table of contents."""
    first = lines.index("Contents")
    last = next(i for i, line in enumerate(lines) if line.startswith("The Technology Component"))
    out: dict[str, tuple[int, str]] = {}
    area: tuple[int, str] | None = None
    for line in lines[first:last]:
        m = re.match(r"^(\d{1,2})\. (.+?)\t\d+$", line)
        if m:
            area = (int(m.group(1)), m.group(2))
            continue
        m = re.match(r"^([RGE]\d{1,2})\t\d+$", line)
        if m and area is not None:  # the R1 before area 1 is the page explaining the layout
            assert m.group(1) not in out, f"{m.group(1)} twice in the contents list"
            out[m.group(1)] = area
    return out


# --- codes and classes ---------------------------------------------------------------------


def test_exactly_the_73_codes(raw: dict[str, Any]) -> None:
    codes = [o["code"] for o in raw["outcomes"]]
    assert len(codes) == 73
    assert sorted(codes) == sorted(ALL_CODES)
    assert sum(c.startswith("R") for c in codes) == 29
    assert sum(c.startswith("G") for c in codes) == 25
    assert sum(c.startswith("E") for c in codes) == 19


def test_no_duplicate_codes(raw: dict[str, Any]) -> None:
    codes = [o["code"] for o in raw["outcomes"]]
    assert len(set(codes)) == len(codes), [c for c in codes if codes.count(c) > 1]


def test_class_follows_the_letter(outcomes: dict[str, dict[str, Any]]) -> None:
    want = {"R": "required", "G": "good practice", "E": "enhanced"}
    wrong = {c: o["class"] for c, o in outcomes.items() if o["class"] != want[c[0]]}
    assert not wrong


# --- areas ------------------------------------------------------------------------------------


def test_areas_match_the_contents_list(
    seed_lines: list[str], outcomes: dict[str, dict[str, Any]]
) -> None:
    contents = contents_list(seed_lines)
    assert sorted(contents) == sorted(ALL_CODES)
    assert {a for a, _ in contents.values()} == set(range(1, 15))
    mismatched = {
        c: ((o["area"], o["area_name"]), contents[c])
        for c, o in outcomes.items()
        if (o["area"], o["area_name"]) != contents[c]
    }
    assert not mismatched


def test_areas_match_the_summary_table(
    seed_lines: list[str], outcomes: dict[str, dict[str, Any]]
) -> None:
    """The "service improvement perspective" table lists each area's codes (E19 as "E19b")."""
    start = next(
        i for i, line in enumerate(seed_lines) if line.startswith("The Priority Outcomes are")
    )
    rows = [line for line in seed_lines[start + 1 : start + 20] if "\t" in line][:14]
    assert len(rows) == 14
    for number, row in enumerate(rows, start=1):
        codes = [f"{m.group(1)}{m.group(2)}" for m in CODE.finditer(row.split("\t")[1])]
        listed = [c for c, o in outcomes.items() if o["area"] == number]
        assert codes == listed, f"area {number}"


def test_area_block_lists_each_outcome_once(raw: dict[str, Any]) -> None:
    in_areas = [c for a in raw["areas"] for c in a["outcomes"]]
    assert sorted(in_areas) == sorted(ALL_CODES)
    by_code = {o["code"]: o for o in raw["outcomes"]}
    for a in raw["areas"]:
        for code in a["outcomes"]:
            assert by_code[code]["area"] == a["number"]
            assert by_code[code]["area_name"] == a["name"]


def test_area_aims_are_verbatim(raw: dict[str, Any], seed: str) -> None:
    for a in raw["areas"]:
        assert f"{a['number']}. {a['name']} {normalise(a['aim'])}" in seed, a["number"]


# --- verbatim text ----------------------------------------------------------------------------


def test_texts_are_verbatim_and_follow_their_code(segments: dict[str, str]) -> None:
    assert len(segments) == 73  # the fixture asserts "<code> <text>" occurs exactly once


@pytest.mark.parametrize("code", ALL_CODES)
def test_checklist_items_are_verbatim_in_their_outcome(
    code: str, outcomes: dict[str, dict[str, Any]], segments: dict[str, str]
) -> None:
    o = outcomes[code]
    assert o["checklist"], "every outcome in the notes has a checklist"
    block = segments[code]
    checklist = block[block.index("Checklist") :]
    for item in o["checklist"]:
        assert normalise(item) in checklist, item
    cross = o.get("crosscutting")
    if cross:
        assert normalise(cross["heading"]) in checklist
        for service in cross["services"]:
            assert normalise(service) in checklist, service


@pytest.mark.parametrize("code", ALL_CODES)
def test_exemptions_are_verbatim_in_their_outcome(
    code: str, outcomes: dict[str, dict[str, Any]], segments: dict[str, str]
) -> None:
    block = segments[code]
    m = re.search(r"\b(Exemptions|Exclusions) (.*?) Supporting Information", block)
    assert m, "no Exemptions/Exclusions section"
    assert normalise(outcomes[code]["exemptions"]) == m.group(2).strip()


def test_normalise_strips_markup() -> None:
    assert normalise("R9**Appropriate <b>e-procurement</b>\t solutions****Suggested") == (
        "R9 Appropriate e-procurement solutions Suggested"
    )


# --- LGSL ---------------------------------------------------------------------------------------


def _lgsl_row(block: str) -> str:
    m = re.search(r"LGSL ref: (.*?) Checklist", block, flags=re.IGNORECASE)
    assert m, "no LGSL ref row"
    return m.group(1)


@pytest.mark.parametrize("code", ALL_CODES)
def test_lgsl_refs_are_positive_ints(code: str, outcomes: dict[str, dict[str, Any]]) -> None:
    o = outcomes[code]
    for key in ("lgsl", "lgsl_possible"):
        values = o.get(key, [])
        assert isinstance(values, list)
        for v in values:
            assert type(v) is int and v > 0, (key, v)
        assert len(values) == len(set(values)), f"{key} has duplicates"
    assert not set(o["lgsl"]) & set(o.get("lgsl_possible", []))
    if not o["lgsl"]:
        assert o.get("lgsl_note"), "an empty lgsl needs an lgsl_note"


@pytest.mark.parametrize("code", ALL_CODES)
def test_lgsl_refs_are_the_numbers_of_the_row(
    code: str, outcomes: dict[str, dict[str, Any]], segments: dict[str, str]
) -> None:
    o = outcomes[code]
    row = _lgsl_row(segments[code])
    numbers = [int(n) for n in re.findall(r"\b\d+\b", row)]
    assert set(o["lgsl"]) | set(o.get("lgsl_possible", [])) == set(numbers)
    marker = re.search(r"\b(Possibly|Others):", row)
    if marker:
        after = {int(n) for n in re.findall(r"\b\d+\b", row[marker.end() :])}
        assert set(o.get("lgsl_possible", [])) == after
    if o.get("lgsl_note") and code != "R10":
        assert normalise(o["lgsl_note"]) in row


# --- observability and probes -----------------------------------------------------------------


def test_observable_values(outcomes: dict[str, dict[str, Any]]) -> None:
    for code, o in outcomes.items():
        assert o["observable"] in {"fully", "partly", "not at all"}, code
        reason = o["observable_reason"]
        assert isinstance(reason, str) and len(reason.split()) >= 6, code


def test_observable_outcomes_name_probes(outcomes: dict[str, dict[str, Any]]) -> None:
    without = [
        c for c, o in outcomes.items() if o["observable"] != "not at all" and not o["probes"]
    ]
    assert not without
    stray = [c for c, o in outcomes.items() if o["observable"] == "not at all" and o["probes"]]
    assert not stray


def test_every_probe_id_is_declared_once_and_used(raw: dict[str, Any]) -> None:
    declared = [p["id"] for p in raw["probe_ids"]]
    assert len(declared) == len(set(declared))
    for p in raw["probe_ids"]:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", p["id"]), p["id"]
        assert isinstance(p["description"], str) and "\n" not in p["description"].strip()
    used = {pid for o in raw["outcomes"] for pid in o["probes"]}
    used |= {w["probe"] for o in raw["outcomes"] for w in o.get("web_checks", [])}
    assert used - set(declared) == set(), "used but not declared"
    assert set(declared) - used == set(), "declared but unused"


@pytest.mark.parametrize(
    ("code", "probe"),
    [
        ("R3", "az-index"),
        ("R3", "national-portal-link"),
        ("G21", "egms-metadata"),
        ("G20", "accessibility-axe"),
        ("R25", "availability-statement"),
        ("R26", "usage-statistics"),
        ("R28", "form-acknowledgement"),
        ("R29", "response-standards"),
        ("R1", "school-admissions"),
        ("R2", "looked-after-children"),
        ("R5", "council-meetings"),
        ("R6", "councillors"),
    ],
)
def test_planned_probes_are_wired(
    code: str, probe: str, outcomes: dict[str, dict[str, Any]]
) -> None:
    assert probe in outcomes[code]["probes"]


def test_web_checks_are_verbatim_from_the_consultation(
    outcomes: dict[str, dict[str, Any]], consultation: str
) -> None:
    ids = []
    for code, o in outcomes.items():
        for w in o.get("web_checks", []):
            ids.append(w["id"])
            assert normalise(w["text"]) in consultation, (code, w["id"])
            assert w["probe"] in o["probes"], (code, w["id"])
    assert len(ids) == len(set(ids))
    assert "homepage-national-portal-link" in ids


def test_dropped_consultation_items_really_are_dropped(
    raw: dict[str, Any], consultation: str, seed: str
) -> None:
    for item in raw["consultation_items_not_in_notes"]:
        text = normalise(item["text"])
        assert text in consultation, text
        assert text.lower() not in seed.lower(), text


# --- the loader ---------------------------------------------------------------------------------


def test_load_catalogue_default_and_cached() -> None:
    clear_cache()
    cat = load_catalogue()
    assert isinstance(cat, Catalogue)
    assert load_catalogue() is cat
    assert load_catalogue(CATALOGUE) is load_catalogue(CATALOGUE)
    assert cat.get("R3").outcome_class == "required"
    assert cat.get(" g21 ").code == "G21"
    assert cat.get("E5").voluntary and not cat.get("R5").voluntary
    assert "R29" in cat and "R30" not in cat
    with pytest.raises(KeyError, match="R30"):
        cat.get("R30")


def test_by_area_groups_in_order() -> None:
    groups = load_catalogue().by_area()
    assert list(groups) == list(range(1, 15))
    assert [o.code for o in groups[1]] == ["R1", "R2", "G1", "E1"]
    assert [o.code for o in groups[14]] == ["R27", "R28", "R29", "G24", "G25", "E19"]
    assert sum(len(v) for v in groups.values()) == 73


def test_for_probe_and_descriptions() -> None:
    cat = load_catalogue()
    assert [o.code for o in cat.for_probe("egms-metadata")] == ["G20", "G21"]
    assert cat.probe_description("az-index").startswith("R3")
    with pytest.raises(KeyError):
        cat.probe_description("no-such-probe")


def _broken_copy(tmp_path: Path, edit: Any) -> Path:
    data = yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / "outcomes.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def test_errors_name_the_file_and_the_key(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        data["outcomes"][1]["observable"] = "mostly"

    path = _broken_copy(tmp_path, edit)
    with pytest.raises(CatalogueError) as exc:
        load_catalogue(path)
    message = str(exc.value)
    assert str(path) in message
    assert "outcomes[1] (R2).observable" in message


def test_errors_name_an_undeclared_probe(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        data["outcomes"][0]["probes"].append("made-up-probe")

    with pytest.raises(CatalogueError, match=r"outcomes\[R1\]\.probes: 'made-up-probe'"):
        load_catalogue(_broken_copy(tmp_path, edit))


def test_errors_catch_a_missing_outcome_and_unknown_keys(tmp_path: Path) -> None:
    def drop(data: dict[str, Any]) -> None:
        data["outcomes"] = [o for o in data["outcomes"] if o["code"] != "G7"]
        for a in data["areas"]:
            a["outcomes"] = [c for c in a["outcomes"] if c != "G7"]

    with pytest.raises(CatalogueError, match="missing G7"):
        load_catalogue(_broken_copy(tmp_path, drop))

    def typo(data: dict[str, Any]) -> None:
        data["outcomes"][4]["probe"] = ["az-index"]

    other = tmp_path / "typo"
    other.mkdir()
    with pytest.raises(CatalogueError, match=r"outcomes\[4\] \(R3\)\.probe: unknown key"):
        load_catalogue(_broken_copy(other, typo))


def test_unreadable_file_is_a_catalogue_error(tmp_path: Path) -> None:
    bad = tmp_path / "outcomes.yaml"
    shutil.copy(CATALOGUE, bad)
    bad.write_text(bad.read_text(encoding="utf-8") + "\n  : [unbalanced\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match="not valid YAML"):
        load_catalogue(bad)
    with pytest.raises(CatalogueError, match="cannot read"):
        load_catalogue(tmp_path / "missing.yaml")
