"""Indicators and their readings: define, record, correct, withdraw, list, chart."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from enum import StrEnum
from types import SimpleNamespace
from typing import Any, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot import i18n
from bot.domain.errors import (
    DomainError,
    DuplicateIndicator,
    InvalidInput,
    NotAllowed,
    NothingToUndo,
    UnknownIndicator,
)
from bot.domain.grammar import EditIndicator, NewIndicator, RecordReading, edited_values
from bot.domain.indicators import (
    IndicatorHistory,
    IndicatorSummary,
    IndicatorView,
    RecordResult,
    UndoResult,
)
from bot.domain.periods import Granularity, Period, granularity_of
from bot.domain.readings import ReadingInput, read_form, read_reading
from bot.domain.templates import TemplateCatalogue, TemplatesInstalled, select
from bot.domain.text import close_codes, code_key
from bot.domain.thresholds import evaluate
from bot.domain.trend import (
    MIN_POINTS,
    MIN_SPAN_DAYS,
    Forecast,
    Trend,
    direction_of,
    fit_trend,
    forecast,
    trend_supported,
)
from bot.domain.values import Cadence, Kind, agreeing_unit, same_unit
from bot.i18n import N_
from bot.services.alerting import evaluate_reading
from bot.services.common import (
    Clock,
    Defaults,
    Drawer,
    LazyDrawer,
    admin_unless_owner,
    indicator_view,
    local_today,
    reading_values,
    reading_view,
    timezone_of,
    workspace_row,
)
from bot.services.templates import template_sets
from storage import repositories as repo
from storage.db import Database
from storage.models import Indicator, Reading, Workspace

T = TypeVar("T")
IsAdmin = Callable[[], bool]
HISTORY_LIMIT = 200


class IndicatorService:
    """Use cases around indicators and readings."""

    def __init__(
        self, db: Database, *, clock: Clock, defaults: Defaults, drawer: Drawer | None = None
    ) -> None:
        self._db, self._clock, self._defaults = db, clock, defaults
        self._drawer = drawer or LazyDrawer()

    def _workspace(self, session: Session, team_id: str) -> Workspace:
        return workspace_row(session, team_id=team_id, defaults=self._defaults, now=self._clock())

    def _indicator(self, session: Session, team_id: str, code: str, *, lock: bool = False) -> Indicator:
        row = repo.find_indicator(session, team_id=team_id, code_key=code_key(code), lock=lock)
        if row is None:
            codes = repo.indicator_codes(session, team_id=team_id)
            raise UnknownIndicator(code=code, suggestions=close_codes(code, codes))
        return row

    def _write_retrying(self, work: Callable[[Session], T]) -> T:
        # A reading can race an undo of its period (PostgreSQL): the undo brings back the reading it had
        # corrected after this one read the period, and the unique active-period index refuses the
        # insert. The retry reads the period again and corrects the reading brought back.
        for attempt in (1, 2):
            try:
                with self._db.write() as session:
                    return work(session)
            except IntegrityError:
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def define(self, *, team_id: str, user_id: str, spec: NewIndicator) -> IndicatorView:
        """Create an indicator; its code must be new in the workspace."""

        def work(session: Session) -> IndicatorView:
            self._workspace(session, team_id)
            if repo.find_indicator(session, team_id=team_id, code_key=code_key(spec.code)) is not None:
                raise DuplicateIndicator(code=spec.code)
            return self._add(session, team_id, user_id, spec, owner_id=spec.owner_id or user_id)

        try:
            with self._db.write() as session:
                return work(session)
        except IntegrityError:  # the same code defined at the same time: the other one won
            raise DuplicateIndicator(code=spec.code) from None

    def _add(
        self, session: Session, team_id: str, user_id: str, spec: NewIndicator, *, owner_id: str | None
    ) -> IndicatorView:
        now = self._clock()
        t = spec.thresholds
        row = Indicator(
            team_id=team_id,
            code=spec.code,
            code_key=code_key(spec.code),
            name=spec.name,
            kind=spec.kind.value,
            unit=spec.unit,
            target=t.target,
            warn_below=t.warn_below,
            alert_below=t.alert_below,
            warn_above=t.warn_above,
            alert_above=t.alert_above,
            owner_id=owner_id,
            hysteresis=spec.hysteresis,
            warn_dm=spec.warn_dm,
            change_alert_pct=spec.change_alert_pct,
            target_date=spec.target_date,
            direction=spec.direction.value if spec.direction else None,
            reference=spec.reference,
            entity=spec.entity,
            level=spec.level.value,
            cadence=spec.cadence.value if spec.cadence else None,
            created_by=user_id,
            created_at=now,
            updated_at=now,
        )
        session.add(row)
        session.flush()
        return indicator_view(row)

    def templates(self, *, team_id: str) -> TemplateCatalogue:
        """The template sets shipped with Pilote, and which of their codes the workspace has."""
        with self._db.read() as session:
            present = frozenset(code_key(c) for c in repo.indicator_codes(session, team_id=team_id))
        return TemplateCatalogue(sets=template_sets(), present=present)

    def install_templates(
        self, *, team_id: str, created_by: str, wanted: str, owner_id: str | None
    ) -> TemplatesInstalled:
        """Create the indicators of a template set (or of one template, by its code), named in the
        workspace's language and owned by `owner_id` (None: nobody yet); codes the workspace has already
        are left as they are. One transaction: all of them or none."""
        chosen = select(template_sets(), wanted)

        def work(session: Session) -> TemplatesInstalled:
            lang = self._workspace(session, team_id).language
            created, existing = [], []
            for template in chosen:
                found = repo.find_indicator(session, team_id=team_id, code_key=code_key(template.code))
                if found is not None:
                    existing.append(found.code)
                    continue
                spec = template.spec(lang, owner_id=owner_id)
                created.append(self._add(session, team_id, created_by, spec, owner_id=owner_id))
            return TemplatesInstalled(created=tuple(created), existing=tuple(existing))

        return self._write_retrying(work)  # a code created meanwhile: read again, and skip it

    def record(
        self, *, team_id: str, user_id: str, command: RecordReading, source: str = "slack"
    ) -> RecordResult:
        """Store a reading (a correction when its period already has one) and say where it stands."""

        def work(session: Session) -> RecordResult:
            # Readings of one indicator are written one at a time (row lock on PostgreSQL; SQLite's
            # BEGIN IMMEDIATE already serialises writers), so a correction always sees the value it replaces.
            ind = repo.indicator_for_reading(session, team_id=team_id, code_key=code_key(command.code))
            if ind is None:
                self._indicator(session, team_id, command.code)  # raises, with suggestions
                raise AssertionError("unreachable")
            now = self._clock()
            typed = read_command(command, ind, today=local_today(now, ind.timezone))
            parsed, period = typed.value, typed.period
            replaced, previous = repo.period_and_latest_rows(
                session, indicator_id=ind.id, period_start=period.start, period_kind=period.granularity.value
            )
            if replaced is not None:
                repo.set_reading_state(session, reading_id=replaced.id, state=repo.SUPERSEDED)
            values = reading_values(
                team_id=team_id,
                indicator_id=ind.id,
                typed=typed,
                recorded_by=user_id,
                now=now,
                source=source,
                supersedes=replaced,
            )
            new_id = repo.insert_reading(session, **values)
            view = indicator_view(ind)
            # Only the newest period speaks for the indicator now: a late backfill raises nothing.
            if previous is None or (period.start, period.granularity.value) >= (
                previous.period_start,
                previous.period_kind,
            ):
                evaluate_reading(
                    session,
                    indicator=view,
                    team_id=team_id,
                    reading={"id": new_id, **values},
                    now=now,
                    previous_value=previous.value
                    if previous is not None and previous is not replaced
                    else None,
                )
            return RecordResult(
                indicator=view,
                reading=reading_view(SimpleNamespace(id=new_id, **values)),
                status=evaluate(parsed.value, view.thresholds),
                replaced=reading_view(replaced) if replaced is not None else None,
                previous=reading_view(previous) if previous is not None else None,
                period_given=typed.period_given,
                typed=parsed.typed,
                warnings=parsed.warnings,
            )

        return self._write_retrying(work)

    def undo_last(self, *, team_id: str, user_id: str, code: str | None = None) -> UndoResult:
        """Withdraw the user's own last active reading (of the indicator `code`, when given), bringing
        back the one it had corrected."""
        with self._db.write() as session:
            indicator_id = self._indicator(session, team_id, code).id if code else None
            row = repo.last_reading_by(session, team_id=team_id, user_id=user_id, indicator_id=indicator_id)
            if row is None:
                raise NothingToUndo(code=code or "")
            row.state = repo.WITHDRAWN
            row.withdrawn_at = self._clock()
            row.withdrawn_by = user_id
            session.flush()
            restored = None
            if row.supersedes_id is not None:
                earlier = session.get(Reading, row.supersedes_id)
                if earlier is not None and earlier.state == repo.SUPERSEDED:
                    earlier.state = repo.ACTIVE
                    session.flush()
                    restored = reading_view(earlier)
            ind = session.get(Indicator, row.indicator_id)
            assert ind is not None
            return UndoResult(indicator=indicator_view(ind), withdrawn=reading_view(row), restored=restored)

    def _admin(self, team_id: str, code: str, user_id: str, is_admin: IsAdmin) -> bool:
        return admin_unless_owner(
            self._db, lambda s: self._indicator(s, team_id, code).owner_id, user_id=user_id, is_admin=is_admin
        )

    def _owned(self, session: Session, team_id: str, code: str, user_id: str, admin: bool) -> Indicator:
        row = self._indicator(session, team_id, code, lock=True)
        if row.owner_id != user_id and not admin:
            raise NotAllowed(what=row.code, owner=row.owner_id or "")
        return row

    def edit(self, *, team_id: str, user_id: str, command: EditIndicator, is_admin: IsAdmin) -> IndicatorView:
        """Change an indicator's definition, owner or thresholds: its owner or an admin only."""
        admin = self._admin(team_id, command.code, user_id, is_admin)
        with self._db.write() as session:
            row = self._owned(session, team_id, command.code, user_id, admin)
            current = indicator_view(row)
            edits = edited_values(
                current.kind, current.thresholds, command.changes, unit=current.unit, lang=command.lang
            )
            new_unit = str(edits.get("unit", current.unit))
            if current.unit and not same_unit(new_unit, current.unit):
                # Stored figures and thresholds are in the old unit: renaming it would change them all.
                if repo.has_readings(session, indicator_id=row.id):
                    raise InvalidInput("error.unit_is_fixed", code=row.code, unit=current.unit, new=new_unit)
            if "cadence" in edits and edits["cadence"] != current.cadence:
                # Readings of another period length would sit beside the new ones in one series.
                kept = str(granularity_of(edits["cadence"]))  # type: ignore[arg-type]
                if repo.reading_kinds(session, indicator_id=row.id) - {kept}:
                    raise InvalidInput("error.cadence_is_fixed", code=row.code)
            for name, value in edits.items():
                if name == "owner_id" and not value:
                    value = user_id
                setattr(row, name, value.value if isinstance(value, StrEnum) else value)
            row.updated_at = self._clock()
            session.flush()
            return indicator_view(row)

    def archive(self, *, team_id: str, user_id: str, code: str, is_admin: IsAdmin) -> IndicatorView:
        """Delete an indicator for users (its owner or an admin only); its readings stay, archived."""
        admin = self._admin(team_id, code, user_id, is_admin)
        with self._db.write() as session:
            row = self._owned(session, team_id, code, user_id, admin)
            row.archived_at = self._clock()
            row.code_key = f"{row.code_key}~{row.id}"  # frees the code for a new indicator
            session.flush()
            return indicator_view(row)

    def summaries(self, *, team_id: str) -> list[IndicatorSummary]:
        """Every indicator of the workspace with its latest reading and status, by code."""
        with self._db.read() as session:
            latest = repo.latest_active_readings(session, team_id=team_id)
            out = []
            for row in repo.list_indicators(session, team_id=team_id):
                view = indicator_view(row)
                reading = latest.get(row.id)
                out.append(
                    IndicatorSummary(
                        indicator=view,
                        latest=reading_view(reading) if reading is not None else None,
                        status=evaluate(reading.value if reading else None, view.thresholds),
                    )
                )
            return out

    def history(self, *, team_id: str, code: str, limit: int = HISTORY_LIMIT) -> IndicatorHistory:
        """An indicator with its active readings, newest period first."""
        with self._db.read() as session:
            return self._history(session, team_id, code, limit)

    def _history(self, session: Session, team_id: str, code: str, limit: int) -> IndicatorHistory:
        ind = self._indicator(session, team_id, code)
        rows = repo.active_readings(session, indicator_id=ind.id, limit=limit)
        view = indicator_view(ind)
        readings = tuple(reading_view(r) for r in rows)
        status = evaluate(readings[0].value if readings else None, view.thresholds)
        return IndicatorHistory(indicator=view, readings=readings, status=status)

    def chart(self, *, team_id: str, code: str, language: str) -> tuple[IndicatorHistory, str, bytes]:
        """An indicator's history, where its trend leads (one sentence, "" without a trend or a target)
        and its chart as PNG bytes (drawn outside the transaction)."""
        import charts  # matplotlib takes a second to import: only processes that draw pay for it

        with self._db.read() as session:
            history = self._history(session, team_id, code, HISTORY_LIMIT)
            # "Today" for the forecast is the workspace's date, not the UTC one (late evening in Paris).
            today = local_today(
                self._clock(), timezone_of(session, team_id=team_id, default=self._defaults.timezone)
            )
        ind = history.indicator
        th = ind.thresholds
        trend, outlook = trend_of(history, today=today)
        latest = history.readings[0].value if history.readings else None
        granularity = history.readings[0].period.granularity if history.readings else None
        caption = forecast_text(language, ind, outlook, latest=latest, granularity=granularity)
        line = None
        if trend is not None and trend_supported(trend, today=today):
            end = outlook.day if outlook.kind in ("on_pace", "late") and outlook.day else trend.origin
            line = charts.TrendLine(trend.first, trend.at(trend.first), end, trend.at(end))
        readings = history.readings
        # A quarter or a year is drawn as one span, labelled "T3 2026" or "2025", not as a day.
        spans = bool(readings) and {r.period.granularity for r in readings} <= {
            Granularity.QUARTER,
            Granularity.YEAR,
        }
        points = [
            charts.Point(r.period.start, r.value, r.period.end, i18n.period(language, r.period))
            if spans
            else charts.Point(r.period.start, r.value)
            for r in readings
        ]
        whole = ind.kind is Kind.NUMBER and all(float(r.value).is_integer() for r in readings)
        png = self._drawer.render_history(
            points,
            charts.Thresholds(th.target, th.warn_below, th.alert_below, th.warn_above, th.alert_above),
            charts.HistoryLabels(
                title=f"{ind.code} — {ind.name}",
                unit=agreeing_unit(ind.unit, 2, language),  # the axis: plural
                target=i18n.t(language, "chart.target"),
                warning=i18n.t(language, "chart.warning"),
                alert=i18n.t(language, "chart.alert"),
                no_data=i18n.t(language, "chart.no_data"),
                trend=i18n.t(language, "chart.trend"),
                deadline=i18n.t(language, "chart.deadline", date=i18n.day(language, ind.target_date))
                if ind.target_date
                else "",
                # Each value with its own agreement: "1 réunion", "Cible (4 réunions)".
                latest_value=i18n.value(language, ind.kind, readings[0].value, ind.unit) if readings else "",
                target_value=i18n.value(language, ind.kind, th.target, ind.unit)
                if th.target is not None
                else "",
            ),
            trend=line,
            caption=caption,
            decimal_comma=language == "fr",
            is_bool=ind.kind is Kind.BOOL,
            bool_labels=(i18n.t(language, "bool.false"), i18n.t(language, "bool.true")),
            integer_values=whole,  # counts: whole ticks only
            deadline=ind.target_date,
            stamp=i18n.t(language, "chart.stamp", date=i18n.day(language, today)),
        )
        return history, caption, png


