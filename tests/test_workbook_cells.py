"""Every workbook the desk and the chat send boxes its table's cells and keeps each value's
format: a date stays a date, the header stays bold (``bot.common.workbooks``, which works a
style out once and copies it to the cells that share it)."""

from __future__ import annotations

import io
from datetime import datetime

from openpyxl import load_workbook

from bot.common.workbooks import Sheet, titled_workbook


def test_every_table_cell_is_boxed_and_keeps_its_format() -> None:
    rows = [
        [n, f"会员{n}", datetime(2026, 12, 6, 9, 30) if n % 3 == 0 else "", 1.5 if n % 2 else ""]
        for n in range(1, 301)
    ]
    data = titled_workbook(
        "“滨江徒步联谊”签到表",
        ["时间：12月6日", "地点：滨江"],
        [Sheet("签到", ["序号", "姓名", "签到时间", "得分"], rows, row_height=28)],
    )
    page = load_workbook(io.BytesIO(data))["签到"]
    header = 4 + 1  # the title, two lines about it, an empty line
    assert [c.value for c in page[header]] == ["序号", "姓名", "签到时间", "得分"]
    assert all(c.font.bold for c in page[header])
    assert not page["A1"].border.left.style  # the title is not boxed
    for row in page.iter_rows(min_row=header, max_row=header + len(rows), max_col=4):
        for cell in row:
            assert cell.border.left.style == cell.border.bottom.style == "thin"
            assert cell.alignment.vertical == "center" and cell.alignment.wrap_text
    assert not any(c.font.bold for c in page[header + 1])
    dated = page.cell(row=header + 3, column=3)
    assert dated.value == datetime(2026, 12, 6, 9, 30) and dated.is_date
    assert page.cell(row=header + 1, column=4).value == 1.5
    assert page.row_dimensions[header + 1].height == 28
    # The header stays in view on screen and is printed at the top of every page.
    assert page.freeze_panes == f"A{header + 1}"
    assert page.print_title_rows == f"${header}:${header}"
    assert not page.cell(row=header - 1, column=1).border.left.style  # the empty row above
