"""A whole workspace as plain values (`pilote export`), its JSON document and back, and the readings in
the layout of Etalab's schema-impact-service-public-numerique (v0.5.0)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, get_args, get_origin, get_type_hints

from bot.domain.errors import InvalidInput
from bot.domain.keys import N_, NN_
from bot.domain.periods import Granularity, Period

FORMAT = "pilote-export"
VERSION = 1


@dataclass(frozen=True)
class WorkspaceRecord:
    """The workspace: its time zone and language."""

    team_id: str
    timezone: str
    language: str


@dataclass(frozen=True)
class IndicatorRecord:
    """One indicator, archived ones too (`archived_at` set)."""

    id: int
    code: str
    name: str
    kind: str
    unit: str
    target: float | None
    warn_below: float | None
    alert_below: float | None
    warn_above: float | None
    alert_above: float | None
    hysteresis: float
    change_alert_pct: float | None
    direction: str | None
    reference: str
    owner_id: str | None
    entity: str
    level: str
    cadence: str | None
    target_date: dt.date | None
    warn_dm: bool
    created_by: str
    created_at: dt.datetime
    updated_at: dt.datetime
    archived_at: dt.datetime | None


@dataclass(frozen=True)
class ReadingRecord:
    """One reading in any state (active, superseded, withdrawn); `supersedes_id` is an export id."""

    id: int
    indicator_id: int
    indicator: str  # the indicator's code, for a reader of the file
    period_start: dt.date
    period_kind: str
    value: float
    numerator: float | None
    denominator: float | None
    note: str
    recorded_by: str
    recorded_at: dt.datetime
    source: str
    state: str
    supersedes_id: int | None
    withdrawn_at: dt.datetime | None
    withdrawn_by: str | None


@dataclass(frozen=True)
class ActionRecord:
    """One action of the plan, with the indicators that follow it (ids and codes)."""

    id: int
    number: int
    label: str
    description: str
    domain: str
    owner_id: str | None
    engagement: str
    status: str
    priority: str | None
    difficulty: str | None
    progress: int
    objective: str
    identified_on: dt.date
    started_on: dt.date | None
    due_on: dt.date | None
    done_on: dt.date | None
    created_by: str
    created_at: dt.datetime
    updated_at: dt.datetime
    archived_at: dt.datetime | None
    indicator_ids: tuple[int, ...]
    indicators: tuple[str, ...]


@dataclass(frozen=True)
class JournalRecord:
    """One entry of an action's journal; `changes` is the stored JSON text, kept as it is."""

    id: int
    action_id: int
    action: int  # the action's number
    user_id: str
    at: dt.datetime
    changes: str
    note: str


@dataclass(frozen=True)
class MilestoneRecord:
    """The plan validated or communicated on a day."""

    id: int
    kind: str
    on: dt.date
    note: str
    recorded_by: str
    recorded_at: dt.datetime


@dataclass(frozen=True)
class CommitteeRecord:
    """A steering committee meeting; `attendees` are space-separated Slack user ids."""

    id: int
    held_on: dt.date
    attendees: str
    decisions: str
    recorded_by: str
    recorded_at: dt.datetime


@dataclass(frozen=True)
class Export:
    """Everything a workspace holds of its indicators and plan, read in one transaction."""

    workspace: WorkspaceRecord
    exported_at: dt.datetime
    indicators: tuple[IndicatorRecord, ...]
    readings: tuple[ReadingRecord, ...]
    actions: tuple[ActionRecord, ...]
    journal: tuple[JournalRecord, ...]
    milestones: tuple[MilestoneRecord, ...]
    committees: tuple[CommitteeRecord, ...]


# The tables of an export, in the order of the file's sheets, with the record type of their rows.
TABLES: dict[str, type[Any]] = {
    "indicators": IndicatorRecord,
    "readings": ReadingRecord,
    "actions": ActionRecord,
    "journal": JournalRecord,
    "milestones": MilestoneRecord,
    "committees": CommitteeRecord,
}
TABLE_KEYS = {
    "indicators": N_("export.table.indicators"),
    "readings": N_("export.table.readings"),
    "actions": N_("export.table.actions"),
    "journal": N_("export.table.journal"),
    "milestones": N_("export.table.milestones"),
    "committees": N_("export.table.committees"),
}

