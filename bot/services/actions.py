"""The action plan: create and update actions (every change journaled), list them, plan governance."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable, Sequence

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.domain.action_grammar import ActionFields, parse_day
from bot.domain.actions import (
    DOMAIN_WORDS,
    GUIDE_DOMAINS,
    STATUS_WORDS,
    ActionCard,
    ActionStatus,
    ActionUpdateView,
    ActionView,
    Difficulty,
    Engagement,
    PlanSummary,
    Priority,
    apply_status,
)
from bot.domain.errors import InvalidInput, NotAllowed, UnknownAction, UnknownIndicator
from bot.domain.text import code_key
from bot.services.common import Clock, Defaults, admin_unless_owner, local_today, timezone_of, workspace_row
from storage import action_repositories as arepo
from storage import repositories as repo
from storage.db import Database
from storage.models import Action, ActionUpdate, CommitteeMeeting, PlanMilestone, Workspace

IsAdmin = Callable[[], bool]
# Anyone may record progress; changing what the action is, or who carries it, is for its owner or an admin.
OPEN_FIELDS = frozenset({"status", "progress", "started_on", "done_on"})
LIST_FILTERS = ("mine", "late", "todo", "doing", "done", "abandoned")


def action_view(row: Action, codes: Sequence[str] = ()) -> ActionView:
    """Frozen copy of an action row."""
    return ActionView(
        number=row.number,
        label=row.label,
        description=row.description,
        domain=row.domain,
        owner_id=row.owner_id,
        engagement=Engagement(row.engagement),
        status=ActionStatus(row.status),
        priority=Priority(row.priority) if row.priority else None,
        difficulty=Difficulty(row.difficulty) if row.difficulty else None,
        progress=row.progress,
        objective=row.objective,
        identified_on=row.identified_on,
        started_on=row.started_on,
        due_on=row.due_on,
        done_on=row.done_on,
        indicator_codes=tuple(codes),
    )


def _plain(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return ",".join(str(v) for v in value)
    return str(value)


class ActionService:
    """Use cases of the action plan."""

    def __init__(self, db: Database, *, clock: Clock, defaults: Defaults) -> None:
        self._db, self._clock, self._defaults = db, clock, defaults

    def _today(self, session: Session, team_id: str) -> dt.date:
        ws = workspace_row(session, team_id=team_id, defaults=self._defaults, now=self._clock())
        return local_today(self._clock(), ws.timezone)

    def _language(self, session: Session, team_id: str) -> str:
        ws = session.get(Workspace, team_id)
        return ws.language if ws is not None else self._defaults.language

    def _action(self, session: Session, team_id: str, number: int, *, lock: bool = True) -> Action:
        row = arepo.find_action(session, team_id=team_id, number=number, lock=lock)
        if row is None:
            raise UnknownAction(number=number)
        return row

    def _admin(self, team_id: str, number: int, user_id: str, is_admin: IsAdmin) -> bool:
        return admin_unless_owner(
            self._db,
            lambda s: self._action(s, team_id, number, lock=False).owner_id,
            user_id=user_id,
            is_admin=is_admin,
        )

    def _indicator_ids(self, session: Session, team_id: str, codes: Sequence[str]) -> list[int]:
        ids = []
        for code in codes:
            row = repo.find_indicator(session, team_id=team_id, code_key=code_key(code))
            if row is None:
                raise UnknownIndicator(code=code, suggestions=[])
            ids.append(row.id)
        return ids

    def _codes(self, session: Session, team_id: str, action_id: int) -> list[str]:
        return arepo.indicator_codes_by_action(session, team_id=team_id).get(action_id, [])

    def _journal(
        self, session: Session, row: Action, user_id: str, changes: dict[str, list[str | None]], note: str
    ) -> None:
        now = self._clock()
        row.updated_at = now
        session.add(
            ActionUpdate(
                team_id=row.team_id,
                action_id=row.id,
                user_id=user_id,
                at=now,
                changes=json.dumps(changes, ensure_ascii=False),
                note=note,
            )
        )

    def create(self, *, team_id: str, user_id: str, fields: ActionFields) -> ActionView:
        """A new action, numbered after the workspace's last one; its creation opens the journal."""
        for attempt in (1, 2):
            try:
                with self._db.write() as session:
                    return self._create(session, team_id, user_id, fields)
            except IntegrityError:  # two actions created at once got the same number: renumber once
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _create(self, session: Session, team_id: str, user_id: str, fields: ActionFields) -> ActionView:
        today = self._today(session, team_id)
        given = fields.given()
        status = ActionStatus(str(given.get("status", ActionStatus.TODO)))
        now = self._clock()
        row = Action(
            team_id=team_id,
            number=arepo.next_action_number(session, team_id=team_id),
            label=str(given["label"]),
            description=str(given.get("description", "")),
            domain=_spelling(session, team_id, str(given.get("domain", GUIDE_DOMAINS[0]))),
            owner_id=str(given.get("owner_id") or user_id),
            engagement=str(given.get("engagement", Engagement.REFLEXION)),
            status=status.value,
            priority=given.get("priority"),
            difficulty=given.get("difficulty"),  # type: ignore[arg-type]
            progress=int(given.get("progress", 0)),  # type: ignore[call-overload]
            objective=str(given.get("objective", "")),
            identified_on=given.get("identified_on", today),
            due_on=given.get("due_on"),  # type: ignore[arg-type]
            started_on=today if status is ActionStatus.DOING else None,
            done_on=today if status is ActionStatus.DONE else None,
            created_by=user_id,
            created_at=now,
            updated_at=now,
        )
        if status is ActionStatus.DONE:
            row.progress = 100
        _check_dates(row.identified_on, row.due_on)
        session.add(row)
        session.flush()
        codes = list(fields.indicator_codes or ())
        arepo.set_action_indicators(
            session, action_id=row.id, indicator_ids=self._indicator_ids(session, team_id, codes)
        )
        self._journal(session, row, user_id, {"created": [None, f"#{row.number}"]}, "")
        return action_view(row, self._codes(session, team_id, row.id))

    def update_status(
        self,
        *,
        team_id: str,
        user_id: str,
        number: int,
        status: ActionStatus,
        progress: int | None = None,
        note: str = "",
    ) -> ActionView:
        """Record where an action stands (anyone may); done sets 100 % and the done date."""
        with self._db.write() as session:
            row = self._action(session, team_id, number)
            today = self._today(session, team_id)
            view = action_view(row)
            changes = apply_status(view, status, progress, today)
            return self._apply(session, row, user_id, changes, note)

    def update_fields(
        self,
        *,
        team_id: str,
        user_id: str,
        number: int,
        fields: ActionFields,
        note: str = "",
        is_admin: IsAdmin,
    ) -> ActionView:
        """Change an action's fields; its definition and owner only by its owner or an admin."""
        given = fields.given()
        if "owner_id" in given and not given["owner_id"]:
            given["owner_id"] = user_id
        restricted = bool(set(given) - OPEN_FIELDS)
        admin = restricted and self._admin(team_id, number, user_id, is_admin)
        with self._db.write() as session:
            row = self._action(session, team_id, number)
            today = self._today(session, team_id)
            if restricted and row.owner_id != user_id and not admin:
                raise NotAllowed(what=f"#{number}", owner=row.owner_id or "")
            changes: dict[str, object] = {}
            if "status" in given:
                status = ActionStatus(str(given.pop("status")))
                changes.update(apply_status(action_view(row), status, fields.progress, today))
            if "domain" in given:
                given["domain"] = _spelling(session, team_id, str(given["domain"]))
            changes.update(given)
            return self._apply(session, row, user_id, changes, note)

    def _apply(
        self, session: Session, row: Action, user_id: str, changes: dict[str, object], note: str
    ) -> ActionView:
        journal: dict[str, list[str | None]] = {}
        codes_before = self._codes(session, row.team_id, row.id)
        for name, value in changes.items():
            if name == "indicator_codes":
                codes = list(value)  # type: ignore[call-overload]
                ids = self._indicator_ids(session, row.team_id, codes)
                arepo.set_action_indicators(session, action_id=row.id, indicator_ids=ids)
                if sorted(map(code_key, codes)) != sorted(map(code_key, codes_before)):
                    journal["indicators"] = [_plain(codes_before), _plain(codes)]
                continue
            stored = value.value if hasattr(value, "value") else value  # enums are stored as their value
            before = getattr(row, name)
            if before != stored:
                journal[name] = [_plain(before), _plain(stored)]
                setattr(row, name, stored)
        _check_dates(row.identified_on, row.due_on)
        if not journal and not note:
            raise InvalidInput("error.nothing_changed", number=row.number)
        self._journal(session, row, user_id, journal, note)
        session.flush()
        return action_view(row, self._codes(session, row.team_id, row.id))

    def archive(self, *, team_id: str, user_id: str, number: int, is_admin: IsAdmin) -> ActionView:
        """Delete an action for users (its owner or an admin only); number and journal are kept."""
        admin = self._admin(team_id, number, user_id, is_admin)
        with self._db.write() as session:
            row = self._action(session, team_id, number)
            if row.owner_id != user_id and not admin:
                raise NotAllowed(what=f"#{number}", owner=row.owner_id or "")
            row.archived_at = self._clock()
            self._journal(session, row, user_id, {"archived": [None, "yes"]}, "")
            session.flush()
            return action_view(row)

    def card(self, *, team_id: str, number: int) -> ActionCard:
        """An action with its journal."""
        with self._db.read() as session:
            row = arepo.find_action(session, team_id=team_id, number=number)
            if row is None:
                raise UnknownAction(number=number)
            entries = tuple(
                ActionUpdateView(user_id=u.user_id, at=u.at, changes=json.loads(u.changes), note=u.note)
                for u in arepo.journal(session, action_id=row.id)
            )
            return ActionCard(
                action_view(row, self._codes(session, team_id, row.id)),
                entries,
                timezone=self._timezone(session, team_id),
            )

    def list(self, *, team_id: str, user_id: str, filter: str = "") -> tuple[list[ActionView], dt.date]:
        """Actions matching a filter (mine, late, a status, a domain), late first; and today's date."""
        with self._db.read() as session:
            today = local_today(self._clock(), self._timezone(session, team_id))
            codes = arepo.indicator_codes_by_action(session, team_id=team_id)
            views = [
                action_view(r, codes.get(r.id, ())) for r in arepo.list_actions(session, team_id=team_id)
            ]
        views = [v for v in views if _matches(v, filter, user_id, today)]
        views.sort(
            key=lambda v: (
                not v.is_late(today),
                v.status is ActionStatus.DONE,
                v.due_on or dt.date.max,
                v.number,
            )
        )
        return views, today

    def _timezone(self, session: Session, team_id: str) -> str:
        return timezone_of(session, team_id=team_id, default=self._defaults.timezone)

    def record_meeting(
        self,
        *,
        team_id: str,
        user_id: str,
        held_on_raw: str | None,
        attendees: Sequence[str],
        decisions: str,
        lang: str | None = None,
    ) -> tuple[dt.date, PlanSummary]:
        """Record a steering committee meeting; return its day and the plan summary. The day is read in
        `lang` (the user's), the workspace's language when not given."""
        with self._db.write() as session:
            today = self._today(session, team_id)
            held_on = parse_day(held_on_raw, today=today, lang=lang or self._language(session, team_id))
            session.add(
                CommitteeMeeting(
                    team_id=team_id,
                    held_on=held_on,
                    attendees=" ".join(attendees),
                    decisions=decisions,
                    recorded_by=user_id,
                    recorded_at=self._clock(),
                )
            )
            session.flush()
            return held_on, plan_summary(session, team_id=team_id, today=today)

    def record_milestone(
        self,
        *,
        team_id: str,
        user_id: str,
        kind: str,
        on_raw: str | None,
        note: str = "",
        lang: str | None = None,
    ) -> tuple[dt.date, PlanSummary]:
        """Record that the plan was validated or communicated on a day (read in `lang`, as above)."""
        with self._db.write() as session:
            today = self._today(session, team_id)
            on = parse_day(on_raw, today=today, lang=lang or self._language(session, team_id))
            session.add(
                PlanMilestone(
                    team_id=team_id,
                    kind=kind,
                    on=on,
                    note=note,
                    recorded_by=user_id,
                    recorded_at=self._clock(),
                )
            )
            session.flush()
            return on, plan_summary(session, team_id=team_id, today=today)

    def summary(self, *, team_id: str) -> PlanSummary:
        """The plan at a glance: counts by status and engagement, % done, late, governance."""
        with self._db.read() as session:
            today = local_today(self._clock(), self._timezone(session, team_id))
            return plan_summary(session, team_id=team_id, today=today)


