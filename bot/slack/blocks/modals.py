"""Modals of the action plan and of readings: pure builders returning views that Slack accepts."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.domain.action_grammar import MAX_DOMAIN_CHARS, MAX_LABEL_CHARS, MAX_TEXT_CHARS
from bot.domain.actions import GUIDE_DOMAINS, ActionStatus, ActionView, Difficulty, Engagement, Priority
from bot.domain.text import MAX_NOTE_CHARS
from bot.domain.values import MAX_NUMBER_CHARS
from bot.i18n import N_, t
from bot.slack import ids
from bot.slack.blocks.common import Block, Message, clip, context, esc, section

View = dict[str, Any]

MODAL_TITLE_MAX = 24
OPTION_TEXT_MAX = 75
SELECT_OPTIONS_MAX = 100  # Slack refuses a select with more options
PRIVATE_METADATA_MAX = 3000
RAW_VALUE_MAX = 2 * MAX_NUMBER_CHARS + 1  # the longest value the domain reads: a ratio, two numbers
RAW_PERIOD_MAX = 20  # "31/12/2026" is the longest period the domain reads
MODAL_BLOCKS_MAX = 100


@dataclass(frozen=True)
class Field:
    """One input of a modal: the block_id it is read from (and errors are shown on) and its action_id."""

    block_id: str
    action_id: str


# New action (NEW_ACTION_MODAL)
NEW_LABEL = Field("pilote.new_action.label", "label")
NEW_DESCRIPTION = Field("pilote.new_action.description", "description")
NEW_OWNER = Field("pilote.new_action.owner", "owner")
NEW_LEVEL = Field("pilote.new_action.level", "level")
NEW_STATUS = Field("pilote.new_action.status", "status")
NEW_DOMAIN = Field("pilote.new_action.domain", "domain")
NEW_OTHER_DOMAIN = Field("pilote.new_action.other_domain", "other_domain")
NEW_PRIORITY = Field("pilote.new_action.priority", "priority")
NEW_DIFFICULTY = Field("pilote.new_action.difficulty", "difficulty")
NEW_PROGRESS = Field("pilote.new_action.progress", "progress")
NEW_IDENTIFIED = Field("pilote.new_action.identified", "identified")
NEW_DUE = Field("pilote.new_action.due", "due")
NEW_OBJECTIVE = Field("pilote.new_action.objective", "objective")
NEW_INDICATORS = Field("pilote.new_action.indicators", "indicators")

# Progress of an action (PROGRESS_MODAL)
PROGRESS_STATUS = Field("pilote.progress.status", "status")
PROGRESS_PROGRESS = Field("pilote.progress.progress", "progress")
PROGRESS_NOTE = Field("pilote.progress.note", "note")

# A reading (RECORD_MODAL)
RECORD_INDICATOR = Field("pilote.record.indicator", "indicator")
RECORD_VALUE = Field("pilote.record.value", "value")
RECORD_PERIOD = Field("pilote.record.period", "period")
RECORD_NOTE = Field("pilote.record.note", "note")

# Read-only modal showing an action's card and journal
CARD_MODAL = "pilote.modal.card"


def _plain(text: str, limit: int = 3000) -> dict[str, Any]:
    return {"type": "plain_text", "text": clip(text, limit), "emoji": True}


def _option(text: str, value: str) -> dict[str, Any]:
    return {"text": _plain(text, OPTION_TEXT_MAX), "value": value}


def _input(
    lang: str, field: Field, label_key: str, element: dict[str, Any], *, optional: bool = False,
    hint: str | None = None,
) -> Block:  # fmt: skip
    block: Block = {
        "type": "input",
        "block_id": field.block_id,
        "label": _plain(t(lang, label_key), 2000),
        "element": {**element, "action_id": field.action_id},
        "optional": optional,
    }
    if hint:
        block["hint"] = _plain(hint, 2000)
    return block


def _text_input(
    placeholder: str | None = None, *, max_length: int, multiline: bool = False, initial: str | None = None
) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "plain_text_input", "max_length": max_length, "multiline": multiline}
    if placeholder:
        element["placeholder"] = _plain(placeholder, 150)
    if initial:
        element["initial_value"] = initial
    return element


def _select(
    lang: str, options: list[dict[str, Any]], initial: dict[str, Any] | None = None
) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "static_select",
        "options": options,
        "placeholder": _plain(t(lang, "modal.choose"), 150),
    }
    if initial is not None:
        element["initial_option"] = initial
    return element


def _progress_input(initial: int | None = None) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "number_input",
        "is_decimal_allowed": False,
        "min_value": "0",
        "max_value": "100",
    }
    if initial is not None:
        element["initial_value"] = str(initial)
    return element


def _metadata(**values: Any) -> str:
    text = json.dumps(values, separators=(",", ":"))
    if len(text) > PRIVATE_METADATA_MAX:
        raise ValueError("private_metadata over Slack's limit")  # only ids go in: cannot happen
    return text


def _modal(lang: str, callback_id: str, title: str, blocks: list[Block], *, submit_key: str | None,
           metadata: str = "") -> View:  # fmt: skip
    view: View = {
        "type": "modal",
        "callback_id": callback_id,
        "title": _plain(title, MODAL_TITLE_MAX),
        "close": _plain((t(lang, "modal.cancel") if submit_key else t(lang, "modal.close")), MODAL_TITLE_MAX),
        "blocks": blocks[:MODAL_BLOCKS_MAX],
    }
    if submit_key:
        view["submit"] = _plain(t(lang, submit_key), MODAL_TITLE_MAX)
    if metadata:
        view["private_metadata"] = metadata
    return view


def status_options(lang: str) -> list[dict[str, Any]]:
    """The four statuses, as options whose value is the ActionStatus value."""
    return [_option(t(lang, f"action.status.{s.value}"), s.value) for s in ActionStatus]


def engagement_options(lang: str) -> list[dict[str, Any]]:
    """The three engagement levels of the guide."""
    return [_option(t(lang, f"action.engagement.{e.value}"), e.value) for e in Engagement]


def domain_options(lang: str) -> list[dict[str, Any]]:
    """The guide's seven domains, with their French or English names."""
    return [_option(t(lang, f"action.domain.{d}"), d) for d in GUIDE_DOMAINS]


