"""Step 4: the profile questions, one at a time, with buttons wherever there is a choice."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardMarkup, Update

from bot.common.i18n import SUPPORTED_LANGUAGES, translator
from bot.common.wording.profile_card import option_text
from bot.domain.buttons import (
    AnswerOption,
    DoneChoosing,
    Importance,
    NotImportant,
    PreviousQuestion,
    SkipQuestion,
    ToggleAny,
    ToggleOption,
    UseShortened,
)
from bot.domain.free_text import TOO_LONG
from bot.domain.photos import SHOWS_A_CODE
from bot.domain.questions import (
    ANY,
    Invalid,
    Kind,
    Option,
    Question,
    Section,
    check_choice,
    importance,
    parse_text,
)
from conversations.common import buttons, in_rows, say, scratch
from conversations.context import HuihuiContext
from conversations.photos import NOT_READ, picture_shows_a_code


def current_year(context: HuihuiContext) -> int:
    return context.services.clock.now().astimezone(context.services.settings.tz).year


def _selection(context: HuihuiContext, question: Question) -> list[str]:
    return list(scratch(context).get("selection", {}).get(question.key, []))


def _set_selection(context: HuihuiContext, question: Question, keys: list[str]) -> None:
    scratch(context)["selection"] = {question.key: keys}


def keyboard(context: HuihuiContext, question: Question) -> InlineKeyboardMarkup | None:
    """The question's buttons; options are named by their position, never their label."""
    _ = context.gettext
    rows: list[list[tuple[str, Any]]] = []
    labels = [option_text(question, o.key, _) for o in question.options]
    if question.kind == Kind.SINGLE:
        per_row = 2 if len(labels) <= 4 else 3
        rows = in_rows(
            [(label, AnswerOption(question.key, i)) for i, label in enumerate(labels)], per_row
        )
    elif question.kind == Kind.MULTI:
        chosen = _selection(context, question)
        marked = [
            (_ticked(option.key in chosen, label), ToggleOption(question.key, i))
            for i, (option, label) in enumerate(zip(question.options, labels, strict=True))
        ]
        rows = in_rows(marked, 3)
        last: list[tuple[str, Any]] = [(_("Done ✔"), DoneChoosing(question.key))]
        if question.section == Section.LOOKING_FOR:
            last.insert(0, (_ticked(ANY in chosen, _("Any")), ToggleAny(question.key)))
        rows.append(last)
    elif question.kind == Kind.PHOTOS:
        rows.append([(_("Done ✔"), DoneChoosing(question.key))])
    if question.optional and question.kind != Kind.PHOTOS:
        rows.append([(_("Skip"), SkipQuestion(question.key))])
    rows += _back(context, question)
    return buttons(rows) if rows else None


def may_go_back(context: HuihuiContext) -> bool:
    """Going back is part of answering the questions in turn; a single answer chosen with /edit
    is changed on its own."""
    return "editing" not in scratch(context) or bool(scratch(context).get("back"))


def _back(context: HuihuiContext, question: Question) -> list[list[tuple[str, Any]]]:
    """The row with "back to the previous question", on every question but the first."""
    first = context.services.onboarding.questionnaire[0].key
    if question.key == first or not may_go_back(context):
        return []
    return [[(context.gettext("↩️ Previous question"), PreviousQuestion(question.key))]]


def _ticked(chosen: bool, label: str) -> str:
    return ("✅ " if chosen else "") + label


async def ask(update: Update, context: HuihuiContext, question: Question) -> None:
    _ = context.gettext
    questionnaire = context.services.onboarding.questionnaire
    number = [q.key for q in questionnaire].index(question.key) + 1
    prompt = _(question.prompt, maximum=question.maximum, minimum=question.minimum)
    if question.optional:
        prompt += "\n" + _("(optional)")
    header = _("Question {number} of {total}", number=number, total=len(questionnaire))
    await say(update, context, f"{header}\n{prompt}", keyboard(context, question))


def _labels_in_every_language(option: Option) -> list[str]:
    """Typing an option's label works in any language, not only the member's."""
    return [option.text(translator(language), language) for language in SUPPORTED_LANGUAGES]


async def on_text(update: Update, context: HuihuiContext, question: Question) -> Any | None:
    """The typed answer, or None after telling the member why it was not accepted."""
    _ = context.gettext
    if question.kind == Kind.PHOTOS:
        await say(
            update, context, _("Please send a photo, or press Done."), keyboard(context, question)
        )
        return None
    typed = update.effective_message.text
    result = parsed(context, question, typed)
    if (
        isinstance(result, Invalid)
        and result.reason == TOO_LONG
        and question.kind == Kind.LONG_TEXT
    ):
        await _offer_shortened(update, context, question, typed, result)
        return None
    if question.kind == Kind.MULTI and not isinstance(result, Invalid) and result != [ANY]:
        # Buttons pressed before typing count too: [电影] [烹饪] then "追剧，撸猫" is all four.
        result = check_choice(
            question, list(dict.fromkeys([*_selection(context, question), *result]))
        )
    if isinstance(result, Invalid):
        await invalid(update, context, question, result)
        return None
    return result


