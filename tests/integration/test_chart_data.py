"""What the services hand to the chart renderers: plain data for the indicator's kind and cadence, and
the workspace's today on every image. A recording drawer stands in for the chart pool."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from bot.services import Defaults, Services
from storage.db import Database
from tests.support.data import kpi
from tests.support.databases import FixedClock

TEAM = "T0PILOTE"


class Recorder:
    """A Drawer that keeps what it was asked to draw and answers a tiny PNG."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []

    def _keep(self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> bytes:
        self.calls.append((name, args, kwargs))
        return b"\x89PNG recorded"

    def render_history(self, *args: Any, **kwargs: Any) -> bytes:
        return self._keep("history", args, kwargs)

    def render_dashboard(self, *args: Any, **kwargs: Any) -> bytes:
        return self._keep("dashboard", args, kwargs)

    def render_plan(self, *args: Any, **kwargs: Any) -> bytes:
        return self._keep("plan", args, kwargs)


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def drawn(db: Database, clock: FixedClock, recorder: Recorder) -> Services:
    defaults = Defaults(timezone="Europe/Paris", language="fr")
    return Services.build(db, defaults=defaults, clock=clock, drawer=recorder)


def test_every_image_is_stamped_with_the_workspaces_today(
    drawn: Services, recorder: Recorder, clock: FixedClock
) -> None:
    kpi(drawn, 'new frc "Résolution" kind=percent target=75')
    kpi(drawn, "frc 70 @2026-10")
    kpi(drawn, 'new ok "Plan validé" kind=bool target=oui')
    kpi(drawn, "ok oui @2026-10")
    clock.now = dt.datetime(2026, 11, 30, 23, 30, tzinfo=dt.UTC)  # 1 December already in Paris
    drawn.indicators.chart(team_id=TEAM, code="frc", language="fr")
    drawn.dashboards.render(drawn.dashboards.snapshot(team_id=TEAM), language="fr")
    stamps = {name: kwargs.get("stamp") for name, _, kwargs in recorder.calls}
    assert stamps == {"history": "au 1er déc. 2026", "dashboard": "au 1er déc. 2026"}
    tiles = recorder.calls[-1][1][0]
    flags = {tile.title.split(" — ")[0]: (tile.is_bool, tile.trend) for tile in tiles}
    assert flags["ok"] == (True, "")


def test_a_count_by_year_is_drawn_as_labelled_years_on_whole_ticks(
    drawn: Services, recorder: Recorder
) -> None:
    kpi(drawn, 'new copil "Comités de pilotage" kind=number unit=réunion(s) target=4 target_date=2026-12-31')
    kpi(drawn, "copil 3 @2025")
    kpi(drawn, "copil 1 @2026")
    drawn.indicators.chart(team_id=TEAM, code="copil", language="fr")
    (_, args, kwargs) = recorder.calls[-1]
    points, _, labels = args
    assert [(p.label, p.end) for p in points] == [
        ("2026", dt.date(2026, 12, 31)),
        ("2025", dt.date(2025, 12, 31)),
    ]
    assert kwargs["integer_values"] is True and kwargs["deadline"] == dt.date(2026, 12, 31)
    assert labels.latest_value == "1\u202fréunion" and labels.target_value == "4\u202fréunions"
    assert labels.deadline == "Échéance\u00a0: 31 déc. 2026"


def test_monthly_percentages_are_days_with_fractional_ticks(drawn: Services, recorder: Recorder) -> None:
    kpi(drawn, 'new frc "Résolution" kind=percent target=75')
    kpi(drawn, "frc 70,5 @2026-09")
    kpi(drawn, "frc 72 @2026-10")
    drawn.indicators.chart(team_id=TEAM, code="frc", language="fr")
    (_, args, kwargs) = recorder.calls[-1]
    assert all(p.end is None and p.label == "" for p in args[0])
    assert kwargs["integer_values"] is False and kwargs["deadline"] is None
