"""The outcome catalogue: the 73 Priority Outcomes as data (``config/outcomes.yaml``).

Each :class:`Outcome` carries its verbatim text, checklist, LGSL refs and exemptions from the
IDeA Explanatory Notes (2004), plus our judgement of how far it can be evidenced from a public
website and which probes evidence it. :func:`load_catalogue` reads and validates the YAML once
per path; a bad file fails with :class:`CatalogueError`, whose message names the file, the key
and what is wrong.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PositiveInt,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from poaudit.validation import explain

__all__ = [
    "CODE_PATTERN",
    "Area",
    "Catalogue",
    "CatalogueError",
    "ConsultationItem",
    "Crosscutting",
    "Observable",
    "Outcome",
    "OutcomeClass",
    "ProbeDeclaration",
    "Source",
    "SourceDocument",
    "WebCheck",
    "clear_cache",
    "load_catalogue",
    "parse_catalogue",
]

OutcomeClass = Literal["required", "good practice", "enhanced"]
Observable = Literal["fully", "partly", "not at all"]

CLASS_BY_LETTER: dict[str, OutcomeClass] = {
    "R": "required",
    "G": "good practice",
    "E": "enhanced",
}
COUNTS = {"R": 29, "G": 25, "E": 19}
"""How many outcomes of each class the notes define (R1-R29, G1-G25, E1-E19)."""

_CODE = r"^(R([1-9]|1\d|2[0-9])|G([1-9]|1\d|2[0-5])|E([1-9]|1[0-9]))$"
CODE_PATTERN = re.compile(_CODE)
"""A valid outcome code: R1-R29, G1-G25, E1-E19."""
_KEBAB = r"^[a-z0-9]+(-[a-z0-9]+)*$"
Code = Annotated[str, Field(pattern=_CODE)]
ProbeId = Annotated[str, Field(pattern=_KEBAB)]
Text = Annotated[str, Field(min_length=1)]


class CatalogueError(ValueError):
    """The catalogue could not be read or is invalid; ``str()`` is the message for the user."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceDocument(_Strict):
    """A document the catalogue is taken from."""

    title: Text
    publisher: Text
    date: Text
    file: Text
    version: str | None = None
    interprets: str | None = None
    precedence: str | None = None


class Source(SourceDocument):
    """The explanatory notes (authoritative), with the consultation paper they superseded."""

    consultation: SourceDocument


class ProbeDeclaration(_Strict):
    """A probe id the catalogue uses, with one line saying what it looks for."""

    id: ProbeId
    description: Text


class Area(_Strict):
    """One of the 14 priority service and transformation areas."""

    number: int = Field(ge=1, le=14)
    name: Text
    aim: Text
    outcomes: tuple[Code, ...] = Field(min_length=1)


class WebCheck(_Strict):
    """A web-observable item of the consultation paper that the notes fold into an outcome."""

    id: ProbeId
    text: Text
    probe: ProbeId


class Crosscutting(_Strict):
    """The service areas of a "Crosscutting Items Checklist" (R27-R29, G24, G25), as printed."""

    heading: Text
    services: tuple[Text, ...] = Field(min_length=1)


class ConsultationItem(_Strict):
    """A consultation proposal the final notes dropped (kept for reference, not audited)."""

    area: int = Field(ge=1, le=14)
    text: Text


