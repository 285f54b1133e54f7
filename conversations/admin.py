"""Organisers' commands: /grant, /revoke, /review, /reports, /audit. Each checks the sender's
authority on the server, every time (bot.services.administration)."""

from __future__ import annotations

import asyncio
import csv
import io
import logging
from collections.abc import Callable
from datetime import timedelta

from telegram import Update
from telegram.constants import MessageLimit
from telegram.ext import CommandHandler, filters

from bot.common.fonts import cjk_font
from bot.common.i18n import N_, Translator, translator
from bot.common.wording.moderation import (
    FLAG_ACTIONS,
    FLAGGED_IN,
    REPORT_REASONS,
    flagged_text,
    identity_text,
    moderation_text,
)
from bot.common.wording.profile_card import option_text, render_card
from bot.common.wording.roles import ROLE_NAMES
from bot.common.wording.statistics import ACTIVITY_FIGURES, MEMBER_FIGURES
from bot.common.wording.verification import comparison
from bot.common.workbooks import Sheet, csv_field, titled_workbook
from bot.common.workers import in_worker
from bot.domain import free_text
from bot.domain.buttons import (
    ApprovePhoto,
    ApproveVerification,
    Moderate,
    RejectPhoto,
    RejectVerification,
)
from bot.domain.buttons.moderation import ShowIdentity
from bot.domain.free_text import MAX_TELEGRAM_ID, parse_id, shortened
from bot.domain.units import Role
from bot.services.administration import Decision, Identity
from bot.services.matching import follow_ups
from bot.services.statistics import ScopeStats, ThreadFigures
from conversations.charts import stats_chart
from conversations.common import buttons, on_press, pressed, say
from conversations.context import ChatApplication, HuihuiContext

_LOGGER = logging.getLogger(__name__)
# Shown under /help to organisers only.
ORGANISER_COMMANDS = [
    ("review", N_("Verifications waiting for review")),
    ("reports", N_("Reported profiles")),
    ("stats", N_("Statistics of your unions")),
    ("export_stats", N_("Statistics as CSV (add xlsx for Excel)")),
    ("grant", N_("Give someone a role in a union below yours")),
    ("revoke", N_("Take a role back")),
    ("audit", N_("Latest organiser actions (superadmins)")),
]
ROLES = {
    "organiser": Role.ORGANISER,
    "matchmaker": Role.MATCHMAKER,
    "counsellor": Role.COUNSELLOR,
    "管理员": Role.ORGANISER,
    "红娘": Role.MATCHMAKER,
    "辅导员": Role.COUNSELLOR,
}


