"""The dashboard: gathered in one read (a fixed number of statements, whatever the number of
indicators), and drawn as charts outside any transaction."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from bot import i18n
from bot.domain.actions import DOMAIN_WORDS, ActionStatus, Engagement
from bot.domain.dashboard import DashboardIndicator, DashboardSnapshot, attention_order
from bot.domain.errors import InvalidInput
from bot.domain.home import next_reading_due
from bot.domain.text import code_key
from bot.domain.thresholds import evaluate
from bot.domain.values import Kind
from bot.services.actions import action_view
from bot.services.common import (
    Clock,
    Defaults,
    Drawer,
    LazyDrawer,
    indicator_view,
    local_today,
    reading_view,
    timezone_of,
)
from storage import action_repositories as arepo
from storage import digest_repositories as drepo
from storage import repositories as repo
from storage.db import Database
from storage.models import Indicator

HISTORY_POINTS = 26  # readings per indicator on a tile: half a year of weekly readings
HISTORY_YEARS = 3  # older readings never make a tile
MAX_TILES = 24  # per dashboard image: the rest is listed in the message
DEFAULT_SINCE = dt.timedelta(days=7)  # on demand, with no digest yet in the channel


@dataclass(frozen=True)
class ChartImage:
    """A rendered chart: what it shows (dashboard or plan) and its PNG bytes."""

    kind: str
    png: bytes
    shown: int = 0  # dashboard: how many indicators the image holds


def resolve_scope(
    scope: str, *, entities: Sequence[str], domains: Sequence[str], codes: Sequence[str] = ()
) -> tuple[str, str]:
    """("entity" | "domain" | "indicator" | "", the stored name or code) for what the user typed, or
    InvalidInput listing what exists. An indicator's code stands for it and its variants per entity."""
    if not scope:
        return "", ""
    key = code_key(scope)
    for entity in entities:
        if entity and code_key(entity) == key:
            return "entity", entity
    domain = DOMAIN_WORDS.get(key, key)
    for known in domains:
        if code_key(known) == domain:
            return "domain", known
    for code in codes:
        if code_key(code) == key:
            return "indicator", code
    choices = sorted({e for e in entities if e} | set(domains))
    raise InvalidInput("error.dashboard_scope", value=scope[:40], choices=choices or "—")


def scope_in(session: Session, *, team_id: str, scope: str) -> str:
    """The stored entity, domain or code for what the user typed ("" for everything), or InvalidInput."""
    if not scope:
        return ""
    rows = repo.list_indicators(session, team_id=team_id)
    return _resolve(scope, rows, [a.domain for a in arepo.list_actions(session, team_id=team_id)])[1]


def _resolve(scope: str, rows: Sequence[Indicator], domains: Sequence[str]) -> tuple[str, str]:
    return resolve_scope(
        scope,
        entities=sorted({r.entity for r in rows}),
        domains=sorted(set(domains)),
        codes=[r.code for r in rows],
    )


