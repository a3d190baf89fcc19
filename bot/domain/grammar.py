"""The /kpi grammar: text as Slack sends it in, a typed command out, or an InvalidInput error."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from bot.domain.errors import InvalidInput
from bot.domain.text import USER_MENTION, code_key, unescape
from bot.domain.thresholds import Thresholds
from bot.domain.values import (
    CADENCE_WORDS,
    KIND_WORDS,
    LEVEL_WORDS,
    Cadence,
    Kind,
    Level,
    parse_threshold,
    parse_value,
)

MAX_COMMAND_CHARS = 1500
MAX_NOTE_CHARS = 1000
MAX_NAME_CHARS = 150
MAX_UNIT_CHARS = 20
MAX_ENTITY_CHARS = 60
MAX_CODE_CHARS = 32

_QUOTES = {'"': '"', "“": "”", "”": "”", "«": "»", "„": "“", "'": "'", "‘": "’"}
_CODE = re.compile(r"^[^\W\d_][\w.\-]*$")
KEY_VALUE = re.compile(r"^([A-Za-z_àâçéèêëîïôûùüÿœæ]+)=(.*)$", re.DOTALL)


@dataclass(frozen=True)
class Token:
    """One word of the command, unquoted, with where it stood in the text."""

    text: str
    start: int
    end: int
    quoted: bool = False


def tokenize(text: str) -> list[Token]:
    """Split on white space; quotes (straight, curly or « ») group words, also after `key=`."""
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        start, buf, quoted = i, [], False
        while i < n and not text[i].isspace():
            ch = text[i]
            if ch in _QUOTES:
                close = _QUOTES[ch]
                j = text.find(close, i + 1)
                if ch == "«":
                    j = text.find("»", i + 1)
                if j < 0:
                    raise InvalidInput("error.unclosed_quote")
                buf.append(text[i + 1 : j].strip())
                quoted = quoted or i == start
                i = j + 1
            else:
                buf.append(ch)
                i += 1
        tokens.append(Token("".join(buf), start, i, quoted))
    return tokens


@dataclass(frozen=True)
class Help:
    """`/kpi help`."""


@dataclass(frozen=True)
class ListIndicators:
    """`/kpi list`."""


@dataclass(frozen=True)
class ShowIndicator:
    """`/kpi show <code>`."""

    code: str


@dataclass(frozen=True)
class Undo:
    """`/kpi undo`: withdraw the user's own last reading."""


@dataclass(frozen=True)
class NewIndicator:
    """`/kpi new <code> "<name>" key=value...`."""

    code: str
    name: str
    kind: Kind = Kind.NUMBER
    unit: str = ""
    thresholds: Thresholds = field(default_factory=Thresholds)
    owner_id: str | None = None
    cadence: Cadence | None = None
    entity: str = ""
    level: Level = Level.OPERATIONAL
    hysteresis: float = 0.0
    warn_dm: bool = False
    change_alert_pct: float | None = None
    target_date: dt.date | None = None


@dataclass(frozen=True)
class RecordReading:
    """`/kpi <code> <value> [@period] [note...]`; value and period are parsed once the kind is known."""

    code: str
    raw_value: str
    raw_period: str | None = None
    note: str = ""


@dataclass(frozen=True)
class EditIndicator:
    """`/kpi edit <code> key=value...`: raw values, parsed once the indicator's kind is known."""

    code: str
    changes: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class DeleteIndicator:
    """`/kpi delete <code>`: archives it; its readings stay in the history."""

    code: str


KpiCommand = (
    Help
    | ListIndicators
    | ShowIndicator
    | Undo
    | NewIndicator
    | RecordReading
    | EditIndicator
    | DeleteIndicator
)

_SUBCOMMANDS: dict[str, str] = {
    "help": "help",
    "aide": "help",
    "?": "help",
    "new": "new",
    "nouveau": "new",
    "nouvel": "new",
    "add": "new",
    "create": "new",
    "creer": "new",
    "list": "list",
    "liste": "list",
    "ls": "list",
    "show": "show",
    "voir": "show",
    "afficher": "show",
    "undo": "undo",
    "annuler": "undo",
    "edit": "edit",
    "modifier": "edit",
    "set": "edit",
    "delete": "delete",
    "supprimer": "delete",
    "archive": "delete",
    "archiver": "delete",
}
# Words kept for later subcommands: they cannot be indicator codes either.
RESERVED_WORDS = frozenset(_SUBCOMMANDS) | frozenset(
    {
        "config",
        "lang",
        "langue",
        "history",
        "historique",
        "export",
        "import",
        "subscribe",
        "unsubscribe",
        "dashboard",
        "all",
        "tous",
        "mine",
    }
)

