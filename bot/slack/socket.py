"""Socket Mode: `pilote socket`, for a server with no public URL.

Slack pushes each command, interaction and event over a WebSocket, in an envelope that the app acks
by its `envelope_id`. What is checked here is what bot.slack.http checks for HTTP (there is no
signature: the app-level token opened the link): the shape of the payload before Bolt reads it, and
whether it was seen before. Slack delivers an envelope again when its ack did not arrive (a link
dropped or refreshed in between), and an Events API event again with a new envelope and the same
`event_id`: either takes effect once.

Slack's `disconnect` message (`refresh_requested` every few hours, `link_disabled` when Socket Mode
is turned off in the app's settings, `warning`) makes slack_sdk's client open a new link; a new URL
that cannot be had is asked again, with a growing pause, one log line each time.
"""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import threading
from collections.abc import Callable, Sequence
from time import perf_counter, time

from slack_bolt import App
from slack_bolt.adapter.socket_mode.base_handler import BaseSocketModeHandler
from slack_bolt.adapter.socket_mode.internals import run_bolt_app, send_response
from slack_sdk.errors import SlackApiError
from slack_sdk.socket_mode.builtin import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from bot import metrics
from bot.logs import request_scope
from bot.slack.http import already_seen
from bot.slack.shapes import inspect_envelope

log = logging.getLogger("pilote.socket")

RETRY_FIRST_S = 1.0
RETRY_MAX_S = 60.0


class _Link(SocketModeClient):
    """slack_sdk's built-in Socket Mode client, saying why Slack closes a link, and asking again for
    a new one when Slack will not give it yet (instead of a traceback and no link)."""

    def __init__(self, *args: object, retry_first: float = RETRY_FIRST_S, **kwargs: object) -> None:
        self._stopped = threading.Event()
        self._retry_first = retry_first
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def enqueue_message(self, message: str) -> None:
        if '"disconnect"' in message[:200]:
            try:
                document = json.loads(message)
            except ValueError:
                document = {}
            if isinstance(document, dict) and document.get("type") == "disconnect":
                reason = str(document.get("reason", "?"))[:40]
                log.info("Slack closes the Socket Mode link (%s): opening a new one", reason)
        super().enqueue_message(message)

    def issue_new_wss_url(self) -> str:
        pause = self._retry_first
        while True:
            try:
                return super().issue_new_wss_url()
            except (SlackApiError, OSError) as exc:
                code = exc.response.get("error", "?") if isinstance(exc, SlackApiError) else exc
                log.warning("Socket Mode: no new link from Slack (%s); asking again in %.0f s", code, pause)
            if self._stopped.wait(pause):
                raise RuntimeError("Socket Mode closed while waiting for a link")
            pause = min(pause * 2, RETRY_MAX_S)

    def close(self) -> None:
        self._stopped.set()
        self.closed, self.auto_reconnect_enabled = True, False
        # slack_sdk's reader holds the socket's lock for as long as its read waits (seconds): shut
        # the socket first, so that the read returns at once and close() does not wait it out.
        sock = getattr(self.current_session, "sock", None)
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        super().close()


class PiloteSocketMode(BaseSocketModeHandler):
    """Bolt over Socket Mode, with Pilote's shape and replay checks in front of it."""

    def __init__(
        self,
        app: App,
        app_token: str,
        *,
        first_time: Callable[[Sequence[str]], bool],
        ping_interval: float = 10,
        concurrency: int = 10,
        retry_first: float = RETRY_FIRST_S,
    ) -> None:
        self.app = app
        self.app_token = app_token
        self._first_time = first_time
        self.client = _Link(
            app_token=app_token,
            logger=logging.getLogger("pilote.socket.sdk"),
            web_client=app.client,
            ping_interval=ping_interval,
            concurrency=concurrency,
            retry_first=retry_first,
        )
        self.client.socket_mode_request_listeners.append(self.handle)  # type: ignore[arg-type]

    def handle(self, client: SocketModeClient, req: SocketModeRequest) -> None:  # type: ignore[override]
        start, received = time(), perf_counter()  # Bolt logs from the first; the metric, the second
        seen = inspect_envelope(req.type, req.payload)
        # Its log lines carry a request id and, when the payload is sound, its workspace.
        with request_scope(team_id=seen.team_id):
            if seen.problem is not None:  # not something Slack sends: acked (else it comes again), not run
                log.warning("malformed Socket Mode envelope refused: %s", seen.problem)
                client.send_socket_mode_response(SocketModeResponse(envelope_id=req.envelope_id))
                return
            keys = [f"envelope:{req.envelope_id}", *([seen.key] if seen.key else [])]
            if already_seen(self._first_time, keys):
                log.warning("Socket Mode envelope delivered again, ignored (%s)", req.type)
                client.send_socket_mode_response(SocketModeResponse(envelope_id=req.envelope_id))
                return
            send_response(client, req, run_bolt_app(self.app, req), start)
            metrics.ack_seconds(transport="socket", type=seen.type, seconds=perf_counter() - received)
