"""Slack's rate limits kept on our side: the tiers of Slack's method documents, one limiter per
workspace and method, a 429 holding the method, and a call that would wait too long answered here."""

from __future__ import annotations

import pytest
from slack_sdk.errors import SlackApiError

from bot import metrics
from bot.slack.limits import HISTORY_METHODS, METHOD_TIERS, Limit, LimitedClient, Limiter, limit_of
from tests.support.fake_slack import FakeSlack
from tests.support.metrics import Scrape
from tests.support.specs import method_spec


class Ticks:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize("method", sorted(METHOD_TIERS))
def test_each_tier_is_the_one_slacks_method_document_gives(method: str) -> None:
    spec = method_spec(method)
    assert spec is not None and spec.get("rate_limits") == METHOD_TIERS[method]


def test_a_bucket_lets_a_burst_through_then_spaces_calls_at_the_tiers_rate() -> None:
    ticks = Ticks()
    limiter = Limiter(ticks)
    tier3 = limit_of("chat.update")  # 50 a minute
    assert tier3 == Limit(50.0, burst=10)
    key = ("T", "chat.update", "")
    assert [limiter.reserve(key, tier3, max_wait=10) for _ in range(10)] == [0.0] * 10
    assert limiter.reserve(key, tier3, max_wait=10) == pytest.approx(1.2)  # 60 s / 50
    assert limiter.reserve(key, tier3, max_wait=10) == pytest.approx(2.4)  # behind the one waiting
    ticks.now += 60
    assert limiter.reserve(key, tier3, max_wait=0) == 0.0  # refilled
    # Another workspace, or another method, has its own bucket.
    assert limiter.reserve(("T2", "chat.update", ""), tier3, max_wait=0) == 0.0


def test_history_is_one_call_a_minute_and_a_429_holds_its_method() -> None:
    ticks = Ticks()
    limiter = Limiter(ticks)
    assert all(limit_of(m) == Limit(1.0, burst=1) for m in HISTORY_METHODS)
    key = ("T", "conversations.history", "")
    assert limiter.reserve(key, limit_of("conversations.history"), max_wait=5) == 0.0
    assert limiter.reserve(key, limit_of("conversations.history"), max_wait=5) == pytest.approx(-60.0)
    views = ("T", "views.publish", "")
    limiter.hold(views, 30)
    assert limiter.reserve(views, limit_of("views.publish"), max_wait=5) == pytest.approx(-30.0)
    ticks.now += 30
    assert limiter.reserve(views, limit_of("views.publish"), max_wait=5) == 0.0


def test_messages_are_spaced_per_channel() -> None:
    limiter = Limiter(Ticks())
    post = limit_of("chat.postMessage")
    assert post.per_channel
    for _ in range(post.burst):
        assert limiter.reserve(("T", "chat.postMessage", "C1"), post, max_wait=0) == 0.0
    assert limiter.reserve(("T", "chat.postMessage", "C1"), post, max_wait=0) < 0
    assert limiter.reserve(("T", "chat.postMessage", "C2"), post, max_wait=0) == 0.0


def test_a_call_that_would_wait_too_long_is_answered_ratelimited_without_reaching_slack(
    fake_slack: FakeSlack,
) -> None:
    limiter = Limiter(Ticks())
    client = LimitedClient(token=fake_slack.token, base_url=fake_slack.api_url, max_wait=1.0, limiter=limiter)
    client.conversations_history(channel="C0PLAN", limit=15)
    before = Scrape(metrics.exposition().decode())
    with pytest.raises(SlackApiError) as refused:
        client.conversations_history(channel="C0PLAN", limit=15)
    assert refused.value.response.status_code == 429
    assert refused.value.response["error"] == "ratelimited"
    assert refused.value.response.headers["Retry-After"] == "60"
    assert len(fake_slack.calls_to("conversations.history")) == 1
    # Counted apart from Slack's own 429s: no call reached Slack.
    after = Scrape(metrics.exposition().decode())
    labels = {"method": "conversations.history"}
    errors = "pilote_slack_api_errors_total"
    assert (
        after.value(errors, code="limited_here", **labels)
        - before.value(errors, code="limited_here", **labels)
        == 1
    )
    assert after.value(errors, code="ratelimited", **labels) == before.value(
        errors, code="ratelimited", **labels
    )


def test_slacks_own_429_holds_the_method_for_every_later_call(fake_slack: FakeSlack) -> None:
    limiter = Limiter(Ticks())
    client = LimitedClient(token=fake_slack.token, base_url=fake_slack.api_url, max_wait=1.0, limiter=limiter)
    fake_slack.fail_next("users.info", status=429, headers={"Retry-After": "20"})
    with pytest.raises(SlackApiError):
        client.users_info(user="U0ALICE")
    with pytest.raises(SlackApiError) as held:
        client.users_info(user="U0BOB")
    assert held.value.response.headers["Retry-After"] == "20"
    assert len(fake_slack.calls_to("users.info")) == 1


def test_the_client_keys_messages_by_their_channel(fake_slack: FakeSlack) -> None:
    limiter = Limiter(Ticks())
    client = LimitedClient(token=fake_slack.token, base_url=fake_slack.api_url, max_wait=0.0, limiter=limiter)
    for _ in range(limit_of("chat.postMessage").burst):
        client.chat_postMessage(channel="C0ONE", text="Point d'étape")
    with pytest.raises(SlackApiError):
        client.chat_postMessage(channel="C0ONE", text="Point d'étape")
    client.chat_postMessage(channel="C0TWO", text="Point d'étape")  # another channel: its own bucket
