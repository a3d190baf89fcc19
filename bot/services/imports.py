"""Many readings at once, from a file (`pilote import`) or a machine (the ingestion API): each row read
exactly as a typed `/kpi` reading, refused one by one with its reason, written in one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.domain.errors import DomainError, InvalidInput
from bot.domain.imports import ImportReport, Refusal, RowInput
from bot.domain.keys import N_
from bot.domain.text import close_codes, code_key, is_slack_user
from bot.services.alerting import StateBook, evaluate_reading
from bot.services.common import (
    Clock,
    Defaults,
    IndicatorViews,
    local_today,
    reading_values,
    workspace_row,
)
from bot.services.indicators import FieldReader
from storage import repositories as repo
from storage.db import Database

Progress = Callable[[int, int], None]  # (rows done, rows in all)
PROGRESS_EVERY = 2000


def _quiet(done: int, total: int) -> None:
    return None


class _NothingStored(Exception):
    """A dry run, or a refusal under all-or-nothing: the transaction is rolled back."""

    def __init__(self, report: ImportReport, answer: Answer | None = None) -> None:
        super().__init__("nothing stored")
        self.report, self.answer = report, answer


class IdempotencyConflict(DomainError):
    """An Idempotency-Key sent again with another body."""


@dataclass(frozen=True)
class Answer:
    """The answer to a batch: HTTP status and body; `replayed` when it is the kept answer of a batch
    taken before under the same key, `stored` the readings written this time."""

    status: int
    body: str
    replayed: bool = False
    stored: int = 0


class _Accepted(NamedTuple):
    """A row read for its indicator, with what it does to the stored readings."""

    line: int
    indicator_id: int
    values: dict[str, Any]
    replaces: Any  # the active reading of the same period, or None
    period: tuple[dt.date, str]  # (start, kind), as the stored columns say it


class ImportService:
    """Readings in bulk, by the rules of a typed reading."""

    def __init__(self, db: Database, *, clock: Clock, defaults: Defaults) -> None:
        self._db, self._clock, self._defaults = db, clock, defaults
        self._views = IndicatorViews()

    def record_rows(
        self,
        *,
        team_id: str,
        rows: Sequence[RowInput],
        refused: Sequence[Refusal] = (),
        source: str,
        recorded_by: str,
        lang: str | None = None,
        dry_run: bool = False,
        all_or_nothing: bool = False,
        progress: Progress = _quiet,
    ) -> ImportReport:
        """Read every row as `/kpi <code> <value> @<period> <note>` would be read (in `lang`, else the
        workspace's language) and store the accepted ones in one transaction: a new period is added, a
        stored period with another value is corrected (the earlier value kept, superseded), the same
        value again changes nothing. Rows are refused one by one (unknown code, unreadable value or
        period, the same period twice: both rows, which is right is not guessed); with
        `all_or_nothing`, one refusal stores nothing. Alerts are
        evaluated once per indicator, for its newest period, and only when that period is the
        indicator's newest: history raises no alert. A dry run reports and stores nothing."""
        try:
            with self._db.write() as session:
                report = self._record_rows(
                    session,
                    team_id,
                    rows,
                    refused,
                    source,
                    recorded_by,
                    lang,
                    dry_run,
                    all_or_nothing,
                    progress,
                )
                if not report.committed:
                    raise _NothingStored(report)  # rolls the transaction back: not a row, not a lock left
                return report
        except _NothingStored as nothing:
            return nothing.report

    def ingest(
        self,
        *,
        team_id: str,
        token_id: int,
        token_name: str,
        idempotency_key: str | None,
        body_hash: str,
        rows: Sequence[RowInput],
        lang: str | None,
        partial: bool,
        respond: Callable[[ImportReport], tuple[int, str]],
    ) -> Answer:
        """A machine's batch (the ingestion API), read and stored as `record_rows` does, all or nothing
        unless `partial`; `respond` turns the report into the HTTP answer (status, body). Under an
        Idempotency-Key, the answer is kept with the readings, in the same transaction: the same key
        again gets that answer back and records nothing (another body under it is a conflict); a
        batch that stored nothing keeps no key, so that it can be sent again once mended."""
        for attempt in (1, 2):
            try:
                with self._db.write() as session:
                    if idempotency_key is not None:
                        kept = repo.kept_request(session, team_id=team_id, idempotency_key=idempotency_key)
                        if kept is not None:
                            if kept.body_hash != body_hash:
                                raise IdempotencyConflict(N_("error.api.idempotency_conflict"))
                            return Answer(kept.status, kept.response, replayed=True)
                        # Taken first: the same key sent at the same time waits here for this commit.
                        repo.claim_request(
                            session,
                            team_id=team_id,
                            idempotency_key=idempotency_key,
                            body_hash=body_hash,
                            now=self._clock(),
                        )
                    report = self._record_rows(
                        session,
                        team_id,
                        rows,
                        (),
                        "api",
                        f"api:{token_name}"[:32],
                        lang,
                        False,
                        not partial,
                        _quiet,
                    )
                    status, body = respond(report)
                    if not report.committed:
                        raise _NothingStored(report, Answer(status, body))
                    repo.token_used(session, token_id=token_id, at=self._clock())
                    if idempotency_key is not None:
                        repo.keep_answer(
                            session,
                            team_id=team_id,
                            idempotency_key=idempotency_key,
                            status=status,
                            response=body,
                        )
                    return Answer(status, body, stored=report.new + report.corrected)
            except _NothingStored as nothing:
                assert nothing.answer is not None
                return nothing.answer
            except IntegrityError:
                if attempt == 2 or idempotency_key is None:
                    raise  # the key was taken meanwhile: the next attempt answers as that one did
        raise AssertionError("unreachable")

    def _record_rows(
        self,
        session: Session,
        team_id: str,
        rows: Sequence[RowInput],
        refused: Sequence[Refusal],
        source: str,
        recorded_by: str,
        lang: str | None,
        dry_run: bool,
        all_or_nothing: bool,
        progress: Progress,
    ) -> ImportReport:
        refusals = list(refused)
        now = self._clock()
        found = repo.indicators_for_readings(session, team_id=team_id)
        # The workspace's time zone and language come with its indicators; with none, from its row.
        ws = found[0] if found else workspace_row(session, team_id=team_id, defaults=self._defaults, now=now)
        today = local_today(now, ws.timezone)
        indicators = {row.code_key: row for row in found}
        typed_rows: list[tuple[RowInput, Any, tuple[int, dt.date, str]]] = []  # (row, read, its key)
        warnings: list[Refusal] = []
        accepted: list[_Accepted] = []
        unchanged = 0
        seen: dict[tuple[int, dt.date, str], int] = {}  # an indicator's period -> its first line
        doubled: set[tuple[int, dt.date, str]] = set()  # periods given twice: refused on every line
        # A code as written -> its indicator's id and reader (kind, cadence): a file repeats its codes.
        readers: dict[str, tuple[int, FieldReader]] = {}
        suggested: dict[str, list[str]] = {}  # an unknown code's lookup key -> the codes close to it
        lang = lang or ws.language
        for done, row in enumerate(rows, start=1):
            if done % PROGRESS_EVERY == 0:
                progress(done, len(rows))
            period_text = _period_text(row)
            try:
                known = readers.get(row.code)
                if known is None or not row.value or not period_text:  # checked, or refused, once
                    ind = _indicator_of(indicators, row, code_key(row.code), period_text, suggested)
                    known = readers[row.code] = (ind.id, FieldReader(ind, lang=lang, today=today))
                ind_id, reader = known
                typed = reader.read(row.value, period_text, row.note)
            except DomainError as err:
                refusals.append(Refusal(row.line, err.key, dict(err.params)))
                continue
            if row.author and not is_slack_user(row.author):
                refusals.append(Refusal(row.line, N_("error.import.author"), {"value": row.author[:40]}))
                continue
            period = typed.period
            key = (ind_id, period.start, str(period.granularity))  # str: the value, without the enum's call
            if key in seen:  # which of the two is right is not guessed: both are refused
                first = seen[key]
                refusals.append(Refusal(row.line, N_("error.import.duplicate"), {"other": first}))
                if key not in doubled:
                    doubled.add(key)
                    refusals.append(Refusal(first, N_("error.import.duplicate"), {"other": row.line}))
                continue
            seen[key] = row.line
            typed_rows.append((row, typed, key))
        progress(len(rows), len(rows))
        if doubled:
            typed_rows = [kept for kept in typed_rows if kept[2] not in doubled]
        # Only the periods the rows name, and the newest of each indicator they touch, are read: a
        # batch of 1,000 readings reads 1,000 rows, not the indicators' whole history.
        touched = sorted({key[0] for _, _, key in typed_rows})
        starts = [key[1] for _, _, key in typed_rows]
        stored = _by_period(
            repo.active_readings_between(
                session,
                indicator_ids=touched,
                first=min(starts, default=today),
                last=max(starts, default=today),
            )
        )
        for row, typed, key in typed_rows:
            parsed = typed.value
            before = stored.get(key)
            # The same figure again changes nothing; nor does it with no note (a file without the
            # note column, or an empty cell, does not erase the stored note: a new note replaces it).
            if (
                before is not None
                and (before.value, before.numerator, before.denominator)
                == (parsed.value, parsed.numerator, parsed.denominator)
                and typed.note in (before.note, "")
            ):
                unchanged += 1
                continue
            values = reading_values(
                team_id=team_id,
                indicator_id=key[0],
                typed=typed,
                recorded_by=row.author or recorded_by,
                now=now,
                source=source,
                supersedes=before,
            )
            if before is not None and not typed.note:
                values["note"] = before.note  # a row with no note corrects the figure, not the note
            accepted.append(_Accepted(row.line, key[0], values, before, key[1:]))
            if parsed.warnings:  # stored, as typed, and said: "120 %" may be a slip
                warnings.append(
                    Refusal(row.line, N_("import.warning.percent_out_of_range"), {"value": row.value})
                )
        refusals.sort(key=lambda r: r.line)
        write = not dry_run and not (all_or_nothing and refusals)
        notices = 0
        if write:
            # What each indicator was before these rows: its newest period, and the reading before
            # the newest one imported (for its relative-change alert), read before anything changes.
            newest = _two_newest(accepted)
            latest = repo.latest_active_of(session, indicator_ids=list(newest))
            moving: dict[int, Any] = {}  # indicator -> the stored reading before its newest imported one
            for ind_id, (a, _) in newest.items():
                last, mine = latest.get(ind_id), a.period
                if last is None or mine > _stored_period(last):
                    moving[ind_id] = last  # appended after the newest: the newest is the one before
                elif mine == _stored_period(last):  # the newest period corrected
                    moving[ind_id] = repo.latest_active_before(session, indicator_id=ind_id, before=mine[0])
                # else a backfill: it leaves the state alone, its newest period is older news
            repo.set_reading_states(
                session,
                reading_ids=[a.replaces.id for a in accepted if a.replaces is not None],
                state=repo.SUPERSEDED,
            )
            repo.insert_readings(session, rows=[a.values for a in accepted])
            notices = self._evaluate(session, team_id, indicators, newest, moving, now)
        codes = {a.indicator_id for a in accepted}
        report = ImportReport(
            rows=len(rows) + len(refused),
            new=sum(1 for a in accepted if a.replaces is None),
            corrected=sum(1 for a in accepted if a.replaces is not None),
            unchanged=unchanged,
            refused=tuple(refusals),
            committed=write,
            indicators=tuple(sorted(r.code for r in indicators.values() if r.id in codes)),
            notices=notices,
            dry_run=dry_run,
            warnings=tuple(warnings),
        )
        return report

    def _evaluate(
        self,
        session: Session,
        team_id: str,
        indicators: dict[str, Any],
        newest: dict[int, tuple[_Accepted, _Accepted | None]],
        moving: dict[int, Any],
        now: dt.datetime,
    ) -> int:
        """Alerts for each indicator whose newest imported period is its newest (`moving`: with the
        stored reading before that period)."""
        by_id = {row.id: row for row in indicators.values()}
        ids = _inserted_ids(session, {ind_id: newest[ind_id][0].period for ind_id in moving})
        book = StateBook(session, indicator_ids=list(moving))
        notices = 0
        for ind_id, stored_before in moving.items():
            a, runner_up = newest[ind_id]
            # The period just before the newest one: imported with it, else stored already (both
            # older than the newest; on the same period, the imported value is the one that stands).
            previous = runner_up.values["value"] if runner_up is not None else None
            if stored_before is not None and (
                runner_up is None or _stored_period(stored_before) > runner_up.period
            ):
                previous = stored_before.value
            queued = evaluate_reading(
                session,
                indicator=self._views.of(by_id[ind_id]),
                team_id=team_id,
                reading={"id": ids[ind_id], **a.values},
                now=now,
                previous_value=previous,
                book=book,
            )
            notices += len(queued)
        book.write(session)  # the states and messages, once for the batch
        return notices


def _inserted_ids(session: Session, periods: dict[int, tuple[dt.date, str]]) -> dict[int, int]:
    """The ids of the readings just stored for these indicators' periods, each now its indicator's
    newest: one index seek each."""
    newest = repo.latest_active_of(session, indicator_ids=list(periods))
    assert all((newest[i].period_start, newest[i].period_kind) == p for i, p in periods.items())
    return {i: newest[i].id for i in periods}


def _two_newest(accepted: list[_Accepted]) -> dict[int, tuple[_Accepted, _Accepted | None]]:
    """Each indicator's newest accepted row, and the one of the period just before (None if alone)."""
    two: dict[int, tuple[_Accepted, _Accepted | None]] = {}
    for a in accepted:
        pair = two.get(a.indicator_id)
        if pair is None:
            two[a.indicator_id] = (a, None)
        elif a.period > pair[0].period:
            two[a.indicator_id] = (a, pair[0])
        elif pair[1] is None or a.period > pair[1].period:
            two[a.indicator_id] = (pair[0], a)
    return two


def _period_text(row: RowInput) -> str:
    """The period as written, a leading `@` aside (`@T3 2026`, as after /kpi)."""
    return row.period.strip().removeprefix("@").strip()


def _stored_period(row: Any) -> tuple[dt.date, str]:
    return row.period_start, row.period_kind


def _by_period(rows: Sequence[Any]) -> dict[tuple[int, dt.date, str], Any]:
    return {(r.indicator_id, r.period_start, r.period_kind): r for r in rows}


def _indicator_of(
    indicators: dict[str, Any], row: RowInput, key: str, period_text: str, suggested: dict[str, list[str]]
) -> Any:
    if not row.code:
        raise InvalidInput("error.import.missing_code")
    if not row.value:
        raise InvalidInput("error.import.missing_value", code=row.code)
    if not period_text:  # never the current period by default: an import does not guess
        raise InvalidInput("error.import.missing_period", code=row.code)
    ind = indicators.get(key)
    if ind is None:
        close = suggested.get(key)
        if close is None:  # once per code: a file repeats its mistakes
            close = suggested[key] = close_codes(row.code, (r.code for r in indicators.values()))
        if close:
            raise InvalidInput("error.import.unknown_code_close", code=row.code[:40], suggestions=close)
        raise InvalidInput("error.import.unknown_code", code=row.code[:40])
    return ind
