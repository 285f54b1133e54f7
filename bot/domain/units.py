"""The tree of organisation units, as written in a deployment's units file (TOML).

::

    [[unit]]
    name = "上海市总工会"
    kind = "city"

    [[unit]]
    name = "浦东新区总工会"
    kind = "district"
    parent = "上海市总工会"
    organisers = [123456789]      # Telegram user ids (optional)
    matchmakers = [234567890]     # 红娘 (optional)
    counsellors = [345678901]     # 婚恋辅导员 (optional)
    review_suggestions_above = 0.2  # optional: strong suggestions need a matchmaker's approval
    review_photos = true          # optional: new photos show on cards once an organiser approves
    likes_visible = "cards"       # optional: who liked a member, as "cards" or only the "count"
    contact = "浦东新区总工会 021-5888 0000（工作日 9:00–17:00）"  # optional, how members reach it

Any other key is an error, so a misspelling (``organizers``) is caught, not silently ignored.
"""

from __future__ import annotations

import enum
import json
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.domain.free_text import UNIT_NAME, utf16_length


class UnitKind(enum.StrEnum):
    CITY = "city"
    DISTRICT = "district"
    INDUSTRY = "industry"
    WORKPLACE = "workplace"


class Role(enum.StrEnum):
    """What someone does for a union; their scope is the union's subtree."""

    ORGANISER = "organiser"
    MATCHMAKER = "matchmaker"
    COUNSELLOR = "counsellor"  # 婚恋辅导员: answers members who ask a person (/ask)


# Who answers a member who asks a person: matchmakers and counsellors of their unit.
HELPERS = frozenset({Role.MATCHMAKER, Role.COUNSELLOR})


KINDS = tuple(kind.value for kind in UnitKind)
KEYS = (
    "name",
    "kind",
    "parent",
    "organisers",
    "matchmakers",
    "counsellors",
    "review_suggestions_above",
    "review_photos",
    "likes_visible",
    "contact",
)
# What the member's Mini App shows of who liked them: the people as cards, or only how many.
LIKES_VISIBLE = ("cards", "count")
LIKES_VISIBLE_DEFAULT = "count"
# Spellings people will use for a key: named in the error.
SPELLINGS = {
    "organizers": "organisers",
    "organiser": "organisers",
    "matchmaker": "matchmakers",
    "counselors": "counsellors",
    "counsellor": "counsellors",
    "counselor": "counsellors",
}
# The trade unions' workers' hotline (职工服务热线), for members whose union set no contact.
UNION_HOTLINE = "12351"
CONTACT_LENGTH = 200


class UnitsFileError(ValueError):
    """The units file cannot be used; nothing from it is loaded."""


@dataclass(frozen=True)
class UnitSpec:
    name: str
    kind: str
    parent: str | None = None
    organisers: tuple[int, ...] = ()
    matchmakers: tuple[int, ...] = ()
    counsellors: tuple[int, ...] = ()
    # Suggestions scoring at least this wait for a matchmaker's approval (None: never).
    review_threshold: float | None = None
    # How members reach the union; None: as the unit above says.
    contact: str | None = None
    # New photos of its members (and of unions below) show once an organiser approved them.
    review_photos: bool = False
    # "cards" or "count" (who liked a member); None: as the unit above says.
    likes_visible: str | None = None


def parse_units(text: str, known: Iterable[str] = ()) -> list[UnitSpec]:
    """Units in an order where every parent comes before its children. ``known`` are units
    already in the database, which may be named as parents."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise UnitsFileError(f"not valid TOML: {error}") from error
    entries = document.get("unit")
    if not isinstance(entries, list) or not entries:
        raise UnitsFileError("no [[unit]] entries")
    specs = [_spec(index, entry) for index, entry in enumerate(entries, start=1)]
    names = [spec.name for spec in specs]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise UnitsFileError(f"units named twice: {', '.join(duplicates)}")
    return _parents_first(specs, set(known))


def subtree(unit_id: int, parents: Mapping[int, int | None]) -> set[int]:
    """The unit and every unit below it."""
    children: dict[int | None, list[int]] = {}
    for child, parent in parents.items():
        children.setdefault(parent, []).append(child)
    found, stack = set(), [unit_id]
    while stack:
        current = stack.pop()
        if current not in found:
            found.add(current)
            stack.extend(children.get(current, ()))
    return found


def contact_for(
    unit_id: int | None, parents: Mapping[int, int | None], contacts: Mapping[int, str]
) -> str:
    """How a member of the unit reaches their union: the unit's contact line, else the nearest
    one above it; for someone not yet in a unit, the top union's; else the hotline."""
    if unit_id is None:
        roots = [unit for unit, parent in parents.items() if parent is None and unit in contacts]
        return contacts[roots[0]] if len(roots) == 1 else UNION_HOTLINE
    for unit in ancestry(unit_id, parents):
        if unit in contacts:
            return contacts[unit]
    return UNION_HOTLINE


def likes_visible(
    unit_id: int | None, parents: Mapping[int, int | None], set_: Mapping[int, str]
) -> str:
    """How the unit's members see who liked them: as the unit says, else the nearest unit
    above that says, else only the number."""
    for unit in ancestry(unit_id, parents) if unit_id is not None else []:
        if unit in set_:
            return set_[unit]
    return LIKES_VISIBLE_DEFAULT


def ancestry(unit_id: int, parents: Mapping[int, int | None]) -> list[int]:
    """The unit, its parent, and so on up to the root."""
    chain: list[int] = []
    current: int | None = unit_id
    while current is not None and current not in chain:
        chain.append(current)
        current = parents.get(current)
    return chain


