"""Indicator kinds, and values read exactly as French and English users type them.

A number is read in the workspace's language: `1 234,5` (spaces, no-break spaces, narrow no-break
spaces or apostrophes between groups of three digits) in French, `1,234.5` in English. What can be
read two ways (`1.234` in French, `12,5` in English) is refused with a question, never guessed. A
unit after the value must be the indicator's own, or one that converts to it exactly (`1,2 t` for an
indicator in kg).
"""

from __future__ import annotations

import decimal
import math
import re
import unicodedata
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

from bot.domain.errors import InvalidInput
from bot.domain.keys import N_

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


class Direction(StrEnum):
    """Which way an indicator is better."""

    HIGHER = "higher"
    LOWER = "lower"


class Cadence(StrEnum):
    """How often an indicator is expected to be updated."""

    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


# Keys are compared case- and accent-insensitively (grammar.word): "Oui-Non" = "oui-non".
KIND_WORDS: dict[str, Kind] = {
    "number": Kind.NUMBER, "nombre": Kind.NUMBER, "num": Kind.NUMBER, "quantite": Kind.NUMBER,
    "percent": Kind.PERCENT, "percentage": Kind.PERCENT, "pourcent": Kind.PERCENT,
    "pourcentage": Kind.PERCENT, "%": Kind.PERCENT,
    "ratio": Kind.RATIO, "taux": Kind.RATIO, "rate": Kind.RATIO,
    "bool": Kind.BOOL, "boolean": Kind.BOOL, "booleen": Kind.BOOL, "yesno": Kind.BOOL, "yes-no": Kind.BOOL,
    "yes/no": Kind.BOOL, "ouinon": Kind.BOOL, "oui-non": Kind.BOOL, "oui/non": Kind.BOOL,
}  # fmt: skip
LEVEL_WORDS: dict[str, Level] = {
    "operational": Level.OPERATIONAL, "operationnel": Level.OPERATIONAL,
    "operationnelle": Level.OPERATIONAL, "ops": Level.OPERATIONAL,
    "strategic": Level.STRATEGIC, "strategique": Level.STRATEGIC,
}  # fmt: skip
DIRECTION_WORDS: dict[str, Direction] = {
    "higher": Direction.HIGHER, "up": Direction.HIGHER, "high": Direction.HIGHER, "more": Direction.HIGHER,
    "hausse": Direction.HIGHER, "haut": Direction.HIGHER, "plus": Direction.HIGHER,
    "croissant": Direction.HIGHER,
    "lower": Direction.LOWER, "down": Direction.LOWER, "low": Direction.LOWER, "less": Direction.LOWER,
    "baisse": Direction.LOWER, "bas": Direction.LOWER, "moins": Direction.LOWER,
    "decroissant": Direction.LOWER,
}  # fmt: skip
CADENCE_WORDS: dict[str, Cadence] = {
    "week": Cadence.WEEK, "weekly": Cadence.WEEK, "semaine": Cadence.WEEK, "hebdo": Cadence.WEEK,
    "hebdomadaire": Cadence.WEEK,
    "month": Cadence.MONTH, "monthly": Cadence.MONTH, "mois": Cadence.MONTH, "mensuel": Cadence.MONTH,
    "mensuelle": Cadence.MONTH,
    "quarter": Cadence.QUARTER, "quarterly": Cadence.QUARTER, "trimestre": Cadence.QUARTER,
    "trimestriel": Cadence.QUARTER, "trimestrielle": Cadence.QUARTER,
    "year": Cadence.YEAR, "yearly": Cadence.YEAR, "annual": Cadence.YEAR, "annee": Cadence.YEAR,
    "an": Cadence.YEAR, "annuel": Cadence.YEAR, "annuelle": Cadence.YEAR,
}  # fmt: skip
# The words each language's help and error messages show (the others stay accepted as aliases).
SHOWN_WORDS: dict[str, dict[str, str]] = {
    "fr": {
        Kind.NUMBER: "nombre", Kind.PERCENT: "pourcentage", Kind.RATIO: "ratio", Kind.BOOL: "oui-non",
        Level.OPERATIONAL: "opérationnel", Level.STRATEGIC: "stratégique",
        Cadence.WEEK: "hebdomadaire", Cadence.MONTH: "mensuelle", Cadence.QUARTER: "trimestrielle",
        Cadence.YEAR: "annuelle",
        # the action plan's words (bot.domain.actions), by their stored value
        "todo": "à-faire", "doing": "en-cours", "done": "finie", "abandoned": "abandonnée",
        "reflexion": "réflexion", "experimentation": "expérimentation", "realisation": "réalisation",
        "prioritaire": "prioritaire", "recommande": "recommandée",
        "easy": "facile", "medium": "moyenne", "hard": "difficile",
        Direction.HIGHER: "hausse", Direction.LOWER: "baisse",
    },
    "en": {
        Kind.NUMBER: "number", Kind.PERCENT: "percent", Kind.RATIO: "ratio", Kind.BOOL: "yes-no",
        Level.OPERATIONAL: "operational", Level.STRATEGIC: "strategic",
        Cadence.WEEK: "weekly", Cadence.MONTH: "monthly", Cadence.QUARTER: "quarterly",
        Cadence.YEAR: "yearly",
        Direction.HIGHER: "higher", Direction.LOWER: "lower",
    },
}  # fmt: skip
TRUE_WORDS = frozenset({"oui", "yes", "o", "y", "vrai", "true"})
FALSE_WORDS = frozenset({"non", "no", "n", "faux", "false"})

