"""Which language each member is answered in. The database holds the choice; memory caches it."""

from __future__ import annotations

from collections import OrderedDict

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import User

from bot.clock import Clock
from bot.config import Language
from bot.i18n import resolve_language
from storage import members

_UNKNOWN = object()


class LanguagePreferences:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        clock: Clock,
        default: Language,
        cache_size: int = 100_000,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._clock = clock
        self._default = default
        self._cache: OrderedDict[int, str | None] = OrderedDict()
        self._cache_size = cache_size

    async def resolve(self, user: User | None) -> Language:
        if user is None:
            return self._default
        return resolve_language(await self._chosen(user.id), user.language_code, self._default)

    async def resolve_id(self, telegram_id: int) -> Language:
        """For messages sent without an update (scheduled work): the choice, else the default."""
        return resolve_language(await self._chosen(telegram_id), None, self._default)

    async def choose(self, telegram_id: int, language: Language) -> None:
        async with self._sessionmaker.begin() as session:
            await members.set_language(session, telegram_id, language, self._clock.now())
        self._remember(telegram_id, language)

    def forget(self, telegram_id: int) -> None:
        """Drop the cached choice, e.g. after the member's data was deleted."""
        self._cache.pop(telegram_id, None)

    async def _chosen(self, telegram_id: int) -> str | None:
        cached = self._cache.get(telegram_id, _UNKNOWN)
        if cached is not _UNKNOWN:
            self._cache.move_to_end(telegram_id)
            return cached  # type: ignore[return-value]
        async with self._sessionmaker() as session:
            chosen = await members.chosen_language(session, telegram_id)
        self._remember(telegram_id, chosen)
        return chosen

    def _remember(self, telegram_id: int, language: str | None) -> None:
        self._cache[telegram_id] = language
        self._cache.move_to_end(telegram_id)
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
