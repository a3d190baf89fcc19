"""Digest subscriptions and their periods on SQLite and PostgreSQL: one digest per period, whoever
claims it, one catch-up after downtime, retries that never run twice at once."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import event

from bot.domain.errors import InvalidInput
from bot.domain.schedule import parse_schedule
from bot.services import Defaults, Services
from storage.db import Database
from tests.support.data import kpi, new_action
from tests.support.databases import FixedClock

TEAM, CHANNEL = "T0PILOTE", "C0STEERING"
MONDAY_9H_PARIS = dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC)


def subscribe(services: Services, text: str = "weekly mon 09:00", **kw: object) -> None:
    services.digests.subscribe(
        team_id=TEAM, channel_id=CHANNEL, user_id="U0ALICE", schedule=parse_schedule(text.split()), **kw
    )


def test_nothing_is_due_before_the_first_period(services: Services, clock: FixedClock) -> None:
    subscribe(services)
    assert services.digests.claim() == []
    clock.now = MONDAY_9H_PARIS - dt.timedelta(seconds=1)
    assert services.digests.claim() == []
    clock.now = MONDAY_9H_PARIS
    (job,) = services.digests.claim()
    assert job.period_at == MONDAY_9H_PARIS and job.channel_id == CHANNEL and not job.catch_up
    assert job.since is None and job.attempts == 1 and job.language == "fr"


def test_a_claimed_period_is_leased_then_settled_once(services: Services, clock: FixedClock) -> None:
    subscribe(services)
    clock.now = MONDAY_9H_PARIS
    (job,) = services.digests.claim()
    assert services.digests.claim() == []  # leased
    services.digests.posted(run_id=job.run_id, ts="1.2")
    clock.advance(hours=1)
    assert services.digests.claim() == []  # posted: the period is over
    clock.now = MONDAY_9H_PARIS + dt.timedelta(days=7)
    (nxt,) = services.digests.claim()
    assert nxt.since == MONDAY_9H_PARIS and nxt.period_at == MONDAY_9H_PARIS + dt.timedelta(days=7)


def test_an_unsettled_claim_is_taken_again_after_its_lease(services: Services, clock: FixedClock) -> None:
    subscribe(services)
    clock.now = MONDAY_9H_PARIS
    (job,) = services.digests.claim()  # the process dies here
    clock.advance(minutes=4)
    assert services.digests.claim() == []
    clock.advance(minutes=2)
    (again,) = services.digests.claim()
    assert again.run_id == job.run_id and again.attempts == 2 and again.maybe_sent


def test_one_catch_up_after_downtime(services: Services, clock: FixedClock) -> None:
    subscribe(services, "daily 09:00")
    clock.now = MONDAY_9H_PARIS + dt.timedelta(days=5, hours=3)  # down Monday to Saturday noon
    (job,) = services.digests.claim()
    assert job.period_at == MONDAY_9H_PARIS + dt.timedelta(days=5) and job.catch_up
    services.digests.posted(run_id=job.run_id, ts="1.2")
    assert services.digests.claim() == []
    assert [status for _, status, _ in services.digests.runs(team_id=TEAM, channel_id=CHANNEL)] == ["posted"]


def test_failed_tries_back_off_then_give_up(services: Services, clock: FixedClock) -> None:
    subscribe(services)
    clock.now = MONDAY_9H_PARIS
    (job,) = services.digests.claim()
    assert services.digests.failed(
        run_id=job.run_id, error="internal_error", ambiguous=True, retry_after=None
    )
    assert services.digests.claim() == []
    clock.advance(minutes=1, seconds=1)
    (retry,) = services.digests.claim()
    assert retry.maybe_sent and retry.attempts == 2
    assert not services.digests.failed(
        run_id=retry.run_id, error="channel_not_found", ambiguous=False, retry_after=None, final=True
    )
    clock.advance(days=1)
    assert services.digests.claim() == []
    assert services.digests.runs(team_id=TEAM, channel_id=CHANNEL)[0][1] == "dead"


def test_resubscribing_counts_periods_from_now_and_unsubscribing_drops_pending(
    services: Services, clock: FixedClock
) -> None:
    subscribe(services)
    clock.now = MONDAY_9H_PARIS + dt.timedelta(hours=1)
    subscribe(services, "daily 18:00")  # changed after this Monday's 09:00: no digest for it
    assert services.digests.claim() == []
    clock.now = MONDAY_9H_PARIS + dt.timedelta(hours=9)
    (job,) = services.digests.claim()
    assert job.schedule.text == "daily 18:00"
    gone = services.digests.unsubscribe(team_id=TEAM, channel_id=CHANNEL)
    assert gone is not None and gone.schedule.text == "daily 18:00"
    assert services.digests.subscription(team_id=TEAM, channel_id=CHANNEL) is None
    assert services.digests.runs(team_id=TEAM, channel_id=CHANNEL)[0][1] == "cancelled"
    clock.advance(days=2)
    assert services.digests.claim() == []


def test_subscription_scope_must_exist(services: Services) -> None:
    kpi(services, 'new frc "Résolution" kind=ratio entity=DSI')
    with pytest.raises(InvalidInput) as err:
        subscribe(services, scope="Compta")
    assert err.value.key == "error.dashboard_scope"
    subscribe(services, scope="dsi")
    view = services.digests.subscription(team_id=TEAM, channel_id=CHANNEL)
    assert view is not None and view.scope == "DSI"


def test_three_schedulers_on_one_database_post_one_digest_per_period(
    database: Database, services: Services, clock: FixedClock
) -> None:
    """Three processes (three engines on the same database) tick at the same moments: one claim a
    period, whichever wins; an exception in any of them fails the test."""
    subscribe(services, "daily 09:00")
    others = [Database(database.url) for _ in range(2)]
    try:
        schedulers = [("a", services)] + [
            (name, Services.build(db, defaults=Defaults(timezone="Europe/Paris"), clock=clock))
            for name, db in zip("bc", others, strict=True)
        ]
        claimed: list[tuple[str, dt.datetime]] = []
        errors: list[BaseException] = []
        for day in range(5):
            clock.now = MONDAY_9H_PARIS + dt.timedelta(days=day, seconds=1)
            barrier = threading.Barrier(len(schedulers))

            def tick(name: str, s: Services, barrier: threading.Barrier) -> None:
                try:
                    barrier.wait()
                    for job in s.digests.claim():
                        claimed.append((name, job.period_at))
                        s.digests.posted(run_id=job.run_id, ts=f"{job.run_id}.0")
                except BaseException as exc:  # noqa: BLE001 - carried to the test's own thread
                    errors.append(exc)

            threads = [threading.Thread(target=tick, args=(n, s, barrier)) for n, s in schedulers]
            for th in threads:
                th.start()
            for th in threads:
                th.join(10)
            assert not any(th.is_alive() for th in threads), "a scheduler never finished its tick"
        assert errors == []
        periods = sorted(at for _, at in claimed)
        assert periods == [MONDAY_9H_PARIS + dt.timedelta(days=d) for d in range(5)]
    finally:
        for db in others:
            db.dispose()


def test_gathering_takes_the_same_number_of_statements_for_any_number_of_indicators(
    services: Services, database: Database
) -> None:
    def statements_for(count: int) -> int:
        for n in range(count):
            kpi(services, f'new i{n}_{count} "Indicateur {n}" kind=number warn_above=10 entity=E{n % 3}')
            kpi(services, f"i{n}_{count} {n} @2026-10")
            kpi(services, f"i{n}_{count} {n + 1} @2026-11")
        seen: list[str] = []

        def count_it(*args: object) -> None:
            seen.append(str(args[2]))

        event.listen(database.engine, "before_cursor_execute", count_it)
        try:
            snap = services.dashboards.snapshot(team_id=TEAM, channel_id=CHANNEL)
        finally:
            event.remove(database.engine, "before_cursor_execute", count_it)
        assert len(snap.indicators) >= count
        return len(seen)

    new_action(services, '"Former" domain=sensibilisation')
    assert statements_for(3) == statements_for(30)


def test_snapshot_puts_alerts_first_and_counts_changes_since_the_last_digest(
    services: Services, clock: FixedClock
) -> None:
    kpi(services, 'new aaa "Sans seuil" kind=number cadence=monthly')
    kpi(services, 'new frc "Résolution" kind=ratio target=75 warn_below=70 alert_below=60 cadence=monthly')
    kpi(services, "frc 50/60 @2026-09")
    kpi(services, "aaa 3 @2026-08")
    clock.advance(days=1)
    since = clock()
    clock.advance(days=1)
    kpi(services, "frc 30/60 @2026-10")
    new_action(services, '"Former" domain=sensibilisation due=2026-11-01 identified=2026-10-01')
    snap = services.dashboards.snapshot(team_id=TEAM)  # no digest in any channel: the last 7 days
    assert [i.indicator.code for i in snap.indicators] == ["frc", "aaa"]
    frc = snap.indicators[0]
    assert frc.status.value == "alert" and frc.direction == -1 and frc.new_readings == 2
    assert not snap.since_digest and not snap.nothing_new
    from bot.domain.schedule import parse_schedule as ps
    from bot.services.digests import DigestJob

    job = DigestJob(
        run_id=0,
        team_id=TEAM,
        channel_id=CHANNEL,
        schedule=ps(["daily", "9h"]),
        scope="",
        skip_empty=False,
        period_at=since,
        since=since,
        catch_up=False,
        attempts=1,
        file_ids=(),
        maybe_sent=False,
        language="fr",
    )
    snap = services.digests.snapshot(job)
    frc = next(i for i in snap.indicators if i.indicator.code == "frc")
    assert (
        frc.new_readings == 1 and frc.before is not None and frc.before.value == pytest.approx(50 / 60 * 100)
    )
    assert frc.status_before.value == "ok" and frc.changed
    assert [i.indicator.code for i in snap.changes] == ["frc"]
    assert [i.indicator.code for i in snap.late_readings] == ["aaa"]  # August: September's was due
    assert [a.number for a in snap.late_actions] == [1] and len(snap.changed_actions) == 1


def test_one_indicator_declined_per_entity(services: Services) -> None:
    for code, entity, value in (
        ("frc-dsi", "DSI", "30/60"),
        ("frc-rh", "RH", "50/60"),
        ("frc-sg", "SG", "55/60"),
    ):
        kpi(services, f'new {code} "Résolution au premier contact" kind=ratio alert_below=60 entity={entity}')
        kpi(services, f"{code} {value} @2026-10")
    kpi(services, 'new eco "Équipements reconditionnés" kind=percent entity=DSI')
    snap = services.dashboards.snapshot(team_id=TEAM, scope="FRC-RH")
    assert snap.scope_kind == "indicator" and snap.scope == "frc-rh"
    assert snap.scope_name == "Résolution au premier contact"
    assert [i.indicator.entity for i in snap.indicators] == ["DSI", "RH", "SG"]  # the alert first
    (image,) = services.dashboards.render(snap, language="fr")
    assert image.kind == "dashboard" and image.shown == 3


def test_the_longest_cron_accepted_is_stored(services: Services, clock: FixedClock) -> None:
    from bot.domain.schedule import MAX_CRON_CHARS, parse_cron

    minutes = ",".join(str(m) for m in range(0, 60, 2))  # 0,2,…,58
    text = f"{minutes} 9 * * 1,2,3,4,5"
    assert len(text) == MAX_CRON_CHARS
    parse_cron(text)
    subscribe(services, f"cron {text}")
    view = services.digests.subscription(team_id=TEAM, channel_id=CHANNEL)
    assert view is not None and view.schedule.cron.text == text


def test_due_in_says_how_long_the_digest_job_may_sleep(services: Services, clock: FixedClock) -> None:
    assert services.digests.due_in() is None  # no subscription: nothing to wake for but the safety poll
    subscribe(services)
    clock.now = MONDAY_9H_PARIS - dt.timedelta(hours=2)
    assert services.digests.due_in() == 2 * 3600
    clock.now = MONDAY_9H_PARIS
    assert services.digests.due_in() == 0.0  # a period has come, unclaimed
    (job,) = services.digests.claim()
    # Claimed and leased: the lease's end (a retry if this process dies) comes before next Monday.
    assert 0 < (services.digests.due_in() or 0) <= 5 * 60
    services.digests.posted(run_id=job.run_id, ts="1.2")
    assert services.digests.due_in() == 7 * 24 * 3600  # next Monday, 09:00 Paris
