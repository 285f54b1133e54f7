"""Every member-facing string in the code has a Chinese translation with the same placeholders."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.common.i18n import translator
from bot.common.wording.profile_card import reasons_text
from bot.domain.matching import Reason
from bot.domain.questions import QUESTIONNAIRE

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def extracted_messages() -> set[str]:
    found: set[str] = set()
    for directory in ("bot", "conversations"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / directory,
            method_map=[("**.py", "python")],
            keywords={"_": None, "N_": None},
        ):
            found.add(message)
    return found


def catalog(locale: str) -> dict[str, str]:
    path = ROOT / "bot" / "common" / "locales" / locale / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as po_file:
        return {m.id: m.string for m in read_po(po_file) if m.id and not m.fuzzy}


def test_the_code_has_member_facing_strings() -> None:
    assert len(extracted_messages()) >= 10


def test_the_extractor_sees_every_marked_string() -> None:
    """Babel's extractor skips a marked string inside another call's arguments
    (``_(table.get(key, N_("…")))``): one such string reached members in English."""
    marked = re.compile(r'\bN?_\(\s*"((?:[^"\\\n]|\\.)*)"\s*[,)]')
    found = extracted_messages()
    unseen = sorted(
        (path.name, text.encode().decode("unicode_escape").encode("latin-1").decode())
        for directory in ("bot", "conversations")
        for path in (ROOT / directory).rglob("*.py")
        for text in marked.findall(path.read_text("utf-8"))
    )
    assert [(name, text) for name, text in unseen if text not in found] == []


def test_every_string_is_translated_to_chinese() -> None:
    zh = catalog("zh_CN")
    missing = sorted(message for message in extracted_messages() if not zh.get(message))
    assert missing == [], f"untranslated (run `make i18n`, then translate): {missing}"


def test_english_catalog_lists_every_string() -> None:
    en = catalog("en")
    missing = sorted(message for message in extracted_messages() if message not in en)
    assert missing == [], f"missing from the en catalog (run `make i18n`): {missing}"


def test_translations_keep_placeholders() -> None:
    for message, translation in catalog("zh_CN").items():
        assert set(PLACEHOLDER.findall(message)) == set(PLACEHOLDER.findall(translation)), message


def test_why_a_card_is_suggested_reads_as_a_sentence_in_either_language() -> None:
    """The English card said "💡 you both like Hiking; you think alike about When to
    marry、Weekends、Pets": a Chinese list comma, and no capital letter."""
    questions = {question.key: question for question in QUESTIONNAIRE}
    reasons = [
        Reason("shared_interests", ("hiking", "photography")),
        Reason("shared_values", ("marriage_timeline", "weekends", "pets")),
    ]
    assert reasons_text(reasons, questions, translator("en")) == (
        "You both like Hiking and Photography; you think alike about When to marry, Weekends "
        "and Pets"
    )
    assert reasons_text(reasons, questions, translator("zh")) == (
        "你们都喜欢徒步和摄影，对结婚打算、周末和宠物的想法一致"
    )


def test_words_taken_out_of_the_code_still_translate_for_notices_written_before() -> None:
    """A rejection written before an upgrade changed its words is worded when it is sent
    (a notice waits while Telegram cannot be reached): its old line came out in English."""
    path = ROOT / "bot" / "common" / "locales" / "zh_CN" / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as po_file:
        obsolete = read_po(po_file).obsolete
    assert "Your details do not match the union's roster." in obsolete  # no longer in the code
    assert (
        translator("zh")("Your details do not match the union's roster.")
        == "你的信息与工会名册不符。"
    )
