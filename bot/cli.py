"""The ``huihui`` command."""

from __future__ import annotations

import argparse
import asyncio
import sys

from pydantic import ValidationError

from bot.config import Settings
from bot.logs import configure_logging

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
    from bot.serve import serve_polling

    configure_logging(settings.log_level)
    asyncio.run(serve_polling(settings))
    return 0


def _webhook(_args: argparse.Namespace, settings: Settings) -> int:
    if not _require_token(settings):
        return EXIT_CONFIG
    if settings.webhook_secret is None or settings.webhook_url is None:
        print(
            "huihui: set HUIHUI_WEBHOOK_URL (public https address) and HUIHUI_WEBHOOK_SECRET "
            "(1-256 characters A-Z a-z 0-9 _ -) to use a webhook",
            file=sys.stderr,
        )
        return EXIT_CONFIG
    from bot.serve import serve_webhook

    configure_logging(settings.log_level)
    asyncio.run(serve_webhook(settings))
    return 0


def _demo(_args: argparse.Namespace, settings: Settings) -> int:
    from bot.demo import play

    configure_logging("WARNING")
    asyncio.run(play(settings))
    return 0


def _chat(args: argparse.Namespace, settings: Settings) -> int:
    from bot.chat import chat

    configure_logging("WARNING")
    asyncio.run(chat(settings, name=args.name, language=args.language))
    return 0


def _db_upgrade(_args: argparse.Namespace, settings: Settings) -> int:
    from storage import migrate
    from storage.engine import create_engine

    async def upgrade() -> str | None:
        engine = create_engine(settings.database_url)
        try:
            await migrate.upgrade(engine)
            return await migrate.current_revision(engine)
        finally:
            await engine.dispose()

    revision = asyncio.run(upgrade())
    print(f"database is at revision {revision}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
