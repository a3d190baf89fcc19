"""The /kpi grammar: text as Slack sends it in, a typed command out, or an InvalidInput error."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from bot.domain.errors import InvalidInput
from bot.domain.keys import N_
from bot.domain.periods import Granularity, parse_period
from bot.domain.text import USER_MENTION, code_key, unescape
from bot.domain.thresholds import Thresholds
from bot.domain.values import (
    CADENCE_WORDS,
    DIRECTION_WORDS,
    FALSE_WORDS,
    KIND_WORDS,
    LEVEL_WORDS,
    SHOWN_WORDS,
    TRUE_WORDS,
    Cadence,
    Direction,
    Kind,
    Level,
    known_unit,
    parse_amount,
    parse_threshold,
    scan_number,
)

MAX_COMMAND_CHARS = 1500
MAX_NAME_CHARS = 150
MAX_UNIT_CHARS = 20
MAX_ENTITY_CHARS = 60
MAX_CODE_CHARS = 32

# Double quotes and « » group words; an apostrophe (' ’) is a letter: "l'équipe", "Taux d'appels".
_QUOTES = {'"': '"', "“": "”", "”": "”", "«": "»", "„": "“"}
_CODE = re.compile(r"^[^\W\d_][\w.\-]*$")
KEY_VALUE = re.compile(r"^([^\W\d][\w]*)=(.*)$", re.DOTALL)  # any letters: `Échéance=`, `unité=`


@dataclass(frozen=True)
class Token:
    """One word of the command, unquoted, with where it stood in the text."""

    text: str
    start: int
    end: int
    quoted: bool = False


def tokenize(text: str) -> list[Token]:
    """Split on white space; double quotes (straight, curly or « ») group words, also after `key=`."""
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
                j = text.find(_QUOTES[ch], i + 1)
                if j < 0:
                    raise InvalidInput("error.unclosed_quote", fragment=text[i : i + 30])
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
    """`/kpi undo [code]`: withdraw the user's own last reading (of that indicator, when named)."""

    code: str | None = None


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
    direction: Direction | None = None  # None: inferred from the thresholds
    reference: str = ""  # a template's source (the guide it comes from)


@dataclass(frozen=True)
class RecordReading:
    """`/kpi <code> <value> [@period] [note...]`, read once the indicator's kind, unit and cadence are
    known (bot.domain.readings). From the record form, `text` is the value field alone and the period
    and note come from their own fields (`note` is then not None). `lang` is the language of the
    user who typed it: figures and dates are read by its conventions."""

    code: str
    text: str
    period_text: str | None = None
    note: str | None = None
    lang: str = "fr"


@dataclass(frozen=True)
class EditIndicator:
    """`/kpi edit <code> key=value...`: raw values, parsed once the indicator's kind is known."""

    code: str
    changes: tuple[tuple[str, str], ...]
    lang: str = "fr"


@dataclass(frozen=True)
class DeleteIndicator:
    """`/kpi delete <code>`: archives it; its readings stay in the history."""

    code: str


@dataclass(frozen=True)
class ListTemplates:
    """`/kpi templates`: the indicator templates Pilote ships."""


@dataclass(frozen=True)
class InstallTemplates:
    """`/kpi templates install <set or code>`."""

    wanted: str


@dataclass(frozen=True)
class TokenCommand:
    """`/kpi token new "<name>"`, `/kpi token list`, `/kpi token revoke <name>`: the ingestion API's
    tokens (an app admin only)."""

    action: str  # new, list, revoke
    name: str = ""


