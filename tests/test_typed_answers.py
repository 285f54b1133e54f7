"""Answers as people write them: heights in metres or Chinese numerals, districts without 区,
everyday words for the options, and Chinese dates and times (issue 13)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.common.i18n import translator
from bot.common.wording.profile_card import answer_text
from bot.domain.free_text import Invalid
from bot.domain.numbers import parse_height_cm, parse_range, parse_year
from bot.domain.onboarding import correction
from bot.domain.questions import QUESTIONNAIRE, Option, parse_text
from bot.domain.send_time import read_send_time
from bot.domain.when import parse_when
from bot.tools.sandbox import Sandbox
from storage.models import ProfileAnswer
from tests.helpers import (
    ZH_ANSWERS,
    answer,
    answer_questions,
    answer_until,
    pledged,
    seed_union,
    verify,
)

TZ = ZoneInfo("Asia/Shanghai")
FRIDAY_10AM = datetime(2026, 11, 27, 10, 0, tzinfo=TZ)
QUESTIONS = {q.key: q for q in QUESTIONNAIRE}


@pytest.mark.parametrize(
    ("typed", "cm"),
    [
        ("165", 165),
        ("１６５", 165),
        ("165cm", 165),
        ("165 厘米", 165),
        ("1.65米", 165),
        ("1.65m", 165),
        ("1米65", 165),
        ("1米7", 170),
        ("一米六五", 165),
        ("一米七", 170),
        ("一百六十五", 165),
        ("一百六十五公分", 165),
        ("1.655", None),
        ("高", None),
    ],
)
def test_heights(typed: str, cm: int | None) -> None:
    assert parse_height_cm(typed) == cm


def test_years_and_ranges() -> None:
    assert [parse_year(t, 2026) for t in ("1995", "1995年", "九五年", "95后", "一九九五")] == [
        1995
    ] * 5
    assert parse_range("二十五到三十五岁") == (25, 35)
    assert parse_range("35～25") == (25, 35)


@pytest.mark.parametrize(
    ("key", "typed", "stored"),
    [
        ("marital_status", "离婚", "divorced"),
        ("marital_status", "离异", "divorced"),
        ("marital_status", "没结过婚", "never_married"),
        ("education", "硕士研究生", "master"),
        ("education", "大专", "college"),
        ("education", "我是本科", "bachelor"),
        ("industry", "银行", "finance"),
        ("industry", "在医院上班", "healthcare"),
        ("district", "浦东", "浦东新区"),
        ("district", "徐汇", "徐汇区"),
        ("district", "Pudong", "浦东新区"),
        # Where people say they live: a neighbourhood, a district merged away, traditional
        # characters (each was "请点选下方的一个按钮。").
        ("district", "张江", "浦东新区"),
        ("district", "住在徐家汇", "徐汇区"),
        ("district", "五角场", "杨浦区"),
        ("district", "莘庄", "闵行区"),
        ("district", "南汇", "浦东新区"),
        ("district", "闸北区", "静安区"),
        ("district", "卢湾区", "黄浦区"),
        ("district", "浦東", "浦东新区"),
        ("gender", "男生", "male"),
        ("housing", "租", "rent"),
        ("spending", "节约", "saver"),
        ("smoking", "从来不", "never"),
        ("marriage_timeline", "随便", "no_plan"),
        ("show_home", "都行", "yes"),
        ("show_home", "不", "no"),
        ("marriage_timeline", "两到三年内", "in_2_3y"),
    ],
)
def test_everyday_words_pick_the_option(key: str, typed: str, stored: str) -> None:
    assert parse_text(QUESTIONS[key], typed, current_year=2026, option_texts=labels) == stored


def labels(option: Option) -> list[str]:
    """Every label an option is known by, as the chat offers them."""
    return [option.text(translator(language), language) for language in ("zh", "en")]


def test_a_place_two_districts_share_is_not_guessed() -> None:
    assert isinstance(parse_text(QUESTIONS["district"], "虹桥", current_year=2026), Invalid)


def test_a_text_that_names_two_options_picks_neither() -> None:
    result = parse_text(QUESTIONS["industry"], "银行和医院", current_year=2026, option_texts=labels)
    assert isinstance(result, Invalid)  # finance or healthcare: the member chooses


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("明天上午九点", datetime(2026, 11, 28, 9, 0)),
        ("下周六下午两点", datetime(2026, 12, 5, 14)),
        ("12月1日 9:30", datetime(2026, 12, 1, 9, 30)),
        ("12-01 9:30", datetime(2026, 12, 1, 9, 30)),
        ("12月1号上午10点", datetime(2026, 12, 1, 10)),
        ("周日 10:00", datetime(2026, 11, 29, 10)),
        ("星期天晚上8点", datetime(2026, 11, 29, 20)),
        ("后天中午12点", datetime(2026, 11, 29, 12)),
        ("这周六 晚上七点半", datetime(2026, 11, 28, 19, 30)),
        ("下周一 9:00", datetime(2026, 11, 30, 9)),
        ("两点一刻", datetime(2026, 11, 27, 14, 15)),
        ("凌晨两点", datetime(2026, 11, 28, 2)),
        ("九点", datetime(2026, 11, 28, 9)),
        ("2026-12-05 14:00", datetime(2026, 12, 5, 14)),
        ("１２月１日　９：３０", datetime(2026, 12, 1, 9, 30)),
        ("1月3日 9:00", datetime(2027, 1, 3, 9)),
        ("今天上午九点", datetime(2026, 11, 27, 9)),
        # Passed within the last month: taken as meant, so the organiser hears it is past.
        ("11月26日 23:30", datetime(2026, 11, 26, 23, 30)),
        ("10月20日 9:00", datetime(2027, 10, 20, 9)),
        # An organiser's week: a day and its part in one word, a day of the month alone.
        ("今晚11点", datetime(2026, 11, 27, 23)),
        ("明早八点", datetime(2026, 11, 28, 8)),
        ("30号上午10点", datetime(2026, 11, 30, 10)),
        ("3号 9:30", datetime(2026, 12, 3, 9, 30)),  # the 3rd has passed: next month's
        ("２７号下午３点", datetime(2026, 11, 27, 15)),
    ],
)
def test_chinese_dates_and_times(typed: str, expected: datetime) -> None:
    assert parse_when(typed, FRIDAY_10AM, TZ) == expected.replace(tzinfo=TZ)


def test_a_date_just_before_new_year_typed_just_after_it_is_last_years() -> None:
    new_year = datetime(2027, 1, 1, 0, 30, tzinfo=TZ)
    assert parse_when("12月31日 23:30", new_year, TZ) == datetime(2026, 12, 31, 23, 30, tzinfo=TZ)
    assert parse_when("1月1日 9:00", new_year, TZ) == datetime(2027, 1, 1, 9, tzinfo=TZ)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("四点半", datetime(2026, 12, 5, 16, 30)),  # the start's day, not tomorrow's
        ("16:30", datetime(2026, 12, 5, 16, 30)),
        ("晚上八点", datetime(2026, 12, 5, 20)),
        ("凌晨一点", datetime(2026, 12, 6, 1)),  # past midnight: the next day
        ("12月6日 9:00", datetime(2026, 12, 6, 9)),  # a date typed is that date
    ],
)
def test_an_end_time_without_a_date_is_on_the_starts_day(typed: str, expected: datetime) -> None:
    start = datetime(2026, 12, 5, 14, tzinfo=TZ)  # a week after FRIDAY_10AM
    assert parse_when(typed, FRIDAY_10AM, TZ, after=start) == expected.replace(tzinfo=TZ)


@pytest.mark.parametrize(
    "typed", ["明天", "昨天下午", "13月1日 9:00", "25:00", "abc", "", "10号上午", "31号 9:00"]
)
def test_what_is_not_a_date_and_time(typed: str) -> None:
    assert parse_when(typed, FRIDAY_10AM, TZ) is None


async def test_a_member_answers_in_their_own_words(sandbox: Sandbox) -> None:
    wang = sandbox.user("小雨", phone="+86 138 0000 0001")
    await seed_union(sandbox, [("王小雨", "SH0001", "上海申通地铁集团有限公司", "13800000001")])
    await verify(wang, "王小雨", "SH0001", "上海申通地铁集团有限公司")
    await wang.press("我承诺")
    await answer(wang, ZH_ANSWERS["nickname"])
    await answer(wang, ZH_ANSWERS["gender"])
    await wang.send("九六年")
    await wang.send("一米六五")
    await wang.send("硕士研究生")
    await wang.send("银行")
    await wang.send("浦东")
    await answer(wang, ZH_ANSWERS["hometown"])
    await wang.send("离婚")
    await wang.send("没有孩子")  # asked of the divorced
    for key in (
        "hukou",
        "housing",
        "show_home",
        "hobbies",
        "marriage_timeline",
        "children",
        "live_with_parents",
        "spending",
        "weekends",
        "pets",
        "smoking",
        "introduction",
        "photos",
        "seek_gender",
    ):
        await answer(wang, ZH_ANSWERS[key])
    await wang.send("二十七到三十五")
    await wang.press("必须满足")
    await answer(wang, ZH_ANSWERS["seek_districts"])
    for key in ("seek_education", "seek_height", "seek_marital", "accept_children"):
        await answer(wang, ZH_ANSWERS[key])
    await wang.send("不限")
    await wang.send("都行")
    await wang.send("/profile")
    card = wang.last_text()
    assert "30岁 · 165 cm" in card
    assert "📍 浦东新区 · 🎓 硕士 · 💼 金融" in card
    member = await sandbox.app.services.onboarding.member(wang.id)
    answers = await sandbox.app.services.onboarding.answers(member.id)
    assert answers["marital_status"] == "divorced" and answers["birth_year"] == 1996
    assert answers["seek_age"] == [27, 35]


@pytest.mark.parametrize("typed", ["75以上", "100岁以上", "17岁以下"])
def test_an_age_range_nobody_could_be_in_is_refused(typed: str) -> None:
    """ "75以上" of ages up to 70 was stored as [75, 70]: she would never have been suggested
    anyone."""
    refused = parse_text(QUESTIONS["seek_age"], typed, current_year=2026)
    assert isinstance(refused, Invalid)
    assert parse_text(QUESTIONS["seek_age"], "30以上", current_year=2026) == [30, 70]


async def test_typing_skip_at_an_optional_question_skips_it(sandbox: Sandbox) -> None:
    """ "跳过" typed at the hometown question was her hometown ("🏠 家乡：跳过" on her card)."""
    wang = await pledged(sandbox)
    await answer_until(wang, "hometown")
    await wang.send("跳过")
    assert "婚姻状况" in wang.last_text()  # the next question
    keys = list(ZH_ANSWERS)
    await answer_questions(
        wang, ZH_ANSWERS, keys[keys.index("marital_status") : keys.index("introduction")]
    )
    await wang.send("无。")
    member = await sandbox.app.services.onboarding.member(wang.id)
    assert member is not None
    answers = await sandbox.app.services.onboarding.answers(member.id)
    assert answers.get("hometown") is None and answers.get("introduction") is None, answers
    assert answers["district"] == "浦东新区"


@pytest.mark.parametrize(
    ("typed", "ages"),
    [
        ("85后", [37, 41]),  # born 1985–1989
        ("90后", [27, 36]),
        ("九零后的", [27, 36]),
        ("1985-1995年的", [31, 41]),
        ("85年到95年", [31, 41]),
        ("25-35", [25, 35]),  # ages stay ages
        ("二十七到三十五", [27, 35]),
    ],
)
def test_an_age_group_named_by_birth_years_is_the_ages_it_is_this_year(
    typed: str, ages: list[int]
) -> None:
    """ "85后" is how people name the age group they want to meet; it was refused ("请写两个
    18 到 70 之间的年龄")."""
    assert parse_text(QUESTIONS["seek_age"], typed, current_year=2026) == ages


async def test_a_typo_corrected_in_the_next_message_corrects_the_answer_before(
    sandbox: Sandbox,
) -> None:
    """ "打错了，是1990" at the height question was refused as a height, and 1999 stayed her
    birth year (a hard filter: she was shown to the wrong people)."""
    wang = await pledged(sandbox)
    await answer(wang, ZH_ANSWERS["nickname"])
    await answer(wang, ZH_ANSWERS["gender"])
    await wang.send("1999")
    height = wang.last_text()
    await wang.send("打错了，是1990")
    assert wang.texts()[-2:] == ["已更正“出生年份”：1990。", height]
    await wang.send("156")
    education = wang.last_text()
    await wang.send("165，刚才打错了")  # at a question with buttons
    assert wang.texts()[-2:] == ["已更正“身高”：165 cm。", education]
    await wang.send("打错了")  # nothing to correct it with: back to the question before
    assert "回到上一题" in wang.texts()[-2] and "身高" in wang.last_text()
    await wang.send("166")
    member = await sandbox.app.services.onboarding.member(wang.id)
    assert member is not None
    answers = await sandbox.app.services.onboarding.answers(member.id)
    assert (answers["birth_year"], answers["height"]) == (1990, 166)
    assert wang.last_text() == education


async def test_how_much_a_wish_matters_may_be_typed(sandbox: Sandbox) -> None:
    """ "必须" typed under [必须满足] [最好满足] got "请用按钮回答。" and the question again."""
    wang = await pledged(sandbox)
    await answer_until(wang, "seek_gender")
    await wang.send("男")
    await wang.send("必须")
    seek_age = wang.last_text()
    assert "年龄" in seek_age
    await wang.send("85后")
    await wang.send("无所谓吧")
    member = await sandbox.app.services.onboarding.member(wang.id)
    assert member is not None
    async with sandbox.app.services.db() as session:
        stored = dict(
            (
                await session.execute(
                    select(ProfileAnswer.question, ProfileAnswer.must_have).where(
                        ProfileAnswer.member_id == member.id
                    )
                )
            ).all()
        )
    assert (stored["seek_gender"], stored["seek_age"]) == (True, None)


@pytest.mark.parametrize(
    ("typed", "corrected"),
    [
        ("打错了，是1990", "1990"),
        ("165，刚才打错了", "165"),
        ("不好意思写错了，应该是一米六五", "一米六五"),
        ("纠正一下，是小熊", "小熊"),
        ("打错了，是黑龙江哈尔滨", "黑龙江哈尔滨"),  # 哈 in the answer stays
        ("打错了 Harbin China", "Harbin China"),
        ("打错了", ""),
        ("我是1990年的", None),  # no correction
    ],
)
def test_a_correction_keeps_the_answer_as_typed(typed: str, corrected: str | None) -> None:
    """Red team: "纠正一下，是小熊" was stored as 一下小熊, 哈尔滨 as 尔滨."""
    assert correction(typed) == corrected


async def test_a_question_that_needs_an_answer_cannot_be_skipped_by_typing(
    sandbox: Sandbox,
) -> None:
    """Red team: "跳过" at the nickname question became her nickname."""
    wang = await pledged(sandbox)
    nickname = wang.last_text()
    await wang.send("跳过")
    assert wang.texts()[-2:] == ["这一题需要回答，不能跳过。", nickname]
    await answer_until(wang, "marital_status")
    await wang.send("打错了，不填")  # the hometown (optional) left unanswered after all
    member = await sandbox.app.services.onboarding.member(wang.id)
    assert member is not None
    answers = await sandbox.app.services.onboarding.answers(member.id)
    assert answers["nickname"] == "小雨" and answers.get("hometown") is None


def test_tea_is_what_people_drink_not_a_ceremony() -> None:
    """A 50-year-old who drinks tea typed 喝茶; his card said 茶艺 (tea ceremony)."""
    hobbies = QUESTIONS["hobbies"]
    typed = parse_text(hobbies, "喝茶、爬山", current_year=2026)
    assert typed == ["tea", "hiking"]
    assert answer_text(hobbies, typed, translator("zh")) == "品茶、徒步"


@pytest.mark.parametrize("typed", ["现在", "马上", "立即", "现在。", "Now"])
def test_now_typed_as_the_send_time_is_now(typed: str) -> None:
    """ "现在" was "not understood", though leaving the field empty meant just that."""
    read = read_send_time(typed, FRIDAY_10AM, TZ)
    assert read.understood and read.usable and read.moment is None
