"""Events API requests as Slack sends them (JSON envelopes), and clicks on buttons of published views."""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Iterator, Mapping
from typing import Any

from tests.support.payloads import APP_ID, VERIFICATION_TOKEN, block_actions_payload
from tests.support.signing import sign

JSON_CONTENT_TYPE = "application/json"
_EVENT_IDS = itertools.count(1)


def event_body(event: Mapping[str, Any], *, team_id: str = "T0PILOTE", api_app_id: str = APP_ID) -> bytes:
    """The JSON body of an Events API `event_callback` that carries `event`."""
    now = int(time.time())
    envelope = {
        "token": VERIFICATION_TOKEN,
        "team_id": team_id,
        "api_app_id": api_app_id,
        "event": dict(event),
        "type": "event_callback",
        "event_id": f"Ev0PILOTE{next(_EVENT_IDS):04d}",
        "event_time": now,
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team_id,
                "user_id": "U0PILOTEBOT",
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
    }
    return json.dumps(envelope, separators=(",", ":")).encode("utf-8")


def event_headers(secret: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """Slack's signature headers for a JSON body (events are JSON, not form-encoded)."""
    return {**sign(secret, body, timestamp), "Content-Type": JSON_CONTENT_TYPE}


def app_home_opened(
    user_id: str, *, tab: str = "home", view: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """An `app_home_opened` event: the user opened the app's Home (or Messages) tab."""
    event: dict[str, Any] = {
        "type": "app_home_opened",
        "user": user_id,
        "channel": "D" + user_id[1:],
        "tab": tab,
        "event_ts": f"{time.time():.6f}",
    }
    if view is not None:  # Slack sends the Home view last published, once there is one
        event["view"] = dict(view)
    return event


def _elements(view: Mapping[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(block_id, element) for every interactive element of a view's blocks."""
    for block in view.get("blocks", []):
        if block.get("type") == "actions":
            for element in block["elements"]:
                yield block.get("block_id", ""), element
        elif block.get("accessory"):
            yield block.get("block_id", ""), block["accessory"]


def find_button(view: Mapping[str, Any], action_id: str) -> tuple[str, dict[str, Any]]:
    """The (block_id, button) of a view whose action_id is `action_id`, or AssertionError."""
    found = [(b, e) for b, e in _elements(view) if e.get("action_id") == action_id]
    assert len(found) == 1, f"{len(found)} elements with action_id {action_id!r} in the view"
    return found[0]


def action_ids(view: Mapping[str, Any]) -> list[str]:
    """Every action_id of a view's interactive elements, in order."""
    return [str(e.get("action_id")) for _, e in _elements(view)]


def click_in_view(
    view: Mapping[str, Any], action_id: str, *, user_id: str = "U0ALICE", team_id: str = "T0PILOTE"
) -> dict[str, Any]:
    """The block_actions payload of a click on a button of a published view (Home tab or modal).

    The view is the one Slack stored (with its id, hash and private_metadata), and the action carries
    the button's own block_id, text and value, as Slack sends them.
    """
    block_id, button = find_button(view, action_id)
    payload = block_actions_payload(
        action_id=action_id,
        value=str(button.get("value", "")),
        user_id=user_id,
        team_id=team_id,
        response_url=None,
        view=view,
    )
    action = payload["actions"][0]
    action["block_id"], action["text"] = block_id, button["text"]
    if "value" not in button:  # Slack sends no value for a button that has none
        del action["value"]
    return payload


def choose_in_view(
    view: Mapping[str, Any],
    action_id: str,
    value: str,
    *,
    user_id: str = "U0ALICE",
    team_id: str = "T0PILOTE",
) -> dict[str, Any]:
    """The block_actions payload of a choice in a static_select menu of a published view, as Slack
    sends it: the option chosen (its text and value), the menu's block_id and placeholder."""
    block_id, menu = find_button(view, action_id)
    option = next(o for o in menu["options"] if o["value"] == value)
    payload = block_actions_payload(action_id=action_id, value="", user_id=user_id, team_id=team_id,
                                    response_url=None, view=view)  # fmt: skip
    action = payload["actions"][0]
    del action["value"], action["text"]
    action.update(type="static_select", block_id=block_id, selected_option=option)
    if "placeholder" in menu:
        action["placeholder"] = menu["placeholder"]
    return payload