async def refuse(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    await say(update, context, _("This command is for the union's organisers."))


async def set_role(update: Update, context: HuihuiContext, *, grant: bool) -> None:
    """/grant or /revoke WHO UNIT ROLE: WHO a member number or phone on the rosters of the
    organiser's unions (never a Telegram id, which nobody knows)."""
    _ = context.gettext
    services, actor = context.services, update.effective_user.id
    if not await services.administration.can_administer(actor):
        await refuse(update, context)
        return
    parts = (update.effective_message.text or "").split(maxsplit=3)[1:]
    unit_name = free_text.clean(parts[1], single_line=True) if len(parts) > 1 else ""
    if (
        len(parts) != 3
        or parts[2] not in ROLES
        or not 0 < len(unit_name) <= free_text.UNIT_NAME.maximum
    ):
        command = "/grant" if grant else "/revoke"
        await say(
            update,
            context,
            _(
                "Usage: {command} MEMBER_NUMBER_OR_PHONE UNIT_NAME "
                "organiser|matchmaker|counsellor (also 管理员|红娘|辅导员)",
                command=command,
            ),
        )
        return
    found = await services.people.find(actor, parts[0], limit=2) or []
    if len(found) > 1:
        await say(update, context, _("Several members match; please give a member number."))
        return
    # Taking a role back also works by the Telegram id it was given to (a units file names
    # staff by id, and they need not be on a roster); giving one never does.
    holder = None if grant or found else parse_id(parts[0], MAX_TELEGRAM_ID)
    if not found and holder is None:
        await say(
            update,
            context,
            _("Nobody with that member number or phone has joined 会会 in your unions."),
        )
        return
    target, who = (
        (found[0].telegram_id, f"{found[0].real_name}（{found[0].employer}）")
        if found
        else (holder, parts[0])
    )
    role = ROLES[parts[2]]
    result = await services.administration.set_role(actor, target, unit_name, role, grant=grant)
    about = {"target": who, "role": _(ROLE_NAMES[role]), "unit": unit_name}
    done = (
        _("Done: {target} is now {role} of {unit}.", **about)
        if grant
        else _("Done: {target} is no longer {role} of {unit}.", **about)
    )
    await say(
        update,
        context,
        {
            Decision.DONE: done,
            Decision.UNCHANGED: _("Nothing to change."),
            Decision.UNKNOWN: _("There is no unit named {unit}.", unit=unit_name),
            Decision.NOT_ALLOWED: _(
                "You may appoint matchmakers and counsellors in your own unions, and organisers "
                "only in the unions below them."
            ),
        }[result],
    )


async def grant(update: Update, context: HuihuiContext) -> None:
    await set_role(update, context, grant=True)


async def revoke(update: Update, context: HuihuiContext) -> None:
    await set_role(update, context, grant=False)


async def review(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    cases = await context.services.administration.pending_verifications(update.effective_user.id)
    if cases is None:
        await refuse(update, context)
        return
    photos = await context.services.photo_reviews.pending(update.effective_user.id) or []
    if not cases and not photos:
        await say(update, context, _("No verifications are waiting in your unions."))
        return
    for photo in photos:
        await context.bot.send_photo(
            update.effective_chat.id,
            photo.file_id,
            caption=_("A new photo of {nickname}: may others see it?", nickname=photo.nickname),
            reply_markup=buttons(
                [
                    [
                        (_("Approve"), ApprovePhoto(photo.review_id)),
                        (_("Reject"), RejectPhoto(photo.review_id)),
                    ]
                ]
            ),
        )
    for case in cases:
        attempt, text = case.attempt, comparison(_, case.attempt, case.entry)
        await say(
            update,
            context,
            text,
            buttons(
                [
                    [
                        (_("Approve"), ApproveVerification(attempt.id)),
                        (_("Reject"), RejectVerification(attempt.id)),
                    ]
                ]
            ),
        )


async def reports(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    cases = await context.services.administration.open_reports(update.effective_user.id)
    if cases is None:
        await refuse(update, context)
        return
    power = await context.services.administration.judging(update.effective_user.id)
    screened = await context.services.screening.flagged(power.scope, power.recused) if power else []
    if not cases and not screened:
        await say(update, context, _("No open reports in your unions."))
        return
    year = context.services.clock.now().astimezone(context.services.settings.tz).year
    questionnaire = context.services.onboarding.questionnaire
    for case in cases:
        card = render_card(case.answers, questionnaire, _, year)
        counted = ", ".join(
            f"{_(REPORT_REASONS[r]) if r in REPORT_REASONS else r} × {n}"
            for r, n in case.reasons.most_common()
        )
        text = card + "\n\n" + _("Reports: {reasons}", reasons=counted)
        rows = [
            [
                (_("Dismiss"), Moderate("dismiss", case.member_id)),
                (_("Warn"), Moderate("warn", case.member_id)),
            ],
            [
                (_("Lift suspension"), Moderate("lift", case.member_id))
                if case.suspended
                else (_("Suspend"), Moderate("suspend", case.member_id)),
                (_("Who is this? (audited)"), ShowIdentity(case.member_id)),
            ],
        ]
        await say(update, context, text, buttons(rows))
    # Questions to the union are never screened: a member asking about a scam is no suspect.
    # Hits recorded from them before that are left out.
    for hit in (hit for hit in screened if hit.source in FLAGGED_IN):
        text = flagged_text(hit, _, context.services.settings)
        rows = [
            [
                (_(FLAG_ACTIONS["dismiss"]), Moderate("dismiss", hit.member_id)),
                (_("Warn"), Moderate("warn", hit.member_id)),
                (_("Suspend"), Moderate("suspend", hit.member_id)),
            ]
        ]
        await say(update, context, shortened(text, MessageLimit.MAX_TEXT_LENGTH), buttons(rows))


async def moderate(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    query = update.callback_query
    button = pressed(update, Moderate)
    result = await context.services.administration.moderate(
        update.effective_user.id, button.member, button.action
    )
    if result.decision in (Decision.NOT_ALLOWED, Decision.UNKNOWN):
        await query.answer(_("Only organisers of this member's union can decide."), show_alert=True)
        return
    await query.answer()
    await query.edit_message_reply_markup(None)
    unchanged = result.decision == Decision.UNCHANGED
    await say(update, context, moderation_text(button.action, result, unchanged, _))


async def show_identity(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    query = update.callback_query
    found = await context.services.administration.identity(
        update.effective_user.id, pressed(update, ShowIdentity).member
    )
    if not isinstance(found, Identity):
        await query.answer(
            _("Only organisers of this member's union can see who a reported member is."),
            show_alert=True,
        )
        return
    await query.answer()
    await say(update, context, identity_text(found, _))


async def audit(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    administration = context.services.administration
    entries = await administration.audit_log(update.effective_user.id)
    if entries is None:
        await say(update, context, _("This command is for superadmins."))
        return
    if not entries:
        await say(update, context, _("The audit log is empty."))
        return
    tz = context.services.settings.tz
    lines = [
        f"{e.created_at.astimezone(tz):%Y-%m-%d %H:%M} · {e.actor_telegram_id or '—'} · "
        f"{e.action} · {await administration.unit_name(e.unit_id)} · {e.detail}"
        for e in entries
    ]
    await say(update, context, _("Latest organiser actions:") + "\n" + "\n".join(lines))


DISTRIBUTIONS = ("gender", "age_band", "education", "industry", "district", "employers")
AGE_BAND_LABELS = {
    "<25": N_("Under 25"),
    "25–29": N_("25–29"),
    "30–34": N_("30–34"),
    "35–39": N_("35–39"),
    "40+": N_("40 and over"),
}


def _labeller(context: HuihuiContext, translate: Translator) -> Callable[[str, str | None], str]:
    """Words for statistics in a language: a section's title, or an item of a section (the same
    key can be both: "education" is a section and an industry)."""
    questions = {q.key: q for q in context.services.onboarding.questionnaire}
    sections = {
        "gender": N_("Gender"),
        "age_band": N_("Age"),
        "education": N_("Highest education"),
        "industry": N_("Industry"),
        "district": N_("District"),
        "employers": N_("Top employers"),
        "events": N_("Events: signed up → came → pairs"),
    }

    def label(section: str, key: str | None = None) -> str:
        if key is None:
            return translate(sections[section])
        if section == "age_band":
            return translate(AGE_BAND_LABELS.get(key, key))
        question = questions.get(section)
        if question is not None and question.option(key) is not None:
            return option_text(question, key, translate)
        return key

    return label


async def stats(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    figures = await context.services.statistics.for_actor(update.effective_user.id)
    if figures is None:
        await refuse(update, context)
        return
    label = _labeller(context, _)
    lines = [
        _(
            "Registered: {registered} · verified: {verified} · profile complete: {complete}",
            registered=figures.registered,
            verified=figures.verified,
            complete=figures.complete,
        ),
        _(
            "Active in 7 days: {week} · in 30 days: {month} · paused: {paused}",
            week=figures.active_7_days,
            month=figures.active_30_days,
            paused=figures.paused,
        ),
        _(
            "Likes: {likes} · mutual matches: {matches} · "
            "accepted matchmaker proposals: {proposals}",
            likes=figures.likes,
            matches=figures.mutual_matches,
            proposals=figures.accepted_proposals,
        ),
    ]
    for section in DISTRIBUTIONS:
        if ordered := figures.ordered(section):
            items = _(", ").join(f"{label(section, k)} {v}" for k, v in ordered[:8])
            lines.append(_("{section}: {items}", section=label(section), items=items))
    lines += _event_lines(figures, _)
    lines += [_thread_line(unit, _) for unit in figures.threads]
    await say(update, context, _("Statistics of your unions") + "\n" + "\n".join(lines))
    # Without a Chinese font the chart is labelled in English, so it still renders.
    has_cjk_font = await in_worker(cjk_font) is not None  # loading it the first time takes a while
    chart_ = _ if has_cjk_font or _.language == "en" else translator("en")
    chart_label = _labeller(context, chart_)
    funnel = [
        (chart_("Registered"), figures.registered),
        (chart_("Verified"), figures.verified),
        (chart_("Profile complete"), figures.complete),
        (chart_("Active in 30 days"), figures.active_30_days),
    ]
    panels = [
        (chart_label(key), [(chart_label(key, k), n) for k, n in figures.ordered(key)])
        for key in ("gender", "age_band", "education", "district", "industry")
    ]
    if figures.events:
        # Sign-ups per event, the funnel in its label. Organisers' titles may be Chinese:
        # without a CJK font the events are numbered instead.
        panels.append(
            (
                chart_label("events"),
                [
                    (
                        f"{e.title if has_cjk_font else f'#{n}'} ({e.registered}→{e.checked_in}"
                        f"{'' if e.pairs is None else f'→{e.pairs}'})",
                        e.registered,
                    )
                    for n, e in enumerate(figures.events, start=1)
                ],
            )
        )
    unions = await context.services.administration.import_targets(update.effective_user.id)
    today = context.services.clock.now().astimezone(context.services.settings.tz)
    heading = chart_(
        N_("{unions} · as of {date}"),
        unions="、".join(name for _id, name in unions),
        date=f"{today:%Y-%m-%d}",
    )
    image = await in_worker(stats_chart, heading, chart_(N_("Members overview")), funnel, panels)
    await context.bot.send_photo(
        update.effective_chat.id, image, caption=_("Statistics of your unions")
    )


def _thread_line(figures: ThreadFigures, _: Translator) -> str:
    wait = figures.median_first_answer
    return _(
        "Questions to {unit}: {opened} asked, {answered} answered, median first answer {wait}",
        unit=figures.unit,
        opened=figures.opened,
        answered=figures.answered,
        wait=_duration(wait, _) if wait is not None else "—",
    )


def _duration(wait: timedelta, _: Translator) -> str:
    hours, minutes = divmod(int(wait.total_seconds()) // 60, 60)
    return (
        _("{hours} h {minutes} min", hours=hours, minutes=minutes)
        if hours
        else _("{minutes} min", minutes=minutes)
    )


def _event_lines(figures: ScopeStats, _: Translator) -> list[str]:
    """Relationship outcomes members told us, and each recent event's funnel."""
    lines = []
    if figures.outcomes:
        items = "，".join(
            f"{_(follow_ups.OUTCOMES[k])} {n}" for k, n in figures.outcomes.most_common()
        )
        lines.append(_("How matches went (members' answers): {items}", items=items))
    for event in figures.events:
        line = _(
            "“{title}”: {registered} signed up, {waitlisted} waiting, {checked_in} came",
            title=event.title,
            registered=event.registered,
            waitlisted=event.waitlisted,
            checked_in=event.checked_in,
        )
        if event.pairs is not None:
            line += _(
                ", {pairs} pair(s), pairing rate {rate}",
                pairs=event.pairs,
                rate=f"{event.pairing_rate:.0%}",
            )
        lines.append(line)
    return lines


def _export_parts(
    figures: ScopeStats, context: HuihuiContext
) -> tuple[list[str], list[tuple[str, list[list[object]]]]]:
    """The statistics in the reader's language: the header, then the rows of each part (a
    sheet of the workbook; one after another in the CSV) — sections and items in words, not
    codes, distributions in the order /stats shows them."""
    _ = context.gettext
    label = _labeller(context, _)
    header = [_("Section"), _("Item"), _("Count")]
    members = _("Members")
    people: list[list[object]] = [
        [members, _(title), getattr(figures, key)] for key, title in MEMBER_FIGURES
    ]
    for section in DISTRIBUTIONS:
        people += [[label(section), label(section, k), n] for k, n in figures.ordered(section)]
    activity = _("Activity")
    doings: list[list[object]] = [
        [activity, _(title), getattr(figures, key)] for key, title in ACTIVITY_FIGURES
    ]
    outcomes = _("How matches went (members' answers)")
    doings += [[outcomes, _(follow_ups.OUTCOMES[k]), n] for k, n in figures.outcomes.most_common()]
    happenings: list[list[object]] = []
    for event in figures.events:
        section = _("Event: {title}", title=event.title)
        happenings += [
            [section, _("Signed up"), event.registered],
            [section, _("On the waitlist"), event.waitlisted],
            [section, _("Came"), event.checked_in],
        ]
        if event.pairs is not None:
            happenings.append([section, _("Pairs"), event.pairs])
    questions: list[list[object]] = []
    for unit in figures.threads:
        section = _("Questions to {unit}", unit=unit.unit)
        wait = unit.median_first_answer
        questions += [
            [section, _("Asked"), unit.opened],
            [section, _("Answered"), unit.answered],
            [
                section,
                _("Median first answer (minutes)"),
                round(wait.total_seconds() / 60) if wait else None,
            ],
        ]
    parts = [
        (_("Members"), people),
        (_("Activity"), doings),
        (_("Events"), happenings),
        (_("Questions"), questions),
    ]
    return header, parts


def _csv(header: list[str], parts: list[tuple[str, list[list[object]]]]) -> bytes:
    text = io.StringIO()
    lines = [header, *(row for _name, rows in parts for row in rows)]
    csv.writer(text).writerows([csv_field(value) for value in line] for line in lines)
    return text.getvalue().encode("utf-8-sig")  # with a BOM, Excel reads it as UTF-8


async def export_stats(update: Update, context: HuihuiContext) -> None:
    _ = context.gettext
    services = context.services
    figures = await services.statistics.for_actor(update.effective_user.id)
    if figures is None:
        await refuse(update, context)
        return
    header, parts = _export_parts(figures, context)
    wants_excel = "xlsx" in (update.effective_message.text or "").lower()
    # Writing a workbook takes long enough to keep other members waiting: off the loop.
    if wants_excel:
        unions = "、".join(
            name
            for _id, name in await services.administration.import_targets(update.effective_user.id)
        )
        now = services.clock.now().astimezone(services.settings.tz)
        title = _("会会 statistics: {unions}", unions=unions)
        about = [
            _("Scope: {unions} and the unions below them", unions=unions),
            _("Figures as of {moment}", moment=f"{now:%Y-%m-%d %H:%M}"),
        ]
        sheets = [Sheet(name, header, rows) for name, rows in parts]
        data = await asyncio.to_thread(titled_workbook, title, about, sheets)
        name = f"huihui-stats-{now:%Y%m%d}.xlsx"
    else:
        data, name = await asyncio.to_thread(_csv, header, parts), "huihui-stats.csv"
    await context.bot.send_document(
        update.effective_chat.id,
        io.BytesIO(data),
        filename=name,
        caption=_("Statistics of your unions"),
    )


def register(application: ChatApplication) -> None:
    private = filters.ChatType.PRIVATE
    for command, callback in (
        ("grant", grant),
        ("revoke", revoke),
        ("review", review),
        ("reports", reports),
        ("audit", audit),
        ("stats", stats),
        ("export_stats", export_stats),
    ):
        application.add_handler(CommandHandler(command, callback, filters=private))
    application.add_handler(on_press(moderate, Moderate))
    application.add_handler(on_press(show_identity, ShowIdentity))