def parsed(context: HuihuiContext, question: Question, text: str) -> Any | Invalid:
    """The typed text as an answer to ``question``, or why it is not one."""
    return parse_text(
        question, text, current_year=current_year(context), option_texts=_labels_in_every_language
    )


async def _offer_shortened(
    update: Update, context: HuihuiContext, question: Question, typed: str, problem: Invalid
) -> None:
    """An answer too long is kept (in the conversation's data, which survives a restart), and
    its first part offered, so nothing has to be typed again."""
    _ = context.gettext
    maximum = question.maximum or 0
    scratch(context)["too_long"] = {"question": question.key, "text": typed}
    rows: list[list[tuple[str, Any]]] = [
        [(_("Use the first {maximum} characters", maximum=maximum), UseShortened(question.key))]
    ]
    if question.optional:
        rows.append([(_("Skip"), SkipQuestion(question.key))])
    shortened = _shortened(typed, maximum)
    text = _(
        "That is {length} characters; at most {maximum}, please. I have kept what you wrote: "
        "send a shorter version, or keep its first {maximum} characters:",
        **problem.values,
    )
    await say(update, context, f"{text}\n\n{shortened}", buttons(rows))


def _shortened(text: str, maximum: int) -> str:
    return text.strip()[:maximum].rstrip()


def shortened_answer(context: HuihuiContext, question: Question) -> Any | Invalid | None:
    """The first part of the answer kept as too long, checked like a typed one (None if no
    answer to this question was kept)."""
    kept = scratch(context).get("too_long")
    if not kept or kept.get("question") != question.key:
        return None
    return parsed(context, question, _shortened(kept["text"], question.maximum or 0))


async def invalid(
    update: Update, context: HuihuiContext, question: Question, problem: Invalid
) -> None:
    _ = context.gettext
    await say(update, context, _(problem.reason, **problem.values), keyboard(context, question))


async def on_photo(update: Update, context: HuihuiContext, question: Question) -> list[str] | None:
    """Collects photos; the finished list once the maximum is reached, else None."""
    _ = context.gettext
    photo = update.effective_message.photo[-1]
    shows = await picture_shows_a_code(context, photo)
    if shows is None or shows:
        why = NOT_READ if shows is None else SHOWS_A_CODE.reason
        await say(update, context, _(why), keyboard(context, question))
        return None
    photos = _selection(context, question)
    photos.append(photo.file_id)
    _set_selection(context, question, photos)
    if len(photos) >= (question.maximum or 1):
        return photos
    await say(
        update,
        context,
        _(
            "Got it ({count} of {maximum}). Send another, or press Done.",
            count=len(photos),
            maximum=question.maximum,
        ),
        keyboard(context, question),
    )
    return None


async def on_toggle(update: Update, context: HuihuiContext, question: Question, key: str) -> None:
    """Tick or untick an option (``ANY``: "any", which clears the others)."""
    if key == ANY:
        chosen = [] if ANY in _selection(context, question) else [ANY]
    else:
        chosen = [k for k in _selection(context, question) if k != ANY]
        chosen = [k for k in chosen if k != key] if key in chosen else [*chosen, key]
    _set_selection(context, question, chosen)
    await update.callback_query.edit_message_reply_markup(keyboard(context, question))


def on_done(context: HuihuiContext, question: Question) -> list[str] | Invalid:
    chosen = _selection(context, question)
    if question.kind == Kind.PHOTOS:
        return chosen
    return check_choice(question, chosen)


def clear(context: HuihuiContext) -> None:
    for kept in ("selection", "pending", "too_long"):
        scratch(context).pop(kept, None)


async def ask_importance(
    update: Update, context: HuihuiContext, question: Question, value: Any
) -> None:
    """How much the answer matters, with a button per level the domain allows the question."""
    _ = context.gettext
    scratch(context)["pending"] = {"question": question.key, "value": value}
    allowed = importance.levels(question)
    choices = [(_(importance.LABELS[level]), level_button(question, level)) for level in allowed]
    if importance.NOT_IMPORTANT in allowed:
        prompt = _("Is this a must for you, nice to have, or not important?")
    else:
        prompt = _("Is this a must for you, or nice to have?")
    await say(update, context, prompt, buttons([choices]))


def level_button(question: Question, level: str) -> Importance | NotImportant:
    if level == importance.NOT_IMPORTANT:
        return NotImportant(question.key)
    return Importance(question.key, must=level == importance.MUST)


def level_of_button(pressed: Importance | NotImportant) -> str:
    if isinstance(pressed, NotImportant):
        return importance.NOT_IMPORTANT
    return importance.MUST if pressed.must else importance.PREFER


def pending_value(context: HuihuiContext, question: Question) -> Any | None:
    pending = scratch(context).get("pending")
    return pending["value"] if pending and pending.get("question") == question.key else None
