"""Dates and times as organisers type them, in the deployment's time zone."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

_PATTERN = re.compile(
    r"^\s*(?:(?P<year>\d{4})[-/.年])?(?P<month>\d{1,2})[-/.月](?P<day>\d{1,2})日?"
    r"(?:\s+|\s*[T日]\s*)(?P<hour>\d{1,2})[:：点](?P<minute>\d{2})?\s*分?\s*$"
)


def parse_when(text: str, now: datetime, tz: ZoneInfo) -> datetime | None:
    """ "2026-12-01 09:30", "12-01 9:30", "12月1日 9点30" → an aware datetime in ``tz``.
    Without a year, the next such date from ``now``. None if it is not a valid date and time."""
    found = _PATTERN.match(text)
    if found is None:
        return None
    local_now = now.astimezone(tz)
    parts = {k: int(v) for k, v in found.groupdict().items() if v is not None}
    year = parts.get("year", local_now.year)
    try:
        moment = datetime(year, parts["month"], parts["day"], parts["hour"],
                          parts.get("minute", 0), tzinfo=tz)  # fmt: skip
        if "year" not in parts and moment < local_now:
            moment = moment.replace(year=year + 1)
    except ValueError:
        return None
    return moment
