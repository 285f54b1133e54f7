"""Dates and times as organisers type them, in the deployment's time zone.

Understood: a date ("2026-12-01", "12-01", "12月1日", "12月1号", "10号" (this month's, or
next month's once it has passed), "今天", "明天", "后天", "昨天", "周六", "下周六", "星期天")
or none (the next such time), then a time ("9:30", "九点",
"9点半", "两点一刻", "14点30分"), optionally after "上午/下午/晚上/中午/凌晨" — "明天下午两点",
"下周六 14:00", "12-01 9:30", "今晚11点" (今晚, 明早 and the like are the day and the part of it).
Chinese numerals and full-width digits are read as digits.
Without 上午/下午, one to six o'clock said in words is in the afternoon ("两点" for an event is
14:00); "02:00" and "凌晨两点" are the small hours.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.numbers import arabic

# What to show someone whose time was not understood.
EXAMPLES = "12月1日 9:30、明天下午两点、下周六 14:00"

_DATE = (
    r"(?:(?P<year>\d{4})[-/.年])?(?P<month>\d{1,2})[-/.月](?P<day>\d{1,2})[日号]?"
    r"|(?P<relative>今天|今日|明天|明日|大后天|后天|昨天|昨日|前天)"
    r"|(?P<day_only>\d{1,2})[日号]"
    r"|(?P<which>下下个|下下|下个|下|本|这个|这)?(?:周|星期|礼拜)(?P<weekday>[1-7]|日|天)"
)
_PERIOD = r"(?P<period>凌晨|早上|早晨|上午|中午|下午|傍晚|晚上|夜里|晚)"
_TIME = (
    r"(?P<hour>\d{1,2})(?:[:：](?P<minute>\d{2})"
    r"|[点时](?:(?P<half>半)|(?P<quarter>一刻|1刻|三刻|3刻)|(?P<minutes>\d{1,2})分?)?)"
)
_PATTERN = re.compile(rf"^(?:{_DATE})?\s*[,，]?\s*{_PERIOD}?\s*{_TIME}\s*$")
# Yesterday too: a time typed as "昨天下午3点" is then said to be past, not "not understood".
_RELATIVE_DAYS = {
    **{"今天": 0, "今日": 0, "明天": 1, "明日": 1, "后天": 2, "大后天": 3},
    **{"昨天": -1, "昨日": -1, "前天": -2},
}
# A day and a part of it in one word: "今晚11点" is "今天晚上11点".
_DAY_AND_PERIOD = {
    "今晚": "今天晚上",
    "今夜": "今天夜里",
    "今早": "今天早上",
    "明晚": "明天晚上",
    "明早": "明天早上",
    "昨晚": "昨天晚上",
}
_WEEKS_AHEAD = {"下下个": 2, "下下": 2, "下个": 1, "下": 1, "本": 0, "这个": 0, "这": 0}
# A date without a year this recently passed is taken as meant, and so said to be past.
RECENTLY_PASSED = timedelta(days=31)
_AFTERNOON = ("下午", "傍晚", "晚上", "夜里", "晚")


def parse_when(
    text: str, now: datetime, tz: ZoneInfo, *, after: datetime | None = None
) -> datetime | None:
    """The moment the text names, aware in ``tz``; None if it does not name one. A date without
    a year is the next such date, unless it passed within the last month ("11月27日 23:30"
    typed just after midnight is a slip, not next year); a time without a date is its next
    occurrence after ``after`` (default ``now``): an event's end typed as "四点半" is on the
    day it starts, or the next day if it runs past midnight. The moment may lie in the past
    ("今天上午九点" at noon): callers say so rather than "not understood"."""
    for short, long in _DAY_AND_PERIOD.items():
        text = text.replace(short, long)
    found = _PATTERN.match(arabic(text))
    if found is None:
        return None
    parts = found.groupdict()
    clock = _time_of(parts)
    if clock is None:
        return None
    local_now = now.astimezone(tz)
    if not any(parts[key] for key in ("month", "relative", "weekday", "day_only")):
        reference = (after or now).astimezone(tz)
        moment = datetime.combine(reference.date(), clock, tzinfo=tz)
        return moment + timedelta(days=1) if moment <= reference else moment
    day = _day_of(parts, local_now.date())
    if day is None:
        return None
    return datetime.combine(day, clock, tzinfo=tz)


def _time_of(parts: dict[str, str | None]) -> time | None:
    hour = int(parts["hour"] or 0)
    if parts["minute"] is not None:
        minute = int(parts["minute"])
    elif parts["half"]:
        minute = 30
    elif parts["quarter"]:
        minute = 45 if parts["quarter"] in ("三刻", "3刻") else 15
    else:
        minute = int(parts["minutes"] or 0)
    period = parts["period"]
    if period in _AFTERNOON and hour < 12:
        hour += 12
    elif period == "中午" and hour < 6:
        hour += 12  # 中午一点 is 13:00
    elif period == "凌晨" and hour == 12:
        hour = 0
    elif period is None and parts["minute"] is None and 1 <= hour <= 6:
        hour += 12  # "两点" for an event is 14:00; "02:00" and "凌晨两点" are the small hours
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    return time(hour, minute)


def _valid_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _nearest_yearless(month: int, day: int, today: date) -> date | None:
    """The next such date, or the one that passed within ``RECENTLY_PASSED`` (last year's,
    just after New Year)."""
    found = [
        candidate
        for year in (today.year - 1, today.year, today.year + 1)
        if (candidate := _valid_date(year, month, day)) is not None
    ]
    passed = [candidate for candidate in found if candidate < today]
    if passed and today - passed[-1] <= RECENTLY_PASSED:
        return passed[-1]
    return next((candidate for candidate in found if candidate >= today), None)


def _this_or_next_month(day_of_month: int, today: date) -> date | None:
    """ "10号": this month's tenth, or next month's once it has passed (today included)."""
    if day_of_month >= today.day:
        return _valid_date(today.year, today.month, day_of_month)
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    return _valid_date(year, month, day_of_month)


def _day_of(parts: dict[str, str | None], today: date) -> date | None:
    if parts["month"] is not None:
        month, day_of_month = int(parts["month"]), int(parts["day"] or 0)
        if parts["year"] is not None:
            return _valid_date(int(parts["year"]), month, day_of_month)
        return _nearest_yearless(month, day_of_month, today)
    if parts["relative"] is not None:
        return today + timedelta(days=_RELATIVE_DAYS[parts["relative"]])
    if parts["day_only"] is not None:
        return _this_or_next_month(int(parts["day_only"]), today)
    if parts["weekday"] is not None:
        weekday = 7 if parts["weekday"] in ("日", "天") else int(parts["weekday"])
        which = parts["which"]
        if which is None:  # "周六": the coming one, today included
            return today + timedelta(days=(weekday - today.isoweekday()) % 7)
        monday = today - timedelta(days=today.isoweekday() - 1)
        return monday + timedelta(weeks=_WEEKS_AHEAD[which], days=weekday - 1)
    return today
