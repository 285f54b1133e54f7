"""/announcements, /digest and /colleagues: each shows the member's setting as it stands, with
one button to change it (a command that switched on first use surprised people)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler, filters

from bot.common.i18n import N_
from bot.domain.buttons import ChangeSetting
from bot.services.members.data import Setting
from conversations.common import Markup, buttons, on_press, pressed, rewrite, say
from conversations.context import ChatApplication, HuihuiContext

COMMANDS = [
    ("announcements", N_("Union announcements, on or off")),
    (
        "digest",
        N_("A daily note of the people picked for you and new people who may suit you, on or off"),
    ),
    ("colleagues", N_("Hide from people of your own employer, on or off")),
]
# (state when on, state when off, button to turn on, button to turn off)
WORDS = {
    Setting.ANNOUNCEMENTS: (
        N_("Union announcements: on. You receive your union's announcements."),
        N_("Union announcements: off. Messages about events you signed up for still reach you."),
        N_("Turn announcements on"),
        N_("Turn announcements off"),
    ),
    Setting.DIGEST: (
        N_(
            "Daily digest: on. Every day at {hour}:00 I tell you how many people were picked "
            "for you and how many new people may suit you."
        ),
        N_("Daily digest: off."),
        N_("Turn the digest on"),
        N_("Turn the digest off"),
    ),
    Setting.COLLEAGUES: (
        N_(
            "Hide from colleagues: on. Nobody from your own employer is suggested to you, nor "
            "you to them."
        ),
        N_("Hide from colleagues: off. Colleagues may be suggested."),
        N_("Hide me from colleagues"),
        N_("Stop hiding me from colleagues"),
    ),
}
NOT_YET = {
    Setting.ANNOUNCEMENTS: N_("You have not signed up yet. Send /start first."),
    Setting.DIGEST: N_("You have no profile yet. Send /start to create one."),
    Setting.COLLEAGUES: N_("You have no profile yet. Send /start to create one."),
}


def _shown(which: Setting, on: bool, context: HuihuiContext) -> tuple[str, Markup]:
    _ = context.gettext
    on_text, off_text, turn_on, turn_off = WORDS[which]
    text = _(on_text if on else off_text, hour=context.services.settings.digest_hour)
    label = _(turn_off if on else turn_on)
    return text, buttons([[(label, ChangeSetting(which.value, not on))]])


async def _show(update: Update, context: HuihuiContext, which: Setting) -> None:
    on = await context.services.member_data.setting(update.effective_user.id, which)
    if on is None:
        await say(update, context, context.gettext(NOT_YET[which]))
        return
    text, markup = _shown(which, on, context)
    await say(update, context, text, markup)


async def announcements(update: Update, context: HuihuiContext) -> None:
    await _show(update, context, Setting.ANNOUNCEMENTS)


async def digest(update: Update, context: HuihuiContext) -> None:
    await _show(update, context, Setting.DIGEST)


async def colleagues(update: Update, context: HuihuiContext) -> None:
    await _show(update, context, Setting.COLLEAGUES)


async def change(update: Update, context: HuihuiContext) -> None:
    """The button under a setting: set it as the button says, and show it as it now stands."""
    button = pressed(update, ChangeSetting)
    which = Setting(button.setting)
    on = await context.services.member_data.set_setting(update.effective_user.id, which, button.on)
    query = update.callback_query
    if on is None:
        await query.answer(context.gettext(NOT_YET[which]), show_alert=True)
        return
    await query.answer()
    text, markup = _shown(which, on, context)
    await rewrite(update, context, text, markup)


def register(application: ChatApplication) -> None:
    private = filters.ChatType.PRIVATE
    for command, callback in (
        ("announcements", announcements),
        ("digest", digest),
        ("colleagues", colleagues),
    ):
        application.add_handler(CommandHandler(command, callback, filters=private))
    application.add_handler(on_press(change, ChangeSetting))
