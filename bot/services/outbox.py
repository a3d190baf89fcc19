"""The outbox: messages written with the change that caused them, claimed and sent by a worker."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from bot.services.common import Clock
from storage import repositories as repo
from storage.db import Database
from storage.models import OutboxMessage

LEASE = dt.timedelta(seconds=60)  # a claimed message is another worker's again after this
BACKOFF_CAP = dt.timedelta(minutes=30)
_RINGS = "pilote.outbox_rings"  # in Session.info: this transaction's commit rings the doorbell


class Doorbell:
    """Rung after each commit that queued a message in this process, so that a sender looks at once
    instead of polling. One per process (DOORBELL): a ring wakes every sender of the process."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._rings = 0
        self._waiting = 0

    def ring(self) -> None:
        """Wake whoever waits."""
        with self._cond:
            self._rings += 1
            self._cond.notify_all()

    def rings(self) -> int:
        """How many times it was rung: pass it to wait() so that no ring in between is missed."""
        with self._cond:
            return self._rings

    def wait(self, *, after: int, timeout: float | None) -> int:
        """Block until it has been rung more than `after` times, or for `timeout` s; the count now."""
        with self._cond:
            self._waiting += 1
            try:
                self._cond.wait_for(lambda: self._rings != after, timeout)
            finally:
                self._waiting -= 1
            return self._rings

    def waiting(self) -> int:
        """How many threads wait for it now (tests: a sender is parked)."""
        with self._cond:
            return self._waiting


DOORBELL = Doorbell()


# How long Slack may keep us from searching its history for an earlier try before the message is sent
# again anyway, marked as a possible repeat (better twice, said so, than never).
SEARCH_BOUND = dt.timedelta(hours=24)


@dataclass(frozen=True)
class OutboxItem:
    """A message to send."""

    id: int
    team_id: str
    key: str
    kind: str
    recipient: str
    payload: dict[str, Any]
    attempts: int
    maybe_sent: bool  # an earlier try may have reached Slack: look before sending again
    created_at: dt.datetime | None = None  # queued then: no earlier try can be older
    search_expired: bool = False  # an earlier try could not be looked for within SEARCH_BOUND


@dataclass(frozen=True)
class Undelivered:
    """A message Slack refused: what it was, when it was written, and Slack's error."""

    kind: str
    payload: dict[str, Any]
    created_at: dt.datetime
    error: str


@dataclass(frozen=True)
class SentMessage:
    """A message in Slack: its channel, its ts, and the payload it was rendered from."""

    channel: str
    ts: str
    payload: dict[str, Any]


def enqueue(
    session: Session,
    *,
    team_id: str,
    key: str,
    kind: str,
    recipient: str,
    payload: dict[str, Any],
    now: dt.datetime,
) -> None:
    """Add a message to the outbox, in the caller's transaction: it is sent only if that commits,
    and then at once (the commit rings DOORBELL)."""
    enqueue_many(
        session,
        [dict(team_id=team_id, key=key, kind=kind, recipient=recipient, payload=payload, now=now)],
    )


def enqueue_many(session: Session, messages: Sequence[Mapping[str, Any]]) -> None:
    """Add messages (enqueue's arguments each) to the outbox in one statement, in the caller's
    transaction."""
    if not messages:
        return
    if not session.info.get(_RINGS):
        session.info[_RINGS] = True
        event.listen(session, "after_commit", lambda _: DOORBELL.ring(), once=True)
    repo.insert_outbox_messages(
        session,
        [
            dict(
                team_id=m["team_id"],
                key=m["key"],
                kind=m["kind"],
                recipient=m["recipient"],
                payload=json.dumps(m["payload"]),
                status="pending",
                attempts=0,
                ambiguous=False,
                in_flight=False,
                next_attempt_at=m["now"],
                created_at=m["now"],
                last_error="",
            )
            for m in messages
        ],
    )


def undelivered_to(
    session: Session, *, team_id: str, user_id: str, since: dt.datetime, limit: int = 5
) -> tuple[int, list[Undelivered]]:
    """How many messages to a user Slack refused since `since`, and the newest `limit` of them."""
    where = (
        OutboxMessage.team_id == team_id,
        OutboxMessage.recipient == user_id,
        OutboxMessage.status == "dead",
        OutboxMessage.created_at >= since,
    )
    count = session.scalar(select(func.count()).select_from(OutboxMessage).where(*where))
    rows = session.scalars(
        select(OutboxMessage)
        .where(*where)
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        .limit(limit)
    )
    found = [Undelivered(r.kind, json.loads(r.payload), r.created_at, r.last_error) for r in rows]
    return int(count or 0), found


def backoff(attempts: int) -> dt.timedelta:
    """Exponential backoff after a failed try: 2 s, 4 s, 8 s… at most 30 min."""
    return min(dt.timedelta(seconds=2 ** max(1, attempts)), BACKOFF_CAP)


