"""Block Kit of /dashboard and the digests: the summary that goes with the charts, and every number of
the charts as text (alt text and message), so that a screen reader gets everything (RGAA)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bot.domain.dashboard import DashboardIndicator, DashboardSnapshot
from bot.domain.schedule import Schedule
from bot.domain.thresholds import Status
from bot.domain.values import Kind
from bot.i18n import N_, day, moment, number, period, t, tn, value
from bot.services.dashboards import ChartImage, scope_label
from bot.services.digests import SubscriptionView
from bot.slack.blocks.common import (
    MESSAGE_BLOCKS_MAX,
    SECTION_TEXT_MAX,
    Block,
    Message,
    clip,
    context,
    data_table,
    divider,
    esc,
    header,
    mention,
    message,
    number_cell,
    section,
    text_cell,
)

ICONS = {Status.ALERT: "🔴", Status.WARNING: "🟠", Status.OK: "🟢", Status.NONE: "⚪"}
LIST_MAX = 15  # lines per list before "… and N more"
ALT_TEXT_MAX = 1000  # files.getUploadURLExternal's alt_txt


def describe_schedule(lang: str, schedule: Schedule) -> str:
    """ "hebdomadaire (le lundi à 09:00)", "daily (at 09:00)"…"""
    time = f"{schedule.hour:02d}:{schedule.minute:02d}"
    match schedule.kind:
        case "weekly":
            return t(lang, "schedule.weekly", weekday=t(lang, f"weekday.{schedule.weekday}"), time=time)
        case "daily":
            return t(lang, "schedule.daily", time=time)
        case "monthly" if schedule.day == 1:  # le 1er, the 1st
            return t(lang, "schedule.monthly.first", time=time)
        case "monthly":
            return t(lang, "schedule.monthly", day=schedule.day, time=time)
    return t(lang, "schedule.cron", cron=schedule.cron.text)


def _local(lang: str, at: dt.datetime | None, timezone: str) -> str:
    """A moment as the workspace reads it: "23 nov. 2026, 09:00"."""
    if at is None:
        return t(lang, "dashboard.next_never")
    return moment(lang, at, timezone)


def _scope(lang: str, scope: str) -> str:
    return t(lang, "dashboard.scope_suffix", scope=esc(scope)) if scope else ""


def working_message(lang: str, scope: str) -> Message:
    """The immediate answer to `/dashboard` while the charts are drawn."""
    text = t(lang, "dashboard.working", scope=_scope(lang, scope))
    return message(text, [section(text)])


def help_message(lang: str) -> Message:
    """`/dashboard help`."""
    text = t(lang, "dashboard.help")
    return message(text, [section(text)])


def subscription_message(lang: str, key: str, view: SubscriptionView) -> Message:
    """Subscribed, unsubscribed or the current subscription, in one line."""
    text = t(
        lang,
        key,
        schedule=describe_schedule(lang, view.schedule),
        scope=_scope(lang, view.scope),
        next=_local(lang, view.next_at, view.timezone),
        skip=t(lang, "dashboard.subscribed_skip") if view.skip_empty else "",
    )
    return message(text, [section(text)])


def _value(lang: str, item: DashboardIndicator) -> str:
    if item.latest is None:
        return t(lang, "dashboard.no_reading")
    ind = item.indicator
    return value(lang, ind.kind, item.latest.value, ind.unit, item.latest.numerator, item.latest.denominator)


def _trend(lang: str, item: DashboardIndicator) -> str:
    if not item.has_previous or item.indicator.kind is Kind.BOOL:  # "oui ↗" says nothing "oui" does not
        return ""
    keys = {1: N_("dashboard.trend.up"), -1: N_("dashboard.trend.down"), 0: N_("dashboard.trend.flat")}
    return t(lang, keys[item.direction])


def value_line(lang: str, item: DashboardIndicator) -> str:
    """ "🔴 frc — Résolution au premier contact : 62 % (alerte) ↘ en baisse"."""
    return t(
        lang,
        "dashboard.value_line",
        icon=ICONS[item.status],
        code=esc(item.indicator.code),
        name=esc(item.indicator.name) + (f" ({esc(item.indicator.entity)})" if item.indicator.entity else ""),
        value=_value(lang, item),
        status=t(lang, f"status.{item.status.value}"),
        trend=_trend(lang, item),
    )


def _change_line(lang: str, item: DashboardIndicator) -> str:
    status = ""
    if item.status is not item.status_before and item.before is not None:
        status = t(
            lang,
            "dashboard.change_status",
            before=t(lang, f"status.{item.status_before.value}"),
            after=t(lang, f"status.{item.status.value}"),
        )
    after = _value(lang, item)
    if item.before is None:
        return t(lang, "dashboard.change_new", code=esc(item.indicator.code), after=after, status=status)
    ind = item.indicator
    before = value(
        lang, ind.kind, item.before.value, ind.unit, item.before.numerator, item.before.denominator
    )
    return t(lang, "dashboard.change_line", code=esc(ind.code), before=before, after=after, status=status)


def _listing(lang: str, title: str, lines: Sequence[str], *, limit: int | None = LIST_MAX) -> list[Block]:
    """A titled list in as few sections as Slack's 3,000 characters allow, cut after `limit` lines."""
    shown = [f"• {line}" for line in lines[:limit]]
    if limit is not None and len(lines) > limit:
        shown.append(t(lang, "dashboard.more", count=len(lines) - limit))
    blocks, current = [], title
    for line in shown:
        if len(current) + 1 + len(line) > SECTION_TEXT_MAX:
            blocks.append(section(current))
            current = line
        else:
            current += "\n" + line
    blocks.append(section(current))
    return blocks