KpiCommand = (
    Help
    | TokenCommand
    | ListTemplates
    | InstallTemplates
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
    "templates": "templates",
    "template": "templates",
    "modeles": "templates",
    "modele": "templates",
    "token": "token",
    "tokens": "token",
    "jeton": "token",
    "jetons": "token",
}
_TOKEN_ACTIONS = {
    "new": "new", "nouveau": "new", "create": "new", "creer": "new", "add": "new",
    "list": "list", "liste": "list", "ls": "list",
    "revoke": "revoke", "revoquer": "revoke", "delete": "revoke", "supprimer": "revoke",
}  # fmt: skip
_INSTALL_WORDS = frozenset({"install", "installer", "add", "ajouter", "create", "creer"})
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
    "kind": "kind", "type": "kind", "genre": "kind",
    "unit": "unit", "unite": "unit",
    "target": "target", "cible": "target", "objectif": "target",
    "warn_below": "warn_below", "vigilance_sous": "warn_below", "seuil_vigilance_bas": "warn_below",
    "alert_below": "alert_below", "alerte_sous": "alert_below", "seuil_alerte_bas": "alert_below",
    "warn_above": "warn_above", "vigilance_sur": "warn_above", "vigilance_au_dessus": "warn_above",
    "seuil_vigilance_haut": "warn_above",
    "alert_above": "alert_above", "alerte_sur": "alert_above", "alerte_au_dessus": "alert_above",
    "seuil_alerte_haut": "alert_above",
    "owner": "owner", "responsable": "owner", "pilote": "owner",
    "every": "every", "cadence": "every", "frequence": "every", "periodicite": "every",
    "entity": "entity", "entite": "entity", "direction": "entity", "service": "entity",
    "level": "level", "niveau": "level",
    "name": "name", "nom": "name", "libelle": "name",
    "hysteresis": "hysteresis", "marge": "hysteresis",
    "warn_dm": "warn_dm", "dm_vigilance": "warn_dm", "message_vigilance": "warn_dm",
    "change_alert": "change_alert", "variation": "change_alert",
    "target_date": "target_date", "date_cible": "target_date", "date_objectif": "target_date",
    "echeance": "target_date",
    "better": "better", "sens": "better", "meilleur": "better",
}  # fmt: skip
# The keys each language's help and errors show, in the order of the help; the others are aliases.
SHOWN_KEYS: dict[str, dict[str, str]] = {
    "fr": {
        "name": "nom", "kind": "type", "unit": "unité", "target": "cible", "warn_below": "vigilance_sous",
        "alert_below": "alerte_sous", "warn_above": "vigilance_sur", "alert_above": "alerte_sur",
        "owner": "responsable", "every": "cadence", "entity": "entité", "level": "niveau",
        "hysteresis": "marge", "change_alert": "variation", "warn_dm": "dm_vigilance",
        "target_date": "date_cible", "better": "sens",
    },
    "en": {k: k for k in (
        "name", "kind", "unit", "target", "warn_below", "alert_below", "warn_above", "alert_above", "owner",
        "every", "entity", "level", "hysteresis", "change_alert", "warn_dm", "target_date", "better",
    )},
}  # fmt: skip
KNOWN_KEYS = tuple(SHOWN_KEYS["en"])


def shown_key(key: str, lang: str) -> str:
    """The keyword a language's messages use for an option."""
    return SHOWN_KEYS.get(lang, SHOWN_KEYS["fr"]).get(key, key)


E = TypeVar("E")


def unquoted(text: str) -> str:
    """A name typed between single quotes ('Délai moyen'), without them: here they quote, not elide."""
    if len(text) > 2 and text[0] in "'‘’" and text[-1] in "'’" and text.count("'") + text.count("’") == 2:
        return text[1:-1].strip()
    return text


def word(raw: str) -> str:
    """A keyword as compared: case- and accent-insensitive."""
    return code_key(raw.strip())


def choice(key: str, raw: str, words: dict[str, E], *, lang: str = "fr", shown_key: str | None = None) -> E:
    """The value a keyword stands for, or an error listing the accepted ones in the user's language."""
    try:
        return words[word(raw)]
    except KeyError:
        shown = SHOWN_WORDS.get(lang, SHOWN_WORDS["fr"])
        allowed = list(dict.fromkeys(shown.get(v, str(v)) for v in words.values()))  # type: ignore[call-overload]
        raise InvalidInput(
            "error.bad_choice", key=shown_key or key, value=raw[:30], allowed=allowed
        ) from None


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


