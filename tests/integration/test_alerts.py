"""Timeline: readings in, alert state and outbox rows out, in the reading's own transaction."""

import json

from sqlalchemy import select

from bot.services import Services
from storage.models import AlertState, OutboxMessage
from tests.support.data import kpi


def outbox(services: Services) -> list[tuple[str, str]]:
    with services.db.read() as s:
        return [(m.kind, m.recipient) for m in s.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]


def setup(services: Services) -> None:
    kpi(services, 'new frc "Résolution" kind=ratio target=75 warn_below=70 alert_below=60 owner=<@U0BOB|bob>')


def test_crossing_repeating_and_recovering(services: Services) -> None:
    setup(services)
    kpi(services, "frc 50/60 @2026-07")  # 83 %: ok
    kpi(services, "frc 40/60 @2026-08")  # 67 %: warning, no DM by default
    assert outbox(services) == []
    kpi(services, "frc 30/60 @2026-09")  # 50 %: alert, one DM to the owner
    kpi(services, "frc 33/60 @2026-10")  # 55 %: still alert, nothing new
    assert outbox(services) == [("alert", "U0BOB")]
    kpi(services, "frc 50/60 @2026-11")  # back to normal
    assert outbox(services) == [("alert", "U0BOB"), ("resolved", "U0BOB")]
    with services.db.read() as s:
        resolved = s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "resolved")).one()
        alert = s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "alert")).one()
        assert json.loads(resolved.payload)["alert_key"] == alert.key
        state = s.get(AlertState, json.loads(alert.payload)["indicator_id"])
        assert state is not None and state.level == "ok" and state.alert_key is None


def test_a_late_backfill_raises_nothing(services: Services) -> None:
    setup(services)
    kpi(services, "frc 50/60 @2026-10")
    kpi(services, "frc 10/60 @2026-05")  # an old month, typed late
    assert outbox(services) == []


def test_indicators_without_thresholds_keep_no_state(services: Services) -> None:
    kpi(services, 'new visites "Visites" kind=number')
    kpi(services, "visites 12")
    with services.db.read() as s:
        assert s.scalars(select(AlertState)).all() == []


def test_an_invalid_reading_queues_nothing(services: Services) -> None:
    import pytest

    from bot.domain.errors import InvalidInput

    setup(services)
    with pytest.raises(InvalidInput):
        kpi(services, "frc 1/0")
    assert outbox(services) == []


def test_hysteresis_stops_flapping_and_warnings_by_dm_when_asked(services: Services) -> None:
    kpi(services, 'new frc "Résolution" kind=ratio warn_below=70 alert_below=60 hysteresis=3 warn_dm=oui')
    for month, value in ((5, "30/60"), (6, "37/60"), (7, "35/60"), (8, "37/60"), (9, "40/60"), (10, "45/60")):
        kpi(services, f"frc {value} @2026-{month:02d}")  # 50 %, 61.7 %, 58.3 %, 61.7 %, 66.7 %, 75 %
    assert [kind for kind, _ in outbox(services)] == ["alert", "resolved", "resolved"]


def test_edit_sets_hysteresis_and_warn_dm(services: Services) -> None:
    from bot.domain.grammar import EditIndicator, parse_kpi

    setup(services)
    cmd = parse_kpi("edit frc hysteresis=2,5 warn_dm=oui")
    assert isinstance(cmd, EditIndicator)
    view = services.indicators.edit(team_id="T0PILOTE", user_id="U0BOB", command=cmd, is_admin=lambda: False)
    assert view.hysteresis == 2.5 and view.warn_dm


def test_bad_hysteresis() -> None:
    import pytest

    from bot.domain.errors import InvalidInput
    from bot.domain.grammar import parse_kpi

    with pytest.raises(InvalidInput) as exc:
        parse_kpi('new frc "x" hysteresis=-1')
    assert exc.value.key == "error.bad_hysteresis"


def test_relative_threshold(services: Services) -> None:
    kpi(services, 'new tickets "Tickets reçus" kind=number change_alert=20 owner=<@U0BOB|bob>')
    kpi(services, "tickets 100 @2026-08")
    kpi(services, "tickets 115 @2026-09")  # +15 %: within
    kpi(services, "tickets 150 @2026-10")  # +30 %: flagged
    kpi(services, "tickets 151 @2026-10")  # a correction of the same month: not compared with itself
    kpi(services, "tickets 20 @2026-06")  # a late backfill: nothing
    assert outbox(services) == [("change", "U0BOB")]
    with services.db.read() as s:
        payload = json.loads(s.scalars(select(OutboxMessage)).one().payload)
    assert round(payload["change_pct"], 1) == 30.4 and payload["previous_value"] == 115
