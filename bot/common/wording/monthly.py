"""The words for a union's months (``bot.services.statistics.Monthly``) and the monthly report
workbook, one piece for the desk's overview and its download."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Protocol

from bot.common.config import Settings
from bot.common.i18n import Translator
from bot.common.wording.events import local_time
from bot.common.workbooks import Sheet, titled_workbook
from bot.domain import N_

# (figure of storage.monthly.FIGURES, column heading), in the order shown.
MONTH_COLUMNS = (
    ("verified", N_("Newly verified")),
    ("completed", N_("Profiles completed")),
    ("matched", N_("Mutual matches")),
    ("proposed", N_("Matchmaker pairs accepted")),
    ("met", N_("Said they met")),
    ("together", N_("Said they are together")),
    ("events", N_("Events")),
    ("registered", N_("Signed up")),
    ("attended", N_("Came")),
    ("pairs", N_("Pairs at events")),
    ("threads", N_("Questions asked")),
    ("answered", N_("Answered")),
)
# The per-unit table: members now, then the year's figures.
UNIT_NOW = (N_("On the roster"), N_("Verified"), N_("Profile complete"), N_("Active in 30 days"))
UNIT_COLUMNS = ("matched", "proposed", "events", "attended", "pairs", "threads", "answered")


class MonthFigures(Protocol):
    @property
    def month(self) -> str: ...
    @property
    def counts(self) -> Mapping[str, int]: ...
    @property
    def mean_first_answer(self) -> timedelta | None: ...


class UnitFigures(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def depth(self) -> int: ...
    @property
    def on_roster(self) -> int: ...
    @property
    def verified(self) -> int: ...
    @property
    def complete(self) -> int: ...
    @property
    def active_30_days(self) -> int: ...
    @property
    def counts(self) -> Mapping[str, int]: ...


class Monthly(Protocol):
    @property
    def unions(self) -> Sequence[str]: ...
    @property
    def months(self) -> Sequence[MonthFigures]: ...
    @property
    def units(self) -> Sequence[UnitFigures]: ...


def month_label(month: str, _: Translator) -> str:
    year, number = month.split("-")
    return _("{year}-{month}", year=year, month=int(number))


def wait_text(wait: timedelta | None, _: Translator) -> str:
    """A mean wait as people say it: minutes under two hours, then hours."""
    if wait is None:
        return "—"
    minutes = round(wait.total_seconds() / 60)
    if minutes < 120:
        return _("{minutes} min", minutes=minutes)
    return _("{hours} h", hours=round(minutes / 60))


def month_headers(_: Translator) -> list[str]:
    return [_("Month"), *(_(label) for _key, label in MONTH_COLUMNS), _("Mean first answer")]


def month_row(row: MonthFigures, _: Translator) -> list[object]:
    return [
        month_label(row.month, _),
        *(row.counts.get(key, 0) for key, _label in MONTH_COLUMNS),
        wait_text(row.mean_first_answer, _),
    ]


def unit_headers(_: Translator) -> list[str]:
    labels = dict(MONTH_COLUMNS)
    return [_("Unit"), *(_(label) for label in UNIT_NOW), *(_(labels[k]) for k in UNIT_COLUMNS)]


def unit_row(row: UnitFigures, _: Translator, indent: str = "　") -> list[object]:
    return [
        indent * row.depth + row.name,
        row.on_roster,
        row.verified,
        row.complete,
        row.active_30_days,
        *(row.counts.get(key, 0) for key in UNIT_COLUMNS),
    ]


def monthly_workbook(_: Translator, figures: Monthly, settings: Settings, now: datetime) -> bytes:
    """The monthly report: a sheet of the last twelve months, one of the units; titled with the
    union, the period and when it was made."""
    unions = "、".join(figures.unions)
    first, last = figures.months[0].month, figures.months[-1].month
    about = [
        _("Union: {union}", union=unions),
        _(
            "Period: {first} to {last}",
            first=month_label(first, _),
            last=month_label(last, _),
        ),
        _("Generated at {moment}", moment=local_time(now, settings)),
        _("Past months include members who have since deleted their account, counted anonymously."),
    ]
    return titled_workbook(
        _("{union}: monthly report", union=unions),
        about,
        [
            Sheet(_("By month"), month_headers(_), [month_row(r, _) for r in figures.months]),
            Sheet(
                _("By unit"),
                unit_headers(_),
                [unit_row(r, _, indent="  ") for r in figures.units],
            ),
        ],
    )