def with_numbers(text: str, tokens: list[Token]) -> list[Token]:
    """The tokens, with an option's number that spans several words made one (`target=1 234,5`,
    `cible=75 %`, `alerte_sur=3 k€`): the grammar knows numbers, so a grouped value or its unit is
    never taken for a word of the name."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        m = None if tok.quoted else KEY_VALUE.match(tok.text)
        value_at = tok.start + len(m.group(1)) + 1 if m else -1
        end = scan_number(text, value_at) if m and text[tok.start : value_at].endswith("=") else None
        i += 1
        if end is not None and end > tok.end:
            while i < len(tokens) and tokens[i].start < end:
                i += 1
            tok = Token(text[tok.start : end], tok.start, end)
        if (
            m
            and i < len(tokens)
            and not tokens[i].quoted
            and (tokens[i].text == "%" or known_unit(tokens[i].text) is not None)
            and scan_number(tok.text, len(m.group(1)) + 1)
        ):
            tok = Token(text[tok.start : tokens[i].end], tok.start, tokens[i].end)
            i += 1
        out.append(tok)
    return out


def _options(tokens: list[Token], lang: str, *, stray: str) -> tuple[list[str], dict[str, str]]:
    """The words before the options (a name), and the options by canonical key; a word after an
    option is refused with `stray` (its value may need quotes: `entité="Mairie de Lyon"`)."""
    words: list[str] = []
    options: dict[str, str] = {}
    for index, tok in enumerate(tokens):
        m = None if tok.quoted else KEY_VALUE.match(tok.text)
        if m is None:
            if options:
                last = list(options)[-1]
                # The whole value as it may have been meant: up to the next option.
                more = []
                for following in tokens[index:]:
                    if not following.quoted and KEY_VALUE.match(following.text):
                        break
                    more.append(following.text)
                raise InvalidInput(
                    stray,
                    value=tok.text[:40],
                    key=shown_key(last, lang),
                    after=" ".join([options[last], *more])[:60],
                )
            words.append(tok.text)
            continue
        key = _KEYS.get(word(m.group(1)))
        if key is None:
            raise InvalidInput(
                "error.unknown_key", key=m.group(1)[:30], allowed=list(SHOWN_KEYS[lang].values())
            )
        if key in options:
            raise InvalidInput("error.duplicate_key", key=m.group(1)[:30])
        options[key] = m.group(2)
    return words, options


def _parse_new(tokens: list[Token], lang: str) -> NewIndicator:
    if not tokens:
        raise InvalidInput("error.missing_code.new")
    code = check_code(tokens[0].text)
    name_parts, options = _options(tokens[1:], lang, stray=N_("error.name_after_options"))
    name = unquoted(" ".join(p for p in name_parts if p).strip() or options.get("name", "").strip())
    if not name:
        raise InvalidInput("error.missing_name", code=code)
    kind = _choice("kind", options["kind"], KIND_WORDS, lang) if "kind" in options else Kind.NUMBER
    unit = options.get("unit", "%" if kind in (Kind.PERCENT, Kind.RATIO) else "").strip()
    if kind in (Kind.PERCENT, Kind.RATIO) and unit not in ("", "%"):
        raise InvalidInput("error.rate_unit", value=unit[:MAX_UNIT_CHARS])
    values: dict[str, float | None] = {}
    for key in ("target", "warn_below", "alert_below", "warn_above", "alert_above"):
        values[key] = parse_threshold(kind, options[key], lang=lang, unit=unit) if key in options else None
    optional: dict[str, Callable[[str], object]] = {
        "every": lambda raw: _choice("every", raw, CADENCE_WORDS, lang),
        "level": lambda raw: _choice("level", raw, LEVEL_WORDS, lang),
        "better": lambda raw: _choice("better", raw, DIRECTION_WORDS, lang),
        "owner": parse_owner,
        "hysteresis": lambda raw: parse_hysteresis(raw, lang),
        "warn_dm": parse_yes_no,
        "change_alert": lambda raw: parse_change_alert(raw, lang),
        "target_date": lambda raw: parse_date(shown_key("target_date", lang), raw, lang),
    }
    parsed = {k: fn(options[k]) for k, fn in optional.items() if k in options}
    return NewIndicator(
        code=code,
        name=bounded("name", name, MAX_NAME_CHARS),
        kind=kind,
        unit=bounded("unit", unit, MAX_UNIT_CHARS),
        thresholds=checked(Thresholds(**values), lang),
        owner_id=parsed.get("owner"),  # type: ignore[arg-type]
        cadence=parsed.get("every"),  # type: ignore[arg-type]
        entity=bounded("entity", options.get("entity", "").strip(), MAX_ENTITY_CHARS),
        level=parsed.get("level", Level.OPERATIONAL),  # type: ignore[arg-type]
        hysteresis=parsed.get("hysteresis", 0.0),  # type: ignore[arg-type]
        warn_dm=parsed.get("warn_dm", False),  # type: ignore[arg-type]
        change_alert_pct=parsed.get("change_alert"),  # type: ignore[arg-type]
        target_date=parsed.get("target_date"),  # type: ignore[arg-type]
        direction=parsed.get("better"),  # type: ignore[arg-type]
    )


# Far enough ahead that any written day parses (deadlines are in the future; only the form matters).
ANY_DAY = dt.date(9000, 1, 1)


def parse_date(key: str, raw: str, lang: str = "fr") -> dt.date:
    """A day, past or future, as the period parser reads it: `2026-12-31`, `31/12/2026`, `31 déc. 2026`
    (in English, `12/31/2026`; a day/month order that reads two ways is a question)."""
    text = raw.strip()
    try:
        period = parse_period(text, today=ANY_DAY, lang=lang)
    except InvalidInput as err:
        if err.key == "error.ambiguous_date":
            raise
        raise InvalidInput("error.bad_date", key=key, value=text[:30]) from None
    if period.granularity is not Granularity.DAY:
        raise InvalidInput("error.bad_date", key=key, value=text[:30])
    return period.start


def _choice(key: str, raw: str, words: dict[str, E], lang: str) -> E:
    return choice(key, raw, words, lang=lang, shown_key=shown_key(key, lang))


def parse_change_alert(raw: str, lang: str = "fr") -> float:
    """A relative threshold: a change of more than this percentage from the previous reading."""
    pct = parse_amount(raw, lang=lang)
    if pct <= 0:
        raise InvalidInput("error.bad_change_alert", value=raw.strip()[:20])
    return pct


def parse_hysteresis(raw: str, lang: str = "fr") -> float:
    """A hysteresis margin, in the indicator's unit: a number, zero or more."""
    margin = parse_amount(raw, lang=lang)
    if margin < 0:
        raise InvalidInput("error.bad_hysteresis", value=raw.strip()[:20])
    return margin


