"""/export_me: everything 会会 stores about a member, as one JSON document in their language.

Values are written as the member would read them (option labels, not internal codes) and times
in the deployment's time zone. What others did about the member is included as far as it does
not expose them: likes, skips, reports and blocks received are counted, never attributed.

``EXPORTED_TABLES`` names every table that holds something tied to a member and where it goes;
a test fails when a table referring to members is missing from it.
"""

from __future__ import annotations

from typing import Any

from bot.services.members.export.exporter import Exporter
from bot.services.members.export.identity import (
    account,
    feedback,
    match_profile,
    photo_reviews,
    profile,
    questions,
    roles,
    roster_entry,
    scratch,
    screen_hits,
    verification_attempts,
)
from bot.services.members.export.matching import (
    blocks,
    card_views,
    contact_requests,
    decisions,
    decisions_received,
    follow_ups,
    matches,
    planned_cards,
    proposals,
    relayed,
    reports,
    suggestion_reviews,
    wechat_id,
)
from bot.services.members.export.messages import (
    audit,
    broadcasts,
    choices,
    deliveries,
    events,
    notices_received,
    registrations,
    waiting,
)

# Every table that holds data tied to a member → the section of the export it appears in.
EXPORTED_TABLES = {
    "members": "account",
    "roster_entries": "roster_entry",
    "verification_attempts": "verification_attempts",
    "profile_answers": "profile",
    "match_profiles": "match_profile",
    "match_decisions": "likes_and_skips",
    "matches": "matches",
    "blocks": "blocks",
    "reports": "reports",
    "card_views": "card_views",
    "proposals": "proposals",
    "suggestion_reviews": "suggestion_reviews",
    "registrations": "event_registrations",
    "event_choices": "mutual_choices",
    "follow_ups": "answers_after_matches",
    "contact_requests": "contact_requests",
    "wechat_ids": "wechat_id",
    "planned_cards": "cards_planned",
    "digest_announced": "cards_planned",
    "broadcast_deliveries": "announcements_received",
    "scheduled_tasks": "messages_waiting, notices_sent_to_you",
    "feedback": "feedback",
    "relay_messages": "relayed_conversations",
    "photo_reviews": "photo_reviews",
    "screen_hits": "flagged_for_moderators",
    "threads": "questions_to_your_union",
    "thread_messages": "questions_to_your_union",
    "unit_roles": "roles",
    "audit_log": "organiser_actions_about_you",
    "user_data": "unfinished_answers",
    # Kept only while a dialog is open, and holds no data of its own: the step of a dialog.
    "conversation_states": "",
    # The member's own events as an organiser and the broadcasts they wrote.
    "events": "events_organised",
    "broadcasts": "broadcasts_written",
}


async def document(x: Exporter) -> dict[str, Any]:
    _ = x.translate
    return {
        _("account"): await account(x),
        _("roster entry"): await roster_entry(x),
        _("verification attempts"): await verification_attempts(x),
        _("profile"): await profile(x),
        _("what matching knows of you"): await match_profile(x),
        _("likes and skips"): await decisions(x),
        _("likes and skips of your card"): await decisions_received(x),
        _("matches"): await matches(x),
        _("blocks"): await blocks(x),
        _("reports"): await reports(x),
        _("cards shown"): await card_views(x),
        _("matchmakers' proposals"): await proposals(x),
        _("suggestions a matchmaker reviewed"): await suggestion_reviews(x),
        _("event registrations"): await registrations(x),
        _("mutual choices"): await choices(x),
        _("answers after matches"): await follow_ups(x),
        _("contact requests"): await contact_requests(x),
        _("WeChat id for exchanges"): await wechat_id(x),
        _("cards planned for today"): await planned_cards(x),
        _("announcements received"): await deliveries(x),
        _("messages waiting to be sent"): await waiting(x),
        _("notices sent to you"): await notices_received(x),
        _("notes to the union"): await feedback(x),
        _("questions to your union"): await questions(x),
        _("relayed conversations"): await relayed(x),
        _("photo reviews"): await photo_reviews(x),
        _("what the safety screen flagged for moderators"): await screen_hits(x),
        _("roles"): await roles(x),
        _("organiser actions about you"): await audit(x),
        _("events you organised"): await events(x),
        _("broadcasts you wrote"): await broadcasts(x),
        _("unfinished answers"): await scratch(x),
    }