def summary_blocks(
    lang: str,
    snap: DashboardSnapshot,
    *,
    title: str,
    images: Sequence[ChartImage],
    note: str = "",
) -> list[Block]:
    """The summary: counts, attention first, changes since the last digest, what is late, the plan,
    and every value the dashboard image shows."""
    counts = {s: sum(i.status is s for i in snap.indicators) for s in Status}
    count_line = t(
        lang,
        "dashboard.counts",
        indicators=tn(lang, "count.indicators", len(snap.indicators)),
        alert=number(lang, counts[Status.ALERT]),
        warning=number(lang, counts[Status.WARNING]),
        ok=tn(lang, "count.indicators.ok", counts[Status.OK]),
        none=number(lang, counts[Status.NONE]),
    )
    blocks: list[Block] = [header(title)]
    if note:
        blocks.append(section(note))  # first: why this digest comes with nothing new, or late
    blocks.append(section(count_line if snap.indicators else t(lang, "dashboard.no_indicators")))
    attention = [value_line(lang, i) for i in snap.attention]
    if attention:
        blocks += _listing(lang, t(lang, "dashboard.attention"), attention)
    elif snap.indicators:  # with none at all, the line above has said so
        blocks.append(section(f"{t(lang, 'dashboard.attention')}\n{t(lang, 'dashboard.attention_none')}"))
    changes = [_change_line(lang, i) for i in snap.changes] + [
        t(
            lang,
            "dashboard.action_change",
            number=a.number,
            label=esc(a.label),
            status=t(lang, f"action.status.{a.status.value}"),
            progress=a.progress,
        )
        for a in snap.changed_actions
    ]
    since_title = (
        t(lang, "dashboard.changes", since=_local(lang, snap.since, snap.timezone))
        if snap.since_digest
        else t(lang, "dashboard.changes_first")
    )
    if changes:
        blocks += _listing(lang, since_title, changes)
    else:
        blocks.append(section(f"{since_title}\n{t(lang, 'dashboard.changes_none')}"))
    late = [
        t(
            lang,
            "dashboard.late_reading",
            code=esc(i.indicator.code),
            due=day(lang, i.due_on or snap.today),
            owner=mention(i.indicator.owner_id, lang),
        )
        for i in snap.late_readings
    ]
    if late:
        blocks += _listing(lang, t(lang, "dashboard.late_readings"), late)
    late_actions = [
        t(
            lang,
            "dashboard.late_action",
            number=a.number,
            label=esc(a.label),
            due=day(lang, a.due_on or snap.today),
            owner=mention(a.owner_id, lang),
        )
        for a in snap.late_actions
    ]
    if late_actions:
        blocks += _listing(lang, t(lang, "dashboard.late_actions"), late_actions)
    blocks.append(section(plan_line(lang, snap)))
    shown = next((im.shown for im in images if im.kind == "dashboard"), 0)
    table, rows = values_table(lang, snap)
    tail: list[Block] = [divider()] if table or shown else []
    if table is not None:
        # Every value of the chart and more, as a native table a screen reader can walk.
        tail.append(table)
        if rows < len(snap.indicators):
            tail.append(
                context(tn(lang, "dashboard.table_more", len(snap.indicators), shown=number(lang, rows)))
            )
    if 0 < shown < len(snap.indicators):
        tail.append(context(t(lang, "dashboard.more_tiles", shown=shown, total=len(snap.indicators))))
    # Within Slack's 50 blocks: the lists above give way, never the table.
    return blocks[: MESSAGE_BLOCKS_MAX - len(tail)] + tail