def indicator_options(indicators: Sequence[tuple[str, str]]) -> list[dict[str, Any]]:
    """(code, name) pairs as options, at most Slack's 100; the value is the code."""
    return [_option(f"{code} — {name}", code) for code, name in indicators[:SELECT_OPTIONS_MAX]]


def new_action_modal(
    lang: str, *, indicators: Sequence[tuple[str, str]], channel_id: str, today: dt.date
) -> View:
    """The full form of a new action; the confirmation goes to `channel_id` (a user id: their DM)."""
    status_opts, level_opts = status_options(lang), engagement_options(lang)
    priority_opts = [_option(t(lang, f"action.priority.{p.value}"), p.value) for p in Priority]
    difficulty_opts = [_option(t(lang, f"action.difficulty.{d.value}"), d.value) for d in Difficulty]
    blocks: list[Block] = [
        _input(lang, NEW_LABEL, N_("modal.new.label"),
               _text_input(t(lang, "modal.new.label.placeholder"), max_length=MAX_LABEL_CHARS)),
        _input(lang, NEW_DESCRIPTION, N_("modal.new.description"),
               _text_input(max_length=MAX_TEXT_CHARS, multiline=True), optional=True),
        _input(lang, NEW_OWNER, N_("modal.new.owner"),
               {"type": "users_select", "placeholder": _plain(t(lang, "modal.choose_person"), 150)},
               optional=True, hint=t(lang, "modal.new.owner.hint")),
        _input(lang, NEW_LEVEL, N_("modal.new.level"), _select(lang, level_opts, level_opts[0])),
        _input(lang, NEW_STATUS, N_("modal.new.status"), _select(lang, status_opts, status_opts[0])),
        _input(lang, NEW_DOMAIN, N_("modal.new.domain"), _select(lang, domain_options(lang)),
               optional=True, hint=t(lang, "modal.new.domain.hint")),
        _input(lang, NEW_OTHER_DOMAIN, N_("modal.new.other_domain"),
               _text_input(t(lang, "modal.new.other_domain.placeholder"), max_length=MAX_DOMAIN_CHARS),
               optional=True, hint=t(lang, "modal.new.other_domain.hint")),
        _input(lang, NEW_PRIORITY, N_("modal.new.priority"), _select(lang, priority_opts), optional=True),
        _input(lang, NEW_DIFFICULTY, N_("modal.new.difficulty"), _select(lang, difficulty_opts),
               optional=True),
        _input(lang, NEW_PROGRESS, N_("modal.new.progress"), _progress_input(), optional=True,
               hint=t(lang, "modal.progress.hint")),
        _input(lang, NEW_IDENTIFIED, N_("modal.new.identified"),
               {"type": "datepicker", "initial_date": today.isoformat()}, optional=True),
        _input(lang, NEW_DUE, N_("modal.new.due"),
               {"type": "datepicker", "placeholder": _plain(t(lang, "modal.choose_date"), 150)},
               optional=True),
        _input(lang, NEW_OBJECTIVE, N_("modal.new.objective"),
               _text_input(t(lang, "modal.new.objective.placeholder"), max_length=MAX_TEXT_CHARS,
                           multiline=True), optional=True),
    ]  # fmt: skip
    if indicators:
        hint = None
        if len(indicators) > SELECT_OPTIONS_MAX:
            hint = t(lang, "modal.new.indicators.more", shown=SELECT_OPTIONS_MAX, total=len(indicators))
        element = {
            "type": "multi_static_select",
            "options": indicator_options(indicators),
            "placeholder": _plain(t(lang, "modal.choose"), 150),
        }
        blocks.append(
            _input(lang, NEW_INDICATORS, N_("modal.new.indicators"), element, optional=True, hint=hint)
        )
    return _modal(lang, ids.NEW_ACTION_MODAL, t(lang, "modal.new.title"), blocks,
                  submit_key=N_("modal.create"), metadata=_metadata(channel_id=channel_id))  # fmt: skip


