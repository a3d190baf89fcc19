"""The App Home tab: the plan at a glance, the user's indicators and actions, with buttons.

Slack refuses a view with more than 100 blocks, so each list shows ROWS rows and a "show more"
button that republishes the tab with EXPANDED_ROWS rows of that list, then points to the slash
commands. Slack wants action_ids unique within a view: the per-row buttons suffix theirs with
":<code>" or ":<number>", and the listeners match them by prefix (bot.slack.listeners.home).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from bot.domain.actions import ActionView
from bot.domain.home import HomeData, HomeIndicator
from bot.domain.values import Kind
from bot.i18n import NN_, day, moment, period, t, tn, value
from bot.slack import ids
from bot.slack.blocks.actions import STATUS_ICONS as ACTION_ICONS
from bot.slack.blocks.actions import due_text, plan_lines
from bot.slack.blocks.alerts import undelivered_line
from bot.slack.blocks.common import Block, context, divider, esc, header, section
from bot.slack.blocks.kpi import STATUS_ICONS as INDICATOR_ICONS
from bot.slack.blocks.kpi import reading_value

HOME_BLOCKS_MAX = 100
INDICATORS = "indicators"
ACTIONS = "actions"
SECTIONS = (INDICATORS, ACTIONS)
ROWS = 15
# Both lists expanded, plus the 15 fixed blocks, stay within HOME_BLOCKS_MAX (tests hold it).
EXPANDED_ROWS = 40
ID_SEPARATOR = ":"


def row_action_id(action_id: str, key: str) -> str:
    """An action_id made unique within the view for one row's button: `<action_id>:<key>`."""
    return f"{action_id}{ID_SEPARATOR}{key}"


def expanded_from(metadata: str) -> frozenset[str]:
    """The expanded sections a published view remembers in its private_metadata."""
    return frozenset(s for s in metadata.split(",") if s in SECTIONS)


def _button(text: str, action_id: str, value: str | None = None, *, primary: bool = False) -> dict[str, Any]:
    button: dict[str, Any] = {
        "type": "button",
        "text": {"type": "plain_text", "text": text[:75], "emoji": True},
        "action_id": action_id,
    }
    if value:  # Slack refuses an empty value: a button without one sends none
        button["value"] = value
    if primary:
        button["style"] = "primary"
    return button


AUTO_LANGUAGE = "auto"
# Each language is named in itself, so that a user who cannot read the current one finds theirs.
_LANGUAGE_NAMES = {"fr": "Français", "en": "English"}


def _language_option(text: str, value: str) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": f"🌐 {text}", "emoji": True}, "value": value}


def language_select(lang: str, chosen: str | None) -> dict[str, Any]:
    """The menu where a user chooses the language Pilote speaks to them (Slack's by default)."""
    options = [_language_option(t(lang, "home.language.auto"), AUTO_LANGUAGE)]
    options += [_language_option(name, code) for code, name in _LANGUAGE_NAMES.items()]
    current = chosen if chosen in _LANGUAGE_NAMES else AUTO_LANGUAGE
    return {
        "type": "static_select",
        "action_id": ids.HOME_LANGUAGE,
        "placeholder": {"type": "plain_text", "text": t(lang, "home.language.placeholder"), "emoji": True},
        "options": options,
        "initial_option": next(o for o in options if o["value"] == current),
    }


def language_choice(value: str) -> str | None:
    """The language a Home tab menu choice stands for (None: Slack's); ValueError for another value."""
    if value == AUTO_LANGUAGE:
        return None
    if value not in _LANGUAGE_NAMES:
        raise ValueError(value)
    return value


def _row(text: str, block_id: str, button: dict[str, Any]) -> Block:
    return {**section(text), "block_id": block_id, "accessory": button}


def _indicator_text(lang: str, item: HomeIndicator, today: dt.date) -> str:
    s = item.summary
    ind = s.indicator
    if s.latest is not None:
        latest = t(
            lang,
            "home.indicator.latest",
            value=reading_value(lang, ind, s.latest),
            period=period(lang, s.latest.period),
        )
    else:
        latest = t(lang, "kpi.list.no_value")
    if item.due_on is None:
        due = ""
    elif item.is_overdue(today):
        due = t(lang, "home.indicator.overdue", date=day(lang, item.due_on))
    elif s.latest is None:
        due = t(lang, "home.indicator.due_now")
    else:
        due = t(lang, "home.indicator.due", date=day(lang, item.due_on))
    return t(
        lang,
        "home.indicator.line",
        icon=INDICATOR_ICONS[s.status],
        code=esc(ind.code),
        name=esc(ind.name),
        latest=latest,
        status=t(lang, f"status.{s.status}"),
        due=due,
    )


def _indicator_row(lang: str, item: HomeIndicator, today: dt.date) -> Block:
    ind = item.summary.indicator
    button = _button(
        t(lang, "home.button.record_one"),
        row_action_id(ids.HOME_RECORD_READING, ind.code),
        ind.code,
        primary=item.is_overdue(today) or (item.due_on is not None and item.summary.latest is None),
    )
    return _row(_indicator_text(lang, item, today), f"pilote.home.kpi.{ind.id}", button)