_KEYS: dict[str, str] = {
    "kind": "kind",
    "type": "kind",
    "unit": "unit",
    "unite": "unit",
    "target": "target",
    "cible": "target",
    "objectif": "target",
    "warn_below": "warn_below",
    "vigilance_sous": "warn_below",
    "alert_below": "alert_below",
    "alerte_sous": "alert_below",
    "warn_above": "warn_above",
    "vigilance_sur": "warn_above",
    "alert_above": "alert_above",
    "alerte_sur": "alert_above",
    "owner": "owner",
    "responsable": "owner",
    "pilote": "owner",
    "every": "every",
    "cadence": "every",
    "frequence": "every",
    "entity": "entity",
    "entite": "entity",
    "direction": "entity",
    "level": "level",
    "niveau": "level",
    "name": "name",
    "nom": "name",
    "hysteresis": "hysteresis",
    "marge": "hysteresis",
    "warn_dm": "warn_dm",
    "dm_vigilance": "warn_dm",
    "change_alert": "change_alert",
    "variation": "change_alert",
    "target_date": "target_date",
    "date_cible": "target_date",
    "date_objectif": "target_date",
}
KNOWN_KEYS = (
    "target_date",
    "change_alert",
    "hysteresis",
    "warn_dm",
    "name",
    "kind",
    "unit",
    "target",
    "warn_below",
    "alert_below",
    "warn_above",
    "alert_above",
    "owner",
    "every",
    "entity",
    "level",
)

E = TypeVar("E")


def word(raw: str) -> str:
    """A keyword as compared: case- and accent-insensitive."""
    return code_key(raw.strip())


def choice(key: str, raw: str, words: dict[str, E]) -> E:
    """The value a keyword stands for, or an error listing the accepted ones."""
    try:
        return words[word(raw)]
    except KeyError:
        allowed = sorted({str(v) for v in words.values()})
        raise InvalidInput("error.bad_choice", key=key, value=raw[:30], allowed=allowed) from None


def check_code(raw: str) -> str:
    """Validate an indicator code (letters with accents, digits, . _ -) and return it."""
    code = raw.strip()
    if not code:
        raise InvalidInput("error.missing_code")
    if len(code) > MAX_CODE_CHARS or not _CODE.match(code):
        raise InvalidInput("error.bad_code", value=code[:MAX_CODE_CHARS], max=MAX_CODE_CHARS)
    if code_key(code) in RESERVED_WORDS:
        raise InvalidInput("error.reserved_code", value=code)
    return code


def parse_owner(raw: str) -> str | None:
    """`<@U123|name>` → U123; `me`/`moi` → None (the person typing)."""
    if word(raw) in {"me", "moi"}:
        return None
    m = USER_MENTION.match(raw.strip())
    if not m:
        raise InvalidInput("error.bad_owner", value=raw[:40])
    return m.group(1)


def bounded(key: str, value: str, limit: int) -> str:
    """The value, or an error when it is longer than the limit."""
    if len(value) > limit:
        raise InvalidInput("error.too_long", key=key, max=limit)
    return value


