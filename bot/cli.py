"""The ``huihui`` command."""

from __future__ import annotations

import argparse
import asyncio
import errno
import re
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from alembic.util.exc import CommandError
from pydantic import ValidationError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from bot.app.logs import configure_logging
from bot.common.config import Settings
from storage.engine import create_sessionmaker

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

EXIT_CONFIG = 2


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as error:
        problems = "; ".join(
            f"HUIHUI_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in error.errors()
        )
        print(f"huihui: invalid configuration: {problems}", file=sys.stderr)
        return EXIT_CONFIG
    return args.handler(args, settings)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="huihui", description="会会 — union matchmaking bot")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="serve Telegram with long polling")
    run.set_defaults(handler=_run)

    webhook = commands.add_parser("webhook", help="serve Telegram through a webhook")
    webhook.set_defaults(handler=_webhook)

    demo = commands.add_parser("demo", help="play every journey offline and print the transcript")
    demo.set_defaults(handler=_demo)

    chat = commands.add_parser("chat", help="talk to the bot yourself, offline, in this terminal")
    chat.add_argument("--name", default="小王", help="your Telegram first name")
    chat.add_argument("--language", default="zh-hans", help="your Telegram app's language")
    chat.set_defaults(handler=_chat)

    units_command = commands.add_parser("units", help="organisation units (unions)")
    units_actions = units_command.add_subparsers(required=True, metavar="ACTION")
    load = units_actions.add_parser("load", help="create or update units from a TOML file")
    load.add_argument("file", type=Path)
    load.set_defaults(handler=_units_load)
    listing = units_actions.add_parser("list", help="show the tree of units")
    listing.set_defaults(handler=_units_list)

    roster_command = commands.add_parser("roster", help="the union's member roster")
    roster_actions = roster_command.add_subparsers(required=True, metavar="ACTION")
    importing = roster_actions.add_parser("import", help="import a CSV or XLSX roster file")
    importing.add_argument("file", type=Path)
    importing.add_argument("--unit", required=True, help="the unit the members belong to")
    importing.add_argument(
        "--replace",
        action="store_true",
        help="the file is the unit's whole roster: entries not in it are marked as left, "
        "their members lose verification and are told (only if the file has no bad rows)",
    )
    importing.set_defaults(handler=_roster_import)

    backup = commands.add_parser("backup", help="copy the database, also while the bot runs")
    backup.add_argument(
        "path", help="a file, or a folder (an existing one, or ending in /) for a dated file"
    )
    backup.set_defaults(handler=_backup)

    restore = commands.add_parser("restore", help="replace the database with a backup, migrated")
    restore.add_argument("file", type=Path)
    restore.add_argument(
        "--force", action="store_true", help="even if the database holds members (they are lost)"
    )
    restore.add_argument(
        "--finish-broadcasts",
        action="store_true",
        help="send the broadcasts that were due or under way when the backup was taken (only "
        "if the old database stopped right after it: they have not gone out)",
    )
    restore.set_defaults(handler=_restore)

    web_demo = commands.add_parser(
        "web-demo", help="the demo's union with the Mini Apps on 127.0.0.1 (HUIHUI_HTTP_PORT)"
    )
    web_demo.set_defaults(handler=_web_demo)

    link = commands.add_parser(
        "console-link", help="open the Mini Apps in a desk browser: a link valid 10 minutes"
    )
    link.add_argument("telegram_id", type=int, help="whose desk (their Telegram user id)")
    link.set_defaults(handler=_console_link)

    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(required=True, metavar="ACTION")
    upgrade = db_commands.add_parser("upgrade", help="apply all migrations")
    upgrade.set_defaults(handler=_db_upgrade)
    return parser


def _require_token(settings: Settings) -> bool:
    if settings.bot_token is None:
        print(
            "huihui: HUIHUI_BOT_TOKEN is not set — create a bot with @BotFather and export "
            "its token",
            file=sys.stderr,
        )
        return False
    return True


def _run(_args: argparse.Namespace, settings: Settings) -> int:
    if not _require_token(settings):
        return EXIT_CONFIG
    return _serve(settings, "polling")


def _secrets(settings: Settings) -> list[str]:
    """What must never appear in a log line."""
    found = [settings.bot_token, settings.proxy, settings.webhook_secret]
    return [secret.get_secret_value() for secret in found if secret is not None]


