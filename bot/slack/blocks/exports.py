"""What an export says to its reader: sheet names, column headers and the file's name."""

from __future__ import annotations

import datetime as dt

from bot import i18n
from bot.domain.exports import COLUMN_KEYS, TABLE_COUNT_KEYS, TABLE_KEYS, Export
from bot.domain.values import SHOWN_WORDS, Cadence
from bot.files.write import Labels
from bot.i18n.families import FAMILIES

# Columns whose codes a spreadsheet shows in words, by the family of their catalogue keys
# (bot/i18n/families.py: `export.value.period.quarter` is the word for `quarter`).
VALUE_FAMILIES = {
    ("indicators", "kind"): "kind",
    ("indicators", "level"): "level",
    ("indicators", "direction"): "templates.better",
    ("readings", "period_kind"): "export.value.period",
    ("readings", "state"): "export.value.state",
    ("actions", "domain"): "action.domain",  # a team's own domain stays as written
    ("actions", "engagement"): "action.engagement",
    ("actions", "status"): "action.status",
    ("actions", "priority"): "action.priority",
    ("actions", "difficulty"): "action.difficulty",
    ("milestones", "kind"): "export.value.milestone",
}


def export_labels(lang: str) -> Labels:
    """Sheet names, column headers and the words for stored codes of an export, from the catalogue."""
    values = {
        where: {key.removeprefix(f"{family}."): i18n.t(lang, key) for key in FAMILIES[family]}
        for where, family in VALUE_FAMILIES.items()
    }
    words = SHOWN_WORDS.get(lang, SHOWN_WORDS["en"])  # a cadence as it is typed: `trimestrielle`
    values[("indicators", "cadence")] = {str(c): words[c] for c in Cadence}
    return Labels(
        lang=lang,
        sheets={table: i18n.t(lang, key) for table, key in TABLE_KEYS.items()},
        headers={column: i18n.t(lang, key) for column, key in COLUMN_KEYS.items()},
        values=values,
    )


def export_filename(team_id: str, fmt: str, day: dt.date) -> str:
    """`pilote-T0…-2026-11-20.xlsx`; a CSV export is a ZIP of CSV files."""
    return f"pilote-{team_id}-{day.isoformat()}.{'zip' if fmt == 'csv' else fmt}"


def table_counts(lang: str, export: Export) -> str:
    """`4 indicateurs, 7 mesures, 2 actions…`: how many rows of each table."""
    return ", ".join(
        i18n.tn(lang, key, len(getattr(export, table))) for table, key in TABLE_COUNT_KEYS.items()
    )


def export_title(lang: str, day: dt.date) -> str:
    """The uploaded file's title."""
    return i18n.t(lang, "dashboard.export.title", day=i18n.day(lang, day))


def export_comment(lang: str, export: Export) -> str:
    """What the export's message says: what the file holds, and that it is the whole workspace's."""
    return i18n.t(lang, "dashboard.export.comment", parts=table_counts(lang, export))
