import re
import string
from pathlib import Path

from bot import i18n
from bot.domain.periods import Granularity, Period
from bot.domain.values import Kind

ROOT = Path(__file__).resolve().parents[2]


def fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


def test_catalogues_have_the_same_keys_and_placeholders() -> None:
    fr, en = i18n.CATALOGUES["fr"], i18n.CATALOGUES["en"]
    assert fr.keys() == en.keys()
    for key in fr:
        assert fields(fr[key]) == fields(en[key]), key


def test_every_message_key_used_in_code_exists() -> None:
    used: set[str] = set()
    for path in list((ROOT / "bot").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        used |= set(
            re.findall(
                r'["\']((?:error|kpi|help|status|chart|action|plan|home|modal|alert|reminder|dashboard|schedule|forecast)\.[a-z_.]+)["\']',
                text,
            )
        )
    missing = {k for k in used if k not in i18n.CATALOGUES["fr"]}
    assert not missing


def test_french_and_english_formats() -> None:
    assert i18n.value("fr", Kind.PERCENT, 12.5) == "12,5\u202f%"
    assert i18n.value("en", Kind.PERCENT, 12.5) == "12.5%"
    assert i18n.value("fr", Kind.RATIO, 75, numerator=45, denominator=60) == "75\u202f% (45/60)"
    assert i18n.value("fr", Kind.NUMBER, 1234.5, "€") == "1\u202f234,5\u202f€"
    assert i18n.value("en", Kind.NUMBER, 1234.5) == "1,234.5"
    assert i18n.value("fr", Kind.BOOL, 1) == "oui" and i18n.value("en", Kind.BOOL, 0) == "no"


def test_periods_in_words() -> None:
    import datetime as dt

    assert i18n.period("fr", Period(dt.date(2026, 7, 1), Granularity.QUARTER)) == "T3 2026"
    assert i18n.period("en", Period(dt.date(2026, 7, 1), Granularity.QUARTER)) == "Q3 2026"
    assert i18n.period("fr", Period(dt.date(2026, 10, 1), Granularity.MONTH)) == "octobre 2026"


def test_language_of_slack_locales() -> None:
    assert i18n.language_of("en-US") == "en"
    assert i18n.language_of("fr-FR") == "fr"
    assert i18n.language_of("de-DE") == "fr"
