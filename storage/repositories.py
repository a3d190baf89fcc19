"""Queries. Each takes a Session and never commits: the caller owns the transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import Indicator, Reading, Workspace

ACTIVE = "active"
SUPERSEDED = "superseded"
WITHDRAWN = "withdrawn"


def get_or_create_workspace(
    session: Session, *, team_id: str, timezone: str, language: str, now: dt.datetime
) -> Workspace:
    """The workspace row, created with the given defaults on first use."""
    ws = session.get(Workspace, team_id)
    if ws is None:
        ws = Workspace(team_id=team_id, timezone=timezone, language=language, created_at=now)
        session.add(ws)
        session.flush()
    return ws


def get_workspace(session: Session, *, team_id: str) -> Workspace | None:
    """The workspace row, if any."""
    return session.get(Workspace, team_id)


def find_indicator(session: Session, *, team_id: str, code_key: str, lock: bool = False) -> Indicator | None:
    """The indicator with that lookup key in the workspace; `lock` holds its row until commit."""
    stmt = select(Indicator).where(Indicator.team_id == team_id, Indicator.code_key == code_key)
    if lock:
        stmt = stmt.with_for_update()
    return session.scalars(stmt).one_or_none()


def list_indicators(session: Session, *, team_id: str) -> Sequence[Indicator]:
    """All indicators of the workspace, by code."""
    stmt = select(Indicator).where(Indicator.team_id == team_id).order_by(Indicator.code_key)
    return session.scalars(stmt).all()


def indicator_codes(session: Session, *, team_id: str) -> list[str]:
    """Codes of every indicator of the workspace (for suggestions)."""
    return list(session.scalars(select(Indicator.code).where(Indicator.team_id == team_id)))


def active_reading_for_period(
    session: Session, *, indicator_id: int, period_start: dt.date, period_kind: str
) -> Reading | None:
    """The active reading of an indicator for one period."""
    stmt = select(Reading).where(
        Reading.indicator_id == indicator_id,
        Reading.period_start == period_start,
        Reading.period_kind == period_kind,
        Reading.state == ACTIVE,
    )
    return session.scalars(stmt).one_or_none()


def active_readings(session: Session, *, indicator_id: int, limit: int | None = None) -> Sequence[Reading]:
    """Active readings of an indicator, newest period first."""
    stmt = (
        select(Reading)
        .where(Reading.indicator_id == indicator_id, Reading.state == ACTIVE)
        .order_by(Reading.period_start.desc(), Reading.id.desc())
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    return session.scalars(stmt).all()


def latest_active_readings(session: Session, *, team_id: str) -> dict[int, Reading]:
    """For each indicator of the workspace, its active reading with the latest period (one query)."""
    newest = (
        select(
            Reading.id,
            func.row_number()
            .over(
                partition_by=Reading.indicator_id, order_by=(Reading.period_start.desc(), Reading.id.desc())
            )
            .label("rank"),
        )
        .where(Reading.team_id == team_id, Reading.state == ACTIVE)
        .subquery()
    )
    stmt = select(Reading).join(newest, newest.c.id == Reading.id).where(newest.c.rank == 1)
    return {r.indicator_id: r for r in session.scalars(stmt)}


def last_reading_by(session: Session, *, team_id: str, user_id: str) -> Reading | None:
    """The user's most recently recorded reading that is still active."""
    stmt = (
        select(Reading)
        .where(Reading.team_id == team_id, Reading.recorded_by == user_id, Reading.state == ACTIVE)
        .order_by(Reading.recorded_at.desc(), Reading.id.desc())
        .limit(1)
    )
    return session.scalars(stmt).one_or_none()


def reading_history(session: Session, *, indicator_id: int) -> Sequence[Reading]:
    """Every reading of an indicator, withdrawn and superseded ones included, oldest first."""
    stmt = select(Reading).where(Reading.indicator_id == indicator_id).order_by(Reading.id)
    return session.scalars(stmt).all()
