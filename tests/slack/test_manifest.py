"""manifest.yml is a valid Slack app manifest that declares exactly what Pilote serves."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from tests.support.specs import MANIFEST_PATH, load_manifest, manifest_bot_scopes, validate_manifest

EVENTS_URL_SUFFIX = "/slack/events"


@pytest.fixture
def manifest(slack_specs: Path) -> dict[str, Any]:
    """The parsed manifest.yml (the specs are needed to validate it)."""
    return load_manifest(MANIFEST_PATH)


def test_manifest_validates_against_slack_schema(manifest: dict[str, Any]) -> None:
    validate_manifest(manifest)


def test_slash_commands_are_exactly_kpi_action_dashboard(manifest: dict[str, Any]) -> None:
    commands = manifest["features"]["slash_commands"]
    assert sorted(c["command"] for c in commands) == ["/action", "/dashboard", "/kpi"]
    for command in commands:
        assert command["should_escape"] is True, command
        assert command["url"].startswith("https://"), command
        assert command["url"].endswith(EVENTS_URL_SUFFIX), command
        assert command["description"].strip() and command["usage_hint"].strip(), command


def test_app_home_interactivity_and_events(manifest: dict[str, Any]) -> None:
    features, settings = manifest["features"], manifest["settings"]
    assert features["app_home"] == {
        "home_tab_enabled": True,
        "messages_tab_enabled": True,
        "messages_tab_read_only_enabled": False,
    }
    assert features["bot_user"] == {"display_name": "pilote", "always_online": True}
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["interactivity"]["request_url"].endswith(EVENTS_URL_SUFFIX)
    assert settings["event_subscriptions"]["request_url"].endswith(EVENTS_URL_SUFFIX)
    assert settings["event_subscriptions"]["bot_events"] == [
        "app_home_opened",
        "app_uninstalled",
        "tokens_revoked",
    ]
    assert manifest["oauth_config"]["redirect_urls"][0].endswith("/slack/oauth_redirect")
    assert settings["socket_mode_enabled"] is False
    assert settings["org_deploy_enabled"] is False
    assert settings["token_rotation_enabled"] is False


def test_bot_scopes_are_the_minimal_set(manifest: dict[str, Any]) -> None:
    assert sorted(manifest["oauth_config"]["scopes"]["bot"]) == sorted(
        ["commands", "chat:write", "files:write", "im:write", "im:history", "channels:history", "users:read"]
    )
    assert "user" not in manifest["oauth_config"]["scopes"], "Pilote needs no user token"


def test_display_information(manifest: dict[str, Any]) -> None:
    info = manifest["display_information"]
    assert info["name"] == "Pilote"
    assert info["background_color"].startswith("#") and len(info["background_color"]) in (4, 7)
    # French and English in one description
    assert "indicateurs" in info["description"] and "indicators" in info["description"]


def _without_command_description(manifest: dict[str, Any]) -> dict[str, Any]:
    broken = copy.deepcopy(manifest)
    del broken["features"]["slash_commands"][0]["description"]
    return broken


@pytest.mark.parametrize(
    ("breakage", "expected"),
    [
        (_without_command_description, "'description' is a required property"),
        (lambda m: {**m, "display_information": {**m["display_information"], "name": ""}}, "name"),
        (lambda m: {**m, "settings": {**m["settings"], "socket_mode": False}}, "socket_mode"),
        (lambda m: {**m, "_metadata": {"major_version": 7}}, "major_version"),
    ],
    ids=["command-without-description", "empty-name", "unknown-setting", "unknown-major-version"],
)
def test_broken_manifest_is_rejected(manifest: dict[str, Any], breakage: Any, expected: str) -> None:
    with pytest.raises(AssertionError, match="App manifest is invalid") as failure:
        validate_manifest(breakage(manifest))
    assert expected in str(failure.value)


def test_the_scopes_an_oauth_install_asks_for_are_the_manifests() -> None:
    from bot.slack.app import BOT_SCOPES

    assert sorted(BOT_SCOPES) == sorted(manifest_bot_scopes())
