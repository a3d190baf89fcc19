"""/action through the real Bolt app, signed like Slack, against the fake Slack Web API."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.services import Services
from tests.support.databases import FixedClock
from tests.support.fake_slack import FakeSlack
from tests.support.slackbed import SlackBed


@pytest.fixture
def bed(services: Services, fake_slack: FakeSlack) -> SlackBed:
    return SlackBed(services, fake_slack)


def action(bed: SlackBed, text: str, **fields: str) -> str:
    reply = bed.command(text, command="/action", **fields)
    assert reply.json["response_type"] == "ephemeral"
    return reply.text


def test_help(bed: SlackBed) -> None:
    assert "Créer" in action(bed, "help") and "Créer" in action(bed, "")


def test_new_update_show_list(bed: SlackBed, fake_slack: FakeSlack) -> None:
    bed.command('new frc "Résolution" kind=ratio')
    created = action(
        bed, 'new "Audit du parc" owner=<@U0BOB|bob> level=experimentation due=2026-12-31 kpi=frc'
    )
    assert "#1" in created and "Audit du parc" in created and "pilote.action.done" in created
    assert "expérimentation" in created and "<@U0BOB>" in created
    doing = action(bed, "1 en-cours 40% atelier fournisseur")
    assert "en cours" in doing and "40\u202f%" in doing
    shown = action(bed, "show #1")
    assert "Journal de l'action #1" in shown and "atelier fournisseur" in shown and "création" in shown
    listed = action(bed, "list mine")
    assert "Aucune action" in listed  # the owner is Bob
    assert "#1" in action(bed, "list", user_id="U0BOB")
    bed.deps.home.wait_idle()
    assert fake_slack.calls_to("views.publish")  # the Home tab was refreshed after the changes


def test_changing_the_definition_is_refused_to_others(bed: SlackBed, fake_slack: FakeSlack) -> None:
    action(bed, 'new "Audit" owner=<@U0BOB|bob>')
    refused = action(bed, "1 due=2027-03-31")  # Alice is neither owner nor admin (users.info says so)
    assert "Seul le responsable" in refused and "<@U0BOB>" in refused
    assert fake_slack.calls_to("users.info")
    assert "2027" not in action(bed, "show 1")
    assert "31 mars 2027" in action(bed, "1 due=2027-03-31", user_id="U0BOB")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("new", None),
        ('new "x" due=2026-31-12', "n'est pas une date"),
        ('new "x" progress=140', "n'est pas un avancement"),
        ('new "x" domain="deux mots"', "n'est pas un domaine"),
        ('new "x" couleur=rouge', "Option inconnue"),
        ("12 en-cours", "Aucune action #12"),
        ("abc", "ni une sous-commande"),
        ("1", "Que faut-il changer"),
        ("plan peut-être", "plan validé"),
        ("copil @2031-01-01 <@U0BOB|bob>", "pas encore commencé"),
        ("copil", "Mentionnez les participants"),
        ("copil bob alice budget voté", "Mentionnez les participants"),
        ("copil <@U0BOB|bob> @2026-11 décisions", "n'est pas un jour"),
        ("show", "Il manque le numéro"),
    ],
)
def test_bad_input(bed: SlackBed, text: str, expected: str | None) -> None:
    action(bed, 'new "Audit"')
    if expected is None:
        return
    assert expected in action(bed, text)


def test_new_without_text_opens_the_form(bed: SlackBed, fake_slack: FakeSlack) -> None:
    reply = bed.command("new", command="/action")
    assert reply.status == 200
    (call,) = fake_slack.wait_for("views.open", timeout=10)
    assert call.args["trigger_id"] and call.args["view"]["type"] == "modal"


def test_governance(bed: SlackBed) -> None:
    action(bed, 'new "Audit"')
    validated = action(bed, "plan validé @2026-10-01")
    assert "Plan validé le 1er oct. 2026" in validated
    meeting = action(bed, "copil <@U0ALICE|alice> <@U0BOB|bob> Budget 2027 voté")
    assert "(2 participants)" in meeting and "Comités de pilotage sur 12 mois\u00a0: *1*" in meeting
    plan = action(bed, "plan")
    assert "1 action\u00a0: " in plan and "pas encore communiqué" in plan


@pytest.mark.parametrize(
    ("text", "status", "progress"),
    [
        ("1 en cours 40 % atelier de l'équipe", "en cours", "40\u202f%"),
        ("1 En Cours 40% atelier de l'équipe", "en cours", "40\u202f%"),
        ("1 À faire", "à faire", None),
        ("1 a faire", "à faire", None),
        ("1 FINIE bilan validé", "finie", "100\u202f%"),
    ],
)
def test_statuses_as_people_write_them(bed: SlackBed, text: str, status: str, progress: str | None) -> None:
    action(bed, 'new "Atelier sobriété" status=' + ("en-cours" if status == "à faire" else "a-faire"))
    reply = action(bed, text)
    assert ":x:" not in reply and status in reply, reply
    if progress:
        assert progress in reply
    if "l'équipe" in text:
        assert "atelier de l'équipe" in action(bed, "show 1")


def test_progress_alone_keeps_the_status(bed: SlackBed) -> None:
    action(bed, 'new "Atelier sobriété" status=en-cours')
    reply = action(bed, "1 50% point d'étape")
    assert ":x:" not in reply and "50\u202f%" in reply and "en cours" in reply
    assert "point d'étape" in action(bed, "show 1")
    refused = action(bed, "1 40,5 %")
    assert ":x:" in refused and "40,5" in refused


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 en cours 40", "s'agit-il de l'avancement"),
        ("1 40% 50%", "s'agit-il de l'avancement"),
        ("1 finie 80 %", "Une action finie est à 100"),
        ("1 finie @2026-11-15", "datée du jour où elle est saisie"),
        ("1 50 % @hier", "datée du jour où elle est saisie"),
        ('new "Audit 4" @2026-12-31', "échéance="),
        ("new Audit statut=banane", "statut=banane"),
    ],
)
def test_action_updates_that_would_lose_something_are_questions(
    bed: SlackBed, text: str, expected: str
) -> None:
    action(bed, 'new "Atelier sobriété"')
    before = action(bed, "show 1")
    reply = action(bed, text)
    assert ":x:" in reply and expected in reply, reply
    assert action(bed, "show 1") == before


def test_a_committee_dated_anywhere_and_filters_in_two_words(bed: SlackBed) -> None:
    reply = action(bed, "copil <@U0BOB|bob> @2026-11-10 <@U0ALICE|alice> budget voté")
    assert ":x:" not in reply and "10 nov. 2026" in reply, reply
    action(bed, 'new "Atelier sobriété" status=en-cours')
    assert "#1" in action(bed, "list en cours") and "#1" in action(bed, "list En-Cours")
    assert "#1" not in action(bed, "list à faire")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("copil <@U0BOB|bob> @20 nov. 2026 arbitrages budgétaires", "20 nov. 2026"),
        ("copil @18 novembre 2026 <@U0BOB|bob> arbitrages", "18 nov. 2026"),
        ("plan validé @1er octobre 2026 délibération", "1er oct. 2026"),
    ],
)
def test_governance_dates_in_words(bed: SlackBed, text: str, expected: str) -> None:
    reply = action(bed, text)
    assert ":x:" not in reply and expected in reply, reply


@pytest.mark.parametrize(
    "text",
    [
        "copil 18/11/2026 <@U0BOB|bob> arbitrages",
        "plan validé le 01/10/2026",
        "1 finie le 15/11",
        "1 finie hier",
        "1 en cours 40 % depuis le 12/11/2026",
    ],
)
def test_a_date_without_its_at_is_a_question(bed: SlackBed, text: str) -> None:
    action(bed, 'new "Atelier sobriété"')
    reply = action(bed, text)
    assert ":x:" in reply and ("@" in reply or "datée du jour" in reply), reply


def test_status_progress_and_options_together(bed: SlackBed) -> None:
    action(bed, 'new "Atelier sobriété"')
    both = action(bed, "1 en cours 40 % niveau=réalisation point d'étape")
    assert ":x:" not in both and "en cours" in both and "40\u202f%" in both and "réalisation" in both, both
    after = action(bed, "1 echeance=31 déc. 2026 finie bilan")
    assert ":x:" not in after and "finie" in after or "fini" in after, after
    assert "31 déc. 2026" in action(bed, "show 1")
    assert ":x:" in action(bed, "1 40")


def test_english_due_dates_that_read_two_ways_are_questions(bed: SlackBed, services: Services) -> None:
    from storage.models import Workspace
    from tests.support.fixtures import FIXED_NOW

    with services.db.write() as s:
        s.add(Workspace(team_id="T0PILOTE", timezone="Europe/London", language="en", created_at=FIXED_NOW))
    bed.fake.locale = "en-GB"  # its people use Slack in English
    reply = action(bed, 'new "Audit" due=6/1/2027')
    assert ":x:" in reply and "2027-01-06" in reply and "2027-06-01" in reply, reply
    assert ":x:" not in action(bed, 'new "Audit" due=12/31/2026')


def test_the_journal_shows_moments_in_the_workspaces_time_zone(bed: SlackBed, clock: FixedClock) -> None:
    # 24 October, 23:30 UTC is already the 25th in Paris (summer time, UTC+2).
    clock.now = dt.datetime(2026, 10, 24, 23, 30, tzinfo=dt.UTC)
    action(bed, 'new "Audit du parc"')
    # Clocks go back at 01:00 UTC on 25 October: 00:30 and 01:30 UTC both read 02:30 in Paris.
    clock.now = dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC)
    action(bed, "1 en-cours premier atelier")
    clock.now = dt.datetime(2026, 10, 25, 1, 30, tzinfo=dt.UTC)
    action(bed, "1 40% second atelier")
    # 23:30 UTC on 1 December is 00:30 on the 2nd in Paris (winter time, UTC+1).
    clock.now = dt.datetime(2026, 12, 1, 23, 30, tzinfo=dt.UTC)
    action(bed, "1 60% troisième atelier")
    shown = action(bed, "show 1")
    assert "25 oct. 2026, 01:30 — <@U0ALICE>\u00a0: création" in shown, shown
    assert shown.count("25 oct. 2026, 02:30 — ") == 2, shown
    assert "2 déc. 2026, 00:30 — " in shown, shown
    assert "1 déc." not in shown and "24 oct." not in shown


def test_dates_in_the_journal_and_errors_are_words_not_iso(bed: SlackBed) -> None:
    action(bed, 'new "Audit du parc" identified=2026-09-01')
    action(bed, "1 due=2026-12-31")
    shown = action(bed, "show 1")
    assert "→ 31 déc. 2026" in shown and "2026-12-31" not in shown, shown
    refused = action(bed, "1 due=2026-03-31")
    assert "(31 mars 2026)" in refused and "(1er sept. 2026)" in refused, refused
    assert "2026-03-31" not in refused.split("`/action")[0]


def test_the_journal_says_priority_and_difficulty_in_words(bed: SlackBed) -> None:
    action(bed, 'new "Audit du parc" priority=recommandé difficulty=facile')
    action(bed, "1 priorité=prioritaire difficulté=difficile")
    shown = action(bed, "show 1")
    assert "recommandée → prioritaire" in shown, shown
    assert "facile → difficile" in shown, shown
    assert "recommande →" not in shown and "easy" not in shown and "hard" not in shown
