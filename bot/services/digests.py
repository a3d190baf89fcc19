"""Scheduled digests: subscriptions, and exactly one digest per period.

Each period of a subscription is a `digest_runs` row whose unique key (subscription, period) is the
claim: whichever process inserts it owns the period, so several `pilote serve` on one database post one
digest. After downtime only the latest missed period is claimed: one catch-up, not one per period.
A claimed run is leased (its next attempt time moves past the lease) while it is posted; a failed try
is retried later, after looking in the channel for what an ambiguous failure may have posted.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from functools import partial

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.domain.dashboard import DashboardSnapshot
from bot.domain.errors import InvalidInput
from bot.domain.grammar import prepare
from bot.domain.schedule import Schedule, parse_schedule
from bot.services.common import Clock, Defaults, timezone_of, workspace_row
from bot.services.dashboards import gather, scope_in
from bot.services.outbox import enqueue
from storage import digest_repositories as drepo
from storage import repositories as repo
from storage.db import Database
from storage.models import DigestRun, DigestSubscription

log = logging.getLogger(__name__)
LEASE = dt.timedelta(minutes=5)  # time to draw and upload a digest before another worker may retry it
MAX_ATTEMPTS = 8
BACKOFF_CAP = dt.timedelta(minutes=30)
CATCH_UP_AFTER = dt.timedelta(minutes=30)  # a digest posted this late says it is a catch-up


@dataclass(frozen=True)
class SubscriptionView:
    """A channel's digest: its schedule, scope, and next time."""

    channel_id: str
    schedule: Schedule
    scope: str
    skip_empty: bool
    timezone: str
    next_at: dt.datetime | None  # aware UTC


@dataclass(frozen=True)
class DigestJob:
    """A claimed period of a subscription, to post now."""

    run_id: int
    team_id: str
    channel_id: str
    schedule: Schedule
    scope: str
    skip_empty: bool
    period_at: dt.datetime
    since: dt.datetime | None  # the period of the previous digest posted
    catch_up: bool
    attempts: int
    file_ids: tuple[str, ...]  # files of an earlier try that may have been shared
    maybe_sent: bool
    language: str
    created_at: dt.datetime | None = None  # claimed first then: no earlier try can be older


def schedule_of(text: str) -> Schedule:
    """A stored schedule text back into a Schedule."""
    _, tokens = prepare(text)
    return parse_schedule([t.text for t in tokens])


def backoff(attempts: int) -> dt.timedelta:
    """1, 2, 4, 8… minutes between tries, at most 30."""
    return min(dt.timedelta(minutes=2 ** max(0, attempts - 1)), BACKOFF_CAP)