DIGITS = "0123456789"
SIGNS = "+-\u2212"  # the typographic minus (U+2212) is what Word and phones put before a number
# Between groups of three digits: space, no-break space, narrow no-break space, thin space, apostrophes.
GROUP_SPACES = " \u00a0\u202f\u2009'\u2019"
_SPACE_SPLIT = re.compile("[" + GROUP_SPACES + "]")
# Punctuation that ends a value without being part of it: "45/60, bonne semaine".
TRAILING_PUNCTUATION = ",;:.!?)"
RATIO_WORDS = frozenset({"sur", "of"})
# For a ratio indicator only: "45 de 60", "45 out of 60".
RATIO_ONLY_WORDS = frozenset({"de", "out of"})
PERCENT_WORDS = frozenset(
    {"%", "pourcent", "pourcents", "pour-cent", "pour cent", "percent", "per cent", "pct"}
)
# "1,5 k", "3 millions": a scale word is a question (type the whole number), never a unit or a note.
SCALE_WORDS = frozenset(
    {"k", "m", "md", "mds", "mille", "million", "millions", "milliard", "milliards", "thousand",
     "thousands", "billion", "billions", "bn"}
)  # fmt: skip
# "850 kg CO2e" for an indicator in kg: the qualifier belongs to the unit.
CO2_WORDS = frozenset({"co2", "co2e", "co2eq", "eqco2", "eq.co2", "éqco2", "éq.co2", "co₂", "co₂e"})


class ParsedValue(NamedTuple):
    """A value ready to store: `value` always set, numerator/denominator for ratios.

    `typed` is the value as typed (with its unit) when it was converted to the indicator's unit;
    `warnings` name what the echo must point out (a percentage outside 0–100). A named tuple:
    immutable as a frozen dataclass, built in a third of its time (an import reads 100,000)."""

    value: float
    numerator: float | None = None
    denominator: float | None = None
    typed: str = ""
    warnings: tuple[str, ...] = ()
    typed_unit: str = ""  # the unit or % written after the number, if any


# --- numbers ---------------------------------------------------------------------------------------


_NUMBER_CHARS = frozenset(DIGITS + ".,")  # a number's characters, its signs and spaces aside


def _is_digit(ch: str) -> bool:
    return ch in DIGITS