def _parse_new(tokens: list[Token]) -> NewIndicator:
    if not tokens:
        raise InvalidInput("error.missing_code")
    code = check_code(tokens[0].text)
    name_parts: list[str] = []
    options: dict[str, str] = {}
    for tok in tokens[1:]:
        m = None if tok.quoted else KEY_VALUE.match(tok.text)
        if m is None:
            if options:
                raise InvalidInput("error.name_after_options", value=tok.text[:40])
            name_parts.append(tok.text)
            continue
        key = _KEYS.get(word(m.group(1)))
        if key is None:
            raise InvalidInput("error.unknown_key", key=m.group(1)[:30], allowed=list(KNOWN_KEYS))
        if key in options:
            raise InvalidInput("error.duplicate_key", key=key)
        options[key] = m.group(2)
    name = " ".join(p for p in name_parts if p).strip() or options.get("name", "").strip()
    if not name:
        raise InvalidInput("error.missing_name", code=code)
    kind = choice("kind", options["kind"], KIND_WORDS) if "kind" in options else Kind.NUMBER
    values: dict[str, float | None] = {}
    for key in ("target", "warn_below", "alert_below", "warn_above", "alert_above"):
        values[key] = parse_threshold(kind, options[key]) if key in options else None
    unit = options.get("unit", "%" if kind in (Kind.PERCENT, Kind.RATIO) else "").strip()
    optional: dict[str, Callable[[str], object]] = {
        "every": lambda raw: choice("every", raw, CADENCE_WORDS),
        "level": lambda raw: choice("level", raw, LEVEL_WORDS),
        "owner": parse_owner,
        "hysteresis": parse_hysteresis,
        "warn_dm": parse_yes_no,
        "change_alert": parse_change_alert,
        "target_date": lambda raw: parse_date("target_date", raw),
    }
    parsed = {k: fn(options[k]) for k, fn in optional.items() if k in options}
    return NewIndicator(
        code=code,
        name=bounded("name", name, MAX_NAME_CHARS),
        kind=kind,
        unit=bounded("unit", unit, MAX_UNIT_CHARS),
        thresholds=Thresholds(**values).validate(),
        owner_id=parsed.get("owner"),  # type: ignore[arg-type]
        cadence=parsed.get("every"),  # type: ignore[arg-type]
        entity=bounded("entity", options.get("entity", "").strip(), MAX_ENTITY_CHARS),
        level=parsed.get("level", Level.OPERATIONAL),  # type: ignore[arg-type]
        hysteresis=parsed.get("hysteresis", 0.0),  # type: ignore[arg-type]
        warn_dm=parsed.get("warn_dm", False),  # type: ignore[arg-type]
        change_alert_pct=parsed.get("change_alert"),  # type: ignore[arg-type]
        target_date=parsed.get("target_date"),  # type: ignore[arg-type]
    )


def parse_date(key: str, raw: str) -> dt.date:
    """`2026-12-31` or `31/12/2026`."""
    text = raw.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise InvalidInput("error.bad_date", key=key, value=text[:30])


def parse_change_alert(raw: str) -> float:
    """A relative threshold: a change of more than this percentage from the previous reading."""
    pct = parse_threshold(Kind.NUMBER, raw)
    if pct <= 0:
        raise InvalidInput("error.bad_change_alert", value=raw.strip()[:20])
    return pct


def parse_hysteresis(raw: str) -> float:
    """A hysteresis margin, in the indicator's unit: a number, zero or more."""
    margin = parse_threshold(Kind.NUMBER, raw)
    if margin < 0:
        raise InvalidInput("error.bad_hysteresis", value=raw.strip()[:20])
    return margin


def parse_yes_no(raw: str) -> bool:
    """oui/non, yes/no."""
    return parse_value(Kind.BOOL, raw).value == 1.0


CLEAR_WORDS = frozenset({"none", "aucun", "aucune", "-", "vide"})


def _parse_edit(tokens: list[Token]) -> EditIndicator:
    if not tokens:
        raise InvalidInput("error.missing_code")
    code = check_code(tokens[0].text)
    changes: dict[str, str] = {}
    for tok in tokens[1:]:
        m = None if tok.quoted else KEY_VALUE.match(tok.text)
        if m is None:
            raise InvalidInput("error.edit_needs_keys", value=tok.text[:40], code=code)
        key = _KEYS.get(word(m.group(1)))
        if key is None:
            raise InvalidInput("error.unknown_key", key=m.group(1)[:30], allowed=list(KNOWN_KEYS))
        if key == "kind":
            raise InvalidInput("error.kind_is_fixed", code=code)
        if key in changes:
            raise InvalidInput("error.duplicate_key", key=key)
        changes[key] = m.group(2).strip()
    if not changes:
        raise InvalidInput("error.edit_needs_keys", value="", code=code)
    return EditIndicator(code, tuple(changes.items()))


