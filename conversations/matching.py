"""/match: one suggestion at a time with why; ❤️ / next / report / block; mutual matches meet."""

from __future__ import annotations

import logging

from telegram import ReplyKeyboardRemove, Update
from telegram.ext import CommandHandler, MessageHandler, filters

from bot.common.i18n import N_, Translator
from bot.common.wording.profile_card import option_text, render_card
from bot.domain.buttons import (
    AskForContact,
    Block,
    ExchangeContacts,
    Like,
    Pass,
    RelayTo,
    Report,
    ReportBecause,
    RevisitSkipped,
    parse,
)
from bot.domain.matching import Reason
from bot.domain.scams import scam_signals
from bot.services.matching.notices import Exchange
from bot.services.matching.relay import SAFETY_NOTE
from bot.services.matching.suggestions import Card, Outcome, Unavailable
from conversations.common import buttons, on_press, pressed, say, send_photo_with_text
from conversations.context import ChatApplication, HuihuiContext

_LOGGER = logging.getLogger(__name__)
# What members write in their own words on a card (screened for scam signals when shown).
OWN_WORDS = ("nickname", "hometown", "hobbies", "introduction")
COMMANDS = [
    ("match", N_("See who might suit you")),
    ("matches", N_("People who liked you back")),
    ("colleagues", N_("Hide from people at your own employer, or stop hiding")),
    ("digest", N_("A daily message about new suggestions, on or off")),
]
REPORT_REASONS = (
    ("fake", N_("Fake profile")),
    ("harassment", N_("Harassment")),
    ("not_single", N_("Not single")),
    ("other", N_("Something else")),
)


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
    if card == Unavailable.NO_ONE and (
        skipped := await context.services.matchmaking.skipped(user.id)
    ):
        days = context.services.settings.skip_cooldown_days
        await say(
            update,
            context,
            _(
                "No one new who suits you right now. People you skipped come back after {days} "
                "days; you skipped {count} — see them again now?",
                days=days,
                count=skipped,
            ),
            buttons([[(_("Show the people I skipped"), RevisitSkipped())]]),
        )
        return
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
    if scam_signals(" ".join(str(card.answers.get(key) or "") for key in OWN_WORDS)):
        text += "\n\n" + _(SAFETY_NOTE)
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
    await context.services.matchmaking.shown(update.effective_user.id, card.member_id)


async def match_command(update: Update, context: HuihuiContext) -> None:
    await show_next(update, context)


async def revisit(update: Update, context: HuihuiContext) -> None:
    await update.callback_query.answer()
    await update.callback_query.edit_message_reply_markup(None)
    await context.services.matchmaking.revisit_skipped(update.effective_user.id)
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
        if await service.ask_contact(user.id, target):
            await say(update, context, _("I have asked them to share their contact with you."))
        return
    outcome = await service.decide(user.id, target, isinstance(button, Like))
    if outcome == Outcome.ALREADY_DECIDED:
        await query.answer(_("You have already answered this card."), show_alert=True)
        return
    await query.answer()
    await query.edit_message_reply_markup(None)
    if outcome == Outcome.NOT_ALLOWED:
        await say(update, context, _("Suggestions start once your profile is complete: /start"))
        return
    if outcome == Outcome.GONE:
        await say(update, context, _("This member is no longer available."))
    elif outcome == Outcome.LIKED:
        await say(update, context, _("Like sent. If they like you too, I will tell you both."))
    # A match is announced to both by notices written with it.
    await show_next(update, context)


async def on_contact(update: Update, context: HuihuiContext) -> None:
    """A member shares their contact with the matches who asked for it."""
    _ = context.gettext
    contact = update.effective_message.contact
    if contact.user_id != update.effective_user.id:
        await say(update, context, _("Please share your own contact with the button."))
        return
    me = await context.services.onboarding.member(update.effective_user.id)
    answers = await context.services.onboarding.answers(me.id) if me else {}
    nickname = answers.get("nickname") or contact.first_name
    shared = await context.services.matchmaking.share_contact(
        update.effective_user.id, contact.phone_number, nickname
    )
    if not shared:
        await say(
            update,
            context,
            _("Thank you, but I do not need your number right now."),
            ReplyKeyboardRemove(),
        )
        return
    await say(update, context, _("Shared. Good luck!"), ReplyKeyboardRemove())


async def matches_command(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    found = await context.services.matchmaking.matches(update.effective_user.id)
    if not found:
        await say(update, context, _("No mutual likes yet. /match to see suggestions."))
        return
    lines, rows = [], []
    for match in found:
        nickname = match.nickname
        if match.username:
            lines.append(
                "• "
                + _(
                    "{nickname}: https://t.me/{username}",
                    nickname=nickname,
                    username=match.username,
                )
            )
        elif match.exchanged:
            lines.append("• " + _("{nickname}: contact shared through 会会", nickname=nickname))
            rows.append(
                [
                    (
                        _("Ask {nickname} for their contact", nickname=nickname),
                        AskForContact(match.member_id),
                    )
                ]
            )
        else:
            lines.append("• " + _("{nickname}: talking through 会会", nickname=nickname))
            rows.append([(_("🤝 Exchange contacts"), ExchangeContacts(match.match_id))])
        if match.may_write:
            rows.append([(_("✉️ Write to {nickname}", nickname=nickname), RelayTo(match.match_id))])
    await say(
        update,
        context,
        _("You and they like each other:") + "\n" + "\n".join(lines),
        buttons(rows) if rows else None,
    )


async def exchange(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    query = update.callback_query
    done = await context.services.matchmaking.exchange(
        update.effective_user.id, pressed(update, ExchangeContacts).match
    )
    if done is None:
        await query.answer(_("This conversation has ended."), show_alert=True)
        return
    await query.answer()
    if done == Exchange.WAITING:
        await say(update, context, _("Done. Contacts are exchanged once they agree too."))
    elif done == Exchange.ALREADY:
        await say(update, context, _("You have already agreed; waiting for them."))


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


def register(application: ChatApplication) -> None:
    private = filters.ChatType.PRIVATE
    application.add_handler(CommandHandler("match", match_command, filters=private))
    application.add_handler(CommandHandler("matches", matches_command, filters=private))
    application.add_handler(CommandHandler("colleagues", colleagues_command, filters=private))
    application.add_handler(CommandHandler("digest", digest_command, filters=private))
    application.add_handler(
        on_press(on_button, Like, Pass, Report, ReportBecause, Block, AskForContact)
    )
    application.add_handler(on_press(revisit, RevisitSkipped))
    application.add_handler(on_press(exchange, ExchangeContacts))
    application.add_handler(MessageHandler(private & filters.CONTACT, on_contact))