def _serve(settings: Settings, mode: Literal["polling", "webhook"]) -> int:
    """Serve until stopped (status 0); a token Telegram refuses or an address the web server
    cannot listen on ends it with one line and status 2."""
    from bot.app.leadership import AlreadyServing, DatabaseRefused, FileLock, for_database

    leadership = for_database(settings.database_url)
    if isinstance(leadership, FileLock):
        try:
            leadership.hold()  # a second process on the file is refused before loading the bot
        except AlreadyServing as error:
            print(f"huihui: {error}", file=sys.stderr)
            return EXIT_CONFIG
    from telegram.error import InvalidToken

    from bot.app.serve import serve

    configure_logging(settings.log_level, _secrets(settings), log_format=settings.log_format)
    try:
        asyncio.run(serve(settings, mode, leadership))
    except DatabaseRefused as error:
        print(f"huihui: PostgreSQL refused HUIHUI_DATABASE_URL: {error}", file=sys.stderr)
        return EXIT_CONFIG
    except DATABASE_PROBLEMS as error:
        if not _about_the_database(error):
            raise
        print(f"huihui: {_database_problem(error, settings)}", file=sys.stderr)
        return EXIT_CONFIG
    except InvalidToken:
        print(
            "huihui: Telegram refused HUIHUI_BOT_TOKEN — check it with @BotFather",
            file=sys.stderr,
        )
        return EXIT_CONFIG
    except OSError as error:
        if error.errno not in (errno.EADDRINUSE, errno.EADDRNOTAVAIL, errno.EACCES):
            raise
        print(
            f"huihui: cannot listen on {settings.http_host}:{settings.http_port} "
            f"({error.strerror}) — set HUIHUI_HTTP_HOST / HUIHUI_HTTP_PORT",
            file=sys.stderr,
        )
        return EXIT_CONFIG
    return 0


# Telegram takes 1-256 of these as a webhook's secret token; fewer than 16 is guessable.
WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{16,256}")


def _webhook(_args: argparse.Namespace, settings: Settings) -> int:
    if not _require_token(settings):
        return EXIT_CONFIG
    if settings.webhook_url is None:
        print(
            "huihui: set HUIHUI_WEBHOOK_URL (the public https address Telegram posts to) to "
            "use a webhook",
            file=sys.stderr,
        )
        return EXIT_CONFIG
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else ""
    if not WEBHOOK_SECRET.fullmatch(secret):
        print(
            "huihui: HUIHUI_WEBHOOK_SECRET must be 16-256 characters A-Z a-z 0-9 _ - "
            "(for example: openssl rand -hex 32)",
            file=sys.stderr,
        )
        return EXIT_CONFIG
    return _serve(settings, "webhook")


def _console_link(args: argparse.Namespace, settings: Settings) -> int:
    from bot.web.links import desk_link

    if not _require_token(settings):
        return EXIT_CONFIG
    print(desk_link(settings, args.telegram_id, datetime.now(UTC)))
    return 0


def _web_demo(_args: argparse.Namespace, settings: Settings) -> int:
    from bot.tools.web_demo import serve

    configure_logging("WARNING")
    try:
        asyncio.run(serve(settings))
    except KeyboardInterrupt:
        pass
    return 0


def _demo(_args: argparse.Namespace, settings: Settings) -> int:
    from bot.tools.demo import play

    configure_logging("WARNING")
    asyncio.run(play(settings))
    return 0


def _chat(args: argparse.Namespace, settings: Settings) -> int:
    from bot.tools.chat import chat

    configure_logging("WARNING")
    asyncio.run(chat(settings, name=args.name, language=args.language))
    return 0


def _db_upgrade(_args: argparse.Namespace, settings: Settings) -> int:
    from storage import migrate

    async def upgrade(engine: AsyncEngine) -> str | None:
        await migrate.upgrade(engine)
        return await migrate.current_revision(engine)

    revision = _with_database(settings, upgrade, migrate_first=False, makes_one=True)
    print(f"database is at revision {revision}")
    return 0


def _backup(args: argparse.Namespace, settings: Settings) -> int:
    from storage.backup import BackupError, take

    target = Path(args.path)
    try:
        if args.path.endswith("/"):  # a folder, also one not made yet
            target.mkdir(parents=True, exist_ok=True)
        written = take(settings.database_url, target)
    except (BackupError, OSError) as error:
        print(f"huihui: no backup made: {error}", file=sys.stderr)
        return 1
    print(f"backup written to {written} ({written.stat().st_size / 1e6:.1f} MB)")
    return 0


