"""Message catalogues (fr, en) and locale-aware formatting of numbers, periods and values."""

from __future__ import annotations

import datetime as dt
import gettext
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_skeleton, format_time, get_datetime_format
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from babel.numbers import parse_pattern

from bot.domain.keys import N_ as N_
from bot.domain.keys import NN_ as NN_  # re-exported for the Slack layer
from bot.domain.periods import Granularity, Period
from bot.domain.values import Kind, agreeing_unit

# The catalogues are gettext files, bot/i18n/locales/<lang>/LC_MESSAGES/pilote.po, read once at
# start (no compiled .mo to build or to forget). Their msgids are stable keys ("kpi.recorded"), the
# English catalogue being the source text that translators see next to each key. A message that
# takes a count has plural forms (msgid_plural = the same key), chosen by the file's Plural-Forms.
LOCALES_DIR = Path(__file__).parent / "locales"
DOMAIN = "pilote"
Forms = tuple[str, ...]


def po_path(lang: str) -> Path:
    """Where the catalogue of `lang` lives."""
    return LOCALES_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalogue(lang: str) -> Catalog:
    """The .po of `lang` as Babel reads it."""
    with po_path(lang).open("rb") as f:
        return read_po(f, locale=lang, domain=DOMAIN)


# French typography, applied to the French catalogue as it is read, so that translators type ordinary
# spaces: a no-break space before ":", a narrow one before ";", "!", "?", "»", "%" and after "«". Not inside
# `code` (what the user copies and types), not before an :emoji:, and not after a mrkdwn marker (*bold* _italic_ ~struck~
# `code`), which Slack only closes before an ordinary space or punctuation.
_CODE_SPAN = re.compile(r"(`[^`]*`)")
_BEFORE_COLON = re.compile(r"(?<=[^\s*_~`]) :(?![a-z0-9_+-]+:)")  # not an :emoji:
_BEFORE_MARK = re.compile(r"(?<=[^\s*_~`]) ([;!?»%])")  # and "100 %": the sign keeps to its figure
_AFTER_QUOTE = re.compile(r"« (?=[^\s*_~`])")


def french_spacing(text: str) -> str:
    """`text` with French no-break spaces (see above); code spans unchanged."""
    parts = _CODE_SPAN.split(text)
    for i in range(0, len(parts), 2):  # the even parts are outside code spans
        part = _BEFORE_COLON.sub("\u00a0:", parts[i])
        part = _BEFORE_MARK.sub("\u202f\\1", part)
        parts[i] = _AFTER_QUOTE.sub("«\u202f", part)
    return "".join(parts)


def _typeset(lang: str, text: str) -> str:
    return french_spacing(text) if lang == "fr" else text


def _load(lang: str) -> tuple[dict[str, str | Forms], Callable[[int], int]]:
    catalogue = read_catalogue(lang)
    messages: dict[str, str | Forms] = {}
    for message in catalogue:
        if not message.id or message.fuzzy:  # the header; a fuzzy entry is not a translation yet
            continue
        key = message.id[0] if isinstance(message.id, tuple | list) else message.id
        if message.pluralizable:
            messages[key] = tuple(_typeset(lang, form) for form in message.string)
        else:
            messages[key] = _typeset(lang, message.string)
    return messages, gettext.c2py(catalogue.plural_expr)


_LOADED = {lang: _load(lang) for lang in ("fr", "en")}
CATALOGUES: dict[str, dict[str, str | Forms]] = {lang: loaded[0] for lang, loaded in _LOADED.items()}
_PLURAL: dict[str, Callable[[int], int]] = {lang: loaded[1] for lang, loaded in _LOADED.items()}
LANGUAGES = tuple(CATALOGUES)
# Parsed once: Babel would otherwise parse the locale and the pattern on every number it formats.
_LOCALES = {"fr": Locale.parse("fr_FR"), "en": Locale.parse("en_GB")}
_ROUNDED = parse_pattern("#,##0.##")
_SYMBOLS = {
    lang: (symbols["group"], symbols["decimal"], symbols["minusSign"])
    for lang, symbols in ((k, loc.number_symbols["latn"]) for k, loc in _LOCALES.items())
}
NNBSP = "\u202f"  # French typography: narrow no-break space before % and between thousands


def language_of(lang: str | None, fallback: str = "fr") -> str:
    """A supported language from a workspace setting or a Slack locale like `en-US`."""
    if lang:
        short = lang.replace("_", "-").split("-")[0].lower()
        if short in CATALOGUES:
            return short
    return fallback if fallback in CATALOGUES else "fr"


def _entry(lang: str, key: str) -> str | Forms:
    catalogue = CATALOGUES.get(lang, CATALOGUES["fr"])
    return catalogue.get(key) or CATALOGUES["fr"][key]


def t(lang: str, key: str, /, **params: Any) -> str:
    """The message `key` in `lang`, filled with `params` (a missing key falls back to French)."""
    template = _entry(lang, key)
    if isinstance(template, tuple):
        raise TypeError(f"{key} takes a count: use tn()")
    return template.format(**params) if params else template


