"""Messages of the /kpi command."""

from __future__ import annotations

import datetime as dt

from bot.domain.indicators import (
    IndicatorHistory,
    IndicatorSummary,
    IndicatorView,
    ReadingView,
    RecordResult,
    UndoResult,
)
from bot.domain.periods import Period, default_period
from bot.domain.readings import input_form
from bot.domain.thresholds import Status
from bot.domain.values import Kind, agreeing_unit
from bot.i18n import N_, moment, period, t, tn, value
from bot.slack.blocks.common import (
    MESSAGE_BLOCKS_MAX,
    Block,
    Message,
    clip,
    context,
    data_table,
    esc,
    header,
    mention,
    message,
    number_cell,
    section,
    text_cell,
)

STATUS_ICONS = {
    Status.NONE: ":white_circle:",
    Status.OK: ":large_green_circle:",
    Status.WARNING: ":large_orange_circle:",
    Status.ALERT: ":red_circle:",
}
SHOW_READINGS = 10
VIZ_POINTS_MAX = 20  # data_visualization: 20 categories, one point each per series
VIZ_LABEL_MAX = 20  # a category's or a series' name
VIZ_TITLE_MAX = 50


def reading_value(lang: str, ind: IndicatorView, r: ReadingView) -> str:
    """A reading's value with its unit, as words."""
    return value(lang, ind.kind, r.value, ind.unit, r.numerator, r.denominator)


def _arrow(new: float, old: float) -> str:
    return "↗" if new > old else "↘" if new < old else "→"


def help_message(lang: str) -> Message:
    """The /kpi help."""
    return message(t(lang, "help.fallback"), [header(t(lang, "help.title")), section(t(lang, "help.body"))])


def created_message(lang: str, ind: IndicatorView, *, title_key: str = N_("kpi.created")) -> Message:
    """Confirmation of a new (or changed) indicator, with its definition."""
    extra = []
    if ind.thresholds.target is not None:
        extra.append(t(lang, "kpi.target", value=value(lang, ind.kind, ind.thresholds.target, ind.unit)))
    if ind.cadence:
        extra.append(t(lang, f"cadence.{ind.cadence.value}"))
    if ind.entity:
        extra.append(esc(ind.entity))
    title = t(lang, title_key, code=esc(ind.code), name=esc(ind.name))
    details = t(
        lang,
        "kpi.created.details",
        kind=t(lang, f"kind.{ind.kind.value}"),
        level=t(lang, f"level.{ind.level.value}"),
        owner=mention(ind.owner_id, lang),
        extra="".join(" · " + e for e in extra),
    )
    return message(
        title, [section(title), context(details), context(t(lang, "kpi.created.next", code=esc(ind.code)))]
    )


def edited_message(lang: str, ind: IndicatorView) -> Message:
    """Confirmation of a changed indicator."""
    return created_message(lang, ind, title_key=N_("kpi.edited"))


def _default_period_line(lang: str, ind: IndicatorView, r: ReadingView) -> str:
    """Which period a reading typed without @period went to, and how to type another one."""
    earlier = Period.day(r.period.start - dt.timedelta(days=1))
    example = input_form(default_period(ind.cadence, earlier.start), lang)
    granularity = ind.cadence.value if ind.cadence else "day"
    return t(lang, f"kpi.period.default.{granularity}", period=period(lang, r.period), example=example)


def recorded_message(lang: str, result: RecordResult, *, timezone: str = "UTC") -> Message:
    """The echo of a stored reading, exactly as stored: value with its unit, period (and why that one),
    note, what it corrects, and its status."""
    ind, r = result.indicator, result.reading
    shown = reading_value(lang, ind, r)
    if result.replaced is not None:
        old = result.replaced
        title = t(
            lang,
            "kpi.corrected",
            code=esc(ind.code),
            value=shown,
            period=period(lang, r.period),
            old=reading_value(lang, ind, old),
            date=moment(lang, old.recorded_at, timezone),
            who=mention(old.recorded_by, lang),
        )
    else:
        title = t(lang, "kpi.recorded", code=esc(ind.code), value=shown, period=period(lang, r.period))
    lines = []
    if result.typed:
        lines.append(t(lang, "kpi.converted", typed=esc(result.typed), unit=esc(ind.unit)))
    lines.extend(t(lang, f"kpi.warning.{w}", value=shown) for w in result.warnings)
    if not result.period_given:
        lines.append(_default_period_line(lang, ind, r))
    if r.note:
        lines.append(t(lang, "kpi.note", note=esc(r.note)))
    lines.append(
        f"{STATUS_ICONS[result.status]} "
        + t(lang, "kpi.status_line", status=t(lang, f"status.{result.status}"))
    )
    if (
        result.previous is not None
        and result.previous.id != (result.replaced.id if result.replaced else None)
        and result.previous.period.start < r.period.start  # a backfill has no "previous" later period
    ):
        prev = result.previous
        lines.append(
            t(
                lang,
                "kpi.previous",
                value=reading_value(lang, ind, prev),
                period=period(lang, prev.period),
                arrow=_arrow(r.value, prev.value),
            )
        )
    lines.append(t(lang, "kpi.undo_hint"))
    return message(title, [section(title), context("\n".join(lines))])


def undone_message(lang: str, result: UndoResult) -> Message:
    """Confirmation of a withdrawn reading."""
    ind, r = result.indicator, result.withdrawn
    text = t(
        lang,
        "kpi.undone",
        code=esc(ind.code),
        value=reading_value(lang, ind, r),
        period=period(lang, r.period),
    )
    blocks = [section(text)]
    if result.restored is not None:
        blocks.append(context(t(lang, "kpi.restored", value=reading_value(lang, ind, result.restored))))
    return message(text, blocks)


