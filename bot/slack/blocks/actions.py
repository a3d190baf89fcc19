"""Messages about actions and the plan: cards with buttons, lists, journal, governance."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.domain.actions import ActionCard, ActionStatus, ActionView, PlanSummary
from bot.i18n import CATALOGUES, N_, day, moment, number, t, tn
from bot.slack import ids
from bot.slack.blocks.common import (
    MESSAGE_BLOCKS_MAX,
    Block,
    Message,
    context,
    esc,
    header,
    mention,
    message,
    notice_message,
    section,
)

STATUS_ICONS = {
    ActionStatus.TODO: ":white_circle:",
    ActionStatus.DOING: ":large_blue_circle:",
    ActionStatus.DONE: ":white_check_mark:",
    ActionStatus.ABANDONED: ":heavy_multiplication_x:",
}
JOURNAL_ENTRIES = 15
DATE_FIELDS = frozenset({"identified_on", "started_on", "due_on", "done_on"})


def domain_label(lang: str, domain: str) -> str:
    """A guide domain's name, or a team's own domain as typed."""
    key = f"action.domain.{domain}"
    return t(lang, key) if key in CATALOGUES["fr"] else esc(domain)


def due_text(lang: str, action: ActionView, today: dt.date) -> str:
    """ " · échéance 31 déc. 2026", with a late marker when it is past (empty without a due date)."""
    due = t(lang, "action.due", date=day(lang, action.due_on)) if action.due_on else ""
    return due + t(lang, "action.late") if action.is_late(today) else due


def action_line(lang: str, action: ActionView, today: dt.date) -> str:
    """Two lines about an action: number and label, then status, progress, level, domain, owner, due."""
    due = due_text(lang, action, today)
    meta = t(
        lang,
        "action.meta",
        status=t(lang, f"action.status.{action.status.value}"),
        progress=action.progress,
        engagement=t(lang, f"action.engagement.{action.engagement.value}"),
        domain=domain_label(lang, action.domain),
        owner=mention(action.owner_id, lang),
        due=due,
    )
    first = f"{STATUS_ICONS[action.status]} " + t(
        lang, "action.line", number=action.number, label=esc(action.label)
    )
    return f"{first}\n{meta}"


def action_buttons(lang: str, action: ActionView, team_id: str) -> Block:
    """Mark done, update progress, open the journal (each saying the workspace of the action)."""
    value = ids.team_scoped(team_id, str(action.number))
    elements: list[dict[str, Any]] = []
    if action.status not in (ActionStatus.DONE, ActionStatus.ABANDONED):
        elements.append(_button(lang, N_("action.button.done"), ids.ACTION_MARK_DONE, value, primary=True))
    elements.append(_button(lang, N_("action.button.progress"), ids.ACTION_UPDATE_PROGRESS, value))
    elements.append(_button(lang, N_("action.button.journal"), ids.ACTION_OPEN_JOURNAL, value))
    return {"type": "actions", "block_id": f"pilote.action.{action.number}", "elements": elements}


def _button(lang: str, key: str, action_id: str, value: str, *, primary: bool = False) -> dict[str, Any]:
    button: dict[str, Any] = {
        "type": "button",
        "text": {"type": "plain_text", "text": t(lang, key)},
        "action_id": action_id,
        "value": value,
    }
    if primary:
        button["style"] = "primary"
    return button


def _details(lang: str, action: ActionView) -> list[str]:
    lines = []
    if action.objective:
        lines.append(t(lang, "action.objective", text=esc(action.objective)))
    if action.indicator_codes:
        lines.append(
            t(lang, "action.indicators", codes=", ".join(f"`{esc(c)}`" for c in action.indicator_codes))
        )
    return lines


def action_message(lang: str, action: ActionView, *, team_id: str, today: dt.date, title_key: str) -> Message:
    """A message about one action (created, updated…), with its buttons."""
    title = t(lang, title_key, number=action.number, label=esc(action.label))
    blocks = [section(title), section(action_line(lang, action, today))]
    if details := _details(lang, action):
        blocks.append(context("\n".join(details)))
    blocks.append(action_buttons(lang, action, team_id))
    return message(title, blocks)


def _journal_day(lang: str, stored: str) -> str:
    # The journal keeps dates as ISO text (JSON); a French sentence says them as words.
    try:
        return day(lang, dt.date.fromisoformat(stored))
    except ValueError:
        return esc(stored)


# Fields the journal stores as an enum's value, said with that enum's words.
_WORDED_FIELDS = {
    "status": "action.status",
    "engagement": "action.engagement",
    "priority": "action.priority",
    "difficulty": "action.difficulty",
}


def _worded(lang: str, family: str, stored: str) -> str:
    key = f"{family}.{stored}"
    return t(lang, key) if key in CATALOGUES[lang] else esc(stored)


def _change(lang: str, name: str, values: list[str | None]) -> str:
    before, after = values
    if name == "created":
        return t(lang, "action.journal.created")
    label = t(lang, f"action.field.{name}")
    shown = []
    for v in (before, after):
        if v is None or v == "":
            shown.append("—")
        elif name in _WORDED_FIELDS:
            shown.append(_worded(lang, _WORDED_FIELDS[name], v))
        elif name == "owner_id":
            shown.append(f"<@{v}>")
        elif name == "progress":
            shown.append(f"{v} %" if lang == "fr" else f"{v}%")
        elif name == "domain":
            shown.append(domain_label(lang, v))
        elif name in DATE_FIELDS:
            shown.append(_journal_day(lang, v))
        else:
            shown.append(esc(v))
    return f"{label} {shown[0]} → {shown[1]}"


def card_message(lang: str, card: ActionCard, *, team_id: str, today: dt.date) -> Message:
    """An action with its details and its journal (newest first)."""
    action = card.action
    title = t(lang, "action.line", number=action.number, label=esc(action.label))
    blocks: list[Block] = [section(action_line(lang, action, today))]
    details = _details(lang, action)
    if action.description:
        details.insert(0, esc(action.description))
    if details:
        blocks.append(context("\n".join(details)))
    blocks.append(action_buttons(lang, action, team_id))
    blocks.append(header(t(lang, "action.journal.title", number=action.number)))
    for entry in card.journal[:JOURNAL_ENTRIES]:
        what = ", ".join(_change(lang, k, v) for k, v in entry.changes.items()) or "—"
        line = t(
            lang,
            "action.journal.entry",
            when=moment(lang, entry.at, card.timezone),
            who=f"<@{entry.user_id}>",
            what=what,
        )
        if entry.note:
            line += "\n" + t(lang, "action.journal.note", note=esc(entry.note))
        blocks.append(context(line))
    if len(card.journal) > JOURNAL_ENTRIES:
        blocks.append(context(tn(lang, "action.journal.more", len(card.journal) - JOURNAL_ENTRIES)))
    return message(title, blocks)


def list_message(lang: str, actions: list[ActionView], *, today: dt.date) -> Message:
    """`/action list`: one section per action (late first), the rest counted past Slack's block limit."""
    title = t(lang, "action.list.title", count=len(actions))
    if not actions:
        text = t(lang, "action.list.empty")
        return message(text, [section(text)])
    room = MESSAGE_BLOCKS_MAX - 2
    shown = actions if len(actions) <= room + 1 else actions[:room]
    blocks = [header(title)] + [section(action_line(lang, a, today)) for a in shown]
    if len(shown) < len(actions):
        blocks.append(context(tn(lang, "action.list.more", len(actions) - len(shown))))
    return message(title, blocks)


