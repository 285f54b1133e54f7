"""/match: one suggestion at a time with why; ❤️ / next / report / block; mutual matches meet."""

from __future__ import annotations

import logging

from telegram import KeyboardButton, ReplyKeyboardMarkup, ReplyKeyboardRemove, Update
from telegram.ext import CommandHandler, ConversationHandler, MessageHandler, filters

from bot.common.i18n import N_, Translator
from bot.common.wording.moderation import REPORT_REASONS
from bot.common.wording.profile_card import reasons_text, render_card
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
from bot.domain.buttons.contact import GiveWechat, ShareCard, SkipReportDetail
from bot.domain.free_text import Invalid
from bot.domain.matching import Reason
from bot.domain.scams import scam_signals
from bot.domain.wechat import wechat_id
from bot.services.matching.contact import Refusal
from bot.services.matching.notices import Exchange
from bot.services.matching.relay import SAFETY_NOTE
from bot.services.matching.suggestions import Card, Outcome, Parted, Unavailable
from bot.services.roster_import import LEFT_NOTICE
from conversations.common import (
    buttons,
    end_conversations,
    on_press,
    pressed,
    say,
    scratch,
    send_photo_with_text,
)
from conversations.context import ChatApplication, HuihuiContext
from conversations.dialogs import add_dialog
from conversations.relay import refusal_text

_LOGGER = logging.getLogger(__name__)
# What members write in their own words on a card (screened for scam signals when shown).
OWN_WORDS = ("nickname", "hometown", "hobbies", "introduction")
COMMANDS = [
    ("match", N_("See who might suit you")),
    ("matches", N_("People who liked you back")),
]
# The report dialog: the reporter may add a few words (optional).
DETAIL = "report_detail"
REPORT = "report_id"
REPORTED_FROM_CARD = "report_from_card"
# The WeChat id dialog, and the match a contact card or WeChat id is being given to.
WECHAT = "wechat_id"
GIVING_TO = "contact_for_match"


