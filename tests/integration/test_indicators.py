import datetime as dt
import threading
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import select

from bot.domain.errors import DuplicateIndicator, InvalidInput, NothingToUndo, UnknownIndicator
from bot.domain.grammar import EditIndicator, NewIndicator, RecordReading, parse_kpi
from bot.domain.periods import Granularity
from bot.domain.thresholds import Status
from bot.services import Services
from storage.models import Reading
from tests.support.data import kpi
from tests.support.databases import FixedClock

TEAM, OTHER_TEAM, ALICE, BOB = "T0PILOTE", "T0OTHER", "U0ALICE", "U0BOB"


def define(services: Services, text: str, team: str = TEAM, user: str = ALICE) -> None:
    spec = parse_kpi(text)
    assert isinstance(spec, NewIndicator)
    services.indicators.define(team_id=team, user_id=user, spec=spec)


def record(services: Services, text: str, team: str = TEAM, user: str = ALICE):  # type: ignore[no-untyped-def]
    cmd = parse_kpi(text)
    assert isinstance(cmd, RecordReading)
    return services.indicators.record(team_id=team, user_id=user, command=cmd)


@pytest.fixture
def frc(services: Services) -> Services:
    define(
        services,
        'new frc "Taux de résolution au premier contact" kind=ratio target=75 warn_below=70 alert_below=60',
    )
    return services


def test_record_ratio_stores_numerator_denominator_and_status(frc: Services) -> None:
    result = record(frc, "frc 45/60 atelier")
    assert result.reading.value == pytest.approx(75.0)
    assert (result.reading.numerator, result.reading.denominator) == (45.0, 60.0)
    assert result.reading.period.start == dt.date(2026, 11, 20)
    assert result.status is Status.OK
    assert result.replaced is None and result.previous is None
    assert result.reading.note == "atelier"
    low = record(frc, "frc 30/60 @2026-10")
    assert low.status is Status.ALERT
    assert low.reading.period.granularity is Granularity.MONTH


def test_today_is_in_the_workspace_time_zone(frc: Services, clock: FixedClock) -> None:
    clock.now = dt.datetime(2026, 11, 20, 23, 30, tzinfo=dt.UTC)  # already the 21st in Paris
    assert record(frc, "frc 1/2").reading.period.start == dt.date(2026, 11, 21)


def test_correction_keeps_the_earlier_value(frc: Services) -> None:
    record(frc, "frc 40/60 @2026-10")
    second = record(frc, "frc 50/60 @2026-10", user=BOB)
    assert second.replaced is not None and second.replaced.numerator == 40
    history = frc.indicators.history(team_id=TEAM, code="frc")
    assert [r.numerator for r in history.readings] == [50]
    with frc.db.read() as s:
        states = sorted((r.numerator, r.state) for r in s.scalars(select(Reading)))
    assert states == [(40.0, "superseded"), (50.0, "active")]


def test_undo_withdraws_and_restores_the_corrected_value(frc: Services) -> None:
    record(frc, "frc 40/60 @2026-10")
    record(frc, "frc 50/60 @2026-10")
    undo = frc.indicators.undo_last(team_id=TEAM, user_id=ALICE)
    assert undo.withdrawn.numerator == 50
    assert undo.restored is not None and undo.restored.numerator == 40
    assert [r.numerator for r in frc.indicators.history(team_id=TEAM, code="frc").readings] == [40]
    frc.indicators.undo_last(team_id=TEAM, user_id=ALICE)
    with pytest.raises(NothingToUndo):
        frc.indicators.undo_last(team_id=TEAM, user_id=ALICE)
    with frc.db.read() as s:
        assert sorted(r.state for r in s.scalars(select(Reading))) == ["withdrawn", "withdrawn"]


def test_undo_only_touches_my_own_readings(frc: Services) -> None:
    record(frc, "frc 40/60", user=BOB)
    with pytest.raises(NothingToUndo):
        frc.indicators.undo_last(team_id=TEAM, user_id=ALICE)


