"""Slack's rate limits, kept on our side: one limiter per process, per workspace and per method.

Slack limits each Web API method by tier (api.slack.com/apis/rate-limits), per workspace and app:
Tier 1 about 1 call a minute, Tier 2 20, Tier 3 50, Tier 4 100; chat.postMessage is special (about
one message a second per channel). Since 2026, `conversations.history` and `conversations.replies`
allow apps distributed outside the Slack Marketplace 1 call a minute (and 15 messages a call).
METHOD_TIERS records the tier Slack's own method documents give each method Pilote calls (a test
compares it with them). Calls are spaced to stay under: a bucket of a few calls refilled at the
tier's rate; a call that would wait longer than its client may (a listener must ack within 3 s) is
answered here as Slack would answer it, `ratelimited` with a Retry-After, without reaching Slack;
and a 429 from Slack holds every later call of that method and workspace until its Retry-After.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.client import HTTPException
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from bot import metrics

# Slack's method documents (`rate_limits`): t5 is "special", said per method below.
METHOD_TIERS: dict[str, str] = {
    "apps.connections.open": "t3",
    "auth.test": "t5",
    "chat.delete": "t3",
    "chat.postEphemeral": "t4",
    "chat.postMessage": "t5",
    "chat.update": "t3",
    "conversations.history": "t3",
    "conversations.open": "t3",
    "conversations.replies": "t3",
    "files.completeUploadExternal": "t4",
    "files.getUploadURLExternal": "t4",
    "users.info": "t4",
    "views.open": "t4",
    "views.publish": "t4",
    "views.push": "t4",
    "views.update": "t4",
}
PER_MINUTE = {"t1": 1.0, "t2": 20.0, "t3": 50.0, "t4": 100.0}
UNKNOWN_TIER = "t2"  # a method not in the table is spaced as the stricter common tier


@dataclass(frozen=True)
class Limit:
    per_minute: float
    burst: int
    per_channel: bool = False


SPECIAL = {
    "chat.postMessage": Limit(60.0, burst=5, per_channel=True),  # about 1 a second per channel
    "auth.test": Limit(100.0, burst=20),
}
# Slack's 2026 limits for apps outside the Marketplace (Pilote is installed from its own URL).
HISTORY_2026 = Limit(1.0, burst=1)
HISTORY_METHODS = frozenset({"conversations.history", "conversations.replies"})


def limit_of(method: str) -> Limit:
    """How often `method` may be called, per workspace."""
    if method in HISTORY_METHODS:
        return HISTORY_2026
    if method in SPECIAL:
        return SPECIAL[method]
    per_minute = PER_MINUTE.get(METHOD_TIERS.get(method, UNKNOWN_TIER), PER_MINUTE[UNKNOWN_TIER])
    return Limit(per_minute, burst=max(1, int(per_minute // 5)))


Key = tuple[str, str, str]  # workspace, method, channel ("" unless the limit is per channel)


class Limiter:
    """Token buckets by key, shared by every thread of the process. Thread-safe."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._tokens: dict[Key, tuple[float, float]] = {}  # key -> (tokens, at)
        self._held: dict[Key, float] = {}  # key -> until (a 429's Retry-After)

    def reset(self, clock: Callable[[], float] = time.monotonic) -> None:
        with self._lock:
            self.clock = clock
            self._tokens.clear()
            self._held.clear()

    def reserve(self, key: Key, limit: Limit, *, max_wait: float) -> float:
        """Seconds to wait before the call (0: now), the call's slot being taken; or, when that is
        more than `max_wait`, minus the seconds until a slot, nothing being taken."""
        rate = limit.per_minute / 60.0
        with self._lock:
            now = self.clock()
            tokens, at = self._tokens.get(key, (float(limit.burst), now))
            tokens = min(float(limit.burst), tokens + max(0.0, now - at) * rate)
            wait = max(0.0, self._held.get(key, now) - now, (1.0 - tokens) / rate if tokens < 1.0 else 0.0)
            if wait > max_wait:
                self._tokens[key] = (tokens, now)
                return -wait
            self._tokens[key] = (tokens - 1.0, now)  # below zero: the slots of calls still waiting
            return wait

    def hold(self, key: Key, seconds: float) -> None:
        """Slack said 429: no call under this key before `seconds` have passed."""
        with self._lock:
            now = self.clock()
            self._held[key] = max(self._held.get(key, now), now + seconds)
            self._tokens[key] = (0.0, now + seconds)


LIMITER = Limiter()


def _channel_of(kwargs: dict[str, Any]) -> str:
    for part in ("json", "data", "params"):
        given = kwargs.get(part) or {}
        if isinstance(given, dict) and given.get("channel"):
            return str(given["channel"])
    return ""


class LimitedClient(WebClient):
    """A WebClient whose calls go through LIMITER; `max_wait` is how long a call may be delayed."""

    def __init__(self, *args: Any, max_wait: float, limiter: Limiter | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_wait = max_wait
        self.limiter = limiter or LIMITER

    def api_call(self, api_method: str, **kwargs: Any) -> SlackResponse:  # type: ignore[override]
        limit = limit_of(api_method)
        token = (kwargs.get("params") or {}).get("token") or self.token or ""
        workspace = hashlib.sha256(str(token).encode()).hexdigest()[:16]  # the token, never kept
        key = (workspace, api_method, _channel_of(kwargs) if limit.per_channel else "")
        wait = self.limiter.reserve(key, limit, max_wait=self.max_wait)
        if wait < 0:  # answered as Slack would, without asking it
            seconds = str(math.ceil(-wait))
            response = SlackResponse(
                client=self,
                http_verb="POST",
                api_url=f"{self.base_url}{api_method}",
                req_args={},
                data={"ok": False, "error": "ratelimited", "pilote_limiter": True},
                headers={"Retry-After": seconds},
                status_code=429,
            )
            metrics.slack_api_error(method=api_method, code="limited_here")
            raise SlackApiError(f"{api_method}: ratelimited here for {seconds} s (Slack's tier)", response)
        if wait > 0:
            time.sleep(wait)
        try:
            return super().api_call(api_method, **kwargs)
        except SlackApiError as err:
            metrics.slack_api_error(method=api_method, code=error_code(err))
            if err.response is not None and err.response.status_code == 429:
                retry = err.response.headers.get("Retry-After", err.response.headers.get("retry-after", "1"))
                try:
                    self.limiter.hold(key, float(retry))
                except (TypeError, ValueError):
                    self.limiter.hold(key, 1.0)
            raise
        except (OSError, HTTPException):  # URLError, a refused or dropped connection, a timeout
            metrics.slack_api_error(method=api_method, code="network")
            raise


def error_code(err: SlackApiError) -> str:
    """Slack's error code of a failed call: `ratelimited` for a 429, else its `error`, else the status."""
    response = err.response
    if response is None:
        return "unknown"
    if response.status_code == 429:
        return "ratelimited"
    try:
        code = response.get("error")
    except (AttributeError, TypeError, ValueError):  # a body that is not JSON (a proxy's HTML page)
        code = None
    return str(code) if code else f"http_{response.status_code}"
