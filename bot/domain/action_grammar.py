"""The /action grammar: the action plan and its governance, from text as Slack sends it."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from bot.domain.actions import (
    DIFFICULTY_WORDS,
    DOMAIN_WORDS,
    ENGAGEMENT_WORDS,
    PRIORITY_WORDS,
    STATUS_WORDS,
    ActionStatus,
)
from bot.domain.errors import InvalidInput
from bot.domain.grammar import (
    ANY_DAY,
    KEY_VALUE,
    Token,
    bounded,
    check_code,
    choice,
    parse_date,
    parse_owner,
    prepare,
    word,
)
from bot.domain.periods import Granularity, match_period, parse_period
from bot.domain.text import MAX_NOTE_CHARS, USER_MENTION

MAX_LABEL_CHARS = 200
MAX_TEXT_CHARS = 1000
MAX_DOMAIN_CHARS = 40
_NUMBER = re.compile(r"^#?(\d{1,6})$")
_PROGRESS = re.compile(r"^(\d+(?:[.,]\d+)?)\s*%$")
_DOMAIN = re.compile(r"^[^\W\d_][\w\-]*$")


@dataclass(frozen=True)
class ActionHelp:
    """`/action help`."""


@dataclass(frozen=True)
class OpenNewActionModal:
    """`/action new` with nothing else: the full form in a modal."""


@dataclass(frozen=True)
class ActionFields:
    """Fields given with key=value; None means not given. `owner_id` "" means the person typing."""

    label: str | None = None
    description: str | None = None
    owner_id: str | None = None
    engagement: str | None = None
    status: str | None = None
    priority: str | None = None
    difficulty: str | None = None
    domain: str | None = None
    progress: int | None = None
    objective: str | None = None
    identified_on: dt.date | None = None
    due_on: dt.date | None = None
    indicator_codes: tuple[str, ...] | None = None

    def given(self) -> dict[str, object]:
        """Only the fields that were given."""
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass(frozen=True)
class NewAction:
    """`/action new "<label>" key=value...`."""

    fields: ActionFields


@dataclass(frozen=True)
class UpdateStatus:
    """`/action <N> <status> [<p>%] [note...]`."""

    number: int
    status: ActionStatus
    progress: int | None = None
    note: str = ""


@dataclass(frozen=True)
class UpdateAction:
    """`/action <N> key=value... [note...]`."""

    number: int
    fields: ActionFields
    note: str = ""


@dataclass(frozen=True)
class ShowAction:
    """`/action show <N>`."""

    number: int


@dataclass(frozen=True)
class DeleteAction:
    """`/action delete <N>`: archives it (owner or admin); its number and journal stay."""

    number: int


@dataclass(frozen=True)
class ListActions:
    """`/action list [mine|late|todo|doing|done|abandoned|<domain>]`."""

    filter: str = ""


@dataclass(frozen=True)
class RecordMeeting:
    """`/action copil [@date] <@U1> <@U2> decisions...`."""

    held_on_raw: str | None
    attendees: tuple[str, ...]
    decisions: str
    lang: str = "fr"  # the typing user's: how the date is read


@dataclass(frozen=True)
class PlanMilestone:
    """`/action plan valide|communique [@date] [note]`."""

    kind: str
    on_raw: str | None
    note: str = ""
    lang: str = "fr"  # the typing user's: how the date is read


@dataclass(frozen=True)
class ShowPlan:
    """`/action plan`: the plan at a glance and its governance."""


ActionCommand = (
    ActionHelp | OpenNewActionModal | NewAction | UpdateStatus | UpdateAction | ShowAction | ListActions
    | RecordMeeting | PlanMilestone | ShowPlan | DeleteAction
)  # fmt: skip

_SUB = {
    "help": "help", "aide": "help", "?": "help",
    "new": "new", "nouvelle": "new", "nouveau": "new", "add": "new", "creer": "new",
    "show": "show", "voir": "show", "afficher": "show", "journal": "show",
    "list": "list", "liste": "list", "ls": "list",
    "copil": "copil", "comite": "copil", "committee": "copil", "steering": "copil",
    "plan": "plan",
    "delete": "delete", "supprimer": "delete", "archive": "delete", "archiver": "delete",
}  # fmt: skip
_KEYS = {
    "label": "label", "libelle": "label", "titre": "label", "title": "label",
    "description": "description", "desc": "description",
    "owner": "owner", "responsable": "owner", "porteur": "owner", "pilote": "owner",
    "level": "engagement", "niveau": "engagement", "engagement": "engagement",
    "status": "status", "statut": "status", "etat": "status",
    "priority": "priority", "priorite": "priority",
    "difficulty": "difficulty", "difficulte": "difficulty",
    "domain": "domain", "domaine": "domain",
    "progress": "progress", "avancement": "progress", "progression": "progress",
    "objective": "objective", "objectif": "objective",
    "identified": "identified_on", "identifiee": "identified_on", "identifie": "identified_on",
    "due": "due_on", "echeance": "due_on", "pour": "due_on", "deadline": "due_on",
    "kpi": "indicator_codes", "indicateur": "indicator_codes", "indicateurs": "indicator_codes",
    "indicators": "indicator_codes",
}  # fmt: skip
KNOWN_ACTION_KEYS = ("owner", "level", "status", "due", "identified", "domain", "priority", "difficulty",
                     "progress", "kpi", "objective", "description", "label")  # fmt: skip
_MILESTONES = {
    "valide": "validated", "validated": "validated", "validation": "validated",
    "communique": "communicated", "communicated": "communicated", "communication": "communicated",
}  # fmt: skip


def parse_progress(raw: str) -> int:
    """`40%`, `40 %` or `40`: a whole percentage from 0 to 100."""
    text = raw.strip().removesuffix("%").strip()
    if not text.isascii() or not text.isdigit() or not 0 <= int(text) <= 100:
        raise InvalidInput("error.bad_progress", value=raw.strip()[:20])
    return int(text)


def _status_at(tokens: list[Token]) -> tuple[ActionStatus | None, int]:
    """The status the first words name (`en-cours`, `en cours`, `À faire`, `done`), and how many words."""
    if not tokens or tokens[0].quoted:
        return None, 0
    if len(tokens) > 1 and not tokens[1].quoted:
        two = STATUS_WORDS.get(word(tokens[0].text) + "-" + word(tokens[1].text))
        if two is not None:
            return two, 2
    one = STATUS_WORDS.get(word(tokens[0].text))
    return (one, 1) if one is not None else (None, 0)


def _progress_at(tokens: list[Token]) -> tuple[int | None, int]:
    """The progress the first words give (`40%`, `40 %`), and how many words."""
    if tokens and not tokens[0].quoted and (m := _PROGRESS.match(tokens[0].text)):
        return parse_progress(m.group(1)), 1
    if len(tokens) > 1 and tokens[1].text == "%" and re.match(r"^\d+(?:[.,]\d+)?$", tokens[0].text):
        return parse_progress(tokens[0].text), 2
    return None, 0


def parse_domain(raw: str) -> str:
    """One of the guide's seven domains (any spelling), or a team's own short domain name."""
    text = raw.strip()
    known = DOMAIN_WORDS.get(word(text))
    if known:
        return known
    if not text or len(text) > MAX_DOMAIN_CHARS or not _DOMAIN.match(text):
        raise InvalidInput("error.bad_domain", value=text[:MAX_DOMAIN_CHARS], max=MAX_DOMAIN_CHARS)
    # Kept as typed (accents, capitals) for display; compared folded (code_key), see the services.
    return unicodedata.normalize("NFC", text)


def parse_number(raw: str) -> int:
    """An action number: `12` or `#12`."""
    m = _NUMBER.match(raw.strip())
    if not m or int(m.group(1)) == 0:
        raise InvalidInput("error.bad_action_number", value=raw.strip()[:20])
    return int(m.group(1))


# The option names a French message shows (the grammar's keys are English); others as they are.
SHOWN_ACTION_KEYS = {
    "fr": {"level": "niveau", "status": "statut", "priority": "priorité", "difficulty": "difficulté",
           "identified": "identifiée", "due": "échéance", "owner": "responsable", "domain": "domaine"},
    "en": {},
}  # fmt: skip


def _shown(key: str, lang: str) -> str:
    return SHOWN_ACTION_KEYS.get(lang, {}).get(key, key)


def _field(key: str, raw: str, lang: str = "fr") -> tuple[str, object]:
    match key:
        case "label":
            return key, bounded("label", raw.strip(), MAX_LABEL_CHARS)
        case "description" | "objective":
            return key, bounded(key, raw.strip(), MAX_TEXT_CHARS)
        case "owner":
            return "owner_id", parse_owner(raw) or ""
        case "engagement":
            return key, str(
                choice("level", raw, ENGAGEMENT_WORDS, lang=lang, shown_key=_shown("level", lang))
            )
        case "status":
            return key, str(choice("status", raw, STATUS_WORDS, lang=lang, shown_key=_shown("status", lang)))
        case "priority":
            return key, str(
                choice("priority", raw, PRIORITY_WORDS, lang=lang, shown_key=_shown("priority", lang))
            )
        case "difficulty":
            return key, str(
                choice("difficulty", raw, DIFFICULTY_WORDS, lang=lang, shown_key=_shown("difficulty", lang))
            )
        case "domain":
            return key, parse_domain(raw)
        case "progress":
            return key, parse_progress(raw)
        case "identified_on" | "due_on":
            return key, parse_date(_shown(key.removesuffix("_on"), lang), raw, lang)
        case "indicator_codes":
            codes = tuple(check_code(c) for c in re.split(r"[,;]", raw) if c.strip())
            return key, codes
    raise AssertionError(key)


def _options(tokens: list[Token], *, allow_text: bool, lang: str = "fr") -> tuple[ActionFields, list[Token]]:
    """key=value tokens as fields; the other tokens are returned (label or note words)."""
    values: dict[str, object] = {}
    rest: list[Token] = []
    tokens = _with_dates(tokens, lang)
    for tok in tokens:
        m = None if tok.quoted else KEY_VALUE.match(tok.text)
        if m is None:
            if not allow_text and values:
                raise InvalidInput("error.action_text_after_options", value=tok.text[:40])
            rest.append(tok)
            continue
        key = _KEYS.get(word(m.group(1)))
        if key is None:
            raise InvalidInput("error.unknown_key", key=m.group(1)[:30], allowed=list(KNOWN_ACTION_KEYS))
        name, value = _field(key, m.group(2), lang)
        if name in values:
            raise InvalidInput("error.duplicate_key", key=m.group(1)[:30])
        values[name] = value
    return ActionFields(**values), rest  # type: ignore[arg-type]


def _with_dates(tokens: list[Token], lang: str) -> list[Token]:
    """A date option written in words (`echeance=31 déc. 2026`) made one token, as long as it reads."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        tok, i = tokens[i], i + 1
        m = None if tok.quoted else KEY_VALUE.match(tok.text)
        if m and _KEYS.get(word(m.group(1))) in ("due_on", "identified_on"):
            for extra in (2, 1):
                words = tokens[i : i + extra]
                if len(words) == extra and not any(KEY_VALUE.match(w.text) for w in words):
                    joined = " ".join([m.group(2)] + [w.text for w in words])
                    try:
                        parse_date("date", joined, lang)
                    except InvalidInput:
                        continue
                    tok = Token(f"{m.group(1)}={joined}", tok.start, words[-1].end)
                    i += extra
                    break
        out.append(tok)
    return out


