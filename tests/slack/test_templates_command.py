"""/kpi templates through the real Bolt app: the list validates as Block Kit, install creates once."""

from __future__ import annotations

import pytest

from bot.services import Services
from tests.support.fake_slack import FakeSlack
from tests.support.slackbed import SlackBed

TEAM = "T0PILOTE"


@pytest.fixture
def bed(services: Services, fake_slack: FakeSlack) -> SlackBed:
    return SlackBed(services, fake_slack)


def test_list_then_install_then_list_again(bed: SlackBed, services: Services) -> None:
    listed = bed.command("modèles")  # the blocks are checked against Block Kit by the bed
    assert "Modèles d'indicateurs" in listed.text and "`/kpi templates install itil`" in listed.text
    assert "• `frc` Taux de résolution au premier contact — ratio, mensuelle, hausse souhaitée" in listed.text
    assert "_déjà présent_" not in listed.text
    installed = bed.command("templates install itil")
    assert "7\u00a0indicateurs créés" in installed.text or "7 indicateurs créés" in installed.text
    assert "`/kpi edit sla cible=" in installed.text
    again = bed.command("templates install frc")
    assert "1 code était déjà présent et n'a pas été modifié : `frc`." in again.text.replace("\u00a0", " ")
    assert "créé" not in again.text.replace("déjà", "")
    assert "— _déjà présent_" in bed.command("templates").text
    assert len(services.indicators.summaries(team_id=TEAM)) == 7


def test_an_unknown_set_is_a_question_that_lists_the_sets(bed: SlackBed, services: Services) -> None:
    reply = bed.command("templates install cobit")
    assert (
        "Aucun modèle ne s'appelle «\u202fcobit\u202f»" in reply.text
        and "`gouvernance`, `itil`" in reply.text
    )
    assert services.indicators.summaries(team_id=TEAM) == []


def test_a_user_who_reads_english_gets_the_list_in_english(bed: SlackBed, services: Services) -> None:
    services.workspaces.choose_language(team_id=TEAM, user_id="U0ALICE", language="en")
    reply = bed.command("templates")
    assert "Indicator templates" in reply.text
    assert (
        "• `escalade` Incidents escalated to level 2 or 3 — percent, monthly, lower is better" in reply.text
    )
