"""APScheduler wiring: background jobs are a few lines that call services or the Slack sender."""

from __future__ import annotations

import datetime as dt

from apscheduler.schedulers.background import BackgroundScheduler

from bot.services import Services
from bot.slack.delivery import OutboxSender
from bot.slack.digests import DigestSender

REMINDER_MINUTES = 5
DIGEST_SECONDS = 30  # how late a digest may be: the claim in the database decides who posts it


def start_jobs(
    *, sender: OutboxSender, digests: DigestSender, services: Services, timezone: str
) -> BackgroundScheduler:
    """Start the outbox sender's thread (it drains at once, so a restart resumes its sends, then each
    time a message is queued or falls due) and the scheduler: digests are looked for at once too (a
    restart posts the one catch-up), then every 30 s."""
    # One sender thread: one drain at a time in this process; other processes are kept out by the lease.
    sender.start()
    scheduler = BackgroundScheduler(timezone=timezone)
    # Digests: every subscription's latest period is claimed in the database (one process wins it), then
    # drawn and posted here, in the scheduler's thread pool: Slack commands never wait behind a render.
    scheduler.add_job(
        digests.run,
        "interval",
        seconds=DIGEST_SECONDS,
        id="digests",
        max_instances=1,
        coalesce=True,
        next_run_time=dt.datetime.now(dt.UTC),
    )
    # Unacknowledged alerts: queue their reminder, then their escalation (the outbox sender sends them).
    scheduler.add_job(
        services.alerts.remind_due,
        "interval",
        minutes=REMINDER_MINUTES,
        id="alert-reminders",
        max_instances=1,
        coalesce=True,
    )
    # Late check-ins and actions due soon: idempotent (keyed outbox messages), so hourly is enough.
    scheduler.add_job(
        services.reminders.remind, "interval", hours=1, id="reminders", max_instances=1, coalesce=True
    )
    scheduler.start()
    return scheduler
