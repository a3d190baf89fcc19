"""Queries of digest subscriptions and runs. Each takes a Session and never commits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, func, select, update
from sqlalchemy.orm import Session

from storage.models import DigestRun, DigestSubscription, Workspace
from storage.repositories import insert_if_new

POSTED = "posted"


def find_subscription(
    session: Session, *, team_id: str, channel_id: str, lock: bool = True
) -> DigestSubscription | None:
    """The channel's subscription row (also a cancelled one); `lock` holds it until commit."""
    stmt = select(DigestSubscription).where(
        DigestSubscription.team_id == team_id, DigestSubscription.channel_id == channel_id
    )
    return session.scalars(stmt.with_for_update() if lock else stmt).one_or_none()


def active_subscriptions(session: Session) -> Sequence[Row[Any]]:
    """Every live subscription with its workspace's time zone and its latest period claimed."""
    last = (
        select(DigestRun.subscription_id, func.max(DigestRun.period_at).label("last_period"))
        .group_by(DigestRun.subscription_id)
        .subquery()
    )
    stmt = (
        select(
            DigestSubscription.id,
            DigestSubscription.schedule,
            DigestSubscription.active_since,
            Workspace.timezone,
            last.c.last_period,
        )
        .join(Workspace, Workspace.team_id == DigestSubscription.team_id)
        .outerjoin(last, last.c.subscription_id == DigestSubscription.id)
        .where(DigestSubscription.cancelled_at.is_(None))
    )
    return session.execute(stmt).all()


def claim_period(session: Session, *, subscription_id: int, period_at: dt.datetime, now: dt.datetime) -> None:
    """Create the run of one period unless it exists: the unique key lets one process only create it."""
    values = dict(
        subscription_id=subscription_id,
        period_at=period_at,
        status="pending",
        attempts=0,
        next_attempt_at=now,
        file_ids="",
        ambiguous=False,
        last_error="",
        created_at=now,
    )
    insert_if_new(session, model=DigestRun, keys=("subscription_id", "period_at"), values=values)


def due_runs(
    session: Session, *, now: dt.datetime, limit: int
) -> Sequence[tuple[DigestRun, DigestSubscription]]:
    """Pending runs whose time (or lease) has come, locked; rows another worker holds are skipped."""
    stmt = (
        select(DigestRun, DigestSubscription)
        .join(DigestSubscription, DigestSubscription.id == DigestRun.subscription_id)
        .where(DigestRun.status == "pending", DigestRun.next_attempt_at <= now)
        .order_by(DigestRun.next_attempt_at, DigestRun.id)
        .limit(limit)
        .with_for_update(skip_locked=True, of=DigestRun)
    )
    return [(run, sub) for run, sub in session.execute(stmt)]


def last_posted(session: Session, *, subscription_ids: Sequence[int]) -> dict[int, dt.datetime]:
    """For each subscription, the period of its latest posted digest."""
    if not subscription_ids:
        return {}
    stmt = (
        select(DigestRun.subscription_id, func.max(DigestRun.period_at))
        .where(DigestRun.subscription_id.in_(subscription_ids), DigestRun.status == POSTED)
        .group_by(DigestRun.subscription_id)
    )
    return {sid: at for sid, at in session.execute(stmt)}


def last_posted_in_channel(session: Session, *, team_id: str, channel_id: str) -> dt.datetime | None:
    """When the channel's latest digest was posted (its settle time), if it has one."""
    stmt = (
        select(func.max(DigestRun.settled_at))
        .join(DigestSubscription, DigestSubscription.id == DigestRun.subscription_id)
        .where(
            DigestSubscription.team_id == team_id,
            DigestSubscription.channel_id == channel_id,
            DigestRun.status == POSTED,
        )
    )
    return session.scalar(stmt)


def drop_pending(session: Session, *, subscription_id: int, now: dt.datetime) -> None:
    """Runs not yet posted of a cancelled subscription will not be."""
    session.execute(
        update(DigestRun)
        .where(DigestRun.subscription_id == subscription_id, DigestRun.status == "pending")
        .values(status="cancelled", settled_at=now)
    )
