"""Finding the people an organiser may give a role to: members on the rosters of the
organiser's unions, by member number, phone or name — never by a Telegram id, which nobody
knows. Used by /grant in the chat and by the desk."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain import free_text
from bot.domain.clock import Clock
from bot.domain.text import normalise_member_number, normalise_phone
from bot.domain.units import Role
from bot.services.administration import Administration, Decision
from storage import audit, roster, units
from storage.models import OrgUnit, UnitRole


@dataclass(frozen=True)
class Person:
    telegram_id: int
    real_name: str
    employer: str
    unit: str
    member_number: str
    unit_id: int  # the roster's unit


class People:
    def __init__(
        self, db: async_sessionmaker[AsyncSession], administration: Administration, clock: Clock
    ) -> None:
        self._db = db
        self._administration = administration
        self._clock = clock

    async def find(self, actor: int, query: str, limit: int = 20) -> list[Person] | None:
        """Verified or not, the members bound to an account on the rosters of the actor's
        scope whose member number or phone is ``query``, else whose real name starts with it;
        None if the actor organises nothing."""
        text = free_text.clean(query, single_line=True)[:50]
        async with self._db.begin() as session:
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
            # Real names, employers and member numbers seen: a look the audit log keeps, as
            # "who is this?" and the sign-in sheet are (how many, never what was typed).
            if found:
                now = self._clock.now()
                audit.record(session, actor, "people_find", None, now, people=len(found))
            names = {u.id: u.name for u in await units.all_units(session)}
        return [
            Person(
                p.telegram_id, p.real_name, p.employer, names[p.unit_id], p.member_number, p.unit_id
            )
            for p in found
        ]

    async def appoint(
        self, actor: int, member_number: str, roster_unit: int, unit_id: int, role: Role
    ) -> tuple[Decision, Person | None]:
        """Give a role to the member with this number on the roster of ``roster_unit``, which
        must be in the actor's scope (the desk posts what its search showed, never a Telegram
        id); the role's rule is ``Administration.set_role``'s."""
        number = normalise_member_number(free_text.clean(member_number, single_line=True)[:50])
        async with self._db.begin() as session:
            power = await self._administration.authority(session, actor)
            if not power.any or roster_unit not in power.scope or unit_id not in power.scope:
                return Decision.NOT_ALLOWED, None
            found = await roster.bound_people(session, [roster_unit], member_number=number, limit=1)
            if not found:
                return Decision.UNKNOWN, None
            person = found[0]
            decision = await self._administration.apply_role(
                session, actor, person.telegram_id, unit_id, role, grant=True
            )
            unit = await session.get(OrgUnit, person.unit_id)
        return decision, Person(
            person.telegram_id,
            person.real_name,
            person.employer,
            unit.name if unit else "—",
            person.member_number,
            person.unit_id,
        )

    async def revoke(self, actor: int, holding_id: int) -> Decision:
        """Take back a role the desk listed (by the holding's id), by ``set_role``'s rule."""
        async with self._db.begin() as session:
            holding = await session.get(UnitRole, holding_id)
            if holding is None:
                power = await self._administration.authority(session, actor)
                return Decision.UNKNOWN if power.any else Decision.NOT_ALLOWED
            return await self._administration.apply_role(
                session, actor, holding.telegram_id, holding.unit_id, holding.role, grant=False
            )
