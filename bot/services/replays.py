"""Replays: a signed request is taken once. Slack signs each request with its timestamp and refuses
nothing older than five minutes, so a signature seen in the last ten is the same request again
(replayed by someone who caught it, or sent twice by a proxy)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from bot.services.common import Clock
from storage.db import Database
from storage.models import SeenRequest

KEEP = dt.timedelta(minutes=10)  # twice Slack's window: a clock a little off still finds the first


class ReplayService:
    """Remembers the signatures of the requests taken, in the database all processes share."""

    def __init__(self, db: Database, *, clock: Clock) -> None:
        self._db, self._clock = db, clock

    def first_time(self, *, keys: Sequence[str]) -> bool:
        """True the first time a request is seen, by any of its keys (its signature, an event id…),
        and they are remembered, in one transaction; False for a replay."""
        now = self._clock()
        digests = {hashlib.sha256(key.encode()).hexdigest() for key in keys}  # one width stored
        try:
            with self._db.write() as session:
                session.execute(delete(SeenRequest).where(SeenRequest.seen_at < now - KEEP))
                session.add_all(SeenRequest(signature=d, seen_at=now) for d in digests)
        except IntegrityError:
            return False
        return True
