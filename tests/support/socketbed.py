"""Pilote's Bolt app in Socket Mode, linked to a FakeSocketMode through FakeSlack's apps.connections.open."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from bot.services import Services
from bot.slack.socket import PiloteSocketMode
from tests.support.fake_slack import APP_TOKEN, FakeSlack
from tests.support.fake_socket import FakeSocketMode
from tests.support.signing import interactive_body, slash_command_body
from tests.support.slackbed import SlackBed
from tests.support.specs import validate_blocks


def command_payload(fake: FakeSlack, text: str, *, command: str = "/kpi", **fields: str) -> dict[str, str]:
    """What a Socket Mode `slash_commands` envelope carries: the fields of the HTTP form, as strings."""
    fields.setdefault("response_url", fake.new_response_url())
    body = slash_command_body(command=command, text=text, **fields)
    return dict(parse_qsl(body.decode(), keep_blank_values=True))


class SocketBed:
    """The same app as a SlackBed's, reached over a WebSocket instead of signed HTTP requests."""

    def __init__(self, services: Services, fake: FakeSlack, socket_mode: FakeSocketMode) -> None:
        self.fake, self.socket = fake, socket_mode
        fake.socket_mode = socket_mode
        self.http = SlackBed(services, fake)
        self.handler = PiloteSocketMode(
            self.http.app,
            APP_TOKEN,
            first_time=lambda keys: services.replays.first_time(keys=keys),
            ping_interval=1,
            retry_first=0.05,
        )
        self.handler.connect()
        socket_mode.wait_links(1)

    def close(self) -> None:
        self.handler.close()

    def command(self, text: str, *, command: str = "/kpi", **fields: str) -> str:
        """Deliver a slash command as Slack does in Socket Mode; the envelope id."""
        return self.socket.send("slash_commands", command_payload(self.fake, text, command=command, **fields))

    def interaction(self, payload: dict[str, Any]) -> str:
        # The same document as over HTTP, already parsed (interactive_body() checks its keys).
        interactive_body(payload)
        return self.socket.send("interactive", payload)

    def acked(self, envelope_id: str) -> dict[str, Any]:
        """The envelope's ack payload; its blocks, when it has some, validate against Block Kit."""
        ack = self.socket.wait_ack(envelope_id)
        if ack.get("blocks"):
            validate_blocks(ack["blocks"], surface="message")
            assert ack.get("text"), "a reply with blocks needs its fallback text"
        return ack

    def text(self, envelope_id: str) -> str:
        ack = self.acked(envelope_id)
        return " ".join([ack.get("text", ""), *(str(b) for b in ack.get("blocks", []))])
