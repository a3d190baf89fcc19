"""Queries of a whole workspace, for an export and its restore. Each takes a Session and never commits."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from storage.models import (
    Action,
    ActionIndicator,
    CommitteeMeeting,
    Indicator,
    PlanMilestone,
    Reading,
)


def all_rows(session: Session, *, team_id: str, model: type[Any]) -> Sequence[Any]:
    """Every row of one of the workspace's tables (archived and superseded ones too), by id."""
    stmt = select(model).where(model.team_id == team_id).order_by(model.id)
    return session.scalars(stmt).all()


def action_links(session: Session, *, team_id: str) -> Sequence[tuple[int, int]]:
    """(action id, indicator id) of every action of the workspace, by indicator id."""
    stmt = (
        select(ActionIndicator.action_id, ActionIndicator.indicator_id)
        .join(Action, Action.id == ActionIndicator.action_id)
        .where(Action.team_id == team_id)
        .order_by(ActionIndicator.action_id, ActionIndicator.indicator_id)
    )
    return [(a, i) for a, i in session.execute(stmt)]


def holds_a_plan(session: Session, *, team_id: str) -> bool:
    """Whether the workspace has an indicator, an action, a milestone or a committee (archived too)."""
    for model in (Indicator, Action, PlanMilestone, CommitteeMeeting):
        stmt = select(func.count()).select_from(model).where(model.team_id == team_id)
        if session.scalar(stmt):
            return True
    return False


def insert_returning_ids(session: Session, *, model: type[Any], rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert rows in one executemany; their new ids, in the order of the rows."""
    if not rows:
        return []
    table = model.__table__
    stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return [int(i) for i in session.scalars(stmt, list(rows))]


def insert_rows(session: Session, *, model: type[Any], rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows in one executemany."""
    if rows:
        session.execute(insert(model.__table__), list(rows))


def set_supersedes(session: Session, *, links: Sequence[tuple[int, int]]) -> None:
    """Point each reading (first id) at the reading it supersedes (second id)."""
    for reading_id, supersedes_id in links:
        session.execute(update(Reading).where(Reading.id == reading_id).values(supersedes_id=supersedes_id))


def set_code_keys(session: Session, *, keys: Sequence[tuple[int, str]]) -> None:
    """Give each indicator (id) its lookup key."""
    for indicator_id, key in keys:
        session.execute(update(Indicator).where(Indicator.id == indicator_id).values(code_key=key))
