"""What a roster file and its import say, in the chat, on the command line and at the desk."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from bot.common.i18n import Translator
from bot.domain.roster_file import BadRow, Problem

SHOWN_BAD_ROWS = 10


class ImportResult(Protocol):
    """What an import reports (``bot.services.roster_import.ImportReport``)."""

    @property
    def unit(self) -> str: ...
    @property
    def added(self) -> int: ...
    @property
    def updated(self) -> int: ...
    @property
    def bad_rows(self) -> Sequence[BadRow]: ...
    @property
    def warnings(self) -> Sequence[BadRow]: ...
    @property
    def per_unit(self) -> Mapping[str, int]: ...
    @property
    def left(self) -> int | None: ...


def cannot_import_text(problem: Problem, _: Translator) -> str:
    return _(
        "This file cannot be imported: {problem}. Nothing was imported.", problem=problem.text(_)
    )


def bad_rows_text(bad: Sequence[BadRow], _: Translator, shown: int | None = SHOWN_BAD_ROWS) -> str:
    lines = [_("Line {line}: {problem}", line=row.line, problem=row.text(_)) for row in bad[:shown]]
    if shown is not None and len(bad) > shown:
        lines.append(_("… and {count} more", count=len(bad) - shown))
    return "\n".join(lines)


def import_summary(
    report: ImportResult, replace: bool, _: Translator, shown: int | None = SHOWN_BAD_ROWS
) -> str:
    """What an import did, as the CLI and the chat report it: totals, each union's rows,
    who left (a replacing import), bad rows skipped and phones worth a look (the first
    ``shown`` of each; the command line shows all)."""
    text = _(
        "Imported into {unit}: {added} new, {updated} updated, {bad} bad row(s) skipped.",
        unit=report.unit,
        added=report.added,
        updated=report.updated,
        bad=len(report.bad_rows),
    )
    if len(report.per_unit) > 1:
        text += "\n" + "\n".join(
            _("{unit}: {count}", unit=unit, count=count)
            for unit, count in sorted(report.per_unit.items())
        )
    if replace and report.left is None:
        text += "\n" + _("Nobody was marked as left: fix the bad rows and import again.")
    elif replace:
        text += "\n" + _("No longer on the roster: {count} (marked as left).", count=report.left)
    if report.bad_rows:
        text += "\n" + bad_rows_text(report.bad_rows, _, shown)
    if report.warnings:
        text += "\n" + _("Imported, but worth a look:")
        text += "\n" + bad_rows_text(report.warnings, _, shown)
    return text
