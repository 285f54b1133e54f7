"""What every export section works with: the member, the session, their language and time
zone, and how other members are named (their nickname, nothing more)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.common.i18n import Translator
from bot.domain.questions import Question
from storage import profiles
from storage.models import Member


class Exporter:
    def __init__(
        self,
        session: AsyncSession,
        member: Member,
        _: Translator,
        tz: tzinfo,
        questionnaire: tuple[Question, ...],
    ) -> None:
        self.session = session
        self.member = member
        self.translate = _
        self.tz = tz
        self.questions = {q.key: q for q in questionnaire}
        self._nicknames: dict[int, str] = {}

    def time(self, value: datetime | None) -> str | None:
        return f"{value.astimezone(self.tz):%Y-%m-%d %H:%M}" if value is not None else None

    def word(self, words: Mapping[Any, str], value: str | None) -> str | None:
        """A stored code ("pending", "fake") in the member's words; one without words as
        stored."""
        if value is None or value not in words:
            return value
        return self.translate(words[value])

    def yes(self, value: bool | None) -> str | None:
        return None if value is None else (self.translate("yes") if value else self.translate("no"))

    async def nickname(self, member_id: int) -> str:
        """How another member is named in the export: the nickname they chose, nothing more."""
        if member_id not in self._nicknames:
            answers = await profiles.answers(self.session, member_id)
            nickname = answers.get("nickname")
            self._nicknames[member_id] = (
                nickname.value if nickname and nickname.value else self.translate("a member")
            )
        return self._nicknames[member_id]
