"""The background jobs as `pilote serve` starts them: the digest job sleeps until a digest is due."""

from __future__ import annotations

import datetime as dt
import threading
import time

from bot.domain.schedule import parse_schedule
from bot.jobs import DIGEST_POLL_SECONDS, start_jobs
from bot.services import Services
from bot.slack.delivery import OutboxSender, sender_client
from bot.slack.digests import DigestSender
from tests.support.databases import FixedClock
from tests.support.fake_slack import FakeSlack

MONDAY_9H_PARIS = dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC)


def next_digest_run(scheduler, after: dt.datetime) -> dt.datetime:  # type: ignore[no-untyped-def]
    """The digest job's next run, once the run that started at `after` has set it."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        job = scheduler.get_job("digests")
        if (
            job is not None
            and job.next_run_time is not None
            and job.next_run_time > after + dt.timedelta(seconds=0.5)
        ):
            return job.next_run_time
        time.sleep(0.01)
    raise AssertionError("the digest job was never scheduled again")


def test_the_digest_job_sleeps_until_the_next_period(
    services: Services, fake_slack: FakeSlack, clock: FixedClock
) -> None:
    services.digests.subscribe(
        team_id="T0PILOTE",
        channel_id="C0STEERING",
        user_id="U0ALICE",
        schedule=parse_schedule(["weekly", "mon", "09:00"]),
    )
    clock.now = MONDAY_9H_PARIS - dt.timedelta(seconds=20)
    runs = threading.Event()

    class Watched(DigestSender):
        def run(self) -> int:
            done = super().run()
            runs.set()
            return done

    client = sender_client(token=fake_slack.token, base_url=fake_slack.api_url)
    sender = OutboxSender(client, services)
    started = dt.datetime.now(dt.UTC)
    scheduler = start_jobs(
        sender=sender, digests=Watched(client, services), services=services, timezone="Europe/Paris"
    )
    try:
        assert runs.wait(10)  # at once, at start-up (a restart's catch-up)
        first = next_digest_run(scheduler, started)
        assert 18 <= (first - started).total_seconds() <= 21  # the period comes in 20 s: not before
        # Nothing due for a week: it looks again after the safety poll, not every few seconds.
        clock.now = MONDAY_9H_PARIS + dt.timedelta(minutes=10)
        services.digests.claim()  # another process took this period
        scheduler.modify_job("digests", next_run_time=dt.datetime.now(dt.UTC))
        runs.clear()
        assert runs.wait(10)
        woke = dt.datetime.now(dt.UTC)
        later = next_digest_run(scheduler, woke)
        assert DIGEST_POLL_SECONDS - 1 <= (later - woke).total_seconds() <= DIGEST_POLL_SECONDS + 1
    finally:
        scheduler.shutdown(wait=True)
        sender.stop()
