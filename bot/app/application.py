"""The composition root: builds the PTB Application and registers every conversation."""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from typing import Any

from telegram import Message, Update
from telegram.error import TelegramError
from telegram.ext import (
    ApplicationBuilder,
    ApplicationHandlerStop,
    BaseUpdateProcessor,
    ContextTypes,
    TypeHandler,
)
from telegram.request import BaseRequest, HTTPXRequest

from bot.app.errors import on_error
from bot.app.instrument import CountedRequest
from bot.app.persistence import SQLPersistence
from bot.app.processor import PerMemberUpdateProcessor
from bot.common.config import Settings
from bot.common.i18n import translator
from bot.delivery import Delivery
from bot.delivery.limiter import TwoLaneRateLimiter
from bot.delivery.telegram_bot import HuihuiBot
from bot.services.container import Services
from conversations import (
    admin,
    broadcast,
    console,
    fallback,
    feedback,
    follow_ups,
    help_menu,
    inbox,
    language,
    matching,
    member_app,
    member_controls,
    member_settings,
    onboarding,
    proposals,
    relay,
    review,
    roster_upload,
)
from conversations.context import ChatApplication, HuihuiContext
from conversations.events import attending as event_attending
from conversations.events import choice as event_choice
from conversations.events import my_pass as event_pass
from conversations.events import new as event_new
from conversations.events import organising as event_organising
from conversations.menu import publish_commands

# Order matters: earlier modules get the first look at an update. Short explicit flows come
# before onboarding, which takes a signing-up member's free text; the fallback comes last.
CONVERSATIONS = (
    admin,
    console,
    broadcast,
    event_new,
    event_organising,
    event_attending,
    event_pass,
    event_choice,
    follow_ups,
    help_menu,
    language,
    feedback,
    inbox,
    member_app,
    member_controls,
    member_settings,
    review,
    proposals,
    relay,
    onboarding,
    matching,
    # After onboarding, so a member signing up who sends a file is answered there.
    roster_upload,
    fallback,
)
# The handler group that runs after all the others for every update.
AFTER_EVERYTHING = 1_000
# The handler group that runs before all the others (dialogs come next, then group 0).
LANGUAGE_GROUP = -2
# The command menu, in the order members see it.
MENU = (
    onboarding,
    matching,
    event_attending,
    event_pass,
    member_app,
    member_controls,
    member_settings,
    inbox,
    help_menu,
    language,
    feedback,
)
ORGANISER_MENU = (admin, broadcast, event_organising, inbox, console)


class HuihuiApplication(ChatApplication):
    """The chat front end with the delivery workers that send what the services leave."""

    def __init__(self, *, services: Services, **kwargs: Any) -> None:
        super().__init__(
            services=services,
            commands=[command for module in MENU for command in module.COMMANDS],
            organiser_commands=[
                command for module in ORGANISER_MENU for command in module.ORGANISER_COMMANDS
            ],
            **kwargs,
        )
        self.delivery = Delivery.create(services, self.bot)

    def after_update(self) -> None:
        self.delivery.scheduler.after_update()  # notices due now go out


def build_application(
    services: Services,
    request: BaseRequest | None = None,
    update_processor: BaseUpdateProcessor | None = None,
) -> HuihuiApplication:
    """The bot, wired. ``request`` replaces the network (sandbox); ``update_processor`` replaces
    the per-member processor (benchmarks compare it with PTB's default)."""
    settings = services.settings
    processor = update_processor or PerMemberUpdateProcessor(settings.max_concurrent_updates)
    builder = (
        ApplicationBuilder()
        .application_class(HuihuiApplication, kwargs={"services": services})
        .bot(make_bot(settings, request))
        .context_types(ContextTypes(context=HuihuiContext))
        .concurrent_updates(processor)
        .persistence(
            SQLPersistence(
                services.db,
                services.clock,
                idle=timedelta(days=settings.conversation_idle_days),
                update_interval=settings.persistence_interval,
            )
        )
    )
    application: HuihuiApplication = builder.build()  # type: ignore[assignment]
    if isinstance(processor, PerMemberUpdateProcessor):
        processor.on_overflow = partial(_too_fast, application)
    application.add_handler(TypeHandler(Update, remember_language), group=LANGUAGE_GROUP)
    application.add_handler(TypeHandler(Update, after_update), group=AFTER_EVERYTHING)
    for module in CONVERSATIONS:
        module.register(application)
    application.add_error_handler(on_error)
    return application


def make_bot(settings: Settings, request: BaseRequest | None = None) -> HuihuiBot:
    """The bot, reaching Telegram directly, through ``HUIHUI_PROXY``, or through a self-hosted
    Bot API server (``HUIHUI_BOT_API_URL``); ``request`` replaces the network (sandbox)."""
    if settings.bot_token is None:
        raise ValueError("HUIHUI_BOT_TOKEN is not set")
    proxy = settings.proxy.get_secret_value() if settings.proxy else None
    server = settings.bot_api_url.rstrip("/") if settings.bot_api_url else None
    return HuihuiBot(
        token=settings.bot_token.get_secret_value(),
        base_url=f"{server}/bot" if server else "https://api.telegram.org/bot",
        base_file_url=f"{server}/file/bot" if server else "https://api.telegram.org/file/bot",
        local_mode=settings.bot_api_local,
        request=CountedRequest(request or HTTPXRequest(connection_pool_size=256, proxy=proxy)),
        get_updates_request=CountedRequest(request or HTTPXRequest(proxy=proxy)),
        rate_limiter=TwoLaneRateLimiter(settings.rate_limit),
    )


async def remember_language(update: Update, context: HuihuiContext) -> None:
    """Runs before every other handler: decides which language this update is answered in,
    notes that the member is active, and how the message under a pressed button looks."""
    query = update.callback_query
    if query is not None and isinstance(context.bot, HuihuiBot):
        message = query.message if isinstance(query.message, Message) else None
        context.bot.saw(message)
        if context.bot.buttons_removed(message):
            # The second press of a double tap: the first already took the button away.
            await query.answer()
            raise ApplicationHandlerStop
    user = update.effective_user
    await context.learn_language(user)
    if user is not None:
        await context.services.activity.seen(user.id, user.username)


async def _too_fast(application: HuihuiApplication, telegram_id: int) -> None:
    """Once per flood: the member learns some messages were skipped."""
    _ = translator(await application.services.languages.resolve_id(telegram_id))
    try:
        await application.bot.send_message(
            telegram_id,
            _(
                "You are sending messages faster than I can read them, so I skipped some. "
                "Please send one at a time."
            ),
        )
    except TelegramError:
        pass  # the member is sending, so they can be reached; a refusal changes nothing


async def after_update(_update: Update, context: HuihuiContext) -> None:
    """Runs after every handler: work the update caused (notices due now) starts now that the
    member has had the reply."""
    context.chat_application.after_update()


async def on_start(application: HuihuiApplication) -> None:
    assert application.job_queue is not None, "install python-telegram-bot[job-queue]"
    await application.delivery.start(application.job_queue)
    await application.services.digest.arm()
    await application.services.retention.arm()
    await application.services.plans.arm()
    await publish_commands(application)
