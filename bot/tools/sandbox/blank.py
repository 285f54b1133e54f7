"""New, migrated SQLite databases for sandboxes: each is a copy of one migrated once per
process. Running every migration for each new database took half a second; the copy takes a
hundredth, and the test suite makes hundreds."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from storage import migrate
from storage.engine import create_engine

# The folder holding the migrated original, removed when the process ends.
_original: tempfile.TemporaryDirectory[str] | None = None
ORIGINAL_NAME = "blank.db"


async def blank_sqlite(path: Path) -> str:
    """Put a migrated, empty database at ``path``; returns its URL."""
    shutil.copyfile(await _migrated_once(), path)
    return f"sqlite+aiosqlite:///{path}"


async def _migrated_once() -> Path:
    global _original
    if _original is None:
        folder = tempfile.TemporaryDirectory(prefix="huihui-blank-")
        engine = create_engine(f"sqlite+aiosqlite:///{Path(folder.name) / ORIGINAL_NAME}")
        try:
            await migrate.upgrade(engine)
        finally:
            await engine.dispose()  # closed: everything is in the one file that is copied
        _original = folder
    return Path(_original.name) / ORIGINAL_NAME
