"""Running the roster imports organisers confirm in chat (``Rosters.queue``): fetch the file from
Telegram, import it as the organiser, and keep them told — a message that counts the rows, then
the outcome. A run a crash or a stop cut short runs again under whoever leads next, and says it
is resuming: rows are upserts, and who left is marked only at the end, once."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from telegram import Bot, Message
from telegram.error import BadRequest, TelegramError

from bot.common.i18n import Translator, translator
from bot.common.wording.roster import cannot_import_text, import_summary
from bot.domain.roster_file import RosterFileError
from bot.services.languages import LanguagePreferences
from bot.services.roster_import import IMPORT_KIND, ImportReport, QueuedImport, Rosters
from bot.services.work import DueTask, RetryLater, TaskKind

PROGRESS_EVERY = 2.0  # seconds between edits of the progress message


class RosterImports:
    def __init__(self, rosters: Rosters, languages: LanguagePreferences, bot: Bot) -> None:
        self._rosters = rosters
        self._languages = languages
        self._bot = bot

    def task_kinds(self) -> dict[str, TaskKind]:
        return {IMPORT_KIND: TaskKind(self._run)}

    async def _run(self, task: DueTask) -> None:
        job = QueuedImport.from_payload(task.payload)
        _ = translator(await self._languages.resolve_id(job.actor))
        # A run that was claimed before and is running again was cut short (a stop, a crash,
        # Telegram out of reach).
        resumed = task.attempts > 0
        try:
            status = await self._bot.send_message(
                job.actor,
                _("The import was interrupted; continuing… 0 rows")
                if resumed
                else _("Importing… 0 rows"),
            )
            with tempfile.TemporaryDirectory(prefix="huihui-roster-") as folder:
                path = Path(folder) / Path(job.file_name).name
                await (await self._bot.get_file(job.file_id)).download_to_drive(path)
                report = await self._import(job, path, status, _)
        except RosterFileError as error:
            await self._bot.send_message(job.actor, cannot_import_text(error.problem, _))
            return
        except BadRequest:
            # Telegram refused for good (the file is no longer there): retrying cannot help.
            await self._bot.send_message(
                job.actor, _("Telegram no longer has this file. Please send it again.")
            )
            return
        except TelegramError as error:
            raise RetryLater(type(error).__name__) from error
        try:
            await status.edit_text(import_summary(report, job.replace, _))
        except TelegramError:
            # The outcome must arrive: if the progress message cannot become it, it comes as a
            # message of its own (and a failure here retries the task, which imports again).
            await self._bot.send_message(job.actor, import_summary(report, job.replace, _))

    async def _import(
        self, job: QueuedImport, path: Path, status: Message, _: Translator
    ) -> ImportReport:
        done, last_edit = 0, time.monotonic()

        async def progress(rows: int) -> None:
            nonlocal done, last_edit
            done += rows
            if time.monotonic() - last_edit >= PROGRESS_EVERY:
                last_edit = time.monotonic()
                try:
                    await status.edit_text(_("Importing… {count} rows", count=done))
                except TelegramError:
                    pass  # progress is a courtesy; the import goes on

        return await self._rosters.import_as(
            job.actor, job.unit_id, job.unit_name, path, progress, job.replace
        )