def parse_yes_no(raw: str) -> bool:
    """oui/non, yes/no (vrai/faux, true/false)."""
    answer = word(raw).rstrip(".")
    if answer in TRUE_WORDS or answer in FALSE_WORDS:
        return answer in TRUE_WORDS
    raise InvalidInput("error.not_a_bool", value=raw.strip()[:40])


CLEAR_WORDS = frozenset({"none", "aucun", "aucune", "-", "vide"})


def _parse_edit(tokens: list[Token], lang: str) -> EditIndicator:
    if not tokens:
        raise InvalidInput("error.missing_code.edit")
    code = check_code(tokens[0].text)
    words, options = _options(tokens[1:], lang, stray=N_("error.word_after_options"))
    if words:
        raise InvalidInput("error.edit_needs_keys", value=words[0][:40], code=code)
    if "kind" in options:
        raise InvalidInput("error.kind_is_fixed", code=code)
    if not options:
        raise InvalidInput("error.edit_nothing", code=code)
    return EditIndicator(code, tuple((k, v.strip()) for k, v in options.items()), lang)


def edited_values(
    kind: Kind, current: Thresholds, changes: tuple[tuple[str, str], ...], *, unit: str = "", lang: str = "fr"
) -> dict[str, object]:
    """The new values an edit sets, parsed for the indicator's kind; thresholds checked together."""
    values: dict[str, object] = {}
    thresholds = dict(current.__dict__)
    unit = dict(changes).get("unit", unit).strip()
    for key, raw in changes:
        if key in thresholds:
            cleared = word(raw) in CLEAR_WORDS
            thresholds[key] = None if cleared else parse_threshold(kind, raw, lang=lang, unit=unit)
        elif key == "name":
            values["name"] = bounded("name", raw, MAX_NAME_CHARS) or _missing_name()
        elif key == "unit":
            values["unit"] = bounded("unit", raw, MAX_UNIT_CHARS)
        elif key == "entity":
            values["entity"] = bounded("entity", raw, MAX_ENTITY_CHARS)
        elif key == "owner":
            values["owner_id"] = parse_owner(raw) or ""
        elif key == "every":
            cleared = word(raw) in CLEAR_WORDS
            values["cadence"] = None if cleared else _choice("every", raw, CADENCE_WORDS, lang)
        elif key == "level":
            values["level"] = _choice("level", raw, LEVEL_WORDS, lang)
        elif key == "better":
            cleared = word(raw) in CLEAR_WORDS
            values["direction"] = None if cleared else _choice("better", raw, DIRECTION_WORDS, lang)
        elif key == "hysteresis":
            values["hysteresis"] = parse_hysteresis(raw, lang)
        elif key == "warn_dm":
            values["warn_dm"] = parse_yes_no(raw)
        elif key == "change_alert":
            values["change_alert_pct"] = None if word(raw) in CLEAR_WORDS else parse_change_alert(raw, lang)
        elif key == "target_date":
            cleared = word(raw) in CLEAR_WORDS
            values["target_date"] = None if cleared else parse_date(shown_key("target_date", lang), raw, lang)
    values.update(checked(Thresholds(**thresholds), lang).__dict__)
    return values