def scan_number(text: str, pos: int = 0) -> int | None:
    """Where the number that starts at `pos` ends (None when none starts there), whatever the language.

    A space-like separator is part of the number only between groups: one to three digits first,
    then exactly three digits each, and no decimal mark before it ("1 234,5" is one number, "12 5"
    and "2026 12" are not)."""
    i, n = pos, len(text)
    if i < n and text[i] in SIGNS:
        i += 1
    if i >= n or not _is_digit(text[i]):
        return None
    run, first_run, marks = 0, True, False
    while i < n:
        ch = text[i]
        if ch in DIGITS:  # _is_digit, inlined: this loop reads every character of every figure
            run += 1
            i += 1
        elif ch in ".," and i + 1 < n and text[i + 1] in DIGITS:
            marks = True
            run = 0
            i += 1
        elif ch in GROUP_SPACES and not marks and _starts_group(text, i, run, first_run):
            first_run, run = False, 0
            i += 1
        else:
            break
    return i


def _starts_group(text: str, i: int, run: int, first_run: bool) -> bool:
    """Whether the separator at i stands between groups: 1-3 digits (then 3) before, exactly 3 after."""
    group = text[i + 1 : i + 4]
    return (
        (1 <= run <= 3 if first_run else run == 3)
        and len(group) == 3
        and all(_is_digit(c) for c in group)
        and (i + 4 >= len(text) or not _is_digit(text[i + 4]))
    )


def _valid_groups(groups: list[str]) -> bool:
    # A grouped number never starts with a 0 group: "0,125" is a decimal, not 125.
    first = groups[0]
    return (
        bool(first)
        and len(first) <= 3
        and (len(groups) == 1 or first[0] != "0")
        and all(len(g) == 3 for g in groups[1:])
    )


def number_value(raw: str, lang: str) -> Decimal:
    """The exact value of a number span found by scan_number, read in `lang`; refuses what is ambiguous."""
    text = raw.strip()
    shown = text[:MAX_NUMBER_CHARS]
    if not text or len(text) > MAX_NUMBER_CHARS:
        too_many_digits = sum(c.isdigit() for c in text) > MAX_NUMBER_CHARS // 2
        key = N_("error.number_too_large") if too_many_digits else N_("error.not_a_number")
        raise InvalidInput(key, value=shown)
    sign = "-" if text[0] in "-\u2212" else ""
    body = text[1:] if text[0] in SIGNS else text
    spaced_parts = _SPACE_SPLIT.split(body)
    spaced = len(spaced_parts) > 1
    s = "".join(spaced_parts)
    if not s or not _NUMBER_CHARS.issuperset(s) or not _is_digit(s[0]) or not _is_digit(s[-1]):
        raise InvalidInput("error.not_a_number", value=shown)
    commas, dots = s.count(","), s.count(".")
    if commas and dots:
        # Both marks: the last one is the decimal mark, the other groups thousands ("1.234,5").
        decimal_mark, group = (",", ".") if s.rfind(",") > s.rfind(".") else (".", ",")
        int_part, _, frac = s.rpartition(decimal_mark)
        if spaced or decimal_mark in int_part or not _valid_groups(int_part.split(group)):
            raise InvalidInput("error.not_a_number", value=shown)
        int_part = int_part.replace(group, "")
    elif commas:
        groups = s.split(",")
        if lang == "en":
            if not spaced and _valid_groups(groups):
                int_part, frac = "".join(groups), ""
            elif commas == 1:
                raise InvalidInput("error.decimal_comma", value=shown, suggestion=sign + s.replace(",", "."))
            else:
                raise InvalidInput("error.not_a_number", value=shown)
        elif commas == 1:
            int_part, frac = groups
        else:
            raise InvalidInput("error.not_a_number", value=shown)
    elif dots:
        groups = s.split(".")
        if dots == 1:
            int_part, frac = groups
            if (
                lang != "en"
                and not spaced
                and len(frac) == 3
                and _valid_groups(groups)
                and int_part[0] != "0"
            ):
                # In French a point may group thousands (1.234) or be a decimal mark (1.234 = 1,234).
                raise InvalidInput(
                    "error.ambiguous_number", value=shown, decimal=sign + s.replace(".", ","),
                    whole=sign + int_part + frac,
                )  # fmt: skip
        elif lang != "en" and not spaced and _valid_groups(groups):
            int_part, frac = "".join(groups), ""
        else:
            raise InvalidInput("error.not_a_number", value=shown)
    else:
        int_part, frac = s, ""
    value = Decimal(f"{sign}{int_part}.{frac or '0'}")
    if abs(value) > Decimal(MAX_ABS_VALUE):
        raise InvalidInput("error.number_too_large", value=shown)
    return value