def _date_mark_at(text: str, tokens: list[Token], index: int) -> tuple[str, list[Token]]:
    """The day written after the @ of tokens[index] (`@20 nov. 2026`: three words), and the other tokens."""
    tok = tokens[index]
    raw = tok.text[1:]
    start = tok.start + 1
    try:
        _, consumed = match_period(text[start:], today=ANY_DAY)
        raw = text[start : start + consumed].strip() or raw
    except InvalidInput:
        pass  # parse_day says what is wrong with it
    end = start + len(text[start:]) - len(text[start:].lstrip()) + len(raw)
    return raw, [t for i, t in enumerate(tokens) if i != index and not (tok.start <= t.start < end)]


def _refuse_date_without_at(tokens: list[Token], lang: str) -> None:
    day = _date_at_start([t for t in tokens if not USER_MENTION.match(t.text)], lang)
    if day is not None:
        raise InvalidInput("error.day_without_at", value=day[:30])


def _note(text: str, tokens: list[Token]) -> str:
    return bounded("note", text[tokens[0].start :].strip(), MAX_NOTE_CHARS) if tokens else ""


def _parse_new(text: str, tokens: list[Token], lang: str) -> NewAction | OpenNewActionModal:
    if not tokens:
        return OpenNewActionModal()
    fields, words = _options(tokens, allow_text=False, lang=lang)
    dated = next((t for t in words if _is_date_mark(t)), None)
    if dated is not None:
        raise InvalidInput("error.label_has_date", value=dated.text[:30])
    label = " ".join(t.text for t in words).strip()
    if fields.label is not None:
        if label:
            raise InvalidInput("error.duplicate_key", key="label")
        label = fields.label
    if not label:
        raise InvalidInput("error.missing_label")
    given = fields.given()
    given["label"] = bounded("label", label, MAX_LABEL_CHARS)
    return NewAction(ActionFields(**given))  # type: ignore[arg-type]