# A table's rows counted in a sentence (what a restore wrote, what an export holds).
TABLE_COUNT_KEYS = {
    "indicators": NN_("cli.restore.indicators"),
    "readings": NN_("cli.restore.readings"),
    "actions": NN_("cli.restore.actions"),
    "journal": NN_("cli.restore.journal"),
    "milestones": NN_("cli.restore.milestones"),
    "committees": NN_("cli.restore.committees"),
}


def columns(table: str) -> tuple[str, ...]:
    """The column names of a table, in order."""
    return tuple(f.name for f in dataclasses.fields(TABLES[table]))


def records(export: Export, table: str) -> tuple[Any, ...]:
    """The rows of one table."""
    return tuple(getattr(export, table))


def cell_values(record: Any) -> list[Any]:
    """A record's values in column order: tuples of codes or ids as one space-separated text."""
    out: list[Any] = []
    for f in dataclasses.fields(record):
        value = getattr(record, f.name)
        out.append(" ".join(str(v) for v in value) if isinstance(value, tuple) else value)
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


def to_document(export: Export) -> dict[str, Any]:
    """The JSON document of an export: dates in ISO 8601, numbers as stored (a double's repr is exact)."""
    doc: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "team_id": export.workspace.team_id,
        "exported_at": export.exported_at.isoformat(),
        "workspace": {"timezone": export.workspace.timezone, "language": export.workspace.language},
    }
    for table in TABLES:
        doc[table] = [
            {f.name: _plain(getattr(r, f.name)) for f in dataclasses.fields(r)}
            for r in records(export, table)
        ]
    return doc


def is_export_document(data: Any) -> bool:
    """Whether parsed JSON says it is a Pilote export (by its "format" key)."""
    return isinstance(data, dict) and data.get("format") == FORMAT


def _typed(hint: Any, value: Any, where: str) -> Any:
    """`value` as read from JSON, checked against (and turned into) the record field's type."""
    optional = type(None) in get_args(hint)
    base = next((a for a in get_args(hint) if a is not type(None)), hint) if optional else hint
    if value is None:
        if not optional:
            raise InvalidInput("error.restore.bad_document", where=where)
        return None
    try:
        if base is dt.datetime:
            parsed = dt.datetime.fromisoformat(value)
            if parsed.tzinfo is None:
                raise ValueError(value)
            return parsed.astimezone(dt.UTC)
        if base is dt.date:
            return dt.date.fromisoformat(value)
        if get_origin(base) is tuple:
            if not isinstance(value, list):
                raise TypeError(value)
            item = get_args(base)[0]
            return tuple(_typed(item, v, where) for v in value)
        if base is float:
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise TypeError(value)
            return float(value)
        if base is int and (isinstance(value, bool) or not isinstance(value, int)):
            raise TypeError(value)
        if base is bool and not isinstance(value, bool):
            raise TypeError(value)
        if base is str and not isinstance(value, str):
            raise TypeError(value)
    except (TypeError, ValueError):
        raise InvalidInput("error.restore.bad_document", where=where) from None
    return value


def _record(kind: type[Any], item: Any, where: str) -> Any:
    if not isinstance(item, dict):
        raise InvalidInput("error.restore.bad_document", where=where)
    hints = get_type_hints(kind)
    values = {}
    for f in dataclasses.fields(kind):
        if f.name not in item:
            raise InvalidInput("error.restore.bad_document", where=f"{where}.{f.name}")
        values[f.name] = _typed(hints[f.name], item[f.name], f"{where}.{f.name}")
    return kind(**values)


def from_document(doc: Mapping[str, Any]) -> Export:
    """An export read back from its JSON document; a document of another version, or damaged, is refused."""
    if doc.get("version") != VERSION:
        raise InvalidInput("error.restore.version", version=str(doc.get("version"))[:10], expected=VERSION)
    ws = doc.get("workspace")
    if not isinstance(ws, dict):
        raise InvalidInput("error.restore.bad_document", where="workspace")
    tables: dict[str, tuple[Any, ...]] = {}
    for table, kind in TABLES.items():
        items = doc.get(table)
        if not isinstance(items, list):
            raise InvalidInput("error.restore.bad_document", where=table)
        tables[table] = tuple(_record(kind, item, f"{table}[{i}]") for i, item in enumerate(items))
    return Export(
        workspace=WorkspaceRecord(
            team_id=str(doc.get("team_id", "")),
            timezone=str(ws.get("timezone", "")),
            language=str(ws.get("language", "")),
        ),
        exported_at=_typed(dt.datetime, doc.get("exported_at"), "exported_at"),
        **tables,
    )


