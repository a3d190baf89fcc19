"""Republishes users' Home tabs after their own changes, off the request path, coalescing bursts."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)

Publish = Callable[[str, str], None]  # (team_id, user_id)
# One user typing ten readings in a row gets one or two publications, not ten.
MIN_INTERVAL_SECONDS = 2.0


class HomeRefresher:
    """One daemon thread publishes the Home tabs asked for, at most once per MIN_INTERVAL per user."""

    def __init__(
        self,
        publish: Publish,
        *,
        min_interval: float = MIN_INTERVAL_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._publish, self._min_interval, self._monotonic = publish, min_interval, monotonic
        self._due: dict[tuple[str, str], float] = {}  # pending users and when they may be published
        self._last: dict[tuple[str, str], float] = {}
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._busy = False

    def request(self, *, team_id: str, user_id: str) -> None:
        """Ask for the user's Home tab to be republished soon (never blocks on Slack)."""
        key = (team_id, user_id)
        with self._cond:
            if key not in self._due:
                last = self._last.get(key)
                now = self._monotonic()
                self._due[key] = now if last is None else max(now, last + self._min_interval)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="pilote-home", daemon=True)
                self._thread.start()
            self._cond.notify()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until nothing is pending or being published (tests, shutdown); False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._due and not self._busy, timeout)

    def _next(self) -> tuple[str, str]:
        with self._cond:
            while True:
                if self._due:
                    key, due = min(self._due.items(), key=lambda kv: kv[1])
                    wait = due - self._monotonic()
                    if wait <= 0:
                        del self._due[key]
                        self._busy = True
                        return key
                    self._cond.wait(wait)
                else:
                    self._cond.wait()

    def _run(self) -> None:
        while True:
            team_id, user_id = key = self._next()
            try:
                self._publish(team_id, user_id)
            except Exception:  # one user's failed refresh must not stop the others': logged, then next
                log.exception("Home tab refresh failed for %s/%s", team_id, user_id)
            finally:
                with self._cond:
                    self._last[key] = self._monotonic()
                    self._busy = False
                    self._cond.notify_all()