class DigestService:
    """Subscriptions of channels to digests, and the claims of their periods."""

    def __init__(self, db: Database, *, clock: Clock, defaults: Defaults) -> None:
        self._db, self._clock, self._defaults = db, clock, defaults

    def subscribe(
        self,
        *,
        team_id: str,
        channel_id: str,
        user_id: str,
        schedule: Schedule,
        scope: str = "",
        skip_empty: bool = False,
    ) -> SubscriptionView:
        """Subscribe the channel (or change its schedule); periods count from now on."""
        now = self._clock()
        with self._db.write() as session:
            ws = workspace_row(session, team_id=team_id, defaults=self._defaults, now=now)
            scope = scope_in(session, team_id=team_id, scope=scope)
            row = drepo.find_subscription(session, team_id=team_id, channel_id=channel_id)
            if row is None:
                row = DigestSubscription(team_id=team_id, channel_id=channel_id)
                session.add(row)
            row.schedule = schedule.text
            row.scope, row.skip_empty, row.created_by = scope, skip_empty, user_id
            row.active_since, row.cancelled_at = now, None
            return SubscriptionView(
                channel_id, schedule, scope, skip_empty, ws.timezone, schedule.next(now, ws.timezone)
            )

    def unsubscribe(self, *, team_id: str, channel_id: str) -> SubscriptionView | None:
        """Stop the channel's digest; the subscription it had, or None if it had none."""
        now = self._clock()
        with self._db.write() as session:
            row = drepo.find_subscription(session, team_id=team_id, channel_id=channel_id)
            if row is None or row.cancelled_at is not None:
                return None
            row.cancelled_at = now
            drepo.drop_pending(session, subscription_id=row.id, now=now)
            return self._view(session, row, now=None)

    def subscription(self, *, team_id: str, channel_id: str) -> SubscriptionView | None:
        """The channel's live subscription, if any."""
        with self._db.read() as session:
            row = drepo.find_subscription(session, team_id=team_id, channel_id=channel_id, lock=False)
            if row is None or row.cancelled_at is not None:
                return None
            return self._view(session, row, now=self._clock())

    def _view(
        self, session: Session, row: DigestSubscription, *, now: dt.datetime | None
    ) -> SubscriptionView:
        """A subscription as shown; its next time after `now` (None: no next time, it is cancelled)."""
        timezone = timezone_of(session, team_id=row.team_id, default=self._defaults.timezone)
        schedule = schedule_of(row.schedule)
        next_at = schedule.next(now, timezone) if now is not None else None
        return SubscriptionView(row.channel_id, schedule, row.scope, row.skip_empty, timezone, next_at)

    def claim(self, *, limit: int = 5) -> list[DigestJob]:
        """Claim the periods that have come (the latest one per subscription), then lease due runs."""
        now = self._clock()
        with self._db.write() as session:
            for live in drepo.active_subscriptions(session):
                try:
                    latest = schedule_of(live.schedule).latest(now, live.timezone)
                except (InvalidInput, KeyError) as err:  # a schedule or time zone that no longer parses
                    log.error("digest subscription %s has a bad schedule %r: %s", live.id, live.schedule, err)
                    continue
                if latest is None or latest < live.active_since:
                    continue
                if live.last_period is not None and latest <= live.last_period:
                    continue
                drepo.claim_period(session, subscription_id=live.id, period_at=latest, now=now)
            due = drepo.due_runs(session, now=now, limit=limit)
            previous = drepo.last_posted(session, subscription_ids=[sub.id for _, sub in due])
            teams = [s.team_id for _, s in due]
            languages = {ws.team_id: ws.language for ws in repo.workspaces_of(session, teams)}
            jobs = []
            for run, sub in due:
                if run.attempts >= MAX_ATTEMPTS:  # crashed every time it was tried: stop trying
                    run.status, run.settled_at = "dead", now
                    self._tell_subscriber(session, run, run.last_error or "crashed", now)
                    log.error(
                        "digest run %s given up after %s tries: %s", run.id, run.attempts, run.last_error
                    )
                    continue
                run.attempts += 1
                run.next_attempt_at = now + LEASE
                jobs.append(
                    DigestJob(
                        run_id=run.id,
                        team_id=sub.team_id,
                        channel_id=sub.channel_id,
                        schedule=schedule_of(sub.schedule),
                        scope=sub.scope,
                        skip_empty=sub.skip_empty,
                        period_at=run.period_at,
                        since=previous.get(sub.id),
                        catch_up=now - run.period_at > CATCH_UP_AFTER,
                        attempts=run.attempts,
                        file_ids=tuple(f for f in run.file_ids.split(",") if f),
                        maybe_sent=run.ambiguous or run.attempts > 1,
                        language=languages.get(sub.team_id, self._defaults.language),
                        created_at=run.created_at,
                    )
                )
            return jobs

    def due_in(self) -> float | None:
        """Seconds until claim() would have work (0: now): a subscription's next period, or a run's
        retry; None when there is neither. One read: what the digest job pays to sleep until then."""
        now = self._clock()
        with self._db.read() as session:
            times = []
            for live in drepo.active_subscriptions(session):
                try:
                    schedule = schedule_of(live.schedule)
                    latest = schedule.latest(now, live.timezone)
                    following = schedule.next(now, live.timezone)
                except (InvalidInput, KeyError):  # said by claim(), which skips it too
                    continue
                unclaimed = live.last_period is None or (latest is not None and latest > live.last_period)
                if latest is not None and latest >= live.active_since and unclaimed:
                    return 0.0
                if following is not None:
                    times.append(following)
            retry = session.scalar(
                select(func.min(DigestRun.next_attempt_at)).where(DigestRun.status == "pending")
            )
            if retry is not None:
                times.append(retry)
        return None if not times else max(0.0, (min(times) - now).total_seconds())

    def snapshot(self, job: DigestJob) -> DashboardSnapshot:
        """The dashboard a digest shows: changes are counted from the previous digest's period."""
        with self._db.read() as session:
            read = partial(
                gather,
                session,
                team_id=job.team_id,
                last_digest=job.since,
                now=self._clock(),
                default_timezone=self._defaults.timezone,
            )
            try:
                return read(scope=job.scope)
            except InvalidInput:
                # The entity or domain is gone (renamed, archived): the whole workspace, rather than nothing.
                return read(scope="")

    def uploading(self, *, run_id: int, file_ids: tuple[str, ...]) -> None:
        """Files are uploaded and about to be shared: after a failure, look for them before sharing again."""
        with self._db.write() as session:
            run = self._run(session, run_id)
            run.file_ids = ",".join(file_ids)[:200]

    def posted(self, *, run_id: int, ts: str | None) -> None:
        """The digest is in the channel."""
        self._settle(run_id, "posted", ts=ts)

    def skipped(self, *, run_id: int) -> None:
        """Nothing new, and the subscription asked to skip such digests."""
        self._settle(run_id, "skipped")

    def failed(
        self,
        *,
        run_id: int,
        error: str,
        ambiguous: bool,
        retry_after: dt.timedelta | None,
        final: bool = False,
    ) -> bool:
        """A try failed: retry later (never twice at once), or give up and tell whoever subscribed the
        channel, by DM; True when it will retry."""
        now = self._clock()
        with self._db.write() as session:
            run = self._run(session, run_id)
            run.last_error = error[:2000]
            run.ambiguous = run.ambiguous or ambiguous
            if final or run.attempts >= MAX_ATTEMPTS:
                run.status, run.settled_at = "dead", now
                self._tell_subscriber(session, run, error, now)
                return False
            run.next_attempt_at = now + (retry_after if retry_after is not None else backoff(run.attempts))
            return True

    def deferred(self, *, run_id: int, error: str, until: dt.timedelta) -> None:
        """Slack kept the digest back, not refused it (its history rate-limited, the bot token refused):
        later, without spending a try."""
        with self._db.write() as session:
            run = self._run(session, run_id)
            run.last_error = error[:2000]
            run.attempts = max(0, run.attempts - 1)
            run.next_attempt_at = self._clock() + until

    def runs(self, *, team_id: str, channel_id: str) -> list[tuple[dt.datetime, str, int]]:
        """(period, status, attempts) of the channel's digests, oldest first (tests, diagnostics)."""
        with self._db.read() as session:
            stmt = (
                select(DigestRun.period_at, DigestRun.status, DigestRun.attempts)
                .join(DigestSubscription, DigestSubscription.id == DigestRun.subscription_id)
                .where(DigestSubscription.team_id == team_id, DigestSubscription.channel_id == channel_id)
                .order_by(DigestRun.period_at)
            )
            return [(p, s, a) for p, s, a in session.execute(stmt)]

    @staticmethod
    def _tell_subscriber(session: Session, run: DigestRun, error: str, now: dt.datetime) -> None:
        sub = session.get(DigestSubscription, run.subscription_id)
        if sub is None or not sub.created_by.startswith(("U", "W")):
            return
        enqueue(
            session,
            team_id=sub.team_id,
            key=f"digest-failed:{run.id}",
            kind="digest_failed",
            recipient=sub.created_by,
            payload={"channel": sub.channel_id, "error": error.split(":")[0][:80], "schedule": sub.schedule},
            now=now,
        )

    def _settle(self, run_id: int, status: str, ts: str | None = None) -> None:
        with self._db.write() as session:
            run = self._run(session, run_id)
            run.status, run.ts, run.settled_at, run.last_error = status, ts, self._clock(), ""

    @staticmethod
    def _run(session: Session, run_id: int) -> DigestRun:
        run = session.get(DigestRun, run_id)
        if run is None:
            raise LookupError(f"digest run {run_id} does not exist")
        return run