def parse_number(raw: str, lang: str = "fr") -> float:
    """A whole text that is one number in `lang` (`12,5`, `1 234,5`, `−3`; `1,234.5` in English)."""
    text = raw.strip()
    end = scan_number(text)
    if end is None or end != len(text):
        raise InvalidInput("error.not_a_number", value=text[:MAX_NUMBER_CHARS])
    return _finite(float(number_value(text, lang)), text)


def _finite(value: float, raw: str) -> float:
    if not math.isfinite(value) or abs(value) > MAX_ABS_VALUE:
        raise InvalidInput("error.number_too_large", value=raw[:MAX_NUMBER_CHARS])
    return value


# --- units -----------------------------------------------------------------------------------------

# Symbol → (dimension, factor to the dimension's base unit). Symbols are matched as written; the
# longer words (tonnes, euros…) whatever their case and accents.
_UNITS: dict[str, tuple[str, Decimal]] = {}


def _add(dimension: str, factor: str, *names: str) -> None:
    for name in names:
        _UNITS[name] = (dimension, Decimal(factor))


_add("mass", "1", "g", "gramme", "grammes", "gram", "grams")
_add("mass", "1000", "kg", "Kg", "KG", "kilo", "kilos", "kilogramme", "kilogrammes", "kilogram", "kilograms")
_add("mass", "1000000", "t", "T", "tonne", "tonnes", "ton", "tons")
# Carbon is counted in mass of CO2 equivalent: "12 t" for an indicator in "kg CO2e" is 12 000.
_add("mass", "1", "gCO2e", "gCO2", "geqCO2", "gCO2eq")
_add("mass", "1000", "kgCO2e", "kgCO2", "kgeqCO2", "kgCO2eq", "kg.CO2e")
_add("mass", "1000000", "tCO2e", "tCO2", "teqCO2", "tCO2eq", "t.CO2e")
_add("money", "1", "€", "EUR", "eur", "euro", "euros")
_add("money", "1000", "k€", "K€", "kEUR", "keur", "KEUR")
_add("money", "1000000", "M€", "MEUR", "meur")
_add("money", "1000000000", "Md€", "Mds€", "md€")
_add("data", "1", "o", "octet", "octets", "B", "byte", "bytes")
_add("data", "1000", "ko", "Ko", "kB", "KB", "kilooctet", "kilooctets")
_add("data", "1000000", "Mo", "MB", "mégaoctet", "mégaoctets")
_add("data", "1000000000", "Go", "GB", "gigaoctet", "gigaoctets")
_add("data", "1000000000000", "To", "TB", "téraoctet", "téraoctets")
_add("data", "1000000000000000", "Po", "PB")
_add("energy", "1", "Wh", "wh")
_add("energy", "1000", "kWh", "kwh", "KWh")
_add("energy", "1000000", "MWh", "mwh")
_add("energy", "1000000000", "GWh", "gwh")
_add("power", "1", "W")
_add("power", "1000", "kW", "KW")
_add("power", "1000000", "MW")
_add("time", "0.001", "ms")
_add("time", "1", "s", "sec", "seconde", "secondes", "second", "seconds")
_add("time", "60", "min", "mn", "minute", "minutes")
_add("time", "3600", "h", "heure", "heures", "hour", "hours")
_add("time", "86400", "j", "jour", "jours", "day", "days")
_FOLDED_UNITS = {k.casefold(): v for k, v in _UNITS.items() if len(k) >= 4}


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c) and not c.isspace())


