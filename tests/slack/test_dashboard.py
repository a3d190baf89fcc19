"""/dashboard and the digests against the fake Slack Web API: charts uploaded with files v2 and shared
with a Block Kit summary, once per period."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest

from bot import metrics
from bot.services import Services
from bot.services.dashboards import DashboardService
from bot.slack.delivery import sender_client
from bot.slack.digests import DigestSender
from tests.support.data import kpi, new_action
from tests.support.databases import FixedClock
from tests.support.fake_slack import FakeSlack
from tests.support.metrics import Scrape
from tests.support.slackbed import SlackBed

CHANNEL = "C0STEERING"


@pytest.fixture
def steering(services: Services) -> Services:
    kpi(
        services,
        'new frc "Résolution au premier contact" kind=ratio target=75 warn_below=70 alert_below=60 '
        "owner=<@U0BOB|bob> entity=DSI cadence=monthly",
    )
    kpi(services, "frc 50/60 @2026-09")
    kpi(services, "frc 30/60 @2026-10")
    kpi(
        services,
        'new eco "Équipements reconditionnés" kind=percent target=40 warn_below=20 '
        "entity=Achats cadence=monthly",
    )
    kpi(services, "eco 12,5 @2026-09")
    new_action(
        services,
        '"Former les agents" domain=sensibilisation level=experimentation identified=2026-09-01 '
        "due=2026-10-01 status=doing progress=40%",
    )
    new_action(services, '"Acheter reconditionné" domain=achats level=realisation')
    return services


def shared(fake: FakeSlack, channel: str = CHANNEL) -> list[dict[str, Any]]:
    return [m for m in fake.messages.get(channel, []) if m.get("files")]


def blocks_of(message: dict[str, Any]) -> list[dict[str, Any]]:
    blocks = message.get("blocks") or []
    return json.loads(blocks) if isinstance(blocks, str) else blocks


def blocks_text(message: dict[str, Any]) -> str:
    blocks = message.get("blocks")
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    return json.dumps(blocks, ensure_ascii=False)


def test_dashboard_command_posts_charts_with_summary(steering: Services, fake_slack: FakeSlack) -> None:
    bed = SlackBed(steering, fake_slack)
    reply = bed.command("", command="/dashboard", channel_id=CHANNEL)
    assert "Préparation du tableau de bord" in reply.text
    fake_slack.wait_for("files.completeUploadExternal")
    uploads = fake_slack.calls_to("files.getUploadURLExternal")
    assert [c.args["filename"] for c in uploads] == ["dashboard.png", "plan.png"]
    assert all(c.args.get("alt_txt") for c in uploads)
    assert "frc 50" in uploads[0].args["alt_txt"] and "alerte" in uploads[0].args["alt_txt"]
    (message,) = shared(fake_slack)
    assert len(message["files"]) == 2
    text = blocks_text(message)
    # Alerts first; every number of the image is also in the text.
    assert text.index("À surveiller") < text.index("Plan d'action")
    frc_line = "🔴 frc — Résolution au premier contact (DSI)\u00a0: 50\u202f% (30/60) (alerte) ↘ en baisse"
    assert frc_line in text
    assert "12,5\u202f%" in text
    assert "#1 Former les agents\u00a0: échéance" in text  # late action
    assert "Valeurs en retard" in text and "eco\u00a0: attendue le 31 oct. 2026" in text
    # Every value as a native table: caption, header row, the code as row header, numbers as numbers.
    (table,) = [b for b in blocks_of(message) if b["type"] == "data_table"]
    assert table["caption"] == "Valeurs des indicateurs au 20 nov. 2026"
    assert [c["text"] for c in table["rows"][0]][:4] == ["Code", "Indicateur", "Entité", "Valeur"]
    assert table["row_header_column_index"] == 0
    frc = next(row for row in table["rows"] if row[0]["text"] == "frc")
    assert frc[3] == {"type": "raw_number", "value": 50.0, "text": "50\u202f% (30/60)"}
    assert frc[4]["text"] == "alerte" and frc[6]["text"] == "octobre 2026"


def test_a_dashboard_of_120_indicators_tables_the_first_100_and_says_so(
    services: Services, fake_slack: FakeSlack
) -> None:
    for i in range(120):
        kpi(services, f'new ind{i:03d} "Indicateur {i}" kind=percent target=80')
        kpi(services, f"ind{i:03d} {i % 100} @2026-10")
    bed = SlackBed(services, fake_slack)
    bed.command("", command="/dashboard", channel_id=CHANNEL)
    fake_slack.wait_for("files.completeUploadExternal")
    (message,) = shared(fake_slack)
    blocks = blocks_of(message)
    (table,) = [b for b in blocks if b["type"] == "data_table"]
    assert len(table["rows"]) == 101
    said = blocks_text(message)
    assert "Le tableau montre les 100 premiers indicateurs sur 120" in said
    assert "Le graphique montre les 24 premiers indicateurs sur 120" in said


def test_dashboard_for_an_entity_and_an_unknown_scope(steering: Services, fake_slack: FakeSlack) -> None:
    bed = SlackBed(steering, fake_slack)
    bad = bed.command("Compta", command="/dashboard", channel_id=CHANNEL)
    assert "n'est ni une entité, ni un domaine" in bad.text and "`Achats`, `DSI`" in bad.text
    assert fake_slack.calls_to("files.getUploadURLExternal") == []
    bed.command("dsi", command="/dashboard", channel_id=CHANNEL)
    fake_slack.wait_for("files.completeUploadExternal")
    text = blocks_text(shared(fake_slack)[0])
    assert "Tableau de bord — DSI" in text and "frc" in text and "eco" not in text


def test_dashboard_in_a_channel_the_bot_is_not_in(steering: Services, fake_slack: FakeSlack) -> None:
    fake_slack.fail_next(
        "files.completeUploadExternal", status=200, body={"ok": False, "error": "not_in_channel"}
    )
    bed = SlackBed(steering, fake_slack)
    bed.command("", command="/dashboard", channel_id=CHANNEL)
    (answer,) = fake_slack.wait_for_responses(1)
    assert "invitez-le" in answer["text"]


def test_subscribe_status_unsubscribe(steering: Services, fake_slack: FakeSlack) -> None:
    bed = SlackBed(steering, fake_slack)
    ok = bed.command("subscribe hebdo lundi 9h", command="/dashboard", channel_id=CHANNEL)
    assert "point hebdomadaire (le lundi à 09:00)" in ok.text and "23 nov. 2026, 09:00" in ok.text
    assert "lundi à 09:00" in bed.command("status", command="/dashboard", channel_id=CHANNEL).text
    bad = bed.command("subscribe weekly funday 9h", command="/dashboard", channel_id=CHANNEL)
    assert "n'est pas un jour de la semaine" in bad.text and "/dashboard help" in bad.text
    gone = bed.command("unsubscribe", command="/dashboard", channel_id=CHANNEL)
    assert "ne recevra plus" in gone.text
    again = bed.command("unsubscribe", command="/dashboard", channel_id=CHANNEL)
    assert "n'est abonné à aucun" in again.text


def subscribe(services: Services, text: str) -> None:
    """`/dashboard subscribe …` in the steering channel, by Alice."""
    from bot.domain.dashboard_grammar import Subscribe, parse_dashboard

    cmd = parse_dashboard(text)
    assert isinstance(cmd, Subscribe)
    services.digests.subscribe(
        team_id="T0PILOTE", channel_id=CHANNEL, user_id="U0ALICE", schedule=cmd.schedule,
        skip_empty=cmd.skip_empty,
    )  # fmt: skip


def digests_counted() -> dict[str, float]:
    """pilote_digests_total by result, as /metrics says it now."""
    page = Scrape(metrics.exposition().decode())
    return {r: page.value("pilote_digests_total", result=r) for r in ("posted", "gave_up", "retried")}


def digest_sender(services: Services, fake: FakeSlack) -> DigestSender:
    return DigestSender(sender_client(token=fake.token, base_url=fake.api_url, timeout=5), services)


def test_weekly_digest_is_posted_once_then_says_nothing_new(
    steering: Services, fake_slack: FakeSlack, clock: FixedClock
) -> None:
    subscribe(steering, "subscribe weekly mon 09:00")
    sender = digest_sender(steering, fake_slack)
    assert sender.run() == 0  # Friday: not yet
    clock.advance(days=3, seconds=1)  # Monday 23 Nov, 10:00:01 Paris
    before = digests_counted()
    assert sender.run() == 1
    assert sender.run() == 0
    assert digests_counted()["posted"] - before["posted"] == 1
    (digest,) = shared(fake_slack)
    text = blocks_text(digest)
    assert "Point hebdomadaire (le lundi à 09:00)" in text and "Ces 7 derniers jours" in text
    clock.advance(days=7)
    assert sender.run() == 1
    # Nothing new: the snapshot all the same, saying so first, with what is late.
    quiet = shared(fake_slack)[-1]
    assert quiet is not digest and len(quiet["files"]) == 2
    blocks = blocks_of(quiet)
    assert blocks[1]["text"]["text"].startswith(
        "*Rien de nouveau depuis le 23 nov. 2026, 09:00.* Aucune valeur"
    )
    quiet_text = blocks_text(quiet)
    assert "Valeurs en retard" in quiet_text and "Actions en retard" in quiet_text
    assert any(b["type"] == "data_table" for b in blocks)
    clock.advance(days=7)
    kpi(steering, "frc 55/60 @2026-11")
    assert sender.run() == 1
    latest = shared(fake_slack)[-1]
    assert "frc\u00a0: 50\u202f% (30/60) → 91,67\u202f% (55/60) (alerte → conforme)" in blocks_text(latest)


def test_a_digest_whose_share_was_lost_is_not_posted_twice(
    steering: Services, fake_slack: FakeSlack, clock: FixedClock
) -> None:
    from bot.domain.schedule import parse_schedule

    steering.digests.subscribe(
        team_id="T0PILOTE", channel_id=CHANNEL, user_id="U0ALICE", schedule=parse_schedule(["daily", "08:00"])
    )
    fake_slack.drop_after_accept("files.completeUploadExternal")
    sender = digest_sender(steering, fake_slack)
    clock.advance(days=1)
    assert sender.run() == 0  # Slack shared it, the answer was lost
    clock.advance(minutes=10)
    assert sender.run() == 1  # found in the channel, not shared again
    assert len(shared(fake_slack)) == 1
    assert len(fake_slack.calls_to("files.completeUploadExternal")) == 1


def test_under_slacks_2026_history_limits_a_lost_share_is_found_and_no_false_failure_told(
    steering: Services, fake_slack: FakeSlack, clock: FixedClock
) -> None:
    fake_slack.clock = lambda: clock.now.timestamp()
    fake_slack.history_limits(cap=15, every=60)
    subscribe(steering, "subscribe daily 08:00")
    fake_slack.drop_after_accept("files.completeUploadExternal")
    sender = digest_sender(steering, fake_slack)
    clock.advance(days=1)
    assert sender.run() == 0  # Slack shared it, the answer was lost
    for i in range(20):  # the channel goes on talking
        clock.advance(seconds=1)
        fake_slack.add_message(CHANNEL, {"text": f"message {i}", "user": "U0BOB"})
    for _ in range(10):  # more than MAX_ATTEMPTS of digests, each a minute apart: the search goes on
        clock.advance(minutes=1, seconds=1)
        if sender.run() == 1:
            break
    assert len(shared(fake_slack)) == 1
    assert len(fake_slack.calls_to("files.completeUploadExternal")) == 1
    (run,) = steering.digests.runs(team_id="T0PILOTE", channel_id=CHANNEL)
    assert run[1] == "posted" and run[2] == 2  # the first try and the one that found it: none spent waiting
    assert fake_slack.calls_to("chat.postMessage") == []  # no "digest failed" DM
    assert all(int(c.args["limit"]) <= 15 for c in fake_slack.calls_to("conversations.history"))


def test_a_refused_digest_is_retried_later(
    steering: Services, fake_slack: FakeSlack, clock: FixedClock
) -> None:
    from bot.domain.schedule import parse_schedule

    steering.digests.subscribe(
        team_id="T0PILOTE", channel_id=CHANNEL, user_id="U0ALICE", schedule=parse_schedule(["daily", "08:00"])
    )
    fake_slack.fail_next("files.getUploadURLExternal", status=429, headers={"Retry-After": "60"})
    sender = digest_sender(steering, fake_slack)
    clock.advance(days=1)
    assert sender.run() == 0
    clock.advance(seconds=30)
    assert sender.run() == 0  # Retry-After not over
    clock.advance(seconds=31)
    assert sender.run() == 1
    assert len(shared(fake_slack)) == 1


def test_a_refused_bot_token_keeps_the_digest_without_a_false_failure(
    steering: Services, fake_slack: FakeSlack, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    from sqlalchemy import select

    from bot.domain.schedule import parse_schedule
    from bot.slack.delivery import TOKEN_PAUSE
    from storage.models import OutboxMessage

    steering.digests.subscribe(
        team_id="T0PILOTE", channel_id=CHANNEL, user_id="U0ALICE", schedule=parse_schedule(["daily", "08:00"])
    )
    tries = 10  # more than the digest's MAX_ATTEMPTS: a digest that spent its tries would be dead
    refusal = {"ok": False, "error": "token_revoked"}
    fake_slack.fail_next("files.getUploadURLExternal", status=200, body=refusal, times=tries)
    sender = digest_sender(steering, fake_slack)
    clock.advance(days=1)
    for _ in range(tries):
        assert sender.run() == 0
        clock.advance(seconds=TOKEN_PAUSE.total_seconds() + 1)
    ((_, status, attempts),) = steering.digests.runs(team_id="T0PILOTE", channel_id=CHANNEL)[-1:]
    assert (status, attempts) == ("pending", 0)
    with steering.db.read() as s:
        assert s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "digest_failed")).all() == []
    errors = [r for r in caplog.records if r.levelname == "ERROR"]
    assert len(errors) == 1 and "token_revoked" in errors[0].getMessage()
    assert sender.run() == 1  # a token that works again: the digest goes, once
    assert len(shared(fake_slack)) == 1


class GatedDashboards(DashboardService):
    """Draws only once the test opens the gate: a render that takes as long as the test wants."""

    gate = threading.Event()
    started = threading.Event()

    def render(self, snapshot: Any, *, language: str) -> Any:
        self.started.set()
        assert self.gate.wait(10)
        return super().render(snapshot, language=language)


def with_dashboards(services: Services, clock: FixedClock, kind: type[DashboardService]) -> Services:
    """The same services, with another way of drawing dashboards."""
    from dataclasses import replace

    from bot.services import Defaults

    return replace(
        services, dashboards=kind(services.db, clock=clock, defaults=Defaults(timezone="Europe/Paris"))
    )


def test_commands_are_acked_while_a_dashboard_renders(
    steering: Services, fake_slack: FakeSlack, clock: FixedClock
) -> None:
    gated = with_dashboards(steering, clock, GatedDashboards)
    bed = SlackBed(gated, fake_slack)
    bed.command("", command="/dashboard", channel_id=CHANNEL)
    assert GatedDashboards.started.wait(5)
    try:
        reply = bed.command("frc 45/60 @2026-11")  # acked while the dashboard is still being drawn
        assert "45" in reply.text
        assert fake_slack.calls_to("files.completeUploadExternal") == []
    finally:
        GatedDashboards.gate.set()
    fake_slack.wait_for("files.completeUploadExternal")


class BrokenForOneChannel(DashboardService):
    """Drawing fails for the scope "DSI" (a bug, a font gone missing…), works for the rest."""

    def render(self, snapshot: Any, *, language: str) -> Any:
        if snapshot.scope == "DSI":
            raise RuntimeError("drawing failed")
        return super().render(snapshot, language=language)


def test_a_digest_that_fails_to_draw_holds_back_no_other_and_is_given_up_in_the_end(
    steering: Services, fake_slack: FakeSlack, clock: FixedClock
) -> None:
    from bot.domain.schedule import parse_schedule
    from bot.services.digests import MAX_ATTEMPTS

    broken = with_dashboards(steering, clock, BrokenForOneChannel)
    daily = parse_schedule(["daily", "08:00"])
    broken.digests.subscribe(
        team_id="T0PILOTE", channel_id="C0DSI", user_id="U0ALICE", schedule=daily, scope="DSI"
    )
    broken.digests.subscribe(team_id="T0PILOTE", channel_id=CHANNEL, user_id="U0ALICE", schedule=daily)
    sender = digest_sender(broken, fake_slack)
    clock.advance(days=1)
    assert sender.run() == 1  # the other channel got its digest
    assert len(shared(fake_slack)) == 1 and not shared(fake_slack, "C0DSI")
    for _ in range(MAX_ATTEMPTS + 2):
        clock.advance(hours=1)
        sender.run()
    runs = broken.digests.runs(team_id="T0PILOTE", channel_id="C0DSI")
    assert [(status, attempts) for _, status, attempts in runs] == [("dead", MAX_ATTEMPTS)]


def test_a_digest_slack_refuses_for_good_is_dropped_and_its_subscriber_told(
    steering: Services, fake_slack: FakeSlack, clock: FixedClock
) -> None:
    from bot.domain.schedule import parse_schedule
    from bot.slack.delivery import OutboxSender

    steering.digests.subscribe(
        team_id="T0PILOTE", channel_id=CHANNEL, user_id="U0ALICE", schedule=parse_schedule(["daily", "08:00"])
    )
    fake_slack.fail_next(
        "files.completeUploadExternal", status=200, body={"ok": False, "error": "not_in_channel"}
    )
    sender = digest_sender(steering, fake_slack)
    clock.advance(days=1)
    before = digests_counted()
    assert sender.run() == 0
    assert digests_counted()["gave_up"] - before["gave_up"] == 1
    clock.advance(hours=2)
    assert sender.run() == 0  # not tried again
    assert [s for _, s, _ in steering.digests.runs(team_id="T0PILOTE", channel_id=CHANNEL)] == ["dead"]
    outbox = OutboxSender(sender_client(token=fake_slack.token, base_url=fake_slack.api_url), steering)
    assert outbox.drain() == 2  # frc's alert to Bob, and this
    (dm,) = [c for c in fake_slack.calls_to("chat.postMessage") if "point automatique" in c.args["text"]]
    assert dm.args["channel"] == "D0ALICE" and f"<#{CHANNEL}>" in dm.args["text"]
    assert "not_in_channel" in dm.args["text"] and "/invite @pilote" in dm.args["text"]


def test_a_domain_dashboard_names_the_domain_as_people_write_it(
    steering: Services, fake_slack: FakeSlack
) -> None:
    new_action(steering, '"Mesurer le parc" domain=numérique-responsable')
    bed = SlackBed(steering, fake_slack)
    bed.command("sensibilisation", command="/dashboard", channel_id=CHANNEL)
    fake_slack.wait_for("files.completeUploadExternal")
    text = blocks_text(shared(fake_slack)[0])
    assert "Tableau de bord — Sensibilisation et formation" in text and "— sensibilisation" not in text
    bed.command("numerique-responsable", command="/dashboard", channel_id=CHANNEL)
    fake_slack.wait_for("files.completeUploadExternal", 2)
    text = blocks_text(shared(fake_slack)[1])
    assert "Tableau de bord — numérique-responsable" in text and "Mesurer le parc" in text


def test_if_new_skips_a_quiet_period_entirely(
    steering: Services, fake_slack: FakeSlack, clock: FixedClock
) -> None:
    subscribe(steering, "subscribe weekly mon 09:00 if-new")
    sender = digest_sender(steering, fake_slack)
    clock.advance(days=3, seconds=1)
    assert sender.run() == 1
    assert len(shared(fake_slack)) == 1
    clock.advance(days=7)
    assert sender.run() == 1  # settled as skipped
    assert len(fake_slack.messages[CHANNEL]) == 1 and fake_slack.calls_to("chat.postMessage") == []


def test_a_digest_of_an_empty_workspace_posts_its_summary_without_an_image(
    services: Services, fake_slack: FakeSlack, clock: FixedClock
) -> None:
    subscribe(services, "subscribe daily 09:00")
    sender = digest_sender(services, fake_slack)
    clock.advance(days=1)
    assert sender.run() == 1
    assert fake_slack.calls_to("files.getUploadURLExternal") == []
    (posted,) = fake_slack.calls_to("chat.postMessage")
    text = json.dumps(posted.args["blocks"], ensure_ascii=False)
    assert "Aucun indicateur\u00a0: créez-en un avec `/kpi new`." in text
    assert posted.args["metadata"]["event_type"] == "pilote_digest"


def test_each_workspaces_digest_goes_with_its_own_bot_token(
    steering: Services, fake_slack: FakeSlack, clock: FixedClock
) -> None:
    from bot.domain.schedule import parse_schedule
    from tests.support.fake_slack import TeamClients

    for team, channel in (("T0PILOTE", CHANNEL), ("T0OTHER", "C0OTHER")):
        steering.digests.subscribe(
            team_id=team, channel_id=channel, user_id="U0ALICE", schedule=parse_schedule(["daily", "08:00"])
        )
    clients = TeamClients(fake_slack, {"T0PILOTE": fake_slack.token, "T0OTHER": "xoxb-team-b"})
    clock.advance(days=1)
    assert DigestSender(clients, steering).run() == 2
    posts = {c.args["channel"]: fake_slack.token_of(c) for c in fake_slack.calls_to("chat.postMessage")}
    uploads = {fake_slack.token_of(c) for c in fake_slack.calls_to("files.getUploadURLExternal")}
    assert posts["C0OTHER"] == "xoxb-team-b" and uploads == {fake_slack.token}  # B has no indicator: no chart
