"""Importing a union's roster: CSV and Excel, bad rows by line, unusable files import nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from bot.clock import SystemClock
from bot.domain.roster_file import RosterFileError
from bot.domain.units import UnitsFileError, parse_units
from bot.roster_import import UnknownUnit, import_roster
from storage import migrate, units
from storage.engine import create_engine, create_sessionmaker
from storage.models import OrgUnit, RosterEntry, UnitRole
from tests.helpers import PUDONG, units_file
from tests.test_cli import huihui


@pytest.fixture
async def db(database_url: str):
    engine = create_engine(database_url)
    await migrate.upgrade(engine)
    sessionmaker = create_sessionmaker(engine)
    async with sessionmaker.begin() as session:
        await units.save_specs(session, parse_units(units_file({PUDONG: [77]})))
    yield sessionmaker
    await engine.dispose()


async def entries(db) -> dict[str, tuple]:
    async with db() as session:
        rows = await session.scalars(select(RosterEntry))
        return {r.member_number: (r.real_name, r.employer, r.phone) for r in rows}


def csv_file(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "名册.csv"
    path.write_bytes(text.encode(encoding))
    return path


async def test_csv_rows_are_checked_and_good_ones_imported(db, tmp_path: Path) -> None:
    path = csv_file(
        tmp_path,
        "姓名,会员号,工作单位,手机\n"
        "张三,SH001,上海地铁,138 0013 8000\n"
        "李四,,上海电气,\n"
        "王五,SH003,上海电气,abc\n"
        "\n"
        "赵六,ｓｈ００４,上海银行,+86 139 0000 0000\n"
        "张三,sh-001,上海地铁,\n",
    )
    report = await import_roster(db, SystemClock(), path, PUDONG)
    assert (report.added, report.updated) == (2, 0)
    assert [(bad.line, bad.problem) for bad in report.bad_rows] == [
        (3, "member_number is empty"),
        (4, "phone is not a phone number"),
        (7, "member number repeats line 2"),
    ]
    assert await entries(db) == {
        "SH001": ("张三", "上海地铁", "13800138000"),
        "SH004": ("赵六", "上海银行", "13900000000"),
    }


async def test_reimport_updates_by_member_number_and_keeps_the_binding(db, tmp_path) -> None:
    first = csv_file(tmp_path, "name,member number,employer\nZhang San,SH001,Metro\n")
    await import_roster(db, SystemClock(), first, PUDONG)
    second = csv_file(tmp_path, "name,member number,employer\nZhang San,SH001,Shanghai Metro\n")
    report = await import_roster(db, SystemClock(), second, PUDONG)
    assert (report.added, report.updated) == (0, 1)
    assert (await entries(db))["SH001"] == ("Zhang San", "Shanghai Metro", None)


async def test_excel_files_from_unions_are_read(db, tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["会员姓名", "会员编号", "单位名称", "联系电话", "所属工会"])
    sheet.append(["张三", "SH001", "上海地铁", 13800138000, None])
    sheet.append(["李四", 20240002, "上海电气", None, "徐汇区总工会"])
    sheet.append(["王五", "SH003", "上海电气", None, "浦东新区总工会"])
    path = tmp_path / "名册.xlsx"
    workbook.save(path)
    report = await import_roster(db, SystemClock(), path, PUDONG)
    assert report.added == 2
    assert [(bad.line, bad.problem) for bad in report.bad_rows] == [
        (3, "unit '徐汇区总工会' is not under 浦东新区总工会")
    ]
    assert (await entries(db))["SH001"] == ("张三", "上海地铁", "13800138000")


async def test_gbk_csv_from_chinese_excel_is_read(db, tmp_path: Path) -> None:
    path = csv_file(tmp_path, "姓名,会员号,工作单位\n张三,SH001,上海地铁\n", encoding="gb18030")
    report = await import_roster(db, SystemClock(), path, PUDONG)
    assert report.added == 1 and (await entries(db))["SH001"][0] == "张三"


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("名册.csv", "姓名,工作单位\n张三,上海地铁\n", "missing column"),
        ("名册.csv", "", "the file is empty"),
        ("名册.txt", "姓名,会员号,工作单位\n", "unsupported file type"),
        ("名册.xlsx", "not really a workbook", "cannot open the workbook"),
    ],
)
async def test_unusable_files_import_nothing(db, tmp_path: Path, name, content, problem) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(RosterFileError, match=problem):
        await import_roster(db, SystemClock(), path, PUDONG)
    assert await entries(db) == {}


async def test_importing_into_an_unknown_unit_is_refused(db, tmp_path: Path) -> None:
    path = csv_file(tmp_path, "姓名,会员号,工作单位\n张三,SH001,上海地铁\n")
    with pytest.raises(UnknownUnit):
        await import_roster(db, SystemClock(), path, "不存在的工会")


async def test_units_file_builds_the_tree_with_organisers(db) -> None:
    async with db() as session:
        tree = {u.name: u.parent_id for u in await session.scalars(select(OrgUnit))}
        roles = (await session.scalars(select(UnitRole.telegram_id))).all()
    assert tree["上海市总工会"] is None and tree[PUDONG] is not None
    assert roles == [77]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[[unit]]\nname='A'\nkind='planet'\n", "kind must be one of"),
        ("[[unit]]\nname='A'\nkind='city'\nparent='Nowhere'\n", "unknown parent"),
        ("[[unit]]\nname='A'\nkind='city'\n[[unit]]\nname='A'\nkind='city'\n", "named twice"),
        (
            "[[unit]]\nname='A'\nkind='city'\nparent='B'\n[[unit]]\nname='B'\nkind='city'\nparent='A'\n",
            "cycle",
        ),
        ("not toml at all [", "not valid TOML"),
    ],
)
def test_bad_units_files_are_explained(text: str, problem: str) -> None:
    with pytest.raises(UnitsFileError, match=problem):
        parse_units(text)


def test_cli_loads_units_and_imports_a_roster_reporting_bad_rows(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/cli.db"
    units_path = tmp_path / "units.toml"
    units_path.write_text(units_file(), encoding="utf-8")
    loaded = huihui("units", "load", str(units_path), cwd=tmp_path, HUIHUI_DATABASE_URL=url)
    assert loaded.returncode == 0 and "3 unit(s) loaded" in loaded.stdout
    tree = huihui("units", "list", cwd=tmp_path, HUIHUI_DATABASE_URL=url)
    assert "上海市总工会 (city)\n  浦东新区总工会 (district)" in tree.stdout
    roster = csv_file(tmp_path, "姓名,会员号,工作单位\n张三,SH001,上海地铁\n李四,,上海电气\n")
    imported = huihui(
        "roster", "import", str(roster), "--unit", PUDONG, cwd=tmp_path, HUIHUI_DATABASE_URL=url
    )
    assert imported.returncode == 3
    assert (
        "1 member(s) imported into 浦东新区总工会: 1 new, 0 updated, 1 bad row(s)"
        in imported.stdout
    )
    assert "line 3: member_number is empty" in imported.stdout
    broken = csv_file(tmp_path, "名字,号码\n张三,1\n")
    refused = huihui(
        "roster", "import", str(broken), "--unit", PUDONG, cwd=tmp_path, HUIHUI_DATABASE_URL=url
    )
    assert refused.returncode == 1 and "nothing was imported" in refused.stderr
