"""Runtime configuration, read from ``HUIHUI_*`` environment variables or an optional ``.env``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.domain.questions import SHANGHAI_DISTRICTS

Language = Literal["zh", "en"]
SUPPORTED_LANGUAGES: tuple[Language, ...] = ("zh", "en")


PROXY_SCHEMES = ("http://", "https://", "socks5://", "socks5h://")
MAX_REMINDER_HOURS = 24 * 30  # a month before the event
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="HUIHUI_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    bot_token: SecretStr | None = None
    # Where Telegram is reached through: an HTTP or SOCKS5 proxy (http://host:port,
    # socks5://user:pass@host:port), for deployments that reach Telegram only that way.
    proxy: SecretStr | None = None
    # A self-hosted Bot API server (https://github.com/tdlib/telegram-bot-api) instead of
    # api.telegram.org; ``bot_api_local`` when it runs with --local.
    bot_api_url: str | None = None
    bot_api_local: bool = False
    database_url: str = "sqlite+aiosqlite:///./huihui.db"
    timezone: str = "Asia/Shanghai"
    # NoDecode: accept "1,2,3" as well as a JSON list from the environment.
    superadmins: Annotated[frozenset[int], NoDecode] = frozenset()
    default_language: Language = "zh"
    rate_limit: float = Field(default=30.0, gt=0, description="Outgoing messages per second")
    # Broadcast deliveries per second. Without paid broadcasts it is kept within rate_limit;
    # with them (Telegram Stars, allow_paid_broadcast) up to 1000.
    broadcast_rate: float = Field(default=30.0, gt=0, le=1000)
    paid_broadcasts: bool = False
    # Hours before an event that registrants are reminded.
    event_reminders: Annotated[tuple[int, ...], NoDecode] = (24, 2)
    webhook_secret: SecretStr | None = None
    webhook_url: str | None = None
    # The bot's one web server (webhook, health, metrics): behind a reverse proxy for TLS.
    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8080, ge=0, le=65535)
    # The public HTTPS address the web server is reached at (e.g. https://huihui.example.org):
    # Telegram opens the Mini Apps from it. None: no Web App buttons (console-link still works).
    public_url: str | None = None
    # How old Telegram's initData may be when a Mini App's request carries it (seconds).
    init_data_max_age: int = Field(default=3600, ge=60, le=86400)
    # How often conversation state is written to the database (seconds); a crash loses at most this.
    persistence_interval: float = Field(default=1.0, gt=0)
    # A dialog nobody moved in for this long is closed at the next start (its answers so far
    # stay; the member starts the step again).
    conversation_idle_days: int = Field(default=30, ge=1)
    # Updates handled at the same time across all members (each member's own stay in order).
    max_concurrent_updates: int = Field(default=256, ge=1)
    log_level: str = "INFO"
    # "json": one JSON object a line, for a log collector; "text": for people.
    log_format: Literal["text", "json"] = "text"
    # Suggestion cards a member may see per day.
    daily_cards: int = Field(default=20, ge=1)
    # Days relayed messages (会会传话) are kept after the conversation ended.
    relay_retention_days: int = Field(default=30, ge=1)
    # Days after which a skipped member may be suggested again.
    skip_cooldown_days: int = Field(default=30, ge=1)
    # Local hour of the opt-in daily digest of new suggestions.
    digest_hour: int = Field(default=20, ge=0, le=23)
    # The districts members choose from: "中文名|English name" entries; default Shanghai's 16.
    districts: Annotated[tuple[tuple[str, str], ...], NoDecode] = SHANGHAI_DISTRICTS
    # A folder for a daily backup taken by the serving process (none: no scheduled backups),
    # and how many of them are kept there (the oldest are deleted).
    backup_dir: Path | None = None
    backup_keep: int = Field(default=7, ge=1)

    @field_validator(
        "bot_token",
        "proxy",
        "webhook_secret",
        "backup_dir",
        "public_url",
        "webhook_url",
        "bot_api_url",
        mode="before",
    )
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        """``HUIHUI_BACKUP_DIR=`` in a .env template means no folder, not the working one."""
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("proxy")
    @classmethod
    def _proxy_scheme(cls, value: SecretStr | None) -> SecretStr | None:
        # Checked here, where the address is not printed: the proxy library's own error
        # carries it, password and all, into the log.
        if value is not None and not value.get_secret_value().lower().startswith(PROXY_SCHEMES):
            raise ValueError(
                "must start with http://, https://, socks5:// or socks5h:// "
                "(e.g. socks5://user:password@host:1080)"
            )
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _known_level(cls, value: object) -> object:
        level = str(value).strip().upper()
        if level not in LOG_LEVELS:
            raise ValueError(f"must be one of {', '.join(LOG_LEVELS)}")
        return level

    @field_validator("superadmins", mode="before")
    @classmethod
    def _parse_ids(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.strip()
            if value.startswith("["):
                return json.loads(value)
            return [part for part in value.replace(";", ",").split(",") if part.strip()]
        return value

    @field_validator("event_reminders", mode="before")
    @classmethod
    def _parse_hours(cls, value: object) -> object:
        if isinstance(value, str):
            return [int(part) for part in value.replace("，", ",").split(",") if part.strip()]
        return value

    @field_validator("event_reminders")
    @classmethod
    def _hours_before(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        # A negative hour would remind people after the event; 0 as it starts.
        if any(not 1 <= hours <= MAX_REMINDER_HOURS for hours in value):
            raise ValueError(f"hours before the event, each from 1 to {MAX_REMINDER_HOURS}")
        return tuple(sorted(set(value), reverse=True))

    @field_validator("public_url", "webhook_url")
    @classmethod
    def _https_address(cls, value: str | None) -> str | None:
        # Telegram opens Mini Apps and sends webhooks only over HTTPS: an http:// address
        # would start, and every Web App button and update would fail later.
        if value is None:
            return None
        parts = urlsplit(value.strip())
        if parts.scheme.lower() != "https" or not parts.hostname:
            raise ValueError("must be an https:// address (e.g. https://huihui.example.org)")
        return value.strip().rstrip("/")

    @field_validator("districts", mode="before")
    @classmethod
    def _parse_districts(cls, value: object) -> object:
        if isinstance(value, str):
            entries = json.loads(value) if value.strip().startswith("[") else value.split(",")
            value = [entry for entry in entries if str(entry).strip()]
        if isinstance(value, list | tuple):
            pairs = []
            for entry in value:
                if isinstance(entry, str):
                    zh, _, en = entry.partition("|")
                    pairs.append((zh.strip(), (en or zh).strip()))
                else:
                    pairs.append(tuple(entry))
            if not pairs:
                raise ValueError("at least one district is needed")
            return tuple(pairs)
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {value!r}") from error
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)
