"""The scoring rules (``config/scoring.yaml``) as validated data.

:func:`load_rules` reads the YAML once per path, validates its shape with pydantic and checks it
against the outcome catalogue (every outcome has a rule, every probe a rule names evidences that
outcome, every probe the catalogue lists is used). A bad file fails with :class:`RulesError`
naming the file, the key and the problem. :attr:`Rules.version_id` is what every result records.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator

from poaudit.catalogue import Catalogue, Outcome, load_catalogue
from poaudit.findings import Finding
from poaudit.taxonomy import lgsl, providing_tiers

__all__ = [
    "DEEP_LINKS",
    "DeepLinkVerdicts",
    "NonProvider",
    "OutcomeRule",
    "Requirement",
    "Rules",
    "RulesError",
    "load_rules",
    "parse_rules",
]

DEEP_LINKS = "deep-links"
"""The probe that checks partner deep links; non-providers are judged on it by default."""

Tier = Literal["county", "district", "unitary"]
AttestItem = int | str


class RulesError(ValueError):
    """The scoring rules could not be read or are invalid; ``str()`` is the user's message."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Requirement(_Strict):
    """One probe whose findings decide (part of) an outcome's observed status."""

    probe: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    label: str = ""
    combine: Literal["any", "all", "share"] = "any"
    warnings: Literal["count", "ignore"] = "count"
    where: dict[str, Any] = Field(default_factory=dict)
    scope: Literal["any", "site", "page"] = "any"
    absent_ok: bool = False
    advisory: bool = False
    met_at: float = Field(1.0, gt=0, le=1)
    partly_at: float = Field(0.5, ge=0, le=1)

    def matches(self, f: Finding) -> bool:
        """Whether a finding counts for this requirement (``scope`` and ``where``)."""
        if self.scope == "site" and f.page_url is not None:
            return False
        if self.scope == "page" and f.page_url is None:
            return False
        for key, want in self.where.items():
            have = f.detail.get(key)
            if have not in want if isinstance(want, list) else have != want:
                return False
        return True

    @property
    def name(self) -> str:
        """The label, or the probe id when there is none."""
        return self.label or self.probe


class NonProvider(_Strict):
    """What a council that does not run the service must do (the notes' Exemptions)."""

    rule: Literal["deep-link", "exempt"]
    require: tuple[Requirement, ...] | None = None
    need: Literal["all", "any"] = "any"
    supporting: tuple[str, ...] | None = None
    attest: tuple[AttestItem, ...] = ()


