"""Reading a union's member roster (CSV or Excel) into checked rows.

A file is unusable — and nothing from it is imported — when it cannot be read or lacks a required
column. Otherwise each row is either good or reported by its line number with what is wrong.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from zipfile import BadZipFile

from bot.domain import free_text
from bot.domain.text import normalise, normalise_member_number, normalise_phone

# Column headers unions use, in Chinese and English, for each field.
HEADERS: dict[str, tuple[str, ...]] = {
    "real_name": ("姓名", "真实姓名", "会员姓名", "name", "real name", "real_name"),
    "member_number": (
        "会员号",
        "会员编号",
        "工会会员号",
        "会员证号",
        "member number",
        "member_number",
        "member no",
        "member no.",
        "number",
    ),
    "employer": ("工作单位", "单位", "单位名称", "所在单位", "employer", "company", "workplace"),
    "phone": ("手机", "手机号", "手机号码", "电话", "联系电话", "phone", "mobile", "phone number"),
    "unit": ("所属工会", "基层工会", "工会", "unit", "union"),
}
REQUIRED = ("real_name", "member_number", "employer")
LIMITS = {
    "real_name": free_text.REAL_NAME.maximum,
    "member_number": free_text.MEMBER_NUMBER.maximum,
    "employer": free_text.EMPLOYER.maximum,
}


class RosterFileError(ValueError):
    """The file as a whole cannot be imported."""


@dataclass(frozen=True)
class RosterRow:
    line: int
    member_number: str
    real_name: str
    employer: str
    phone: str | None
    unit: str | None


@dataclass(frozen=True)
class BadRow:
    line: int
    problem: str


def read_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) of every row, header included, of a .csv, .xlsx or .xlsm file."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _csv_rows(path.read_bytes())
    if suffix in {".xlsx", ".xlsm"}:
        return _excel_rows(path)
    raise RosterFileError(f"unsupported file type {suffix or '(none)'}: use .csv or .xlsx")


def parse_roster(rows: Iterator[tuple[int, list[str]]]) -> Iterator[RosterRow | BadRow]:
    """Check each data row; raises RosterFileError first if the header is unusable."""
    try:
        _line, header = next(rows)
    except StopIteration:
        raise RosterFileError("the file is empty") from None
    columns = _columns(header)
    seen: dict[str, int] = {}
    for line, cells in rows:
        if not any(cell.strip() for cell in cells):
            continue
        row = _check(line, cells, columns)
        if isinstance(row, RosterRow):
            if row.member_number in seen:
                row = BadRow(line, f"member number repeats line {seen[row.member_number]}")
            else:
                seen[row.member_number] = line
        yield row


def _columns(header: list[str]) -> dict[str, int]:
    labels = [normalise(cell) for cell in header]
    columns: dict[str, int] = {}
    for field, names in HEADERS.items():
        for name in names:
            if normalise(name) in labels:
                columns[field] = labels.index(normalise(name))
                break
    missing = [field for field in REQUIRED if field not in columns]
    if missing:
        wanted = "; ".join(f"{field}: {' / '.join(HEADERS[field][:3])}" for field in missing)
        raise RosterFileError(f"missing column(s) — {wanted}")
    return columns


def _check(line: int, cells: list[str], columns: dict[str, int]) -> RosterRow | BadRow:
    def cell(field: str) -> str:
        index = columns.get(field)
        if index is None or index >= len(cells):
            return ""
        return free_text.clean(cells[index], single_line=True)

    values = {field: cell(field) for field in HEADERS}
    values["member_number"] = normalise_member_number(values["member_number"])
    for field in REQUIRED:
        if not values[field]:
            return BadRow(line, f"{field} is empty")
        if len(values[field]) > LIMITS[field]:
            return BadRow(line, f"{field} is longer than {LIMITS[field]} characters")
    number = values["member_number"]
    if not number.isalnum():
        return BadRow(line, "member number may hold only letters and digits")
    phone = None
    if values["phone"]:
        phone = normalise_phone(values["phone"])
        if phone is None or len(phone) > 20:
            return BadRow(line, "phone is not a phone number")
    return RosterRow(
        line, number, values["real_name"], values["employer"], phone, values["unit"] or None
    )


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    # Excel in China saves CSV as GB18030 (GBK) unless told otherwise; others save UTF-8.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise RosterFileError("cannot read the file's text: save it as UTF-8 or GBK CSV")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    return ((reader.line_num, row) for row in reader)


def _excel_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, OSError, ValueError) as error:
        raise RosterFileError(f"cannot open the workbook: {type(error).__name__}") from error
    sheet = workbook.worksheets[0]

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield line, [_cell_text(value) for value in values]
        finally:
            workbook.close()

    return rows()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # member numbers and phones typed as numbers in Excel
    return str(value)