def read_command(command: RecordReading, ind: Any, *, today: dt.date) -> ReadingInput:
    """A typed reading read for its indicator (kind, unit, cadence) by the conventions of the user's
    language. When the workspace's language differs and would read another figure or period from the
    same text (`1,234`: 1234 in English, 1,234 in French), the reading is refused with a question."""
    return _one_meaning(
        lambda lang: _read_in(command, ind, lang, today=today), command.lang, ind.language, command.text
    )


def _one_meaning(
    read_in: Callable[[str], ReadingInput], lang: str, workspace_lang: str, text: str
) -> ReadingInput:
    """What `read_in` reads in the user's language, unless the workspace's reads another figure or period."""
    mine = read_in(lang)
    if workspace_lang == lang:
        return mine
    try:
        theirs = read_in(workspace_lang)
    except DomainError:
        return mine  # the workspace's conventions cannot read it: no second meaning
    if (theirs.value.value, theirs.period) != (mine.value.value, mine.period):
        raise InvalidInput("error.reads_two_ways", text=text[:40])
    return mine


def _read_in(command: RecordReading, ind: Any, lang: str, *, today: dt.date) -> ReadingInput:
    kind, cadence = Kind(ind.kind), Cadence(ind.cadence) if ind.cadence else None
    if command.note is None:
        return read_reading(command.text, kind=kind, unit=ind.unit, cadence=cadence, lang=lang, today=today)
    return read_form(
        command.text, command.period_text, command.note,
        kind=kind, unit=ind.unit, cadence=cadence, lang=lang, today=today,
    )  # fmt: skip