def summary_line(lang: str, s: IndicatorSummary) -> str:
    """One indicator in a list: icon, code, name, latest value, period, status, owner."""
    ind = s.indicator
    return t(
        lang,
        "kpi.list.line",
        icon=STATUS_ICONS[s.status],
        code=esc(ind.code),
        name=esc(ind.name),
        value=reading_value(lang, ind, s.latest) if s.latest else t(lang, "kpi.list.no_value"),
        period=period(lang, s.latest.period) if s.latest else "—",
        status=t(lang, f"status.{s.status}"),
        owner=mention(ind.owner_id, lang),
    )


def list_message(lang: str, summaries: list[IndicatorSummary]) -> Message:
    """`/kpi list`: one section per indicator, the rest counted when over Slack's block limit."""
    title = t(lang, "kpi.list.title", count=len(summaries))
    if not summaries:
        text = t(lang, "kpi.list.empty")
        return message(text, [section(text)])
    room = MESSAGE_BLOCKS_MAX - 2
    shown = summaries if len(summaries) <= room + 1 else summaries[:room]
    blocks = [header(title)] + [section(summary_line(lang, s)) for s in shown]
    if len(shown) < len(summaries):
        blocks.append(context(tn(lang, "kpi.list.more", len(summaries) - len(shown))))
    return message(title, blocks)


def show_working_message(lang: str, code: str) -> Message:
    """Immediate answer to `/kpi show` while the chart is drawn."""
    text = t(lang, "kpi.show.working", code=esc(code))
    return message(text, [section(text)])


def history_text(lang: str, history: IndicatorHistory, outlook: str = "") -> str:
    """The last readings as text, for the chart's comment (screen readers get every number), and where
    the trend leads."""
    ind = history.indicator
    lines = [t(lang, "kpi.show.title", code=esc(ind.code), name=esc(ind.name))]
    if not history.readings:
        lines.append(t(lang, "kpi.show.no_readings", code=esc(ind.code)))
        return "\n".join(lines)
    status = history.status
    lines.append(f"{STATUS_ICONS[status]} " + t(lang, "kpi.status_line", status=t(lang, f"status.{status}")))
    if ind.thresholds.target is not None:
        lines.append(t(lang, "kpi.target", value=value(lang, ind.kind, ind.thresholds.target, ind.unit)))
    if outlook:
        lines.append(outlook)
    lines.append(t(lang, "kpi.show.readings"))
    for r in history.readings[:SHOW_READINGS]:
        note = f" — {esc(r.note)}" if r.note else ""
        lines.append(
            f"• {period(lang, r.period)} : {reading_value(lang, ind, r)}{note}"
            if lang == "fr"
            else f"• {period(lang, r.period)}: {reading_value(lang, ind, r)}{note}"
        )
    return "\n".join(lines)


def chart_alt_text(lang: str, history: IndicatorHistory, outlook: str = "") -> str:
    """Alt text of the chart image: what it shows, and where the trend leads."""
    ind = history.indicator
    latest = history.readings[0] if history.readings else None
    if latest is None:
        return t(lang, "kpi.show.alt_empty", code=ind.code, name=ind.name)
    text = tn(
        lang,
        "kpi.show.alt",
        len(history.readings),
        code=ind.code,
        name=ind.name,
        value=reading_value(lang, ind, latest),
        period=period(lang, latest.period),
    )
    return f"{text} {outlook}".strip()[:1000]


def history_chart_message(lang: str, history: IndicatorHistory) -> Message | None:
    """The history as a native line chart (with the target as a second series) and as a data_table,
    when it fits Slack's data_visualization (2 to 20 periods, labels of 20 characters); None otherwise
    (a yes/no indicator, one reading, a longer history: the PNG alone shows it)."""
    ind = history.indicator
    readings = list(reversed(history.readings))  # oldest first, as on the chart
    if ind.kind is Kind.BOOL or not 2 <= len(readings) <= VIZ_POINTS_MAX:
        return None
    labels = [period(lang, r.period) for r in readings]
    if len(set(labels)) != len(labels) or max(map(len, labels)) > VIZ_LABEL_MAX:
        return None
    name = clip(ind.code, VIZ_LABEL_MAX)
    points = [{"label": lb, "value": r.value} for lb, r in zip(labels, readings, strict=True)]
    series = [{"name": name, "data": points}]
    target, target_name = ind.thresholds.target, clip(t(lang, "chart.target"), VIZ_LABEL_MAX)
    if target is not None and target_name != name:
        series.append({"name": target_name, "data": [{"label": lb, "value": target} for lb in labels]})
    axis = {"categories": labels, "x_label": t(lang, "dashboard.table.period")}
    if ind.unit:
        axis["y_label"] = clip(agreeing_unit(ind.unit, 2, lang), VIZ_TITLE_MAX)
    chart: Block = {
        "type": "data_visualization",
        "title": clip(f"{ind.code} — {ind.name}", VIZ_TITLE_MAX),
        "chart": {"type": "line", "series": series, "axis_config": axis},
    }
    rows = [
        [text_cell(lb), number_cell(r.value, reading_value(lang, ind, r)), text_cell(r.note or "")]
        for lb, r in zip(labels, readings, strict=True)
    ]
    header_row = [
        t(lang, "dashboard.table.period"),
        t(lang, "dashboard.table.value"),
        t(lang, "kpi.table.note"),
    ]
    table, _ = data_table(t(lang, "kpi.table.caption", code=ind.code, name=ind.name), header_row, rows)
    fallback = tn(lang, "kpi.viz.text", len(readings), code=esc(ind.code), name=esc(ind.name))
    return message(fallback, [chart] + ([table] if table else []))
