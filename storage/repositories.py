"""Queries. Each takes a Session and never commits: the caller owns the transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    CursorResult,
    Row,
    Table,
    bindparam,
    case,
    func,
    insert,
    literal_column,
    select,
    true,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import Executable

from storage.models import (
    AlertState,
    ApiRequest,
    ApiToken,
    Indicator,
    OutboxMessage,
    Reading,
    UserSetting,
    Workspace,
)

_INDICATORS: Table = Indicator.__table__  # type: ignore[assignment]
_READINGS: Table = Reading.__table__  # type: ignore[assignment]
_WORKSPACES: Table = Workspace.__table__  # type: ignore[assignment]
_OUTBOX: Table = OutboxMessage.__table__  # type: ignore[assignment]
_ALERT_STATES: Table = AlertState.__table__  # type: ignore[assignment]
_API_REQUESTS: Table = ApiRequest.__table__  # type: ignore[assignment]
_API_TOKENS: Table = ApiToken.__table__  # type: ignore[assignment]

ACTIVE = "active"
SUPERSEDED = "superseded"
WITHDRAWN = "withdrawn"

# A literal, not a bound parameter: SQLite only uses the partial index on active readings when the
# query's condition is the index's own `state = 'active'`.
_IS_ACTIVE = _READINGS.c.state == literal_column("'active'")


def get_or_create_workspace(
    session: Session, *, team_id: str, timezone: str, language: str, now: dt.datetime
) -> Workspace:
    """The workspace row, created with the given defaults on first use (also by racing first commands)."""
    ws = session.get(Workspace, team_id)
    if ws is None:
        # The first commands of a new workspace may come at once: whichever inserts first wins, the
        # others insert nothing (PostgreSQL waits for the winner's commit) and read its row.
        values = dict(team_id=team_id, timezone=timezone, language=language, created_at=now)
        insert_if_new(session, model=Workspace, keys=("team_id",), values=values)
        ws = session.get(Workspace, team_id)
        assert ws is not None
    return ws


def insert_if_new(session: Session, *, model: type[Any], keys: Sequence[str], values: dict[str, Any]) -> None:
    """INSERT ... ON CONFLICT (keys) DO NOTHING, in SQLite's or PostgreSQL's dialect."""
    dialect = session.get_bind().dialect.name
    upsert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(upsert(model).values(**values).on_conflict_do_nothing(index_elements=list(keys)))


def workspace_ids(session: Session, *, limit: int) -> list[str]:
    """Team ids of the workspaces, at most `limit` of them, in order."""
    return list(session.scalars(select(Workspace.team_id).order_by(Workspace.team_id).limit(limit)))


def get_workspace(session: Session, *, team_id: str) -> Workspace | None:
    """The workspace row, if any."""
    return session.get(Workspace, team_id)


def user_language(session: Session, *, team_id: str, user_id: str) -> str | None:
    """The language a user chose, if they chose one."""
    row = session.get(UserSetting, (team_id, user_id))
    return row.language if row is not None else None


def set_user_language(
    session: Session, *, team_id: str, user_id: str, language: str | None, now: dt.datetime
) -> None:
    """Store a user's choice of language; None forgets it (Slack's language applies again)."""
    row = session.get(UserSetting, (team_id, user_id))
    if language is None:
        if row is not None:
            session.delete(row)
        return
    if row is None:
        values = dict(team_id=team_id, user_id=user_id, language=language, updated_at=now)
        insert_if_new(session, model=UserSetting, keys=("team_id", "user_id"), values=values)
        row = session.get(UserSetting, (team_id, user_id))
        assert row is not None
    row.language, row.updated_at = language, now


def find_indicator(session: Session, *, team_id: str, code_key: str, lock: bool = False) -> Indicator | None:
    """The indicator with that lookup key in the workspace; `lock` holds its row until commit."""
    stmt = select(Indicator).where(
        Indicator.team_id == team_id, Indicator.code_key == code_key, Indicator.archived_at.is_(None)
    )
    if lock:
        stmt = stmt.with_for_update()
    return session.scalars(stmt).one_or_none()


def list_indicators(session: Session, *, team_id: str) -> Sequence[Indicator]:
    """All indicators of the workspace, by code."""
    stmt = (
        select(Indicator)
        .where(Indicator.team_id == team_id, Indicator.archived_at.is_(None))
        .order_by(Indicator.code_key)
    )
    return session.scalars(stmt).all()


def indicator_codes(session: Session, *, team_id: str) -> list[str]:
    """Codes of every indicator of the workspace (for suggestions)."""
    stmt = select(Indicator.code).where(Indicator.team_id == team_id, Indicator.archived_at.is_(None))
    return list(session.scalars(stmt))


def active_readings(session: Session, *, indicator_id: int, limit: int | None = None) -> Sequence[Reading]:
    """Active readings of an indicator, newest period first."""
    stmt = (
        select(Reading)
        .where(Reading.indicator_id == indicator_id, _IS_ACTIVE)
        .order_by(Reading.period_start.desc(), Reading.id.desc())
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    return session.scalars(stmt).all()


def latest_active_readings(session: Session, *, team_id: str) -> dict[int, Reading]:
    """For each live indicator of the workspace, its active reading with the latest period (one query).

    One index seek per indicator (the partial index on active readings, read backwards), so the cost
    follows the number of indicators, not the number of readings they have accumulated.
    """
    newest = (
        select(Reading.id)
        .where(Reading.indicator_id == Indicator.id, _IS_ACTIVE)
        .order_by(Reading.indicator_id.desc(), Reading.period_start.desc())
        .limit(1)
        .correlate(Indicator)
        .scalar_subquery()
    )
    stmt = (
        select(Reading)
        .join(Indicator, Reading.id == newest)
        .where(Indicator.team_id == team_id, Indicator.archived_at.is_(None))
    )
    return {r.indicator_id: r for r in session.scalars(stmt)}


def has_readings(session: Session, *, indicator_id: int) -> bool:
    """Whether the indicator has any reading at all, withdrawn or corrected ones included."""
    stmt = select(Reading.id).where(Reading.indicator_id == indicator_id).limit(1)
    return session.scalars(stmt).first() is not None


def reading_kinds(session: Session, *, indicator_id: int) -> set[str]:
    """The period kinds (day, week, month…) of the indicator's active readings."""
    stmt = select(Reading.period_kind).where(Reading.indicator_id == indicator_id, _IS_ACTIVE).distinct()
    return set(session.scalars(stmt))


