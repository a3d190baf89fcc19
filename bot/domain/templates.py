"""Indicator templates: the indicators a guide proposes, as data (bot/templates/*.yaml), checked here."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bot.domain.errors import InvalidInput
from bot.domain.grammar import MAX_NAME_CHARS, MAX_UNIT_CHARS, NewIndicator, check_code
from bot.domain.indicators import IndicatorView
from bot.domain.text import code_key
from bot.domain.values import Cadence, Direction, Kind, Level

LANGS = ("fr", "en")


class Texts(BaseModel):
    """A text in French and English."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    fr: str = Field(max_length=MAX_NAME_CHARS)
    en: str = Field(max_length=MAX_NAME_CHARS)

    def of(self, lang: str) -> str:
        """The text in `lang` (French for a language the template does not have)."""
        return self.en if lang == "en" else self.fr


class IndicatorTemplate(BaseModel):
    """One indicator a guide proposes: what it measures and which way is better; no target, which is
    each organisation's own."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    code: str
    name: Texts
    kind: Kind
    unit: Texts | str = ""
    direction: Direction
    cadence: Cadence
    level: Level
    reference: str = Field(min_length=1, max_length=200)

    @field_validator("code")
    @classmethod
    def _code(cls, value: str) -> str:
        try:
            return check_code(value)
        except InvalidInput as err:
            raise ValueError(f"{value!r} is no indicator code ({err.key})") from None

    @model_validator(mode="after")
    def _unit(self) -> IndicatorTemplate:
        for lang in LANGS:
            unit = self.unit_in(lang)
            if len(unit) > MAX_UNIT_CHARS:
                raise ValueError(f"{self.code}: unit longer than {MAX_UNIT_CHARS} characters")
            if self.kind in (Kind.PERCENT, Kind.RATIO) and unit != "%":
                raise ValueError(f"{self.code}: a percentage or a ratio is in %")
            if self.kind is Kind.BOOL and unit:
                raise ValueError(f"{self.code}: a yes/no indicator has no unit")
        return self

    def unit_in(self, lang: str) -> str:
        """The unit in `lang` ("réunion(s)", "meeting(s)", "%", "€")."""
        return self.unit.of(lang) if isinstance(self.unit, Texts) else self.unit

    def spec(self, lang: str, *, owner_id: str | None) -> NewIndicator:
        """The indicator this template creates, named in `lang`."""
        return NewIndicator(
            code=self.code,
            name=self.name.of(lang),
            kind=self.kind,
            unit=self.unit_in(lang),
            owner_id=owner_id,
            cadence=self.cadence,
            level=self.level,
            direction=self.direction,
            reference=self.reference,
        )


class TemplateSet(BaseModel):
    """A named set of templates (`gouvernance`, `itil`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    set: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    aliases: tuple[str, ...] = ()
    name: Texts
    reference: str
    indicators: tuple[IndicatorTemplate, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> TemplateSet:
        keys = [code_key(t.code) for t in self.indicators]
        if len(set(keys)) != len(keys):
            raise ValueError(f"{self.set}: a code appears twice")
        return self


def select(sets: tuple[TemplateSet, ...], wanted: str) -> tuple[IndicatorTemplate, ...]:
    """The templates `wanted` names: a set by its name or an alias, or one template by its code;
    InvalidInput listing the sets when it names none."""
    key = code_key(wanted.strip())
    for group in sets:
        if key in (group.set, *group.aliases):
            return group.indicators
    for group in sets:
        for template in group.indicators:
            if code_key(template.code) == key:
                return (template,)
    raise InvalidInput("error.unknown_template", value=wanted.strip()[:40], allowed=[s.set for s in sets])


def check_catalogue(sets: tuple[TemplateSet, ...]) -> tuple[TemplateSet, ...]:
    """The sets, once no code nor set name is given twice across them."""
    names = [n for s in sets for n in (s.set, *s.aliases)]
    codes = [code_key(t.code) for s in sets for t in s.indicators]
    if len(set(names)) != len(names) or len(set(codes)) != len(codes) or set(names) & set(codes):
        raise ValueError("template sets: a set name, an alias or a code is given twice")
    return sets


@dataclass(frozen=True)
class TemplateCatalogue:
    """The template sets, and which of their codes a workspace already has (by code key)."""

    sets: tuple[TemplateSet, ...]
    present: frozenset[str]


@dataclass(frozen=True)
class TemplatesInstalled:
    """What installing templates did: the indicators created, the codes that were there already."""

    created: tuple[IndicatorView, ...]
    existing: tuple[str, ...]