class OutcomeRule(_Strict):
    """How one outcome is scored."""

    require: tuple[Requirement, ...] = ()
    need: Literal["all", "any"] = "all"
    supporting: tuple[str, ...] = ()
    attest: tuple[AttestItem, ...] = ()
    if_absent: Literal["not met", "needs attestation"] = "not met"
    provider_lgsl: tuple[int, ...] = ()
    provider_tiers: tuple[Tier, ...] = ()
    non_provider: NonProvider | None = None
    depends_on: tuple[str, ...] = ()

    @field_validator("non_provider", mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return {"rule": value} if isinstance(value, str) else value

    def providers(self) -> frozenset[str]:
        """Tiers that run the service (empty: every council does, no tier rule)."""
        tiers: set[str] = set(self.provider_tiers)
        for lgsl_id in self.provider_lgsl:
            tiers |= providing_tiers(lgsl_id)
        return frozenset(tiers)

    def non_provider_requirements(self, probes: tuple[str, ...]) -> tuple[Requirement, ...]:
        """The requirements for a non-provider (default: the same probes plus deep-links)."""
        np = self.non_provider
        if np is not None and np.require is not None:
            return np.require
        reqs = list(self.require)
        if DEEP_LINKS in probes and all(r.probe != DEEP_LINKS for r in reqs):
            reqs.append(Requirement(probe=DEEP_LINKS, label="deep link to the partner council",
                                    where={"check": "partner-services"}, absent_ok=True))
        return tuple(reqs)


class DeepLinkVerdicts(_Strict):
    """How the link checker's verdicts count for a partner deep link's target."""

    working: tuple[str, ...] = ("ok", "redirected")
    failing: tuple[str, ...] = ("broken", "timeout", "connection-error", "soft-404", "shallow")
    check_by_hand: tuple[str, ...] = ("caution",)


class Rules(_Strict):
    """All scoring rules; :attr:`version_id` identifies the method in every result."""

    version: int | str
    deep_links: DeepLinkVerdicts = Field(default_factory=DeepLinkVerdicts)
    outcomes: dict[str, OutcomeRule]

    _digest: str = PrivateAttr(default="")

    @property
    def version_id(self) -> str:
        """``<version>+<sha256 prefix of the rules text>``: a forgotten bump still shows."""
        return f"{self.version}+{self._digest[:8]}" if self._digest else str(self.version)

    def rule(self, code: str) -> OutcomeRule:
        return self.outcomes[code]


def _probes_of(rule: OutcomeRule, outcome: Outcome) -> set[str]:
    used = {r.probe for r in rule.require} | set(rule.supporting)
    np = rule.non_provider
    if np is not None and np.rule == "deep-link":
        used |= {r.probe for r in rule.non_provider_requirements(outcome.probes)}
        used |= set(np.supporting or ())
    return used


def _attest_problems(code: str, items: tuple[AttestItem, ...], outcome: Outcome) -> list[str]:
    out = []
    for item in items:
        if isinstance(item, int) and not 1 <= item <= len(outcome.checklist):
            out.append(
                f"outcomes.{code}.attest: checklist item {item} does not exist"
                f" ({code} has {len(outcome.checklist)})"
            )
        if isinstance(item, str) and not item.strip():
            out.append(f"outcomes.{code}.attest: empty item")
    return out


def _outcome_problems(code: str, rule: OutcomeRule, outcome: Outcome, cat: Catalogue) -> list[str]:
    where = f"outcomes.{code}"
    out: list[str] = []
    used = _probes_of(rule, outcome)
    for probe in sorted(used - set(outcome.probes)):
        out.append(f"{where}: probe {probe!r} is not one of {code}'s probes in the catalogue")
    for probe in sorted(set(outcome.probes) - used):
        out.append(f"{where}: catalogue probe {probe!r} is not used (require or supporting)")
    if outcome.observable == "not at all" and rule.require:
        out.append(f"{where}.require: {code} is not observable, so nothing can be required")
    if outcome.observable == "fully" and rule.attest:
        out.append(f"{where}.attest: {code} is fully observable, so nothing is attested")
    if (
        outcome.observable == "partly"
        and rule.require
        and not rule.attest
        and rule.if_absent != "needs attestation"
    ):
        out.append(f"{where}: {code} is partly observable: say what to attest (attest)")
    out += _attest_problems(code, rule.attest, outcome)
    if rule.non_provider is not None:
        out += _attest_problems(code, rule.non_provider.attest, outcome)
        if not rule.providers():
            out.append(f"{where}.non_provider: needs provider_lgsl or provider_tiers")
    services = lgsl()
    for lgsl_id in rule.provider_lgsl:
        if lgsl_id not in services:
            out.append(f"{where}.provider_lgsl: {lgsl_id} is not an LGSL 2.01 service")
        elif not providing_tiers(lgsl_id):
            out.append(f"{where}.provider_lgsl: LGSL {lgsl_id} has no providing tier in the data")
    for dep in rule.depends_on:
        if dep not in cat or dep == code:
            out.append(f"{where}.depends_on: {dep!r} is not another outcome")
    return out


def check_against(rules: Rules, cat: Catalogue, source: str = "<rules>") -> None:
    """Raise :class:`RulesError` unless the rules fit the catalogue exactly."""
    problems: list[str] = []
    for code in cat.codes:
        if code not in rules.outcomes:
            problems.append(f"outcomes: {code} has no rule (write '{code}: {{}}' at least)")
    for code, rule in rules.outcomes.items():
        if code not in cat:
            problems.append(f"outcomes: {code!r} is not an outcome in the catalogue")
            continue
        problems += _outcome_problems(code, rule, cat.get(code), cat)
    if problems:
        raise RulesError("\n".join([f"{source}: invalid scoring rules", *problems]))


def parse_rules(
    data: Any, source: str = "<rules>", *, catalogue: Catalogue | None = None, digest: str = ""
) -> Rules:
    """Validate a rules mapping (and check it against ``catalogue``, default the shipped one)."""
    if not isinstance(data, dict):
        raise RulesError(f"{source}: scoring rules must be a mapping, got {type(data).__name__}")
    try:
        rules = Rules.model_validate(data)
    except ValidationError as exc:
        lines = [f"{source}: invalid scoring rules"]
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"])
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                msg = "unknown key (see the header of config/scoring.yaml)"
            lines.append(f"  {loc}: {msg}")
        raise RulesError("\n".join(lines)) from None
    check_against(rules, catalogue or load_catalogue(), source)
    rules._digest = digest
    return rules


def _read(path: Path | None) -> Rules:
    resource = files("config") / "scoring.yaml" if path is None else path
    name = str(resource)
    try:
        raw = resource.read_bytes()
        data = yaml.safe_load(raw.decode("utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise RulesError(f"{name}: cannot read scoring rules: {exc}") from None
    except yaml.YAMLError as exc:
        raise RulesError(f"{name}: not valid YAML: {exc}") from None
    return parse_rules(data, name, digest=hashlib.sha256(raw).hexdigest())


@lru_cache(maxsize=8)
def _cached(path: Path | None) -> Rules:
    return _read(path)


def load_rules(path: Path | None = None) -> Rules:
    """The scoring rules (default: the ``config`` package's scoring.yaml), cached per path."""
    return _cached(None if path is None else Path(path).resolve())