def plan_lines(lang: str, s: PlanSummary) -> list[str]:
    """The plan at a glance, as lines of text (also used by the Home tab and digests)."""
    pct = f"{s.percent_done:.1f}".replace(".", ",") if lang == "fr" else f"{s.percent_done:.1f}"
    by = {status: number(lang, n) for status, n in s.by_status.items()}
    counts = t(lang, "plan.counts", actions=tn(lang, "count.actions", s.total),
               percent=pct.removesuffix(",0").removesuffix(".0"), late=number(lang, s.late),
               **{**by, "done": tn(lang, "count.actions.done", s.by_status["done"]),
                  "abandoned": tn(lang, "count.actions.abandoned", s.by_status["abandoned"])})  # fmt: skip
    levels = t(lang, "plan.levels", **s.by_engagement)
    validated = (
        t(lang, "plan.validated", date=day(lang, s.validated_on))
        if s.validated_on
        else t(lang, "plan.not_validated")
    )
    communicated = (
        t(lang, "plan.communicated", date=day(lang, s.communicated_on))
        if s.communicated_on
        else t(lang, "plan.not_communicated")
    )
    last = t(lang, "plan.last_meeting", date=day(lang, s.last_meeting_on)) if s.last_meeting_on else ""
    meetings = t(lang, "plan.meetings", count=s.meetings_last_12_months, last=last)
    return [counts, levels, f"{validated} · {communicated}", meetings]


def plan_message(lang: str, summary: PlanSummary, *, lead: str = "") -> Message:
    """The plan's state and governance."""
    title = t(lang, "plan.title")
    blocks: list[Block] = []
    if lead:
        blocks.append(section(lead))
    blocks += [header(title), section("\n".join(plan_lines(lang, summary)))]
    return message(lead or title, blocks)


def help_message(lang: str) -> Message:
    """The /action help."""
    return message(
        t(lang, "action.help.fallback"),
        [header(t(lang, "action.help.title")), section(t(lang, "action.help.body"))],
    )


def notice(lang: str, key: str, *, number: int, label: str) -> Message:
    """A one-line notice about an action."""
    return notice_message(lang, key, number=number, label=esc(label))
