"""Spreadsheets and CSV files read as rows of text, each with the line number a user sees.

A cell becomes the text the user typed in it, so that the figures and periods are read by the same
parser as `/kpi`: a number cell is written out exactly (`1234.5` → `1234,5` in French, never a
rounded display), a percentage cell as `12,5 %`, a date cell as the period its format shows (a day,
a month or a year), a yes/no cell as `oui`/`non`. CSV comes in UTF-8 (with or without BOM),
Windows-1252 or ISO-8859-15, comma- or semicolon-separated.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from bot.domain.errors import InvalidInput
from bot.domain.exports import is_export_document
from bot.domain.keys import N_

ENCODINGS = ("utf-8", "cp1252", "iso-8859-15")
# Bytes that Windows-1252 and ISO-8859-15 read differently outside 0x80-0x9F (€ œ Œ Š š Ž ž Ÿ in -15).
_LATIN9_ONLY = frozenset(b"\xa4\xa6\xa8\xb4\xb8\xbc\xbd\xbe")
DELIMITERS = (";", ",", "\t")
_ODS = "urn:oasis:names:tc:opendocument:xmlns:"
_TABLE, _OFFICE, _TEXT = _ODS + "table:1.0", _ODS + "office:1.0", _ODS + "text:1.0"
# A format's day, month and year codes, once its quoted text and escaped characters are dropped.
_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')
MAX_COLUMNS = 50  # a sheet's trailing empty columns are not read


class UnreadableFile(InvalidInput):
    """The file cannot be read as a table; the message says why."""


@dataclass
class Table:
    """The rows of a file, as (line number, cells), and how it was read."""

    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    format: str = "csv"
    encoding: str | None = None  # CSV: the encoding used (detected or given)
    encoding_detected: bool = False
    delimiter: str | None = None


def read_table(path: Path, *, encoding: str | None = None, lang: str = "fr") -> Table:
    """The rows of a CSV, XLSX or ODS file (by its content, then its name); cells as text in `lang`."""
    with open(path, "rb") as f:
        head = f.read(8)
    if head.startswith(b"PK"):
        try:
            with zipfile.ZipFile(path) as z:
                names = set(z.namelist())
                mimetype = z.read("mimetype").decode("ascii", "replace") if "mimetype" in names else ""
        except zipfile.BadZipFile:
            raise UnreadableFile(N_("error.import.bad_file"), name=path.name) from None
        if encoding is not None:  # a workbook says its own encoding: a given one would be ignored
            raise UnreadableFile(N_("error.import.encoding_of_csv"), name=path.name)
        if "opendocument.spreadsheet" in mimetype or "content.xml" in names and path.suffix.lower() == ".ods":
            return read_ods(path, lang=lang)
        if "xl/workbook.xml" in names:
            return read_xlsx(path, lang=lang)
        raise UnreadableFile(N_("error.import.bad_file"), name=path.name)
    return read_csv(path.read_bytes(), encoding=encoding)


def decode(data: bytes, encoding: str | None) -> tuple[str, str, bool]:
    """(text, encoding, detected): UTF-8 when it decodes as such (a BOM is dropped); otherwise
    Windows-1252 when a byte 0x80-0x9F is there (C1 controls in ISO-8859-15, never in text), else
    ISO-8859-15 when a byte the two read differently is there (0xA4: € rather than ¤), else
    Windows-1252 (both read the same)."""
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise UnreadableFile(N_("error.import.unknown_encoding"), value=encoding[:30]) from None
        try:
            return data.decode(encoding).removeprefix("\ufeff"), encoding, False
        except UnicodeDecodeError as err:
            raise UnreadableFile(
                N_("error.import.not_in_encoding"), encoding=encoding, at=err.start
            ) from None
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig", True
        except UnicodeDecodeError as err:
            raise UnreadableFile(N_("error.import.not_in_encoding"), encoding="utf-8", at=err.start) from None
    try:
        return data.decode("utf-8"), "utf-8", True
    except UnicodeDecodeError:
        pass
    high = set(data)
    if any(0x80 <= b <= 0x9F for b in high):
        chosen = "cp1252"
    elif high & _LATIN9_ONLY:
        chosen = "iso-8859-15"
    else:
        chosen = "cp1252"
    try:
        return data.decode(chosen), chosen, True
    except UnicodeDecodeError as err:  # 0x81, 0x8D… are undefined in Windows-1252
        raise UnreadableFile(N_("error.import.not_in_encoding"), encoding=chosen, at=err.start) from None


def sniff_delimiter(first_line: str) -> str:
    """The separator of a CSV header: the one of ; , tab that splits it into the most cells (a
    French file separates with ; since its decimals take the comma)."""
    counts = {d: next(csv.reader([first_line], delimiter=d), []) for d in DELIMITERS}
    return max(DELIMITERS, key=lambda d: (len(counts[d]), -DELIMITERS.index(d)))


def read_csv(data: bytes, *, encoding: str | None = None) -> Table:
    """The rows of a CSV file."""
    text, used, detected = decode(data, encoding)
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    delimiter = sniff_delimiter(first)
    table = Table(format="csv", encoding=used, encoding_detected=detected, delimiter=delimiter)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    try:
        for cells in reader:
            table.rows.append((start, [c.strip() for c in cells]))
            start = reader.line_num + 1
    except csv.Error as err:
        raise UnreadableFile(N_("error.import.bad_csv"), line=start, reason=str(err)[:80]) from None
    return table


def number_text(value: Decimal, lang: str) -> str:
    """A number written out in full, as typed: `1234,5` in French, `1234.5` in English."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",") if lang == "fr" else text


