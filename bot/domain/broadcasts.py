"""Where a broadcast and each of its deliveries stand."""

from __future__ import annotations

import enum


class BroadcastStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    SENDING = "sending"
    DONE = "done"
    CANCELLED = "cancelled"


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"
    # Claimed by a sender: being sent now, or in flight when the bot stopped.
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    UNREACHABLE = "unreachable"
    # Sent, but no answer came twice (a timeout after the request left): it may have arrived.
    UNCERTAIN = "uncertain"
    CANCELLED = "cancelled"
