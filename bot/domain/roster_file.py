"""Reading a union's member roster (CSV or Excel) into checked rows.

Roster files are untrusted input: they are read with bounds on rows, columns and cell size, so a
file of three million empty rows or one giant cell is refused in seconds instead of read whole.
The header may sit below a few title rows ("2026年职工名册"), as unions often keep them.

A file is unusable — and nothing from it is imported — when it cannot be read, breaks a bound,
or lacks a required column. Otherwise each row is either good or reported by its line number
with what is wrong, naming the column as the file does. Problems are catalog msgids with values,
worded in the reader's language where they are shown.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from bot.domain import N_, free_text
from bot.domain.text import normalise, normalise_member_number, normalise_phone

# Column headers unions use, in Chinese and English, for each field.
HEADERS: dict[str, tuple[str, ...]] = {
    "real_name": ("姓名", "真实姓名", "会员姓名", "职工姓名", "name", "real name", "real_name"),
    "member_number": (
        "会员号",
        "会员编号",
        "工会会员号",
        "会员证号",
        "会员证编号",
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
BOUNDS = {
    "real_name": free_text.REAL_NAME,
    "member_number": free_text.MEMBER_NUMBER,
    "employer": free_text.EMPLOYER,
    "unit": free_text.UNIT_NAME,
}
# Bounds of a file: rows read (title, blank and header rows included), columns, one cell.
MAX_ROWS = 200_000
MAX_COLUMNS = 50
MAX_CELL = 1_000
# A mainland mobile number, as members share it from Telegram; and a run of one digit
# ("13800000000" has eight), which rosters use for unknown numbers.
MAINLAND_MOBILE = re.compile(r"1[3-9]\d{9}")
PLACEHOLDER = re.compile(r"(\d)\1{7}")
# Title rows a header may sit below.
HEADER_SEARCH = 10
# How large a file may be fetched at all (Telegram lets bots download up to 20 MB).
MAX_FILE_BYTES = 20_000_000
# An .xlsx unpacked: a sheet of MAX_ROWS real rows takes well under this, and real sheets pack
# about tenfold; one that packs a hundredfold is mostly empty rows or a zip bomb.
MAX_UNPACKED_BYTES = 150_000_000
MAX_PACKING = 100


@dataclass(frozen=True)
class Problem:
    """What is wrong: a catalog msgid and its values."""

    reason: str
    values: dict[str, Any] = field(default_factory=dict)

    def text(self, translate: Callable[..., str]) -> str:
        return translate(self.reason, **self.values)


class RosterFileError(ValueError):
    """The file as a whole cannot be imported."""

    def __init__(self, reason: str, **values: Any) -> None:
        super().__init__(reason.format(**values))
        self.problem = Problem(reason, values)


@dataclass(frozen=True)
class RosterRow:
    line: int
    member_number: str
    real_name: str
    employer: str
    phone: str | None
    unit: str | None
    # Imported, but worth a look (a phone that is probably wrong).
    warning: Problem | None = None


@dataclass(frozen=True)
class BadRow:
    line: int
    problem: Problem

    def text(self, translate: Callable[..., str]) -> str:
        return self.problem.text(translate)


def read_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) of every row, header included, of a .csv, .xlsx or .xlsm file."""
    suffix = path.suffix.lower()
    if path.stat().st_size > MAX_FILE_BYTES:
        raise RosterFileError(
            N_("the file is larger than {maximum} MB"), maximum=MAX_FILE_BYTES // 1_000_000
        )
    if suffix == ".csv":
        return _bounded(_csv_rows(path.read_bytes()))
    if suffix in {".xlsx", ".xlsm"}:
        return _bounded(_excel_rows(path))
    raise RosterFileError(
        N_("files of type {suffix} cannot be read: save it as .xlsx or .csv"),
        suffix=suffix or "?",
    )