def _decimal(value: float | int) -> Decimal:
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def date_shown(day: dt.date, number_format: str) -> str:
    """The period a date cell shows by its format: `2026-10-31`, `2026-10` (month and year only) or
    `2026` (a year)."""
    codes = _QUOTED.sub("", number_format.lower())
    if "d" in codes or "j" in codes:
        return day.isoformat()
    if "m" in codes:
        return f"{day.year}-{day.month:02d}"
    if "y" in codes or "a" in codes:
        return str(day.year)
    return day.isoformat()


def yes_no(value: bool, lang: str) -> str:
    """A boolean cell as a word of `lang`."""
    return ("oui" if value else "non") if lang == "fr" else ("yes" if value else "no")


def xlsx_cell(value: Any, number_format: str, lang: str) -> str:
    """The text of one XLSX cell (openpyxl's value and number format)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return yes_no(value, lang)
    if isinstance(value, dt.datetime | dt.date):
        day = value.date() if isinstance(value, dt.datetime) else value
        return date_shown(day, number_format or "")
    if isinstance(value, int | float):
        if "%" in _QUOTED.sub("", number_format or ""):
            return number_text(_decimal(value) * 100, lang) + " %"
        return number_text(_decimal(value), lang)
    return str(value).strip()


def read_xlsx(path: Path, *, lang: str = "fr") -> Table:
    """The rows of the first sheet of an XLSX workbook."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # noqa: BLE001 - openpyxl raises many kinds for a damaged file
        raise UnreadableFile(N_("error.import.bad_file"), name=path.name, reason=type(err).__name__) from None
    try:
        sheet = book.worksheets[0]
        table = Table(format="xlsx")
        for index, row in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS), start=1):
            cells = [xlsx_cell(c.value, getattr(c, "number_format", ""), lang) for c in row]
            line = getattr(row[0], "row", None) if row else None
            table.rows.append((line or index, cells))
        return table
    finally:
        book.close()


