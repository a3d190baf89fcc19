"""Asking Slack whether a user is an admin (users.info) holds no transaction: other commands go on."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from bot.services import Services
from storage.models import Reading
from tests.support.fake_slack import FakeSlack
from tests.support.slackbed import SlackBed

ADMIN, OWNER, READER = "U0ADMIN", "U0BOB", "U0CAROL"
SECONDS = 10.0  # a bound on a wait that must end, never a timing measurement


@pytest.mark.parametrize(
    ("command", "text", "answer"),
    [
        ("/kpi", "edit frc target=80", "modifié"),
        ("/kpi", "delete frc", "supprimé des listes"),
        ("/action", "1 due=2027-03-31", "31 mars 2027"),
        ("/action", "delete 1", "supprimée des listes"),
    ],
)
def test_a_reading_is_acked_and_stored_while_an_admin_check_waits_on_slack(
    services: Services, fake_slack: FakeSlack, command: str, text: str, answer: str
) -> None:
    bed = SlackBed(services, fake_slack)
    fake_slack.users[ADMIN] = {"is_admin": True}
    bed.command('new frc "Résolution" kind=ratio', user_id=OWNER)
    bed.command('new "Audit" kpi=frc', command="/action", user_id=OWNER)
    assert bed.deps.home.wait_idle()  # no Home tab refresh holds a connection below
    asked = len(fake_slack.calls_to("users.info"))  # the owner's language was asked already
    fake_slack.hold("users.info")
    with ThreadPoolExecutor(2) as pool:
        try:
            held = pool.submit(bed.command, text, command=command, user_id=ADMIN, check=False)
            # The admin's language, then the admin check, wait on that one users.info.
            fake_slack.wait_for("users.info", asked + 1, timeout=SECONDS)
            assert services.db.engine.pool.checkedout() == 0, "a transaction is open while Slack is asked"
            reading = pool.submit(bed.command, "frc 45/60", user_id=READER)
            assert "*frc* = *75" in reading.result(timeout=SECONDS).text
            with services.db.read() as session:
                assert session.scalar(select(func.count()).select_from(Reading)) == 1
            assert not held.done()  # all of this happened while users.info was still unanswered
        finally:
            fake_slack.release()
        reply = held.result(timeout=SECONDS)
    assert reply.status == 200 and answer in reply.text, reply.text
