"""Backups of the bot's database taken while it serves, and restores of them.

SQLite is copied with its online backup API: one read transaction, so the copy is the database
as it was at one moment, however busy the writer (WAL lets it carry on meanwhile). PostgreSQL is
dumped with ``pg_dump --format=custom`` (a snapshot, also while the bot writes) and restored
with ``pg_restore`` piped into ``psql --single-transaction``: the database is either the backup
afterwards or untouched. Credentials go to the client tools in their environment, never on a
command line other users of the machine could read.

A copy is written beside its target and renamed into place, so a backup cut short never
leaves a file that looks like a good one.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import time
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from tempfile import TemporaryFile
from typing import IO

from sqlalchemy import func, inspect, select
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.migrate import revisions
from storage.models import Member

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
# What scheduled backups are called (and the only files pruning ever deletes).
SCHEDULED = re.compile(r"^huihui-\d{8}-\d{6}\.(sqlite|dump)$")
# Bytes of pg_restore's script passed on to psql at a time.
RELAYED = 1 << 16
# What a backup cut short (a killed process) leaves of one; deleted by pruning a day later.
LEFT_OVER = re.compile(r"^huihui-\d{8}-\d{6}\.(sqlite|dump)\.part$")
LEFT_OVER_AGE = 24 * 3600.0


class BackupError(Exception):
    """Why a backup or a restore could not be made, in one line for the operator."""


def is_sqlite(database_url: str) -> bool:
    return make_url(database_url).get_backend_name() == "sqlite"


def sqlite_path(database_url: str) -> Path:
    """The file of a SQLite database URL (an in-memory database has none)."""
    database = make_url(database_url).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up or restored")
    return Path(database)


def scheduled_name(database_url: str, now: datetime) -> str:
    """The file name of a backup taken at ``now`` (UTC); names sort as their times."""
    return f"huihui-{now:%Y%m%d-%H%M%S}.{'sqlite' if is_sqlite(database_url) else 'dump'}"


def take(database_url: str, target: Path) -> Path:
    """Write a consistent copy of the database to ``target`` (a file, or a folder to put a
    dated file in); returns the file written."""
    if target.is_dir():
        target = target / scheduled_name(database_url, datetime.now(UTC))
    if not target.parent.is_dir():
        raise BackupError(f"there is no folder {target.parent}")
    partial = target.with_name(target.name + ".part")
    try:
        _private(partial)
        if is_sqlite(database_url):
            _copy_sqlite(sqlite_path(database_url), partial)
        else:
            _pg_dump(make_url(database_url), partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def _private(path: Path) -> None:
    """``path`` made empty and readable by its owner alone before the copy is written into it:
    a backup holds every member's personal data, and the default mode lets every account on
    the host read it."""
    try:
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600))
        os.chmod(path, 0o600)  # left over from an interrupted backup with another mode
    except OSError as error:
        raise BackupError(f"cannot write {path}: {error.strerror}") from error


def _copy_sqlite(source: Path, target: Path) -> None:
    if not source.is_file():
        raise BackupError(f"there is no database file at {source}")
    try:
        with (
            closing(sqlite3.connect(source, timeout=30)) as origin,
            closing(sqlite3.connect(target)) as copy,
        ):
            origin.backup(copy)
            # One file, readable without its write-ahead log.
            copy.execute("PRAGMA journal_mode=DELETE")
    except sqlite3.Error as error:  # a full disk, a folder it may not write to
        raise BackupError(f"SQLite could not copy {source} to {target}: {error}") from error


def _pg_dump(url: URL, target: Path) -> None:
    _run([_client("pg_dump"), "--format=custom", "--file", str(target)], url)


def check_kind(backup: Path, database_url: str) -> None:
    """Raise ``BackupError`` unless ``backup`` is a backup of the kind of database
    ``database_url`` names (looked at before anything else, so that is what the operator is
    told first)."""
    if is_sqlite(database_url):
        _expect(backup, SQLITE_MAGIC, "a SQLite backup")
    else:
        _expect(backup, PG_DUMP_MAGIC, "a pg_dump archive (--format=custom)")


def restore_sqlite(backup: Path, database_url: str) -> None:
    """Replace the SQLite database's content with the backup's (the bot must not be running:
    the caller holds its lock). The copy is one transaction of the target: cut short, the
    target stays as it was."""
    check_kind(backup, database_url)
    target = sqlite_path(database_url)
    with (
        closing(sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True)) as origin,
        closing(sqlite3.connect(target, timeout=30)) as copy,
    ):
        try:
            problem = origin.execute("PRAGMA quick_check").fetchone()[0]
        except sqlite3.DatabaseError as error:  # too damaged to be checked (cut short)
            problem = str(error)
        if problem != "ok":
            raise BackupError(f"{backup} is damaged: {problem}")
        _known_revision(origin, backup)
        origin.backup(copy)


def _known_revision(origin: sqlite3.Connection, backup: Path) -> None:
    """Refuse, before anything is replaced, a backup made by a newer version: this version's
    migrations cannot read its schema, and the bot would not start on it."""
    try:
        row = origin.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError:
        return  # no schema yet: what is restored is migrated from the start
    if row is not None:
        _refuse_unknown(row[0], backup)


def _refuse_unknown(revision: str, backup: Path) -> None:
    if revision not in revisions():
        raise BackupError(
            f"{backup} was made by a newer version of huihui (its schema is at {revision}, this "
            f"version knows up to {revisions()[-1]}): restore it with that version"
        )


def _dump_revision(backup: Path) -> str | None:
    """The schema revision a pg_dump archive holds (None: none, or the archive cannot be read
    here; then the restore itself says what is wrong with it). pg_restore seeks straight to
    the one small table in a custom archive."""
    result = subprocess.run(
        [_client("pg_restore"), "--data-only", "--table=alembic_version", "--file=-", str(backup)],
        capture_output=True,
        check=False,
    )
    if result.returncode != 0:
        return None
    lines = result.stdout.decode(errors="replace").splitlines()
    for number, text in enumerate(lines[:-1]):
        if text.startswith("COPY ") and "alembic_version" in text:
            value = lines[number + 1].strip()
            return None if value == "\\." else value
    return None


def restore_postgres(backup: Path, database_url: str) -> None:
    """Replace everything in the database's public schema with the dump's content, in one
    transaction: if anything fails, the database is left as it was.

    pg_restore's script is passed on to psql here rather than through a pipe between them: at
    the end of a pipe psql commits, also when pg_restore stopped part way (a truncated or
    damaged file) and the script it got was only the start of the database. psql is told the
    script ended only once pg_restore has read the whole file; otherwise it is killed, and the
    server rolls its transaction back."""
    check_kind(backup, database_url)
    revision = _dump_revision(backup)
    if revision is not None:
        _refuse_unknown(revision, backup)
    psql = _client("psql")
    with TemporaryFile() as read_errors, TemporaryFile() as apply_errors:
        script = subprocess.Popen(
            [_client("pg_restore"), "--no-owner", "--no-privileges", "--file=-", str(backup)],
            stdout=subprocess.PIPE,
            stderr=read_errors,
        )
        apply = subprocess.Popen(
            [
                psql,
                "--no-psqlrc",
                "--quiet",
                "--set=ON_ERROR_STOP=1",
                "--single-transaction",
                "--command=DROP SCHEMA IF EXISTS public CASCADE",
                "--command=CREATE SCHEMA public",
                "--file=-",
            ],
            env={**os.environ, **_libpq_environment(make_url(database_url))},
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=apply_errors,
        )
        assert script.stdout is not None and apply.stdin is not None
        try:
            with script.stdout:
                while chunk := script.stdout.read(RELAYED):
                    apply.stdin.write(chunk)
        except BrokenPipeError:  # psql stopped at an error: its own line says which
            script.kill()
        if script.wait() != 0 and apply.poll() is None:
            apply.kill()  # before it reads the end of its input and commits
            apply.wait()
            raise BackupError(
                f"pg_restore could not read {backup}: {_last_line(_read(read_errors))}"
            )
        try:
            apply.stdin.close()
        except BrokenPipeError:
            pass  # psql already ended: its status says how
        if apply.wait() != 0:
            raise BackupError(f"psql failed: {_last_line(_read(apply_errors))}")


def _read(file: IO[bytes]) -> bytes:
    file.seek(0)
    return file.read()


async def members_held(engine: AsyncEngine) -> int:
    """How many members the database holds (0 when it has no tables yet)."""
    async with engine.connect() as connection:
        if not await connection.run_sync(lambda sync: inspect(sync).has_table("members")):
            return 0
        return int(await connection.scalar(select(func.count()).select_from(Member)) or 0)


def prune(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` scheduled backups in ``folder``, and what backups
    cut short left there over a day ago; returns those deleted. Other files there are never
    touched."""
    ours = sorted(path for path in folder.iterdir() if SCHEDULED.match(path.name))
    gone = ours[: max(0, len(ours) - keep)]
    gone += [
        path
        for path in folder.iterdir()
        if LEFT_OVER.match(path.name) and time.time() - path.stat().st_mtime > LEFT_OVER_AGE
    ]
    for path in gone:
        path.unlink(missing_ok=True)
    return gone