def test_codes_are_case_and_accent_insensitive_and_per_workspace(services: Services) -> None:
    define(services, 'new Énergie "Énergie des salles" unit=kWh')
    assert record(services, "energie 1 200").indicator.code == "Énergie"
    with pytest.raises(DuplicateIndicator):
        define(services, 'new ENERGIE "doublon"')
    define(services, 'new énergie "Autre espace"', team=OTHER_TEAM)
    with pytest.raises(UnknownIndicator):
        record(services, "frc 1/2", team=OTHER_TEAM)


def test_unknown_code_suggests_close_ones(frc: Services) -> None:
    with pytest.raises(UnknownIndicator) as exc:
        record(frc, "frcc 1/2")
    assert exc.value.params["suggestions"] == ["frc"]


def test_bad_values_store_nothing(frc: Services) -> None:
    for text in ("frc 1/0", "frc abc", "frc 1e309", "frc 1/2 @2030-01", "frc nan"):
        with pytest.raises(InvalidInput):
            record(frc, text)
    with frc.db.read() as s:
        assert s.scalars(select(Reading)).all() == []


def test_summaries_give_latest_value_by_period(frc: Services) -> None:
    define(frc, 'new plan "Plan validé" kind=bool alert_below=oui')
    record(frc, "frc 50/60 @2026-09")
    record(frc, "frc 30/60 @2026-10")
    record(frc, "frc 55/60 @2026-08")  # late backfill does not become the latest
    summaries = {s.indicator.code: s for s in frc.indicators.summaries(team_id=TEAM)}
    assert summaries["frc"].latest is not None and summaries["frc"].latest.numerator == 30
    assert summaries["frc"].status is Status.ALERT
    assert summaries["plan"].latest is None and summaries["plan"].status is Status.NONE
    record(frc, "plan non")
    assert {s.indicator.code: s.status for s in frc.indicators.summaries(team_id=TEAM)}[
        "plan"
    ] is Status.ALERT


def test_concurrent_writers_for_one_period_leave_one_active_reading(frc: Services) -> None:
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            record(frc, f"frc {n}/100 @2026-10", user=f"U{n}")
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(1, 9)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    with frc.db.read() as s:
        states = [r.state for r in s.scalars(select(Reading))]
    assert states.count("active") == 1 and len(states) == 8


def test_chart_is_a_png(frc: Services) -> None:
    record(frc, "frc 45/60 @2026-10")
    history, _, png = frc.indicators.chart(team_id=TEAM, code="frc", language="fr")
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert history.indicator.code == "frc"


def edit(services: Services, text: str, user: str, admin: bool = False):  # type: ignore[no-untyped-def]
    from bot.domain.grammar import EditIndicator

    cmd = parse_kpi(f"edit {text}")
    assert isinstance(cmd, EditIndicator)
    return services.indicators.edit(team_id=TEAM, user_id=user, command=cmd, is_admin=lambda: admin)


def test_only_owner_or_admin_edit_or_delete(frc: Services) -> None:
    from bot.domain.errors import NotAllowed

    with pytest.raises(NotAllowed):
        edit(frc, "frc target=80", user=BOB)
    changed = edit(frc, 'frc target=80 warn_below=none name="FCR" owner=<@U0BOB|bob>', user=ALICE)
    assert changed.thresholds.target == 80 and changed.thresholds.warn_below is None
    assert changed.thresholds.alert_below == 60 and changed.name == "FCR" and changed.owner_id == BOB
    with pytest.raises(NotAllowed):
        frc.indicators.archive(team_id=TEAM, user_id=ALICE, code="frc", is_admin=lambda: False)
    assert edit(frc, "frc every=month", user=ALICE, admin=True).cadence is not None
    with pytest.raises(InvalidInput):
        edit(frc, "frc warn_below=70 alert_below=90", user=BOB)  # an alert level above the warning one
    with pytest.raises(InvalidInput):
        edit(frc, "frc kind=number", user=BOB)


