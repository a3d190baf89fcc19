"""What users typed in Pilote's modals, read from Slack's view state and checked by the domain.

Every field is checked, and every wrong one is reported on its own block at once, so that Slack
keeps the modal open with all its messages (response_action "errors") and nothing typed is lost.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from bot.domain.action_grammar import (
    MAX_LABEL_CHARS,
    MAX_TEXT_CHARS,
    ActionFields,
    parse_date,
    parse_domain,
    parse_progress,
)
from bot.domain.actions import (
    DIFFICULTY_WORDS,
    DOMAIN_WORDS,
    ENGAGEMENT_WORDS,
    PRIORITY_WORDS,
    STATUS_WORDS,
    ActionStatus,
)
from bot.domain.errors import DomainError, InvalidInput
from bot.domain.grammar import RecordReading, bounded, check_code, choice
from bot.domain.readings import PERIOD_ERRORS
from bot.domain.text import MAX_NOTE_CHARS
from bot.i18n import CATALOGUES, day, t
from bot.slack import ids
from bot.slack.blocks.modals import (
    NEW_DESCRIPTION,
    NEW_DIFFICULTY,
    NEW_DOMAIN,
    NEW_DUE,
    NEW_IDENTIFIED,
    NEW_INDICATORS,
    NEW_LABEL,
    NEW_LEVEL,
    NEW_OBJECTIVE,
    NEW_OTHER_DOMAIN,
    NEW_OWNER,
    NEW_PRIORITY,
    NEW_PROGRESS,
    NEW_STATUS,
    PROGRESS_NOTE,
    PROGRESS_PROGRESS,
    PROGRESS_STATUS,
    RECORD_INDICATOR,
    RECORD_NOTE,
    RECORD_PERIOD,
    RECORD_VALUE,
    Field,
)

StateValues = Mapping[str, Mapping[str, Mapping[str, Any]]]
T = TypeVar("T")
ERROR_TEXT_MAX = 1000  # Slack shows these under the field: keep them to a few lines


class ModalErrors(Exception):
    """Some fields of a submitted modal are wrong: block_id → the error to show under that block."""

    def __init__(self, errors: Mapping[str, DomainError]) -> None:
        self.errors = dict(errors)
        super().__init__(", ".join(f"{block}: {err.key}" for block, err in self.errors.items()))


@dataclass(frozen=True)
class ProgressUpdate:
    """What the progress modal asks for."""

    status: ActionStatus
    progress: int | None
    note: str


def state_values(view: Mapping[str, Any]) -> StateValues:
    """view.state.values of a submitted view ({} when absent)."""
    state = view.get("state") or {}
    values = state.get("values") if isinstance(state, Mapping) else None
    return values if isinstance(values, Mapping) else {}


def metadata(view: Mapping[str, Any]) -> dict[str, Any]:
    """The view's private_metadata as a dict ({} when empty or not JSON: it is only a hint)."""
    raw = view.get("private_metadata") or ""
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _element(values: StateValues, field: Field) -> Mapping[str, Any]:
    element = values.get(field.block_id, {}).get(field.action_id)
    return element if isinstance(element, Mapping) else {}


def text(values: StateValues, field: Field) -> str | None:
    """A text or number input, stripped; None when empty."""
    raw = _element(values, field).get("value")
    stripped = raw.strip() if isinstance(raw, str) else ""
    return stripped or None


def selected(values: StateValues, field: Field) -> str | None:
    """The value of a static select's option, a user select's user or a date picker's date."""
    element = _element(values, field)
    option = element.get("selected_option")
    if isinstance(option, Mapping):
        return str(option.get("value") or "") or None
    for key in ("selected_user", "selected_date"):
        if element.get(key):
            return str(element[key])
    return None


def selected_many(values: StateValues, field: Field) -> list[str]:
    """The values of a multi-select's options."""
    options = _element(values, field).get("selected_options") or []
    return [str(o["value"]) for o in options if isinstance(o, Mapping) and o.get("value")]


