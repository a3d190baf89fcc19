"""Tables. Every row belongs to one Slack workspace (team_id); times are stored in UTC."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    Date,
    DateTime,
    Double,
    ForeignKey,
    Index,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from storage.installations import define_tables


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Aware UTC datetimes in and out, also on SQLite, which keeps no time zone."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: pass an aware UTC datetime")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    """Declarative base of every Pilote table."""


class Workspace(Base):
    """A Slack workspace that uses Pilote, with its time zone and language."""

    __tablename__ = "workspaces"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    timezone: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class SeenRequest(Base):
    """A signed request already taken: its signature, kept for Slack's five-minute window (and a bit),
    so that the same request replayed takes no effect twice, whichever process it reaches."""

    __tablename__ = "seen_requests"

    signature: Mapped[str] = mapped_column(String(80), primary_key=True)
    seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)


class UserSetting(Base):
    """What one user chose for themself: the language Pilote speaks to them (none: Slack's, then the
    workspace's)."""

    __tablename__ = "user_settings"

    team_id: Mapped[str] = mapped_column(String(32), ForeignKey("workspaces.team_id"), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    language: Mapped[str] = mapped_column(String(8))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class Indicator(Base):
    """An indicator's definition: kind, unit, target, thresholds, owner, entity, level, cadence."""

    __tablename__ = "indicators"
    __table_args__ = (UniqueConstraint("team_id", "code_key", name="uq_indicators_team_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), ForeignKey("workspaces.team_id"))
    code: Mapped[str] = mapped_column(String(32))
    code_key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(150))
    kind: Mapped[str] = mapped_column(String(16))
    unit: Mapped[str] = mapped_column(String(20), default="")
    target: Mapped[float | None] = mapped_column(Double())
    warn_below: Mapped[float | None] = mapped_column(Double())
    alert_below: Mapped[float | None] = mapped_column(Double())
    warn_above: Mapped[float | None] = mapped_column(Double())
    alert_above: Mapped[float | None] = mapped_column(Double())
    owner_id: Mapped[str | None] = mapped_column(String(32))
    entity: Mapped[str] = mapped_column(String(60), default="")
    level: Mapped[str] = mapped_column(String(16))
    cadence: Mapped[str | None] = mapped_column(String(16))
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    # Deleting archives: the readings stay for audits, and the code is freed for a new indicator.
    archived_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # Leaving a worse alert level takes being inside by this margin: no flapping around a threshold.
    hysteresis: Mapped[float] = mapped_column(Double(), default=0.0, server_default=text("0"))
    warn_dm: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    # Relative threshold: a reading that moves by more than this % from the previous one is flagged.
    change_alert_pct: Mapped[float | None] = mapped_column(Double())
    target_date: Mapped[dt.date | None] = mapped_column(Date())  # when the target should be reached
    # "higher" or "lower" is better; None: inferred from the thresholds (templates always say it).
    direction: Mapped[str | None] = mapped_column(String(8))
    reference: Mapped[str] = mapped_column(String(200), default="", server_default="")  # a guide's


class Reading(Base):
    """One value of an indicator for one period. Corrections supersede, undo withdraws: nothing is deleted."""

    __tablename__ = "readings"
    __table_args__ = (
        # At most one active reading per indicator and period, whatever the concurrency.
        Index(
            "uq_readings_active_period",
            "indicator_id",
            "period_start",
            "period_kind",
            unique=True,
            sqlite_where=text("state = 'active'"),
            postgresql_where=text("state = 'active'"),
        ),
        Index("ix_readings_team_recorder", "team_id", "recorded_by", "recorded_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), ForeignKey("workspaces.team_id"))
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id"))
    period_start: Mapped[dt.date] = mapped_column(Date())
    period_kind: Mapped[str] = mapped_column(String(8))
    value: Mapped[float] = mapped_column(Double())
    numerator: Mapped[float | None] = mapped_column(Double())
    denominator: Mapped[float | None] = mapped_column(Double())
    recorded_by: Mapped[str] = mapped_column(String(32))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    source: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text(), default="")
    state: Mapped[str] = mapped_column(String(12), default="active")
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("readings.id"))
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    withdrawn_by: Mapped[str | None] = mapped_column(String(32))


class Action(Base):
    """An action of the plan. `number` is what users type (#12), unique per workspace."""

    __tablename__ = "actions"
    __table_args__ = (UniqueConstraint("team_id", "number", name="uq_actions_team_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), ForeignKey("workspaces.team_id"))
    number: Mapped[int] = mapped_column()
    label: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text(), default="")
    domain: Mapped[str] = mapped_column(String(40))
    owner_id: Mapped[str | None] = mapped_column(String(32))
    engagement: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(12))
    priority: Mapped[str | None] = mapped_column(String(12))
    difficulty: Mapped[str | None] = mapped_column(String(8))
    progress: Mapped[int] = mapped_column(default=0)
    objective: Mapped[str] = mapped_column(Text(), default="")
    identified_on: Mapped[dt.date] = mapped_column(Date())
    started_on: Mapped[dt.date | None] = mapped_column(Date())
    due_on: Mapped[dt.date | None] = mapped_column(Date())
    done_on: Mapped[dt.date | None] = mapped_column(Date())
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    # Deleting archives: the number is never reused and the journal stays for audits.
    archived_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class ActionIndicator(Base):
    """An indicator that follows an action."""

    __tablename__ = "action_indicators"

    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id"), primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id"), primary_key=True)


class ActionUpdate(Base):
    """One entry of an action's journal: who changed what, when, and why."""

    __tablename__ = "action_updates"
    __table_args__ = (Index("ix_action_updates_action", "action_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), ForeignKey("workspaces.team_id"))
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id"))
    user_id: Mapped[str] = mapped_column(String(32))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    changes: Mapped[str] = mapped_column(Text())  # JSON: {"field": [before, after]}
    note: Mapped[str] = mapped_column(Text(), default="")


class PlanMilestone(Base):
    """The plan was validated, or communicated, on a day."""

    __tablename__ = "plan_milestones"
    __table_args__ = (Index("ix_plan_milestones_team_kind", "team_id", "kind", "on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), ForeignKey("workspaces.team_id"))
    kind: Mapped[str] = mapped_column(String(16))
    on: Mapped[dt.date] = mapped_column(Date())
    note: Mapped[str] = mapped_column(Text(), default="")
    recorded_by: Mapped[str] = mapped_column(String(32))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class CommitteeMeeting(Base):
    """A steering committee meeting: when, who attended, what was decided."""

    __tablename__ = "committee_meetings"
    __table_args__ = (Index("ix_committee_meetings_team_held", "team_id", "held_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), ForeignKey("workspaces.team_id"))
    held_on: Mapped[dt.date] = mapped_column(Date())
    attendees: Mapped[str] = mapped_column(Text(), default="")  # space-separated Slack user ids
    decisions: Mapped[str] = mapped_column(Text(), default="")
    recorded_by: Mapped[str] = mapped_column(String(32))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class AlertState(Base):
    """Where an indicator stands against its thresholds, and the alert DM that says so."""

    __tablename__ = "alert_states"
    __table_args__ = (Index("ix_alert_states_level", "level"),)

    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id"), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), ForeignKey("workspaces.team_id"))
    level: Mapped[str] = mapped_column(String(12))
    since: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    alert_key: Mapped[str | None] = mapped_column(String(80))  # outbox key of the open alert's DM
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    acknowledged_by: Mapped[str | None] = mapped_column(String(32))
    snoozed_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    snoozed_to_next_reading: Mapped[bool] = mapped_column(default=False)
    repeated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    escalated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class OutboxMessage(Base):
    """A message to send to Slack, written in the transaction that caused it, sent after the ack.

    `key` is unique: it tags the message (Slack message metadata), so that after an ambiguous failure
    the sender can look for it in the channel before sending again.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("key", name="uq_outbox_key"),
        Index("ix_outbox_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), ForeignKey("workspaces.team_id"))
    key: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(16))
    recipient: Mapped[str] = mapped_column(String(32))  # a Slack user id (DM) or channel id
    payload: Mapped[str] = mapped_column(Text())  # JSON: what the message says, rendered at send time
    status: Mapped[str] = mapped_column(String(12), default="pending")  # pending, sent, dead
    attempts: Mapped[int] = mapped_column(default=0)
    ambiguous: Mapped[bool] = mapped_column(default=False)  # a try may have reached Slack
    # Set just before a try goes to Slack, cleared when it settles: a message found so at its next
    # claim was on its way when its process died (else a claimed message was never tried).
    in_flight: Mapped[bool] = mapped_column(default=False, server_default=false())
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    channel: Mapped[str | None] = mapped_column(String(32))
    ts: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str] = mapped_column(Text(), default="")


class CheckinReminder(Base):
    """How many times the owner was reminded of one expected reading."""

    __tablename__ = "checkin_reminders"

    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id"), primary_key=True)
    due_on: Mapped[dt.date] = mapped_column(Date(), primary_key=True)
    sent: Mapped[int] = mapped_column(default=0)
    last_sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class DigestSubscription(Base):
    """A channel's scheduled digest: when (a 5-field cron in the workspace's time zone) and of what."""

    __tablename__ = "digest_subscriptions"
    __table_args__ = (UniqueConstraint("team_id", "channel_id", name="uq_digest_subscriptions_channel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), ForeignKey("workspaces.team_id"))
    channel_id: Mapped[str] = mapped_column(String(32))
    schedule: Mapped[str] = mapped_column(String(120))  # normalised: "weekly mon 09:00", 'cron "0 9 * * 1"'
    scope: Mapped[str] = mapped_column(String(60), default="")  # an entity or an action domain
    skip_empty: Mapped[bool] = mapped_column(default=False)
    created_by: Mapped[str] = mapped_column(String(32))
    # Periods are counted from here: subscribing (again) never posts a digest for an earlier one.
    active_since: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class DigestRun(Base):
    """One period of one subscription. The unique key is the claim: one digest per period, whoever
    (of several processes) gets there first."""

    __tablename__ = "digest_runs"
    __table_args__ = (
        UniqueConstraint("subscription_id", "period_at", name="uq_digest_runs_period"),
        Index("ix_digest_runs_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("digest_subscriptions.id"))
    period_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())  # the scheduled time it stands for
    status: Mapped[str] = mapped_column(String(12), default="pending")  # pending, posted, skipped, dead
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())  # also the lease of a claim
    file_ids: Mapped[str] = mapped_column(String(200), default="")  # uploads of the try in flight
    ambiguous: Mapped[bool] = mapped_column(default=False)  # a try may have reached Slack
    ts: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str] = mapped_column(Text(), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    settled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


# slack_sdk's OAuth tables (installations, bots, states), tokens sealed: storage/installations.py.
SLACK_BOTS, SLACK_INSTALLATIONS, SLACK_OAUTH_STATES = define_tables(Base.metadata)


class TokenRefresh(Base):
    """The process refreshing a workspace's rotating bot token, until when (storage/rotation.py)."""

    __tablename__ = "token_refreshes"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    holder: Mapped[str] = mapped_column(String(64))
    until: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class ApiToken(Base):
    """A workspace's token for the ingestion API: only its SHA-256 is kept, and its first characters
    to tell it apart."""

    __tablename__ = "api_tokens"
    __table_args__ = (Index("uq_api_tokens_team_name", "team_id", "name_key", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), ForeignKey("workspaces.team_id"))
    name: Mapped[str] = mapped_column(String(60))
    name_key: Mapped[str] = mapped_column(String(120))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    revoked_by: Mapped[str | None] = mapped_column(String(32))


class ApiRequest(Base):
    """A batch taken under an Idempotency-Key, with the answer it got (sent again on a replay)."""

    __tablename__ = "api_requests"
    __table_args__ = (Index("ix_api_requests_created", "created_at"),)

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(255), primary_key=True)
    body_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[int] = mapped_column()
    response: Mapped[str] = mapped_column(Text())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
