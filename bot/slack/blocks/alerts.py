"""Alert direct messages, rendered at send time from the outbox payload, in the owner's language."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.domain.periods import Granularity, Period
from bot.domain.values import Kind
from bot.i18n import period, t, value
from bot.slack.blocks.common import Message, context, esc, message, section


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


def alert_message(lang: str, kind: str, p: dict[str, Any]) -> Message:
    """The DM for an outbox item of kind alert, warning or resolved."""
    params = _params(lang, p)
    if kind == "resolved":
        key = "alert.resolved_to_warning" if p["after"] == "warning" else "alert.resolved"
        text = t(lang, key, crossed=_crossed(lang, p, "warning"), **params)
    else:
        text = t(lang, f"alert.{kind}", crossed=_crossed(lang, p, kind), **params)
    target = p["thresholds"].get("target")
    ctx = t(
        lang,
        "alert.context",
        target=_shown(lang, p, target) if target is not None else t(lang, "alert.no_target"),
        who=f"<@{p['recorded_by']}>",
        code=esc(p["code"]),
    )
    return message(text, [section(text), context(ctx)])


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