class _Collector:
    """Runs each field's check, keeping the first error of each block."""

    def __init__(self) -> None:
        self.errors: dict[str, DomainError] = {}

    def check(self, field: Field, parse: Callable[[], T]) -> T | None:
        try:
            return parse()
        except DomainError as err:
            self.errors.setdefault(field.block_id, err)
            return None

    def fail(self, field: Field, error: DomainError) -> None:
        self.errors.setdefault(field.block_id, error)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ModalErrors(self.errors)


def _label(raw: str | None) -> str:
    if raw is None:
        raise InvalidInput("modal.error.label_required")
    return bounded("label", raw, MAX_LABEL_CHARS)


def _optional_text(key: str, raw: str | None, limit: int) -> str | None:
    return None if raw is None else bounded(key, raw, limit)


def _optional_choice(key: str, raw: str | None, words: Mapping[str, Any]) -> str | None:
    return None if raw is None else str(choice(key, raw, dict(words)))


def new_action_fields(values: StateValues) -> ActionFields:
    """The fields of the new-action modal, checked by the domain; ModalErrors names each wrong block."""
    c = _Collector()
    label = c.check(NEW_LABEL, lambda: _label(text(values, NEW_LABEL)))
    description = c.check(
        NEW_DESCRIPTION, lambda: _optional_text("description", text(values, NEW_DESCRIPTION), MAX_TEXT_CHARS)
    )
    objective = c.check(
        NEW_OBJECTIVE, lambda: _optional_text("objective", text(values, NEW_OBJECTIVE), MAX_TEXT_CHARS)
    )
    engagement = c.check(
        NEW_LEVEL, lambda: _optional_choice("level", selected(values, NEW_LEVEL), ENGAGEMENT_WORDS)
    )
    status = c.check(
        NEW_STATUS, lambda: _optional_choice("status", selected(values, NEW_STATUS), STATUS_WORDS)
    )
    priority = c.check(
        NEW_PRIORITY, lambda: _optional_choice("priority", selected(values, NEW_PRIORITY), PRIORITY_WORDS)
    )
    difficulty = c.check(
        NEW_DIFFICULTY,
        lambda: _optional_choice("difficulty", selected(values, NEW_DIFFICULTY), DIFFICULTY_WORDS),
    )
    guide_domain = c.check(
        NEW_DOMAIN, lambda: _optional_choice("domain", selected(values, NEW_DOMAIN), DOMAIN_WORDS)
    )
    other_raw = text(values, NEW_OTHER_DOMAIN)
    other_domain = c.check(NEW_OTHER_DOMAIN, lambda: parse_domain(other_raw) if other_raw else None)
    if guide_domain and other_domain and guide_domain != other_domain:
        c.fail(NEW_OTHER_DOMAIN, InvalidInput("modal.error.two_domains"))
    progress_raw = text(values, NEW_PROGRESS)
    progress = c.check(NEW_PROGRESS, lambda: parse_progress(progress_raw) if progress_raw else None)
    identified_raw, due_raw = selected(values, NEW_IDENTIFIED), selected(values, NEW_DUE)
    identified = c.check(
        NEW_IDENTIFIED, lambda: parse_date("identified", identified_raw) if identified_raw else None
    )
    due = c.check(NEW_DUE, lambda: parse_date("due", due_raw) if due_raw else None)
    if identified and due and due < identified:
        c.fail(
            NEW_DUE,
            InvalidInput("error.due_before_identified", due=due, identified=identified),
        )
    codes = c.check(
        NEW_INDICATORS, lambda: tuple(check_code(code) for code in selected_many(values, NEW_INDICATORS))
    )
    c.raise_if_any()
    return ActionFields(
        label=label,
        description=description,
        owner_id=selected(values, NEW_OWNER),  # None: the service makes the submitter the owner
        engagement=engagement,
        status=status,
        priority=priority,
        difficulty=difficulty,
        domain=other_domain or guide_domain,
        progress=progress,
        objective=objective,
        identified_on=identified,
        due_on=due,
        indicator_codes=codes or None,
    )  # fmt: skip


