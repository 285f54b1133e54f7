"""Finding the people an organiser may give a role to: members on the rosters of the
organiser's unions, by member number, phone or name — never by a Telegram id, which nobody
knows. Used by /grant in the chat and by the desk."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain import free_text
from bot.domain.text import normalise_member_number, normalise_phone
from bot.services.administration import Administration
from storage import roster, units


@dataclass(frozen=True)
class Person:
    telegram_id: int
    real_name: str
    employer: str
    unit: str


class People:
    def __init__(
        self, db: async_sessionmaker[AsyncSession], administration: Administration
    ) -> None:
        self._db = db
        self._administration = administration

    async def find(self, actor: int, query: str, limit: int = 20) -> list[Person] | None:
        """Verified or not, the members bound to an account on the rosters of the actor's
        scope whose member number or phone is ``query``, else whose real name starts with it;
        None if the actor organises nothing."""
        text = free_text.clean(query, single_line=True)[:50]
        async with self._db() as session:
            power = await self._administration.authority(session, actor)
            if not power.any:
                return None
            if not text:
                return []
            found = await roster.bound_people(
                session, power.scope, member_number=normalise_member_number(text), limit=limit
            )
            phone = normalise_phone(text)
            if not found and phone is not None and len(phone) >= 7:
                found = await roster.bound_people(session, power.scope, phone=phone, limit=limit)
            if not found and not text.isdigit():
                found = await roster.bound_people(session, power.scope, name=text, limit=limit)
            names = {u.id: u.name for u in await units.all_units(session)}
        return [Person(p.telegram_id, p.real_name, p.employer, names[p.unit_id]) for p in found]
