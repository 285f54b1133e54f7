"""Synthetic but realistic union data (Faker zh_CN) for the demo, tests and benchmarks."""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from pathlib import Path

from faker import Faker

# Employers of the kind Shanghai's unions serve; Faker's invented companies fill the long tail.
EMPLOYERS = (
    "上海申通地铁集团有限公司",
    "上海电气集团股份有限公司",
    "上海浦东发展银行",
    "上海市第六人民医院",
    "上海汽车集团股份有限公司",
    "中国商用飞机有限责任公司",
    "上海市浦东新区教育局",
    "上海城投（集团）有限公司",
    "东方航空股份有限公司",
    "上海外高桥造船有限公司",
)
ROSTER_HEADER = ("姓名", "会员号", "工作单位", "手机")


def synthetic_roster(count: int, seed: int = 2026) -> Iterator[tuple[str, str, str, str]]:
    """(real name, member number, employer, phone) rows; member numbers SH0000001, ..."""
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    chooser = random.Random(seed)
    companies = [fake.company() for _ in range(200)]
    for index in range(1, count + 1):
        employer = (
            chooser.choice(EMPLOYERS) if chooser.random() < 0.6 else chooser.choice(companies)
        )
        yield fake.name(), f"SH{index:07d}", employer, fake.phone_number()


def write_roster_csv(path: Path, count: int, seed: int = 2026) -> Path:
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(ROSTER_HEADER)
        writer.writerows(synthetic_roster(count, seed))
    return path


# Shares loosely following Shanghai's young workforce; districts weighted by population.
_EDUCATION = (
    ("high_school", 8),
    ("college", 22),
    ("bachelor", 50),
    ("master", 17),
    ("doctorate", 3),
)
_INDUSTRIES = (
    ("manufacturing", 14),
    ("it", 14),
    ("finance", 10),
    ("education", 9),
    ("healthcare", 8),
    ("public_sector", 9),
    ("transport", 7),
    ("construction", 6),
    ("retail", 8),
    ("energy", 4),
    ("culture", 4),
    ("services", 5),
    ("other", 2),
)
_DISTRICT_WEIGHTS = {
    "浦东新区": 22,
    "闵行区": 10,
    "宝山区": 8,
    "徐汇区": 7,
    "松江区": 7,
    "嘉定区": 6,
    "杨浦区": 5,
    "普陀区": 5,
    "静安区": 4,
    "青浦区": 5,
    "奉贤区": 4,
    "长宁区": 3,
    "虹口区": 3,
    "金山区": 3,
    "黄浦区": 3,
    "崇明区": 2,
}
_HOBBY_POPULARITY = {
    "travel": 30,
    "movies": 28,
    "music": 24,
    "hiking": 18,
    "running": 16,
    "fitness": 16,
    "reading": 15,
    "cooking": 14,
    "photography": 12,
    "badminton": 12,
    "swimming": 10,
    "board_games": 9,
    "video_games": 9,
    "pets": 9,
    "singing": 8,
    "yoga": 8,
    "cycling": 7,
    "camping": 6,
    "basketball": 6,
    "table_tennis": 5,
    "dancing": 5,
    "tea": 4,
    "painting": 4,
    "volunteering": 4,
    "football": 4,
    "tennis": 3,
    "skiing": 3,
    "fishing": 3,
    "crafts": 3,
    "calligraphy": 2,
}
_VALUES = {
    "marriage_timeline": (
        ("within_1y", 20),
        ("in_1_2y", 30),
        ("in_2_3y", 15),
        ("in_3y_plus", 10),
        ("no_plan", 25),
    ),
    "children": (("want", 65), ("dont_want", 10), ("open", 25)),
    "live_with_parents": (("yes", 20), ("no", 35), ("flexible", 45)),
    "spending": (("saver", 35), ("balanced", 55), ("enjoyer", 10)),
    "weekends": (("outdoors", 30), ("home", 30), ("friends", 25), ("learning", 15)),
    "pets": (("love", 35), ("fine", 45), ("no", 20)),
    "smoking": (("never", 80), ("sometimes", 15), ("often", 5)),
}


