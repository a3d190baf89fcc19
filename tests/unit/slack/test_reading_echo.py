"""Any reading Pilote accepts is echoed exactly as stored: its value with its unit, its period, its note."""

from __future__ import annotations

import datetime as dt
import json

from hypothesis import given
from hypothesis import strategies as st

from bot import i18n
from bot.domain.errors import DomainError
from bot.domain.indicators import IndicatorView, ReadingView, RecordResult
from bot.domain.readings import read_reading
from bot.domain.thresholds import Status, Thresholds
from bot.domain.values import Cadence, Kind, Level
from bot.slack.blocks.common import esc
from bot.slack.blocks.kpi import recorded_message

TODAY = dt.date(2026, 11, 20)
PIECES = st.sampled_from(
    ["12", "12,5", "12.5", "1 234", "1\u00a0234,5", "1\u202f234", "−3", "45/60", "45 sur 60", "%", "€", "kg",
     "t", "k€", "oui", "non", "@2026-10", "@T3 2026", "@oct. 2026", "@ 2026", "@2026-S44", "bilan",
     "l'équipe", "«", "»", '"', ",", "—", "sur", "de", "3", "000", "2026", "<@U0BOB|bob>", "&"]
)  # fmt: skip


def _echo(
    text: str, kind: Kind, unit: str, cadence: Cadence | None, lang: str
) -> tuple[str, str, str] | None:
    try:
        got = read_reading(text, kind=kind, unit=unit, cadence=cadence, lang=lang, today=TODAY)
    except DomainError:
        return None
    ind = IndicatorView(
        id=1, code="x", name="X", kind=kind, unit=unit, thresholds=Thresholds(), owner_id="U0ALICE",
        entity="", level=Level.OPERATIONAL, cadence=cadence,
    )  # fmt: skip
    v = got.value
    reading = ReadingView(
        id=2, value=v.value, numerator=v.numerator, denominator=v.denominator, period=got.period,
        recorded_by="U0ALICE", recorded_at=dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC), source="slack",
        note=got.note, state="active",
    )  # fmt: skip
    result = RecordResult(
        indicator=ind, reading=reading, status=Status.NONE, replaced=None, previous=None,
        period_given=got.period_given, typed=v.typed, warnings=v.warnings,
    )  # fmt: skip
    message = recorded_message(lang, result, timezone="Europe/Paris")
    shown = i18n.value(lang, kind, v.value, unit, v.numerator, v.denominator)
    return json.dumps(message, ensure_ascii=False), shown, got.note


@given(
    st.lists(PIECES, min_size=1, max_size=6).map(" ".join),
    st.sampled_from(list(Kind)),
    st.sampled_from(["", "€", "kg", "appels"]),
    st.sampled_from([None, *Cadence]),
    st.sampled_from(["fr", "en"]),
)
def test_an_accepted_reading_is_echoed_as_stored(
    text: str, kind: Kind, unit: str, cadence: Cadence | None, lang: str
) -> None:
    echoed = _echo(text, kind, unit, cadence, lang)
    if echoed is None:
        return
    message, shown, note = echoed
    assert json.dumps(shown, ensure_ascii=False)[1:-1] in message
    if note:
        assert json.dumps(esc(note), ensure_ascii=False)[1:-1] in message


def test_the_echo_says_which_period_and_why() -> None:
    echoed = _echo("3 bilan", Kind.NUMBER, "", Cadence.MONTH, "fr")
    assert echoed is not None
    message = echoed[0]
    assert "novembre 2026" in message and "mois en cours" in message and "@2026-10" in message
    converted = _echo("1,2 t", Kind.NUMBER, "kg", None, "fr")
    assert converted is not None and "1\u202f200\u202fkg" in converted[0]
    assert "Saisi\u00a0: 1,2 t" in converted[0]
    over = _echo("120 %", Kind.PERCENT, "%", None, "fr")
    assert over is not None and "en dehors de 0 à 100" in over[0]
