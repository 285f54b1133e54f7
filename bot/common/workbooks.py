"""Workbooks an organiser opens in Excel or WPS and prints: a title block (what it is, for
which union, when it was made), named sheets, headers that stay in view and repeat on every
printed page, and columns wide enough for Chinese text.

The chat and the back office send the same workbooks, so both call this one module.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Sequence
from copy import copy
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

# Excel refuses these in a sheet's name and cuts names at 31 characters.
_SHEET_NAME_REFUSED = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_LIMIT = 31
_WIDEST_COLUMN = 60
_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_MIDDLE = Alignment(vertical="center", wrap_text=True)


@dataclass(frozen=True)
class Sheet:
    name: str
    headers: Sequence[str]
    rows: Sequence[Sequence[object]]
    # Rows tall enough to sign on (the door's sign-in sheet); None: Excel's default.
    row_height: float | None = None
    # Columns at least this wide, by header (a signature column is empty but must be wide).
    min_widths: dict[str, int] = field(default_factory=dict)


def titled_workbook(title: str, about: Sequence[str], sheets: Sequence[Sheet]) -> bytes:
    """An .xlsx file: each sheet starts with ``title`` and the ``about`` lines (union, period,
    generated at), then its table with boxed cells."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet in sheets:
        _write_sheet(workbook, title, about, sheet)
    data = io.BytesIO()
    workbook.save(data)
    return data.getvalue()


def sheet_name(name: str) -> str:
    """A name Excel accepts for a sheet."""
    cleaned = _SHEET_NAME_REFUSED.sub(" ", name).strip().strip("'") or "Sheet"
    return cleaned[:SHEET_NAME_LIMIT]


def display_width(value: object) -> int:
    """Columns a value takes on screen: Chinese characters take two."""
    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


# What makes Excel or WPS read a CSV field as a formula (OWASP's "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_field(value: object) -> object:
    """A value for a CSV an organiser opens in Excel or WPS: a text that would be read as a
    formula starts with an apostrophe, which keeps it text."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _as_written(page: Worksheet) -> None:
    """Every text stays text. openpyxl stores a string starting with "=" as a formula, which
    Excel and WPS run when the organiser opens the file: a member named
    "=cmd|' /C calc'!A0" on a sign-in sheet, or an event titled with a HYPERLINK to a phishing
    page, would be a formula injected into the union's office."""
    for row in page.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"


def _write_sheet(workbook: Workbook, title: str, about: Sequence[str], sheet: Sheet) -> None:
    page = workbook.create_sheet(sheet_name(sheet.name))
    columns = max(len(sheet.headers), 1)
    page.append([title])
    page["A1"].font = Font(bold=True, size=14)
    for line in about:
        page.append([line])
    page.append([])  # an empty row, which has no cells: max_row does not count it
    header_row = 1 + len(about) + 2
    page.append(list(sheet.headers))
    for row in sheet.rows:
        page.append(list(row))
    _as_written(page)
    for cell in page[header_row]:
        cell.font = Font(bold=True)
    # Boxed and aligned. A style is worked out once and copied to each cell with the same one
    # before (as openpyxl copies cells): worked out for each cell, 1,000 rows took a second.
    boxed: dict[tuple[int, ...], StyleArray] = {}
    for row in page.iter_rows(min_row=header_row, max_row=page.max_row, max_col=columns):
        for cell in row:
            before = tuple(cell._style or ())
            if before in boxed:
                cell._style = copy(boxed[before])
            else:
                cell.border = _BOX
                cell.alignment = _MIDDLE
                boxed[before] = copy(cell._style)
    if sheet.row_height is not None:
        for number in range(header_row + 1, page.max_row + 1):
            page.row_dimensions[number].height = sheet.row_height
    for index, header in enumerate(sheet.headers, start=1):
        widest = max(
            [display_width(header), *(display_width(r[index - 1]) for r in sheet.rows if r)],
        )
        width = max(widest + 2, sheet.min_widths.get(header, 0), 6)
        page.column_dimensions[get_column_letter(index)].width = min(width, _WIDEST_COLUMN)
    # The header stays in view on screen and is printed at the top of every page.
    page.freeze_panes = page.cell(row=header_row + 1, column=1)
    page.print_title_rows = f"{header_row}:{header_row}"
    page.page_setup.fitToWidth = 1
    page.page_setup.fitToHeight = 0
    page.sheet_properties.pageSetUpPr.fitToPage = True