def last_reading_by(
    session: Session, *, team_id: str, user_id: str, indicator_id: int | None = None
) -> Reading | None:
    """The user's most recently recorded reading that is still active (of one indicator, if given)."""
    stmt = (
        select(Reading)
        .where(Reading.team_id == team_id, Reading.recorded_by == user_id, _IS_ACTIVE)
        .order_by(Reading.recorded_at.desc(), Reading.id.desc())
        .limit(1)
    )
    if indicator_id is not None:
        stmt = stmt.where(Reading.indicator_id == indicator_id)
    return session.scalars(stmt).one_or_none()


# The reading hot path (every /kpi <code> <value>) answers Slack within its ack: it runs statements
# built once, with bound parameters, as Core rows. Building statements and ORM bookkeeping were most
# of its cost.
_INDICATOR_FOR_READING = (
    select(_INDICATORS, _WORKSPACES.c.timezone, _WORKSPACES.c.language)
    .join(_WORKSPACES, _WORKSPACES.c.team_id == _INDICATORS.c.team_id)
    .where(
        _INDICATORS.c.team_id == bindparam("team_id"),
        _INDICATORS.c.code_key == bindparam("code_key"),
        _INDICATORS.c.archived_at.is_(None),
    )
    .with_for_update(of=_INDICATORS)
)
_ACTIVE_FOR_PERIOD = select(_READINGS).where(
    _READINGS.c.indicator_id == bindparam("indicator_id"),
    _READINGS.c.period_start == bindparam("period_start"),
    _READINGS.c.period_kind == bindparam("period_kind"),
    _IS_ACTIVE,
)


def _newest_first(readings: Any) -> tuple[Any, ...]:
    """An indicator's readings newest period first, in the active-period index's order; of two periods
    that start on the same day (week 23 and June 2026), the greater kind, as periods compare."""
    return (readings.c.indicator_id.desc(), readings.c.period_start.desc(), readings.c.period_kind.desc())


_LATEST_ACTIVE = (
    select(_READINGS)
    .where(_READINGS.c.indicator_id == bindparam("indicator_id"), _IS_ACTIVE)
    .order_by(*_newest_first(_READINGS))
    .limit(1)
)
_SET_STATE = (
    update(_READINGS).where(_READINGS.c.id == bindparam("reading_id")).values(state=bindparam("state"))
)
_INSERT_READING = insert(_READINGS)
_INSERT_OUTBOX = insert(_OUTBOX)


