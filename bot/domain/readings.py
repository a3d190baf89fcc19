"""A reading as typed after `/kpi <code>`: its value, its @period wherever it stands, and its note.

Read once the indicator is known (its kind, unit and cadence decide what the words mean), in the
workspace's language, against the workspace's today. Nothing typed is dropped: what is not the
value, its unit or the period is the note, and what could be read two ways is refused.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import NamedTuple

from bot.domain.errors import InvalidInput
from bot.domain.periods import Period, default_period, match_period, may_start_period, parse_period
from bot.domain.text import MAX_NOTE_CHARS
from bot.domain.values import (
    RATIO_WORDS,
    Cadence,
    Kind,
    ParsedValue,
    check_no_number_mark,
    parse_value_fully,
    plain_value,
    read_value,
    scan_number,
)

# Quotes that group a note; an apostrophe (' ’) is a letter.
_QUOTES = {'"': '"', "“": "”", "«": "»", "„": "“"}
_NOTE_LEADS = ",;:.-–—"  # "45/60, bonne semaine", "12 — atelier": punctuation between value and note
_WORD_STARTS = " \t\n\u00a0\u202f("


# What a period can be refused for (a form shows these under its period field).
PERIOD_ERRORS = frozenset(
    {
        "error.ambiguous_date", "error.bad_period", "error.future_period", "error.no_such_date",
        "error.no_such_quarter", "error.no_such_week", "error.period_needs_year", "error.period_too_old",
        "error.period_short_year", *(f"error.bad_period_for.{c}" for c in Cadence),
        "error.semester_or_week", "error.two_periods", "error.missing_period",
        *(f"error.period_not_cadence.{c}" for c in Cadence),
    }
)  # fmt: skip


class ReadingInput(NamedTuple):
    """What a typed reading says: the value to store, its period, whether it was typed, the note.
    (A named tuple, as ParsedValue.)"""

    value: ParsedValue
    period: Period
    period_given: bool
    note: str


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each closed quotation in the text; an unclosed quote is an ordinary character."""
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(text):
        close = _QUOTES.get(text[i])
        if close is not None:
            j = text.find(close, i + 1)
            if j > i:
                spans.append((i, j + 1))
                i = j + 1
                continue
        i += 1
    return spans


def _period_marks(text: str) -> list[int]:
    """Where an `@` opens a period: at the start of a word, outside quotes, not a Slack mention <@U…>."""
    spans = quoted_spans(text)
    return [
        i
        for i, ch in enumerate(text)
        if ch == "@" and (i == 0 or text[i - 1] in _WORD_STARTS) and not any(a <= i < b for a, b in spans)
    ]


def cut_period(text: str, *, today: dt.date, lang: str) -> tuple[Period | None, str, str]:
    """The @period found anywhere in the text (`@2026-10`, `@ T3 2026`), and the text before and after it.

    The period is a boundary: what stands on each side is never joined into one number."""
    marks = _period_marks(text)
    if not marks:
        return None, text, ""
    if len(marks) > 1:
        raise InvalidInput("error.two_periods", first=_after(text, marks[0]), second=_after(text, marks[1]))
    at = marks[0]
    start = at + 1
    while start < len(text) and text[start].isspace():
        start += 1
    if start >= len(text):
        raise InvalidInput("error.missing_period")
    period, consumed = match_period(text[start:], today=today, lang=lang)
    return period, text[:at].strip(), text[start + consumed :].strip()


def _after(text: str, at: int) -> str:
    return text[at:].split(None, 1)[0][:30] if text[at:].strip() else "@"


def _clean_note(rest: str) -> tuple[str, bool]:
    """The note as typed, without the punctuation that separated it from the value; and whether the
    whole note was quoted (then its quotes are dropped)."""
    note = rest.strip()
    while note and note[0] in _NOTE_LEADS and (len(note) == 1 or note[1].isspace() or note[0] in ",;"):
        note = note[1:].lstrip()
    spans = quoted_spans(note)
    if len(spans) == 1 and spans[0] == (0, len(note)):
        return note[1:-1].strip(), True
    return note, False


def input_form(period: Period, lang: str) -> str:
    """How to type a period in error messages: 2026-10-31, 2026-10, 2026-T3 (2026-Q3), 2026-S44 (2026-W44)."""
    label = period.label()
    if lang == "en":
        return label.replace("-T", "-Q")
    return label.replace("-W", "-S")


def _in_cadence(period: Period, cadence: Cadence | None, lang: str) -> Period:
    """The period, when it is one of the indicator's cadence; otherwise a question naming the one to type."""
    if cadence is None:
        return period
    expected = default_period(cadence, period.start)
    if period.granularity is not expected.granularity:
        raise InvalidInput(
            f"error.period_not_cadence.{cadence}",
            value=input_form(period, lang),
            suggestion=input_form(expected, lang),
        )
    return period