def _restore(args: argparse.Namespace, settings: Settings) -> int:
    from bot.app.leadership import AlreadyServing
    from storage.backup import BackupError

    try:
        revision, held = asyncio.run(
            _restore_unserved(
                args.file, settings.database_url, args.force, hold=not args.finish_broadcasts
            )
        )
    except (BackupError, AlreadyServing, OSError) as error:
        print(f"huihui: nothing restored: {error}", file=sys.stderr)
        return 1
    print(f"{args.file} restored; the database is at revision {revision}")
    if held:
        numbers = ", ".join(f"#{broadcast}" for broadcast in held)
        print(
            f"Broadcasts {numbers} were due or under way when the backup was taken and have "
            "most likely gone out since: they are not sent again, and their unions' organisers "
            "are told. If the old database stopped right after the backup, restore again with "
            "--force --finish-broadcasts to send them."
        )
    return 0


async def _restore_unserved(
    backup: Path, database_url: str, force: bool, *, hold: bool
) -> tuple[str | None, list[int]]:
    """Restore while holding the serving lock, so no bot writes meanwhile; then migrate, and
    (``hold``) stop the broadcasts the lost database has most likely sent since the backup.
    Returns the revision and the broadcasts stopped."""
    from bot.app.leadership import AdvisoryLock, FileLock, for_database
    from bot.domain.clock import SystemClock
    from bot.services.broadcasts import hold_after_restore
    from storage import backup as backups
    from storage import migrate
    from storage.engine import create_engine

    if not backup.is_file():
        raise backups.BackupError(f"there is no file {backup}")
    backups.check_kind(backup, database_url)
    lock = for_database(database_url)
    if isinstance(lock, FileLock):
        lock.hold()
    elif isinstance(lock, AdvisoryLock) and not await lock.take_now():
        raise backups.BackupError("a huihui process is serving this database: stop it first")
    engine = create_engine(database_url)
    try:
        held = await backups.members_held(engine)
        if held and not force:
            raise backups.BackupError(
                f"the database holds {held} members, whom the backup would replace; "
                "add --force if that is what you want"
            )
        await engine.dispose()
        if backups.is_sqlite(database_url):
            await asyncio.to_thread(backups.restore_sqlite, backup, database_url)
        else:
            await asyncio.to_thread(backups.restore_postgres, backup, database_url)
        await migrate.upgrade(engine)
        held = []
        if hold:
            held = await hold_after_restore(create_sessionmaker(engine), SystemClock().now())
        return await migrate.current_revision(engine), held
    finally:
        await engine.dispose()
        await lock.release()


def _units_load(args: argparse.Namespace, settings: Settings) -> int:
    from bot.domain.units import UnitsFileError, parse_units
    from storage import units

    async def load(engine: AsyncEngine) -> int:
        async with create_sessionmaker(engine).begin() as session:
            specs = parse_units(args.file.read_text(encoding="utf-8"), await units.names(session))
            return await units.save_specs(session, specs)

    try:
        count = _with_database(settings, load, makes_one=True)
    except (UnitsFileError, OSError) as error:
        print(f"huihui: {args.file}: {error}", file=sys.stderr)
        return 1
    print(f"{count} unit(s) loaded from {args.file}")
    return 0


def _units_list(_args: argparse.Namespace, settings: Settings) -> int:
    from storage import units

    async def tree(engine: AsyncEngine) -> list[str]:
        async with create_sessionmaker(engine)() as session:
            everything = await units.all_units(session)
            roles = await units.roles_by_unit(session)
        children: dict[int | None, list] = {}
        for unit in everything:
            children.setdefault(unit.parent_id, []).append(unit)
        lines: list[str] = []

        def walk(parent: int | None, depth: int) -> None:
            for unit in children.get(parent, []):
                held = "; ".join(
                    f"{role.value}s: {', '.join(map(str, ids))}"
                    for role, ids in sorted(roles.get(unit.id, {}).items())
                )
                contact = f" — contact: {unit.contact}" if unit.contact else ""
                lines.append(
                    f"{'  ' * depth}{unit.name} ({unit.kind.value}){' — ' if held else ''}"
                    f"{held}{contact}"
                )
                walk(unit.id, depth + 1)

        walk(None, 0)
        return lines

    print("\n".join(_with_database(settings, tree)) or "no units yet: huihui units load FILE")
    return 0


