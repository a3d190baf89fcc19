"""Each user's language: chosen in the Home tab, else Slack's (users.info `locale`), else the workspace's."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import select

from bot.services import Services
from bot.slack import ids
from bot.slack.delivery import OutboxSender, sender_client
from bot.slack.notifier import make_client
from bot.slack.people import Languages, SlackUsers, language_of_locale
from storage.models import Reading, UserSetting, Workspace
from tests.support.data import kpi
from tests.support.events import app_home_opened, choose_in_view, event_body, event_headers, find_button
from tests.support.fake_slack import FakeSlack
from tests.support.fixtures import FIXED_NOW
from tests.support.slackbed import SIGNING_SECRET, SlackBed

TEAM, ALICE, BOB = "T0PILOTE", "U0ALICE", "U0BOB"
SECONDS = 10.0  # a bound on a wait that must end, never a timing measurement


@pytest.fixture
def bed(services: Services, fake_slack: FakeSlack) -> Iterator[SlackBed]:
    bed = SlackBed(services, fake_slack)
    yield bed
    assert bed.deps.home.wait_idle()


def speaks(fake: FakeSlack, user_id: str, locale: str) -> None:
    fake.users[user_id] = {**fake.users.get(user_id, {}), "locale": locale}


def english_workspace(services: Services) -> None:
    with services.db.write() as s:
        s.add(Workspace(team_id=TEAM, timezone="Europe/London", language="en", created_at=FIXED_NOW))


def home_of(bed: SlackBed, user_id: str = ALICE, count: int = 1) -> dict[str, Any]:
    assert bed.deps.home.wait_idle()
    calls = [
        c for c in bed.fake.wait_for("views.publish", count, timeout=SECONDS) if c.args["user_id"] == user_id
    ]
    assert calls[-1].outcome == "ok", calls[-1].response
    return dict(calls[-1].response["view"])


def open_home(bed: SlackBed, user_id: str = ALICE) -> None:
    body = event_body(app_home_opened(user_id), team_id=TEAM)
    assert bed.request("POST", "/slack/events", body, event_headers(SIGNING_SECRET, body)).status == 200


def choose(bed: SlackBed, view: dict[str, Any], value: str, user_id: str = ALICE) -> None:
    reply = bed.interaction(choose_in_view(view, ids.HOME_LANGUAGE, value, user_id=user_id))
    assert reply.status == 200 and reply.body == b"", reply.body[:300]


@pytest.mark.parametrize(
    ("locale", "lang"),
    [
        ("fr-FR", "fr"),
        ("fr-CA", "fr"),
        ("en-US", "en"),
        ("en_GB", "en"),
        ("de-DE", None),
        ("", None),
        (None, None),
    ],
)
def test_a_slack_locale_maps_to_a_language_pilote_speaks_or_none(locale: object, lang: str | None) -> None:
    assert language_of_locale(locale) == lang


def test_a_user_whose_slack_is_in_english_is_answered_in_english_in_a_french_workspace(
    bed: SlackBed, fake_slack: FakeSlack
) -> None:
    speaks(fake_slack, BOB, "en-US")
    assert "No indicator" in bed.command("frc 12", user_id=BOB).text
    assert "Aucun indicateur" in bed.command("frc 12", user_id=ALICE).text  # fr-FR
    (asked,) = [c for c in fake_slack.calls_to("users.info") if c.args["user"] == BOB]
    assert asked.args.get("include_locale") in (True, "true", "1")


def test_a_slack_language_pilote_does_not_speak_gives_the_workspaces(
    bed: SlackBed, services: Services, fake_slack: FakeSlack
) -> None:
    english_workspace(services)
    speaks(fake_slack, BOB, "de-DE")
    assert "No indicator" in bed.command("frc 12", user_id=BOB).text


def test_the_home_tab_menu_chooses_the_language_and_back_to_slacks(
    bed: SlackBed, services: Services, fake_slack: FakeSlack
) -> None:
    open_home(bed)
    view = home_of(bed)
    _, menu = find_button(view, ids.HOME_LANGUAGE)
    assert menu["initial_option"]["value"] == "auto" and "Langue de Slack" in str(menu["initial_option"])
    assert "Mes indicateurs" in str(view["blocks"])

    choose(bed, view, "en")
    view = home_of(bed, count=2)  # republished at once, in English, with English chosen
    assert "My indicators" in str(view["blocks"])
    assert find_button(view, ids.HOME_LANGUAGE)[1]["initial_option"]["value"] == "en"
    assert "No indicator" in bed.command("frc 12").text  # and so is every reply
    with services.db.read() as s:
        assert s.scalars(select(UserSetting.language)).all() == ["en"]

    choose(bed, view, "auto")
    view = home_of(bed, count=3)
    assert "Mes indicateurs" in str(view["blocks"])  # Slack's language again: fr-FR
    assert "Aucun indicateur" in bed.command("frc 12").text
    with services.db.read() as s:
        assert s.scalars(select(UserSetting)).all() == []


def test_a_choice_outweighs_slacks_language_for_that_user_only(bed: SlackBed, services: Services) -> None:
    services.workspaces.choose_language(team_id=TEAM, user_id=BOB, language="en")
    assert "No indicator" in bed.command("frc 12", user_id=BOB).text
    assert "Aucun indicateur" in bed.command("frc 12", user_id=ALICE).text


def test_a_language_pilote_does_not_speak_cannot_be_stored(services: Services) -> None:
    from bot.domain.errors import InvalidInput

    with pytest.raises(InvalidInput) as err:
        services.workspaces.choose_language(team_id=TEAM, user_id=BOB, language="de")
    assert err.value.key == "error.bad_language"


def test_an_alert_dm_speaks_its_recipients_language(services: Services, fake_slack: FakeSlack) -> None:
    speaks(fake_slack, BOB, "en-GB")
    kpi(services, 'new frc "Résolution" kind=ratio target=75 warn_below=70 alert_below=60 owner=<@U0BOB|bob>')
    kpi(services, "frc 50/60 @2026-09")
    kpi(services, "frc 30/60 @2026-10")  # alert, for Bob
    sender = OutboxSender(
        sender_client(token=fake_slack.token, base_url=fake_slack.api_url, timeout=5), services
    )
    assert sender.drain() == 1
    (dm,) = [m for msgs in fake_slack.messages.values() for m in msgs]
    assert "Alert" in dm["text"] and "Alerte" not in dm["text"], dm["text"]


def test_an_english_user_in_a_french_workspace_reads_figures_the_english_way(
    bed: SlackBed, services: Services, fake_slack: FakeSlack
) -> None:
    speaks(fake_slack, BOB, "en-US")
    bed.command('new calls "Appels traités"', user_id=BOB)
    assert ":x:" not in (reply := bed.command("calls 1,234.5", user_id=BOB)).text, reply.text
    refused = bed.command("calls 12,5", user_id=BOB)  # an English user's comma is no decimal mark
    assert ":x:" in refused.text and "`12.5`" in refused.text, refused.text
    with services.db.read() as s:
        assert s.scalars(select(Reading.value)).all() == [1234.5]


@pytest.mark.parametrize(("locale", "workspace"), [("en-US", "fr"), ("fr-FR", "en")])
def test_a_figure_the_two_languages_read_differently_is_a_question(
    bed: SlackBed, services: Services, fake_slack: FakeSlack, locale: str, workspace: str
) -> None:
    if workspace == "en":
        english_workspace(services)
    speaks(fake_slack, BOB, locale)
    bed.command('new calls "Appels"', user_id=BOB)
    reply = bed.command("calls 7,981", user_id=BOB)  # 7981 in English, 7,981 in French
    assert ":x:" in reply.text and "7,981" in reply.text and ("1234" in reply.text), reply.text
    with services.db.read() as s:
        assert s.scalars(select(Reading.value)).all() == []
    # What reads one way only is stored as typed: a French decimal, an English decimal point.
    ok = "7,5" if locale.startswith("fr") else "7.5"
    assert ":x:" not in bed.command(f"calls {ok}", user_id=BOB).text
    with services.db.read() as s:
        assert s.scalars(select(Reading.value)).all() == [7.5]


def test_a_reply_does_not_wait_for_a_slow_users_info(
    bed: SlackBed, services: Services, fake_slack: FakeSlack
) -> None:
    # Slack does not answer users.info: the reply goes out in the workspace's language, the lookup is
    # asked once however many replies wait for it, and its answer serves the next reply.
    english_workspace(services)
    speaks(fake_slack, BOB, "fr-FR")
    fake_slack.hold("users.info")
    try:
        with ThreadPoolExecutor(2) as pool:
            replies = [pool.submit(bed.command, "frc 12", user_id=BOB) for _ in range(2)]
            texts = [r.result(timeout=SECONDS).text for r in replies]
        assert all("No indicator" in text for text in texts), texts
        assert len(fake_slack.calls_to("users.info")) == 1
    finally:
        fake_slack.release()
    assert bed.deps.languages.close() is None  # the held lookup ended
    assert "Aucun indicateur" in bed.command("frc 12", user_id=BOB).text
    assert len(fake_slack.calls_to("users.info")) == 1


def test_a_failed_users_info_is_not_kept(fake_slack: FakeSlack, services: Services) -> None:
    users = SlackUsers(make_client(token=fake_slack.token, base_url=fake_slack.api_url))
    languages = Languages(users, services.workspaces)
    speaks(fake_slack, BOB, "en-US")
    fake_slack.fail_next("users.info", status=200, body={"ok": False, "error": "user_not_found"})
    assert languages.of(TEAM, BOB) == "fr"
    assert languages.of(TEAM, BOB) == "en"
    users.close()
