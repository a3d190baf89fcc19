"""A whole workspace out (`pilote export`) and back in (`pilote import FILE.json`), one transaction each."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy.orm import Session

from bot.domain.errors import InvalidInput, NotAllowed
from bot.domain.exports import (
    ActionRecord,
    CommitteeRecord,
    Export,
    IndicatorRecord,
    JournalRecord,
    MilestoneRecord,
    ReadingRecord,
    WorkspaceRecord,
)
from bot.domain.keys import N_
from bot.domain.text import code_key
from bot.services.common import Clock, Defaults, utc, workspace_row
from storage import export_repositories as xrepo
from storage import repositories as repo
from storage.db import Database
from storage.models import (
    Action,
    ActionIndicator,
    ActionUpdate,
    CommitteeMeeting,
    Indicator,
    PlanMilestone,
    Reading,
)


def _values(row: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(row, name) for name in names}


def _fields(kind: type[Any], *leave: str) -> tuple[str, ...]:
    return tuple(name for name in kind.__dataclass_fields__ if name not in leave)


_INDICATOR = _fields(IndicatorRecord, "id")
_READING = _fields(ReadingRecord, "id", "indicator_id", "indicator", "supersedes_id")
_ACTION = _fields(ActionRecord, "id", "indicator_ids", "indicators")
_JOURNAL = _fields(JournalRecord, "id", "action_id", "action")
_MILESTONE = _fields(MilestoneRecord, "id")
_COMMITTEE = _fields(CommitteeRecord, "id")


def _aware(values: dict[str, Any]) -> dict[str, Any]:
    # SQLite hands some datetimes back naive; every stored time is UTC.
    return {k: utc(v) if hasattr(v, "tzinfo") and hasattr(v, "hour") else v for k, v in values.items()}


class ExportService:
    """Reads a workspace whole, and restores one into a workspace with no plan yet."""

    def __init__(
        self, db: Database, *, clock: Clock, defaults: Defaults, forget: Callable[[str], None]
    ) -> None:
        # `forget` drops a workspace's remembered settings, which a restore replaces.
        self._db, self._clock, self._defaults, self._forget = db, clock, defaults, forget

    def snapshot(self, *, team_id: str) -> Export:
        """Every indicator (archived ones too), reading (in every state), action, journal entry,
        milestone and committee of the workspace, read in one transaction."""
        with self._db.read() as session:
            return self._snapshot(session, team_id)

    def snapshot_for_admin(self, *, team_id: str, is_admin: Callable[[], bool]) -> Export:
        """The snapshot, for an app admin only (NotAllowed otherwise): it holds the whole workspace."""
        if not is_admin():  # asked before the read transaction: it may ask Slack
            raise NotAllowed(N_("error.export.admin_only"))
        return self.snapshot(team_id=team_id)

    def _snapshot(self, session: Session, team_id: str) -> Export:
        workspace = repo.get_workspace(session, team_id=team_id)
        if workspace is None:
            raise InvalidInput("cli.team.unknown", value=team_id, known=[])
        indicators = xrepo.all_rows(session, team_id=team_id, model=Indicator)
        codes = {row.id: row.code for row in indicators}
        readings = xrepo.all_rows(session, team_id=team_id, model=Reading)
        actions = xrepo.all_rows(session, team_id=team_id, model=Action)
        numbers = {row.id: row.number for row in actions}
        links: dict[int, list[int]] = {}
        for action_id, indicator_id in xrepo.action_links(session, team_id=team_id):
            links.setdefault(action_id, []).append(indicator_id)
        journal = xrepo.all_rows(session, team_id=team_id, model=ActionUpdate)
        milestones = xrepo.all_rows(session, team_id=team_id, model=PlanMilestone)
        committees = xrepo.all_rows(session, team_id=team_id, model=CommitteeMeeting)
        return Export(
            workspace=WorkspaceRecord(
                team_id=team_id, timezone=workspace.timezone, language=workspace.language
            ),
            exported_at=self._clock(),
            indicators=tuple(IndicatorRecord(id=r.id, **_aware(_values(r, _INDICATOR))) for r in indicators),
            readings=tuple(
                ReadingRecord(
                    id=r.id,
                    indicator_id=r.indicator_id,
                    indicator=codes[r.indicator_id],
                    supersedes_id=r.supersedes_id,
                    **_aware(_values(r, _READING)),
                )
                for r in readings
            ),
            actions=tuple(
                ActionRecord(
                    id=r.id,
                    indicator_ids=tuple(links.get(r.id, ())),
                    indicators=tuple(codes[i] for i in links.get(r.id, ())),
                    **_aware(_values(r, _ACTION)),
                )
                for r in actions
            ),
            journal=tuple(
                JournalRecord(
                    id=r.id,
                    action_id=r.action_id,
                    action=numbers[r.action_id],
                    **_aware(_values(r, _JOURNAL)),
                )
                for r in journal
            ),
            milestones=tuple(MilestoneRecord(id=r.id, **_aware(_values(r, _MILESTONE))) for r in milestones),
            committees=tuple(CommitteeRecord(id=r.id, **_aware(_values(r, _COMMITTEE))) for r in committees),
        )

    def restore(self, *, team_id: str, export: Export) -> Export:
        """Write a whole export into a workspace that has no indicator, action, milestone or committee
        yet (InvalidInput otherwise), in one transaction: states, corrections and withdrawals, authors
        and times as they were, ids renumbered. The workspace takes the export's time zone and
        language. Returns what the workspace now holds."""
        with self._db.write() as session:
            ws = workspace_row(session, team_id=team_id, defaults=self._defaults, now=self._clock())
            if xrepo.holds_a_plan(session, team_id=team_id):
                raise InvalidInput("error.restore.not_empty", team=team_id)
            ws.timezone = export.workspace.timezone or ws.timezone
            ws.language = export.workspace.language or ws.language
            self._restore(session, team_id, export)
            restored = self._snapshot(session, team_id)
        self._forget(team_id)
        return restored

    def _restore(self, session: Session, team_id: str, export: Export) -> None:
        def ids(old: dict[int, int], value: int | None, where: str) -> int:
            if value not in old:
                raise InvalidInput("error.restore.bad_document", where=where)
            return old[value]

        def renumbered(model: type[Any], old: Sequence[Any], rows: list[dict[str, Any]]) -> dict[int, int]:
            new = xrepo.insert_returning_ids(session, model=model, rows=rows)
            return dict(zip((r.id for r in old), new, strict=True))

        # An archived indicator's lookup key carries its id (IndicatorService.archive), which frees its
        # code: the old id holds the place until the new one is known.
        keys = {
            r.id: code_key(r.code) + ("" if r.archived_at is None else f"~{r.id}") for r in export.indicators
        }
        indicator_ids = renumbered(
            Indicator,
            export.indicators,
            [dict(team_id=team_id, code_key=keys[r.id], **_values(r, _INDICATOR)) for r in export.indicators],
        )
        xrepo.set_code_keys(
            session,
            keys=[
                (indicator_ids[r.id], f"{code_key(r.code)}~{indicator_ids[r.id]}")
                for r in export.indicators
                if r.archived_at is not None
            ],
        )
        readings = sorted(export.readings, key=lambda r: r.id)
        reading_ids = renumbered(
            Reading,
            readings,
            [
                dict(
                    team_id=team_id,
                    indicator_id=ids(indicator_ids, r.indicator_id, f"readings.{r.id}.indicator_id"),
                    **_values(r, _READING),
                )
                for r in readings
            ],
        )
        # Links set once every reading has its new id: a link never depends on the file's order.
        xrepo.set_supersedes(
            session,
            links=[
                (reading_ids[r.id], ids(reading_ids, r.supersedes_id, f"readings.{r.id}.supersedes_id"))
                for r in readings
                if r.supersedes_id is not None
            ],
        )
        action_ids = renumbered(
            Action, export.actions, [dict(team_id=team_id, **_values(r, _ACTION)) for r in export.actions]
        )
        xrepo.insert_rows(
            session,
            model=ActionIndicator,
            rows=[
                dict(action_id=action_ids[r.id], indicator_id=ids(indicator_ids, i, f"actions.{r.id}"))
                for r in export.actions
                for i in r.indicator_ids
            ],
        )
        xrepo.insert_rows(
            session,
            model=ActionUpdate,
            rows=[
                dict(
                    team_id=team_id,
                    action_id=ids(action_ids, r.action_id, f"journal.{r.id}"),
                    **_values(r, _JOURNAL),
                )
                for r in sorted(export.journal, key=lambda r: r.id)
            ],
        )
        xrepo.insert_rows(
            session,
            model=PlanMilestone,
            rows=[dict(team_id=team_id, **_values(r, _MILESTONE)) for r in export.milestones],
        )
        xrepo.insert_rows(
            session,
            model=CommitteeMeeting,
            rows=[dict(team_id=team_id, **_values(r, _COMMITTEE)) for r in export.committees],
        )
