"""What staff are told of taking, answering or closing a thread of the inbox, in the chat and
the desk alike (by ``bot.services.inbox.Outcome``)."""

from __future__ import annotations

from bot.common.i18n import N_

ANSWERED = {
    "done": N_("Sent."),
    "closed": N_("This conversation has ended."),
    "not_allowed": N_("Only the staff of this member's union can answer."),
    "taken": N_("A colleague is answering this question already."),
}
# An answer written while a colleague took the thread: it was not sent, and is given back.
NOT_SENT = N_("A colleague is answering this question already: what you wrote was not sent.")
