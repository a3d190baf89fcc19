"""What the listeners need, built once by build_app."""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from bot.services import Services
from bot.slack.admins import Admins
from bot.slack.clients import Clients
from bot.slack.home_refresher import HomeRefresher
from bot.slack.notifier import Notifier
from bot.slack.people import Languages

log = logging.getLogger(__name__)


class CarryingPool(ThreadPoolExecutor):
    """A thread pool whose tasks run in the context of the code that submitted them: work started
    for a request logs with that request's ids (bot.logs.request_scope)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        """Run fn(*args, **kwargs) in a worker thread, in a copy of the caller's context."""
        return super().submit(contextvars.copy_context().run, fn, *args, **kwargs)


class AfterAck:
    """Slow work that a listener starts before it returns (a chart, an upload) and that runs after
    Slack has its ack, in a few worker threads. A failure is logged with its traceback."""

    def __init__(self, *, workers: int = 4) -> None:
        self._pool = CarryingPool(max_workers=workers, thread_name_prefix="pilote-after-ack")

    def submit(self, fn: Callable[..., None], /, *args: Any) -> Future[None]:
        """Run fn(*args) in a worker thread."""
        return self._pool.submit(self._logged, fn, *args)

    def close(self) -> None:
        """Wait for the work already started; accept no more."""
        self._pool.shutdown(wait=True)

    @staticmethod
    def _logged(fn: Callable[..., None], *args: Any) -> None:
        try:
            fn(*args)
        except Exception:  # nobody waits for this work: say what failed, with the traceback
            log.exception("work after the ack failed: %s", getattr(fn, "__qualname__", fn))


@dataclass(frozen=True)
class SlackDeps:
    """Services, the Web API notifier, the admin check, each user's language, the Home tab refresher and
    the after-ack workers."""

    services: Services
    notifier: Notifier
    admins: Admins
    languages: Languages
    home: HomeRefresher
    later: AfterAck
    sender_clients: Clients  # each team's client without automatic retries (uploads, digests)

    def close(self) -> bool:
        """Let the after-ack work end, then stop the Home tab worker; False if it would not stop."""
        self.later.close()
        stopped = self.home.close()
        self.languages.close()
        return stopped
