"""Spreadsheets shaped as real users' files, written with openpyxl (Excel) and odfpy (LibreOffice's
OpenDocument), never with Pilote's own code."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

Cell = Any  # str, int, float, bool, date, None; or (value, number_format) for an XLSX cell


def write_xlsx(path: Path, rows: Sequence[Sequence[Cell]], *, merged: Sequence[str] = ()) -> Path:
    """An Excel workbook: one sheet, cells with their number formats, some cells merged (`A1:D1`)."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for r, row in enumerate(rows, start=1):
        for c, cell in enumerate(row, start=1):
            value, fmt = cell if isinstance(cell, tuple) else (cell, None)
            if value is None:
                continue
            target = sheet.cell(row=r, column=c, value=value)
            if fmt:
                target.number_format = fmt
    for span in merged:
        sheet.merge_cells(span)
    book.save(path)
    return path


def ods_cell(value: Cell, shown: str | None = None) -> Any:
    """An OpenDocument cell as LibreOffice writes it: a typed value and its display text."""
    from odf.table import TableCell
    from odf.text import P

    if value is None:
        return TableCell()
    if isinstance(value, bool):
        cell = TableCell(valuetype="boolean", booleanvalue="true" if value else "false")
    elif isinstance(value, dt.date):
        cell = TableCell(valuetype="date", datevalue=value.isoformat())
    elif isinstance(value, tuple) and value[0] == "%":
        cell = TableCell(valuetype="percentage", value=value[1])
    elif isinstance(value, int | float):
        cell = TableCell(valuetype="float", value=repr(value))
    else:
        cell = TableCell(valuetype="string")
    text = shown if shown is not None else str(value)
    cell.addElement(P(text=text))
    return cell


def write_ods(
    path: Path, rows: Sequence[Sequence[Any]], *, title: str | None = None, blank_rows: int = 0
) -> Path:
    """A LibreOffice Calc sheet: a title merged over the columns (covered cells after it), the rows
    (cells from ods_cell, or plain values), `blank_rows` empty rows as one repeated row in the middle,
    and the sheet's million empty rows at the end as one repeated row, as Calc saves them."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import CoveredTableCell, Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    table = Table(name="Mesures")
    width = max(len(r) for r in rows)
    if title is not None:
        first = TableCell(valuetype="string", numbercolumnsspanned=width)
        first.addElement(P(text=title))
        row = TableRow()
        row.addElement(first)
        for _ in range(width - 1):
            row.addElement(CoveredTableCell())
        table.addElement(row)
    for index, cells in enumerate(rows):
        row = TableRow()
        for cell in cells:
            row.addElement(cell if hasattr(cell, "tagName") else ods_cell(cell))
        table.addElement(row)
        if index == 0 and blank_rows:
            empty = TableRow(numberrowsrepeated=blank_rows)
            empty.addElement(TableCell(numbercolumnsrepeated=width))
            table.addElement(empty)
    tail = TableRow(numberrowsrepeated=1048000)
    tail.addElement(TableCell(numbercolumnsrepeated=1024))
    table.addElement(tail)
    doc.spreadsheet.addElement(table)
    doc.save(str(path))
    return path