def progress_modal(lang: str, action: ActionView, *, channel_id: str | None = None) -> View:
    """Update an action's status and progress, with a note for its journal."""
    status_opts = status_options(lang)
    current = next(o for o in status_opts if o["value"] == action.status.value)
    blocks: list[Block] = [
        section(t(lang, "action.line", number=action.number, label=esc(action.label))),
        _input(lang, PROGRESS_STATUS, N_("modal.progress.status"), _select(lang, status_opts, current)),
        _input(lang, PROGRESS_PROGRESS, N_("modal.progress.progress"), _progress_input(action.progress),
               optional=True, hint=t(lang, "modal.progress.hint")),
        _input(lang, PROGRESS_NOTE, N_("modal.progress.note"),
               _text_input(t(lang, "modal.progress.note.placeholder"), max_length=MAX_NOTE_CHARS,
                           multiline=True), optional=True),
    ]  # fmt: skip
    return _modal(
        lang, ids.PROGRESS_MODAL, t(lang, "modal.progress.title", number=action.number), blocks,
        submit_key=N_("modal.save"), metadata=_metadata(number=action.number, channel_id=channel_id),
    )  # fmt: skip


def record_reading_modal(
    lang: str, *, indicators: Sequence[tuple[str, str]], selected_code: str | None
) -> View:
    """Record a reading: which indicator, the value as typed, its period and a note."""
    title = t(lang, "modal.record.title")
    if not indicators:
        # A select needs at least one option: say how to create an indicator instead.
        return _modal(lang, ids.RECORD_MODAL, title, [section(t(lang, "modal.record.none"))], submit_key=None)
    chosen = list(indicators)
    selected = next((i for i in chosen if i[0] == selected_code), None) if selected_code else None
    if selected is not None and chosen.index(selected) >= SELECT_OPTIONS_MAX:
        # The button named this indicator: keep it among the options Slack accepts.
        chosen = [selected] + [i for i in chosen if i is not selected]
    options = indicator_options(chosen)
    initial = next((o for o in options if selected and o["value"] == selected[0]), None)
    hint = (
        t(lang, "modal.record.more", shown=SELECT_OPTIONS_MAX, total=len(chosen))
        if len(chosen) > SELECT_OPTIONS_MAX
        else None
    )
    blocks: list[Block] = [
        _input(lang, RECORD_INDICATOR, N_("modal.record.indicator"), _select(lang, options, initial),
               hint=hint),
        _input(lang, RECORD_VALUE, N_("modal.record.value"),
               _text_input(t(lang, "modal.record.value.placeholder"), max_length=RAW_VALUE_MAX),
               hint=t(lang, "modal.record.value.hint")),
        _input(lang, RECORD_PERIOD, N_("modal.record.period"), _text_input(max_length=RAW_PERIOD_MAX),
               optional=True, hint=t(lang, "modal.record.period.hint")),
        _input(lang, RECORD_NOTE, N_("modal.record.note"),
               _text_input(max_length=MAX_NOTE_CHARS, multiline=True), optional=True),
    ]  # fmt: skip
    return _modal(lang, ids.RECORD_MODAL, title, blocks, submit_key=N_("modal.save"))


def card_modal(lang: str, card: Message, *, number: int) -> View:
    """An action's card (a message built by blocks.actions.card_message) shown in a modal."""
    blocks = list(card.get("blocks") or []) or [section(card.get("text") or "—")]
    if len(blocks) > MODAL_BLOCKS_MAX:
        blocks = blocks[: MODAL_BLOCKS_MAX - 1] + [context("…")]
    return _modal(lang, CARD_MODAL, t(lang, "modal.card.title", number=number), blocks, submit_key=None)
