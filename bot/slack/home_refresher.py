"""Republishes users' Home tabs after their own changes, off the request path, coalescing bursts."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)

Publish = Callable[[str, str], None]  # (team_id, user_id)
Key = tuple[str, str]  # (team_id, user_id)
# One user typing ten readings in a row gets one publication, not ten: a change is published once
# its author has been quiet for QUIET seconds (each new change of theirs starts the wait again), but
# never later than MAX_DELAY after the first unpublished one, and never twice within MIN_INTERVAL.
# Building and posting a Home view holds the interpreter for tens of milliseconds, which the acks
# of the commands still coming would otherwise wait behind.
MIN_INTERVAL_SECONDS = 2.0
QUIET_SECONDS = 1.0
MAX_DELAY_SECONDS = 10.0


class HomeSchedule:
    """When each pending user's Home tab is due (no threads, no clock of its own: the caller's times)."""

    def __init__(self, *, min_interval: float, quiet: float, max_delay: float) -> None:
        self._min_interval, self._quiet, self._max_delay = min_interval, quiet, max_delay
        self._due: dict[Key, float] = {}
        self._first: dict[Key, float] = {}  # when the oldest unpublished request of the user came
        self._soon: set[Key] = set()  # asked for at once (the user opened the tab): no quiet wait
        self._last: dict[Key, float] = {}  # when the user's last publication ended

    def __bool__(self) -> bool:
        return bool(self._due)

    def clear(self) -> None:
        """Forget every pending publication."""
        self._due.clear()
        self._first.clear()
        self._soon.clear()

    def add(self, key: Key, *, now: float, at_once: bool = False) -> bool:
        """Ask for the key's publication; True when it is due sooner than before (wake the worker)."""
        first = self._first.setdefault(key, now)
        last = self._last.get(key)
        allowed = now if last is None else max(now, last + self._min_interval)
        old = self._due.get(key)
        if at_once:
            self._soon.add(key)
            due = allowed
        elif key in self._soon and old is not None:
            due = old
        else:
            due = max(min(now + self._quiet, first + self._max_delay), allowed)
        due = min(due, old) if at_once and old is not None else due
        self._due[key] = due
        return old is None or due < old

    def take(self, *, now: float) -> Key | float | None:
        """The key to publish now (no longer pending), else how long until the next is due (None: none)."""
        if not self._due:
            return None
        key, due = min(self._due.items(), key=lambda kv: kv[1])
        if due > now:
            return due - now
        del self._due[key], self._first[key]
        self._soon.discard(key)
        return key

    def done(self, key: Key, *, now: float) -> None:
        """The key's publication ended (well or not) at `now`."""
        self._last[key] = now


class HomeRefresher:
    """One daemon thread publishes the Home tabs asked for, as HomeSchedule says when."""

    def __init__(
        self,
        publish: Publish,
        *,
        min_interval: float = MIN_INTERVAL_SECONDS,
        quiet: float = QUIET_SECONDS,
        max_delay: float = MAX_DELAY_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._publish, self._monotonic = publish, monotonic
        self._schedule = HomeSchedule(min_interval=min_interval, quiet=quiet, max_delay=max_delay)
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._busy = False
        self._closed = False

    def request(self, *, team_id: str, user_id: str, at_once: bool = False) -> None:
        """Ask for the user's Home tab to be republished: after their burst of changes, or `at_once`
        (they are looking at it) as soon as the minimum interval allows. Never blocks on Slack."""
        with self._cond:
            if self._closed:  # shutting down: the tab is published again when its user next opens it
                return
            sooner = self._schedule.add((team_id, user_id), now=self._monotonic(), at_once=at_once)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="pilote-home", daemon=True)
                self._thread.start()
            if sooner:  # a later due time needs no wake-up: the worker looks again when it wakes
                self._cond.notify_all()  # all: wait_idle() callers wait on the same condition

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until nothing is pending or being published (tests, shutdown); False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._schedule and not self._busy, timeout)

    def close(self, timeout: float = 10.0) -> bool:
        """Stop the worker once its publication in progress ends; pending ones are dropped (each user's
        tab is published again when they open it). False if the worker was still busy at the timeout."""
        with self._cond:
            self._closed = True
            self._schedule.clear()
            self._cond.notify_all()
            thread = self._thread
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True

    def _next(self) -> Key | None:
        with self._cond:
            while not self._closed:
                taken = self._schedule.take(now=self._monotonic())
                if isinstance(taken, tuple):
                    self._busy = True
                    return taken
                self._cond.wait(taken)
            return None

    def _run(self) -> None:
        while (key := self._next()) is not None:
            team_id, user_id = key
            try:
                self._publish(team_id, user_id)
            except Exception:  # one user's failed refresh must not stop the others': logged, then next
                log.exception("Home tab refresh failed for %s/%s", team_id, user_id)
            finally:
                with self._cond:
                    self._schedule.done(key, now=self._monotonic())
                    self._busy = False
                    self._cond.notify_all()