def reason_line(reasons: tuple[Reason, ...], _: Translator, context: HuihuiContext) -> str:
    questionnaire = {q.key: q for q in context.services.onboarding.questionnaire}
    return reasons_text(reasons, questionnaire, _)


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
    if card == Unavailable.LEFT_UNION:
        await say_left_union(update, context)
        return
    if card == Unavailable.SUSPENDED:
        contact = await context.services.matchmaking.union_contact(user.id)
        await say(
            update,
            context,
            _(
                "Your union has suspended your account, so I show you no one and "
                "nobody is shown your profile. To ask about it, contact your union: {contact}, "
                "or send /ask.",
                contact=contact,
            ),
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
        reasons = [
            [(_(label), ReportBecause(target, key))] for key, label in REPORT_REASONS.items()
        ]
        await query.edit_message_reply_markup(buttons(reasons))
        return
    if isinstance(button, Block):
        await query.answer()
        await query.edit_message_reply_markup(None)
        parted = await service.block(user.id, target)
        if parted == Parted.MATCH:
            end_conversations(context.application, user.id)  # no longer relaying to them
            await say(
                update,
                context,
                _(
                    "Blocked. Your conversation has ended: they can no longer write to you or "
                    "exchange contacts with you, and neither of you will see the other again."
                ),
            )
            return
        if parted == Parted.CARD:
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
    """A member sends their contact card to the match they chose to give it to."""
    _ = context.gettext
    contact = update.effective_message.contact
    if contact.user_id != update.effective_user.id:
        await say(update, context, _("Please share your own contact with the button."))
        return
    match_id = scratch(context).pop(GIVING_TO, None)
    shared: bool | Refusal = False
    if match_id is not None:
        me = await context.services.onboarding.member(update.effective_user.id)
        answers = await context.services.onboarding.answers(me.id) if me else {}
        nickname = answers.get("nickname") or contact.first_name
        shared = await context.services.matchmaking.share_contact(
            update.effective_user.id, match_id, contact.phone_number, nickname
        )
    if isinstance(shared, Refusal):
        await say(update, context, refusal_text(context, shared), ReplyKeyboardRemove())
    elif not shared:
        await say(
            update,
            context,
            _("Thank you, but I do not need your number right now."),
            ReplyKeyboardRemove(),
        )
    else:
        await say(update, context, _("Shared. Good luck!"), ReplyKeyboardRemove())


async def share_card(update: Update, context: HuihuiContext) -> None:
    """The member chose to send a match their contact card: Telegram's share button follows,
    and what it sends goes to that match alone."""
    _ = context.gettext
    query = update.callback_query
    match_id = pressed(update, ShareCard).match
    asking = await context.services.matchmaking.asked_by(update.effective_user.id, match_id)
    if isinstance(asking, Refusal):
        await query.answer()
        await say(update, context, refusal_text(context, asking))
        return
    if asking is None:
        await query.answer(_("Nobody is waiting for your contact here now."), show_alert=True)
        return
    await query.answer()
    end_conversations(context.application, update.effective_user.id)
    scratch(context)[GIVING_TO] = match_id
    keyboard = ReplyKeyboardMarkup(
        [[KeyboardButton(_("📱 Send my phone number"), request_contact=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )
    await say(
        update,
        context,
        _(
            "Press the button below to send {nickname} your contact card. It shows your phone "
            "number; only {nickname} gets it.",
            nickname=asking,
        ),
        keyboard,
    )


async def give_wechat(update: Update, context: HuihuiContext) -> str | int:
    """The member gives a match their WeChat id: the one they typed before, or typed now."""
    _ = context.gettext
    query = update.callback_query
    match_id = pressed(update, GiveWechat).match
    user = update.effective_user.id
    await query.answer()
    mine = await context.services.matchmaking.contact(user)
    if mine is not None and mine.wechat:
        return await _given(update, context, match_id, mine.wechat)
    scratch(context)[GIVING_TO] = match_id
    await say(
        update,
        context,
        _(
            "Please type your WeChat id (WeChat → 我 shows it under your name). I keep it and "
            "give it only to matches with whom you both agreed to exchange contacts."
        ),
    )
    return WECHAT


async def typed_wechat(update: Update, context: HuihuiContext) -> str | int:
    found = wechat_id(update.effective_message.text or "")
    if isinstance(found, Invalid):
        await say(update, context, context.gettext(found.reason, **found.values))
        return WECHAT
    return await _given(update, context, scratch(context).pop(GIVING_TO, None), found)


async def _given(update: Update, context: HuihuiContext, match_id: int | None, wechat: str) -> int:
    _ = context.gettext
    given = await context.services.matchmaking.give_wechat(
        update.effective_user.id, match_id, wechat
    )
    if isinstance(given, Refusal):
        await say(update, context, refusal_text(context, given))
    elif given:
        await say(update, context, _("Your WeChat id {wechat} was given ✓", wechat=wechat))
    else:
        await say(
            update,
            context,
            _(
                "Kept: {wechat}. A match gets it once you have both agreed to exchange contacts.",
                wechat=wechat,
            ),
        )
    return ConversationHandler.END


async def stop_typing(update: Update, context: HuihuiContext) -> int:
    scratch(context).pop(GIVING_TO, None)
    await say(update, context, context.gettext("OK, nothing was changed."))
    return ConversationHandler.END


async def matches_command(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    found = await context.services.matchmaking.matches(update.effective_user.id)
    if not found:
        await say(update, context, _("No mutual likes yet. /match to see suggestions."))
        return
    lines, rows = [], []
    for match in found:
        nickname = match.nickname
        if match.exchanged:
            ways = []
            if match.username:
                ways.append(f"https://t.me/{match.username}")
            if match.wechat:
                ways.append(_("WeChat id {wechat}", wechat=match.wechat))
            if not ways:
                ways.append(_("contact shared through 会会"))
            lines.append(
                "• "
                + _(
                    "{nickname}: contacts exchanged ✓ {ways}",
                    nickname=nickname,
                    ways=_("; ").join(ways),
                )
            )
            if not (match.username or match.wechat):
                rows.append(
                    [
                        (
                            _("Ask {nickname} for their contact", nickname=nickname),
                            AskForContact(match.member_id),
                        )
                    ]
                )
        elif match.may_write:
            lines.append("• " + _("{nickname}: talking through 会会", nickname=nickname))
            rows.append([(_("🤝 Exchange contacts"), ExchangeContacts(match.match_id))])
        else:
            lines.append("• " + _("{nickname}: the conversation has ended", nickname=nickname))
        if match.may_write:
            rows.append([(_("✉️ Write to {nickname}", nickname=nickname), RelayTo(match.match_id))])
        rows.append(
            [
                (_("Report {nickname}", nickname=nickname), Report(match.member_id)),
                (_("Block {nickname}", nickname=nickname), Block(match.member_id)),
            ]
        )
    await say(
        update,
        context,
        _("You and they like each other:") + "\n" + "\n".join(lines),
        buttons(rows) if rows else None,
    )


async def exchange(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    query = update.callback_query
    match_id = pressed(update, ExchangeContacts).match
    done = await context.services.matchmaking.exchange(update.effective_user.id, match_id)
    if done is None:
        await query.answer(_("This conversation has ended."), show_alert=True)
        return
    await query.answer()
    if isinstance(done, Refusal):
        await say(update, context, refusal_text(context, done))
    elif done == Exchange.WAITING:
        mine = await context.services.matchmaking.contact(update.effective_user.id)
        if mine is not None and not (mine.username or mine.wechat):
            await say(
                update,
                context,
                _(
                    "Done. Contacts are exchanged once they agree too. You have no Telegram "
                    "username: give your WeChat id now, and they get it then."
                ),
                buttons([[(_("Give my WeChat id"), GiveWechat(match_id))]]),
            )
        else:
            await say(update, context, _("Done. Contacts are exchanged once they agree too."))
    elif done == Exchange.ALREADY:
        await say(update, context, _("You have already agreed; waiting for them."))


async def report_because(update: Update, context: HuihuiContext) -> str | int:
    """File the report; inside a conversation the reporter is told what happens next (it has
    ended), from a card the next card follows. Either way a few words may be added."""
    _ = context.gettext
    query = update.callback_query
    button = pressed(update, ReportBecause)
    user = update.effective_user.id
    await query.answer()
    await query.edit_message_reply_markup(None)
    reported = await context.services.matchmaking.report(user, button.member, button.reason)
    if reported.parted == Parted.ALREADY:  # a second press, often inside a conversation
        await say(
            update,
            context,
            _("You have reported them already; the union's organisers will look into it."),
        )
        return ConversationHandler.END
    if reported.parted == Parted.REFUSED or reported.report_id is None:
        await show_next(update, context)
        return ConversationHandler.END
    end_conversations(context.application, user)  # no longer relaying to them
    scratch(context)[REPORT] = reported.report_id
    scratch(context)[REPORTED_FROM_CARD] = reported.parted == Parted.CARD
    if reported.parted == Parted.MATCH:
        told = _(
            "Thank you for telling us. Your conversation has ended: they can no longer write to "
            "you or exchange contacts with you, and neither of you will see the other again. "
            "The union's organisers will look into it and may contact you."
        )
    else:
        told = _(
            "Thank you. The union's organisers will look into it; "
            "you will not see each other again."
        )
    more = _("If you like, tell me in a few words what happened (optional): just send it here.")
    await say(
        update,
        context,
        told + "\n\n" + more,
        buttons([[(_("Nothing to add"), SkipReportDetail(reported.report_id))]]),
    )
    return DETAIL


async def report_detail(update: Update, context: HuihuiContext) -> str | int:
    _ = context.gettext
    report_id = scratch(context).get(REPORT)
    if report_id is None:
        return ConversationHandler.END
    added = await context.services.matchmaking.add_detail(
        update.effective_user.id, report_id, update.effective_message.text or ""
    )
    if isinstance(added, Invalid):
        await say(update, context, _(added.reason, **added.values))
        return DETAIL
    await say(update, context, _("Added to your report. Thank you."))
    return await _after_report(update, context)


async def skip_detail(update: Update, context: HuihuiContext) -> str | int:
    await update.callback_query.answer()
    await update.callback_query.edit_message_reply_markup(None)
    if scratch(context).get(REPORT) != pressed(update, SkipReportDetail).report:
        return ConversationHandler.END
    await say(update, context, context.gettext("OK."))
    return await _after_report(update, context)


async def _after_report(update: Update, context: HuihuiContext) -> int:
    scratch(context).pop(REPORT, None)
    if scratch(context).pop(REPORTED_FROM_CARD, False):
        await show_next(update, context)
    return ConversationHandler.END


async def report_cancelled(update: Update, context: HuihuiContext) -> int:
    scratch(context).pop(REPORT, None)
    scratch(context).pop(REPORTED_FROM_CARD, None)
    await say(update, context, context.gettext("OK."))
    return ConversationHandler.END


async def say_left_union(update: Update, context: HuihuiContext) -> None:
    """The real reason a member who left the union's roster is shown no one, wherever they
    look: the words they were told when the roster changed."""
    contact = await context.services.matchmaking.union_contact(update.effective_user.id)
    await say(update, context, context.gettext(LEFT_NOTICE, contact=contact))


def register(application: ChatApplication) -> None:
    private = filters.ChatType.PRIVATE
    typed = private & filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND
    add_dialog(
        application,
        "report",
        entry_points=[on_press(report_because, ReportBecause)],
        states={
            DETAIL: [
                MessageHandler(typed, report_detail),
                on_press(skip_detail, SkipReportDetail),
            ]
        },
        cancel=report_cancelled,
    )
    add_dialog(
        application,
        "wechat",
        entry_points=[on_press(give_wechat, GiveWechat)],
        states={WECHAT: [MessageHandler(typed, typed_wechat)]},
        cancel=stop_typing,
    )
    application.add_handler(on_press(skip_detail, SkipReportDetail))
    application.add_handler(on_press(share_card, ShareCard))
    application.add_handler(CommandHandler("match", match_command, filters=private))
    application.add_handler(CommandHandler("matches", matches_command, filters=private))
    application.add_handler(on_press(on_button, Like, Pass, Report, Block, AskForContact))
    application.add_handler(on_press(revisit, RevisitSkipped))
    application.add_handler(on_press(exchange, ExchangeContacts))
    application.add_handler(MessageHandler(private & filters.CONTACT, on_contact))