def _ods_inline(node: ElementTree.Element) -> str:
    """The text of a paragraph or span, with <text:s/> as its spaces and <text:tab/> as a tab."""
    parts = [node.text or ""]
    for child in node:
        if child.tag == f"{{{_TEXT}}}s":
            parts.append(" " * int(child.get(f"{{{_TEXT}}}c", "1")))
        elif child.tag == f"{{{_TEXT}}}tab":
            parts.append("\t")
        else:
            parts.append(_ods_inline(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _ods_text(cell: ElementTree.Element) -> str:
    return "\n".join(_ods_inline(p) for p in cell.iter(f"{{{_TEXT}}}p")).strip()


def ods_cell(cell: ElementTree.Element, lang: str) -> str:
    """The text of one ODS cell: its value for numbers (exact, not the rounded display), its display
    for dates (the period it shows), `oui`/`non` for booleans."""
    kind = cell.get(f"{{{_OFFICE}}}value-type")
    if kind in ("float", "currency"):
        return number_text(Decimal(cell.get(f"{{{_OFFICE}}}value", "0")), lang)
    if kind == "percentage":
        return number_text(Decimal(cell.get(f"{{{_OFFICE}}}value", "0")) * 100, lang) + " %"
    if kind == "boolean":
        return yes_no(cell.get(f"{{{_OFFICE}}}boolean-value") == "true", lang)
    if kind == "date":
        shown = _ods_text(cell)
        return shown or cell.get(f"{{{_OFFICE}}}date-value", "")[:10]
    return _ods_text(cell)


def _ods_rows(path: Path, lang: str) -> Iterator[tuple[int, list[str]]]:
    with zipfile.ZipFile(path) as z, z.open("content.xml") as content:
        line, in_first_table = 0, None
        for event, node in ElementTree.iterparse(content, events=("start", "end")):
            if node.tag == f"{{{_TABLE}}}table":
                if event == "start":
                    in_first_table = in_first_table is None
                elif in_first_table:
                    return
                else:
                    in_first_table = False
                continue
            if event != "end" or node.tag != f"{{{_TABLE}}}table-row" or not in_first_table:
                continue
            cells: list[str] = []
            for cell in node:
                if cell.tag not in (f"{{{_TABLE}}}table-cell", f"{{{_TABLE}}}covered-table-cell"):
                    continue
                repeat = int(cell.get(f"{{{_TABLE}}}number-columns-repeated", "1"))
                text = ods_cell(cell, lang) if cell.tag.endswith("}table-cell") else ""
                cells.extend([text] * min(repeat, MAX_COLUMNS - len(cells)))
                if len(cells) >= MAX_COLUMNS:
                    break
            repeat = int(node.get(f"{{{_TABLE}}}number-rows-repeated", "1"))
            if any(cells):
                for _ in range(repeat):
                    line += 1
                    yield line, list(cells)
            else:  # LibreOffice writes the empty rows to the sheet's end as one repeated row
                line += repeat
            node.clear()


def read_ods(path: Path, *, lang: str = "fr") -> Table:
    """The rows of the first sheet of an OpenDocument spreadsheet (LibreOffice Calc)."""
    try:
        return Table(rows=list(_ods_rows(path, lang)), format="ods")
    except (ElementTree.ParseError, KeyError, ValueError, zipfile.BadZipFile) as err:
        raise UnreadableFile(N_("error.import.bad_file"), name=path.name, reason=type(err).__name__) from None


def read_export_document(path: Path) -> dict[str, Any] | None:
    """The parsed JSON of a Pilote export (told by its "format" key), or None for any other file (a
    table to read). A `.json` file that is no export, or no JSON at all, is refused with why."""
    with open(path, "rb") as f:
        head = f.read(64).lstrip(codecs.BOM_UTF8).lstrip()
    if path.suffix.lower() != ".json" and not head.startswith(b"{"):
        return None
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        if path.suffix.lower() != ".json":
            return None  # a CSV that starts with a brace: read as a table
        raise UnreadableFile(
            N_("error.restore.bad_json"), name=path.name, line=getattr(err, "lineno", 1)
        ) from None
    if is_export_document(data):
        return dict(data)
    if path.suffix.lower() == ".json":
        raise UnreadableFile(N_("error.restore.not_export"), name=path.name)
    return None
