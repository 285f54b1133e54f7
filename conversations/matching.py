"""/match: one suggestion at a time with why; ❤️ / next / report / block; mutual matches meet."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from telegram import KeyboardButton, ReplyKeyboardMarkup, ReplyKeyboardRemove, Update
from telegram.error import TelegramError
from telegram.ext import CommandHandler, MessageHandler, filters

from bot.config import Language
from bot.context import HuihuiContext
from bot.domain.buttons import (
    AskForContact,
    Block,
    Like,
    Pass,
    Report,
    ReportBecause,
    parse,
)
from bot.domain.matching import Reason
from bot.i18n import N_, Translator, translator
from bot.matchmaking import Card, Contact, Unavailable
from bot.profile_card import option_text, render_card
from conversations.common import buttons, on_press, say, send_photo_with_text

if TYPE_CHECKING:
    from bot.app import HuihuiApplication

_LOGGER = logging.getLogger(__name__)
COMMANDS = [
    ("match", N_("See who might suit you")),
    ("matches", N_("People who liked you back")),
    ("colleagues", N_("Hide from people at your own employer, or stop hiding")),
    ("digest", N_("A daily message about new suggestions, on or off")),
]
REPORT_REASONS = (("fake", N_("Fake profile")), ("harassment", N_("Harassment")),
                  ("not_single", N_("Not single")), ("other", N_("Something else")))  # fmt: skip
SHARES = "share_contact_with"


def reason_line(reasons: tuple[Reason, ...], _: Translator, context: HuihuiContext) -> str:
    questionnaire = {q.key: q for q in context.services.onboarding.questionnaire}
    hobbies_q = questionnaire["hobbies"]
    parts = []
    for reason in reasons:
        if reason.kind == "liked_you":
            parts.append(_("they liked you"))
        elif reason.kind == "shared_interests":
            names = [option_text(hobbies_q, tag, _) for tag in reason.items]
            joined = (
                _(", ").join(names[:-1]) + _(" and ") + names[-1] if len(names) > 1 else names[0]
            )
            parts.append(_("you both like {hobbies}", hobbies=joined))
        elif reason.kind == "same_district":
            district = option_text(questionnaire["district"], reason.items[0], _)
            parts.append(_("both in {district}", district=district))
        elif reason.kind == "shared_values":
            topics = "、".join(
                _(questionnaire[key].title) for key in reason.items if key in questionnaire
            )
            parts.append(_("you think alike about {topics}", topics=topics))
    return _("; ").join(parts)


async def show_next(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    user = update.effective_user
    card = await context.services.matchmaking.next_card(user.id)
    if isinstance(card, Unavailable):
        await say(
            update,
            context,
            {
                Unavailable.NOT_READY: _("Suggestions start once your profile is complete: /start"),
                Unavailable.PAUSED: _("You are paused, so I show you no one. /resume to continue."),
                Unavailable.DAILY_LIMIT: _("That's all for today — more suggestions tomorrow."),
                Unavailable.NO_ONE: _(
                    "No one new who suits you right now. Try again in a few days."
                ),
            }[card],
        )
        return
    await _send_card(update, context, card)


async def _send_card(update: Update, context: HuihuiContext, card: Card) -> None:
    _ = context.gettext
    year = context.services.clock.now().astimezone(context.services.settings.tz).year
    text = render_card(card.answers, context.services.onboarding.questionnaire, _, year)
    why = reason_line(card.reasons, _, context)
    if why:
        text += "\n\n💡 " + why
    markup = buttons(
        [
            [(_("❤️ Like"), Like(card.member_id)), (_("Next"), Pass(card.member_id))],
            [(_("Report"), Report(card.member_id)), (_("Block"), Block(card.member_id))],
        ]
    )
    photos = card.answers.get("photos") or []
    if photos:
        await send_photo_with_text(context.bot, update.effective_chat.id, photos[0], text, markup)
    else:
        await say(update, context, text, markup)


async def match_command(update: Update, context: HuihuiContext) -> None:
    await show_next(update, context)


async def on_button(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    query = update.callback_query
    button = parse(query.data)
    target = button.member  # type: ignore[union-attr]
    service = context.services.matchmaking
    user = update.effective_user
    if isinstance(button, Report):
        await query.answer()
        reasons = [[(_(label), ReportBecause(target, key))] for key, label in REPORT_REASONS]
        await query.edit_message_reply_markup(buttons(reasons))
        return
    if isinstance(button, ReportBecause):
        await query.answer()
        await query.edit_message_reply_markup(None)
        if await service.report(user.id, target, button.reason):
            await say(
                update,
                context,
                _(
                    "Thank you. The union's organisers will look into it; "
                    "you will not see each other again."
                ),
            )
        await show_next(update, context)
        return
    if isinstance(button, Block):
        await query.answer()
        await query.edit_message_reply_markup(None)
        if await service.block(user.id, target):
            await say(update, context, _("Blocked. Neither of you will see the other again."))
        await show_next(update, context)
        return
    if isinstance(button, AskForContact):
        await query.answer()
        partners = {c.member_id: c for c in await service.matches(user.id)}
        me = await service.contact(user.id)
        if target in partners and me is not None:
            await _ask_to_share(context, partners[target].telegram_id, me)
            await say(update, context, _("I have asked them to share their contact with you."))
        return
    outcome = await service.decide(user.id, target, isinstance(button, Like))
    if outcome.status == "already_decided":
        await query.answer(_("You have already answered this card."), show_alert=True)
        return
    await query.answer()
    await query.edit_message_reply_markup(None)
    if outcome.status == "gone":
        await say(update, context, _("This member is no longer available."))
    elif outcome.status == "liked":
        await say(update, context, _("Like sent. If they like you too, I will tell you both."))
    elif outcome.status == "matched":
        await announce_match(context, outcome.me, outcome.other)
    await show_next(update, context)


async def announce_match(context: HuihuiContext, a: Contact | None, b: Contact | None) -> None:
    """Tell both sides of a new match how to reach each other; only then ask a side without a
    username to share a contact, so nobody is asked before they know of the match."""
    if a is None or b is None:
        return
    await _announce(context, a, b)
    await _announce(context, b, a)
    for asked, requester in ((b, a), (a, b)):
        if not asked.username:
            await _ask_to_share(context, asked.telegram_id, requester)


async def _announce(context: HuihuiContext, to: Contact, other: Contact) -> None:
    """Tell one side of a new match how to reach the other."""
    _ = translator(await context.services.languages.resolve_id(to.telegram_id))
    text = _("🎉 You and {nickname} like each other!", nickname=other.nickname)
    if other.username:
        text += "\n" + _("Say hello: https://t.me/{username}", username=other.username)
    else:
        text += "\n" + _(
            "{nickname} has no Telegram username, so I have asked them to share "
            "their contact with you here.",
            nickname=other.nickname,
        )
    try:
        await context.bot.send_message(to.telegram_id, text)
    except TelegramError as error:
        _LOGGER.info("could not announce a match: %s", type(error).__name__)


async def _ask_to_share(context: HuihuiContext, asked: int, requester: Contact) -> None:
    """Ask the member with Telegram id ``asked`` to share their contact with ``requester``."""
    data = context.application.user_data[asked]
    pending = data.setdefault(SHARES, [])
    if requester.member_id not in pending:
        pending.append(requester.member_id)
    context.application.mark_data_for_update_persistence(user_ids=asked)
    _ = translator(await context.services.languages.resolve_id(asked))
    keyboard = ReplyKeyboardMarkup(
        [[KeyboardButton(_("📱 Share my contact"), request_contact=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )
    try:
        await context.bot.send_message(
            asked,
            _(
                "{nickname} would like to reach you. Tap below to share your contact with them.",
                nickname=requester.nickname,
            ),
            reply_markup=keyboard,
        )
    except TelegramError as error:
        _LOGGER.info("could not ask for a contact: %s", type(error).__name__)


async def on_contact(update: Update, context: HuihuiContext) -> None:
    """A member shares their contact with the matches who asked for it."""
    _ = context.gettext
    contact = update.effective_message.contact
    pending = context.user_data.get(SHARES) or []
    if not pending:
        await say(
            update,
            context,
            _("Thank you, but I do not need your number right now."),
            ReplyKeyboardRemove(),
        )
        return
    if contact.user_id != update.effective_user.id:
        await say(update, context, _("Please share your own contact with the button."))
        return
    mine = {
        c.member_id: c for c in await context.services.matchmaking.matches(update.effective_user.id)
    }
    me = await context.services.onboarding.member(update.effective_user.id)
    answers = await context.services.onboarding.answers(me.id) if me else {}
    for member_id in pending:
        partner = mine.get(member_id)
        if partner is None:
            continue  # no longer a match (blocked, deleted)
        nickname = answers.get("nickname") or contact.first_name
        language = await context.services.languages.resolve_id(partner.telegram_id)
        try:
            await context.bot.send_contact(
                partner.telegram_id, phone_number=contact.phone_number, first_name=nickname
            )
            await context.bot.send_message(partner.telegram_id, _shared_notice(language, nickname))
        except TelegramError as error:
            _LOGGER.info("could not pass on a contact: %s", type(error).__name__)
    context.user_data[SHARES] = []
    await say(update, context, _("Shared. Good luck!"), ReplyKeyboardRemove())


def _shared_notice(language: Language, nickname: str) -> str:
    _ = translator(language)
    return _("{nickname} shared their contact with you.", nickname=nickname)


async def matches_command(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    found = await context.services.matchmaking.matches(update.effective_user.id)
    if not found:
        await say(update, context, _("No mutual likes yet. /match to see suggestions."))
        return
    lines, rows = [], []
    for match in found:
        if match.username:
            lines.append(f"• {match.nickname} — https://t.me/{match.username}")
        else:
            lines.append(
                "• " + _("{nickname} — contact shared through 会会", nickname=match.nickname)
            )
            rows.append(
                [
                    (
                        _("Ask {nickname} for their contact", nickname=match.nickname),
                        AskForContact(match.member_id),
                    )
                ]
            )
    await say(
        update,
        context,
        _("You and they like each other:") + "\n" + "\n".join(lines),
        buttons(rows) if rows else None,
    )


async def digest_command(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    on = await context.services.member_data.toggle_digest(update.effective_user.id)
    if on is None:
        await say(update, context, _("You have no profile yet. Send /start to create one."))
    elif on:
        hour = context.services.settings.digest_hour
        await say(
            update,
            context,
            _(
                "On: every day at {hour}:00 I will tell you how many new "
                "people may suit you. /digest again to stop.",
                hour=hour,
            ),
        )
    else:
        await say(update, context, _("Off: no more daily digests."))


async def colleagues_command(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    hidden = await context.services.member_data.toggle_colleagues(update.effective_user.id)
    if hidden is None:
        await say(update, context, _("You have no profile yet. Send /start to create one."))
    elif hidden:
        await say(
            update,
            context,
            _(
                "On: nobody from your own employer is suggested to you, nor "
                "you to them. /colleagues again to turn it off."
            ),
        )
    else:
        await say(update, context, _("Off: colleagues may be suggested again."))


def register(application: HuihuiApplication) -> None:
    private = filters.ChatType.PRIVATE
    application.add_handler(CommandHandler("match", match_command, filters=private))
    application.add_handler(CommandHandler("matches", matches_command, filters=private))
    application.add_handler(CommandHandler("colleagues", colleagues_command, filters=private))
    application.add_handler(CommandHandler("digest", digest_command, filters=private))
    application.add_handler(
        on_press(on_button, Like, Pass, Report, ReportBecause, Block, AskForContact)
    )
    application.add_handler(MessageHandler(private & filters.CONTACT, on_contact))
