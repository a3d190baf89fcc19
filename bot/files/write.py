"""An export written as JSON, XLSX, ODS or CSV, and Etalab's CSV: plain values in, file bytes out.

Spreadsheets get one sheet a table, headers in the workspace's language (given as `Labels`), numbers
as numbers, dates as dates, times in UTC. The ODS file is written by hand (a few lines of
OpenDocument XML), so that no dependency is needed to write it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from bot.domain.exports import ETALAB_FIELDS, TABLES, Export, cell_values, columns, dumps, records
from bot.files.read import number_text, yes_no

BOM = "\ufeff"
FORMATS = ("json", "xlsx", "ods", "csv")
BINARY = frozenset({"xlsx", "ods", "csv"})  # csv: a ZIP of one CSV a table
MEDIA_TYPES = {
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "csv": "application/zip",
}


@dataclass(frozen=True)
class Labels:
    """What a reader sees: each table's sheet name and each column's header, in their language, and
    the words for the stored codes of some columns ((table, column) -> code -> word: `quarter` is
    `trimestre`); a code with no word is shown as stored. The JSON export keeps the codes."""

    lang: str
    sheets: Mapping[str, str]
    headers: Mapping[str, str]
    values: Mapping[tuple[str, str], Mapping[str, str]] = field(default_factory=dict)


def _cells(export: Export, table: str, labels: Labels) -> Iterator[list[Any]]:
    """Each record's values in column order, a code shown by its word where Labels has one."""
    words = [labels.values.get((table, c), {}) for c in columns(table)]
    for record in records(export, table):
        yield [
            w.get(v, v) if w and isinstance(v, str) else v
            for w, v in zip(words, cell_values(record), strict=True)
        ]


def _naive_utc(value: dt.datetime) -> dt.datetime:
    # Spreadsheets keep no time zone: the headers say UTC.
    return value.astimezone(dt.UTC).replace(tzinfo=None)


def write_json(export: Export) -> bytes:
    """The export as one JSON document (UTF-8)."""
    return dumps(export).encode("utf-8")