def edited_values(kind: Kind, current: Thresholds, changes: tuple[tuple[str, str], ...]) -> dict[str, object]:
    """The new values an edit sets, parsed for the indicator's kind; thresholds checked together."""
    values: dict[str, object] = {}
    thresholds = dict(current.__dict__)
    for key, raw in changes:
        if key in thresholds:
            thresholds[key] = None if word(raw) in CLEAR_WORDS else parse_threshold(kind, raw)
        elif key == "name":
            values["name"] = bounded("name", raw, MAX_NAME_CHARS) or _missing_name()
        elif key == "unit":
            values["unit"] = bounded("unit", raw, MAX_UNIT_CHARS)
        elif key == "entity":
            values["entity"] = bounded("entity", raw, MAX_ENTITY_CHARS)
        elif key == "owner":
            values["owner_id"] = parse_owner(raw) or ""
        elif key == "every":
            values["cadence"] = None if word(raw) in CLEAR_WORDS else choice("every", raw, CADENCE_WORDS)
        elif key == "level":
            values["level"] = choice("level", raw, LEVEL_WORDS)
        elif key == "hysteresis":
            values["hysteresis"] = parse_hysteresis(raw)
        elif key == "warn_dm":
            values["warn_dm"] = parse_yes_no(raw)
        elif key == "change_alert":
            values["change_alert_pct"] = None if word(raw) in CLEAR_WORDS else parse_change_alert(raw)
        elif key == "target_date":
            values["target_date"] = None if word(raw) in CLEAR_WORDS else parse_date("target_date", raw)
    values.update(Thresholds(**thresholds).validate().__dict__)
    return values


def _missing_name() -> str:
    raise InvalidInput("error.missing_name", code="")


def _parse_record(text: str, tokens: list[Token]) -> RecordReading:
    code = check_code(tokens[0].text)
    if len(tokens) < 2:
        raise InvalidInput("error.missing_value", code=code)
    raw_value, i = tokens[1].text, 2
    # "12,5 %" and "45 / 60" arrive as several words: glue them back into one value.
    while i < len(tokens) and (
        tokens[i].text in {"%", "/"} or raw_value.endswith("/") or tokens[i].text.startswith("/")
    ):
        raw_value += tokens[i].text
        i += 1
    raw_period = None
    if i < len(tokens) and tokens[i].text.startswith("@") and not tokens[i].quoted:
        raw_period = tokens[i].text[1:]
        i += 1
    note = text[tokens[i].start :].strip() if i < len(tokens) else ""
    return RecordReading(code, raw_value, raw_period, bounded("note", note, MAX_NOTE_CHARS))


def prepare(raw_text: str) -> tuple[str, list[Token]]:
    """A command's text as the user typed it (Slack's escaping undone, length checked), and its words."""
    if len(raw_text) > MAX_COMMAND_CHARS * 2:
        raise InvalidInput("error.command_too_long", max=MAX_COMMAND_CHARS)
    text = unescape(raw_text).strip()
    if len(text) > MAX_COMMAND_CHARS:
        raise InvalidInput("error.command_too_long", max=MAX_COMMAND_CHARS)
    return text, tokenize(text)


def parse_kpi(raw_text: str) -> KpiCommand:
    """Parse the text of a /kpi command as Slack sends it (escaped, mentions as <@U…|name>)."""
    text, tokens = prepare(raw_text)
    if not tokens:
        return Help()
    sub = _SUBCOMMANDS.get(word(tokens[0].text))
    rest = tokens[1:]
    if sub == "help":
        return Help()
    if sub == "list":
        return ListIndicators()
    if sub == "undo":
        return Undo()
    if sub == "show":
        if not rest:
            raise InvalidInput("error.missing_code")
        return ShowIndicator(check_code(rest[0].text))
    if sub == "new":
        return _parse_new(rest)
    if sub == "edit":
        return _parse_edit(rest)
    if sub == "delete":
        if not rest:
            raise InvalidInput("error.missing_code")
        return DeleteIndicator(check_code(rest[0].text))
    if not _CODE.match(tokens[0].text):
        raise InvalidInput("error.unknown_subcommand", value=tokens[0].text[:30])
    return _parse_record(text, tokens)


def is_show(raw_text: str) -> bool:
    """Whether the text asks for `/kpi show` (a cheap look at the first word, for routing)."""
    first = raw_text.strip().split(None, 1)
    return bool(first) and _SUBCOMMANDS.get(word(first[0])) == "show"