def _parse_numbered(text: str, tokens: list[Token], lang: str) -> UpdateStatus | UpdateAction:
    """`<N> [status] [p %] [key=value…] [note]`, the status and progress also right after the options."""
    number = parse_number(tokens[0].text)
    rest = tokens[1:]
    if not rest:
        raise InvalidInput("error.missing_action_change", number=number)
    status, used = _status_at(rest)
    progress, more = _progress_at(rest[used:])
    fields, words = _options(rest[used + more :], allow_text=True, lang=lang)
    # The note is whatever follows the last key=value.
    options = [t for t in rest[used + more :] if t not in words]
    note_tokens = [t for t in words if not options or t.start > options[-1].end]
    if len(note_tokens) != len(words):
        raise InvalidInput("error.action_text_before_options", value=words[0].text[:40])
    if status is None and progress is None and options:
        # `/action 1 echeance=2026-12-31 en cours 60 %`: the status may follow the options too.
        status, used = _status_at(note_tokens)
        progress, more = _progress_at(note_tokens[used:])
        note_tokens = note_tokens[used + more :]
    _check_update_note(note_tokens, lang)
    if status is ActionStatus.DONE and progress is not None and progress != 100:
        raise InvalidInput("error.done_with_progress", number=number, progress=progress)
    note = _note(text, note_tokens)
    if fields.given():
        extra = {"status": str(status)} if status is not None else {}
        if progress is not None:
            extra["progress"] = progress  # type: ignore[assignment]
        return UpdateAction(number, ActionFields(**fields.given(), **extra), note)  # type: ignore[arg-type]
    if status is not None:
        return UpdateStatus(number, status, progress, note)
    if progress is not None:
        # `/action 2 50%`: the progress alone, the status as it is.
        return UpdateAction(number, ActionFields(progress=progress), note)
    raise InvalidInput("error.missing_action_change", number=number)