def _singular(folded: str) -> str:
    return folded[:-1] if len(folded) > 3 and folded.endswith("s") else folded


def same_unit(typed: str, unit: str) -> bool:
    """Whether a typed unit is the indicator's own: case, accents, spaces and a plural s aside, or
    another name of it (`euros` for `€`)."""
    if not unit:
        return False
    typed, unit = (_PLURAL_MARK.sub(r"\g<stem>", name.strip()) for name in (typed, unit))  # réunion(s)
    if _singular(_fold(typed)) == _singular(_fold(unit)):
        return True
    known = known_unit(typed)
    return known is not None and known == known_unit(unit)


def _is_symbol(word: str) -> bool:
    # "$", "£", "°F": a word that starts with a currency or other sign is a unit, never the start of a note.
    return bool(word) and unicodedata.category(word[0]).startswith("S")


_PLURAL_MARK = re.compile(r"^(?P<stem>.*\w)\((?P<mark>s|x|es)\)$")


def agreeing_unit(unit: str, amount: float, lang: str) -> str:
    """A unit written with its plural mark, `réunion(s)`, agrees with the amount it follows: French
    makes plural from 2 on (0,5 réunion, 1 réunion, 3 réunions), English all but 1 (1 meeting,
    0.5 meetings). Any other unit is shown as typed, for an abbreviation (kWh, t, €) never agrees."""
    match = _PLURAL_MARK.match(unit.strip())
    if match is None:
        return unit
    plural = abs(amount) >= 2 if lang == "fr" else abs(amount) != 1
    return match["stem"] + (match["mark"] if plural else "")


def known_unit(name: str) -> tuple[str, Decimal] | None:
    """The dimension and factor of a unit Pilote knows, or None."""
    for candidate in (name, "".join(name.split())):
        found = _UNITS.get(candidate) or _FOLDED_UNITS.get(unicodedata.normalize("NFC", candidate).casefold())
        if found is not None:
            return found
    words = name.split()
    if len(words) == 2 and words[1].casefold() in CO2_WORDS:
        # "tonnes CO2e", "kg éqCO2": a mass of CO2 equivalent.
        base = known_unit(words[0])
        return base if base is not None and base[0] == "mass" else None
    return None


def _is_percent_sign(text: str) -> bool:
    return _fold_words(text) in PERCENT_WORDS


def _fold_words(text: str) -> str:
    return " ".join(text.casefold().split())


def _convert(amount: Decimal, typed_unit: str, unit: str, typed: str) -> Decimal | None:
    """The amount in `unit` when `typed_unit` converts to it (None: another dimension); an error when
    the conversion is not exact (10 min in hours): the user types it in the indicator's unit."""
    src, dst = known_unit(typed_unit), known_unit(unit)
    if src is None or dst is None or src[0] != dst[0]:
        return None
    context = decimal.Context(prec=28, traps=[decimal.Inexact, decimal.Overflow])
    try:
        return context.divide(context.multiply(amount, src[1]), dst[1])
    except (decimal.Inexact, decimal.Overflow):
        raise InvalidInput("error.unit_inexact", value=typed, unit=unit) from None


# --- values ----------------------------------------------------------------------------------------


def _skip_spaces(text: str, i: int) -> int:
    while i < len(text) and text[i].isspace():
        i += 1
    return i


def _word_at(text: str, i: int) -> str:
    j = i
    while j < len(text) and not text[j].isspace():
        j += 1
    return text[i:j]


def _strip_punctuation(word: str) -> str:
    return word.rstrip(TRAILING_PUNCTUATION) or word