def gather(
    session: Session,
    *,
    team_id: str,
    scope: str,
    last_digest: dt.datetime | None,
    now: dt.datetime,
    default_timezone: str,
) -> DashboardSnapshot:
    """The dashboard of a workspace, an entity, an action domain or an indicator's variants, inside the
    caller's transaction; "changed" counts from `last_digest` (None: over the last 7 days)."""
    timezone = timezone_of(session, team_id=team_id, default=default_timezone)
    today = local_today(now, timezone)
    since = last_digest or now - DEFAULT_SINCE
    rows = repo.list_indicators(session, team_id=team_id)
    actions_rows = arepo.list_actions(session, team_id=team_id)
    codes = arepo.indicator_codes_by_action(session, team_id=team_id)
    actions = [action_view(a, codes.get(a.id, ())) for a in actions_rows]
    kind, name = _resolve(scope, rows, [a.domain for a in actions])
    if kind == "entity":
        rows = [r for r in rows if r.entity == name]
        wanted = {r.code for r in rows}
        actions = [a for a in actions if wanted & set(a.indicator_codes)]
    elif kind == "indicator":
        # One indicator declined per entity is one code per entity sharing a name: show them side by side.
        named = code_key(next(r.name for r in rows if r.code == name))
        rows = sorted((r for r in rows if code_key(r.name) == named), key=lambda r: (r.entity, r.code))
        wanted = {r.code for r in rows}
        actions = [a for a in actions if wanted & set(a.indicator_codes)]
    elif kind == "domain":
        actions = [a for a in actions if code_key(a.domain) == code_key(name)]
        followed = {c for a in actions for c in a.indicator_codes}
        rows = [r for r in rows if r.code in followed]
    updated = {a.number: a.updated_at for a in actions_rows}
    changed_actions = tuple(a for a in actions if updated.get(a.number, since) > since)
    latest = repo.latest_active_readings(session, team_id=team_id)
    from_day = today.replace(year=today.year - HISTORY_YEARS, day=min(today.day, 28))
    # Narrow rows for the many; whole readings only for the one per indicator that stood at `since`.
    recent: dict[int, list[Any]] = defaultdict(list)
    for r in repo.recent_active_readings(
        session, team_id=team_id, per_indicator=HISTORY_POINTS, from_day=from_day, since=since
    ):
        recent[r.indicator_id].append(r)
    at_since = {ind: next((r.id for r in reversed(rs) if not r.is_new), None) for ind, rs in recent.items()}
    befores = repo.readings_by_id(session, ids=[i for i in at_since.values() if i is not None])
    items = []
    for row in rows:
        view = indicator_view(row)
        newest = latest.get(row.id)
        last = reading_view(newest) if newest is not None else None
        rows_of = recent.get(row.id, [])
        values = [r.value for r in rows_of]
        if last is not None and (not rows_of or rows_of[-1].id != last.id):
            values = [*values, last.value][-HISTORY_POINTS:]
        found = befores.get(at_since.get(row.id) or 0)
        before = reading_view(found) if found is not None else None
        new = sum(r.is_new for r in rows_of)
        items.append(
            DashboardIndicator(
                indicator=view,
                latest=last,
                status=evaluate(last.value if last else None, view.thresholds),
                recent=tuple(values),
                before=before,
                status_before=evaluate(before.value if before else None, view.thresholds),
                new_readings=new,
                due_on=next_reading_due(view.cadence, last.period if last else None, today=today),
            )
        )
    live = tuple(a for a in actions if a.status is not ActionStatus.ABANDONED)
    return DashboardSnapshot(
        team_id=team_id,
        scope=name,
        scope_kind=kind,
        scope_name=rows[0].name if kind == "indicator" and rows else name,
        today=today,
        timezone=timezone,
        since=since,
        since_digest=last_digest is not None,
        indicators=attention_order(items),
        actions=live,
        changed_actions=changed_actions,
    )


