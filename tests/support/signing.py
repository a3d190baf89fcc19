"""Build signed inbound requests the way Slack sends them (slash commands, interactivity)."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from tests.support.specs import specs_dir

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"

#: Keys of payloads/SlashCommandPayload.json (used when the specs folder is absent).
SLASH_COMMAND_KEYS: tuple[str, ...] = (
    "token",
    "api_app_id",
    "team_id",
    "team_domain",
    "enterprise_id",
    "enterprise_name",
    "channel_id",
    "channel_name",
    "user_id",
    "user_name",
    "command",
    "text",
    "response_url",
    "trigger_id",
    "is_enterprise_install",
)


def signature(secret: str, body: bytes, timestamp: int | str) -> str:
    """Return Slack's X-Slack-Signature value: v0= + hex HMAC-SHA256 of v0:{timestamp}:{body}."""
    base = b"v0:" + str(timestamp).encode("ascii") + b":" + body
    return "v0=" + hmac.new(secret.encode("utf-8"), base, hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """Return the headers Slack sends with a signed request (timestamp defaults to now)."""
    ts = int(time.time()) if timestamp is None else int(timestamp)
    return {
        "X-Slack-Request-Timestamp": str(ts),
        "X-Slack-Signature": signature(secret, body, ts),
        "Content-Type": FORM_CONTENT_TYPE,
    }


def slash_command_keys() -> tuple[str, ...]:
    """Return the slash command payload keys, from payloads/SlashCommandPayload.json when available."""
    root = specs_dir()
    sample = root / "payloads" / "SlashCommandPayload.json" if root else None
    if sample is None or not sample.is_file():
        return SLASH_COMMAND_KEYS
    with sample.open(encoding="utf-8") as handle:
        return tuple(json.load(handle))


def _form_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


_TRIGGERS = itertools.count(42)


def next_trigger_id() -> str:
    """A trigger id of its own, as Slack gives every request (so no two test requests are the same
    bytes, which the replay check would rightly take for one request sent twice)."""
    return f"1337.{next(_TRIGGERS)}.abcd"


def slash_command_body(
    *,
    command: str,
    text: str,
    response_url: str,
    team_id: str = "T0PILOTE",
    user_id: str = "U0ALICE",
    channel_id: str = "C0PLAN",
    trigger_id: str | None = None,
    user_name: str = "alice",
    channel_name: str = "plan-strategique",
    team_domain: str = "pilote-test",
    api_app_id: str = "A0PILOTE",
    enterprise_id: str = "",
    enterprise_name: str = "",
    is_enterprise_install: bool = False,
    token: str = "deprecated-verification-token",
) -> bytes:
    """Return the urlencoded body of a slash command, with exactly Slack's payload keys."""
    values: Mapping[str, Any] = {
        "token": token,
        "api_app_id": api_app_id,
        "team_id": team_id,
        "team_domain": team_domain,
        "enterprise_id": enterprise_id,
        "enterprise_name": enterprise_name,
        "channel_id": channel_id,
        "channel_name": channel_name,
        "user_id": user_id,
        "user_name": user_name,
        "command": command,
        "text": text,
        "response_url": response_url,
        "trigger_id": trigger_id or next_trigger_id(),
        "is_enterprise_install": is_enterprise_install,
    }
    keys = slash_command_keys()
    unknown = [key for key in keys if key not in values]
    if unknown:
        raise KeyError(f"SlashCommandPayload.json has keys this helper cannot fill: {unknown}")
    return urlencode([(key, _form_value(values[key])) for key in keys]).encode("utf-8")


def interactive_body(payload: Mapping[str, Any]) -> bytes:
    """Return the body Slack posts for interactivity (block_actions, view_submission): payload=<json>."""
    return urlencode({"payload": json.dumps(payload, separators=(",", ":"))}).encode("utf-8")
