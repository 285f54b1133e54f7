"""Organisation units and the roles people hold in them."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.units import UnitSpec, ancestry, subtree, tree_order
from bot.domain.units import contact_for as domain_contact_for
from bot.domain.units import likes_visible as domain_likes_visible
from storage.models import OrgUnit, Role, UnitKind, UnitRole


async def parents(session: AsyncSession) -> dict[int, int | None]:
    """unit id → parent id, for every unit (a union has hundreds, not millions)."""
    return dict((await session.execute(select(OrgUnit.id, OrgUnit.parent_id))).all())


async def lock_tree(session: AsyncSession) -> None:
    """Every unit's row locked, in id order, until the transaction ends: changes to the tree
    run one at a time. Two moves at once (A under B, B under A), each checked for a loop in
    its own snapshot, deadlocked on PostgreSQL, and without that would have made the loop."""
    await session.execute(select(OrgUnit.id).order_by(OrgUnit.id).with_for_update())


async def by_name(session: AsyncSession, name: str) -> OrgUnit | None:
    return await session.scalar(select(OrgUnit).where(OrgUnit.name == name))


async def names(session: AsyncSession) -> list[str]:
    return list((await session.scalars(select(OrgUnit.name).order_by(OrgUnit.id))).all())


async def all_units(session: AsyncSession) -> Sequence[OrgUnit]:
    return (await session.scalars(select(OrgUnit).order_by(OrgUnit.id))).all()


async def save_specs(session: AsyncSession, specs: Iterable[UnitSpec]) -> int:
    """Create or update units by name (parents first), and set the roles the file lists."""
    count = 0
    for spec in specs:
        unit = await by_name(session, spec.name)
        parent = await by_name(session, spec.parent) if spec.parent else None
        if unit is None:
            unit = OrgUnit(name=spec.name, kind=UnitKind(spec.kind))
            session.add(unit)
        unit.kind = UnitKind(spec.kind)
        unit.parent_id = parent.id if parent else None
        unit.review_threshold = spec.review_threshold
        unit.contact = spec.contact
        unit.review_photos = spec.review_photos
        unit.likes_visible = spec.likes_visible
        await session.flush()
        for role, ids in (
            (Role.ORGANISER, spec.organisers),
            (Role.MATCHMAKER, spec.matchmakers),
            (Role.COUNSELLOR, spec.counsellors),
        ):
            for telegram_id in ids:
                await grant(session, telegram_id, unit.id, role)
        count += 1
    return count


async def contact_for(session: AsyncSession, unit_id: int | None) -> str:
    """How a member of the unit reaches their union (see ``bot.domain.units.contact_for``)."""
    rows = await session.execute(select(OrgUnit.id, OrgUnit.contact).where(OrgUnit.contact != ""))
    contacts = {unit: contact for unit, contact in rows.all() if contact}
    return domain_contact_for(unit_id, await parents(session), contacts)


async def likes_visible(session: AsyncSession, unit_id: int | None) -> str:
    """How the unit's members see who liked them (see ``bot.domain.units.likes_visible``)."""
    rows = await session.execute(
        select(OrgUnit.id, OrgUnit.likes_visible).where(OrgUnit.likes_visible.is_not(None))
    )
    chosen = {unit: value for unit, value in rows.all() if value}
    return domain_likes_visible(unit_id, await parents(session), chosen)


async def roles_by_unit(session: AsyncSession) -> dict[int, dict[Role, list[int]]]:
    """unit id → role → Telegram ids, for every unit that has someone in a role."""
    found: dict[int, dict[Role, list[int]]] = {}
    rows = await session.execute(
        select(UnitRole.unit_id, UnitRole.role, UnitRole.telegram_id).order_by(UnitRole.id)
    )
    for unit_id, role, telegram_id in rows.all():
        found.setdefault(unit_id, {}).setdefault(role, []).append(telegram_id)
    return found


async def reviews_photos(session: AsyncSession, unit_id: int | None) -> bool:
    """Whether new photos of the unit's members wait for approval (set here or above)."""
    if unit_id is None:
        return False
    chain = ancestry(unit_id, await parents(session))
    found = await session.scalar(
        select(OrgUnit.id).where(OrgUnit.id.in_(chain), OrgUnit.review_photos.is_(True)).limit(1)
    )
    return found is not None


async def grant(session: AsyncSession, telegram_id: int, unit_id: int, role: Role) -> None:
    exists = await session.scalar(
        select(UnitRole.id).where(
            UnitRole.telegram_id == telegram_id, UnitRole.unit_id == unit_id, UnitRole.role == role
        )
    )
    if exists is None:
        session.add(UnitRole(telegram_id=telegram_id, unit_id=unit_id, role=role))
        await session.flush()


async def nearest_holders(
    session: AsyncSession,
    unit_id: int,
    roles: Collection[Role],
    excluding: Collection[int] = (),
) -> tuple[int | None, list[int]]:
    """The unit closest above (or at) ``unit_id`` where someone not ``excluding`` holds one of
    ``roles``, and their Telegram ids; (None, []) when no unit in the chain has anyone."""
    for candidate in ancestry(unit_id, await parents(session)):
        found = (
            await session.scalars(
                select(UnitRole.telegram_id)
                .where(UnitRole.unit_id == candidate, UnitRole.role.in_(list(roles)))
                .order_by(UnitRole.id)
            )
        ).all()
        if kept := [t for t in dict.fromkeys(found) if t not in excluding]:
            return candidate, kept
    return None, []


async def role_scope(session: AsyncSession, telegram_id: int, roles: Collection[Role]) -> set[int]:
    """Units someone may act on in these roles: the subtrees of the units where they hold one."""
    held = (
        await session.scalars(
            select(UnitRole.unit_id).where(
                UnitRole.telegram_id == telegram_id, UnitRole.role.in_(list(roles))
            )
        )
    ).all()
    tree = await parents(session)
    return set().union(*(subtree(unit, tree) for unit in held)) if held else set()


async def organisers_for(
    session: AsyncSession, unit_id: int, excluding: Collection[int] = ()
) -> list[int]:
    """Telegram ids of the organisers closest above (or at) a unit: its own, else its
    parent's...; those ``excluding`` are passed over (a case about an organiser goes to the
    organisers above when she is the only one)."""
    _unit, found = await nearest_holders(session, unit_id, (Role.ORGANISER,), excluding)
    return found


async def organiser_scope(session: AsyncSession, telegram_id: int) -> set[int]:
    """Units an organiser may act on: the subtrees of every unit they organise."""
    return await role_scope(session, telegram_id, (Role.ORGANISER,))


async def drop_roles(session: AsyncSession, telegram_id: int) -> None:
    await session.execute(delete(UnitRole).where(UnitRole.telegram_id == telegram_id))


async def specs_of(session: AsyncSession, unit_ids: Collection[int]) -> list[UnitSpec]:
    """These units as a units file describes them (without people), parents first."""
    everything = {unit.id: unit for unit in await all_units(session)}
    tree = {unit_id: unit.parent_id for unit_id, unit in everything.items()}
    tops = [u for u in unit_ids if tree.get(u) not in unit_ids]
    ordered = [u for u, _depth in tree_order(tops, tree) if u in unit_ids]
    found = []
    for unit_id in ordered:
        unit = everything[unit_id]
        parent = everything.get(unit.parent_id) if unit.parent_id else None
        found.append(
            UnitSpec(
                unit.name,
                unit.kind.value,
                parent.name if parent else None,
                review_threshold=unit.review_threshold,
                contact=unit.contact,
                review_photos=unit.review_photos,
                likes_visible=unit.likes_visible,
            )
        )
    return found
