from pathlib import Path

import pytest

from bot.slack.admins import Admins
from bot.slack.notifier import make_client
from bot.slack.people import SlackUsers
from tests.support.fake_slack import FakeSlack


@pytest.fixture(autouse=True)
def _needs_specs(slack_specs: Path) -> None:
    """FakeSlack checks calls against Slack's specs: skipped (or failed on CI) without them."""


def test_configured_admins_only_no_slack_call() -> None:
    with FakeSlack(users={"U0BOSS": {"is_admin": True}}) as fake:
        admins = Admins(
            SlackUsers(make_client(token=fake.token, base_url=fake.api_url)),
            configured=frozenset({"U0ALICE"}),
        )
        assert admins.is_admin("U0ALICE") and not admins.is_admin("U0BOSS")
        assert fake.calls_to("users.info") == []


def test_workspace_admins_and_owners_by_default_cached() -> None:
    now = [0.0]
    users = {"U0BOSS": {"is_admin": True}, "U0OWNER": {"is_owner": True}}
    with FakeSlack(users=users) as fake:
        admins = Admins(
            SlackUsers(make_client(token=fake.token, base_url=fake.api_url), monotonic=lambda: now[0])
        )
        assert admins.is_admin("U0BOSS") and admins.is_admin("U0OWNER") and not admins.is_admin("U0ALICE")
        assert admins.is_admin("U0BOSS")
        assert len(fake.calls_to("users.info")) == 3
        now[0] += 601
        assert admins.is_admin("U0BOSS")
        assert len(fake.calls_to("users.info")) == 4
        assert fake.problems == []


def test_slack_failure_means_not_admin() -> None:
    with FakeSlack() as fake:
        fake.fail_next("users.info", status=200, body={"ok": False, "error": "user_not_found"})
        admins = Admins(SlackUsers(make_client(token=fake.token, base_url=fake.api_url)))
        assert not admins.is_admin("U0GHOST")