def progress_update(values: StateValues) -> ProgressUpdate:
    """The progress modal's status, progress and note, checked by the domain."""
    c = _Collector()
    status_raw = selected(values, PROGRESS_STATUS)
    status = c.check(PROGRESS_STATUS, lambda: choice("status", status_raw or "", STATUS_WORDS))
    progress_raw = text(values, PROGRESS_PROGRESS)
    progress = c.check(PROGRESS_PROGRESS, lambda: parse_progress(progress_raw) if progress_raw else None)
    note = c.check(PROGRESS_NOTE, lambda: bounded("note", text(values, PROGRESS_NOTE) or "", MAX_NOTE_CHARS))
    c.raise_if_any()
    assert status is not None and note is not None
    return ProgressUpdate(status=status, progress=progress, note=note)


def reading_command(values: StateValues, lang: str = "fr") -> RecordReading:
    """The reading typed in the record modal by a user of that language; value and period are parsed by
    the service (kind, today)."""
    c = _Collector()
    code = c.check(RECORD_INDICATOR, lambda: check_code(selected(values, RECORD_INDICATOR) or ""))
    raw_value = text(values, RECORD_VALUE)
    if raw_value is None:
        c.fail(RECORD_VALUE, InvalidInput("modal.error.value_required"))
    note = c.check(RECORD_NOTE, lambda: bounded("note", text(values, RECORD_NOTE) or "", MAX_NOTE_CHARS))
    c.raise_if_any()
    assert code is not None and raw_value is not None and note is not None
    return RecordReading(code, raw_value, text(values, RECORD_PERIOD), note, lang)


# Which block shows an error the service raised (the fields themselves were fine one by one).
_SERVICE_ERROR_BLOCKS: dict[str, dict[str, str]] = {
    ids.NEW_ACTION_MODAL: {
        "error.due_before_identified": NEW_DUE.block_id,
        "error.unknown_indicator": NEW_INDICATORS.block_id,
        "error.bad_code": NEW_INDICATORS.block_id,
        "error.reserved_code": NEW_INDICATORS.block_id,
        "error.bad_progress": NEW_PROGRESS.block_id,
        "error.bad_domain": NEW_OTHER_DOMAIN.block_id,
    },
    ids.PROGRESS_MODAL: {
        "error.bad_progress": PROGRESS_PROGRESS.block_id,
        "error.too_long": PROGRESS_NOTE.block_id,
    },
    ids.RECORD_MODAL: {
        "error.unknown_indicator": RECORD_INDICATOR.block_id,
        "error.bad_code": RECORD_INDICATOR.block_id,
        **{key: RECORD_PERIOD.block_id for key in PERIOD_ERRORS},
        "error.too_long": RECORD_NOTE.block_id,
    },
}
# Anything else is shown on the modal's main field.
_DEFAULT_BLOCKS = {
    ids.NEW_ACTION_MODAL: NEW_LABEL.block_id,
    ids.PROGRESS_MODAL: PROGRESS_STATUS.block_id,
    ids.RECORD_MODAL: RECORD_VALUE.block_id,
}


def service_error_block(callback_id: str, error: DomainError) -> str:
    """The block of a modal under which an error raised by a service is shown."""
    return _SERVICE_ERROR_BLOCKS.get(callback_id, {}).get(error.key) or _DEFAULT_BLOCKS[callback_id]


def _param(lang: str, name: str, value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dt.date):
        return day(lang, value)
    if name == "key":
        # Field names in the grammar are English words: say them as the form labels them.
        field_key = f"modal.field.{value}"
        if field_key in CATALOGUES["fr"]:
            return t(lang, field_key)
    return str(value)


def error_text(lang: str, error: DomainError) -> str:
    """An error as plain text for a modal field (a modal wording replaces a command's when there is one)."""
    modal_key = error.key if error.key.startswith("modal.") else f"modal.{error.key}"
    key = modal_key if modal_key in CATALOGUES["fr"] else error.key
    params = {name: _param(lang, name, value) for name, value in error.params.items()}
    message = t(lang, key, **params)
    return message if len(message) <= ERROR_TEXT_MAX else message[: ERROR_TEXT_MAX - 1] + "…"


def error_texts(lang: str, errors: Mapping[str, DomainError]) -> dict[str, str]:
    """block_id → message, as Slack's response_action "errors" wants them."""
    return {block_id: error_text(lang, err) for block_id, err in errors.items()}