def _is_date_mark(tok: Token) -> bool:
    return tok.text.startswith("@") and not tok.quoted and not USER_MENTION.match(tok.text)


_DATE_LEADS = frozenset({"le", "du", "au", "depuis", "on", "since"})


def _date_at_start(tokens: list[Token], lang: str) -> str | None:
    """The day a note starts with (`le 15/11`, `hier`, `18/11/2026`), written without its @; or None."""
    words = [t.text for t in tokens if not t.quoted][:4]
    for skip in (0, 1, 2):
        if skip and (len(words) < skip or word(words[skip - 1]) not in _DATE_LEADS):
            break
        text = " ".join(words[skip:])
        if not text:
            break
        try:
            _, consumed = match_period(text, today=ANY_DAY, lang=lang)
        except InvalidInput as err:
            if err.key == "error.period_needs_year":  # "le 15/11": a day all the same
                return " ".join(words[: skip + 1])
            continue
        shown = text[:consumed].strip()
        if not shown.isdigit():  # a bare year ("2026 a été…") reads as words here
            return shown
    return None


def _check_update_note(tokens: list[Token], lang: str = "fr") -> None:
    """An update's note must not start with a number (`en cours 40`: 40 %?) nor hold a date (`@…`)."""
    if tokens and not tokens[0].quoted and tokens[0].text[:1].isdigit() and not _date_at_start(tokens, lang):
        raise InvalidInput("error.progress_needs_percent", value=tokens[0].text.rstrip("%")[:20])
    dated = next((t for t in tokens if _is_date_mark(t)), None)
    if dated is not None:
        raise InvalidInput("error.action_no_date_here", value=dated.text[:30])
    day = _date_at_start(tokens, lang)
    if day is not None:
        raise InvalidInput("error.action_no_date_here", value=day[:30])