def plan_summary(session: Session, *, team_id: str, today: dt.date) -> PlanSummary:
    """The plan at a glance, inside the caller's transaction (the Home tab reads it with the rest)."""
    views = [action_view(r) for r in arepo.list_actions(session, team_id=team_id)]
    live = [v for v in views if v.status is not ActionStatus.ABANDONED]
    by_status = Counter(v.status.value for v in views)
    by_engagement = Counter(v.engagement.value for v in live)
    done = by_status.get(ActionStatus.DONE.value, 0)
    year_ago = (
        today.replace(year=today.year - 1)
        if not (today.month == 2 and today.day == 29)
        else (today - dt.timedelta(days=365))
    )
    meetings, last = arepo.meetings_since(session, team_id=team_id, since=year_ago + dt.timedelta(days=1))
    return PlanSummary(
        total=len(views),
        by_status={s.value: by_status.get(s.value, 0) for s in ActionStatus},
        by_engagement={e.value: by_engagement.get(e.value, 0) for e in Engagement},
        late=sum(v.is_late(today) for v in views),
        percent_done=round(100 * done / len(live), 1) if live else 0.0,
        validated_on=arepo.latest_milestone(session, team_id=team_id, kind="validated"),
        communicated_on=arepo.latest_milestone(session, team_id=team_id, kind="communicated"),
        meetings_last_12_months=meetings,
        last_meeting_on=last,
    )


def _check_dates(identified_on: dt.date, due_on: dt.date | None) -> None:
    if due_on is not None and due_on < identified_on:
        raise InvalidInput("error.due_before_identified", due=due_on, identified=identified_on)


def _matches(view: ActionView, filter: str, user_id: str, today: dt.date) -> bool:
    match filter:
        case "" | "all" | "tout" | "toutes":
            return True
        case "mine" | "moi" | "mes":
            return view.owner_id == user_id
        case "late" | "retard" | "en-retard":
            return view.is_late(today)
    if filter in STATUS_WORDS:
        return view.status is STATUS_WORDS[filter]
    key = code_key(filter)
    return code_key(view.domain) == DOMAIN_WORDS.get(key, key)


def _spelling(session: Session, team_id: str, domain: str) -> str:
    """The workspace's spelling of a domain already in use (compared without accents or capitals),
    else the domain as typed: one domain is never filed under two spellings."""
    key = code_key(domain)
    return next(
        (known for known in arepo.action_domains(session, team_id=team_id) if code_key(known) == key), domain
    )
