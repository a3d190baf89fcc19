"""What every service shares: the clock, workspace defaults, row-to-value mapping."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.domain.indicators import IndicatorView, ReadingView, WorkspaceView
from bot.domain.periods import Granularity, Period
from bot.domain.readings import ReadingInput
from bot.domain.thresholds import Thresholds
from bot.domain.values import Cadence, Direction, Kind, Level
from storage import repositories as repo
from storage.db import Database
from storage.models import Indicator, Reading, Workspace

Clock = Callable[[], dt.datetime]


class Drawer(Protocol):
    """Draws charts from plain data: charts.pool.ChartPool (worker processes, or the calling thread)."""

    def render_history(self, *args: Any, **kwargs: Any) -> bytes: ...
    def render_dashboard(self, *args: Any, **kwargs: Any) -> bytes: ...
    def render_plan(self, *args: Any, **kwargs: Any) -> bytes: ...


class LazyDrawer:
    """A Drawer that draws in the calling thread, importing matplotlib only on the first chart."""

    def __init__(self) -> None:
        self._pool: Drawer | None = None

    def _drawer(self) -> Drawer:
        if self._pool is None:
            from charts.pool import ChartPool  # matplotlib takes a second to import

            self._pool = ChartPool(workers=0)
        return self._pool

    def render_history(self, *args: Any, **kwargs: Any) -> bytes:
        """Draw a history chart here."""
        return self._drawer().render_history(*args, **kwargs)

    def render_dashboard(self, *args: Any, **kwargs: Any) -> bytes:
        """Draw a dashboard here."""
        return self._drawer().render_dashboard(*args, **kwargs)

    def render_plan(self, *args: Any, **kwargs: Any) -> bytes:
        """Draw a plan chart here."""
        return self._drawer().render_plan(*args, **kwargs)


def system_clock() -> dt.datetime:
    """Now, aware, in UTC."""
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class Defaults:
    """What a new workspace starts with."""

    timezone: str = "Europe/Paris"
    language: str = "fr"
    alert_repeat_hours: float = 24.0  # an unacknowledged alert is repeated once after this, then escalated
    plan_channel: str | None = None  # where alerts are escalated (none: no escalation)


def local_today(now: dt.datetime, timezone: str) -> dt.date:
    """The date it is at `now` (aware) in a time zone: what "today" means to a workspace."""
    return now.astimezone(ZoneInfo(timezone)).date()


def timezone_of(session: Session, *, team_id: str, default: str) -> str:
    """The workspace's time zone, or `default` for a workspace not seen yet."""
    ws = session.get(Workspace, team_id)
    return ws.timezone if ws is not None else default


def admin_unless_owner(
    db: Database, owner_of: Callable[[Session], str | None], *, user_id: str, is_admin: Callable[[], bool]
) -> bool:
    """Whether a user who does not own the row is an admin; False for its owner, who is not asked."""
    # Slack is asked after a short read, never inside a transaction: on SQLite every writer of the
    # process would wait behind users.info. The caller checks the owner again in its write
    # transaction, where False refuses a user who no longer owns the row.
    with db.read() as session:
        owner = owner_of(session)
    return owner != user_id and is_admin()


def utc(value: dt.datetime) -> dt.datetime:
    """An aware UTC datetime of a stored one."""
    # Core rows from SQLite come back naive, and they are UTC.
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value


def workspace_view(row: Workspace) -> WorkspaceView:
    """Frozen copy of a workspace row."""
    return WorkspaceView(team_id=row.team_id, timezone=row.timezone, language=row.language)


def indicator_view(row: Indicator | Any) -> IndicatorView:
    """Frozen copy of an indicator (ORM object or Core row)."""
    return IndicatorView(
        id=row.id,
        code=row.code,
        name=row.name,
        kind=Kind(row.kind),
        unit=row.unit,
        thresholds=Thresholds(row.target, row.warn_below, row.alert_below, row.warn_above, row.alert_above),
        owner_id=row.owner_id,
        entity=row.entity,
        level=Level(row.level),
        cadence=Cadence(row.cadence) if row.cadence else None,
        hysteresis=row.hysteresis,
        warn_dm=row.warn_dm,
        change_alert_pct=row.change_alert_pct,
        target_date=row.target_date,
        direction=Direction(row.direction) if row.direction else None,
        reference=row.reference or "",
    )


class IndicatorViews:
    """Frozen copies of indicators' Core rows, each built once for the same row: a machine sends the
    same indicators batch after batch. A changed indicator is another row, so another view."""

    LIMIT = 10_000  # rows kept at most (then forgotten all at once)

    def __init__(self) -> None:
        self._views: dict[tuple[Any, ...], IndicatorView] = {}

    def of(self, row: Any) -> IndicatorView:
        """indicator_view(row), built once for the same row."""
        key = tuple(row)
        view = self._views.get(key)
        if view is None:
            if len(self._views) >= self.LIMIT:
                self._views.clear()
            view = self._views[key] = indicator_view(row)
        return view


def reading_view(row: Reading | Any) -> ReadingView:
    """Frozen copy of a reading (ORM object or Core row)."""
    return ReadingView(
        id=row.id,
        value=row.value,
        numerator=row.numerator,
        denominator=row.denominator,
        period=Period(row.period_start, Granularity(row.period_kind)),
        recorded_by=row.recorded_by,
        recorded_at=utc(row.recorded_at),
        source=row.source,
        note=row.note,
        state=row.state,
    )


def workspace_row(session: Session, *, team_id: str, defaults: Defaults, now: dt.datetime) -> Workspace:
    """The workspace's row, created with the configured defaults on first use."""
    return repo.get_or_create_workspace(
        session, team_id=team_id, timezone=defaults.timezone, language=defaults.language, now=now
    )


def reading_values(
    *,
    team_id: str,
    indicator_id: int,
    typed: ReadingInput,
    recorded_by: str,
    now: dt.datetime,
    source: str,
    supersedes: Any,
) -> dict[str, Any]:
    """The columns of a new active reading of what was typed (superseding `supersedes`, or None)."""
    parsed, period = typed.value, typed.period
    return {  # a literal: an import builds one per row
        "team_id": team_id,
        "indicator_id": indicator_id,
        "period_start": period.start,
        "period_kind": str(period.granularity),  # the value, without the enum's descriptor
        "value": parsed.value,
        "numerator": parsed.numerator,
        "denominator": parsed.denominator,
        "recorded_by": recorded_by,
        "recorded_at": now,
        "source": source,
        "note": typed.note,
        "state": repo.ACTIVE,
        "supersedes_id": supersedes.id if supersedes is not None else None,
    }
