"""APScheduler wiring: background jobs are a few lines that call services or the Slack sender."""

from __future__ import annotations

import datetime as dt
import logging

from apscheduler.schedulers.background import BackgroundScheduler

from bot.services import Services
from bot.slack.delivery import OutboxSender
from bot.slack.digests import DigestSender

log = logging.getLogger("pilote.jobs")

REMINDER_MINUTES = 5
# The digest job sleeps until the next period or retry it knows of, and looks again after this at
# the latest (a subscription made in another process); the claim in the database decides who posts.
DIGEST_POLL_SECONDS = 60


def start_jobs(
    *, sender: OutboxSender, digests: DigestSender, services: Services, timezone: str
) -> BackgroundScheduler:
    """Start the outbox sender's thread (it drains at once, so a restart resumes its sends, then each
    time a message is queued or falls due) and the scheduler: digests are looked for at once too (a
    restart posts the one catch-up), then when the next one is due."""
    # One sender thread: one drain at a time in this process; other processes are kept out by the lease.
    sender.start()
    scheduler = BackgroundScheduler(timezone=timezone)

    # Digests: every subscription's latest period is claimed in the database (one process wins it), then
    # drawn and posted here, in the scheduler's thread pool: Slack commands never wait behind a render.
    def digest_then_sleep() -> None:
        # Post what is due, then sleep until the next period or retry (no claim, no write, while
        # nothing is due); at most DIGEST_POLL_SECONDS, for what other processes subscribe meanwhile.
        # A date job runs once: each run adds the next one.
        try:
            digests.run()
        finally:
            try:
                due_in = services.digests.due_in()
            except Exception:  # the database failed: the run above has logged it; look again soon
                log.exception("next digest time not read")
                due_in = None
            wait = DIGEST_POLL_SECONDS if due_in is None else min(max(due_in, 1.0), DIGEST_POLL_SECONDS)
            at = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=wait)
            scheduler.add_job(digest_then_sleep, "date", run_date=at, id="digests", replace_existing=True)

    scheduler.add_job(digest_then_sleep, "date", run_date=dt.datetime.now(dt.UTC), id="digests")
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
