"""Reminders on a fixed, advanced clock: late check-ins back off; due actions once a week."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import select

from bot.domain.actions import ActionStatus
from bot.services import Services
from storage.models import OutboxMessage
from tests.support.data import kpi, new_action
from tests.support.databases import FixedClock


def reminders(services: Services) -> list[tuple[str, str, dict]]:
    with services.db.read() as s:
        rows = s.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.kind.in_(["checkin", "actions"]))
            .order_by(OutboxMessage.id)
        )
        return [(m.kind, m.recipient, json.loads(m.payload)) for m in rows]


def test_late_monthly_checkin_backs_off(services: Services, clock: FixedClock) -> None:
    kpi(services, 'new frc "Résolution" kind=ratio every=month owner=<@U0BOB|bob>')
    kpi(services, "frc 45/60 @2026-10")  # November's value is due on 30 November
    clock.now = dt.datetime(2026, 12, 3, 9, tzinfo=dt.UTC)
    assert services.reminders.remind() == 0  # within the grace period
    clock.now = dt.datetime(2026, 12, 6, 9, tzinfo=dt.UTC)
    assert services.reminders.remind() == 1
    assert services.reminders.remind() == 0  # not twice
    kind, who, payload = reminders(services)[0]
    assert (kind, who, payload["due_on"], payload["code"]) == ("checkin", "U0BOB", "2026-11-30", "frc")
    clock.now = dt.datetime(2026, 12, 16, 9, tzinfo=dt.UTC)
    assert services.reminders.remind() == 1  # second reminder, three graces after the due date
    kpi(services, "frc 50/60 @2026-11")  # answered: nothing more for November
    clock.now = dt.datetime(2026, 12, 28, 9, tzinfo=dt.UTC)
    assert services.reminders.remind() == 0


def test_indicators_without_cadence_are_never_late(services: Services, clock: FixedClock) -> None:
    kpi(services, 'new visites "Visites" kind=number owner=<@U0BOB|bob>')
    clock.advance(days=400)
    assert services.reminders.remind() == 0


def test_actions_due_soon_or_late_once_a_week(services: Services, clock: FixedClock) -> None:
    new_action(services, '"Audit" owner=<@U0BOB|bob> due=2026-11-25')  # due in 5 days
    new_action(services, '"Plus tard" owner=<@U0BOB|bob> due=2027-03-01')
    new_action(services, '"Fini" owner=<@U0BOB|bob> due=2026-11-21')
    services.actions.update_status(team_id="T0PILOTE", user_id="U0BOB", number=3, status=ActionStatus.DONE)
    assert services.reminders.remind() == 1
    assert services.reminders.remind() == 0  # once a week
    ((_, who, payload),) = reminders(services)
    assert who == "U0BOB" and [a["number"] for a in payload["actions"]] == [1]
    clock.advance(days=7)  # next week, action 1 is now late
    assert services.reminders.remind() == 1
    assert reminders(services)[-1][2]["actions"][0]["late"] is True