def _roster_import(args: argparse.Namespace, settings: Settings) -> int:
    from tqdm import tqdm

    from bot.common.i18n import translator
    from bot.common.wording.roster import import_summary
    from bot.domain.clock import SystemClock
    from bot.domain.roster_file import RosterFileError
    from bot.services.roster_import import import_roster

    _ = translator(settings.default_language)
    try:
        # A path that cannot be opened is the command's mistake, not the file's: said as
        # such, where reading it would call it damaged.
        args.file.open("rb").close()
    except OSError as error:
        print(f"huihui: {args.file}: {error.strerror}", file=sys.stderr)
        return 1

    async def run(engine: AsyncEngine):  # noqa: ANN202
        with tqdm(desc="importing", unit=" rows", file=sys.stderr, disable=None) as bar:
            return await import_roster(
                create_sessionmaker(engine),
                SystemClock(),
                args.file,
                args.unit,
                bar.update,
                replace=args.replace,
            )

    try:
        report = _with_database(settings, run)
    except RosterFileError as error:
        problem = error.problem.text(_)
        print(
            f"huihui: {args.file}: "
            + _("This file cannot be imported: {problem}. Nothing was imported.", problem=problem),
            file=sys.stderr,
        )
        return 1
    print(import_summary(report, args.replace, _, shown=None))
    return 0 if not report.bad_rows else 3


def _with_database(  # noqa: ANN202
    settings: Settings,
    work,  # noqa: ANN001
    *,
    migrate_first: bool = True,
    makes_one: bool = False,
):
    """Run ``work(engine)`` on the configured database (migrated first), then close it; a
    database that cannot be used ends the command with one line (status 1). A SQLite file
    that is not there is made only by a command that sets a union up (``makes_one``), which
    says so: run from another folder, ``units list`` made an empty one beside it and said
    "no units yet", and a roster would have gone into it."""
    from sqlalchemy.engine import make_url

    from storage import migrate
    from storage.engine import create_engine

    url = make_url(settings.database_url)
    on_disk = url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:")
    made = None
    if on_disk and not Path(str(url.database)).exists():
        made = Path(str(url.database)).resolve()
        if not makes_one:
            print(
                f"huihui: there is no database at {made}: run this where the bot's .env is, "
                "or set HUIHUI_DATABASE_URL",
                file=sys.stderr,
            )
            raise SystemExit(1)

    async def run():  # noqa: ANN202
        engine = create_engine(settings.database_url)
        try:
            if migrate_first:
                await migrate.upgrade(engine)
            return await work(engine)
        finally:
            await engine.dispose()

    try:
        done = asyncio.run(run())
    except (*DATABASE_PROBLEMS, OSError) as error:
        if not _about_the_database(error):
            raise
        print(f"huihui: {_database_problem(error, settings)}", file=sys.stderr)
        raise SystemExit(1) from None
    if made is not None:
        print(f"huihui: a new database was made at {made}", file=sys.stderr)
    return done


# What a wrong HUIHUI_DATABASE_URL raises: a missing driver or dialect, an address SQLAlchemy
# cannot read, the server's or the file system's refusal, or a schema this version's
# migrations do not know (a newer version's). One-off commands add an unreachable server.
DATABASE_PROBLEMS = (ArgumentError, DBAPIError, CommandError, ModuleNotFoundError)
# The drivers a database address may name (a missing one is the address's problem; any other
# missing module is a broken install, shown as it is).
DATABASE_DRIVERS = frozenset(
    {"asyncpg", "aiosqlite", "psycopg", "psycopg2", "pysqlite2", "sqlite3"}
)


def _about_the_database(error: BaseException) -> bool:
    return not isinstance(error, ModuleNotFoundError) or (error.name or "") in DATABASE_DRIVERS


def _database_problem(error: BaseException, settings: Settings) -> str:
    """One line about a database that cannot be used, with no password in it."""
    if isinstance(error, ArgumentError | ModuleNotFoundError):
        detail = (
            "it is not an address huihui can use: sqlite+aiosqlite:///path/to/huihui.db or "
            "postgresql+asyncpg://user:password@host:5432/database"
        )
    elif isinstance(error, CommandError):
        detail = f"its schema is not one this version knows ({error}); is it a newer version's?"
    elif isinstance(error, DBAPIError):
        detail = str(error.orig).split(": ", 1)[-1]  # the driver's words, not its class
    else:
        detail = getattr(error, "strerror", None) or str(error)
    detail = detail.splitlines()[0] if detail else type(error).__name__
    try:
        password = make_url(settings.database_url).password
    except ArgumentError:
        password = None
    if password:
        detail = detail.replace(str(password), "***")
    return f"cannot use HUIHUI_DATABASE_URL: {detail}"


if __name__ == "__main__":
    raise SystemExit(main())
