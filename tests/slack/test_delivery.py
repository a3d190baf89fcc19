"""The outbox sender against the fake Slack Web API: every alert arrives, none twice."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

import pytest

from bot.services import Services
from bot.services.outbox import DOORBELL, enqueue
from bot.slack.delivery import EVENT_TYPE, OutboxSender, sender_client
from tests.support.data import kpi
from tests.support.databases import FixedClock
from tests.support.fake_slack import FakeSlack, TeamClients
from tests.support.fixtures import FIXED_NOW


def sender(services: Services, fake: FakeSlack) -> OutboxSender:
    return OutboxSender(sender_client(token=fake.token, base_url=fake.api_url, timeout=5), services)


def dms(fake: FakeSlack) -> list[dict]:
    return [m for msgs in fake.messages.values() for m in msgs]


def until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Wait for another thread to reach a state (not for time to pass)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the sender thread never got there"
        time.sleep(0.01)


@pytest.fixture
def alerting(services: Services) -> Services:
    kpi(services, 'new frc "Résolution" kind=ratio target=75 warn_below=70 alert_below=60 owner=<@U0BOB|bob>')
    kpi(services, "frc 50/60 @2026-09")
    kpi(services, "frc 30/60 @2026-10")  # alert
    return services


def test_alert_then_back_to_normal_updates_the_alert_in_place(
    alerting: Services, fake_slack: FakeSlack
) -> None:
    s = sender(alerting, fake_slack)
    assert s.drain() == 1
    (alert,) = dms(fake_slack)
    assert (
        "Alerte" in alert["text"]
        and "50\u202f% (30/60)" in alert["text"]
        and "seuil d'alerte" in alert["text"]
    )
    assert alert["metadata"]["event_type"] == EVENT_TYPE
    context = next(b for b in alert["blocks"] if b["type"] == "context")["elements"][0]["text"]
    assert context.startswith("précédente\u00a0: 83,33\u202f% ↘")
    assert s.drain() == 0  # nothing new
    kpi(alerting, "frc 50/60 @2026-11")
    assert s.drain() == 1
    assert "Retour à la normale" in dms(fake_slack)[-1]["text"]
    (update,) = fake_slack.calls_to("chat.update")
    assert update.args["ts"] == alert["ts"] and "levée" in update.args["text"]
    assert alerting.outbox.pending() == 0


def test_rate_limited_then_sent_once(alerting: Services, fake_slack: FakeSlack, clock: FixedClock) -> None:
    fake_slack.fail_next("chat.postMessage", status=429, headers={"Retry-After": "30"})
    s = sender(alerting, fake_slack)
    assert s.drain() == 0
    clock.advance(seconds=10)
    assert s.drain() == 0  # Retry-After not over
    clock.advance(seconds=25)
    assert s.drain() == 1
    assert len(dms(fake_slack)) == 1


@pytest.mark.parametrize("status", [500, 503])
def test_server_errors_are_retried_with_backoff(
    alerting: Services, fake_slack: FakeSlack, clock: FixedClock, status: int
) -> None:
    fake_slack.fail_next("chat.postMessage", status=status, times=2)
    s = sender(alerting, fake_slack)
    assert s.drain() == 0
    clock.advance(seconds=3)
    assert s.drain() == 0
    clock.advance(seconds=5)
    # Its second search of the DM's history comes too soon for Slack's one call a minute: it waits,
    # held here without reaching Slack.
    assert s.drain() == 0
    assert len(fake_slack.calls_to("conversations.history")) == 1
    clock.advance(seconds=60)
    assert s.drain() == 1
    assert len(dms(fake_slack)) == 1
    assert len(fake_slack.calls_to("conversations.history")) == 2


def test_connection_dropped_after_slack_accepted_is_not_sent_twice(
    alerting: Services, fake_slack: FakeSlack, clock: FixedClock
) -> None:
    fake_slack.drop_after_accept("chat.postMessage")
    s = sender(alerting, fake_slack)
    assert s.drain() == 0
    assert len(dms(fake_slack)) == 1  # it did arrive
    clock.advance(seconds=5)
    assert s.drain() == 1  # found by its tag in the DM's history, not sent again
    assert len(dms(fake_slack)) == 1
    assert len(fake_slack.calls_to("chat.postMessage")) == 1
    assert fake_slack.calls_to("conversations.history")


def test_a_restart_resumes_pending_sends(
    alerting: Services, fake_slack: FakeSlack, clock: FixedClock
) -> None:
    assert len(alerting.outbox.claim()) == 1  # a process claims the alert, then dies before sending
    assert sender(alerting, fake_slack).drain() == 0  # still leased
    clock.advance(minutes=2)  # the lease is over: the next process takes it over
    assert sender(alerting, fake_slack).drain() == 1
    assert len(dms(fake_slack)) == 1
    # It was never on its way to Slack: no search of the history (one call a minute) before sending.
    assert fake_slack.calls_to("conversations.history") == []


def test_a_message_on_its_way_when_its_process_died_is_looked_for_first(
    alerting: Services, fake_slack: FakeSlack, clock: FixedClock
) -> None:
    (item,) = alerting.outbox.claim()
    alerting.outbox.trying(id=item.id)  # the try leaves for Slack; the process dies before the answer
    clock.advance(minutes=2)
    assert sender(alerting, fake_slack).drain() == 1
    assert len(fake_slack.calls_to("conversations.history")) == 1  # it looked first


def test_a_dropped_connection_before_sending_is_retried(
    alerting: Services, fake_slack: FakeSlack, clock: FixedClock
) -> None:
    fake_slack.drop_after_accept("conversations.open")
    s = sender(alerting, fake_slack)
    assert s.drain() == 0
    clock.advance(seconds=5)
    assert s.drain() == 1
    assert len(dms(fake_slack)) == 1


def test_a_claimed_message_is_not_sent_by_a_second_worker(alerting: Services, fake_slack: FakeSlack) -> None:
    items = alerting.outbox.claim()
    assert len(items) == 1
    assert sender(alerting, fake_slack).drain() == 0  # leased to the first worker
    assert dms(fake_slack) == []


def test_from_the_command_to_the_owner_dm(services: Services, fake_slack: FakeSlack) -> None:
    from tests.support.slackbed import SlackBed

    bed = SlackBed(services, fake_slack)
    bed.command('new frc "Résolution" kind=ratio alert_below=60 owner=<@U0BOB|bob>')
    reply = bed.command("frc 30/60 urgent <!channel>")
    assert reply.status == 200  # stored and acknowledged before anything is sent
    assert sender(services, fake_slack).drain() == 1
    (dm,) = [c for c in fake_slack.calls_to("chat.postMessage") if "Alerte" in c.args.get("text", "")]
    assert fake_slack.calls_to("conversations.open")[0].args["users"] == "U0BOB"
    assert "<!channel>" not in str(dm.args)


def test_alert_buttons_acknowledge_and_snooze(alerting: Services, fake_slack: FakeSlack) -> None:
    from bot.slack import ids
    from tests.support.payloads import block_actions_payload
    from tests.support.slackbed import SlackBed

    assert sender(alerting, fake_slack).drain() == 1
    (alert,) = dms(fake_slack)
    buttons = {
        e["action_id"]: e["value"] for b in alert["blocks"] if b["type"] == "actions" for e in b["elements"]
    }
    assert f"{ids.HOME_RECORD_READING}:frc" in buttons
    bed = SlackBed(alerting, fake_slack)
    url = fake_slack.new_response_url()
    snooze = bed.interaction(
        block_actions_payload(
            action_id=f"{ids.ALERT_SNOOZE}:1w",
            value=buttons[f"{ids.ALERT_SNOOZE}:1w"],
            user_id="U0BOB",
            response_url=url,
        )
    )
    assert snooze.status == 200
    ack = bed.interaction(
        block_actions_payload(
            action_id=ids.ALERT_ACK,
            value=buttons[ids.ALERT_ACK],
            user_id="U0BOB",
            response_url=fake_slack.new_response_url(),
        )
    )
    assert ack.status == 200
    posted = fake_slack.wait_for_responses(2, timeout=10)
    assert "reportée jusqu'au 27 nov. 2026" in str(posted) and "prise en compte" in str(posted)


def reminded(
    db: object, clock: FixedClock, fake: FakeSlack, plan_channel: str
) -> tuple[Services, OutboxSender]:
    """An alert sent to its owner and its reminder; the next reminder round escalates it."""
    from bot.services import Defaults
    from storage.db import Database

    assert isinstance(db, Database)
    services = Services.build(db, defaults=Defaults(plan_channel=plan_channel), clock=clock)
    kpi(services, 'new frc "Résolution" kind=ratio alert_below=60 owner=<@U0BOB|bob>')
    kpi(services, "frc 30/60 @2026-10")
    s = sender(services, fake)
    assert s.drain() == 1
    clock.advance(hours=25)
    services.alerts.remind_due()
    assert s.drain() == 1
    return services, s


def test_reminder_and_escalation_messages(db: object, clock: FixedClock, fake_slack: FakeSlack) -> None:
    services, s = reminded(db, clock, fake_slack, "C0PLAN")
    clock.advance(hours=25)
    services.alerts.remind_due()
    assert s.drain() == 1
    texts = [c.args["text"] for c in fake_slack.calls_to("chat.postMessage")]
    assert "Rappel" in texts[1] and "Alerte non prise en compte" in texts[2] and "<@U0BOB>" in texts[2]
    assert fake_slack.calls_to("chat.postMessage")[2].args["channel"] == "C0PLAN"


def test_change_message(services: Services, fake_slack: FakeSlack) -> None:
    kpi(services, 'new tickets "Tickets reçus" kind=number change_alert=20 owner=<@U0BOB|bob>')
    kpi(services, "tickets 200 @2026-09")
    kpi(services, "tickets 150 @2026-10")
    assert sender(services, fake_slack).drain() == 1
    (dm,) = dms(fake_slack)
    assert "Variation" in dm["text"] and "−25\u202f% depuis" in dm["text"] and "% %" not in dm["text"]


def test_reminder_messages(services: Services, fake_slack: FakeSlack, clock: FixedClock) -> None:
    import datetime as dt

    from tests.support.data import new_action

    kpi(services, 'new frc "Résolution" kind=ratio every=month owner=<@U0BOB|bob>')
    kpi(services, "frc 45/60 @2026-09")
    new_action(services, '"Audit" owner=<@U0BOB|bob> due=2026-11-25')
    clock.now = dt.datetime(2026, 11, 24, 9, tzinfo=dt.UTC)
    assert services.reminders.remind() == 2
    assert sender(services, fake_slack).drain() == 2
    texts = " ".join(m["text"] for m in dms(fake_slack))
    assert "attend sa valeur" in texts and "31 oct. 2026" in texts and "Vos actions" in texts


def test_the_doorbell_rings_after_a_commit_that_queued_a_message_and_only_then(services: Services) -> None:
    kpi(services, 'new frc "Résolution" kind=ratio alert_below=60 owner=<@U0BOB|bob>')
    before = DOORBELL.rings()
    kpi(services, "frc 45/60 @2026-09")  # above the threshold: nothing queued
    assert DOORBELL.rings() == before
    with pytest.raises(RuntimeError), services.db.write() as session:
        enqueue(
            session, team_id="T0PILOTE", key="k", kind="alert", recipient="U0BOB", payload={}, now=FIXED_NOW
        )
        raise RuntimeError("rolled back: nothing to send")
    assert DOORBELL.rings() == before
    kpi(services, "frc 30/60 @2026-10")  # an alert, in the reading's transaction
    assert DOORBELL.rings() == before + 1
    assert services.outbox.pending() == 1


def test_a_running_sender_sends_an_alert_once_its_reading_commits(
    services: Services, fake_slack: FakeSlack
) -> None:
    kpi(services, 'new frc "Résolution" kind=ratio alert_below=60 owner=<@U0BOB|bob>')
    s = sender(services, fake_slack)
    parked = DOORBELL.waiting()
    s.start(safety_poll=3600)  # no polling to speak of: only the doorbell can wake it in time
    try:
        until(lambda: DOORBELL.waiting() > parked)  # it looked (nothing due) and sleeps
        kpi(services, "frc 30/60 @2026-10")
        (call,) = fake_slack.wait_for("chat.postMessage", 1, timeout=10)
        assert "Alerte" in call.args["text"]
        until(lambda: services.outbox.pending() == 0)
    finally:
        s.stop()


def test_a_running_sender_resumes_at_start_and_retries_when_due(
    alerting: Services, fake_slack: FakeSlack, clock: FixedClock
) -> None:
    # Retry-After: 1 s. The sender sleeps until then by the real clock, then looks at the fixed one.
    fake_slack.fail_next("chat.postMessage", status=429, headers={"Retry-After": "1"})
    s = sender(alerting, fake_slack)
    parked = DOORBELL.waiting()
    s.start(safety_poll=3600)
    try:
        fake_slack.wait_for("chat.postMessage", 1, timeout=10)  # queued before the start: tried at once
        until(lambda: DOORBELL.waiting() > parked)  # failed, and asleep until the retry is due
        assert dms(fake_slack) == []
        clock.advance(seconds=2)  # no ring: the sender wakes by itself when the retry falls due
        fake_slack.wait_for("chat.postMessage", 2, timeout=10)
        until(lambda: alerting.outbox.pending() == 0)
        assert len(dms(fake_slack)) == 1
    finally:
        s.stop()


@pytest.mark.parametrize("code", ["invalid_auth", "token_revoked", "account_inactive"])
def test_a_refused_token_spends_no_try_and_keeps_every_message(
    alerting: Services, fake_slack: FakeSlack, clock: FixedClock, code: str
) -> None:
    from sqlalchemy import select

    from bot.slack.delivery import TOKEN_PAUSE, TokenRefused
    from storage.models import OutboxMessage

    tries = 12  # more than MAX_ATTEMPTS: a message given up on would be dead by now
    fake_slack.fail_next("chat.postMessage", status=200, body={"ok": False, "error": code}, times=tries)
    s = sender(alerting, fake_slack)
    for _ in range(tries):
        with pytest.raises(TokenRefused):
            s.drain()
        clock.advance(seconds=TOKEN_PAUSE.total_seconds() + 1)
    with alerting.db.read() as session:
        (row,) = session.scalars(select(OutboxMessage)).all()
        assert (row.status, row.attempts, row.last_error) == ("pending", 0, code)
    assert s.drain() == 1  # a token that works again: the alert goes, once
    assert len(dms(fake_slack)) == 1


def test_a_running_sender_says_once_that_the_token_is_refused_and_waits(
    alerting: Services, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    fake_slack.fail_next(
        "chat.postMessage", status=200, body={"ok": False, "error": "token_revoked"}, times=5
    )
    s = sender(alerting, fake_slack)
    thread = s.start(safety_poll=0.05)
    try:
        until(lambda: s.refused == "token_revoked")
    finally:
        s.stop()
        thread.join(timeout=5)
    assert not thread.is_alive()
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert len(errors) == 1 and "Slack refuses the bot token (token_revoked)" in errors[0]
    assert len(fake_slack.calls_to("chat.postMessage")) == 1  # no hammering: one try, then the pause


def test_under_slacks_2026_history_limits_an_accepted_alert_is_found_not_sent_twice(
    alerting: Services, fake_slack: FakeSlack, clock: FixedClock
) -> None:
    # Slack's clock is the test's, 15 messages a history call and one call a minute (else 429).
    fake_slack.clock = lambda: clock.now.timestamp()
    fake_slack.history_limits(cap=15, every=60)
    fake_slack.drop_after_accept("chat.postMessage")
    s = sender(alerting, fake_slack)
    assert s.drain() == 0
    (dm_channel,) = [c for c, msgs in fake_slack.messages.items() if msgs]
    for i in range(20):  # the owner's DM goes on: 20 newer messages bury the alert
        clock.advance(seconds=1)
        fake_slack.add_message(dm_channel, {"text": f"message {i}", "user": "U0BOB"})
    clock.advance(seconds=5)
    assert s.drain() == 0  # page 1 read (15 newest, not it), page 2 rate-limited: the search waits
    history = fake_slack.calls_to("conversations.history")
    assert all(int(c.args["limit"]) <= 15 and c.args.get("oldest") for c in history)
    clock.advance(seconds=61)
    assert s.drain() == 1  # the search goes on from page 2 and finds it
    assert len(fake_slack.calls_to("chat.postMessage")) == 1  # delivered once
    from sqlalchemy import select

    from storage.models import OutboxMessage

    with alerting.db.read() as session:
        (row,) = session.scalars(select(OutboxMessage)).all()
        assert row.status == "sent" and row.attempts == 2  # the rate-limited search spent no try


def test_a_search_slack_keeps_refusing_ends_in_a_marked_resend_after_a_day(
    alerting: Services, fake_slack: FakeSlack, clock: FixedClock
) -> None:
    fake_slack.clock = lambda: clock.now.timestamp()
    fake_slack.drop_after_accept("chat.postMessage")
    s = sender(alerting, fake_slack)
    assert s.drain() == 0  # Slack took it; the answer was lost
    # From now on its history answers 429 (Retry-After 60) every time it is asked.
    fake_slack.fail_next("conversations.history", status=429, headers={"Retry-After": "60"}, times=100)
    for _ in range(30):  # a day and more of rate-limited searches, an hour apart
        clock.advance(hours=1)
        if s.drain() == 1:
            break
    first, again = fake_slack.calls_to("chat.postMessage")
    assert again.args["text"].startswith("(renvoi) Ce message a peut-être déjà été envoyé")
    assert again.args["metadata"] == first.args["metadata"]  # the same key: a later search finds either
    assert clock.now - FIXED_NOW > dt.timedelta(hours=24)


def test_an_escalation_slack_refuses_is_dead_at_once_and_its_owner_gets_a_dm(
    db: object, clock: FixedClock, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    from sqlalchemy import select

    from storage.models import OutboxMessage

    services, s = reminded(db, clock, fake_slack, "C0GONE")
    # The plan's channel was archived: Slack refuses the message itself, and would again.
    refusal = {"ok": False, "error": "is_archived"}
    fake_slack.fail_next("chat.postMessage", status=200, body=refusal)
    clock.advance(hours=25)
    services.alerts.remind_due()
    assert s.drain() == 0
    assert s.drain() == 1  # the DM that says so, to the indicator's owner
    with services.db.read() as session:
        status = {r.kind: r.status for r in session.scalars(select(OutboxMessage))}
    assert status["escalation"] == "dead" and status["undelivered"] == "sent"
    told = fake_slack.calls_to("chat.postMessage")[-1].args
    assert told["channel"] == fake_slack.calls_to("conversations.open")[0].response["channel"]["id"]  # type: ignore[index]
    assert "<#C0GONE>" in told["text"] and "`is_archived`" in told["text"]
    assert "> " in told["text"] and "Alerte non prise en compte" in told["text"]
    assert any("refused by Slack (is_archived)" in r.getMessage() for r in caplog.records)


def test_a_dm_slack_refuses_is_said_in_the_recipients_home_tab(
    alerting: Services, fake_slack: FakeSlack
) -> None:
    from bot.slack.blocks.home import home_view

    fake_slack.fail_next("chat.postMessage", status=200, body={"ok": False, "error": "msg_too_long"})
    assert sender(alerting, fake_slack).drain() == 0
    from tests.support.specs import validate_blocks

    data = alerting.home.home(team_id="T0PILOTE", user_id="U0BOB")
    assert data.undelivered_count == 1
    view = home_view("fr", data, today=data.today)
    validate_blocks(view["blocks"], surface="home")
    text = str(view["blocks"][:6])
    assert "Slack a refusé 1 message qui vous était destiné" in text and "`msg_too_long`" in text
    assert "Alerte" in text
    assert alerting.home.home(team_id="T0PILOTE", user_id="U0ALICE").undelivered_count == 0
    en = str(home_view("en", data, today=data.today)["blocks"][:6])
    assert "Slack refused 1 message meant for you" in en


def test_a_message_slack_cannot_take_for_hours_is_never_given_up(
    alerting: Services, fake_slack: FakeSlack, clock: FixedClock
) -> None:
    from bot.services.outbox import BACKOFF_CAP

    tries = 30  # a day of Slack answering 503, at the backoff's cap
    fake_slack.fail_next("chat.postMessage", status=503, times=tries)
    s = sender(alerting, fake_slack)
    for _ in range(tries):
        assert s.drain() == 0
        clock.advance(seconds=BACKOFF_CAP.total_seconds() + 1)
    assert s.drain() == 1 and len(dms(fake_slack)) == 1


def test_one_search_of_a_channel_settles_every_message_it_shows(
    alerting: Services, fake_slack: FakeSlack, clock: FixedClock
) -> None:
    kpi(alerting, "frc 50/60 @2026-11")  # back to normal: a second DM to the same owner
    fake_slack.history_limits(cap=15, every=60)
    fake_slack.drop_after_accept("chat.postMessage", times=2)  # both arrive, neither answer does
    s = sender(alerting, fake_slack)
    assert s.drain() == 0
    assert len(dms(fake_slack)) == 2
    clock.advance(seconds=5)
    assert s.drain() == 2  # the first one's search showed the second: no second call a minute later
    assert len(fake_slack.calls_to("conversations.history")) == 1
    assert len(fake_slack.calls_to("chat.postMessage")) == 2


def test_each_workspaces_messages_go_with_its_own_bot_token(
    services: Services, fake_slack: FakeSlack, clock: FixedClock
) -> None:
    """With many workspaces, the outbox asks for the client of each message's team: team B's alert
    never goes out with team A's token."""
    kpi(services, 'new frc "Résolution" kind=ratio alert_below=60 owner=<@U0BOB|bob>')
    kpi(services, "frc 30/60 @2026-10")
    kpi(services, 'new frc "Résolution" kind=ratio alert_below=60', user="U0EVE", team="T0OTHER")
    kpi(services, "frc 30/60 @2026-10", user="U0EVE", team="T0OTHER")

    clients = TeamClients(fake_slack, {"T0PILOTE": fake_slack.token, "T0OTHER": "xoxb-team-b"})
    assert OutboxSender(clients, services).drain() == 2
    tokens = {c.args["channel"]: fake_slack.token_of(c) for c in fake_slack.calls_to("chat.postMessage")}
    opened = {
        c.args["users"]: c.response["channel"]["id"]  # type: ignore[index]
        for c in fake_slack.calls_to("conversations.open")
    }
    assert tokens[opened["U0BOB"]] == fake_slack.token and tokens[opened["U0EVE"]] == "xoxb-team-b"
