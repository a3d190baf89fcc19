"""APScheduler wiring: background jobs are a few lines that call services or the Slack sender."""

from __future__ import annotations

import datetime as dt

from apscheduler.schedulers.background import BackgroundScheduler

from bot.slack.delivery import OutboxSender

OUTBOX_SECONDS = 2


def start_jobs(*, sender: OutboxSender, timezone: str) -> BackgroundScheduler:
    """Start the scheduler: the outbox is drained at once (a restart resumes its sends), then every 2 s."""
    scheduler = BackgroundScheduler(timezone=timezone)
    scheduler.add_job(
        sender.drain,
        "interval",
        seconds=OUTBOX_SECONDS,
        id="outbox",
        max_instances=1,  # one drain at a time in this process; other processes are kept out by the lease
        coalesce=True,
        next_run_time=dt.datetime.now(dt.UTC),
    )
    scheduler.start()
    return scheduler
