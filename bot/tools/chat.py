"""``huihui chat``: you are a member, talking to the real bot on an offline Telegram.

Type text or commands as in Telegram. Buttons are shown as numbered choices: type the number to
press one. Extra console commands start with a colon (type ``:help``).
"""

from __future__ import annotations

import asyncio
import re
import sys
from datetime import timedelta

from bot.common.config import Settings
from bot.tools.demo import ORGANISER_ID, WANG, seed_demo_union
from bot.tools.sandbox import ButtonNotFound, Sandbox

CONSOLE_HELP = """\
Console commands:
  <number>       press that button
  :contact       share your phone number (Telegram's contact button)
  :photo         send a photo
  :file PATH     send a document
  :wait 2h       let time pass (m, h or d) so scheduled messages arrive
  :restart       restart the bot, keeping its database
  :approve       as the union's organiser, approve the latest verification request
  :reject        as the union's organiser, reject it
  :quit          leave (Ctrl-D works too)"""

_DURATION = re.compile(r"^(\d+)\s*([mhd])$")


async def chat(settings: Settings, *, name: str, language: str) -> None:
    async with Sandbox(
        default_language=settings.default_language, timezone=settings.timezone
    ) as sb:
        sb.user("Organiser", user_id=ORGANISER_ID, language=language)
        await seed_demo_union(sb)
        me = sb.user(name, language=language, phone=WANG[3])
        print(
            f"会会 chat — you are {name}. Send /start to begin; :help for console commands.\n"
            f"On the union's roster you are: {WANG[0]}, member number {WANG[1]}, {WANG[2]}. "
            "Make a typo to see a human review."
        )
        shown = 0
        while True:
            line = await asyncio.to_thread(_read_line)
            if line is None or line.strip() == ":quit":
                break
            try:
                await _act(sb, me, line.strip())
            except (ButtonNotFound, ValueError, OSError) as problem:
                print(f"  ({problem})")
            print(me.transcript(since=shown))
            shown = len(me.log)
            for number, label in enumerate(me.buttons(), start=1):
                print(f"  {number}. {label}")


async def _act(sb: Sandbox, me, line: str) -> None:  # noqa: ANN001 - SimulatedUser
    buttons = me.buttons()
    if line.isdigit() and 1 <= int(line) <= len(buttons):
        await me.press(buttons[int(line) - 1])
    elif line == ":help":
        print(CONSOLE_HELP)
    elif line == ":contact":
        await me.share_contact()
    elif line == ":photo":
        await me.send_photo()
    elif line.startswith(":file "):
        await me.send_document(line.removeprefix(":file ").strip())
    elif line.startswith(":wait "):
        await sb.advance(_duration(line.removeprefix(":wait ").strip()))
    elif line == ":restart":
        await sb.restart()
    elif line in (":approve", ":reject"):
        organiser = next(user for user in sb.users if user.id == ORGANISER_ID)
        await organiser.press(organiser.buttons()[0 if line == ":approve" else 1])
    elif line:
        await me.send(line)


def _duration(text: str) -> timedelta:
    match = _DURATION.match(text)
    if not match:
        raise ValueError("say how long, e.g. :wait 30m, :wait 2h or :wait 1d")
    amount, unit = int(match.group(1)), match.group(2)
    return timedelta(**{{"m": "minutes", "h": "hours", "d": "days"}[unit]: amount})


def _read_line() -> str | None:
    try:
        return input("> " if sys.stdin.isatty() else "")
    except EOFError:
        return None
