"""Indicator kinds and the parsing of values as French and English users type them."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.errors import InvalidInput

# Anything larger is a typo, and it keeps every value well inside a double's exact range.
MAX_ABS_VALUE = 1e15
MAX_NUMBER_CHARS = 40


class Kind(StrEnum):
    """What an indicator measures."""

    NUMBER = "number"
    PERCENT = "percent"
    RATIO = "ratio"
    BOOL = "bool"


class Level(StrEnum):
    """Operational or strategic indicator."""

    OPERATIONAL = "operational"
    STRATEGIC = "strategic"


class Cadence(StrEnum):
    """How often an indicator is expected to be updated."""

    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


KIND_WORDS: dict[str, Kind] = {
    "number": Kind.NUMBER,
    "nombre": Kind.NUMBER,
    "num": Kind.NUMBER,
    "percent": Kind.PERCENT,
    "pourcent": Kind.PERCENT,
    "pourcentage": Kind.PERCENT,
    "%": Kind.PERCENT,
    "ratio": Kind.RATIO,
    "taux": Kind.RATIO,
    "bool": Kind.BOOL,
    "boolean": Kind.BOOL,
    "booleen": Kind.BOOL,
    "yesno": Kind.BOOL,
    "ouinon": Kind.BOOL,
}
LEVEL_WORDS: dict[str, Level] = {
    "operational": Level.OPERATIONAL,
    "operationnel": Level.OPERATIONAL,
    "ops": Level.OPERATIONAL,
    "strategic": Level.STRATEGIC,
    "strategique": Level.STRATEGIC,
}
CADENCE_WORDS: dict[str, Cadence] = {
    "week": Cadence.WEEK,
    "weekly": Cadence.WEEK,
    "semaine": Cadence.WEEK,
    "hebdo": Cadence.WEEK,
    "month": Cadence.MONTH,
    "monthly": Cadence.MONTH,
    "mois": Cadence.MONTH,
    "mensuel": Cadence.MONTH,
    "quarter": Cadence.QUARTER,
    "quarterly": Cadence.QUARTER,
    "trimestre": Cadence.QUARTER,
    "trimestriel": Cadence.QUARTER,
    "year": Cadence.YEAR,
    "yearly": Cadence.YEAR,
    "annee": Cadence.YEAR,
    "an": Cadence.YEAR,
    "annuel": Cadence.YEAR,
}
TRUE_WORDS = frozenset({"oui", "yes", "o", "y", "vrai", "true", "1"})
FALSE_WORDS = frozenset({"non", "no", "n", "faux", "false", "0"})

# Spaces users and locales put between thousands: space, no-break space, narrow no-break space.
_GROUP_SPACES = re.compile(r"(?<=\d)[ \u00a0\u202f'](?=\d{3}(?:\D|$))")
_PLAIN = re.compile(r"^[+-]?[0-9]+(?:\.[0-9]+)?$")
_PERCENT_SIGN = re.compile(r"\s*%$")


@dataclass(frozen=True)
class ParsedValue:
    """A value ready to store: `value` always set, numerator/denominator for ratios."""

    value: float
    numerator: float | None = None
    denominator: float | None = None


def _finite(value: float, raw: str) -> float:
    if not math.isfinite(value) or abs(value) > MAX_ABS_VALUE:
        raise InvalidInput("error.number_too_large", value=raw)
    return value


def parse_number(raw: str) -> float:
    """Parse `12,5`, `12.5`, `1 234,5`, `1.234,5`, `-3`; refuse NaN, infinity, exponents and words."""
    text = raw.strip()
    if not text or len(text) > MAX_NUMBER_CHARS:
        raise InvalidInput("error.not_a_number", value=text[:MAX_NUMBER_CHARS])
    text = _GROUP_SPACES.sub("", text)
    if "," in text and "." in text:
        # Both separators: the last one is the decimal mark, the other groups thousands.
        decimal, group = (",", ".") if text.rfind(",") > text.rfind(".") else (".", ",")
        int_part, _, frac = text.rpartition(decimal)
        groups = int_part.lstrip("+-").split(group)
        if not groups[0] or len(groups[0]) > 3 or any(len(g) != 3 for g in groups[1:]):
            raise InvalidInput("error.not_a_number", value=raw.strip())
        text = int_part.replace(group, "") + "." + frac
    elif text.count(",") == 1:
        text = text.replace(",", ".")
    if not _PLAIN.match(text):
        raise InvalidInput("error.not_a_number", value=raw.strip())
    return _finite(float(text), raw.strip())


def parse_value(kind: Kind, raw: str) -> ParsedValue:
    """Parse a reading for an indicator of the given kind."""
    text = raw.strip()
    if kind is Kind.BOOL:
        word = text.casefold()
        if word in TRUE_WORDS:
            return ParsedValue(1.0)
        if word in FALSE_WORDS:
            return ParsedValue(0.0)
        raise InvalidInput("error.not_a_bool", value=text[:MAX_NUMBER_CHARS])
    if kind is Kind.RATIO and "/" in text:
        num_raw, _, den_raw = text.partition("/")
        numerator, denominator = parse_number(num_raw), parse_number(den_raw)
        if denominator == 0:
            raise InvalidInput("error.ratio_zero", value=text)
        if numerator < 0 or denominator < 0:
            raise InvalidInput("error.ratio_negative", value=text)
        return ParsedValue(_finite(numerator / denominator * 100, text), numerator, denominator)
    if kind in (Kind.PERCENT, Kind.RATIO):
        return ParsedValue(parse_number(_PERCENT_SIGN.sub("", text)))
    if "%" in text or "/" in text:
        raise InvalidInput("error.not_a_number", value=text[:MAX_NUMBER_CHARS])
    return ParsedValue(parse_number(text))


def parse_threshold(kind: Kind, raw: str) -> float:
    """Parse a target or threshold: a number (a % sign is allowed), or oui/non for yes/no indicators."""
    if kind is Kind.BOOL:
        return parse_value(kind, raw).value
    return parse_number(_PERCENT_SIGN.sub("", raw.strip()))