def _action_text(lang: str, action: ActionView, today: dt.date) -> str:
    due = due_text(lang, action, today)
    detail = t(
        lang,
        "home.action.detail",
        status=t(lang, f"action.status.{action.status.value}"),
        progress=value(lang, Kind.PERCENT, action.progress),
        due=due,
    )
    first = t(lang, "action.line", number=action.number, label=esc(action.label))
    return f"{ACTION_ICONS[action.status]} {first}\n{detail}"


def _action_row(lang: str, action: ActionView, today: dt.date) -> Block:
    number = str(action.number)
    button = _button(t(lang, "home.button.update"), row_action_id(ids.ACTION_UPDATE_PROGRESS, number), number)
    return _row(_action_text(lang, action, today), f"pilote.home.action.{number}", button)


def _listing(lang: str, name: str, rows: list[Block], *, expanded: bool, rest_key: str) -> list[Block]:
    """Rows within the section's budget, then a "show more" button or a pointer to the slash command."""
    limit = EXPANDED_ROWS if expanded else ROWS
    if len(rows) <= limit:
        return rows
    shown, hidden = rows[:limit], len(rows) - limit
    if expanded:
        return [*shown, context(tn(lang, rest_key, hidden))]
    more = _button(tn(lang, "home.button.more", hidden), row_action_id(ids.HOME_SHOW_MORE, name), name)
    return [*shown, {"type": "actions", "block_id": f"pilote.home.more.{name}", "elements": [more]}]


def _plan(lang: str, data: HomeData) -> list[Block]:
    text = "\n".join(plan_lines(lang, data.plan))
    if data.plan.total == 0:
        text = t(lang, "home.plan.empty") + "\n" + text
    return [header(t(lang, "home.plan.title")), section(text)]


def _indicators(lang: str, data: HomeData, today: dt.date, expanded: bool) -> list[Block]:
    blocks = [header(t(lang, "home.indicators.title", count=len(data.indicators)))]
    if not data.indicators:
        return [*blocks, section(t(lang, "home.indicators.empty"))]
    rows = [_indicator_row(lang, item, today) for item in data.indicators]
    return blocks + _listing(lang, INDICATORS, rows, expanded=expanded, rest_key=NN_("home.indicators.rest"))


def _actions(lang: str, data: HomeData, today: dt.date, expanded: bool) -> list[Block]:
    blocks = [header(t(lang, "home.actions.title", count=len(data.actions)))]
    if not data.actions:
        blocks.append(section(t(lang, "home.actions.empty")))
    else:
        rows = [_action_row(lang, a, today) for a in data.actions]
        blocks += _listing(lang, ACTIONS, rows, expanded=expanded, rest_key=NN_("home.actions.rest"))
    if data.done_actions or data.abandoned_actions:
        blocks.append(
            context(
                t(
                    lang,
                    "home.actions.closed",
                    done=tn(lang, "count.actions.done", data.done_actions),
                    abandoned=tn(lang, "count.actions.abandoned", data.abandoned_actions),
                )
            )
        )
    return blocks


def _undelivered(lang: str, data: HomeData) -> list[Block]:
    """Messages Slack refused to send the user (the Home tab is the road that is left), first."""
    if not data.undelivered_count:
        return []
    since = day(lang, data.undelivered_since or data.today)
    lines = [
        undelivered_line(lang, kind, payload, moment(lang, at, data.timezone), error)
        for kind, payload, at, error in data.undelivered
    ]
    return [
        section(tn(lang, "home.undelivered", data.undelivered_count, since=since)),
        context("\n".join(lines)),
    ]


def _joined(*parts: Iterable[Block]) -> list[Block]:
    blocks: list[Block] = []
    for part in parts:
        if blocks:
            blocks.append(divider())
        blocks.extend(part)
    return blocks


def _as_of(lang: str, data: HomeData, today: dt.date) -> str:
    """When the tab was read, in the workspace's time zone: "2 déc. 2026, 00:49"."""
    return moment(lang, data.read_at, data.timezone) if data.read_at else day(lang, today)


def home_view(
    lang: str,
    data: HomeData,
    *,
    today: dt.date,
    expanded: frozenset[str] = frozenset(),
    chosen_language: str | None = None,
) -> dict[str, Any]:
    """The user's Home tab: at most HOME_BLOCKS_MAX blocks, whatever the number of rows.
    `chosen_language` is the language the user chose (None: they left it to Slack)."""
    top = [
        header(t(lang, "home.title")),
        context(t(lang, "home.updated", date=_as_of(lang, data, today))),
        {
            "type": "actions",
            "block_id": "pilote.home.top",
            "elements": [
                _button(t(lang, "home.button.new_action"), ids.HOME_NEW_ACTION, primary=True),
                _button(t(lang, "home.button.record"), ids.HOME_RECORD_READING),
                language_select(lang, chosen_language),
            ],
        },
    ]
    blocks = _joined(
        top,
        _undelivered(lang, data),
        _plan(lang, data),
        _indicators(lang, data, today, INDICATORS in expanded),
        _actions(lang, data, today, ACTIONS in expanded),
        [context(tn(lang, "home.footer", data.workspace_indicators))],
    )
    return {
        "type": "home",
        "private_metadata": ",".join(s for s in SECTIONS if s in expanded),
        "blocks": blocks[:HOME_BLOCKS_MAX],
    }