def fits_unit_name(name: str) -> bool:
    """Whether a union's name fits the room its broadcasts keep for their signature,
    counted as Telegram counts a message (UTF-16): 100 emoji are 200."""
    return 0 < utf16_length(name) <= UNIT_NAME.maximum


def _spec(index: int, entry: object) -> UnitSpec:
    if not isinstance(entry, dict):
        raise UnitsFileError(f"unit {index}: not a table")
    name = str(entry.get("name", "")).strip()
    kind = str(entry.get("kind", "")).strip()
    if not name:
        raise UnitsFileError(f"unit {index}: name is missing")
    if not fits_unit_name(name):
        raise UnitsFileError(
            f"unit {index}: name is longer than {UNIT_NAME.maximum} characters "
            "(an emoji or a rare character counts as two, as Telegram counts them)"
        )
    for key in entry:
        if key not in KEYS:
            hint = f" (did you mean {SPELLINGS[key]}?)" if key in SPELLINGS else ""
            raise UnitsFileError(
                f"unit {name}: unknown key {key}{hint}; the keys are {', '.join(KEYS)}"
            )
    review_photos = entry.get("review_photos", False)
    if not isinstance(review_photos, bool):
        raise UnitsFileError(f"unit {name}: review_photos must be true or false")
    likes_visible = entry.get("likes_visible")
    if likes_visible is not None and likes_visible not in LIKES_VISIBLE:
        raise UnitsFileError(f'unit {name}: likes_visible must be "cards" or "count"')
    contact = entry.get("contact")
    if contact is not None and (
        not isinstance(contact, str) or not contact.strip() or len(contact) > CONTACT_LENGTH
    ):
        raise UnitsFileError(f"unit {name}: contact must be text of 1–{CONTACT_LENGTH} characters")
    if kind not in KINDS:
        raise UnitsFileError(f"unit {name}: kind must be one of {', '.join(KINDS)}")
    parent = entry.get("parent")
    try:
        organisers = tuple(int(i) for i in entry.get("organisers", ()))
        matchmakers = tuple(int(i) for i in entry.get("matchmakers", ()))
        counsellors = tuple(int(i) for i in entry.get("counsellors", ()))
    except (TypeError, ValueError) as error:
        raise UnitsFileError(f"unit {name}: Telegram ids must be numbers") from error
    threshold = entry.get("review_suggestions_above")
    if threshold is not None and not (isinstance(threshold, int | float) and 0 <= threshold <= 1):
        raise UnitsFileError(f"unit {name}: review_suggestions_above must be between 0 and 1")
    return UnitSpec(
        name,
        kind,
        str(parent).strip() if parent else None,
        organisers,
        matchmakers,
        counsellors,
        float(threshold) if threshold is not None else None,
        contact.strip() if contact else None,
        review_photos,
        likes_visible,
    )


def _parents_first(specs: list[UnitSpec], known: set[str]) -> list[UnitSpec]:
    ordered: list[UnitSpec] = []
    placed = set(known)
    pending = list(specs)
    while pending:
        ready = [s for s in pending if s.parent is None or s.parent in placed]
        if not ready:
            missing = sorted(
                {
                    s.parent
                    for s in pending
                    if s.parent is not None and s.parent not in {p.name for p in pending}
                }
            )
            if missing:
                raise UnitsFileError(f"unknown parent unit(s): {', '.join(map(str, missing))}")
            raise UnitsFileError("units form a cycle: " + ", ".join(s.name for s in pending))
        ordered.extend(ready)
        placed.update(s.name for s in ready)
        pending = [s for s in pending if s not in ready]
    return ordered


def tree_order(tops: Iterable[int], parents: Mapping[int, int | None]) -> list[tuple[int, int]]:
    """(unit, depth) for the units under each of ``tops``, each followed by the units below
    it, siblings in the order they were created; a unit under two tops is listed once."""
    children: dict[int | None, list[int]] = {}
    for child, parent in sorted(parents.items()):
        children.setdefault(parent, []).append(child)
    found: dict[int, int] = {}
    stack = [(top, 0) for top in sorted(tops, reverse=True)]
    while stack:
        unit, depth = stack.pop()
        if unit in found:
            continue
        found[unit] = depth
        stack.extend((child, depth + 1) for child in reversed(children.get(unit, ())))
    return list(found.items())


def may_move(unit: int, new_parent: int, parents: Mapping[int, int | None]) -> bool:
    """Whether a unit may be put under ``new_parent``: not under itself or anything below it
    (the tree would become a loop)."""
    return new_parent not in subtree(unit, parents)


def units_toml(specs: Iterable[UnitSpec]) -> str:
    """A units file of these units (parents first), as ``parse_units`` reads it. People are
    left out: roles are given on the desk by member number, and a file handed around should
    not carry anyone's Telegram id."""
    blocks = []
    for spec in specs:
        lines = ["[[unit]]", f"name = {_quoted(spec.name)}", f"kind = {_quoted(spec.kind)}"]
        if spec.parent:
            lines.append(f"parent = {_quoted(spec.parent)}")
        if spec.review_threshold is not None:
            lines.append(f"review_suggestions_above = {spec.review_threshold}")
        if spec.review_photos:
            lines.append("review_photos = true")
        if spec.likes_visible:
            lines.append(f"likes_visible = {_quoted(spec.likes_visible)}")
        if spec.contact:
            lines.append(f"contact = {_quoted(spec.contact)}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def _quoted(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's, for what a unit's text can hold)."""
    return json.dumps(text, ensure_ascii=False)
