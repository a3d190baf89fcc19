"""The reading hot path's queries, run on the session's connection, against the test database."""

import datetime as dt

from bot.services import Services
from storage import repositories as repo
from storage.models import Reading
from tests.support.data import kpi
from tests.support.fixtures import FIXED_NOW

TEAM = "T0PILOTE"


def test_hot_path_queries_see_what_the_session_has_not_flushed_yet(services: Services) -> None:
    kpi(services, 'new frc "Résolution" kind=ratio')
    with services.db.write() as session:
        ind = repo.indicator_for_reading(session, team_id=TEAM, code_key="frc")
        assert ind is not None
        day = dt.date(2026, 10, 1)
        session.add(
            Reading(
                team_id=TEAM,
                indicator_id=ind.id,
                period_start=day,
                period_kind="month",
                value=0.5,
                recorded_by="U0ALICE",
                recorded_at=FIXED_NOW,
                source="slack",
                note="",
                state=repo.ACTIVE,
            )
        )  # pending in the session, not in the database yet
        same, latest = repo.period_and_latest_rows(
            session, indicator_id=ind.id, period_start=day, period_kind="month"
        )
        assert same is not None and latest is not None and same.id == latest.id and same.value == 0.5
