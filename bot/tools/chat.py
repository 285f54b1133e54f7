"""``huihui chat``: you are a member, talking to the real bot on an offline Telegram.

Type text or commands as in Telegram. Buttons are shown as numbered choices: type the number to
press one. Extra console commands start with a colon (type ``:help``). The union has synthetic
members with complete profiles, so /match has people to suggest; ``:organiser`` lets you try the
admin commands as the union's organiser.
"""

from __future__ import annotations

import asyncio
import re
import sys
from datetime import timedelta

from bot.common.config import Settings
from bot.domain.buttons import ApproveVerification, parse
from bot.tools.demo import ORGANISER_ID, PUDONG, WANG, seed_demo_union
from bot.tools.population import populate
from bot.tools.sandbox import ButtonNotFound, ChatEntry, Sandbox, SimulatedUser
from storage import units

CONSOLE_HELP = """\
Console commands:
  <number>       press that button
  :contact       share your phone number (Telegram's contact button)
  :photo         send a photo
  :file PATH     send a document
  :wait 2h       let time pass (m, h or d) so scheduled messages arrive
  :restart       restart the bot, keeping its database
  :organiser     act as the union's organiser (/review, /stats, /broadcast, /event_new, …)
  :member        back to being the member
  :approve NAME  as the organiser, approve the verification request of NAME
  :reject NAME   as the organiser, reject it (details do not match)
  :quit          leave (Ctrl-D works too)"""

_DURATION = re.compile(r"^(\d+)\s*([mhd])$")
# Synthetic members of 浦东新区总工会 with complete profiles: people for /match to suggest.
POPULATION = 60
FIRST_SYNTHETIC_ID = 100_000


class _Console:
    def __init__(self, sb: Sandbox, me: SimulatedUser, organiser: SimulatedUser) -> None:
        self.sb, self.me, self.organiser = sb, me, organiser
        self.acting = me
        self.shown = {me.id: 0, organiser.id: 0}

    async def act(self, line: str) -> None:
        buttons = self.acting.buttons()
        command, _space, argument = line.partition(" ")
        if line.isdigit() and 1 <= int(line) <= len(buttons):
            await self.acting.press(buttons[int(line) - 1])
        elif line == ":help":
            print(CONSOLE_HELP)
        elif line == ":contact":
            await self.acting.share_contact()
        elif line == ":photo":
            await self.acting.send_photo()
        elif command == ":file":
            await self.acting.send_document(argument.strip())
        elif command == ":wait":
            await self.sb.advance(_duration(argument.strip()))
        elif line == ":restart":
            await self.sb.restart()
        elif line in (":organiser", ":organizer"):
            self.acting = self.organiser
            print(f"  (you are now the organiser of {PUDONG}; :member to switch back)")
        elif line == ":member":
            self.acting = self.me
            print(f"  (you are {self.me.first_name} again)")
        elif command in (":approve", ":reject"):
            await self._decide(argument.strip(), approve=command == ":approve")
        elif line:
            await self.acting.send(line)

    async def _decide(self, name: str, *, approve: bool) -> None:
        """Press 通过 or 不通过 on the pending request that names this person (the only one,
        if no name is given), wherever it is in the organiser's chat."""
        pending = [entry for entry in self.organiser.bot_messages() if _is_pending(entry)]
        chosen = [entry for entry in pending if name and name in (entry.text or "")]
        if not name and len(pending) == 1:
            chosen = pending
        if len(chosen) != 1:
            waiting = "; ".join((e.text or "").splitlines()[1] for e in pending) or "none"
            raise ValueError(f"say whose request, e.g. :approve 王小雨 (waiting: {waiting})")
        [entry] = chosen
        labels = [b["text"] for row in entry.inline_keyboard or [] for b in row]
        await self.organiser.press_on(entry, labels[0 if approve else 1])
        if not approve:
            await self.organiser.press_on(entry, _first_label(entry))
        self._print(self.organiser)

    def print_new(self) -> None:
        self._print(self.acting)
        for number, label in enumerate(self.acting.buttons(), start=1):
            print(f"  {number}. {label}")

    def _print(self, user: SimulatedUser) -> None:
        print(user.transcript(since=self.shown[user.id]))
        self.shown[user.id] = len(user.log)


def _is_pending(entry: ChatEntry) -> bool:
    data = [b.get("callback_data", "") for row in entry.inline_keyboard or [] for b in row]
    return any(isinstance(parse(d), ApproveVerification) for d in data)


def _first_label(entry: ChatEntry) -> str:
    return (entry.inline_keyboard or [[{"text": ""}]])[0][0]["text"]


async def chat(settings: Settings, *, name: str, language: str) -> None:
    async with Sandbox(
        default_language=settings.default_language, timezone=settings.timezone
    ) as sb:
        organiser = sb.user("Organiser", user_id=ORGANISER_ID, language=language)
        await seed_demo_union(sb)
        async with sb.app.services.db() as session:
            pudong = (await units.by_name(session, PUDONG)).id
        now = sb.clock.now()
        await populate(
            sb.app.services.db,
            now,
            now.astimezone(sb.settings.tz).year,
            POPULATION,
            unit_id=pudong,
            first_member_id=FIRST_SYNTHETIC_ID,
        )
        me = sb.user(name, language=language, phone=WANG[3])
        print(
            f"会会 chat — you are {name}. Send /start to begin; :help for console commands.\n"
            f"On the union's roster you are: {WANG[0]}, member number {WANG[1]}, {WANG[2]}. "
            f"Make a typo to see a human review. {POPULATION} other members are waiting to "
            "be suggested."
        )
        console = _Console(sb, me, organiser)
        while True:
            line = await asyncio.to_thread(_read_line)
            if line is None or line.strip() == ":quit":
                break
            try:
                await console.act(line.strip())
            except (ButtonNotFound, ValueError, OSError) as problem:
                print(f"  ({problem})")
            console.print_new()


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
