"""/help: what 会会 can do — for a member, and for each role the person holds in a union."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler, filters

from bot.common.i18n import N_
from bot.domain.units import Role
from conversations import console, inbox, proposals
from conversations.context import ChatApplication, HuihuiContext

COMMANDS = [("help", N_("What I can do"))]
# Beside the organisers' commands (the application's), what the helpers of a union use.
HELPER_SECTIONS = (
    (
        Role.MATCHMAKER,
        N_("For matchmakers:"),
        [*proposals.MATCHMAKER_COMMANDS, *inbox.STAFF_COMMANDS, *console.MATCHMAKER_COMMANDS],
    ),
    (
        Role.COUNSELLOR,
        N_("For counsellors:"),
        [*inbox.STAFF_COMMANDS, *console.COUNSELLOR_COMMANDS],
    ),
)


async def help_command(update: Update, context: HuihuiContext) -> None:
    await update.effective_message.reply_text(await help_text(update, context))


async def help_text(update: Update, context: HuihuiContext) -> str:
    """What the person can do: a member's commands, then those of each role they hold."""
    _ = context.gettext
    app = context.chat_application

    def listed(commands: list[tuple[str, str]]) -> str:
        return "\n".join(f"/{command} — {_(description)}" for command, description in commands)

    text = _("Here is what I can do:") + "\n" + listed(app.commands)
    roles = await context.services.administration.roles_of(update.effective_user.id)
    if Role.ORGANISER in roles:
        text += "\n\n" + _("For organisers:") + "\n" + listed(app.organiser_commands)
    for role, heading, commands in HELPER_SECTIONS:
        if role in roles:
            text += "\n\n" + _(heading) + "\n" + listed(commands)
    return text


def register(application: ChatApplication) -> None:
    private = filters.ChatType.PRIVATE
    application.add_handler(CommandHandler("help", help_command, filters=private))