class FieldReader:
    """One indicator's readings from fields (a file's cells, a machine's batch), read as read_command
    reads a record form's, its kind and cadence looked up once for all its rows."""

    __slots__ = ("_kind", "_unit", "_cadence", "_lang", "_workspace_lang", "_today")

    def __init__(self, ind: Any, *, lang: str, today: dt.date) -> None:
        self._kind, self._unit = Kind(ind.kind), ind.unit
        self._cadence = Cadence(ind.cadence) if ind.cadence else None
        self._lang, self._workspace_lang, self._today = lang, ind.language, today

    def read(self, text: str, period_text: str, note: str) -> ReadingInput:
        """The value, period and note of one row (a period is required: an import does not guess)."""
        if self._lang == self._workspace_lang:  # one language: one reading (as _one_meaning reads it)
            return read_form(
                text, period_text, note,
                kind=self._kind, unit=self._unit, cadence=self._cadence, lang=self._lang, today=self._today,
            )  # fmt: skip
        return _one_meaning(
            lambda lang: read_form(
                text, period_text, note,
                kind=self._kind, unit=self._unit, cadence=self._cadence, lang=lang, today=self._today,
            ),
            self._lang, self._workspace_lang, text,
        )  # fmt: skip


def trend_of(history: IndicatorHistory, *, today: dt.date) -> tuple[Trend | None, Forecast]:
    """The trend of the latest readings and what it honestly says about the target on `today` (the
    workspace's date); a yes/no indicator has no trend, only reached or not."""
    ind, th = history.indicator, history.indicator.thresholds
    points = [(r.period.start, r.value) for r in history.readings]
    trend = fit_trend(points) if ind.kind is not Kind.BOOL else None
    oldest = history.readings[-1].value if history.readings else None
    direction = direction_of(
        target=th.target,
        warn_below=th.warn_below,
        alert_below=th.alert_below,
        warn_above=th.warn_above,
        alert_above=th.alert_above,
        first=oldest,
        stated=ind.direction,
    )
    latest = history.readings[0].value if history.readings else None
    outlook = forecast(
        trend,
        latest=latest,
        target=th.target,
        direction=direction,
        today=today,
        target_date=ind.target_date,
        readings=len(points),
        granularity=history.readings[0].period.granularity if history.readings else None,
    )
    if ind.kind is Kind.BOOL and outlook.kind not in ("reached", "deadline_passed", "no_target"):
        outlook = Forecast("no_data")  # no slope between "non" and "oui": nothing to forecast
    return trend, outlook


