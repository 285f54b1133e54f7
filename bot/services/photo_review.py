"""Photo review for unions that set ``review_photos``: a member's new photos wait for an
organiser of their union (or a union above) in /review, and only approved photos show on the
card others see. The member's own /profile shows every photo they gave."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain import N_
from bot.domain.clock import Clock
from bot.services import notices
from bot.services.administration import Administration, Decision
from bot.services.notices import line
from bot.services.work import WorkQueue
from storage import audit, conflicts, profiles, units
from storage.models import Member, PhotoReview


@dataclass(frozen=True)
class PendingPhoto:
    review_id: int
    nickname: str
    file_id: str


async def ask_for_review(
    session: AsyncSession, member: Member, photos: Sequence[str], now: datetime
) -> None:
    """New photos of a member whose union reviews photos wait for an organiser, who is told."""
    if not await units.reviews_photos(session, member.unit_id):
        return
    known = set(
        (
            await session.scalars(
                select(PhotoReview.file_id).where(PhotoReview.member_id == member.id)
            )
        ).all()
    )
    new = [file_id for file_id in photos if file_id not in known]
    for file_id in new:
        session.add(
            PhotoReview(member_id=member.id, file_id=file_id, status="pending", created_at=now)
        )
    if not new or member.unit_id is None:
        return
    await session.flush()
    await notices.to_organisers(
        session,
        member.unit_id,
        now,
        [line(N_("A member added photos that wait for your review: /review"))],
        f"photo_review:{member.id}:{now.isoformat()}",
        excluding=await conflicts.staff_circle(session, member),
        member_id=member.id,
    )


async def visible_photos(session: AsyncSession, member: Member, photos: list[str]) -> list[str]:
    """The photos others may see: all of them, or where the union reviews photos only the
    approved ones."""
    if not photos or not await units.reviews_photos(session, member.unit_id):
        return photos
    approved = set(
        (
            await session.scalars(
                select(PhotoReview.file_id).where(
                    PhotoReview.member_id == member.id, PhotoReview.status == "approved"
                )
            )
        ).all()
    )
    return [file_id for file_id in photos if file_id in approved]


class PhotoReviews:
    def __init__(
        self,
        db: async_sessionmaker[AsyncSession],
        clock: Clock,
        administration: Administration,
        work: WorkQueue,
    ) -> None:
        self._db = db
        self._clock = clock
        self._administration = administration
        self._work = work

    async def pending(self, actor: int, limit: int = 10) -> list[PendingPhoto] | None:
        """Photos waiting in the organiser's unions, oldest first; None for non-organisers."""
        async with self._db() as session:
            power = await self._administration.judge(session, actor)
            if not power.any:
                return None
            rows = await session.execute(
                select(PhotoReview.id, PhotoReview.member_id, PhotoReview.file_id)
                .join(Member, Member.id == PhotoReview.member_id)
                .where(
                    PhotoReview.status == "pending",
                    Member.unit_id.in_(power.scope),
                    Member.id.not_in(power.recused),
                )
                .order_by(PhotoReview.id)
                .limit(limit)
            )
            found = []
            for review_id, member_id, file_id in rows.all():
                answers = await profiles.answers(session, member_id)
                nickname = answers["nickname"].value if "nickname" in answers else "?"
                found.append(PendingPhoto(review_id, str(nickname), file_id))
            return found

    async def photo(self, actor: int, review_id: int) -> str | None:
        """The file of a photo waiting for review, for an organiser of the member's union or
        a union above it (None for anyone else, or once decided); every look is audited."""
        now = self._clock.now()
        async with self._db.begin() as session:
            review = await session.get(PhotoReview, review_id)
            member = await session.get(Member, review.member_id) if review else None
            if review is None or member is None or review.status != "pending":
                return None
            power = await self._administration.judge(session, actor)
            if not power.may_judge(member):
                return None
            audit.record(
                session, actor, "view_photo", member.unit_id, now, member=member.id, photo=review_id
            )
            return review.file_id

    async def decide(self, actor: int, review_id: int, approve: bool) -> Decision:
        """Approve or reject a photo of a member in the actor's scope (checked here). Two
        decisions at once wait for each other on the review's row: the first stands, the
        other is ``UNCHANGED``."""
        now = self._clock.now()
        async with self._db.begin() as session:
            review = await session.get(PhotoReview, review_id, with_for_update=True)
            member = await session.get(Member, review.member_id) if review else None
            if review is None or member is None:
                return Decision.UNKNOWN
            power = await self._administration.judge(session, actor)
            if not power.may_judge(member):
                return Decision.NOT_ALLOWED
            if review.status != "pending":
                return Decision.UNCHANGED
            review.status = "approved" if approve else "rejected"
            review.reviewed_by, review.reviewed_at = actor, now
            action = "approve_photo" if approve else "reject_photo"
            audit.record(session, actor, action, member.unit_id, now, member=member.id)
            if not approve and member.telegram_id is not None:
                await notices.put(
                    session,
                    to=member.telegram_id,
                    now=now,
                    lines=[
                        line(
                            N_(
                                "One of your photos was not approved by your union, so others "
                                "will not see it. You can choose another with /edit."
                            )
                        )
                    ],
                    key=f"photo_rejected:{review.id}",
                    member_id=member.id,
                )
        self._work.wake()
        return Decision.DONE