def newest_scheduled(folder: Path) -> Path | None:
    ours = sorted(path for path in folder.iterdir() if SCHEDULED.match(path.name))
    return ours[-1] if ours else None


def _expect(backup: Path, magic: bytes, what: str) -> None:
    try:
        with backup.open("rb") as file:
            start = file.read(len(magic))
    except OSError as error:
        raise BackupError(f"{backup}: {error.strerror}") from error
    if start != magic:
        raise BackupError(
            f"{backup} is not {what}; restore it into the kind of database it came from"
        )


def _client(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} is not on PATH: install PostgreSQL's client tools (postgresql-client, "
            "the server's major version or newer)"
        )
    return found


def _run(command: list[str], url: URL) -> None:
    """Run a PostgreSQL client tool against ``url``; its last error line if it fails."""
    done = subprocess.run(
        command,
        env={**os.environ, **_libpq_environment(url)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        check=False,
    )
    if done.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {_last_line(done.stderr)}")


def _libpq_environment(url: URL) -> dict[str, str]:
    """The connection as libpq's variables (the password stays out of the process list)."""
    values = {
        "PGHOST": url.host,
        "PGPORT": str(url.port) if url.port else None,
        "PGUSER": url.username,
        "PGPASSWORD": url.password,
        "PGDATABASE": url.database,
    }
    ssl = url.query.get("sslmode") or url.query.get("ssl")
    if isinstance(ssl, str):
        values["PGSSLMODE"] = ssl
    return {name: value for name, value in values.items() if value}


def _last_line(output: bytes) -> str:
    lines = [line for line in output.decode(errors="replace").splitlines() if line.strip()]
    return lines[-1].strip() if lines else "no reason given"
