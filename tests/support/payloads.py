"""Interactive payloads shaped like Slack's (block_actions, view_submission), for signed requests.

Top-level keys are checked against payloads/BlockActionPayload.json and ViewSubmissionPayload.json
when the specs folder is there, so a payload never carries a key Slack does not send.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from tests.support.signing import next_trigger_id
from tests.support.specs import specs_dir

#: Top-level keys of the spec samples (used when the specs folder is absent).
BLOCK_ACTION_KEYS: frozenset[str] = frozenset(
    {
        "type", "enterprise", "team", "user", "api_app_id", "token", "container", "trigger_id", "channel",
        "message", "response_url", "view", "state", "app_unfurl", "actions", "is_enterprise_install",
        "bot_access_token", "function_data", "interactivity",
    }
)  # fmt: skip
VIEW_SUBMISSION_KEYS: frozenset[str] = frozenset(
    {
        "type", "enterprise", "team", "user", "api_app_id", "token", "trigger_id", "view",
        "is_enterprise_install", "is_cleared", "bot_access_token", "function_data", "interactivity",
    }
)  # fmt: skip
APP_ID = "A0PILOTE"
BOT_USER_ID = "U0PILOTEBOT"
VERIFICATION_TOKEN = "deprecated-verification-token"
MESSAGE_TS = "1700000000.000100"
ACTION_TS = "1700000100.000200"


def sample_keys(name: str, fallback: frozenset[str]) -> frozenset[str]:
    """Top-level keys of payloads/<name>.json, or the fallback when the specs are absent."""
    root = specs_dir()
    path = root / "payloads" / f"{name}.json" if root else None
    if path is None or not path.is_file():
        return fallback
    with path.open(encoding="utf-8") as handle:
        return frozenset(json.load(handle))


def _checked(name: str, fallback: frozenset[str], payload: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(payload) - sample_keys(name, fallback))
    if unknown:
        raise KeyError(f"{name}.json has no keys {unknown}: Slack would not send them")
    return payload


def _user(user_id: str, team_id: str) -> dict[str, str]:
    name = user_id[2:].lower() if user_id.startswith("U0") else user_id.lower()
    return {"id": user_id, "username": name, "name": name, "team_id": team_id}


def _team(team_id: str) -> dict[str, str]:
    return {"id": team_id, "domain": "pilote-test"}


def block_actions_payload(
    *,
    action_id: str,
    value: str,
    user_id: str = "U0ALICE",
    team_id: str = "T0PILOTE",
    trigger_id: str | None = None,
    response_url: str | None,
    view: Mapping[str, Any] | None = None,
    channel_id: str = "C0PLAN",
) -> dict[str, Any]:
    """A button click: on a message in `channel_id` (with its response_url), or in `view` (Home, modal).

    Slack sends no response_url for clicks in a view: pass response_url=None with a view.
    """
    action = {
        "action_id": action_id,
        "block_id": "pilote.block",
        "text": {"type": "plain_text", "text": "Button", "emoji": True},
        "value": value,
        "type": "button",
        "action_ts": ACTION_TS,
    }
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": _user(user_id, team_id),
        "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN,
        "trigger_id": trigger_id or next_trigger_id(),
        "team": _team(team_id),
        "enterprise": None,
        "is_enterprise_install": False,
        "actions": [action],
    }
    if view is not None:
        view_id = str(view.get("id") or "V0PILOTEHOME")
        payload["container"] = {"type": "view", "view_id": view_id}
        payload["view"] = {
            "id": view_id,
            "team_id": team_id,
            "state": {"values": {}},
            "hash": "1700000000.abcdef",
            "private_metadata": "",
            "callback_id": "",
            "app_id": APP_ID,
            "bot_id": "B0PILOTE",
            **view,
        }
    else:
        payload["container"] = {
            "type": "message",
            "message_ts": MESSAGE_TS,
            "channel_id": channel_id,
            "is_ephemeral": True,
        }
        payload["channel"] = {"id": channel_id, "name": "plan-strategique"}
        payload["state"] = {"values": {}}
    if response_url is not None:
        payload["response_url"] = response_url
    return _checked("BlockActionPayload", BLOCK_ACTION_KEYS, payload)


def view_submission_payload(
    *, view: Mapping[str, Any], values: Mapping[str, Any], user_id: str = "U0ALICE", team_id: str = "T0PILOTE"
) -> dict[str, Any]:
    """A modal submitted with `values` as view.state.values (see modal_state to build them)."""
    submitted = {
        "id": "V0PILOTEMODAL",
        "team_id": team_id,
        "private_metadata": "",
        "callback_id": "",
        "external_id": "",
        "hash": "1700000000.abcdef",
        "clear_on_close": False,
        "notify_on_close": False,
        "root_view_id": view.get("id") or "V0PILOTEMODAL",
        "previous_view_id": None,
        "app_id": APP_ID,
        "app_installed_team_id": team_id,
        "bot_id": "B0PILOTE",
        **view,
        "state": {"values": dict(values)},
    }
    payload = {
        "type": "view_submission",
        "team": _team(team_id),
        "user": _user(user_id, team_id),
        "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN,
        "trigger_id": next_trigger_id(),
        "view": submitted,
        "enterprise": None,
        "is_enterprise_install": False,
    }
    return _checked("ViewSubmissionPayload", VIEW_SUBMISSION_KEYS, payload)


def _option_with(options: list[dict[str, Any]], value: str) -> dict[str, Any]:
    for option in options:
        if option["value"] == value:
            return option
    raise KeyError(f"no option {value!r} among {[o['value'] for o in options]}")


def _element_state(element: Mapping[str, Any], answer: Any, answered: bool) -> dict[str, Any]:
    kind = element["type"]
    state: dict[str, Any] = {"type": kind}
    if kind in ("plain_text_input", "number_input"):
        state["value"] = answer if answered else element.get("initial_value")
    elif kind == "static_select":
        if answered:
            state["selected_option"] = _option_with(element["options"], answer) if answer else None
        else:
            state["selected_option"] = element.get("initial_option")
    elif kind == "multi_static_select":
        chosen = answer if answered else None
        state["selected_options"] = (
            [_option_with(element["options"], v) for v in chosen]
            if chosen is not None
            else list(element.get("initial_options") or [])
        )
    elif kind == "users_select":
        state["selected_user"] = answer if answered else element.get("initial_user")
    elif kind == "datepicker":
        state["selected_date"] = answer if answered else element.get("initial_date")
    else:
        raise ValueError(f"modal_state does not know {kind} elements")
    return state


def modal_state(view: Mapping[str, Any], answers: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """view.state.values as Slack sends them: every input block, initial values unless answered.

    `answers` maps block_id → the text typed, the option value chosen, a list of option values,
    a user id or a date (YYYY-MM-DD); None clears the field.
    """
    answers = dict(answers or {})
    values: dict[str, Any] = {}
    for block in view.get("blocks", []):
        if block.get("type") != "input":
            continue
        block_id, element = block["block_id"], block["element"]
        answered = block_id in answers
        values[block_id] = {
            element["action_id"]: _element_state(element, answers.pop(block_id, None), answered)
        }
    if answers:
        raise KeyError(f"no input blocks {sorted(answers)} in the view")
    return values
