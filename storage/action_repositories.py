"""Queries of the action plan. Each takes a Session and never commits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from storage.models import Action, ActionIndicator, ActionUpdate, CommitteeMeeting, Indicator, PlanMilestone


def next_action_number(session: Session, *, team_id: str) -> int:
    """The number the next action of the workspace gets."""
    current = session.scalar(select(func.max(Action.number)).where(Action.team_id == team_id))
    return int(current or 0) + 1


def find_action(session: Session, *, team_id: str, number: int, lock: bool = False) -> Action | None:
    """The action with that number; `lock` holds its row until commit."""
    stmt = select(Action).where(
        Action.team_id == team_id, Action.number == number, Action.archived_at.is_(None)
    )
    if lock:
        stmt = stmt.with_for_update()
    return session.scalars(stmt).one_or_none()


def list_actions(session: Session, *, team_id: str) -> Sequence[Action]:
    """Every action of the workspace, by number."""
    stmt = (
        select(Action).where(Action.team_id == team_id, Action.archived_at.is_(None)).order_by(Action.number)
    )
    return session.scalars(stmt).all()


def action_domains(session: Session, *, team_id: str) -> list[str]:
    """The domains the workspace's actions (archived ones too) are filed under, as stored."""
    stmt = select(Action.domain).where(Action.team_id == team_id).distinct().order_by(Action.domain)
    return list(session.scalars(stmt).all())


def indicator_codes_by_action(session: Session, *, team_id: str) -> dict[int, list[str]]:
    """For each action id, the codes of the indicators that follow it."""
    stmt = (
        select(ActionIndicator.action_id, Indicator.code)
        .join(Indicator, Indicator.id == ActionIndicator.indicator_id)
        .where(Indicator.team_id == team_id)
        .order_by(Indicator.code_key)
    )
    out: dict[int, list[str]] = {}
    for action_id, code in session.execute(stmt):
        out.setdefault(action_id, []).append(code)
    return out


def set_action_indicators(session: Session, *, action_id: int, indicator_ids: Sequence[int]) -> None:
    """Replace the indicators that follow an action."""
    session.execute(delete(ActionIndicator).where(ActionIndicator.action_id == action_id))
    session.add_all(
        ActionIndicator(action_id=action_id, indicator_id=i) for i in dict.fromkeys(indicator_ids)
    )


def journal(session: Session, *, action_id: int) -> Sequence[ActionUpdate]:
    """An action's journal, newest first."""
    stmt = select(ActionUpdate).where(ActionUpdate.action_id == action_id).order_by(ActionUpdate.id.desc())
    return session.scalars(stmt).all()


def latest_milestone(session: Session, *, team_id: str, kind: str) -> dt.date | None:
    """The latest day the plan was validated (or communicated)."""
    stmt = select(func.max(PlanMilestone.on)).where(
        PlanMilestone.team_id == team_id, PlanMilestone.kind == kind
    )
    return session.scalar(stmt)


def meetings_since(session: Session, *, team_id: str, since: dt.date) -> tuple[int, dt.date | None]:
    """How many steering committees met since a day, and the last one's date (ever)."""
    count = session.scalar(
        select(func.count()).where(CommitteeMeeting.team_id == team_id, CommitteeMeeting.held_on >= since)
    )
    last = session.scalar(
        select(func.max(CommitteeMeeting.held_on)).where(CommitteeMeeting.team_id == team_id)
    )
    return int(count or 0), last