def forecast_text(
    lang: str, ind: IndicatorView, outlook: Forecast, *, latest: float | None = None, granularity: Any = None
) -> str:
    """What the readings say about the target, e.g. "At this pace the target (75 %) would be reached in
    March 2027" or "Uncertain trend: 3 readings, a forecast needs at least 5"; "" with no target or
    reading. A day is said as the period of the readings' `granularity` (a month by default)."""
    if outlook.kind in ("no_data", "no_target") or ind.thresholds.target is None:
        return ""
    target = i18n.value(lang, ind.kind, ind.thresholds.target, ind.unit)
    deadline = i18n.day(lang, ind.target_date) if ind.target_date else ""
    if outlook.kind == "uncertain":
        return _uncertain_text(lang, ind, outlook, latest, granularity)
    if outlook.kind == "reached" and outlook.reason == "stale" and outlook.day is not None:
        when = i18n.period(lang, Period.containing(outlook.day, granularity or Granularity.DAY))
        return i18n.t(lang, "forecast.reached_stale", target=target, period=when)
    month = _period_of(lang, outlook.day, granularity) if outlook.day else ""
    key = f"forecast.{outlook.kind}"
    if outlook.kind in ("on_pace", "not_before") and ind.target_date is not None:
        # "not before March" when the deadline is in February is "not by the deadline".
        past = outlook.kind == "not_before" and outlook.day is not None and outlook.day >= ind.target_date
        key = "forecast.not_by_deadline" if past else f"{key}_by"
    return i18n.t(lang, key, target=target, month=month, deadline=deadline)


