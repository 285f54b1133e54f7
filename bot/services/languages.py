"""Which language each member is answered in. The database holds the choice; memory caches it."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.common.config import Language
from bot.common.i18n import resolve_language
from bot.domain.clock import Clock
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
        # The Telegram app language last seen per user, for messages sent outside an update.
        self._app_languages: OrderedDict[int, str | None] = OrderedDict()
        self._cache_size = cache_size

    async def resolve(self, telegram_id: int | None, app_language: str | None) -> Language:
        """For an update from ``telegram_id`` whose app is set to ``app_language``."""
        if telegram_id is None:
            return self._default
        _remember(self._app_languages, telegram_id, app_language, self._cache_size)
        return resolve_language(await self._chosen(telegram_id), app_language, self._default)

    async def resolve_id(self, telegram_id: int) -> Language:
        """For messages sent outside an update (to reviewers, scheduled work): the choice, else
        the app language seen last while this process runs, else the default."""
        app_language = self._app_languages.get(telegram_id)
        return resolve_language(await self._chosen(telegram_id), app_language, self._default)

    async def prefetch(self, telegram_ids: Sequence[int]) -> None:
        """Read the choices of several people not cached yet in one query, so that
        ``resolve_id`` for each of them (a batch of notices about to go out) reads nothing."""
        missing = [known for known in set(telegram_ids) if known not in self._cache]
        if not missing:
            return
        async with self._sessionmaker() as session:
            chosen = await members.chosen_languages(session, missing)
        for telegram_id, language in chosen.items():
            _remember(self._cache, telegram_id, language, self._cache_size)

    async def choose(self, telegram_id: int, language: Language) -> None:
        async with self._sessionmaker.begin() as session:
            await members.set_language(session, telegram_id, language, self._clock.now())
        _remember(self._cache, telegram_id, language, self._cache_size)

    def forget(self, telegram_id: int) -> None:
        """Drop what is cached about a member, e.g. after their data was deleted."""
        self._cache.pop(telegram_id, None)
        self._app_languages.pop(telegram_id, None)

    async def _chosen(self, telegram_id: int) -> str | None:
        cached = self._cache.get(telegram_id, _UNKNOWN)
        if cached is not _UNKNOWN:
            self._cache.move_to_end(telegram_id)
            return cached  # type: ignore[return-value]
        async with self._sessionmaker() as session:
            chosen = await members.chosen_language(session, telegram_id)
        _remember(self._cache, telegram_id, chosen, self._cache_size)
        return chosen


def _remember(cache: OrderedDict[int, str | None], key: int, value: str | None, size: int) -> None:
    cache[key] = value
    cache.move_to_end(key)
    while len(cache) > size:
        cache.popitem(last=False)
