"""Browsing with filters (the member's Mini App): the people the engine would suggest, narrowed
by the member's filters, best first, a page at a time; one person's card; taking back the last
skip. Likes, skips, blocks and reports go through ``Matchmaking`` exactly as in the chat.

Every person shown for the first time is a card view, as a card in the chat is: it counts
towards the member's daily cards and the person's exposure. People already shown and not yet
decided on are shown again freely, so a member sees at most the daily number of new people
however they filter (bot.domain.browse)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.common.config import Settings
from bot.domain import N_
from bot.domain.browse import (
    ANSWERS_READ,
    PAGE,
    UNDO_WITHIN,
    Filters,
    fits,
    new_allowed,
    new_on_page,
    shown_again_most,
)
from bot.domain.clock import Clock
from bot.domain.match_profile import to_profile
from bot.domain.matching import Reason, Suggestion
from bot.domain.questions import Question
from bot.services import notices
from bot.services.matching.notices import contact_of, match_buttons
from bot.services.matching.suggestions import (
    EXPOSURE_WINDOW,
    POOL_SIZE,
    Matchmaking,
    Unavailable,
    may_be_shown_people,
)
from bot.services.photo_review import visible_photos
from bot.services.work import WorkQueue
from storage import browse, matching, members, plan, units
from storage.models import CardView, Match, MatchDecision, Member


@dataclass(frozen=True)
class BrowseCard:
    member_id: int
    answers: dict[str, Any]  # what the card shows (photos: those others may see)
    reasons: tuple[Reason, ...]
    new: bool  # shown for the first time now


@dataclass(frozen=True)
class Page:
    cards: list[BrowseCard]
    new_left: int  # new people the member may still be shown today
    more: bool  # another page may find more


@dataclass(frozen=True)
class Likes:
    """Who liked the member and waits for their answer: how many, and where the union shows
    them (``likes_visible = "cards"``) the cards the member may see of them now."""

    count: int  # the people the cards are drawn from: never more than the cards to come
    cards: list[BrowseCard] | None  # None: the union shows only the number

    @property
    def later(self) -> int:
        """How many of them are not among the cards yet (past the day's number of new people,
        or waiting for a matchmaker's look): they show on the coming days."""
        return 0 if self.cards is None else self.count - len(self.cards)


@dataclass(frozen=True)
class Person:
    """One person's card as the member may see it, with where the two of them stand."""

    card: BrowseCard
    decision: bool | None  # the member liked (True) or skipped (False) them, or not yet
    matched: bool


class Browsing:
    def __init__(
        self,
        db: async_sessionmaker[AsyncSession],
        clock: Clock,
        settings: Settings,
        matchmaking: Matchmaking,
        questionnaire: tuple[Question, ...],
        work: WorkQueue,
    ) -> None:
        self._db = db
        self._work = work
        self._clock = clock
        self._settings = settings
        self._matchmaking = matchmaking
        self._keys = tuple(question.key for question in questionnaire)

    def _start_of_day(self) -> datetime:
        local = self._clock.now().astimezone(self._settings.tz)
        return datetime.combine(local.date(), time(0), tzinfo=self._settings.tz)

    async def page(self, telegram_id: int, filters: Filters, first: bool) -> Page | Unavailable:
        """The first page: up to a page of people shown lately, not decided on, who meet the
        filters, then new people; a later page: new people only. New people are the best the engine
        finds among those meeting the filters (a match approved by a matchmaker, then those
        who liked the member, then today's plan, then by score), up to the day's allowance."""
        now = self._clock.now()
        year = now.astimezone(self._settings.tz).year
        async with self._db.begin() as session:
            member = await may_be_shown_people(session, telegram_id)
            if isinstance(member, Unavailable):
                return member
            # One page at a time per member: pages asked for at once (a scraper's, each with
            # another filter) each counted the day's allowance before the others recorded
            # theirs, and together showed more than it.
            await members.lock(session, member.id)
            viewer = await matching.profile_row(session, member.id)
            if viewer is None:
                await matching.refresh_profile(session, member.id, now)
                viewer = await matching.profile_row(session, member.id)
            if viewer is None:
                return Unavailable.NOT_READY
            where = browse.conditions(session, filters, year, now)
            forget = self._matchmaking.skips_kept_since()

            async def pool(**options: Any) -> list[dict[str, Any]]:
                return await matching.pool(
                    session,
                    viewer,
                    year,
                    limit=POOL_SIZE,
                    skips_forgotten_before=forget,
                    where=where,
                    **options,
                )

            shown = await browse.shown_since(session, member.id, now - EXPOSURE_WINDOW)
            again = await pool(likers_only=False, only=shown) if first and shown else []
            shown_today = await matching.views_since(session, member.id, self._start_of_day())
            left = new_allowed(self._settings.daily_cards, shown_today)
            fresh: list[dict[str, Any]] = []
            planned: list[int] = []
            reviews = await matching.reviewed(session, member.id)
            if left:
                where.append(browse.not_among(shown))
                approved = [c for c, status in reviews.items() if status == "approved"]
                planned = await plan.planned_today(session, member.id, self._start_of_day().date())
                found: dict[int, dict[str, Any]] = {}
                rare = await browse.few(session, viewer, filters, year, now)
                for rows in (
                    await pool(likers_only=False, only=approved) if approved else [],
                    await pool(likers_only=True),
                    await pool(likers_only=False, only=planned) if planned else [],
                    await pool(likers_only=False, only=rare) if rare is not None else [],
                    await pool(likers_only=False) if rare is None else [],
                ):
                    for row in rows:
                        found.setdefault(row["member_id"], row)
                fresh = list(found.values())
            rows = [*again, *fresh]
            if _reads_answers(filters):
                facts = await browse.answers_of(
                    session, [row["member_id"] for row in rows], ANSWERS_READ
                )
            else:
                facts = {}
            rows = [
                row
                for row in rows
                if fits(
                    filters,
                    row["features"].get("interests", {}),
                    facts.get(row["member_id"], {}),
                )
            ]
            if not rows:
                return Page([], left, False)
            likers = await browse.liked_by(session, member.id, [r["member_id"] for r in rows])
            likes_visible = await units.likes_visible(session, member.unit_id)
            ranked = await self._matchmaking._ranked(  # noqa: SLF001 - the chat's own ranking
                session, member.id, viewer, rows, likers, year, likes_visible
            )
            # The people seen lately and not answered come back first, as they were shown.
            recent = {member_id: n for n, member_id in enumerate(shown)}
            again_ids = {row["member_id"] for row in again}
            seen = sorted(
                (s for s in ranked if s.candidate.id in again_ids),
                key=lambda s: recent[s.candidate.id],
            )[: shown_again_most(self._settings.daily_cards)]
            place = {member_id: n for n, member_id in enumerate(planned)}
            approved_ids = {c for c, status in reviews.items() if status == "approved"}
            new = sorted(
                (s for s in ranked if s.candidate.id not in again_ids),
                key=lambda s: (
                    s.candidate.id not in approved_ids,
                    place.get(s.candidate.id, math.inf),
                    -s.score,
                ),
            )
            # Those a matchmaker approved first; then likers among the rest, as the union
            # shows likes (first, or where a member cannot tell who they are).
            rest = [s for s in new if s.candidate.id not in approved_ids]
            ranked_new = [s for s in new if s.candidate.id in approved_ids]
            ranked_new += self._matchmaking.likers_mixed(
                [s for s in rest if s.candidate.id in likers],
                [s for s in rest if s.candidate.id not in likers],
                likes_visible,
                member.id,
                shown_today,
            )
            wanted = new_on_page(first, len(seen), left)
            chosen = await self._reviewed(session, member, ranked_new, reviews, wanted)
            cards = await self._shown(session, member, seen, chosen, now)
            left -= len(chosen)
            return Page(cards, left, len(chosen) < len(ranked_new) and left > 0)

    async def _reviewed(
        self,
        session: AsyncSession,
        member: Member,
        ranked: list[Suggestion],
        reviews: dict[int, str],
        wanted: int,
    ) -> list[Suggestion]:
        """The first ``wanted`` suggestions that may be shown: as in the chat, one a
        matchmaker rejected never is, and a strong one waits for a matchmaker's look first."""
        threshold = await matching.review_threshold(session, member.unit_id)
        chosen: list[Suggestion] = []
        for suggestion in ranked:
            if len(chosen) >= wanted:
                break
            if self._matchmaking.cleared(session, member.id, suggestion, reviews, threshold):
                chosen.append(suggestion)
        return chosen

    async def _shown(
        self,
        session: AsyncSession,
        member: Member,
        again: list[Suggestion],
        chosen: list[Suggestion],
        now: datetime,
    ) -> list[BrowseCard]:
        """Cards of people shown before, then of those newly ``chosen``, who are recorded as
        shown now (they count for the exposure cap and the daily number)."""
        if chosen:
            await session.execute(
                insert(CardView),
                [
                    {"viewer_id": member.id, "candidate_id": s.candidate.id, "shown_at": now}
                    for s in chosen
                ],
            )
        cards = await self._cards(session, [(s, False) for s in again])
        return cards + await self._cards(session, [(s, True) for s in chosen])

    async def _cards(
        self, session: AsyncSession, chosen: list[tuple[Suggestion, bool]]
    ) -> list[BrowseCard]:
        ids = [s.candidate.id for s, _ in chosen]
        answers = await browse.answers_of(session, ids, self._keys)
        cards = []
        for suggestion, new in chosen:
            shown = dict(answers[suggestion.candidate.id])
            candidate = await session.get(Member, suggestion.candidate.id)
            if candidate is not None:
                shown["photos"] = await visible_photos(
                    session, candidate, shown.get("photos") or []
                )
            cards.append(BrowseCard(suggestion.candidate.id, shown, suggestion.reasons, new))
        return cards

    async def person(self, telegram_id: int, member_id: int) -> Person | None:
        """Someone the member was shown (here or in the chat) or matched with, as a card; None
        for anyone else, for a person either blocked, and for one no longer suggested."""
        now = self._clock.now()
        year = now.astimezone(self._settings.tz).year
        async with self._db() as session:
            me = await members.get_by_telegram_id(session, telegram_id)
            if me is None or me.id == member_id:
                return None
            was_shown = await matching.was_shown(session, me.id, member_id)
            match = await matching.match_between(session, me.id, member_id)
            if not (was_shown or match) or await matching.blocked(session, me.id, member_id):
                return None
            viewer = await matching.profile_row(session, me.id)
            other = await matching.profile_row(session, member_id)
            # Someone no longer suggested stays visible to a match only while they can still
            # write to each other: not after either ended it, blocked or reported.
            talking = match is not None and match.relay_ended_at is None
            if viewer is None or other is None or not (other["eligible"] or talking):
                return None
            # Matched, "they liked you" is no news: the card says why they suit her.
            likers = set() if match else await browse.liked_by(session, me.id, [member_id])
            # Ranked as if neither hid from colleagues: someone already shown stays the same
            # card when that setting changes. Otherwise a member could switch it on, reload a
            # card and learn from its vanished "why" that the person works where he does.
            ranked = await self._matchmaking._ranked(  # noqa: SLF001 - the chat's own ranking
                session,
                me.id,
                {**viewer, "avoid_colleagues": False},
                [{**other, "avoid_colleagues": False}],
                likers,
                year,
                await units.likes_visible(session, me.unit_id),
            )
            # No suggestion when one of them changed what they look for since: no reasons.
            suggestion = (
                ranked[0] if ranked else Suggestion(to_profile(member_id, other, year), 0, ())
            )
            decision = await session.get(MatchDecision, (me.id, member_id))
            [card] = await self._cards(session, [(suggestion, False)])
            return Person(card, decision.liked if decision else None, isinstance(match, Match))

    async def photo(self, telegram_id: int, member_id: int, index: int) -> str | None:
        """The Telegram file id of a person's ``index``-th photo, if the member may see it:
        their own (every photo they gave, as /profile shows), or of someone ``person`` shows
        them (only the photos others may see). None for anything else."""
        async with self._db() as session:
            me = await members.get_by_telegram_id(session, telegram_id)
            if me is None:
                return None
            if me.id == member_id:
                own = await browse.answers_of(session, [me.id], ("photos",))
                photos = list(own.get(me.id, {}).get("photos") or [])
                return photos[index] if 0 <= index < len(photos) else None
        found = await self.person(telegram_id, member_id)
        shown = list(found.card.answers.get("photos") or []) if found else []
        return shown[index] if 0 <= index < len(shown) else None

    async def undo_skip(self, telegram_id: int) -> int | None:
        """Take back the member's last skip, if it was within a day and the person is not
        blocked either way: they are among the member's people again. Their id, or None."""
        now = self._clock.now()
        async with self._db.begin() as session:
            member = await may_be_shown_people(session, telegram_id)
            if isinstance(member, Unavailable):
                return None
            skipped = await browse.last_skip(session, member.id, now - UNDO_WITHIN)
            if skipped is None or await matching.blocked(session, member.id, skipped):
                return None
            await browse.forget_decision(session, member.id, skipped)
            return skipped

    async def _waiting(
        self,
        session: AsyncSession,
        member: Member,
        viewer: dict[str, Any],
        year: int,
        likes_visible: str,
    ) -> tuple[list[Suggestion], dict[int, str]]:
        """Who liked the member and waits for their answer, as the engine ranks them for the
        member (a liker it would not suggest, or one a matchmaker turned down, is not among
        them): the one list both the number and the cards come from. With the matchmakers'
        reviews of the member's suggestions.

        Where the union shows only the number ("count"), it is held for the day: as if she had
        decided on nobody and blocked nobody since the day began. Counted live, the number
        fell by one right after she skipped a card, and named that card's person as a liker
        (undo put it back, to try the next)."""
        pool = await matching.pool(
            session,
            viewer,
            year,
            likers_only=True,
            limit=POOL_SIZE,
            skips_forgotten_before=self._matchmaking.skips_kept_since(),
            decided_before=None if likes_visible == "cards" else self._start_of_day(),
        )
        if not pool:
            return [], {}
        likers = {row["member_id"] for row in pool}
        ranked = await self._matchmaking._ranked(  # noqa: SLF001 - the chat's own ranking
            session,
            member.id,
            viewer,
            pool,
            likers,
            year,
            likes_visible,
        )
        reviews = await matching.reviewed(session, member.id)
        return [s for s in ranked if reviews.get(s.candidate.id) != "rejected"], reviews

    async def likes(self, telegram_id: int) -> int | None:
        """How many people liked the member and wait for their answer (the number the likes
        screen shows); None for someone who may not browse."""
        async with self._db() as session:
            member = await may_be_shown_people(session, telegram_id)
            if isinstance(member, Unavailable):
                return None
            viewer = await matching.profile_row(session, member.id)
            if viewer is None:
                return 0
            year = self._clock.now().astimezone(self._settings.tz).year
            # Only the number is used: the reasons' wording does not matter here.
            return len((await self._waiting(session, member, viewer, year, "count"))[0])

    async def unavailable(self, telegram_id: int) -> Unavailable | None:
        """Why the member may not browse now (paused, suspended, not signed up, …), or None."""
        async with self._db() as session:
            member = await may_be_shown_people(session, telegram_id)
        return member if isinstance(member, Unavailable) else None

    async def liked_me(self, telegram_id: int) -> Likes | Unavailable:
        """Who liked the member, as their union configures. The number and the cards come
        from the same list (``_waiting``). As cards, the rules of browsing hold: someone not
        shown before is a card view, counted in the day's number and the person's exposure
        (so the likes screen cannot show more new people than browsing) and a strong
        suggestion still waits for a matchmaker; those not shown yet are counted in
        ``Likes.later``. Why not, for someone who may not browse (paused, suspended, …)."""
        now = self._clock.now()
        year = now.astimezone(self._settings.tz).year
        async with self._db.begin() as session:
            member = await may_be_shown_people(session, telegram_id)
            if isinstance(member, Unavailable):
                return member
            await members.lock(session, member.id)  # as ``page``: the day's number counts once
            viewer = await matching.profile_row(session, member.id)
            if viewer is None:
                return Likes(0, None)
            likes_visible = await units.likes_visible(session, member.unit_id)
            ranked, reviews = await self._waiting(session, member, viewer, year, likes_visible)
            if likes_visible != "cards" or not ranked:
                return Likes(len(ranked), None if ranked else [])
            shown = set(await browse.shown_since(session, member.id, now - EXPOSURE_WINDOW))
            again = [s for s in ranked if s.candidate.id in shown]
            left = new_allowed(
                self._settings.daily_cards,
                await matching.views_since(session, member.id, self._start_of_day()),
            )
            fresh = [s for s in ranked if s.candidate.id not in shown]
            chosen = await self._reviewed(session, member, fresh, reviews, min(left, PAGE))
            cards = await self._shown(session, member, again, chosen, now)
            return Likes(len(ranked), cards)

    async def write_in_chat(self, telegram_id: int, match_id: int) -> bool:
        """The member wants to write to a match from the Mini App: the chat gets a message
        with the button that opens their relayed conversation (the same as under /matches).
        False if it is not the member's match, its conversation has ended, or either blocked
        the other."""
        now = self._clock.now()
        async with self._db.begin() as session:
            me = await members.get_by_telegram_id(session, telegram_id)
            match = await session.get(Match, match_id)
            if me is None or match is None or me.id not in (match.member_a, match.member_b):
                return False
            other = match.member_b if me.id == match.member_a else match.member_a
            contact = await contact_of(session, other)
            if (
                match.relay_ended_at is not None
                or contact is None
                or await matching.blocked(session, me.id, other)
            ):
                return False
            await notices.put(
                session,
                to=telegram_id,
                now=now,
                lines=[
                    notices.line(
                        N_("Write to {nickname} with the button below."),
                        nickname=contact.nickname,
                    )
                ],
                buttons=match_buttons(match, contact.nickname)[:1],
                key=f"write_in_chat:{match_id}:{telegram_id}:{now.isoformat()}",
                member_id=me.id,
            )
        self._work.wake()
        return True


def _reads_answers(filters: Filters) -> bool:
    return bool(
        filters.height_min is not None
        or filters.height_max is not None
        or filters.marital
        or filters.children
    )