@pytest.mark.parametrize("change", ["edit", "archive"])
def test_slack_is_asked_outside_any_transaction_and_the_owner_checked_again(
    frc: Services, change: str
) -> None:
    from bot.domain.errors import NotAllowed

    def is_admin() -> bool:
        assert frc.db.engine.pool.checkedout() == 0, "a transaction is open while Slack is asked"
        edit(frc, "frc owner=<@U0CAROL|carol>", user=ALICE)  # meanwhile, its owner hands it over
        return False

    with pytest.raises(NotAllowed) as refused:
        if change == "edit":
            cmd = parse_kpi("edit frc target=80")
            assert isinstance(cmd, EditIndicator)
            frc.indicators.edit(team_id=TEAM, user_id=BOB, command=cmd, is_admin=is_admin)
        else:
            frc.indicators.archive(team_id=TEAM, user_id=BOB, code="frc", is_admin=is_admin)
    assert refused.value.params["owner"] == "U0CAROL"  # the write transaction read the owner again


def test_its_owner_is_never_asked_about(frc: Services) -> None:
    def is_admin() -> bool:
        raise AssertionError("users.info asked about the owner")

    cmd = parse_kpi("edit frc target=80")
    assert isinstance(cmd, EditIndicator)
    frc.indicators.edit(team_id=TEAM, user_id=ALICE, command=cmd, is_admin=is_admin)
    frc.indicators.archive(team_id=TEAM, user_id=ALICE, code="frc", is_admin=is_admin)