def values_table(lang: str, snap: DashboardSnapshot) -> tuple[Block | None, int]:
    """Every indicator's latest value as a data_table (within Slack's limits), and how many rows."""
    header = [
        t(lang, key)
        for key in (
            N_("dashboard.table.code"),
            N_("dashboard.table.name"),
            N_("dashboard.table.entity"),
            N_("dashboard.table.value"),
            N_("dashboard.table.status"),
            N_("dashboard.table.target"),
            N_("dashboard.table.period"),
            N_("dashboard.table.trend"),
        )
    ]
    rows = [_table_row(lang, i) for i in snap.indicators]
    caption = t(lang, "dashboard.table.caption", date=day(lang, snap.today))
    return data_table(caption, header, rows)


def _table_row(lang: str, item: DashboardIndicator) -> list[Block]:
    ind, latest = item.indicator, item.latest
    target = ind.thresholds.target
    numeric = ind.kind is not Kind.BOOL
    return [
        text_cell(ind.code),
        text_cell(ind.name),
        text_cell(ind.entity),
        number_cell(latest.value, _value(lang, item))
        if latest and numeric
        else text_cell(_value(lang, item)),  # "aucune valeur" when there is none
        text_cell(t(lang, f"status.{item.status.value}")),
        number_cell(target, value(lang, ind.kind, target, ind.unit))
        if target is not None and numeric
        else text_cell(value(lang, ind.kind, target, ind.unit) if target is not None else ""),
        text_cell(period(lang, latest.period) if latest else ""),
        text_cell(_trend(lang, item)),
    ]


def _plan_counts(lang: str, snap: DashboardSnapshot) -> dict[str, str]:
    """The plan's figures, as the plan line and the plan chart's alt text say them."""
    by = {s: sum(a.status.value == s for a in snap.actions) for s in ("todo", "doing", "done")}
    figures = {"progress": round(snap.progress), "late": len(snap.late_actions), **by}
    return {"actions": tn(lang, "count.actions", len(snap.actions))} | {
        name: number(lang, n) for name, n in figures.items()
    }


def plan_line(lang: str, snap: DashboardSnapshot) -> str:
    """The plan in one line."""
    if not snap.actions:
        return t(lang, "dashboard.plan_empty")
    return t(lang, "dashboard.plan", **_plan_counts(lang, snap))


def alt_text(lang: str, snap: DashboardSnapshot, image: ChartImage) -> str:
    """The image's alt text: what it shows, in words and numbers (within Slack's 1,000 characters)."""
    if image.kind == "plan":
        text = t(lang, "dashboard.alt.plan", **_plan_counts(lang, snap))
    else:
        lines = "; ".join(
            f"{i.indicator.code} {_value(lang, i)} ({t(lang, f'status.{i.status.value}')})"
            for i in snap.indicators[: image.shown]
        )
        text = tn(lang, "dashboard.alt.dashboard", image.shown, lines=lines)
    return clip(text, ALT_TEXT_MAX)


def file_title(lang: str, image: ChartImage) -> str:
    """The title of an uploaded chart."""
    return t(lang, f"dashboard.file.{image.kind}")


def dashboard_title(lang: str, snap: DashboardSnapshot) -> str:
    """ "Tableau de bord — DSI — 1 déc. 2026"."""
    return t(lang, "dashboard.title", scope=_scope(lang, scope_label(lang, snap)), date=day(lang, snap.today))


def digest_title(lang: str, snap: DashboardSnapshot, schedule: Schedule) -> str:
    """ "Point hebdomadaire (le lundi à 09:00) — 30 nov. 2026"."""
    return t(
        lang,
        "dashboard.digest_title",
        schedule=describe_schedule(lang, schedule),
        scope=_scope(lang, scope_label(lang, snap)),
        date=day(lang, snap.today),
    )


def catch_up_note(lang: str, period_at: dt.datetime, timezone: str) -> str:
    """Why a digest comes late."""
    return t(lang, "dashboard.catch_up", date=_local(lang, period_at, timezone))


def nothing_new_note(lang: str, snap: DashboardSnapshot) -> str:
    """The first line of a digest with nothing recorded since the last one, and whether anything is late."""
    late = bool(snap.late_readings or snap.late_actions)
    key = N_("dashboard.nothing_new_note") if late else N_("dashboard.nothing_new_none_late")
    return t(lang, key, since=_local(lang, snap.since, snap.timezone))