def _run(
    session: Session, stmt: Executable, params: dict[str, Any] | list[dict[str, Any]]
) -> CursorResult[Any]:
    """A hot-path Core statement, run on the session's connection: Session.execute's ORM machinery
    cost more than the statement itself (about 40 µs of CPU each)."""
    if session.autoflush:
        session.flush()  # pending ORM changes first, as Session.execute would (a no-op when none)
    return session.connection().execute(stmt, params)


def indicator_for_reading(session: Session, *, team_id: str, code_key: str) -> Row[Any] | None:
    """The indicator row with its workspace's time zone and language, locked until commit (PostgreSQL)."""
    return _run(session, _INDICATOR_FOR_READING, {"team_id": team_id, "code_key": code_key}).one_or_none()


def period_and_latest_rows(
    session: Session, *, indicator_id: int, period_start: dt.date, period_kind: str
) -> tuple[Row[Any] | None, Row[Any] | None]:
    """(the active reading of that period, the active reading with the latest period), two index seeks."""
    params = {"indicator_id": indicator_id, "period_start": period_start, "period_kind": period_kind}
    same = _run(session, _ACTIVE_FOR_PERIOD, params).one_or_none()
    latest = _run(session, _LATEST_ACTIVE, {"indicator_id": indicator_id}).first()
    return same, latest


def set_reading_state(session: Session, *, reading_id: int, state: str) -> None:
    """Mark a reading superseded, withdrawn or active again."""
    _run(session, _SET_STATE, {"reading_id": reading_id, "state": state})