def read_roster(path: Path) -> list[RosterRow | BadRow]:
    """The whole file checked, row by row; for a worker thread (it reads and parses)."""
    try:
        return list(parse_roster(read_rows(path)))
    except RosterFileError:
        raise
    except Exception as error:  # noqa: BLE001 - any fault of an untrusted file is the file's
        raise RosterFileError(N_("the file is damaged or is not a roster")) from error


def parse_roster(rows: Iterator[tuple[int, list[str]]]) -> Iterator[RosterRow | BadRow]:
    """Check each data row; raises RosterFileError first if no usable header is found."""
    columns = _find_header(rows)
    seen: dict[str, int] = {}
    phones: dict[str, int] = {}
    for line, cells in rows:
        if not any(cell.strip() for cell in cells):
            continue
        row = _check(line, cells, columns)
        if isinstance(row, RosterRow):
            if row.member_number in seen:
                row = BadRow(
                    line,
                    Problem(
                        N_("the member number repeats line {line}"),
                        {"line": seen[row.member_number]},
                    ),
                )
            else:
                seen[row.member_number] = line
                if row.phone is not None:
                    warning = _suspicious_phone(row.phone, phones.get(row.phone))
                    phones.setdefault(row.phone, line)
                    if warning is not None:
                        column = columns["phone"][1]
                        row = replace(
                            row,
                            warning=Problem(warning.reason, {"column": column, **warning.values}),
                        )
        yield row


def _suspicious_phone(phone: str, same_as: int | None) -> Problem | None:
    """Why a phone number that reads as one is probably wrong: members verify by sharing their
    Telegram account's number, a mainland mobile, so a wrong one sends them to review."""
    if same_as is not None:
        return Problem(N_("{column} is the same as on line {line}"), {"line": same_as})
    if PLACEHOLDER.search(phone) or phone in "01234567890" or phone in "98765432109":
        return Problem(N_("{column} looks like a placeholder"))
    if not MAINLAND_MOBILE.fullmatch(phone):
        return Problem(N_("{column} is not a mainland mobile number"))
    return None


def _find_header(rows: Iterator[tuple[int, list[str]]]) -> dict[str, tuple[int, str]]:
    """The first of the first rows that names every required column: field → (column, label)."""
    best: dict[str, tuple[int, str]] = {}
    read = 0
    for _ in range(HEADER_SEARCH):
        try:
            _line, header = next(rows)
        except StopIteration:
            break
        read += 1
        columns = _columns(header)
        if all(field in columns for field in REQUIRED):
            return columns
        if len(columns) > len(best):
            best = columns
    if not read:
        raise RosterFileError(N_("the file is empty or has no header row"))
    missing = [HEADERS[field][0] for field in REQUIRED if field not in best]
    raise RosterFileError(
        N_("the header lacks the column(s) {columns}"), columns="、".join(missing)
    )


def _columns(header: list[str]) -> dict[str, tuple[int, str]]:
    labels = [normalise(cell) for cell in header]
    columns: dict[str, tuple[int, str]] = {}
    for field_name, names in HEADERS.items():
        for name in names:
            if normalise(name) in labels:
                index = labels.index(normalise(name))
                columns[field_name] = (index, header[index].strip())
                break
    return columns


def _check(line: int, cells: list[str], columns: dict[str, tuple[int, str]]) -> RosterRow | BadRow:
    def cell(field_name: str) -> str:
        index = columns[field_name][0] if field_name in columns else None
        if index is None or index >= len(cells):
            return ""
        return free_text.clean(cells[index], single_line=True)

    def bad(reason: str, field_name: str, **values: Any) -> BadRow:
        return BadRow(line, Problem(reason, {"column": columns[field_name][1], **values}))

    values = {field_name: cell(field_name) for field_name in HEADERS}
    values["member_number"] = normalise_member_number(values["member_number"])
    for field_name in REQUIRED:
        if not values[field_name]:
            return bad(N_("{column} is empty"), field_name)
    for field_name, bound in BOUNDS.items():
        if len(values[field_name]) > bound.maximum:
            return bad(
                N_("{column} is longer than {maximum} characters"),
                field_name,
                maximum=bound.maximum,
            )
    if not values["member_number"].isalnum():
        return bad(N_("{column} may hold only letters and digits"), "member_number")
    phone = None
    if values["phone"]:
        phone = normalise_phone(values["phone"])
        if phone is None or len(phone) > 20:
            return bad(N_("{column} is not a phone number"), "phone")
    return RosterRow(
        line,
        values["member_number"],
        values["real_name"],
        values["employer"],
        phone,
        values["unit"] or None,
    )


