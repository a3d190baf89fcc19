"""Alert direct messages, rendered at send time from the outbox payload, in the owner's language."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.domain.periods import Granularity, Period
from bot.domain.values import Kind
from bot.i18n import N_, day, number, period, t, value
from bot.slack import ids
from bot.slack.blocks.common import Block, Message, context, esc, mention, message, section


def _shown(lang: str, p: dict[str, Any], amount: float | None = None) -> str:
    kind = Kind(p["kind"])
    if amount is not None:
        return value(lang, kind, amount, p["unit"])
    return value(lang, kind, p["value"], p["unit"], p.get("numerator"), p.get("denominator"))


def _period(lang: str, p: dict[str, Any]) -> str:
    return period(lang, Period(dt.date.fromisoformat(p["period_start"]), Granularity(p["period_kind"])))


def _crossed(lang: str, p: dict[str, Any], level: str) -> str:
    prefix = "alert" if level == "alert" else "warn"
    low, high = p["thresholds"].get(f"{prefix}_below"), p["thresholds"].get(f"{prefix}_above")
    name = t(lang, f"alert.level.{level}")
    if low is not None and p["value"] < low:
        return t(lang, "alert.below", level=name, threshold=_shown(lang, p, low))
    if high is not None and p["value"] > high:
        return t(lang, "alert.above", level=name, threshold=_shown(lang, p, high))
    return t(lang, f"status.{level}")


def _params(lang: str, p: dict[str, Any]) -> dict[str, str]:
    return {
        "code": esc(p["code"]),
        "name": esc(p["name"]),
        "value": _shown(lang, p),
        "period": _period(lang, p),
    }


def _buttons(lang: str, p: dict[str, Any], alert_key: str) -> Block:
    """Acknowledge, snooze (a day, a week, until the next reading), record a new value."""
    elements = [_button(t(lang, "alert.button.ack"), ids.ALERT_ACK, alert_key, primary=True)]
    for until in ("1d", "1w", "next"):
        elements.append(
            _button(
                t(lang, f"alert.button.snooze.{until}"), f"{ids.ALERT_SNOOZE}:{until}", f"{alert_key}|{until}"
            )
        )
    elements.append(
        _button(t(lang, "alert.button.record"), f"{ids.HOME_RECORD_READING}:{p['code']}", p["code"])
    )
    return {"type": "actions", "block_id": f"pilote.alert.{p['indicator_id']}", "elements": elements}


def _button(text: str, action_id: str, value: str, *, primary: bool = False) -> dict[str, Any]:
    button: dict[str, Any] = {
        "type": "button",
        "text": {"type": "plain_text", "text": text},
        "action_id": action_id,
        "value": value,
    }
    if primary:
        button["style"] = "primary"
    return button


def alert_message(lang: str, kind: str, p: dict[str, Any], *, key: str = "") -> Message:
    """The message of an outbox item: alert, warning, resolved (to the owner), repeat, escalation."""
    params = _params(lang, p)
    if kind == "resolved":
        rkey = N_("alert.resolved_to_warning") if p["after"] == "warning" else N_("alert.resolved")
        text = t(lang, rkey, crossed=_crossed(lang, p, "warning"), **params)
    elif kind == "change":
        pct = p["change_pct"]
        text = t(
            lang,
            N_("alert.change.up") if pct > 0 else N_("alert.change.down"),
            previous=_shown(lang, p, p["previous_value"]),
            pct=number(lang, abs(round(pct, 1))),
            limit=number(lang, p["limit_pct"]),
            **params,
        )
    elif kind in ("repeat", "escalation"):
        text = (
            t(lang, f"alert.{kind}", owner=f"<@{p['owner']}>")
            + "\n"
            + t(lang, "alert.alert", crossed=_crossed(lang, p, "alert"), **params)
        )
    else:
        text = t(lang, f"alert.{kind}", crossed=_crossed(lang, p, kind), **params)
    target = p["thresholds"].get("target")
    previous = p.get("previous_value")
    trend = ""
    if previous is not None and kind != "change":
        arrow = "↗" if p["value"] > previous else "↘" if p["value"] < previous else "→"
        trend = t(lang, "alert.trend", previous=_shown(lang, p, previous), arrow=arrow) + " · "
    ctx = trend + t(
        lang,
        "alert.context",
        target=_shown(lang, p, target) if target is not None else t(lang, "alert.no_target"),
        who=mention(p["recorded_by"], lang),
        code=esc(p["code"]),
    )
    blocks: list[Block] = [section(text), context(ctx)]
    if kind in ("alert", "repeat", "escalation"):
        blocks.append(_buttons(lang, p, key if kind == "alert" else str(p["alert_key"])))
    return message(text, blocks)


def closed_alert_message(lang: str, alert: dict[str, Any], now: dict[str, Any]) -> Message:
    """The original alert DM, updated in place once the indicator is back inside."""
    text = t(
        lang,
        "alert.closed",
        now_value=_shown(lang, now),
        now_period=_period(lang, now),
        **_params(lang, alert),
    )
    return message(text, [section(text)])


REMINDERS = frozenset({"checkin", "actions", "digest_failed", "undelivered"})
QUOTED_MAX = 2_500  # of a refused message's text, quoted in the DM that says it was refused
LISTED_MAX = 160  # of a refused message's text, in the Home tab's list


def outbox_message(lang: str, kind: str, p: dict[str, Any], *, key: str = "") -> Message:
    """The message of any outbox item, by its kind."""
    return reminder_message(lang, kind, p) if kind in REMINDERS else alert_message(lang, kind, p, key=key)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def undelivered_line(lang: str, kind: str, p: dict[str, Any], when: str, error: str) -> str:
    """One message Slack refused, as the Home tab lists it."""
    text = _cut(" ".join(outbox_message(lang, kind, p)["text"].split()), LISTED_MAX)
    return t(lang, "home.undelivered.item", date=when, error=esc(error), text=text)


def reminder_message(lang: str, kind: str, p: dict[str, Any]) -> Message:
    """A late check-in (with a button to record the value), the week's actions due soon, a digest
    that could not be posted, or a message to a channel that Slack refused (quoted)."""
    if kind == "undelivered":
        text = t(lang, "outbox.undelivered", channel=f"<#{p['channel']}>", error=esc(p["error"]))
        original = _cut(outbox_message(lang, p["kind"], p["original"])["text"], QUOTED_MAX)
        quoted = "\n".join("> " + line for line in original.splitlines())
        return message(f"{text}\n{quoted}", [section(text), section(quoted)])
    if kind == "digest_failed":
        text = t(lang, "reminder.digest_failed", channel=f"<#{p['channel']}>", error=esc(p["error"]))
        return message(text, [section(text)])
    if kind == "checkin":
        latest = day(lang, dt.date.fromisoformat(p["latest_period"])) if p.get("latest_period") else "—"
        text = t(
            lang,
            "reminder.checkin",
            code=esc(p["code"]),
            name=esc(p["name"]),
            due=day(lang, dt.date.fromisoformat(p["due_on"])),
            latest=latest,
        )
        button = _button(
            t(lang, "alert.button.record"), f"{ids.HOME_RECORD_READING}:{p['code']}", p["code"], primary=True
        )
        return message(
            text, [section(text), {"type": "actions", "block_id": "pilote.checkin", "elements": [button]}]
        )
    lines = [t(lang, "reminder.actions")]
    for a in p["actions"]:
        due = day(lang, dt.date.fromisoformat(a["due_on"])) if a.get("due_on") else "—"
        late = t(lang, "action.late") if a.get("late") else ""
        lines.append(
            t(lang, "reminder.action_line", number=a["number"], label=esc(a["label"]), due=due, late=late)
        )
    text = "\n".join(lines)
    return message(lines[0], [section(text), context(t(lang, "reminder.actions_hint"))])


def resent_message(lang: str, msg: Message) -> Message:
    """A message sent again without knowing whether the first try arrived: it says so, first."""
    note = t(lang, "outbox.resent")
    return message(f"{note} {msg['text']}", [context(note), *msg["blocks"]])