def insert_outbox_messages(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Queue messages, in one statement (Core: the ORM's unit of work cost more than the rows)."""
    if rows:
        _run(session, _INSERT_OUTBOX, list(rows))


# A first alert state: nothing acknowledged, snoozed, repeated or escalated yet.
NEW_ALERT_STATE: dict[str, Any] = dict(
    alert_key=None,
    acknowledged_at=None,
    acknowledged_by=None,
    snoozed_until=None,
    snoozed_to_next_reading=False,
    repeated_at=None,
    escalated_at=None,
)


def alert_states_of(session: Session, *, indicator_ids: Sequence[int]) -> list[dict[str, Any]]:
    """These indicators' alert states (those that have one), every column, in one query."""
    if not indicator_ids:
        return []
    return [dict(row) for row in _run(session, _ALERT_STATES_OF, {"ids": list(indicator_ids)}).mappings()]


# Built once: a batch runs it each time (building and keying a statement costs as much as running it).
_ALERT_STATES_OF = select(_ALERT_STATES).where(
    _ALERT_STATES.c.indicator_id.in_(bindparam("ids", expanding=True))
)


_INSERT_STATE = insert(_ALERT_STATES)
_WRITE_STATE: dict[tuple[str, ...], Any] = {}  # the columns written -> their UPDATE, built once


def _write_state(columns: tuple[str, ...]) -> Any:
    stmt = _WRITE_STATE.get(columns)
    if stmt is None:
        stmt = _WRITE_STATE[columns] = (
            update(_ALERT_STATES)
            .where(_ALERT_STATES.c.indicator_id == bindparam("b_indicator_id"))
            .values({name: bindparam(f"b_{name}") for name in columns})
        )
    return stmt


def write_alert_states(
    session: Session, *, changed: dict[tuple[str, ...], list[dict[str, Any]]], new: Sequence[dict[str, Any]]
) -> None:
    """Alert states written back and first ones inserted: `changed` holds, by the columns that
    changed, each state's indicator_id and those columns' new values; one statement per set of
    columns (a level and its date, mostly), one for the new states."""
    for columns, rows in changed.items():
        params = [{f"b_{name}": row[name] for name in ("indicator_id", *columns)} for row in rows]
        _run(session, _write_state(columns), params)
    if new:
        _run(session, _INSERT_STATE, list(new))


def insert_reading(session: Session, **values: Any) -> int:
    """Insert a reading; return its id."""
    result = _run(session, _INSERT_READING, values)
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def recent_active_readings(
    session: Session, *, team_id: str, per_indicator: int, from_day: dt.date, since: dt.datetime
) -> Sequence[Any]:
    """(id, indicator_id, value, is_new) of the newest `per_indicator` active readings of each live
    indicator from `from_day` on, `is_new` when recorded after `since` (one query); by indicator, then
    period, oldest first. Narrow rows: a dashboard reads thousands of them."""
    ranked = (
        select(
            _READINGS.c.id,
            func.row_number()
            .over(partition_by=_READINGS.c.indicator_id, order_by=_READINGS.c.period_start.desc())
            .label("rank"),
        )
        .join(_INDICATORS, _INDICATORS.c.id == _READINGS.c.indicator_id)
        .where(
            _INDICATORS.c.team_id == team_id,
            _INDICATORS.c.archived_at.is_(None),
            _IS_ACTIVE,
            _READINGS.c.period_start >= from_day,
        )
        .subquery()
    )
    stmt = (
        select(
            _READINGS.c.id,
            _READINGS.c.indicator_id,
            _READINGS.c.value,
            case((_READINGS.c.recorded_at > since, 1), else_=0).label("is_new"),
        )
        .join(ranked, ranked.c.id == _READINGS.c.id)
        .where(ranked.c.rank <= per_indicator)
        .order_by(_READINGS.c.indicator_id, _READINGS.c.period_start)
    )
    return session.execute(stmt).all()


def readings_by_id(session: Session, *, ids: Sequence[int]) -> dict[int, Reading]:
    """The readings with these ids (one query)."""
    if not ids:
        return {}
    return {r.id: r for r in session.scalars(select(Reading).where(Reading.id.in_(ids)))}


def workspaces_of(session: Session, team_ids: Sequence[str]) -> Sequence[Workspace]:
    """The workspaces with these ids (one query)."""
    if not team_ids:
        return []
    return session.scalars(select(Workspace).where(Workspace.team_id.in_(set(team_ids)))).all()


# Many readings at once (an import, a machine's batch): one statement a step, whatever the row count.
_LIVE_INDICATORS_FOR_READINGS = (
    select(_INDICATORS, _WORKSPACES.c.timezone, _WORKSPACES.c.language)
    .join(_WORKSPACES, _WORKSPACES.c.team_id == _INDICATORS.c.team_id)
    .where(_INDICATORS.c.team_id == bindparam("team_id"), _INDICATORS.c.archived_at.is_(None))
    .order_by(_INDICATORS.c.id)
    .with_for_update(of=_INDICATORS)
)
_SET_STATES = update(_READINGS).where(_READINGS.c.id == bindparam("reading_id"))


def indicators_for_readings(session: Session, *, team_id: str) -> Sequence[Row[Any]]:
    """Every live indicator of the workspace with its time zone and language, locked until commit
    (PostgreSQL), so that no typed reading slips between an import's reads and its writes."""
    return _run(session, _LIVE_INDICATORS_FOR_READINGS, {"team_id": team_id}).all()


def active_readings_between(
    session: Session, *, indicator_ids: Sequence[int], first: dt.date, last: dt.date
) -> Sequence[Row[Any]]:
    """The active readings of these indicators whose periods start from `first` to `last` (every
    column), in one query."""
    if not indicator_ids:
        return []
    params = {"ids": list(indicator_ids), "first": first, "last": last}
    return _run(session, _ACTIVE_BETWEEN, params).all()


_ACTIVE_BETWEEN = select(_READINGS).where(  # built once, as _ALERT_STATES_OF
    _READINGS.c.indicator_id.in_(bindparam("ids", expanding=True)),
    _READINGS.c.period_start.between(bindparam("first"), bindparam("last")),
    _IS_ACTIVE,
)


_NEWEST_COLUMN_NAMES = ("id", "indicator_id", "period_start", "period_kind", "value")
_NEWEST = _READINGS.alias("newest")
_NEWEST_OF_INDICATOR = (
    _NEWEST.c.indicator_id == _INDICATORS.c.id,
    _NEWEST.c.state == literal_column("'active'"),
)
_ASKED = _INDICATORS.c.id.in_(bindparam("indicator_ids", expanding=True))
# SQLite: each indicator's newest id by a correlated seek, then that row by its id.
_NEWEST_ID = select(_NEWEST.c.id).where(*_NEWEST_OF_INDICATOR).order_by(*_newest_first(_NEWEST)).limit(1)
_NEWEST_OF_SQLITE = select(*[_READINGS.c[name] for name in _NEWEST_COLUMN_NAMES]).where(
    _READINGS.c.id.in_(select(_NEWEST_ID.scalar_subquery()).where(_ASKED))
)
# PostgreSQL: the same seek as a lateral join, that returns the row itself. Written as SQLite's, the
# planner hashed the whole table to look the ids up whenever its statistics said the table was small
# (a first import: 17 ms at 40,000 readings, and growing, until autovacuum's ANALYZE).
_NEWEST_ROW = (
    select(*[_NEWEST.c[name] for name in _NEWEST_COLUMN_NAMES])
    .where(*_NEWEST_OF_INDICATOR)
    .order_by(*_newest_first(_NEWEST))
    .limit(1)
    .lateral("newest_row")
)
_NEWEST_OF_POSTGRESQL = select(_NEWEST_ROW).select_from(_INDICATORS.join(_NEWEST_ROW, true())).where(_ASKED)


def latest_active_of(session: Session, *, indicator_ids: Sequence[int]) -> dict[int, Row[Any]]:
    """(id, indicator_id, period_start, period_kind, value) of the active reading of each indicator's
    newest period (those that have one; _newest_first), in one statement that seeks the index once
    per indicator (a window over the indicators' whole history would read all of it, at every batch)."""
    if not indicator_ids:
        return {}
    sqlite_db = session.get_bind().dialect.name == "sqlite"
    stmt = _NEWEST_OF_SQLITE if sqlite_db else _NEWEST_OF_POSTGRESQL
    rows = _run(session, stmt, {"indicator_ids": list(indicator_ids)}).all()
    return {row.indicator_id: row for row in rows}


def latest_active_before(session: Session, *, indicator_id: int, before: dt.date) -> Row[Any] | None:
    """The active reading of the newest period that starts before `before`, if any."""
    stmt = (
        select(_READINGS)
        .where(_READINGS.c.indicator_id == indicator_id, _READINGS.c.period_start < before, _IS_ACTIVE)
        .order_by(*_newest_first(_READINGS))
        .limit(1)
    )
    return session.execute(stmt).first()


def set_reading_states(session: Session, *, reading_ids: Sequence[int], state: str) -> None:
    """Mark many readings superseded (one executemany)."""
    if reading_ids:
        session.execute(_SET_STATES.values(state=state), [{"reading_id": i} for i in reading_ids])


def insert_readings(session: Session, *, rows: Sequence[dict[str, Any]]) -> None:
    """Insert many readings (one executemany)."""
    if rows:
        session.execute(_INSERT_READING, list(rows))


# A machine's batch: its Idempotency-Key and token, a statement each (Core: a batch is on the hot path).
_KEPT_REQUEST = select(_API_REQUESTS.c.body_hash, _API_REQUESTS.c.status, _API_REQUESTS.c.response).where(
    _API_REQUESTS.c.team_id == bindparam("team_id"),
    _API_REQUESTS.c.idempotency_key == bindparam("idempotency_key"),
)
_CLAIM_REQUEST = insert(_API_REQUESTS)
_KEEP_ANSWER = (
    update(_API_REQUESTS)
    .where(
        _API_REQUESTS.c.team_id == bindparam("b_team_id"),
        _API_REQUESTS.c.idempotency_key == bindparam("b_idempotency_key"),
    )
    .values(status=bindparam("b_status"), response=bindparam("b_response"))
)
_TOKEN_USED = (
    update(_API_TOKENS).where(_API_TOKENS.c.id == bindparam("b_id")).values(last_used_at=bindparam("b_at"))
)


def kept_request(session: Session, *, team_id: str, idempotency_key: str) -> Row[Any] | None:
    """(body_hash, status, response) of the batch taken under this key, if any."""
    params = {"team_id": team_id, "idempotency_key": idempotency_key}
    return _run(session, _KEPT_REQUEST, params).one_or_none()


def claim_request(
    session: Session, *, team_id: str, idempotency_key: str, body_hash: str, now: dt.datetime
) -> None:
    """The key taken for this batch, its answer still to come (another taking it at the same time
    waits for this transaction, then fails on the primary key)."""
    values = dict(team_id=team_id, idempotency_key=idempotency_key, body_hash=body_hash)
    _run(session, _CLAIM_REQUEST, {**values, "status": 0, "response": "", "created_at": now})


def keep_answer(session: Session, *, team_id: str, idempotency_key: str, status: int, response: str) -> None:
    """The answer given to the batch taken under this key, sent again on a replay."""
    params = {"b_team_id": team_id, "b_idempotency_key": idempotency_key, "b_status": status}
    _run(session, _KEEP_ANSWER, {**params, "b_response": response})


def token_used(session: Session, *, token_id: int, at: dt.datetime) -> None:
    """When the token was last used (nothing when it is gone)."""
    _run(session, _TOKEN_USED, {"b_id": token_id, "b_at": at})