def _bounded(rows: Iterator[tuple[int, list[str]]]) -> Iterator[tuple[int, list[str]]]:
    for count, (line, cells) in enumerate(rows, start=1):
        if count > MAX_ROWS:
            raise RosterFileError(
                N_("the file has more than {maximum} rows: please split it"), maximum=MAX_ROWS
            )
        cells = cells[:MAX_COLUMNS]
        if any(len(cell) > MAX_CELL for cell in cells):
            raise RosterFileError(
                N_("line {line} has a cell longer than {maximum} characters"),
                line=line,
                maximum=MAX_CELL,
            )
        yield line, cells


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    # Excel in China saves CSV as GB18030 (GBK) unless told otherwise; others save UTF-8.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise RosterFileError(N_("the text cannot be read: save the file as UTF-8 or GBK CSV"))
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            for row in reader:
                yield reader.line_num, row
        except csv.Error as error:  # e.g. a field larger than the csv module's limit
            raise RosterFileError(
                N_("line {line} has a cell longer than {maximum} characters"),
                line=reader.line_num,
                maximum=MAX_CELL,
            ) from error

    return rows()


def _check_archive(path: Path) -> None:
    """An .xlsx is a zip archive: refuse one that would unpack to far more than a roster holds
    (a zip bomb, or millions of empty rows) before any library unpacks it."""
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            unpacked = sum(entry.file_size for entry in entries)
            packed_too_tightly = any(
                entry.file_size > 1_000_000 and entry.file_size > MAX_PACKING * entry.compress_size
                for entry in entries
            )
            if unpacked > MAX_UNPACKED_BYTES or packed_too_tightly:
                raise RosterFileError(N_("the file is damaged or is not a roster"))
            for entry in entries:
                sheet = entry.filename.startswith("xl/worksheets/")
                if sheet and _rows_in(archive, entry) > MAX_ROWS:
                    raise RosterFileError(
                        N_("the file has more than {maximum} rows: please split it"),
                        maximum=MAX_ROWS,
                    )
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise RosterFileError(N_("the workbook cannot be opened")) from error


def _rows_in(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> int:
    """Rows a sheet holds, counted in its XML as it unpacks (fast: no XML is parsed), stopping
    once past the bound. openpyxl would otherwise read a sheet whole before its first row."""
    rows, tail = 0, b""
    with archive.open(entry) as sheet:
        while chunk := sheet.read(1 << 20):
            data = tail + chunk
            tail = data[-5:]
            rows += data[:-5].count(b"<row") + data[:-5].count(b":row ")
            if rows > MAX_ROWS:
                break
    return rows + tail.count(b"<row")


def _excel_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    _check_archive(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds for a bad file
        raise RosterFileError(N_("the workbook cannot be opened")) from error
    sheet = workbook.worksheets[0]
    # The sheet's own declared size, when it has one, refuses a huge sheet before reading it.
    declared = sheet.max_row if isinstance(sheet.max_row, int) else None
    if declared is not None and declared > MAX_ROWS:
        workbook.close()
        raise RosterFileError(
            N_("the file has more than {maximum} rows: please split it"), maximum=MAX_ROWS
        )

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            for line, values in enumerate(
                sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS), start=1
            ):
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