def write_xlsx(export: Export, labels: Labels) -> bytes:
    """An Excel workbook, one sheet a table."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for table in TABLES:
        sheet = book.create_sheet(labels.sheets[table][:31])  # Excel's limit on a sheet name
        sheet.append([labels.headers[c] for c in columns(table)])
        for values in _cells(export, table, labels):
            sheet.append([_naive_utc(v) if isinstance(v, dt.datetime) else v for v in values])
        for cells in sheet.iter_rows(min_row=2):
            for cell in cells:
                if isinstance(cell.value, dt.datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm:ss"
                elif isinstance(cell.value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"'
)
_ODS_STYLES = (
    "<office:automatic-styles>"
    '<number:date-style style:name="D"><number:year number:style="long"/><number:text>-</number:text>'
    '<number:month number:style="long"/><number:text>-</number:text><number:day number:style="long"/>'
    "</number:date-style>"
    '<number:date-style style:name="T"><number:year number:style="long"/><number:text>-</number:text>'
    '<number:month number:style="long"/><number:text>-</number:text><number:day number:style="long"/>'
    '<number:text> </number:text><number:hours number:style="long"/><number:text>:</number:text>'
    '<number:minutes number:style="long"/><number:text>:</number:text>'
    '<number:seconds number:style="long"/></number:date-style>'
    '<style:style style:name="cd" style:family="table-cell" style:data-style-name="D"/>'
    '<style:style style:name="ct" style:family="table-cell" style:data-style-name="T"/>'
    "</office:automatic-styles>"
)
_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
    'manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" manifest:version="1.2" '
    'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


def _ods_cell(value: Any, lang: str) -> str:
    if value is None or value == "":
        return "<table:table-cell/>"
    if isinstance(value, bool):
        return (
            f'<table:table-cell office:value-type="boolean" office:boolean-value="{str(value).lower()}">'
            f"<text:p>{yes_no(value, lang)}</text:p></table:table-cell>"
        )
    if isinstance(value, int | float):
        exact = repr(value)  # a double's repr reads back as the same double
        shown = number_text(Decimal(exact), lang)
        return (
            f'<table:table-cell office:value-type="float" office:value="{exact}">'
            f"<text:p>{shown}</text:p></table:table-cell>"
        )
    if isinstance(value, dt.datetime):
        moment = _naive_utc(value).isoformat(timespec="seconds")
        return (
            f'<table:table-cell table:style-name="ct" office:value-type="date" office:date-value="{moment}">'
            f"<text:p>{moment.replace('T', ' ')}</text:p></table:table-cell>"
        )
    if isinstance(value, dt.date):
        day = value.isoformat()
        return (
            f'<table:table-cell table:style-name="cd" office:value-type="date" office:date-value="{day}">'
            f"<text:p>{day}</text:p></table:table-cell>"
        )
    lines = "".join(f"<text:p>{escape(line)}</text:p>" for line in str(value).split("\n"))
    return f'<table:table-cell office:value-type="string">{lines}</table:table-cell>'


def write_ods(export: Export, labels: Labels) -> bytes:
    """An OpenDocument spreadsheet, one sheet a table."""
    parts = [f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {_NS} office:version="1.2">']
    parts.append(_ODS_STYLES + "<office:body><office:spreadsheet>")
    for table in TABLES:
        parts.append(f"<table:table table:name={quoteattr(labels.sheets[table])}>")
        header = [labels.headers[c] for c in columns(table)]
        parts.append(
            "<table:table-row>" + "".join(_ods_cell(h, labels.lang) for h in header) + "</table:table-row>"
        )
        for values in _cells(export, table, labels):
            cells = "".join(_ods_cell(v, labels.lang) for v in values)
            parts.append(f"<table:table-row>{cells}</table:table-row>")
        parts.append("</table:table>")
    parts.append("</office:spreadsheet></office:body></office:document-content>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        # The mimetype first and stored: how an OpenDocument file is told apart from another ZIP.
        z.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED
        )
        z.writestr("META-INF/manifest.xml", _MANIFEST)
        z.writestr("content.xml", "".join(parts))
    return out.getvalue()


def _csv_text(value: Any, lang: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return yes_no(value, lang)
    if isinstance(value, int | float):
        return number_text(Decimal(repr(value)), lang)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def write_csv_table(export: Export, table: str, labels: Labels) -> bytes:
    """One table as a CSV file that French Excel opens as it is: UTF-8 with BOM, `;`, decimals in the
    workspace's language."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([labels.headers[c] for c in columns(table)])
    for values in _cells(export, table, labels):
        writer.writerow([_csv_text(v, labels.lang) for v in values])
    return (BOM + out.getvalue()).encode("utf-8")


def csv_names() -> dict[str, str]:
    """The file name of each table's CSV inside the ZIP: the table's own name, the same in every language."""
    return {table: f"{table}.csv" for table in TABLES}


def write_csv_zip(export: Export, labels: Labels) -> bytes:
    """Every table, one CSV each (as write_csv_table), in a ZIP."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for table, name in csv_names().items():
            z.writestr(name, write_csv_table(export, table, labels))
    return out.getvalue()


def write_export(export: Export, fmt: str, labels: Labels) -> bytes:
    """The export in one of FORMATS."""
    if fmt == "json":
        return write_json(export)
    if fmt == "xlsx":
        return write_xlsx(export, labels)
    if fmt == "ods":
        return write_ods(export, labels)
    return write_csv_zip(export, labels)


def write_etalab_csv(rows: Sequence[Mapping[str, str]]) -> bytes:
    """Rows of Etalab's schema as its published CSV: its columns in its order, comma, UTF-8 with BOM
    (as its own example file)."""
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(ETALAB_FIELDS), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return (BOM + out.getvalue()).encode("utf-8")
