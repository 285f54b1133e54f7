"""When a broadcast is sent, as an organiser types it ("明天下午两点", "2026-12-07 09:30", or
nothing for now), and whether that falls in the quiet hours when members should not be woken."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from bot.domain.when import parse_when

# Members' night: a broadcast then may wake them. Sending is still allowed (an urgent change),
# but the organiser is warned first.
QUIET_FROM, QUIET_UNTIL = time(22), time(8)


@dataclass(frozen=True)
class SendTime:
    """What was typed, read: ``moment`` None is "now" (nothing typed) or not understood."""

    typed: str
    moment: datetime | None
    understood: bool = True
    past: bool = False
    quiet: bool = False  # the moment (or now) is in the quiet hours

    @property
    def usable(self) -> bool:
        return self.understood and not self.past


def in_quiet_hours(moment: datetime, tz: ZoneInfo) -> bool:
    local = moment.astimezone(tz).time()
    return local >= QUIET_FROM or local < QUIET_UNTIL


# Typed for "send it now", as leaving the field empty says.
NOW_WORDS = frozenset({"现在", "马上", "立即", "立刻", "立即发送", "马上发", "现在发", "now"})


def read_send_time(typed: str, now: datetime, tz: ZoneInfo) -> SendTime:
    text = typed.strip()
    if not text or text.lower().rstrip("。.!！") in NOW_WORDS:
        return SendTime(text, None, quiet=in_quiet_hours(now, tz))
    # A browser's date-time picker gives "2026-12-07T09:30".
    moment = parse_when(text.replace("T", " ", 1) if text[:1].isdigit() else text, now, tz)
    if moment is None:
        return SendTime(text, None, understood=False)
    return SendTime(text, moment, past=moment <= now, quiet=in_quiet_hours(moment, tz))