def _period_of(lang: str, day: dt.date, granularity: Any) -> str:
    """ "mars 2027", "T2 2027", "2029": the period a day falls in (a month for days and weeks)."""
    unit = granularity if granularity in (Granularity.QUARTER, Granularity.YEAR) else Granularity.MONTH
    return i18n.period(lang, Period.containing(day, unit))


def _uncertain_text(
    lang: str, ind: IndicatorView, outlook: Forecast, latest: float | None, granularity: Any
) -> str:
    reason = outlook.reason
    if reason == "few_points":
        return i18n.tn(lang, "forecast.uncertain.few_points", outlook.count, least=MIN_POINTS)
    if reason == "short_span":
        return i18n.tn(lang, "forecast.uncertain.short_span", outlook.count, least=MIN_SPAN_DAYS)
    if reason == "stale" and outlook.day is not None:
        unit = granularity or Granularity.DAY
        return i18n.t(
            lang, "forecast.uncertain.stale", period=i18n.period(lang, Period.containing(outlook.day, unit))
        )
    if reason == "against" and latest is not None:
        down, up = N_("forecast.uncertain.against_down"), N_("forecast.uncertain.against_up")
        key = down if outlook.count < 0 else up
        return i18n.t(lang, key, value=i18n.value(lang, ind.kind, latest, ind.unit))
    return i18n.t(lang, "forecast.uncertain.noisy")
