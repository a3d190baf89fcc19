"""The shapes of what Slack posts, checked on a signed body before Bolt parses it.

A body that carries a valid signature is from whoever holds the signing secret; it may still not be a
payload Slack would ever send (a test tool, a replayed fragment, a bug on the other side). Bolt and
the listeners trust the shapes of Slack's documents and would fail deep inside on anything else, with
a traceback and a 500. Here each kind of request is checked for the fields Pilote reads, and the team
id for Slack's form, so that junk is a 400 with one log line and never a row in the database.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any, NamedTuple
from urllib.parse import parse_qs

__all__ = ["TEAM_ID", "Inspection", "inspect", "inspect_envelope"]

TEAM_ID = re.compile(r"[TE][A-Z0-9]{1,20}")  # T024BE7LD; E… for an Enterprise Grid organisation
USER_ID = re.compile(r"[UWB][A-Z0-9]{1,20}")
CHANNEL_ID = re.compile(r"[CDG][A-Z0-9]{1,20}")
_INTERACTIVE_NEEDS = {
    "block_actions": ("actions",),
    "view_submission": ("view",),
    "view_closed": ("view",),
}


class Inspection(NamedTuple):
    """What one reading of a signed body found."""

    problem: str | None  # why it is not something Slack sends, in a few words
    key: str | None  # what makes it the same request sent again beyond its signature
    type: str = "other"  # command, interaction or event (metrics)
    team_id: str | None = None  # its workspace, when the body is sound (log lines)


def _event(document: Any) -> Inspection:
    problem = _event_problem(document)
    if problem:
        return Inspection(problem, None, "event")
    return Inspection(None, _event_key(document), "event", document.get("team_id"))


def _interaction(payload: Any) -> Inspection:
    problem = _interactive_problem(payload)
    if problem:
        return Inspection(problem, None, "interaction")
    return Inspection(None, _view_key(payload), "interaction", _team_of(payload))


def _command(form: Mapping[str, str]) -> Inspection:
    problem = _command_problem(form)
    if problem:
        return Inspection(problem, None, "command")
    # Slack gives each invocation its own trigger_id: the same one again is the same command, even
    # signed anew (a second later, with another timestamp, its signature is another).
    trigger = form.get("trigger_id")
    return Inspection(None, f"trigger:{trigger}" if trigger else None, "command", form.get("team_id"))


def inspect(body: bytes, content_type: str) -> Inspection:
    """Whether a signed body is something Slack sends, from one reading of the body."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return Inspection("not UTF-8", None)
    if "json" in content_type:
        try:
            document = json.loads(text)
        except json.JSONDecodeError:
            return Inspection("not JSON", None)
        return _event(document)
    form = {k: v[0] for k, v in parse_qs(text, keep_blank_values=True).items()}
    if "ssl_check" in form:
        return Inspection(None, None)
    if "payload" in form:
        try:
            payload = json.loads(form["payload"])
        except json.JSONDecodeError:
            return Inspection("payload is not JSON", None, "interaction")
        return _interaction(payload)
    if "command" in form:
        return _command(form)
    return Inspection("neither a command, an interaction nor an event", None)


def inspect_envelope(kind: Any, payload: Any) -> Inspection:
    """The same as inspect() for what a Socket Mode envelope carries: its type (`events_api`,
    `interactive`, `slash_commands`) and its payload, already parsed from JSON by slack_sdk."""
    if kind == "events_api":
        return _event(payload)
    if kind == "interactive":
        return _interaction(payload)
    if kind == "slash_commands":
        if not isinstance(payload, Mapping) or not all(isinstance(v, str) for v in payload.values()):
            return Inspection("command fields are not strings", None, "command")
        return _command(payload)
    return Inspection(f"unknown envelope type {str(kind)[:20]!r}", None)


def _id_problem(value: Any, pattern: re.Pattern[str], what: str) -> str | None:
    if not isinstance(value, str) or not pattern.fullmatch(value):
        return f"{what} is not a Slack id"
    return None


def _command_problem(form: Mapping[str, str]) -> str | None:
    if not form.get("command", "").startswith("/"):
        return "command does not start with /"
    return (
        _id_problem(form.get("team_id"), TEAM_ID, "team_id")
        or _id_problem(form.get("user_id"), USER_ID, "user_id")
        or _id_problem(form.get("channel_id"), CHANNEL_ID, "channel_id")
    )


def _team_of(payload: Mapping[str, Any]) -> Any:
    team = payload.get("team")
    return team.get("id") if isinstance(team, Mapping) else payload.get("team_id")


def _interactive_problem(payload: Any) -> str | None:
    if not isinstance(payload, Mapping) or not isinstance(payload.get("type"), str):
        return "payload is not an object with a type"
    user = payload.get("user")
    problem = _id_problem(_team_of(payload), TEAM_ID, "team") or _id_problem(
        user.get("id") if isinstance(user, Mapping) else None, USER_ID, "user"
    )
    if problem:
        return problem
    kind = payload["type"]
    for field in _INTERACTIVE_NEEDS.get(kind, ()):
        if field == "actions":
            actions = payload.get("actions")
            if (
                not isinstance(actions, list)
                or not actions
                or not all(isinstance(a, Mapping) for a in actions)
            ):
                return "actions is not a list of objects"
            if not all(isinstance(a.get("action_id"), str) for a in actions):
                return "an action has no action_id"
        if field == "view":
            view = payload.get("view")
            if not isinstance(view, Mapping) or not isinstance(view.get("callback_id"), str):
                return "view has no callback_id"
            if not isinstance(view.get("state", {}), Mapping):
                return "view state is not an object"
    return None


def _event_problem(document: Any) -> str | None:
    if not isinstance(document, Mapping) or not isinstance(document.get("type"), str):
        return "not an object with a type"
    kind = document["type"]
    if kind == "url_verification":
        return None if isinstance(document.get("challenge"), str) else "challenge is not a string"
    if kind != "event_callback":
        return f"unknown type {kind[:20]!r}"
    problem = _id_problem(document.get("team_id"), TEAM_ID, "team_id")
    if problem:
        return problem
    event = document.get("event")
    if not isinstance(event, Mapping) or not isinstance(event.get("type"), str):
        return "event is not an object with a type"
    if "user" in event and not isinstance(event["user"], str):
        return "event user is not a string"
    return None


def _event_key(document: Mapping[str, Any]) -> str | None:
    event_id = document.get("event_id")
    return f"event:{document.get('team_id')}:{event_id}" if isinstance(event_id, str) else None


def _view_key(payload: Mapping[str, Any]) -> str | None:
    view = payload.get("view")
    if payload.get("type") == "view_submission" and isinstance(view, Mapping):
        view_id, view_hash = view.get("id"), view.get("hash")
        if isinstance(view_id, str) and isinstance(view_hash, str):
            # With what was typed: a form refused with errors, corrected and sent again, is new.
            state = json.dumps(view.get("state"), sort_keys=True, ensure_ascii=False).encode()
            return f"view:{_team_of(payload)}:{view_id}:{view_hash}:{hashlib.sha256(state).hexdigest()[:32]}"
    return None