def tn(lang: str, key: str, count: int, /, **params: Any) -> str:
    """The form of the message `key` that agrees with `count` (fr: 0 and 1 singular), filled with
    `params` and with `count` written as a number of the language unless given."""
    forms = _entry(lang, key)
    if not isinstance(forms, tuple):
        raise TypeError(f"{key} has no plural forms: use t()")
    rule = _PLURAL.get(lang, _PLURAL["fr"])
    params.setdefault("count", number(lang, count))
    return forms[min(rule(count), len(forms) - 1)].format(**params)


def number(lang: str, value: float, *, exact: bool = True) -> str:
    """A number as people of that language write it: 1 234,5 or 1,234.5; every digit of the stored
    value unless `exact` is False (derived figures: two decimals at most)."""
    locale = _LOCALES.get(lang, _LOCALES["fr"])
    if not exact:
        return _ROUNDED.apply(value, locale)
    # Every reply echoes a value: the shortest exact digits of the double, grouped with the locale's
    # own symbols, without Babel's pattern machinery (a tenth of a millisecond a number).
    group, mark, minus = _SYMBOLS.get(lang, _SYMBOLS["fr"])
    digits = format(Decimal(repr(float(value))), "f")
    sign, digits = (minus if value else "", digits[1:]) if digits.startswith("-") else ("", digits)
    whole, _, frac = digits.partition(".")
    frac = frac.rstrip("0")
    grouped = whole if len(whole) <= 3 else f"{int(whole):,}".replace(",", group)
    return f"{sign}{grouped}{mark + frac if frac else ''}"


def value(
    lang: str,
    kind: Kind,
    amount: float,
    unit: str = "",
    numerator: float | None = None,
    denominator: float | None = None,
) -> str:
    """A reading as shown to users: `12,5 %`, `75 % (45/60)`, `oui`, `3 200 €`."""
    if kind is Kind.BOOL:
        return t(lang, "bool.true") if amount >= 0.5 else t(lang, "bool.false")
    if kind in (Kind.PERCENT, Kind.RATIO):
        sep = NNBSP if lang == "fr" else ""
        # A ratio's percentage is derived from two typed figures (45/60): two decimals say it, and
        # the figures themselves are shown exactly.
        derived = kind is Kind.RATIO and len(repr(float(amount)).partition(".")[2]) > 6
        share = number(lang, amount, exact=not derived and numerator is None)
        if numerator is not None and denominator is not None:
            return f"{share}{sep}% ({number(lang, numerator)}/{number(lang, denominator)})"
        return f"{share}{sep}%"
    if not unit:
        return number(lang, amount)
    return f"{number(lang, amount)}{NNBSP if lang == 'fr' else ' '}{agreeing_unit(unit, amount, lang)}"


def period(lang: str, p: Period) -> str:
    """A period as words: 31 oct. 2026, semaine 44 de 2026 (26 oct. – 1 nov.), octobre 2026, T3 2026, 2026."""
    locale = _LOCALES.get(lang, _LOCALES["fr"])
    match p.granularity:
        case Granularity.DAY:
            return format_date(p.start, format="medium", locale=locale)
        case Granularity.WEEK:
            year, week, _ = p.start.isocalendar()
            first, last = (format_skeleton("MMMd", d, locale=locale) for d in (p.start, p.end))
            return t(lang, "period.week", week=week, year=year, first=first, last=last)
        case Granularity.MONTH:
            return format_skeleton("yMMMM", p.start, locale=locale)
        case Granularity.QUARTER:
            return t(lang, "period.quarter", q=(p.start.month - 1) // 3 + 1, year=p.start.year)
        case _:
            return str(p.start.year)


def day(lang: str, d: dt.date) -> str:
    """A date as words ("1er juin 2026": French writes the first of a month as an ordinal)."""
    return _first_of_month(
        lang, d, format_date(d, format="medium", locale=_LOCALES.get(lang, _LOCALES["fr"]))
    )


def _first_of_month(lang: str, d: dt.date, text: str) -> str:
    return "1er" + text[1:] if lang == "fr" and d.day == 1 and text.startswith("1 ") else text


def moment(lang: str, at: dt.datetime, timezone: str) -> str:
    """A moment (aware) as read where the workspace is: 2 déc. 2026, 00:49 (fr), 2 Dec 2026, 00:49 (en)."""
    locale = _LOCALES.get(lang, _LOCALES["fr"])
    # Converted first: format_date would take the UTC date of an aware datetime.
    local = (at if at.tzinfo else at.replace(tzinfo=dt.UTC)).astimezone(ZoneInfo(timezone))
    # The locale's own glue ("{1}, {0}") between its medium date and its short time: Babel has no
    # single pattern for that pair (its medium datetime carries seconds).
    glue = get_datetime_format("medium", locale=locale)
    date = _first_of_month(lang, local.date(), format_date(local.date(), format="medium", locale=locale))
    time = format_time(local, format="short", locale=locale)
    return glue.replace("{1}", date).replace("{0}", time)
