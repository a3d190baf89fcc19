"""Readings brought in from a file or a machine: the columns of a header, one row as typed, and what
an import did. The figures and periods of a row are read by the `/kpi` parser (bot.domain.readings)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from bot.domain.errors import InvalidInput
from bot.domain.keys import N_
from bot.domain.text import code_key

FIELDS = ("code", "period", "value", "note", "author")
REQUIRED = ("code", "period", "value")
# Header words, compared without case, accents, spaces, dashes or underscores ("Code indicateur",
# "code_indicateur", "Période", "PERIOD").
HEADER_WORDS: dict[str, str] = {
    "code": "code", "indicateur": "code", "indicator": "code", "codeindicateur": "code",
    "indicatorcode": "code", "kpi": "code",
    "periode": "period", "period": "period", "date": "period", "mois": "period", "month": "period",
    "trimestre": "period", "quarter": "period", "annee": "period", "year": "period",
    "valeur": "value", "value": "value", "mesure": "value", "montant": "value", "amount": "value",
    "note": "note", "commentaire": "note", "comment": "note", "remarque": "note", "notes": "note",
    "auteur": "author", "author": "author", "saisipar": "author", "recordedby": "author",
    "responsable": "author", "par": "author", "by": "author",
}  # fmt: skip
SHOWN_FIELDS = {
    "fr": {"code": "indicateur", "period": "période", "value": "valeur", "note": "note", "author": "auteur"},
    "en": {"code": "indicator", "period": "period", "value": "value", "note": "note", "author": "author"},
}
# Who recorded a reading: a Slack user id, or its mention (<@U0123|name>, @U0123).
_AUTHOR = re.compile(r"^(?:<@)?@?(?P<id>[UW][A-Z0-9]{2,31})(?:\|[^>]*)?>?$")
MAX_HEADER_SCAN = 10  # title lines above the header that are skipped


def header_key(text: str) -> str | None:
    """The field a header cell names, or None."""
    # "Valeur (€)", "Période (mois)": what is between brackets says the unit, not the column.
    folded = re.sub(r"[\s_\-.'’]+", "", re.sub(r"\s*[(\[].*[)\]]\s*$", "", code_key(text)))
    return HEADER_WORDS.get(folded)


@dataclass(frozen=True)
class Columns:
    """Where each field stands in a row (its cell index), the line of the header, and how many cells
    the header spans (to its last named one)."""

    index: dict[str, int]
    header_line: int
    width: int

    def beyond(self, cells: Sequence[str]) -> str | None:
        """The first filled cell right of the header's columns, if any."""
        return next((c.strip() for c in cells[self.width :] if c.strip()), None)

    def cell(self, cells: Sequence[str], name: str) -> str:
        """The row's cell for a field ("" when the field or the cell is absent)."""
        i = self.index.get(name)
        return cells[i].strip() if i is not None and i < len(cells) else ""


def find_columns(rows: Sequence[tuple[int, Sequence[str]]], lang: str = "fr") -> Columns:
    """The header among the first lines (a title line above it, merged cells, is skipped): the first
    line that names a code, a period and a value. InvalidInput says which columns are missing."""
    best: tuple[int, dict[str, int], list[str]] | None = None
    for line, cells in rows[:MAX_HEADER_SCAN]:
        index: dict[str, int] = {}
        for i, text in enumerate(cells):
            key = header_key(text) if text else None
            if key is not None and key not in index:
                index[key] = i
        if all(k in index for k in REQUIRED):
            width = max(i for i, text in enumerate(cells) if text.strip()) + 1
            return Columns(index=index, header_line=line, width=width)
        if index and (best is None or len(index) > len(best[1])):
            best = (line, index, [c for c in cells if c])
    shown = SHOWN_FIELDS.get(lang, SHOWN_FIELDS["fr"])
    if best is None:
        if not any(any(c.strip() for c in cells) for _, cells in rows):
            raise InvalidInput("error.import.empty", expected=[shown[k] for k in REQUIRED])
        raise InvalidInput("error.import.no_header", expected=[shown[k] for k in REQUIRED])
    line, index, found = best
    missing = [shown[k] for k in REQUIRED if k not in index]
    raise InvalidInput("error.import.missing_columns", line=line, missing=missing, found=found[:8])


def author_of(text: str) -> str | None:
    """A Slack user id from an author cell, or None when it names nobody Slack knows by id."""
    m = _AUTHOR.match(text.strip())
    return m["id"] if m else None


class RowInput(NamedTuple):
    """One reading as it was written: the indicator's code, the period, the value and the note as
    text, who recorded it (a Slack user id, or "" for the import's default), and where it stands.
    (A named tuple, immutable as a frozen dataclass, built in a third of its time: a file has
    100,000 rows.)"""

    line: int
    code: str
    period: str
    value: str
    note: str = ""
    author: str = ""


def rows_of(
    rows: Sequence[tuple[int, Sequence[str]]], columns: Columns
) -> tuple[list[RowInput], list[Refusal]]:
    """The readings under the header, blank lines skipped; an author that is no Slack id refuses its
    row, and so does a filled cell beyond the header's columns (what it says would be lost)."""
    out: list[RowInput] = []
    refused: list[Refusal] = []
    for line, cells in rows:
        if line <= columns.header_line or not any(c.strip() for c in cells):
            continue
        extra = columns.beyond(cells)
        if extra is not None:  # not dropped unsaid: most often a note cut by its separator
            refused.append(Refusal(line, N_("error.import.beyond_header"), {"value": extra[:40]}))
            continue
        author_text = columns.cell(cells, "author")
        author = author_of(author_text) if author_text else ""
        if author is None:
            refused.append(Refusal(line, N_("error.import.author"), {"value": author_text[:40]}))
            continue
        out.append(
            RowInput(
                line=line,
                code=columns.cell(cells, "code"),
                period=columns.cell(cells, "period"),
                value=columns.cell(cells, "value"),
                note=columns.cell(cells, "note"),
                author=author,
            )
        )
    return out, refused


@dataclass(frozen=True)
class Refusal:
    """A row that was not taken: its line, and why (a catalogue key and its parameters)."""

    line: int
    key: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ImportReport:
    """What an import did (or, in a dry run, would do)."""

    rows: int  # readings read from the file (blank lines and the header aside)
    new: int
    corrected: int
    unchanged: int  # the same value as stored already: nothing to write
    refused: tuple[Refusal, ...]
    committed: bool  # False: a dry run, or all-or-nothing with a refused row
    indicators: tuple[str, ...] = ()  # the codes that received readings
    notices: int = 0  # alerts and back-to-normal notices queued (newest periods only)
    dry_run: bool = False
    warnings: tuple[Refusal, ...] = ()  # stored, but to check (a percentage outside 0-100)