def dumps(export: Export) -> str:
    """The JSON text of an export (UTF-8 as is, indented for a reader)."""
    return json.dumps(to_document(export), ensure_ascii=False, indent=1) + "\n"


# Etalab's schema-impact-service-public-numerique v0.5.0: its columns, in its order.
ETALAB_FIELDS = (
    "administration_rattachement",
    "nom_service_public_numerique",
    "indicateur",
    "valeur",
    "unite_mesure",
    "est_cible",
    "type_indicateur",
    "frequence_monitoring",
    "date",
    "est_periode",
    "date_debut",
    "est_automatise",
    "source_collecte",
    "denom_insee",
    "code_insee",
    "dataviz_wish",
    "commentaires",
)
# The schema's frequence_monitoring enum, for an indicator's cadence (or, without one, its periods).
ETALAB_FREQUENCY = {
    "day": "quotidienne",
    "week": "hebdomadaire",
    "month": "mensuelle",
    "quarter": "trimestrielle",
    "year": "annuelle",
}
ETALAB_SOURCE_KEYS = {
    "slack": N_("export.etalab.source.slack"),
    "import": N_("export.etalab.source.import"),
    "api": N_("export.etalab.source.api"),
}
ETALAB_OTHER_SOURCE = N_("export.etalab.source.other")
ETALAB_UNIT_KEYS = {
    "count": N_("export.etalab.unit.count"),
    "bool": N_("export.etalab.unit.bool"),
}


def _number(value: float) -> str:
    """A double written out exactly, with a point (the schema's number): 12.0 as 12."""
    text = repr(value)
    if "e" in text or "E" in text:
        text = format(value, "f")
    return text[:-2] if text.endswith(".0") else text


def etalab_rows(
    export: Export,
    *,
    administration: str,
    service: str,
    say: Callable[[str], str],
    indicator_type: str | None = None,
) -> list[dict[str, str]]:
    """The active readings of the indicators in use, and each indicator's target at its target date,
    as rows of Etalab's schema (text cells). `say` turns a catalogue key into the workspace's words;
    `indicator_type` is "usage" or "impact" for every row, else a strategic indicator is "impact" and
    an operational one "usage"."""
    given = {"--administration": administration, "--service": service}
    missing = [option for option, text in given.items() if not text.strip()]
    if missing:  # both at once when both are missing: one try, not two
        raise InvalidInput("error.export.etalab_required", option=missing)
    if indicator_type not in (None, "usage", "impact"):
        raise InvalidInput("error.export.etalab_type", value=str(indicator_type)[:20])
    in_use = {i.id: i for i in export.indicators if i.archived_at is None}
    rows: list[dict[str, str]] = []

    def unit_of(ind: IndicatorRecord) -> str:
        if ind.kind in ("percent", "ratio"):
            return "%"
        if ind.kind == "bool":
            return say(ETALAB_UNIT_KEYS["bool"])
        return ind.unit or say(ETALAB_UNIT_KEYS["count"])

    def common(ind: IndicatorRecord, kinds: Sequence[str]) -> dict[str, str]:
        frequency = ETALAB_FREQUENCY.get(ind.cadence or "") or (
            ETALAB_FREQUENCY.get(kinds[0], "autre") if len(set(kinds)) == 1 else "autre"
        )
        return {
            "administration_rattachement": administration.strip(),
            "nom_service_public_numerique": service.strip(),
            "indicateur": ind.name,
            "unite_mesure": unit_of(ind),
            "type_indicateur": indicator_type or ("impact" if ind.level == "strategic" else "usage"),
            "frequence_monitoring": frequency,
            "denom_insee": "",
            "code_insee": "",
            "dataviz_wish": "",
        }

    active = [r for r in export.readings if r.state == "active" and r.indicator_id in in_use]
    kinds: dict[int, list[str]] = {}
    for r in active:
        kinds.setdefault(r.indicator_id, []).append(r.period_kind)
    for ind in sorted(in_use.values(), key=lambda i: i.code):
        mine = sorted((r for r in active if r.indicator_id == ind.id), key=lambda r: r.period_start)
        base = common(ind, kinds.get(ind.id, []))
        for r in mine:
            period = Period(r.period_start, Granularity(r.period_kind))
            on_a_day = period.granularity is Granularity.DAY
            rows.append(
                base
                | {
                    "valeur": _number(r.value),
                    "est_cible": "false",
                    "date": period.end.isoformat(),
                    "est_periode": "false" if on_a_day else "true",
                    "date_debut": "" if on_a_day else period.start.isoformat(),
                    "est_automatise": "true" if r.source == "api" else "false",
                    "source_collecte": say(ETALAB_SOURCE_KEYS.get(r.source, ETALAB_OTHER_SOURCE)),
                    "commentaires": r.note,
                }
            )
        # A target is a row of its own, at the date it should be reached: none without that date.
        if ind.target is not None and ind.target_date is not None:
            rows.append(
                base
                | {
                    "valeur": _number(ind.target),
                    "est_cible": "true",
                    "date": ind.target_date.isoformat(),
                    "est_periode": "false",
                    "date_debut": "",
                    "est_automatise": "false",
                    "source_collecte": say(ETALAB_SOURCE_KEYS["slack"]),
                    "commentaires": ind.reference,
                }
            )
    return rows