class DashboardService:
    """Reads the dashboard and draws its charts."""

    def __init__(
        self, db: Database, *, clock: Clock, defaults: Defaults, drawer: Drawer | None = None
    ) -> None:
        self._db, self._clock, self._defaults = db, clock, defaults
        self._drawer = drawer or LazyDrawer()

    def check_scope(self, *, team_id: str, scope: str) -> str:
        """The entity or domain name the user meant ("" for everything), or InvalidInput."""
        if not scope:
            return ""
        with self._db.read() as session:
            return scope_in(session, team_id=team_id, scope=scope)

    def snapshot(self, *, team_id: str, scope: str = "", channel_id: str | None = None) -> DashboardSnapshot:
        """The dashboard now; "changed" means since the channel's last digest (else over 7 days)."""
        with self._db.read() as session:
            last = None
            if channel_id is not None:
                last = drepo.last_posted_in_channel(session, team_id=team_id, channel_id=channel_id)
            return gather(
                session,
                team_id=team_id,
                scope=scope,
                last_digest=last,
                now=self._clock(),
                default_timezone=self._defaults.timezone,
            )

    def render(self, snapshot: DashboardSnapshot, *, language: str) -> tuple[ChartImage, ...]:
        """The dashboard's small multiples when there are indicators and the plan's chart when there are
        actions (outside any transaction); none for an empty scope."""
        import charts  # matplotlib takes a second to import: only processes that draw pay for it

        lang = language
        stamp = i18n.t(lang, "chart.stamp", date=i18n.day(lang, snapshot.today))
        shown = snapshot.indicators[:MAX_TILES]
        per_entity = snapshot.scope_kind == "indicator"
        tiles = [
            charts.Tile(
                title=f"{i.indicator.entity or '—'} — {i.indicator.code}"
                if per_entity
                else f"{i.indicator.code} — {i.indicator.name}",
                value_text=_value_text(lang, i),
                status=i.status.value,
                status_text=i18n.t(lang, f"status.{i.status.value}"),
                values=list(i.recent),
                trend={1: "↗", -1: "↘", 0: "→"}[i.direction]
                if i.has_previous and i.indicator.kind is not Kind.BOOL
                else "",
                is_bool=i.indicator.kind is Kind.BOOL,
            )
            for i in shown
        ]
        title = i18n.t(
            lang, "dashboard.chart_title", scope=scope_label(lang, snapshot) or i18n.t(lang, "dashboard.all")
        )
        images = []
        if tiles:  # an empty scope gets no image: the message says there is nothing to show
            images.append(
                ChartImage(
                    "dashboard", self._drawer.render_dashboard(tiles, title=title, stamp=stamp), len(shown)
                )
            )
        if snapshot.actions:
            images.append(
                ChartImage("plan", self._drawer.render_plan(*_plan_chart_data(lang, snapshot), stamp=stamp))
            )
        return tuple(images)


def scope_label(lang: str, snapshot: DashboardSnapshot) -> str:
    """ "DSI", "achats", "Résolution au premier contact, par entité", or "" for the whole workspace."""
    if snapshot.scope_kind == "indicator":
        return i18n.t(lang, "dashboard.per_entity", name=snapshot.scope_name)
    if snapshot.scope_kind == "domain" and f"action.domain.{snapshot.scope_name}" in i18n.CATALOGUES["fr"]:
        return i18n.t(lang, f"action.domain.{snapshot.scope_name}")  # a guide domain: its name, not its slug
    return snapshot.scope_name


def _value_text(lang: str, item: DashboardIndicator) -> str:
    if item.latest is None:
        return i18n.t(lang, "dashboard.no_reading")
    # No "(333/490)" on a tile: it would run into the sparkline; the message text has it.
    return i18n.value(lang, item.indicator.kind, item.latest.value, item.indicator.unit)


def _plan_chart_data(lang: str, snapshot: DashboardSnapshot):  # type: ignore[no-untyped-def]
    import charts

    levels = tuple(Engagement)
    statuses = (ActionStatus.TODO, ActionStatus.DOING, ActionStatus.DONE)
    counts = tuple(
        tuple(sum(a.engagement is lv and a.status is st for a in snapshot.actions) for st in statuses)
        for lv in levels
    )
    late = tuple(
        sum(a.engagement is lv and a.is_late(snapshot.today) for a in snapshot.actions) for lv in levels
    )
    data = charts.PlanData(counts=counts, late_by_level=late, progress_pct=snapshot.progress)  # type: ignore[arg-type]
    labels = charts.PlanLabels(
        title=i18n.t(lang, "plan.chart_title"),
        levels=tuple(i18n.t(lang, f"action.engagement.{lv.value}") for lv in levels),  # type: ignore[arg-type]
        statuses=tuple(i18n.t(lang, f"action.status.{st.value}") for st in statuses),  # type: ignore[arg-type]
        progress=i18n.t(lang, "plan.chart_progress", pct=i18n.number(lang, round(snapshot.progress))),
        late=i18n.tn(lang, "plan.chart_late", len(snapshot.late_actions)),
        empty=i18n.t(lang, "plan.chart_empty"),
        late_legend=i18n.t(lang, "plan.chart_late_legend"),
        progress_value=i18n.t(
            lang, "plan.chart_progress_value", pct=i18n.number(lang, round(snapshot.progress))
        ),
        axis=i18n.t(lang, "plan.chart_axis"),
    )
    return data, labels
