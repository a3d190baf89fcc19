"""A fake Socket Mode endpoint: the WebSocket server that `apps.connections.open` hands out a URL to.

It behaves as Slack's does, as far as an app can tell (Slack's Socket Mode documentation):
- each link opens with `{"type": "hello", ...}`;
- an envelope carries `envelope_id`, `type` (`slash_commands`, `interactive`, `events_api`),
  `payload`, `accepts_response_payload` and, for events, `retry_attempt` / `retry_reason`;
- the app acks with `{"envelope_id": ..., "payload": {...}}` on any open link;
- `{"type": "disconnect", "reason": "refresh_requested" | "link_disabled" | "warning"}` asks the app
  to open a new link; the old one stays open a little while, then Slack closes it;
- an envelope that was not acked is delivered again on the next link, with the same `envelope_id`;
  an event is also retried with a new envelope, the same `event_id` and `retry_attempt` + 1.

Every ack is checked: a known envelope id, acked once, and a JSON object as payload.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve

WAIT_S = 10.0


@dataclass
class Envelope:
    envelope_id: str
    type: str
    payload: dict[str, Any]
    retry_attempt: int = 0
    sent_at: list[float] = field(default_factory=list)
    acks: list[dict[str, Any]] = field(default_factory=list)
    acked_at: float | None = None

    def frame(self) -> str:
        message: dict[str, Any] = {
            "envelope_id": self.envelope_id,
            "type": self.type,
            "payload": self.payload,
            "accepts_response_payload": self.type != "events_api",
        }
        if self.type == "events_api":
            message["retry_attempt"] = self.retry_attempt
            message["retry_reason"] = "timeout" if self.retry_attempt else ""
        return json.dumps(message, ensure_ascii=False)


class FakeSocketMode:
    """A WebSocket server on loopback; start() it, and give it to FakeSlack.socket_mode."""

    def __init__(self, *, app_id: str = "A0PILOTE") -> None:
        self.app_id = app_id
        self.envelopes: dict[str, Envelope] = {}
        self.problems: list[str] = []
        self.links: list[ServerConnection] = []  # every link ever opened, oldest first
        self.tickets: set[str] = set()
        self._open: list[ServerConnection] = []
        self._cond = threading.Condition()
        self._seq = itertools.count(1)
        self._server: Server | None = None
        self._thread: threading.Thread | None = None

    # lifecycle -------------------------------------------------------------------------------------

    def start(self) -> FakeSocketMode:
        self._server = serve(self._serve_link, "127.0.0.1", 0, compression=None, ping_interval=None)
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-socket", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
        if self._thread is not None:
            self._thread.join(WAIT_S)

    @property
    def port(self) -> int:
        assert self._server is not None, "start() the fake Socket Mode server first"
        return int(self._server.socket.getsockname()[1])

    def new_url(self) -> str:
        """What apps.connections.open answers: a one-time URL to this server."""
        ticket = uuid.uuid4().hex
        with self._cond:
            self.tickets.add(ticket)
        return f"ws://127.0.0.1:{self.port}/link/?ticket={ticket}&app_id={self.app_id}"

    # what the tests do -----------------------------------------------------------------------------

    def wait_links(self, count: int, timeout: float = WAIT_S) -> ServerConnection:
        """Wait until `count` links have been opened in all; the newest."""
        with self._cond:
            if not self._cond.wait_for(lambda: len(self.links) >= count and self._open, timeout):
                raise AssertionError(f"{len(self.links)} Socket Mode link(s) opened, {count} expected")
            return self._open[-1]

    def send(self, kind: str, payload: Mapping[str, Any], *, envelope_id: str | None = None) -> str:
        """Deliver an envelope on the newest open link; its id."""
        envelope_id = envelope_id or f"env-{next(self._seq)}-{uuid.uuid4().hex[:8]}"
        envelope = Envelope(envelope_id, kind, dict(payload))
        with self._cond:
            self.envelopes[envelope.envelope_id] = envelope
        self._deliver(envelope)
        return envelope.envelope_id

    def redeliver(self, envelope_id: str) -> None:
        """Slack sends an envelope again, as it does when its ack did not arrive."""
        self._deliver(self.envelopes[envelope_id])

    def retry_event(self, envelope_id: str) -> str:
        """Slack retries an Events API event: a new envelope, the same event, retry_attempt + 1."""
        first = self.envelopes[envelope_id]
        assert first.type == "events_api"
        again = Envelope(f"env-{next(self._seq)}-retry", first.type, first.payload, first.retry_attempt + 1)
        with self._cond:
            self.envelopes[again.envelope_id] = again
        self._deliver(again)
        return again.envelope_id

    def redeliver_unacked(self) -> list[str]:
        """Send again every envelope not acked yet (what Slack does on a new link); their ids."""
        with self._cond:
            pending = [e for e in self.envelopes.values() if e.acked_at is None]
        for envelope in pending:
            self._deliver(envelope)
        return [e.envelope_id for e in pending]

    def disconnect(self, reason: str = "refresh_requested") -> None:
        """Slack's disconnect message on the newest link (which it closes a little later)."""
        link = self._newest()
        link.send(json.dumps({"type": "disconnect", "reason": reason, "debug_info": {"host": "fake"}}))

    def drop_newest(self) -> None:
        """The newest link is cut, without a disconnect message (a network failure)."""
        self._newest().close()

    def wait_ack(self, envelope_id: str, timeout: float = WAIT_S) -> dict[str, Any]:
        """The payload the app acked an envelope with (an empty dict for a bare ack)."""
        envelope = self.envelopes[envelope_id]
        with self._cond:
            if not self._cond.wait_for(lambda: envelope.acks, timeout):
                raise AssertionError(f"envelope {envelope_id} ({envelope.type}) never acked")
            return envelope.acks[0]

    def ack_delay(self, envelope_id: str) -> float:
        """Seconds from the envelope's first delivery to its first ack."""
        envelope = self.envelopes[envelope_id]
        assert envelope.acked_at is not None
        return envelope.acked_at - envelope.sent_at[0]

    def take_problems(self) -> list[str]:
        with self._cond:
            found, self.problems = self.problems, []
        return found

    # the server side -------------------------------------------------------------------------------

    def _newest(self) -> ServerConnection:
        with self._cond:
            assert self._open, "no Socket Mode link is open"
            return self._open[-1]

    def _deliver(self, envelope: Envelope) -> None:
        link = self._newest()
        with self._cond:
            envelope.sent_at.append(time.monotonic())
        link.send(envelope.frame())

    def _serve_link(self, link: ServerConnection) -> None:
        path = link.request.path if link.request is not None else ""
        ticket = path.partition("ticket=")[2].partition("&")[0]
        with self._cond:
            if ticket not in self.tickets:
                self.problems.append(f"link opened without a ticket from apps.connections.open: {path}")
                link.close()
                return
            self.tickets.discard(ticket)  # a ticket opens one link
        link.send(
            json.dumps(
                {
                    "type": "hello",
                    "num_connections": len(self._open) + 1,
                    "debug_info": {"host": "fake", "approximate_connection_time": 18060},
                    "connection_info": {"app_id": self.app_id},
                }
            )
        )
        with self._cond:
            self.links.append(link)
            self._open.append(link)
            self._cond.notify_all()
        try:
            for frame in link:
                self._take_ack(frame)
        except ConnectionClosed:
            pass
        finally:
            with self._cond:
                self._open.remove(link)
                self._cond.notify_all()

    def _take_ack(self, frame: str | bytes) -> None:
        try:
            message = json.loads(frame)
        except ValueError:
            message = None
        with self._cond:
            if not isinstance(message, dict) or not isinstance(message.get("envelope_id"), str):
                self.problems.append(f"a frame that is not an ack: {str(frame)[:200]}")
                return
            envelope = self.envelopes.get(message["envelope_id"])
            if envelope is None:
                self.problems.append(f"ack of an unknown envelope {message['envelope_id']!r}")
                return
            payload = message.get("payload", {})
            if not isinstance(payload, dict):
                self.problems.append(f"ack payload is not an object: {payload!r:.200}")
            if len(envelope.acks) >= len(envelope.sent_at):
                self.problems.append(f"envelope {envelope.envelope_id} acked more often than delivered")
            if envelope.type == "events_api" and payload:
                self.problems.append(f"an event acked with a payload: {payload!r:.200}")
            envelope.acks.append(payload if isinstance(payload, dict) else {})
            if envelope.acked_at is None:
                envelope.acked_at = time.monotonic()
            self._cond.notify_all()
