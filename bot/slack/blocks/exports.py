"""What an export says to its reader: sheet names, column headers and the file's name."""

from __future__ import annotations

import datetime as dt

from bot import i18n
from bot.domain.exports import COLUMN_KEYS, TABLE_COUNT_KEYS, TABLE_KEYS, Export
from bot.files.write import Labels


def export_labels(lang: str) -> Labels:
    """Sheet names and column headers of an export, from the catalogue."""
    return Labels(
        lang=lang,
        sheets={table: i18n.t(lang, key) for table, key in TABLE_KEYS.items()},
        headers={column: i18n.t(lang, key) for column, key in COLUMN_KEYS.items()},
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
