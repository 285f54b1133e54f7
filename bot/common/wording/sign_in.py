"""The sign-in sheet for the venue's door, one piece for the chat's /events and the desk: the
same title, heading lines and columns, so both make the identical workbook."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.common.config import Settings
from bot.common.i18n import Translator
from bot.common.wording.events import local_time
from bot.common.workbooks import Sheet, titled_workbook
from bot.domain.events import RegistrationStatus


class Event(Protocol):
    @property
    def title(self) -> str: ...
    @property
    def starts_at(self) -> datetime: ...
    @property
    def venue(self) -> str | None: ...


class Row(Protocol):
    """One registrant as the door list reads them (``storage.events.SheetRow``)."""

    @property
    def badge(self) -> int: ...
    @property
    def nickname(self) -> str: ...
    @property
    def gender(self) -> str | None: ...
    @property
    def status(self) -> RegistrationStatus: ...
    @property
    def checked_in(self) -> bool: ...
    @property
    def real_name(self) -> str | None: ...
    @property
    def employer(self) -> str | None: ...
    @property
    def phone(self) -> str | None: ...


@dataclass(frozen=True)
class SignInSheet:
    title: str
    about: list[str]
    sheet: Sheet

    def workbook(self) -> bytes:
        return titled_workbook(self.title, self.about, [self.sheet])


def sign_in_sheet(
    _: Translator,
    event: Event,
    rows: Sequence[Row],
    host: str,
    settings: Settings,
    now: datetime,
) -> SignInSheet:
    """By badge, each person's verified name, employer and phone, place or waitlist, arrival,
    and room to sign; above them the event's title, time, venue and who made the sheet when."""
    genders = {"male": _("Male"), "female": _("Female")}
    signature = _("Signature")
    headers = [
        _("No."),
        _("Badge"),
        _("Name"),
        _("Employer"),
        _("Phone"),
        _("Nickname"),
        _("Gender"),
        _("Status"),
        _("Checked in"),
        signature,
    ]
    table = [
        [
            number,
            row.badge,
            row.real_name or "—",
            row.employer or "—",
            row.phone or "",
            row.nickname,
            genders.get(row.gender or "", "—"),
            _("signed up") if row.status == RegistrationStatus.REGISTERED else _("waitlist"),
            _("yes") if row.checked_in else "",
            "",
        ]
        for number, row in enumerate(rows, start=1)
    ]
    about = [
        _("Time: {time}", time=local_time(event.starts_at, settings)),
        _("Place: {venue}", venue=event.venue or _("Online")),
        _(
            "Organised by {union} · generated {moment}",
            union=host,
            moment=local_time(now, settings),
        ),
    ]
    return SignInSheet(
        _("“{title}” sign-in sheet", title=event.title),
        about,
        Sheet(_("Sign-in"), headers, table, row_height=28, min_widths={signature: 16}),
    )