def _note(note: str) -> str:
    if len(note) > MAX_NOTE_CHARS:
        raise InvalidInput("error.too_long", key="note", max=MAX_NOTE_CHARS)
    return note


def read_reading(
    text: str, *, kind: Kind, unit: str, cadence: Cadence | None, lang: str, today: dt.date
) -> ReadingInput:
    """`<value> [@period] [note]` in any order of period and note, as typed after the code."""
    if not text.strip():
        raise InvalidInput("error.missing_value_here")
    period, before, after = cut_period(text, today=today, lang=lang)
    # The value comes first: before the @period, or right after it when nothing stands before.
    body, tail = (before, after) if before else (after, "")
    value, end = read_value(body, kind=kind, unit=unit, lang=lang)
    rest = body[end:].strip()
    note, quoted = _clean_note(" ".join(part for part in (rest, tail) if part))
    if note and not quoted:
        # Only what touches the value may continue it: not what follows the period ("99 % @S41 3 coupures").
        touching = bool(rest) and not value.typed_unit
        _check_note_start(
            note, " ".join(body[:end].split()), value, kind=kind, today=today, lang=lang, touching=touching
        )
    chosen = _in_cadence(period, cadence, lang) if period else default_period(cadence, today)
    return ReadingInput(value=value, period=chosen, period_given=period is not None, note=_note(note))


# Words that may stand before a period written without its @: "pour octobre 2026", "en T3 2026".
_PERIOD_LEADS = frozenset({"pour", "en", "du", "au", "de", "le", "for", "in", "on", "of"})


def _check_note_start(
    note: str, value_text: str, value: ParsedValue, *, kind: Kind, today: dt.date, lang: str, touching: bool
) -> None:
    """Refuse a note that starts like something else: a period without its @, a second number, or a
    mark that changes the value (`12,5 ‰`)."""
    check_no_number_mark(value_text, note)
    words = note.split()
    for skip in (0, 1, 2):
        if skip and (len(words) <= skip or words[skip - 1].casefold() not in _PERIOD_LEADS):
            break
        rest = " ".join(words[skip:])
        if not rest or not may_start_period(words[skip]):
            continue
        try:
            _, consumed = match_period(rest, today=today, lang=lang)
        except InvalidInput:
            continue
        shown = rest[:consumed].strip()
        if scan_number(shown) is None or skip or not shown.isdigit():
            raise InvalidInput("error.period_without_at", value=shown[:30], value_text=value_text)
    first = words[0].casefold()
    if kind is Kind.RATIO and value.numerator is None and (first in RATIO_WORDS or first.startswith("/")):
        # "45 @2026-10 sur 60": the period cuts the ratio in two.
        raise InvalidInput("error.period_inside_value", value=f"{value_text} … {' '.join(words[:2])}")
    if touching and kind is not Kind.BOOL and value.numerator is None and scan_number(note) is not None:
        # "12 5", "12 34 appels": a second number right after the value is a typo as often as a note.
        raise InvalidInput("error.value_then_number", value=value_text, rest=words[0][:20])


def read_form(
    value_text: str,
    period_text: str | None,
    note: str,
    *,
    kind: Kind,
    unit: str,
    cadence: Cadence | None,
    lang: str,
    today: dt.date,
) -> ReadingInput:
    """The record form's fields (and an imported row's cells): the value field holds only the value,
    the period field only a period."""
    # A plain figure ("262/412") is read straight, not kept: a machine's figures seldom repeat.
    value = plain_value(kind, value_text) or _field_value(kind, value_text, unit, lang)
    if not period_text:
        return ReadingInput(
            value=value, period=default_period(cadence, today), period_given=False, note=_note(note.strip())
        )
    chosen = _field_period(period_text, cadence, lang, today)
    return ReadingInput(value=value, period=chosen, period_given=True, note=_note(note.strip()))


# An import reads the same period (and often the same value) in thousands of rows: both readings are
# pure functions of their arguments, and their results frozen, so each is read once. A text that is
# refused raises again each time (exceptions are not kept).
@functools.lru_cache(maxsize=4096)
def _field_period(text: str, cadence: Cadence | None, lang: str, today: dt.date) -> Period:
    try:
        period = parse_period(text, today=today, lang=lang)
    except InvalidInput as err:
        if err.key != "error.bad_period" or cadence is None:
            raise
        # No period at all: the examples of the indicator's own cadence, not of every shape.
        example = input_form(default_period(cadence, today), lang)
        key = f"error.bad_period_for.{cadence}"
        raise InvalidInput(key, value=err.params["value"], example=example) from None
    return _in_cadence(period, cadence, lang)


@functools.lru_cache(maxsize=4096)
def _field_value(kind: Kind, text: str, unit: str, lang: str) -> ParsedValue:
    return parse_value_fully(kind, text, unit=unit, lang=lang)