def _ratio_at(text: str, i: int, kind: Kind) -> int | None:
    """Where the denominator starts when a ratio mark (`/`, `sur`, `of`; also `de`, `out of` for a
    ratio) stands at i, else None. For a ratio, a mark with no number after it is a question."""
    if i < len(text) and text[i] == "/":
        return _skip_spaces(text, i + 1)
    word = _word_at(text, i)
    marks = RATIO_WORDS | RATIO_ONLY_WORDS if kind is Kind.RATIO else RATIO_WORDS
    two = " ".join(text[i:].split()[:2]).casefold()
    mark = two if two in marks else word.casefold() if word.casefold() in marks else ""
    if not mark:
        return None
    j = i
    for part in mark.split():
        j = _skip_spaces(text, j)
        j += len(part)
    j = _skip_spaces(text, j)
    if scan_number(text, j) is not None:
        return j
    if kind is Kind.RATIO and mark in RATIO_WORDS:
        raise InvalidInput("error.missing_denominator", value=" ".join(text[:j].split()[-2:])[:40])
    return None


def _unit_at(text: str, i: int, unit: str) -> str:
    """The unit written at i (after a space): `%`, the indicator's unit, or a unit Pilote knows; else ""."""
    if unit and " " in unit.strip():
        # A unit of several words ("kg CO2e"): the same words, whatever the spacing and case.
        words = unit.split()
        candidate = text[i:].split()[: len(words)]
        if candidate and same_unit(" ".join(candidate[:-1] + [_strip_punctuation(candidate[-1])]), unit):
            end = i
            for w in candidate:
                end = text.index(w, end) + len(w)
            return text[i:end].rstrip(TRAILING_PUNCTUATION) or text[i:end]
    pair = text[i:].split()[:2]
    if len(pair) == 2 and _is_percent_sign(" ".join([pair[0], _strip_punctuation(pair[1])])):  # "pour cent"
        return text[i : text.index(pair[1], i + len(pair[0])) + len(_strip_punctuation(pair[1]))]
    word = _strip_punctuation(_word_at(text, i))
    if word and (
        _is_percent_sign(word)
        or same_unit(word, unit)
        or known_unit(word) is not None
        or _is_symbol(word)
        or word.casefold() in SCALE_WORDS
    ):
        return _with_co2(text, i, word)
    return ""


def _with_co2(text: str, i: int, word: str) -> str:
    """The unit word, with the CO2 qualifier that follows it ("kg CO2e") when there is one."""
    after = _skip_spaces(text, i + len(word))
    qualifier = _strip_punctuation(_word_at(text, after))
    if after > i + len(word) and qualifier.casefold() in CO2_WORDS and known_unit(word) is not None:
        return text[i : after + len(qualifier)]
    return word


def _apply_unit(
    amount: Decimal, typed_unit: str, *, kind: Kind, unit: str, typed: str, number: str
) -> tuple[Decimal, str]:
    """The amount in the indicator's unit, and the typed text when a conversion happened."""
    if not typed_unit:
        return amount, ""
    if kind in (Kind.PERCENT, Kind.RATIO):
        if _is_percent_sign(typed_unit):
            return amount, ""
        raise InvalidInput("error.unit_not_percent", value=typed, number=number)
    if same_unit(typed_unit, unit):
        return amount, ""
    if not unit:
        raise InvalidInput("error.unit_not_expected", value=typed, typed_unit=typed_unit, number=number)
    converted = _convert(amount, typed_unit, unit, typed)
    if converted is None:
        raise InvalidInput(
            "error.unit_mismatch", value=typed, typed_unit=typed_unit, unit=unit, number=number
        )
    return converted, typed