def checked(thresholds: Thresholds, lang: str) -> Thresholds:
    """The thresholds, validated; a contradiction is told with the keywords of the user's language."""
    try:
        return thresholds.validate()
    except InvalidInput as err:
        names = {k: " / ".join(shown_key(p, lang) for p in str(v).split("|")) for k, v in err.params.items()}
        raise InvalidInput(err.key, **names) from None


def _missing_name() -> str:
    raise InvalidInput("error.missing_name", code="")


def _parse_record(text: str, lang: str) -> RecordReading:
    first = text.split(None, 1)
    code = check_code(first[0])
    rest = first[1] if len(first) > 1 else ""
    if not rest.strip():
        raise InvalidInput("error.missing_value", code=code)
    return RecordReading(code, rest.strip(), lang=lang)


def unescaped(raw_text: str) -> str:
    """A command's text as the user typed it (Slack's escaping undone), its length checked."""
    if len(raw_text) > MAX_COMMAND_CHARS * 2:
        raise InvalidInput("error.command_too_long", max=MAX_COMMAND_CHARS)
    text = unescape(raw_text).strip()
    if len(text) > MAX_COMMAND_CHARS:
        raise InvalidInput("error.command_too_long", max=MAX_COMMAND_CHARS)
    return text


def prepare(raw_text: str) -> tuple[str, list[Token]]:
    """A command's text as the user typed it (Slack's escaping undone, length checked), and its words."""
    text = unescaped(raw_text)
    return text, tokenize(text)


def parse_kpi(raw_text: str, lang: str = "fr") -> KpiCommand:
    """Parse the text of a /kpi command as Slack sends it (escaped, mentions as <@U…|name>)."""
    text = unescaped(raw_text)
    first = text.split(None, 1)
    if not first:
        return Help()
    sub = _SUBCOMMANDS.get(word(first[0]))
    if sub is None:
        if not _CODE.match(first[0]):
            raise InvalidInput("error.unknown_subcommand", value=first[0][:30])
        # A reading: its words are read once the indicator is known; quotes only matter in its note.
        return _parse_record(text, lang)
    tokens = with_numbers(text, tokenize(text))
    rest = tokens[1:]
    if sub == "help":
        return Help()
    if sub == "list":
        return ListIndicators()
    if sub == "undo":
        if len(rest) > 1:
            codes = " ".join(token.text for token in rest)[:40]
            raise InvalidInput("error.undo_one_code", value=codes)
        return Undo(check_code(rest[0].text) if rest else None)
    if sub == "templates":
        return _parse_templates(rest)
    if sub == "token":
        return _parse_token(rest)
    if sub == "new":
        return _parse_new(rest, lang)
    if sub == "edit":
        return _parse_edit(rest, lang)
    if not rest:
        raise InvalidInput(f"error.missing_code.{sub}")
    if sub == "show":
        return ShowIndicator(check_code(rest[0].text))
    return DeleteIndicator(check_code(rest[0].text))


def _parse_token(rest: list[Token]) -> TokenCommand:
    action = _TOKEN_ACTIONS.get(word(rest[0].text)) if rest else "list"
    if action is None:
        raise InvalidInput("error.token.usage", value=rest[0].text[:30])
    name = " ".join(t.text for t in rest[1:]).strip()
    if action == "new" and not name:
        raise InvalidInput("error.token.missing_name.new")
    if action == "revoke" and not name:
        raise InvalidInput("error.token.missing_name.revoke")
    return TokenCommand(action, unquoted(name))


def _parse_templates(rest: list[Token]) -> ListTemplates | InstallTemplates:
    if not rest or (len(rest) == 1 and word(rest[0].text) in ("list", "liste", "ls")):
        return ListTemplates()
    if word(rest[0].text) not in _INSTALL_WORDS:
        raise InvalidInput("error.templates_usage", value=rest[0].text[:30])
    if len(rest) != 2:
        raise InvalidInput("error.templates_one_set")
    return InstallTemplates(rest[1].text)


def is_show(raw_text: str) -> bool:
    """Whether the text asks for `/kpi show` (a cheap look at the first word, for routing)."""
    first = raw_text.strip().split(None, 1)
    return bool(first) and _SUBCOMMANDS.get(word(first[0])) == "show"
