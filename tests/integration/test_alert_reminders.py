"""Timeline of an unacknowledged alert: repeated once, then escalated; acknowledge and snooze stop it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.domain.errors import InvalidInput
from bot.services import Defaults, Services
from storage.db import Database
from storage.models import OutboxMessage
from tests.support.data import kpi
from tests.support.databases import FixedClock

PLAN = "C0PLAN"


@pytest.fixture
def svc(db: Database, clock: FixedClock) -> Services:
    defaults = Defaults(timezone="Europe/Paris", language="fr", alert_repeat_hours=24, plan_channel=PLAN)
    return Services.build(db, defaults=defaults, clock=clock)


def queued(services: Services) -> list[tuple[str, str]]:
    with services.db.read() as s:
        return [(m.kind, m.recipient) for m in s.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]


def deliver_all(services: Services) -> None:
    for item in services.outbox.claim():
        services.outbox.sent(id=item.id, channel="D0BOB", ts=f"1.{item.id}")


def alert_key(services: Services) -> str:
    with services.db.read() as s:
        return s.scalars(select(OutboxMessage.key).where(OutboxMessage.kind == "alert")).one()


@pytest.fixture
def alerting(svc: Services) -> Services:
    kpi(svc, 'new frc "Résolution" kind=ratio alert_below=60 owner=<@U0BOB|bob>')
    kpi(svc, "frc 30/60 @2026-10")
    deliver_all(svc)
    return svc


def test_repeated_once_then_escalated(alerting: Services, clock: FixedClock) -> None:
    assert alerting.alerts.remind_due() == 0
    clock.advance(hours=23)
    assert alerting.alerts.remind_due() == 0
    clock.advance(hours=2)
    assert alerting.alerts.remind_due() == 1
    assert queued(alerting)[-1] == ("repeat", "U0BOB")
    assert alerting.alerts.remind_due() == 0
    clock.advance(hours=25)
    assert alerting.alerts.remind_due() == 1
    assert queued(alerting)[-1] == ("escalation", PLAN)
    clock.advance(days=10)
    assert alerting.alerts.remind_due() == 0  # escalated once


def test_acknowledged_alerts_are_left_alone(alerting: Services, clock: FixedClock) -> None:
    assert alerting.alerts.acknowledge(team_id="T0PILOTE", user_id="U0BOB", key=alert_key(alerting)) == "frc"
    clock.advance(days=5)
    assert alerting.alerts.remind_due() == 0


def test_snooze_a_day_then_remind(alerting: Services, clock: FixedClock) -> None:
    clock.advance(hours=20)
    alerting.alerts.snooze(team_id="T0PILOTE", user_id="U0BOB", key=alert_key(alerting), until="1d")
    clock.advance(hours=10)  # 30 h after the alert, 10 h into the snooze
    assert alerting.alerts.remind_due() == 0
    clock.advance(hours=40)  # the snooze ended 26 h ago
    assert alerting.alerts.remind_due() == 1


def test_snooze_until_the_next_reading(alerting: Services, clock: FixedClock) -> None:
    alerting.alerts.snooze(team_id="T0PILOTE", user_id="U0BOB", key=alert_key(alerting), until="next")
    clock.advance(days=3)
    assert alerting.alerts.remind_due() == 0
    kpi(alerting, "frc 31/60 @2026-11")  # still in alert: the snooze ends, no new alert
    assert alerting.alerts.remind_due() == 1


def test_a_resolved_alert_cannot_be_acted_on(alerting: Services) -> None:
    key = alert_key(alerting)
    kpi(alerting, "frc 50/60 @2026-11")
    with pytest.raises(InvalidInput):
        alerting.alerts.acknowledge(team_id="T0PILOTE", user_id="U0BOB", key=key)
    with pytest.raises(InvalidInput):
        alerting.alerts.snooze(team_id="T0PILOTE", user_id="U0BOB", key=key, until="1w")


def test_no_escalation_without_a_plan_channel(db: Database, clock: FixedClock) -> None:
    services = Services.build(db, defaults=Defaults(alert_repeat_hours=24), clock=clock)
    kpi(services, 'new frc "Résolution" kind=ratio alert_below=60 owner=<@U0BOB|bob>')
    kpi(services, "frc 30/60 @2026-10")
    deliver_all(services)
    clock.advance(hours=25)
    assert services.alerts.remind_due() == 1
    clock.advance(days=5)
    assert services.alerts.remind_due() == 0