def read_value(
    text: str, *, kind: Kind, unit: str = "", lang: str = "fr", start: int = 0
) -> tuple[ParsedValue, int]:
    """The value at the start of `text` for an indicator of that kind and unit, and where it ends.

    Reads one number with its optional unit (glued or after a space) or `%`, a ratio `45/60`,
    `45 sur 60` or `45 of 60`, or oui/non. Whatever follows is left to the caller (the note)."""
    i = _skip_spaces(text, start)
    first = _word_at(text, i)
    if not first:
        raise InvalidInput("error.missing_value_here")
    if kind is Kind.BOOL:
        word = _strip_punctuation(first).casefold()
        if word in TRUE_WORDS or word in FALSE_WORDS:
            return ParsedValue(1.0 if word in TRUE_WORDS else 0.0), i + len(_strip_punctuation(first))
        if scan_number(text, i) is not None:
            raise InvalidInput("error.bool_not_number", value=first[:MAX_NUMBER_CHARS])
        raise InvalidInput("error.not_a_bool", value=first[:MAX_NUMBER_CHARS])
    end = scan_number(text, i)
    if end is None:
        raise InvalidInput("error.not_a_number", value=_strip_punctuation(first)[:MAX_NUMBER_CHARS])
    amount = number_value(text[i:end], lang)
    after = _skip_spaces(text, end)
    den_start = _ratio_at(text, after, kind)
    if den_start is not None:
        return _read_ratio(text, i, amount, den_start, kind=kind, lang=lang)
    glued = _strip_punctuation(_word_at(text, end)) if end < len(text) and not text[end].isspace() else ""
    if glued and glued[0] in ".,":
        glued = ""  # "12,", "12." : punctuation after the number, not a unit
    if glued:
        typed_unit, stop = glued, end + len(glued)
    else:
        typed_unit = _unit_at(text, after, unit) if after > end else ""
        stop = after + len(typed_unit) if typed_unit else end
    typed = " ".join(text[i:stop].split())
    if typed_unit.casefold() in SCALE_WORDS:
        raise InvalidInput("error.scale_word", value=typed, number=text[i:end])
    if kind in (Kind.PERCENT, Kind.RATIO) and not typed_unit and 0 < abs(amount) < 1:
        # 0,75 for a rate: 0,75 % or 75 %? Only the user knows.
        raise InvalidInput("error.fraction_or_percent", value=typed, percent=_times_100(amount, lang))
    if glued and not _is_percent_sign(glued) and not same_unit(glued, unit) and known_unit(glued) is None:
        if _EXPONENT.fullmatch(glued):  # "1e3", "2,5E-2": a spreadsheet's scientific notation
            raise InvalidInput("error.exponent", value=typed[:MAX_NUMBER_CHARS])
        raise InvalidInput(
            "error.unknown_unit", value=typed[:MAX_NUMBER_CHARS], number=text[i:end], suffix=glued, unit=unit
        )
    stored, converted = _apply_unit(amount, typed_unit, kind=kind, unit=unit, typed=typed, number=text[i:end])
    value = _finite(float(stored), typed)
    warnings = ("percent_out_of_range",) if kind is not Kind.NUMBER and not 0 <= value <= 100 else ()
    return ParsedValue(value, typed=converted, warnings=warnings, typed_unit=typed_unit), stop


def _read_ratio(
    text: str, start: int, numerator: Decimal, den_start: int, *, kind: Kind, lang: str
) -> tuple[ParsedValue, int]:
    den_end = scan_number(text, den_start)
    typed = " ".join(text[start : den_end or den_start].split())
    if den_end is None:
        raise InvalidInput("error.not_a_number", value=_word_at(text, den_start)[:MAX_NUMBER_CHARS] or typed)
    if kind is not Kind.RATIO:
        raise InvalidInput("error.not_a_ratio", value=typed[:MAX_NUMBER_CHARS], kind=str(kind))
    denominator = number_value(text[den_start:den_end], lang)
    # "45/60 %" or "45/60%": the sign says what a ratio already is.
    if text.startswith("%", den_end):
        den_end += 1
    elif (after := _skip_spaces(text, den_end)) > den_end and _strip_punctuation(
        _word_at(text, after)
    ) == "%":
        den_end = after + 1
    tail = _strip_punctuation(_word_at(text, den_end))
    if tail and tail[0] not in TRAILING_PUNCTUATION:
        raise InvalidInput("error.not_a_number", value=(typed + tail)[:MAX_NUMBER_CHARS])
    if denominator == 0:
        raise InvalidInput("error.ratio_zero", value=typed)
    if numerator < 0 or denominator < 0:
        raise InvalidInput("error.ratio_negative", value=typed)
    value = _finite(float(numerator) / float(denominator) * 100, typed)
    warnings = ("percent_out_of_range",) if value > 100 else ()
    return ParsedValue(value, float(numerator), float(denominator), warnings=warnings), den_end