# Each column's header in a spreadsheet (the JSON keeps the column names themselves).
COLUMN_KEYS = {
    "id": N_("export.column.id"),
    "code": N_("export.column.code"),
    "name": N_("export.column.name"),
    "kind": N_("export.column.kind"),
    "unit": N_("export.column.unit"),
    "target": N_("export.column.target"),
    "warn_below": N_("export.column.warn_below"),
    "alert_below": N_("export.column.alert_below"),
    "warn_above": N_("export.column.warn_above"),
    "alert_above": N_("export.column.alert_above"),
    "hysteresis": N_("export.column.hysteresis"),
    "change_alert_pct": N_("export.column.change_alert_pct"),
    "direction": N_("export.column.direction"),
    "reference": N_("export.column.reference"),
    "owner_id": N_("export.column.owner_id"),
    "entity": N_("export.column.entity"),
    "level": N_("export.column.level"),
    "cadence": N_("export.column.cadence"),
    "target_date": N_("export.column.target_date"),
    "warn_dm": N_("export.column.warn_dm"),
    "created_by": N_("export.column.created_by"),
    "created_at": N_("export.column.created_at"),
    "updated_at": N_("export.column.updated_at"),
    "archived_at": N_("export.column.archived_at"),
    "indicator_id": N_("export.column.indicator_id"),
    "indicator": N_("export.column.indicator"),
    "period_start": N_("export.column.period_start"),
    "period_kind": N_("export.column.period_kind"),
    "value": N_("export.column.value"),
    "numerator": N_("export.column.numerator"),
    "denominator": N_("export.column.denominator"),
    "note": N_("export.column.note"),
    "recorded_by": N_("export.column.recorded_by"),
    "recorded_at": N_("export.column.recorded_at"),
    "source": N_("export.column.source"),
    "state": N_("export.column.state"),
    "supersedes_id": N_("export.column.supersedes_id"),
    "withdrawn_at": N_("export.column.withdrawn_at"),
    "withdrawn_by": N_("export.column.withdrawn_by"),
    "number": N_("export.column.number"),
    "label": N_("export.column.label"),
    "description": N_("export.column.description"),
    "domain": N_("export.column.domain"),
    "engagement": N_("export.column.engagement"),
    "status": N_("export.column.status"),
    "priority": N_("export.column.priority"),
    "difficulty": N_("export.column.difficulty"),
    "progress": N_("export.column.progress"),
    "objective": N_("export.column.objective"),
    "identified_on": N_("export.column.identified_on"),
    "started_on": N_("export.column.started_on"),
    "due_on": N_("export.column.due_on"),
    "done_on": N_("export.column.done_on"),
    "indicator_ids": N_("export.column.indicator_ids"),
    "indicators": N_("export.column.indicators"),
    "action_id": N_("export.column.action_id"),
    "action": N_("export.column.action"),
    "user_id": N_("export.column.user_id"),
    "at": N_("export.column.at"),
    "changes": N_("export.column.changes"),
    "on": N_("export.column.on"),
    "held_on": N_("export.column.held_on"),
    "attendees": N_("export.column.attendees"),
    "decisions": N_("export.column.decisions"),
}