def _parse_meeting(text: str, tokens: list[Token], lang: str) -> RecordMeeting:
    held_on_raw = None
    dates = [i for i, t in enumerate(tokens) if _is_date_mark(t)]
    if dates:
        held_on_raw, tokens = _date_mark_at(text, tokens, dates[0])
        held_on_raw = held_on_raw or "@"
        if any(_is_date_mark(t) for t in tokens):
            raise InvalidInput("error.two_periods", first="@" + held_on_raw[:30], second="@…")
    else:
        _refuse_date_without_at(tokens, lang)
    attendees = []
    for tok in tokens:
        if m := USER_MENTION.match(tok.text):
            if m.group(1) not in attendees:
                attendees.append(m.group(1))
    if not attendees:
        raise InvalidInput("error.copil_needs_attendees")
    others = [t for t in tokens if not USER_MENTION.match(t.text)]
    decisions = " ".join(text[t.start : t.end] for t in others)
    return RecordMeeting(held_on_raw, tuple(attendees), bounded("decisions", decisions, MAX_TEXT_CHARS), lang)


def _parse_plan(text: str, tokens: list[Token], lang: str) -> PlanMilestone | ShowPlan:
    if not tokens:
        return ShowPlan()
    kind = _MILESTONES.get(word(tokens[0].text))
    if kind is None:
        raise InvalidInput("error.bad_plan_word", value=tokens[0].text[:30])
    on_raw = None
    rest = tokens[1:]
    if rest and _is_date_mark(rest[0]):
        on_raw, rest = _date_mark_at(text, rest, 0)
    else:
        _refuse_date_without_at(rest, lang)
    return PlanMilestone(kind, on_raw, _note(text, rest), lang)


def parse_day(raw: str | None, *, today: dt.date, lang: str = "fr") -> dt.date:
    """A past or present day (`2026-11-20`, `20/11/2026`, `20 nov. 2026`, `hier`); today when not given."""
    if raw is None:
        return today
    try:
        period = parse_period(raw, today=today, lang=lang)
    except InvalidInput as err:
        if err.key in ("error.future_period", "error.ambiguous_date", "error.no_such_date"):
            raise
        raise InvalidInput("error.bad_day", value=raw[:30]) from None
    if period.granularity is not Granularity.DAY:
        raise InvalidInput("error.bad_day", value=raw[:30])
    return period.start


def parse_action(raw_text: str, lang: str = "fr") -> ActionCommand:
    """Parse the text of an /action command as Slack sends it."""
    text, tokens = prepare(raw_text)
    if not tokens:
        return ActionHelp()
    first = tokens[0]
    sub = None if first.quoted else _SUB.get(word(first.text))
    rest = tokens[1:]
    match sub:
        case "help":
            return ActionHelp()
        case "new":
            return _parse_new(text, rest, lang)
        case "show":
            if not rest:
                raise InvalidInput("error.missing_action_number")
            return ShowAction(parse_number(rest[0].text))
        case "list":
            # `list en cours`, `list à faire`: a filter of several words is one filter.
            return ListActions("-".join(word(t.text) for t in rest))
        case "delete":
            if not rest:
                raise InvalidInput("error.missing_action_number")
            return DeleteAction(parse_number(rest[0].text))
        case "copil":
            return _parse_meeting(text, rest, lang)
        case "plan":
            return _parse_plan(text, rest, lang)
    if _NUMBER.match(first.text):
        return _parse_numbered(text, tokens, lang)
    raise InvalidInput("error.unknown_action_subcommand", value=first.text[:30])
