"""Importing a union's roster: CSV and Excel, bad rows by line, unusable files import nothing."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from bot.common.i18n import translator
from bot.domain.clock import SystemClock
from bot.domain.roster_file import RosterFileError
from bot.domain.units import UnitsFileError, parse_units
from bot.services import roster_import
from bot.services.roster_import import UnknownUnit, import_roster
from storage import migrate, units
from storage.engine import create_engine, create_sessionmaker
from storage.models import Member, OrgUnit, RosterEntry, ScheduledTask, UnitRole
from tests.helpers import CITY, PUDONG, PUDONG_CONTACT, units_file
from tests.test_cli import huihui

EN, ZH = translator("en"), translator("zh")


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
    assert [(bad.line, bad.text(EN)) for bad in report.bad_rows] == [
        (3, "会员号 is empty"),
        (4, "手机 is not a phone number"),
        (7, "the member number repeats line 2"),
    ]
    assert [bad.text(ZH) for bad in report.bad_rows] == [
        "“会员号”为空",
        "“手机”不是有效的手机号码",
        "会员号与第 2 行重复",
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
    assert [(bad.line, bad.text(EN)) for bad in report.bad_rows] == [
        (3, "the union 徐汇区总工会 is not 浦东新区总工会 or below it")
    ]
    assert (await entries(db))["SH001"] == ("张三", "上海地铁", "13800138000")


async def test_gbk_csv_from_chinese_excel_is_read(db, tmp_path: Path) -> None:
    path = csv_file(tmp_path, "姓名,会员号,工作单位\n张三,SH001,上海地铁\n", encoding="gb18030")
    report = await import_roster(db, SystemClock(), path, PUDONG)
    assert report.added == 1 and (await entries(db))["SH001"][0] == "张三"


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("名册.csv", "姓名,工作单位\n张三,上海地铁\n", "the header lacks the column"),
        ("名册.csv", "", "the file is empty"),
        ("名册.txt", "姓名,会员号,工作单位\n", "files of type .txt cannot be read"),
        ("名册.xlsx", "not really a workbook", "the workbook cannot be opened"),
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
    # From the wrong folder (no .env, no database yet): said, and no empty database made.
    lost = huihui("units", "list", cwd=tmp_path, HUIHUI_DATABASE_URL=url)
    assert lost.returncode == 1 and "no units yet" not in lost.stdout
    assert lost.stderr == (
        f"huihui: there is no database at {tmp_path}/cli.db: run this where the bot's .env "
        "is, or set HUIHUI_DATABASE_URL\n"
    )
    assert not (tmp_path / "cli.db").exists()
    units_path = tmp_path / "units.toml"
    units_path.write_text(units_file({PUDONG: [77]}, {PUDONG: [88]}), encoding="utf-8")
    loaded = huihui("units", "load", str(units_path), cwd=tmp_path, HUIHUI_DATABASE_URL=url)
    assert loaded.returncode == 0 and "3 unit(s) loaded" in loaded.stdout
    assert loaded.stderr == f"huihui: a new database was made at {tmp_path}/cli.db\n"
    tree = huihui("units", "list", cwd=tmp_path, HUIHUI_DATABASE_URL=url)
    assert (
        "上海市总工会 (city)\n  浦东新区总工会 (district) — matchmakers: 88; organisers: 77"
        f" — contact: {PUDONG_CONTACT}"
    ) in tree.stdout
    roster = csv_file(tmp_path, "姓名,会员号,工作单位\n张三,SH001,上海地铁\n李四,,上海电气\n")
    imported = huihui(
        "roster", "import", str(roster), "--unit", PUDONG, cwd=tmp_path, HUIHUI_DATABASE_URL=url
    )
    assert imported.returncode == 3
    assert "已导入浦东新区总工会：新增 1 位，更新 0 位，跳过 1 行有问题的数据。" in imported.stdout
    assert "第 3 行：“会员号”为空" in imported.stdout
    replaced = huihui(
        "roster",
        "import",
        str(csv_file(tmp_path, "姓名,会员号,工作单位\n王五,SH002,上海银行\n")),
        "--unit",
        PUDONG,
        "--replace",
        cwd=tmp_path,
        HUIHUI_DATABASE_URL=url,
    )
    assert replaced.returncode == 0
    assert "不在新名册中、已标记为离会：1 人。" in replaced.stdout  # 张三 left
    broken = csv_file(tmp_path, "名字,号码\n张三,1\n")
    refused = huihui(
        "roster", "import", str(broken), "--unit", PUDONG, cwd=tmp_path, HUIHUI_DATABASE_URL=url
    )
    assert refused.returncode == 1 and "没有导入任何内容" in refused.stderr
    # A mistyped path was called a damaged file.
    missing = huihui(
        "roster", "import", "名册-2026.csv", "--unit", PUDONG, cwd=tmp_path, HUIHUI_DATABASE_URL=url
    )
    assert missing.returncode == 1 and missing.stderr.count("\n") == 1, missing.stderr
    assert "No such file or directory" in missing.stderr and "损坏" not in missing.stderr


async def test_the_command_line_cannot_move_entries_out_of_other_unions(db, tmp_path) -> None:
    from tests.helpers import XUHUI

    first = csv_file(tmp_path, "姓名,会员号,工作单位\n张三,PD001,上海地铁\n")
    await import_roster(db, SystemClock(), first, PUDONG)
    report = await import_roster(
        db,
        SystemClock(),
        csv_file(tmp_path, "姓名,会员号,工作单位\n冒名,PD001,徐汇某单位\n"),
        XUHUI,
    )
    assert (report.added, report.updated) == (0, 0)
    assert [b.text(EN) for b in report.bad_rows] == [
        "member number PD001 is on the roster of a union outside yours"
    ]
    assert (await entries(db))["PD001"] == ("张三", "上海地铁", None)


async def test_a_title_row_above_the_header_is_skipped(db, tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["2026年浦东新区总工会单身职工名册"])
    sheet.append([])
    sheet.append(["序号", "姓名", "会员号", "工作单位"])
    sheet.append([1, "张三", "SH001", "上海地铁"])
    path = tmp_path / "名册.xlsx"
    workbook.save(path)
    report = await import_roster(db, SystemClock(), path, PUDONG)
    assert report.added == 1 and (await entries(db))["SH001"][0] == "张三"


def huge_empty_sheet(path: Path, rows: int, declared: int | None) -> Path:
    """An .xlsx of ``rows`` empty rows, about 0.4 MB zipped, as an attacker would craft it;
    ``declared`` is the size the sheet claims (None: no claim)."""
    import zipfile

    dimension = f'<dimension ref="A1:C{declared}"/>' if declared else ""
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        f'spreadsheetml/2006/main">{dimension}<sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>会员号</t></is></c>'
        '<c r="C1" t="inlineStr"><is><t>工作单位</t></is></c></row>'
        + "".join(f'<row r="{n}"/>' for n in range(2, rows + 1))
        + "</sheetData></worksheet>"
    )
    parts = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',  # noqa: E501
        "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',  # noqa: E501
        "xl/workbook.xml": '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="名册" sheetId="1" r:id="rId1"/></sheets></workbook>',  # noqa: E501
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',  # noqa: E501
        "xl/worksheets/sheet1.xml": sheet,
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return path


@pytest.mark.parametrize("declared", [3_000_000, None])
async def test_a_sheet_of_millions_of_empty_rows_is_refused(db, tmp_path, declared) -> None:
    path = huge_empty_sheet(tmp_path / "名册.xlsx", 3_000_000 if declared else 250_000, declared)
    with pytest.raises(RosterFileError, match="more than 200000 rows"):
        await import_roster(db, SystemClock(), path, PUDONG)
    assert await entries(db) == {}


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        (
            "名册.csv",
            '姓名,会员号,工作单位\n张三,SH001,"' + "长" * 140_000 + '"\n',
            "a cell longer",
        ),
        ("名册.csv", "姓名,会员号,工作单位\n张三,SH001," + "长" * 2_000 + "\n", "a cell longer"),
    ],
)
async def test_giant_cells_make_a_file_unusable(db, tmp_path, name, content, problem) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(RosterFileError, match=problem):
        await import_roster(db, SystemClock(), path, PUDONG)


async def test_a_workbook_with_broken_sheet_xml_is_refused(db, tmp_path: Path) -> None:
    import zipfile

    path = huge_empty_sheet(tmp_path / "good.xlsx", 3, None)
    broken = tmp_path / "名册.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.endswith("sheet1.xml"):
                data = data[: len(data) // 2]  # cut off mid-element
            target.writestr(item, data)
    with pytest.raises(RosterFileError, match="damaged|cannot be opened"):
        await import_roster(db, SystemClock(), broken, PUDONG)


async def test_a_replacing_import_marks_who_left_and_they_lose_verification(
    db, tmp_path: Path
) -> None:
    await import_roster(
        db,
        SystemClock(),
        csv_file(tmp_path, "姓名,会员号,工作单位\n张三,PD001,上海地铁\n李四,PD002,上海电气\n"),
        PUDONG,
    )
    async with db.begin() as session:
        entry = await session.scalar(
            select(RosterEntry).where(RosterEntry.member_number == "PD002")
        )
        now = SystemClock().now()
        member = Member(
            telegram_id=4242,
            created_at=now,
            last_seen_at=now,
            verified_at=now,
            unit_id=entry.unit_id,
        )
        session.add(member)
        await session.flush()
        entry.member_id = member.id
    with_a_bad_row = csv_file(
        tmp_path, "姓名,会员号,工作单位\n张三,PD001,上海地铁\n王五,,上海银行\n"
    )
    report = await import_roster(db, SystemClock(), with_a_bad_row, PUDONG, replace=True)
    assert report.left is None  # a mistyped row must not cost anyone membership
    report = await import_roster(
        db,
        SystemClock(),
        csv_file(tmp_path, "姓名,会员号,工作单位\n张三,PD001,上海地铁\n"),
        PUDONG,
        replace=True,
    )
    assert report.left == 1
    async with db() as session:
        left = await session.scalar(select(RosterEntry).where(RosterEntry.member_number == "PD002"))
        member = await session.get(Member, left.member_id)
        told = (
            await session.scalars(
                select(ScheduledTask.payload).where(ScheduledTask.key.startswith("left_roster:"))
            )
        ).all()
    assert left.left_at is not None and member.verified_at is None
    [notice] = told
    assert notice["to"] == 4242
    [[message, values]] = notice["lines"]
    assert "新名册中没有你的记录" in ZH(message, **values) and values["contact"].startswith("浦东")
    # Listed again later: a current entry again, so the member can verify once more.
    await import_roster(
        db, SystemClock(), csv_file(tmp_path, "姓名,会员号,工作单位\n李四,PD002,上海电气\n"), PUDONG
    )
    assert (await entries(db))["PD002"][0] == "李四"
    async with db() as session:
        back = await session.scalar(select(RosterEntry).where(RosterEntry.member_number == "PD002"))
    assert back.left_at is None


async def test_suspicious_phones_are_imported_with_a_warning(db, tmp_path: Path) -> None:
    path = csv_file(
        tmp_path,
        "姓名,会员号,工作单位,联系电话\n"
        "张三,PD001,上海地铁,13912345678\n"
        "李四,PD002,上海电气,13912345678\n"
        "王五,PD003,上海银行,13800000000\n"
        "赵六,PD004,上海银行,021-58880000\n",
    )
    report = await import_roster(db, SystemClock(), path, PUDONG)
    assert report.added == 4
    assert [(w.line, w.text(ZH)) for w in report.warnings] == [
        (3, "“联系电话”与第 2 行相同"),
        (4, "“联系电话”像是占位号码"),
        (5, "“联系电话”不是大陆手机号"),
    ]


def test_units_files_with_unknown_keys_are_refused_naming_the_spelling() -> None:
    text = "[[unit]]\nname='A'\nkind='city'\norganizers=[1]\n"
    with pytest.raises(UnitsFileError, match="unknown key organizers .did you mean organisers"):
        parse_units(text)


FIVE_ROWS = "姓名,会员号,工作单位\n" + "".join(f"员工{n},PD10{n},上海地铁\n" for n in range(5))


async def test_each_chunk_is_committed_before_progress_is_told(
    db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large roster does not hold the database for the whole import: others see each chunk
    as soon as the importer reports it (and the bot, on SQLite's one writer, may write
    between chunks); the progress message is never edited inside a transaction."""
    monkeypatch.setattr(roster_import, "CHUNK", 2)
    seen = []

    async def progress(count: int) -> None:
        async def entries_now() -> int:
            async with db() as session:
                return len((await session.scalars(select(RosterEntry))).all())

        seen.append((count, await asyncio.wait_for(entries_now(), timeout=5)))

    report = await import_roster(db, SystemClock(), csv_file(tmp_path, FIVE_ROWS), PUDONG, progress)
    assert report.added == 5
    assert seen == [(2, 2), (2, 4), (1, 5)]