def _times_100(amount: Decimal, lang: str) -> str:
    shown = format((amount * 100).normalize(), "f")
    return shown.replace(".", ",") if lang != "en" else shown


_BOOL, _NUMBER, _RATIO = Kind.BOOL, Kind.NUMBER, Kind.RATIO  # a member through its class costs a call
_EXPONENT = re.compile(r"[eE][+\-\u2212]?\d+")  # what follows the number in "1e3", "2,5E-2"
_PLAIN_DIGITS = 15  # under MAX_ABS_VALUE
_OUT_OF_RANGE = ("percent_out_of_range",)


def _plain_digits(text: str) -> bool:
    """ASCII digits, no leading zero (but "0"), at most 15 of them."""
    return text.isdigit() and len(text) <= _PLAIN_DIGITS and (text[0] != "0" or text == "0")


def plain_value(kind: Kind, raw: str) -> ParsedValue | None:
    """The value of a plain whole number or ratio of whole numbers, read straight: the very value
    read_value gives for it, in every language (no group, no mark, no unit can make it mean anything
    else), without its scans. None for anything else, which read_value reads (or refuses)."""
    if kind is _BOOL or not raw.isascii():  # isdigit() alone takes "²" and other scripts' digits
        return None
    numerator, slash, denominator = raw.partition("/")
    if not _plain_digits(numerator):
        return None
    if not slash:
        value = float(numerator)  # at most 15 digits: exactly the integer's float
        out_of_range = kind is not _NUMBER and not 0 <= value <= 100
        return ParsedValue(value, warnings=_OUT_OF_RANGE if out_of_range else ())
    if kind is not _RATIO or not _plain_digits(denominator) or denominator == "0":
        return None  # "45/60" for a number, "45/0", "45/6 0": read_value says why not
    num, den = float(numerator), float(denominator)
    value = num / den * 100
    return ParsedValue(value, num, den, "", _OUT_OF_RANGE if value > 100 else ())


def parse_value(kind: Kind, raw: str, *, unit: str = "", lang: str = "fr") -> ParsedValue:
    """A whole text that is one value for an indicator of that kind (a form's value field)."""
    return plain_value(kind, raw) or parse_value_fully(kind, raw, unit=unit, lang=lang)


def parse_value_fully(kind: Kind, raw: str, *, unit: str, lang: str) -> ParsedValue:
    """parse_value without its plain-figure shortcut: the full reading of the whole text."""
    parsed, end = read_value(raw, kind=kind, unit=unit, lang=lang)
    rest = raw[end:].strip()
    if rest:
        check_no_number_mark(raw[:end], rest)
        raise InvalidInput("error.value_then_text", value=raw.strip()[:60], rest=rest[:40])
    return parsed


def check_no_number_mark(value_text: str, rest: str) -> None:
    """Refuse what follows a value when it would change that value unread: a per mille (`12,5 ‰` is
    1,25 %), a fraction (`12 ½` is 12,5), an exponent (`²`). Stored without it, the figure would be
    another one than the one typed; written in figures, it is read."""
    mark = rest[:1]
    if mark and (mark in "‰‱" or unicodedata.category(mark) == "No"):
        raise InvalidInput("error.value_mark", value=f"{' '.join(value_text.split())} {mark}"[:60], mark=mark)


def parse_threshold(kind: Kind, raw: str, *, lang: str = "fr", unit: str = "") -> float:
    """A target or threshold: a number (with `%` or the indicator's unit), or oui/non for yes/no ones."""
    if kind is Kind.BOOL:
        return parse_value(kind, raw, lang=lang).value
    return parse_value(kind, raw, unit=unit if kind is Kind.NUMBER else "%", lang=lang).value


def parse_amount(raw: str, *, lang: str = "fr") -> float:
    """A plain amount for a setting (a margin, a percentage of change): a number, `%` allowed."""
    return parse_value(Kind.NUMBER, raw, unit="%", lang=lang).value