class OutboxService:
    """Claims due messages and records how sending them went."""

    def __init__(self, db: Database, *, clock: Clock) -> None:
        self._db, self._clock = db, clock

    def claim(self, *, limit: int = 20) -> list[OutboxItem]:
        """Due messages, oldest first, leased to the caller so no other worker sends them meanwhile."""
        now = self._clock()
        with self._db.write() as session:
            stmt = (
                select(OutboxMessage)
                .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)
                .order_by(OutboxMessage.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
            items = []
            for row in session.scalars(stmt):
                # A try that was on its way when its process died (or timed out) may have reached
                # Slack; a message that was only claimed by a process that died was never tried.
                row.ambiguous = row.ambiguous or row.in_flight
                row.in_flight = False
                maybe_sent = row.ambiguous
                row.attempts += 1
                row.next_attempt_at = now + LEASE
                items.append(
                    OutboxItem(
                        row.id,
                        row.team_id,
                        row.key,
                        row.kind,
                        row.recipient,
                        json.loads(row.payload),
                        row.attempts,
                        maybe_sent,
                        row.created_at,
                        maybe_sent and now - row.created_at > SEARCH_BOUND,
                    )
                )
            return items

    def trying(self, *, id: int) -> None:
        """The message goes to Slack now: if nothing settles it, its next claim looks for it first."""
        with self._db.write() as session:
            row = session.get(OutboxMessage, id)
            assert row is not None
            row.in_flight = True

    def sent(self, *, id: int, channel: str, ts: str) -> None:
        """The message is in Slack."""
        with self._db.write() as session:
            row = session.get(OutboxMessage, id)
            assert row is not None
            row.status, row.channel, row.ts, row.sent_at = "sent", channel, ts, self._clock()
            row.in_flight = False
            row.last_error = ""

    def failed(self, *, id: int, error: str, retry_after: dt.timedelta | None, ambiguous: bool) -> None:
        """A try failed in a way that may pass (rate limit, Slack or the network down): try again
        after Retry-After, else after a backoff that grows to BACKOFF_CAP. Such a message is never
        given up on: only Slack refusing the message itself makes it dead (refused())."""
        with self._db.write() as session:
            row = session.get(OutboxMessage, id)
            assert row is not None
            row.last_error = error[:2000]
            row.ambiguous = row.ambiguous or ambiguous
            row.in_flight = False
            delay = retry_after if retry_after is not None else backoff(row.attempts)
            row.next_attempt_at = self._clock() + delay

    def refused(self, *, id: int, error: str) -> bool:
        """Slack refused the message itself (a channel gone, a deactivated user): it is dead. Its
        recipient hears of it by another road: a user in the Home tab (home()), and, for a message to
        a channel, the person it was about (`owner`) by a DM queued here. True when a DM is queued."""
        now = self._clock()
        with self._db.write() as session:
            row = session.get(OutboxMessage, id)
            assert row is not None
            row.status, row.last_error, row.in_flight = "dead", error[:2000], False
            payload = json.loads(row.payload)
            owner = payload.get("owner")
            if row.recipient[:1] in "UW" or not isinstance(owner, str) or not owner:
                return False
            enqueue(
                session,
                team_id=row.team_id,
                key=f"undelivered:{row.key}"[:80],
                kind="undelivered",
                recipient=owner,
                payload={"kind": row.kind, "original": payload, "channel": row.recipient, "error": error},
                now=now,
            )
            return True

    def held(self, *, id: int, error: str, until: dt.timedelta) -> None:
        """Slack refused the bot's token, not the message: keep it for later without spending a try."""
        with self._db.write() as session:
            row = session.get(OutboxMessage, id)
            assert row is not None
            row.last_error = error[:2000]
            row.in_flight = False
            row.attempts = max(0, row.attempts - 1)
            row.next_attempt_at = self._clock() + until

    def message_of(self, *, key: str) -> SentMessage | None:
        """Where a sent message is, and what it said, by its key (None until it is sent)."""
        with self._db.read() as session:
            row = session.scalars(select(OutboxMessage).where(OutboxMessage.key == key)).one_or_none()
            if row is None or row.channel is None or row.ts is None:
                return None
            return SentMessage(row.channel, row.ts, json.loads(row.payload))

    def due_in(self) -> float | None:
        """Seconds until the first pending message is due (0 or less: due now); None when none is
        pending. One read, on the index of due messages: what an idle sender pays to look."""
        with self._db.read() as session:
            first = session.scalar(
                select(func.min(OutboxMessage.next_attempt_at)).where(OutboxMessage.status == "pending")
            )
        return None if first is None else (first - self._clock()).total_seconds()

    def backlog(self) -> Mapping[str, int]:
        """How many messages wait to be sent, by kind (alert, reminder...): one read (metrics)."""
        with self._db.read() as session:
            rows = session.execute(
                select(OutboxMessage.kind, func.count())
                .where(OutboxMessage.status == "pending")
                .group_by(OutboxMessage.kind)
            ).all()
        return MappingProxyType({str(kind): int(count) for kind, count in rows})

    def pending(self) -> int:
        """How many messages wait to be sent (tests, health)."""
        with self._db.read() as session:
            stmt = select(OutboxMessage.id).where(OutboxMessage.status == "pending")
            return len(session.scalars(stmt).all())