async def test_an_import_cut_short_keeps_its_chunks_and_running_it_again_completes_it(
    db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(roster_import, "CHUNK", 2)
    old = await import_roster(
        db,
        SystemClock(),
        csv_file(tmp_path, "姓名,会员号,工作单位\n老员工,PD999,上海电气\n"),
        PUDONG,
    )
    assert old.added == 1

    def crash(_count: int) -> None:
        raise RuntimeError("the importer's process died here")

    roster_file = csv_file(tmp_path, FIVE_ROWS)
    with pytest.raises(RuntimeError):
        await import_roster(db, SystemClock(), roster_file, PUDONG, crash, replace=True)
    async with db() as session:
        stored = {e.member_number: e.left_at for e in await session.scalars(select(RosterEntry))}
    assert stored == {"PD999": None, "PD100": None, "PD101": None}  # nobody marked as left yet

    again = await import_roster(db, SystemClock(), roster_file, PUDONG, replace=True)
    assert (again.added, again.updated, again.left) == (3, 2, 1)
    async with db() as session:
        stored = {e.member_number: e.left_at for e in await session.scalars(select(RosterEntry))}
    assert set(stored) == {"PD999"} | {f"PD10{n}" for n in range(5)}
    assert stored["PD999"] is not None and stored["PD104"] is None


async def test_a_union_leaving_the_importers_scope_part_way_is_written_no_more(
    db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Scope is checked at each chunk's write: rows for a union the importer no longer acts
    for are not written, though the import began when it could."""
    monkeypatch.setattr(roster_import, "CHUNK", 2)
    async with db() as session:
        city_id = (await units.by_name(session, CITY)).id
        pudong_id = (await units.by_name(session, PUDONG)).id
    checks = []

    async def scope(_session) -> frozenset[int]:
        checks.append(None)
        return frozenset({city_id, pudong_id} if len(checks) <= 2 else {city_id})

    rows = "姓名,会员号,工作单位,所属工会\n" + "".join(
        f"员工{n},PD20{n},上海地铁,{PUDONG}\n" for n in range(4)
    )
    with pytest.raises(roster_import.NotAllowed):
        await import_roster(db, SystemClock(), csv_file(tmp_path, rows), CITY, scope=scope)
    assert set(await entries(db)) == {"PD200", "PD201"}