class Outcome(_Strict):
    """One priority outcome: source text from the notes plus how the website can evidence it."""

    code: Code
    area: int = Field(ge=1, le=14)
    area_name: Text
    outcome_class: OutcomeClass = Field(alias="class")
    text: Text
    checklist: tuple[Text, ...] = Field(min_length=1)
    crosscutting: Crosscutting | None = None
    lgsl: tuple[PositiveInt, ...]
    lgsl_possible: tuple[PositiveInt, ...] = ()
    lgsl_note: str | None = None
    lgsl_labels: dict[PositiveInt, str] = Field(default_factory=dict)
    exemptions: Text
    observable: Observable
    observable_reason: Text
    probes: tuple[ProbeId, ...]
    web_checks: tuple[WebCheck, ...] = ()
    seed_notes: tuple[Text, ...] = ()

    @field_validator("lgsl", "lgsl_possible", "probes")
    @classmethod
    def _no_duplicates(cls, value: tuple[Any, ...]) -> tuple[Any, ...]:
        dupes = sorted({str(v) for v in value if value.count(v) > 1})
        if dupes:
            raise ValueError(f"listed more than once: {', '.join(dupes)}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Outcome:
        expected = CLASS_BY_LETTER[self.code[0]]
        if self.outcome_class != expected:
            raise ValueError(f"class: {self.code} must be {expected!r}, not {self.outcome_class!r}")
        if not self.lgsl and not self.lgsl_note:
            raise ValueError("lgsl_note: required when lgsl is empty (say what the row said)")
        both = sorted(set(self.lgsl) & set(self.lgsl_possible))
        if both:
            raise ValueError(f"lgsl_possible: {both} also in lgsl")
        unknown = sorted(set(self.lgsl_labels) - set(self.lgsl) - set(self.lgsl_possible))
        if unknown:
            raise ValueError(f"lgsl_labels: {unknown} are in neither lgsl nor lgsl_possible")
        if self.observable == "not at all" and self.probes:
            raise ValueError("probes: must be empty when observable is 'not at all'")
        if self.observable != "not at all" and not self.probes:
            raise ValueError(
                f"probes: needs at least one probe when observable is {self.observable!r}"
            )
        for check in self.web_checks:
            if check.probe not in self.probes:
                raise ValueError(
                    f"web_checks: {check.id!r} uses probe {check.probe!r}, not in probes"
                )
        return self

    @property
    def letter(self) -> str:
        """``R``, ``G`` or ``E``."""
        return self.code[0]

    @property
    def number(self) -> int:
        """The number after the letter (``R12`` -> 12)."""
        return int(self.code[1:])

    @property
    def voluntary(self) -> bool:
        """True for enhanced (E) outcomes, which apply only to councils that volunteered."""
        return self.outcome_class == "enhanced"

    @property
    def web_observable(self) -> bool:
        """True when some part of the outcome can be evidenced from the public website."""
        return self.observable != "not at all"


class Catalogue(_Strict):
    """The whole catalogue; look outcomes up with :meth:`get` or group them with :meth:`by_area`."""

    source: Source
    probe_ids: tuple[ProbeDeclaration, ...] = Field(min_length=1)
    areas: tuple[Area, ...]
    consultation_items_not_in_notes: tuple[ConsultationItem, ...] = ()
    outcomes: tuple[Outcome, ...]

    _index: dict[str, Outcome] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _cross_checks(self) -> Catalogue:
        problems: list[str] = []
        codes = [o.code for o in self.outcomes]
        for code in sorted({c for c in codes if codes.count(c) > 1}):
            problems.append(f"outcomes: {code} appears more than once")
        for letter, count in COUNTS.items():
            want = {f"{letter}{n}" for n in range(1, count + 1)}
            missing = sorted(want - set(codes), key=_code_key)
            if missing:
                problems.append(f"outcomes: missing {', '.join(missing)}")
        declared = [p.id for p in self.probe_ids]
        for pid in sorted({p for p in declared if declared.count(p) > 1}):
            problems.append(f"probe_ids: {pid!r} declared more than once")
        used: set[str] = set()
        for o in self.outcomes:
            for pid in o.probes:
                used.add(pid)
                if pid not in declared:
                    problems.append(f"outcomes[{o.code}].probes: {pid!r} is not in probe_ids")
        for pid in sorted(set(declared) - used):
            problems.append(f"probe_ids: {pid!r} is declared but no outcome uses it")
        numbers = [a.number for a in self.areas]
        if sorted(numbers) != list(range(1, 15)):
            problems.append(f"areas: need each of 1-14 once, got {numbers}")
        by_number = {a.number: a for a in self.areas}
        for o in self.outcomes:
            a = by_number.get(o.area)
            if a is None:
                continue
            if o.area_name != a.name:
                problems.append(
                    f"outcomes[{o.code}].area_name: {o.area_name!r},"
                    f" but area {a.number} is {a.name!r}"
                )
            if o.code not in a.outcomes:
                problems.append(
                    f"outcomes[{o.code}].area: {o.area} but areas[{a.number}].outcomes lacks it"
                )
        for a in self.areas:
            for code in a.outcomes:
                listed = next((o for o in self.outcomes if o.code == code), None)
                if listed is None or listed.area != a.number:
                    problems.append(
                        f"areas[{a.number}].outcomes: {code} is not an outcome of area {a.number}"
                    )
        if problems:
            raise ValueError("\n".join(problems))
        return self

    def model_post_init(self, context: Any, /) -> None:
        """Build the code index once."""
        self._index.update({o.code: o for o in self.outcomes})

    def get(self, code: str) -> Outcome:
        """The outcome with this code (``"R3"``); :class:`KeyError` if there is none."""
        try:
            return self._index[code.strip().upper()]
        except KeyError:
            raise KeyError(
                f"no outcome {code!r} in the catalogue (R1-R29, G1-G25, E1-E19)"
            ) from None

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code.strip().upper() in self._index

    @property
    def codes(self) -> tuple[str, ...]:
        """All outcome codes in catalogue order."""
        return tuple(o.code for o in self.outcomes)

    def by_area(self) -> dict[int, tuple[Outcome, ...]]:
        """Area number (1-14, in order) -> its outcomes in the notes' order."""
        return {
            a.number: tuple(self.get(c) for c in a.outcomes)
            for a in sorted(self.areas, key=lambda a: a.number)
        }

    def area(self, number: int) -> Area:
        """The area with this number (1-14)."""
        for a in self.areas:
            if a.number == number:
                return a
        raise KeyError(f"no area {number} (areas are 1-14)")

    def for_probe(self, probe_id: str) -> tuple[Outcome, ...]:
        """The outcomes a probe evidences (empty for an unknown id)."""
        return tuple(o for o in self.outcomes if probe_id in o.probes)

    def probe_description(self, probe_id: str) -> str:
        """The one-line description of a declared probe id."""
        for p in self.probe_ids:
            if p.id == probe_id:
                return p.description
        raise KeyError(f"probe id {probe_id!r} is not declared in the catalogue")


def _code_key(code: str) -> tuple[int, int]:
    return ("RGE".index(code[0]), int(code[1:]))


def parse_catalogue(data: Any, source: str = "<catalogue>") -> Catalogue:
    """Validate a catalogue mapping; errors name ``source``, the key and the problem."""
    if not isinstance(data, dict):
        raise CatalogueError(
            f"{source}: the catalogue must be a mapping of keys, got {type(data).__name__}"
        )
    try:
        return Catalogue.model_validate(data)
    except ValidationError as exc:
        raise CatalogueError(
            explain(
                exc,
                data,
                source,
                "invalid outcome catalogue",
                "check the spelling against poaudit/catalogue.py",
            )
        ) from None


def _default_file() -> Traversable:
    return files("config") / "outcomes.yaml"


def _read(path: Path | Traversable) -> Catalogue:
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogueError(f"{name}: cannot read outcome catalogue: {exc}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise CatalogueError(f"{name}: not valid YAML: {exc}") from None
    return parse_catalogue(data, name)


@lru_cache(maxsize=8)
def _load_cached(path: Path | None) -> Catalogue:
    return _read(_default_file() if path is None else path)


def load_catalogue(path: Path | None = None) -> Catalogue:
    """Read and validate the catalogue (default: the ``config`` package's outcomes.yaml).

    Cached per resolved path; call :func:`clear_cache` after editing the file in-process.
    """
    return _load_cached(None if path is None else Path(path).resolve())


def clear_cache() -> None:
    """Forget catalogues loaded by :func:`load_catalogue`."""
    _load_cached.cache_clear()
