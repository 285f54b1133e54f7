"""The facts that matter in 相亲 (issue 25 §1): marital status, children, height, 户籍 and
住房 — asked as people answer them, shown as the member chooses, and used by the engine as the
member set each wish (a must, nice to have, not important), checked both ways."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import delete, select

from bot.common.i18n import translator
from bot.common.wording.profile_card import answer_text
from bot.domain.browse import Filters, fits
from bot.domain.match_profile import match_row, to_profile
from bot.domain.matching import Profile, compatible, rank
from bot.domain.questions import QUESTIONNAIRE, Invalid, parse_text
from bot.tools.sandbox import Sandbox
from storage.models import Member, ProfileAnswer
from tests.helpers import ZH_ANSWERS, answer, seed_union, sign_up, verify

WOMAN = ("王小雨", "SH0001", "上海申通地铁集团有限公司", "13800000001")
MAN = ("李明", "SH0002", "上海电气集团股份有限公司", "13800000002")
QUESTIONS = {q.key: q for q in QUESTIONNAIRE}
# 385 characters, as a member pasted it.
LONG_INTRODUCTION = ("我在地铁公司做调度，平时喜欢做饭和看电影。" * 19)[:385]


async def stored(sb: Sandbox, telegram_id: int) -> dict[str, tuple[Any, bool | None]]:
    async with sb.app.services.db() as session:
        member = await session.scalar(select(Member).where(Member.telegram_id == telegram_id))
        assert member is not None
        rows = await session.scalars(
            select(ProfileAnswer).where(ProfileAnswer.member_id == member.id)
        )
        return {row.question: (row.value, row.must_have) for row in rows}


def typed_man() -> dict[str, list[tuple[str, str]]]:
    """A divorced father answering almost everything in his own words (in the order asked)."""
    mine: dict[str, list[tuple[str, str]]] = {
        "nickname": [("send", "阿明")],
        "gender": [("send", "男的")],
        "birth_year": [("send", "九四年")],
        "height": [("send", "1米75左右吧")],
        "marital_status": [("send", "离婚")],
        "has_children": [("send", "有一个孩子")],
        "hukou": [("send", "外地户口")],
        "housing": [("send", "有房")],
        "show_home": [("press", "显示")],
        "hobbies": [("press", "电影"), ("press", "烹饪"), ("send", "追剧，撸猫🐱")],
        "weekends": [("send", "宅")],
        "smoking": [("send", "不抽烟")],
        "photos": [("press", "完成")],
        "seek_gender": [("send", "女的"), ("press", "必须满足")],
        "seek_age": [("send", "不限")],
        "seek_height": [("send", "1米6到1米7"), ("press", "最好满足")],
        "seek_marital": [("send", "都行")],
        "accept_children": [("send", "能接受")],
        "seek_hukou": [("send", "无所谓")],
        "seek_housing": [("send", "不限")],
    }
    return {q.key: mine.get(q.key, ZH_ANSWERS.get(q.key, [])) for q in QUESTIONNAIRE}


async def test_a_divorced_father_answers_in_his_own_words(sandbox: Sandbox) -> None:
    ming = sandbox.user("阿明", phone=MAN[3])
    await seed_union(sandbox, [MAN])
    script = typed_man()
    await verify(ming, *MAN[:3])
    await ming.press("我承诺")
    keys = list(script)
    for key in keys[: keys.index("marital_status") + 1]:
        await answer(ming, script[key])
    assert ming.last_text().startswith("第 10/32 题\n你有孩子吗？")  # asked: he was married
    for key in keys[keys.index("marital_status") + 1 : keys.index("introduction")]:
        await answer(ming, script[key])
    await ming.send(LONG_INTRODUCTION)
    kept = ming.last_text()
    assert kept.startswith("你写了 385 个字，最多 300 个字。你写的内容我先帮你留着")
    assert kept.endswith(LONG_INTRODUCTION[:300])
    assert ming.buttons() == ["保留前 300 个字", "跳过"]
    await sandbox.restart()  # what he wrote is kept across a restart
    await ming.press("保留前 300 个字")
    assert ming.last_text().startswith("第 23/32 题")  # photos
    for key in keys[keys.index("photos") :]:
        await answer(ming, script[key])
    assert "资料填写完成" in ming.texts()[-3]
    card = ming.texts()[-2]
    assert card.startswith("阿明 · 32岁 · 175 cm")
    assert "💍 离异 · 有孩子" in card
    assert "🏡 外地户口 · 有房" in card  # he chose to show them
    assert "❤️ 电影、烹饪、追剧、宠物" in card
    answers = await stored(sandbox, ming.id)
    assert answers["gender"] == ("male", None) and answers["height"] == (175, None)
    assert answers["has_children"] == ("has", None)
    assert answers["hobbies"] == (["movies", "cooking", "追剧", "pets"], None)
    assert answers["weekends"] == ("home", None) and answers["smoking"] == ("never", None)
    assert answers["introduction"] == (LONG_INTRODUCTION[:300], None)
    # "不限" sets no condition, so whether it is a must is not asked.
    assert answers["seek_age"] == ("any", None)
    assert answers["seek_marital"] == (["any"], None)
    assert answers["seek_height"] == ([160, 170], False)
    for key in ("accept_children", "seek_hukou", "seek_housing"):
        assert answers[key] == ("any", None)


async def test_a_shorter_version_replaces_the_long_one_and_limits_are_friendly(
    sandbox: Sandbox,
) -> None:
    xiaoyu = sandbox.user("小雨", phone=WOMAN[3])
    await seed_union(sandbox, [WOMAN])
    await verify(xiaoyu, *WOMAN[:3])
    await xiaoyu.press("我承诺")
    keys = list(ZH_ANSWERS)
    for key in keys[: keys.index("marital_status") + 1]:
        await answer(xiaoyu, ZH_ANSWERS[key])
    assert "你的户籍在本地还是外地" in xiaoyu.last_text()  # never married: no children question
    await xiaoyu.send("本地")
    await xiaoyu.send("租的")
    await xiaoyu.send("不显示")
    await xiaoyu.press("电影")
    await xiaoyu.press("烹饪")
    await xiaoyu.press("完成")
    for key in keys[keys.index("hobbies") + 1 : keys.index("introduction")]:
        await answer(xiaoyu, ZH_ANSWERS[key])
    await xiaoyu.send(LONG_INTRODUCTION)
    await xiaoyu.send("喜欢做饭和看电影。")  # she shortens it herself
    assert xiaoyu.last_text().startswith("第 23/32 题")
    for key in keys[keys.index("photos") : keys.index("seek_age")]:
        await answer(xiaoyu, ZH_ANSWERS[key])
    await xiaoyu.send("二十五岁到八十岁")
    assert "请写两个 18 到 70 之间的年龄" in xiaoyu.last_text()
    await xiaoyu.send("30岁以上")
    assert xiaoyu.buttons() == ["必须满足", "最好满足", "不重要"]
    await xiaoyu.press("不重要")
    for key in ("seek_districts", "seek_education"):
        await answer(xiaoyu, ZH_ANSWERS[key])
    await xiaoyu.send("一米五到两米五")
    assert "请写两个 130 到 220 厘米之间的身高" in xiaoyu.last_text()
    await xiaoyu.send("175cm以上")
    await xiaoyu.press("必须满足")
    await xiaoyu.press("未婚")
    await xiaoyu.send("离异")  # a ticked button and a typed answer together
    await xiaoyu.press("最好满足")
    await xiaoyu.send("不接受")
    await xiaoyu.press("必须满足")
    await xiaoyu.send("本地户口")
    await xiaoyu.press("不重要")
    await xiaoyu.press("有房")
    await xiaoyu.press("最好满足")
    card = xiaoyu.texts()[-2]
    assert "💍 未婚" in card and "有孩子" not in card
    assert "🏡" not in card and "本地户口" not in card and "租房" not in card  # kept private
    answers = await stored(sandbox, xiaoyu.id)
    assert answers["has_children"] == (None, None)
    assert answers["hukou"] == ("local", None) and answers["housing"] == ("rent", None)
    assert answers["introduction"] == ("喜欢做饭和看电影。", None)
    assert answers["hobbies"] == (["movies", "cooking"], None)
    assert answers["seek_age"] == ([30, 70], None)
    assert answers["seek_height"] == ([175, 220], True)
    assert answers["seek_marital"] == (["never_married", "divorced"], False)
    assert answers["accept_children"] == ("none", True)
    assert answers["seek_hukou"] == ("local", None)
    assert answers["seek_housing"] == ("own", False)


async def test_edit_to_divorced_asks_about_children(sandbox: Sandbox) -> None:
    xiaoyu = sandbox.user("小雨", phone=WOMAN[3])
    await seed_union(sandbox, [WOMAN])
    await sign_up(xiaoyu, WOMAN)
    await xiaoyu.send("/edit")
    await xiaoyu.press("婚姻状况")
    await xiaoyu.send("丧偶")
    assert xiaoyu.last_text().startswith("第 10/32 题\n你有孩子吗？")
    await xiaoyu.send("没有孩子")
    assert xiaoyu.texts()[-2] == "已保存。你的资料卡现在是："
    assert "💍 丧偶 · 没有孩子" in xiaoyu.last_text()
    await xiaoyu.send("/edit")
    await xiaoyu.press("婚姻状况")
    await xiaoyu.press("未婚")
    assert "💍 未婚\n" in xiaoyu.last_text()
    assert (await stored(sandbox, xiaoyu.id))["has_children"] == (None, None)
    await xiaoyu.send("/edit")
    await xiaoyu.press("有无子女")
    assert xiaoyu.last_text() == "这一题只问离异或丧偶的会员，你不用填写，资料卡保持不变。"


async def test_members_who_signed_up_before_are_not_asked_about_children_if_never_married(
    sandbox: Sandbox,
) -> None:
    xiaoyu = sandbox.user("小雨", phone=WOMAN[3])
    await seed_union(sandbox, [WOMAN])
    await sign_up(xiaoyu, WOMAN)
    async with sandbox.app.services.db.begin() as session:  # as before the question existed
        await session.execute(
            delete(ProfileAnswer).where(ProfileAnswer.question.in_(("has_children", "hukou")))
        )
    await xiaoyu.send("/start")
    assert xiaoyu.last_text().startswith("第 11/32 题\n你的户籍在本地还是外地")
    assert "你有孩子吗" not in "".join(xiaoyu.texts())


async def test_a_must_about_children_keeps_a_father_out_of_both_lists(sandbox: Sandbox) -> None:
    xiaoyu = sandbox.user("小雨", phone=WOMAN[3])
    ming = sandbox.user("阿明", phone=MAN[3])
    await seed_union(sandbox, [WOMAN, MAN])
    strict = dict(ZH_ANSWERS)
    strict["accept_children"] = [("send", "不能接受"), ("press", "必须满足")]
    await sign_up(xiaoyu, WOMAN, strict)
    father = typed_man()
    father["birth_year"] = [("send", "1994")]
    father["introduction"] = [("press", "跳过")]
    await sign_up(ming, MAN, father)
    await ming.send("/match")
    assert "暂时没有新的合适人选" in (ming.last_text() or "")  # her must holds for him too
    await xiaoyu.send("/match")
    assert "暂时没有新的合适人选" in xiaoyu.last_text()
    await xiaoyu.send("/edit")
    await xiaoyu.press("对方子女")
    assert xiaoyu.buttons() == ["可以接受", "希望对方没有孩子"]
    await xiaoyu.press("希望对方没有孩子")
    await xiaoyu.press("不重要")  # kept as said, but no longer a condition
    await xiaoyu.send("/match")
    assert xiaoyu.last_text().startswith("阿明")
    assert "💍 离异 · 有孩子" in xiaoyu.last_text()


# The engine, from answers as stored: every wish a must, nice to have, or not important.
BASE: dict[str, Any] = {
    "gender": "female",
    "birth_year": 1996,
    "height": 165,
    "district": "浦东新区",
    "education": "bachelor",
    "marital_status": "never_married",
    "hobbies": ["hiking"],
    "seek_gender": "male",
    "seek_age": "any",
}
HIM: dict[str, Any] = {
    "gender": "male",
    "birth_year": 1994,
    "height": 170,
    "district": "浦东新区",
    "education": "bachelor",
    "marital_status": "divorced",
    "has_children": "has",
    "hukou": "other",
    "housing": "rent",
    "hobbies": ["hiking"],
    "seek_gender": "female",
    "seek_age": "any",
}
# Each fact: her wish, a man who meets it, and how he differs from HIM.
WISHES = {
    "height": ("seek_height", [175, 190], {"height": 180}),
    "marital": ("seek_marital", ["never_married"], {"marital_status": "never_married"}),
    "children": ("accept_children", "none", {"has_children": "none"}),
    "hukou": ("seek_hukou", "local", {"hukou": "local"}),
    "housing": ("seek_housing", "own", {"housing": "own"}),
}


def profile(member_id: int, answers: dict[str, Any], must: dict[str, bool | None]) -> Profile:
    return to_profile(member_id, match_row(answers, must, None), 2026)


def scores(wish: str, must: bool | None) -> tuple[list[int], dict[int, float]]:
    key, value, fitting = WISHES[wish]
    her = profile(1, {**BASE, key: value}, {key: must})
    unfit, fit = profile(2, HIM, {}), profile(3, {**HIM, **fitting}, {})
    ranked = rank(her, [unfit, fit], idf={})
    return [s.candidate.id for s in ranked], {s.candidate.id: s.score for s in ranked}


@pytest.mark.parametrize("wish", list(WISHES))
def test_a_must_excludes_both_ways(wish: str) -> None:
    ids, _scores = scores(wish, True)
    assert ids == [3]  # only the man who meets it
    key, value, _fitting = WISHES[wish]
    her = profile(1, {**BASE, key: value}, {key: True})
    him = profile(2, HIM, {})
    assert not compatible(her, him) and not compatible(him, her)
    assert [s.candidate.id for s in rank(him, [her], idf={})] == []  # he is not shown her


@pytest.mark.parametrize("wish", list(WISHES))
def test_nice_to_have_ranks_higher_and_not_important_changes_nothing(wish: str) -> None:
    ids, preferred = scores(wish, False)
    assert ids == [3, 2] and preferred[3] > preferred[2]  # both shown, the one who fits first
    _ids, ignored = scores(wish, None)
    fitting = WISHES[wish][2]
    candidates = [profile(2, HIM, {}), profile(3, {**HIM, **fitting}, {})]
    unset = {s.candidate.id: s.score for s in rank(profile(1, BASE, {}), candidates, idf={})}
    assert ignored == unset  # "not important" is as if she had not asked
    assert preferred[3] > unset[3] and preferred[2] < unset[2]


def test_the_never_married_count_as_without_children_and_unknowns_fail_a_must() -> None:
    her = profile(1, {**BASE, "accept_children": "none"}, {"accept_children": True})
    single = profile(2, {**HIM, "marital_status": "never_married", "has_children": None}, {})
    assert compatible(her, single)
    picky = profile(1, {**BASE, "seek_hukou": "local"}, {"seek_hukou": True})
    silent = profile(2, {**HIM, "hukou": None}, {})  # skipped: a must cannot be met
    assert not compatible(picky, silent)
    hopeful = profile(1, {**BASE, "seek_hukou": "local"}, {"seek_hukou": False})
    assert compatible(hopeful, silent)


@pytest.mark.parametrize(
    ("key", "typed", "value"),
    [
        ("height", "1米65左右吧", 165),
        ("height", "一米六五", 165),
        ("height", "165cm", 165),
        ("height", "1.65", 165),
        ("height", "１６５", 165),
        ("height", "大概170吧", 170),
        ("smoking", "不抽烟", "never"),
        ("smoking", "我不抽烟", "never"),
        ("smoking", "偶尔抽", "sometimes"),
        ("weekends", "宅", "home"),
        ("gender", "男的", "male"),
        ("gender", "我是女的", "female"),
        ("seek_gender", "男的", "male"),
        ("marital_status", "离异", "divorced"),
        ("marital_status", "丧偶", "widowed"),
        ("has_children", "有一个孩子", "has"),
        ("has_children", "没有孩子", "none"),
        ("has_children", "无", "none"),
        ("hukou", "本地户口", "local"),
        ("hukou", "外地户口", "other"),
        ("housing", "有房", "own"),
        ("housing", "租房", "rent"),
        ("housing", "没有房", "rent"),
        ("seek_age", "不限", "any"),
        ("seek_age", "都行吧", "any"),
        ("seek_age", "无所谓", "any"),
        ("seek_age", "30岁以下", [18, 30]),
        ("seek_age", "２５－３５", [25, 35]),
        ("seek_height", "不限", "any"),
        ("seek_height", "170以上", [170, 220]),
        ("seek_height", "1米6到1米75", [160, 175]),
        ("seek_marital", "未婚或离异", ["never_married", "divorced"]),
        ("seek_marital", "不限", ["any"]),
        ("seek_education", "不限", "any"),
        ("seek_districts", "无所谓", ["any"]),
        ("accept_children", "不接受", "none"),
        ("accept_children", "可以", "any"),
        ("seek_hukou", "都行", "any"),
        ("children", "丁克", "dont_want"),
    ],
)
def test_answers_as_people_write_them(key: str, typed: str, value: Any) -> None:
    assert parse_text(QUESTIONS[key], typed, current_year=2026) == value


@pytest.mark.parametrize(
    ("key", "typed"), [("height", "不限"), ("gender", "都行"), ("seek_height", "高一点")]
)
def test_no_preference_is_no_answer_about_oneself(key: str, typed: str) -> None:
    assert isinstance(parse_text(QUESTIONS[key], typed, current_year=2026), Invalid)


def test_the_browse_filter_without_children_includes_the_never_married() -> None:
    without = Filters(children=("none",))
    assert fits(without, [], {"marital_status": "never_married", "has_children": None})
    assert fits(without, [], {"marital_status": "widowed", "has_children": "none"})
    assert not fits(without, [], {"marital_status": "divorced", "has_children": "has"})
    assert not fits(Filters(children=("has",)), [], {"marital_status": "never_married"})


def test_age_districts_and_education_can_be_not_important_too() -> None:
    older = profile(
        2, {**HIM, "birth_year": 1980, "district": "崇明区", "education": "college"}, {}
    )
    wishes = {"seek_age": [28, 35], "seek_districts": ["浦东新区"], "seek_education": "master"}
    anyone = {"seek_age": "any", "seek_districts": ["any"], "seek_education": "any"}
    for key, value in wishes.items():
        strict = profile(1, {**BASE, key: value}, {key: True})
        relaxed = profile(1, {**BASE, key: value}, {key: None})
        assert not compatible(strict, older), key
        assert compatible(relaxed, older), key
        # "Not important" is as if she had answered 不限.
        unset = rank(profile(1, {**BASE, key: anyone[key]}, {}), [older], idf={})[0].score
        assert rank(relaxed, [older], idf={})[0].score == unset, key


def test_wishes_read_as_words() -> None:
    zh = translator("zh")
    assert answer_text(QUESTIONS["accept_children"], "any", zh) == "可以接受"
    assert answer_text(QUESTIONS["seek_age"], "any", zh) == "不限"
    assert answer_text(QUESTIONS["seek_marital"], ["never_married", "divorced"], zh) == "未婚、离异"
    assert answer_text(QUESTIONS["seek_height"], [160, 175], zh) == "160–175 cm"
    # "1米75以上" read 175–220 cm: an end at the question's own bound is no end she gave.
    assert answer_text(QUESTIONS["seek_height"], [175, 220], zh) == "175 cm以上"
    assert answer_text(QUESTIONS["seek_age"], [30, 70], zh) == "30 岁以上"
    assert answer_text(QUESTIONS["seek_age"], [18, 35], zh) == "35 岁以下"
    assert answer_text(QUESTIONS["seek_age"], [28, 35], zh) == "28–35 岁"
    en = translator("en")
    assert answer_text(QUESTIONS["seek_height"], [175, 220], en) == "175 cm or more"
    assert answer_text(QUESTIONS["seek_age"], [30, 70], en) == "30 years or more"