def test_an_owner_who_handed_the_indicator_over_meanwhile_is_refused(
    frc: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.domain.errors import NotAllowed
    from bot.services import indicators

    real = indicators.admin_unless_owner

    def then_handed_over(*args: Any, **kwargs: Any) -> bool:
        answer = real(*args, **kwargs)
        monkeypatch.setattr(indicators, "admin_unless_owner", real)
        edit(frc, "frc owner=<@U0BOB|bob>", user=ALICE)  # another of Alice's commands, in between
        return answer

    monkeypatch.setattr(indicators, "admin_unless_owner", then_handed_over)
    with pytest.raises(NotAllowed):
        edit(frc, "frc target=80", user=ALICE)  # Alice was not asked about: she owned it when read
    assert edit(frc, "frc target=80", user=BOB).thresholds.target == 80


def test_delete_archives_keeps_readings_and_frees_the_code(frc: Services) -> None:
    record(frc, "frc 45/60")
    frc.indicators.archive(team_id=TEAM, user_id=ALICE, code="frc", is_admin=lambda: False)
    assert frc.indicators.summaries(team_id=TEAM) == []
    with pytest.raises(UnknownIndicator):
        record(frc, "frc 1/2")
    define(frc, 'new frc "Nouvel indicateur" kind=number')
    with frc.db.read() as s:
        assert len(s.scalars(select(Reading)).all()) == 1


def test_chart_says_where_the_trend_leads(services: Services, clock: FixedClock) -> None:
    kpi(services, 'new nr "Budget NR" kind=percent target=5 warn_below=3 target_date=2027-12-31')
    for value, month in (("1", "05"), ("1,5", "06"), ("2", "07"), ("2,5", "08"), ("3", "09"), ("3,5", "10")):
        kpi(services, f"nr {value} @2026-{month}")
    clock.now = dt.datetime(2026, 10, 20, 9, tzinfo=dt.UTC)
    _, caption, png = services.indicators.chart(team_id=TEAM, code="nr", language="fr")
    # +0,5 point a month from 3,5 % on 1 October: 5 % three months later, before the deadline.
    assert caption == (
        "À ce rythme, la cible (5\u202f%) serait atteinte en janvier 2027, avant l'échéance du 31 déc. 2027."
    )
    assert png.startswith(b"\x89PNG")
    _, caption_en, _ = services.indicators.chart(team_id=TEAM, code="nr", language="en")
    assert caption_en.startswith("At this pace the target (5%) would be reached in January 2027"), caption_en


def test_a_fall_against_the_trend_is_said_and_no_date_given(services: Services, clock: FixedClock) -> None:
    # The demo's frc: rising for months, then 75,8 % → 68,0 %.
    kpi(services, 'new frc "Résolution au premier contact" kind=percent target=75')
    for value, month in (
        ("60", "03"),
        ("63", "04"),
        ("66", "05"),
        ("69", "06"),
        ("72", "07"),
        ("75,8", "08"),
    ):
        kpi(services, f"frc {value} @2026-{month}")
    kpi(services, "frc 68 @2026-09")
    clock.now = dt.datetime(2026, 9, 20, 9, tzinfo=dt.UTC)
    caption = services.indicators.chart(team_id=TEAM, code="frc", language="fr")[1]
    said = "la dernière mesure (68\u202f%) est en baisse, contre la tendance à la hausse."
    assert caption == "Tendance incertaine\u00a0: " + said


def test_stale_readings_past_the_deadline_say_so(services: Services, clock: FixedClock) -> None:
    kpi(services, 'new nr "Budget NR" kind=percent target=5 target_date=2026-06-30')
    for value, month in (("1", "01"), ("1,5", "02"), ("2", "03"), ("2,5", "04"), ("3", "05")):
        kpi(services, f"nr {value} @2026-{month}")
    clock.now = dt.datetime(2026, 12, 2, 9, tzinfo=dt.UTC)
    caption = services.indicators.chart(team_id=TEAM, code="nr", language="fr")[1]
    assert caption == "Échéance du 30 juin 2026 passée\u00a0: la cible (5\u202f%) n'est pas atteinte."


def test_every_forecast_has_words_in_both_languages() -> None:
    from bot.domain.trend import Forecast
    from bot.services.common import indicator_view
    from bot.services.indicators import forecast_text

    row = SimpleNamespace(
        id=1, code="x", name="x", kind="percent", unit="%", target=5.0, warn_below=None, alert_below=None,
        warn_above=None, alert_above=None, owner_id=None, entity="", level="operational", cadence=None,
        hysteresis=0.0, warn_dm=False, change_alert_pct=None, target_date=dt.date(2027, 12, 31),
        direction=None, reference="",
    )  # fmt: skip
    ind = indicator_view(row)
    cases = [
        Forecast("reached"), Forecast("reached", dt.date(2025, 3, 1), reason="stale"),
        Forecast("deadline_passed"), Forecast("away"), Forecast("due"),
        Forecast("on_pace", dt.date(2027, 3, 5)), Forecast("late", dt.date(2028, 3, 5)),
        Forecast("not_before", dt.date(2027, 3, 5)), Forecast("not_before", dt.date(2028, 3, 5)),
        Forecast("uncertain", reason="few_points", count=1),
        Forecast("uncertain", reason="few_points", count=3),
        Forecast("uncertain", reason="short_span", count=20),
        Forecast("uncertain", dt.date(2026, 3, 1), reason="stale"),
        Forecast("uncertain", reason="noisy"), Forecast("uncertain", reason="against", count=-1),
        Forecast("uncertain", reason="against", count=1),
    ]  # fmt: skip
    for lang in ("fr", "en"):
        texts = [forecast_text(lang, ind, case, latest=2.0) for case in cases]
        for case, text in zip(cases, texts, strict=True):
            assert text and "{" not in text, (lang, case)
        assert len(set(texts)) == len(texts), lang  # each case says something of its own
        assert forecast_text(lang, ind, Forecast("no_data")) == ""
    assert forecast_text(
        "fr", ind, Forecast("uncertain", reason="few_points", count=1), latest=2.0
    ).startswith("Tendance incertaine : 1 mesure,".replace(" :", "\u00a0:"))
