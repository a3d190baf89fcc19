"""Who is an app admin: the configured list, or else the Slack workspace's admins and owners."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

log = logging.getLogger(__name__)
CACHE_SECONDS = 600.0


class Admins:
    """Answers "is this user an app admin?", asking Slack (users.info) at most every ten minutes a user."""

    def __init__(
        self, client: WebClient, *, configured: frozenset[str] = frozenset(),
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:  # fmt: skip
        self._client, self._configured, self._monotonic = client, configured, monotonic
        self._cache: dict[str, tuple[float, bool]] = {}
        self._lock = threading.Lock()

    @property
    def configured(self) -> frozenset[str]:
        """The configured admins (empty: the workspace's admins and owners are the app's)."""
        return self._configured

    def is_admin(self, user_id: str) -> bool:
        """Whether the user may change anything in the workspace."""
        if self._configured:
            return user_id in self._configured
        now = self._monotonic()
        with self._lock:
            cached = self._cache.get(user_id)
        if cached is not None and now - cached[0] < CACHE_SECONDS:
            return cached[1]
        try:
            user = self._client.users_info(user=user_id)["user"]
        except SlackApiError as err:
            log.warning("users.info failed for %s: %s", user_id, err.response.get("error", err))
            return False
        answer = bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))
        with self._lock:
            self._cache[user_id] = (now, answer)
        return answer

    def checker(self, user_id: str) -> Callable[[], bool]:
        """A callable the services call outside any transaction, only when the user is not the owner."""
        return lambda: self.is_admin(user_id)