# What members write about themselves, in their own voice; any of them fits anyone.
INTRODUCTIONS = (
    "平时上班比较忙，周末喜欢出去走走，希望找一个能一起吃饭聊天的人。",
    "性格偏安静，熟了以后话很多。喜欢做饭，拿手菜是红烧肉。",
    "在浦东工作五年了，爱好跑步，每年都会报一次半马。",
    "喜欢看电影和逛展，希望对方善良、有责任心。",
    "家里养了一只猫，周末一般在家看书或者约朋友打羽毛球。",
    "工作稳定，为人踏实，想认真找一个人过日子。",
    "喜欢旅行，去过二十多个城市，下一站想去新疆。",
    "是个乐观的人，爱笑，朋友说我脾气好。",
    "会弹一点吉他，偶尔去唱 K，希望遇到聊得来的人。",
    "不抽烟少喝酒，作息规律，希望对方也热爱生活。",
    "喜欢爬山和露营，也能在家安安静静待一天。",
    "在医院上班，三班倒，所以更珍惜能见面的时间。",
    "父母都在老家，自己在上海打拼，想找一个互相照顾的伴侣。",
    "喜欢摄影，手机里都是风景照，欢迎一起出去拍照。",
    "做事认真，也喜欢尝试新东西，最近在学游泳。",
    "比较宅，喜欢做手工和看综艺，希望对方有耐心。",
    "相信日久生情，希望先从朋友做起，慢慢了解。",
    "周末常去图书馆，也喜欢打篮球，生活简单规律。",
)


def _nickname(fake: Faker, gender: str) -> str:
    """A given name fitting the gender (no man is called 秀英), as friends say it: one
    character gets 小 or 阿 before it (小红, 阿斌)."""
    given = fake.first_name_female() if gender == "female" else fake.first_name_male()
    return given if len(given) > 1 else fake.random_element(("小", "阿")) + given


def _pick(chooser: random.Random, weighted: tuple[tuple[str, int], ...] | dict[str, int]) -> str:
    items = list(weighted.items()) if isinstance(weighted, dict) else list(weighted)
    return chooser.choices([k for k, _ in items], weights=[w for _, w in items])[0]


def synthetic_profiles(
    count: int, current_year: int, seed: int = 2026
) -> Iterator[tuple[dict, dict[str, bool]]]:
    """Completed questionnaires of single union members: (answers, must-have flags)."""
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    chooser = random.Random(seed)
    hobbies, weights = list(_HOBBY_POPULARITY), list(_HOBBY_POPULARITY.values())
    for _ in range(count):
        gender = "female" if chooser.random() < 0.5 else "male"
        age = max(20, min(45, int(chooser.gauss(29, 4))))
        lower = age - (2 if gender == "female" else 6)
        upper = age + (7 if gender == "female" else 2)
        sought_districts = (
            ["any"]
            if chooser.random() < 0.45
            else sorted({_pick(chooser, _DISTRICT_WEIGHTS) for _ in range(chooser.randint(1, 3))})
        )
        answers = {
            "nickname": _nickname(fake, gender),
            "gender": gender,
            "birth_year": current_year - age,
            "height": int(chooser.gauss(172 if gender == "male" else 161, 6)),
            "education": _pick(chooser, _EDUCATION),
            "industry": _pick(chooser, _INDUSTRIES),
            "district": _pick(chooser, _DISTRICT_WEIGHTS),
            "hometown": fake.province(),
            "marital_status": "never_married" if chooser.random() < 0.9 else "divorced",
            "hobbies": sorted(
                set(chooser.choices(hobbies, weights=weights, k=chooser.randint(2, 6)))
            ),
            **{key: _pick(chooser, options) for key, options in _VALUES.items()},
            "introduction": fake.random_element(INTRODUCTIONS),
            "photos": [],
            "seek_gender": "male" if gender == "female" else "female",
            "seek_age": [max(18, lower), min(70, upper)],
            "seek_districts": sought_districts,
            "seek_education": "any" if chooser.random() < 0.5 else _pick(chooser, _EDUCATION[:3]),
        }
        must = {
            "seek_gender": True,
            "seek_age": chooser.random() < 0.7,
            "seek_districts": chooser.random() < 0.3,
            "seek_education": chooser.random() < 0.3,
        }
        yield answers, must
