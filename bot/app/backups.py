"""Scheduled backups: once a day the serving process copies its database into
``HUIHUI_BACKUP_DIR`` and deletes all but the newest ``HUIHUI_BACKUP_KEEP`` copies there.

A loop beside the bot rather than a row of ``scheduled_tasks``: the files are the record. The
newest file's age says when the next copy is due, so a restart, a failover, a day the machine
was off or a folder someone emptied by hand all come out right, and a backup never depends on
the database it copies. It runs only in the process that serves (the leader), so two processes
never copy at once.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime
from pathlib import Path

from storage.backup import BackupError, newest_scheduled, prune, scheduled_name, take

_LOGGER = logging.getLogger("huihui.backups")
DAY = 24 * 3600.0
RETRY = 3600.0  # seconds before trying again after a backup failed


async def keep_daily(database_url: str, folder: Path, keep: int, *, every: float = DAY) -> None:
    """Copy the database every ``every`` seconds (at once if the newest copy is older), for as
    long as the bot serves; cancelled when it stops."""
    while True:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            newest = newest_scheduled(folder)
            wait = every - (time.time() - newest.stat().st_mtime) if newest else 0.0
            if wait > 0:
                await asyncio.sleep(wait)
                continue
            name = scheduled_name(database_url, datetime.now(UTC))
            written = await asyncio.to_thread(take, database_url, folder / name)
            gone = prune(folder, keep)
            _LOGGER.info("backup written to %s; %d older backup(s) deleted", written, len(gone))
        except (BackupError, OSError) as error:
            _LOGGER.error("scheduled backup failed: %s; trying again in an hour", error)
            await asyncio.sleep(min(RETRY, every))
