"""The real Bolt app of Pilote behind its real WSGI application, fed with requests signed like Slack's."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import Any

from bot.api.app import ApiWSGI
from bot.services import Services
from bot.slack.app import build_app
from bot.slack.http import PiloteWSGI
from bot.slack.notifier import make_client
from tests.support.fake_slack import FakeSlack
from tests.support.signing import interactive_body, sign, slash_command_body
from tests.support.specs import validate_blocks

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"


@dataclass
class Reply:
    """What Pilote answered Slack over HTTP."""

    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> dict[str, Any]:
        """The body as JSON ({} when empty)."""
        return json.loads(self.body) if self.body else {}

    @property
    def text(self) -> str:
        """Fallback text and every block's text, joined, to assert on wording."""
        data = self.json
        parts = [data.get("text", "")]
        for block in data.get("blocks", []):
            parts.append(json.dumps(block, ensure_ascii=False))
        return "\n".join(parts)


class SlackBed:
    """Pilote's WSGI app wired to a FakeSlack; every ack body is checked against the Block Kit schema."""

    # Every bed built in a test: conftest closes them when it ends, for their worker threads share
    # the suite's one database, and a Home tab still pending would run into the next test's.
    opened: list[SlackBed] = []

    def __init__(
        self,
        services: Services,
        fake: FakeSlack,
        *,
        home_quiet: float = 0.0,
        clients: Any = None,
        sender_clients: Any = None,
        oauth: Any = None,
    ) -> None:
        SlackBed.opened.append(self)
        self.fake = fake
        # Many workspaces (oauth): no token of its own; each request's comes from the installations.
        client = make_client(token="" if oauth is not None else fake.token, base_url=fake.api_url)
        self.app, self.deps = build_app(
            client=client,
            signing_secret=SIGNING_SECRET,
            services=services,
            home_interval=0.0,
            home_quiet=home_quiet,
            clients=clients,
            sender_clients=sender_clients or clients,
            oauth=oauth,
        )
        self.wsgi = PiloteWSGI(
            self.app,
            signing_secret=SIGNING_SECRET,
            health=services.db.ping,
            first_time=lambda keys: services.replays.first_time(keys=keys),
            api=ApiWSGI(services),
        )

    @classmethod
    def close_all(cls) -> None:
        """Stop the worker threads of every bed opened since the last call; fail if one will not stop."""
        beds, cls.opened = cls.opened, []
        stuck = [bed for bed in beds if not bed.deps.close()]
        assert not stuck, f"{len(stuck)} Slack bed(s) kept a Home tab worker running"

    def request(
        self,
        method: str,
        path: str,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
        query: str = "",
    ) -> Reply:
        """Call the WSGI app as a WSGI server would."""
        environ: dict[str, Any] = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_NAME": "localhost",
            "SERVER_PORT": "3000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": io.StringIO(),
            "wsgi.version": (1, 0),
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            "CONTENT_LENGTH": str(len(body)),
        }
        for name, value in (headers or {}).items():
            key = name.upper().replace("-", "_")
            environ[key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else "HTTP_" + key] = value
        captured: dict[str, Any] = {}

        def start_response(status: str, hdrs: list[tuple[str, str]], exc_info: Any = None) -> None:
            captured["status"], captured["headers"] = int(status.split()[0]), {k.lower(): v for k, v in hdrs}

        chunks = self.wsgi(environ, start_response)
        data = b"".join(chunks)
        return Reply(captured["status"], captured["headers"], data)

    def signed_post(self, body: bytes, *, timestamp: int | None = None) -> Reply:
        """POST /slack/events with Slack's signature headers."""
        return self.request("POST", "/slack/events", body, sign(SIGNING_SECRET, body, timestamp))

    def command(self, text: str, *, command: str = "/kpi", check: bool = True, **fields: str) -> Reply:
        """Send a slash command as Slack does; the ack must be a 200 whose blocks validate."""
        fields.setdefault("response_url", self.fake.new_response_url())
        body = slash_command_body(command=command, text=text, **fields)
        # The ack is this synchronous reply: slow work runs after it (ack times are in bench/, not here).
        reply = self.signed_post(body)
        if check:
            assert reply.status == 200, (reply.status, reply.body[:500])
            data = reply.json
            if data.get("blocks"):
                validate_blocks(data["blocks"], surface="message")
                assert data.get("text"), "a reply with blocks needs its fallback text"
        return reply

    def interaction(self, payload: dict[str, Any]) -> Reply:
        """Send a block_actions / view_submission payload as Slack does."""
        return self.signed_post(interactive_body(payload))
